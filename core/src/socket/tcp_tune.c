/* socket/tcp_tune.c: receive- and send-buffer autotuning under a
 * stack-wide budget.
 *
 * Receive (dynamic right-sizing, as Linux's tcp_rcv_space_adjust): when the
 * application consumed (tern_tcp_recved) more than half the buffer within
 * one round trip, the buffer doubles, up to cfg.rcv_buf_max.  Consumption,
 * not arrival, is the measure: it shows both that the peer fills the window
 * and that the application keeps up (judging "keeps up" by the unread
 * bytes right after a delivery would count the segment just delivered: a
 * device that hands over window-sized bursts never looked drained).  Window
 * scaling is offered for rcv_buf_max (tcp_output.c), so the grown buffer
 * reaches the wire.
 *
 * Send (as Linux's tcp_sndbuf_expand): the data a socket may queue is
 * max(cfg.snd_buf, 2 x min(cwnd, peer's window)), up to cfg.snd_buf_max:
 * one flight in the network and one more ready behind it, so a writer that
 * fills the buffer from its sent callback keeps the pipe full.
 *
 * Budget.  What a socket holds beyond its configured sizes (rcv_buf grown
 * past cfg.rcv_buf, send data queued past cfg.snd_buf) is granted from the
 * stack's budget; the configured sizes themselves are never counted and
 * never taken away.  A growth the budget cannot cover is cut to what is
 * left and marks pressure; for TUNE_PRESSURE_MS after that, a socket whose
 * receive buffer is above an equal share of the budget gives back half of
 * its excess at its next round trip with data (the advertised right edge
 * never moves back, RFC 9293 3.8.6: the window closes as data arrives), and
 * the send limit of every socket is held to its equal share. */
#include "socket/tcp_impl.h"

#define TUNE_PRESSURE_MS 1000u

static uint64_t budget(const tern_tcp_table *tb)
{
    return tb->tune_budget_set ? tb->tune_budget : TERN_TCP_TUNE_BUDGET_DEFAULT;
}

static uint64_t room(const tern_tcp_table *tb)
{
    uint64_t b = budget(tb);
    return tb->tune_granted >= b ? 0 : b - tb->tune_granted;
}

static bool under_pressure(const tern_tcp_table *tb, uint32_t now)
{
    return tb->tune_pressure && now - tb->tune_pressure_ms < TUNE_PRESSURE_MS;
}

/* An equal share of the budget among the sockets holding some of it. */
static uint64_t share(const tern_tcp_table *tb)
{
    return budget(tb) / (tb->tune_count ? tb->tune_count : 1);
}

static uint32_t rcv_extra(const tern_tcp *t) { return t->rcv_buf > t->cls->cfg.rcv_buf ? t->rcv_buf - t->cls->cfg.rcv_buf : 0; }
/* Only a socket with data to send holds a send grant. */
static uint32_t snd_grant(const tern_tcp *t) { return t->fl ? t->fl->snd_grant : 0; }

/* Moves the socket's grant by delta bytes (either sign). */
static void account(tern_tcp *t, tern_tcp_table *tb, int64_t delta)
{
    tb->tune_granted = (uint64_t)((int64_t)tb->tune_granted + delta);
    bool holds = rcv_extra(t) > 0 || snd_grant(t) > 0;
    if (holds != t->tuned) {
        t->tuned = holds;
        if (holds)
            tb->tune_count++;
        else
            tb->tune_count--;
    }
}

static void mark_pressure(tern_tcp_table *tb, uint32_t now)
{
    tb->tune_pressure = true;
    tb->tune_pressure_ms = now;
}

void tern_stack_set_tcp_budget(tern_stack *s, uint64_t bytes)
{
    tern_tcp_table *tb = tern__tcp_table(s);
    if (!tb)
        return;
    tb->tune_budget_set = true;
    tb->tune_budget = bytes;
}

uint64_t tern_stack_tcp_budget_used(tern_stack *s)
{
    tern_tcp_table *tb = s ? s->tcp : NULL;
    return tb ? tb->tune_granted : 0;
}

void tern__tcp_autotune(tern_tcp *t, uint32_t now)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    /* One round trip per step.  The clock ticks in milliseconds: a path
     * faster than that has SRTT 0, which counts as one tick. */
    uint32_t rtt = (uint32_t)(t->srtt8 >> 3);
    if (now - t->autotune_ms < (rtt ? rtt : 1))
        return;
    uint32_t extra = rcv_extra(t);
    if (under_pressure(tb, now) && extra > 0 && extra > share(tb)) {
        /* Fall back toward the configured size: half the excess goes. */
        uint32_t give = (extra + 1) / 2;
        t->rcv_buf -= give;
        account(t, tb, -(int64_t)give);
    } else if (t->autotune_bytes * 2 > t->rcv_buf && t->rcv_buf < t->cls->cfg.rcv_buf_max) {
        uint32_t grow = t->rcv_buf;
        if (t->rcv_buf + grow > t->cls->cfg.rcv_buf_max)
            grow = t->cls->cfg.rcv_buf_max - t->rcv_buf;
        uint64_t r = room(tb);
        if (grow > r) {
            grow = (uint32_t)r;
            mark_pressure(tb, now);
        }
        t->rcv_buf += grow;
        account(t, tb, grow);
    }
    t->autotune_ms = now;
    t->autotune_bytes = 0;
}

uint32_t tern__tcp_snd_limit_grown(const tern_tcp *t, uint64_t want)
{
    uint32_t base = t->cls->cfg.snd_buf;
    tern_tcp_table *tb = t->cls->stack->tcp;
    if (!tb)
        return base;
    uint64_t extra = want - base;
    uint32_t held = snd_grant(t);
    uint64_t may = held + room(tb);
    if (under_pressure(tb, tern__stack_now(t->cls->stack)) && may > share(tb))
        may = share(tb) > held ? share(tb) : held;
    if (extra > may) {
        extra = may;
        mark_pressure(tb, tern__stack_now(t->cls->stack));
    }
    return base + (uint32_t)extra;
}

void tern__tcp_tune_snd(tern_tcp *t)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    if (!tb)
        return;
    uint32_t q = tern__tcp_snd_queued(t), g = q > t->cls->cfg.snd_buf ? q - t->cls->cfg.snd_buf : 0;
    if (g == snd_grant(t))
        return; /* always so without data */
    int64_t delta = (int64_t)g - (int64_t)t->fl->snd_grant;
    t->fl->snd_grant = g;
    account(t, tb, delta);
}

void tern__tcp_tune_release(tern_tcp *t)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    if (!tb || !t->tuned)
        return;
    int64_t held = (int64_t)rcv_extra(t) + snd_grant(t);
    if (t->fl)
        t->fl->snd_grant = 0;
    t->rcv_buf = t->cls->cfg.rcv_buf;
    account(t, tb, -held);
}
