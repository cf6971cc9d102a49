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
};

extern struct udp_pcb *udp_pcbs;

struct udp_pcb *udp_new(void);
struct udp_pcb *udp_new_ip_type(u8_t type);
void udp_remove(struct udp_pcb *pcb);
err_t udp_bind(struct udp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port);
void udp_bind_netif(struct udp_pcb *pcb, const struct netif *netif);
err_t udp_connect(struct udp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port);
void udp_disconnect(struct udp_pcb *pcb);
void udp_recv(struct udp_pcb *pcb, udp_recv_fn recv, void *recv_arg);
err_t udp_sendto_if(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                    struct netif *netif);
err_t udp_sendto_if_src(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                        struct netif *netif, const ip_addr_t *src_ip);
#if TUN2SOCKS
/* Sends from src_ip:src_port (a reply that seems to come from the original
 * destination).  A different prototype needs a different symbol. */
err_t udp_sendto(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                 const ip_addr_t *src_ip, u16_t src_port) __asm__("tern_t2s_udp_sendto");
#else
err_t udp_sendto(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port);
#endif
err_t udp_send(struct udp_pcb *pcb, struct pbuf *p);

#define udp_flags(pcb) ((pcb)->flags)
#define udp_setflags(pcb, f) ((pcb)->flags = (f))
#define udp_set_flags(pcb, set_flags) do { (pcb)->flags = (u8_t)((pcb)->flags | (set_flags)); } while (0)
#define udp_clear_flags(pcb, clr_flags) do { (pcb)->flags = (u8_t)((pcb)->flags & (u8_t)(~(clr_flags) & 0xff)); } while (0)
#define udp_is_flag_set(pcb, flag) (((pcb)->flags & (flag)) != 0)

void udp_init(void);

#ifdef __cplusplus
}
#endif

#endif
