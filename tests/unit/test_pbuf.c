/* tests/unit/test_pbuf.c: packet buffers against lwIP 2.1.3's pbuf contract.
 *
 * The first group ports every case of lwIP's test/unit/core/test_pbuf.c; the
 * rest covers each function's edges, misuse, the allocator's accounting, and a
 * seeded random run of chain operations checked against a flat byte array.
 * The suite's teardown checks that every test returns the live pbuf count and
 * bytes to where they started. */
#include <CUnit/Basic.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tern/err.h"
#include "tern/pbuf.h"
#include "unit_suite.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISONED(addr) __asan_address_is_poisoned(addr)
#else
#define POISONED(addr) ((void)(addr), 1)
#endif

#define POOL_BUF TERN_PBUF_POOL_BUFSIZE

/* ------------------------------------------------------------- helpers */

static tern_pbuf_stats at_start;

static tern_pbuf_stats stats_now(void)
{
    tern_pbuf_stats s;
    tern_pbuf_get_stats(&s);
    return s;
}

static int suite_init(void) { return 0; }

static void setup(void) { at_start = stats_now(); }

static void teardown(void)
{
    tern_pbuf_stats s = stats_now();
    CU_ASSERT_EQUAL(s.live_pbufs, at_start.live_pbufs);
    CU_ASSERT_EQUAL(s.live_bytes, at_start.live_bytes);
    tern_pbuf_set_limit(0);
}

/* Caching can be switched off at build time or by the environment; ask the
 * allocator rather than guess. */
static int cache_disabled(void)
{
    tern_pbuf_trim();
    tern_pbuf_free(tern_pbuf_alloc_reference(NULL, 0, TERN_PBUF_REF));
    int off = stats_now().cached_bytes == 0;
    tern_pbuf_trim();
    return off;
}

static uint32_t rng_state;

static uint32_t rnd(void)
{
    uint32_t x = rng_state; /* xorshift32: seeded, reproducible */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static uint32_t rnd_below(uint32_t n) { return n ? rnd() % n : 0; }

static void fill_pattern(uint8_t *b, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(seed + i * 7u + (i >> 8));
}

/* tot_len of every segment is its len plus the tot_len behind it. */
static int chain_consistent(const tern_pbuf *p)
{
    for (; p != NULL; p = p->next) {
        uint32_t rest = p->next != NULL ? p->next->tot_len : 0;
        if (p->tot_len != p->len + rest)
            return 0;
    }
    return 1;
}

static int content_is(const tern_pbuf *p, const uint8_t *want, uint16_t n)
{
    static uint8_t got[65536];
    if (p == NULL || p->tot_len != n)
        return 0;
    return tern_pbuf_copy_partial(p, got, n, 0) == n && memcmp(got, want, n) == 0;
}

/* Frees what is left of a chain segs[0] -> ... -> segs[n-1] whatever the refs. */
static void release_all(tern_pbuf **segs, int n)
{
    int freed[16] = {0};
    for (int i = 0; i < n; i++) {
        while (!freed[i]) {
            int k = tern_pbuf_free(segs[i]);
            for (int j = i; j < i + k; j++)
                freed[j] = 1;
        }
    }
}

/* ------------------------------------------- lwIP's test_pbuf.c, ported */

#define TESTBUFSIZE_1 65535
#define TESTBUFSIZE_2 65530
#define TESTBUFSIZE_3 50050
static uint8_t testbuf_1[TESTBUFSIZE_1], testbuf_1a[TESTBUFSIZE_1];
static uint8_t testbuf_2[TESTBUFSIZE_2], testbuf_2a[TESTBUFSIZE_2];
static uint8_t testbuf_3[TESTBUFSIZE_3], testbuf_3a[TESTBUFSIZE_3];

static void test_lwip_alloc_zero_pbufs(void)
{
    static const unsigned types[] = {TERN_PBUF_ROM, TERN_PBUF_RAM, TERN_PBUF_REF, TERN_PBUF_POOL};
    for (int i = 0; i < 4; i++) {
        tern_pbuf *p = tern_pbuf_alloc(0, 0, types[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_EQUAL(p->len, 0);
        CU_ASSERT_EQUAL(p->tot_len, 0);
        CU_ASSERT_EQUAL(tern_pbuf_free(p), 1);
    }
}

/* lwIP's pool buffers are ~600 bytes, so its 1024-byte copy target is a
 * chain; with tern's 1600-byte buffers the same shape needs 2000 bytes. */
static void test_lwip_copy_zero_pbuf(void)
{
    tern_pbuf *p1 = tern_pbuf_alloc(0, 2000, TERN_PBUF_RAM);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p1);
    CU_ASSERT_EQUAL(p1->ref, 1);
    tern_pbuf *p2 = tern_pbuf_alloc(0, 2, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p2);
    CU_ASSERT_EQUAL(p2->ref, 1);
    p2->len = p2->tot_len = 0;

    tern_pbuf_cat(p1, p2);
    CU_ASSERT_EQUAL(p1->ref, 1);
    CU_ASSERT_EQUAL(p2->ref, 1);

    tern_pbuf *p3 = tern_pbuf_alloc(0, p1->tot_len, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p3);
    CU_ASSERT_PTR_NOT_NULL(p3->next);
    /* p1's len equals its tot_len yet it has a successor: a packet queue. */
    CU_ASSERT_EQUAL(tern_pbuf_copy(p3, p1), TERN_ERR_VAL);

    tern_pbuf_free(p1);
    tern_pbuf_free(p3);
}

static void test_lwip_split_64k_on_small_pbufs(void)
{
    tern_pbuf *rest = NULL;
    tern_pbuf *p = tern_pbuf_alloc(0, 1, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    tern_pbuf_split_64k(p, &rest);
    CU_ASSERT_EQUAL(p->tot_len, 1);
    CU_ASSERT_PTR_NULL(rest);
    tern_pbuf_free(p);
}

static void test_lwip_queueing_bigger_than_64k(void)
{
    tern_pbuf *rest2 = NULL, *rest3 = NULL;
    rng_state = 0x64c0ffeeu;
    for (int i = 0; i < TESTBUFSIZE_1; i++)
        testbuf_1[i] = (uint8_t)rnd();
    for (int i = 0; i < TESTBUFSIZE_2; i++)
        testbuf_2[i] = (uint8_t)rnd();
    for (int i = 0; i < TESTBUFSIZE_3; i++)
        testbuf_3[i] = (uint8_t)rnd();

    tern_pbuf *p1 = tern_pbuf_alloc(0, TESTBUFSIZE_1, TERN_PBUF_POOL);
    tern_pbuf *p2 = tern_pbuf_alloc(0, TESTBUFSIZE_2, TERN_PBUF_POOL);
    tern_pbuf *p3 = tern_pbuf_alloc(0, TESTBUFSIZE_3, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p3);
    CU_ASSERT_EQUAL(tern_pbuf_take(p1, testbuf_1, TESTBUFSIZE_1), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_take(p2, testbuf_2, TESTBUFSIZE_2), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_take(p3, testbuf_3, TESTBUFSIZE_3), TERN_OK);

    tern_pbuf_cat(p1, p2);
    tern_pbuf_cat(p1, p3);

    tern_pbuf_split_64k(p1, &rest2);
    CU_ASSERT_EQUAL(p1->tot_len, TESTBUFSIZE_1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rest2);
    CU_ASSERT_EQUAL(rest2->tot_len, (uint16_t)((TESTBUFSIZE_2 + TESTBUFSIZE_3) & 0xFFFF));
    tern_pbuf_split_64k(rest2, &rest3);
    CU_ASSERT_EQUAL(rest2->tot_len, TESTBUFSIZE_2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rest3);
    CU_ASSERT_EQUAL(rest3->tot_len, TESTBUFSIZE_3);

    tern_pbuf_copy_partial(p1, testbuf_1a, TESTBUFSIZE_1, 0);
    tern_pbuf_copy_partial(rest2, testbuf_2a, TESTBUFSIZE_2, 0);
    tern_pbuf_copy_partial(rest3, testbuf_3a, TESTBUFSIZE_3, 0);
    CU_ASSERT(memcmp(testbuf_1, testbuf_1a, TESTBUFSIZE_1) == 0);
    CU_ASSERT(memcmp(testbuf_2, testbuf_2a, TESTBUFSIZE_2) == 0);
    CU_ASSERT(memcmp(testbuf_3, testbuf_3a, TESTBUFSIZE_3) == 0);

    tern_pbuf_free(p1);
    tern_pbuf_free(rest2);
    tern_pbuf_free(rest3);
}

/* lwIP bug #45454: take_at at the start of a later segment wrote nothing.
 * (2048 bytes instead of lwIP's 1024 to get a chain of tern's pool buffers.) */
static void test_lwip_take_at_edge(void)
{
    const uint8_t testdata[] = {0x01, 0x08, 0x82, 0x02};
    tern_pbuf *p = tern_pbuf_alloc(0, 2048, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    tern_pbuf *q = p->next;
    CU_ASSERT_FATAL(p->tot_len != p->len);
    memset(p->payload, 0, p->len);
    memset(q->payload, 0, q->len);

    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, testdata, sizeof testdata, 0), TERN_OK);
    CU_ASSERT(memcmp(p->payload, testdata, sizeof testdata) == 0);

    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, testdata, sizeof testdata, (uint16_t)(p->len - 1)), TERN_OK);
    CU_ASSERT_EQUAL(((uint8_t *)p->payload)[p->len - 1], testdata[0]);
    CU_ASSERT(memcmp(q->payload, testdata + 1, sizeof testdata - 1) == 0);

    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, testdata, sizeof testdata, p->len), TERN_OK);
    CU_ASSERT(memcmp(q->payload, testdata, sizeof testdata) == 0);
    tern_pbuf_free(p);
}

