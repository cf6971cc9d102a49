/* pbuf.c: the pbuf API through its public functions and fields (the cases
 * of lwIP's test_pbuf.c and the edges around them).
 *
 * Chains are built by hand with pbuf_cat rather than from PBUF_POOL: on
 * Debian's lwIP a pool allocation above ~590 bytes returns one pbuf that is
 * longer than its memory, so pool chains cannot be produced safely. */
#include "conformance.h"

#include <stdlib.h>

/* ---- custom pbufs whose release is observable ---- */

struct counted {
    struct pbuf_custom pc;
    uint8_t *mem;
};

static int n_freed;

static void counted_free(struct pbuf *p)
{
    struct counted *c = (struct counted *)p;
    free(c->mem);
    free(c);
    n_freed++;
}

/* A PBUF_REF custom pbuf of n bytes filled from data (or zeros). */
static struct pbuf *counted(const void *data, size_t n)
{
    struct counted *c = calloc(1, sizeof(*c));
    struct pbuf *p;
    REQUIRE(c != NULL);
    c->mem = calloc(1, n ? n : 1);
    if (data && n) {
        memcpy(c->mem, data, n);
    }
    c->pc.custom_free_function = counted_free;
    p = pbuf_alloced_custom(PBUF_RAW, (u16_t)n, PBUF_REF, &c->pc, c->mem, (u16_t)n);
    REQUIRE(p != NULL);
    return p;
}

/* A chain of customs with the given segment sizes holding data. */
static struct pbuf *chain_of(const uint8_t *data, const size_t *sizes, int k)
{
    struct pbuf *head = NULL;
    size_t off = 0;
    int i;
    for (i = 0; i < k; i++) {
        struct pbuf *p = counted(data + off, sizes[i]);
        off += sizes[i];
        if (head) {
            pbuf_cat(head, p);
        } else {
            head = p;
        }
    }
    return head;
}

/* Two PBUF_RAM pbufs of n each, concatenated. */
static struct pbuf *ram_pair(u16_t n)
{
    struct pbuf *a = pbuf_alloc(PBUF_RAW, n, PBUF_RAM), *b = pbuf_alloc(PBUF_RAW, n, PBUF_RAM);
    REQUIRE(a && b);
    memset(a->payload, 0, n);
    memset(b->payload, 0, n);
    pbuf_cat(a, b);
    return a;
}

SCENARIO(pbuf_alloc_zero_length, "zero-length pbufs of every type can be allocated and freed")
{
    static const pbuf_type types[] = {PBUF_ROM, PBUF_RAM, PBUF_REF, PBUF_POOL};
    int i;
    for (i = 0; i < 4; i++) {
        struct pbuf *p = pbuf_alloc(PBUF_RAW, 0, types[i]);
        EXPECT(p != NULL);
        if (p) {
            EXPECT_EQ(p->tot_len, 0);
            EXPECT_EQ(p->len, 0);
            EXPECT_EQ(p->ref, 1);
            EXPECT(p->next == NULL);
            EXPECT_EQ(pbuf_free(p), 1);
        }
    }
}

