/* lwip/prot/ip.h: IP protocol numbers and the version nibble, common to
 * IPv4 and IPv6. */
#ifndef LWIP_HDR_PROT_IP_H
#define LWIP_HDR_PROT_IP_H

#include "lwip/arch.h"

#define IP_PROTO_ICMP 1
#define IP_PROTO_IGMP 2
#define IP_PROTO_UDP 17
#define IP_PROTO_UDPLITE 136
#define IP_PROTO_TCP 6

/* The first nibble of any IP header (RFC 791, RFC 8200). */
#define IP_HDR_GET_VERSION(ptr) ((*(const u8_t *)(ptr)) >> 4)

#endif
