/* tests/unit/test_timer.c: the timer heap (ordering, cancelling, wrap). */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "buf/pbuf_cache.h"
#include "pkt.h"
#include "stack/stack_impl.h"
#include "tern/iface.h"
#include "tern/pbuf.h"
#include "tern/stack.h"
#include "tern/tcp.h"
#include "tern/timer.h"
#include "unit_suite.h"

static uint32_t fake_now;
static uint32_t clock_fn(void *arg)
{
    (void)arg;
    return fake_now;
}

static tern_stack *new_stack(uint32_t start)
{
    fake_now = start;
    tern_config cfg = {.clock = clock_fn};
    /* No pbufs cached (earlier tests leave some): a poll arms no decay
     * timer beside the ones under test. */
    tern_pbuf_trim();
    return tern_stack_new(&cfg);
}

static int fired[64], nfired;
static void record(tern_timer *t, void *arg)
{
    (void)t;
    fired[nfired++] = (int)(intptr_t)arg;
}

static void test_order_and_ties(void)
{
    tern_stack *s = new_stack(1000);
    tern_timer t[5];
    uint32_t delays[5] = {30, 10, 20, 10, 0};
    for (int i = 0; i < 5; i++) {
        tern_timer_init(&t[i], record, (void *)(intptr_t)i);
        CU_ASSERT_TRUE(tern_timer_start(s, &t[i], delays[i]));
    }
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), 0);
    nfired = 0;
    fake_now = 1015;
    tern_stack_poll(s);
    /* due: 4 (0 ms), then 1 and 3 (10 ms, armed in that order) */
    CU_ASSERT_EQUAL(nfired, 3);
    CU_ASSERT_EQUAL(fired[0], 4);
    CU_ASSERT_EQUAL(fired[1], 1);
    CU_ASSERT_EQUAL(fired[2], 3);
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), 5);
    fake_now = 1030;
    tern_stack_poll(s);
    CU_ASSERT_EQUAL(nfired, 5);
    CU_ASSERT_EQUAL(fired[3], 2);
    CU_ASSERT_EQUAL(fired[4], 0);
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), UINT32_MAX);
    tern_stack_free(s);
}

static void test_cancel_and_rearm(void)
{
    tern_stack *s = new_stack(0);
    tern_timer t[20];
    for (int i = 0; i < 20; i++) {
        tern_timer_init(&t[i], record, (void *)(intptr_t)i);
        tern_timer_start(s, &t[i], (uint32_t)(100 + (i * 37) % 50));
    }
    for (int i = 0; i < 20; i += 2)
        tern_timer_stop(s, &t[i]);
    CU_ASSERT_FALSE(tern_timer_armed(&t[0]));
    CU_ASSERT_TRUE(tern_timer_armed(&t[1]));
    tern_timer_start(s, &t[1], 500); /* re-arming moves it */
    nfired = 0;
    fake_now = 200;
    tern_stack_poll(s);
    CU_ASSERT_EQUAL(nfired, 9);
    for (int k = 0; k < nfired; k++) {
        CU_ASSERT_EQUAL(fired[k] % 2, 1);
        CU_ASSERT_NOT_EQUAL(fired[k], 1);
    }
    fake_now = 500;
    tern_stack_poll(s);
    CU_ASSERT_EQUAL(nfired, 10);
    CU_ASSERT_EQUAL(fired[9], 1);
    tern_stack_free(s);
}

static void test_wraparound(void)
{
    tern_stack *s = new_stack(0xfffffff0u);
    tern_timer a, b;
    tern_timer_init(&a, record, (void *)1);
    tern_timer_init(&b, record, (void *)2);
    tern_timer_start(s, &a, 0x20); /* deadline wraps to 0x10 */
    tern_timer_start(s, &b, 0x08);
    nfired = 0;
    fake_now = 0xfffffffau;
    tern_stack_poll(s);
    CU_ASSERT_EQUAL(nfired, 1);
    CU_ASSERT_EQUAL(fired[0], 2);
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), 0x16);
    fake_now = 0x10;
    tern_stack_poll(s);
    CU_ASSERT_EQUAL(nfired, 2);
    tern_stack_free(s);
}

