/* build.c: packet construction.  Every builder writes a complete header
 * with correct lengths and checksums unless told to break one; scenarios
 * that need other damage patch the bytes afterwards. */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

static uint16_t apply_csum(uint16_t good, enum wire_csum mode)
{
    switch (mode) {
    case WCS_ZERO:
        return 0;
    case WCS_BAD:
        /* Any value but the right one; flipping bits keeps it non-zero for
         * all but one input, and 0x0000 would mean "no checksum" for UDP. */
        return (uint16_t)(good ^ 0x5a5a) ? (uint16_t)(good ^ 0x5a5a) : 0x1234;
    case WCS_OK:
    default:
        return good;
    }
}

size_t wire_udp(uint8_t *out, const waddr *src, const waddr *dst,
                const struct wire_udp *h, const void *payload, size_t n)
{
    size_t len = 8 + n;
    uint16_t sum;
    wire_put16(out, h->sport);
    wire_put16(out + 2, h->dport);
    wire_put16(out + 4, (uint16_t)((int)len + h->len_adj));
    wire_put16(out + 6, 0);
    if (n) {
        memmove(out + 8, payload, n);
    }
    /* The pseudo-header carries the real segment length: the checksum is
     * "correct" for a receiver that trusts the IP length, so a bad length
     * field is caught by the length check, not by accident by the sum. */
    sum = wire_fold(wire_sum(out, len, wire_pseudo(src, dst, WIRE_UDP, (uint32_t)len)));
    if (sum == 0) {
        sum = 0xffff; /* zero means "no checksum" (RFC 768) */
    }
    wire_put16(out + 6, apply_csum(sum, h->csum));
    return len;
}

size_t wire_echo(uint8_t *out, const waddr *src, const waddr *dst, int request,
                 uint16_t id, uint16_t seq, const void *payload, size_t n,
                 enum wire_csum csum)
{
    size_t len = 8 + n;
    uint32_t acc = 0;
    if (src->v == 4) {
        out[0] = request ? 8 : 0;
    } else {
        out[0] = request ? 128 : 129;
        acc = wire_pseudo(src, dst, WIRE_ICMP6, (uint32_t)len);
    }
    out[1] = 0;
    wire_put16(out + 2, 0);
    wire_put16(out + 4, id);
    wire_put16(out + 6, seq);
    if (n) {
        memmove(out + 8, payload, n);
    }
    wire_put16(out + 2, apply_csum(wire_fold(wire_sum(out, len, acc)), csum));
    return len;
}

size_t wire_tcp(uint8_t *out, const waddr *src, const waddr *dst,
                const struct wire_tcp *h, const void *payload, size_t n)
{
    size_t hlen = 20 + h->optlen;
    size_t len = hlen + n;
    wire_put16(out, h->sport);
    wire_put16(out + 2, h->dport);
    wire_put32(out + 4, h->seq);
    wire_put32(out + 8, h->ack);
    out[12] = (uint8_t)((((int)hlen / 4 + h->doff_adj) & 0xf) << 4);
    out[13] = h->flags;
    wire_put16(out + 14, h->win);
    wire_put16(out + 16, 0);
    wire_put16(out + 18, h->urp);
    if (h->optlen) {
        memcpy(out + 20, h->opt, h->optlen);
    }
    if (n) {
        memmove(out + hlen, payload, n);
    }
    wire_put16(out + 16, apply_csum(wire_fold(wire_sum(out, len,
               wire_pseudo(src, dst, WIRE_TCP, (uint32_t)len))), h->csum));
    return len;
}

void wire_ip4_fix_csum(uint8_t *pkt)
{
    size_t hlen = (size_t)(pkt[0] & 0xf) * 4;
    wire_put16(pkt + 10, 0);
    wire_put16(pkt + 10, wire_fold(wire_sum(pkt, hlen, 0)));
}

size_t wire_ip4(uint8_t *out, const struct wire_ip4 *h, const void *payload, size_t n)
{
    size_t hlen = 20 + h->optlen;
    /* payload first: it may already sit in out at its final offset */
    if (n) {
        memmove(out + hlen, payload, n);
    }
    out[0] = (uint8_t)(0x40 | (hlen / 4));
    out[1] = h->tos;
    wire_put16(out + 2, (uint16_t)(hlen + n));
    wire_put16(out + 4, h->id);
    wire_put16(out + 6, h->frag);
    out[8] = h->ttl ? h->ttl : 64;
    out[9] = h->proto;
    memcpy(out + 12, h->src.a, 4);
    memcpy(out + 16, h->dst.a, 4);
    if (h->optlen) {
        memcpy(out + 20, h->opt, h->optlen);
    }
    wire_ip4_fix_csum(out);
    return hlen + n;
}

