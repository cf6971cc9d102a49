/* socket/tcp_wheel.c: the sockets' deadlines on a hierarchical timing wheel.
 *
 * A socket waits for one deadline at a time, the earliest of its kinds
 * (tcp_timer.c).  Those deadlines live on a wheel (Varghese and Lauck,
 * "Hashed and hierarchical timing wheels", SOSP 1987; Linux keeps its TCP
 * timers on one too): arming, moving and cancelling a deadline are a few
 * stores whatever the number of connections, where a heap sifts through
 * log n levels each time, and a churning server arms and cancels a
 * deadline or three per connection.
 *
 * Level 0 holds the next 256 ms in 1-ms slots; the four upper levels hold
 * 64 slots each of 2^8, 2^14, 2^20 and 2^26 ms.  A deadline goes to the
 * lowest level that reaches it and moves down (cascades) when the cursor
 * enters its slot's block, so every deadline is met at its exact
 * millisecond, as with a heap.  One stack timer runs at the wheel's next
 * event: the first occupied millisecond of level 0, or the start of the
 * first block with something to move down (an early wake-up at most once
 * per block, and only for deadlines more than 256 ms away).
 *
 * The cursor (w->now) is the first millisecond not yet handled.  A
 * deadline armed at or before it (a kind found due while its socket's
 * timers ran) waits on the late list for the wheel's next turn, the next
 * stack poll: as with the heap, what a timer callback arms for now runs
 * at the next poll, so one poll is always finite. */
#include <string.h>

#include "socket/tcp_impl.h"

#define L0_BITS 8u
#define UP_BITS 6u
#define SLOT_LATE UINT32_MAX

static inline uint32_t up_shift(unsigned k) { return L0_BITS + UP_BITS * k; }

/* The slot of level k >= 1 (0-based upper level k - 1) for a block. */
static inline uint32_t up_slot(unsigned k, uint32_t block)
{
    return TCP_WHEEL_L0_SLOTS + k * TCP_WHEEL_SLOTS + (block & (TCP_WHEEL_SLOTS - 1));
}

/* The slot for a deadline seen from the cursor, or SLOT_LATE. */
static inline uint32_t slot_for(const tcp_wheel *w, uint32_t due)
{
    uint32_t now = w->now, ahead = due - now;
    if ((int32_t)ahead < 0)
        return SLOT_LATE;
    if (ahead < TCP_WHEEL_L0_SLOTS)
        return due & (TCP_WHEEL_L0_SLOTS - 1);
    /* The lowest upper level whose blocks between the cursor's and the
     * deadline's (modulo the clock's wrap) fit its 64 slots: 1 to 63
     * there, since the level below did not reach it; a deadline is less
     * than 2^31 ms away, which the top level (2^26-ms blocks) reaches. */
    for (unsigned k = 0; k + 1 < TCP_WHEEL_UPPER; k++) {
        uint32_t sh = up_shift(k);
        if ((((due >> sh) - (now >> sh)) & ((1u << (32 - sh)) - 1)) < TCP_WHEEL_SLOTS)
            return up_slot(k, due >> sh);
    }
    return up_slot(TCP_WHEEL_UPPER - 1, due >> up_shift(TCP_WHEEL_UPPER - 1));
}

static void link_at(tcp_wheel *w, tern_tcp *t, uint32_t n)
{
    tern_tcp **head;
    if (n == SLOT_LATE) {
        head = &w->late;
        t->wlate = true;
    } else {
        head = &w->slot[n];
        w->map[n / 64] |= 1ull << (n % 64);
        t->wlate = false;
    }
    t->wnext = *head;
    if (*head)
        (*head)->wpprev = &t->wnext;
    *head = t;
    t->wpprev = head;
}

static void unlink_t(tcp_wheel *w, tern_tcp *t)
{
    tern_tcp **pp = t->wpprev, *next = t->wnext;
    *pp = next;
    if (next) {
        next->wpprev = pp;
    } else {
        /* t was last; when it was first too (its link is a slot's head),
         * the slot is empty now. */
        uintptr_t off = (uintptr_t)pp - (uintptr_t)w->slot;
        if (off < sizeof(w->slot)) {
            size_t n = off / sizeof(w->slot[0]);
            w->map[n / 64] &= ~(1ull << (n % 64));
        }
    }
    t->wpprev = NULL;
    t->wnext = NULL;
}

/* First set bit of a 64-bit map at index >= from, cyclically: the distance
 * from `from`, or 64 when the map is empty. */
