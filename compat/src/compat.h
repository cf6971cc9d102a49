/* compat/src/compat.h: the lwIP compatibility layer's shared state.
 *
 * lwIP's API is global (one stack per process); the layer keeps one
 * tern_stack and converts between lwIP's structures and tern's. */
#ifndef TERN_COMPAT_H
#define TERN_COMPAT_H

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "tern/addr.h"
#include "tern/stack.h"

#include "lwip/priv/tern_opts.h"

/* The program's lwipopts.h settings (see lwip/priv/tern_opts.h). */
extern struct tern_lwipopts tern__compat_opts;

/* The IPv6 address slots of a netif the program uses: its
 * LWIP_IPV6_NUM_ADDRESSES (struct netif has TERN_IPV6_NUM_ADDRESSES_MAX). */
static inline s8_t tern__compat_ipv6_slots(void)
{
    unsigned n = tern__compat_opts.ipv6_num_addresses;
    return (s8_t)(n >= 1 && n <= TERN_IPV6_NUM_ADDRESSES_MAX ? n : TERN_IPV6_NUM_ADDRESSES_MAX);
}

/* The process's stack, created by lwip_init (NULL before). */
extern _Thread_local tern_stack *tern__compat_stack;
/* Set by the TUN2SOCKS variants of lwip_init: every destination is local. */
extern _Thread_local int tern__compat_tun2socks;

/* Dual-stack ip_addr_t is tern_addr (same layout, checked in ip_addr.c). */
static inline const tern_addr *tern__compat_addr(const ip_addr_t *a) { return (const tern_addr *)(const void *)a; }
static inline const ip_addr_t *tern__compat_ipaddr(const tern_addr *a)
{
    return (const ip_addr_t *)(const void *)a;
}

/* Brings a netif's fields that applications write directly (mtu, flags,
 * IPv4 addresses) into its tern interface. */
void tern__compat_netif_sync(struct netif *netif);
struct netif *tern__compat_netif_of(const struct tern_iface *ifc);
void tern__compat_netif_reset(void);
/* Leaves the IGMP/MLD groups of a netif being removed (multicast.c). */
void tern__compat_multicast_netif_removed(struct netif *netif);
void tern__compat_udp_reset(void);
void tern__compat_timeouts_reset(void);

#endif
