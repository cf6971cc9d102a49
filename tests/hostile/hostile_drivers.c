/* tests/hostile/hostile_drivers.c: the fuzz targets' bodies (see
 * hostile_drivers.h). */
#include "hostile_drivers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostile.h"

char hf_why[256];

static int finish(void)
{
    char bad[128];
    uint64_t nbad = h_bad_out;
    snprintf(bad, sizeof(bad), "%s", h_bad_reason);
    uint64_t live = h_custom_live;
    int r = h_teardown();
    if (r & 4)
        snprintf(hf_why, sizeof(hf_why), "stack sent %llu malformed packet(s): %s", (unsigned long long)nbad, bad);
    else if (r & 1)
        snprintf(hf_why, sizeof(hf_why), "%llu input buffer(s) never freed", (unsigned long long)live);
    else if (r & 2)
        snprintf(hf_why, sizeof(hf_why), "pbufs leaked");
    return r;
}

/* ---- (a) stateless ---- */

int hf_ip_input(const uint8_t *data, size_t size)
{
    hf_why[0] = 0;
    h_opts o = {.default_route = true};
    if (h_setup(&o) != 0)
        return snprintf(hf_why, sizeof(hf_why), "setup failed"), 8;
    h_keep_output = false;
    if (!h_listen(80, 4) || !h_udp_open(7))
        return snprintf(hf_why, sizeof(hf_why), "listen failed"), 8;
    /* Two inputs in three arrive whole; the others as a chain of two or
     * three exact-size segments cut where a hash of the bytes says, so
     * headers straddling segments get fuzzed too. */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    unsigned ncuts = h % 3;
    if (ncuts == 0 || size < 3) {
        h_input(data, size);
    } else {
        size_t cuts[2] = {1 + (h >> 8) % (size - 1), 1 + (h >> 20) % (size - 1)};
        if (cuts[0] > cuts[1]) {
            size_t t = cuts[0];
            cuts[0] = cuts[1];
            cuts[1] = t;
        }
        h_input_chain(data, size, cuts, (int)ncuts);
    }
    h_advance(130000);
    return finish();
}

/* ---- (b) stateful ---- */

static h_peer FP;
static uint8_t pattern[65536];

/* The connection's packet: addresses, ports, numbers made its own. */
static void make_relative(uint8_t *b, size_t len)
{
    size_t off;
    if ((b[0] >> 4) == 4 && len >= 20) {
        size_t hl = (size_t)(b[0] & 0x0f) * 4;
        if (hl < 20 || hl + 20 > len || b[9] != HP_PROTO_TCP)
            return;
        uint32_t s = H_PEER4, d = H_US4;
        memcpy(b + 12, &s, 4);
        memcpy(b + 16, &d, 4);
        off = hl;
    } else if ((b[0] >> 4) == 6 && len >= 60 && b[6] == HP_PROTO_TCP) {
        memcpy(b + 8, H_PEER6, 16);
        memcpy(b + 24, H_US6, 16);
        off = 40;
    } else {
        return;
    }
    uint8_t *t = b + off;
    hp_w16(t, FP.tcp.port);
    hp_w16(t + 2, FP.tcp.lport);
    uint32_t rel = hp_r32(t + 4);
    hp_w32(t + 4, rel + FP.tcp.snd_nxt);
    hp_w32(t + 8, hp_r32(t + 8) + FP.tcp.rcv_nxt);
    hf_fix_packet(b, len);
    /* The peer moves on when it sent the next bytes in order. */
    size_t thl = (size_t)(t[12] >> 4) * 4;
    if (rel == 0 && thl >= 20 && off + thl <= len && !(t[13] & (HP_TCP_RST | HP_TCP_SYN)))
        FP.tcp.snd_nxt += (uint32_t)(len - off - thl) + ((t[13] & HP_TCP_FIN) ? 1u : 0u);
}

