/* port/linux/sys_now.c: the millisecond clock lwIP programs expect.
 *
 * Weak, and alone in its object file, so a program that defines its own
 * sys_now (a virtual clock in tests) replaces it when linking statically,
 * and interposes it when linking against the shared library. */
#include <stdint.h>
#include <time.h>

#include "tern/export.h"

/* Exported (default visibility) so that libtern's own calls go through the
 * PLT and a program's definition wins. */
TERN_API __attribute__((weak)) uint32_t sys_now(void);
__attribute__((weak)) uint32_t sys_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

TERN_API uint32_t sys_jiffies(void);
uint32_t sys_jiffies(void) { return sys_now(); }
