/* iface/icmp.c: ICMPv4 (RFC 792) and ICMPv6 (RFC 4443): echo replies and
 * the error messages the stack sends about packets it cannot deliver.
 *
 * Replies are built in a fresh buffer (one copy): the received buffer may
 * be caller-owned memory (PBUF_REF) that the stack must not write. */
#include <string.h>

#include "iface/ip.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

#define ICMP4_QUOTE_DATA 8u     /* RFC 792: IP header + 64 bits of data */
#define ICMP6_MAX_QUOTE 1232u   /* 1280 - IPv6 header - ICMPv6 header (RFC 4443 2.4c) */

/* A copy of message `p` with a new type, ready for its checksum. */
static tern_pbuf *echo_reply_of(const tern_pbuf *p, uint8_t reply_type)
{
    tern_pbuf *r = tern_pbuf_alloc(TERN_HEADROOM, p->tot_len, TERN_PBUF_RAM);
    if (!r)
        return NULL;
    tern_pbuf_copy_partial(p, r->payload, p->tot_len, 0);
    uint8_t *b = r->payload;
    b[0] = reply_type;
    b[2] = b[3] = 0;
    return r;
}

void tern__icmp4_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m)
{
    s->stats.icmp_in++;
    tern_icmp_repr icmp;
    uint8_t hdr[TERN_ICMP_HLEN];
    if (tern_pbuf_copy_partial(p, hdr, sizeof(hdr), 0) != sizeof(hdr) ||
        tern__icmp_parse(hdr, sizeof(hdr), &icmp) != TERN_WIRE_OK ||
        tern__csum_finish(tern__csum_pbuf(0, p, 0, p->tot_len)) != 0) {
        s->stats.icmp_drop++;
        tern_pbuf_free(p);
        return;
    }
    /* Echo requests to broadcast or multicast go unanswered (smurf). */
    if (icmp.type == TERN_ICMP_ECHO && !m->dst_is_broadcast) {
        tern_pbuf *r = echo_reply_of(p, TERN_ICMP_ECHO_REPLY);
        if (r) {
            uint8_t *b = r->payload;
            tern_wr16(b + 2, tern__csum_finish(tern__csum_pbuf(0, r, 0, r->tot_len)));
            if (tern__ip_output(s, r, &m->dst, &m->src, TERN_PROTO_ICMP, s->cfg.ttl, 0, NULL) == TERN_OK)
                s->stats.icmp_out++;
            tern_pbuf_free(r);
        }
    }
    tern_pbuf_free(p);
}

void tern__icmp6_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m)
{
    s->stats.icmp_in++;
    tern_icmp_repr icmp;
    uint8_t hdr[TERN_ICMP_HLEN];
    if (tern_pbuf_copy_partial(p, hdr, sizeof(hdr), 0) != sizeof(hdr) ||
        tern__icmp_parse(hdr, sizeof(hdr), &icmp) != TERN_WIRE_OK ||
        tern__ip_transport_csum(p, TERN_PROTO_ICMP6, &m->src, &m->dst) != 0) {
        s->stats.icmp_drop++;
        tern_pbuf_free(p);
        return;
    }
    if (icmp.type == TERN_ICMP6_ECHO_REQUEST && !m->dst_is_broadcast) {
        tern_pbuf *r = echo_reply_of(p, TERN_ICMP6_ECHO_REPLY);
        if (r) {
            uint8_t *b = r->payload;
            tern_wr16(b + 2, tern__ip_transport_csum(r, TERN_PROTO_ICMP6, &m->dst, &m->src));
            if (tern__ip_output(s, r, &m->dst, &m->src, TERN_PROTO_ICMP6, s->cfg.ttl, 0, NULL) == TERN_OK)
                s->stats.icmp_out++;
            tern_pbuf_free(r);
        }
    }
    tern_pbuf_free(p);
}

/* The reply's source: the address the offending packet was sent to when
 * that is a unicast address of ours, else the interface's own. */
static const tern_addr *error_source(const tern_addr *orig_dst)
{
    if (orig_dst->type == TERN_ADDR_V4) {
        uint8_t first = (uint8_t)(orig_dst->u.v4 & 0xff);
        return (orig_dst->u.v4 == 0xffffffffu || (first & 0xf0) == 0xe0) ? NULL : orig_dst;
    }
    return ((const uint8_t *)orig_dst->u.v6.w)[0] == 0xff ? NULL : orig_dst;
}

