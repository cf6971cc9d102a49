/* tests/kit/pkt.h: the test kit's packet codec (builder and parser), shared by
 * conformance, the hostile tests, the unit tests and the cost bench.
 *
 * This code deliberately includes no lwIP or tern header and shares no code
 * with either stack: if a stack's header layouts or checksum routine were
 * wrong, building the test packets with the same code would hide the bug
 * (it would be wrong twice, consistently).  Everything here works on plain
 * byte arrays in network order. */
#ifndef TERN_KIT_PKT_H
#define TERN_KIT_PKT_H

#include <stddef.h>
#include <stdint.h>

/* Largest packet the builder handles: an IPv4 datagram of 65535 bytes or an
 * IPv6 packet with a 65535-byte payload plus a few extension headers. */
#define PKT_MAX (65535 + 40 + 256)

/* IP protocol numbers used by the harness. */
enum {
    PKT_HOPOPT = 0, PKT_ICMP = 1, PKT_TCP = 6, PKT_UDP = 17,
    PKT_ROUTING = 43, PKT_FRAGMENT = 44, PKT_ICMP6 = 58,
    PKT_NONE6 = 59, PKT_DSTOPTS = 60, PKT_UDPLITE = 136
};

/* TCP flag bits. */
enum {
    PKT_FIN = 0x01, PKT_SYN = 0x02, PKT_RST = 0x04, PKT_PSH = 0x08,
    PKT_ACK = 0x10, PKT_URG = 0x20, PKT_ECE = 0x40, PKT_CWR = 0x80
};

/* An address of either family; v is 4 or 6, IPv4 uses a[0..3]. */
typedef struct {
    uint8_t v;
    uint8_t a[16];
} pkt_addr;

/* Parses a textual address; returns 1 on success. */
int pkt_addr_parse(const char *text, pkt_addr *out);
/* Parses a literal the caller knows to be valid; aborts otherwise
 * (a typo in a scenario is a harness bug, not a test result). */
pkt_addr pkt_addr_of(const char *text);
/* Formats with inet_ntop; buf must hold 48 bytes. */
const char *pkt_addr_str(const pkt_addr *a, char *buf);
int pkt_addr_eq(const pkt_addr *a, const pkt_addr *b);

/* Byte access in network order. */
uint16_t pkt_get16(const uint8_t *p);
uint32_t pkt_get32(const uint8_t *p);
void pkt_put16(uint8_t *p, uint16_t v);
void pkt_put32(uint8_t *p, uint32_t v);
/* The TCP header of an IPv4 packet as a link carries it (the IPv4 header
 * and 20 bytes of TCP within both n and the total length), or NULL: what a
 * link filter asks first.  *seg_len (when not NULL): the TCP segment's
 * length, header and payload, from the total length. */
const uint8_t *pkt_ip4_tcp(const uint8_t *p, size_t n, size_t *seg_len);

/* Internet checksum (RFC 1071): accumulate 16-bit words into acc, then
 * fold and complement.  pkt_pseudo adds an IPv4 or IPv6 pseudo-header. */
uint32_t pkt_sum(const void *data, size_t len, uint32_t acc);
uint16_t pkt_fold(uint32_t acc);
uint32_t pkt_pseudo(const pkt_addr *src, const pkt_addr *dst, uint8_t proto, uint32_t len);

/* How a builder fills a checksum field. */
enum pkt_csum { PKT_CSUM_OK, PKT_CSUM_ZERO, PKT_CSUM_BAD };

/* ---- transport builders: write the segment into out, return its size ---- */

struct pkt_udp {
    uint16_t sport, dport;
    int len_adj;            /* added to the UDP length field (0 = correct) */
    enum pkt_csum csum;    /* OK is computed over the real segment length */
};
size_t pkt_udp(uint8_t *out, const pkt_addr *src, const pkt_addr *dst,
                const struct pkt_udp *h, const void *payload, size_t n);

/* Any ICMP (v4) or ICMPv6 message: type, code, the second header word
 * (rest: identifier and sequence, pointer, MTU or unused) and the body;
 * version taken from src->v. */
