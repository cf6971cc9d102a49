/* socket/tcp_timer.c: everything that happens because time passed.
 *
 * A socket waits for up to six things (enum tcp_timer_kind):
 * retransmission (also SYN retries, the zero-window persist probe and the
 * tail loss probe), delayed ACK, a 500 ms "slow" tick for lwIP's poll
 * callback, keepalive, TIME-WAIT and retrying refused data, the wakeup a
 * layer above asked for (tern_tcp_set_wakeup), RACK's reordering timeout
 * and pacing.  Each kind is a deadline in the socket;
 * the earliest of them waits on the table's timing wheel (tcp_wheel.c).
 * Setting a later deadline is a store, and clearing one is a bit: the
 * wheel may then reach the socket with nothing due, which costs less
 * than moving it on every ACK. */
#include <assert.h>
#include "socket/tcp_impl.h"

static void rtx_fire(tern_tcp *t);
static void ack_fire(tern_tcp *t);
static void slow_fire(tern_tcp *t);
static void wake_fire(tern_tcp *t);

static void (*const fire_kind[TCP_TIMERS])(tern_tcp *t) = {
    [TCP_TIMER_RTX] = rtx_fire,
    [TCP_TIMER_ACK] = ack_fire,
    [TCP_TIMER_SLOW] = slow_fire,
    [TCP_TIMER_WAKE] = wake_fire,
    [TCP_TIMER_RACK] = tern__tcp_rack_timer_fire,
    [TCP_TIMER_PACE] = tern__tcp_pace_fire,
};

/* Where kind k's deadline is kept: the sender's own kinds in tcp_flight,
 * which exists while they are armed (tern__tcp_flight_quiet disarms them
 * before giving it back). */
static uint32_t *due_of(tern_tcp *t, unsigned k)
{
    if (k < TCP_TIMER_RACK)
        return &t->due[k];
    assert(t->fl);
    return &t->fl->due_sender[k - TCP_TIMER_RACK];
}

/* Puts the socket on the wheel at its earliest armed deadline, or takes it
 * off. */
static void timers_rearm(tern_tcp *t)
{
    uint32_t first = 0;
    bool any = false;
    for (unsigned k = 0; k < TCP_TIMERS; k++)
        if (tern__tcp_timer_armed(t, k) && (!any || SEQ_LT(*due_of(t, k), first))) {
            first = *due_of(t, k);
            any = true;
        }
    if (!any) {
        tern__tcp_wheel_remove(t);
        return;
    }
    if (tern__tcp_on_wheel(t) && t->wdue == first)
        return;
    tern__tcp_wheel_set(t, first);
}

void tern__tcp_timers_run(tern_tcp *t, uint32_t now)
{
    /* A handler may destroy the socket: held until the loop ends. */
    tcp_enter(t);
    for (unsigned k = 0; k < TCP_TIMERS && !t->dead; k++) {
        if (!tern__tcp_timer_armed(t, k) || SEQ_GT(*due_of(t, k), now))
            continue;
        tern__tcp_timer_clear(t, k);
        fire_kind[k](t);
    }
    if (tern__tcp_leave(t))
        timers_rearm(t);
}

void tern__tcp_timers_init(tern_tcp *t)
{
    t->wpprev = NULL;
    t->wnext = NULL;
    t->timers_armed = 0;
}

void tern__tcp_timers_stop(tern_tcp *t)
{
    t->timers_armed = 0;
    tern__tcp_wheel_remove(t);
}

void tern__tcp_timer_set(tern_tcp *t, enum tcp_timer_kind kind, uint32_t delay_ms)
{
    uint32_t due = tern__stack_now(t->cls->stack) + delay_ms;
    *due_of(t, kind) = due;
    t->timers_armed = (uint8_t)(t->timers_armed | 1u << kind);
    /* Later than the wheel's deadline for t: found when that one comes. */
    if (!tern__tcp_on_wheel(t) || SEQ_LT(due, t->wdue))
        tern__tcp_wheel_set(t, due);
}

static uint32_t backed_off(const tern_tcp *t, uint32_t base, uint8_t shift)
{
    uint64_t v = (uint64_t)base << (shift > 16 ? 16 : shift);
    return v > t->cls->cfg.rto_max_ms ? t->cls->cfg.rto_max_ms : (uint32_t)v;
}