void tern__icmp4_send_error(tern_stack *s, tern_pbuf *orig, tern_iface *in, uint8_t type, uint8_t code)
{
    uint8_t ip[60] = {0};
    tern_ipv4_repr r;
    uint16_t avail = tern_pbuf_copy_partial(orig, ip, sizeof(ip), 0);
    if (tern__ipv4_parse(ip, avail < orig->tot_len ? orig->tot_len : avail, false, &r) != TERN_WIRE_OK ||
        r.hlen > avail || r.frag_off != 0)
        return;
    tern_addr odst;
    tern_addr_set_v4(&odst, r.dst);
    if (!error_source(&odst))
        return; /* nothing about broadcasts or multicasts (RFC 1122 3.2.2) */
    if (r.src == 0 || r.src == 0xffffffffu || ((uint8_t)(r.src & 0xff) & 0xf0) == 0xe0)
        return;
    if (r.proto == TERN_PROTO_ICMP) {
        /* Never an error about an error (RFC 1122 3.2.2). */
        uint8_t t;
        if (tern_pbuf_copy_partial(orig, &t, 1, r.hlen) != 1 ||
            (t != TERN_ICMP_ECHO && t != TERN_ICMP_ECHO_REPLY))
            return;
    }
    uint16_t quote = (uint16_t)(r.hlen + ICMP4_QUOTE_DATA);
    if (quote > orig->tot_len)
        quote = orig->tot_len;
    tern_pbuf *e = tern_pbuf_alloc(TERN_HEADROOM, (uint16_t)(TERN_ICMP_HLEN + quote), TERN_PBUF_RAM);
    if (!e)
        return;
    uint8_t *b = e->payload;
    tern_icmp_repr h = {.type = type, .code = code};
    tern__icmp_emit(b, &h);
    tern_pbuf_copy_partial(orig, b + TERN_ICMP_HLEN, quote, 0);
    tern_wr16(b + 2, tern__csum_finish(tern__csum_add(0, b, e->len)));
    tern_addr src, dst;
    tern_addr_set_v4(&src, r.dst);
    tern_addr_set_v4(&dst, r.src);
    if (tern__ip_output(s, e, &src, &dst, TERN_PROTO_ICMP, s->cfg.ttl, 0, in) == TERN_OK)
        s->stats.icmp_out++;
    tern_pbuf_free(e);
}

void tern__icmp6_send_error(tern_stack *s, tern_pbuf *orig, tern_iface *in, uint8_t type, uint8_t code,
                           uint32_t pointer)
{
    uint8_t ip[TERN_IPV6_HLEN];
    tern_ipv6_repr r;
    /* The invoking packet may be a truncated copy (a quoted fragment):
     * only its fixed header must be whole. */
    if (tern_pbuf_copy_partial(orig, ip, sizeof(ip), 0) != sizeof(ip) ||
        tern__ipv6_parse(ip, TERN_IPV6_HLEN + (size_t)tern_rd16(ip + 4), &r) != TERN_WIRE_OK)
        return;
    static const uint8_t unspecified[16];
    if (r.src[0] == 0xff || memcmp(r.src, unspecified, 16) == 0)
        return;
    if (r.next_header == TERN_PROTO_ICMP6) {
        uint8_t t;
        if (tern_pbuf_copy_partial(orig, &t, 1, TERN_IPV6_HLEN) != 1 || t < 128)
            return; /* no error about an error (RFC 4443 2.4e) */
    }
    uint16_t quote = orig->tot_len < ICMP6_MAX_QUOTE ? orig->tot_len : ICMP6_MAX_QUOTE;
    tern_pbuf *e = tern_pbuf_alloc(TERN_HEADROOM, (uint16_t)(TERN_ICMP_HLEN + quote), TERN_PBUF_RAM);
    if (!e)
        return;
    uint8_t *b = e->payload;
    tern_icmp_repr h = {.type = type, .code = code, .rest = pointer};
    tern__icmp_emit(b, &h);
    tern_pbuf_copy_partial(orig, b + TERN_ICMP_HLEN, quote, 0);
    tern_addr osrc, odst;
    tern_addr_set_v6(&osrc, r.src);
    tern_addr_set_v6(&odst, r.dst);
    const tern_addr *src = error_source(&odst);
    tern_addr chosen;
    if (!src) {
        tern_iface *out = in ? in : tern__ip_route(s, &osrc);
        if (!out || !tern__ip_select_source(out, &osrc, &chosen)) {
            tern_pbuf_free(e);
            return;
        }
        src = &chosen;
    }
    tern_wr16(b + 2, tern__ip_transport_csum(e, TERN_PROTO_ICMP6, src, &osrc));
    if (tern__ip_output(s, e, src, &osrc, TERN_PROTO_ICMP6, s->cfg.ttl, 0, in) == TERN_OK)
        s->stats.icmp_out++;
    tern_pbuf_free(e);
}
