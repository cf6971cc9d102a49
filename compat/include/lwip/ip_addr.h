/* lwip/ip_addr.h: IP addresses of either family (ip_addr_t), as in lwIP 2.1.
 *
 * With both LWIP_IPV4 and LWIP_IPV6, ip_addr_t is a tagged union:
 *     struct { union { ip6_addr_t ip6; ip4_addr_t ip4; } u_addr; u8_t type; }
 * where type is IPADDR_TYPE_V4, IPADDR_TYPE_V6 or IPADDR_TYPE_ANY.  With
 * only one family enabled, ip_addr_t is that family's type and the type
 * macros are constants, exactly as in lwIP.
 *
 * The dual-stack layout with zones (lwIP's default when both families are
 * on) is the one libtern uses internally: TERN_IP_ADDR_NATIVE is 1 then and
 * an ip_addr_t can be passed to the library as is.  The functions of this
 * header also work with the other layouts (other lwip headers may not). */
#ifndef LWIP_HDR_IP_ADDR_H
#define LWIP_HDR_IP_ADDR_H

#include "lwip/opt.h"
#include "lwip/def.h"
#include "lwip/ip4_addr.h"
#include "lwip/ip6_addr.h"
#include "lwip/priv/tern_opts.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values of ip_addr_t's type. */
enum lwip_ip_addr_type {
    IPADDR_TYPE_V4 = 0U,  /* IPv4 */
    IPADDR_TYPE_V6 = 6U,  /* IPv6 */
    IPADDR_TYPE_ANY = 46U /* either: binds and matches both families */
};

#if LWIP_IPV4 && LWIP_IPV6 && LWIP_IPV6_SCOPES
#define TERN_IP_ADDR_NATIVE 1
#else
#define TERN_IP_ADDR_NATIVE 0
#endif

#if LWIP_IPV4 && LWIP_IPV6

typedef struct ip_addr {
    union {
        ip6_addr_t ip6;
        ip4_addr_t ip4;
    } u_addr;
    u8_t type; /* enum lwip_ip_addr_type */
} ip_addr_t;

/* ip_addr_t's layout, checked by lwip_init (lwip/priv/tern_opts.h). */
#define TERN_LAYOUT_IP_ADDR_T(X, T)                                                                        \
    X(T, u_addr, "LWIP_IPV6") X(T, u_addr.ip6.zone, "LWIP_IPV6_SCOPES") X(T, type, "LWIP_IPV4 && LWIP_IPV6")
TERN_LAYOUT_REGISTER(TERN_LAYOUT_IP_ADDR, ip_addr_t, TERN_LAYOUT_IP_ADDR_T)

/* Static initialisers. */
#define IPADDR4_INIT(u32val) { { { { u32val, 0ul, 0ul, 0ul } IPADDR6_ZONE_INIT } }, IPADDR_TYPE_V4 }
#define IPADDR4_INIT_BYTES(a, b, c, d) IPADDR4_INIT(PP_HTONL(LWIP_MAKEU32(a, b, c, d)))
#define IPADDR6_INIT(a, b, c, d) { { { { a, b, c, d } IPADDR6_ZONE_INIT } }, IPADDR_TYPE_V6 }
#define IPADDR6_INIT_HOST(a, b, c, d)                                                                      \
    { { { { PP_HTONL(a), PP_HTONL(b), PP_HTONL(c), PP_HTONL(d) } IPADDR6_ZONE_INIT } }, IPADDR_TYPE_V6 }
#define IPADDR_ANY_TYPE_INIT { { { { 0ul, 0ul, 0ul, 0ul } IPADDR6_ZONE_INIT } }, IPADDR_TYPE_ANY }

/* Type tests: the _VAL forms take an ip_addr_t, the others a pointer (a
 * NULL pointer counts as IPv4). */
