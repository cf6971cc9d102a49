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
#include "lwip/def.h"
#include "lwip/stats.h"
#include "tern/export.h"

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
/* Forks' extensions (tun2socks programs), see netif_set_pretend_tcp below.
 * heiher's lwIP fork: one bit in flags makes the netif every host for TCP
 * and UDP; NETIF_FLAG_PRETEND_ICMP (bit 8, kept in ext_flags) answers
 * ICMP echo for every address.  badvpn's fork names the TCP bit the same
 * and sets it through netif_set_pretend_tcp only. */
#define NETIF_FLAG_PRETEND 0x80U
#define NETIF_FLAG_PRETEND_TCP NETIF_FLAG_PRETEND
#define NETIF_FLAG_PRETEND_UDP NETIF_FLAG_PRETEND
#define NETIF_FLAG_PRETEND_ICMP 0x100U

/* lwIP's flag helpers; flags above 0xff live in ext_flags. */
#define netif_set_flags(netif, set_flags)                                                                  \
    do {                                                                                                   \
        (netif)->flags = (u8_t)((netif)->flags | ((set_flags) & 0xffU));                                    \
        (netif)->ext_flags = (u8_t)((netif)->ext_flags | (((set_flags) >> 8) & 0xffU));                     \
    } while (0)
#define netif_clear_flags(netif, clr_flags)                                                                \
    do {                                                                                                   \
        (netif)->flags = (u8_t)((netif)->flags & (u8_t)(~(clr_flags) & 0xffU));                             \
        (netif)->ext_flags = (u8_t)((netif)->ext_flags & (u8_t)(~((clr_flags) >> 8) & 0xffU));              \
    } while (0)
#define netif_is_flag_set(netif, flag)                                                                     \
    ((((netif)->flags | ((u32_t)(netif)->ext_flags << 8)) & (flag)) != 0)

/* Client data slots (netif_alloc_client_data_id): the stack's own first,
 * at fixed indexes whatever lwipopts.h enables, then the program's. */
enum lwip_internal_netif_client_data_index {
    LWIP_NETIF_CLIENT_DATA_INDEX_DHCP,
    LWIP_NETIF_CLIENT_DATA_INDEX_AUTOIP,
    LWIP_NETIF_CLIENT_DATA_INDEX_IGMP,
    LWIP_NETIF_CLIENT_DATA_INDEX_DHCP6,
    LWIP_NETIF_CLIENT_DATA_INDEX_MLD6,
    LWIP_NETIF_CLIENT_DATA_INDEX_MAX
};
/* struct netif has room for this many slots in all, whatever
 * LWIP_NUM_NETIF_CLIENT_DATA says, so its layout is one for every program;
 * netif_alloc_client_data_id fails (returns 0xff) past it. */
#define TERN_NETIF_CLIENT_DATA_SLOTS 16
#define netif_set_client_data(netif, id, data) netif_get_client_data(netif, id) = (data)
#define netif_get_client_data(netif, id) (netif)->client_data[(id)]

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
    /* Room for TERN_IPV6_NUM_ADDRESSES_MAX addresses whatever
     * LWIP_IPV6_NUM_ADDRESSES says (the first LWIP_IPV6_NUM_ADDRESSES are
     * used), so that struct netif has one layout for every program. */
    ip_addr_t ip6_addr[TERN_IPV6_NUM_ADDRESSES_MAX];
    u8_t ip6_addr_state[TERN_IPV6_NUM_ADDRESSES_MAX];
    /* lwIP's LWIP_IPV6_ADDRESS_LIFETIMES fields (always present; tern keeps
     * them 0, static addresses, as lwIP does for addresses set by hand). */
    u32_t ip6_addr_valid_life[TERN_IPV6_NUM_ADDRESSES_MAX];
    u32_t ip6_addr_pref_life[TERN_IPV6_NUM_ADDRESSES_MAX];
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
    u8_t ext_flags; /* flags above 0xff (NETIF_FLAG_PRETEND_ICMP) */
    void *client_data[TERN_NETIF_CLIENT_DATA_SLOTS];
    /* tern's interface behind this netif (private). */
    struct tern_iface *tern_iface;
};