static void app_action(unsigned code, unsigned arg)
{
    h_app *a = FP.app;
    tern_tcp *t = a ? a->t : NULL;
    switch (code) {
    case 0:
        if (t && tern_tcp_write(t, pattern, arg * 16, 0) == 0)
            tern_tcp_output(t);
        break;
    case 1:
        if (t)
            tern_tcp_recved(t, arg * 16);
        break;
    case 2:
        if (t) {
            a->t = NULL;
            if (tern_tcp_close(t) != 0)
                tern_tcp_abort(t);
        }
        break;
    case 3:
        if (t)
            tern_tcp_abort(t);
        a->t = NULL;
        break;
    case 4:
        if (t) {
            /* Shutting both directions, in one call or two, is closing
             * (lwIP's rule): the application lets go of the socket.  (A
             * socket shut both ways by two calls and kept is test_hostile_
             * pending.c's BUG 6: tern may free it without a word.) */
            a->shut_rx |= (arg & 1) != 0;
            a->shut_tx |= (arg & 2) != 0;
            if (a->shut_rx && a->shut_tx) {
                a->t = NULL;
                if (tern_tcp_close(t) != 0)
                    tern_tcp_abort(t);
            } else {
                tern_tcp_shutdown(t, (arg & 1) != 0, (arg & 2) != 0);
                if (arg & 2)
                    a->close_on_fin = true;
            }
        }
        break;
    case 5:
        if (t)
            tern_tcp_output(t);
        break;
    case 6:
        a->refuse = !a->refuse;
        if (t)
            tern_tcp_process_refused(t);
        break;
    case 7:
        if (arg < 0x800) {
            if (arg)
                h_peer_data(&FP, pattern, arg);
        } else {
            FP.tcp.win = (uint16_t)((arg & 0x7ff) << 5);
            h_peer_absorb(&FP, true);
        }
        break;
    }
}

int hf_tcp_stateful(const uint8_t *data, size_t size)
{
    hf_why[0] = 0;
    if (size < 1)
        return 0;
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 7 + (i >> 8));
    uint8_t cfgb = data[0];
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    if (cfgb & 0x10)
        c.rcv_buf = c.rcv_buf_max = 2048; /* zero windows come quickly */
    if (cfgb & 0x20)
        c.cc = TERN_TCP_CC_NEWRENO;
    if (cfgb & 0x40)
        c.snd_buf = 8192;
    c.ooo_max_segs = 64;
    h_opts o = {.tcp = &c, .default_route = true};
    if (h_setup(&o) != 0)
        return snprintf(hf_why, sizeof(hf_why), "setup failed"), 8;
    if (!h_listen(80, 4))
        return snprintf(hf_why, sizeof(hf_why), "listen failed"), 8;
    h_peer_init(&FP, 80, (cfgb & 0x80) ? 0xfffff000u : 0x10000000u);
    FP.v6 = cfgb & 1;
    uint8_t opts[32];
    size_t ol = 0;
    opts[ol++] = 2, opts[ol++] = 4, opts[ol++] = 0x05, opts[ol++] = 0xb4;
    if (cfgb & 2)
        opts[ol++] = 1, opts[ol++] = 3, opts[ol++] = 3, opts[ol++] = 7;
    if (cfgb & 4)
        opts[ol++] = 1, opts[ol++] = 1, opts[ol++] = 4, opts[ol++] = 2;
    if (cfgb & 8) {
        opts[ol++] = 1, opts[ol++] = 1, opts[ol++] = 8, opts[ol++] = 10;
        hp_w32(opts + ol, 100), ol += 4;
        hp_w32(opts + ol, 0), ol += 4;
    }
    if (h_peer_connect(&FP, opts, ol) != 0) {
        snprintf(hf_why, sizeof(hf_why), "the stack refused a valid handshake");
        h_peer_free(&FP);
        finish();
        return 16;
    }
    FP.app->no_recved = true;
    h_clear();

    static uint8_t pkt[0x8000];
    static int trace = -1;
    if (trace < 0)
        trace = getenv("HF_TRACE") != NULL;
    size_t i = 1;
    while (i + 3 <= size) {
        uint8_t dt = data[i];
        uint16_t len = hp_r16(data + i + 1);
        i += 3;
        uint32_t ms = (uint32_t)(dt & 0x3f) * ((dt & 0x40) ? 1000u : 10u);
        if (ms)
            h_advance(ms);
        if (trace) {
            h_app *a = FP.app;
            fprintf(stderr, "t=%u ms: %s %u (%u bytes) | socket %s\n", h_now, (len & 0x8000u) ? "action" : "packet",
                    (len & 0x8000u) ? (len >> 12) & 7u : 0u, (len & 0x8000u) ? len & 0xfffu : len,
                    a && a->t ? tern_tcp_state_name(tern_tcp_get_state(a->t)) : "(none)");
        }
        if (len & 0x8000u) {
            app_action((len >> 12) & 7u, len & 0xfffu);
        } else {
            size_t k = len < size - i ? len : size - i;
            memcpy(pkt, data + i, k);
            i += k;
            if (dt & 0x80)
                make_relative(pkt, k);
            h_input(pkt, k);
        }
        if (h_ncap() > 1000)
            h_clear();
    }
    h_advance(120000);
    h_peer_free(&FP);
    return finish();
}

