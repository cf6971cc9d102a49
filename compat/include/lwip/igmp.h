/* lwip/igmp.h: IPv4 multicast group membership (lwIP 2.1 API on tern).
 *
 * Joining a group makes the netif accept datagrams sent to it, and UDP
 * pcbs bound to the group's port (or to the group address) receive them.
 * tern's links are point-to-point IP devices (TUNs): no IGMP reports or
 * queries are exchanged (RFC 2236 section 2 has nothing to elect on a
 * link with no router), so igmp_tmr has nothing to time and runs the
 * stack's due timers like every *_tmr. */
#ifndef LWIP_HDR_IGMP_H
#define LWIP_HDR_IGMP_H

#include "lwip/opt.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/igmp.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IGMP_TMR_INTERVAL 100 /* ms */
#define IGMP_V1_DELAYING_MEMBER_TMR (1000 / IGMP_TMR_INTERVAL)
#define IGMP_JOIN_DELAYING_MEMBER_TMR (500 / IGMP_TMR_INTERVAL)

/* One joined group of a netif (netif_igmp_data lists them). */
struct igmp_group {
    struct igmp_group *next;
    ip4_addr_t group_address;
    u8_t last_reporter_flag;
    u8_t group_state;
    u16_t timer;
    u8_t use; /* how many joins are outstanding */
};

#define igmp_init()
/* netif_add does this already; kept for drivers that call it. */
TERN_API err_t igmp_start(struct netif *netif);
/* Leaves every group of netif. */
TERN_API err_t igmp_stop(struct netif *netif);
#define igmp_report_groups(netif)
TERN_API struct igmp_group *igmp_lookfor_group(struct netif *ifp, const ip4_addr_t *addr);
/* Join on the netif whose address is ifaddr (every netif for ANY). */
TERN_API err_t igmp_joingroup(const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr);
/* ERR_VAL for a non-multicast group, ERR_MEM when out of memory. */
TERN_API err_t igmp_joingroup_netif(struct netif *netif, const ip4_addr_t *groupaddr);
TERN_API err_t igmp_leavegroup(const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr);
/* ERR_VAL when netif is not a member. */
TERN_API err_t igmp_leavegroup_netif(struct netif *netif, const ip4_addr_t *groupaddr);
TERN_API void igmp_tmr(void);

#define netif_igmp_data(netif) ((struct igmp_group *)netif_get_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_IGMP))

#ifdef __cplusplus
}
#endif

#endif