#define IP_IS_ANY_TYPE_VAL(ipaddr) (IP_GET_TYPE(&ipaddr) == IPADDR_TYPE_ANY)
#define IP_IS_V4_VAL(ipaddr) (IP_GET_TYPE(&ipaddr) == IPADDR_TYPE_V4)
#define IP_IS_V6_VAL(ipaddr) (IP_GET_TYPE(&ipaddr) == IPADDR_TYPE_V6)
#define IP_IS_V4(ipaddr) (((ipaddr) == NULL) || IP_IS_V4_VAL(*(ipaddr)))
#define IP_IS_V6(ipaddr) (((ipaddr) != NULL) && IP_IS_V6_VAL(*(ipaddr)))
#define IP_SET_TYPE_VAL(ipaddr, iptype)                                                                    \
    do {                                                                                                   \
        (ipaddr).type = (iptype);                                                                          \
    } while (0)
#define IP_SET_TYPE(ipaddr, iptype)                                                                        \
    do {                                                                                                   \
        if ((ipaddr) != NULL) {                                                                            \
            IP_SET_TYPE_VAL(*(ipaddr), iptype);                                                            \
        }                                                                                                  \
    } while (0)
#define IP_GET_TYPE(ipaddr) ((ipaddr)->type)

#define IP_ADDR_RAW_SIZE(ipaddr) (IP_GET_TYPE(&ipaddr) == IPADDR_TYPE_V4 ? sizeof(ip4_addr_t) : sizeof(ip6_addr_t))

#define IP_ADDR_PCB_VERSION_MATCH_EXACT(pcb, ipaddr) (IP_GET_TYPE(&pcb->local_ip) == IP_GET_TYPE(ipaddr))
#define IP_ADDR_PCB_VERSION_MATCH(pcb, ipaddr)                                                             \
    (IP_IS_ANY_TYPE_VAL(pcb->local_ip) || IP_ADDR_PCB_VERSION_MATCH_EXACT(pcb, ipaddr))

/* The family-specific part. */
#define ip_2_ip6(ipaddr) (&((ipaddr)->u_addr.ip6))
#define ip_2_ip4(ipaddr) (&((ipaddr)->u_addr.ip4))

#define IP_ADDR4(ipaddr, a, b, c, d)                                                                       \
    do {                                                                                                   \
        IP4_ADDR(ip_2_ip4(ipaddr), a, b, c, d);                                                            \
        IP_SET_TYPE_VAL(*(ipaddr), IPADDR_TYPE_V4);                                                        \
    } while (0)
#define IP_ADDR6(ipaddr, i0, i1, i2, i3)                                                                   \
    do {                                                                                                   \
        IP6_ADDR(ip_2_ip6(ipaddr), i0, i1, i2, i3);                                                        \
        IP_SET_TYPE_VAL(*(ipaddr), IPADDR_TYPE_V6);                                                        \
    } while (0)
#define IP_ADDR6_HOST(ipaddr, i0, i1, i2, i3) IP_ADDR6(ipaddr, PP_HTONL(i0), PP_HTONL(i1), PP_HTONL(i2), PP_HTONL(i3))

/* Zero the IPv6 words an IPv4 address does not use (and the zone). */
#define ip_clear_no4(ipaddr)                                                                               \
    do {                                                                                                   \
        ip_2_ip6(ipaddr)->addr[1] = ip_2_ip6(ipaddr)->addr[2] = ip_2_ip6(ipaddr)->addr[3] = 0;             \
        ip6_addr_clear_zone(ip_2_ip6(ipaddr));                                                             \
    } while (0)

/* Copy by value (dest and src are ip_addr_t). */
#define ip_addr_copy(dest, src)                                                                            \
    do {                                                                                                   \
        IP_SET_TYPE_VAL(dest, IP_GET_TYPE(&src));                                                          \
        if (IP_IS_V6_VAL(src)) {                                                                           \
            ip6_addr_copy(*ip_2_ip6(&(dest)), *ip_2_ip6(&(src)));                                          \
        } else {                                                                                           \
            ip4_addr_copy(*ip_2_ip4(&(dest)), *ip_2_ip4(&(src)));                                          \
            ip_clear_no4(&dest);                                                                           \
        }                                                                                                  \
    } while (0)
