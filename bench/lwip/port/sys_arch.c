/* bench/lwip/port/sys_arch.c: what a NO_SYS=1 lwIP needs from the system.
 *
 * sys_now() is weak: the relay (or port/) and the cost benchmark's virtual
 * clock replace it. */
#include <stdint.h>
#include <time.h>

__attribute__((weak)) uint32_t sys_now(void);
__attribute__((weak)) uint32_t sys_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}
