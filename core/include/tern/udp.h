/* tern/udp.h: UDP sockets. */
#ifndef TERN_UDP_H
#define TERN_UDP_H

#include <stdbool.h>
#include <stdint.h>
#include "tern/err.h"
#include "tern/export.h"

#include "tern/addr.h"
#include "tern/iface.h"
#include "tern/pbuf.h"
#include "tern/stack.h"

typedef struct tern_udp tern_udp;

/* Receives one datagram; the callback owns `p` (payload only) and frees it. */
typedef void (*tern_udp_recv_fn)(void *arg, tern_udp *u, tern_pbuf *p,
                                 const tern_addr *src, uint16_t src_port,
                                 const tern_addr *dst, uint16_t dst_port);

#define TERN_UDP_NOCHKSUM 0x01u  /* send IPv4 datagrams without checksum */
#define TERN_UDP_CONNECTED 0x04u

/* type: TERN_ADDR_V4, TERN_ADDR_V6 or TERN_ADDR_ANY (dual stack). */
TERN_API tern_udp *tern_udp_new(tern_stack *s, uint8_t type);
TERN_API void tern_udp_free(tern_udp *u);
TERN_API void tern_udp_set_recv(tern_udp *u, tern_udp_recv_fn fn, void *arg);
/* TERN_ERR_USE: port in use; TERN_ERR_VAL: wrong family; TERN_ERR_MEM: no
 * free port left. */
TERN_API tern_err tern_udp_bind(tern_udp *u, const tern_addr *addr, uint16_t port);
TERN_API void tern_udp_bind_iface(tern_udp *u, tern_iface *ifc);
TERN_API tern_err tern_udp_connect(tern_udp *u, const tern_addr *addr, uint16_t port);
TERN_API void tern_udp_disconnect(tern_udp *u);
/* Receives every datagram no other socket claims, whatever its destination
 * (tun2socks-style catch-all). */
TERN_API void tern_udp_set_catch_all(tern_udp *u, bool on);
/* SO_REUSEADDR: sockets that all allow reuse may share a port. */
TERN_API void tern_udp_set_reuse(tern_udp *u, bool on);
/* Send IPv4 datagrams with no checksum (IPv6 always has one). */
TERN_API void tern_udp_set_nochksum(tern_udp *u, bool on);
TERN_API void tern_udp_set_ttl_tos(tern_udp *u, uint8_t ttl, uint8_t tos);
/* Sends `p` (payload; the stack adds headers, p is not freed).  src may be
 * NULL (socket's or interface's address); ifc may be NULL (route).  A
 * nonzero src_port overrides the socket's port (catch-all replies). */
TERN_API tern_err tern_udp_send(tern_udp *u, tern_pbuf *p, const tern_addr *dst, uint16_t dst_port,
                  tern_iface *ifc, const tern_addr *src, uint16_t src_port);

/* Socket fields (read-only views). */
TERN_API const tern_addr *tern_udp_local_addr(const tern_udp *u);
TERN_API uint16_t tern_udp_local_port(const tern_udp *u);
TERN_API const tern_addr *tern_udp_remote_addr(const tern_udp *u);
TERN_API uint16_t tern_udp_remote_port(const tern_udp *u);
TERN_API uint8_t tern_udp_flags(const tern_udp *u);

#endif
