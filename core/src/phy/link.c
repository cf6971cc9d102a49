/* phy/link.c: a simulated link between two stacks, with faults.
 *
 * Each direction is a queue ordered by delivery time.  Output copies the
 * packet (the stack keeps its buffer, as with any device), decides its
 * fate from a seeded generator (so every run of a test is the same run),
 * and queues it; tern_link_pump hands due packets to the other side. */
#include <stdlib.h>
#include <string.h>

#include "tern/phy.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "iface/ip.h"

typedef struct pkt {
    struct pkt *next;
    tern_pbuf *p;
    uint32_t due;
} pkt;

/* The bottleneck in front of one side: when each packet still in the
 * queue finishes leaving (virtual microseconds, rising), as a ring. */
typedef struct bottleneck {
    uint64_t *finish_us;
    uint32_t cap, head, count;
    uint64_t busy_until_us; /* the last packet queued finishes then */
} bottleneck;

typedef struct side {
    tern_stack *stack;
    tern_iface *ifc;
    pkt *head; /* sorted by due time */
    pkt *tail;
    uint32_t queued;
    struct tern_link *link;
    int index;
    bottleneck bn;
} side;

struct tern_link {
    side s[2];
    tern_fault_config cfg;
    uint64_t rng;
    tern_link_stats stats;
    tern_pcap *pcap;
    tern_link_filter_fn filter;
    void *filter_ctx;
};

void tern_link_set_filter(tern_link *l, tern_link_filter_fn fn, void *ctx)
{
    l->filter = fn;
    l->filter_ctx = ctx;
}

/* The test's filter sees the packet as contiguous bytes. */
static bool filtered(tern_link *l, int from, const tern_pbuf *p, uint32_t now)
{
    if (!l->filter)
        return false;
    uint8_t stackbuf[2048];
    uint8_t *buf = p->tot_len <= sizeof(stackbuf) ? stackbuf : malloc(p->tot_len);
    if (!buf)
        return false;
    tern_pbuf_copy_partial(p, buf, p->tot_len, 0);
    bool drop = l->filter(l->filter_ctx, from, buf, p->tot_len, now);
    if (buf != stackbuf)
        free(buf);
    if (drop)
        l->stats.filtered++;
    return drop;
}

void tern_link_set_pcap(tern_link *l, tern_pcap *pc) { l->pcap = pc; }

