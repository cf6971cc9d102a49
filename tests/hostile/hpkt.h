/* tests/hostile/hpkt.h: the hostile tests' and the fuzzers' shorthand for
 * the test kit's packet codec (tests/kit/pkt.h).
 *
 * Every byte is built, checksummed and parsed by the kit, which uses no
 * code of core/src/wire: the tests check the core's parsers, so the packets
 * they feed it (and the oracle that checks what the stack sends) come from
 * separate code, and one bug cannot hide itself twice.  What stays here is
 * the calling convention these tests are written in: IPv4 addresses in
 * memory (network) order as uint32_t, like tern_addr, IPv6 as 16 bytes,
 * payloads that may already sit in place (NULL), and hp_parse's flat view
 * of a packet the stack sent.  Header-only: every function is static
 * inline; link tests/kit (tern_test_kit). */
#ifndef TERN_HOSTILE_HPKT_H
#define TERN_HOSTILE_HPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pkt.h"

#define HP_TCP_FIN PKT_FIN
#define HP_TCP_SYN PKT_SYN
#define HP_TCP_RST PKT_RST
#define HP_TCP_PSH PKT_PSH
#define HP_TCP_ACK PKT_ACK
#define HP_TCP_URG PKT_URG

#define HP_PROTO_ICMP PKT_ICMP
#define HP_PROTO_TCP PKT_TCP
#define HP_PROTO_UDP PKT_UDP
#define HP_PROTO_ICMP6 PKT_ICMP6
#define HP_NH_HOP PKT_HOPOPT
#define HP_NH_ROUTING PKT_ROUTING
#define HP_NH_FRAG PKT_FRAGMENT
#define HP_NH_NONE PKT_NONE6
#define HP_NH_DSTOPTS PKT_DSTOPTS

/* ---- bytes ---- */

static inline void hp_w16(uint8_t *p, uint16_t v) { pkt_put16(p, v); }
static inline void hp_w32(uint8_t *p, uint32_t v) { pkt_put32(p, v); }
static inline uint16_t hp_r16(const uint8_t *p) { return pkt_get16(p); }
static inline uint32_t hp_r32(const uint8_t *p) { return pkt_get32(p); }

/* a.b.c.d as a network-order value in memory order. */
static inline uint32_t hp_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    uint8_t x[4] = {a, b, c, d};
    uint32_t v;
    memcpy(&v, x, 4);
    return v;
}

static inline pkt_addr hp_addr4(uint32_t a)
{
    pkt_addr r = {.v = 4};
    memcpy(r.a, &a, 4);
    return r;
}

static inline pkt_addr hp_addr6(const uint8_t *a)
{
    pkt_addr r = {.v = 6};
    memcpy(r.a, a, 16);
    return r;
}

/* ---- checksum (the kit's RFC 1071 sum) ---- */

static inline uint64_t hp_sum(uint64_t s, const uint8_t *d, size_t n)
{
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return pkt_sum(d, n, (uint32_t)s);
}

static inline uint16_t hp_fold(uint64_t s)
{
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return pkt_fold((uint32_t)s);
}

static inline uint64_t hp_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
    pkt_addr s = hp_addr4(src), d = hp_addr4(dst);
    return pkt_pseudo(&s, &d, proto, len);
}

static inline uint64_t hp_pseudo6(const uint8_t *src, const uint8_t *dst, uint8_t nh, uint32_t len)
{
    pkt_addr s = hp_addr6(src), d = hp_addr6(dst);
    return pkt_pseudo(&s, &d, nh, len);
}

/* ---- IPv4 ---- */

/* Writes an IPv4 header of 20 + optlen bytes (optlen a multiple of 4, at
 * most 40) in front of plen payload bytes already at b + 20 + optlen, or
 * copies payload there when it is not NULL.  frag is the raw flags and
 * offset field (HP_DF, HP_MF | offset/8).  TTL 64.  Returns the packet
 * length. */
#define HP_IP4_DF PKT_IP4_DF
#define HP_IP4_MF PKT_IP4_MF
static inline size_t hp_ip4(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, const void *payload,
                            size_t plen, uint16_t id, uint16_t frag, const uint8_t *opts, size_t optlen)
{
    struct pkt_ip4 h = {.src = hp_addr4(src), .dst = hp_addr4(dst), .proto = proto, .ttl = 64,
                        .id = id, .frag = frag, .opt = opts, .optlen = optlen};
    return pkt_ip4(b, &h, payload ? payload : b + 20 + optlen, plen);
}

/* Recomputes the IPv4 header checksum (after a test edited the header). */
static inline void hp_ip4_fix(uint8_t *b) { pkt_ip4_fix_csum(b); }

/* ---- IPv6 ---- */

static inline size_t hp_ip6(uint8_t *b, const uint8_t *src, const uint8_t *dst, uint8_t nh, const void *payload,
                            size_t plen)
{
    struct pkt_ip6 h = {.src = hp_addr6(src), .dst = hp_addr6(dst), .nh = nh, .hlim = 64};
    return pkt_ip6(b, &h, payload ? payload : b + 40, plen);
}

