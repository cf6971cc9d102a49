/* lwip/inet.h: lwIP's BSD-style address types exist for its socket API,
 * which tern does not provide (lwip/sockets.h).  Programs get struct
 * in_addr and friends from the C library's <netinet/in.h>, included here. */
#ifndef LWIP_HDR_INET_H
#define LWIP_HDR_INET_H

#include <arpa/inet.h>
#include <netinet/in.h>

#include "lwip/opt.h"
#include "lwip/def.h"
#include "lwip/ip_addr.h"

#endif