#define ip_addr_copy_from_ip6(dest, src)                                                                   \
    do {                                                                                                   \
        ip6_addr_copy(*ip_2_ip6(&(dest)), src);                                                            \
        IP_SET_TYPE_VAL(dest, IPADDR_TYPE_V6);                                                             \
    } while (0)
#define ip_addr_copy_from_ip6_packed(dest, src)                                                            \
    do {                                                                                                   \
        ip6_addr_copy_from_packed(*ip_2_ip6(&(dest)), src);                                                \
        IP_SET_TYPE_VAL(dest, IPADDR_TYPE_V6);                                                             \
    } while (0)
#define ip_addr_copy_from_ip4(dest, src)                                                                   \
    do {                                                                                                   \
        ip4_addr_copy(*ip_2_ip4(&(dest)), src);                                                            \
        IP_SET_TYPE_VAL(dest, IPADDR_TYPE_V4);                                                             \
        ip_clear_no4(&dest);                                                                               \
    } while (0)
#define ip_addr_set_ip4_u32(ipaddr, val)                                                                   \
    do {                                                                                                   \
        if ((ipaddr) != NULL) {                                                                            \
            ip4_addr_set_u32(ip_2_ip4(ipaddr), val);                                                       \
            IP_SET_TYPE(ipaddr, IPADDR_TYPE_V4);                                                           \
            ip_clear_no4(ipaddr);                                                                          \
        }                                                                                                  \
    } while (0)
#define ip_addr_set_ip4_u32_val(ipaddr, val)                                                               \
    do {                                                                                                   \
        ip4_addr_set_u32(ip_2_ip4(&(ipaddr)), val);                                                        \
        IP_SET_TYPE_VAL(ipaddr, IPADDR_TYPE_V4);                                                           \
        ip_clear_no4(&ipaddr);                                                                             \
    } while (0)
/* The IPv4 address (network order), or 0 for NULL or an IPv6 address. */
#define ip_addr_get_ip4_u32(ipaddr) ((((ipaddr) != NULL) && IP_IS_V4(ipaddr)) ? ip4_addr_get_u32(ip_2_ip4(ipaddr)) : 0)
/* Copy through pointers; a NULL src gives 0.0.0.0. */
#define ip_addr_set(dest, src)                                                                             \
    do {                                                                                                   \
        IP_SET_TYPE(dest, IP_GET_TYPE(src));                                                               \
        if (IP_IS_V6(src)) {                                                                               \
            ip6_addr_set(ip_2_ip6(dest), ip_2_ip6(src));                                                   \
        } else {                                                                                           \
            ip4_addr_set(ip_2_ip4(dest), ip_2_ip4(src));                                                   \
            ip_clear_no4(dest);                                                                            \
        }                                                                                                  \
    } while (0)
#define ip_addr_set_ipaddr(dest, src) ip_addr_set(dest, src)
#define ip_addr_set_zero(ipaddr)                                                                           \
    do {                                                                                                   \
        ip6_addr_set_zero(ip_2_ip6(ipaddr));                                                               \
        IP_SET_TYPE(ipaddr, 0);                                                                            \
    } while (0)
#define ip_addr_set_zero_ip4(ipaddr)                                                                       \
    do {                                                                                                   \
        ip6_addr_set_zero(ip_2_ip6(ipaddr));                                                               \
        IP_SET_TYPE(ipaddr, IPADDR_TYPE_V4);                                                               \
    } while (0)
#define ip_addr_set_zero_ip6(ipaddr)                                                                       \
    do {                                                                                                   \
        ip6_addr_set_zero(ip_2_ip6(ipaddr));                                                               \
        IP_SET_TYPE(ipaddr, IPADDR_TYPE_V6);                                                               \
    } while (0)
#define ip_addr_set_any(is_ipv6, ipaddr)                                                                   \
    do {                                                                                                   \
        if (is_ipv6) {                                                                                     \
            ip6_addr_set_any(ip_2_ip6(ipaddr));                                                            \
            IP_SET_TYPE(ipaddr, IPADDR_TYPE_V6);                                                           \
        } else {                                                                                           \
            ip4_addr_set_any(ip_2_ip4(ipaddr));                                                            \
            IP_SET_TYPE(ipaddr, IPADDR_TYPE_V4);                                                           \
            ip_clear_no4(ipaddr);                                                                          \
        }                                                                                                  \
    } while (0)
