/* lwip/prot/igmp.h: the IGMPv2 message (RFC 2236 section 2). */
#ifndef LWIP_HDR_PROT_IGMP_H
#define LWIP_HDR_PROT_IGMP_H

#include "lwip/arch.h"
#include "lwip/prot/ip4.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IGMP_TTL 1
#define IGMP_MINLEN 8
#define ROUTER_ALERT 0x9404U /* IP option, RFC 2113 */
#define ROUTER_ALERTLEN 4

#define IGMP_MEMB_QUERY 0x11
#define IGMP_V1_MEMB_REPORT 0x12
#define IGMP_V2_MEMB_REPORT 0x16
#define IGMP_LEAVE_GROUP 0x17

/* Group states (RFC 2236 section 6). */
#define IGMP_GROUP_NON_MEMBER 0
#define IGMP_GROUP_DELAYING_MEMBER 1
#define IGMP_GROUP_IDLE_MEMBER 2

PACK_STRUCT_BEGIN
struct igmp_msg {
    PACK_STRUCT_FLD_8(u8_t igmp_msgtype);
    PACK_STRUCT_FLD_8(u8_t igmp_maxresp);
    PACK_STRUCT_FIELD(u16_t igmp_checksum);
    PACK_STRUCT_FLD_S(ip4_addr_p_t igmp_group_address);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#ifdef __cplusplus
}
#endif

#endif
