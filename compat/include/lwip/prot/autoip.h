/* lwip/prot/autoip.h: IPv4 link-local addressing constants (RFC 3927
 * section 9).  tern runs no AutoIP (see lwip/autoip.h). */
#ifndef LWIP_HDR_PROT_AUTOIP_H
#define LWIP_HDR_PROT_AUTOIP_H

#ifdef __cplusplus
extern "C" {
#endif

#define AUTOIP_NET 0xA9FE0000
#define AUTOIP_RANGE_START (AUTOIP_NET | 0x0100)
#define AUTOIP_RANGE_END (AUTOIP_NET | 0xFEFF)

#define PROBE_WAIT 1          /* seconds */
#define PROBE_MIN 1
#define PROBE_MAX 2
#define PROBE_NUM 3
#define ANNOUNCE_NUM 2
#define ANNOUNCE_INTERVAL 2
#define ANNOUNCE_WAIT 2
#define MAX_CONFLICTS 10
#define RATE_LIMIT_INTERVAL 60
#define DEFEND_INTERVAL 10

typedef enum {
    AUTOIP_STATE_OFF = 0,
    AUTOIP_STATE_PROBING = 1,
    AUTOIP_STATE_ANNOUNCING = 2,
    AUTOIP_STATE_BOUND = 3
} autoip_state_enum_t;

#ifdef __cplusplus
}
#endif

#endif
