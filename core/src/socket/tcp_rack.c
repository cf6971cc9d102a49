/* socket/tcp_rack.c: RACK-TLP loss detection (RFC 8985), as Linux does it,
 * for connections that negotiated SACK.
 *
 * RACK: every ACK tells which segments were delivered (cumulatively or by
 * SACK); the most recently *sent* of them, and its RTT, are remembered.  A
 * segment sent before it and still undelivered is lost once
 * RTT + reordering window has passed since it was sent: retransmissions are
 * judged like any segment, so a lost retransmission is found without a
 * timeout, and a burst of losses is marked in one go.
 *
 * TLP: when the last segments of a flight are lost there is no later
 * delivery to compare with, and only the RTO would notice.  A probe
 * timeout of about two round trips sends one segment (new data, or the last
 * one again) so the peer's ACK (with SACK) shows the loss and RACK recovers
 * it: a tail loss costs ~2 RTT instead of an RTO.
 *
 * Simplifications, all on the conservative side: times are the stack's
 * milliseconds; the reordering window is min_RTT/4 once reordering has
 * been seen (no DSACK-driven growth, RFC 8985 6.2 step 4's multiplier
 * stays 1); the RTO keeps tern's go-back-N (RFC 5681 3.1). */
#include "socket/tcp_impl.h"

#define TLP_WCDELACK_MS 200u /* worst-case delayed ACK (RFC 8985 7.2) */
#define DUPTHRESH 3u


/* RFC 8985 6.2 RACK_sent_after: t1/s1 was sent after t2/s2 (a later send
 * time, or the same millisecond and a later end). */
static bool sent_after(uint32_t t1, uint32_t s1, uint32_t t2, uint32_t s2)
{
    return (int32_t)(t1 - t2) > 0 || (t1 == t2 && SEQ_GT(s1, s2));
}

void tern__tcp_rack_init(tern_tcp *t) { t->rack_min_rtt_ms = TCP_RTT16_NONE; }

void tern__tcp_rack_delivered(tern_tcp *t, const tcp_seg *seg, const tern_tcp_repr *h)
{
    if (!t->sack_ok)
        return;
    uint32_t now = tern__stack_now(t->cls->stack);
    uint32_t end = seg->seq + tern__tcp_seg_seqlen(seg);
    uint32_t rtt = now - seg->sent_ms;
    tcp_flight *f = t->fl;
    (void)h;
    if (seg->rtx) {
        /* RFC 8985 6.2 step 2: this ACK may be for an earlier
         * transmission; an RTT below the minimum says it is.  (Not the
         * timestamp echo: a receiver echoes the last in-order segment's
         * TSval (RFC 7323 4.3), so an out-of-order probe's SACK always
         * looks older; Linux uses the minimum RTT alone too.) */
        if (t->rack_min_rtt_ms != TCP_RTT16_NONE && rtt < t->rack_min_rtt_ms)
            return;
    } else {
        /* Step 3: a never-retransmitted segment delivered below the
         * highest one delivered by earlier ACKs arrived out of order.
         * (Not this ACK's: its cumulative part and its SACK blocks are
         * news of the same moment.) */
        if (f && f->rack.valid && SEQ_LT(end, f->rack.fack_before))
            f->rack.reord = true;
        if (rtt < t->rack_min_rtt_ms) /* (below TCP_RTT16_NONE: 16 bits) */
            t->rack_min_rtt_ms = (uint16_t)rtt;
    }
    /* A SYN or FIN of a socket that never sent data: only its RTT counts
     * (no data of it can be lost). */
    if (!f)
        return;
    if (!f->rack.valid || SEQ_GT(end, f->rack.fack))
        f->rack.fack = end;
    if (!f->rack.valid || sent_after(seg->sent_ms, end, f->rack.xmit_ms, f->rack.end_seq)) {
        f->rack.valid = true;
        f->rack.xmit_ms = seg->sent_ms;
        f->rack.end_seq = end;
        f->rack.rtt_ms = rtt;
    }
}

/* RFC 8985 6.2 step 4. */
static uint32_t reo_wnd(const tern_tcp *t, const tcp_flight *f)
{
    if (!f->rack.reord && (t->in_recovery || f->sacked_bytes >= DUPTHRESH * t->mss))
        return 0;
    uint32_t w = t->rack_min_rtt_ms == TCP_RTT16_NONE ? 0 : t->rack_min_rtt_ms / 4u;
    uint32_t srtt = (uint32_t)(t->srtt8 >> 3);
    if (w > srtt)
        w = srtt;
    /* The clock ticks in milliseconds: on a sub-millisecond path that has
     * reordered, a zero window would call every reordering a loss. */
    return f->rack.reord && w < 1 ? 1 : w;
}

