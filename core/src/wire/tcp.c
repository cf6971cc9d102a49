/* wire/tcp.c: the TCP header view and its options (RFC 9293, RFC 7323,
 * RFC 2018). */
#include <stddef.h>
#include <string.h>

#include "wire/bytes.h"
#include "wire/wire.h"

#define OPT_EOL 0u
#define OPT_NOP 1u
#define OPT_MSS 2u
#define OPT_WS 3u
#define OPT_SACK_PERM 4u
#define OPT_SACK 5u
#define OPT_TS 8u

#define OPT_SPACE (TERN_TCP_MAX_HLEN - TERN_TCP_HLEN) /* 40 */
#define SACK_BASE 4u  /* NOP NOP kind len */
#define SACK_BLOCK 8u

static tern_wire_err parse_option(const uint8_t *o, uint8_t kind, uint8_t olen, tern_tcp_repr *r)
{
    switch (kind) {
    case OPT_MSS:
        if (olen != 4)
            return TERN_WIRE_BAD_OPTION;
        r->has_mss = true;
        r->mss = tern_rd16(o + 2);
        break;
    case OPT_WS:
        if (olen != 3)
            return TERN_WIRE_BAD_OPTION;
        r->has_wscale = true;
        r->wscale = o[2];
        break;
    case OPT_SACK_PERM:
        if (olen != 2)
            return TERN_WIRE_BAD_OPTION;
        r->sack_permitted = true;
        break;
    case OPT_TS:
        if (olen != 10)
            return TERN_WIRE_BAD_OPTION;
        r->has_ts = true;
        r->ts_val = tern_rd32(o + 2);
        r->ts_ecr = tern_rd32(o + 6);
        break;
    case OPT_SACK: {
        /* n > 4 cannot fit in 40 bytes of options; checked anyway so the
         * bound on r->sack[] is visible here. */
        unsigned n = (olen - 2u) / SACK_BLOCK;
        if (olen < 2 + SACK_BLOCK || (olen - 2u) % SACK_BLOCK != 0 || n > TERN_TCP_MAX_SACK)
            return TERN_WIRE_BAD_OPTION;
        for (unsigned i = 0; i < n; i++) {
            r->sack[i].left = tern_rd32(o + 2 + i * SACK_BLOCK);
            r->sack[i].right = tern_rd32(o + 6 + i * SACK_BLOCK);
        }
        r->sack_count = (uint8_t)n;
        break;
    }
    default:
        break; /* unknown but well formed: skipped */
    }
    return TERN_WIRE_OK;
}

tern_wire_err tern__tcp_parse(const uint8_t *buf, size_t len, tern_tcp_repr *out)
{
    if (len < TERN_TCP_HLEN)
        return TERN_WIRE_TRUNCATED;
    size_t hlen = (size_t)(buf[12] >> 4) * 4;
    if (hlen < TERN_TCP_HLEN)
        return TERN_WIRE_BAD_HLEN;
    if (hlen > len)
        return TERN_WIRE_TRUNCATED;

    /* Filled in place (no copy of the whole repr per segment); on an error
     * *out holds what was read so far, which callers do not use. */
    tern_tcp_repr *r = out;
    /* The fixed fields are all written below; of the options, the present
     * flags, the values and the SACK count are cleared, not the SACK
     * blocks (read only below sack_count). */
    memset(&r->has_mss, 0, offsetof(tern_tcp_repr, sack) - offsetof(tern_tcp_repr, has_mss));
    r->src_port = tern_rd16(buf);
    r->dst_port = tern_rd16(buf + 2);
    r->seq = tern_rd32(buf + 4);
    r->ack = tern_rd32(buf + 8);
    r->hlen = (uint16_t)hlen;
    r->flags = buf[13];
    r->window = tern_rd16(buf + 14);
    r->checksum = tern_rd16(buf + 16);
    r->urgent = tern_rd16(buf + 18);

    /* Every read below is of o[0..olen) with olen <= hlen - i, so nothing
     * past the header is touched, whatever the length bytes say. */
    size_t i = TERN_TCP_HLEN;
    while (i < hlen) {
        uint8_t kind = buf[i];
        if (kind == OPT_EOL)
            break;
        if (kind == OPT_NOP) {
            i++;
            continue;
        }
        /* A kind byte with no room for its length byte: lwIP 2.1.3 read
         * one byte past the header here. */
        if (hlen - i < 2)
            return TERN_WIRE_BAD_OPTION;
        uint8_t olen = buf[i + 1];
        if (olen < 2 || olen > hlen - i)
            return TERN_WIRE_BAD_OPTION;
        tern_wire_err e = parse_option(buf + i, kind, olen, r);
        if (e != TERN_WIRE_OK)
            return e;
        i += olen;
    }
    return TERN_WIRE_OK;
}

