/* wire/wire.h: header views for IPv4, IPv6, ICMP, ICMPv6, UDP and TCP.
 *
 * Each protocol has a "repr": the decoded fields of one header.  parse()
 * validates a header held in `len` contiguous bytes and fills the repr; it
 * never reads past `len`, and returns TERN_WIRE_OK or the reason for a drop.
 * emit() writes a header from a repr into a buffer the caller sized with the
 * repr's header length.  No state and no allocation live here. */
#ifndef TERN_WIRE_H
#define TERN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum tern_wire_err {
    TERN_WIRE_OK = 0,
    TERN_WIRE_TRUNCATED,    /* fewer bytes than the header claims or needs */
    TERN_WIRE_BAD_VERSION,  /* IP version field wrong */
    TERN_WIRE_BAD_HLEN,     /* header length field below the minimum */
    TERN_WIRE_BAD_LENGTH,   /* a length field is inconsistent */
    TERN_WIRE_BAD_CHECKSUM, /* checksum does not verify */
    TERN_WIRE_BAD_OPTION,   /* malformed option or extension header */
    TERN_WIRE_UNSUPPORTED,  /* well-formed but not handled (e.g. unknown critical ext header) */
} tern_wire_err;

const char *tern__wire_strerror(tern_wire_err e);

/* ---- IPv4 (RFC 791) ---- */
#define TERN_IPV4_HLEN 20u
#define TERN_IPV4_FLAG_DF 0x4000u
#define TERN_IPV4_FLAG_MF 0x2000u
#define TERN_IPV4_OFFMASK 0x1fffu

typedef struct tern_ipv4_repr {
    uint32_t src, dst;  /* network byte order */
    uint16_t hlen;      /* header length in bytes, options included */
    uint16_t tot_len;   /* total length field */
    uint16_t id;
    uint16_t frag_off;  /* fragment offset in bytes */
    bool more_frags;
    bool dont_frag;
    uint8_t tos, ttl, proto;
} tern_ipv4_repr;

/* tern__ipv4_parse and tern__ipv4_emit are inline, in wire/ipv4.h. */

/* ---- IPv6 (RFC 8200) ---- */
#define TERN_IPV6_HLEN 40u
#define TERN_IPV6_NH_HOPOPT 0u
#define TERN_IPV6_NH_ROUTING 43u
#define TERN_IPV6_NH_FRAGMENT 44u
#define TERN_IPV6_NH_NONE 59u
#define TERN_IPV6_NH_DSTOPTS 60u

typedef struct tern_ipv6_repr {
    uint8_t src[16], dst[16];
    uint32_t flow;          /* 20-bit flow label */
    uint16_t payload_len;   /* payload length field */
    uint8_t tclass;
    uint8_t next_header;    /* of the fixed header */
    uint8_t hop_limit;
} tern_ipv6_repr;

/* Validates version and payload length (40 + payload_len <= len). */
tern_wire_err tern__ipv6_parse(const uint8_t *buf, size_t len, tern_ipv6_repr *out);
void tern__ipv6_emit(uint8_t *buf, const tern_ipv6_repr *r);

/* Result of walking the extension-header chain after the fixed header. */
typedef struct tern_ipv6_ext {
    uint8_t proto;          /* upper-layer protocol (or TERN_IPV6_NH_FRAGMENT, see below) */
    uint16_t offset;        /* offset of the upper-layer header from the IPv6 header start */
    /* When a Fragment header is met the walk stops there: */
    bool is_fragment;
    uint16_t frag_hdr_offset; /* offset of the Fragment header */
    uint8_t frag_next;      /* next header after the Fragment header */
    uint16_t frag_off;      /* fragment offset in bytes */
    bool more_frags;
    uint32_t frag_id;
    /* Offset of the next-header byte that names the upper layer (or the
     * Fragment header), for ICMPv6 parameter problems and reassembly. */
    uint16_t nh_field_offset;
    /* On TERN_WIRE_BAD_OPTION: what RFC 8200 4.2-4.4 says to do.  When
     * problem_icmp, answer with ICMPv6 Parameter Problem (problem_code,
     * problem_pointer from the IPv6 header start), unless problem_not_mcast
     * and the destination is multicast; otherwise drop silently. */
    bool problem_icmp;
    bool problem_not_mcast;
    uint8_t problem_code;      /* 0 header field, 1 next header, 2 option */
    uint16_t problem_pointer;
} tern_ipv6_ext;

/* Walks Hop-by-Hop, Routing, Destination Options and Fragment headers in
 * buf[0..len) (len includes the fixed header).  Hop-by-Hop anywhere but
 * first is TERN_WIRE_BAD_OPTION; at most 8 extension headers are walked
 * (more is TERN_WIRE_UNSUPPORTED) so hostile chains cost bounded time. */