SCENARIO(pbuf_alloc_types, "RAM, small POOL, ROM and REF pbufs: lengths, reference count, payload")
{
    struct pbuf *p;
    uint8_t buf[500], out[500];
    h_pattern(buf, sizeof(buf), 1);

    p = pbuf_alloc(PBUF_RAW, 100, PBUF_RAM);
    REQUIRE(p != NULL);
    EXPECT_EQ(p->len, 100);
    EXPECT_EQ(p->tot_len, 100);
    EXPECT_EQ(p->ref, 1);
    EXPECT(p->next == NULL && p->payload != NULL);
    EXPECT_ERR(pbuf_take(p, buf, 100), ERR_OK);
    EXPECT_MEM(p->payload, buf, 100);
    EXPECT_EQ(pbuf_free(p), 1);

    /* pool buffers: small sizes only, see the file comment */
    p = pbuf_alloc(PBUF_RAW, 500, PBUF_POOL);
    REQUIRE(p != NULL);
    EXPECT_EQ(p->tot_len, 500);
    EXPECT_ERR(pbuf_take(p, buf, 500), ERR_OK);
    EXPECT_EQ(pbuf_copy_partial(p, out, 500, 0), 500);
    EXPECT_MEM(out, buf, 500);
    pbuf_free(p);

    /* ROM/REF from pbuf_alloc: the caller sets the payload */
    p = pbuf_alloc(PBUF_RAW, 100, PBUF_ROM);
    REQUIRE(p != NULL);
    EXPECT_EQ(p->len, 100);
    EXPECT(p->payload == NULL);
    pbuf_free(p);
    p = pbuf_alloc(PBUF_RAW, 100, PBUF_REF);
    REQUIRE(p != NULL);
    EXPECT_EQ(p->tot_len, 100);
    pbuf_free(p);
}

SCENARIO(pbuf_alloc_reference_api, "pbuf_alloc_reference wraps caller memory without copying")
{
    static const uint8_t rom[] = "constant data";
    uint8_t ram[32] = "volatile data";
    struct pbuf *p = pbuf_alloc_reference((void *)rom, sizeof(rom), PBUF_ROM);
    struct pbuf *q = pbuf_alloc_reference(ram, sizeof(ram), PBUF_REF);
    REQUIRE(p && q);
    EXPECT(p->payload == (const void *)rom);
    EXPECT_EQ(p->len, sizeof(rom));
    EXPECT(q->payload == (void *)ram);
    EXPECT_EQ(q->tot_len, sizeof(ram));
    pbuf_free(p);
    pbuf_free(q);
    EXPECT_STR((const char *)ram, "volatile data");
}

SCENARIO(pbuf_headers, "header room by layer: add/remove header, limits, force on REF")
{
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, 10, PBUF_RAM), *r;
    uint8_t *payload;
    uint8_t mem[64];
    REQUIRE(p != NULL);
    payload = p->payload;
    /* room for a TCP header and an IPv6 header at least */
    EXPECT_EQ(pbuf_add_header(p, 20), 0);
    EXPECT(p->payload == payload - 20);
    EXPECT_EQ(p->len, 30);
    EXPECT_EQ(p->tot_len, 30);
    EXPECT_EQ(pbuf_add_header(p, 40), 0);
    EXPECT_EQ(pbuf_remove_header(p, 60), 0);
    EXPECT(p->payload == payload);
    EXPECT_EQ(p->tot_len, 10);
    /* removing more than the pbuf holds fails and changes nothing */
    EXPECT_NE(pbuf_remove_header(p, 11), 0);
    EXPECT(p->payload == payload);
    EXPECT_EQ(p->len, 10);
    /* the legacy signed variant */
    EXPECT_EQ(pbuf_header(p, 8), 0);
    EXPECT_EQ(pbuf_header(p, -8), 0);
    EXPECT(p->payload == payload);
    pbuf_free(p);

    /* PBUF_RAW has no room */
    p = pbuf_alloc(PBUF_RAW, 10, PBUF_RAM);
    REQUIRE(p != NULL);
    payload = p->payload;
    EXPECT_NE(pbuf_add_header(p, 1), 0);
    EXPECT(p->payload == payload);
    EXPECT_EQ(p->len, 10);
    pbuf_free(p);

    /* a REF pbuf can only grow into caller memory when forced */
    r = pbuf_alloc_reference(mem + 16, 16, PBUF_REF);
    REQUIRE(r != NULL);
    EXPECT_NE(pbuf_add_header(r, 8), 0);
    EXPECT(r->payload == (void *)(mem + 16));
    EXPECT_EQ(pbuf_add_header_force(r, 8), 0);
    EXPECT(r->payload == (void *)(mem + 8));
    EXPECT_EQ(r->len, 24);
    pbuf_free(r);
}

