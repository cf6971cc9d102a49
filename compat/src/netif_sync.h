/* compat/src/netif_sync.h: a netif's fields that applications write
 * directly (mtu, flags, IPv4 addresses; lwIP reads them there), brought
 * into its tern interface.  ip_input does it for every packet, so the
 * check is inline: the fields are compared with what was pushed last and
 * pushed again only when one changed.  lwip_init's TUN2SOCKS mode, which
 * the push also hands over, is not compared: it changes only with a new
 * stack, whose interfaces come through netif_add, which forgets the
 * record. */
#ifndef TERN_COMPAT_NETIF_SYNC_H
#define TERN_COMPAT_NETIF_SYNC_H

#include "compat.h"
#include "lwip/netif.h"
#include "tern/iface.h"

typedef struct tern__netif_pushed {
    const struct netif *netif;
    const tern_iface *ifc;
    u8_t flags;
    u16_t mtu;
    u32_t addr, mask, gw;
} tern__netif_pushed;
extern tern__netif_pushed tern__netif_pushed_shared;
extern _Thread_local tern__netif_pushed tern__netif_pushed_own;

static inline u32_t tern__netif_v4(const ip_addr_t *a)
{
#if LWIP_IPV4
    return ip_2_ip4(a)->addr;
#else
    (void)a;
    return 0;
#endif
}

/* Pushes every field into ifc and remembers them (netif.c). */
void tern__compat_netif_push(struct netif *n, tern_iface *ifc);

/* Whether ifc holds every field of n as the program last wrote them. */
static inline bool tern__compat_netif_in_sync(const struct netif *n, const tern_iface *ifc)
{
    const tern__netif_pushed *pf = &TERN_COMPAT_USE(tern__netif_pushed);
    return pf->netif == n && pf->ifc == ifc && pf->flags == n->flags && pf->mtu == n->mtu &&
           pf->addr == tern__netif_v4(&n->ip_addr) &&
           pf->mask == tern__netif_v4(&n->netmask) && pf->gw == tern__netif_v4(&n->gw);
}

static inline void tern__compat_netif_sync(struct netif *n)
{
    tern_iface *ifc = n->tern_iface;
    if (ifc && !tern__compat_netif_in_sync(n, ifc))
        tern__compat_netif_push(n, ifc); /* something changed since the last push */
}

#endif
