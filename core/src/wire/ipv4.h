/* wire/ipv4.h: the IPv4 header view (RFC 791): parse and emit.
 *
 * Inline because they run for every packet in and every segment and ACK
 * out: the compiler keeps the repr in registers instead of building it in
 * memory and copying it across a call. */
#ifndef TERN_WIRE_IPV4_H
#define TERN_WIRE_IPV4_H

#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/wire.h"

/* Validates version, IHL (>= 5 and within len), total length (>= IHL and
 * <= len; bytes past tot_len are padding the caller trims) and, when
 * verify_csum, the header checksum. */
static inline tern_wire_err tern__ipv4_parse(const uint8_t *buf, size_t len, bool verify_csum, tern_ipv4_repr *out)
{
    if (len < TERN_IPV4_HLEN)
        return TERN_WIRE_TRUNCATED;
    if ((buf[0] >> 4) != 4)
        return TERN_WIRE_BAD_VERSION;
    size_t hlen = (size_t)(buf[0] & 0x0fu) * 4;
    if (hlen < TERN_IPV4_HLEN)
        return TERN_WIRE_BAD_HLEN;
    if (hlen > len)
        return TERN_WIRE_TRUNCATED;
    uint16_t tot_len = tern_rd16(buf + 2);
    if (tot_len < hlen)
        return TERN_WIRE_BAD_LENGTH;
    if (tot_len > len)
        return TERN_WIRE_TRUNCATED;
    if (verify_csum) {
        if (tern__csum_finish(tern__csum_header(0, buf, hlen)) != 0)
            return TERN_WIRE_BAD_CHECKSUM;
    }

    /* The reserved flag bit (0x8000) is ignored, as RFC 791 asks. */
    uint16_t frag = tern_rd16(buf + 6);
    out->hlen = (uint16_t)hlen;
    out->tot_len = tot_len;
    out->tos = buf[1];
    out->id = tern_rd16(buf + 4);
    out->frag_off = (uint16_t)((frag & TERN_IPV4_OFFMASK) * 8u);
    out->more_frags = (frag & TERN_IPV4_FLAG_MF) != 0;
    out->dont_frag = (frag & TERN_IPV4_FLAG_DF) != 0;
    out->ttl = buf[8];
    out->proto = buf[9];
    out->src = tern_rdbe32(buf + 12);
    out->dst = tern_rdbe32(buf + 16);
    return TERN_WIRE_OK;
}

/* Writes a 20-byte header (hlen in the repr is ignored) with its checksum. */
static inline void tern__ipv4_emit(uint8_t *buf, const tern_ipv4_repr *r)
{
    /* frag_off is in bytes; the field counts 8-byte units, so a
     * non-multiple of 8 is rounded down (only the last fragment may have
     * a length that is not a multiple of 8, never an offset). */
    uint16_t frag = (uint16_t)((r->frag_off / 8u) & TERN_IPV4_OFFMASK);
    if (r->more_frags)
        frag |= TERN_IPV4_FLAG_MF;
    if (r->dont_frag)
        frag |= TERN_IPV4_FLAG_DF;

    buf[0] = 0x45; /* version 4, IHL 5: tern sends no IP options */
    buf[1] = r->tos;
    tern_wr16(buf + 2, r->tot_len);
    tern_wr16(buf + 4, r->id);
    tern_wr16(buf + 6, frag);
    buf[8] = r->ttl;
    buf[9] = r->proto;
    tern_wr16(buf + 10, 0);
    memcpy(buf + 12, &r->src, 4);
    memcpy(buf + 16, &r->dst, 4);
    tern_wr16(buf + 10, tern__csum_finish(tern__csum_header(0, buf, TERN_IPV4_HLEN)));
}

#endif