static uint32_t rnd(tern_link *l)
{
    /* xorshift64*: deterministic and fast enough to draw per packet. */
    l->rng ^= l->rng >> 12;
    l->rng ^= l->rng << 25;
    l->rng ^= l->rng >> 27;
    return (uint32_t)((l->rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static bool chance(tern_link *l, uint32_t ppm) { return ppm && rnd(l) % 1000000u < ppm; }

static void enqueue(tern_link *l, side *dst, tern_pbuf *p, uint32_t due)
{
    if (dst->queued >= (l->cfg.queue_max ? l->cfg.queue_max : 4096)) {
        l->stats.queue_drops++;
        tern_pbuf_free(p);
        return;
    }
    pkt *k = malloc(sizeof(*k));
    if (!k) {
        tern_pbuf_free(p);
        return;
    }
    k->p = p;
    k->due = due;
    k->next = NULL;
    dst->queued++;
    /* Most packets are due last: append in O(1); reordered ones search. */
    if (!dst->head || (int32_t)(dst->tail->due - due) <= 0) {
        if (dst->head)
            dst->tail->next = k;
        else
            dst->head = k;
        dst->tail = k;
        return;
    }
    pkt **pp = &dst->head;
    while (*pp && (int32_t)((*pp)->due - due) <= 0)
        pp = &(*pp)->next;
    k->next = *pp;
    *pp = k;
}

static int link_output_one(tern_iface *ifc, tern_pbuf *p, const tern_addr *hop, void *user);

/* Drop-tail queue at rate_bytes_per_s: returns false when the packet finds
 * the queue full, else sets *due_ms to when its last bit has left. */
static bool bottleneck_admit(tern_link *l, side *to, uint32_t len, uint32_t now_ms, uint32_t *due_ms)
{
    bottleneck *b = &to->bn;
    uint64_t now_us = (uint64_t)now_ms * 1000u;
    while (b->count && b->finish_us[b->head] <= now_us) {
        b->head = (b->head + 1) % b->cap;
        b->count--;
    }
    if (b->count >= b->cap) {
        l->stats.rate_drops++;
        return false;
    }
    uint64_t start = b->busy_until_us > now_us ? b->busy_until_us : now_us;
    uint64_t finish = start + ((uint64_t)len * 1000000u + l->cfg.rate_bytes_per_s - 1) / l->cfg.rate_bytes_per_s;
    b->finish_us[(b->head + b->count) % b->cap] = finish;
    b->count++;
    b->busy_until_us = finish;
    /* Whole milliseconds, rounded up: a packet never arrives early. */
    *due_ms = (uint32_t)((finish + 999u) / 1000u);
    return true;
}

/* Segmentation offload done in software, as a NIC or the kernel's GSO
 * would: the burst (IP + TCP header, n * gso bytes) becomes n segments with
 * their own lengths, sequence numbers, IPv4 ids and full checksums; FIN and
 * PSH stay on the last one.  Each segment then meets the link's faults
 * alone. */
static int link_output_gso(tern_iface *ifc, tern_pbuf *p, const tern_addr *hop, void *user, uint16_t gso)
{
    uint8_t *buf = malloc(p->tot_len);
    if (!buf)
        return -1;
    ((side *)user)->link->stats.gso_bursts++;
    tern_pbuf_copy_partial(p, buf, p->tot_len, 0);
    bool v4 = (buf[0] >> 4) == 4;
    uint16_t iphl = v4 ? (uint16_t)((buf[0] & 15) * 4) : 40;
    uint16_t thl = (uint16_t)((buf[iphl + 12] >> 4) * 4);
    uint32_t hl = (uint32_t)iphl + thl, total = p->tot_len > hl ? p->tot_len - hl : 0;
    uint32_t seq = tern_rd32(buf + iphl + 4);
    uint16_t id = v4 ? tern_rd16(buf + 4) : 0;
    uint8_t flags = buf[iphl + 13];
    int err = 0;
    for (uint32_t off = 0; off < total && !err; off += gso, id++) {
        uint32_t n = total - off < gso ? total - off : gso;
        bool last = off + n >= total;
        tern_pbuf *q = tern_pbuf_alloc(0, (uint16_t)(hl + n), TERN_PBUF_RAM);
        if (!q) {
            err = -1;
            break;
        }
        uint8_t *d = q->payload;
        memcpy(d, buf, hl);
        memcpy(d + hl, buf + hl + off, n);
        tern_wr32(d + iphl + 4, seq + off);
        d[iphl + 13] = last ? flags : (uint8_t)(flags & ~0x09u); /* FIN, PSH on the last */
        tern_csum sum;
        if (v4) {
            tern_wr16(d + 2, (uint16_t)(hl + n));
            tern_wr16(d + 4, id);
            tern_wr16(d + 10, 0);
            tern_wr16(d + 10, tern__csum_finish(tern__csum_add(0, d, iphl)));
            uint32_t sa, da;
            memcpy(&sa, d + 12, 4);
            memcpy(&da, d + 16, 4);
            sum = tern__csum_pseudo_v4(sa, da, TERN_PROTO_TCP, (uint16_t)(thl + n));
        } else {
            tern_wr16(d + 4, (uint16_t)(thl + n));
            sum = tern__csum_pseudo_v6(d + 8, d + 24, TERN_PROTO_TCP, thl + n);
        }
        tern_wr16(d + iphl + 16, 0);
        tern_wr16(d + iphl + 16, tern__csum_finish(tern__csum_add(sum, d + iphl, thl + n)));
        err = link_output_one(ifc, q, hop, user);
        tern_pbuf_free(q);
    }
    free(buf);
    return err;
}

static int link_output(tern_iface *ifc, tern_pbuf *p, const tern_addr *hop, void *user)
{
    uint16_t gso = tern_iface_tx_gso_size(ifc);
    if (gso && p->tot_len >= 40)
        return link_output_gso(ifc, p, hop, user, gso);
    return link_output_one(ifc, p, hop, user);
}

static int link_output_one(tern_iface *ifc, tern_pbuf *p, const tern_addr *hop, void *user)
{
    (void)ifc, (void)hop;
    side *from = user;
    tern_link *l = from->link;
    side *to = &l->s[1 - from->index];
    l->stats.sent++;
    if (l->pcap)
        tern_pcap_write(l->pcap, p, (uint64_t)tern__stack_now(from->stack) * 1000u);
    uint32_t now = tern__stack_now(from->stack);
    if (filtered(l, from->index, p, now))
        return 0;
    if (chance(l, l->cfg.loss_ppm)) {
        l->stats.lost++;
        return 0;
    }
    uint32_t left_ms = now;
    if (l->cfg.rate_bytes_per_s && !bottleneck_admit(l, to, p->tot_len, now, &left_ms))
        return 0;
    int copies = chance(l, l->cfg.dup_ppm) ? 2 : 1;
    if (copies == 2)
        l->stats.duplicated++;
    for (int c = 0; c < copies; c++) {
        tern_pbuf *q = tern_pbuf_alloc(0, p->tot_len, TERN_PBUF_RAM);
        if (!q)
            return -1;
        tern_pbuf_copy_partial(p, q->payload, p->tot_len, 0);
        if (chance(l, l->cfg.corrupt_ppm) && q->len) {
            ((uint8_t *)q->payload)[rnd(l) % q->len] ^= (uint8_t)(1u << (rnd(l) % 8));
            l->stats.corrupted++;
        }
        uint32_t due = left_ms + l->cfg.delay_ms;
        if (chance(l, l->cfg.reorder_ppm)) {
            due += l->cfg.reorder_ms ? l->cfg.reorder_ms : 1;
            l->stats.reordered++;
        }
        enqueue(l, to, q, due);
    }
    return 0;
}

tern_link *tern_link_new(tern_stack *a, tern_stack *b, const tern_fault_config *faults)
{
    tern_link *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    if (faults)
        l->cfg = *faults;
    l->rng = l->cfg.seed ? l->cfg.seed : 0x9e3779b97f4a7c15ULL;
    tern_stack *st[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        l->s[i].stack = st[i];
        l->s[i].link = l;
        l->s[i].index = i;
        l->s[i].ifc = tern_iface_add(st[i], link_output, &l->s[i]);
        if (!l->s[i].ifc) {
            tern_link_free(l);
            return NULL;
        }
        tern_iface_set_up(l->s[i].ifc, true);
        tern_iface_set_tso(l->s[i].ifc, l->cfg.tso_max);
        if (l->cfg.rate_bytes_per_s) {
            bottleneck *bn = &l->s[i].bn;
            bn->cap = l->cfg.rate_queue_pkts ? l->cfg.rate_queue_pkts : 100;
            bn->finish_us = calloc(bn->cap, sizeof(*bn->finish_us));
            if (!bn->finish_us) {
                tern_link_free(l);
                return NULL;
            }
        }
    }
    return l;
}

tern_iface *tern_link_iface(tern_link *l, int side_) { return l->s[side_ ? 1 : 0].ifc; }

unsigned tern_link_pump(tern_link *l)
{
    unsigned n = 0;
    for (int i = 0; i < 2; i++) {
        side *sd = &l->s[i];
        uint32_t now = tern__stack_now(sd->stack);
        /* Only what is due now: deliveries may queue replies. */
        while (sd->head && (int32_t)(sd->head->due - now) <= 0) {
            pkt *k = sd->head;
            sd->head = k->next;
            if (!sd->head)
                sd->tail = NULL;
            sd->queued--;
            tern_pbuf *p = k->p;
            free(k);
            l->stats.delivered++;
            l->stats.bytes_to[i] += p->tot_len;
            n++;
            tern_iface_input(sd->ifc, p);
        }
    }
    return n;
}

uint32_t tern_link_next(const tern_link *l)
{
    uint32_t best = UINT32_MAX;
    for (int i = 0; i < 2; i++) {
        const side *sd = &l->s[i];
        if (!sd->head)
            continue;
        int32_t d = (int32_t)(sd->head->due - tern__stack_now(sd->stack));
        uint32_t w = d > 0 ? (uint32_t)d : 0;
        if (w < best)
            best = w;
    }
    return best;
}

void tern_link_get_stats(const tern_link *l, tern_link_stats *out) { *out = l->stats; }

void tern_link_free(tern_link *l)
{
    if (!l)
        return;
    for (int i = 0; i < 2; i++) {
        while (l->s[i].head) {
            pkt *k = l->s[i].head;
            l->s[i].head = k->next;
            tern_pbuf_free(k->p);
            free(k);
        }
        if (l->s[i].ifc)
            tern_iface_remove(l->s[i].ifc);
        free(l->s[i].bn.finish_us);
    }
    free(l);
}