uint32_t tern__tcp_rack_detect(tern_tcp *t)
{
    tcp_flight *f = t->fl;
    if (!t->sack_ok || !f || !f->rack.valid)
        return 0;
    /* Only a delivered segment sent after an undelivered one shows a loss;
     * with nothing SACKed and no retransmission outstanding there is none. */
    if (!f->sacked_bytes && !t->in_recovery) {
        tern__tcp_timer_clear(t, TCP_TIMER_RACK);
        return 0;
    }
    uint32_t now = tern__stack_now(t->cls->stack);
    uint32_t wait = f->rack.rtt_ms + reo_wnd(t, f);
    uint32_t marked = 0, timeout = 0;
    for (tcp_seg *s = t->snd_q, *stop = tern__tcp_next_seg(t); s && s != stop; s = s->next) {
        if (s->sacked || s->lost)
            continue;
        if (!sent_after(f->rack.xmit_ms, f->rack.end_seq, s->sent_ms, s->seq + tern__tcp_seg_seqlen(s)))
            continue;
        int32_t remaining = (int32_t)(s->sent_ms + wait - now);
        if (remaining <= 0) {
            s->lost = true;
            marked++;
        } else if ((uint32_t)remaining > timeout) {
            timeout = (uint32_t)remaining;
        }
    }
    if (marked)
        TCP_ADD_RARE(t, rack_marked_lost, marked);
    if (timeout)
        tern__tcp_timer_set(t, TCP_TIMER_RACK, timeout);
    else
        tern__tcp_timer_clear(t, TCP_TIMER_RACK);
    return marked;
}

void tern__tcp_rack_recover(tern_tcp *t)
{
    if (!tern__tcp_rack_detect(t) || t->in_recovery)
        return;
    /* A loss: fast recovery (RFC 6675 with RACK's marks, RFC 8985 6.1). */
    tern__tcp_cc_on_loss(t);
    t->in_recovery = true;
    t->fl->recovery_epoch++;
    t->fl->recover = t->snd_max;
    t->recovered = true;
    TCP_COUNT_RARE(t, fast_retransmits);
    TCP_COUNT_RARE(t, sack_recoveries);
    t->fl->tlp.active = false; /* detect found a loss: there is a flight */
    t->fl->tlp.armed = false;
    tern__tcp_prr_on_ack(t, 0, false); /* PRR paces the repair (RFC 6937) */
}

void tern__tcp_rack_timer_fire(tern_tcp *t)
{
    if (t->state < TERN_TCP_ESTABLISHED || t->state == TERN_TCP_TIME_WAIT)
        return;
    tern__tcp_rack_recover(t);
    if (t->in_recovery)
        tern__tcp_send_queued(t);
}

/* ---- tail loss probes ---- */

uint32_t tern__tcp_tlp_timeout(const tern_tcp *t)
{
    /* Without data sent there is no probe: a lone SYN or FIN is the RTO's. */
    if (!t->sack_ok || !t->fl || t->in_recovery || t->fl->tlp.active || t->nrtx || !t->srtt8 ||
        t->persist || t->snd_una == t->snd_max)
        return 0;
    switch (t->state) {
    case TERN_TCP_ESTABLISHED:
    case TERN_TCP_CLOSE_WAIT:
    case TERN_TCP_FIN_WAIT_1:
    case TERN_TCP_CLOSING:
    case TERN_TCP_LAST_ACK:
        break;
    default:
        return 0;
    }
    /* RFC 8985 7.2: PTO = 2 * SRTT, plus the peer's worst-case delayed
     * ACK when only one segment is in flight (its ACK may be delayed). */
    uint32_t pto = (uint32_t)(t->srtt8 >> 2);
    if (t->snd_max - t->snd_una <= t->mss)
        pto += TLP_WCDELACK_MS;
    if (pto < 10)
        pto = 10; /* the stack's clock ticks in milliseconds */
    return pto;
}

void tern__tcp_tlp_fire(tern_tcp *t)
{
    tcp_flight *f = t->fl; /* a probe was armed: there is a flight */
    f->tlp.armed = false;
    uint32_t before = t->snd_max;
    bool sent_new = tern__tcp_send_one_new(t);
    if (!sent_new) {
        /* Nothing new may go: resend the last segment sent (7.3), or the
         * last one with data when that is a bare FIN: a receiver holds no
         * FIN out of order, so only data can come back SACKed and show
         * what is missing. */
        tcp_seg *last = NULL, *last_data = NULL;
        for (tcp_seg *s = t->snd_q, *stop = tern__tcp_next_seg(t); s && s != stop; s = s->next) {
            last = s;
            if (s->len)
                last_data = s;
        }
        if (last && !last->len && last_data)
            last = last_data;
        if (!last) {
            tern__tcp_arm_rtx(t);
            return;
        }
        tern__tcp_retransmit_seg(t, last);
    }
    f->tlp.active = true;
    f->tlp.retrans = !sent_new || SEQ_LEQ(t->snd_max, before);
    f->tlp.end_seq = t->snd_max;
    TCP_COUNT_RARE(t, tlp_probes);
    tern__tcp_arm_rtx(t); /* the RTO now (a probe is outstanding) */
}

void tern__tcp_tlp_on_ack(tern_tcp *t, const tern_tcp_repr *h, bool advanced)
{
    tcp_flight *f = t->fl;
    if (!f || !f->tlp.active || SEQ_LT(h->ack, f->tlp.end_seq))
        return;
    /* RFC 2883: a first SACK block below the cumulative ACK is a D-SACK,
     * the peer got a segment twice: the original and the probe both came. */
    bool dsack = h->sack_count && SEQ_LEQ(h->sack[0].right, h->ack);
    if (!f->tlp.retrans || dsack) {
        f->tlp.active = false;
    } else if (SEQ_GT(h->ack, f->tlp.end_seq)) {
        /* Past the probe and no sign of a duplicate: the probe repaired a
         * loss, which calls for the congestion response of fast recovery
         * (RFC 8985 7.4.2). */
        f->tlp.active = false;
        tern__tcp_cc_on_loss(t);
    } else if (!advanced && !h->sack_count) {
        /* A duplicate ACK at the probe's end: both copies arrived. */
        f->tlp.active = false;
    }
}
