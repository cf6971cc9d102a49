/* lwip/altcp_tls.h: TLS over altcp.  tern has no TLS layer: with
 * LWIP_ALTCP_TLS 0 (the default) this header declares nothing, as lwIP's
 * does; asking for it stops the build with a reason. */
#ifndef LWIP_HDR_ALTCP_TLS_H
#define LWIP_HDR_ALTCP_TLS_H

#include "lwip/opt.h"

#ifndef LWIP_ALTCP_TLS
#define LWIP_ALTCP_TLS 0
#endif

#if LWIP_ALTCP && LWIP_ALTCP_TLS
#error "tern: altcp TLS (LWIP_ALTCP_TLS) is not provided"
#endif

#endif
