/* lwip/stats.h: lwIP's statistics macros.
 *
 * tern counts in its own structure (tern_stack_stats(), tern/stack.h);
 * lwIP's per-protocol counters are not kept, so every STATS_* and
 * MIB2_STATS_* macro compiles to nothing whatever LWIP_STATS says, and
 * stats_display() prints tern's counters. */
#ifndef LWIP_HDR_STATS_H
#define LWIP_HDR_STATS_H

#include "lwip/opt.h"
#include "lwip/mem.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STATS_INC(x)
#define STATS_DEC(x)
#define STATS_INC_USED(x, y, type)
#define STATS_GET(x) 0

#define TCP_STATS_INC(x)
#define TCP_STATS_DISPLAY()
#define UDP_STATS_INC(x)
#define UDP_STATS_DISPLAY()
#define ICMP_STATS_INC(x)
#define ICMP_STATS_DISPLAY()
#define IGMP_STATS_INC(x)
#define IGMP_STATS_DISPLAY()
#define IP_STATS_INC(x)
#define IP_STATS_DISPLAY()
#define IPFRAG_STATS_INC(x)
#define IPFRAG_STATS_DISPLAY()
#define ETHARP_STATS_INC(x)
#define ETHARP_STATS_DISPLAY()
#define LINK_STATS_INC(x)
#define LINK_STATS_DISPLAY()
#define MEM_STATS_AVAIL(x, y)
#define MEM_STATS_INC(x)
#define MEM_STATS_INC_USED(x, y)
#define MEM_STATS_DEC_USED(x, y)
#define MEM_STATS_DISPLAY()
#define MEMP_STATS_DEC(x, i)
#define MEMP_STATS_DISPLAY(i)
#define MEMP_STATS_GET(x, i) 0
#define SYS_STATS_INC(x)
#define SYS_STATS_DEC(x)
#define SYS_STATS_INC_USED(x)
#define SYS_STATS_DISPLAY()
#define IP6_STATS_INC(x)
#define IP6_STATS_DISPLAY()
#define ICMP6_STATS_INC(x)
#define ICMP6_STATS_DISPLAY()
#define IP6_FRAG_STATS_INC(x)
#define IP6_FRAG_STATS_DISPLAY()
#define MLD6_STATS_INC(x)
#define MLD6_STATS_DISPLAY()
#define ND6_STATS_INC(x)
#define ND6_STATS_DISPLAY()
#define MIB2_STATS_INC(x)

#define stats_init()
/* Prints tern's stack counters to stdout. */
TERN_API void stats_display(void);

#ifdef __cplusplus
}
#endif

#endif