/* ---- (c) pbufs against a model ---- */

#define NSLOT 4

typedef struct slot {
    tern_pbuf *p;
    uint8_t *m; /* the bytes p should hold */
    size_t n;
} slot;

static slot S[NSLOT];

typedef struct rd {
    const uint8_t *d;
    size_t n, i;
} rd;

static unsigned r8(rd *r) { return r->i < r->n ? r->d[r->i++] : 0; }
static unsigned r16(rd *r) { return (r8(r) << 8) | r8(r); }

typedef struct hf_custom {
    tern_pbuf_custom pc;
    uint8_t *mem;
} hf_custom;

static uint64_t custom_live;

static void hf_custom_free(tern_pbuf *p)
{
    hf_custom *c = (hf_custom *)(void *)p;
    free(c->mem);
    free(c);
    custom_live--;
}

/* An exact-size custom pbuf (the allocator's REF type, freed by callback). */
static tern_pbuf *alloc_custom(uint16_t len)
{
    hf_custom *c = calloc(1, sizeof(*c));
    uint8_t *mem = malloc(len ? len : 1);
    if (!c || !mem)
        abort();
    c->mem = mem;
    c->pc.custom_free_function = hf_custom_free;
    tern_pbuf *p = tern_pbuf_alloced_custom(0, len, TERN_PBUF_REF, &c->pc, mem, len);
    if (!p) {
        free(mem);
        free(c);
        return NULL;
    }
    custom_live++;
    return p;
}

static int fail(const char *what, int op)
{
    snprintf(hf_why, sizeof(hf_why), "pbuf model: %s (op %d)", what, op);
    return 32;
}

/* The chain must add up and hold the model's bytes. */
static const char *check_slot(const slot *s)
{
    if (!s->p)
        return NULL;
    if (s->p->tot_len != s->n)
        return "tot_len differs from the model";
    size_t left = s->n, at = 0;
    for (const tern_pbuf *q = s->p; q; q = q->next) {
        if (q->tot_len != left)
            return "a segment's tot_len is not what follows it";
        if (q->len > left)
            return "a segment longer than its tot_len";
        if (q->ref == 0)
            return "a live segment with ref 0";
        if (q->len && memcmp(q->payload, s->m + at, q->len) != 0)
            return "bytes differ from the model";
        at += q->len;
        left -= q->len;
    }
    if (left)
        return "chain shorter than tot_len";
    return NULL;
}

static void slot_free(slot *s)
{
    if (s->p)
        tern_pbuf_free(s->p);
    free(s->m);
    s->p = NULL;
    s->m = NULL;
    s->n = 0;
}

static void slot_set(slot *s, tern_pbuf *p, uint8_t *m, size_t n)
{
    s->p = p;
    s->m = m;
    s->n = n;
}

static uint8_t *model_alloc(size_t n)
{
    uint8_t *m = malloc(n ? n : 1);
    if (!m)
        abort();
    return m;
}

/* Fills p (all segments) and the model with bytes from seed. */
static void fill(tern_pbuf *p, uint8_t *m, size_t n, unsigned seed)
{
    for (size_t k = 0; k < n; k++)
        m[k] = (uint8_t)(seed + k * 3);
    size_t at = 0;
    for (tern_pbuf *q = p; q && at < n; q = q->next) {
        size_t k = q->len < n - at ? q->len : n - at;
        memcpy(q->payload, m + at, k);
        at += k;
    }
}