static void test_lwip_get_put_at_edge(void)
{
    tern_pbuf *p = tern_pbuf_alloc(0, 2048, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    tern_pbuf *q = p->next;
    CU_ASSERT_FATAL(p->tot_len != p->len);
    memset(p->payload, 0, p->len);
    memset(q->payload, 0, q->len);

    tern_pbuf_put_at(p, p->len, 0x01);
    CU_ASSERT_EQUAL(*(uint8_t *)q->payload, 0x01);
    CU_ASSERT_EQUAL(tern_pbuf_get_at(p, p->len), 0x01);
    tern_pbuf_free(p);
}

/* ----------------------------------------------------------- allocation */

static void test_alloc_ram_layout(void)
{
    static const uint16_t heads[] = {0, 1, 14, 54, 200};
    for (unsigned i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        uint16_t room = (uint16_t)((heads[i] + TERN_PBUF_ALIGNMENT - 1) & ~(TERN_PBUF_ALIGNMENT - 1));
        tern_pbuf *p = tern_pbuf_alloc(heads[i], 300, TERN_PBUF_RAM);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_PTR_NULL(p->next);
        CU_ASSERT_EQUAL(p->len, 300);
        CU_ASSERT_EQUAL(p->tot_len, 300);
        CU_ASSERT_EQUAL(p->type_internal, (uint8_t)TERN_PBUF_RAM);
        CU_ASSERT_EQUAL(p->flags, 0);
        CU_ASSERT_EQUAL(p->ref, 1);
        CU_ASSERT_EQUAL(p->if_idx, 0);
        CU_ASSERT_EQUAL((uintptr_t)p->payload % TERN_PBUF_ALIGNMENT, 0);
        /* headroom is exactly the aligned request, as lwIP places it */
        CU_ASSERT_EQUAL((uint8_t *)p->payload, (uint8_t *)(p + 1) + room);
        memset(p->payload, 0xab, 300);
        CU_ASSERT_EQUAL(tern_pbuf_add_header(p, (size_t)room + 1), 1);
        CU_ASSERT_EQUAL(tern_pbuf_add_header(p, room), 0);
        CU_ASSERT_EQUAL(p->len, 300 + room);
        memset(p->payload, 0xcd, room); /* writable headroom */
        CU_ASSERT_EQUAL(tern_pbuf_free(p), 1);
    }
    /* every RAM size class, and past the largest one */
    static const uint16_t sizes[] = {0, 200, 2000, 9000, 40000, 65535};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        tern_pbuf *p = tern_pbuf_alloc(512, sizes[i], TERN_PBUF_RAM);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        CU_ASSERT_EQUAL(p->tot_len, sizes[i]);
        if (sizes[i] > 0) {
            memset(p->payload, 0x5a, sizes[i]);
            memset((uint8_t *)p->payload - 512, 0xa5, 512);
        }
        tern_pbuf_free(p);
    }
    tern_pbuf *big = tern_pbuf_alloc(65535, 65535, TERN_PBUF_RAM);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    CU_ASSERT_EQUAL(tern_pbuf_add_header(big, 65535), 1); /* tot_len would wrap */
    tern_pbuf_free(big);
}

static void check_pool(uint16_t headroom, uint16_t length)
{
    uint32_t room = (headroom + TERN_PBUF_ALIGNMENT - 1) & ~(TERN_PBUF_ALIGNMENT - 1);
    tern_pbuf_stats before = stats_now();
    tern_pbuf *p = tern_pbuf_alloc(headroom, length, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(chain_consistent(p));
    CU_ASSERT_EQUAL(p->tot_len, length);
    uint32_t first = length < POOL_BUF - room ? length : POOL_BUF - room;
    uint32_t segs = 1 + (length > first ? (length - first + POOL_BUF - 1) / POOL_BUF : 0);
    CU_ASSERT_EQUAL(tern_pbuf_clen(p), segs);
    CU_ASSERT_EQUAL(stats_now().live_pbufs, before.live_pbufs + segs);
    CU_ASSERT_EQUAL(p->len, first);
    uint32_t sum = 0;
    for (tern_pbuf *q = p; q != NULL; q = q->next) {
        CU_ASSERT_EQUAL(q->type_internal, (uint8_t)TERN_PBUF_POOL);
        CU_ASSERT_EQUAL(q->ref, 1);
        CU_ASSERT(q->len <= POOL_BUF);
        CU_ASSERT_EQUAL((uintptr_t)q->payload % TERN_PBUF_ALIGNMENT, 0);
        if (q != p) {
            CU_ASSERT_EQUAL(tern_pbuf_add_header(q, 1), 1); /* headroom only in the first */
            if (q->next != NULL)
                CU_ASSERT_EQUAL(q->len, POOL_BUF);
        }
        if (q->len > 0)
            memset(q->payload, 0x77, q->len);
        sum += q->len;
    }
    CU_ASSERT_EQUAL(sum, length);
    if (room > 0 && length + room <= 0xffff) {
        CU_ASSERT_EQUAL(tern_pbuf_add_header(p, room + 1), 1);
        CU_ASSERT_EQUAL(tern_pbuf_add_header(p, room), 0);
    }
    CU_ASSERT_EQUAL(tern_pbuf_free(p), segs);
}

static void test_alloc_pool_chains(void)
{
    static const uint16_t lengths[] = {0, 1, POOL_BUF - 1, POOL_BUF, POOL_BUF + 1, 3 * POOL_BUF, 9000, 65535};
    static const uint16_t heads[] = {0, 14, 64, POOL_BUF - 8};
    for (unsigned h = 0; h < sizeof heads / sizeof heads[0]; h++)
        for (unsigned l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
            check_pool(heads[h], lengths[l]);
    /* A headroom of one whole buffer leaves the first segment empty (as lwIP). */
    tern_pbuf *p = tern_pbuf_alloc(POOL_BUF, 100, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->len, 0);
    CU_ASSERT_EQUAL(p->tot_len, 100);
    CU_ASSERT_EQUAL(tern_pbuf_clen(p), 2);
    tern_pbuf_free(p);
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc(POOL_BUF + 1, 100, TERN_PBUF_POOL));
}

static void test_alloc_reference(void)
{
    static const uint8_t rom[] = "constant bytes";
    uint8_t ram[32];
    tern_pbuf *p = tern_pbuf_alloc_reference((void *)rom, sizeof rom, TERN_PBUF_ROM);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_EQUAL(p->payload, rom);
    CU_ASSERT_EQUAL(p->len, sizeof rom);
    CU_ASSERT_EQUAL(p->type_internal, (uint8_t)TERN_PBUF_ROM);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 0, "constant", 8), 0);
    tern_pbuf *q = tern_pbuf_alloc_reference(ram, sizeof ram, TERN_PBUF_REF);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_EQUAL(q->type_internal, (uint8_t)TERN_PBUF_REF);
    CU_ASSERT(q->type_internal & TERN_PBUF_TYPE_FLAG_DATA_VOLATILE);
    tern_pbuf_free(p);
    tern_pbuf_free(q);

    /* pbuf_alloc of ROM/REF: no memory for data, headroom ignored */
    p = tern_pbuf_alloc(100, 40, TERN_PBUF_REF);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NULL(p->payload);
    CU_ASSERT_EQUAL(p->tot_len, 40);
    p->payload = ram;
    tern_pbuf_free(p);

    CU_ASSERT_PTR_NULL(tern_pbuf_alloc_reference(ram, 4, TERN_PBUF_RAM));
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc_reference(ram, 4, TERN_PBUF_POOL));
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc_reference(ram, 4, 0x99));
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc(0, 4, 0));
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc(0, 4, 0x1234));
}

/* ------------------------------------------------------ refs and chains */

static void make3(tern_pbuf **s, const uint8_t refs[3])
{
    for (int i = 0; i < 3; i++) {
        s[i] = tern_pbuf_alloc(0, (uint16_t)(10 * (i + 1)), TERN_PBUF_RAM);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s[i]);
    }
    tern_pbuf_cat(s[0], s[1]);
    tern_pbuf_cat(s[0], s[2]);
    for (int i = 0; i < 3; i++)
        for (int r = 1; r < refs[i]; r++)
            tern_pbuf_ref(s[i]);
}

/* The examples in lwIP's pbuf_free documentation. */
static void test_free_walk(void)
{
    static const struct {
        uint8_t refs[3], freed, after[3];
    } cases[] = {
        {{1, 2, 3}, 1, {0, 1, 3}}, {{3, 3, 3}, 0, {2, 3, 3}}, {{1, 1, 2}, 2, {0, 0, 1}},
        {{2, 1, 1}, 0, {1, 1, 1}}, {{1, 1, 1}, 3, {0, 0, 0}},
    };
    for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        tern_pbuf *s[3];
        make3(s, cases[c].refs);
        CU_ASSERT_EQUAL(tern_pbuf_free(s[0]), cases[c].freed);
        for (int i = cases[c].freed; i < 3; i++)
            CU_ASSERT_EQUAL(s[i]->ref, cases[c].after[i]);
        if (cases[c].freed < 3)
            release_all(s + cases[c].freed, 3 - cases[c].freed);
    }
}

