/* lwip/prot/icmp.h: ICMP message types and the echo header (RFC 792). */
#ifndef LWIP_HDR_PROT_ICMP_H
#define LWIP_HDR_PROT_ICMP_H

#include "lwip/arch.h"

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

/* The echo header; multi-byte fields in network byte order. */
PACK_STRUCT_BEGIN
struct icmp_echo_hdr {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t code);
    PACK_STRUCT_FIELD(u16_t chksum);
    PACK_STRUCT_FIELD(u16_t id);
    PACK_STRUCT_FIELD(u16_t seqno);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ICMPH_TYPE(hdr) ((hdr)->type)
#define ICMPH_CODE(hdr) ((hdr)->code)
#define ICMPH_TYPE_SET(hdr, t) ((hdr)->type = (t))
#define ICMPH_CODE_SET(hdr, c) ((hdr)->code = (c))

#ifdef __cplusplus
}
#endif

#endif