static unsigned next_bit(uint64_t map, unsigned from)
{
    if (!map)
        return 64;
    uint64_t rot = (map >> from) | (from ? map << (64 - from) : 0);
    return (unsigned)__builtin_ctzll(rot);
}

/* The wheel's next event at or after the cursor, the late list aside:
 * false when the wheel holds nothing else. */
static bool next_event(const tcp_wheel *w, uint32_t *at)
{
    uint32_t now = w->now, best = 0;
    bool any = false;
    /* Level 0: the occupied millisecond nearest the cursor, in the
     * cursor's word first, then the next words, then the cursor's word
     * below the cursor (those slots hold the next block's deadlines). */
    unsigned j0 = now & (TCP_WHEEL_L0_SLOTS - 1), w0 = j0 / 64;
    for (unsigned i = 0; i <= TCP_WHEEL_L0_SLOTS / 64; i++) {
        unsigned word = (w0 + i) % (TCP_WHEEL_L0_SLOTS / 64);
        uint64_t m = w->map[word];
        if (i == 0)
            m &= ~0ull << (j0 % 64);
        else if (i == TCP_WHEEL_L0_SLOTS / 64)
            m &= ~(~0ull << (j0 % 64));
        if (m) {
            unsigned j = word * 64 + (unsigned)__builtin_ctzll(m);
            best = now + ((j - j0) & (TCP_WHEEL_L0_SLOTS - 1));
            any = true;
            break;
        }
    }
    /* Upper levels: the start of the first occupied block that starts at
     * or after the cursor (a block the cursor is inside of was moved down
     * when the cursor entered it; one starting right at the cursor has
     * not been yet). */
    for (unsigned k = 0; k < TCP_WHEEL_UPPER; k++) {
        uint64_t m = w->map[(TCP_WHEEL_L0_SLOTS / 64) + k];
        if (!m)
            continue;
        uint32_t sh = up_shift(k);
        uint32_t base = (now >> sh) + ((now & ((1u << sh) - 1)) != 0);
        unsigned d = next_bit(m, base & (TCP_WHEEL_SLOTS - 1));
        uint32_t at_k = (base + d) << sh;
        if (!any || (int32_t)(at_k - best) < 0) {
            best = at_k;
            any = true;
        }
    }
    *at = best;
    return any;
}

/* Runs the stack timer at the wheel's next event. */
static void arm(tcp_wheel *w)
{
    uint32_t now = tern__stack_now(w->stack);
    uint32_t at;
    if (w->late)
        at = now;   /* due: the next poll */
    else if (!next_event(w, &at))
        return;     /* nothing waits: a stale firing finds nothing */
    uint32_t delay = (int32_t)(at - now) > 0 ? at - now : 0;
    if (!tern_timer_armed(&w->timer) || (int32_t)(now + delay - w->timer.deadline) < 0)
        tern_timer_start(w->stack, &w->timer, delay);
}

/* A clock that jumped 2^31 ms or more (24.8 days) ahead reads as one that
 * went back: the cursor's comparisons no longer hold, so every deadline
 * on the wheel, long past by then, goes to the late list and the cursor
 * starts again from now.  True when that happened. */
static __attribute__((noinline, cold)) void resync_all(tcp_wheel *w, uint32_t now)
{
    for (unsigned n = 0; n < TCP_WHEEL_ALL; n++)
        while (w->slot[n]) {
            tern_tcp *t = w->slot[n];
            unlink_t(w, t);
            link_at(w, t, SLOT_LATE);
        }
    w->now = now;
}

static inline bool resync(tcp_wheel *w, uint32_t now)
{
    if ((int32_t)(now + 1 - w->now) >= 0)
        return false;
    resync_all(w, now);
    return true;
}

void tern__tcp_wheel_set(tern_tcp *t, uint32_t due)
{
    tcp_wheel *w = &t->cls->stack->tcp->wheel;
    uint32_t now = tern__stack_now(w->stack);
    bool jumped = resync(w, now);
    if (t->wpprev) {
        if (t->wlate) {
            /* Runs at the next turn anyway, and finds its deadlines then. */
            if (jumped)
                tern_timer_start(w->stack, &w->timer, 0);
            return;
        }
        unlink_t(w, t);
    } else {
        w->count++;
    }
    t->wdue = due;
    uint32_t n = slot_for(w, due);
    link_at(w, t, n);
    /* The stack timer moves only for an event earlier than its own: the
     * deadline, or for an upper level the start of its block. */
    uint32_t at = n == SLOT_LATE || w->late ? now
                  : n < TCP_WHEEL_L0_SLOTS  ? due
                                            : due & ~((1u << up_shift((n - TCP_WHEEL_L0_SLOTS) / TCP_WHEEL_SLOTS)) - 1);
    if (jumped || !tern_timer_armed(&w->timer) || (int32_t)(at - w->timer.deadline) < 0)
        tern_timer_start(w->stack, &w->timer, (int32_t)(at - now) > 0 ? at - now : 0);
}