static void test_cat_chain_dechain(void)
{
    tern_pbuf *h = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    tern_pbuf *t = tern_pbuf_alloc(0, 20, TERN_PBUF_RAM);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    tern_pbuf_cat(h, t); /* takes over the caller's reference */
    CU_ASSERT_EQUAL(h->tot_len, 30);
    CU_ASSERT_EQUAL(t->ref, 1);
    CU_ASSERT_EQUAL(tern_pbuf_clen(h), 2);
    CU_ASSERT_EQUAL(tern_pbuf_free(h), 2);

    h = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    t = tern_pbuf_alloc(0, 20, TERN_PBUF_RAM);
    tern_pbuf_chain(h, t); /* adds a reference; the caller keeps its own */
    CU_ASSERT_EQUAL(t->ref, 2);
    CU_ASSERT_EQUAL(tern_pbuf_free(t), 0);
    CU_ASSERT_PTR_EQUAL(h->next, t);
    CU_ASSERT_EQUAL(tern_pbuf_free(h), 2);

    /* dechain frees a tail nobody else holds */
    h = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    t = tern_pbuf_alloc(0, 20, TERN_PBUF_RAM);
    tern_pbuf_cat(h, t);
    tern_pbuf_stats s = stats_now();
    CU_ASSERT_PTR_NULL(tern_pbuf_dechain(h));
    CU_ASSERT_EQUAL(stats_now().live_pbufs, s.live_pbufs - 1);
    CU_ASSERT_PTR_NULL(h->next);
    CU_ASSERT_EQUAL(h->tot_len, h->len);
    CU_ASSERT_PTR_NULL(tern_pbuf_dechain(h)); /* nothing to dechain */
    tern_pbuf_free(h);

    /* ...and hands back a tail still referenced, with its rest attached */
    h = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    t = tern_pbuf_alloc(0, 20, TERN_PBUF_RAM);
    tern_pbuf *u = tern_pbuf_alloc(0, 30, TERN_PBUF_POOL);
    tern_pbuf_cat(t, u);
    tern_pbuf_chain(h, t);
    CU_ASSERT_EQUAL(h->tot_len, 60);
    CU_ASSERT_PTR_EQUAL(tern_pbuf_dechain(h), t);
    CU_ASSERT_EQUAL(t->ref, 1);
    CU_ASSERT_EQUAL(t->tot_len, 50);
    CU_ASSERT_PTR_EQUAL(t->next, u);
    CU_ASSERT_EQUAL(h->tot_len, 10);
    CU_ASSERT_EQUAL(tern_pbuf_free(h), 1);
    CU_ASSERT_EQUAL(tern_pbuf_free(t), 2);

    /* cat onto a chain updates every tot_len of the head chain */
    h = tern_pbuf_alloc(0, 5000, TERN_PBUF_POOL);
    t = tern_pbuf_alloc(0, 3000, TERN_PBUF_POOL);
    uint16_t hs = tern_pbuf_clen(h), ts = tern_pbuf_clen(t);
    tern_pbuf_cat(h, t);
    CU_ASSERT_EQUAL(h->tot_len, 8000);
    CU_ASSERT(chain_consistent(h));
    CU_ASSERT_EQUAL(tern_pbuf_clen(h), hs + ts);
    CU_ASSERT_EQUAL(tern_pbuf_free(h), hs + ts);
}

/* ------------------------------------------------------------- realloc */

static void test_realloc(void)
{
    tern_pbuf *p = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM);
    void *payload = p->payload;
    tern_pbuf_realloc(p, 200); /* cannot grow */
    CU_ASSERT_EQUAL(p->len, 100);
    tern_pbuf_realloc(p, 50);
    CU_ASSERT_EQUAL(p->len, 50);
    CU_ASSERT_EQUAL(p->tot_len, 50);
    CU_ASSERT_PTR_EQUAL(p->payload, payload);
    tern_pbuf_realloc(p, 0);
    CU_ASSERT_EQUAL(p->len, 0);
    tern_pbuf_free(p);

    /* a chain: the tail is freed, the new last segment cut */
    p = tern_pbuf_alloc(0, 3 * POOL_BUF + 200, TERN_PBUF_POOL);
    CU_ASSERT_EQUAL_FATAL(tern_pbuf_clen(p), 4);
    tern_pbuf_stats s = stats_now();
    tern_pbuf_realloc(p, POOL_BUF + 400);
    CU_ASSERT_EQUAL(tern_pbuf_clen(p), 2);
    CU_ASSERT_EQUAL(stats_now().live_pbufs, s.live_pbufs - 2);
    CU_ASSERT_EQUAL(p->tot_len, POOL_BUF + 400);
    CU_ASSERT_EQUAL(p->next->len, 400);
    CU_ASSERT_EQUAL(p->next->tot_len, 400);
    CU_ASSERT(chain_consistent(p));
    tern_pbuf_realloc(p, POOL_BUF); /* exactly the first segment */
    CU_ASSERT_EQUAL(tern_pbuf_clen(p), 1);
    CU_ASSERT_EQUAL(p->len, POOL_BUF);
    tern_pbuf_free(p);

    /* ROM: only the lengths change */
    static const uint8_t rom[64];
    p = tern_pbuf_alloc_reference((void *)rom, sizeof rom, TERN_PBUF_ROM);
    tern_pbuf_realloc(p, 10);
    CU_ASSERT_EQUAL(p->len, 10);
    CU_ASSERT_PTR_EQUAL(p->payload, rom);
    tern_pbuf_free(p);

    /* a tail someone else holds loses only the chain's reference */
    p = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM);
    tern_pbuf *t = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM);
    tern_pbuf_chain(p, t);
    tern_pbuf_realloc(p, 50);
    CU_ASSERT_PTR_NULL(p->next);
    CU_ASSERT_EQUAL(t->ref, 1);
    CU_ASSERT_EQUAL(t->tot_len, 100);
    tern_pbuf_free(t);
    tern_pbuf_free(p);
}

/* ------------------------------------------------------------- headers */

static void test_headers_ram_pool(void)
{
    tern_pbuf *p = tern_pbuf_alloc(64, 100, TERN_PBUF_RAM);
    uint8_t *orig = p->payload;
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 0), 0);
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 65), 1);
    CU_ASSERT_PTR_EQUAL(p->payload, orig); /* unchanged on failure */
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 40), 0);
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 24), 0);
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 1), 1);
    CU_ASSERT_EQUAL(p->len, 164);
    CU_ASSERT_EQUAL(p->tot_len, 164);
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 64), 0);
    CU_ASSERT_PTR_EQUAL(p->payload, orig);
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 101), 1);
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 0x10000), 1);
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 0x10000), 1);
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 0), 0);
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 100), 0);
    CU_ASSERT_EQUAL(p->len, 0);
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 1), 1);
    /* the s16 forms */
    CU_ASSERT_EQUAL(tern_pbuf_header(p, 100 + 64), 0);
    CU_ASSERT_EQUAL(tern_pbuf_header(p, 1), 1);
    CU_ASSERT_EQUAL(tern_pbuf_header(p, -64), 0);
    CU_ASSERT_PTR_EQUAL(p->payload, orig);
    CU_ASSERT_EQUAL(tern_pbuf_header(p, INT16_MIN), 1);
    CU_ASSERT_EQUAL(tern_pbuf_header_force(p, 64), 0);
    CU_ASSERT_EQUAL(tern_pbuf_header_force(p, 1), 1); /* force does not pass the struct */
    tern_pbuf_free(p);

    /* a chain: only the first segment moves, tot_len follows */
    p = tern_pbuf_alloc(32, 2000, TERN_PBUF_POOL);
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 10), 0);
    CU_ASSERT_EQUAL(p->tot_len, 1990);
    CU_ASSERT_EQUAL(p->next->tot_len, 2000 - (POOL_BUF - 32));
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, p->len + 1u), 1); /* never into the next segment */
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 42), 0);
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 1), 1);
    CU_ASSERT_EQUAL(tern_pbuf_add_header(p->next, 1), 1);
    CU_ASSERT_EQUAL(tern_pbuf_add_header_force(p->next, 1), 1);
    tern_pbuf_free(p);
}

