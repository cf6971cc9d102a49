/* socket/tcp_table.c: finding the socket a segment belongs to, choosing
 * ports and initial sequence numbers.
 *
 * Connections live in a hash table keyed by the 4-tuple with a secret
 * SipHash key, so an attacker cannot aim collisions at one bucket;
 * listeners are few and are searched in a list.  The table's hash is
 * SipHash-1-3, as Linux's hsiphash for hash tables (a bucket index needs
 * flooding resistance, not a PRF's margin); sequence numbers, cookies and
 * random values keep SipHash-2-4.  A socket keeps its tuple's hash while
 * it is in the table, so leaving it costs no hashing; a small cache of
 * recently found connections (tb->hit) spares most segments the hash. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "socket/tcp_impl.h"

/* SipHash-c-d (Aumasson, Bernstein): c rounds per 8-byte block, d to
 * finish.  Always called with constants, so each use is unrolled. */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                           \
    do {                                                                                                   \
        v0 += v1;                                                                                          \
        v1 = ROTL(v1, 13);                                                                                 \
        v1 ^= v0;                                                                                          \
        v0 = ROTL(v0, 32);                                                                                 \
        v2 += v3;                                                                                          \
        v3 = ROTL(v3, 16);                                                                                 \
        v3 ^= v2;                                                                                          \
        v0 += v3;                                                                                          \
        v3 = ROTL(v3, 21);                                                                                 \
        v3 ^= v0;                                                                                          \
        v2 += v1;                                                                                          \
        v1 = ROTL(v1, 17);                                                                                 \
        v1 ^= v2;                                                                                          \
        v2 = ROTL(v2, 32);                                                                                 \
    } while (0)

/* SipHash over nblocks 8-byte words and the final word (the input's
 * length << 56 with its last len % 8 bytes). */
