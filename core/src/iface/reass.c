/* iface/reass.c: IPv4 (RFC 791) and IPv6 (RFC 8200) fragment reassembly.
 *
 * Hostile fragments are the reason this file is careful:
 * - memory is bounded (bytes held, datagrams in progress, fragments per
 *   datagram); past a bound the oldest datagram is evicted;
 * - a datagram may not grow past 65535 bytes (ping of death);
 * - overlaps are refused (teardrop): a fragment that overlaps what is held
 *   discards the whole datagram (RFC 5722 for IPv6, the same for IPv4);
 * - completion is a counter check, not a list walk, so many tiny fragments
 *   cost linear time.
 * Complete datagrams are copied once into one contiguous buffer with the
 * IP header rebuilt, so the layers above never see a fragment. */
#include <stdlib.h>
#include <string.h>

#include "iface/ip.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"

#define REASS_V6_TIMEOUT_MS 60000u
#define REASS_MAX_FRAGS 256u
#define REASS_MAX_UNFRAG 256u /* IPv6 unfragmentable part we keep a copy of */
#define REASS_TICK_MS 1000u

typedef struct frag {
    struct frag *next;
    tern_pbuf *p; /* payload at the fragment data */
    uint16_t off, len;
} frag;

typedef struct dgram {
    struct dgram *next;
    bool v6;
    uint8_t proto; /* IPv4 protocol (key) */
    uint32_t id;
    tern_addr src, dst;
    tern_iface *iface;
    uint32_t deadline;
    uint32_t bytes; /* pbuf bytes held */
    uint32_t covered; /* fragment data bytes held */
    uint32_t total;   /* fragmentable length, once the last fragment is seen */
    bool have_last;
    uint16_t nfrags;
    uint16_t hdr_len; /* header of the offset-0 fragment, 0 until it arrives */
    uint16_t nh_field; /* IPv6: offset of the next-header byte naming Fragment */
    uint8_t frag_next; /* IPv6: the protocol after the Fragment header */
    uint8_t frag_hdr[8]; /* IPv6: the first fragment's Fragment header, for quoting */
    uint8_t hdr[REASS_MAX_UNFRAG];
    frag *frags; /* sorted by offset, never overlapping */
} dgram;

struct tern_reass {
    dgram *list; /* oldest first */
    uint32_t bytes;
    uint32_t count;
    tern_timer tick;
};

static void reass_tick(tern_timer *t, void *arg);

int tern__reass_init(tern_stack *s)
{
    s->reass = calloc(1, sizeof(*s->reass));
    if (!s->reass)
        return -1;
    tern_timer_init(&s->reass->tick, reass_tick, s);
    return 0;
}

static void dgram_free(tern_stack *s, dgram *d)
{
    struct tern_reass *r = s->reass;
    for (dgram **pp = &r->list; *pp; pp = &(*pp)->next) {
        if (*pp == d) {
            *pp = d->next;
            break;
        }
    }
    for (frag *f = d->frags, *n; f; f = n) {
        n = f->next;
        tern_pbuf_free(f->p);
        free(f);
    }
    r->bytes -= d->bytes;
    r->count--;
    free(d);
    if (!r->list)
        tern_timer_stop(s, &r->tick);
}

void tern__reass_teardown(tern_stack *s)
{
    if (!s->reass)
        return;
    while (s->reass->list)
        dgram_free(s, s->reass->list);
    tern_timer_stop(s, &s->reass->tick);
    free(s->reass);
    s->reass = NULL;
}

/* The offset-0 fragment as it arrived (header plus its data), for the ICMP
 * "reassembly time exceeded" quote. */
static tern_pbuf *first_fragment_copy(const dgram *d)
{
    const frag *f = d->frags;
    if (!d->hdr_len || !f || f->off != 0)
        return NULL;
    uint16_t data = f->len > 1232 ? 1232 : (uint16_t)f->len;
    uint16_t fh = d->v6 ? 8 : 0; /* IPv6 quotes the Fragment header too */
    tern_pbuf *q = tern_pbuf_alloc(TERN_HEADROOM, (uint16_t)(d->hdr_len + fh + data), TERN_PBUF_RAM);
    if (!q)
        return NULL;
    memcpy(q->payload, d->hdr, d->hdr_len);
    memcpy((uint8_t *)q->payload + d->hdr_len, d->frag_hdr, fh);
    tern_pbuf_copy_partial(f->p, (uint8_t *)q->payload + d->hdr_len + fh, data, 0);
    return q;
}

