/* socket/tcp_cc.c: congestion control.
 *
 * NewReno (RFC 5681 slow start and congestion avoidance, RFC 6582 fast
 * recovery) and CUBIC (RFC 9438), the default, chosen per socket; in fast
 * recovery, with or without SACK, Proportional Rate Reduction (RFC 6937)
 * sets what may leave.  Windows are in bytes; time in milliseconds. */
#include <math.h>

#include "socket/tcp_impl.h"

#define CUBIC_C 0.4         /* RFC 9438 4.2 */
#define CUBIC_BETA 0.7      /* multiplicative decrease */

/* RFC 9406 4.3 constants. */
#define HS_MIN_RTT_THRESH 4u
#define HS_MAX_RTT_THRESH 16u
#define HS_MIN_RTT_DIVISOR 8u
#define HS_N_RTT_SAMPLE 8u
#define HS_CSS_GROWTH_DIVISOR 4u
#define HS_CSS_ROUNDS 5u

static void hystart_reset(tcp_hystart *h) { *h = (tcp_hystart){.last_min_rtt = UINT32_MAX, .cur_min_rtt = UINT32_MAX}; }

void tern__tcp_cc_flight_init(tcp_flight *f)
{
    f->cubic = (tcp_cubic){0};
    hystart_reset(&f->hystart);
}

void tern__tcp_cc_rtt_sample(tern_tcp *t, uint32_t rtt)
{
    /* Only the initial slow start (RFC 9406 4.2): after a loss ssthresh
     * already says where the queue overflowed.  Its rounds count data. */
    if (!t->fl || t->cwnd >= t->ssthresh || t->ssthresh != UINT32_MAX / 2)
        return;
    tcp_hystart *h = &t->fl->hystart;
    if (rtt < h->cur_min_rtt)
        h->cur_min_rtt = rtt;
    if (h->samples < 0xffff)
        h->samples++;
    if (h->css || h->samples < HS_N_RTT_SAMPLE || h->last_min_rtt == UINT32_MAX)
        return;
    uint32_t thresh = h->last_min_rtt / HS_MIN_RTT_DIVISOR;
    if (thresh > HS_MAX_RTT_THRESH)
        thresh = HS_MAX_RTT_THRESH;
    if (thresh < HS_MIN_RTT_THRESH)
        thresh = HS_MIN_RTT_THRESH;
    if (h->cur_min_rtt >= h->last_min_rtt + thresh) {
        /* The round trip grew: a queue is building.  Slow down (4.2). */
        h->css = true;
        h->css_baseline = h->cur_min_rtt;
        h->css_rounds = 0;
    }
}

/* A new round starts when the data sent at the start of the last one is
 * acknowledged (RFC 9406 4.2). */
static void hystart_round(tern_tcp *t)
{
    tcp_hystart *h = &t->fl->hystart;
    if (h->round_open && SEQ_LT(t->snd_una, h->window_end))
        return;
    if (h->round_open) {
        if (h->css) {
            if (h->cur_min_rtt < h->css_baseline) {
                h->css = false; /* the delay increase was spurious */
            } else if (++h->css_rounds >= HS_CSS_ROUNDS) {
                /* Five rounds of it: slow start is over. */
                t->ssthresh = t->cwnd;
                h->css = false;
            }
        }
        h->last_min_rtt = h->cur_min_rtt;
    }
    h->round_open = true;
    h->window_end = t->snd_max;
    h->cur_min_rtt = UINT32_MAX;
    h->samples = 0;
}

void tern__tcp_cc_init(tern_tcp *t)
{
    if (t->fl)
        tern__tcp_cc_flight_init(t->fl);
    /* RFC 5681 3.1 / RFC 6928: initial window of 10 segments. */
    t->cwnd = 10u * t->mss;
    t->ssthresh = UINT32_MAX / 2;
    t->in_recovery = false;
    if (t->fl)
        t->fl->dupacks = 0;
}

void tern__tcp_cc_restart_after_idle(tern_tcp *t)
{
    /* RFC 5681 4.1: a sender that sent nothing for an RTO starts again
     * from the restart window, min(IW, cwnd): what it learnt of the path
     * is stale, and a whole grown window at once could overflow a queue
     * that filled meanwhile.  ssthresh keeps 3/4 of the old cwnd (RFC 2861
     * 3; Linux's tcp_cwnd_restart does the same), so slow start regains
     * it in a few round trips. */
    uint32_t iw = 10u * t->mss;
    if (t->cwnd <= iw)
        return;
    uint32_t three_quarters = t->cwnd - t->cwnd / 4;
    if (t->ssthresh < three_quarters)
        t->ssthresh = three_quarters;
    t->cwnd = iw;
}

