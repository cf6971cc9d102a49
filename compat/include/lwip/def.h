/* lwip/def.h: small helpers of the lwIP API: min/max, byte order, and the
 * string functions lwIP provides where the C library may not.
 *
 * htons/ntohs/htonl/ntohl are provided as macros over lwip_htons() and
 * friends unless LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS is defined (a port's
 * cc.h usually defines it when it includes the system's <arpa/inet.h>).  A
 * macro the C library already defined is left alone, so <arpa/inet.h> may be
 * included before or after this header. */
#ifndef LWIP_HDR_DEF_H
#define LWIP_HDR_DEF_H

#include "lwip/arch.h"
#include "lwip/opt.h"
#include "tern/export.h"

#if LWIP_PERF
#include "arch/perf.h"
#else
#define PERF_START
#define PERF_STOP(x)
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define LWIP_MAX(x, y) (((x) > (y)) ? (x) : (y))
#define LWIP_MIN(x, y) (((x) < (y)) ? (x) : (y))

/* Number of elements of an array (not of a pointer). */
#define LWIP_ARRAYSIZE(x) (sizeof(x) / sizeof((x)[0]))

/* A host-order u32_t from four bytes, most significant first. */
#define LWIP_MAKEU32(a, b, c, d)                                                                           \
    (((u32_t)((a)&0xff) << 24) | ((u32_t)((b)&0xff) << 16) | ((u32_t)((c)&0xff) << 8) | (u32_t)((d)&0xff))

#ifndef NULL
#ifdef __cplusplus
#define NULL 0
#else
#define NULL ((void *)0)
#endif
#endif

/* Byte order.  lwip_hton* work on any value; PP_* are for compile-time
 * constants (usable in initialisers and case labels). */
#if BYTE_ORDER == BIG_ENDIAN
#define lwip_htons(x) ((u16_t)(x))
#define lwip_ntohs(x) ((u16_t)(x))
#define lwip_htonl(x) ((u32_t)(x))
#define lwip_ntohl(x) ((u32_t)(x))
#define PP_HTONS(x) ((u16_t)(x))
#define PP_NTOHS(x) ((u16_t)(x))
#define PP_HTONL(x) ((u32_t)(x))
#define PP_NTOHL(x) ((u32_t)(x))
#else
#ifndef lwip_htons
TERN_API u16_t lwip_htons(u16_t x);
#endif
#define lwip_ntohs(x) lwip_htons(x)
#ifndef lwip_htonl
TERN_API u32_t lwip_htonl(u32_t x);
#endif
#define lwip_ntohl(x) lwip_htonl(x)
#define PP_HTONS(x) ((u16_t)((((x) & (u16_t)0x00ffU) << 8) | (((x) & (u16_t)0xff00U) >> 8)))
#define PP_NTOHS(x) PP_HTONS(x)
#define PP_HTONL(x)                                                                                        \
    ((((x) & (u32_t)0x000000ffUL) << 24) | (((x) & (u32_t)0x0000ff00UL) << 8) |                            \
     (((x) & (u32_t)0x00ff0000UL) >> 8) | (((x) & (u32_t)0xff000000UL) >> 24))
#define PP_NTOHL(x) PP_HTONL(x)
#endif

#ifndef LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS
/* In C++ a later <arpa/inet.h> would redeclare lwip_htons() (through the
 * macros) with a different exception specification: take the system's
 * declarations first. */
#if defined(__cplusplus) && defined(__has_include)
#if __has_include(<arpa/inet.h>)
#include <arpa/inet.h>
#endif
#endif
#ifndef htons
#define htons(x) lwip_htons(x)
#endif
#ifndef ntohs
#define ntohs(x) lwip_ntohs(x)
#endif
#ifndef htonl
#define htonl(x) lwip_htonl(x)
#endif
#ifndef ntohl
#define ntohl(x) lwip_ntohl(x)
#endif
#endif

/* String helpers; a port may #define each to a C library function. */
#ifndef lwip_itoa
/* Decimal text of number into result (always NUL-terminated; "" when
 * bufsize is too small). */
TERN_API void lwip_itoa(char *result, size_t bufsize, int number);
#endif
#ifndef lwip_strnicmp
/* Case-insensitive strncmp: 0 when equal, 1 otherwise. */
TERN_API int lwip_strnicmp(const char *str1, const char *str2, size_t len);
#endif
#ifndef lwip_stricmp
/* Case-insensitive strcmp: 0 when equal, 1 otherwise. */
TERN_API int lwip_stricmp(const char *str1, const char *str2);
#endif
#ifndef lwip_strnstr
/* First occurrence of token in the first n bytes of buffer, or NULL. */
TERN_API char *lwip_strnstr(const char *buffer, const char *token, size_t n);
#endif

#ifdef __cplusplus
}
#endif

#endif /* LWIP_HDR_DEF_H */
