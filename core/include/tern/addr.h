/* tern/addr.h: IP addresses as the core sees them.
 *
 * The layout matches a dual-stack lwIP ip_addr_t (an IPv6 address with a zone
 * in a union with an IPv4 address, then a type byte) so that the lwIP
 * compatibility layer converts between the two with a cast, not a copy. */
#ifndef TERN_ADDR_H
#define TERN_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define TERN_ADDR_V4 0u
#define TERN_ADDR_V6 6u
#define TERN_ADDR_ANY 46u /* unspecified family: binds and matches both */

typedef struct tern_addr {
    union {
        struct {
            uint32_t w[4]; /* network byte order, as on the wire */
            uint8_t zone;
        } v6;
        uint32_t v4; /* network byte order */
    } u;
    uint8_t type; /* TERN_ADDR_V4, TERN_ADDR_V6 or TERN_ADDR_ANY */
} tern_addr;

static inline void tern_addr_set_v4(tern_addr *a, uint32_t be)
{
    memset(a, 0, sizeof(*a));
    a->u.v4 = be;
    a->type = TERN_ADDR_V4;
}

static inline void tern_addr_set_v6(tern_addr *a, const void *bytes16)
{
    memset(a, 0, sizeof(*a));
    memcpy(a->u.v6.w, bytes16, 16);
    a->type = TERN_ADDR_V6;
}

static inline bool tern_addr_is_v6(const tern_addr *a) { return a->type == TERN_ADDR_V6; }

/* True for 0.0.0.0, :: and the ANY type. */
static inline bool tern_addr_is_any(const tern_addr *a)
{
    if (a->type == TERN_ADDR_V4)
        return a->u.v4 == 0;
    return (a->u.v6.w[0] | a->u.v6.w[1] | a->u.v6.w[2] | a->u.v6.w[3]) == 0;
}

/* Same family and same address; the IPv6 zone is ignored. */
static inline bool tern_addr_eq(const tern_addr *a, const tern_addr *b)
{
    if (a->type != b->type)
        return false;
    if (a->type == TERN_ADDR_V4)
        return a->u.v4 == b->u.v4;
    return memcmp(a->u.v6.w, b->u.v6.w, 16) == 0;
}

#endif
