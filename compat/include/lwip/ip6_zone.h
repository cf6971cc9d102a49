/* lwip/ip6_zone.h: IPv6 zones.  tern defines them in lwip/ip6_addr.h; this
 * header exists for programs that include it by name. */
#ifndef LWIP_HDR_IP6_ZONE_H
#define LWIP_HDR_IP6_ZONE_H

#include "lwip/ip6_addr.h"

#endif /* LWIP_HDR_IP6_ZONE_H */