/* After a refused copy the destination may hold part of it (lwIP's
 * pbuf_copy_partial_pbuf stops at a "packet queue" boundary mid-copy, and
 * so does tern's): take its bytes as they are. */
static void model_resync(slot *s)
{
    size_t at = 0;
    for (const tern_pbuf *q = s->p; q && at < s->n; q = q->next) {
        size_t k = q->len < s->n - at ? q->len : s->n - at;
        memcpy(s->m + at, q->payload, k);
        at += k;
    }
}

static size_t naive_find(const uint8_t *h, size_t hn, const uint8_t *nd, size_t nn, size_t start)
{
    if (nn > hn)
        return 0xffff;
    for (size_t i = start; i + nn <= hn; i++)
        if (memcmp(h + i, nd, nn) == 0)
            return i;
    return 0xffff;
}

int hf_pbuf(const uint8_t *data, size_t size)
{
    hf_why[0] = 0;
    rd r = {data, size, 0};
    tern_pbuf_stats st0, st;
    tern_pbuf_get_stats(&st0);
    memset(S, 0, sizeof(S));
    custom_live = 0;
    unsigned lim = r8(&r);
    if (lim & 0x80)
        tern_pbuf_set_limit(st0.live_bytes + (uint64_t)(lim & 0x7f) * 4096u);
    int rc = 0;
    static uint8_t tmp[70000];
    static int trace = -1;
    if (trace < 0)
        trace = getenv("HF_TRACE") != NULL;
    for (int op = 0; r.i < r.n && op < 256 && !rc; op++) {
        unsigned code = r8(&r) % 22;
        slot *a = &S[r8(&r) % NSLOT], *b = &S[r8(&r) % NSLOT];
        if (trace) {
            fprintf(stderr, "op %d: code %u a=%d b=%d |", op, code, (int)(a - S), (int)(b - S));
            for (int k = 0; k < NSLOT; k++) {
                fprintf(stderr, " [%d n=%zu", k, S[k].n);
                for (const tern_pbuf *q = S[k].p; q; q = q->next)
                    fprintf(stderr, " %u/%u/t%02x", q->len, q->tot_len, q->type_internal);
                fprintf(stderr, "]");
            }
            fprintf(stderr, " args@%zu:", r.i);
            for (size_t k = r.i; k < r.i + 5 && k < r.n; k++)
                fprintf(stderr, " %02x", r.d[k]);
            fprintf(stderr, "\n");
        }
        switch (code) {
        case 0: case 1: case 2: { /* allocate RAM, POOL or custom */
            uint16_t hr = (uint16_t)(r8(&r) * 2), len = (uint16_t)r16(&r);
            if (code != 1)
                len %= 9000; /* large RAM pbufs take 64K blocks: keep runs fast */
            slot_free(a);
            tern_pbuf *p = code == 0 ? tern_pbuf_alloc(hr, len, TERN_PBUF_RAM)
                           : code == 1 ? tern_pbuf_alloc(hr, len, TERN_PBUF_POOL)
                                       : alloc_custom(len);
            if (!p)
                break;
            uint8_t *m = model_alloc(len);
            fill(p, m, len, r8(&r));
            slot_set(a, p, m, len);
            break;
        }
        case 3:
            slot_free(a);
            break;
        case 4: /* cat: b's chain moves behind a */
            if (a == b || !a->p || !b->p || a->n + b->n > 0xffff)
                break;
            tern_pbuf_cat(a->p, b->p);
            a->m = realloc(a->m, a->n + b->n + 1);
            memcpy(a->m + a->n, b->m, b->n);
            a->n += b->n;
            free(b->m);
            b->p = NULL, b->m = NULL, b->n = 0;
            break;
        case 5: { /* realloc: shrink */
            if (!a->p)
                break;
            uint16_t nl = (uint16_t)r16(&r);
            tern_pbuf_realloc(a->p, nl);
            if (nl < a->n)
                a->n = nl;
            break;
        }
        case 6: { /* remove_header */
            if (!a->p)
                break;
            uint16_t k = (uint16_t)r16(&r) % 2048;
            int e = tern_pbuf_remove_header(a->p, k);
            if ((e == 0) != (k <= a->p->len + (e == 0 ? k : 0)))
                rc = fail("remove_header result", op);
            if (e == 0) {
                memmove(a->m, a->m + k, a->n - k);
                a->n -= k;
            }
            break;
        }
        case 7: { /* add_header: new bytes written through the payload */
            if (!a->p)
                break;
            uint16_t k = (uint16_t)(r8(&r) % 160);
            if (tern_pbuf_add_header(a->p, k) == 0) {
                uint8_t *m = model_alloc(a->n + k);
                for (unsigned j = 0; j < k; j++)
                    m[j] = ((uint8_t *)a->p->payload)[j] = (uint8_t)(0xa0 + j);
                memcpy(m + k, a->m, a->n);
                free(a->m);
                a->m = m;
                a->n += k;
            }
            break;
        }
        case 8: { /* take_at */
            if (!a->p)
                break;
            uint16_t off = (uint16_t)r16(&r), len = (uint16_t)(r16(&r) % 3000);
            for (unsigned j = 0; j < len; j++)
                tmp[j] = (uint8_t)(off + j * 5);
            int e = tern_pbuf_take_at(a->p, tmp, len, off);
            bool fits = (size_t)off + len <= a->n;
            if ((e == 0) != fits && !(len == 0 && off >= a->n && e != 0))
                rc = fail("take_at result", op);
            if (e == 0 && fits)
                memcpy(a->m + off, tmp, len);
            else if (e != 0)
                model_resync(a);
            break;
        }
        case 9: { /* put_at / get_at / try_get_at */
            if (!a->p)
                break;
            uint16_t off = (uint16_t)r16(&r);
            uint8_t v = (uint8_t)r8(&r);
            tern_pbuf_put_at(a->p, off, v);
            if (off < a->n)
                a->m[off] = v;
            int g = tern_pbuf_try_get_at(a->p, off);
            if (g != (off < a->n ? a->m[off] : -1))
                rc = fail("try_get_at", op);
            if (tern_pbuf_get_at(a->p, off) != (off < a->n ? a->m[off] : 0))
                rc = fail("get_at", op);
            break;
        }
        case 10: { /* copy_partial */
            if (!a->p)
                break;
            uint16_t off = (uint16_t)r16(&r), len = (uint16_t)r16(&r);
            uint16_t got = tern_pbuf_copy_partial(a->p, tmp, len, off);
            size_t want = off >= a->n ? 0 : (a->n - off < len ? a->n - off : len);
            if (got != want || (want && memcmp(tmp, a->m + off, want) != 0))
                rc = fail("copy_partial", op);
            break;
        }
        case 11: { /* memcmp / memfind against the model */
            if (!a->p || a->n == 0)
                break;
            uint16_t off = (uint16_t)(r16(&r) % a->n), len = (uint16_t)(r8(&r) % 64);
            if (off + len > a->n)
                len = (uint16_t)(a->n - off);
            if (tern_pbuf_memcmp(a->p, off, a->m + off, len) != 0)
                rc = fail("memcmp of equal bytes", op);
            if (len && tern_pbuf_memfind(a->p, a->m + off, len, 0) != naive_find(a->m, a->n, a->m + off, len, 0))
                rc = fail("memfind", op);
            break;
        }
        case 12: { /* clone into b */
            if (!a->p || a == b)
                break;
            tern_pbuf *q = tern_pbuf_clone((uint16_t)r8(&r), (r8(&r) & 1) ? TERN_PBUF_POOL : TERN_PBUF_RAM, a->p);
            if (!q)
                break;
            slot_free(b);
            uint8_t *m = model_alloc(a->n);
            memcpy(m, a->m, a->n);
            slot_set(b, q, m, a->n);
            break;
        }
        case 13: /* coalesce */
            if (a->p)
                a->p = tern_pbuf_coalesce(a->p, (uint16_t)r8(&r));
            break;
        case 14: { /* dechain: the rest goes to b */
            if (!a->p || !a->p->next || a == b)
                break;
            size_t first = a->p->len;
            tern_pbuf *q = tern_pbuf_dechain(a->p);
            slot_free(b);
            if (q) {
                uint8_t *m = model_alloc(a->n - first);
                memcpy(m, a->m + first, a->n - first);
                slot_set(b, q, m, a->n - first);
            }
            a->n = first;
            break;
        }
        case 15: { /* free_header */
            if (!a->p)
                break;
            uint16_t k = (uint16_t)r16(&r);
            if (k > a->n)
                k = (uint16_t)a->n;
            a->p = tern_pbuf_free_header(a->p, k);
            memmove(a->m, a->m + k, a->n - k);
            a->n -= k;
            if (!a->p && a->n)
                rc = fail("free_header lost bytes", op);
            if (!a->p) {
                free(a->m);
                a->m = NULL;
            }
            break;
        }
        case 16: { /* copy_partial_pbuf b -> a */
            if (!a->p || !b->p || a == b)
                break;
            uint16_t len = (uint16_t)r16(&r), off = (uint16_t)r16(&r);
            int e = tern_pbuf_copy_partial_pbuf(a->p, b->p, len, off);
            bool ok = len <= b->n && (size_t)off + len <= a->n;
            if (e == 0 && !ok)
                rc = fail("copy_partial_pbuf accepted a bad range", op);
            if (e == 0)
                memcpy(a->m + off, b->m, len);
            else
                model_resync(a);
            break;
        }
        case 17: { /* get_contiguous */
            if (!a->p)
                break;
            uint16_t off = (uint16_t)r16(&r), len = (uint16_t)(r16(&r) % 4096);
            uint8_t *g = tern_pbuf_get_contiguous(a->p, tmp, sizeof(tmp), len, off);
            if (g && ((size_t)off + len > a->n || memcmp(g, a->m + off, len) != 0))
                rc = fail("get_contiguous", op);
            if (!g && (size_t)off + len <= a->n && off < a->n)
                rc = fail("get_contiguous refused a valid range", op);
            break;
        }
        case 18: /* ref + free: nothing changes */
            if (a->p) {
                tern_pbuf_ref(a->p);
                tern_pbuf_free(a->p);
            }
            break;
        case 19: { /* skip */
            if (!a->p)
                break;
            uint16_t off = (uint16_t)r16(&r), in;
            tern_pbuf *q = tern_pbuf_skip(a->p, off, &in);
            if (off < a->n) {
                if (!q || in >= q->len || ((uint8_t *)q->payload)[in] != a->m[off])
                    rc = fail("skip", op);
            } else if (q && q->len > in) {
                rc = fail("skip past the end", op);
            }
            break;
        }
        case 20: { /* strstr of a model substring */
            if (!a->p || a->n < 2)
                break;
            uint16_t off = (uint16_t)(r16(&r) % (a->n - 1));
            char needle[9];
            size_t nl = 0;
            while (nl < 8 && off + nl < a->n && a->m[off + nl])
                needle[nl] = (char)a->m[off + nl], nl++;
            needle[nl] = 0;
            if (nl == 0)
                break;
            uint16_t want = (uint16_t)naive_find(a->m, a->n, (const uint8_t *)needle, nl, 0);
            if (a->n == 0xffff)
                want = 0xffff;
            if (tern_pbuf_strstr(a->p, needle) != want)
                rc = fail("strstr", op);
            break;
        }
        case 21: { /* pbuf_copy a <- b */
            if (!a->p || !b->p || a == b)
                break;
            int e = tern_pbuf_copy(a->p, b->p);
            if (e == 0 && b->n > a->n)
                rc = fail("copy into a smaller pbuf", op);
            if (e == 0)
                memcpy(a->m, b->m, b->n);
            else
                model_resync(a);
            break;
        }
        }
        for (int k = 0; k < NSLOT && !rc; k++) {
            const char *w = check_slot(&S[k]);
            if (w)
                rc = fail(w, op);
        }
    }
    for (int k = 0; k < NSLOT; k++)
        slot_free(&S[k]);
    tern_pbuf_set_limit(0);
    tern_pbuf_get_stats(&st);
    if (!rc && st.live_pbufs != st0.live_pbufs)
        rc = fail("pbufs leaked", -1);
    if (!rc && custom_live)
        rc = fail("custom pbufs leaked", -1);
    return rc;
}