tern_wire_err tern__ipv6_walk_ext(const uint8_t *buf, size_t len, tern_ipv6_ext *out);

/* ---- UDP (RFC 768) ---- */
#define TERN_UDP_HLEN 8u

typedef struct tern_udp_repr {
    uint16_t src_port, dst_port;
    uint16_t length;    /* length field: header + payload */
    uint16_t checksum;  /* as received (0 = none) */
} tern_udp_repr;

/* Validates 8 <= length field <= len.  Checksums are verified by the caller
 * (they need the pseudo header and may span a chain). */
tern_wire_err tern__udp_parse(const uint8_t *buf, size_t len, tern_udp_repr *out);
/* Writes the header with a zero checksum field. */
void tern__udp_emit(uint8_t *buf, const tern_udp_repr *r);

/* ---- ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) ---- */
#define TERN_ICMP_HLEN 8u
#define TERN_ICMP_ECHO_REPLY 0u
#define TERN_ICMP_DEST_UNREACH 3u
#define TERN_ICMP_ECHO 8u
#define TERN_ICMP_TIME_EXCEEDED 11u
#define TERN_ICMP_PARAM_PROBLEM 12u
#define TERN_ICMP_UNREACH_PROTO 2u
#define TERN_ICMP_UNREACH_PORT 3u
#define TERN_ICMP_UNREACH_FRAG_NEEDED 4u

#define TERN_ICMP6_DEST_UNREACH 1u
#define TERN_ICMP6_PACKET_TOO_BIG 2u
#define TERN_ICMP6_TIME_EXCEEDED 3u
#define TERN_ICMP6_PARAM_PROBLEM 4u
#define TERN_ICMP6_ECHO_REQUEST 128u
#define TERN_ICMP6_ECHO_REPLY 129u
#define TERN_ICMP6_UNREACH_PORT 4u
#define TERN_ICMP6_PARAM_NEXT_HEADER 1u

typedef struct tern_icmp_repr {
    uint8_t type, code;
    uint16_t checksum;
    uint32_t rest;  /* bytes 4..7: identifier+sequence, pointer, MTU... */
} tern_icmp_repr;

/* Needs 8 bytes; does not verify the checksum (the caller sums the message). */
tern_wire_err tern__icmp_parse(const uint8_t *buf, size_t len, tern_icmp_repr *out);
void tern__icmp_emit(uint8_t *buf, const tern_icmp_repr *r); /* checksum field as given */

/* ---- TCP (RFC 9293, options from RFC 7323 and RFC 2018) ---- */
#define TERN_TCP_HLEN 20u
#define TERN_TCP_MAX_HLEN 60u
#define TERN_TCP_FIN 0x01u
#define TERN_TCP_SYN 0x02u
#define TERN_TCP_RST 0x04u
#define TERN_TCP_PSH 0x08u
#define TERN_TCP_ACK 0x10u
#define TERN_TCP_URG 0x20u
#define TERN_TCP_ECE 0x40u
#define TERN_TCP_CWR 0x80u
#define TERN_TCP_MAX_SACK 4

typedef struct tern_tcp_sack_block {
    uint32_t left, right;
} tern_tcp_sack_block;

typedef struct tern_tcp_repr {
    uint16_t src_port, dst_port;
    uint32_t seq, ack;
    uint16_t hlen;      /* data offset in bytes */
    uint8_t flags;      /* TERN_TCP_* */
    uint16_t window;    /* raw, unscaled */
    uint16_t checksum;
    uint16_t urgent;
    /* Options (present flags first). */
    bool has_mss, has_wscale, sack_permitted, has_ts;
    uint16_t mss;
    uint8_t wscale;     /* as received; the caller clamps to 14 (RFC 7323 2.3) */
    uint32_t ts_val, ts_ecr;
    uint8_t sack_count;
    tern_tcp_sack_block sack[TERN_TCP_MAX_SACK];
} tern_tcp_repr;

/* Validates data offset (>= 5 and within len) and every option: kind 0 ends
 * the list, kind 1 is a pad, any other kind needs a length byte >= 2 that
 * stays inside the header; MSS must have length 4, window scale 3,
 * SACK-permitted 2, timestamps 10, SACK 2+8n.  A malformed option list is
 * TERN_WIRE_BAD_OPTION.  Unknown well-formed options are skipped.  On an
 * error *out is partly written and must not be used. */
tern_wire_err tern__tcp_parse(const uint8_t *buf, size_t len, tern_tcp_repr *out);
/* Header length emit() will write for this repr: 20 plus the options it
 * carries, padded to a multiple of 4. */
uint16_t tern__tcp_header_len(const tern_tcp_repr *r);
/* Writes the header and options (checksum field zero); returns its length. */
uint16_t tern__tcp_emit(uint8_t *buf, const tern_tcp_repr *r);

#endif
