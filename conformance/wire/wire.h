/* wire.h: the harness's own packet builder and parser.
 *
 * This code deliberately includes no lwIP or tern header and shares no code
 * with either stack: if a stack's header layouts or checksum routine were
 * wrong, building the test packets with the same code would hide the bug
 * (it would be wrong twice, consistently).  Everything here works on plain
 * byte arrays in network order. */
#ifndef CONF_WIRE_H
#define CONF_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Largest packet the builder handles: an IPv4 datagram of 65535 bytes or an
 * IPv6 packet with a 65535-byte payload plus a few extension headers. */
#define WIRE_MAX (65535 + 40 + 256)

/* IP protocol numbers used by the harness. */
enum {
    WIRE_HOPOPT = 0, WIRE_ICMP = 1, WIRE_TCP = 6, WIRE_UDP = 17,
    WIRE_ROUTING = 43, WIRE_FRAGMENT = 44, WIRE_ICMP6 = 58,
    WIRE_NONE6 = 59, WIRE_DSTOPTS = 60, WIRE_UDPLITE = 136
};

/* TCP flag bits. */
enum {
    WIRE_FIN = 0x01, WIRE_SYN = 0x02, WIRE_RST = 0x04, WIRE_PSH = 0x08,
    WIRE_ACK = 0x10, WIRE_URG = 0x20, WIRE_ECE = 0x40, WIRE_CWR = 0x80
};

/* An address of either family; v is 4 or 6, IPv4 uses a[0..3]. */
typedef struct {
    uint8_t v;
    uint8_t a[16];
} waddr;

/* Parses a textual address; returns 1 on success. */
int waddr_parse(const char *text, waddr *out);
/* Parses a literal the caller knows to be valid; aborts otherwise
 * (a typo in a scenario is a harness bug, not a test result). */
waddr WA(const char *text);
/* Formats with inet_ntop; buf must hold 48 bytes. */
const char *waddr_str(const waddr *a, char *buf);
int waddr_eq(const waddr *a, const waddr *b);

/* Byte access in network order. */
uint16_t wire_get16(const uint8_t *p);
uint32_t wire_get32(const uint8_t *p);
void wire_put16(uint8_t *p, uint16_t v);
void wire_put32(uint8_t *p, uint32_t v);

/* Internet checksum (RFC 1071): accumulate 16-bit words into acc, then
 * fold and complement.  wire_pseudo adds an IPv4 or IPv6 pseudo-header. */
uint32_t wire_sum(const void *data, size_t len, uint32_t acc);
uint16_t wire_fold(uint32_t acc);
uint32_t wire_pseudo(const waddr *src, const waddr *dst, uint8_t proto, uint32_t len);

/* How a builder fills a checksum field. */
enum wire_csum { WCS_OK, WCS_ZERO, WCS_BAD };

/* ---- transport builders: write the segment into out, return its size ---- */

struct wire_udp {
    uint16_t sport, dport;
    int len_adj;            /* added to the UDP length field (0 = correct) */
    enum wire_csum csum;    /* OK is computed over the real segment length */
};
size_t wire_udp(uint8_t *out, const waddr *src, const waddr *dst,
                const struct wire_udp *h, const void *payload, size_t n);

/* ICMP (v4) or ICMPv6 echo request/reply; version taken from src->v. */
size_t wire_echo(uint8_t *out, const waddr *src, const waddr *dst, int request,
                 uint16_t id, uint16_t seq, const void *payload, size_t n,
                 enum wire_csum csum);

struct wire_tcp {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win, urp;
    const uint8_t *opt;     /* raw option bytes, padded by the caller */
    size_t optlen;
    int doff_adj;           /* added to the data offset field, in words */
    enum wire_csum csum;
};
size_t wire_tcp(uint8_t *out, const waddr *src, const waddr *dst,
                const struct wire_tcp *h, const void *payload, size_t n);

/* TCP options a builder can put in a header (wire_tcp_options). */
struct wire_tcp_opts {
    uint16_t mss;           /* 0: no MSS option */
    uint8_t has_wscale, wscale;
    uint8_t sack_perm;
    uint8_t has_ts;
    uint32_t tsval, tsecr;
    uint8_t nsack;          /* SACK blocks (left, right), at most 4 */
    uint32_t sack[4][2];
};
/* Writes the options (NOP-padded to a multiple of 4 bytes, at most 40)
 * into out and returns their length; the order is the one Linux uses
 * (MSS, SACK-permitted/timestamps, window scale). */
size_t wire_tcp_options(uint8_t *out, const struct wire_tcp_opts *o);
/* A whole IPv4/IPv6 packet (ttl 64) carrying one TCP segment; the family
 * comes from the address text. */
size_t wire_tcp_packet(uint8_t *out, const char *src, const char *dst,
                       const struct wire_tcp *h, const void *payload, size_t n);

/* ---- network layer ---- */

struct wire_ip4 {
    waddr src, dst;
    uint8_t proto, ttl, tos;
    uint16_t id;
    uint16_t frag;          /* flags and offset field in host order */
    const uint8_t *opt;     /* options, length a multiple of 4 */
    size_t optlen;
};
#define WIRE_IP4_DF 0x4000u
#define WIRE_IP4_MF 0x2000u
size_t wire_ip4(uint8_t *out, const struct wire_ip4 *h, const void *payload, size_t n);
/* Recomputes the IPv4 header checksum after a scenario tampered with it. */
void wire_ip4_fix_csum(uint8_t *pkt);

