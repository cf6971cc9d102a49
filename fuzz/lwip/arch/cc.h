/* fuzz/lwip/arch/cc.h: the platform glue lwIP needs when built for the
 * differential fuzz targets.  An lwIP assertion prints and aborts (as
 * Debian's build does), so the fuzzer sees it as a crash. */
#ifndef FUZZ_LWIP_ARCH_CC_H
#define FUZZ_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define LWIP_PLATFORM_DIAG(x) \
    do {                      \
        printf x;             \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                       \
    do {                                                                                              \
        fprintf(stderr, "lwIP assertion \"%s\" failed at line %d in %s\n", x, __LINE__, __FILE__); \
        fflush(stderr);                                                                               \
        abort();                                                                                      \
    } while (0)

unsigned int fuzz_lwip_rand(void);
#define LWIP_RAND() ((u32_t)fuzz_lwip_rand())

#endif
