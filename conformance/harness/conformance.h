/* conformance.h: everything a scenario file includes.
 *
 * Scenarios use only the lwIP 2.1 raw API (public functions, macros and
 * struct fields) plus this harness; see README.md for how to add one. */
#ifndef CONF_CONFORMANCE_H
#define CONF_CONFORMANCE_H

#include <stdint.h>
#include <string.h>

#include "lwip/def.h"
#include "lwip/err.h"
#include "lwip/icmp.h"
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "expect.h"
#include "scenario.h"
#include "stack.h"
#include "trace.h"
#include "pkt.h"

#endif
