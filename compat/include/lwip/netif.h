/* lwip/netif.h: network interfaces (lwIP 2.1 API on tern).
 *
 * A struct netif is the application's view of a tern interface.  tern
 * carries IP packets only (TUN devices, loopback): output and output_ip6
 * receive whole IP packets; linkoutput, hwaddr and ETHARP are kept for
 * source compatibility and not used by the stack. */
#ifndef LWIP_HDR_NETIF_H
#define LWIP_HDR_NETIF_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tern_opts.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ENABLE_LOOPBACK (LWIP_NETIF_LOOPBACK || LWIP_HAVE_LOOPIF)
#define NETIF_MAX_HWADDR_LEN 6U
#define NETIF_NAMESIZE 6
#define NETIF_NO_INDEX (0)

#define NETIF_FLAG_UP 0x01U
#define NETIF_FLAG_BROADCAST 0x02U
#define NETIF_FLAG_LINK_UP 0x04U
#define NETIF_FLAG_ETHARP 0x08U
#define NETIF_FLAG_ETHERNET 0x10U
#define NETIF_FLAG_IGMP 0x20U
#define NETIF_FLAG_MLD6 0x40U

/* IPv6 address states (lwIP's IP6_ADDR_*). */
#define IP6_ADDR_INVALID 0x00
#define IP6_ADDR_TENTATIVE 0x08
#define IP6_ADDR_TENTATIVE_1 0x09
#define IP6_ADDR_TENTATIVE_2 0x0a
#define IP6_ADDR_TENTATIVE_3 0x0b
#define IP6_ADDR_TENTATIVE_4 0x0c
#define IP6_ADDR_TENTATIVE_5 0x0d
#define IP6_ADDR_TENTATIVE_6 0x0e
#define IP6_ADDR_TENTATIVE_7 0x0f
#define IP6_ADDR_VALID 0x10
#define IP6_ADDR_PREFERRED 0x30
#define IP6_ADDR_DEPRECATED 0x10
#define IP6_ADDR_DUPLICATED 0x40
#define IP6_ADDR_TENTATIVE_COUNT_MASK 0x07
#define ip6_addr_isinvalid(addr_state) (addr_state == IP6_ADDR_INVALID)
#define ip6_addr_istentative(addr_state) (addr_state & IP6_ADDR_TENTATIVE)
#define ip6_addr_isvalid(addr_state) (addr_state & IP6_ADDR_VALID)
#define ip6_addr_ispreferred(addr_state) (addr_state == IP6_ADDR_PREFERRED)
#define ip6_addr_isdeprecated(addr_state) (addr_state == IP6_ADDR_DEPRECATED)
#define ip6_addr_isduplicated(addr_state) (addr_state == IP6_ADDR_DUPLICATED)

struct netif;
struct tern_iface;

typedef err_t (*netif_init_fn)(struct netif *netif);
typedef err_t (*netif_input_fn)(struct pbuf *p, struct netif *inp);
#if LWIP_IPV4
typedef err_t (*netif_output_fn)(struct netif *netif, struct pbuf *p, const ip4_addr_t *ipaddr);
#endif
#if LWIP_IPV6
typedef err_t (*netif_output_ip6_fn)(struct netif *netif, struct pbuf *p, const ip6_addr_t *ipaddr);
#endif
typedef err_t (*netif_linkoutput_fn)(struct netif *netif, struct pbuf *p);
typedef void (*netif_status_callback_fn)(struct netif *netif);

struct netif {
    struct netif *next;
#if LWIP_IPV4
    ip_addr_t ip_addr;
    ip_addr_t netmask;
    ip_addr_t gw;
#endif
#if LWIP_IPV6
    ip_addr_t ip6_addr[LWIP_IPV6_NUM_ADDRESSES];
    u8_t ip6_addr_state[LWIP_IPV6_NUM_ADDRESSES];
#endif
    /* Where the application hands in received packets (ip_input). */
    netif_input_fn input;
#if LWIP_IPV4
    /* Where the stack sends IPv4 packets; the callee must not free p. */
    netif_output_fn output;
#endif
    netif_linkoutput_fn linkoutput;
#if LWIP_IPV6
    netif_output_ip6_fn output_ip6;
#endif
    /* These fields exist whatever lwipopts.h says: libtern is compiled
     * once, so struct netif must have one layout for every program. */
    netif_status_callback_fn status_callback;
    netif_status_callback_fn link_callback;
    netif_status_callback_fn remove_callback;
    void *state;
    const char *hostname;
    u16_t mtu;
    u8_t hwaddr[NETIF_MAX_HWADDR_LEN];
    u8_t hwaddr_len;
    u8_t flags;
    char name[2];
    u8_t num;
    /* tern's interface behind this netif (private). */
    struct tern_iface *tern_iface;
};

extern struct netif *netif_list;
extern struct netif *netif_default;

#define NETIF_FOREACH(netif) for ((netif) = netif_list; (netif) != NULL; (netif) = (netif)->next)

void netif_init(void);
struct netif *netif_add_noaddr(struct netif *netif, void *state, netif_init_fn init, netif_input_fn input);
#if LWIP_IPV4
struct netif *netif_add(struct netif *netif, const ip4_addr_t *ipaddr, const ip4_addr_t *netmask,
                        const ip4_addr_t *gw, void *state, netif_init_fn init, netif_input_fn input);
