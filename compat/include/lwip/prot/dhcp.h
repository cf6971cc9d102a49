/* lwip/prot/dhcp.h: the DHCP message and option numbers (RFC 2131,
 * RFC 2132).  tern runs no DHCP client (see lwip/dhcp.h); these serve
 * programs that build or parse DHCP messages themselves. */
#ifndef LWIP_HDR_PROT_DHCP_H
#define LWIP_HDR_PROT_DHCP_H

#include "lwip/opt.h"
#include "lwip/arch.h"
#include "lwip/prot/ip4.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DHCP_CHADDR_LEN 16U
#define DHCP_SNAME_OFS 44U
#define DHCP_SNAME_LEN 64U
#define DHCP_FILE_OFS 108U
#define DHCP_FILE_LEN 128U
#define DHCP_MSG_LEN 236U
#define DHCP_OPTIONS_OFS (DHCP_MSG_LEN + 4U) /* after the magic cookie */

#define DHCP_MIN_OPTIONS_LEN 68U
#if defined(DHCP_OPTIONS_LEN) && (DHCP_OPTIONS_LEN < DHCP_MIN_OPTIONS_LEN)
#undef DHCP_OPTIONS_LEN
#endif
#ifndef DHCP_OPTIONS_LEN
#define DHCP_OPTIONS_LEN DHCP_MIN_OPTIONS_LEN
#endif

PACK_STRUCT_BEGIN
struct dhcp_msg {
    PACK_STRUCT_FLD_8(u8_t op);
    PACK_STRUCT_FLD_8(u8_t htype);
    PACK_STRUCT_FLD_8(u8_t hlen);
    PACK_STRUCT_FLD_8(u8_t hops);
    PACK_STRUCT_FIELD(u32_t xid);
    PACK_STRUCT_FIELD(u16_t secs);
    PACK_STRUCT_FIELD(u16_t flags);
    PACK_STRUCT_FLD_S(ip4_addr_p_t ciaddr);
    PACK_STRUCT_FLD_S(ip4_addr_p_t yiaddr);
    PACK_STRUCT_FLD_S(ip4_addr_p_t siaddr);
    PACK_STRUCT_FLD_S(ip4_addr_p_t giaddr);
    PACK_STRUCT_FLD_8(u8_t chaddr[DHCP_CHADDR_LEN]);
    PACK_STRUCT_FLD_8(u8_t sname[DHCP_SNAME_LEN]);
    PACK_STRUCT_FLD_8(u8_t file[DHCP_FILE_LEN]);
    PACK_STRUCT_FIELD(u32_t cookie);
    PACK_STRUCT_FLD_8(u8_t options[DHCP_OPTIONS_LEN]);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

typedef enum {
    DHCP_STATE_OFF = 0,
    DHCP_STATE_REQUESTING = 1,
    DHCP_STATE_INIT = 2,
    DHCP_STATE_REBOOTING = 3,
    DHCP_STATE_REBINDING = 4,
    DHCP_STATE_RENEWING = 5,
    DHCP_STATE_SELECTING = 6,
    DHCP_STATE_INFORMING = 7,
    DHCP_STATE_CHECKING = 8,
    DHCP_STATE_PERMANENT = 9,
    DHCP_STATE_BOUND = 10,
    DHCP_STATE_RELEASING = 11,
    DHCP_STATE_BACKING_OFF = 12
} dhcp_state_enum_t;

#define DHCP_BOOTREQUEST 1
#define DHCP_BOOTREPLY 2

#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_DECLINE 4
#define DHCP_ACK 5
#define DHCP_NAK 6
#define DHCP_RELEASE 7
#define DHCP_INFORM 8

#define DHCP_MAGIC_COOKIE 0x63825363UL

#define DHCP_OPTION_PAD 0
#define DHCP_OPTION_SUBNET_MASK 1
#define DHCP_OPTION_ROUTER 3
#define DHCP_OPTION_DNS_SERVER 6
#define DHCP_OPTION_HOSTNAME 12
#define DHCP_OPTION_IP_TTL 23
#define DHCP_OPTION_MTU 26
#define DHCP_OPTION_BROADCAST 28
#define DHCP_OPTION_TCP_TTL 37
#define DHCP_OPTION_NTP 42
#define DHCP_OPTION_END 255
#define DHCP_OPTION_REQUESTED_IP 50
#define DHCP_OPTION_LEASE_TIME 51
#define DHCP_OPTION_OVERLOAD 52
#define DHCP_OPTION_MESSAGE_TYPE 53
#define DHCP_OPTION_MESSAGE_TYPE_LEN 1
#define DHCP_OPTION_SERVER_ID 54
#define DHCP_OPTION_PARAMETER_REQUEST_LIST 55
#define DHCP_OPTION_MAX_MSG_SIZE 57
#define DHCP_OPTION_MAX_MSG_SIZE_LEN 2
#define DHCP_OPTION_T1 58
#define DHCP_OPTION_T2 59
#define DHCP_OPTION_US 60
#define DHCP_OPTION_CLIENT_ID 61
#define DHCP_OPTION_TFTP_SERVERNAME 66
#define DHCP_OPTION_BOOTFILE 67

#define DHCP_OVERLOAD_NONE 0
#define DHCP_OVERLOAD_FILE 1
#define DHCP_OVERLOAD_SNAME 2
#define DHCP_OVERLOAD_SNAME_FILE 3

#ifdef __cplusplus
}
#endif

#endif
