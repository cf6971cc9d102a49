/* build.c: packet construction.  Every builder writes a complete header
 * with correct lengths and checksums unless told to break one; scenarios
 * that need other damage patch the bytes afterwards. */
#include "pkt.h"

#include <stdlib.h>
#include <string.h>

static uint16_t apply_csum(uint16_t good, enum pkt_csum mode)
{
    switch (mode) {
    case PKT_CSUM_ZERO:
        return 0;
    case PKT_CSUM_BAD:
        /* Any value but the right one; flipping bits keeps it non-zero for
         * all but one input, and 0x0000 would mean "no checksum" for UDP. */
        return (uint16_t)(good ^ 0x5a5a) ? (uint16_t)(good ^ 0x5a5a) : 0x1234;
    case PKT_CSUM_OK:
    default:
        return good;
    }
}

size_t pkt_udp(uint8_t *out, const pkt_addr *src, const pkt_addr *dst,
                const struct pkt_udp *h, const void *payload, size_t n)
{
    size_t len = 8 + n;
    uint16_t sum;
    pkt_put16(out, h->sport);
    pkt_put16(out + 2, h->dport);
    pkt_put16(out + 4, (uint16_t)((int)len + h->len_adj));
    pkt_put16(out + 6, 0);
    if (n) {
        memmove(out + 8, payload, n);
    }
    /* The pseudo-header carries the real segment length: the checksum is
     * "correct" for a receiver that trusts the IP length, so a bad length
     * field is caught by the length check, not by accident by the sum. */
    sum = pkt_fold(pkt_sum(out, len, pkt_pseudo(src, dst, PKT_UDP, (uint32_t)len)));
    if (sum == 0) {
        sum = 0xffff; /* zero means "no checksum" (RFC 768) */
    }
    pkt_put16(out + 6, apply_csum(sum, h->csum));
    return len;
}

size_t pkt_icmp(uint8_t *out, const pkt_addr *src, const pkt_addr *dst, uint8_t type,
                uint8_t code, uint32_t rest, const void *body, size_t n, enum pkt_csum csum)
{
    size_t len = 8 + n;
    /* ICMPv6 covers a pseudo-header (RFC 4443 2.3), ICMP does not (RFC 792) */
    uint32_t acc = src->v == 6 ? pkt_pseudo(src, dst, PKT_ICMP6, (uint32_t)len) : 0;
    if (n) {
        memmove(out + 8, body, n);
    }
    out[0] = type;
    out[1] = code;
    pkt_put16(out + 2, 0);
    pkt_put32(out + 4, rest);
    pkt_put16(out + 2, apply_csum(pkt_fold(pkt_sum(out, len, acc)), csum));
    return len;
}

size_t pkt_echo(uint8_t *out, const pkt_addr *src, const pkt_addr *dst, int request,
                uint16_t id, uint16_t seq, const void *payload, size_t n,
                enum pkt_csum csum)
{
    uint8_t type = src->v == 4 ? (request ? 8 : 0) : (request ? 128 : 129);
    return pkt_icmp(out, src, dst, type, 0, (uint32_t)id << 16 | seq, payload, n, csum);
}

size_t pkt_tcp(uint8_t *out, const pkt_addr *src, const pkt_addr *dst,
                const struct pkt_tcp *h, const void *payload, size_t n)
{
    size_t hlen = 20 + h->optlen;
    size_t len = hlen + n;
    pkt_put16(out, h->sport);
    pkt_put16(out + 2, h->dport);
    pkt_put32(out + 4, h->seq);
    pkt_put32(out + 8, h->ack);
    out[12] = (uint8_t)((((int)hlen / 4 + h->doff_adj) & 0xf) << 4);
    out[13] = h->flags;
    pkt_put16(out + 14, h->win);
    pkt_put16(out + 16, 0);
    pkt_put16(out + 18, h->urp);
    if (h->optlen) {
        memcpy(out + 20, h->opt, h->optlen);
    }
    if (n) {
        memmove(out + hlen, payload, n);
    }
    pkt_put16(out + 16, apply_csum(pkt_fold(pkt_sum(out, len,
               pkt_pseudo(src, dst, PKT_TCP, (uint32_t)len))), h->csum));
    return len;
}