static void test_headers_rom_ref(void)
{
    static uint8_t mem[128];
    static const unsigned types[] = {TERN_PBUF_ROM, TERN_PBUF_REF};
    for (int i = 0; i < 2; i++) {
        tern_pbuf *p = tern_pbuf_alloc_reference(mem + 64, 64, types[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        /* the memory in front is not the pbuf's: only force may reveal it */
        CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 1), 1);
        CU_ASSERT_EQUAL(tern_pbuf_header(p, 1), 1);
        CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 0), 0);
        CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 20), 0);
        CU_ASSERT_PTR_EQUAL(p->payload, mem + 84);
        CU_ASSERT_EQUAL(p->len, 44);
        CU_ASSERT_EQUAL(tern_pbuf_add_header(p, 20), 1);
        CU_ASSERT_EQUAL(tern_pbuf_add_header_force(p, 20), 0);
        CU_ASSERT_PTR_EQUAL(p->payload, mem + 64);
        CU_ASSERT_EQUAL(tern_pbuf_header_force(p, 64), 0);
        CU_ASSERT_PTR_EQUAL(p->payload, mem);
        CU_ASSERT_EQUAL(p->len, 128);
        CU_ASSERT_EQUAL(tern_pbuf_header_force(p, -128), 0);
        CU_ASSERT_EQUAL(p->len, 0);
        CU_ASSERT_EQUAL(tern_pbuf_remove_header(p, 1), 1);
        /* tot_len may not wrap, forced or not */
        p->len = p->tot_len = 0xfff0;
        CU_ASSERT_EQUAL(tern_pbuf_add_header_force(p, 0x10), 1);
        CU_ASSERT_EQUAL(p->tot_len, 0xfff0);
        tern_pbuf_free(p);
    }
}

static void test_free_header(void)
{
    tern_pbuf *a = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    tern_pbuf *b = tern_pbuf_alloc(0, 20, TERN_PBUF_RAM);
    tern_pbuf *c = tern_pbuf_alloc(0, 30, TERN_PBUF_POOL);
    tern_pbuf_cat(a, b);
    tern_pbuf_cat(a, c);
    CU_ASSERT_PTR_EQUAL(tern_pbuf_free_header(a, 0), a);
    CU_ASSERT_PTR_EQUAL(tern_pbuf_free_header(a, 5), a);
    CU_ASSERT_EQUAL(a->len, 5);
    CU_ASSERT_EQUAL(a->tot_len, 55);
    tern_pbuf_stats s = stats_now();
    CU_ASSERT_PTR_EQUAL(tern_pbuf_free_header(a, 5), b); /* the whole first segment goes */
    CU_ASSERT_EQUAL(stats_now().live_pbufs, s.live_pbufs - 1);
    CU_ASSERT_PTR_EQUAL(tern_pbuf_free_header(b, 25), c);
    CU_ASSERT_EQUAL(c->len, 25);
    CU_ASSERT_EQUAL(c->tot_len, 25);
    CU_ASSERT_PTR_NULL(tern_pbuf_free_header(c, 100));
}

/* ------------------------------------------------------------- custom */

static int custom_frees;
static tern_pbuf *custom_last;

static void custom_free(tern_pbuf *p)
{
    custom_frees++;
    custom_last = p;
}

static void test_custom(void)
{
    tern_pbuf_custom pc;
    static uint8_t mem[256];
    custom_frees = 0;
    tern_pbuf_stats s = stats_now();

    CU_ASSERT_PTR_NULL(tern_pbuf_alloced_custom(14, 241, TERN_PBUF_REF, &pc, mem, sizeof mem)); /* 16 + 241 */
    tern_pbuf *p = tern_pbuf_alloced_custom(14, 240, TERN_PBUF_REF, &pc, mem, sizeof mem);
    CU_ASSERT_PTR_EQUAL_FATAL(p, &pc.pbuf);
    CU_ASSERT_PTR_EQUAL(p->payload, mem + 16);
    CU_ASSERT_EQUAL(p->len, 240);
    CU_ASSERT_EQUAL(p->ref, 1);
    CU_ASSERT(p->flags & TERN_PBUF_FLAG_IS_CUSTOM);
    CU_ASSERT_EQUAL(p->type_internal, (uint8_t)TERN_PBUF_REF);
    pc.custom_free_function = custom_free;
    tern_pbuf_ref(p);
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 0);
    CU_ASSERT_EQUAL(custom_frees, 0);
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 1);
    CU_ASSERT_EQUAL(custom_frees, 1);
    CU_ASSERT_PTR_EQUAL(custom_last, p);
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 0); /* ref is 0: refused */
    CU_ASSERT_EQUAL(custom_frees, 1);
    /* the allocator does not count the application's memory */
    CU_ASSERT_EQUAL(stats_now().live_pbufs, s.live_pbufs);

    /* payload memory may come later */
    p = tern_pbuf_alloced_custom(0, 0, TERN_PBUF_REF, &pc, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NULL(p->payload);
    pc.custom_free_function = NULL; /* lwIP asserts; tern just drops it */
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 1);

    /* in a chain, behind a RAM head: freed exactly once with it */
    custom_frees = 0;
    tern_pbuf *h = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    p = tern_pbuf_alloced_custom(0, 100, TERN_PBUF_RAM, &pc, mem, sizeof mem);
    pc.custom_free_function = custom_free;
    tern_pbuf_cat(h, p);
    CU_ASSERT_EQUAL(tern_pbuf_free(h), 2);
    CU_ASSERT_EQUAL(custom_frees, 1);

    /* chained with an extra reference: survives its head */
    custom_frees = 0;
    h = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    p = tern_pbuf_alloced_custom(0, 100, TERN_PBUF_REF, &pc, mem, sizeof mem);
    pc.custom_free_function = custom_free;
    tern_pbuf_chain(h, p);
    CU_ASSERT_EQUAL(tern_pbuf_free(h), 1);
    CU_ASSERT_EQUAL(custom_frees, 0);
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 1);
    CU_ASSERT_EQUAL(custom_frees, 1);

    /* realloc and free_header release a custom tail through its function */
    custom_frees = 0;
    h = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    p = tern_pbuf_alloced_custom(0, 100, TERN_PBUF_REF, &pc, mem, sizeof mem);
    pc.custom_free_function = custom_free;
    tern_pbuf_cat(h, p);
    tern_pbuf_realloc(h, 5);
    CU_ASSERT_EQUAL(custom_frees, 1);
    CU_ASSERT_EQUAL(tern_pbuf_free(h), 1);
    CU_ASSERT_EQUAL(custom_frees, 1);

    custom_frees = 0;
    p = tern_pbuf_alloced_custom(0, 100, TERN_PBUF_REF, &pc, mem, sizeof mem);
    pc.custom_free_function = custom_free;
    CU_ASSERT_PTR_NULL(tern_pbuf_free_header(p, 100));
    CU_ASSERT_EQUAL(custom_frees, 1);

    CU_ASSERT_PTR_NULL(tern_pbuf_alloced_custom(0, 10, TERN_PBUF_REF, NULL, mem, sizeof mem));
}

/* ---------------------------------------------------- coalesce / clone */

/* RAM 100 + POOL 2000 (two segments) + REF 50, filled with a pattern. */
static tern_pbuf *mixed_chain(uint8_t *want)
{
    static uint8_t refmem[50];
    tern_pbuf *p = tern_pbuf_alloc(20, 100, TERN_PBUF_RAM);
    tern_pbuf *q = tern_pbuf_alloc(0, 2000, TERN_PBUF_POOL);
    tern_pbuf *r = tern_pbuf_alloc_reference(refmem, sizeof refmem, TERN_PBUF_REF);
    tern_pbuf_cat(p, q);
    tern_pbuf_cat(p, r);
    fill_pattern(want, 2150, 3);
    CU_ASSERT_EQUAL(tern_pbuf_take(p, want, 2150), TERN_OK);
    return p;
}

