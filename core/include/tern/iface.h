/* tern/iface.h: network interfaces carrying IP packets.
 *
 * An interface is where packets enter (tern_iface_input) and leave (its
 * output callback).  There is no link layer: TUN devices, the loopback and
 * the lwIP compatibility layer all exchange whole IP packets. */
#ifndef TERN_IFACE_H
#define TERN_IFACE_H

#include <stdbool.h>
#include <stdint.h>
#include "tern/err.h"
#include "tern/export.h"

#include "tern/addr.h"
#include "tern/pbuf.h"
#include "tern/stack.h"

typedef struct tern_iface tern_iface;

/* Sends one IP packet.  The callee must not free or keep `pkt` past the call
 * (take a reference to keep it); `next_hop` is the destination or gateway.
 * Returns TERN_OK or a TERN_ERR_* code (tern/err.h). */
typedef tern_err (*tern_iface_output_fn)(tern_iface *ifc, tern_pbuf *pkt, const tern_addr *next_hop, void *user);

#define TERN_IFACE_MAX_IPV6 6
#define TERN_IFACE_IPV6_INVALID 0u
#define TERN_IFACE_IPV6_TENTATIVE 8u
#define TERN_IFACE_IPV6_PREFERRED 0x30u
#define TERN_IFACE_IPV6_DEPRECATED 0x10u

TERN_API tern_iface *tern_iface_add(tern_stack *s, tern_iface_output_fn output, void *user);
/* Detaches and frees the interface; sockets bound to it are unbound. */
TERN_API void tern_iface_remove(tern_iface *ifc);
TERN_API void *tern_iface_user(const tern_iface *ifc);
TERN_API uint8_t tern_iface_index(const tern_iface *ifc); /* 1-based, stable */
TERN_API tern_iface *tern_iface_by_index(tern_stack *s, uint8_t index);

TERN_API void tern_iface_set_up(tern_iface *ifc, bool up);
TERN_API bool tern_iface_is_up(const tern_iface *ifc);
TERN_API void tern_iface_set_mtu(tern_iface *ifc, uint16_t mtu);
TERN_API uint16_t tern_iface_mtu(const tern_iface *ifc);
TERN_API void tern_iface_set_ipv4(tern_iface *ifc, uint32_t addr_be, uint32_t mask_be, uint32_t gw_be);
TERN_API void tern_iface_set_ipv6(tern_iface *ifc, int slot, const uint8_t addr[16], uint8_t state);
/* Catch-all: every destination address counts as local to this interface
 * (tun2socks-style stacks that terminate all traffic). */
TERN_API void tern_iface_set_catch_all(tern_iface *ifc, bool on);
/* The device verified (or produced) the checksums of what it delivers, as
 * a TUN fed by the local kernel does: skip verifying IPv4 header and
 * TCP/UDP/ICMP checksums of packets arriving here (lwIP's CHECKSUM_CHECK_*
 * set to 0). */
TERN_API void tern_iface_set_rx_csum_trusted(tern_iface *ifc, bool on);

/* Multicast group membership: datagrams sent to a joined group (IPv4
 * 224.0.0.0/4, IPv6 ff00::/8) are accepted on this interface and reach
 * UDP sockets bound to the group or to the any-address on that port.
 * 224.0.0.1 and ff02::1 (all hosts, RFC 1112 section 4, RFC 4291 2.7.1)
 * are always accepted.  Join returns TERN_OK, TERN_ERR_VAL for a non-multicast
 * address, TERN_ERR_MEM past TERN_IFACE_MAX_GROUPS; joining twice is one
 * membership (callers count their own joins).  Leave returns TERN_OK or
 * TERN_ERR_VAL when not a member.  No IGMP/MLD messages are sent: the
 * interfaces are point-to-point IP devices. */
#define TERN_IFACE_MAX_GROUPS 32
TERN_API tern_err tern_iface_join_group(tern_iface *ifc, const tern_addr *group);
TERN_API tern_err tern_iface_leave_group(tern_iface *ifc, const tern_addr *group);

/* TCP segmentation offload.  With max_bytes > 0 the device promises to cut
 * TCP packets longer than the MTU into segments itself (a TUN with a
 * virtio-net header, a NIC with TSO): TCP then hands it up to max_bytes of
 * consecutive full segments as one packet (at most 65535 bytes of IP
 * packet).  Inside the output callback, tern_iface_tx_gso_size() tells such
 * a packet apart: it returns the payload bytes per segment, and the TCP
 * checksum field then holds only the pseudo-header sum (over the whole
 * packet's TCP length, not complemented), for the device to complete per
 * segment; for every other packet it returns 0.  The packet refers to the
 * send queue's memory: the callback must be done with it when it returns
 * (write it, or copy it).  0 turns the offload off (the default). */
TERN_API void tern_iface_set_tso(tern_iface *ifc, uint32_t max_bytes);
TERN_API uint16_t tern_iface_tx_gso_size(const tern_iface *ifc);
/* A loopback interface may receive packets from the stack's own addresses;
 * any other drops them as spoofed (LAND attacks, RFC 1812 5.3.7). */
TERN_API void tern_iface_set_loopback(tern_iface *ifc, bool on);
/* The interface outgoing packets use when no address matches. */
TERN_API void tern_stack_set_default_iface(tern_stack *s, tern_iface *ifc);

/* The interface a packet to dst leaves through (NULL: no route). */
TERN_API tern_iface *tern_stack_route(tern_stack *s, const tern_addr *dst);
/* The source address the stack would use towards dst through ifc. */
TERN_API bool tern_iface_source_for(const tern_iface *ifc, const tern_addr *dst, tern_addr *src);

/* Hands one received IP packet to the stack, which takes ownership of it.
 * The packet's bytes need not have slack: nothing past tot_len is read. */
TERN_API void tern_iface_input(tern_iface *ifc, tern_pbuf *pkt);

/* Information about the packet being delivered, valid only inside a receive
 * callback (lwIP's ip_current_* accessors). */
typedef struct tern_ip_current {
    tern_iface *iface;
    tern_addr src, dst;
    const uint8_t *header;  /* the IP header (contiguous) */
    uint16_t header_len;    /* IPv4 IHL or IPv6 40 + extension headers */
} tern_ip_current;

TERN_API const tern_ip_current *tern_ip_current_get(const tern_stack *s);

#endif
