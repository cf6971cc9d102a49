/* lwip/ip6.h: IPv6 routing, source selection and input (lwIP 2.1 API on
 * tern).  The raw ip6_output* entry points are not provided. */
#ifndef LWIP_HDR_IP6_H
#define LWIP_HDR_IP6_H

#include "lwip/opt.h"
#include "lwip/ip6_addr.h"
#include "lwip/prot/ip6.h"
#include "lwip/def.h"
#include "lwip/pbuf.h"
#include "lwip/netif.h"
#include "lwip/err.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#if LWIP_IPV6
/* The interface tern would send a packet for dest through, or NULL. */
TERN_API struct netif *ip6_route(const ip6_addr_t *src, const ip6_addr_t *dest);
/* The address of netif tern sends from to dest (RFC 6724 rules), or NULL. */
TERN_API const ip_addr_t *ip6_select_source_address(struct netif *netif, const ip6_addr_t *dest);
TERN_API err_t ip6_input(struct pbuf *p, struct netif *inp);
#endif

#ifdef __cplusplus
}
#endif

#endif
