/* lwip/arch.h: basic types and compiler abstractions of the lwIP API.
 *
 * Includes the port's "arch/cc.h" (tern's own, or the program's when its
 * directory comes first on the include path) and then provides every
 * definition the port left out, exactly as lwIP 2.1 does: a port may set
 * LWIP_NO_STDINT_H, LWIP_NO_INTTYPES_H, LWIP_NO_STDDEF_H, LWIP_NO_LIMITS_H,
 * LWIP_NO_UNISTD_H or LWIP_NO_CTYPE_H to 1 and supply the matching items.
 *
 * libtern itself is built with the standard C types; a port that redefines
 * u8_t..s32_t must keep them the same size and signedness. */
#ifndef LWIP_HDR_ARCH_H
#define LWIP_HDR_ARCH_H

#ifndef LITTLE_ENDIAN
#define LITTLE_ENDIAN 1234
#endif
#ifndef BIG_ENDIAN
#define BIG_ENDIAN 4321
#endif

#include "arch/cc.h"

#ifndef BYTE_ORDER
#define BYTE_ORDER LITTLE_ENDIAN
#endif

#ifndef LWIP_PLATFORM_DIAG
#include <stdio.h>
#define LWIP_PLATFORM_DIAG(x)                                                                              \
    do {                                                                                                   \
        printf x;                                                                                          \
    } while (0)
#endif

#ifndef LWIP_PLATFORM_ASSERT
#include <stdio.h>
#include <stdlib.h>
#define LWIP_PLATFORM_ASSERT(x)                                                                            \
    do {                                                                                                   \
        printf("Assertion \"%s\" failed at line %d in %s\n", x, __LINE__, __FILE__);                       \
        fflush(NULL);                                                                                      \
        abort();                                                                                           \
    } while (0)
#endif

/* ---- standard headers and integer types ---- */

#ifndef LWIP_NO_STDDEF_H
#define LWIP_NO_STDDEF_H 0
#endif
#if !LWIP_NO_STDDEF_H
#include <stddef.h>
#endif

#ifndef LWIP_NO_STDINT_H
#define LWIP_NO_STDINT_H 0
#endif
#if !LWIP_NO_STDINT_H
#include <stdint.h>
#if !defined(LWIP_HAVE_INT64) && defined(UINT64_MAX)
#define LWIP_HAVE_INT64 1
#endif
typedef uint8_t u8_t;
typedef int8_t s8_t;
typedef uint16_t u16_t;
typedef int16_t s16_t;
typedef uint32_t u32_t;
typedef int32_t s32_t;
#if LWIP_HAVE_INT64
typedef uint64_t u64_t;
typedef int64_t s64_t;
#endif
typedef uintptr_t mem_ptr_t;
#endif

/* printf formats for the types above, used as "%" U16_F. */
#ifndef LWIP_NO_INTTYPES_H
#define LWIP_NO_INTTYPES_H 0
#endif
#if !LWIP_NO_INTTYPES_H
#include <inttypes.h>
#ifndef X8_F
#define X8_F "02" PRIx8
#endif
#ifndef U16_F
#define U16_F PRIu16
#endif
#ifndef S16_F
#define S16_F PRId16
#endif
#ifndef X16_F
#define X16_F PRIx16
#endif
#ifndef U32_F
#define U32_F PRIu32
#endif
#ifndef S32_F
#define S32_F PRId32
#endif
#ifndef X32_F
#define X32_F PRIx32
#endif
#ifndef SZT_F
#define SZT_F PRIuPTR
#endif
#endif

#ifndef LWIP_NO_LIMITS_H
#define LWIP_NO_LIMITS_H 0
#endif
#if !LWIP_NO_LIMITS_H
#include <limits.h>
#endif

/* ssize_t: from <unistd.h> where the C library has it (SSIZE_MAX set by
 * <limits.h>), else an int, as lwIP does. */
#ifdef SSIZE_MAX
#ifndef LWIP_NO_UNISTD_H
#define LWIP_NO_UNISTD_H 0
#endif
#if !LWIP_NO_UNISTD_H
#include <unistd.h>
#endif
#else
#if defined(__unix__) || defined(__APPLE__)
#include <sys/types.h> /* ssize_t on hosted systems when SSIZE_MAX is hidden */
#else
typedef int ssize_t;
#define SSIZE_MAX INT_MAX
#endif
#endif

#define LWIP_UINT32_MAX 0xffffffff

/* libtern was compiled with the <stdint.h> types: a port's own must match. */
typedef char tern_lwip_type_check[(sizeof(u8_t) == 1 && sizeof(s8_t) == 1 && sizeof(u16_t) == 2 &&
                                   sizeof(s16_t) == 2 && sizeof(u32_t) == 4 && sizeof(s32_t) == 4 &&
                                   (u8_t)-1 > 0 && (u16_t)-1 > 0 && (u32_t)-1 > 0 && (s8_t)-1 < 0 &&
                                   (s16_t)-1 < 0 && (s32_t)-1 < 0)
                                      ? 1
                                      : -1];

