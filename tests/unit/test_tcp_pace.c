/* tests/unit/test_tcp_pace.c: send pacing (core/src/socket/tcp_pace.c).
 *
 * A bulk flow over a clean 30 ms link doubles its window every round trip
 * in slow start; unpaced, each doubling leaves as one line-rate burst (the
 * whole window within a millisecond of virtual time), which is what
 * overflows a router's queue.  Paced, the same window is spread over the
 * round trip.  Observed on the wire: the most IP bytes the receiver gets
 * in any one millisecond.  On a path of a few milliseconds pacing is off
 * (the clock's resolution cannot pace it), and the flow is byte for byte
 * the unpaced one. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "tcp_pair.h"
#include "unit_suite.h"

typedef struct burst_probe {
    uint32_t ms;           /* the millisecond being counted */
    uint64_t at_ms_start;  /* bytes delivered to the receiver before it began */
    uint64_t last;         /* ... as of the previous step */
    uint64_t max_ms_bytes; /* most bytes delivered within one millisecond */
    uint64_t profile;      /* a hash of (ms, bytes) over the whole flow */
} burst_probe;

static void burst_step(tcp_pair *tp, void *ctx)
{
    burst_probe *b = ctx;
    tern_link_stats ls;
    tern_link_get_stats(tp->link, &ls);
    /* The clock moves between steps: this step's deliveries (the link
     * pumped before this call) belong to the new millisecond. */
    if (tp->now_ms != b->ms) {
        b->ms = tp->now_ms;
        b->at_ms_start = b->last;
    }
    b->last = ls.bytes_to[1];
    uint64_t in_ms = ls.bytes_to[1] - b->at_ms_start;
    if (in_ms > b->max_ms_bytes)
        b->max_ms_bytes = in_ms;
    b->profile = (b->profile ^ ((uint64_t)tp->now_ms << 32 ^ ls.bytes_to[1])) * 0x100000001b3ull;
}

typedef struct flow_result {
    uint64_t max_ms_bytes, profile;
    uint32_t done_ms;
} flow_result;

static flow_result flow(uint32_t delay_ms, bool pacing, uint64_t bytes)
{
    static tcp_pair tp;
    burst_probe b = {0};
    tern_fault_config f = {.delay_ms = delay_ms, .seed = 7};
    tern_tcp_config snd, rcv;
    tern_tcp_default_config(&snd);
    snd.pacing = pacing;
    tern_tcp_default_config(&rcv);
    tp_setup(&tp, &f, &snd, &rcv);
    tp.on_step = burst_step;
    tp.step_ctx = &b;
    uint32_t start = tp.now_ms;
    tp_start(&tp, bytes, 0);
    CU_ASSERT_TRUE(tp_run(&tp, 120000, 0));
    CU_ASSERT_EQUAL(tp.server.received, bytes);
    CU_ASSERT_FALSE(tp.server.bad_byte);
    flow_result r = {.max_ms_bytes = b.max_ms_bytes, .profile = b.profile, .done_ms = tp.server.done_ms - start};
    tp_teardown(&tp);
    return r;
}

static void test_slow_start_is_paced(void)
{
    const uint64_t bytes = 4u * 1000 * 1000;
    flow_result off = flow(30, false, bytes), on = flow(30, true, bytes);
    printf("\n    60 ms RTT, 4 MB: most bytes in one ms: unpaced %llu, paced %llu; done in %u ms unpaced, %u ms paced",
           (unsigned long long)off.max_ms_bytes, (unsigned long long)on.max_ms_bytes, off.done_ms, on.done_ms);
    /* Unpaced, a doubled window leaves at once: hundreds of kilobytes in
     * a millisecond. */
    CU_ASSERT(off.max_ms_bytes >= 150u * 1000);
    /* Paced: at most the bucket (ten segments, or 2 ms at the rate) plus
     * the millisecond's share of a rate of 2 x cwnd / SRTT.  With the
     * window these 4 MB reach (~2 MB), that stays below a sixth of the
     * unpaced burst. */
    CU_ASSERT(on.max_ms_bytes * 6 <= off.max_ms_bytes);
    /* Spreading each window over the round trip costs at most a few
     * round trips over the whole transfer. */
    CU_ASSERT(on.done_ms <= off.done_ms + 4 * 60);
}

static void test_short_path_unpaced(void)
{
    const uint64_t bytes = 2u * 1000 * 1000;
    flow_result off = flow(1, false, bytes), on = flow(1, true, bytes);
    printf("\n    2 ms RTT, 2 MB: most bytes in one ms %llu / %llu, done in %u / %u ms (unpaced / paced)",
           (unsigned long long)off.max_ms_bytes, (unsigned long long)on.max_ms_bytes, off.done_ms, on.done_ms);
    CU_ASSERT_EQUAL(on.profile, off.profile);
    CU_ASSERT_EQUAL(on.done_ms, off.done_ms);
}

TERN_UNIT_SUITE(tcp_pace)
{
    CU_pSuite s = CU_add_suite("tcp/pace", NULL, NULL);
    CU_add_test(s, "slow start's doubled windows leave paced over the round trip", test_slow_start_is_paced);
    CU_add_test(s, "below 5 ms of SRTT pacing is off: the flow is the unpaced one", test_short_path_unpaced);
}