#define ip_addr_set_any_val(is_ipv6, ipaddr)                                                               \
    do {                                                                                                   \
        if (is_ipv6) {                                                                                     \
            ip6_addr_set_any(ip_2_ip6(&(ipaddr)));                                                         \
            IP_SET_TYPE_VAL(ipaddr, IPADDR_TYPE_V6);                                                       \
        } else {                                                                                           \
            ip4_addr_set_any(ip_2_ip4(&(ipaddr)));                                                         \
            IP_SET_TYPE_VAL(ipaddr, IPADDR_TYPE_V4);                                                       \
            ip_clear_no4(&ipaddr);                                                                         \
        }                                                                                                  \
    } while (0)
#define ip_addr_set_loopback(is_ipv6, ipaddr)                                                              \
    do {                                                                                                   \
        if (is_ipv6) {                                                                                     \
            ip6_addr_set_loopback(ip_2_ip6(ipaddr));                                                       \
            IP_SET_TYPE(ipaddr, IPADDR_TYPE_V6);                                                           \
        } else {                                                                                           \
            ip4_addr_set_loopback(ip_2_ip4(ipaddr));                                                       \
            IP_SET_TYPE(ipaddr, IPADDR_TYPE_V4);                                                           \
            ip_clear_no4(ipaddr);                                                                          \
        }                                                                                                  \
    } while (0)
#define ip_addr_set_loopback_val(is_ipv6, ipaddr)                                                          \
    do {                                                                                                   \
        if (is_ipv6) {                                                                                     \
            ip6_addr_set_loopback(ip_2_ip6(&(ipaddr)));                                                    \
            IP_SET_TYPE_VAL(ipaddr, IPADDR_TYPE_V6);                                                       \
        } else {                                                                                           \
            ip4_addr_set_loopback(ip_2_ip4(&(ipaddr)));                                                    \
            IP_SET_TYPE_VAL(ipaddr, IPADDR_TYPE_V4);                                                       \
            ip_clear_no4(&ipaddr);                                                                         \
        }                                                                                                  \
    } while (0)
/* (lwIP 2.1.3's version refers to an undefined "ipaddr" in the IPv4 branch;
 * this one clears dest.) */
#define ip_addr_set_hton(dest, src)                                                                        \
    do {                                                                                                   \
        if (IP_IS_V6(src)) {                                                                               \
            ip6_addr_set_hton(ip_2_ip6(dest), ip_2_ip6(src));                                              \
            IP_SET_TYPE(dest, IPADDR_TYPE_V6);                                                             \
        } else {                                                                                           \
            ip4_addr_set_hton(ip_2_ip4(dest), ip_2_ip4(src));                                              \
            IP_SET_TYPE(dest, IPADDR_TYPE_V4);                                                             \
            ip_clear_no4(dest);                                                                            \
        }                                                                                                  \
    } while (0)
#define ip_addr_get_network(target, host, netmask)                                                         \
    do {                                                                                                   \
        if (IP_IS_V6(host)) {                                                                              \
            ip4_addr_set_zero(ip_2_ip4(target));                                                           \
            IP_SET_TYPE(target, IPADDR_TYPE_V6);                                                           \
        } else {                                                                                           \
            ip4_addr_get_network(ip_2_ip4(target), ip_2_ip4(host), ip_2_ip4(netmask));                     \
            IP_SET_TYPE(target, IPADDR_TYPE_V4);                                                           \
        }                                                                                                  \
    } while (0)
/* IPv4 only; mask is an ip4_addr_t pointer.  Two IPv6 addresses give 0. */
#define ip_addr_netcmp(addr1, addr2, mask)                                                                 \
    ((IP_IS_V6(addr1) && IP_IS_V6(addr2)) ? 0 : ip4_addr_netcmp(ip_2_ip4(addr1), ip_2_ip4(addr2), mask))
