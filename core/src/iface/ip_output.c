/* iface/ip_output.c: where every packet leaves the stack.
 *
 * The IP header goes into the headroom the transport left in front of its
 * segment (one pointer move, no copy); only a buffer without headroom gets
 * a separate header buffer chained in front.  Datagrams larger than the
 * interface MTU are fragmented (RFC 791, RFC 8200). */
#include <string.h>

#include "iface/ip.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

uint16_t tern__ip_transport_csum(const tern_pbuf *p, uint8_t proto, const tern_addr *src, const tern_addr *dst)
{
    tern_csum sum;
    if (src->type == TERN_ADDR_V4)
        sum = tern__csum_pseudo_v4(src->u.v4, dst->u.v4, proto, p->tot_len);
    else
        sum = tern__csum_pseudo_v6(src->u.v6.w, dst->u.v6.w, proto, p->tot_len);
    return tern__csum_finish(tern__csum_pbuf(sum, p, 0, p->tot_len));
}

/* The IPv4 header (no options) of every datagram tern sends: the fields
 * are stored and summed as numbers (RFC 1071: the sum of the big-endian
 * words), without an intermediate repr.  frag_field is the flags and
 * offset word (TERN_IPV4_FLAG_MF | offset in 8-byte units). */
void tern__ip_write_v4_header(uint8_t *b, uint32_t src_be, uint32_t dst_be, uint8_t proto, uint8_t ttl, uint8_t tos,
                              uint16_t tot_len, uint16_t id, uint16_t frag_field)
{
    b[0] = 0x45;
    b[1] = tos;
    tern_wr16(b + 2, tot_len);
    tern_wr16(b + 4, id);
    tern_wr16(b + 6, frag_field);
    b[8] = ttl;
    b[9] = proto;
    tern_wr16(b + 10, 0);
    memcpy(b + 12, &src_be, 4);
    memcpy(b + 16, &dst_be, 4);
    uint32_t src = tern_rd32(b + 12), dst = tern_rd32(b + 16);
    uint64_t sum = (0x4500u | tos) + (uint32_t)tot_len + id + frag_field + ((uint32_t)ttl << 8 | proto) +
                   (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu);
    tern_wr16(b + 10, tern__csum_finish(sum));
}

static void write_header(tern_stack *s, uint8_t *b, const tern_addr *src, const tern_addr *dst, uint8_t proto,
                         uint8_t ttl, uint8_t tos, uint16_t payload_len, uint16_t id, uint16_t frag_field)
{
    if (src->type == TERN_ADDR_V4) {
        tern__ip_write_v4_header(b, src->u.v4, dst->u.v4, proto, ttl, tos, (uint16_t)(TERN_IPV4_HLEN + payload_len), id,
                                 (uint16_t)(frag_field & (TERN_IPV4_OFFMASK | TERN_IPV4_FLAG_MF)));
    } else {
        tern_ipv6_repr r = {.payload_len = payload_len, .tclass = tos, .next_header = proto, .hop_limit = ttl};
        memcpy(r.src, src->u.v6.w, 16);
        memcpy(r.dst, dst->u.v6.w, 16);
        tern__ipv6_emit(b, &r);
    }
    s->stats.ip_out++;
}

static const tern_addr *next_hop(const tern_iface *ifc, const tern_addr *dst, tern_addr *gw)
{
    if (dst->type == TERN_ADDR_V4 && ifc->v4_gw && ifc->v4_mask &&
        (dst->u.v4 & ifc->v4_mask) != (ifc->v4_addr & ifc->v4_mask)) {
        tern_addr_set_v4(gw, ifc->v4_gw);
        return gw;
    }
    return dst;
}

/* Splits p into MTU-sized fragments, each a fresh buffer (one copy: this
 * is the uncommon path, and the copies let each fragment be freed alone). */