static void test_coalesce_clone(void)
{
    static uint8_t want[2150];
    tern_pbuf *p = mixed_chain(want);
    CU_ASSERT_EQUAL(tern_pbuf_clen(p), 4);
    CU_ASSERT(content_is(p, want, 2150));

    tern_pbuf *c = tern_pbuf_clone(32, TERN_PBUF_RAM, p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NULL(c->next);
    CU_ASSERT(content_is(c, want, 2150));
    CU_ASSERT_EQUAL(tern_pbuf_add_header(c, 32), 0);
    tern_pbuf_free(c);

    c = tern_pbuf_clone(0, TERN_PBUF_POOL, p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(tern_pbuf_clen(c), 2);
    CU_ASSERT(content_is(c, want, 2150));
    tern_pbuf_free(c);
    CU_ASSERT_PTR_NULL(tern_pbuf_clone(0, TERN_PBUF_REF, p));
    CU_ASSERT_PTR_NULL(tern_pbuf_clone(0, TERN_PBUF_ROM, p));

    /* memory short: coalesce hands p back untouched */
    tern_pbuf_set_limit(stats_now().live_bytes);
    CU_ASSERT_PTR_EQUAL(tern_pbuf_coalesce(p, 0), p);
    CU_ASSERT_PTR_NULL(tern_pbuf_clone(0, TERN_PBUF_RAM, p));
    tern_pbuf_set_limit(0);
    CU_ASSERT(content_is(p, want, 2150));

    tern_pbuf_stats s = stats_now();
    tern_pbuf *q = tern_pbuf_coalesce(p, 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT_PTR_NOT_EQUAL(q, p);
    CU_ASSERT_PTR_NULL(q->next);
    CU_ASSERT_EQUAL(q->type_internal, (uint8_t)TERN_PBUF_RAM);
    CU_ASSERT(content_is(q, want, 2150));
    CU_ASSERT_EQUAL(stats_now().live_pbufs, s.live_pbufs - 3); /* 4 freed, 1 new */
    CU_ASSERT_EQUAL(tern_pbuf_add_header(q, 16), 0);
    CU_ASSERT_PTR_EQUAL(tern_pbuf_coalesce(q, 0), q); /* one segment: itself */
    tern_pbuf_free(q);
}

/* ---------------------------------------------------------------- copy */

static void test_copy(void)
{
    static uint8_t want[2150], got[2200];
    tern_pbuf *p = mixed_chain(want);

    /* copy_partial across every border, clipped at tot_len */
    for (uint16_t off = 0; off < 2150; off = (uint16_t)(off + 97)) {
        memset(got, 0, sizeof got);
        uint16_t n = tern_pbuf_copy_partial(p, got, 300, off);
        uint16_t expect = (uint16_t)(2150 - off < 300 ? 2150 - off : 300);
        CU_ASSERT_EQUAL(n, expect);
        CU_ASSERT(memcmp(got, want + off, expect) == 0);
    }
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial(p, got, 10, 2150), 0);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial(p, got, 0, 0), 0);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial(p, got, 65535, 0), 2150);

    /* pbuf to pbuf: the target must hold the source */
    tern_pbuf *small = tern_pbuf_alloc(0, 2149, TERN_PBUF_POOL);
    CU_ASSERT_EQUAL(tern_pbuf_copy(small, p), TERN_ERR_ARG);
    tern_pbuf_free(small);
    tern_pbuf *big = tern_pbuf_alloc(0, 4000, TERN_PBUF_POOL);
    CU_ASSERT_EQUAL(tern_pbuf_copy(big, p), TERN_OK);
    CU_ASSERT(tern_pbuf_memcmp(big, 0, want, 2150) == 0);

    /* copy_partial_pbuf into the middle of a later segment of the target */
    static uint8_t ee[4000];
    memset(ee, 0xee, sizeof ee);
    CU_ASSERT_EQUAL(tern_pbuf_take(big, ee, sizeof ee), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(big, p, 1000, 1700), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(big, 1700, want, 1000), 0);
    CU_ASSERT_EQUAL(tern_pbuf_get_at(big, 1699), 0xee);
    CU_ASSERT_EQUAL(tern_pbuf_get_at(big, 2700), 0xee);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(big, p, 2000, 1000), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(big, 1000, want, 2000), 0);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(big, p, 2151, 0), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(big, p, 2000, 2001), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(big, p, 2000, 2000), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(big, p, 0, 4000), TERN_OK);
    tern_pbuf_free(big);

    /* get_contiguous: a pointer into one segment, or a copy across borders */
    uint8_t buf[64];
    uint8_t *c = tern_pbuf_get_contiguous(p, buf, sizeof buf, 50, 10);
    CU_ASSERT_PTR_EQUAL(c, (uint8_t *)p->payload + 10);
    c = tern_pbuf_get_contiguous(p, buf, sizeof buf, 64, 80);
    CU_ASSERT_PTR_EQUAL(c, buf);
    CU_ASSERT(memcmp(buf, want + 80, 64) == 0);
    c = tern_pbuf_get_contiguous(p, buf, sizeof buf, 20, 100);
    CU_ASSERT_PTR_EQUAL(c, (uint8_t *)p->next->payload);
    CU_ASSERT_PTR_NULL(tern_pbuf_get_contiguous(p, buf, 10, 11, 0));
    CU_ASSERT_PTR_NULL(tern_pbuf_get_contiguous(p, buf, sizeof buf, 1, 2150));
    CU_ASSERT_PTR_NULL(tern_pbuf_get_contiguous(p, buf, sizeof buf, 10, 2145));
    c = tern_pbuf_get_contiguous(p, buf, sizeof buf, 5, 2145);
    CU_ASSERT_PTR_NOT_NULL(c);
    tern_pbuf_free(p);
}

static void test_take(void)
{
    static uint8_t data[5000];
    fill_pattern(data, sizeof data, 9);
    tern_pbuf *p = tern_pbuf_alloc(0, 4000, TERN_PBUF_POOL);
    CU_ASSERT_EQUAL(tern_pbuf_take(p, data, 4001), TERN_ERR_MEM);
    CU_ASSERT_EQUAL(tern_pbuf_take(p, data, 4000), TERN_OK);
    CU_ASSERT(content_is(p, data, 4000));
    CU_ASSERT_EQUAL(tern_pbuf_take(p, data + 1, 10), TERN_OK); /* a prefix only */
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 0, data + 1, 10), 0);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 10, data + 10, 100), 0);

    /* take_at spanning three segments */
    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, data + 7, 2000, POOL_BUF - 100), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, POOL_BUF - 100, data + 7, 2000), 0);
    CU_ASSERT_EQUAL(tern_pbuf_get_at(p, POOL_BUF - 101), data[POOL_BUF - 101]);
    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, data, 1, 3999), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, data, 2, 3999), TERN_ERR_MEM);
    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, data, 0, 4000), TERN_ERR_MEM); /* offset must be inside */
    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, data, 0, 3999), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, data, 10, 65535), TERN_ERR_MEM);
    tern_pbuf_free(p);
}

/* ------------------------------------------------------------- search */

/* "abc" | "defgh" | "" | "ijkl..." : a needle may straddle any border. */
static tern_pbuf *text_chain(const char *const *parts, int n)
{
    tern_pbuf *head = NULL;
    for (int i = 0; i < n; i++) {
        uint16_t len = (uint16_t)strlen(parts[i]);
        tern_pbuf *q = tern_pbuf_alloc(0, len, i % 2 ? TERN_PBUF_POOL : TERN_PBUF_RAM);
        CU_ASSERT_PTR_NOT_NULL_FATAL(q);
        if (len > 0)
            tern_pbuf_take(q, parts[i], len);
        if (head == NULL)
            head = q;
        else
            tern_pbuf_cat(head, q);
    }
    return head;
}

static void test_search(void)
{
    static const char *const parts[] = {"GET /", "index.ht", "", "ml HTTP/1.1\r\nHo", "st: x\r\n\r\n"};
    const char *flat = "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n";
    tern_pbuf *p = text_chain(parts, 5);
    uint16_t n = (uint16_t)strlen(flat);
    CU_ASSERT_EQUAL_FATAL(p->tot_len, n);

    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 0, flat, n), 0);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 3, flat + 3, 15), 0);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 5, "index.html", 10), 0);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 5, "index.htmX", 10), 10);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 5, "Xndex", 5), 1);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, (uint16_t)(n - 2), "\r\n", 2), 0);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, (uint16_t)(n - 2), "\r\n\r", 3), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, n, "", 0), 0);

    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "html", 4, 0), 11);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, ".html HTTP", 10, 0), 10);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "Host", 4, 0), 26);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "\r\n", 2, 0), 24);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "\r\n", 2, 25), 33);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "\r\n\r\n", 4, 0), (uint16_t)(n - 4));
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "\r\n\r\n\r", 5, 0), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "GET", 3, 1), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "x", 1, n), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, "", 0, 7), 7); /* as lwIP: empty matches at once */

    CU_ASSERT_EQUAL(tern_pbuf_strstr(p, "HTTP/1.1"), 16);
    CU_ASSERT_EQUAL(tern_pbuf_strstr(p, "st: x"), 28);
    CU_ASSERT_EQUAL(tern_pbuf_strstr(p, "nope"), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_strstr(p, ""), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_strstr(p, NULL), 0xffff);
    tern_pbuf_free(p);

    /* a zero byte does not end the search (unlike strstr) */
    uint8_t bin[] = {'a', 0, 'b', 'c'};
    p = tern_pbuf_alloc(0, sizeof bin, TERN_PBUF_RAM);
    tern_pbuf_take(p, bin, sizeof bin);
    CU_ASSERT_EQUAL(tern_pbuf_strstr(p, "bc"), 2);
    tern_pbuf_free(p);
}

static void test_skip_get_put(void)
{
    static const char *const parts[] = {"0123", "", "4567", "89"};
    tern_pbuf *p = text_chain(parts, 4);
    tern_pbuf *third = p->next->next;
    uint16_t off = 99;
    CU_ASSERT_PTR_EQUAL(tern_pbuf_skip(p, 0, &off), p);
    CU_ASSERT_EQUAL(off, 0);
    CU_ASSERT_PTR_EQUAL(tern_pbuf_skip(p, 4, &off), third); /* empty segments are stepped over */
    CU_ASSERT_EQUAL(off, 0);
    CU_ASSERT_PTR_EQUAL(tern_pbuf_skip(p, 9, &off), third->next);
    CU_ASSERT_EQUAL(off, 1);
    CU_ASSERT_PTR_NULL(tern_pbuf_skip(p, 10, &off));
    CU_ASSERT_PTR_NULL(tern_pbuf_skip(p, 10, NULL));
    for (uint16_t i = 0; i < 10; i++) {
        CU_ASSERT_EQUAL(tern_pbuf_get_at(p, i), '0' + i);
        CU_ASSERT_EQUAL(tern_pbuf_try_get_at(p, i), '0' + i);
    }
    CU_ASSERT_EQUAL(tern_pbuf_try_get_at(p, 10), -1);
    CU_ASSERT_EQUAL(tern_pbuf_try_get_at(p, 65535), -1);
    CU_ASSERT_EQUAL(tern_pbuf_get_at(p, 10), 0);
    tern_pbuf_put_at(p, 4, 'x');
    tern_pbuf_put_at(p, 10, 'y'); /* past the end: ignored */
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 0, "0123x56789", 10), 0);
    tern_pbuf_free(p);
}