/* A callback that re-arms itself with delay 0 runs once per poll, so one
 * poll always ends. */
static tern_stack *rearm_stack;
static int rearm_count;
static void rearm(tern_timer *t, void *arg)
{
    (void)arg;
    rearm_count++;
    tern_timer_start(rearm_stack, t, 0);
}

static void test_rearm_in_callback_terminates(void)
{
    rearm_stack = new_stack(5);
    tern_timer t;
    tern_timer_init(&t, rearm, NULL);
    tern_timer_start(rearm_stack, &t, 0);
    rearm_count = 0;
    tern_stack_poll(rearm_stack);
    CU_ASSERT_EQUAL(rearm_count, 1);
    tern_stack_poll(rearm_stack);
    CU_ASSERT_EQUAL(rearm_count, 2);
    tern_stack_free(rearm_stack);
}

static int count_fired;
static uint32_t max_lateness;
static void count(tern_timer *t, void *arg)
{
    (void)arg;
    count_fired++;
    uint32_t late = fake_now - t->deadline;
    if (late > max_lateness)
        max_lateness = late;
}

static void test_many_random(void)
{
    tern_stack *s = new_stack(0);
    enum { N = 2000 };
    tern_timer *t = calloc(N, sizeof(*t));
    uint32_t *deadline = calloc(N, sizeof(*deadline));
    srand(7);
    int armed = 0;
    for (int i = 0; i < N; i++) {
        tern_timer_init(&t[i], count, NULL);
        deadline[i] = (uint32_t)(rand() % 10000);
        tern_timer_start(s, &t[i], deadline[i]);
    }
    for (int i = 0; i < N; i++) {
        if (i % 3 == 0)
            tern_timer_stop(s, &t[i]);
        else
            armed++;
    }
    count_fired = 0;
    max_lateness = 0;
    /* Stepping time: after each poll exactly the armed timers not yet due remain. */
    for (uint32_t now = 0; now <= 10000; now += 97) {
        fake_now = now;
        tern_stack_poll(s);
        int due = 0, still = 0;
        for (int i = 0; i < N; i++) {
            if (i % 3 && deadline[i] <= now)
                due++;
            still += tern_timer_armed(&t[i]);
        }
        CU_ASSERT_EQUAL(count_fired, due);
        CU_ASSERT_EQUAL(still, armed - due);
    }
    CU_ASSERT(max_lateness < 97);
    free(t);
    free(deadline);
    tern_stack_free(s);
}

/* Re-arming an armed timer re-keys it where it sits in the heap (one sift,
 * up when the new deadline is earlier, down when later): 2000 timers, every
 * other one re-armed while armed, half of those earlier and half later
 * than before; each fires once, at its last deadline, in deadline order. */
static uint32_t rearm_last;
static int rearm_fired, rearm_wrong;
static void rearm_record(tern_timer *t, void *arg)
{
    const uint32_t *want = arg;
    if (t->deadline != *want || fake_now < *want || (int32_t)(t->deadline - rearm_last) < 0)
        rearm_wrong++;
    rearm_last = t->deadline;
    rearm_fired++;
}

static void test_rearm_in_place_random(void)
{
    tern_stack *s = new_stack(0);
    enum { N = 2000 };
    tern_timer *t = calloc(N, sizeof(*t));
    uint32_t *deadline = calloc(N, sizeof(*deadline));
    srand(11);
    fake_now = 0;
    for (int i = 0; i < N; i++) {
        deadline[i] = 1000 + (uint32_t)(rand() % 8000);
        tern_timer_init(&t[i], rearm_record, &deadline[i]);
        CU_ASSERT_TRUE(tern_timer_start(s, &t[i], deadline[i]));
    }
    for (int i = 0; i < N; i += 2) {
        uint32_t d = i % 4 ? deadline[i] / 2 : deadline[i] + (uint32_t)(rand() % 1000);
        deadline[i] = d;
        CU_ASSERT_TRUE(tern_timer_start(s, &t[i], d));
        CU_ASSERT_TRUE(tern_timer_armed(&t[i]));
    }
    rearm_last = 0;
    rearm_fired = rearm_wrong = 0;
    for (uint32_t now = 0; now <= 10000; now++) {
        fake_now = now;
        tern_stack_poll(s);
    }
    CU_ASSERT_EQUAL(rearm_fired, N);
    CU_ASSERT_EQUAL(rearm_wrong, 0);
    free(t);
    free(deadline);
    tern_stack_free(s);
}