void netif_set_addr(struct netif *netif, const ip4_addr_t *ipaddr, const ip4_addr_t *netmask, const ip4_addr_t *gw);
void netif_set_ipaddr(struct netif *netif, const ip4_addr_t *ipaddr);
void netif_set_netmask(struct netif *netif, const ip4_addr_t *netmask);
void netif_set_gw(struct netif *netif, const ip4_addr_t *gw);
#define netif_ip4_addr(netif) ((const ip4_addr_t *)ip_2_ip4(&((netif)->ip_addr)))
#define netif_ip4_netmask(netif) ((const ip4_addr_t *)ip_2_ip4(&((netif)->netmask)))
#define netif_ip4_gw(netif) ((const ip4_addr_t *)ip_2_ip4(&((netif)->gw)))
#define netif_ip_addr4(netif) ((const ip_addr_t *)&((netif)->ip_addr))
#define netif_ip_netmask4(netif) ((const ip_addr_t *)&((netif)->netmask))
#define netif_ip_gw4(netif) ((const ip_addr_t *)&((netif)->gw))
#else
struct netif *netif_add(struct netif *netif, void *state, netif_init_fn init, netif_input_fn input);
#endif
void netif_remove(struct netif *netif);
struct netif *netif_find(const char *name);
void netif_set_default(struct netif *netif);

/* tern extension (not in lwIP): TCP segmentation offload on a netif whose
 * driver cuts long TCP packets itself (a TUN with a virtio-net header).
 * netif_tern_set_tso(netif, max) lets TCP send up to max bytes of full
 * segments as one packet; inside the netif's output function,
 * netif_tern_tx_gso_size(netif) is then the payload size per segment of
 * such a packet (its TCP checksum field holds the pseudo-header sum only),
 * or 0 for an ordinary packet.  The packet refers to TCP's send queue: the
 * output function must be done with it when it returns.  Programs test
 * for TERN_HAVE_TSO, so the same source builds against lwIP. */
#define TERN_HAVE_TSO 1
void netif_tern_set_tso(struct netif *netif, u32_t max_bytes);
u16_t netif_tern_tx_gso_size(const struct netif *netif);
void netif_set_up(struct netif *netif);
void netif_set_down(struct netif *netif);
void netif_set_link_up(struct netif *netif);
void netif_set_link_down(struct netif *netif);
#define netif_is_up(netif) (((netif)->flags & NETIF_FLAG_UP) ? (u8_t)1 : (u8_t)0)
#define netif_is_link_up(netif) (((netif)->flags & NETIF_FLAG_LINK_UP) ? (u8_t)1 : (u8_t)0)
#if LWIP_NETIF_STATUS_CALLBACK
void netif_set_status_callback(struct netif *netif, netif_status_callback_fn status_callback);
#endif
#if LWIP_NETIF_LINK_CALLBACK
void netif_set_link_callback(struct netif *netif, netif_status_callback_fn link_callback);
#endif
#if LWIP_NETIF_REMOVE_CALLBACK
void netif_set_remove_callback(struct netif *netif, netif_status_callback_fn remove_callback);
#endif
#if LWIP_NETIF_HOSTNAME
#define netif_set_hostname(netif, name) ((netif)->hostname = (name))
#define netif_get_hostname(netif) ((netif)->hostname)
#endif

/* Hands a received packet to the stack (IP only: same as ip_input). */
err_t netif_input(struct pbuf *p, struct netif *inp);
#if ENABLE_LOOPBACK
err_t netif_loop_output(struct netif *netif, struct pbuf *p);
void netif_poll(struct netif *netif);
void netif_poll_all(void);
#endif

#if LWIP_IPV6
#define netif_ip_addr6(netif, i) ((const ip_addr_t *)(&((netif)->ip6_addr[i])))
#define netif_ip6_addr(netif, i) ((const ip6_addr_t *)ip_2_ip6(&((netif)->ip6_addr[i])))
#define netif_ip6_addr_state(netif, i) ((netif)->ip6_addr_state[i])
void netif_ip6_addr_set(struct netif *netif, s8_t addr_idx, const ip6_addr_t *addr6);
void netif_ip6_addr_set_parts(struct netif *netif, s8_t addr_idx, u32_t i0, u32_t i1, u32_t i2, u32_t i3);
void netif_ip6_addr_set_state(struct netif *netif, s8_t addr_idx, u8_t state);
s8_t netif_get_ip6_addr_match(struct netif *netif, const ip6_addr_t *ip6addr);
/* tern has no neighbour discovery on IP-only links, so the address is
 * usable (PREFERRED) at once instead of going through DAD. */
void netif_create_ip6_linklocal_address(struct netif *netif, u8_t from_mac_48bit);
err_t netif_add_ip6_address(struct netif *netif, const ip6_addr_t *ip6addr, s8_t *chosen_idx);
#define netif_set_ip6_autoconfig_enabled(netif, action)
#endif

#define netif_get_index(netif) ((u8_t)((netif)->num + 1))
struct netif *netif_get_by_index(u8_t idx);
u8_t netif_name_to_index(const char *name);
char *netif_index_to_name(u8_t idx, char *name);

#define NETIF_SET_CHECKSUM_CTRL(netif, chksumflags)
#define NETIF_CHECKSUM_ENABLED(netif, chksumflag) 1

#ifdef __cplusplus
}
#endif

#endif
