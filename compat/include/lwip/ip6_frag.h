/* lwip/ip6_frag.h: IPv6 reassembly timer (lwIP 2.1 API on tern).  As
 * lwip/ip4_frag.h: tern reassembles (RFC 8200 section 4.5) inside the
 * stack and ip6_reass_tmr runs its due timers. */
#ifndef LWIP_HDR_IP6_FRAG_H
#define LWIP_HDR_IP6_FRAG_H

#include "lwip/opt.h"
#include "lwip/pbuf.h"
#include "lwip/ip6_addr.h"
#include "lwip/ip6.h"
#include "lwip/netif.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IP6_REASS_TMR_INTERVAL 1000

#define ip6_reass_init()
TERN_API void ip6_reass_tmr(void);

#ifdef __cplusplus
}
#endif

#endif