/* A wave of 10 000 timers grows the heap array; as they fire or are
 * stopped, the order stays right and the array shrinks back to its
 * minimum instead of keeping the wave's size. */
static int wave_fired;
static uint32_t wave_last;
static void wave_record(tern_timer *t, void *arg)
{
    (void)arg;
    CU_ASSERT_TRUE((int32_t)(t->deadline - wave_last) >= 0); /* in deadline order */
    wave_last = t->deadline;
    wave_fired++;
}

static void test_heap_shrinks_after_wave(void)
{
    enum { N = 10000 };
    tern_stack *s = new_stack(5000);
    tern_timer *t = calloc(N, sizeof(*t));
    CU_ASSERT_FATAL(s != NULL && t != NULL);
    for (int i = 0; i < N; i++) {
        tern_timer_init(&t[i], wave_record, NULL);
        CU_ASSERT_TRUE(tern_timer_start(s, &t[i], (uint32_t)((i * 7919) % 1000)));
    }
    CU_ASSERT_TRUE(s->heap_cap >= N);
    /* Half stopped (every other one), half fired. */
    for (int i = 0; i < N; i += 2)
        tern_timer_stop(s, &t[i]);
    CU_ASSERT_EQUAL(s->heap_len, N / 2);
    CU_ASSERT_TRUE(s->heap_cap >= s->heap_len);
    wave_fired = 0;
    wave_last = 0;
    fake_now = 7000;
    wave_last = 5000;
    tern_stack_poll(s);
    CU_ASSERT_EQUAL(wave_fired, N / 2);
    CU_ASSERT_EQUAL(s->heap_len, 0);
    CU_ASSERT_EQUAL(s->heap_cap, 64);
    /* And it grows again when needed. */
    for (int i = 0; i < 200; i++)
        CU_ASSERT_TRUE(tern_timer_start(s, &t[i], 1));
    CU_ASSERT_TRUE(s->heap_cap >= 200);
    tern_stack_free(s);
    free(t);
}

/* One event, one clock reading: a poll's handlers and everything a packet
 * sets off (a SYN: the new socket, its ISN, the SYN-ACK, its timers) see
 * the time read when the event began, and the clock is read once. */
static unsigned clock_reads;
static uint32_t counting_clock(void *arg)
{
    (void)arg;
    clock_reads++;
    return fake_now;
}
static uint32_t seen_now[3];
static void read_three(tern_timer *t, void *arg)
{
    tern_stack *s = arg;
    (void)t;
    for (int i = 0; i < 3; i++)
        seen_now[i] = tern_stack_now(s);
}
static unsigned outputs;
static tern_err count_output(tern_iface *ifc, tern_pbuf *pkt, const tern_addr *next_hop, void *user)
{
    (void)ifc;
    (void)pkt;
    (void)next_hop;
    (void)user;
    outputs++;
    return TERN_OK;
}

