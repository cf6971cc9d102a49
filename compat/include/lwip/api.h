/* lwip/api.h: part of lwIP's sequential (thread-based) API, which tern
 * does not provide: tern's API is lwIP's raw, callback API in the
 * caller's thread.  With LWIP_SOCKET and LWIP_NETCONN 0 (what raw-API
 * programs set, and lwIP's apps that include this header expect) it
 * declares nothing, as lwIP's does. */
#ifndef LWIP_HDR_TERN_SEQ_API_H
#define LWIP_HDR_TERN_SEQ_API_H

#include "lwip/opt.h"

#if LWIP_SOCKET || LWIP_NETCONN
#error "tern provides lwIP's raw API only: set LWIP_SOCKET 0 and LWIP_NETCONN 0 (lwip/api.h)"
#endif

#endif
