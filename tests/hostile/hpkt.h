/* tests/hostile/hpkt.h: a small, independent packet builder and parser for
 * the hostile-input tests and the fuzzers.
 *
 * Nothing here uses core/src/wire: the tests check the core's parsers, so
 * the packets they feed it (and the oracle that checks what the stack
 * sends) come from separate code, and one bug cannot hide itself twice.
 * The checksum is computed here too, the plain RFC 1071 way.
 *
 * Addresses are IPv4 in memory (network) order as uint32_t, like tern_addr,
 * and IPv6 as 16 bytes.  Header-only: every function is static inline. */
#ifndef TERN_HOSTILE_HPKT_H
#define TERN_HOSTILE_HPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HP_TCP_FIN 0x01u
#define HP_TCP_SYN 0x02u
#define HP_TCP_RST 0x04u
#define HP_TCP_PSH 0x08u
#define HP_TCP_ACK 0x10u
#define HP_TCP_URG 0x20u

#define HP_PROTO_ICMP 1u
#define HP_PROTO_TCP 6u
#define HP_PROTO_UDP 17u
#define HP_PROTO_ICMP6 58u
#define HP_NH_HOP 0u
#define HP_NH_ROUTING 43u
#define HP_NH_FRAG 44u
#define HP_NH_NONE 59u
#define HP_NH_DSTOPTS 60u

/* ---- bytes ---- */

static inline void hp_w16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void hp_w32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline uint16_t hp_r16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

static inline uint32_t hp_r32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* a.b.c.d as a network-order value in memory order. */
static inline uint32_t hp_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    uint8_t x[4] = {a, b, c, d};
    uint32_t v;
    memcpy(&v, x, 4);
    return v;
}

/* ---- checksum (RFC 1071, byte by byte: slow and obviously right) ---- */

static inline uint64_t hp_sum(uint64_t s, const uint8_t *d, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n; i += 2)
        s += (uint32_t)((d[i] << 8) | d[i + 1]);
    if (i < n)
        s += (uint32_t)(d[i] << 8);
    return s;
}

static inline uint16_t hp_fold(uint64_t s)
{
    while (s >> 16)
        s = (s & 0xffffu) + (s >> 16);
    return (uint16_t)~s;
}

static inline uint64_t hp_pseudo4(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
    uint64_t s = hp_sum(0, (const uint8_t *)&src, 4);
    s = hp_sum(s, (const uint8_t *)&dst, 4);
    return s + proto + len;
}

static inline uint64_t hp_pseudo6(const uint8_t *src, const uint8_t *dst, uint8_t nh, uint32_t len)
{
    uint64_t s = hp_sum(0, src, 16);
    s = hp_sum(s, dst, 16);
    return s + nh + (len >> 16) + (len & 0xffffu);
}

/* ---- IPv4 ---- */

/* Writes an IPv4 header of 20 + optlen bytes (optlen a multiple of 4, at
 * most 40) in front of plen payload bytes already at b + 20 + optlen, or
 * copies payload there when it is not NULL.  frag is the raw flags and
 * offset field (HP_DF, HP_MF | offset/8).  Returns the packet length. */
#define HP_IP4_DF 0x4000u
#define HP_IP4_MF 0x2000u
static inline size_t hp_ip4(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto, const void *payload,
                            size_t plen, uint16_t id, uint16_t frag, const uint8_t *opts, size_t optlen)
{
    size_t hl = 20 + optlen;
    if (payload)
        memmove(b + hl, payload, plen);
    b[0] = (uint8_t)(0x40 | (hl / 4));
    b[1] = 0;
    hp_w16(b + 2, (uint16_t)(hl + plen));
    hp_w16(b + 4, id);
    hp_w16(b + 6, frag);
    b[8] = 64;
    b[9] = proto;
    b[10] = b[11] = 0;
    memcpy(b + 12, &src, 4);
    memcpy(b + 16, &dst, 4);
    if (optlen)
        memcpy(b + 20, opts, optlen);
    hp_w16(b + 10, hp_fold(hp_sum(0, b, hl)));
    return hl + plen;
}

/* Recomputes the IPv4 header checksum (after a test edited the header). */
static inline void hp_ip4_fix(uint8_t *b)
{
    size_t hl = (size_t)(b[0] & 0x0f) * 4;
    b[10] = b[11] = 0;
    hp_w16(b + 10, hp_fold(hp_sum(0, b, hl)));
}

