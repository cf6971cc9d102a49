/* lwip/memp.h: lwIP 2.1's memory pools API on tern.
 *
 * The pool names are lwIP's (memp_std.h), in lwIP's order, all of them
 * whatever the program's options: the values cross into libtern, which is
 * built once, so they cannot depend on lwipopts.h.
 *
 * What the pools hold on tern:
 * - MEMP_TCP_PCB, MEMP_TCP_PCB_LISTEN, MEMP_UDP_PCB: pcbs come from tern's
 *   type-stable pools (see lwip/tcp.h).  memp_free of such a pcb frees it
 *   the way lwIP's memp_free would, for the use lwIP programs make of it
 *   (go-tun2socks frees a pcb whose tcp_bind failed): its socket is closed
 *   without callbacks and the pcb joins the pool's free queue.  memp_free of
 *   a pcb that is already free does nothing.  memp_malloc(MEMP_TCP_PCB) and
 *   memp_malloc(MEMP_UDP_PCB) return a new pcb, as tcp_new()/udp_new() do
 *   (lwIP's would be uninitialised memory); MEMP_TCP_PCB_LISTEN gives NULL:
 *   only tcp_listen makes listening pcbs.
 * - Every other type: a zeroed block of at least lwIP's element size for
 *   the type (an application's own use of a pool), given back by
 *   memp_free with the same type.  The protocol's internal objects
 *   (segments, pbufs, timeouts) are not in these pools on tern. */
#ifndef LWIP_HDR_MEMP_H
#define LWIP_HDR_MEMP_H

#include "lwip/opt.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    MEMP_RAW_PCB,
    MEMP_UDP_PCB,
    MEMP_TCP_PCB,
    MEMP_TCP_PCB_LISTEN,
    MEMP_TCP_SEG,
    MEMP_ALTCP_PCB,
    MEMP_REASSDATA,
    MEMP_FRAG_PBUF,
    MEMP_NETBUF,
    MEMP_NETCONN,
    MEMP_TCPIP_MSG_API,
    MEMP_TCPIP_MSG_INPKT,
    MEMP_ARP_QUEUE,
    MEMP_IGMP_GROUP,
    MEMP_SYS_TIMEOUT,
    MEMP_NETDB,
    MEMP_LOCALHOSTLIST,
    MEMP_ND6_QUEUE,
    MEMP_IP6_REASSDATA,
    MEMP_MLD6_GROUP,
    MEMP_PBUF,
    MEMP_PBUF_POOL,
    MEMP_MAX
} memp_t;

/* Nothing to do on tern (lwip_init sets the pools up); kept for programs
 * that call it. */
TERN_API void memp_init(void);
/* NULL for an unknown type or when memory runs out. */
TERN_API void *memp_malloc(memp_t type);
/* mem NULL, or a block allocated as another type, does nothing (lwIP
 * asserts); either TCP type frees any TCP pcb. */
TERN_API void memp_free(memp_t type, void *mem);

#ifdef __cplusplus
}
#endif

#endif