struct wire_ip6 {
    waddr src, dst;
    uint8_t nh, hlim, tc;
    uint32_t flow;
};
size_t wire_ip6(uint8_t *out, const struct wire_ip6 *h, const void *payload, size_t n);
/* A hop-by-hop or destination options header of total size len (a multiple
 * of 8) holding opt (may be NULL) followed by PadN/Pad1 padding. */
size_t wire_ip6_opthdr(uint8_t *out, uint8_t nh, size_t len,
                       const uint8_t *opt, size_t optlen);

/* Cuts fragment [off, off+n) out of a complete datagram dgram.  IPv4: the
 * header (with options) is copied and the offset/MF fields set.  IPv6: the
 * base header is the unfragmentable part, a Fragment header carrying ident
 * is inserted.  Returns the fragment's size. */
size_t wire_ip4_fragment(uint8_t *out, const uint8_t *dgram, size_t len,
                         size_t off, size_t n, int more);
size_t wire_ip6_fragment(uint8_t *out, const uint8_t *dgram, size_t len,
                         uint32_t ident, size_t off, size_t n, int more);

/* ---- one-call convenience builders (family from the address text) ---- */
size_t wire_udp_packet(uint8_t *out, const char *src, uint16_t sport,
                       const char *dst, uint16_t dport, const void *pl, size_t n);
size_t wire_echo_packet(uint8_t *out, const char *src, const char *dst,
                        uint16_t id, uint16_t seq, const void *pl, size_t n);
/* Wraps an already built transport segment in an IP header (ttl 64). */
size_t wire_ip_packet(uint8_t *out, const char *src, const char *dst,
                      uint8_t proto, const void *seg, size_t n);

/* ---- parser ---- */

struct wire_info {
    int ok;                 /* 1 if every present header parsed */
    char err[64];           /* why not */
    int v;
    waddr src, dst;
    uint8_t ttl, tos;       /* hop limit / traffic class for IPv6 */
    uint32_t flow;
    uint16_t id;            /* IPv4 identification */
    int df, mf;
    uint32_t frag_off;      /* bytes */
    int is_frag;            /* a fragment (v4 offset/MF, v6 fragment header) */
    uint32_t frag_ident;    /* IPv6 fragment identification */
    uint16_t ip_len;        /* total length (v4) or payload length (v6) field */
    int ip_csum_ok;         /* IPv4 header checksum, 1 for IPv6 */
    size_t ip_hlen;         /* bytes up to the upper-layer header */
    uint8_t ext[8];         /* IPv6 extension header chain */
    int n_ext;
    uint8_t proto;          /* upper-layer protocol */
    size_t l4_off, l4_len;
    int l4_csum;            /* 1 ok, 0 bad, 2 zero (UDP), -1 not checkable */
    uint16_t sport, dport, ulen;
    uint8_t type, code;     /* ICMP / ICMPv6 */
    uint16_t echo_id, echo_seq;
    uint32_t icmp_word;     /* second header word: pointer, MTU, unused */
    struct {
        uint32_t seq, ack;
        uint8_t flags, doff;
        uint16_t win, urp;
        int mss, wscale, sack_perm, ts;
        uint32_t tsval, tsecr;
        int nsack;              /* SACK blocks present */
        uint32_t sack[4][2];
        size_t optlen;          /* bytes of options (data offset - 20) */
    } tcp;
    size_t pl_off, pl_len;  /* upper-layer payload (or ICMP quote) */
};

/* Parses a packet as captured.  truncated_ok relaxes length checks for the
 * packet quoted inside an ICMP error, which is cut short on purpose. */
int wire_parse(const uint8_t *p, size_t n, struct wire_info *wi, int truncated_ok);

/* What the describer normalizes across one trace:
 *  - TCP seq/ack (and SACK blocks) are shown relative to the initial
 *    sequence numbers of their connection, told apart by peer address and
 *    both ports: the stack's ISN is learned from each SYN it sends (a SYN
 *    with another sequence number starts a new incarnation), the peer's
 *    from the first SYN injected; before that they are shown as abs:N;
 *  - ports in the dynamic range (49152-65535) are shown as eph1, eph2, ...
 *    in order of appearance, since each stack picks its own; scenarios use
 *    fixed ports below that range. */
struct wire_flow {
    waddr peer;
    uint16_t lport, pport;
    int have_local, have_peer;
    uint32_t local_isn, peer_isn;
};
#define WIRE_MAX_FLOWS 32
struct wire_ctx {
    struct wire_flow flows[WIRE_MAX_FLOWS];
    int n_flows;
    uint16_t eph[32];
    int n_eph;
};
/* The flow of a segment (NULL if the table is full and create is set, or
 * unknown and create is not); outbound tells which side is local. */
struct wire_flow *wire_flow_of(struct wire_ctx *ctx, const struct wire_info *wi,
                               int outbound, int create);
#define WIRE_EPHEMERAL_MIN 49152

/* One normalized line describing the packet: addresses, lengths, fields;
 * checksums are shown as ok/BAD, the IPv4 ID is left out.  outbound tells
 * which ISN applies to seq and which to ack.  ctx may be NULL. */
void wire_describe(const uint8_t *p, size_t n, int outbound,
                   struct wire_ctx *ctx, char *buf, size_t cap);

/* FNV-1a, shown in traces so payload differences are visible in one line. */
uint32_t wire_fnv(const void *data, size_t n);

/* ---- reassembly of fragments a stack emitted ---- */

/* Rebuilds the datagram from k IPv4 or IPv6 fragments (any order) into
 * out.  Returns its size, or 0 if the fragments do not form exactly one
 * datagram (gap, overlap, inconsistent headers, missing last fragment). */
size_t wire_reassemble(uint8_t *out, const uint8_t *const *frags, const size_t *lens, int k);
#endif