/* -------------------------------------------------------------- misuse */

static void test_misuse(void)
{
    uint8_t b[8] = {0};
    uint16_t off = 7;
    tern_pbuf dummy;
    tern_pbuf *rest = &dummy;
    tern_pbuf *p = tern_pbuf_alloc(0, 8, TERN_PBUF_RAM);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);

    CU_ASSERT_EQUAL(tern_pbuf_free(NULL), 0);
    tern_pbuf_ref(NULL);
    CU_ASSERT_EQUAL(tern_pbuf_clen(NULL), 0);
    tern_pbuf_cat(NULL, p);
    tern_pbuf_cat(p, NULL);
    tern_pbuf_chain(NULL, p);
    tern_pbuf_chain(p, NULL);
    CU_ASSERT_EQUAL(p->ref, 1);
    CU_ASSERT_PTR_NULL(p->next);
    CU_ASSERT_PTR_NULL(tern_pbuf_dechain(NULL));
    tern_pbuf_realloc(NULL, 0);
    CU_ASSERT_EQUAL(tern_pbuf_add_header(NULL, 1), 1);
    CU_ASSERT_EQUAL(tern_pbuf_add_header_force(NULL, 1), 1);
    CU_ASSERT_EQUAL(tern_pbuf_remove_header(NULL, 1), 1);
    CU_ASSERT_EQUAL(tern_pbuf_header(NULL, -1), 1);
    CU_ASSERT_EQUAL(tern_pbuf_header_force(NULL, 1), 1);
    CU_ASSERT_PTR_NULL(tern_pbuf_free_header(NULL, 5));
    CU_ASSERT_EQUAL(tern_pbuf_copy(NULL, p), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_copy(p, NULL), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(NULL, p, 1, 0), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(p, NULL, 1, 0), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial(NULL, b, 1, 0), 0);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial(p, NULL, 1, 0), 0);
    CU_ASSERT_PTR_NULL(tern_pbuf_get_contiguous(NULL, b, 8, 1, 0));
    CU_ASSERT_PTR_NULL(tern_pbuf_get_contiguous(p, NULL, 8, 1, 0));
    CU_ASSERT_EQUAL(tern_pbuf_take(NULL, b, 1), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_take(p, NULL, 1), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_take_at(NULL, b, 1, 0), TERN_ERR_MEM);
    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, NULL, 1, 0), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_get_at(NULL, 0), 0);
    CU_ASSERT_EQUAL(tern_pbuf_try_get_at(NULL, 0), -1);
    tern_pbuf_put_at(NULL, 0, 1);
    CU_ASSERT_PTR_NULL(tern_pbuf_skip(NULL, 3, &off));
    CU_ASSERT_EQUAL(off, 3);
    CU_ASSERT_PTR_NULL(tern_pbuf_coalesce(NULL, 0));
    CU_ASSERT_PTR_NULL(tern_pbuf_clone(0, TERN_PBUF_RAM, NULL));
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(NULL, 0, b, 1), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 0, NULL, 1), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 8, b, 1), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 65535, b, 2), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(NULL, b, 1, 0), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, NULL, 1, 0), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_memfind(p, b, 1, 65535), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_strstr(NULL, "a"), 0xffff);
    tern_pbuf_split_64k(NULL, &rest);
    CU_ASSERT_PTR_NULL(rest);
    tern_pbuf_split_64k(p, NULL);
    tern_pbuf_get_stats(NULL);
    CU_ASSERT_PTR_NULL(tern_pbuf_alloced_custom(0, 1, TERN_PBUF_RAM, NULL, b, 8));

    /* a tail already in the head's chain would make a cycle: refused */
    tern_pbuf_cat(p, p);
    tern_pbuf_chain(p, p);
    CU_ASSERT_PTR_NULL(p->next);
    CU_ASSERT_EQUAL(p->ref, 1);
    CU_ASSERT_EQUAL(p->tot_len, 8);
    tern_pbuf *t = tern_pbuf_alloc(0, 4, TERN_PBUF_RAM);
    tern_pbuf_cat(p, t);
    tern_pbuf_chain(p, t);
    CU_ASSERT_EQUAL(t->ref, 1);
    CU_ASSERT_EQUAL(p->tot_len, 12);
    CU_ASSERT_PTR_NULL(t->next);

    /* freeing a pbuf whose ref is 0 changes nothing */
    tern_pbuf_stats s = stats_now();
    p->ref = 0;
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 0);
    CU_ASSERT_EQUAL(stats_now().live_pbufs, s.live_pbufs);
    CU_ASSERT_PTR_EQUAL(p->next, t);
    p->ref = 1;
    t->ref = 0; /* ...also in the middle of a walk */
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 1);
    t->ref = 1;
    CU_ASSERT_EQUAL(tern_pbuf_free(t), 1);

    /* the u8 reference count saturates instead of wrapping to 0 */
    p = tern_pbuf_alloc(0, 8, TERN_PBUF_RAM);
    for (int i = 0; i < 300; i++)
        tern_pbuf_ref(p);
    CU_ASSERT_EQUAL(p->ref, 255);
    for (int i = 0; i < 254; i++)
        CU_ASSERT_EQUAL(tern_pbuf_free(p), 0);
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 1);

    /* impossible sizes */
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc(65535, 1, TERN_PBUF_POOL));
}

/* A chain whose tot_len claims more than its segments hold, and a packet
 * queue: lwIP asserts on both; tern must refuse without touching memory
 * past the segments. */
static void test_inconsistent_chains(void)
{
    static uint8_t src[64];
    static char longstr[65536];
    fill_pattern(src, sizeof src, 1);
    tern_pbuf *p = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    tern_pbuf_cat(p, tern_pbuf_alloc(0, 10, TERN_PBUF_RAM));
    CU_ASSERT_EQUAL(tern_pbuf_take(p, src, 20), TERN_OK);
    p->tot_len = 30;

    tern_pbuf_realloc(p, 25);
    CU_ASSERT_EQUAL(p->tot_len, 30);
    CU_ASSERT_EQUAL(tern_pbuf_clen(p), 2);
    tern_pbuf *big = tern_pbuf_alloc(0, 64, TERN_PBUF_RAM);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(big, p, 30, 0), TERN_ERR_ARG); /* source ends */
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(p, big, 30, 0), TERN_ERR_ARG); /* target ends */
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(p, big, 5, 25), TERN_ERR_ARG);
    CU_ASSERT_EQUAL(tern_pbuf_memcmp(p, 15, src + 15, 10), 0xffff);
    CU_ASSERT_EQUAL(tern_pbuf_take(p, src, 30), TERN_ERR_MEM);
    CU_ASSERT_EQUAL(tern_pbuf_take_at(p, src, 10, 15), TERN_ERR_MEM);
    CU_ASSERT_PTR_NULL(tern_pbuf_clone(0, TERN_PBUF_RAM, p));
    CU_ASSERT_PTR_EQUAL(tern_pbuf_coalesce(p, 0), p);
    p->tot_len = 20;
    tern_pbuf_free(p);

    /* a queue A -> B | C: B ends a packet yet has a successor */
    tern_pbuf *a = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    tern_pbuf *b = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    tern_pbuf *c = tern_pbuf_alloc(0, 10, TERN_PBUF_RAM);
    tern_pbuf_cat(a, b);
    b->next = c;
    CU_ASSERT_EQUAL(tern_pbuf_take(big, src, 64), TERN_OK);
    CU_ASSERT_EQUAL(tern_pbuf_copy_partial_pbuf(a, big, 15, 0), TERN_ERR_VAL);
    CU_ASSERT_EQUAL(tern_pbuf_copy(big, a), TERN_ERR_VAL); /* from either side */
    b->next = NULL;
    tern_pbuf_free(a);
    tern_pbuf_free(c);
    tern_pbuf_free(big);

    memset(longstr, 'a', sizeof longstr - 1);
    p = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM);
    CU_ASSERT_EQUAL(tern_pbuf_strstr(p, longstr), 0xffff);
    tern_pbuf_free(p);
}

static void test_split_64k(void)
{
    tern_pbuf *rest = NULL;
    tern_pbuf *p = tern_pbuf_alloc(0, 3000, TERN_PBUF_POOL);
    tern_pbuf_split_64k(p, &rest); /* fits: nothing cut */
    CU_ASSERT_PTR_NULL(rest);
    CU_ASSERT_EQUAL(p->tot_len, 3000);
    CU_ASSERT_EQUAL(tern_pbuf_clen(p), 2);

    tern_pbuf *q = tern_pbuf_alloc(0, 65000, TERN_PBUF_RAM);
    tern_pbuf *r = tern_pbuf_alloc(0, 1000, TERN_PBUF_RAM);
    tern_pbuf_cat(p, q);
    tern_pbuf_cat(p, r); /* 69000 bytes: tot_len wrapped */
    CU_ASSERT_EQUAL(p->tot_len, (uint16_t)69000);
    p->flags |= TERN_PBUF_FLAG_TCP_FIN;
    tern_pbuf_split_64k(p, &rest); /* 3000 + 65000 wraps: cut before q */
    CU_ASSERT_PTR_EQUAL(rest, q);
    CU_ASSERT_EQUAL(p->tot_len, 3000);
    CU_ASSERT(chain_consistent(p));
    CU_ASSERT_EQUAL(rest->tot_len, (uint16_t)66000);
    CU_ASSERT(q->flags & TERN_PBUF_FLAG_TCP_FIN); /* the FIN goes with the last byte */
    tern_pbuf *rest2 = NULL;
    tern_pbuf_split_64k(q, &rest2);
    CU_ASSERT_PTR_EQUAL(rest2, r);
    CU_ASSERT_EQUAL(q->tot_len, 65000);
    CU_ASSERT_EQUAL(r->tot_len, 1000);
    CU_ASSERT_EQUAL(tern_pbuf_free(p), 2);
    CU_ASSERT_EQUAL(tern_pbuf_free(q), 1);
    CU_ASSERT_EQUAL(tern_pbuf_free(r), 1);
}

