/* socket/tcp_ack.h: segments without payload built directly (tcp_ack.c):
 * the pure ACK, the bare FIN, the SYN and SYN-ACK.  Internal to the core. */
#ifndef TERN_SOCKET_TCP_ACK_H
#define TERN_SOCKET_TCP_ACK_H

#include <stdint.h>

#include "socket/tcp_impl.h"

/* Sends a segment of t with no payload (seq, RCV.NXT, flags: ACK, with FIN
 * or not; the window field given; the timestamp option when negotiated)
 * through ifc.  The bytes on the wire are those of the general path
 * (base_repr, tern__tcp_emit, transmit in tcp_output.c); the caller has
 * already moved RCV.ADV with the window it passes and checked that no
 * SACK block is owed. */
int tern__tcp_send_plain(tern_tcp *t, tern_iface *ifc, uint32_t seq, uint8_t flags, uint16_t window);

/* Sends t's SYN without payload (flags: SYN, with ACK or not; seq its
 * sequence number; the window field given; mss the MSS option's value)
 * through ifc, with the options tern__tcp_emit would write for it: the
 * same bytes as base_repr + transmit (tcp_output.c). */
int tern__tcp_send_syn_plain(tern_tcp *t, tern_iface *ifc, uint32_t seq, uint8_t flags, uint16_t window, uint16_t mss);

/* Whether a segment of t of seg_len bytes (TCP header included) may leave
 * with its IPv4 header written by tern__tcp_output_v4: from a bound IPv4
 * address, within the MTU (anything else takes tern__ip_output). */
static inline bool tern__tcp_direct_v4(const tern_tcp *t, const tern_iface *ifc, uint32_t seg_len)
{
    return t->local.type == TERN_ADDR_V4 && t->local.u.v4 != 0 &&
           (!ifc->mtu || TERN_IPV4_HLEN + seg_len <= ifc->mtu);
}

/* Writes the IPv4 header (the bytes tern__ip_output writes) in the 20
 * bytes at p->payload, in front of seg_len bytes of segment, and hands p
 * to ifc. */
static inline int tern__tcp_output_v4(tern_tcp *t, tern_iface *ifc, tern_pbuf *p, uint32_t seg_len)
{
    tern_stack *s = t->cls->stack;
    tern__ip_write_v4_header(p->payload, t->local.u.v4, t->remote.u.v4, TERN_PROTO_TCP, t->ttl, t->tos,
                             (uint16_t)(TERN_IPV4_HLEN + seg_len), s->ip_id++, 0);
    return tern__ip_output_built(s, p, &t->remote, ifc);
}

#endif
