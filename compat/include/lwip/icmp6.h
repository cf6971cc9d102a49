/* lwip/icmp6.h: ICMPv6 names (lwIP 2.1 API).  tern answers echo requests
 * and sends ICMPv6 errors itself; the icmp6_* senders are internal. */
#ifndef LWIP_HDR_ICMP6_H
#define LWIP_HDR_ICMP6_H

#include "lwip/opt.h"
#include "lwip/pbuf.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip/prot/icmp6.h"

#endif