static void reass_tick(tern_timer *t, void *arg)
{
    (void)t;
    tern_stack *s = arg;
    uint32_t now = tern__stack_now(s);
    for (dgram *d = s->reass->list, *n; d; d = n) {
        n = d->next;
        if ((int32_t)(now - d->deadline) < 0)
            continue;
        s->stats.reass_timeout++;
        tern_pbuf *quote = first_fragment_copy(d);
        tern_iface *in = d->iface;
        bool v6 = d->v6;
        dgram_free(s, d);
        if (quote) {
            if (v6)
                tern__icmp6_send_error(s, quote, in, TERN_ICMP6_TIME_EXCEEDED, 1, 0);
            else
                tern__icmp4_send_error(s, quote, in, TERN_ICMP_TIME_EXCEEDED, 1);
            tern_pbuf_free(quote);
        }
    }
    if (s->reass->list)
        tern_timer_start(s, &s->reass->tick, REASS_TICK_MS);
}

static dgram *dgram_find(tern_stack *s, bool v6, const tern_addr *src, const tern_addr *dst, uint32_t id,
                         uint8_t proto)
{
    for (dgram *d = s->reass->list; d; d = d->next)
        if (d->v6 == v6 && d->id == id && d->proto == proto && tern_addr_eq(&d->src, src) &&
            tern_addr_eq(&d->dst, dst))
            return d;
    return NULL;
}

static dgram *dgram_new(tern_stack *s, tern_iface *in, bool v6, const tern_addr *src, const tern_addr *dst,
                        uint32_t id, uint8_t proto)
{
    struct tern_reass *r = s->reass;
    while (r->list && r->count >= s->cfg.reass_max_datagrams) {
        s->stats.reass_drop++;
        dgram_free(s, r->list);
    }
    dgram *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->v6 = v6;
    d->id = id;
    d->proto = proto;
    d->src = *src;
    d->dst = *dst;
    d->iface = in;
    d->deadline = tern__stack_now(s) + (v6 ? REASS_V6_TIMEOUT_MS : s->cfg.reass_timeout_ms);
    dgram **tail = &r->list;
    while (*tail)
        tail = &(*tail)->next;
    *tail = d;
    r->count++;
    if (!tern_timer_armed(&r->tick))
        tern_timer_start(s, &r->tick, REASS_TICK_MS);
    return d;
}

/* Copies the held fragments behind the saved header into one buffer. */
static tern_pbuf *dgram_assemble(tern_stack *s, dgram *d)
{
    uint32_t len = d->hdr_len + d->total;
    tern_pbuf *out = len <= 0xffffu ? tern_pbuf_alloc(TERN_HEADROOM, (uint16_t)len, TERN_PBUF_RAM) : NULL;
    if (!out) {
        s->stats.reass_drop++;
        dgram_free(s, d);
        return NULL;
    }
    uint8_t *b = out->payload;
    memcpy(b, d->hdr, d->hdr_len);
    for (frag *f = d->frags; f; f = f->next)
        tern_pbuf_copy_partial(f->p, b + d->hdr_len + f->off, f->len, 0);
    if (d->v6) {
        tern_wr16(b + 4, (uint16_t)(len - TERN_IPV6_HLEN));
        b[d->nh_field] = d->frag_next;
    } else {
        tern_wr16(b + 2, (uint16_t)len);
        tern_wr16(b + 6, tern_rd16(b + 6) & TERN_IPV4_FLAG_DF);
        b[10] = b[11] = 0;
        uint16_t c = tern__csum_finish(tern__csum_add(0, b, d->hdr_len));
        tern_wr16(b + 10, c);
    }
    s->stats.reass_ok++;
    dgram_free(s, d);
    return out;
}

/* Adds one fragment (p's payload at its data) to d; consumes p.  Returns
 * the complete datagram, or NULL. */
