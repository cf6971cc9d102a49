/* lwip/prot/ethernet.h: Ethernet II and 802.1Q headers.  tern's links carry
 * bare IP packets; these exist for programs that build or parse frames
 * themselves (a TAP front end, say). */
#ifndef LWIP_HDR_PROT_ETHERNET_H
#define LWIP_HDR_PROT_ETHERNET_H

#include <string.h>

#include "lwip/arch.h"
#include "lwip/prot/ieee.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ETH_HWADDR_LEN
#ifdef ETHARP_HWADDR_LEN
#define ETH_HWADDR_LEN ETHARP_HWADDR_LEN
#else
#define ETH_HWADDR_LEN 6
#endif
#endif

#ifndef ETH_PAD_SIZE
#define ETH_PAD_SIZE 0
#endif

PACK_STRUCT_BEGIN
struct eth_addr {
    PACK_STRUCT_FLD_8(u8_t addr[ETH_HWADDR_LEN]);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ETH_ADDR(b0, b1, b2, b3, b4, b5) {{b0, b1, b2, b3, b4, b5}}

PACK_STRUCT_BEGIN
struct eth_hdr {
#if ETH_PAD_SIZE
    PACK_STRUCT_FLD_8(u8_t padding[ETH_PAD_SIZE]);
#endif
    PACK_STRUCT_FLD_S(struct eth_addr dest);
    PACK_STRUCT_FLD_S(struct eth_addr src);
    PACK_STRUCT_FIELD(u16_t type);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define SIZEOF_ETH_HDR (14 + ETH_PAD_SIZE)

PACK_STRUCT_BEGIN
struct eth_vlan_hdr {
    PACK_STRUCT_FIELD(u16_t prio_vid);
    PACK_STRUCT_FIELD(u16_t tpid);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define SIZEOF_VLAN_HDR 4
#define VLAN_ID(vlan_hdr) (lwip_htons((vlan_hdr)->prio_vid) & 0xFFF)

/* Multicast MAC prefixes: 01:00:5e (RFC 1112 section 6.4), 33:33 (RFC 2464 section 7). */
#define LL_IP4_MULTICAST_ADDR_0 0x01
#define LL_IP4_MULTICAST_ADDR_1 0x00
#define LL_IP4_MULTICAST_ADDR_2 0x5e
#define LL_IP6_MULTICAST_ADDR_0 0x33
#define LL_IP6_MULTICAST_ADDR_1 0x33

#define eth_addr_cmp(addr1, addr2) (memcmp((addr1)->addr, (addr2)->addr, ETH_HWADDR_LEN) == 0)

#ifdef __cplusplus
}
#endif

#endif