/* struct netif's layout, checked by lwip_init (lwip/priv/tern_opts.h). */
#define TERN_LAYOUT_NETIF(X, T)                                                                            \
    X(T, next, "") X(T, ip_addr, "LWIP_IPV4") X(T, netmask, "LWIP_IPV4") X(T, gw, "LWIP_IPV4")             \
    X(T, ip6_addr, "LWIP_IPV6_NUM_ADDRESSES") X(T, ip6_addr_state, "LWIP_IPV6_NUM_ADDRESSES")              \
    X(T, ip6_addr_valid_life, "LWIP_IPV6_ADDRESS_LIFETIMES")                                               \
    X(T, ip6_addr_pref_life, "LWIP_IPV6_ADDRESS_LIFETIMES") X(T, input, "") X(T, output, "LWIP_IPV4")      \
    X(T, linkoutput, "") X(T, output_ip6, "LWIP_IPV6") X(T, status_callback, "LWIP_NETIF_STATUS_CALLBACK")  \
    X(T, link_callback, "LWIP_NETIF_LINK_CALLBACK") X(T, remove_callback, "LWIP_NETIF_REMOVE_CALLBACK")    \
    X(T, state, "") X(T, hostname, "LWIP_NETIF_HOSTNAME") X(T, mtu, "") X(T, hwaddr, "NETIF_MAX_HWADDR_LEN") \
    X(T, hwaddr_len, "") X(T, flags, "") X(T, name, "") X(T, num, "") X(T, ext_flags, "")                  \
    X(T, client_data, "LWIP_NUM_NETIF_CLIENT_DATA") X(T, tern_iface, "")
TERN_LAYOUT_REGISTER(TERN_LAYOUT_NETIF, struct netif, TERN_LAYOUT_NETIF)

/* The process's netifs (after tern_lwip_set_per_thread(1) these two are
 * not maintained: each thread's lists are its own, lwip/init.h). */
extern TERN_API struct netif *netif_list;
extern TERN_API struct netif *netif_default;

#define NETIF_FOREACH(netif) for ((netif) = netif_list; (netif) != NULL; (netif) = (netif)->next)

TERN_API void netif_init(void);
TERN_API struct netif *netif_add_noaddr(struct netif *netif, void *state, netif_init_fn init, netif_input_fn input);
#if LWIP_IPV4
TERN_API struct netif *netif_add(struct netif *netif, const ip4_addr_t *ipaddr, const ip4_addr_t *netmask,
                        const ip4_addr_t *gw, void *state, netif_init_fn init, netif_input_fn input);