SCENARIO(pbuf_cat_chain_refs, "pbuf_cat takes over the reference, pbuf_chain adds one; pbuf_free counts")
{
    struct pbuf *a, *b, *c;
    n_freed = 0;
    a = counted(NULL, 10);
    b = counted(NULL, 20);
    pbuf_cat(a, b);
    EXPECT_EQ(a->tot_len, 30);
    EXPECT_EQ(a->len, 10);
    EXPECT(a->next == b);
    EXPECT_EQ(b->ref, 1);
    EXPECT_EQ(pbuf_clen(a), 2);
    EXPECT_EQ(pbuf_free(a), 2); /* both freed */
    EXPECT_EQ(n_freed, 2);

    n_freed = 0;
    a = counted(NULL, 10);
    b = counted(NULL, 20);
    pbuf_chain(a, b);
    EXPECT_EQ(b->ref, 2);
    EXPECT_EQ(pbuf_free(a), 1); /* b survives: the caller still holds it */
    EXPECT_EQ(n_freed, 1);
    EXPECT_EQ(b->ref, 1);
    EXPECT_EQ(pbuf_free(b), 1);
    EXPECT_EQ(n_freed, 2);

    n_freed = 0;
    a = counted(NULL, 1);
    b = counted(NULL, 2);
    c = counted(NULL, 3);
    pbuf_cat(a, b);
    pbuf_cat(a, c);
    EXPECT_EQ(a->tot_len, 6);
    EXPECT_EQ(b->tot_len, 5);
    EXPECT_EQ(pbuf_clen(a), 3);
    pbuf_ref(a);
    EXPECT_EQ(a->ref, 2);
    EXPECT_EQ(pbuf_free(a), 0); /* still referenced */
    EXPECT_EQ(n_freed, 0);
    EXPECT_EQ(pbuf_free(a), 3);
    EXPECT_EQ(n_freed, 3);
}

SCENARIO(pbuf_dechain_refs, "pbuf_dechain frees a tail nobody holds and returns a held one")
{
    struct pbuf *a, *b, *t;
    n_freed = 0;
    a = counted(NULL, 10);
    b = counted(NULL, 20);
    pbuf_cat(a, b);
    t = pbuf_dechain(a);
    EXPECT(t == NULL);
    EXPECT_EQ(n_freed, 1);
    EXPECT_EQ(a->tot_len, 10);
    EXPECT(a->next == NULL);
    pbuf_free(a);

    n_freed = 0;
    a = counted(NULL, 10);
    b = counted(NULL, 20);
    pbuf_chain(a, b);
    t = pbuf_dechain(a);
    EXPECT(t == b);
    EXPECT_EQ(n_freed, 0);
    EXPECT_EQ(b->ref, 1);
    EXPECT_EQ(b->tot_len, 20);
    pbuf_free(a);
    pbuf_free(b);
    EXPECT_EQ(n_freed, 2);
}

SCENARIO(pbuf_custom_free_once, "a custom pbuf's free function runs once, after the last reference")
{
    struct pbuf *p;
    n_freed = 0;
    p = counted("abc", 3);
    pbuf_ref(p);
    pbuf_ref(p);
    EXPECT_EQ(p->ref, 3);
    EXPECT_EQ(pbuf_free(p), 0);
    EXPECT_EQ(pbuf_free(p), 0);
    EXPECT_EQ(n_freed, 0);
    EXPECT_EQ(pbuf_free(p), 1);
    EXPECT_EQ(n_freed, 1);
}

