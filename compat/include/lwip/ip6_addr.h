/* lwip/ip6_addr.h: IPv6 addresses (ip6_addr_t) and their zones, as in
 * lwIP 2.1.
 *
 * An ip6_addr_t holds the address as four 32-bit words in network byte
 * order, plus a zone (the index of the netif a scoped address belongs to)
 * when LWIP_IPV6_SCOPES is enabled; IP6_NO_ZONE (0) means "no zone".
 * Everything here exists only when LWIP_IPV6 is enabled. */
#ifndef LWIP_HDR_IP6_ADDR_H
#define LWIP_HDR_IP6_ADDR_H

#include "lwip/opt.h"
#include "lwip/def.h"
#include "tern/export.h"

#if LWIP_IPV6

#ifdef __cplusplus
extern "C" {
#endif

struct ip6_addr {
    u32_t addr[4]; /* network byte order */
#if LWIP_IPV6_SCOPES
    u8_t zone;
#endif
};
typedef struct ip6_addr ip6_addr_t;

/* ---- zones (lwIP's ip6_zone.h) ---- */

#define IP6_NO_ZONE 0

#if LWIP_IPV6_SCOPES

#define IPADDR6_ZONE_INIT , IP6_NO_ZONE
#define ip6_addr_zone(ip6addr) ((ip6addr)->zone)
#define ip6_addr_has_zone(ip6addr) (ip6_addr_zone(ip6addr) != IP6_NO_ZONE)
#define ip6_addr_set_zone(ip6addr, zone_idx) ((ip6addr)->zone = (zone_idx))
#define ip6_addr_clear_zone(ip6addr) ((ip6addr)->zone = IP6_NO_ZONE)
#define ip6_addr_copy_zone(ip6addr1, ip6addr2) ((ip6addr1).zone = (ip6addr2).zone)
#define ip6_addr_equals_zone(ip6addr, zone_idx) ((ip6addr)->zone == (zone_idx))
#define ip6_addr_cmp_zone(ip6addr1, ip6addr2) ((ip6addr1)->zone == (ip6addr2)->zone)

/* The kind of address a zone is assigned for. */
enum lwip_ipv6_scope_type {
    IP6_UNKNOWN = 0,  /* unicast or multicast: decide from the address */
    IP6_UNICAST = 1,  /* known unicast */
    IP6_MULTICAST = 2 /* known multicast */
};

#ifndef IPV6_CUSTOM_SCOPES
#define IPV6_CUSTOM_SCOPES 0
#endif

#if !IPV6_CUSTOM_SCOPES
/* Link-local unicast, and interface- or link-local multicast, need a zone. */
#define ip6_addr_has_scope(ip6addr, type)                                                                  \
    (ip6_addr_islinklocal(ip6addr) ||                                                                      \
     (((type) != IP6_UNICAST) && (ip6_addr_ismulticast_iflocal(ip6addr) || ip6_addr_ismulticast_linklocal(ip6addr))))
/* Give ip6addr the zone of netif if its scope needs one, else no zone
 * (netif_get_index comes from lwip/netif.h). */
#define ip6_addr_assign_zone(ip6addr, type, netif)                                                         \
    (ip6_addr_set_zone((ip6addr), ip6_addr_has_scope((ip6addr), (type)) ? netif_get_index(netif) : 0))
#define ip6_addr_test_zone(ip6addr, netif) (ip6_addr_equals_zone((ip6addr), netif_get_index(netif)))
#endif

#define ip6_addr_lacks_zone(ip6addr, type) (!ip6_addr_has_zone(ip6addr) && ip6_addr_has_scope((ip6addr), (type)))

/* Assign dest the zone of the netif a packet from src to dest would leave by
 * (ip6_route comes from lwip/ip6.h). */
#define ip6_addr_select_zone(dest, src)                                                                    \
    do {                                                                                                   \
        struct netif *selected_netif;                                                                      \
        selected_netif = ip6_route((src), (dest));                                                         \
        if (selected_netif != NULL) {                                                                      \
            ip6_addr_assign_zone((dest), IP6_UNKNOWN, selected_netif);                                     \
        }                                                                                                  \
    } while (0)

#else /* !LWIP_IPV6_SCOPES */

#define IPADDR6_ZONE_INIT
#define ip6_addr_zone(ip6addr) (IP6_NO_ZONE)
#define ip6_addr_has_zone(ip6addr) (0)
#define ip6_addr_set_zone(ip6addr, zone_idx)
#define ip6_addr_clear_zone(ip6addr)
#define ip6_addr_copy_zone(ip6addr1, ip6addr2)
#define ip6_addr_equals_zone(ip6addr, zone_idx) (1)
#define ip6_addr_cmp_zone(ip6addr1, ip6addr2) (1)
#define IPV6_CUSTOM_SCOPES 0
#define ip6_addr_has_scope(ip6addr, type) (0)
#define ip6_addr_assign_zone(ip6addr, type, netif)
#define ip6_addr_test_zone(ip6addr, netif) (1)
#define ip6_addr_lacks_zone(ip6addr, type) (0)
#define ip6_addr_select_zone(ip6addr, src)

#endif /* LWIP_IPV6_SCOPES */

#if LWIP_IPV6_SCOPES && LWIP_IPV6_SCOPES_DEBUG
#define IP6_ADDR_ZONECHECK(ip6addr)                                                                        \
    LWIP_ASSERT("IPv6 zone check failed", ip6_addr_has_scope(ip6addr, IP6_UNKNOWN) == ip6_addr_has_zone(ip6addr))
#define IP6_ADDR_ZONECHECK_NETIF(ip6addr, netif)                                                           \
    LWIP_ASSERT("IPv6 netif zone check failed",                                                            \
                ip6_addr_has_scope(ip6addr, IP6_UNKNOWN)                                                   \
                    ? (ip6_addr_has_zone(ip6addr) && (((netif) == NULL) || ip6_addr_test_zone((ip6addr), (netif)))) \
                    : !ip6_addr_has_zone(ip6addr))
#else
#define IP6_ADDR_ZONECHECK(ip6addr)
#define IP6_ADDR_ZONECHECK_NETIF(ip6addr, netif)
#endif

/* ---- construction and copying ---- */

/* Set word index (0..3) from four bytes, most significant first. */
#define IP6_ADDR_PART(ip6addr, index, a, b, c, d) (ip6addr)->addr[index] = PP_HTONL(LWIP_MAKEU32(a, b, c, d))

/* Set all four words (already in network byte order: use PP_HTONL() for
 * constants) and clear the zone. */
#define IP6_ADDR(ip6addr, idx0, idx1, idx2, idx3)                                                          \
    do {                                                                                                   \
        (ip6addr)->addr[0] = idx0;                                                                         \
        (ip6addr)->addr[1] = idx1;                                                                         \
        (ip6addr)->addr[2] = idx2;                                                                         \
        (ip6addr)->addr[3] = idx3;                                                                         \
        ip6_addr_clear_zone(ip6addr);                                                                      \
    } while (0)

/* The eight 16-bit groups, host order. */
#define IP6_ADDR_BLOCK1(ip6addr) ((u16_t)((lwip_htonl((ip6addr)->addr[0]) >> 16) & 0xffff))
#define IP6_ADDR_BLOCK2(ip6addr) ((u16_t)((lwip_htonl((ip6addr)->addr[0])) & 0xffff))
#define IP6_ADDR_BLOCK3(ip6addr) ((u16_t)((lwip_htonl((ip6addr)->addr[1]) >> 16) & 0xffff))
#define IP6_ADDR_BLOCK4(ip6addr) ((u16_t)((lwip_htonl((ip6addr)->addr[1])) & 0xffff))
#define IP6_ADDR_BLOCK5(ip6addr) ((u16_t)((lwip_htonl((ip6addr)->addr[2]) >> 16) & 0xffff))
#define IP6_ADDR_BLOCK6(ip6addr) ((u16_t)((lwip_htonl((ip6addr)->addr[2])) & 0xffff))
#define IP6_ADDR_BLOCK7(ip6addr) ((u16_t)((lwip_htonl((ip6addr)->addr[3]) >> 16) & 0xffff))
#define IP6_ADDR_BLOCK8(ip6addr) ((u16_t)((lwip_htonl((ip6addr)->addr[3])) & 0xffff))

/* Copy by value (dest and src are ip6_addr_t), zone included. */
#define ip6_addr_copy(dest, src)                                                                           \
    do {                                                                                                   \
        (dest).addr[0] = (src).addr[0];                                                                    \
        (dest).addr[1] = (src).addr[1];                                                                    \
        (dest).addr[2] = (src).addr[2];                                                                    \
        (dest).addr[3] = (src).addr[3];                                                                    \
        ip6_addr_copy_zone((dest), (src));                                                                 \
    } while (0)
/* Copy through pointers; a NULL src gives :: without zone. */
#define ip6_addr_set(dest, src)                                                                            \
    do {                                                                                                   \
        (dest)->addr[0] = (src) == NULL ? 0 : (src)->addr[0];                                              \
        (dest)->addr[1] = (src) == NULL ? 0 : (src)->addr[1];                                              \
        (dest)->addr[2] = (src) == NULL ? 0 : (src)->addr[2];                                              \
        (dest)->addr[3] = (src) == NULL ? 0 : (src)->addr[3];                                              \
        ip6_addr_set_zone((dest), (src) == NULL ? IP6_NO_ZONE : ip6_addr_zone(src));                       \
    } while (0)
/* From/to a packed wire address (struct with addr[4] only); no zone copied. */
#define ip6_addr_copy_from_packed(dest, src)                                                               \
    do {                                                                                                   \
        (dest).addr[0] = (src).addr[0];                                                                    \
        (dest).addr[1] = (src).addr[1];                                                                    \
        (dest).addr[2] = (src).addr[2];                                                                    \
        (dest).addr[3] = (src).addr[3];                                                                    \
        ip6_addr_clear_zone(&dest);                                                                        \
    } while (0)
#define ip6_addr_copy_to_packed(dest, src)                                                                 \
    do {                                                                                                   \
        (dest).addr[0] = (src).addr[0];                                                                    \
        (dest).addr[1] = (src).addr[1];                                                                    \
        (dest).addr[2] = (src).addr[2];                                                                    \
        (dest).addr[3] = (src).addr[3];                                                                    \
    } while (0)
#define ip6_addr_set_zero(ip6addr)                                                                         \
    do {                                                                                                   \
        (ip6addr)->addr[0] = 0;                                                                            \
        (ip6addr)->addr[1] = 0;                                                                            \
        (ip6addr)->addr[2] = 0;                                                                            \
        (ip6addr)->addr[3] = 0;                                                                            \
        ip6_addr_clear_zone(ip6addr);                                                                      \
    } while (0)
#define ip6_addr_set_any(ip6addr) ip6_addr_set_zero(ip6addr)
#define ip6_addr_set_loopback(ip6addr)                                                                     \
    do {                                                                                                   \
        (ip6addr)->addr[0] = 0;                                                                            \
        (ip6addr)->addr[1] = 0;                                                                            \
        (ip6addr)->addr[2] = 0;                                                                            \
        (ip6addr)->addr[3] = PP_HTONL(0x00000001UL);                                                       \
        ip6_addr_clear_zone(ip6addr);                                                                      \
    } while (0)
#define ip6_addr_set_hton(dest, src)                                                                       \
    do {                                                                                                   \
        (dest)->addr[0] = (src) == NULL ? 0 : lwip_htonl((src)->addr[0]);                                  \
        (dest)->addr[1] = (src) == NULL ? 0 : lwip_htonl((src)->addr[1]);                                  \
        (dest)->addr[2] = (src) == NULL ? 0 : lwip_htonl((src)->addr[2]);                                  \
        (dest)->addr[3] = (src) == NULL ? 0 : lwip_htonl((src)->addr[3]);                                  \
        ip6_addr_set_zone((dest), (src) == NULL ? IP6_NO_ZONE : ip6_addr_zone(src));                       \
    } while (0)

/* ---- comparison ---- */

/* Same /64 prefix. */
#define ip6_addr_netcmp_zoneless(addr1, addr2)                                                             \
    (((addr1)->addr[0] == (addr2)->addr[0]) && ((addr1)->addr[1] == (addr2)->addr[1]))
#define ip6_addr_netcmp(addr1, addr2) (ip6_addr_netcmp_zoneless((addr1), (addr2)) && ip6_addr_cmp_zone((addr1), (addr2)))
/* Same interface identifier (use after ip6_addr_netcmp). */
#define ip6_addr_nethostcmp(addr1, addr2)                                                                  \
    (((addr1)->addr[2] == (addr2)->addr[2]) && ((addr1)->addr[3] == (addr2)->addr[3]))
#define ip6_addr_cmp_zoneless(addr1, addr2)                                                                \
    (((addr1)->addr[0] == (addr2)->addr[0]) && ((addr1)->addr[1] == (addr2)->addr[1]) &&                   \
     ((addr1)->addr[2] == (addr2)->addr[2]) && ((addr1)->addr[3] == (addr2)->addr[3]))
/* Equal addresses and equal zones. */
#define ip6_addr_cmp(addr1, addr2) (ip6_addr_cmp_zoneless((addr1), (addr2)) && ip6_addr_cmp_zone((addr1), (addr2)))
#define ip6_addr_cmp_packed(ip6addr, paddr, zone_idx)                                                      \
    (((ip6addr)->addr[0] == (paddr)->addr[0]) && ((ip6addr)->addr[1] == (paddr)->addr[1]) &&               \
     ((ip6addr)->addr[2] == (paddr)->addr[2]) && ((ip6addr)->addr[3] == (paddr)->addr[3]) &&               \
     ip6_addr_equals_zone((ip6addr), (zone_idx)))

#define ip6_get_subnet_id(ip6addr) (lwip_htonl((ip6addr)->addr[2]) & 0x0000ffffUL)

/* ---- classification ---- */

#define ip6_addr_isany_val(ip6addr)                                                                        \
    (((ip6addr).addr[0] == 0) && ((ip6addr).addr[1] == 0) && ((ip6addr).addr[2] == 0) && ((ip6addr).addr[3] == 0))
#define ip6_addr_isany(ip6addr) (((ip6addr) == NULL) || ip6_addr_isany_val(*(ip6addr)))

#define ip6_addr_isloopback(ip6addr)                                                                       \
    (((ip6addr)->addr[0] == 0UL) && ((ip6addr)->addr[1] == 0UL) && ((ip6addr)->addr[2] == 0UL) &&          \
     ((ip6addr)->addr[3] == PP_HTONL(0x00000001UL)))

#define ip6_addr_isglobal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xe0000000UL)) == PP_HTONL(0x20000000UL))
#define ip6_addr_islinklocal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xffc00000UL)) == PP_HTONL(0xfe800000UL))
#define ip6_addr_issitelocal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xffc00000UL)) == PP_HTONL(0xfec00000UL))
#define ip6_addr_isuniquelocal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xfe000000UL)) == PP_HTONL(0xfc000000UL))
#define ip6_addr_isipv4mappedipv6(ip6addr)                                                                 \
    (((ip6addr)->addr[0] == 0) && ((ip6addr)->addr[1] == 0) && (((ip6addr)->addr[2]) == PP_HTONL(0x0000FFFFUL)))

#define ip6_addr_ismulticast(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xff000000UL)) == PP_HTONL(0xff000000UL))
#define ip6_addr_multicast_transient_flag(ip6addr) ((ip6addr)->addr[0] & PP_HTONL(0x00100000UL))
#define ip6_addr_multicast_prefix_flag(ip6addr) ((ip6addr)->addr[0] & PP_HTONL(0x00200000UL))
#define ip6_addr_multicast_rendezvous_flag(ip6addr) ((ip6addr)->addr[0] & PP_HTONL(0x00400000UL))
#define ip6_addr_multicast_scope(ip6addr) ((lwip_htonl((ip6addr)->addr[0]) >> 16) & 0xf)

#define IP6_MULTICAST_SCOPE_RESERVED 0x0
#define IP6_MULTICAST_SCOPE_RESERVED0 0x0
#define IP6_MULTICAST_SCOPE_INTERFACE_LOCAL 0x1
#define IP6_MULTICAST_SCOPE_LINK_LOCAL 0x2
#define IP6_MULTICAST_SCOPE_RESERVED3 0x3
#define IP6_MULTICAST_SCOPE_ADMIN_LOCAL 0x4
#define IP6_MULTICAST_SCOPE_SITE_LOCAL 0x5
#define IP6_MULTICAST_SCOPE_ORGANIZATION_LOCAL 0x8
#define IP6_MULTICAST_SCOPE_GLOBAL 0xe
#define IP6_MULTICAST_SCOPE_RESERVEDF 0xf

#define ip6_addr_ismulticast_iflocal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xff8f0000UL)) == PP_HTONL(0xff010000UL))
#define ip6_addr_ismulticast_linklocal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xff8f0000UL)) == PP_HTONL(0xff020000UL))
#define ip6_addr_ismulticast_adminlocal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xff8f0000UL)) == PP_HTONL(0xff040000UL))
#define ip6_addr_ismulticast_sitelocal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xff8f0000UL)) == PP_HTONL(0xff050000UL))
#define ip6_addr_ismulticast_orglocal(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xff8f0000UL)) == PP_HTONL(0xff080000UL))
#define ip6_addr_ismulticast_global(ip6addr) (((ip6addr)->addr[0] & PP_HTONL(0xff8f0000UL)) == PP_HTONL(0xff0e0000UL))

#define ip6_addr_isallnodes_iflocal(ip6addr)                                                               \
    (((ip6addr)->addr[0] == PP_HTONL(0xff010000UL)) && ((ip6addr)->addr[1] == 0UL) &&                      \
     ((ip6addr)->addr[2] == 0UL) && ((ip6addr)->addr[3] == PP_HTONL(0x00000001UL)))
#define ip6_addr_isallnodes_linklocal(ip6addr)                                                             \
    (((ip6addr)->addr[0] == PP_HTONL(0xff020000UL)) && ((ip6addr)->addr[1] == 0UL) &&                      \
     ((ip6addr)->addr[2] == 0UL) && ((ip6addr)->addr[3] == PP_HTONL(0x00000001UL)))
#define ip6_addr_set_allnodes_linklocal(ip6addr)                                                           \
    do {                                                                                                   \
        (ip6addr)->addr[0] = PP_HTONL(0xff020000UL);                                                       \
        (ip6addr)->addr[1] = 0;                                                                            \
        (ip6addr)->addr[2] = 0;                                                                            \
        (ip6addr)->addr[3] = PP_HTONL(0x00000001UL);                                                       \
        ip6_addr_clear_zone(ip6addr);                                                                      \
    } while (0)
#define ip6_addr_isallrouters_linklocal(ip6addr)                                                           \
    (((ip6addr)->addr[0] == PP_HTONL(0xff020000UL)) && ((ip6addr)->addr[1] == 0UL) &&                      \
     ((ip6addr)->addr[2] == 0UL) && ((ip6addr)->addr[3] == PP_HTONL(0x00000002UL)))
#define ip6_addr_set_allrouters_linklocal(ip6addr)                                                         \
    do {                                                                                                   \
        (ip6addr)->addr[0] = PP_HTONL(0xff020000UL);                                                       \
        (ip6addr)->addr[1] = 0;                                                                            \
        (ip6addr)->addr[2] = 0;                                                                            \
        (ip6addr)->addr[3] = PP_HTONL(0x00000002UL);                                                       \
        ip6_addr_clear_zone(ip6addr);                                                                      \
    } while (0)
#define ip6_addr_issolicitednode(ip6addr)                                                                  \
    (((ip6addr)->addr[0] == PP_HTONL(0xff020000UL)) && ((ip6addr)->addr[2] == PP_HTONL(0x00000001UL)) &&   \
     (((ip6addr)->addr[3] & PP_HTONL(0xff000000UL)) == PP_HTONL(0xff000000UL)))
#define ip6_addr_set_solicitednode(ip6addr, if_id)                                                         \
    do {                                                                                                   \
        (ip6addr)->addr[0] = PP_HTONL(0xff020000UL);                                                       \
        (ip6addr)->addr[1] = 0;                                                                            \
        (ip6addr)->addr[2] = PP_HTONL(0x00000001UL);                                                       \
        (ip6addr)->addr[3] = (PP_HTONL(0xff000000UL) | (if_id));                                           \
        ip6_addr_clear_zone(ip6addr);                                                                      \
    } while (0)
#define ip6_addr_cmp_solicitednode(ip6addr, sn_addr)                                                       \
    (((ip6addr)->addr[0] == PP_HTONL(0xff020000UL)) && ((ip6addr)->addr[1] == 0) &&                        \
     ((ip6addr)->addr[2] == PP_HTONL(0x00000001UL)) &&                                                     \
     ((ip6addr)->addr[3] == (PP_HTONL(0xff000000UL) | (sn_addr)->addr[3])))

/* ---- address states of a netif's IPv6 addresses ---- */

#define IP6_ADDR_INVALID 0x00
#define IP6_ADDR_TENTATIVE 0x08
#define IP6_ADDR_TENTATIVE_1 0x09
#define IP6_ADDR_TENTATIVE_2 0x0a
#define IP6_ADDR_TENTATIVE_3 0x0b
#define IP6_ADDR_TENTATIVE_4 0x0c
#define IP6_ADDR_TENTATIVE_5 0x0d
#define IP6_ADDR_TENTATIVE_6 0x0e
#define IP6_ADDR_TENTATIVE_7 0x0f
#define IP6_ADDR_VALID 0x10 /* valid: preferred or deprecated */
#define IP6_ADDR_PREFERRED 0x30
#define IP6_ADDR_DEPRECATED 0x10
#define IP6_ADDR_DUPLICATED 0x40
#define IP6_ADDR_TENTATIVE_COUNT_MASK 0x07

#define ip6_addr_isinvalid(addr_state) (addr_state == IP6_ADDR_INVALID)
#define ip6_addr_istentative(addr_state) (addr_state & IP6_ADDR_TENTATIVE)
#define ip6_addr_isvalid(addr_state) (addr_state & IP6_ADDR_VALID)
#define ip6_addr_ispreferred(addr_state) (addr_state == IP6_ADDR_PREFERRED)
#define ip6_addr_isdeprecated(addr_state) (addr_state == IP6_ADDR_DEPRECATED)
#define ip6_addr_isduplicated(addr_state) (addr_state == IP6_ADDR_DUPLICATED)

#if LWIP_IPV6_ADDRESS_LIFETIMES
#define IP6_ADDR_LIFE_STATIC (0)
#define IP6_ADDR_LIFE_INFINITE (0xffffffffUL)
#define ip6_addr_life_isstatic(addr_life) ((addr_life) == IP6_ADDR_LIFE_STATIC)
#define ip6_addr_life_isinfinite(addr_life) ((addr_life) == IP6_ADDR_LIFE_INFINITE)
#endif

#define ip6_addr_debug_print_parts(debug, a, b, c, d, e, f, g, h)                                          \
    LWIP_DEBUGF(debug, ("%" X16_F ":%" X16_F ":%" X16_F ":%" X16_F ":%" X16_F ":%" X16_F ":%" X16_F ":%" X16_F, \
                        a, b, c, d, e, f, g, h))
#define ip6_addr_debug_print(debug, ipaddr)                                                                \
    ip6_addr_debug_print_parts(debug, (u16_t)((ipaddr) != NULL ? IP6_ADDR_BLOCK1(ipaddr) : 0),             \
                               (u16_t)((ipaddr) != NULL ? IP6_ADDR_BLOCK2(ipaddr) : 0),                    \
                               (u16_t)((ipaddr) != NULL ? IP6_ADDR_BLOCK3(ipaddr) : 0),                    \
                               (u16_t)((ipaddr) != NULL ? IP6_ADDR_BLOCK4(ipaddr) : 0),                    \
                               (u16_t)((ipaddr) != NULL ? IP6_ADDR_BLOCK5(ipaddr) : 0),                    \
                               (u16_t)((ipaddr) != NULL ? IP6_ADDR_BLOCK6(ipaddr) : 0),                    \
                               (u16_t)((ipaddr) != NULL ? IP6_ADDR_BLOCK7(ipaddr) : 0),                    \
                               (u16_t)((ipaddr) != NULL ? IP6_ADDR_BLOCK8(ipaddr) : 0))
#define ip6_addr_debug_print_val(debug, ipaddr)                                                            \
    ip6_addr_debug_print_parts(debug, IP6_ADDR_BLOCK1(&(ipaddr)), IP6_ADDR_BLOCK2(&(ipaddr)),              \
                               IP6_ADDR_BLOCK3(&(ipaddr)), IP6_ADDR_BLOCK4(&(ipaddr)),                     \
                               IP6_ADDR_BLOCK5(&(ipaddr)), IP6_ADDR_BLOCK6(&(ipaddr)),                     \
                               IP6_ADDR_BLOCK7(&(ipaddr)), IP6_ADDR_BLOCK8(&(ipaddr)))

/* ---- text forms ---- */

/* Longest text form, an IPv4-mapped address in full, and its NUL. */
#define IP6ADDR_STRLEN_MAX 46

/* libtern is built with zones; without them the program's ip6_addr_t is 16
 * bytes, so parsing must not store a zone: it uses a separate entry point. */
#if !LWIP_IPV6_SCOPES
#define ip6addr_aton tern_ip6addr_aton_nozone
#endif

/* Parse the RFC 4291 text forms (with "::" and a dotted IPv4 tail); returns 1
 * and sets *addr (when not NULL, zone cleared) on success, 0 otherwise. */
TERN_API int ip6addr_aton(const char *cp, ip6_addr_t *addr);
/* Text in a static buffer (not reentrant), lowercase, longest zero run
 * compressed to "::". */
TERN_API char *ip6addr_ntoa(const ip6_addr_t *addr);
/* The same text in buf; NULL when buflen is too small. */
TERN_API char *ip6addr_ntoa_r(const ip6_addr_t *addr, char *buf, int buflen);

#ifdef __cplusplus
}
#endif

#endif /* LWIP_IPV6 */

#endif /* LWIP_HDR_IP6_ADDR_H */