void tern__tcp_arm_rtx(tern_tcp *t)
{
    if (t->persist) {
        tern__tcp_timer_set(t, TCP_TIMER_RTX, backed_off(t, tern__tcp_rto(t), t->persist_backoff));
        return;
    }
    if (t->snd_una == t->snd_max) {
        if (t->fl) {
            /* Quiet from here: an RTO without more data gives the sender's
             * state back (rtx_fire).  A later deadline is a store. */
            t->fl->tlp.armed = false;
            tern__tcp_timer_set(t, TCP_TIMER_RTX, tern__tcp_rto(t));
            return;
        }
        tern__tcp_timer_clear(t, TCP_TIMER_RTX);
        return;
    }
    uint32_t rto = backed_off(t, tern__tcp_rto(t), t->nrtx);
    /* A tail loss probe first, at the latest when the RTO would fire
     * (RFC 8985 7.2: PTO = min(PTO, RTO)). */
    uint32_t pto = tern__tcp_tlp_timeout(t); /* 0 without t->fl */
    if (t->fl)
        t->fl->tlp.armed = pto != 0;
    tern__tcp_timer_set(t, TCP_TIMER_RTX, pto && pto < rto ? pto : rto);
}

void tern__tcp_arm_delack(tern_tcp *t)
{
    if (!tern__tcp_timer_armed(t, TCP_TIMER_ACK))
        tern__tcp_timer_set(t, TCP_TIMER_ACK, t->cls->cfg.delack_ms);
}

#define FIN_WAIT_2_TIMEOUT_MS 20000u /* lwIP's TCP_FIN_WAIT_TIMEOUT */

/* The 500 ms tick runs only for sockets that need it, so thousands of
 * idle connections cost no timer work. */
static bool slow_needed(const tern_tcp *t)
{
    switch (t->state) {
    case TERN_TCP_CLOSED:
    case TERN_TCP_LISTEN:
        return false;
    case TERN_TCP_TIME_WAIT:
        return true;
    case TERN_TCP_FIN_WAIT_2:
        if (t->rx_shut)
            return true; /* nobody would ever read the peer's FIN */
        break;
    default:
        break;
    }
    return t->cls->h->poll || tern__tcp_refusing(t) || t->close_pending ||
           (t->keepalive && (t->state == TERN_TCP_ESTABLISHED || t->state == TERN_TCP_CLOSE_WAIT));
}

void tern__tcp_arm_slow(tern_tcp *t)
{
    if (slow_needed(t) && !tern__tcp_timer_armed(t, TCP_TIMER_SLOW))
        tern__tcp_timer_set(t, TCP_TIMER_SLOW, TCP_SLOW_TICK_MS);
}

/* RFC 6298 2.2-2.3, with Linux's clamps. */
void tern__tcp_rtt_sample(tern_tcp *t, uint32_t rtt)
{
    if (rtt > 60000)
        return;
    if (t->srtt8 == 0) {
        t->srtt8 = (int32_t)(rtt << 3);
        t->rttvar4 = (int32_t)(rtt << 1); /* R/2, scaled by 4 */
    } else {
        int32_t err = (int32_t)rtt - (t->srtt8 >> 3);
        t->srtt8 += err; /* srtt += err/8 */
        if (err < 0)
            err = -err;
        t->rttvar4 += err - (t->rttvar4 >> 2); /* rttvar += (|err| - rttvar)/4 */
    }
}

static void rtx_fire(tern_tcp *t)
{
    if (t->persist) {
        /* Zero-window probing gives up like retransmission does, but only
         * on probes nobody answers: a peer that keeps acknowledging them
         * may hold its window closed indefinitely (RFC 9293 3.8.6.1,
         * MUST-37). */
        if (++t->persist_unanswered > t->cls->cfg.max_rtx) {
            tern__tcp_send_rst_for(t);
            tern__tcp_destroy(t, TERN_ERR_ABRT);
            return;
        }
        if (t->persist_backoff < 15)
            t->persist_backoff++;
        tern__tcp_send_probe(t, false);
        tern__tcp_arm_rtx(t);
        return;
    }
    if (t->snd_una == t->snd_max) {
        tern__tcp_flight_quiet(t); /* an RTO after the last acknowledgment */
        return;
    }
    if (tern__tcp_tlp_armed(t)) {
        tern__tcp_tlp_fire(t);
        return;
    }
    bool handshake = t->state == TERN_TCP_SYN_SENT || t->state == TERN_TCP_SYN_RCVD;
    uint8_t limit = handshake ? t->cls->cfg.max_syn_rtx : t->cls->cfg.max_rtx;
    /* RFC 9293 3.8.3 (MUST-23): an active open retries its SYN for at least
     * 3 minutes, however few retransmissions max_syn_rtx allows at tern's
     * short RTOs (1+2+...+32 s and a last 64 s wait are only 127 s); the
     * application can still give up sooner with close/abort. */
    bool syn_young = t->state == TERN_TCP_SYN_SENT &&
                     tern__stack_now(t->cls->stack) - t->state_since_ms < TCP_SYN_R2_MS;
    if (t->nrtx >= limit && !syn_young) {
        /* R2 reached (RFC 9293 3.8.3): give up on the connection. */
        if (t->state != TERN_TCP_SYN_SENT && t->state != TERN_TCP_SYN_RCVD)
            tern__tcp_send_rst_for(t);
        tern__tcp_destroy(t, TERN_ERR_ABRT);
        return;
    }
    t->nrtx++;
    TCP_COUNT_RARE(t, rto_timeouts);
    if (handshake) {
        tern__tcp_retransmit_seg(t, t->snd_q);
        tern__tcp_arm_rtx(t);
        return;
    }
    /* Go back to SND.UNA with a one-segment window (RFC 5681 3.1); SACK
     * marks are forgotten (RFC 2018 8) and recovery starts over. */
    tern__tcp_cc_on_timeout(t);
    for (tcp_seg *s = t->snd_q; s; s = s->next)
        s->sacked = s->lost = false;
    if (t->fl) {
        t->fl->sacked_bytes = 0;
        t->fl->tlp.active = false;
    }
    tern__tcp_timer_clear(t, TCP_TIMER_RACK);
    tern__tcp_set_next_seg(t, t->snd_q);
    t->snd_nxt = t->snd_una;
    tern__tcp_send_queued(t);
    tern__tcp_arm_rtx(t);
}

