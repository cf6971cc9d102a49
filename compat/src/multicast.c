/* compat/src/multicast.c: lwIP's IGMP and MLD group API on tern's
 * interface group membership (tern_iface_join_group).  The groups of a
 * netif are listed in its IGMP/MLD client-data slot, as in lwIP, each
 * counting its joins: the interface leaves a group on the last leave. */
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "lwip/igmp.h"
#include "lwip/mld6.h"
#include "lwip/timeouts.h"
#include "tern/iface.h"

#if LWIP_IPV4
static tern_addr v4_group(const ip4_addr_t *g)
{
    tern_addr a;
    tern_addr_set_v4(&a, g->addr);
    return a;
}

struct igmp_group *igmp_lookfor_group(struct netif *ifp, const ip4_addr_t *addr)
{
    if (!ifp || !addr)
        return NULL;
    for (struct igmp_group *g = netif_igmp_data(ifp); g; g = g->next)
        if (ip4_addr_cmp(&g->group_address, addr))
            return g;
    return NULL;
}

err_t igmp_start(struct netif *netif) { return netif ? ERR_OK : ERR_ARG; }

err_t igmp_joingroup_netif(struct netif *netif, const ip4_addr_t *groupaddr)
{
    if (!netif || !groupaddr || !ip4_addr_ismulticast(groupaddr) || !netif->tern_iface)
        return ERR_VAL;
    struct igmp_group *g = igmp_lookfor_group(netif, groupaddr);
    if (g) {
        g->use++;
        return ERR_OK;
    }
    g = calloc(1, sizeof(*g));
    if (!g)
        return ERR_MEM;
    tern_addr a = v4_group(groupaddr);
    if (tern_iface_join_group(netif->tern_iface, &a) != 0) {
        free(g);
        return ERR_MEM;
    }
    ip4_addr_copy(g->group_address, *groupaddr);
    g->group_state = IGMP_GROUP_IDLE_MEMBER;
    g->use = 1;
    g->next = netif_igmp_data(netif);
    netif_set_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_IGMP, g);
    return ERR_OK;
}

static void drop_group(struct netif *netif, struct igmp_group *g)
{
    struct igmp_group **pp = (struct igmp_group **)&netif_get_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_IGMP);
    for (; *pp; pp = &(*pp)->next) {
        if (*pp == g) {
            *pp = g->next;
            break;
        }
    }
    tern_addr a = v4_group(&g->group_address);
    if (netif->tern_iface)
        tern_iface_leave_group(netif->tern_iface, &a);
    free(g);
}

err_t igmp_leavegroup_netif(struct netif *netif, const ip4_addr_t *groupaddr)
{
    if (!netif || !groupaddr || !ip4_addr_ismulticast(groupaddr))
        return ERR_VAL;
    struct igmp_group *g = igmp_lookfor_group(netif, groupaddr);
    if (!g)
        return ERR_VAL;
    if (g->use > 1) {
        g->use--;
        return ERR_OK;
    }
    drop_group(netif, g);
    return ERR_OK;
}

/* lwIP: ifaddr ANY means every interface; the result is ERR_OK if any
 * interface joined (or left). */
static err_t each_v4(const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr,
                     err_t (*op)(struct netif *, const ip4_addr_t *))
{
    if (!groupaddr || !ip4_addr_ismulticast(groupaddr))
        return ERR_VAL;
    err_t result = ERR_VAL;
    for (struct netif *n = NETIF_LIST; n; n = n->next) {
        if (!ifaddr || ip4_addr_isany(ifaddr) || ip4_addr_cmp(netif_ip4_addr(n), ifaddr)) {
            err_t e = op(n, groupaddr);
            if (e == ERR_OK)
                result = ERR_OK;
            else if (result != ERR_OK)
                result = e;
        }
    }
    return result;
}

err_t igmp_joingroup(const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr)
{
    return each_v4(ifaddr, groupaddr, igmp_joingroup_netif);
}

err_t igmp_leavegroup(const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr)
{
    return each_v4(ifaddr, groupaddr, igmp_leavegroup_netif);
}

err_t igmp_stop(struct netif *netif)
{
    if (!netif)
        return ERR_ARG;
    while (netif_igmp_data(netif))
        drop_group(netif, netif_igmp_data(netif));
    return ERR_OK;
}

