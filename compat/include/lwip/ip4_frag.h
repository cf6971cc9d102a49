/* lwip/ip4_frag.h: IPv4 reassembly timer (lwIP 2.1 API on tern).
 *
 * tern reassembles (RFC 791 section 3.2, RFC 815) and fragments inside the
 * stack, with its own deadlines; ip_reass_tmr runs every due stack timer,
 * so a program that drives time itself (LWIP_TIMERS 0) sees incomplete
 * datagrams expire as with lwIP.  lwIP's internal ip4_reass/ip4_frag are
 * not part of the API. */
#ifndef LWIP_HDR_IP4_FRAG_H
#define LWIP_HDR_IP4_FRAG_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/pbuf.h"
#include "lwip/netif.h"
#include "lwip/ip_addr.h"
#include "lwip/ip.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IP_TMR_INTERVAL 1000

#define ip_reass_init()
TERN_API void ip_reass_tmr(void);

#ifdef __cplusplus
}
#endif

#endif
