/* lwip/altcp_tcp.h: the TCP layer of altcp.  With LWIP_ALTCP 0 its names
 * are tcp_* (lwip/altcp.h). */
#ifndef LWIP_HDR_ALTCP_TCP_H
#define LWIP_HDR_ALTCP_TCP_H

#include "lwip/opt.h"
#include "lwip/altcp.h"

#endif
