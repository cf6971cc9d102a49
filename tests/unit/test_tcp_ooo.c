/* tests/unit/test_tcp_ooo.c: the out-of-order queue (socket/tcp_ooo.c)
 * against a reference model.
 *
 * Segments of a 64 KB stream arrive in a seeded random order, with
 * duplicates and overlapping retransmissions; after each arrival the
 * queue's SACK blocks must be exactly the runs a byte map of what arrived
 * ahead of RCV.NXT holds (the latest arrival's run first, then the highest
 * runs, RFC 2018 4), and whenever the in-order point moves the bytes taken
 * must be the stream's.  The queue keeps its runs incrementally (each
 * run's first segment describes it), so this is what proves those stay
 * right through joins, bridges, trims and takes. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socket/tcp_impl.h"
#include "unit_suite.h"

#define OOO_STREAM 65536u
#define OOO_ISN 0xfffff000u /* wraps during the stream */

static uint8_t stream_byte(uint32_t off) { return (uint8_t)(off * 7u + (off >> 8)); }

static uint32_t rng_state;
static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

typedef struct model {
    uint8_t have[OOO_STREAM]; /* byte offset arrived (in order or held) */
    uint32_t nxt;             /* offset of RCV.NXT */
    uint32_t latest;          /* offset of the latest held arrival */
} model;

/* The model's runs above nxt, as SACK blocks in the queue's order. */
static uint8_t model_blocks(const model *m, tern_tcp_sack_block *out)
{
    tern_tcp_sack_block runs[OOO_STREAM / 2];
    uint32_t n = 0;
    for (uint32_t i = m->nxt; i < OOO_STREAM;) {
        if (!m->have[i]) {
            i++;
            continue;
        }
        uint32_t j = i;
        while (j < OOO_STREAM && m->have[j])
            j++;
        runs[n++] = (tern_tcp_sack_block){OOO_ISN + i, OOO_ISN + j};
        i = j;
    }
    uint8_t k = 0;
    int32_t latest = -1;
    for (uint32_t i = 0; i < n; i++)
        if (runs[i].left - OOO_ISN <= m->latest && m->latest < runs[i].right - OOO_ISN)
            latest = (int32_t)i;
    if (latest >= 0)
        out[k++] = runs[latest];
    for (int32_t i = (int32_t)n - 1; i >= 0 && k < TERN_TCP_MAX_SACK; i--)
        if (i != latest)
            out[k++] = runs[i];
    return k;
}

static uint32_t fixed_clock(void *arg)
{
    (void)arg;
    return 1000;
}

static tern_stack *new_stack(void)
{
    tern_config cfg = {.clock = fixed_clock, .seed = 1};
    return tern_stack_new(&cfg);
}