static int output_fragments(tern_stack *s, tern_pbuf *p, const tern_addr *src, const tern_addr *dst,
                            uint8_t proto, uint8_t ttl, uint8_t tos, tern_iface *ifc, const tern_addr *hop)
{
    bool v6 = src->type == TERN_ADDR_V6;
    uint16_t hlen = v6 ? TERN_IPV6_HLEN + 8 : TERN_IPV4_HLEN;
    if (ifc->mtu <= hlen + 8)
        return TERN_ERR_VAL;
    uint16_t chunk = (uint16_t)((ifc->mtu - hlen) & ~7u);
    uint16_t id16 = s->ip_id++;
    uint32_t id32 = ((uint32_t)s->ip_id << 16) ^ tern__stack_now(s);
    for (uint32_t off = 0; off < p->tot_len; off += chunk) {
        uint16_t n = (uint16_t)(p->tot_len - off < chunk ? p->tot_len - off : chunk);
        bool more = off + n < p->tot_len;
        tern_pbuf *f = tern_pbuf_alloc(16, (uint16_t)(hlen + n), TERN_PBUF_RAM);
        if (!f)
            return TERN_ERR_MEM;
        uint8_t *b = f->payload;
        tern_pbuf_copy_partial(p, b + hlen, n, (uint16_t)off);
        if (v6) {
            write_header(s, b, src, dst, TERN_IPV6_NH_FRAGMENT, ttl, tos, (uint16_t)(8 + n), 0, 0);
            b[40] = proto;
            b[41] = 0;
            tern_wr16(b + 42, (uint16_t)(off | (more ? 1u : 0u)));
            tern_wr32(b + 44, id32);
        } else {
            uint16_t field = (uint16_t)((off / 8) | (more ? TERN_IPV4_FLAG_MF : 0));
            write_header(s, b, src, dst, proto, ttl, tos, n, id16, field);
        }
        int err = ifc->output(ifc, f, hop, ifc->user);
        tern_pbuf_free(f);
        if (err)
            return err;
    }
    return TERN_OK;
}

int tern__ip_output_built(tern_stack *s, tern_pbuf *p, const tern_addr *dst, tern_iface *ifc)
{
    if (!ifc->up || !ifc->output)
        return TERN_ERR_RTE;
    s->stats.ip_out++;
    tern_addr gw;
    return ifc->output(ifc, p, next_hop(ifc, dst, &gw), ifc->user);
}

int tern__ip_output(tern_stack *s, tern_pbuf *p, const tern_addr *src, const tern_addr *dst, uint8_t proto,
                   uint8_t ttl, uint8_t tos, tern_iface *ifc)
{
    if (!ifc)
        ifc = tern__ip_route(s, dst);
    if (!ifc || !ifc->up || !ifc->output)
        return TERN_ERR_RTE;
    tern_addr chosen;
    if (!src || tern_addr_is_any(src)) {
        if (!tern__ip_select_source(ifc, dst, &chosen))
            return TERN_ERR_RTE;
        src = &chosen;
    }
    if (src->type != dst->type)
        return TERN_ERR_VAL;
    tern_addr gw;
    const tern_addr *hop = next_hop(ifc, dst, &gw);
    uint16_t hlen = src->type == TERN_ADDR_V4 ? TERN_IPV4_HLEN : TERN_IPV6_HLEN;
    /* An offloaded TCP burst is cut into segments by the device. */
    if ((uint32_t)p->tot_len + hlen > ifc->mtu && ifc->mtu && !ifc->tx_gso_size)
        return output_fragments(s, p, src, dst, proto, ttl, tos, ifc, hop);
    if ((uint32_t)p->tot_len + hlen > 0xffffu)
        return TERN_ERR_VAL;

    tern_pbuf *q = p;
    if (tern_pbuf_add_header(p, hlen) != 0) {
        q = tern_pbuf_alloc(16, hlen, TERN_PBUF_RAM);
        if (!q)
            return TERN_ERR_MEM;
        tern_pbuf_chain(q, p);
    }
    write_header(s, q->payload, src, dst, proto, ttl, tos, (uint16_t)(q->tot_len - hlen), s->ip_id++, 0);
    int err = ifc->output(ifc, q, hop, ifc->user);
    if (q != p)
        tern_pbuf_free(q);
    else
        tern_pbuf_remove_header(p, hlen);
    return err;
}
