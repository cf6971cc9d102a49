/* tern/timer.h: one-shot timers on a stack's clock.
 *
 * A tern_timer is embedded in its owner (no allocation to arm one); armed
 * timers live in a binary heap, so arming, cancelling and finding the next
 * deadline cost O(log n).  TCP connections do not hold one each: their
 * deadlines share a timing wheel that runs on a single one of these. */
#ifndef TERN_TIMER_H
#define TERN_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include "tern/export.h"

#include "tern/stack.h"

struct tern_timer;
typedef void (*tern_timer_fn)(struct tern_timer *t, void *arg);

typedef struct tern_timer {
    uint32_t deadline;
    uint32_t heap_index; /* position in the heap + 1; 0 when not armed */
    uint64_t order;      /* arming order: equal deadlines fire first-armed first */
    tern_timer_fn fn;
    void *arg;
} tern_timer;

TERN_API void tern_timer_init(tern_timer *t, tern_timer_fn fn, void *arg);
/* (Re)arms t to fire delay_ms from now.  Returns false only when the heap
 * cannot grow (out of memory). */
TERN_API bool tern_timer_start(tern_stack *s, tern_timer *t, uint32_t delay_ms);
TERN_API void tern_timer_stop(tern_stack *s, tern_timer *t);
static inline bool tern_timer_armed(const tern_timer *t) { return t->heap_index != 0; }

#endif