static tern_pbuf *dgram_add(tern_stack *s, dgram *d, tern_pbuf *p, uint16_t off, bool more)
{
    struct tern_reass *r = s->reass;
    uint16_t len = p->tot_len;
    uint32_t end = (uint32_t)off + len;
    bool bad = (more && (len == 0 || (len & 7))) || d->nfrags >= REASS_MAX_FRAGS ||
               end + d->hdr_len > 0xffffu || (d->have_last && (end > d->total || (more && end == d->total))) ||
               (!more && (d->have_last ? end != d->total : end < d->covered));
    if (!more && !d->have_last) {
        /* Nothing held may lie past the end the last fragment announces. */
        for (frag *f = d->frags; f; f = f->next)
            if ((uint32_t)f->off + f->len > end)
                bad = true;
    }
    frag **pos = &d->frags;
    while (!bad && *pos && (*pos)->off < off)
        pos = &(*pos)->next;
    if (!bad) {
        frag *prev = NULL;
        for (frag *f = d->frags; f && f != *pos; f = f->next)
            prev = f;
        frag *next = *pos;
        if (next && next->off == off && next->len == len) {
            tern_pbuf_free(p); /* a retransmitted duplicate: harmless */
            return NULL;
        }
        if ((prev && (uint32_t)prev->off + prev->len > off) || (next && end > next->off))
            bad = true;
    }
    if (bad) {
        /* An overlap or an impossible fragment poisons the whole datagram:
         * RFC 5722 for IPv6, and the same for IPv4 (teardrop), so no mix
         * of two versions of the same bytes ever reaches the application. */
        s->stats.reass_drop++;
        tern_pbuf_free(p);
        dgram_free(s, d);
        return NULL;
    }
    frag *f = malloc(sizeof(*f));
    if (!f) {
        s->stats.reass_drop++;
        tern_pbuf_free(p);
        return NULL;
    }
    f->p = p;
    f->off = off;
    f->len = len;
    f->next = *pos;
    *pos = f;
    d->nfrags++;
    d->covered += len;
    d->bytes += p->tot_len;
    r->bytes += p->tot_len;
    if (!more) {
        d->have_last = true;
        d->total = end;
    }
    if (d->have_last && d->hdr_len && d->covered == d->total)
        return dgram_assemble(s, d);
    /* Over the memory bound: evict oldest datagrams, never the one that
     * just grew unless it is the only one left. */
    while (r->bytes > s->cfg.reass_max_bytes && r->list) {
        dgram *victim = r->list == d && d->next ? d->next : r->list;
        s->stats.reass_drop++;
        dgram_free(s, victim);
        if (victim == d)
            break;
    }
    return NULL;
}

tern_pbuf *tern__reass_ipv4(tern_stack *s, tern_pbuf *p, uint16_t hlen)
{
    tern_ipv4_repr ip;
    if (tern__ipv4_parse(p->payload, p->tot_len, false, &ip) != TERN_WIRE_OK) {
        tern_pbuf_free(p);
        return NULL;
    }
    tern_addr src, dst;
    tern_addr_set_v4(&src, ip.src);
    tern_addr_set_v4(&dst, ip.dst);
    dgram *d = dgram_find(s, false, &src, &dst, ip.id, ip.proto);
    if (!d)
        d = dgram_new(s, s->current.iface, false, &src, &dst, ip.id, ip.proto);
    if (!d) {
        s->stats.reass_drop++;
        tern_pbuf_free(p);
        return NULL;
    }
    if (ip.frag_off == 0 && !d->hdr_len) {
        memcpy(d->hdr, p->payload, hlen);
        d->hdr_len = hlen;
    }
    tern_pbuf_remove_header(p, hlen);
    return dgram_add(s, d, p, ip.frag_off, ip.more_frags);
}

tern_pbuf *tern__reass_ipv6(tern_stack *s, tern_pbuf *p, const tern_ipv6_ext *ext)
{
    const uint8_t *b = p->payload;
    tern_addr src, dst;
    tern_addr_set_v6(&src, b + 8);
    tern_addr_set_v6(&dst, b + 24);
    uint16_t unfrag = ext->frag_hdr_offset;
    if (unfrag > REASS_MAX_UNFRAG) {
        s->stats.reass_drop++;
        tern_pbuf_free(p);
        return NULL;
    }
    dgram *d = dgram_find(s, true, &src, &dst, ext->frag_id, 0);
    if (!d)
        d = dgram_new(s, s->current.iface, true, &src, &dst, ext->frag_id, 0);
    if (!d) {
        s->stats.reass_drop++;
        tern_pbuf_free(p);
        return NULL;
    }
    if (ext->frag_off == 0 && !d->hdr_len) {
        memcpy(d->hdr, b, unfrag);
        d->hdr_len = unfrag;
        d->nh_field = ext->nh_field_offset;
        d->frag_next = ext->frag_next;
        memcpy(d->frag_hdr, b + unfrag, 8);
    }
    tern_pbuf_remove_header(p, (size_t)unfrag + 8u);
    return dgram_add(s, d, p, ext->frag_off, ext->more_frags);
}
