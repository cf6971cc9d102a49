/* lwip/dhcp.h: lwIP's DHCP client API on tern.
 *
 * tern's links are IP-only devices (TUNs) whose addresses the program
 * configures: there is no broadcast link to find a DHCP server on.  The
 * API exists so programs build; dhcp_start, dhcp_renew, dhcp_release and
 * dhcp_inform's siblings return ERR_IF ("no DHCP on this link"), and
 * dhcp_supplied_address is 0. */
#ifndef LWIP_HDR_DHCP_H
#define LWIP_HDR_DHCP_H

#include "lwip/opt.h"
#include "lwip/netif.h"
#include "lwip/udp.h"
#include "lwip/prot/dhcp.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DHCP_COARSE_TIMER_SECS 60
#define DHCP_COARSE_TIMER_MSECS (DHCP_COARSE_TIMER_SECS * 1000UL)
#define DHCP_FINE_TIMER_MSECS 500
#define DHCP_BOOT_FILE_LEN 128U

typedef enum { DHCP_AUTOIP_COOP_STATE_OFF = 0, DHCP_AUTOIP_COOP_STATE_ON = 1 } dhcp_autoip_coop_state_enum_t;

struct dhcp {
    u32_t xid;
    u8_t pcb_allocated;
    u8_t state;
    u8_t tries;
    u8_t autoip_coop_state;
    u8_t subnet_mask_given;
    u16_t request_timeout;
    u16_t t1_timeout;
    u16_t t2_timeout;
    u16_t t1_renew_time;
    u16_t t2_rebind_time;
    u16_t lease_used;
    u16_t t0_timeout;
    ip_addr_t server_ip_addr;
    ip4_addr_t offered_ip_addr;
    ip4_addr_t offered_sn_mask;
    ip4_addr_t offered_gw_addr;
    u32_t offered_t0_lease;
    u32_t offered_t1_renew;
    u32_t offered_t2_rebind;
};

TERN_API void dhcp_set_struct(struct netif *netif, struct dhcp *dhcp);
#define dhcp_remove_struct(netif) netif_set_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_DHCP, NULL)
TERN_API void dhcp_cleanup(struct netif *netif);
/* ERR_IF: tern runs no DHCP client. */
TERN_API err_t dhcp_start(struct netif *netif);
TERN_API err_t dhcp_renew(struct netif *netif);
TERN_API err_t dhcp_release(struct netif *netif);
TERN_API void dhcp_stop(struct netif *netif);
TERN_API void dhcp_release_and_stop(struct netif *netif);
TERN_API void dhcp_inform(struct netif *netif);
TERN_API void dhcp_network_changed(struct netif *netif);
TERN_API u8_t dhcp_supplied_address(const struct netif *netif);
TERN_API void dhcp_coarse_tmr(void);
TERN_API void dhcp_fine_tmr(void);

#define netif_dhcp_data(netif) ((struct dhcp *)netif_get_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_DHCP))

#ifdef __cplusplus
}
#endif

#endif