size_t wire_ip6(uint8_t *out, const struct wire_ip6 *h, const void *payload, size_t n)
{
    if (n) {
        memmove(out + 40, payload, n);
    }
    wire_put32(out, 6u << 28 | (uint32_t)h->tc << 20 | (h->flow & 0xfffff));
    wire_put16(out + 4, (uint16_t)n);
    out[6] = h->nh;
    out[7] = h->hlim ? h->hlim : 64;
    memcpy(out + 8, h->src.a, 16);
    memcpy(out + 24, h->dst.a, 16);
    return 40 + n;
}

size_t wire_ip6_opthdr(uint8_t *out, uint8_t nh, size_t len,
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

size_t wire_ip4_fragment(uint8_t *out, const uint8_t *dgram, size_t len,
                         size_t off, size_t n, int more)
{
    size_t hlen = (size_t)(dgram[0] & 0xf) * 4;
    uint16_t frag = (uint16_t)(wire_get16(dgram + 6) & WIRE_IP4_DF);
    (void)len;
    memcpy(out, dgram, hlen);
    memcpy(out + hlen, dgram + hlen + off, n);
    frag |= (uint16_t)(off / 8);
    if (more) {
        frag |= WIRE_IP4_MF;
    }
    wire_put16(out + 2, (uint16_t)(hlen + n));
    wire_put16(out + 6, frag);
    wire_ip4_fix_csum(out);
    return hlen + n;
}

size_t wire_ip6_fragment(uint8_t *out, const uint8_t *dgram, size_t len,
                         uint32_t ident, size_t off, size_t n, int more)
{
    (void)len;
    memcpy(out, dgram, 40);
    out[6] = WIRE_FRAGMENT;
    out[40] = dgram[6];     /* next header of the fragmentable part */
    out[41] = 0;
    wire_put16(out + 42, (uint16_t)(off | (more ? 1 : 0)));
    wire_put32(out + 44, ident);
    memcpy(out + 48, dgram + 40 + off, n);
    wire_put16(out + 4, (uint16_t)(8 + n));
    return 48 + n;
}

static uint8_t scratch[WIRE_MAX];

size_t wire_ip_packet(uint8_t *out, const char *src, const char *dst,
                      uint8_t proto, const void *seg, size_t n)
{
    waddr s = WA(src), d = WA(dst);
    if (s.v == 4) {
        struct wire_ip4 h = { .src = s, .dst = d, .proto = proto, .ttl = 64 };
        return wire_ip4(out, &h, seg, n);
    } else {
        struct wire_ip6 h = { .src = s, .dst = d, .nh = proto, .hlim = 64 };
        return wire_ip6(out, &h, seg, n);
    }
}

size_t wire_udp_packet(uint8_t *out, const char *src, uint16_t sport,
                       const char *dst, uint16_t dport, const void *pl, size_t n)
{
    waddr s = WA(src), d = WA(dst);
    struct wire_udp u = { .sport = sport, .dport = dport };
    size_t len = wire_udp(scratch, &s, &d, &u, pl, n);
    return wire_ip_packet(out, src, dst, WIRE_UDP, scratch, len);
}

size_t wire_echo_packet(uint8_t *out, const char *src, const char *dst,
                        uint16_t id, uint16_t seq, const void *pl, size_t n)
{
    waddr s = WA(src), d = WA(dst);
    size_t len = wire_echo(scratch, &s, &d, 1, id, seq, pl, n, WCS_OK);
    return wire_ip_packet(out, src, dst, s.v == 4 ? WIRE_ICMP : WIRE_ICMP6,
                          scratch, len);
}

size_t wire_tcp_options(uint8_t *out, const struct wire_tcp_opts *o)
{
    size_t n = 0;
    int i;
    if (o->mss) {
        out[n++] = 2;
        out[n++] = 4;
        wire_put16(out + n, o->mss);
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
        wire_put32(out + n, o->tsval);
        wire_put32(out + n + 4, o->tsecr);
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
            wire_put32(out + n, o->sack[i][0]);
            wire_put32(out + n + 4, o->sack[i][1]);
            n += 8;
        }
    }
    while (n % 4) {
        out[n++] = 1; /* NOP, so every option stays aligned as stacks send them */
    }
    return n;
}

size_t wire_tcp_packet(uint8_t *out, const char *src, const char *dst,
                       const struct wire_tcp *h, const void *payload, size_t n)
{
    waddr s = WA(src), d = WA(dst);
    size_t len = wire_tcp(scratch, &s, &d, h, payload, n);
    return wire_ip_packet(out, src, dst, WIRE_TCP, scratch, len);
}