size_t pkt_icmp(uint8_t *out, const pkt_addr *src, const pkt_addr *dst, uint8_t type,
                uint8_t code, uint32_t rest, const void *body, size_t n, enum pkt_csum csum);
/* ICMP (v4) or ICMPv6 echo request/reply; version taken from src->v. */
size_t pkt_echo(uint8_t *out, const pkt_addr *src, const pkt_addr *dst, int request,
                 uint16_t id, uint16_t seq, const void *payload, size_t n,
                 enum pkt_csum csum);

struct pkt_tcp {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win, urp;
    const uint8_t *opt;     /* raw option bytes, padded by the caller */
    size_t optlen;
    int doff_adj;           /* added to the data offset field, in words */
    enum pkt_csum csum;
};
size_t pkt_tcp(uint8_t *out, const pkt_addr *src, const pkt_addr *dst,
                const struct pkt_tcp *h, const void *payload, size_t n);

/* TCP options a builder can put in a header (pkt_tcp_options). */
struct pkt_tcp_opts {
    uint16_t mss;           /* 0: no MSS option */
    uint8_t has_wscale, wscale;
    uint8_t sack_perm;
    uint8_t has_ts;
    uint32_t tsval, tsecr;
    uint8_t nsack;          /* SACK blocks (left, right), at most 4 */
    uint32_t sack[4][2];
    uint8_t has_mss;        /* set by pkt_tcp_options_parse (an MSS of 0 is one) */
};
/* Writes the options (NOP-padded to a multiple of 4 bytes, at most 40)
 * into out and returns their length; the order is the one Linux uses
 * (MSS, SACK-permitted/timestamps, window scale). */
size_t pkt_tcp_options(uint8_t *out, const struct pkt_tcp_opts *o);
/* A whole IPv4/IPv6 packet (ttl 64) carrying one TCP segment; the family
 * comes from the address text. */
size_t pkt_tcp_packet(uint8_t *out, const char *src, const char *dst,
                       const struct pkt_tcp *h, const void *payload, size_t n);

/* ---- network layer ---- */

struct pkt_ip4 {
    pkt_addr src, dst;
    uint8_t proto, ttl, tos;
    uint16_t id;
    uint16_t frag;          /* flags and offset field in host order */
    const uint8_t *opt;     /* options, length a multiple of 4 */
    size_t optlen;
};
#define PKT_IP4_DF 0x4000u
#define PKT_IP4_MF 0x2000u
size_t pkt_ip4(uint8_t *out, const struct pkt_ip4 *h, const void *payload, size_t n);
/* Recomputes the IPv4 header checksum after a scenario tampered with it. */
void pkt_ip4_fix_csum(uint8_t *pkt);

struct pkt_ip6 {
    pkt_addr src, dst;
    uint8_t nh, hlim, tc;
    uint32_t flow;
};
size_t pkt_ip6(uint8_t *out, const struct pkt_ip6 *h, const void *payload, size_t n);
/* A hop-by-hop or destination options header of total size len (a multiple
 * of 8) holding opt (may be NULL) followed by PadN/Pad1 padding. */
size_t pkt_ip6_opthdr(uint8_t *out, uint8_t nh, size_t len,
                       const uint8_t *opt, size_t optlen);

/* Cuts fragment [off, off+n) out of a complete datagram dgram.  IPv4: the
 * header (with options) is copied and the offset/MF fields set.  IPv6: the
 * base header is the unfragmentable part, a Fragment header carrying ident
 * is inserted.  Returns the fragment's size. */
size_t pkt_ip4_fragment(uint8_t *out, const uint8_t *dgram, size_t len,
                         size_t off, size_t n, int more);
size_t pkt_ip6_fragment(uint8_t *out, const uint8_t *dgram, size_t len,
                         uint32_t ident, size_t off, size_t n, int more);

/* ---- one-call convenience builders (family from the address text) ---- */
size_t pkt_udp_packet(uint8_t *out, const char *src, uint16_t sport,
                       const char *dst, uint16_t dport, const void *pl, size_t n);
