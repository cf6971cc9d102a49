/* lwip/prot/ip6.h: the IPv6 header and extension headers as on the wire
 * (RFC 8200). */
#ifndef LWIP_HDR_PROT_IP6_H
#define LWIP_HDR_PROT_IP6_H

#include "lwip/arch.h"
#include "lwip/def.h"
#include "lwip/ip6_addr.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IP6_MIN_MTU_LENGTH 1280 /* RFC 8200 section 5 */

/* An IPv6 address inside a packed header (may be unaligned). */
PACK_STRUCT_BEGIN
struct ip6_addr_packed {
    PACK_STRUCT_FIELD(u32_t addr[4]);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
typedef struct ip6_addr_packed ip6_addr_p_t;

#define IP6_HLEN 40

#define IP6_NEXTH_HOPBYHOP 0
#define IP6_NEXTH_TCP 6
#define IP6_NEXTH_UDP 17
#define IP6_NEXTH_ENCAPS 41
#define IP6_NEXTH_ROUTING 43
#define IP6_NEXTH_FRAGMENT 44
#define IP6_NEXTH_ICMP6 58
#define IP6_NEXTH_NONE 59
#define IP6_NEXTH_DESTOPTS 60
#define IP6_NEXTH_UDPLITE 136

PACK_STRUCT_BEGIN
struct ip6_hdr {
    PACK_STRUCT_FIELD(u32_t _v_tc_fl); /* version, traffic class, flow label */
    PACK_STRUCT_FIELD(u16_t _plen);    /* payload length */
    PACK_STRUCT_FLD_8(u8_t _nexth);
    PACK_STRUCT_FLD_8(u8_t _hoplim);
    PACK_STRUCT_FLD_S(ip6_addr_p_t src);
    PACK_STRUCT_FLD_S(ip6_addr_p_t dest);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define IP6H_V(hdr) ((lwip_ntohl((hdr)->_v_tc_fl) >> 28) & 0x0f)
#define IP6H_TC(hdr) ((lwip_ntohl((hdr)->_v_tc_fl) >> 20) & 0xff)
#define IP6H_FL(hdr) (lwip_ntohl((hdr)->_v_tc_fl) & 0x000fffff)
#define IP6H_PLEN(hdr) (lwip_ntohs((hdr)->_plen))
#define IP6H_NEXTH(hdr) ((hdr)->_nexth)
#define IP6H_NEXTH_P(hdr) ((u8_t *)(hdr) + 6)
#define IP6H_HOPLIM(hdr) ((hdr)->_hoplim)
#define IP6H_VTCFL_SET(hdr, v, tc, fl)                                                                     \
    (hdr)->_v_tc_fl = (lwip_htonl((((u32_t)(v)) << 28) | (((u32_t)(tc)) << 20) | (fl)))
#define IP6H_PLEN_SET(hdr, plen) (hdr)->_plen = lwip_htons(plen)
#define IP6H_NEXTH_SET(hdr, nexth) (hdr)->_nexth = (nexth)
#define IP6H_HOPLIM_SET(hdr, hl) (hdr)->_hoplim = (u8_t)(hl)

/* Option types in hop-by-hop and destination headers (RFC 8200 4.2). */
#define IP6_PAD1_OPTION 0
#define IP6_PADN_OPTION 1
#define IP6_ROUTER_ALERT_OPTION 5
#define IP6_JUMBO_OPTION 194
#define IP6_HOME_ADDRESS_OPTION 201
#define IP6_ROUTER_ALERT_DLEN 2
#define IP6_ROUTER_ALERT_VALUE_MLD 0

PACK_STRUCT_BEGIN
struct ip6_opt_hdr {
    PACK_STRUCT_FLD_8(u8_t _opt_type);
    PACK_STRUCT_FLD_8(u8_t _opt_dlen);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
#define IP6_OPT_HLEN 2
#define IP6_OPT_TYPE_ACTION(hdr) ((((hdr)->_opt_type) >> 6) & 0x3)
#define IP6_OPT_TYPE_CHANGE(hdr) ((((hdr)->_opt_type) >> 5) & 0x1)
#define IP6_OPT_TYPE(hdr) ((hdr)->_opt_type)
#define IP6_OPT_DLEN(hdr) ((hdr)->_opt_dlen)

#define IP6_HBH_HLEN 2
PACK_STRUCT_BEGIN
struct ip6_hbh_hdr {
    PACK_STRUCT_FLD_8(u8_t _nexth);
    PACK_STRUCT_FLD_8(u8_t _hlen); /* in 8-byte units, not counting the first */
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
#define IP6_HBH_NEXTH(hdr) ((hdr)->_nexth)

#define IP6_DEST_HLEN 2
PACK_STRUCT_BEGIN
struct ip6_dest_hdr {
    PACK_STRUCT_FLD_8(u8_t _nexth);
    PACK_STRUCT_FLD_8(u8_t _hlen);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
#define IP6_DEST_NEXTH(hdr) ((hdr)->_nexth)

#define IP6_ROUT_TYPE2 2
#define IP6_ROUT_RPL 3
PACK_STRUCT_BEGIN
struct ip6_rout_hdr {
    PACK_STRUCT_FLD_8(u8_t _nexth);
    PACK_STRUCT_FLD_8(u8_t _hlen);
    PACK_STRUCT_FIELD(u8_t _routing_type);
    PACK_STRUCT_FIELD(u8_t _segments_left);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
#define IP6_ROUT_NEXTH(hdr) ((hdr)->_nexth)
#define IP6_ROUT_TYPE(hdr) ((hdr)->_routing_type)
#define IP6_ROUT_SEG_LEFT(hdr) ((hdr)->_segments_left)

#define IP6_FRAG_HLEN 8
#define IP6_FRAG_OFFSET_MASK 0xfff8
#define IP6_FRAG_MORE_FLAG 0x0001
PACK_STRUCT_BEGIN
struct ip6_frag_hdr {
    PACK_STRUCT_FLD_8(u8_t _nexth);
    PACK_STRUCT_FLD_8(u8_t reserved);
    PACK_STRUCT_FIELD(u16_t _fragment_offset);
    PACK_STRUCT_FIELD(u32_t _identification);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
#define IP6_FRAG_NEXTH(hdr) ((hdr)->_nexth)
#define IP6_FRAG_MBIT(hdr) (lwip_ntohs((hdr)->_fragment_offset) & 0x1)
#define IP6_FRAG_ID(hdr) (lwip_ntohl((hdr)->_identification))

#ifdef __cplusplus
}
#endif

#endif