static void ack_fire(tern_tcp *t)
{
    /* Armed by an earlier segment whose ACK has left since: nothing owed.
     * (A segment arriving just before a stale expiry is acknowledged early,
     * which RFC 9293 3.8.6.3 allows: the delay is an upper bound.) */
    if (t->state >= TERN_TCP_SYN_RCVD && (t->unacked_segs || t->ack_now))
        tern__tcp_send_ack(t);
}

static void slow_fire(tern_tcp *t)
{
    uint32_t now = tern__stack_now(t->cls->stack);

    if (t->state == TERN_TCP_TIME_WAIT) {
        if (now - t->state_since_ms >= t->cls->cfg.time_wait_ms) {
            /* Quietly, as lwIP frees a TIME-WAIT pcb; but an application
             * that still refuses the peer's data or FIN holds the socket
             * and must hear that it is gone (err ABRT: that data is lost),
             * or it keeps a pointer to freed memory. */
            tern__tcp_destroy(t, tern__tcp_refusing(t) ? TERN_ERR_ABRT : 0);
            return;
        }
    } else if (t->state == TERN_TCP_FIN_WAIT_2 && t->rx_shut && now - t->state_since_ms >= FIN_WAIT_2_TIMEOUT_MS) {
        /* The application closed; a peer that never sends its FIN must
         * not hold the socket forever.  Removed quietly, as lwIP does: a
         * later segment from the peer finds no socket and gets a RST. */
        tern__tcp_destroy(t, 0);
        return;
    }

    if (tern__tcp_refusing(t) && tern__tcp_deliver_refused(t) == TERN_ERR_ABRT)
        return;
    if (t->ack_now && t->state >= TERN_TCP_SYN_RCVD)
        tern__tcp_send_ack(t); /* a window update tcp_recved asked for from recv */

    if (t->keepalive && (t->state == TERN_TCP_ESTABLISHED || t->state == TERN_TCP_CLOSE_WAIT)) {
        uint32_t idle = now - t->last_rx_ms;
        uint32_t cnt = tern__tcp_keep_cnt(t);
        if (idle >= tern__tcp_keep_idle(t) + t->keep_sent * tern__tcp_keep_intvl(t)) {
            /* (keep_sent counts to 255, as lwIP's keep_cnt_sent) */
            if (t->keep_sent >= (cnt < 255 ? cnt : 255)) {
                tern__tcp_send_rst_for(t);
                tern__tcp_destroy(t, TERN_ERR_ABRT);
                return;
            }
            tern__tcp_send_probe(t, true);
            t->keep_sent++;
        }
    }

    if (t->close_pending && !t->fin_queued)
        tern__tcp_send_queued(t);

    if (t->cls->h->poll && ++t->poll_ticks >= t->poll_interval) {
        t->poll_ticks = 0;
        tcp_enter(t);
        t->cls->h->poll(t->arg, t);
        if (!tern__tcp_leave(t))
            return;
        tern__tcp_send_queued(t);
    }
    tern__tcp_arm_slow(t);
}

/* The wakeup the layer above asked for (tern_tcp_set_wakeup): once. */
static void wake_fire(tern_tcp *t)
{
    if (t->cls->h->wakeup)
        t->cls->h->wakeup(tern__tcp_arg(t), t);
}

void tern_tcp_set_wakeup(tern_tcp *t, uint32_t delay_ms)
{
    if (!t || t->dead)
        return;
    if (delay_ms)
        tern__tcp_timer_set(t, TCP_TIMER_WAKE, delay_ms);
    else
        tern__tcp_timer_clear(t, TCP_TIMER_WAKE);
}
