/* lwip/altcp_tcp.h: the TCP layer of altcp.  With LWIP_ALTCP 0 its names
 * are tcp_* (lwip/altcp.h); with LWIP_ALTCP 1 it wraps a tcp_pcb. */
#ifndef LWIP_HDR_ALTCP_TCP_H
#define LWIP_HDR_ALTCP_TCP_H

#include "lwip/opt.h"
#include "lwip/altcp.h"

#if LWIP_ALTCP

#include "lwip/tcp.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

TERN_API struct altcp_pcb *altcp_tcp_new_ip_type(u8_t ip_type);
#define altcp_tcp_new() altcp_tcp_new_ip_type(IPADDR_TYPE_V4)
#define altcp_tcp_new_ip6() altcp_tcp_new_ip_type(IPADDR_TYPE_V6)
/* An altcp_new_fn for altcp_allocator_t (arg unused). */
TERN_API struct altcp_pcb *altcp_tcp_alloc(void *arg, u8_t ip_type);
/* Wraps an existing tcp_pcb, taking over its callbacks and arg. */
TERN_API struct altcp_pcb *altcp_tcp_wrap(struct tcp_pcb *tpcb);

#ifdef __cplusplus
}
#endif

#endif

#endif