/* ---------------------------------------------------------- accounting */

static void test_accounting_and_limit(void)
{
    tern_pbuf_stats s0 = stats_now();
    tern_pbuf *p = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM);
    tern_pbuf_stats s1 = stats_now();
    CU_ASSERT_EQUAL(s1.live_pbufs, s0.live_pbufs + 1);
    CU_ASSERT(s1.live_bytes >= s0.live_bytes + 100 + sizeof(tern_pbuf));
    tern_pbuf *q = tern_pbuf_alloc(0, 65535, TERN_PBUF_POOL);
    tern_pbuf_stats s2 = stats_now();
    CU_ASSERT_EQUAL(s2.live_pbufs, s1.live_pbufs + 41);
    CU_ASSERT(s2.live_bytes >= s1.live_bytes + 41u * (POOL_BUF + sizeof(tern_pbuf)));
    tern_pbuf_free(q);
    tern_pbuf_free(p);
    CU_ASSERT_EQUAL(stats_now().live_pbufs, s0.live_pbufs);
    CU_ASSERT_EQUAL(stats_now().live_bytes, s0.live_bytes);

    /* the cap refuses, counts, and leaves nothing half-built behind: room
     * for one 1000-byte RAM pbuf and three and a half pool buffers */
    q = tern_pbuf_alloc(0, 1, TERN_PBUF_POOL);
    uint64_t seg_bytes = stats_now().live_bytes - s0.live_bytes;
    tern_pbuf_free(q);
    p = tern_pbuf_alloc(0, 1000, TERN_PBUF_RAM);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    uint64_t ram_bytes = stats_now().live_bytes - s0.live_bytes;
    tern_pbuf_set_limit(s0.live_bytes + ram_bytes + 3 * seg_bytes + seg_bytes / 2);
    tern_pbuf_stats s3 = stats_now();
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc(0, 8000, TERN_PBUF_RAM));
    CU_ASSERT_EQUAL(stats_now().alloc_failures, s3.alloc_failures + 1);
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc(0, 4 * POOL_BUF, TERN_PBUF_POOL)); /* fails at the 4th */
    CU_ASSERT_EQUAL(stats_now().alloc_failures, s3.alloc_failures + 2);
    CU_ASSERT_EQUAL(stats_now().live_pbufs, s3.live_pbufs);
    CU_ASSERT_EQUAL(stats_now().live_bytes, s3.live_bytes);
    q = tern_pbuf_alloc(0, 3 * POOL_BUF, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL(q);
    tern_pbuf_free(q);
    /* bad arguments are not memory failures */
    CU_ASSERT_PTR_NULL(tern_pbuf_alloc(0, 1, 0x77));
    CU_ASSERT_EQUAL(stats_now().alloc_failures, s3.alloc_failures + 2);
    tern_pbuf_set_limit(0);
    q = tern_pbuf_alloc(0, 5000, TERN_PBUF_POOL);
    CU_ASSERT_PTR_NOT_NULL(q);
    tern_pbuf_free(q);
    tern_pbuf_free(p);
}

static void test_cache_bound_and_trim(void)
{
    enum { N = 3000 }; /* 3000 frames in 2 KiB blocks: more than the cache keeps */
    const int no_cache = cache_disabled();
    tern_pbuf **v = calloc(N, sizeof *v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    tern_pbuf_trim();
    CU_ASSERT_EQUAL(stats_now().cached_bytes, 0);
    for (int i = 0; i < N; i++) {
        v[i] = tern_pbuf_alloc(54, 1500, TERN_PBUF_RAM);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v[i]);
    }
    for (int i = 0; i < N; i++)
        tern_pbuf_free(v[i]);
    tern_pbuf_stats s = stats_now();
    CU_ASSERT(s.cached_bytes <= TERN_PBUF_CACHE_MAX_BYTES);
    if (no_cache) {
        CU_ASSERT_EQUAL(s.cached_bytes, 0);
    } else {
        CU_ASSERT(s.cached_bytes > TERN_PBUF_CACHE_MAX_BYTES / 2);
    }
    tern_pbuf_trim();
    CU_ASSERT_EQUAL(stats_now().cached_bytes, 0);

    /* a freed block is reused as is (LIFO), and poisoned while it waits */
    tern_pbuf *p = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM);
    uint8_t *payload = p->payload;
    tern_pbuf_free(p);
    if (!no_cache) {
        CU_ASSERT(POISONED(payload));
        CU_ASSERT_PTR_EQUAL(tern_pbuf_alloc(0, 100, TERN_PBUF_RAM), p);
        CU_ASSERT_PTR_EQUAL(p->payload, payload);
        CU_ASSERT_EQUAL(p->ref, 1);
        memset(p->payload, 1, 100);
        tern_pbuf_free(p);
        /* ...and a second free of it is refused (ref 0) */
        tern_pbuf *r = tern_pbuf_alloc_reference(NULL, 0, TERN_PBUF_REF);
        tern_pbuf_free(r);
        CU_ASSERT_PTR_EQUAL(tern_pbuf_alloc_reference(NULL, 0, TERN_PBUF_REF), r);
        tern_pbuf_free(r);
    }
    tern_pbuf_trim();
    CU_ASSERT_EQUAL(stats_now().cached_bytes, 0);
    p = tern_pbuf_alloc(0, 100, TERN_PBUF_RAM);
    CU_ASSERT_PTR_NOT_NULL(p);
    tern_pbuf_free(p);
    free(v);
}

/* ---------------------------------------------- random ops vs a model */

#define MODEL_MAX 20000
#define ARENA_MAX 65536

static uint8_t model[MODEL_MAX];
static uint16_t mlen;
static uint8_t arena[ARENA_MAX];
static uint32_t arena_used;
static unsigned ops_run;

/* One new segment of 1..maxlen bytes of random content, of a random type;
 * appends its bytes to `out`. */
static tern_pbuf *random_piece(uint16_t maxlen, uint8_t *out, uint16_t *len_out)
{
    uint16_t len = (uint16_t)(1 + rnd_below(maxlen));
    for (uint16_t i = 0; i < len; i++)
        out[i] = (uint8_t)rnd();
    unsigned kind = rnd_below(4);
    tern_pbuf *q;
    if (kind >= 2 && arena_used + len <= ARENA_MAX) {
        uint8_t *mem = arena + arena_used;
        arena_used += len;
        memcpy(mem, out, len);
        q = tern_pbuf_alloc_reference(mem, len, kind == 2 ? TERN_PBUF_REF : TERN_PBUF_ROM);
    } else {
        q = tern_pbuf_alloc((uint16_t)rnd_below(100), len, kind == 1 ? TERN_PBUF_POOL : TERN_PBUF_RAM);
        if (q != NULL)
            tern_pbuf_take(q, out, len);
    }
    *len_out = len;
    return q;
}

/* A chain of 1..6 pieces, sometimes with an empty segment inside (never
 * last: a trailing empty segment makes the chain look like a packet queue). */
static tern_pbuf *random_chain(void)
{
    tern_pbuf *p = NULL;
    int pieces = 1 + (int)rnd_below(6);
    mlen = 0;
    arena_used = 0;
    for (int i = 0; i < pieces; i++) {
        uint16_t len;
        tern_pbuf *q = random_piece(2500, model + mlen, &len);
        if (q == NULL)
            break;
        mlen = (uint16_t)(mlen + len);
        if (p == NULL) {
            p = q;
        } else {
            tern_pbuf_cat(p, q);
        }
        if (i + 1 < pieces && rnd_below(5) == 0)
            tern_pbuf_cat(p, tern_pbuf_alloc(0, 0, TERN_PBUF_RAM));
    }
    return p;
}

static uint16_t model_find(const uint8_t *needle, uint16_t n, uint16_t start)
{
    if ((uint32_t)n + start > mlen)
        return 0xffff;
    for (uint32_t i = start; i + n <= mlen; i++)
        if (memcmp(model + i, needle, n) == 0)
            return (uint16_t)i;
    return 0xffff;
}

#define RCHECK(c)                                                                                  \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "\nrandom pbuf test: round %d op %d kind %u: %s\n", round, op, kind, #c); \
            CU_FAIL(#c);                                                                           \
            return p;                                                                              \
        }                                                                                          \
    } while (0)

/* Runs random operations on p, checking each against the model; returns the
 * chain (which ops may replace) for the caller to free. */