size_t pkt_echo_packet(uint8_t *out, const char *src, const char *dst,
                        uint16_t id, uint16_t seq, const void *pl, size_t n);
/* Wraps an already built transport segment in an IP header (ttl 64). */
size_t pkt_ip_packet(uint8_t *out, const char *src, const char *dst,
                      uint8_t proto, const void *seg, size_t n);

/* ---- parser ---- */

struct pkt_info {
    int ok;                 /* 1 if every present header parsed */
    char err[64];           /* why not */
    int v;
    pkt_addr src, dst;
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
int pkt_parse(const uint8_t *p, size_t n, struct pkt_info *wi, int truncated_ok);

/* The output oracle: parses a packet a stack emitted (pkt_parse, whole)
 * and holds it to the rules a sender must follow: IPv4 header checksum,
 * reserved flag clear, TTL above 0, no IPv6 extension header but Fragment,
 * fragments a multiple of 8 within 64 KiB, upper-layer checksums right (a
 * zero UDP checksum only over IPv4), TCP flags and option lengths valid and
 * SYN-only options only on a SYN, no data on a RST, ICMPv6 errors within
 * 1280 bytes.  Returns NULL when it passes, else the reason (static text or
 * pi->err). */
const char *pkt_check_emitted(const uint8_t *p, size_t n, struct pkt_info *pi);

/* Reads the options of a TCP header (o: the bytes after the fixed 20, n of
 * them) into the builder's struct: has_mss/mss, has_wscale, sack_perm,
 * has_ts, up to 4 SACK blocks.  Options of known kinds with another length
 * are skipped.  Returns 0 if an option runs past n (what was read before it
 * stays filled), else 1.  mss 0 with has_mss 0: no MSS option. */
int pkt_tcp_options_parse(const uint8_t *o, size_t n, struct pkt_tcp_opts *out);

/* What the describer normalizes across one trace:
 *  - TCP seq/ack (and SACK blocks) are shown relative to the initial
 *    sequence numbers of their connection, told apart by peer address and
 *    both ports: the stack's ISN is learned from each SYN it sends (a SYN
 *    with another sequence number starts a new incarnation), the peer's
 *    from the first SYN injected; before that they are shown as abs:N;
 *  - ports in the dynamic range (49152-65535) are shown as eph1, eph2, ...
 *    in order of appearance, since each stack picks its own; scenarios use
 *    fixed ports below that range. */
struct pkt_flow {
    pkt_addr peer;
    uint16_t lport, pport;
    int have_local, have_peer;
    uint32_t local_isn, peer_isn;
};
#define PKT_MAX_FLOWS 32
struct pkt_ctx {
    struct pkt_flow flows[PKT_MAX_FLOWS];
    int n_flows;
    uint16_t eph[32];
    int n_eph;
};
/* The flow of a segment (NULL if the table is full and create is set, or
 * unknown and create is not); outbound tells which side is local. */
struct pkt_flow *pkt_flow_of(struct pkt_ctx *ctx, const struct pkt_info *wi,
                               int outbound, int create);
#define PKT_EPHEMERAL_MIN 49152

/* One normalized line describing the packet: addresses, lengths, fields;
 * checksums are shown as ok/BAD, the IPv4 ID is left out.  outbound tells
 * which ISN applies to seq and which to ack.  ctx may be NULL. */
void pkt_describe(const uint8_t *p, size_t n, int outbound,
                   struct pkt_ctx *ctx, char *buf, size_t cap);

/* FNV-1a, shown in traces so payload differences are visible in one line. */
uint32_t pkt_fnv(const void *data, size_t n);

/* ---- reassembly of fragments a stack emitted ---- */

/* Rebuilds the datagram from k IPv4 or IPv6 fragments (any order) into
 * out.  Returns its size, or 0 if the fragments do not form exactly one
 * datagram (gap, overlap, inconsistent headers, missing last fragment). */
size_t pkt_reassemble(uint8_t *out, const uint8_t *const *frags, const size_t *lens, int k);
#endif