/* Same type and same address (IPv6: same zone too). */
#define ip_addr_cmp(addr1, addr2)                                                                          \
    ((IP_GET_TYPE(addr1) != IP_GET_TYPE(addr2))                                                            \
         ? 0                                                                                               \
         : (IP_IS_V6_VAL(*(addr1)) ? ip6_addr_cmp(ip_2_ip6(addr1), ip_2_ip6(addr2))                        \
                                   : ip4_addr_cmp(ip_2_ip4(addr1), ip_2_ip4(addr2))))
#define ip_addr_cmp_zoneless(addr1, addr2)                                                                 \
    ((IP_GET_TYPE(addr1) != IP_GET_TYPE(addr2))                                                            \
         ? 0                                                                                               \
         : (IP_IS_V6_VAL(*(addr1)) ? ip6_addr_cmp_zoneless(ip_2_ip6(addr1), ip_2_ip6(addr2))               \
                                   : ip4_addr_cmp(ip_2_ip4(addr1), ip_2_ip4(addr2))))
/* NULL, 0.0.0.0, :: (an ANY-type address is tested as IPv4). */
#define ip_addr_isany(ipaddr)                                                                              \
    (((ipaddr) == NULL) ? 1 : ((IP_IS_V6(ipaddr)) ? ip6_addr_isany(ip_2_ip6(ipaddr)) : ip4_addr_isany(ip_2_ip4(ipaddr))))
#define ip_addr_isany_val(ipaddr)                                                                          \
    ((IP_IS_V6_VAL(ipaddr)) ? ip6_addr_isany_val(*ip_2_ip6(&(ipaddr))) : ip4_addr_isany_val(*ip_2_ip4(&(ipaddr))))
#define ip_addr_isbroadcast(ipaddr, netif) ((IP_IS_V6(ipaddr)) ? 0 : ip4_addr_isbroadcast(ip_2_ip4(ipaddr), netif))
#define ip_addr_ismulticast(ipaddr)                                                                        \
    ((IP_IS_V6(ipaddr)) ? ip6_addr_ismulticast(ip_2_ip6(ipaddr)) : ip4_addr_ismulticast(ip_2_ip4(ipaddr)))
#define ip_addr_isloopback(ipaddr)                                                                         \
    ((IP_IS_V6(ipaddr)) ? ip6_addr_isloopback(ip_2_ip6(ipaddr)) : ip4_addr_isloopback(ip_2_ip4(ipaddr)))
#define ip_addr_islinklocal(ipaddr)                                                                        \
    ((IP_IS_V6(ipaddr)) ? ip6_addr_islinklocal(ip_2_ip6(ipaddr)) : ip4_addr_islinklocal(ip_2_ip4(ipaddr)))
#define ip_addr_debug_print(debug, ipaddr)                                                                 \
    do {                                                                                                   \
        if (IP_IS_V6(ipaddr)) {                                                                            \
            ip6_addr_debug_print(debug, ip_2_ip6(ipaddr));                                                 \
        } else {                                                                                           \
            ip4_addr_debug_print(debug, ip_2_ip4(ipaddr));                                                 \
        }                                                                                                  \
    } while (0)
#define ip_addr_debug_print_val(debug, ipaddr)                                                             \
    do {                                                                                                   \
        if (IP_IS_V6_VAL(ipaddr)) {                                                                        \
            ip6_addr_debug_print_val(debug, *ip_2_ip6(&(ipaddr)));                                         \
        } else {                                                                                           \
            ip4_addr_debug_print_val(debug, *ip_2_ip4(&(ipaddr)));                                         \
        }                                                                                                  \
    } while (0)

/* libtern's objects have the zone byte; without zones the program's
 * ip_addr_t is 20 bytes and uses entry points and constants of that shape. */
