/* lwip/ip.h: IP input and the information about the packet being received
 * (lwIP 2.1 API on tern). */
#ifndef LWIP_HDR_IP_H
#define LWIP_HDR_IP_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IP_PROTO_ICMP 1
#define IP_PROTO_IGMP 2
#define IP_PROTO_UDP 17
#define IP_PROTO_UDPLITE 136
#define IP_PROTO_TCP 6
#define IP6_NEXTH_ICMP6 58

#define SOF_REUSEADDR 0x04U
#define SOF_KEEPALIVE 0x08U
#define SOF_BROADCAST 0x20U
#define SOF_INHERITED (SOF_REUSEADDR | SOF_KEEPALIVE)

/* Fields every protocol control block starts with. */
#define IP_PCB                                                                                             \
    ip_addr_t local_ip;                                                                                    \
    ip_addr_t remote_ip;                                                                                   \
    u8_t netif_idx;                                                                                        \
    u8_t so_options;                                                                                       \
    u8_t tos;                                                                                              \
    u8_t ttl

struct ip_pcb {
    IP_PCB;
};

#define ip_get_option(pcb, opt) ((pcb)->so_options & (opt))
#define ip_set_option(pcb, opt) ((pcb)->so_options = (u8_t)((pcb)->so_options | (opt)))
#define ip_reset_option(pcb, opt) ((pcb)->so_options = (u8_t)((pcb)->so_options & ~(opt)))

/* Hands a received IP packet (v4 or v6) to the stack, which owns it from
 * then on; always returns ERR_OK, as lwIP's does. */
err_t ip_input(struct pbuf *p, struct netif *inp);
#if LWIP_IPV4
err_t ip4_input(struct pbuf *p, struct netif *inp);
#endif
#if LWIP_IPV6
err_t ip6_input(struct pbuf *p, struct netif *inp);
#endif

/* Valid only inside a receive callback. */
struct netif *ip_current_netif(void);
struct netif *ip_current_input_netif(void);
const ip_addr_t *ip_current_src_addr(void);
const ip_addr_t *ip_current_dest_addr(void);
u16_t ip_current_header_tot_len(void);
int ip_current_is_v6(void);
const void *tern_ip_current_header(void);
#if LWIP_IPV4
#define ip4_current_header() ((const struct ip_hdr *)tern_ip_current_header())
#define ip4_current_src_addr() ip_2_ip4(ip_current_src_addr())
#define ip4_current_dest_addr() ip_2_ip4(ip_current_dest_addr())
#endif
#if LWIP_IPV6
#define ip6_current_header() ((const struct ip6_hdr *)tern_ip_current_header())
#define ip6_current_src_addr() ip_2_ip6(ip_current_src_addr())
#define ip6_current_dest_addr() ip_2_ip6(ip_current_dest_addr())
#endif

#ifdef __cplusplus
}
#endif

#endif