static inline uint64_t siphash_words(const uint32_t key[4], const uint64_t *m, size_t nblocks, uint64_t last, int c,
                                     int d)
{
    uint64_t k0 = (uint64_t)key[0] | (uint64_t)key[1] << 32, k1 = (uint64_t)key[2] | (uint64_t)key[3] << 32;
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    for (size_t i = 0; i <= nblocks; i++) {
        uint64_t w = i < nblocks ? m[i] : last;
        v3 ^= w;
        for (int r = 0; r < c; r++)
            SIPROUND;
        v0 ^= w;
    }
    v2 ^= 0xff;
    for (int r = 0; r < d; r++)
        SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* SipHash of a byte string of at most SIPHASH_MAX_LEN bytes (the longest
 * input here is a 44-byte IPv6 tuple with two extra words). */
#define SIPHASH_MAX_LEN 63u
static inline uint64_t siphash_cd(const uint32_t key[4], const uint8_t *in, size_t len, int c, int d)
{
    assert(len <= SIPHASH_MAX_LEN);
    uint64_t m[SIPHASH_MAX_LEN / 8];
    size_t nblocks = len / 8;
    memcpy(m, in, nblocks * 8);
    uint64_t last = (uint64_t)len << 56;
    for (size_t j = 0; nblocks * 8 + j < len; j++)
        last |= (uint64_t)in[nblocks * 8 + j] << (8 * j);
    return siphash_words(key, m, nblocks, last, c, d);
}

static uint64_t siphash(const uint32_t key[4], const uint8_t *in, size_t len) { return siphash_cd(key, in, len, 2, 4); }

#define TCP_TABLE_MIN_BUCKETS 256u

static size_t tuple_bytes(uint8_t *buf, const tern_addr *la, uint16_t lp, const tern_addr *ra, uint16_t rp)
{
    size_t n = 0;
    size_t alen = la->type == TERN_ADDR_V4 ? 4 : 16;
    memcpy(buf + n, &la->u, alen);
    n += alen;
    memcpy(buf + n, &ra->u, alen);
    n += alen;
    memcpy(buf + n, &lp, 2);
    n += 2;
    memcpy(buf + n, &rp, 2);
    n += 2;
    return n;
}

/* SipHash-c-d of the 4-tuple.  An IPv4 tuple is one word of addresses and
 * a final word of ports, built without going through bytes (every segment
 * of a new flow hashes its tuple). */
static inline uint64_t tuple_siphash(const uint32_t key[4], const tern_addr *la, uint16_t lp, const tern_addr *ra,
                                     uint16_t rp, int c, int d)
{
    if (la->type == TERN_ADDR_V4) {
        uint32_t l, r;
        memcpy(&l, &la->u, 4);
        memcpy(&r, &ra->u, 4);
        uint64_t m = (uint64_t)l | (uint64_t)r << 32;
        return siphash_words(key, &m, 1, (uint64_t)12 << 56 | (uint64_t)rp << 16 | lp, c, d);
    }
    uint8_t buf[36];
    return siphash_cd(key, buf, tuple_bytes(buf, la, lp, ra, rp), c, d);
}

static uint32_t tuple_hash(const tern_tcp_table *tb, const tern_addr *la, uint16_t lp, const tern_addr *ra, uint16_t rp)
{
    return (uint32_t)tuple_siphash(tb->secret, la, lp, ra, rp, 1, 3);
}

uint32_t tern__tcp_tuple_hash_of(const tern_tcp *t)
{
    return tuple_hash(t->cls->stack->tcp, &t->local, t->local_port, &t->remote, t->remote_port);
}

tern_tcp_table *tern__tcp_table(tern_stack *s)
{
    if (s->tcp)
        return s->tcp;
    tern_tcp_table *tb = calloc(1, sizeof(*tb));
    if (!tb)
        return NULL;
    tb->nbuckets = TCP_TABLE_MIN_BUCKETS;
    tb->buckets = calloc(tb->nbuckets, sizeof(*tb->buckets));
    if (!tb->buckets) {
        free(tb);
        return NULL;
    }
    /* The secret mixes the stack's seed with the clock; a program that
     * wants unpredictable ISNs seeds the stack from the OS (compat does). */
    uint64_t seed = s->cfg.seed ^ ((uint64_t)tern__stack_now(s) << 32) ^ (uint64_t)(uintptr_t)s;
    uint32_t key[4] = {(uint32_t)seed, (uint32_t)(seed >> 32), 0x9e3779b9u, 0x7f4a7c15u};
    for (int i = 0; i < 4; i++)
        tb->secret[i] = (uint32_t)siphash(key, (const uint8_t *)&i, sizeof(i));
    tb->next_port = (uint16_t)(0xc000u + (tb->secret[0] % 0x3fffu));
    tb->cookie_ts_offset = tb->secret[1];
    tern__tcp_wheel_init(&tb->wheel, s); /* (before the first class: it names the stack) */
    tern_tcp_config d;
    tern_tcp_default_config(&d);
    tb->defaults = tern__tcp_class(tb, &d, &tern__tcp_no_handlers);
    if (!tb->defaults) {
        free(tb->buckets);
        free(tb);
        return NULL;
    }
    s->tcp = tb;
    return tb;
}

/* Every field of tern_tcp_config is compared: a new one must be added here. */
_Static_assert(sizeof(tern_tcp_config) == 68, "tern_tcp_config changed: update config_eq");
static bool config_eq(const tern_tcp_config *a, const tern_tcp_config *b)
{
    return a->rcv_buf == b->rcv_buf && a->rcv_buf_max == b->rcv_buf_max && a->snd_buf == b->snd_buf &&
           a->snd_buf_max == b->snd_buf_max && a->mss == b->mss && a->wscale == b->wscale &&
           a->timestamps == b->timestamps && a->sack == b->sack && a->pacing == b->pacing && a->cc == b->cc &&
           a->rto_min_ms == b->rto_min_ms && a->rto_max_ms == b->rto_max_ms &&
           a->rto_initial_ms == b->rto_initial_ms && a->max_rtx == b->max_rtx && a->max_syn_rtx == b->max_syn_rtx &&
           a->delack_ms == b->delack_ms && a->ooo_max_segs == b->ooo_max_segs && a->time_wait_ms == b->time_wait_ms &&
           a->keep_idle_ms == b->keep_idle_ms && a->keep_intvl_ms == b->keep_intvl_ms && a->keep_cnt == b->keep_cnt;
}

tcp_class *tern__tcp_class(tern_tcp_table *tb, const tern_tcp_config *c, const tern_tcp_handlers *h)
{
    for (tcp_class *k = tb->classes; k; k = k->next)
        if (k->h == h && config_eq(&k->cfg, c))
            return k;
    tcp_class *k = malloc(sizeof(*k));
    if (!k)
        return NULL;
    *k = (tcp_class){.next = tb->classes, .stack = tb->wheel.stack, .h = h, .cfg = *c};
    tb->classes = k;
    return k;
}

tcp_class *tern__tcp_class_search(tern_tcp_table *tb, tcp_class *from, const tern_tcp_handlers *h)
{
    tcp_class *k = tern__tcp_class(tb, &from->cfg, h);
    if (k) {
        from->memo_h = h;
        from->memo = k;
    }
    return k;
}

/* One distinct combination of callbacks, shared by the sockets using it. */
typedef struct tcp_handler_set {
    struct tcp_handler_set *next;
    tern_tcp_handlers h;
} tcp_handler_set;

const tern_tcp_handlers tern__tcp_no_handlers;

/* Compared as bytes: nine function pointers, no padding. */
_Static_assert(sizeof(tern_tcp_handlers) == 9 * sizeof(void (*)(void)), "tern_tcp_handlers has padding");

const tern_tcp_handlers *tern__tcp_handlers_intern(tern_tcp_table *tb, const tern_tcp_handlers *h)
{
    if (!memcmp(h, &tern__tcp_no_handlers, sizeof(*h)))
        return &tern__tcp_no_handlers;
    for (tcp_handler_set *p = tb->handler_sets; p; p = p->next)
        if (!memcmp(&p->h, h, sizeof(*h)))
            return &p->h;
    tcp_handler_set *p = malloc(sizeof(*p));
    if (!p)
        return NULL;
    p->h = *h;
    p->next = tb->handler_sets;
    tb->handler_sets = p;
    return &p->h;
}

void tern__tcp_classes_free(tern_tcp_table *tb)
{
    while (tb->classes) {
        tcp_class *k = tb->classes;
        tb->classes = k->next;
        free(k);
    }
    while (tb->handler_sets) {
        tcp_handler_set *p = tb->handler_sets;
        tb->handler_sets = p->next;
        free(p);
    }
}

uint32_t tern__tcp_keyed_hash(tern_stack *s, const tern_addr *la, uint16_t lp, const tern_addr *ra, uint16_t rp,
                        uint32_t extra1, uint32_t extra2)
{
    tern_tcp_table *tb = tern__tcp_table(s);
    uint8_t buf[44];
    size_t n = tuple_bytes(buf, la, lp, ra, rp);
    memcpy(buf + n, &extra1, 4);
    memcpy(buf + n + 4, &extra2, 4);
    uint32_t key[4] = {tb->secret[3], tb->secret[0], tb->secret[2], tb->secret[1]};
    return (uint32_t)siphash(key, buf, n + 8);
}

uint32_t tern__tcp_pick_isn(tern_tcp *t)
{
    /* RFC 6528: ISN = M + F(4-tuple, secret), M a clock ticking every 4 us
     * (here: milliseconds * 250).  F's other 32 bits are the offset of our
     * TSval clock (RFC 7323 5.4): per tuple, as Linux's, so a new
     * incarnation of a tuple continues its timestamps. */
    tern_stack *s = t->cls->stack;
    tern_tcp_table *tb = tern__tcp_table(s);
    uint32_t key[4] = {tb->secret[2], tb->secret[3], tb->secret[0], tb->secret[1]};
    uint64_t f = tuple_siphash(key, &t->local, t->local_port, &t->remote, t->remote_port, 2, 4);
    t->ts_offset = (uint32_t)(f >> 32);
    return (uint32_t)f + tern__stack_now(s) * 250u;
}

static void list_push(tern_tcp **head, tern_tcp *t)
{
    t->next = *head;
    if (*head)
        (*head)->pprev = &t->next;
    *head = t;
    t->pprev = head;
}

static void list_remove(tern_tcp *t)
{
    *t->pprev = t->next;
    if (t->next)
        t->next->pprev = t->pprev;
    t->next = NULL;
    t->pprev = NULL;
}

/* A socket is in the table from its making to its destruction, in one
 * list at a time (in_table; hashed says which kind). */
void tern__tcp_table_link(tern_tcp *t)
{
    if (t->in_table)
        return;
    tern_tcp_table *tb = tern__tcp_table(t->cls->stack);
    list_push(t->state == TERN_TCP_LISTEN ? &tb->listeners : &tb->unhashed, t);
    t->in_table = true;
}

static void hash_leave(tern_tcp_table *tb, tern_tcp *t);
static void rehash(tern_tcp_table *tb, uint32_t nbuckets);

/* The table gives back what a wave of connections made it grow to:
 * halved when under a quarter of a socket per bucket (grown again only at
 * two, so a steady count never flips it; each halving is paid for by the
 * removals before it).  10 000 connections closed used to leave 128 KiB
 * of empty buckets.  (After a held walk, as often as needed.) */
static void shrink_if_due(tern_tcp_table *tb)
{
    while (tb->nbuckets > TCP_TABLE_MIN_BUCKETS && tb->nhashed < tb->nbuckets / 4) {
        uint32_t was = tb->nbuckets;
        rehash(tb, tb->nbuckets / 2);
        if (tb->nbuckets == was)
            return; /* no memory for the smaller table: keep this one */
    }
}

void tern__tcp_table_unlink(tern_tcp *t)
{
    if (!t->in_table)
        return;
    list_remove(t);
    t->in_table = false;
    if (t->hashed)
        hash_leave(t->cls->stack->tcp, t);
}

void tern__tcp_table_listen(tern_tcp *t)
{
    tern__tcp_table_unlink(t);
    tern_tcp_table *tb = tern__tcp_table(t->cls->stack);
    list_push(&tb->listeners, t);
    t->in_table = true;
}

tern_tcp **tern__tcp_table_after(tern_tcp_table *tb, tern_tcp **list)
{
    if (list == &tb->unhashed)
        return tb->nbuckets ? &tb->buckets[0] : &tb->listeners;
    if (list >= tb->buckets && list < tb->buckets + tb->nbuckets)
        return list + 1 < tb->buckets + tb->nbuckets ? list + 1 : &tb->listeners;
    return NULL;
}

static void rehash(tern_tcp_table *tb, uint32_t nbuckets)
{
    tern_tcp **nb = calloc(nbuckets, sizeof(*nb));
    if (!nb)
        return; /* keep the old table: longer chains, still correct */
    for (uint32_t i = 0; i < tb->nbuckets; i++) {
        for (tern_tcp *t = tb->buckets[i], *n; t; t = n) {
            n = t->next;
            list_push(&nb[tern__tcp_tuple_hash_of(t) & (nbuckets - 1)], t);
        }
    }
    free(tb->buckets);
    tb->buckets = nb;
    tb->nbuckets = nbuckets;
}

/* The hit cache's slot for a segment from remote port sport to local port
 * dport. */
static inline unsigned hit_slot(uint16_t sport, uint16_t dport)
{
    return (sport ^ (sport >> 4) ^ dport) & (TCP_HIT_SLOTS - 1);
}

void tern__tcp_hash_insert(tern_tcp *t)
{
    tern__tcp_hash_insert_known(t, tuple_hash(tern__tcp_table(t->cls->stack), &t->local, t->local_port, &t->remote,
                                              t->remote_port));
}

void tern__tcp_hash_insert_known(tern_tcp *t, uint32_t hash)
{
    tern_tcp_table *tb = tern__tcp_table(t->cls->stack);
    if (t->hashed)
        return;
    /* Two connections per bucket on average before the table doubles: 4
     * to 8 bytes of buckets per connection (one bucket each cost 8 to 16,
     * 13 at 10 000), for chains about one entry longer, walked only by
     * the segments the hit cache misses. */
    if (tb->nhashed >= 2 * tb->nbuckets && tb->nbuckets < (1u << 22))
        rehash(tb, tb->nbuckets * 2);
    /* Its next segment (the handshake's ACK, or the peer's SYN-ACK) finds
     * it here. */
    tb->hit[hit_slot(t->remote_port, t->local_port)] = t;
    /* From the unhashed sockets' list to its bucket. */
    if (t->in_table)
        list_remove(t);
    list_push(&tb->buckets[hash & (tb->nbuckets - 1)], t);
    t->in_table = true;
    t->hashed = true;
    tb->nhashed++;
}

void tern__tcp_hash_remove(tern_tcp *t)
{
    if (!t->hashed)
        return;
    tern_tcp_table *tb = t->cls->stack->tcp;
    list_remove(t); /* back to the unhashed sockets' list */
    hash_leave(tb, t);
    list_push(&tb->unhashed, t);
}

/* t is out of its bucket (or about to be): the counts and caches forget
 * it. */
static void hash_leave(tern_tcp_table *tb, tern_tcp *t)
{
    t->hashed = false;
    tb->nhashed--;
    tern_tcp **slot = &tb->hit[hit_slot(t->remote_port, t->local_port)];
    if (*slot == t)
        *slot = NULL;
    if (tb->last_hit == t)
        tb->last_hit = NULL;
    if (!tb->walks)
        shrink_if_due(tb);
}

void tern__tcp_table_release(tern_tcp_table *tb)
{
    if (--tb->walks == 0)
        shrink_if_due(tb);
}

/* Whether a SYN to dst:dport arriving on interface iface_index goes to l,
 * and how closely l's binding names it. */
static bool listener_matches(const tern_tcp *l, uint8_t iface_index, const tern_addr *dst, uint16_t dport, int *score)
{
    if (l->state != TERN_TCP_LISTEN)
        return false;
    if (l->iface_index && l->iface_index != iface_index)
        return false;
    if (l->catch_all) {
        *score = 0;
        return true;
    }
    if (l->local_port != dport)
        return false;
    if (l->type != TERN_ADDR_ANY && l->type != dst->type)
        return false;
    if (tern_addr_is_any(&l->local)) {
        *score = 1;
        return true;
    }
    if (tern_addr_eq(&l->local, dst)) {
        *score = 2;
        return true;
    }
    return false;
}

/* The connection holding this 4-tuple, from its hash bucket. */
static tern_tcp *chain_find(tern_tcp_table *tb, const tern_addr *la, uint16_t lp, const tern_addr *ra, uint16_t rp,
                            uint32_t *hash)
{
    *hash = tuple_hash(tb, la, lp, ra, rp);
    uint32_t h = *hash & (tb->nbuckets - 1);
    for (tern_tcp *t = tb->buckets[h]; t; t = t->next)
        if (t->local_port == lp && t->remote_port == rp && tern_addr_eq(&t->remote, ra) && tern_addr_eq(&t->local, la))
            return t;
    return NULL;
}

static bool tuple_is(const tern_tcp *c, const tern_ip_meta *m, uint16_t sport, uint16_t dport)
{
    return c->local_port == dport && c->remote_port == sport && tern_addr_eq(&c->remote, &m->src) &&
           tern_addr_eq(&c->local, &m->dst);
}

/* The hit cache, the hash chain and the listeners: out of line, so the
 * last-hit check a bulk flow's every segment passes saves no registers for
 * them. */
static __attribute__((noinline)) tern_tcp *lookup_slow(tern_stack *s, tern_tcp_table *tb, const tern_ip_meta *m,
                                                       uint16_t sport, uint16_t dport, tern_tcp **listener,
                                                       uint32_t *hash)
{
    tern_tcp **slot = &tb->hit[hit_slot(sport, dport)];
    tern_tcp *t = *slot;
    if (t && tuple_is(t, m, sport, dport)) {
        tb->last_hit = t;
        return t;
    }
    t = chain_find(tb, &m->dst, dport, &m->src, sport, hash);
    if (t) {
        tb->last_hit = *slot = t;
        return t;
    }
    *listener = tern__tcp_listener_for(s, m, dport);
    return NULL;
}

tern_tcp *tern__tcp_lookup(tern_stack *s, const tern_ip_meta *m, uint16_t sport, uint16_t dport, tern_tcp **listener,
                     uint32_t *hash)
{
    tern_tcp_table *tb = s->tcp;
    *listener = NULL;
    if (!tb)
        return NULL;
    tern_tcp *c = tb->last_hit;
    if (c && tuple_is(c, m, sport, dport))
        return c;
    return lookup_slow(s, tb, m, sport, dport, listener, hash);
}

static tern_tcp *best_listener(const tern_tcp_table *tb, uint8_t iface_index, const tern_addr *dst, uint16_t dport)
{
    tern_tcp *best_l = NULL;
    int best = -1;
    for (tern_tcp *l = tb ? tb->listeners : NULL; l; l = l->next) {
        int score;
        if (listener_matches(l, iface_index, dst, dport, &score) && score > best) {
            best = score;
            best_l = l;
        }
    }
    return best_l;
}

tern_tcp *tern__tcp_listener_for(tern_stack *s, const tern_ip_meta *m, uint16_t dport)
{
    return best_listener(s->tcp, m->iface ? (uint8_t)m->iface->index : 0, &m->dst, dport);
}

tern_tcp *tern__tcp_listener_of_child(const tern_tcp *t)
{
    /* (A child bound to no interface came through its listener's, if any:
     * iface_index 0 matches only listeners bound to none.) */
    return best_listener(t->cls->stack->tcp, t->iface_index, &t->local, t->local_port);
}

/* lwIP 2.1's rule (tcp_bind): the same port collides when both addresses
 * are of the same IPv6-ness (IPv4 and dual-stack count as one kind) and
 * either is unspecified or they are equal, unless both sockets allow reuse.
 * Sockets in every state count, TIME-WAIT included. */
bool tern__tcp_port_in_use(tern_stack *s, const tern_tcp *self, const tern_addr *addr, uint16_t port)
{
    tern_tcp_table *tb = tern__tcp_table(s);
    bool v6 = addr->type == TERN_ADDR_V6;
    for (tern_tcp **list = tern__tcp_table_first(tb); list; list = tern__tcp_table_after(tb, list))
        for (tern_tcp *t = *list; t; t = t->next) {
            if (t == self || t->local_port != port)
                continue;
            if (self->reuse && t->reuse)
                continue;
            if (v6 != (t->local.type == TERN_ADDR_V6))
                continue;
            if (tern_addr_is_any(&t->local) || tern_addr_is_any(addr) || tern_addr_eq(&t->local, addr))
                return true;
        }
    return false;
}

tern_tcp *tern__tcp_find_tuple(tern_stack *s, const tern_addr *la, uint16_t lp, const tern_addr *ra, uint16_t rp)
{
    tern_tcp_table *tb = tern__tcp_table(s);
    uint32_t hash;
    return tb ? chain_find(tb, la, lp, ra, rp, &hash) : NULL;
}
