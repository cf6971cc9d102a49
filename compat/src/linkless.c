/* compat/src/linkless.c: lwIP's link-layer services that cannot exist on
 * tern's IP-only links (TUN devices): DHCP, DHCPv6, AutoIP, ARP, Ethernet
 * output.  Each entry point answers with the documented ERR_IF ("no such
 * service on this link") instead of pretending to have done something;
 * the per-netif structs are kept in the client-data slots lwIP uses so
 * netif_dhcp_data() and friends read back what the program set. */
#include "compat.h"
#include "lwip/autoip.h"
#include "lwip/dhcp.h"
#include "lwip/dhcp6.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/timeouts.h"

void dhcp_set_struct(struct netif *netif, struct dhcp *dhcp)
{
    if (netif)
        netif_set_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_DHCP, dhcp);
}
void dhcp_cleanup(struct netif *netif) { dhcp_set_struct(netif, NULL); }
err_t dhcp_start(struct netif *netif)
{
    (void)netif;
    return ERR_IF;
}
err_t dhcp_renew(struct netif *netif)
{
    (void)netif;
    return ERR_IF;
}
err_t dhcp_release(struct netif *netif)
{
    (void)netif;
    return ERR_IF;
}
void dhcp_stop(struct netif *netif) { (void)netif; }
void dhcp_release_and_stop(struct netif *netif) { (void)netif; }
void dhcp_inform(struct netif *netif) { (void)netif; }
void dhcp_network_changed(struct netif *netif) { (void)netif; }
u8_t dhcp_supplied_address(const struct netif *netif)
{
    (void)netif;
    return 0;
}
void dhcp_coarse_tmr(void) { sys_check_timeouts(); }
void dhcp_fine_tmr(void) { sys_check_timeouts(); }

void dhcp6_set_struct(struct netif *netif, struct dhcp6 *dhcp6)
{
    if (netif)
        netif_set_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_DHCP6, dhcp6);
}
void dhcp6_cleanup(struct netif *netif) { dhcp6_set_struct(netif, NULL); }
err_t dhcp6_enable_stateful(struct netif *netif)
{
    (void)netif;
    return ERR_IF;
}
err_t dhcp6_enable_stateless(struct netif *netif)
{
    (void)netif;
    return ERR_IF;
}
void dhcp6_disable(struct netif *netif) { (void)netif; }
void dhcp6_tmr(void) { sys_check_timeouts(); }

void autoip_set_struct(struct netif *netif, struct autoip *autoip)
{
    if (netif)
        netif_set_client_data(netif, LWIP_NETIF_CLIENT_DATA_INDEX_AUTOIP, autoip);
}
err_t autoip_start(struct netif *netif)
{
    (void)netif;
    return ERR_IF;
}
err_t autoip_stop(struct netif *netif)
{
    (void)netif;
    return ERR_OK; /* nothing was started */
}
void autoip_tmr(void) { sys_check_timeouts(); }
u8_t autoip_supplied_address(const struct netif *netif)
{
    (void)netif;
    return 0;
}

void etharp_tmr(void) { sys_check_timeouts(); }
ssize_t etharp_find_addr(struct netif *netif, const ip4_addr_t *ipaddr, struct eth_addr **eth_ret,
                         const ip4_addr_t **ip_ret)
{
    (void)netif, (void)ipaddr, (void)eth_ret, (void)ip_ret;
    return -1;
}
int etharp_get_entry(size_t i, ip4_addr_t **ipaddr, struct netif **netif, struct eth_addr **eth_ret)
{
    (void)i, (void)ipaddr, (void)netif, (void)eth_ret;
    return 0;
}
err_t etharp_output(struct netif *netif, struct pbuf *q, const ip4_addr_t *ipaddr)
{
    (void)netif, (void)q, (void)ipaddr;
    return ERR_IF;
}
err_t etharp_query(struct netif *netif, const ip4_addr_t *ipaddr, struct pbuf *q)
{
    (void)netif, (void)q, (void)ipaddr;
    return ERR_IF;
}
err_t etharp_request(struct netif *netif, const ip4_addr_t *ipaddr)
{
    (void)netif, (void)ipaddr;
    return ERR_IF;
}
err_t etharp_add_static_entry(const ip4_addr_t *ipaddr, struct eth_addr *ethaddr)
{
    (void)ipaddr, (void)ethaddr;
    return ERR_IF;
}
err_t etharp_remove_static_entry(const ip4_addr_t *ipaddr)
{
    (void)ipaddr;
    return ERR_IF;
}
err_t ethip6_output(struct netif *netif, struct pbuf *q, const ip6_addr_t *ip6addr)
{
    (void)netif, (void)q, (void)ip6addr;
    return ERR_IF;
}