static void test_clock_read_once_per_event(void)
{
    fake_now = 42000;
    tern_config cfg = {.clock = counting_clock, .seed = 3};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    tern_timer a, b;
    tern_timer_init(&a, read_three, s);
    tern_timer_init(&b, read_three, s);
    tern_timer_start(s, &a, 5);
    tern_timer_start(s, &b, 7);
    fake_now += 10;
    clock_reads = 0;
    tern_stack_poll(s);
    CU_ASSERT_EQUAL(clock_reads, 1);
    CU_ASSERT_EQUAL(seen_now[0], fake_now);
    CU_ASSERT_EQUAL(seen_now[2], fake_now);
    /* Outside an event every call reads the clock. */
    clock_reads = 0;
    tern_stack_now(s);
    tern_stack_now(s);
    CU_ASSERT_EQUAL(clock_reads, 2);

    tern_iface *ifc = tern_iface_add(s, count_output, NULL);
    CU_ASSERT_FATAL(ifc != NULL);
    tern_iface_set_ipv4(ifc, 0x010012c6u /* 198.18.0.1 */, 0x0000feffu, 0);
    tern_iface_set_up(ifc, true);
    tern_tcp *l = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(l != NULL);
    CU_ASSERT_EQUAL(tern_tcp_bind(l, NULL, 80), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_listen(l, 4), TERN_OK);
    pkt_addr src = pkt_addr_of("198.18.0.2"), dst = pkt_addr_of("198.18.0.1");
    uint8_t seg[20], pkt[40];
    struct pkt_tcp syn = {.sport = 4000, .dport = 80, .seq = 1000, .flags = PKT_SYN, .win = 0xffff};
    struct pkt_ip4 ip = {.src = src, .dst = dst, .proto = PKT_TCP, .ttl = 64};
    size_t n = pkt_ip4(pkt, &ip, seg, pkt_tcp(seg, &src, &dst, &syn, NULL, 0));
    tern_pbuf *p = tern_pbuf_alloc(0, (uint16_t)n, TERN_PBUF_RAM);
    CU_ASSERT_FATAL(p != NULL);
    memcpy(p->payload, pkt, n);
    outputs = 0;
    clock_reads = 0;
    tern_iface_input(ifc, p);
    CU_ASSERT_EQUAL(outputs, 1); /* the SYN-ACK */
    CU_ASSERT_EQUAL(clock_reads, 1);
    tern_stack_free(s);
}
/* The pbuf cache after a burst: a poll with pbufs cached arms the decay
 * timer; an interval with packets keeps the cache, the first interval
 * without any gives it all back, and the timer stops with it.  (Before:
 * up to 4 MiB stayed for good.) */
static void test_pbuf_cache_decays_when_unused(void)
{
    tern_stack *s = new_stack(5000);
    tern_pbuf *burst[64];
    for (int i = 0; i < 64; i++)
        burst[i] = tern_pbuf_alloc(54, 1460, TERN_PBUF_RAM);
    for (int i = 0; i < 64; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(burst[i]);
        tern_pbuf_free(burst[i]);
    }
    tern_pbuf_stats st;
    tern_pbuf_get_stats(&st);
    uint64_t burst_bytes = st.cached_bytes;
    CU_ASSERT(burst_bytes >= 64u * 1460u);
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), UINT32_MAX); /* nothing armed before a poll */
    tern_stack_poll(s);
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), TERN_PBUF_DECAY_MS);
    /* Packets in the interval (counted as the input and output paths
     * count them): the cache stays, the timer too. */
    fake_now += 500;
    s->stats.ip_in++;
    fake_now += 500;
    tern_stack_poll(s);
    tern_pbuf_get_stats(&st);
    CU_ASSERT_EQUAL(st.cached_bytes, burst_bytes);
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), TERN_PBUF_DECAY_MS);
    /* A quiet interval: all of it goes, and the timer with it. */
    fake_now += TERN_PBUF_DECAY_MS;
    tern_stack_poll(s);
    tern_pbuf_get_stats(&st);
    CU_ASSERT_EQUAL(st.cached_bytes, 0);
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), UINT32_MAX);
    tern_stack_free(s);
}


TERN_UNIT_SUITE(timer)
{
    CU_pSuite s = CU_add_suite("stack/timer", NULL, NULL);
    CU_add_test(s, "order and ties", test_order_and_ties);
    CU_add_test(s, "cancel and re-arm", test_cancel_and_rearm);
    CU_add_test(s, "32-bit clock wraparound", test_wraparound);
    CU_add_test(s, "re-arming in a callback ends the poll", test_rearm_in_callback_terminates);
    CU_add_test(s, "pbuf cache after a burst: kept while packets flow, given back after a second without any",
                test_pbuf_cache_decays_when_unused);
    CU_add_test(s, "2000 random timers", test_many_random);
    CU_add_test(s, "2000 random timers, every other one re-armed in place earlier or later: each fires once, "
                   "on time, in order",
                test_rearm_in_place_random);
    CU_add_test(s, "after a wave of 10 000 timers the heap array shrinks back to 64 entries",
                test_heap_shrinks_after_wave);
    CU_add_test(s, "one clock reading per event: a poll's handlers, a SYN's socket, ISN, SYN-ACK and timers",
                test_clock_read_once_per_event);
}