SCENARIO(pbuf_custom_layers, "pbuf_alloced_custom reserves the layer's header room inside the buffer")
{
    static struct pbuf_custom pc;
    static uint8_t mem[256];
    struct pbuf *p;
    pc.custom_free_function = NULL;
    p = pbuf_alloced_custom(PBUF_TRANSPORT, 100, PBUF_RAM, &pc, mem, sizeof(mem));
    REQUIRE(p != NULL);
    EXPECT((uint8_t *)p->payload >= mem + 60); /* transport + IPv6 header at least */
    EXPECT((uint8_t *)p->payload + 100 <= mem + sizeof(mem));
    EXPECT_EQ(p->tot_len, 100);
    /* too small a buffer for layer + length */
    EXPECT(pbuf_alloced_custom(PBUF_TRANSPORT, 250, PBUF_RAM, &pc, mem, sizeof(mem)) == NULL);
}

SCENARIO(pbuf_copy_layouts, "pbuf_copy between chains split differently; size and argument errors")
{
    uint8_t data[147], out[147];
    static const size_t from_sizes[] = {10, 100, 37};
    struct pbuf *from, *to, *small;
    h_pattern(data, sizeof(data), 7);
    from = chain_of(data, from_sizes, 3);
    to = pbuf_alloc(PBUF_RAW, 100, PBUF_RAM);
    pbuf_cat(to, pbuf_alloc(PBUF_RAW, 47, PBUF_RAM));
    EXPECT_ERR(pbuf_copy(to, from), ERR_OK);
    EXPECT_EQ(pbuf_copy_partial(to, out, sizeof(out), 0), sizeof(out));
    EXPECT_MEM(out, data, sizeof(data));
    small = pbuf_alloc(PBUF_RAW, 146, PBUF_RAM);
    EXPECT_ERR(pbuf_copy(small, from), ERR_ARG);
    EXPECT_ERR(pbuf_copy(to, NULL), ERR_ARG);
    pbuf_free(from);
    pbuf_free(to);
    pbuf_free(small);
}

SCENARIO(pbuf_copy_queue_detected, "pbuf_copy refuses a source that looks like a packet queue")
{
    /* lwIP's test_pbuf_copy_zero_pbuf: a head with len == tot_len followed
     * by a zero-length pbuf reads as two packets */
    struct pbuf *p1 = pbuf_alloc(PBUF_RAW, 1024, PBUF_RAM);
    struct pbuf *p2 = pbuf_alloc(PBUF_RAW, 2, PBUF_RAM);
    struct pbuf *p3 = ram_pair(512);
    REQUIRE(p1 && p2);
    EXPECT_EQ(p1->ref, 1);
    p2->len = p2->tot_len = 0;
    pbuf_cat(p1, p2);
    EXPECT_EQ(p1->ref, 1);
    EXPECT_EQ(p2->ref, 1);
    EXPECT_EQ(p1->tot_len, 1024);
    EXPECT_ERR(pbuf_copy(p3, p1), ERR_VAL);
    pbuf_free(p1);
    pbuf_free(p3);
}

SCENARIO(pbuf_copy_partial_edges, "pbuf_copy_partial across segment boundaries and past the end")
{
    uint8_t data[60], out[60];
    static const size_t sizes[] = {10, 20, 30};
    struct pbuf *p, *q;
    h_pattern(data, sizeof(data), 11);
    p = chain_of(data, sizes, 3);
    memset(out, 0, sizeof(out));
    EXPECT_EQ(pbuf_copy_partial(p, out, 15, 5), 15);
    EXPECT_MEM(out, data + 5, 15);
    EXPECT_EQ(pbuf_copy_partial(p, out, 40, 29), 31);
    EXPECT_MEM(out, data + 29, 31);
    EXPECT_EQ(pbuf_copy_partial(p, out, 10, 60), 0);
    EXPECT_EQ(pbuf_copy_partial(p, out, 10, 200), 0);
    /* into another pbuf at an offset */
    q = pbuf_alloc(PBUF_RAW, 40, PBUF_RAM);
    REQUIRE(q != NULL);
    memset(q->payload, 0, 40);
    EXPECT_ERR(pbuf_copy_partial_pbuf(q, p, 25, 10), ERR_OK);
    EXPECT_MEM((uint8_t *)q->payload + 10, data, 25);
    EXPECT_ERR(pbuf_copy_partial_pbuf(q, p, 35, 10), ERR_ARG);
    pbuf_free(p);
    pbuf_free(q);
}

