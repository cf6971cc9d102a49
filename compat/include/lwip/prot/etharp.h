/* lwip/prot/etharp.h: the ARP packet for IPv4 over Ethernet (RFC 826). */
#ifndef LWIP_HDR_PROT_ETHARP_H
#define LWIP_HDR_PROT_ETHARP_H

#include "lwip/arch.h"
#include "lwip/prot/ethernet.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ETHARP_HWADDR_LEN
#define ETHARP_HWADDR_LEN ETH_HWADDR_LEN
#endif

/* IPv4 addresses in an ARP packet sit at 2-byte alignment. */
PACK_STRUCT_BEGIN
struct ip4_addr_wordaligned {
    PACK_STRUCT_FIELD(u16_t addrw[2]);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#ifndef IPADDR_WORDALIGNED_COPY_TO_IP4_ADDR_T
#define IPADDR_WORDALIGNED_COPY_TO_IP4_ADDR_T(dest, src) SMEMCPY(dest, src, sizeof(ip4_addr_t))
#endif
#ifndef IPADDR_WORDALIGNED_COPY_FROM_IP4_ADDR_T
#define IPADDR_WORDALIGNED_COPY_FROM_IP4_ADDR_T(dest, src) SMEMCPY(dest, src, sizeof(ip4_addr_t))
#endif

PACK_STRUCT_BEGIN
struct etharp_hdr {
    PACK_STRUCT_FIELD(u16_t hwtype);
    PACK_STRUCT_FIELD(u16_t proto);
    PACK_STRUCT_FLD_8(u8_t hwlen);
    PACK_STRUCT_FLD_8(u8_t protolen);
    PACK_STRUCT_FIELD(u16_t opcode);
    PACK_STRUCT_FLD_S(struct eth_addr shwaddr);
    PACK_STRUCT_FLD_S(struct ip4_addr_wordaligned sipaddr);
    PACK_STRUCT_FLD_S(struct eth_addr dhwaddr);
    PACK_STRUCT_FLD_S(struct ip4_addr_wordaligned dipaddr);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define SIZEOF_ETHARP_HDR 28

enum etharp_opcode { ARP_REQUEST = 1, ARP_REPLY = 2 };

#ifdef __cplusplus
}
#endif

#endif