static void reno_avoid(tern_tcp *t, uint32_t acked)
{
    /* cwnd += MSS*MSS/cwnd per ACK, counted in bytes (RFC 5681 3.1, ABC). */
    tcp_cubic *c = &t->fl->cubic;
    c->ack_bytes += acked;
    if (c->ack_bytes >= t->cwnd) {
        c->ack_bytes -= t->cwnd;
        t->cwnd += t->mss;
    }
}

static void cubic_avoid(tern_tcp *t, uint32_t acked)
{
    tcp_cubic *c = &t->fl->cubic;
    uint32_t now = tern__stack_now(t->cls->stack);
    double mss = t->mss;
    if (c->epoch_ms == 0) {
        c->epoch_ms = now ? now : 1;
        if (c->w_max < t->cwnd)
            c->w_max = t->cwnd; /* no reduction seen: start from here */
        double wmax = c->w_max / mss, cw = t->cwnd / mss;
        c->k_ms = (uint32_t)(cbrt((wmax - cw) / CUBIC_C) * 1000.0);
        c->w_est = t->cwnd;
    }
    double tsec = (double)(now - c->epoch_ms + (uint32_t)(t->srtt8 >> 3)) / 1000.0;
    double dk = tsec - c->k_ms / 1000.0;
    double target = (CUBIC_C * dk * dk * dk + c->w_max / mss) * mss; /* W_cubic(t + RTT) */
    /* Reno-friendly region (RFC 9438 4.3). */
    double alpha = 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);
    c->w_est += (uint32_t)(alpha * mss * acked / (double)t->cwnd);
    if (target < c->w_est)
        target = c->w_est;
    if (target > 1.5 * t->cwnd)
        target = 1.5 * t->cwnd; /* RFC 9438 4.4: at most 1.5x per RTT */
    if (target > t->cwnd) {
        /* Grow towards the target over one window of ACKs. */
        uint64_t inc = (uint64_t)((target - t->cwnd) * acked / t->cwnd);
        t->cwnd += inc ? (uint32_t)inc : 0;
        if (!inc)
            reno_avoid(t, acked);
    }
}

void tern__tcp_cc_on_ack(tern_tcp *t, uint32_t acked)
{
    if (!acked) /* data acknowledged (acked > 0) means data was queued: t->fl is there */
        return;
    if (t->cwnd < t->ssthresh) {
        /* Slow start with appropriate byte counting (RFC 3465, L = 2),
         * a quarter of it in HyStart++'s conservative phase. */
        uint32_t inc = acked < 2u * t->mss ? acked : 2u * t->mss;
        hystart_round(t);
        if (t->fl->hystart.css)
            inc /= HS_CSS_GROWTH_DIVISOR;
        t->cwnd += inc ? inc : 1;
        return;
    }
    if (t->cc == TERN_TCP_CC_CUBIC)
        cubic_avoid(t, acked);
    else
        reno_avoid(t, acked);
    if (t->cwnd > (1u << 30))
        t->cwnd = 1u << 30;
}

static uint32_t reduced_window(tern_tcp *t)
{
    uint32_t flight = t->snd_nxt - t->snd_una;
    uint32_t base = t->cwnd < flight ? t->cwnd : flight;
    uint32_t w;
    if (t->cc == TERN_TCP_CC_CUBIC && t->fl) {
        /* Fast convergence (RFC 9438 4.7). */
        tcp_cubic *c = &t->fl->cubic;
        c->w_max = base < c->w_max ? (uint32_t)(base * (1.0 + CUBIC_BETA) / 2.0) : base;
        c->epoch_ms = 0;
        c->ack_bytes = 0;
        /* RFC 9438 4.6: from the flight, not a cwnd the flow never used
         * (a receiver's window or the application held it back). */
        w = (uint32_t)(base * CUBIC_BETA);
    } else if (t->cc == TERN_TCP_CC_CUBIC) {
        w = (uint32_t)(base * CUBIC_BETA); /* a SYN or FIN timed out: no epoch to end */
    } else {
        w = base / 2; /* RFC 5681 (4) */
    }
    return w > 2u * t->mss ? w : 2u * t->mss;
}

void tern__tcp_cc_on_loss(tern_tcp *t)
{
    t->ssthresh = reduced_window(t);
    t->cwnd = t->sack_ok ? t->ssthresh : t->ssthresh + 3u * t->mss;
    /* PRR's episode starts (RFC 6937 3, "at the beginning of recovery").
     * Without SACK the duplicate ACKs that called for it each stand for
     * one segment delivered (RFC 6937 3, DeliveredData). */
    uint32_t flight = t->snd_max - t->snd_una;
    uint32_t dup = t->sack_ok ? 0 : (uint32_t)t->fl->dupacks * t->mss; /* (recovery: a flight) */
    tern__tcp_prr_fold(t); /* the last episode's bytes into the total */
    t->fl->prr = (tcp_prr){.recover_fs = flight ? flight : 1, .delivered = dup, .dup_est = dup < flight ? dup : flight};
}

