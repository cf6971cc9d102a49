/* lwip/ethip6.h: IPv6 over Ethernet output (lwIP 2.1 API).  As
 * lwip/etharp.h: tern's links carry bare IP packets, so ethip6_output
 * returns ERR_IF ("no Ethernet framing on this link"). */
#ifndef LWIP_HDR_ETHIP6_H
#define LWIP_HDR_ETHIP6_H

#include "lwip/opt.h"
#include "lwip/pbuf.h"
#include "lwip/ip6.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

TERN_API err_t ethip6_output(struct netif *netif, struct pbuf *q, const ip6_addr_t *ip6addr);

#ifdef __cplusplus
}
#endif

#endif
