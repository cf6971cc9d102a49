/* bench/lwip/port/arch/cc.h: the platform header for the lwIP builds the
 * bench makes from Debian's lwIP source (NO_SYS=1, Linux, single thread).
 * Used by the "tuned" and "big" configurations alike. */
#ifndef BENCH_LWIP_ARCH_CC_H
#define BENCH_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <endian.h>

/* glibc provides htons() and friends; lwIP's own would clash. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS
#define LWIP_TIMEVAL_PRIVATE 0
#include <sys/time.h>
#define LWIP_ERRNO_STDINCLUDE 1

#define LWIP_RAND() ((u32_t)rand())

#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { \
        fprintf(stderr, "lwIP assertion \"%s\" failed at line %d in %s\n", x, __LINE__, __FILE__); \
        fflush(NULL); abort(); } while (0)

typedef unsigned int sys_prot_t;

#endif
