/* clock.c: the virtual clock.  The binary defines sys_now(), which the
 * stack calls for all of its timing; scenarios move time explicitly. */
#include "stack.h"

#include "lwip/timeouts.h"

#include "trace.h"

#define STEP_MS 10

static u32_t now_ms;

u32_t sys_now(void)
{
    return now_ms;
}

u32_t h_now(void)
{
    return now_ms;
}

void h_advance(u32_t ms)
{
    trace("advance %lu ms", (unsigned long)ms);
    while (ms) {
        u32_t step = ms < STEP_MS ? ms : STEP_MS;
        now_ms += step;
        ms -= step;
        sys_check_timeouts();
    }
}

void h_clock_jump(u32_t ms)
{
    trace("clock jumps %lu ms", (unsigned long)ms);
    now_ms += ms;
}