static tern_pbuf *random_round(tern_pbuf *p, int round)
{
    static uint8_t buf[MODEL_MAX + 64], saved[MODEL_MAX];
    unsigned kind = 0;
    for (int op = 0; op < 40 && p != NULL; op++) {
        kind = rnd_below(16);
        ops_run++;
        uint16_t off = (uint16_t)rnd_below(mlen + 8u);
        uint16_t len = (uint16_t)rnd_below(mlen + 8u - off);
        switch (kind) {
        case 0: { /* take_at */
            for (uint16_t i = 0; i < len; i++)
                buf[i] = (uint8_t)rnd();
            int ok = off < mlen && off + len <= mlen;
            RCHECK(tern_pbuf_take_at(p, buf, len, off) == (ok ? TERN_OK : TERN_ERR_MEM));
            if (ok)
                memcpy(model + off, buf, len);
            break;
        }
        case 1: { /* copy_partial */
            uint16_t expect = off < mlen ? (uint16_t)(mlen - off < len ? mlen - off : len) : 0;
            RCHECK(tern_pbuf_copy_partial(p, buf, len, off) == expect);
            RCHECK(memcmp(buf, model + off, expect) == 0);
            break;
        }
        case 2: /* get / try_get / put */
            RCHECK(tern_pbuf_try_get_at(p, off) == (off < mlen ? model[off] : -1));
            RCHECK(tern_pbuf_get_at(p, off) == (off < mlen ? model[off] : 0));
            tern_pbuf_put_at(p, off, (uint8_t)(off * 31u));
            if (off < mlen)
                model[off] = (uint8_t)(off * 31u);
            break;
        case 3: { /* memcmp, equal or with one byte changed */
            if (off + len > mlen) {
                RCHECK(tern_pbuf_memcmp(p, off, model, len) == 0xffff);
                break;
            }
            memcpy(buf, model + off, len);
            uint16_t expect = 0;
            if (len > 0 && rnd_below(2)) {
                uint16_t j = (uint16_t)rnd_below(len);
                buf[j] ^= 0x5a;
                expect = (uint16_t)(j + 1);
            }
            RCHECK(tern_pbuf_memcmp(p, off, buf, len) == expect);
            break;
        }
        case 4: { /* memfind of a slice of the data, or of noise */
            uint16_t n = (uint16_t)(1 + rnd_below(6));
            if (off + n <= mlen && rnd_below(4))
                memcpy(buf, model + off, n);
            else
                for (uint16_t i = 0; i < n; i++)
                    buf[i] = (uint8_t)rnd();
            uint16_t start = (uint16_t)rnd_below(off + 1u);
            RCHECK(tern_pbuf_memfind(p, buf, n, start) == model_find(buf, n, start));
            break;
        }
        case 5: { /* remove_header on the first segment, maybe put back */
            uint16_t n = (uint16_t)rnd_below(p->len + 2u);
            if (n > p->len) {
                RCHECK(tern_pbuf_remove_header(p, n) == 1);
                break;
            }
            memcpy(saved, model, mlen);
            uint16_t before = mlen;
            RCHECK(tern_pbuf_remove_header(p, n) == 0);
            memmove(model, model + n, (size_t)(mlen - n));
            mlen = (uint16_t)(mlen - n);
            if (rnd_below(2)) {
                RCHECK(tern_pbuf_add_header_force(p, n) == 0);
                mlen = before;
                memcpy(model, saved, mlen);
            }
            break;
        }
        case 6: { /* free_header */
            uint16_t n = (uint16_t)rnd_below(mlen + 4u);
            p = tern_pbuf_free_header(p, n);
            if (n >= mlen) {
                if (p != NULL) /* only empty segments may remain */
                    RCHECK(p->tot_len == 0);
                mlen = 0;
            } else {
                memmove(model, model + n, (size_t)(mlen - n));
                mlen = (uint16_t)(mlen - n);
            }
            break;
        }
        case 7: /* realloc */
            tern_pbuf_realloc(p, off);
            if (off < mlen)
                mlen = off;
            break;
        case 8: { /* coalesce */
            tern_pbuf *q = tern_pbuf_coalesce(p, (uint16_t)rnd_below(64));
            RCHECK(q != NULL && q->next == NULL);
            p = q;
            break;
        }
        case 9: { /* clone */
            tern_pbuf *c = tern_pbuf_clone(0, rnd_below(2) ? TERN_PBUF_RAM : TERN_PBUF_POOL, p);
            RCHECK(c != NULL);
            int same = content_is(c, model, mlen) && chain_consistent(c);
            tern_pbuf_free(c);
            RCHECK(same);
            break;
        }
        case 10: { /* dechain a tail someone else holds, then cat it back */
            if (p->next == NULL)
                break;
            tern_pbuf *t = p->next;
            tern_pbuf_ref(t);
            RCHECK(tern_pbuf_dechain(p) == t);
            RCHECK(p->tot_len == p->len && t->ref == 1);
            RCHECK(t->tot_len == mlen - p->len);
            tern_pbuf_cat(p, t);
            break;
        }
        case 11: { /* chain a new piece, then drop our own reference */
            if (mlen > MODEL_MAX - 2500)
                break;
            uint16_t n;
            tern_pbuf *t = random_piece(2500, model + mlen, &n);
            RCHECK(t != NULL);
            tern_pbuf_chain(p, t);
            RCHECK(t->ref == 2);
            tern_pbuf_free(t);
            mlen = (uint16_t)(mlen + n);
            break;
        }
        case 12: { /* skip */
            uint16_t o = 0;
            tern_pbuf *q = tern_pbuf_skip(p, off, &o);
            if (off >= mlen)
                RCHECK(q == NULL);
            else
                RCHECK(q != NULL && o < q->len && ((uint8_t *)q->payload)[o] == model[off]);
            break;
        }
        case 13: { /* get_contiguous */
            uint8_t *c = tern_pbuf_get_contiguous(p, buf, sizeof buf, len, off);
            if (off >= mlen || off + len > mlen)
                RCHECK(c == NULL);
            else
                RCHECK(c != NULL && memcmp(c, model + off, len) == 0);
            break;
        }
        case 14: { /* copy_partial_pbuf into a larger pool chain */
            uint16_t n = (uint16_t)rnd_below(mlen + 1u);
            tern_pbuf *d = tern_pbuf_alloc(0, (uint16_t)(mlen + 3000), TERN_PBUF_POOL);
            RCHECK(d != NULL);
            int at = (int)rnd_below(3001);
            int rc = tern_pbuf_copy_partial_pbuf(d, p, n, (uint16_t)at);
            int same = rc == TERN_OK && tern_pbuf_memcmp(d, (uint16_t)at, model, n) == 0;
            tern_pbuf_free(d);
            RCHECK(same);
            break;
        }
        default: /* whole-chain check below */
            break;
        }
        RCHECK(p == NULL || chain_consistent(p));
        RCHECK(p == NULL || content_is(p, model, mlen));
    }
    return p;
}

static void test_randomized_against_model(void)
{
    rng_state = 0x7e4b1234u;
    ops_run = 0;
    for (int round = 0; round < 300; round++) {
        tern_pbuf *p = random_chain();
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        p = random_round(p, round);
        tern_pbuf_free(p);
    }
    CU_ASSERT(ops_run > 300 * 20); /* free_header may end a round early */
}

/* ----------------------------------------------------------- register */

TERN_UNIT_SUITE(pbuf)
{
    static const struct {
        const char *name;
        CU_TestFunc fn;
    } tests[] = {
        {"lwip: alloc zero pbufs", test_lwip_alloc_zero_pbufs},
        {"lwip: copy zero pbuf", test_lwip_copy_zero_pbuf},
        {"lwip: split 64k on small pbufs", test_lwip_split_64k_on_small_pbufs},
        {"lwip: queueing bigger than 64k", test_lwip_queueing_bigger_than_64k},
        {"lwip: take_at edge", test_lwip_take_at_edge},
        {"lwip: get/put_at edge", test_lwip_get_put_at_edge},
        {"alloc RAM layout and size classes", test_alloc_ram_layout},
        {"alloc POOL chains", test_alloc_pool_chains},
        {"alloc ROM/REF", test_alloc_reference},
        {"free walks the chain", test_free_walk},
        {"cat/chain/dechain refs", test_cat_chain_dechain},
        {"realloc shrinks", test_realloc},
        {"headers on RAM and POOL", test_headers_ram_pool},
        {"headers on ROM and REF", test_headers_rom_ref},
        {"free_header", test_free_header},
        {"custom pbufs", test_custom},
        {"coalesce and clone", test_coalesce_clone},
        {"copies", test_copy},
        {"take and take_at", test_take},
        {"memcmp/memfind/strstr", test_search},
        {"skip and get/put_at", test_skip_get_put},
        {"misuse", test_misuse},
        {"inconsistent chains and queues", test_inconsistent_chains},
        {"split_64k", test_split_64k},
        {"accounting and limit", test_accounting_and_limit},
        {"cache bound and trim", test_cache_bound_and_trim},
        {"randomized against a model", test_randomized_against_model},
    };
    CU_pSuite s = CU_add_suite_with_setup_and_teardown("pbuf", suite_init, NULL, setup, teardown);
    if (s == NULL)
        return;
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++)
        CU_add_test(s, tests[i].name, tests[i].fn);
}