void tern__tcp_wheel_remove(tern_tcp *t)
{
    if (!t->wpprev)
        return;
    tcp_wheel *w = &t->cls->stack->tcp->wheel;
    unlink_t(w, t);
    w->count--;
    /* The stack timer stays: firing with nothing due costs less than a
     * heap removal per cancelled deadline. */
}

/* Takes a list off the wheel into a local list whose head is *list: a
 * callback that removes another socket of it unlinks it there. */
static void detach(tern_tcp **head, tern_tcp **list)
{
    *list = *head;
    *head = NULL;
    if (*list)
        (*list)->wpprev = list;
}

static void detach_slot(tcp_wheel *w, uint32_t n, tern_tcp **list)
{
    w->map[n / 64] &= ~(1ull << (n % 64));
    detach(&w->slot[n], list);
}

/* Runs every socket of a detached list, first armed first (the list is
 * newest first, so it is reversed; the order of equal deadlines is then
 * the heap's, arming order, for deadlines armed within 256 ms). */
static void run_list(tcp_wheel *w, tern_tcp **list, uint32_t now)
{
    tern_tcp *rev = NULL;
    while (*list) {
        tern_tcp *t = *list;
        *list = t->wnext;
        t->wnext = rev;
        rev = t;
    }
    /* rev is a private list now: relink it with back pointers, so that a
     * socket destroyed by an earlier one's callback unlinks itself. */
    *list = rev;
    tern_tcp **pp = list;
    for (tern_tcp *t = rev; t; t = t->wnext) {
        t->wpprev = pp;
        pp = &t->wnext;
    }
    tern_tcp *t;
    while ((t = *list) != NULL) {
        *list = t->wnext;
        if (*list)
            (*list)->wpprev = list;
        t->wpprev = NULL;
        t->wnext = NULL;
        w->count--;
        tern__tcp_timers_run(t, now);
    }
}

/* Moves a block's deadlines down to the levels below (the cursor is at
 * the block's start). */
static void cascade(tcp_wheel *w, unsigned k)
{
    tern_tcp *list;
    detach_slot(w, up_slot(k, w->now >> up_shift(k)), &list);
    while (list) {
        tern_tcp *t = list;
        list = t->wnext;
        link_at(w, t, slot_for(w, t->wdue));
    }
}

/* Handles every millisecond up to `until`. */
static void advance(tcp_wheel *w, uint32_t until)
{
    /* What was armed late since the last turn runs first (its deadlines
     * are the oldest); what it arms late again waits for the next turn. */
    if (w->late) {
        tern_tcp *list;
        detach(&w->late, &list);
        run_list(w, &list, until);
    }
    uint32_t at;
    while (w->count && next_event(w, &at) && (int32_t)(at - until) <= 0) {
        w->now = at;
        if ((at & (TCP_WHEEL_L0_SLOTS - 1)) == 0) {
            /* A block starts: the upper levels' deadlines in it come down,
             * highest level first (its block may start here too). */
            for (unsigned k = TCP_WHEEL_UPPER; k-- > 0;)
                if ((at & ((1u << up_shift(k)) - 1)) == 0)
                    cascade(w, k);
        }
        tern_tcp *list;
        detach_slot(w, at & (TCP_WHEEL_L0_SLOTS - 1), &list);
        /* Past this millisecond before the callbacks run: what they arm
         * for it, or earlier, waits on the late list. */
        w->now = at + 1;
        run_list(w, &list, until);
    }
    /* Nothing else is due by `until`: the cursor moves past it (onto a
     * block start maybe, whose deadlines come down when it is reached). */
    if ((int32_t)(until + 1 - w->now) > 0)
        w->now = until + 1;
}

static void wheel_fire(tern_timer *tm, void *arg)
{
    (void)tm;
    tcp_wheel *w = arg;
    uint32_t now = tern__stack_now(w->stack);
    resync(w, now);
    advance(w, now);
    arm(w);
}

void tern__tcp_wheel_init(tcp_wheel *w, tern_stack *s)
{
    memset(w, 0, sizeof(*w));
    w->stack = s;
    w->now = tern__stack_now(s);
    tern_timer_init(&w->timer, wheel_fire, w);
}

void tern__tcp_wheel_stop(tcp_wheel *w) { tern_timer_stop(w->stack, &w->timer); }
