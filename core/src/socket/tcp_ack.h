/* socket/tcp_ack.h: the segment without payload, SYN or SACK blocks (a
 * pure ACK, a bare FIN), built directly (tcp_ack.c).  Internal to the
 * core. */
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

#endif
