/* iface/ip.h: the IP layer's internal interface (input demux, output,
 * routing, reassembly, ICMP). */
#ifndef TERN_IFACE_IP_H
#define TERN_IFACE_IP_H

#include <stdbool.h>
#include <stdint.h>

#include "stack/stack_impl.h"
#include "tern/addr.h"
#include "tern/iface.h"
#include "tern/pbuf.h"

#define TERN_PROTO_ICMP 1u
#define TERN_PROTO_TCP 6u
#define TERN_PROTO_UDP 17u
#define TERN_PROTO_ICMP6 58u

/* Room the stack reserves in front of transport payloads it allocates:
 * IPv6 header, largest TCP header, and a link header for devices that
 * want one (virtio-net headers, Ethernet). */
#define TERN_HEADROOM 128u

struct tern_iface {
    tern_stack *stack;
    struct tern_iface *next;
    tern_iface_output_fn output;
    void *user;
    uint8_t index;
    bool up;
    bool catch_all;
    bool rx_csum_trusted;
    bool loopback;
    uint16_t mtu;
    uint32_t tso_max;     /* 0: no segmentation offload */
    uint16_t tx_gso_size; /* of the packet being output (0: not offloaded) */
    uint32_t v4_addr, v4_mask, v4_gw; /* network byte order */
    uint8_t v6_addr[TERN_IFACE_MAX_IPV6][16];
    uint8_t v6_state[TERN_IFACE_MAX_IPV6];
    /* Multicast groups joined (iface/groups.c). */
    uint8_t n_groups;
    tern_addr groups[TERN_IFACE_MAX_GROUPS];
};

/* Has the interface joined multicast group dst? */
bool tern__iface_in_group(const tern_iface *ifc, const tern_addr *dst);

/* Where a received datagram came from and went to; `p` handed to the
 * transport has its payload at the transport header. */
typedef struct tern_ip_meta {
    tern_iface *iface;
    tern_addr src, dst;
    uint8_t proto;
    uint16_t ip_hlen; /* bytes of IP header (with IPv6 extension headers) removed from p */
    bool dst_is_broadcast; /* IPv4 broadcast or any multicast: no ICMP errors */
    bool csum_trusted;     /* the device vouches for transport checksums */
} tern_ip_meta;

/* Is `dst` one of ours (on any interface, or any address on a catch-all)? */
bool tern__ip_is_local(tern_stack *s, tern_iface *in, const tern_addr *dst, bool *broadcast);
/* Is a one of the addresses configured on the stack's interfaces? */
bool tern__ip_is_own_address(tern_stack *s, const tern_addr *a);
/* Picks the outgoing interface for dst (NULL: no route). */
tern_iface *tern__ip_route(tern_stack *s, const tern_addr *dst);
/* Source address to use towards dst through ifc (false: none usable). */
bool tern__ip_select_source(const tern_iface *ifc, const tern_addr *dst, tern_addr *src);

/* Prepends an IP header to `p` (whose payload starts at the transport
 * header) and sends it through `ifc` (routing when NULL).  p is not freed
 * and its payload pointer is restored before returning. */
int tern__ip_output(tern_stack *s, tern_pbuf *p, const tern_addr *src, const tern_addr *dst,
                   uint8_t proto, uint8_t ttl, uint8_t tos, tern_iface *ifc);

/* Writes an IPv4 header without options at b (ip_output.c). */
void tern__ip_write_v4_header(uint8_t *b, uint32_t src_be, uint32_t dst_be, uint8_t proto, uint8_t ttl, uint8_t tos,
                              uint16_t tot_len, uint16_t id, uint16_t frag_field);
/* The small-packet fast path (a pure ACK): the caller wrote the whole
 * IPv4 header at p->payload with tern__ip_write_v4_header (src and dst
 * concrete, the packet no larger than the MTU) and sends it through ifc.
 * p is not freed. */
int tern__ip_output_built(tern_stack *s, tern_pbuf *p, const tern_addr *dst, tern_iface *ifc);

/* Transport entry points: each takes ownership of p. */
void tern__icmp4_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m);
void tern__icmp6_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m);
void tern__udp_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m);
void tern__tcp_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m);
void tern__tcp_stack_teardown(tern_stack *s);

/* ICMP errors about a received packet `orig` whose payload is at its IP
 * header.  Never sent about ICMP errors, broadcasts or non-first fragments. */
void tern__icmp4_send_error(tern_stack *s, tern_pbuf *orig, tern_iface *in, uint8_t type, uint8_t code);
void tern__icmp6_send_error(tern_stack *s, tern_pbuf *orig, tern_iface *in, uint8_t type, uint8_t code,
                           uint32_t pointer);

/* Reassembly of IPv4 and IPv6 fragments. */
int tern__reass_init(tern_stack *s);
void tern__reass_teardown(tern_stack *s);
/* Takes a fragment whose payload starts at its IP header (hlen bytes of
 * headers before the fragmentable part) and returns the whole datagram,
 * with a rebuilt IP header, once complete; NULL otherwise (p is consumed). */
tern_pbuf *tern__reass_ipv4(tern_stack *s, tern_pbuf *p, uint16_t hlen);
/* For IPv6: `ext` is the extension-header walk of p, which stopped at the
 * Fragment header. */
struct tern_ipv6_ext;
tern_pbuf *tern__reass_ipv6(tern_stack *s, tern_pbuf *p, const struct tern_ipv6_ext *ext);

/* The internet checksum over p as transport segment with a pseudo header. */
uint16_t tern__ip_transport_csum(const tern_pbuf *p, uint8_t proto, const tern_addr *src, const tern_addr *dst);

#endif