/* RFC 6937 3: sndcnt, with the Slow Start Reduction Bound (PRR-SSRB).
 * While the pipe is above ssthresh, send ssthresh/RecoverFS of what is
 * delivered (CUBIC: 0.7 segment per segment, so the link never idles for
 * half a window as with NewReno's inflation); below it, grow back towards
 * ssthresh no faster than slow start. */
void tern__tcp_prr_on_ack(tern_tcp *t, uint32_t delivered, bool dupack)
{
    tcp_prr *r = &t->fl->prr; /* in recovery: there is a flight */
    uint32_t raw = t->snd_nxt - t->snd_una;
    if (!t->sack_ok) {
        /* No SACK: a duplicate ACK is one segment delivered; a partial ACK
         * is what it covers, less the segments its duplicates already
         * counted (all but the repaired hole). */
        if (dupack) {
            delivered = t->mss;
            r->dup_est += t->mss;
        } else {
            uint32_t counted = delivered > t->mss ? delivered - t->mss : 0;
            if (counted > r->dup_est)
                counted = r->dup_est;
            r->dup_est -= counted;
            delivered -= counted;
        }
        if (r->dup_est > raw)
            r->dup_est = raw;
    }
    r->delivered += delivered;
    /* The pipe (RFC 6675): with SACK tern__tcp_flight is it; without,
     * everything outstanding less what duplicate ACKs said has left. */
    uint32_t pipe = t->sack_ok ? tern__tcp_flight(t) : raw - r->dup_est;
    int64_t sndcnt;
    if (pipe > t->ssthresh) {
        uint64_t due = ((uint64_t)r->delivered * t->ssthresh + r->recover_fs - 1) / r->recover_fs;
        sndcnt = (int64_t)due - r->out;
    } else {
        int64_t limit = (int64_t)r->delivered - r->out;
        if (limit < (int64_t)delivered)
            limit = delivered;
        limit += t->mss;
        sndcnt = (int64_t)(t->ssthresh - pipe);
        if (sndcnt > limit)
            sndcnt = limit;
    }
    if (sndcnt < 0)
        sndcnt = 0;
    /* tern__tcp_send_queued holds the flight it counts below cwnd.
     * Without SACK that flight does not see a retransmission (it is
     * inside SND.NXT - SND.UNA already), so the hole waiting to go again
     * is taken out of sndcnt here; it leaves whatever cwnd says. */
    if (!t->sack_ok && t->snd_q && t->snd_q->lost)
        sndcnt = sndcnt > t->snd_q->len ? sndcnt - t->snd_q->len : 0;
    t->cwnd = tern__tcp_flight(t) + (uint32_t)sndcnt;
    if (t->cwnd < t->mss)
        t->cwnd = t->mss;
}

void tern__tcp_cc_on_timeout(tern_tcp *t)
{
    if (t->fl)
        hystart_reset(&t->fl->hystart); /* slow start again from one segment (RFC 9406 4.3) */
    if (!t->in_recovery || t->nrtx <= 1)
        t->ssthresh = reduced_window(t);
    t->cwnd = t->mss; /* loss window (RFC 5681 3.1) */
    t->in_recovery = false;
    if (t->fl) {
        /* (A socket that never sent data had a SYN or FIN out: no fast
         * retransmit can follow, so there is no recovery point to keep.) */
        t->fl->recover = t->snd_max;
        t->recovered = true;
    }
    if (t->fl) {
        t->fl->dupacks = 0;
        t->fl->cubic.epoch_ms = 0;
    }
}

void tern__tcp_cc_exit_recovery(tern_tcp *t)
{
    t->in_recovery = false;
    /* RFC 6582 3.2 step 3, option (1): min(ssthresh, max(FlightSize,
     * SMSS) + SMSS), and slow start up to ssthresh from there.  A full ACK
     * often covers much more than what is in flight (a hole filled at a
     * receiver without SACK acknowledges everything held behind it);
     * cwnd = ssthresh would let a whole window leave at once and overflow
     * the very queue that caused the loss. */
    uint32_t flight = t->snd_nxt - t->snd_una;
    uint32_t w = (flight > t->mss ? flight : t->mss) + t->mss;
    t->cwnd = w < t->ssthresh ? w : t->ssthresh;
    /* With pacing the window is not a burst: what it opens leaves over a
     * round trip, so recovery may end at ssthresh as RFC 6937 3 has it
     * (cwnd = ssthresh), without a slow start back from the flight. */
    if (tern__tcp_pace_active(t))
        t->cwnd = t->ssthresh;
    if (t->fl)
        t->fl->dupacks = 0;
    for (tcp_seg *s = t->snd_q; s; s = s->next)
        s->lost = false;
}
