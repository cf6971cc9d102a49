/* lwip/snmp.h: the stack's MIB-II hooks (lwIP 2.1 API).  tern keeps no
 * MIB-II counters per netif (MIB2_STATS): the hooks compile to nothing
 * and struct netif has no mib2_counters.  lwIP's SNMP agent builds
 * without its MIB-II tables (SNMP_LWIP_MIB2 0); the tables themselves
 * read lwIP's internal counters and pcb lists, which tern does not have. */
#ifndef LWIP_HDR_SNMP_H
#define LWIP_HDR_SNMP_H

#include "lwip/opt.h"
#include "lwip/ip_addr.h"
#include "lwip/sys.h"

#ifdef __cplusplus
extern "C" {
#endif

struct udp_pcb;
struct netif;

#ifndef MIB2_COPY_SYSUPTIME_TO
#define MIB2_COPY_SYSUPTIME_TO(ptrToVal) (*(ptrToVal) = (sys_now() / 10))
#endif
#define MIB2_INIT_NETIF(netif, type, speed)
#define MIB2_STATS_NETIF_INC(n, x)
#define MIB2_STATS_NETIF_ADD(n, x, val)

#define mib2_netif_added(ni)
#define mib2_netif_removed(ni)
#define mib2_add_arp_entry(ni, ip)
#define mib2_remove_arp_entry(ni, ip)
#define mib2_add_ip4(ni)
#define mib2_remove_ip4(ni)
#define mib2_add_route_ip4(dflt, ni)
#define mib2_remove_route_ip4(dflt, ni)
#define mib2_udp_bind(pcb)
#define mib2_udp_unbind(pcb)

#ifdef __cplusplus
}
#endif

#endif