/* ---- IPv6 ---- */

static inline size_t hp_ip6(uint8_t *b, const uint8_t *src, const uint8_t *dst, uint8_t nh, const void *payload,
                            size_t plen)
{
    if (payload)
        memmove(b + 40, payload, plen);
    hp_w32(b, 0x60000000u);
    hp_w16(b + 4, (uint16_t)plen);
    b[6] = nh;
    b[7] = 64;
    memcpy(b + 8, src, 16);
    memcpy(b + 24, dst, 16);
    return 40 + plen;
}

/* ---- TCP ---- */

#define HP_DOFF_ZERO 16
typedef struct hp_tcp {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win, urg;
    const uint8_t *opts; /* raw option bytes, copied as given */
    size_t optlen;       /* padded with zeros (EOL) to a multiple of 4 */
    int doff;            /* 0: computed; 1..15 written as is (32-bit words); HP_DOFF_ZERO writes 0 */
    const void *data;
    size_t dlen;
} hp_tcp;

/* Writes the segment (header, options, data) with a zero checksum; returns
 * its length. */
static inline size_t hp_tcp_write(uint8_t *b, const hp_tcp *t)
{
    size_t ol = (t->optlen + 3) & ~(size_t)3;
    size_t hl = 20 + ol;
    hp_w16(b, t->sport);
    hp_w16(b + 2, t->dport);
    hp_w32(b + 4, t->seq);
    hp_w32(b + 8, t->ack);
    b[12] = (uint8_t)(((t->doff ? t->doff : (int)(hl / 4)) & 15) << 4);
    b[13] = t->flags;
    hp_w16(b + 14, t->win);
    b[16] = b[17] = 0;
    hp_w16(b + 18, t->urg);
    memset(b + 20, 0, ol);
    if (t->optlen)
        memcpy(b + 20, t->opts, t->optlen);
    if (t->dlen)
        memmove(b + hl, t->data, t->dlen);
    return hl + t->dlen;
}

static inline void hp_l4_csum4(uint8_t *seg, size_t len, uint32_t src, uint32_t dst, uint8_t proto, size_t csum_off)
{
    seg[csum_off] = seg[csum_off + 1] = 0;
    uint16_t c = hp_fold(hp_sum(hp_pseudo4(src, dst, proto, (uint32_t)len), seg, len));
    if (proto == HP_PROTO_UDP && c == 0)
        c = 0xffff;
    hp_w16(seg + csum_off, c);
}