void pkt_ip4_fix_csum(uint8_t *pkt)
{
    size_t hlen = (size_t)(pkt[0] & 0xf) * 4;
    pkt_put16(pkt + 10, 0);
    pkt_put16(pkt + 10, pkt_fold(pkt_sum(pkt, hlen, 0)));
}

size_t pkt_ip4(uint8_t *out, const struct pkt_ip4 *h, const void *payload, size_t n)
{
    size_t hlen = 20 + h->optlen;
    /* payload first: it may already sit in out at its final offset */
    if (n) {
        memmove(out + hlen, payload, n);
    }
    out[0] = (uint8_t)(0x40 | (hlen / 4));
    out[1] = h->tos;
    pkt_put16(out + 2, (uint16_t)(hlen + n));
    pkt_put16(out + 4, h->id);
    pkt_put16(out + 6, h->frag);
    out[8] = h->ttl ? h->ttl : 64;
    out[9] = h->proto;
    memcpy(out + 12, h->src.a, 4);
    memcpy(out + 16, h->dst.a, 4);
    if (h->optlen) {
        memcpy(out + 20, h->opt, h->optlen);
    }
    pkt_ip4_fix_csum(out);
    return hlen + n;
}

size_t pkt_ip6(uint8_t *out, const struct pkt_ip6 *h, const void *payload, size_t n)
{
    if (n) {
        memmove(out + 40, payload, n);
    }
    pkt_put32(out, 6u << 28 | (uint32_t)h->tc << 20 | (h->flow & 0xfffff));
    pkt_put16(out + 4, (uint16_t)n);
    out[6] = h->nh;
    out[7] = h->hlim ? h->hlim : 64;
    memcpy(out + 8, h->src.a, 16);
    memcpy(out + 24, h->dst.a, 16);
    return 40 + n;
}

size_t pkt_ip6_opthdr(uint8_t *out, uint8_t nh, size_t len,
                       const uint8_t *opt, size_t optlen)
{
    size_t pad = len - 2 - optlen;
    out[0] = nh;
    out[1] = (uint8_t)(len / 8 - 1);
    if (optlen) {
        memcpy(out + 2, opt, optlen);
    }
    if (pad == 1) {
        out[2 + optlen] = 0; /* Pad1 */
    } else if (pad >= 2) {
        out[2 + optlen] = 1; /* PadN */
        out[3 + optlen] = (uint8_t)(pad - 2);
        memset(out + 4 + optlen, 0, pad - 2);
    }
    return len;
}

size_t pkt_ip4_fragment(uint8_t *out, const uint8_t *dgram, size_t len,
                         size_t off, size_t n, int more)
{
    size_t hlen = (size_t)(dgram[0] & 0xf) * 4;
    uint16_t frag = (uint16_t)(pkt_get16(dgram + 6) & PKT_IP4_DF);
    (void)len;
    memcpy(out, dgram, hlen);
    memcpy(out + hlen, dgram + hlen + off, n);
    frag |= (uint16_t)(off / 8);
    if (more) {
        frag |= PKT_IP4_MF;
    }
    pkt_put16(out + 2, (uint16_t)(hlen + n));
    pkt_put16(out + 6, frag);
    pkt_ip4_fix_csum(out);
    return hlen + n;
}

size_t pkt_ip6_fragment(uint8_t *out, const uint8_t *dgram, size_t len,
                         uint32_t ident, size_t off, size_t n, int more)
{
    (void)len;
    memcpy(out, dgram, 40);
    out[6] = PKT_FRAGMENT;
    out[40] = dgram[6];     /* next header of the fragmentable part */
    out[41] = 0;
    pkt_put16(out + 42, (uint16_t)(off | (more ? 1 : 0)));
    pkt_put32(out + 44, ident);
    memcpy(out + 48, dgram + 40 + off, n);
    pkt_put16(out + 4, (uint16_t)(8 + n));
    return 48 + n;
}

