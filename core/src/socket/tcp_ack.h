/* socket/tcp_ack.h: the pure ACK without SACK blocks, built directly
 * (tcp_ack.c).  Internal to the core. */
#ifndef TERN_SOCKET_TCP_ACK_H
#define TERN_SOCKET_TCP_ACK_H

#include <stdint.h>

#include "socket/tcp_impl.h"

/* Sends an ACK-only segment of t (seq, RCV.NXT, the window field given,
 * the timestamp option when negotiated) through ifc.  The bytes on the
 * wire are those of the general path (base_repr, tern__tcp_emit,
 * transmit in tcp_output.c); the caller has already moved RCV.ADV with the
 * window it passes and checked that no SACK block is owed. */
int tern__tcp_send_plain_ack(tern_tcp *t, tern_iface *ifc, uint32_t seq, uint16_t window);

#endif
