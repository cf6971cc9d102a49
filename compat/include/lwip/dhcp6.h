/* lwip/dhcp6.h: lwIP's DHCPv6 client API on tern.  As lwip/dhcp.h: no
 * DHCP on tern's IP-only links; the calls return ERR_IF. */
#ifndef LWIP_HDR_IP6_DHCP6_H
#define LWIP_HDR_IP6_DHCP6_H

#include "lwip/opt.h"
#include "lwip/netif.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DHCP6_TIMER_MSECS 500

struct dhcp6 {
    u32_t xid;
    u8_t pcb_allocated;
    u8_t state;
    u8_t tries;
    u8_t request_config_pending;
    u16_t request_timeout;
};

TERN_API void dhcp6_set_struct(struct netif *netif, struct dhcp6 *dhcp6);
#define dhcp6_remove_struct(netif) netif_set_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_DHCP6, NULL)
TERN_API void dhcp6_cleanup(struct netif *netif);
/* ERR_IF: tern runs no DHCPv6 client. */
TERN_API err_t dhcp6_enable_stateful(struct netif *netif);
TERN_API err_t dhcp6_enable_stateless(struct netif *netif);
TERN_API void dhcp6_disable(struct netif *netif);
TERN_API void dhcp6_tmr(void);
#define dhcp6_nd6_ra_trigger(netif, managed_addr_config, other_config)

#define netif_dhcp6_data(netif) ((struct dhcp6 *)netif_get_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_DHCP6))

#ifdef __cplusplus
}
#endif

#endif
