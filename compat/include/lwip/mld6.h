/* lwip/mld6.h: IPv6 multicast listener membership (lwIP 2.1 API on tern).
 *
 * As with IGMP (lwip/igmp.h): joining makes the netif accept the group's
 * datagrams for UDP pcbs; no MLD reports are sent on tern's
 * point-to-point links. */
#ifndef LWIP_HDR_MLD6_H
#define LWIP_HDR_MLD6_H

#include "lwip/opt.h"
#include "lwip/pbuf.h"
#include "lwip/netif.h"
#include "lwip/prot/mld6.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mld_group {
    struct mld_group *next;
    ip6_addr_t group_address;
    u8_t last_reporter_flag;
    u8_t group_state;
    u16_t timer;
    u8_t use;
};

#define MLD6_TMR_INTERVAL 100 /* ms */

TERN_API err_t mld6_stop(struct netif *netif);
#define mld6_report_groups(netif)
TERN_API void mld6_tmr(void);
TERN_API struct mld_group *mld6_lookfor_group(struct netif *ifp, const ip6_addr_t *addr);
/* Join on the netif holding srcaddr (every netif for the unspecified address). */
TERN_API err_t mld6_joingroup(const ip6_addr_t *srcaddr, const ip6_addr_t *groupaddr);
TERN_API err_t mld6_joingroup_netif(struct netif *netif, const ip6_addr_t *groupaddr);
TERN_API err_t mld6_leavegroup(const ip6_addr_t *srcaddr, const ip6_addr_t *groupaddr);
TERN_API err_t mld6_leavegroup_netif(struct netif *netif, const ip6_addr_t *groupaddr);

#define netif_mld6_data(netif) ((struct mld_group *)netif_get_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_MLD6))

#ifdef __cplusplus
}
#endif

#endif
