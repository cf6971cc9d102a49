/* socket/tcp_pace.c: send pacing.
 *
 * A congestion window says how much may be in flight, not how fast it may
 * leave.  When ACKs release it a segment or two at a time that is the
 * same thing, but a window that opens at once (a full ACK at the end of
 * recovery covering everything a receiver without SACK held, an
 * application writing after an idle spell, a window update) would leave
 * as one line-rate burst and overflow the very queue the window was sized
 * for.  Pacing spreads what leaves over the round trip, as Linux's TCP does
 * (internal pacing, tcp_update_pacing_rate): a rate of 2 x cwnd / SRTT in
 * slow start and 1.2 x cwnd / SRTT otherwise, enforced by a token bucket
 * whose depth (ten segments, RFC 6928's initial window, or two
 * milliseconds at the rate when that is more) lets ACK-clocked sending
 * through untouched.  Pacing needs an RTT: before the first sample, and
 * below PACE_MIN_SRTT_MS, it is off and the window alone rules: the
 * stack's clock counts milliseconds, so a sample may be 1 ms off, and only
 * from 5 ms on is that within the 20% headroom of the rate (a relay's
 * sub-millisecond paths are never paced).  Only new data is paced; retransmissions
 * in fast recovery follow PRR (tcp_cc.c). */
#include "socket/tcp_impl.h"

#define PACE_BURST_SEGS 10u /* RFC 6928: the burst a sender may send at once */
#define PACE_SS_PERCENT 200u /* Linux's tcp_pacing_ss_ratio */
#define PACE_CA_PERCENT 120u /* Linux's tcp_pacing_ca_ratio */
#define PACE_MIN_SRTT_MS 5u

/* Bytes per second: cwnd x ratio / SRTT.  0 when pacing is off for this
 * socket now. */
static uint64_t pace_rate(const tern_tcp *t)
{
    uint32_t srtt_ms = (uint32_t)(t->srtt8 >> 3);
    if (!t->cls->cfg.pacing || srtt_ms < PACE_MIN_SRTT_MS)
        return 0;
    /* Linux: slow start's ratio while cwnd is below half of ssthresh (it
     * is still doubling), congestion avoidance's after. */
    uint32_t pct = t->cwnd < t->ssthresh / 2 ? PACE_SS_PERCENT : PACE_CA_PERCENT;
    return (uint64_t)t->cwnd * pct * 10u / srtt_ms; /* cwnd*pct/100 bytes per srtt_ms */
}

bool tern__tcp_pace_active(const tern_tcp *t) { return pace_rate(t) != 0; }

static uint32_t pace_depth(const tern_tcp *t, uint64_t rate)
{
    uint64_t d = rate * 2u / 1000u; /* two milliseconds: the clock's step, twice */
    uint64_t min = (uint64_t)PACE_BURST_SEGS * t->mss;
    if (d < min)
        d = min;
    return d > INT32_MAX ? INT32_MAX : (uint32_t)d;
}

/* The bucket refilled for the time since it was last: what may leave. */
static __attribute__((noinline)) uint32_t refill(tern_tcp *t, tcp_flight *f, uint64_t rate)
{
    uint32_t now = tern__stack_now(t->cls->stack);
    uint32_t depth = pace_depth(t, rate);
    if (!f->pace_started) {
        /* The first paced send may burst as an initial window would. */
        f->pace_started = true;
        f->pace_credit = depth;
    } else {
        uint64_t add = (uint64_t)(now - f->pace_stamp_ms) * rate / 1000u;
        uint64_t c = (uint64_t)f->pace_credit + add;
        f->pace_credit = c > depth ? depth : (uint32_t)c;
    }
    f->pace_stamp_ms = now;
    return f->pace_credit;
}

uint32_t tern__tcp_pace_room(tern_tcp *t)
{
    uint64_t rate = pace_rate(t);
    /* Unpaced (most sockets, every segment): a leaf that returns at once.
     * A lone SYN or FIN (no t->fl) leaves when it may. */
    if (!rate || !t->fl)
        return UINT32_MAX;
    return refill(t, t->fl, rate);
}

void tern__tcp_pace_sent(tern_tcp *t, uint32_t len)
{
    tcp_flight *f = t->fl;
    if (!f || !f->pace_started)
        return;
    f->pace_credit = len < f->pace_credit ? f->pace_credit - len : 0;
}

void tern__tcp_pace_wait(tern_tcp *t, uint32_t len)
{
    tcp_flight *f = t->fl;
    uint64_t rate = f ? pace_rate(t) : 0;
    if (!rate || tern__tcp_timer_armed(t, TCP_TIMER_PACE))
        return;
    uint32_t need = len > f->pace_credit ? len - f->pace_credit : 1;
    uint64_t ms = ((uint64_t)need * 1000u + rate - 1) / rate;
    tern__tcp_timer_set(t, TCP_TIMER_PACE, ms ? (uint32_t)(ms > 1000 ? 1000 : ms) : 1);
}

void tern__tcp_pace_fire(tern_tcp *t)
{
    tern__tcp_send_queued(t);
}