TERN_API void netif_set_addr(struct netif *netif, const ip4_addr_t *ipaddr, const ip4_addr_t *netmask, const ip4_addr_t *gw);
TERN_API void netif_set_ipaddr(struct netif *netif, const ip4_addr_t *ipaddr);
TERN_API void netif_set_netmask(struct netif *netif, const ip4_addr_t *netmask);
TERN_API void netif_set_gw(struct netif *netif, const ip4_addr_t *gw);
#define netif_ip4_addr(netif) ((const ip4_addr_t *)ip_2_ip4(&((netif)->ip_addr)))
#define netif_ip4_netmask(netif) ((const ip4_addr_t *)ip_2_ip4(&((netif)->netmask)))
#define netif_ip4_gw(netif) ((const ip4_addr_t *)ip_2_ip4(&((netif)->gw)))
#define netif_ip_addr4(netif) ((const ip_addr_t *)&((netif)->ip_addr))
#define netif_ip_netmask4(netif) ((const ip_addr_t *)&((netif)->netmask))
#define netif_ip_gw4(netif) ((const ip_addr_t *)&((netif)->gw))
#else
TERN_API struct netif *netif_add(struct netif *netif, void *state, netif_init_fn init, netif_input_fn input);
#endif
TERN_API void netif_remove(struct netif *netif);
TERN_API struct netif *netif_find(const char *name);
TERN_API void netif_set_default(struct netif *netif);

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
TERN_API void netif_tern_set_tso(struct netif *netif, u32_t max_bytes);
TERN_API u16_t netif_tern_tx_gso_size(const struct netif *netif);
TERN_API void netif_set_up(struct netif *netif);
TERN_API void netif_set_down(struct netif *netif);
TERN_API void netif_set_link_up(struct netif *netif);
TERN_API void netif_set_link_down(struct netif *netif);
#define netif_is_up(netif) (((netif)->flags & NETIF_FLAG_UP) ? (u8_t)1 : (u8_t)0)
#define netif_is_link_up(netif) (((netif)->flags & NETIF_FLAG_LINK_UP) ? (u8_t)1 : (u8_t)0)
#if LWIP_NETIF_STATUS_CALLBACK
TERN_API void netif_set_status_callback(struct netif *netif, netif_status_callback_fn status_callback);
#endif
#if LWIP_NETIF_LINK_CALLBACK
TERN_API void netif_set_link_callback(struct netif *netif, netif_status_callback_fn link_callback);
#endif
#if LWIP_NETIF_REMOVE_CALLBACK
TERN_API void netif_set_remove_callback(struct netif *netif, netif_status_callback_fn remove_callback);
#endif
#if LWIP_NETIF_HOSTNAME
#define netif_set_hostname(netif, name) ((netif)->hostname = (name))
#define netif_get_hostname(netif) ((netif)->hostname)
#endif

/* Hands a received packet to the stack (IP only: same as ip_input). */
TERN_API err_t netif_input(struct pbuf *p, struct netif *inp);
#if ENABLE_LOOPBACK
TERN_API err_t netif_loop_output(struct netif *netif, struct pbuf *p);
TERN_API void netif_poll(struct netif *netif);
TERN_API void netif_poll_all(void);
#endif

#if LWIP_IPV6
#define netif_ip_addr6(netif, i) ((const ip_addr_t *)(&((netif)->ip6_addr[i])))
#define netif_ip6_addr(netif, i) ((const ip6_addr_t *)ip_2_ip6(&((netif)->ip6_addr[i])))
#define netif_ip6_addr_state(netif, i) ((netif)->ip6_addr_state[i])
#if LWIP_IPV6_ADDRESS_LIFETIMES
#define netif_ip6_addr_valid_life(netif, i) ((netif)->ip6_addr_valid_life[i])
#define netif_ip6_addr_set_valid_life(netif, i, secs) do { (netif)->ip6_addr_valid_life[i] = (secs); } while (0)
#define netif_ip6_addr_pref_life(netif, i) ((netif)->ip6_addr_pref_life[i])
#define netif_ip6_addr_set_pref_life(netif, i, secs) do { (netif)->ip6_addr_pref_life[i] = (secs); } while (0)
#define netif_ip6_addr_isstatic(netif, i) (netif_ip6_addr_valid_life((netif), (i)) == IP6_ADDR_LIFE_STATIC)
#else
#define netif_ip6_addr_isstatic(netif, i) (1)
#endif
TERN_API void netif_ip6_addr_set(struct netif *netif, s8_t addr_idx, const ip6_addr_t *addr6);
TERN_API void netif_ip6_addr_set_parts(struct netif *netif, s8_t addr_idx, u32_t i0, u32_t i1, u32_t i2, u32_t i3);
TERN_API void netif_ip6_addr_set_state(struct netif *netif, s8_t addr_idx, u8_t state);
TERN_API s8_t netif_get_ip6_addr_match(struct netif *netif, const ip6_addr_t *ip6addr);
/* tern has no neighbour discovery on IP-only links, so the address is
 * usable (PREFERRED) at once instead of going through DAD. */
TERN_API void netif_create_ip6_linklocal_address(struct netif *netif, u8_t from_mac_48bit);
TERN_API err_t netif_add_ip6_address(struct netif *netif, const ip6_addr_t *ip6addr, s8_t *chosen_idx);
#define netif_set_ip6_autoconfig_enabled(netif, action)
#endif