/* Option bytes other than SACK blocks.  The layout is Linux's
 * (tcp_options_write): every option is 4-byte aligned on its own, and
 * SACK-permitted takes the place of the two NOPs in front of timestamps. */
static unsigned opt_base_len(const tern_tcp_repr *r)
{
    unsigned n = 0;
    if (r->has_mss)
        n += 4;
    if (r->has_ts)
        n += 12;
    else if (r->sack_permitted)
        n += 4;
    if (r->has_wscale)
        n += 4;
    return n;
}

/* SACK blocks that fit in the option space left over: the first ones in
 * r->sack[] (RFC 2018 puts the most recent block first), as Linux does.
 * With timestamps at most 3 fit; with MSS, timestamps and window scale
 * only 2; sack_count above TERN_TCP_MAX_SACK counts as the maximum. */
static unsigned sack_fit(const tern_tcp_repr *r, unsigned base)
{
    unsigned want = r->sack_count < TERN_TCP_MAX_SACK ? r->sack_count : TERN_TCP_MAX_SACK;
    unsigned room = OPT_SPACE - base;
    unsigned fit = room >= SACK_BASE ? (room - SACK_BASE) / SACK_BLOCK : 0;
    return want < fit ? want : fit;
}

static unsigned sack_len(unsigned blocks)
{
    return blocks ? SACK_BASE + blocks * SACK_BLOCK : 0;
}

uint16_t tern__tcp_header_len(const tern_tcp_repr *r)
{
    unsigned base = opt_base_len(r);
    return (uint16_t)(TERN_TCP_HLEN + base + sack_len(sack_fit(r, base)));
}

static uint8_t *put4(uint8_t *p, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    p[0] = a;
    p[1] = b;
    p[2] = c;
    p[3] = d;
    return p + 4;
}

uint16_t tern__tcp_emit(uint8_t *buf, const tern_tcp_repr *r)
{
    uint16_t hlen = tern__tcp_header_len(r);
    unsigned blocks = sack_fit(r, opt_base_len(r));

    tern_wr16(buf, r->src_port);
    tern_wr16(buf + 2, r->dst_port);
    tern_wr32(buf + 4, r->seq);
    tern_wr32(buf + 8, r->ack);
    buf[12] = (uint8_t)((hlen / 4u) << 4);
    buf[13] = r->flags;
    tern_wr16(buf + 14, r->window);
    tern_wr16(buf + 16, 0);
    tern_wr16(buf + 18, r->urgent);

    uint8_t *p = buf + TERN_TCP_HLEN;
    if (r->has_mss) {
        p = put4(p, OPT_MSS, 4, 0, 0);
        tern_wr16(p - 2, r->mss);
    }
    if (r->has_ts) {
        if (r->sack_permitted)
            p = put4(p, OPT_SACK_PERM, 2, OPT_TS, 10);
        else
            p = put4(p, OPT_NOP, OPT_NOP, OPT_TS, 10);
        tern_wr32(p, r->ts_val);
        tern_wr32(p + 4, r->ts_ecr);
        p += 8;
    } else if (r->sack_permitted) {
        p = put4(p, OPT_NOP, OPT_NOP, OPT_SACK_PERM, 2);
    }
    if (r->has_wscale)
        p = put4(p, OPT_NOP, OPT_WS, 3, r->wscale);
    if (blocks) {
        p = put4(p, OPT_NOP, OPT_NOP, OPT_SACK, (uint8_t)(2 + blocks * SACK_BLOCK));
        for (unsigned i = 0; i < blocks; i++) {
            tern_wr32(p, r->sack[i].left);
            tern_wr32(p + 4, r->sack[i].right);
            p += SACK_BLOCK;
        }
    }
    return hlen;
}
