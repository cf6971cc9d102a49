/* lwip/icmp.h: ICMP message types and the echo header (lwIP 2.1 API).
 * tern answers echo requests and sends errors itself; these names serve
 * programs that build or inspect ICMP messages. */
#ifndef LWIP_HDR_ICMP_H
#define LWIP_HDR_ICMP_H

#include "lwip/opt.h"
#include "lwip/arch.h"
#include "lwip/pbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ICMP_ER 0    /* echo reply */
#define ICMP_DUR 3   /* destination unreachable */
#define ICMP_SQ 4    /* source quench */
#define ICMP_RD 5    /* redirect */
#define ICMP_ECHO 8  /* echo */
#define ICMP_TE 11   /* time exceeded */
#define ICMP_PP 12   /* parameter problem */
#define ICMP_TS 13   /* timestamp */
#define ICMP_TSR 14  /* timestamp reply */
#define ICMP_IRQ 15  /* information request */
#define ICMP_IR 16   /* information reply */
#define ICMP_AM 17   /* address mask request */
#define ICMP_AMR 18  /* address mask reply */

#define ICMP_DEST_UNREACH_DATASIZE 8

enum icmp_dur_type {
    ICMP_DUR_NET = 0,
    ICMP_DUR_HOST = 1,
    ICMP_DUR_PROTO = 2,
    ICMP_DUR_PORT = 3,
    ICMP_DUR_FRAG = 4,
    ICMP_DUR_SR = 5
};

enum icmp_te_type { ICMP_TE_TTL = 0, ICMP_TE_FRAG = 1 };

/* The echo header, as on the wire (network byte order fields). */
struct icmp_echo_hdr {
    u8_t type;
    u8_t code;
    u16_t chksum;
    u16_t id;
    u16_t seqno;
} __attribute__((packed));

#define ICMPH_TYPE(hdr) ((hdr)->type)
#define ICMPH_CODE(hdr) ((hdr)->code)
#define ICMPH_TYPE_SET(hdr, t) ((hdr)->type = (t))
#define ICMPH_CODE_SET(hdr, c) ((hdr)->code = (c))

#ifdef __cplusplus
}
#endif

#endif
