/* lwip/prot/dns.h: DNS message header and numbers (RFC 1035 section 4.1,
 * RFC 6762 for multicast DNS). */
#ifndef LWIP_HDR_PROT_DNS_H
#define LWIP_HDR_PROT_DNS_H

#include "lwip/arch.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef DNS_SERVER_PORT
#define DNS_SERVER_PORT 53
#endif

#define DNS_RRTYPE_A 1
#define DNS_RRTYPE_NS 2
#define DNS_RRTYPE_MD 3
#define DNS_RRTYPE_MF 4
#define DNS_RRTYPE_CNAME 5
#define DNS_RRTYPE_SOA 6
#define DNS_RRTYPE_MB 7
#define DNS_RRTYPE_MG 8
#define DNS_RRTYPE_MR 9
#define DNS_RRTYPE_NULL 10
#define DNS_RRTYPE_WKS 11
#define DNS_RRTYPE_PTR 12
#define DNS_RRTYPE_HINFO 13
#define DNS_RRTYPE_MINFO 14
#define DNS_RRTYPE_MX 15
#define DNS_RRTYPE_TXT 16
#define DNS_RRTYPE_AAAA 28
#define DNS_RRTYPE_SRV 33
#define DNS_RRTYPE_ANY 255

#define DNS_RRCLASS_IN 1
#define DNS_RRCLASS_CS 2
#define DNS_RRCLASS_CH 3
#define DNS_RRCLASS_HS 4
#define DNS_RRCLASS_ANY 255
#define DNS_RRCLASS_FLUSH 0x800 /* mDNS cache-flush bit (RFC 6762 10.2) */

#define DNS_FLAG1_RESPONSE 0x80
#define DNS_FLAG1_OPCODE_STATUS 0x10
#define DNS_FLAG1_OPCODE_INVERSE 0x08
#define DNS_FLAG1_OPCODE_STANDARD 0x00
#define DNS_FLAG1_AUTHORATIVE 0x04
#define DNS_FLAG1_TRUNC 0x02
#define DNS_FLAG1_RD 0x01
#define DNS_FLAG2_RA 0x80
#define DNS_FLAG2_ERR_MASK 0x0f
#define DNS_FLAG2_ERR_NONE 0x00
#define DNS_FLAG2_ERR_NAME 0x03

#define DNS_HDR_GET_OPCODE(hdr) ((((hdr)->flags1) >> 3) & 0xF)

PACK_STRUCT_BEGIN
struct dns_hdr {
    PACK_STRUCT_FIELD(u16_t id);
    PACK_STRUCT_FLD_8(u8_t flags1);
    PACK_STRUCT_FLD_8(u8_t flags2);
    PACK_STRUCT_FIELD(u16_t numquestions);
    PACK_STRUCT_FIELD(u16_t numanswers);
    PACK_STRUCT_FIELD(u16_t numauthrr);
    PACK_STRUCT_FIELD(u16_t numextrarr);
} PACK_STRUCT_STRUCT;
PACK_STRUCT_END
#define SIZEOF_DNS_HDR 12

#ifndef DNS_MQUERY_PORT
#define DNS_MQUERY_PORT 5353
#endif
#ifndef DNS_MQUERY_IPV4_GROUP_INIT
#define DNS_MQUERY_IPV4_GROUP_INIT IPADDR4_INIT_BYTES(224, 0, 0, 251)
#endif
#ifndef DNS_MQUERY_IPV6_GROUP_INIT
#define DNS_MQUERY_IPV6_GROUP_INIT IPADDR6_INIT_HOST(0xFF020000, 0, 0, 0xFB)
#endif

#ifdef __cplusplus
}
#endif

#endif