#define netif_get_index(netif) ((u8_t)((netif)->num + 1))
TERN_API struct netif *netif_get_by_index(u8_t idx);
TERN_API u8_t netif_name_to_index(const char *name);
TERN_API char *netif_index_to_name(u8_t idx, char *name);

#define NETIF_SET_CHECKSUM_CTRL(netif, chksumflags)
#define NETIF_CHECKSUM_ENABLED(netif, chksumflag) 1

/* A slot index for netif_get/set_client_data, or 0xff when all
 * TERN_NETIF_CLIENT_DATA_SLOTS are taken. */
TERN_API u8_t netif_alloc_client_data_id(void);

/* badvpn's fork: pretend != 0 makes netif every host for TCP (a listener
 * bound to it with tcp_bind_to_netif accepts every SYN arriving on it). */
TERN_API void netif_set_pretend_tcp(struct netif *netif, u8_t pretend);
/* badvpn's fork (declared here so lwip/tcp.h brings it, as there): binds
 * a CLOSED pcb to the netif named ifname ("ho0": name[0], name[1] and the
 * number); listening, it accepts every SYN arriving on that netif when the
 * netif pretends (netif_set_pretend_tcp), the new pcb's local address and
 * port being the SYN's destination.  ERR_VAL when the pcb is not CLOSED or
 * no netif has that name. */
struct tcp_pcb;
TERN_API err_t tcp_bind_to_netif(struct tcp_pcb *pcb, const char ifname[3]);

/* Extended status callbacks (LWIP_NETIF_EXT_STATUS_CALLBACK). */
typedef u16_t netif_nsc_reason_t;
#define LWIP_NSC_NONE 0x0000
#define LWIP_NSC_NETIF_ADDED 0x0001
#define LWIP_NSC_NETIF_REMOVED 0x0002
#define LWIP_NSC_LINK_CHANGED 0x0004
#define LWIP_NSC_STATUS_CHANGED 0x0008
#define LWIP_NSC_IPV4_ADDRESS_CHANGED 0x0010
#define LWIP_NSC_IPV4_GATEWAY_CHANGED 0x0020
#define LWIP_NSC_IPV4_NETMASK_CHANGED 0x0040
#define LWIP_NSC_IPV4_SETTINGS_CHANGED 0x0080
#define LWIP_NSC_IPV6_SET 0x0100
#define LWIP_NSC_IPV6_ADDR_STATE_CHANGED 0x0200

typedef union {
    struct link_changed_s {
        u8_t state;
    } link_changed;
    struct status_changed_s {
        u8_t state;
    } status_changed;
    struct ipv4_changed_s {
        const ip_addr_t *old_address;
        const ip_addr_t *old_netmask;
        const ip_addr_t *old_gw;
    } ipv4_changed;
    struct ipv6_set_s {
        s8_t addr_index;
        const ip_addr_t *old_address;
    } ipv6_set;
    struct ipv6_addr_state_changed_s {
        s8_t addr_index;
        u8_t old_state;
        const ip_addr_t *address;
    } ipv6_addr_state_changed;
} netif_ext_callback_args_t;

typedef void (*netif_ext_callback_fn)(struct netif *netif, netif_nsc_reason_t reason,
                                      const netif_ext_callback_args_t *args);
typedef struct netif_ext_callback {
    netif_ext_callback_fn callback_fn;
    struct netif_ext_callback *next;
} netif_ext_callback_t;

/* Always available (lwIP needs LWIP_NETIF_EXT_STATUS_CALLBACK). */
#define NETIF_DECLARE_EXT_CALLBACK(name) static netif_ext_callback_t name;
TERN_API void netif_add_ext_callback(netif_ext_callback_t *callback, netif_ext_callback_fn fn);
TERN_API void netif_remove_ext_callback(netif_ext_callback_t *callback);
TERN_API void netif_invoke_ext_callback(struct netif *netif, netif_nsc_reason_t reason,
                                        const netif_ext_callback_args_t *args);

#ifdef __cplusplus
}
#endif

#endif