void igmp_tmr(void) { sys_check_timeouts(); }
#endif

#if LWIP_IPV6
static tern_addr v6_group(const ip6_addr_t *g)
{
    tern_addr a;
    tern_addr_set_v6(&a, g->addr);
    return a;
}

struct mld_group *mld6_lookfor_group(struct netif *ifp, const ip6_addr_t *addr)
{
    if (!ifp || !addr)
        return NULL;
    for (struct mld_group *g = netif_mld6_data(ifp); g; g = g->next)
        if (ip6_addr_cmp_zoneless(&g->group_address, addr))
            return g;
    return NULL;
}

err_t mld6_joingroup_netif(struct netif *netif, const ip6_addr_t *groupaddr)
{
    if (!netif || !groupaddr || !ip6_addr_ismulticast(groupaddr) || !netif->tern_iface)
        return ERR_VAL;
    struct mld_group *g = mld6_lookfor_group(netif, groupaddr);
    if (g) {
        g->use++;
        return ERR_OK;
    }
    g = calloc(1, sizeof(*g));
    if (!g)
        return ERR_MEM;
    tern_addr a = v6_group(groupaddr);
    if (tern_iface_join_group(netif->tern_iface, &a) != 0) {
        free(g);
        return ERR_MEM;
    }
    ip6_addr_copy(g->group_address, *groupaddr);
    g->use = 1;
    g->next = netif_mld6_data(netif);
    netif_set_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_MLD6, g);
    return ERR_OK;
}

static void drop_group6(struct netif *netif, struct mld_group *g)
{
    struct mld_group **pp = (struct mld_group **)&netif_get_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_MLD6);
    for (; *pp; pp = &(*pp)->next) {
        if (*pp == g) {
            *pp = g->next;
            break;
        }
    }
    tern_addr a = v6_group(&g->group_address);
    if (netif->tern_iface)
        tern_iface_leave_group(netif->tern_iface, &a);
    free(g);
}

err_t mld6_leavegroup_netif(struct netif *netif, const ip6_addr_t *groupaddr)
{
    if (!netif || !groupaddr)
        return ERR_VAL;
    struct mld_group *g = mld6_lookfor_group(netif, groupaddr);
    if (!g)
        return ERR_VAL;
    if (g->use > 1) {
        g->use--;
        return ERR_OK;
    }
    drop_group6(netif, g);
    return ERR_OK;
}

static err_t each_v6(const ip6_addr_t *srcaddr, const ip6_addr_t *groupaddr,
                     err_t (*op)(struct netif *, const ip6_addr_t *))
{
    if (!groupaddr || !ip6_addr_ismulticast(groupaddr))
        return ERR_VAL;
    err_t result = ERR_VAL;
    for (struct netif *n = NETIF_LIST; n; n = n->next) {
        if (!srcaddr || ip6_addr_isany(srcaddr) || netif_get_ip6_addr_match(n, srcaddr) >= 0) {
            err_t e = op(n, groupaddr);
            if (e == ERR_OK)
                result = ERR_OK;
            else if (result != ERR_OK)
                result = e;
        }
    }
    return result;
}

err_t mld6_joingroup(const ip6_addr_t *srcaddr, const ip6_addr_t *groupaddr)
{
    return each_v6(srcaddr, groupaddr, mld6_joingroup_netif);
}

err_t mld6_leavegroup(const ip6_addr_t *srcaddr, const ip6_addr_t *groupaddr)
{
    return each_v6(srcaddr, groupaddr, mld6_leavegroup_netif);
}

err_t mld6_stop(struct netif *netif)
{
    if (!netif)
        return ERR_ARG;
    while (netif_mld6_data(netif))
        drop_group6(netif, netif_mld6_data(netif));
    return ERR_OK;
}

void mld6_tmr(void) { sys_check_timeouts(); }
#endif

/* netif_remove: the interface's groups go with it. */
void tern__compat_multicast_netif_removed(struct netif *netif)
{
#if LWIP_IPV4
    igmp_stop(netif);
#endif
#if LWIP_IPV6
    mld6_stop(netif);
#endif
}