#if !LWIP_IPV6_SCOPES
#define ipaddr_ntoa tern_ipaddr_ntoa_nozone
#define ipaddr_ntoa_r tern_ipaddr_ntoa_r_nozone
#define ipaddr_aton tern_ipaddr_aton_nozone
#define ip6_addr_any tern_ip6_addr_any_nozone
#define ip_addr_any_type tern_ip_addr_any_type_nozone
#endif

/* Text of an address of either family (an ANY-type address prints as IPv4);
 * static buffer, not reentrant.  NULL for a NULL addr. */
TERN_API char *ipaddr_ntoa(const ip_addr_t *addr);
/* The same into buf; NULL when buflen is too small. */
TERN_API char *ipaddr_ntoa_r(const ip_addr_t *addr, char *buf, int buflen);
/* Parse either family: text with a ':' is IPv6, anything else IPv4.
 * Returns 1 and fills *addr (type included; may be NULL) on success. */
TERN_API int ipaddr_aton(const char *cp, ip_addr_t *addr);

#define IPADDR_STRLEN_MAX IP6ADDR_STRLEN_MAX

/* Map an IPv4 address to ::ffff:a.b.c.d and back.  (The trailing ';' of the
 * first is lwIP's.) */
#define ip4_2_ipv4_mapped_ipv6(ip6addr, ip4addr)                                                           \
    do {                                                                                                   \
        (ip6addr)->addr[3] = (ip4addr)->addr;                                                              \
        (ip6addr)->addr[2] = PP_HTONL(0x0000FFFFUL);                                                       \
        (ip6addr)->addr[1] = 0;                                                                            \
        (ip6addr)->addr[0] = 0;                                                                            \
        ip6_addr_clear_zone(ip6addr);                                                                      \
    } while (0);
#define unmap_ipv4_mapped_ipv6(ip4addr, ip6addr) (ip4addr)->addr = (ip6addr)->addr[3];

#define IP46_ADDR_ANY(type) (((type) == IPADDR_TYPE_V6) ? IP6_ADDR_ANY : IP4_ADDR_ANY)

/* The unspecified address of type IPADDR_TYPE_ANY (IP_ANY_TYPE). */
extern TERN_API const ip_addr_t ip_addr_any_type;

#else /* one family only */

#define IP_ADDR_PCB_VERSION_MATCH(addr, pcb) 1
#define IP_ADDR_PCB_VERSION_MATCH_EXACT(pcb, ipaddr) 1

#define ip_addr_set_any_val(is_ipv6, ipaddr) ip_addr_set_any(is_ipv6, &(ipaddr))
#define ip_addr_set_loopback_val(is_ipv6, ipaddr) ip_addr_set_loopback(is_ipv6, &(ipaddr))

#if LWIP_IPV4