/* ---- TCP ---- */

#define HP_DOFF_ZERO 16
typedef struct hp_tcp {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win, urg;
    const uint8_t *opts; /* raw option bytes, copied as given */
    size_t optlen;       /* padded with zeros (EOL) to a multiple of 4, at most 40 */
    int doff;            /* 0: computed; 1..15 written as is (32-bit words); HP_DOFF_ZERO writes 0 */
    const void *data;
    size_t dlen;
} hp_tcp;

/* Writes the segment (header, options, data) with a zero checksum; returns
 * its length. */
static inline size_t hp_tcp_write(uint8_t *b, const hp_tcp *t)
{
    uint8_t padded[60] = {0};
    size_t ol = (t->optlen + 3) & ~(size_t)3;
    const uint8_t *opt = t->opts;
    pkt_addr none = {.v = 4};
    if (ol != t->optlen) {
        memcpy(padded, t->opts, t->optlen < sizeof(padded) ? t->optlen : sizeof(padded));
        opt = padded;
    }
    int words = (int)(20 + ol) / 4;
    struct pkt_tcp h = {.sport = t->sport, .dport = t->dport, .seq = t->seq, .ack = t->ack,
                        .flags = t->flags, .win = t->win, .urp = t->urg, .opt = opt, .optlen = ol,
                        .doff_adj = t->doff == HP_DOFF_ZERO ? -words : t->doff ? t->doff - words : 0,
                        .csum = PKT_CSUM_ZERO};
    return pkt_tcp(b, &none, &none, &h, t->data, t->dlen);
}

/* Sets the checksum at seg + csum_off of a transport segment (a UDP sum of
 * 0 is sent as 0xffff, RFC 768). */
static inline void hp_l4_csum(uint8_t *seg, size_t len, const pkt_addr *src, const pkt_addr *dst, uint8_t proto,
                              size_t csum_off)
{
    pkt_put16(seg + csum_off, 0);
    uint16_t c = pkt_fold(pkt_sum(seg, len, pkt_pseudo(src, dst, proto, (uint32_t)len)));
    if (proto == HP_PROTO_UDP && c == 0)
        c = 0xffff;
    pkt_put16(seg + csum_off, c);
}

static inline void hp_l4_csum4(uint8_t *seg, size_t len, uint32_t src, uint32_t dst, uint8_t proto, size_t csum_off)
{
    pkt_addr s = hp_addr4(src), d = hp_addr4(dst);
    hp_l4_csum(seg, len, &s, &d, proto, csum_off);
}

static inline void hp_l4_csum6(uint8_t *seg, size_t len, const uint8_t *src, const uint8_t *dst, uint8_t proto,
                               size_t csum_off)
{
    pkt_addr s = hp_addr6(src), d = hp_addr6(dst);
    hp_l4_csum(seg, len, &s, &d, proto, csum_off);
}

/* A whole IPv4 packet carrying segment t, checksums valid. */
static inline size_t hp_tcp4(uint8_t *b, uint32_t src, uint32_t dst, const hp_tcp *t)
{
    size_t n = hp_tcp_write(b + 20, t);
    hp_l4_csum4(b + 20, n, src, dst, HP_PROTO_TCP, 16);
    return hp_ip4(b, src, dst, HP_PROTO_TCP, NULL, n, 0x1234, HP_IP4_DF, NULL, 0);
}

static inline size_t hp_tcp6(uint8_t *b, const uint8_t *src, const uint8_t *dst, const hp_tcp *t)
{
    size_t n = hp_tcp_write(b + 40, t);
    hp_l4_csum6(b + 40, n, src, dst, HP_PROTO_TCP, 16);
    return hp_ip6(b, src, dst, HP_PROTO_TCP, NULL, n);
}

/* ---- UDP and ICMP ---- */

/* The datagram with a zero checksum. */
static inline size_t hp_udp_write(uint8_t *b, uint16_t sport, uint16_t dport, const void *data, size_t len)
{
    pkt_addr none = {.v = 4};
    struct pkt_udp h = {.sport = sport, .dport = dport, .csum = PKT_CSUM_ZERO};
    return pkt_udp(b, &none, &none, &h, data, len);
}

/* zero_csum: leave the checksum field 0 ("none" over IPv4). */
static inline size_t hp_udp4(uint8_t *b, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
                             size_t len, bool zero_csum)
{
    size_t n = hp_udp_write(b + 20, sport, dport, data, len);
    if (!zero_csum)
        hp_l4_csum4(b + 20, n, src, dst, HP_PROTO_UDP, 6);
    return hp_ip4(b, src, dst, HP_PROTO_UDP, NULL, n, 0x2345, 0, NULL, 0);
}

static inline size_t hp_udp6(uint8_t *b, const uint8_t *src, const uint8_t *dst, uint16_t sport, uint16_t dport,
                             const void *data, size_t len, bool zero_csum)
{
    size_t n = hp_udp_write(b + 40, sport, dport, data, len);
    if (!zero_csum)
        hp_l4_csum6(b + 40, n, src, dst, HP_PROTO_UDP, 6);
    return hp_ip6(b, src, dst, HP_PROTO_UDP, NULL, n);
}

