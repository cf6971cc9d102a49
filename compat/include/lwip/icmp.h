/* lwip/icmp.h: ICMP message types and the echo header (lwIP 2.1 API).
 * tern answers echo requests and sends errors itself; these names serve
 * programs that build or inspect ICMP messages. */
#ifndef LWIP_HDR_ICMP_H
#define LWIP_HDR_ICMP_H

#include "lwip/opt.h"
#include "lwip/arch.h"
#include "lwip/pbuf.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/prot/icmp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ICMP_DEST_UNREACH_DATASIZE 8

enum icmp_dur_type {
    ICMP_DUR_NET = 0,
    ICMP_DUR_HOST = 1,
    ICMP_DUR_PROTO = 2,
    ICMP_DUR_PORT = 3,
    ICMP_DUR_FRAG = 4,
    ICMP_DUR_SR = 5
};

enum icmp_te_type { ICMP_TE_TTL = 0, ICMP_TE_FRAG = 1 };

#ifdef __cplusplus
}
#endif

#endif