typedef ip4_addr_t ip_addr_t;
#define IPADDR4_INIT(u32val) { u32val }
#define IPADDR4_INIT_BYTES(a, b, c, d) IPADDR4_INIT(PP_HTONL(LWIP_MAKEU32(a, b, c, d)))
#define IP_IS_V4_VAL(ipaddr) 1
#define IP_IS_V6_VAL(ipaddr) 0
#define IP_IS_V4(ipaddr) 1
#define IP_IS_V6(ipaddr) 0
#define IP_IS_ANY_TYPE_VAL(ipaddr) 0
#define IP_SET_TYPE_VAL(ipaddr, iptype)
#define IP_SET_TYPE(ipaddr, iptype)
#define IP_GET_TYPE(ipaddr) IPADDR_TYPE_V4
#define IP_ADDR_RAW_SIZE(ipaddr) sizeof(ip4_addr_t)
#define ip_2_ip4(ipaddr) (ipaddr)
#define IP_ADDR4(ipaddr, a, b, c, d) IP4_ADDR(ipaddr, a, b, c, d)
#define ip_addr_copy(dest, src) ip4_addr_copy(dest, src)
#define ip_addr_copy_from_ip4(dest, src) ip4_addr_copy(dest, src)
#define ip_addr_set_ip4_u32(ipaddr, val) ip4_addr_set_u32(ip_2_ip4(ipaddr), val)
#define ip_addr_set_ip4_u32_val(ipaddr, val) ip_addr_set_ip4_u32(&(ipaddr), val)
#define ip_addr_get_ip4_u32(ipaddr) ip4_addr_get_u32(ip_2_ip4(ipaddr))
#define ip_addr_set(dest, src) ip4_addr_set(dest, src)
#define ip_addr_set_ipaddr(dest, src) ip4_addr_set(dest, src)
#define ip_addr_set_zero(ipaddr) ip4_addr_set_zero(ipaddr)
#define ip_addr_set_zero_ip4(ipaddr) ip4_addr_set_zero(ipaddr)
#define ip_addr_set_any(is_ipv6, ipaddr) ip4_addr_set_any(ipaddr)
#define ip_addr_set_loopback(is_ipv6, ipaddr) ip4_addr_set_loopback(ipaddr)
#define ip_addr_set_hton(dest, src) ip4_addr_set_hton(dest, src)
#define ip_addr_get_network(target, host, mask) ip4_addr_get_network(target, host, mask)
#define ip_addr_netcmp(addr1, addr2, mask) ip4_addr_netcmp(addr1, addr2, mask)
#define ip_addr_cmp(addr1, addr2) ip4_addr_cmp(addr1, addr2)
#define ip_addr_isany(ipaddr) ip4_addr_isany(ipaddr)
#define ip_addr_isany_val(ipaddr) ip4_addr_isany_val(ipaddr)
#define ip_addr_isloopback(ipaddr) ip4_addr_isloopback(ipaddr)
#define ip_addr_islinklocal(ipaddr) ip4_addr_islinklocal(ipaddr)
#define ip_addr_isbroadcast(addr, netif) ip4_addr_isbroadcast(addr, netif)
#define ip_addr_ismulticast(ipaddr) ip4_addr_ismulticast(ipaddr)
#define ip_addr_debug_print(debug, ipaddr) ip4_addr_debug_print(debug, ipaddr)
#define ip_addr_debug_print_val(debug, ipaddr) ip4_addr_debug_print_val(debug, ipaddr)
#define ipaddr_ntoa(ipaddr) ip4addr_ntoa(ipaddr)
#define ipaddr_ntoa_r(ipaddr, buf, buflen) ip4addr_ntoa_r(ipaddr, buf, buflen)
#define ipaddr_aton(cp, addr) ip4addr_aton(cp, addr)
#define IPADDR_STRLEN_MAX IP4ADDR_STRLEN_MAX
#define IP46_ADDR_ANY(type) (IP4_ADDR_ANY)

#else /* IPv6 only */

