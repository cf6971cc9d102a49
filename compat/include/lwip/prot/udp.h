/* lwip/prot/udp.h: the UDP header as on the wire (RFC 768). */
#ifndef LWIP_HDR_PROT_UDP_H
#define LWIP_HDR_PROT_UDP_H

#include "lwip/arch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define UDP_HLEN 8

PACK_STRUCT_BEGIN
struct udp_hdr {
    PACK_STRUCT_FIELD(u16_t src);
    PACK_STRUCT_FIELD(u16_t dest);
    PACK_STRUCT_FIELD(u16_t len);
    PACK_STRUCT_FIELD(u16_t chksum);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#ifdef __cplusplus
}
#endif

#endif
