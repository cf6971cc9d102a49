/* stack/timer.c: the timer heap.
 *
 * Deadlines are 32-bit millisecond clock values compared with wrap-around
 * arithmetic (valid while no timer is more than 24 days away). */
#include <stdlib.h>

#include "buf/pbuf_cache.h"
#include "stack/stack_impl.h"

static bool timer_before(const tern_timer *a, const tern_timer *b)
{
    int32_t d = (int32_t)(a->deadline - b->deadline);
    if (d != 0)
        return d < 0;
    return a->order < b->order;
}

static void heap_set(tern_stack *s, uint32_t i, tern_timer *t)
{
    s->heap[i] = t;
    t->heap_index = i + 1;
}

static void sift_up(tern_stack *s, uint32_t i)
{
    tern_timer *t = s->heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!timer_before(t, s->heap[parent]))
            break;
        heap_set(s, i, s->heap[parent]);
        i = parent;
    }
    heap_set(s, i, t);
}

static void sift_down(tern_stack *s, uint32_t i)
{
    tern_timer *t = s->heap[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= s->heap_len)
            break;
        if (child + 1 < s->heap_len && timer_before(s->heap[child + 1], s->heap[child]))
            child++;
        if (!timer_before(s->heap[child], t))
            break;
        heap_set(s, i, s->heap[child]);
        i = child;
    }
    heap_set(s, i, t);
}

void tern_timer_init(tern_timer *t, tern_timer_fn fn, void *arg)
{
    t->deadline = 0;
    t->heap_index = 0;
    t->order = 0;
    t->fn = fn;
    t->arg = arg;
}

/* The heap array gives back what a wave of timers made it grow to: halved
 * when under a quarter full (it doubles only when full, so a steady count
 * never flips it; each halving is paid for by the removals before it).
 * 10 000 connections closed used to leave 128 KiB behind. */
#define TIMER_HEAP_MIN 64u
/* Out of line: the realloc would otherwise cost every stop a prologue
 * saving registers it almost never needs. */
static __attribute__((noinline, cold)) void heap_shrink(tern_stack *s)
{
    tern_timer **h = realloc(s->heap, (s->heap_cap / 2) * sizeof(*h));
    if (!h)
        return; /* keep the larger array */
    s->heap = h;
    s->heap_cap /= 2;
}

/* Puts the timer at index i where it belongs, up or down. */
static void heap_fix(tern_stack *s, uint32_t i)
{
    if (i > 0 && timer_before(s->heap[i], s->heap[(i - 1) / 2]))
        sift_up(s, i);
    else
        sift_down(s, i);
}

void tern_timer_stop(tern_stack *s, tern_timer *t)
{
    if (!t->heap_index)
        return;
    uint32_t i = t->heap_index - 1;
    t->heap_index = 0;
    s->heap_len--;
    if (i != s->heap_len) {
        heap_set(s, i, s->heap[s->heap_len]);
        heap_fix(s, i);
    }
    if (s->heap_cap > TIMER_HEAP_MIN && s->heap_len < s->heap_cap / 4)
        heap_shrink(s);
}

bool tern_timer_start(tern_stack *s, tern_timer *t, uint32_t delay_ms)
{
    if (t->heap_index) {
        /* Re-armed: the new key, then one sift from where it sits (a
         * stop and a push would cost two). */
        t->deadline = tern__stack_now(s) + delay_ms;
        t->order = ++s->timer_seq;
        heap_fix(s, t->heap_index - 1);
        return true;
    }
    if (s->heap_len == s->heap_cap) {
        uint32_t cap = s->heap_cap ? s->heap_cap * 2 : TIMER_HEAP_MIN;
        tern_timer **h = realloc(s->heap, cap * sizeof(*h));
        if (!h)
            return false;
        s->heap = h;
        s->heap_cap = cap;
    }
    t->deadline = tern__stack_now(s) + delay_ms;
    t->order = ++s->timer_seq;
    s->heap[s->heap_len] = t;
    t->heap_index = ++s->heap_len;
    sift_up(s, s->heap_len - 1);
    return true;
}

void tern_stack_poll(tern_stack *s)
{
    tern__stack_clock_hold(s); /* the handlers see the time of this poll */
    uint32_t now = tern__stack_now(s);
    /* A callback may arm a timer that is already due; bounding the loop by
     * the number of timers armed at entry keeps one poll finite. */
    uint64_t last_order = s->timer_seq;
    while (s->heap_len) {
        tern_timer *t = s->heap[0];
        if ((int32_t)(t->deadline - now) > 0 || t->order > last_order)
            break;
        tern_timer_stop(s, t);
        t->fn(t, t->arg);
    }
    /* Timers run after traffic (a delayed ACK, a retransmission timer, the
     * quiet deadline): the last of them starts the cache's decay. */
    if (!tern_timer_armed(&s->pbuf_decay) && tern__pbuf_cached()) {
        s->decay_packets = s->stats.ip_in + s->stats.ip_out;
        tern_timer_start(s, &s->pbuf_decay, TERN_PBUF_DECAY_MS);
    }
    tern__stack_clock_release(s);
}

void tern__stack_pbuf_decay(tern_timer *t, void *arg)
{
    tern_stack *s = arg;
    uint64_t packets = s->stats.ip_in + s->stats.ip_out;
    if (packets == s->decay_packets)
        tern_pbuf_trim(); /* a quiet interval: the next burst may malloc again */
    s->decay_packets = packets;
    if (tern__pbuf_cached())
        tern_timer_start(s, t, TERN_PBUF_DECAY_MS);
}

uint32_t tern_stack_next_timeout(tern_stack *s)
{
    if (!s->heap_len)
        return UINT32_MAX;
    int32_t d = (int32_t)(s->heap[0]->deadline - tern__stack_now(s));
    return d > 0 ? (uint32_t)d : 0;
}