typedef ip6_addr_t ip_addr_t;
#define IPADDR6_INIT(a, b, c, d) { { a, b, c, d } IPADDR6_ZONE_INIT }
#define IPADDR6_INIT_HOST(a, b, c, d) { { PP_HTONL(a), PP_HTONL(b), PP_HTONL(c), PP_HTONL(d) } IPADDR6_ZONE_INIT }
#define IP_IS_V4_VAL(ipaddr) 0
#define IP_IS_V6_VAL(ipaddr) 1
#define IP_IS_V4(ipaddr) 0
#define IP_IS_V6(ipaddr) 1
#define IP_IS_ANY_TYPE_VAL(ipaddr) 0
#define IP_SET_TYPE_VAL(ipaddr, iptype)
#define IP_SET_TYPE(ipaddr, iptype)
#define IP_GET_TYPE(ipaddr) IPADDR_TYPE_V6
#define IP_ADDR_RAW_SIZE(ipaddr) sizeof(ip6_addr_t)
#define ip_2_ip6(ipaddr) (ipaddr)
#define IP_ADDR6(ipaddr, i0, i1, i2, i3) IP6_ADDR(ipaddr, i0, i1, i2, i3)
#define IP_ADDR6_HOST(ipaddr, i0, i1, i2, i3) IP_ADDR6(ipaddr, PP_HTONL(i0), PP_HTONL(i1), PP_HTONL(i2), PP_HTONL(i3))
#define ip_addr_copy(dest, src) ip6_addr_copy(dest, src)
#define ip_addr_copy_from_ip6(dest, src) ip6_addr_copy(dest, src)
#define ip_addr_copy_from_ip6_packed(dest, src) ip6_addr_copy_from_packed(dest, src)
#define ip_addr_set(dest, src) ip6_addr_set(dest, src)
#define ip_addr_set_ipaddr(dest, src) ip6_addr_set(dest, src)
#define ip_addr_set_zero(ipaddr) ip6_addr_set_zero(ipaddr)
#define ip_addr_set_zero_ip6(ipaddr) ip6_addr_set_zero(ipaddr)
#define ip_addr_set_any(is_ipv6, ipaddr) ip6_addr_set_any(ipaddr)
#define ip_addr_set_loopback(is_ipv6, ipaddr) ip6_addr_set_loopback(ipaddr)
#define ip_addr_set_hton(dest, src) ip6_addr_set_hton(dest, src)
#define ip_addr_get_network(target, host, mask) ip6_addr_set_zero(target)
#define ip_addr_netcmp(addr1, addr2, mask) 0
#define ip_addr_cmp(addr1, addr2) ip6_addr_cmp(addr1, addr2)
#define ip_addr_cmp_zoneless(addr1, addr2) ip6_addr_cmp_zoneless(addr1, addr2)
#define ip_addr_isany(ipaddr) ip6_addr_isany(ipaddr)
#define ip_addr_isany_val(ipaddr) ip6_addr_isany_val(ipaddr)
#define ip_addr_isloopback(ipaddr) ip6_addr_isloopback(ipaddr)
#define ip_addr_islinklocal(ipaddr) ip6_addr_islinklocal(ipaddr)
#define ip_addr_isbroadcast(addr, netif) 0
#define ip_addr_ismulticast(ipaddr) ip6_addr_ismulticast(ipaddr)
#define ip_addr_debug_print(debug, ipaddr) ip6_addr_debug_print(debug, ipaddr)
#define ip_addr_debug_print_val(debug, ipaddr) ip6_addr_debug_print_val(debug, ipaddr)
#define ipaddr_ntoa(ipaddr) ip6addr_ntoa(ipaddr)
#define ipaddr_ntoa_r(ipaddr, buf, buflen) ip6addr_ntoa_r(ipaddr, buf, buflen)
#define ipaddr_aton(cp, addr) ip6addr_aton(cp, addr)
#define IPADDR_STRLEN_MAX IP6ADDR_STRLEN_MAX
#define IP46_ADDR_ANY(type) (IP6_ADDR_ANY)

#endif /* LWIP_IPV4 */
#endif /* LWIP_IPV4 && LWIP_IPV6 */

/* ---- well-known addresses ---- */

#if LWIP_IPV4
extern TERN_API const ip_addr_t ip_addr_any;       /* 0.0.0.0 */
extern TERN_API const ip_addr_t ip_addr_broadcast; /* 255.255.255.255 */
#define IP_ADDR_ANY IP4_ADDR_ANY
#define IP4_ADDR_ANY (&ip_addr_any)
#define IP4_ADDR_ANY4 (ip_2_ip4(&ip_addr_any))
#define IP_ADDR_BROADCAST (&ip_addr_broadcast)
#define IP4_ADDR_BROADCAST (ip_2_ip4(&ip_addr_broadcast))
#endif

#if LWIP_IPV6
extern TERN_API const ip_addr_t ip6_addr_any; /* :: */
#define IP6_ADDR_ANY (&ip6_addr_any)
#define IP6_ADDR_ANY6 (ip_2_ip6(&ip6_addr_any))
#if !LWIP_IPV4
#define IP_ADDR_ANY IP6_ADDR_ANY
#endif
#endif

#if LWIP_IPV4 && LWIP_IPV6
#define IP_ANY_TYPE (&ip_addr_any_type)
#else
#define IP_ANY_TYPE IP_ADDR_ANY
#endif

#ifdef __cplusplus
}
#endif

#endif /* LWIP_HDR_IP_ADDR_H */
