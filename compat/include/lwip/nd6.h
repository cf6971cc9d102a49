/* lwip/nd6.h: IPv6 Neighbor Discovery (lwIP 2.1 API on tern).
 *
 * tern's links carry bare IP packets: there are no neighbours to
 * discover (RFC 4861 section 3.1 leaves ND out on point-to-point links
 * without link-layer addresses).  nd6_tmr runs the stack's due timers, as
 * every *_tmr does, so LWIP_TIMERS 0 programs keep working unchanged. */
#ifndef LWIP_HDR_ND6_H
#define LWIP_HDR_ND6_H

#include "lwip/opt.h"
#include "lwip/ip6_addr.h"
#include "lwip/err.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ND6_TMR_INTERVAL 1000
#ifndef ND6_RTR_SOLICITATION_INTERVAL
#define ND6_RTR_SOLICITATION_INTERVAL 4000
#endif

struct pbuf;
struct netif;

TERN_API void nd6_tmr(void);
/* The interface tern routes ip6addr through, or NULL. */
TERN_API struct netif *nd6_find_route(const ip6_addr_t *ip6addr);
/* The netif's MTU (no path MTU cache), 1280 without a netif. */
TERN_API u16_t nd6_get_destination_mtu(const ip6_addr_t *ip6addr, struct netif *netif);
#define nd6_clear_destination_cache()
#define nd6_reachability_hint(ip6addr)
#define nd6_cleanup_netif(netif)
#define nd6_restart_netif(netif)
#define nd6_adjust_mld_membership(netif, addr_idx, new_state)

#ifdef __cplusplus
}
#endif

#endif
