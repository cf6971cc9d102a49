/* lwip/etharp.h: lwIP's ARP and Ethernet output API on tern.
 *
 * tern's links carry bare IP packets (TUN devices): there is no ARP cache
 * and no Ethernet framing.  A program that gives a netif an Ethernet
 * device must frame packets itself in its output function.  The
 * declarations exist so such programs build; etharp_output, etharp_query
 * and etharp_request return ERR_IF ("no ARP on this link"), the static
 * entry calls ERR_IF, etharp_find_addr -1, etharp_get_entry 0. */
#ifndef LWIP_HDR_NETIF_ETHARP_H
#define LWIP_HDR_NETIF_ETHARP_H

#include "lwip/opt.h"
#include "lwip/pbuf.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/ip4.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/etharp.h"
#include "tern/export.h"

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARP_TMR_INTERVAL 1000

#define etharp_init()
TERN_API void etharp_tmr(void);
TERN_API ssize_t etharp_find_addr(struct netif *netif, const ip4_addr_t *ipaddr, struct eth_addr **eth_ret,
                                  const ip4_addr_t **ip_ret);
TERN_API int etharp_get_entry(size_t i, ip4_addr_t **ipaddr, struct netif **netif, struct eth_addr **eth_ret);
TERN_API err_t etharp_output(struct netif *netif, struct pbuf *q, const ip4_addr_t *ipaddr);
TERN_API err_t etharp_query(struct netif *netif, const ip4_addr_t *ipaddr, struct pbuf *q);
TERN_API err_t etharp_request(struct netif *netif, const ip4_addr_t *ipaddr);
#define etharp_gratuitous(netif) etharp_request((netif), netif_ip4_addr(netif))
#define etharp_cleanup_netif(netif)
TERN_API err_t etharp_add_static_entry(const ip4_addr_t *ipaddr, struct eth_addr *ethaddr);
TERN_API err_t etharp_remove_static_entry(const ip4_addr_t *ipaddr);

#ifdef __cplusplus
}
#endif

#endif
