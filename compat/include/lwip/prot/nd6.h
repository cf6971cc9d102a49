/* lwip/prot/nd6.h: Neighbor Discovery messages and options (RFC 4861
 * section 4, RFC 4191, RFC 8106).  tern's IP-only links run no neighbour
 * discovery; these exist for programs that parse such messages. */
#ifndef LWIP_HDR_PROT_ND6_H
#define LWIP_HDR_PROT_ND6_H

#include "lwip/arch.h"
#include "lwip/ip6_addr.h"
#include "lwip/prot/ip6.h"

#ifdef __cplusplus
extern "C" {
#endif

PACK_STRUCT_BEGIN
struct ns_header {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t code);
    PACK_STRUCT_FIELD(u16_t chksum);
    PACK_STRUCT_FIELD(u32_t reserved);
    PACK_STRUCT_FLD_S(ip6_addr_p_t target_address);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

PACK_STRUCT_BEGIN
struct na_header {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t code);
    PACK_STRUCT_FIELD(u16_t chksum);
    PACK_STRUCT_FLD_8(u8_t flags);
    PACK_STRUCT_FLD_8(u8_t reserved[3]);
    PACK_STRUCT_FLD_S(ip6_addr_p_t target_address);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
#define ND6_FLAG_ROUTER (0x80)
#define ND6_FLAG_SOLICITED (0x40)
#define ND6_FLAG_OVERRIDE (0x20)

PACK_STRUCT_BEGIN
struct rs_header {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t code);
    PACK_STRUCT_FIELD(u16_t chksum);
    PACK_STRUCT_FIELD(u32_t reserved);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ND6_RA_FLAG_MANAGED_ADDR_CONFIG (0x80)
#define ND6_RA_FLAG_OTHER_CONFIG (0x40)
#define ND6_RA_FLAG_HOME_AGENT (0x20)
#define ND6_RA_PREFERENCE_MASK (0x18)
#define ND6_RA_PREFERENCE_HIGH (0x08)
#define ND6_RA_PREFERENCE_MEDIUM (0x00)
#define ND6_RA_PREFERENCE_LOW (0x18)
#define ND6_RA_PREFERENCE_DISABLED (0x10)
PACK_STRUCT_BEGIN
struct ra_header {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t code);
    PACK_STRUCT_FIELD(u16_t chksum);
    PACK_STRUCT_FLD_8(u8_t current_hop_limit);
    PACK_STRUCT_FLD_8(u8_t flags);
    PACK_STRUCT_FIELD(u16_t router_lifetime);
    PACK_STRUCT_FIELD(u32_t reachable_time);
    PACK_STRUCT_FIELD(u32_t retrans_timer);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

PACK_STRUCT_BEGIN
struct redirect_header {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t code);
    PACK_STRUCT_FIELD(u16_t chksum);
    PACK_STRUCT_FIELD(u32_t reserved);
    PACK_STRUCT_FLD_S(ip6_addr_p_t target_address);
    PACK_STRUCT_FLD_S(ip6_addr_p_t destination_address);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ND6_OPTION_TYPE_SOURCE_LLADDR (0x01)
#define ND6_OPTION_TYPE_TARGET_LLADDR (0x02)
PACK_STRUCT_BEGIN
struct lladdr_option {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t length);
    PACK_STRUCT_FLD_8(u8_t addr[6]); /* NETIF_MAX_HWADDR_LEN */
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ND6_OPTION_TYPE_PREFIX_INFO (0x03)
#define ND6_PREFIX_FLAG_ON_LINK (0x80)
#define ND6_PREFIX_FLAG_AUTONOMOUS (0x40)
#define ND6_PREFIX_FLAG_ROUTER_ADDRESS (0x20)
#define ND6_PREFIX_FLAG_SITE_PREFIX (0x10)
PACK_STRUCT_BEGIN
struct prefix_option {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t length);
    PACK_STRUCT_FLD_8(u8_t prefix_length);
    PACK_STRUCT_FLD_8(u8_t flags);
    PACK_STRUCT_FIELD(u32_t valid_lifetime);
    PACK_STRUCT_FIELD(u32_t preferred_lifetime);
    PACK_STRUCT_FLD_8(u8_t reserved2[3]);
    PACK_STRUCT_FLD_8(u8_t site_prefix_length);
    PACK_STRUCT_FLD_S(ip6_addr_p_t prefix);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ND6_OPTION_TYPE_REDIR_HDR (0x04)
PACK_STRUCT_BEGIN
struct redirected_header_option {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t length);
    PACK_STRUCT_FLD_8(u8_t reserved[6]);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ND6_OPTION_TYPE_MTU (0x05)
PACK_STRUCT_BEGIN
struct mtu_option {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t length);
    PACK_STRUCT_FIELD(u16_t reserved);
    PACK_STRUCT_FIELD(u32_t mtu);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ND6_OPTION_TYPE_ROUTE_INFO (24)
PACK_STRUCT_BEGIN
struct route_option {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t length);
    PACK_STRUCT_FLD_8(u8_t prefix_length);
    PACK_STRUCT_FLD_8(u8_t preference);
    PACK_STRUCT_FIELD(u32_t route_lifetime);
    PACK_STRUCT_FLD_S(ip6_addr_p_t prefix);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ND6_OPTION_TYPE_RDNSS (25)
PACK_STRUCT_BEGIN
struct rdnss_option {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t length);
    PACK_STRUCT_FIELD(u16_t reserved);
    PACK_STRUCT_FIELD(u32_t lifetime);
    PACK_STRUCT_FLD_S(ip6_addr_p_t rdnss_address[1]);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
#define SIZEOF_RDNSS_OPTION_BASE 8

#ifdef __cplusplus
}
#endif

#endif
