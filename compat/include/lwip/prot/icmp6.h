/* lwip/prot/icmp6.h: ICMPv6 types, codes and headers (RFC 4443, RFC 4861,
 * RFC 2710). */
#ifndef LWIP_HDR_PROT_ICMP6_H
#define LWIP_HDR_PROT_ICMP6_H

#include "lwip/arch.h"

#ifdef __cplusplus
extern "C" {
#endif

enum icmp6_type {
    ICMP6_TYPE_DUR = 1,     /* destination unreachable */
    ICMP6_TYPE_PTB = 2,     /* packet too big */
    ICMP6_TYPE_TE = 3,      /* time exceeded */
    ICMP6_TYPE_PP = 4,      /* parameter problem */
    ICMP6_TYPE_PE1 = 100,   /* private experimentation */
    ICMP6_TYPE_PE2 = 101,
    ICMP6_TYPE_RSV_ERR = 127,
    ICMP6_TYPE_EREQ = 128,  /* echo request */
    ICMP6_TYPE_EREP = 129,  /* echo reply */
    ICMP6_TYPE_MLQ = 130,   /* multicast listener query */
    ICMP6_TYPE_MLR = 131,   /* multicast listener report */
    ICMP6_TYPE_MLD = 132,   /* multicast listener done */
    ICMP6_TYPE_RS = 133,    /* router solicitation */
    ICMP6_TYPE_RA = 134,    /* router advertisement */
    ICMP6_TYPE_NS = 135,    /* neighbor solicitation */
    ICMP6_TYPE_NA = 136,    /* neighbor advertisement */
    ICMP6_TYPE_RD = 137,    /* redirect */
    ICMP6_TYPE_MRA = 151,
    ICMP6_TYPE_MRS = 152,
    ICMP6_TYPE_MRT = 153,
    ICMP6_TYPE_PE3 = 200,
    ICMP6_TYPE_PE4 = 201,
    ICMP6_TYPE_RSV_INF = 255
};

enum icmp6_dur_code {
    ICMP6_DUR_NO_ROUTE = 0,
    ICMP6_DUR_PROHIBITED = 1,
    ICMP6_DUR_SCOPE = 2,
    ICMP6_DUR_ADDRESS = 3,
    ICMP6_DUR_PORT = 4,
    ICMP6_DUR_POLICY = 5,
    ICMP6_DUR_REJECT_ROUTE = 6
};

enum icmp6_te_code { ICMP6_TE_HL = 0, ICMP6_TE_FRAG = 1 };

enum icmp6_pp_code { ICMP6_PP_FIELD = 0, ICMP6_PP_HEADER = 1, ICMP6_PP_OPTION = 2 };

PACK_STRUCT_BEGIN
struct icmp6_hdr {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t code);
    PACK_STRUCT_FIELD(u16_t chksum);
    PACK_STRUCT_FIELD(u32_t data);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#define ICMP6_HLEN 8

PACK_STRUCT_BEGIN
struct icmp6_echo_hdr {
    PACK_STRUCT_FLD_8(u8_t type);
    PACK_STRUCT_FLD_8(u8_t code);
    PACK_STRUCT_FIELD(u16_t chksum);
    PACK_STRUCT_FIELD(u16_t id);
    PACK_STRUCT_FIELD(u16_t seqno);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END

#ifdef __cplusplus
}
#endif

#endif
