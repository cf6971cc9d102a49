/* arch/cc.h: tern's platform description for the lwIP compatibility headers.
 *
 * lwIP expects every port to ship an "arch/cc.h".  A program that carries its
 * own (go-tun2socks, badvpn and most embedded ports do) keeps using it: put
 * its directory before tern's compat/include on the include path.  This one is
 * used otherwise; it describes a hosted GCC/Clang target.  lwip/arch.h fills in
 * everything not defined here, so a port's cc.h only needs what it changes. */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Byte order from the compiler. */
#ifndef BYTE_ORDER
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BYTE_ORDER BIG_ENDIAN
#else
#define BYTE_ORDER LITTLE_ENDIAN
#endif
#endif

/* Diagnostics go to stderr; LWIP_PLATFORM_DIAG takes a parenthesised printf
 * argument list, as in lwIP: LWIP_PLATFORM_DIAG(("x=%d\n", x)). */
#ifndef LWIP_PLATFORM_DIAG
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 1, 2)))
#endif
static inline void tern_platform_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}
#define LWIP_PLATFORM_DIAG(x)                                                                              \
    do {                                                                                                   \
        tern_platform_diag x;                                                                              \
    } while (0)
#endif

#ifndef LWIP_PLATFORM_ASSERT
#define LWIP_PLATFORM_ASSERT(x)                                                                            \
    do {                                                                                                   \
        fprintf(stderr, "Assertion \"%s\" failed at line %d in %s\n", x, __LINE__, __FILE__);              \
        fflush(NULL);                                                                                      \
        abort();                                                                                           \
    } while (0)
#endif

#ifndef LWIP_RAND
#define LWIP_RAND() ((u32_t)rand())
#endif

#endif /* LWIP_ARCH_CC_H */
