/* socket/tcp_rare.c: what few connections ever need (tcp_rare: data held
 * out of order or refused, the counts of rare events, figures of the
 * socket's own), kept in a table of the stack's by the socket's address
 * rather than behind a pointer in every socket.
 *
 * An idle connection, or a clean transfer, never makes one, and pays
 * nothing for it but a bit (has_rare).  A socket that has one finds it
 * with a probe or two of an open-addressing table (linear probing, at most
 * half full, deletion by moving the entries after the gap back, so no
 * tombstones); the table exists only while some socket holds one.
 * Addresses are not a peer's choice, so an unkeyed multiplicative hash
 * serves. */
#include <stdlib.h>

#include "socket/tcp_impl.h"

typedef struct tcp_rare_slot {
    const tern_tcp *t; /* NULL: empty */
    tcp_rare *r;
} tcp_rare_slot;

#define RARE_MIN_CAP 16u

/* Tests: the next this many allocations fail (tcp_impl.h). */
_Thread_local unsigned tern__tcp_rare_fail_next;

static uint32_t home(const tern_tcp *t, uint32_t cap)
{
    uint64_t k = (uint64_t)(uintptr_t)t * 0x9e3779b97f4a7c15ull; /* 2^64 / golden ratio */
    return (uint32_t)(k >> 32) & (cap - 1);
}

static tcp_rare_slot *slot_of(tern_tcp_table *tb, const tern_tcp *t)
{
    uint32_t mask = tb->rare_cap - 1;
    for (uint32_t i = home(t, tb->rare_cap);; i = (i + 1) & mask) {
        tcp_rare_slot *e = &tb->rare_slots[i];
        if (e->t == t || !e->t)
            return e;
    }
}

/* Moves every entry into a table of cap slots; false without memory (the
 * old table stays). */
static bool resize(tern_tcp_table *tb, uint32_t cap)
{
    tcp_rare_slot *old = tb->rare_slots;
    uint32_t old_cap = tb->rare_cap;
    tcp_rare_slot *n = cap ? calloc(cap, sizeof(*n)) : NULL;
    if (cap && !n)
        return false;
    tb->rare_slots = n;
    tb->rare_cap = cap;
    for (uint32_t i = 0; i < old_cap; i++)
        if (old[i].t)
            *slot_of(tb, old[i].t) = old[i];
    free(old);
    return true;
}

tcp_rare *tern__tcp_rare_find(const tern_tcp *t)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    return slot_of(tb, t)->r; /* (has_rare: it is there) */
}

/* Made on first need and kept with the socket: few connections need it
 * at all, and one that did (a lossy path, a slow reader) is likely to
 * again. */
tcp_rare *tern__tcp_rare(tern_tcp *t)
{
    if (t->has_rare)
        return tern__tcp_rare_find(t);
    tern_tcp_table *tb = t->cls->stack->tcp;
    if (!tb)
        return NULL;
    if (tern__tcp_rare_fail_next) {
        tern__tcp_rare_fail_next--; /* (tests: as when memory runs out) */
        return NULL;
    }
    if (2 * (tb->rare_count + 1) > tb->rare_cap &&
        !resize(tb, tb->rare_cap ? 2 * tb->rare_cap : RARE_MIN_CAP))
        return NULL;
    tcp_rare *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    *slot_of(tb, t) = (tcp_rare_slot){t, r};
    tb->rare_count++;
    t->has_rare = true;
    return r;
}

/* Takes t's entry out of the table (t holds one) and returns its
 * tcp_rare. */
static tcp_rare *take(tern_tcp_table *tb, const tern_tcp *t)
{
    tcp_rare_slot *e = slot_of(tb, t);
    tcp_rare *r = e->r;
    /* Close the gap: each entry after it, up to an empty slot, moves into
     * the gap if its home does not lie cyclically between the gap and
     * itself (where a lookup would stop before reaching it). */
    uint32_t mask = tb->rare_cap - 1, gap = (uint32_t)(e - tb->rare_slots);
    for (uint32_t i = (gap + 1) & mask; tb->rare_slots[i].t; i = (i + 1) & mask) {
        uint32_t h = home(tb->rare_slots[i].t, tb->rare_cap);
        if (((i - h) & mask) >= ((i - gap) & mask)) {
            tb->rare_slots[gap] = tb->rare_slots[i];
            gap = i;
        }
    }
    tb->rare_slots[gap] = (tcp_rare_slot){NULL, NULL};
    return r;
}

void tern__tcp_rare_drop(tern_tcp *t)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    t->has_rare = false;
    if (!tb)
        return; /* (the stack's end took the table and every tcp_rare in it) */
    free(take(tb, t));
    tb->rare_count--;
    /* Given back as the sockets that needed it go: all of it with the
     * last, half of it under an eighth full. */
    if (tb->rare_count == 0)
        resize(tb, 0);
    else if (tb->rare_cap > RARE_MIN_CAP && 8 * tb->rare_count < tb->rare_cap)
        resize(tb, tb->rare_cap / 2); /* (without memory it stays as large) */
}

void tern__tcp_rare_moved(const tern_tcp *from, tern_tcp *to)
{
    if (!to->has_rare)
        return;
    tern_tcp_table *tb = to->cls->stack->tcp;
    tcp_rare *r = take(tb, from);
    *slot_of(tb, to) = (tcp_rare_slot){to, r}; /* (as many entries as before: room) */
}

void tern__tcp_rare_table_free(tern_tcp_table *tb)
{
    for (uint32_t i = 0; i < tb->rare_cap; i++)
        free(tb->rare_slots[i].r);
    free(tb->rare_slots);
    tb->rare_slots = NULL;
    tb->rare_cap = tb->rare_count = 0;
}
