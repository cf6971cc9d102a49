/* lwip/udp.h: UDP protocol control blocks (lwIP 2.1 raw API on tern).
 *
 * With TUN2SOCKS set in lwipopts.h the API takes the shape tun2socks
 * programs expect: the receive callback also gets the destination address
 * and port, udp_sendto takes the source to send from, and the first pcb
 * receives every datagram whatever its destination. */
#ifndef LWIP_HDR_UDP_H
#define LWIP_HDR_UDP_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/ip.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tern_opts.h"
#include "lwip/prot/udp.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define UDP_HLEN 8

#define UDP_FLAGS_NOCHKSUM 0x01U
#define UDP_FLAGS_UDPLITE 0x02U
#define UDP_FLAGS_CONNECTED 0x04U
#define UDP_FLAGS_MULTICAST_LOOP 0x08U

struct udp_pcb;
struct tern_udp;

#if TUN2SOCKS
typedef void (*udp_recv_fn)(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port,
                            const ip_addr_t *dest_addr, u16_t dest_port);
#else
/* Receives one datagram; the callback owns p and must free it. */
typedef void (*udp_recv_fn)(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port);
#endif

struct udp_pcb {
    IP_PCB;
    struct udp_pcb *next;
    u8_t flags;
    u16_t local_port, remote_port; /* host byte order */
    udp_recv_fn recv;
    void *recv_arg;
    struct tern_udp *tern; /* tern's socket behind this pcb (private) */
    /* LWIP_MULTICAST_TX_OPTIONS' fields, present whatever it says (one
     * layout for every program): the TTL of datagrams sent to a multicast
     * group (0: the pcb's ttl); the interface to send them through, by
     * index or by IPv4 address (0 / any: routed). */
    ip4_addr_t mcast_ip4;
    u8_t mcast_ifindex;
    u8_t mcast_ttl;
};

#define udp_set_multicast_netif_addr(pcb, ip4addr) ip4_addr_copy((pcb)->mcast_ip4, *(ip4addr))
#define udp_get_multicast_netif_addr(pcb) (&(pcb)->mcast_ip4)
#define udp_set_multicast_netif_index(pcb, idx) ((pcb)->mcast_ifindex = (idx))
#define udp_get_multicast_netif_index(pcb) ((pcb)->mcast_ifindex)
#define udp_set_multicast_ttl(pcb, value) ((pcb)->mcast_ttl = (value))
#define udp_get_multicast_ttl(pcb) ((pcb)->mcast_ttl)

/* struct udp_pcb's layout, checked by lwip_init (lwip/priv/tern_opts.h). */
#define TERN_LAYOUT_UDP_PCB(X, T)                                                                          \
    TERN_LAYOUT_IP_PCB(X, T) X(T, next, "") X(T, flags, "") X(T, local_port, "") X(T, remote_port, "")     \
    X(T, recv, "") X(T, recv_arg, "") X(T, tern, "") X(T, mcast_ip4, "LWIP_MULTICAST_TX_OPTIONS")             \
    X(T, mcast_ifindex, "LWIP_MULTICAST_TX_OPTIONS") X(T, mcast_ttl, "LWIP_MULTICAST_TX_OPTIONS")
TERN_LAYOUT_REGISTER(TERN_LAYOUT_UDP_PCB, struct udp_pcb, TERN_LAYOUT_UDP_PCB)

/* The process's UDP pcbs (not maintained after tern_lwip_set_per_thread(1),
 * lwip/init.h). */
extern TERN_API struct udp_pcb *udp_pcbs;

TERN_API struct udp_pcb *udp_new(void);
TERN_API struct udp_pcb *udp_new_ip_type(u8_t type);
TERN_API void udp_remove(struct udp_pcb *pcb);
TERN_API err_t udp_bind(struct udp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port);
TERN_API void udp_bind_netif(struct udp_pcb *pcb, const struct netif *netif);
TERN_API err_t udp_connect(struct udp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port);
TERN_API void udp_disconnect(struct udp_pcb *pcb);
TERN_API void udp_recv(struct udp_pcb *pcb, udp_recv_fn recv, void *recv_arg);
TERN_API err_t udp_sendto_if(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                    struct netif *netif);
TERN_API err_t udp_sendto_if_src(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                        struct netif *netif, const ip_addr_t *src_ip);
#if TUN2SOCKS
/* Sends from src_ip:src_port (a reply that seems to come from the original
 * destination).  A different prototype needs a different symbol. */
TERN_API err_t udp_sendto(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                 const ip_addr_t *src_ip, u16_t src_port) __asm__("tern_t2s_udp_sendto");
#else
TERN_API err_t udp_sendto(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port);
#endif
TERN_API err_t udp_send(struct udp_pcb *pcb, struct pbuf *p);
/* heiher's lwIP fork: sends p to the pcb's remote address and port from
 * src_ip:src_port, any address (a reply that seems to come from the
 * original destination of a flow; see udp_bind below). */
TERN_API err_t udp_sendfrom(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *src_ip, u16_t src_port);
/* heiher's fork's per-flow model: a pcb bound with udp_bind_netif(pcb,
 * netif) then udp_bind(pcb, NULL, 0), where netif has
 * NETIF_FLAG_PRETEND_UDP, receives every new flow arriving on netif: for
 * a datagram from a source address and port no pcb is connected to, the
 * stack creates a pcb connected to that source and calls the listener's
 * recv(arg, new_pcb, p, dest_addr, dest_port), p still holding the UDP
 * header and owned by the stack.  The datagram then goes, without its
 * header, to new_pcb's recv (set inside the listener's callback), as does
 * every later datagram from the same source: before each, new_pcb's
 * local_ip and local_port become that datagram's destination. */

#define udp_flags(pcb) ((pcb)->flags)
#define udp_setflags(pcb, f) ((pcb)->flags = (f))
#define udp_set_flags(pcb, set_flags) do { (pcb)->flags = (u8_t)((pcb)->flags | (set_flags)); } while (0)
#define udp_clear_flags(pcb, clr_flags) do { (pcb)->flags = (u8_t)((pcb)->flags & (u8_t)(~(clr_flags) & 0xff)); } while (0)
#define udp_is_flag_set(pcb, flag) (((pcb)->flags & (flag)) != 0)

TERN_API void udp_init(void);

#ifdef __cplusplus
}
#endif

#endif