static void run_one(uint32_t seed, uint32_t seg_max)
{
    static model m;
    memset(&m, 0, sizeof(m));
    rng_state = seed;
    tern_stack *s = new_stack();
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    tern_tcp *t = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    t->mss = 1000;
    t->rcv_buf = 4u << 20;
    t->rcv_nxt = OOO_ISN;
    uint32_t delivered = 0, mismatches = 0, arrivals = 0;
    bool bad_bytes = false;
    while (m.nxt < OOO_STREAM && arrivals < 20000) {
        arrivals++;
        /* Mostly ahead of RCV.NXT, sometimes at it (the hole's repair),
         * sometimes overlapping what is held or already taken. */
        uint32_t off = (rng() % 8 == 0) ? m.nxt : m.nxt + rng() % 16384;
        if (rng() % 16 == 0 && m.nxt > 500)
            off = m.nxt - 1 - rng() % 500;
        uint32_t len = 1 + rng() % seg_max;
        if (off >= OOO_STREAM)
            continue;
        if (off + len > OOO_STREAM)
            len = OOO_STREAM - off;
        tern_pbuf *p = tern_pbuf_alloc(0, (uint16_t)len, TERN_PBUF_RAM);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        for (uint32_t i = 0; i < len; i++)
            ((uint8_t *)p->payload)[i] = stream_byte(off + i);
        if (off + len <= m.nxt) {
            tern_pbuf_free(p); /* old data: the input path drops it */
            continue;
        }
        if (off < m.nxt) { /* the input path trims what was received */
            p = tern_pbuf_free_header(p, (uint16_t)(m.nxt - off));
            len -= m.nxt - off;
            off = m.nxt;
        }
        if (off == m.nxt) {
            /* In order: delivered by the input path, then the queue gives
             * up what is now in order. */
            tern_pbuf_free(p);
            for (uint32_t i = off; i < off + len; i++)
                m.have[i] = 1;
            m.nxt = off + len;
            t->rcv_nxt = OOO_ISN + m.nxt;
            bool fin = false;
            tern_pbuf *q;
            while ((q = tern__tcp_ooo_take(t, &fin)) != NULL) {
                uint32_t at = t->rcv_nxt - OOO_ISN;
                for (uint16_t i = 0; i < q->tot_len; i++)
                    if (((uint8_t *)q->payload)[i] != stream_byte(at + i))
                        bad_bytes = true;
                t->rcv_nxt += q->tot_len;
                delivered += q->tot_len;
                tern_pbuf_free(q);
            }
            /* Everything the model holds contiguously past nxt was taken. */
            while (m.nxt < OOO_STREAM && m.have[m.nxt])
                m.nxt++;
            CU_ASSERT_EQUAL(t->rcv_nxt, OOO_ISN + m.nxt);
            if (t->rcv_nxt != OOO_ISN + m.nxt)
                break;
        } else {
            tern__tcp_ooo_insert(t, p, OOO_ISN + off, false);
            /* What the queue keeps: past what it already held from off on,
             * up to the next byte it holds (the rest of an arrival that
             * overlaps a later run is dropped; the sender sends it again). */
            uint32_t i = off;
            while (i < off + len && m.have[i])
                i++;
            for (; i < off + len && !m.have[i]; i++)
                m.have[i] = 1;
            m.latest = off;
        }
        tern_tcp_sack_block got[TERN_TCP_MAX_SACK], want[TERN_TCP_MAX_SACK];
        uint8_t ng = tern__tcp_ooo_sack_blocks(t, got, TERN_TCP_MAX_SACK);
        uint8_t nw = model_blocks(&m, want);
        if (ng != nw || memcmp(got, want, ng * sizeof(got[0])) != 0)
            mismatches++;
    }
    printf("\n    seed %u, segments up to %u bytes: %u arrivals, %u bytes taken from the queue", seed, seg_max, arrivals,
           delivered);
    CU_ASSERT_EQUAL(m.nxt, OOO_STREAM);
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT_FALSE(bad_bytes);
    CU_ASSERT_PTR_NULL(tern__tcp_ooo_head(t));
    CU_ASSERT_EQUAL(tern__tcp_rare_of(t) ? tern__tcp_rare_of(t)->ooo_count : 0, 0);
    CU_ASSERT(delivered > 0);
    tern_tcp_abort(t);
    tern_stack_free(s);
}

static void test_against_model(void)
{
    for (uint32_t seed = 1; seed <= 6; seed++)
        run_one(seed, seed % 2 ? 1000 : 3000);
}

/* A FIN held out of order: data past it is bogus and dropped; the FIN is
 * returned once the hole before it fills. */
static void test_fin_held(void)
{
    tern_stack *s = new_stack();
    tern_tcp *t = tern_tcp_new(s, TERN_ADDR_V4);
    t->mss = 1000;
    t->rcv_buf = 1u << 20;
    t->rcv_nxt = 1000;
    tern_pbuf *a = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM), *b = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM);
    tern__tcp_ooo_insert(t, a, 1100, true); /* [1100, 1200) + FIN */
    tern__tcp_ooo_insert(t, b, 1200, false); /* past the FIN */
    CU_ASSERT_PTR_NOT_NULL_FATAL(tern__tcp_rare_of(t));
    CU_ASSERT_EQUAL(tern__tcp_rare_of(t)->ooo_count, 1);
    tern_tcp_sack_block blk[TERN_TCP_MAX_SACK];
    CU_ASSERT_EQUAL(tern__tcp_ooo_sack_blocks(t, blk, TERN_TCP_MAX_SACK), 1);
    CU_ASSERT_EQUAL(blk[0].left, 1100);
    CU_ASSERT_EQUAL(blk[0].right, 1200);
    t->rcv_nxt = 1100; /* the hole was filled in order */
    bool fin = false;
    tern_pbuf *q = tern__tcp_ooo_take(t, &fin);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->tot_len, 100);
    CU_ASSERT_TRUE(fin);
    tern_pbuf_free(q);
    CU_ASSERT_PTR_NULL(tern__tcp_ooo_head(t));
    tern_tcp_abort(t);
    tern_stack_free(s);
}

TERN_UNIT_SUITE(tcp_ooo)
{
    CU_pSuite s = CU_add_suite("tcp/ooo", NULL, NULL);
    CU_add_test(s, "runs and SACK blocks match a byte map through random arrivals", test_against_model);
    CU_add_test(s, "a held FIN: data past it dropped, FIN taken with the hole filled", test_fin_held);
}