/* ICMP message type/code/rest + body at b (no IP header), checksum 0. */
static inline size_t hp_icmp_write(uint8_t *b, uint8_t type, uint8_t code, uint32_t rest, const void *body,
                                   size_t len)
{
    pkt_addr none = {.v = 4};
    return pkt_icmp(b, &none, &none, type, code, rest, body, len, PKT_CSUM_ZERO);
}

static inline size_t hp_icmp4(uint8_t *b, uint32_t src, uint32_t dst, uint8_t type, uint8_t code, uint32_t rest,
                              const void *body, size_t len)
{
    pkt_addr s = hp_addr4(src), d = hp_addr4(dst);
    size_t n = pkt_icmp(b + 20, &s, &d, type, code, rest, body, len, PKT_CSUM_OK);
    return hp_ip4(b, src, dst, HP_PROTO_ICMP, NULL, n, 0x3456, 0, NULL, 0);
}

static inline size_t hp_icmp6(uint8_t *b, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code,
                              uint32_t rest, const void *body, size_t len)
{
    pkt_addr s = hp_addr6(src), d = hp_addr6(dst);
    size_t n = pkt_icmp(b + 40, &s, &d, type, code, rest, body, len, PKT_CSUM_OK);
    return hp_ip6(b, src, dst, HP_PROTO_ICMP6, NULL, n);
}

/* ---- parsing what the stack sends (the output oracle) ---- */

typedef struct hp_pkt {
    int ver;              /* 4 or 6 */
    uint8_t proto;        /* upper layer (after IPv6 extension headers) */
    uint32_t src4, dst4;
    uint8_t src6[16], dst6[16];
    uint16_t id;          /* IPv4 identification, IPv6 fragment identification's low 16 bits */
    uint32_t frag_off;    /* bytes */
    bool mf, is_frag;
    const uint8_t *l4;    /* upper-layer bytes (of this fragment) */
    size_t l4len;
    /* TCP */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win, urg;
    size_t thl;
    bool has_mss, has_ws, sack_perm, has_ts;
    uint16_t mss;
    uint8_t ws;
    uint32_t tsval, tsecr;
    int nsack;
    uint32_t sack[4][2];
    const uint8_t *data;
    size_t dlen;
    /* ICMP */
    uint8_t itype, icode;
} hp_pkt;

/* Strict parse of a packet the stack sent (pkt_check_emitted).  Returns
 * NULL when it is well-formed, else the reason. */
static inline const char *hp_parse(const uint8_t *b, size_t len, hp_pkt *o)
{
    static _Thread_local struct pkt_info pi;
    memset(o, 0, sizeof(*o));
    const char *why = pkt_check_emitted(b, len, &pi);
    if (why)
        return why;
    o->ver = pi.v;
    o->proto = pi.proto;
    if (pi.v == 4) {
        memcpy(&o->src4, pi.src.a, 4);
        memcpy(&o->dst4, pi.dst.a, 4);
        o->id = pi.id;
    } else {
        memcpy(o->src6, pi.src.a, 16);
        memcpy(o->dst6, pi.dst.a, 16);
        o->id = (uint16_t)pi.frag_ident;
    }
    o->frag_off = pi.frag_off;
    o->mf = pi.mf;
    o->is_frag = pi.is_frag;
    o->l4 = b + pi.l4_off;
    o->l4len = pi.l4_len;
    if (pi.is_frag)
        return NULL;
    o->sport = pi.sport;
    o->dport = pi.dport;
    o->data = b + pi.pl_off;
    o->dlen = pi.pl_len;
    if (pi.proto == HP_PROTO_TCP) {
        o->seq = pi.tcp.seq;
        o->ack = pi.tcp.ack;
        o->flags = pi.tcp.flags;
        o->win = pi.tcp.win;
        o->urg = pi.tcp.urp;
        o->thl = (size_t)pi.tcp.doff * 4;
        o->has_mss = pi.tcp.mss >= 0;
        o->mss = o->has_mss ? (uint16_t)pi.tcp.mss : 0;
        o->has_ws = pi.tcp.wscale >= 0;
        o->ws = o->has_ws ? (uint8_t)pi.tcp.wscale : 0;
        o->sack_perm = pi.tcp.sack_perm;
        o->has_ts = pi.tcp.ts;
        o->tsval = pi.tcp.tsval;
        o->tsecr = pi.tcp.tsecr;
        o->nsack = pi.tcp.nsack;
        memcpy(o->sack, pi.tcp.sack, sizeof(o->sack));
    } else if (pi.proto == HP_PROTO_ICMP || pi.proto == HP_PROTO_ICMP6) {
        o->itype = pi.type;
        o->icode = pi.code;
    }
    return NULL;
}

/* ---- a tiny deterministic PRNG (xorshift64*) ---- */

static inline uint64_t hp_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

#endif
