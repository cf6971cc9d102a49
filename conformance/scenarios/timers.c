/* timers.c: sys_timeout, sys_untimeout, sys_check_timeouts and
 * sys_timeouts_sleeptime against the virtual clock (lwIP's test_timers
 * cases, expressed without access to the timer list). */
#include "conformance.h"

#define MAX_FIRES 64

static int fires[MAX_FIRES];
static u32_t fire_time[MAX_FIRES];
static int n_fires;

static void handler(void *arg)
{
    int id = (int)(intptr_t)arg;
    trace("timeout %d fired", id);
    if (n_fires < MAX_FIRES) {
        fires[n_fires] = id;
        fire_time[n_fires] = h_now();
        n_fires++;
    }
}

#define ARG(i) ((void *)(intptr_t)(i))

SCENARIO(timer_fires_on_time, "a timeout fires once, at its deadline and not before")
{
    u32_t t0 = h_now();
    sys_timeout(50, handler, ARG(1));
    h_advance(49);
    EXPECT_EQ(n_fires, 0);
    h_advance(1);
    EXPECT_EQ(n_fires, 1);
    EXPECT_EQ(fire_time[0], t0 + 50);
    h_advance(200);
    EXPECT_EQ(n_fires, 1);
}

SCENARIO(timer_order, "timeouts fire in deadline order whatever the order they were set in")
{
    sys_timeout(20, handler, ARG(1));
    sys_timeout(5, handler, ARG(2));
    sys_timeout(10, handler, ARG(0));
    h_advance(4);
    EXPECT_EQ(n_fires, 0);
    h_advance(1);
    EXPECT_EQ(n_fires, 1);
    h_advance(4);
    EXPECT_EQ(n_fires, 1);
    h_advance(1);
    EXPECT_EQ(n_fires, 2);
    h_advance(9);
    EXPECT_EQ(n_fires, 2);
    h_advance(1);
    REQUIRE(n_fires == 3);
    EXPECT_EQ(fires[0], 2);
    EXPECT_EQ(fires[1], 0);
    EXPECT_EQ(fires[2], 1);
    EXPECT_EQ(fire_time[0], 5);
    EXPECT_EQ(fire_time[1], 10);
    EXPECT_EQ(fire_time[2], 20);
}

SCENARIO(timer_same_deadline_fifo, "timeouts with the same deadline fire in the order they were set")
{
    sys_timeout(10, handler, ARG(0));
    sys_timeout(10, handler, ARG(1));
    sys_timeout(10, handler, ARG(2));
    h_advance(10);
    REQUIRE(n_fires == 3);
    EXPECT_EQ(fires[0], 0);
    EXPECT_EQ(fires[1], 1);
    EXPECT_EQ(fires[2], 2);
}

SCENARIO(timer_untimeout, "sys_untimeout cancels only the matching handler and argument")
{
    sys_timeout(30, handler, ARG(0));
    sys_timeout(30, handler, ARG(1));
    sys_untimeout(handler, ARG(0));
    sys_untimeout(handler, ARG(7)); /* nothing to cancel: harmless */
    h_advance(40);
    REQUIRE(n_fires == 1);
    EXPECT_EQ(fires[0], 1);
    sys_untimeout(handler, ARG(1)); /* already fired: harmless */
    h_advance(40);
    EXPECT_EQ(n_fires, 1);
}

SCENARIO(timer_zero_delay, "a 0 ms timeout fires at the next sys_check_timeouts without time passing")
{
    u32_t t = h_now();
    sys_timeout(0, handler, ARG(3));
    EXPECT_EQ(n_fires, 0);
    sys_check_timeouts();
    EXPECT_EQ(n_fires, 1);
    EXPECT_EQ(h_now(), t);
}

SCENARIO(timer_sleeptime, "sys_timeouts_sleeptime reports the time to the next deadline")
{
    u32_t s;
    sys_timeout(30, handler, ARG(0));
    s = sys_timeouts_sleeptime();
    trace("sleeptime %lu", (unsigned long)s);
    EXPECT(s <= 30); /* the stack's own timers may be due earlier */
    h_advance(10);
    s = sys_timeouts_sleeptime();
    trace("sleeptime %lu", (unsigned long)s);
    EXPECT(s <= 20);
    h_clock_jump(50); /* overdue and not yet handled */
    EXPECT_EQ(sys_timeouts_sleeptime(), 0);
    sys_check_timeouts();
    EXPECT_EQ(n_fires, 1);
    sys_timeout(0, handler, ARG(1));
    EXPECT_EQ(sys_timeouts_sleeptime(), 0);
}

SCENARIO(timer_sleeptime_exact, "with only a near timeout pending, sleeptime is exactly its distance")
{
    /* lwIP's own cyclic timers are 100 ms and more: a 30 ms timeout set
     * right after start is the earliest deadline */
    sys_timeout(30, handler, ARG(0));
    EXPECT_EQ(sys_timeouts_sleeptime(), 30);
    h_advance(10);
    EXPECT_EQ(sys_timeouts_sleeptime(), 20);
}

static int periodic_left;

static void periodic(void *arg)
{
    handler(arg);
    if (--periodic_left > 0) {
        sys_timeout(10, periodic, arg);
    }
}

SCENARIO(timer_rearm_in_handler, "a handler may set a new timeout from inside the callback")
{
    int i;
    periodic_left = 5;
    sys_timeout(10, periodic, ARG(4));
    h_advance(100);
    REQUIRE(n_fires == 5);
    for (i = 0; i < 5; i++) {
        EXPECT_EQ(fire_time[i], (u32_t)(10 * (i + 1)));
    }
}

SCENARIO(timer_set_between_checks, "lwIP bug #52748: a timeout set between checks keeps its deadline")
{
    h_clock_jump(50);
    sys_timeout(20, handler, ARG(0));
    sys_timeout(5, handler, ARG(2));
    h_clock_jump(5);
    sys_check_timeouts();
    REQUIRE(n_fires == 1);
    EXPECT_EQ(fires[0], 2);
    h_clock_jump(5);
    sys_timeout(10, handler, ARG(1));
    sys_check_timeouts();
    EXPECT_EQ(n_fires, 1);
    h_clock_jump(10);
    sys_check_timeouts();
    EXPECT_EQ(n_fires, 3);
}

SCENARIO(timer_wraparound, "deadlines across the 32-bit wrap of sys_now fire on time")
{
    h_clock_jump(0xfffffff0u);
    sys_check_timeouts(); /* let the stack's overdue timers settle */
    sys_timeout(0x20, handler, ARG(0));
    sys_timeout(0x08, handler, ARG(1));
    h_advance(0x08);
    REQUIRE(n_fires == 1);
    EXPECT_EQ(fires[0], 1);
    h_advance(0x17);
    EXPECT_EQ(n_fires, 1);
    h_advance(1);
    REQUIRE(n_fires == 2);
    EXPECT_EQ(fires[1], 0);
    EXPECT_EQ(fire_time[1], 0x10);
}
