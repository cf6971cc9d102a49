/* compat/src/route.c: lwIP's routing queries (ip4_route, ip6_route,
 * ip6_select_source_address, nd6_find_route) answered by tern's router. */
#include <string.h>

#include "compat.h"
#include "netif_sync.h"
#include "lwip/ip4.h"
#include "lwip/ip6.h"
#include "lwip/nd6.h"
#include "tern/iface.h"

static struct netif *route_to(const tern_addr *dst)
{
    if (!tern__compat_stack)
        return NULL;
    for (struct netif *n = NETIF_LIST; n; n = n->next)
        tern__compat_netif_sync(n); /* mtu and flags the program wrote */
    return tern__compat_netif_of(tern_stack_route(tern__compat_stack, dst));
}

#if LWIP_IPV4
struct netif *ip4_route(const ip4_addr_t *dest)
{
    if (!dest)
        return NULL;
    tern_addr a;
    tern_addr_set_v4(&a, dest->addr);
    return route_to(&a);
}
#endif

#if LWIP_IPV6
struct netif *ip6_route(const ip6_addr_t *src, const ip6_addr_t *dest)
{
    (void)src;
    if (!dest)
        return NULL;
    tern_addr a;
    tern_addr_set_v6(&a, dest->addr);
    return route_to(&a);
}

const ip_addr_t *ip6_select_source_address(struct netif *netif, const ip6_addr_t *dest)
{
    if (!netif || !netif->tern_iface || !dest)
        return NULL;
    tern_addr d, chosen;
    tern_addr_set_v6(&d, dest->addr);
    if (!tern_iface_source_for(netif->tern_iface, &d, &chosen))
        return NULL;
    /* lwIP returns a pointer into the netif's own address table. */
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
        if (!ip6_addr_isinvalid(netif_ip6_addr_state(netif, i)) &&
            memcmp(netif_ip6_addr(netif, i)->addr, chosen.u.v6.w, 16) == 0)
            return netif_ip_addr6(netif, i);
    return NULL;
}

struct netif *nd6_find_route(const ip6_addr_t *ip6addr) { return ip6_route(NULL, ip6addr); }

u16_t nd6_get_destination_mtu(const ip6_addr_t *ip6addr, struct netif *netif)
{
    (void)ip6addr;
    return netif && netif->mtu ? netif->mtu : IP6_MIN_MTU_LENGTH;
}
#endif
