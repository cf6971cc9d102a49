/* lwip/ip.h: IP input and the information about the packet being received
 * (lwIP 2.1 API on tern). */
#ifndef LWIP_HDR_IP_H
#define LWIP_HDR_IP_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/ip4.h"
#include "lwip/ip6.h"
#include "lwip/prot/ip.h"
#include "tern/export.h"
/* lwIP's tcp.h brings mem.h in; programs rely on it (lwiperf's mem_malloc). */
#include "lwip/mem.h"

#ifdef __cplusplus
extern "C" {
#endif


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

/* IP_PCB's members, for the layout lists of the pcbs (lwip/priv/tern_opts.h). */
#define TERN_LAYOUT_IP_PCB(X, T)                                                                           \
    X(T, local_ip, "") X(T, remote_ip, "") X(T, netif_idx, "") X(T, so_options, "") X(T, tos, "") X(T, ttl, "")

#define ip_get_option(pcb, opt) ((pcb)->so_options & (opt))
#define ip_set_option(pcb, opt) ((pcb)->so_options = (u8_t)((pcb)->so_options | (opt)))
#define ip_reset_option(pcb, opt) ((pcb)->so_options = (u8_t)((pcb)->so_options & ~(opt)))

/* Hands a received IP packet (v4 or v6) to the stack, which owns it from
 * then on; always returns ERR_OK, as lwIP's does. */
TERN_API err_t ip_input(struct pbuf *p, struct netif *inp);
#if LWIP_IPV4
TERN_API err_t ip4_input(struct pbuf *p, struct netif *inp);
#endif
#if LWIP_IPV6
TERN_API err_t ip6_input(struct pbuf *p, struct netif *inp);
#endif

/* lwIP's routing helpers: the netif towards dest, and the address of
 * netif a packet to dest would come from (NULL when none). */
#define ip_route(src, dest) \
    (IP_IS_V6(dest) ? ip6_route(ip_2_ip6(src), ip_2_ip6(dest)) : ip4_route_src(ip_2_ip4(src), ip_2_ip4(dest)))
#define ip_netif_get_local_ip(netif, dest) \
    (IP_IS_V6(dest) ? ip6_select_source_address(netif, ip_2_ip6(dest)) : netif_ip_addr4(netif))
#define ip_route_get_local_ip(src, dest, netif, ipaddr)                                                    \
    do {                                                                                                   \
        (netif) = ip_route(src, dest);                                                                     \
        (ipaddr) = (netif) ? ip_netif_get_local_ip(netif, dest) : NULL;                                    \
    } while (0)

/* Valid only inside a receive callback. */
TERN_API struct netif *ip_current_netif(void);
TERN_API struct netif *ip_current_input_netif(void);
TERN_API const ip_addr_t *ip_current_src_addr(void);
TERN_API const ip_addr_t *ip_current_dest_addr(void);
TERN_API u16_t ip_current_header_tot_len(void);
TERN_API int ip_current_is_v6(void);
TERN_API const void *tern_ip_current_header(void);
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
