/* lwip/autoip.h: lwIP's IPv4 link-local addressing API on tern.
 *
 * AutoIP (RFC 3927) claims an address with ARP probes; tern's IP-only
 * links have no ARP.  autoip_start returns ERR_IF ("no AutoIP on this
 * link") and autoip_supplied_address is 0. */
#ifndef LWIP_HDR_AUTOIP_H
#define LWIP_HDR_AUTOIP_H

#include "lwip/opt.h"
#include "lwip/netif.h"
#include "lwip/prot/autoip.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AUTOIP_TMR_INTERVAL 100
#define AUTOIP_TICKS_PER_SECOND (1000 / AUTOIP_TMR_INTERVAL)

struct autoip {
    ip4_addr_t llipaddr;
    u8_t state;
    u8_t sent_num;
    u16_t ttw;
    u8_t lastconflict;
    u8_t tried_llipaddr;
};

struct etharp_hdr;

TERN_API void autoip_set_struct(struct netif *netif, struct autoip *autoip);
#define autoip_remove_struct(netif) netif_set_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_AUTOIP, NULL)
/* ERR_IF: tern runs no AutoIP. */
TERN_API err_t autoip_start(struct netif *netif);
TERN_API err_t autoip_stop(struct netif *netif);
TERN_API void autoip_tmr(void);
#define autoip_network_changed(netif)
TERN_API u8_t autoip_supplied_address(const struct netif *netif);
#define autoip_accept_packet(netif, addr) 0

#define netif_autoip_data(netif) ((struct autoip *)netif_get_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_AUTOIP))

#ifdef __cplusplus
}
#endif

#endif