SCENARIO(pbuf_take_at_edges, "pbuf_take/pbuf_take_at at the start, across and at the boundary")
{
    static const u8_t testdata[] = {0x01, 0x08, 0x82, 0x02};
    struct pbuf *p = ram_pair(512), *q = p->next;
    u8_t *out;
    int i;
    EXPECT_ERR(pbuf_take_at(p, testdata, sizeof(testdata), 0), ERR_OK);
    out = p->payload;
    for (i = 0; i < 4; i++) {
        EXPECT_EQ(out[i], testdata[i]);
    }
    EXPECT_ERR(pbuf_take_at(p, testdata, sizeof(testdata), (u16_t)(p->len - 1)), ERR_OK);
    EXPECT_EQ(out[p->len - 1], testdata[0]);
    out = q->payload;
    for (i = 1; i < 4; i++) {
        EXPECT_EQ(out[i - 1], testdata[i]);
    }
    EXPECT_ERR(pbuf_take_at(p, testdata, sizeof(testdata), p->len), ERR_OK);
    for (i = 0; i < 4; i++) {
        EXPECT_EQ(out[i], testdata[i]);
    }
    /* beyond the end */
    EXPECT_ERR(pbuf_take_at(p, testdata, sizeof(testdata), (u16_t)(p->tot_len - 3)), ERR_MEM);
    EXPECT_ERR(pbuf_take_at(p, testdata, 1, p->tot_len), ERR_MEM);
    {
        static uint8_t big[1025];
        EXPECT_ERR(pbuf_take(p, big, sizeof(big)), ERR_MEM);
        EXPECT_ERR(pbuf_take(p, big, 1024), ERR_OK);
    }
    pbuf_free(p);
}

SCENARIO(pbuf_get_put_at_edges, "pbuf_get_at/pbuf_try_get_at/pbuf_put_at at the boundary and past the end")
{
    struct pbuf *p = ram_pair(512), *q = p->next;
    u8_t *out = q->payload;
    pbuf_put_at(p, p->len, 0x01);
    EXPECT_EQ(*out, 0x01);
    EXPECT_EQ(pbuf_get_at(p, p->len), 0x01);
    EXPECT_EQ(pbuf_try_get_at(p, p->len), 0x01);
    pbuf_put_at(p, (u16_t)(p->len - 1), 0x7f);
    EXPECT_EQ(((u8_t *)p->payload)[p->len - 1], 0x7f);
    EXPECT_EQ(pbuf_get_at(p, (u16_t)(p->len - 1)), 0x7f);
    EXPECT_EQ(pbuf_try_get_at(p, p->tot_len), -1);
    EXPECT_EQ(pbuf_get_at(p, p->tot_len), 0);
    pbuf_put_at(p, p->tot_len, 0x55); /* ignored */
    EXPECT_EQ(pbuf_try_get_at(p, (u16_t)(p->tot_len - 1)), 0);
    pbuf_free(p);
}

SCENARIO(pbuf_search, "pbuf_memcmp, pbuf_memfind and pbuf_strstr over a chain")
{
    static const size_t sizes[] = {3, 6, 2};
    struct pbuf *p = chain_of((const uint8_t *)"hello world", sizes, 3);
    EXPECT_EQ(pbuf_memcmp(p, 0, "hello world", 11), 0);
    EXPECT_EQ(pbuf_memcmp(p, 3, "lo", 2), 0);
    EXPECT_EQ(pbuf_memcmp(p, 3, "lx", 2), 2);   /* index of mismatch + 1 */
    EXPECT_EQ(pbuf_memcmp(p, 10, "dd", 2), 0xffff);
    EXPECT_EQ(pbuf_memfind(p, "world", 5, 0), 6);
    EXPECT_EQ(pbuf_memfind(p, "world", 5, 7), 0xffff);
    EXPECT_EQ(pbuf_memfind(p, "o", 1, 5), 7);
    EXPECT_EQ(pbuf_strstr(p, "lo w"), 3);
    EXPECT_EQ(pbuf_strstr(p, "xyz"), 0xffff);
    EXPECT_EQ(pbuf_strstr(p, ""), 0xffff);
    pbuf_free(p);
}

