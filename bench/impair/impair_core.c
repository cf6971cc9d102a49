/* bench/impair/impair_core.c: the impaired-link model (see impair_core.h). */
#include "impair_core.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT (1u << 20)

/* splitmix64: small, fast, and good enough for Bernoulli draws. */
double impair_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

static int valid_prob(double p) { return p >= 0.0 && p <= 1.0; }

int impair_dir_init(impair_dir *d, const impair_params *p, uint64_t seed)
{
    memset(d, 0, sizeof(*d));
    if (!valid_prob(p->loss) || !valid_prob(p->dup) || !valid_prob(p->reorder))
        return -1;
    if (p->rate_Bps && p->queue_pkts == 0)
        return -1;
    d->p = *p;
    if (!d->p.limit_pkts)
        d->p.limit_pkts = DEFAULT_LIMIT;
    d->rng = seed;
    if (p->rate_Bps) {
        d->departs = malloc((size_t)p->queue_pkts * sizeof(*d->departs));
        if (!d->departs)
            return -1;
    }
    return 0;
}

void impair_dir_free(impair_dir *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->heap[i]);
    free(d->heap);
    free(d->departs);
    memset(d, 0, sizeof(*d));
}

static int before(const impair_pkt *a, const impair_pkt *b)
{
    return a->release_ns < b->release_ns || (a->release_ns == b->release_ns && a->order < b->order);
}

static int heap_push(impair_dir *d, impair_pkt *k)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 1024;
        impair_pkt **h = realloc(d->heap, cap * sizeof(*h));
        if (!h)
            return -1;
        d->heap = h;
        d->cap = cap;
    }
    size_t i = d->n++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!before(k, d->heap[up]))
            break;
        d->heap[i] = d->heap[up];
        i = up;
    }
    d->heap[i] = k;
    return 0;
}

static impair_pkt *heap_pop(impair_dir *d)
{
    impair_pkt *top = d->heap[0];
    impair_pkt *last = d->heap[--d->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= d->n)
            break;
        if (c + 1 < d->n && before(d->heap[c + 1], d->heap[c]))
            c++;
        if (!before(d->heap[c], last))
            break;
        d->heap[i] = d->heap[c];
        i = c;
    }
    if (d->n)
        d->heap[i] = last;
    return top;
}

/* One copy through the bottleneck and onto the wire. */
static enum impair_verdict enqueue(impair_dir *d, const void *pkt, size_t len, uint64_t now, int held_back)
{
    if (d->n >= d->p.limit_pkts) {
        d->st.overflow++;
        return IMPAIR_OVERFLOW;
    }
    uint64_t depart = now;
    if (d->p.rate_Bps) {
        /* Packets whose last bit left before now are out of the queue. */
        while (d->dcount && d->departs[d->dhead] <= now) {
            d->dhead = (d->dhead + 1) % d->p.queue_pkts;
            d->dcount--;
        }
        if (d->dcount >= d->p.queue_pkts) {
            d->st.tail_drops++;
            return IMPAIR_TAIL_DROP;
        }
        uint64_t start = d->last_depart > now ? d->last_depart : now;
        depart = start + (uint64_t)len * 1000000000ull / d->p.rate_Bps;
    }
    impair_pkt *k = malloc(sizeof(*k) + len);
    if (!k)
        return IMPAIR_NOMEM;
    k->release_ns = depart + d->p.delay_ns + (held_back ? d->p.reorder_ns : 0);
    k->order = d->order++;
    k->len = (uint32_t)len;
    memcpy(k->data, pkt, len);
    if (heap_push(d, k) != 0) {
        free(k);
        return IMPAIR_NOMEM;
    }
    if (d->p.rate_Bps) {
        d->departs[(d->dhead + d->dcount) % d->p.queue_pkts] = depart;
        d->dcount++;
        d->last_depart = depart;
    }
    if (held_back)
        d->st.reordered++;
    return IMPAIR_QUEUED;
}

enum impair_verdict impair_dir_push(impair_dir *d, const void *pkt, size_t len, uint64_t now_ns)
{
    d->st.in++;
    d->st.in_bytes += len;
    /* Always three draws, in this order (see the header). */
    double u_loss = impair_rand(&d->rng), u_dup = impair_rand(&d->rng), u_reorder = impair_rand(&d->rng);
    if (u_loss < d->p.loss) {
        d->st.lost++;
        return IMPAIR_LOST;
    }
    enum impair_verdict v = enqueue(d, pkt, len, now_ns, u_reorder < d->p.reorder);
    if (u_dup < d->p.dup && enqueue(d, pkt, len, now_ns, 0) == IMPAIR_QUEUED)
        d->st.dups++;
    return v;
}

uint64_t impair_dir_next(const impair_dir *d) { return d->n ? d->heap[0]->release_ns : UINT64_MAX; }

impair_pkt *impair_dir_pop(impair_dir *d, uint64_t now_ns)
{
    if (!d->n || d->heap[0]->release_ns > now_ns)
        return NULL;
    impair_pkt *k = heap_pop(d);
    d->st.out++;
    d->st.out_bytes += k->len;
    return k;
}