/* ---- character classes ---- */

#ifndef LWIP_NO_CTYPE_H
#define LWIP_NO_CTYPE_H 0
#endif
#if LWIP_NO_CTYPE_H
#define lwip_in_range(c, lo, up) ((u8_t)(c) >= (lo) && (u8_t)(c) <= (up))
#define lwip_isdigit(c) lwip_in_range((c), '0', '9')
#define lwip_isxdigit(c) (lwip_isdigit(c) || lwip_in_range((c), 'a', 'f') || lwip_in_range((c), 'A', 'F'))
#define lwip_islower(c) lwip_in_range((c), 'a', 'z')
#define lwip_isspace(c) ((c) == ' ' || (c) == '\f' || (c) == '\n' || (c) == '\r' || (c) == '\t' || (c) == '\v')
#define lwip_isupper(c) lwip_in_range((c), 'A', 'Z')
#define lwip_tolower(c) (lwip_isupper(c) ? (c) - 'A' + 'a' : c)
#define lwip_toupper(c) (lwip_islower(c) ? (c) - 'a' + 'A' : c)
#else
#include <ctype.h>
#define lwip_isdigit(c) isdigit((unsigned char)(c))
#define lwip_isxdigit(c) isxdigit((unsigned char)(c))
#define lwip_islower(c) islower((unsigned char)(c))
#define lwip_isspace(c) isspace((unsigned char)(c))
#define lwip_isupper(c) isupper((unsigned char)(c))
#define lwip_tolower(c) tolower((unsigned char)(c))
#define lwip_toupper(c) toupper((unsigned char)(c))
#endif

/* ---- casts that silence qualifier and alignment warnings ---- */

#ifndef LWIP_CONST_CAST
#define LWIP_CONST_CAST(target_type, val) ((target_type)((ptrdiff_t)val))
#endif
#ifndef LWIP_ALIGNMENT_CAST
#define LWIP_ALIGNMENT_CAST(target_type, val) LWIP_CONST_CAST(target_type, val)
#endif
#ifndef LWIP_PTR_NUMERIC_CAST
#define LWIP_PTR_NUMERIC_CAST(target_type, val) LWIP_CONST_CAST(target_type, val)
#endif
#ifndef LWIP_PACKED_CAST
#define LWIP_PACKED_CAST(target_type, val) LWIP_CONST_CAST(target_type, val)
#endif

/* ---- memory alignment (MEM_ALIGNMENT comes from lwip/opt.h) ---- */

#ifndef LWIP_MEM_ALIGN_SIZE
#define LWIP_MEM_ALIGN_SIZE(size) (((size) + MEM_ALIGNMENT - 1U) & ~(MEM_ALIGNMENT - 1U))
#endif
#ifndef LWIP_MEM_ALIGN_BUFFER
#define LWIP_MEM_ALIGN_BUFFER(size) (((size) + MEM_ALIGNMENT - 1U))
#endif
#ifndef LWIP_DECLARE_MEMORY_ALIGNED
#define LWIP_DECLARE_MEMORY_ALIGNED(variable_name, size) u8_t variable_name[LWIP_MEM_ALIGN_BUFFER(size)]
#endif
#ifndef LWIP_MEM_ALIGN
#define LWIP_MEM_ALIGN(addr)                                                                               \
    ((void *)(((mem_ptr_t)(addr) + MEM_ALIGNMENT - 1) & ~(mem_ptr_t)(MEM_ALIGNMENT - 1)))
#endif

/* ---- packed structures: PACK_STRUCT_BEGIN struct x { PACK_STRUCT_FIELD(u32_t a); }
 *      PACK_STRUCT_STRUCT; PACK_STRUCT_END ---- */

#ifndef PACK_STRUCT_BEGIN
#define PACK_STRUCT_BEGIN
#endif
#ifndef PACK_STRUCT_END
#define PACK_STRUCT_END
#endif
#ifndef PACK_STRUCT_STRUCT
#if defined(__GNUC__) || defined(__clang__)
#define PACK_STRUCT_STRUCT __attribute__((packed))
#else
#define PACK_STRUCT_STRUCT
#endif
#endif
#ifndef PACK_STRUCT_FIELD
#define PACK_STRUCT_FIELD(x) x
#endif
#ifndef PACK_STRUCT_FLD_8
#define PACK_STRUCT_FLD_8(x) PACK_STRUCT_FIELD(x)
#endif
#ifndef PACK_STRUCT_FLD_S
#define PACK_STRUCT_FLD_S(x) PACK_STRUCT_FIELD(x)
#endif

#ifndef LWIP_UNUSED_ARG
#define LWIP_UNUSED_ARG(x) (void)x
#endif

#endif /* LWIP_HDR_ARCH_H */
