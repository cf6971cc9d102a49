/* lwip/ip4.h: IPv4 routing and input (lwIP 2.1 API on tern).  tern builds
 * and sends IP packets itself: the raw ip4_output* entry points are not
 * provided (send through udp or tcp pcbs). */
#ifndef LWIP_HDR_IP4_H
#define LWIP_HDR_IP4_H

#include "lwip/opt.h"
#include "lwip/def.h"
#include "lwip/pbuf.h"
#include "lwip/ip4_addr.h"
#include "lwip/err.h"
#include "lwip/netif.h"
#include "lwip/prot/ip4.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#if LWIP_IPV4
/* The interface tern would send a packet for dest through, or NULL. */
TERN_API struct netif *ip4_route(const ip4_addr_t *dest);
#define ip4_route_src(src, dest) ip4_route(dest)
TERN_API err_t ip4_input(struct pbuf *p, struct netif *inp);
#define ip4_set_default_multicast_netif(netif)
#endif

#ifdef __cplusplus
}
#endif

#endif