static uint8_t scratch[PKT_MAX];

size_t pkt_ip_packet(uint8_t *out, const char *src, const char *dst,
                      uint8_t proto, const void *seg, size_t n)
{
    pkt_addr s = pkt_addr_of(src), d = pkt_addr_of(dst);
    if (s.v == 4) {
        struct pkt_ip4 h = { .src = s, .dst = d, .proto = proto, .ttl = 64 };
        return pkt_ip4(out, &h, seg, n);
    } else {
        struct pkt_ip6 h = { .src = s, .dst = d, .nh = proto, .hlim = 64 };
        return pkt_ip6(out, &h, seg, n);
    }
}

size_t pkt_udp_packet(uint8_t *out, const char *src, uint16_t sport,
                       const char *dst, uint16_t dport, const void *pl, size_t n)
{
    pkt_addr s = pkt_addr_of(src), d = pkt_addr_of(dst);
    struct pkt_udp u = { .sport = sport, .dport = dport };
    size_t len = pkt_udp(scratch, &s, &d, &u, pl, n);
    return pkt_ip_packet(out, src, dst, PKT_UDP, scratch, len);
}

size_t pkt_echo_packet(uint8_t *out, const char *src, const char *dst,
                        uint16_t id, uint16_t seq, const void *pl, size_t n)
{
    pkt_addr s = pkt_addr_of(src), d = pkt_addr_of(dst);
    size_t len = pkt_echo(scratch, &s, &d, 1, id, seq, pl, n, PKT_CSUM_OK);
    return pkt_ip_packet(out, src, dst, s.v == 4 ? PKT_ICMP : PKT_ICMP6,
                          scratch, len);
}

size_t pkt_tcp_options(uint8_t *out, const struct pkt_tcp_opts *o)
{
    size_t n = 0;
    int i;
    if (o->mss) {
        out[n++] = 2;
        out[n++] = 4;
        pkt_put16(out + n, o->mss);
        n += 2;
    }
    if (o->sack_perm && o->has_ts) {
        out[n++] = 4;
        out[n++] = 2;
    } else if (o->sack_perm) {
        out[n++] = 1;
        out[n++] = 1;
        out[n++] = 4;
        out[n++] = 2;
    }
    if (o->has_ts) {
        if (!o->sack_perm) {
            out[n++] = 1;
            out[n++] = 1;
        }
        out[n++] = 8;
        out[n++] = 10;
        pkt_put32(out + n, o->tsval);
        pkt_put32(out + n + 4, o->tsecr);
        n += 8;
    }
    if (o->has_wscale) {
        out[n++] = 1;
        out[n++] = 3;
        out[n++] = 3;
        out[n++] = o->wscale;
    }
    if (o->nsack) {
        int k = o->nsack > 4 ? 4 : o->nsack;
        if (n + 2 + 8 * (size_t)k > 40) {
            k = (int)((40 - n - 4) / 8);
        }
        out[n++] = 1;
        out[n++] = 1;
        out[n++] = 5;
        out[n++] = (uint8_t)(2 + 8 * k);
        for (i = 0; i < k; i++) {
            pkt_put32(out + n, o->sack[i][0]);
            pkt_put32(out + n + 4, o->sack[i][1]);
            n += 8;
        }
    }
    while (n % 4) {
        out[n++] = 1; /* NOP, so every option stays aligned as stacks send them */
    }
    return n;
}

size_t pkt_tcp_packet(uint8_t *out, const char *src, const char *dst,
                       const struct pkt_tcp *h, const void *payload, size_t n)
{
    pkt_addr s = pkt_addr_of(src), d = pkt_addr_of(dst);
    size_t len = pkt_tcp(scratch, &s, &d, h, payload, n);
    return pkt_ip_packet(out, src, dst, PKT_TCP, scratch, len);
}