SCENARIO(pbuf_skip_contiguous, "pbuf_skip and pbuf_get_contiguous: zero-copy inside a segment, copy across")
{
    static const size_t sizes[] = {3, 6, 2};
    struct pbuf *p = chain_of((const uint8_t *)"hello world", sizes, 3), *q;
    u16_t off = 0xffff;
    char buf[16];
    const char *r;
    q = pbuf_skip(p, 3, &off);
    EXPECT(q == p->next);
    EXPECT_EQ(off, 0);
    q = pbuf_skip(p, 10, &off);
    EXPECT(q == p->next->next);
    EXPECT_EQ(off, 1);
    EXPECT(pbuf_skip(p, 11, &off) == NULL);

    r = pbuf_get_contiguous(p, buf, sizeof(buf), 4, 4);
    EXPECT(r == (const char *)p->next->payload + 1);
    r = pbuf_get_contiguous(p, buf, sizeof(buf), 5, 1);
    EXPECT(r == buf);
    if (r == buf) {
        EXPECT_MEM(buf, "ello ", 5);
    }
    EXPECT(pbuf_get_contiguous(p, buf, 2, 5, 1) == NULL);
    EXPECT(pbuf_get_contiguous(p, buf, sizeof(buf), 5, 8) == NULL);
    pbuf_free(p);
}

SCENARIO(pbuf_coalesce_clone, "pbuf_coalesce and pbuf_clone produce one contiguous copy")
{
    static const size_t sizes[] = {100, 1, 57};
    uint8_t data[158];
    struct pbuf *p, *c, *single;
    h_pattern(data, sizeof(data), 5);
    n_freed = 0;
    p = chain_of(data, sizes, 3);
    c = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
    REQUIRE(c != NULL);
    EXPECT(c->next == NULL);
    EXPECT_EQ(c->len, sizeof(data));
    EXPECT_MEM(c->payload, data, sizeof(data));
    EXPECT_EQ(p->ref, 1);
    EXPECT_EQ(n_freed, 0);
    pbuf_free(c);

    c = pbuf_coalesce(p, PBUF_RAW);
    EXPECT(c != p);
    EXPECT(c->next == NULL);
    EXPECT_EQ(c->tot_len, sizeof(data));
    EXPECT_MEM(c->payload, data, sizeof(data));
    EXPECT_EQ(n_freed, 3); /* the chain was released */
    single = pbuf_coalesce(c, PBUF_RAW);
    EXPECT(single == c);   /* already contiguous: same pbuf */
    pbuf_free(single);
}

SCENARIO(pbuf_realloc_shrink, "pbuf_realloc shrinks a chain and frees the segments cut off")
{
    static const size_t sizes[] = {10, 20, 30};
    uint8_t data[60], out[60];
    struct pbuf *p, *r;
    h_pattern(data, sizeof(data), 9);
    n_freed = 0;
    p = chain_of(data, sizes, 3);
    pbuf_realloc(p, 15);
    EXPECT_EQ(p->tot_len, 15);
    EXPECT_EQ(p->len, 10);
    EXPECT_EQ(p->next->len, 5);
    EXPECT_EQ(p->next->tot_len, 5);
    EXPECT(p->next->next == NULL);
    EXPECT_EQ(n_freed, 1);
    EXPECT_EQ(pbuf_copy_partial(p, out, 60, 0), 15);
    EXPECT_MEM(out, data, 15);
    pbuf_realloc(p, 40); /* growing is not supported: no change */
    EXPECT_EQ(p->tot_len, 15);
    pbuf_free(p);

    r = pbuf_alloc(PBUF_RAW, 100, PBUF_RAM);
    REQUIRE(r != NULL);
    pbuf_take(r, data, 60);
    pbuf_realloc(r, 7);
    EXPECT_EQ(r->len, 7);
    EXPECT_EQ(r->tot_len, 7);
    EXPECT_MEM(r->payload, data, 7);
    pbuf_free(r);
}

