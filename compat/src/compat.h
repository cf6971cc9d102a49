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

/* Where the lwIP layer's state lives.  lwIP's contract is one stack per
 * process that any thread may call, one call at a time (go-tun2socks calls
 * from whichever thread holds its lock): by default every piece of state
 * below exists once per process.  A program that runs one stack per thread
 * (tern_lwip_set_per_thread, lwip/init.h) switches before its first
 * lwip_init; then each thread has its own instance.  TERN_COMPAT_VAR
 * declares a variable's two instances, TERN_COMPAT_USE picks the one in
 * force; a file names its variable with a macro over TERN_COMPAT_USE so the
 * code reads as if it were a plain static. */
extern int tern__compat_per_thread;
#define TERN_COMPAT_VAR(type, name, ...)                                                                   \
    static type name##_shared __VA_ARGS__;                                                                 \
    static _Thread_local type name##_own __VA_ARGS__
#define TERN_COMPAT_USE(name) (*(tern__compat_per_thread ? &name##_own : &name##_shared))

/* The stack lwip_init made (NULL before). */
extern tern_stack *tern__compat_stack_shared;
extern _Thread_local tern_stack *tern__compat_stack_own;
#define tern__compat_stack TERN_COMPAT_USE(tern__compat_stack)
/* Set by the TUN2SOCKS variants of lwip_init: every destination is local. */
extern int tern__compat_tun2socks_shared;
extern _Thread_local int tern__compat_tun2socks_own;
#define tern__compat_tun2socks TERN_COMPAT_USE(tern__compat_tun2socks)
/* lwIP's public lists (netif_list, netif_default, udp_pcbs): the program's
 * variables themselves in the process-wide mode. */
extern _Thread_local struct netif *tern__netif_list_own, *tern__netif_default_own;
extern _Thread_local struct udp_pcb *tern__udp_pcbs_own;
#define NETIF_LIST (*(tern__compat_per_thread ? &tern__netif_list_own : &netif_list))
#define NETIF_DEFAULT (*(tern__compat_per_thread ? &tern__netif_default_own : &netif_default))
#define UDP_PCBS (*(tern__compat_per_thread ? &tern__udp_pcbs_own : &udp_pcbs))

/* Dual-stack ip_addr_t is tern_addr (same layout, checked in ip_addr.c). */
static inline const tern_addr *tern__compat_addr(const ip_addr_t *a) { return (const tern_addr *)(const void *)a; }
static inline const ip_addr_t *tern__compat_ipaddr(const tern_addr *a)
{
    return (const ip_addr_t *)(const void *)a;
}

/* tern__compat_netif_sync: netif_sync.h. */
struct netif *tern__compat_netif_of(const struct tern_iface *ifc);
void tern__compat_netif_reset(void);
/* Leaves the IGMP/MLD groups of a netif being removed (multicast.c). */
void tern__compat_multicast_netif_removed(struct netif *netif);
void tern__compat_udp_reset(void);
void tern__compat_timeouts_reset(void);

#endif