static inline void hp_l4_csum6(uint8_t *seg, size_t len, const uint8_t *src, const uint8_t *dst, uint8_t proto,
                               size_t csum_off)
{
    seg[csum_off] = seg[csum_off + 1] = 0;
    uint16_t c = hp_fold(hp_sum(hp_pseudo6(src, dst, proto, (uint32_t)len), seg, len));
    if (proto == HP_PROTO_UDP && c == 0)
        c = 0xffff;
    hp_w16(seg + csum_off, c);
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

static inline size_t hp_udp_write(uint8_t *b, uint16_t sport, uint16_t dport, const void *data, size_t len)
{
    if (len)
        memmove(b + 8, data, len);
    hp_w16(b, sport);
    hp_w16(b + 2, dport);
    hp_w16(b + 4, (uint16_t)(8 + len));
    b[6] = b[7] = 0;
    return 8 + len;
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

/* ICMP message type/code/rest + body at b (no IP header), checksum set. */
static inline size_t hp_icmp_write(uint8_t *b, uint8_t type, uint8_t code, uint32_t rest, const void *body,
                                   size_t len)
{
    if (len)
        memmove(b + 8, body, len);
    b[0] = type;
    b[1] = code;
    b[2] = b[3] = 0;
    hp_w32(b + 4, rest);
    return 8 + len;
}

static inline size_t hp_icmp4(uint8_t *b, uint32_t src, uint32_t dst, uint8_t type, uint8_t code, uint32_t rest,
                              const void *body, size_t len)
{
    size_t n = hp_icmp_write(b + 20, type, code, rest, body, len);
    hp_w16(b + 22, hp_fold(hp_sum(0, b + 20, n)));
    return hp_ip4(b, src, dst, HP_PROTO_ICMP, NULL, n, 0x3456, 0, NULL, 0);
}

static inline size_t hp_icmp6(uint8_t *b, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code,
                              uint32_t rest, const void *body, size_t len)
{
    size_t n = hp_icmp_write(b + 40, type, code, rest, body, len);
    hp_l4_csum6(b + 40, n, src, dst, HP_PROTO_ICMP6, 2);
    return hp_ip6(b, src, dst, HP_PROTO_ICMP6, NULL, n);
}

/* ---- parsing what the stack sends (the output oracle) ---- */

typedef struct hp_pkt {
    int ver;              /* 4 or 6 */
    uint8_t proto;        /* upper layer (after IPv6 extension headers) */
    uint32_t src4, dst4;
    uint8_t src6[16], dst6[16];
    uint16_t id;
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

/* Strict parse of a packet the stack sent.  Returns NULL when it is
 * well-formed, else the reason (a static string). */
static inline const char *hp_parse(const uint8_t *b, size_t len, hp_pkt *o)
{
    memset(o, 0, sizeof(*o));
    if (len < 1)
        return "empty";
    o->ver = b[0] >> 4;
    size_t off;
    if (o->ver == 4) {
        if (len < 20)
            return "ipv4 short";
        size_t hl = (size_t)(b[0] & 0x0f) * 4;
        if (hl < 20 || hl > len)
            return "ipv4 ihl";
        if (hp_r16(b + 2) != len)
            return "ipv4 tot_len != buffer";
        if (hp_fold(hp_sum(0, b, hl)) != 0)
            return "ipv4 header checksum";
        o->id = hp_r16(b + 4);
        uint16_t f = hp_r16(b + 6);
        if (f & 0x8000u)
            return "ipv4 reserved flag";
        o->mf = (f & HP_IP4_MF) != 0;
        o->frag_off = (uint32_t)(f & 0x1fffu) * 8u;
        o->is_frag = o->mf || o->frag_off;
        if (o->frag_off + (len - hl) > 65535u)
            return "ipv4 fragment past 64K";
        if (o->mf && ((len - hl) & 7))
            return "ipv4 non-final fragment not a multiple of 8";
        if (b[8] == 0)
            return "ipv4 ttl 0";
        o->proto = b[9];
        memcpy(&o->src4, b + 12, 4);
        memcpy(&o->dst4, b + 16, 4);
        off = hl;
    } else if (o->ver == 6) {
        if (len < 40)
            return "ipv6 short";
        if ((size_t)hp_r16(b + 4) + 40 != len)
            return "ipv6 payload length != buffer";
        memcpy(o->src6, b + 8, 16);
        memcpy(o->dst6, b + 24, 16);
        uint8_t nh = b[6];
        off = 40;
        if (nh == HP_NH_FRAG) {
            if (len - off < 8)
                return "ipv6 fragment header short";
            nh = b[off];
            uint16_t f = hp_r16(b + off + 2);
            o->frag_off = f & 0xfff8u;
            o->mf = (f & 1) != 0;
            o->id = (uint16_t)hp_r32(b + off + 4);
            o->is_frag = true;
            off += 8;
            if (o->mf && ((len - off) & 7))
                return "ipv6 non-final fragment not a multiple of 8";
        }
        o->proto = nh;
    } else {
        return "bad ip version";
    }
    o->l4 = b + off;
    o->l4len = len - off;
    if (o->is_frag && o->frag_off != 0)
        return NULL; /* a later fragment: nothing more to check alone */
    if (o->is_frag)
        return NULL; /* first fragment: the upper layer spans several packets */
    uint64_t ps = o->ver == 4 ? hp_pseudo4(o->src4, o->dst4, o->proto, (uint32_t)o->l4len)
                              : hp_pseudo6(o->src6, o->dst6, o->proto, (uint32_t)o->l4len);
    const uint8_t *l = o->l4;
    size_t n = o->l4len;
    switch (o->proto) {
    case HP_PROTO_TCP: {
        if (n < 20)
            return "tcp short";
        if (hp_fold(hp_sum(ps, l, n)) != 0)
            return "tcp checksum";
        o->sport = hp_r16(l);
        o->dport = hp_r16(l + 2);
        o->seq = hp_r32(l + 4);
        o->ack = hp_r32(l + 8);
        o->thl = (size_t)(l[12] >> 4) * 4;
        o->flags = l[13];
        o->win = hp_r16(l + 14);
        o->urg = hp_r16(l + 18);
        if (o->thl < 20 || o->thl > n)
            return "tcp data offset";
        if ((o->flags & (HP_TCP_SYN | HP_TCP_FIN)) == (HP_TCP_SYN | HP_TCP_FIN))
            return "tcp syn+fin";
        if ((o->flags & (HP_TCP_SYN | HP_TCP_RST)) == (HP_TCP_SYN | HP_TCP_RST))
            return "tcp syn+rst";
        if (!(o->flags & (HP_TCP_SYN | HP_TCP_FIN | HP_TCP_RST | HP_TCP_ACK)))
            return "tcp no flags";
        if (o->sport == 0 || o->dport == 0)
            return "tcp port 0";
        for (size_t i = 20; i < o->thl;) {
            uint8_t k = l[i];
            if (k == 0)
                break;
            if (k == 1) {
                i++;
                continue;
            }
            if (o->thl - i < 2 || l[i + 1] < 2 || l[i + 1] > o->thl - i)
                return "tcp option length";
            uint8_t ol = l[i + 1];
            if (k == 2) {
                if (ol != 4)
                    return "tcp mss length";
                o->has_mss = true;
                o->mss = hp_r16(l + i + 2);
            } else if (k == 3) {
                if (ol != 3)
                    return "tcp wscale length";
                o->has_ws = true;
                o->ws = l[i + 2];
                if (o->ws > 14)
                    return "tcp wscale > 14";
            } else if (k == 4) {
                if (ol != 2)
                    return "tcp sack-permitted length";
                o->sack_perm = true;
            } else if (k == 8) {
                if (ol != 10)
                    return "tcp timestamp length";
                o->has_ts = true;
                o->tsval = hp_r32(l + i + 2);
                o->tsecr = hp_r32(l + i + 6);
            } else if (k == 5) {
                if (ol < 10 || (ol - 2) % 8)
                    return "tcp sack length";
                for (int j = 0; j < (ol - 2) / 8 && j < 4; j++) {
                    o->sack[j][0] = hp_r32(l + i + 2 + 8 * j);
                    o->sack[j][1] = hp_r32(l + i + 6 + 8 * j);
                }
                o->nsack = (ol - 2) / 8;
            }
            i += ol;
        }
        if ((o->has_mss || o->has_ws || o->sack_perm) && !(o->flags & HP_TCP_SYN))
            return "tcp syn-only option on a non-SYN";
        if ((o->flags & HP_TCP_RST) && n > o->thl)
            return "tcp rst with data";
        o->data = l + o->thl;
        o->dlen = n - o->thl;
        return NULL;
    }
    case HP_PROTO_UDP:
        if (n < 8)
            return "udp short";
        if (hp_r16(l + 4) != n)
            return "udp length";
        if (hp_r16(l + 6) == 0) {
            if (o->ver == 6)
                return "udp zero checksum over ipv6";
        } else if (hp_fold(hp_sum(ps, l, n)) != 0) {
            return "udp checksum";
        }
        o->sport = hp_r16(l);
        o->dport = hp_r16(l + 2);
        o->data = l + 8;
        o->dlen = n - 8;
        return NULL;
    case HP_PROTO_ICMP:
        if (o->ver != 4)
            return "icmpv4 over ipv6";
        if (n < 8)
            return "icmp short";
        if (hp_fold(hp_sum(0, l, n)) != 0)
            return "icmp checksum";
        o->itype = l[0];
        o->icode = l[1];
        o->data = l + 8;
        o->dlen = n - 8;
        return NULL;
    case HP_PROTO_ICMP6:
        if (o->ver != 6)
            return "icmpv6 over ipv4";
        if (n < 8)
            return "icmpv6 short";
        if (hp_fold(hp_sum(ps, l, n)) != 0)
            return "icmpv6 checksum";
        if (n + 40 > 1280 && l[0] < 128)
            return "icmpv6 error longer than 1280";
        o->itype = l[0];
        o->icode = l[1];
        o->data = l + 8;
        o->dlen = n - 8;
        return NULL;
    default:
        return "unexpected protocol sent";
    }
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