SCENARIO(pbuf_free_header_api, "pbuf_free_header drops whole leading segments and trims the next")
{
    static const size_t sizes[] = {10, 20, 30};
    uint8_t data[60];
    struct pbuf *p, *rest;
    h_pattern(data, sizeof(data), 13);
    n_freed = 0;
    p = chain_of(data, sizes, 3);
    rest = pbuf_free_header(p, 15);
    REQUIRE(rest != NULL);
    EXPECT_EQ(n_freed, 1);
    EXPECT_EQ(rest->len, 15);
    EXPECT_EQ(rest->tot_len, 45);
    EXPECT_MEM(rest->payload, data + 15, 15);
    rest = pbuf_free_header(rest, 45);
    EXPECT(rest == NULL);
    EXPECT_EQ(n_freed, 3);
}

#if LWIP_TCP && TCP_QUEUE_OOSEQ && LWIP_WND_SCALE
/* pbuf_split_64k exists only in this configuration (lwIP's test too). */
SCENARIO(pbuf_split_64k_api, "pbuf_split_64k splits chains longer than 64 KiB (lwIP's test_pbuf)")
{
    static u8_t b1[65535], b2[65530], b3[50050], out[65535];
    struct pbuf *p1, *p2, *p3, *rest2 = NULL, *rest3 = NULL, *small, *none = NULL;
    h_pattern(b1, sizeof(b1), 1);
    h_pattern(b2, sizeof(b2), 2);
    h_pattern(b3, sizeof(b3), 3);
    small = pbuf_alloc(PBUF_RAW, 1, PBUF_RAM);
    pbuf_split_64k(small, &none);
    EXPECT_EQ(small->tot_len, 1);
    EXPECT(none == NULL);
    pbuf_free(small);

    p1 = pbuf_alloc(PBUF_RAW, sizeof(b1), PBUF_RAM);
    p2 = pbuf_alloc(PBUF_RAW, sizeof(b2), PBUF_RAM);
    p3 = pbuf_alloc(PBUF_RAW, sizeof(b3), PBUF_RAM);
    REQUIRE(p1 && p2 && p3);
    EXPECT_ERR(pbuf_take(p1, b1, sizeof(b1)), ERR_OK);
    EXPECT_ERR(pbuf_take(p2, b2, sizeof(b2)), ERR_OK);
    EXPECT_ERR(pbuf_take(p3, b3, sizeof(b3)), ERR_OK);
    pbuf_cat(p1, p2);
    pbuf_cat(p1, p3);
    pbuf_split_64k(p1, &rest2);
    EXPECT_EQ(p1->tot_len, sizeof(b1));
    REQUIRE(rest2 != NULL);
    EXPECT_EQ(rest2->tot_len, (u16_t)((sizeof(b2) + sizeof(b3)) & 0xffff));
    pbuf_split_64k(rest2, &rest3);
    EXPECT_EQ(rest2->tot_len, sizeof(b2));
    REQUIRE(rest3 != NULL);
    EXPECT_EQ(rest3->tot_len, sizeof(b3));
    pbuf_copy_partial(p1, out, sizeof(b1), 0);
    EXPECT_MEM(out, b1, sizeof(b1));
    pbuf_copy_partial(rest2, out, sizeof(b2), 0);
    EXPECT_MEM(out, b2, sizeof(b2));
    pbuf_copy_partial(rest3, out, sizeof(b3), 0);
    EXPECT_MEM(out, b3, sizeof(b3));
    pbuf_free(p1);
    pbuf_free(rest2);
    pbuf_free(rest3);
}
#endif
