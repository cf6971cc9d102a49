/* wire/ipv6.c: the IPv6 fixed header and extension-header walk (RFC 8200). */
#include <string.h>

#include "wire/bytes.h"
#include "wire/wire.h"

/* Bounds the walk so a hostile chain costs constant time (see wire.h). */
#define TERN_IPV6_MAX_EXT 8u

tern_wire_err tern__ipv6_parse(const uint8_t *buf, size_t len, tern_ipv6_repr *out)
{
    if (len < TERN_IPV6_HLEN)
        return TERN_WIRE_TRUNCATED;
    uint32_t w0 = tern_rd32(buf);
    if ((w0 >> 28) != 6)
        return TERN_WIRE_BAD_VERSION;
    uint16_t payload_len = tern_rd16(buf + 4);
    if ((size_t)payload_len > len - TERN_IPV6_HLEN)
        return TERN_WIRE_TRUNCATED;

    out->tclass = (uint8_t)(w0 >> 20);
    out->flow = w0 & 0xfffffu;
    out->payload_len = payload_len;
    out->next_header = buf[6];
    out->hop_limit = buf[7];
    memcpy(out->src, buf + 8, 16);
    memcpy(out->dst, buf + 24, 16);
    return TERN_WIRE_OK;
}

void tern__ipv6_emit(uint8_t *buf, const tern_ipv6_repr *r)
{
    tern_wr32(buf, (6u << 28) | ((uint32_t)r->tclass << 20) | (r->flow & 0xfffffu));
    tern_wr16(buf + 4, r->payload_len);
    buf[6] = r->next_header;
    buf[7] = r->hop_limit;
    memcpy(buf + 8, r->src, 16);
    memcpy(buf + 24, r->dst, 16);
}

static tern_wire_err problem(tern_ipv6_ext *out, uint8_t code, size_t pointer, bool icmp, bool not_mcast)
{
    memset(out, 0, sizeof *out);
    out->problem_icmp = icmp;
    out->problem_not_mcast = not_mcast;
    out->problem_code = code;
    out->problem_pointer = (uint16_t)pointer;
    return TERN_WIRE_BAD_OPTION;
}

/* The TLV options of a Hop-by-Hop or Destination Options header at
 * buf[off..off+ext_len): Pad1 and PadN are known; an unknown option's two
 * high type bits say what to do (RFC 8200 4.2). */
static tern_wire_err check_options(const uint8_t *buf, size_t off, size_t ext_len, tern_ipv6_ext *out)
{
    size_t i = off + 2, end = off + ext_len;
    while (i < end) {
        uint8_t type = buf[i];
        if (type == 0) { /* Pad1 */
            i++;
            continue;
        }
        if (end - i < 2 || (size_t)buf[i + 1] + 2 > end - i)
            return problem(out, 0, i + 1, false, false); /* option overruns its header */
        if (type != 1) {
            switch (type >> 6) {
            case 1:
                return problem(out, 2, i, false, false);
            case 2:
                return problem(out, 2, i, true, false);
            case 3:
                return problem(out, 2, i, true, true);
            default:
                break; /* 00: skip over it */
            }
        }
        i += (size_t)buf[i + 1] + 2;
    }
    return TERN_WIRE_OK;
}

/* Offsets fit uint16_t: at most 8 headers of at most 2048 bytes each follow
 * the 40-byte fixed header. */
tern_wire_err tern__ipv6_walk_ext(const uint8_t *buf, size_t len, tern_ipv6_ext *out)
{
    if (len < TERN_IPV6_HLEN)
        return TERN_WIRE_TRUNCATED;

    uint8_t nh = buf[6];
    size_t nh_off = 6;
    size_t off = TERN_IPV6_HLEN;
    unsigned count = 0;

    for (;;) {
        switch (nh) {
        case TERN_IPV6_NH_HOPOPT:
            /* RFC 8200 section 4.1: only directly after the fixed header. */
            if (off != TERN_IPV6_HLEN)
                return problem(out, 1, nh_off, true, false);
            /* fall through */
        case TERN_IPV6_NH_ROUTING:
        case TERN_IPV6_NH_DSTOPTS: {
            if (count == TERN_IPV6_MAX_EXT)
                return TERN_WIRE_UNSUPPORTED;
            if (len - off < 2)
                return TERN_WIRE_TRUNCATED;
            /* Hdr Ext Len counts 8-octet units beyond the first. */
            size_t ext_len = ((size_t)buf[off + 1] + 1) * 8;
            if (ext_len > len - off)
                return TERN_WIRE_TRUNCATED;
            if (nh != TERN_IPV6_NH_ROUTING) {
                tern_wire_err e = check_options(buf, off, ext_len, out);
                if (e != TERN_WIRE_OK)
                    return e;
            } else if (buf[off + 3] != 0) {
                /* Segments left: tern routes nothing, so every routing type
                 * is unknown to it (RFC 8200 4.4). */
                return problem(out, 0, off + 2, true, false);
            }
            nh_off = off;
            nh = buf[off];
            off += ext_len;
            count++;
            break;
        }
        case TERN_IPV6_NH_FRAGMENT: {
            if (count == TERN_IPV6_MAX_EXT)
                return TERN_WIRE_UNSUPPORTED;
            if (len - off < 8)
                return TERN_WIRE_TRUNCATED;
            /* Fragment Offset (13 bits) sits above Res (2) and M (1), so
             * masking gives the offset already multiplied by 8. */
            uint16_t field = tern_rd16(buf + off + 2);
            memset(out, 0, sizeof *out);
            out->proto = TERN_IPV6_NH_FRAGMENT;
            out->offset = (uint16_t)(off + 8);
            out->is_fragment = true;
            out->frag_hdr_offset = (uint16_t)off;
            out->frag_next = buf[off];
            out->frag_off = (uint16_t)(field & 0xfff8u);
            out->more_frags = (field & 1u) != 0;
            out->frag_id = tern_rd32(buf + off + 4);
            out->nh_field_offset = (uint16_t)nh_off;
            return TERN_WIRE_OK;
        }
        default:
            /* An upper layer, No Next Header, or a header this walk does
             * not know: the caller decides what to do with it. */
            memset(out, 0, sizeof *out);
            out->proto = nh;
            out->offset = (uint16_t)off;
            out->nh_field_offset = (uint16_t)nh_off;
            return TERN_WIRE_OK;
        }
    }
}
