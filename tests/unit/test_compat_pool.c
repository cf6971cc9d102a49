/* tests/unit/test_compat_pool.c: the pcb pools (compat/src/pool.h): what
 * closed pcbs leave behind goes back to the allocator beyond a bounded
 * cache, and a stale pointer is answered from the slab registry without
 * reading memory given back (ASan builds fail on any such read). */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/tcp.h"
#include "pool.h"
#include "unit_suite.h"

typedef struct obj {
    tern_pool_slot slot;
    char body[200];
    tern_pool_links links; /* the free queue's, while free: body stays as it was */
} obj;

enum { N = 1000 };

static void test_pool_gives_back_empty_slabs(void)
{
    tern_pool p = TERN_POOL_INIT(obj, links);
    static obj *o[N];
    for (int i = 0; i < N; i++) {
        o[i] = (obj *)(void *)tern__pool_get(&p);
        CU_ASSERT_PTR_NOT_NULL_FATAL(o[i]);
        memset(o[i]->body, 0xab, sizeof(o[i]->body));
    }
    CU_ASSERT_EQUAL(p.in_use, N);
    CU_ASSERT(p.slots >= N);
    for (int i = 0; i < N; i++)
        CU_ASSERT(tern__pool_owns_live(&p, &o[i]->slot));
    for (int i = 0; i < N; i++)
        tern__pool_put(&p, &o[i]->slot);
    CU_ASSERT_EQUAL(p.in_use, 0);
    /* The documented bound: with nothing in use, fewer than
     * TERN_POOL_CACHE_SLOTS + 64 slots stay. */
    CU_ASSERT(p.slots < TERN_POOL_CACHE_SLOTS + 64);
    CU_ASSERT(p.slots >= TERN_POOL_CACHE_SLOTS);
    CU_ASSERT(p.slabs_released > 0);
    CU_ASSERT(p.free_slots <= p.slots);
    /* The slot looked up last (o[N-1], read directly on the next lookup of
     * the same pointer) is forgotten once a slab went back: it might lie
     * in it. */
    CU_ASSERT_PTR_NULL(p.seen);
    /* Every stale pointer reads as not live; for the ones in slabs given
     * back nothing is read (ASan would report it). */
    for (int i = 0; i < N; i++)
        CU_ASSERT_FALSE(tern__pool_owns_live(&p, &o[i]->slot));
    /* put on a stale pointer: nothing happens. */
    for (int i = 0; i < N; i++)
        tern__pool_put(&p, &o[i]->slot);
    CU_ASSERT_EQUAL(p.in_use, 0);
    /* The pool works on: N more, all live, then reset. */
    for (int i = 0; i < N; i++) {
        o[i] = (obj *)(void *)tern__pool_get(&p);
        CU_ASSERT_PTR_NOT_NULL_FATAL(o[i]);
    }
    for (int i = 0; i < N; i++)
        CU_ASSERT(tern__pool_owns_live(&p, &o[i]->slot));
    CU_ASSERT_EQUAL(p.in_use, N);
    tern__pool_reset(&p);
    CU_ASSERT_EQUAL(p.slots, 0);
    CU_ASSERT_EQUAL(p.nslabs, 0);
}

/* A held slot (its owner uses it, no live object for a stale pointer):
 * not live to tern__pool_owns_live, live again when its owner says so,
 * and given back by tern__pool_put_live like a live one (once). */
static void test_pool_held_slots(void)
{
    tern_pool p = TERN_POOL_INIT(obj, links);
    obj *a = (obj *)(void *)tern__pool_get(&p), *b = (obj *)(void *)tern__pool_get(&p);
    CU_ASSERT_FATAL(a && b);
    a->slot.live = TERN_POOL_HELD;
    CU_ASSERT_FALSE(tern__pool_owns_live(&p, &a->slot));
    CU_ASSERT_TRUE(tern__pool_owns_live(&p, &b->slot));
    p.seen = NULL; /* (not the cached last lookup: the registry answers) */
    CU_ASSERT_FALSE(tern__pool_owns_live(&p, &a->slot));
    a->slot.live = TERN_POOL_LIVE;
    CU_ASSERT_TRUE(tern__pool_owns_live(&p, &a->slot));
    a->slot.live = TERN_POOL_HELD;
    CU_ASSERT_EQUAL(p.in_use, 2);
    tern__pool_put_live(&p, &a->slot);
    CU_ASSERT_EQUAL(p.in_use, 1);
    CU_ASSERT_EQUAL(a->slot.live, TERN_POOL_FREE);
    tern__pool_put_live(&p, &a->slot); /* again: nothing */
    CU_ASSERT_EQUAL(p.in_use, 1);
    tern__pool_put_live(&p, &b->slot);
    CU_ASSERT_EQUAL(p.in_use, 0);
    tern__pool_reset(&p);
}

static void test_pool_stale_pointers(void)
{
    tern_pool p = TERN_POOL_INIT(obj, links);
    obj *a = (obj *)(void *)tern__pool_get(&p);
    obj *b = (obj *)(void *)tern__pool_get(&p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    /* A freed slot in a held slab: its header says free and stays readable. */
    tern__pool_put(&p, &a->slot);
    CU_ASSERT_FALSE(tern__pool_owns_live(&p, &a->slot));
    CU_ASSERT_EQUAL(a->slot.live, TERN_POOL_FREE);
    CU_ASSERT(tern__pool_owns_live(&p, &b->slot));
    /* Not at a slot boundary, or a slot never handed out, or memory the
     * pool never held (a heap block already freed): not live, and not read. */
    CU_ASSERT_FALSE(tern__pool_owns_live(&p, (tern_pool_slot *)(void *)((char *)b + 8)));
    /* Every byte address across the two slots (the slot index is found by
     * a multiplication, not a division): only b's own start is live. */
    size_t stride = (size_t)((char *)b - (char *)a);
    CU_ASSERT_TRUE(stride >= sizeof(obj));
    int live = 0;
    for (size_t off = 0; off < 2 * stride; off++) {
        p.seen = NULL; /* through the lookup, not the last-seen shortcut */
        int l = tern__pool_owns_live(&p, (tern_pool_slot *)(void *)((char *)a + off));
        CU_ASSERT_EQUAL(l, off == stride);
        live += l;
    }
    CU_ASSERT_EQUAL(live, 1);
    CU_ASSERT_FALSE(tern__pool_owns_live(&p, (tern_pool_slot *)(void *)((char *)b + (b - a) * sizeof(obj))));
    void *block = malloc(sizeof(obj));
    CU_ASSERT_PTR_NOT_NULL_FATAL(block);
    /* volatile: the address is kept as a number, not a pointer the compiler
     * tracks (gcc's -Wuse-after-free would flag the call below otherwise). */
    volatile uintptr_t gone = (uintptr_t)block;
    free(block);
    CU_ASSERT_FALSE(tern__pool_owns_live(&p, (const tern_pool_slot *)gone));
    CU_ASSERT_FALSE(tern__pool_owns_live(&p, NULL));
    tern__pool_reset(&p);
    /* After a reset every former slot is unknown, and nothing is read. */
    CU_ASSERT_FALSE(tern__pool_owns_live(&p, &b->slot));
}

/* Through lwIP's API: 1000 pcbs made and closed, then every stale pointer
 * used again (go-tun2socks' late calls); ASan checks nothing freed is read. */
static void test_pool_stale_pcbs_after_give_back(void)
{
    lwip_init();
    static struct tcp_pcb *pcb[N];
    for (int i = 0; i < N; i++) {
        pcb[i] = tcp_new();
        CU_ASSERT_PTR_NOT_NULL_FATAL(pcb[i]);
    }
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL(tcp_close(pcb[i]), ERR_OK); /* CLOSED: freed at once */
    for (int i = 0; i < N; i++) {
        CU_ASSERT(tern__compat_tcp_freed(pcb[i]));
        CU_ASSERT_EQUAL(tcp_close(pcb[i]), ERR_OK);
        CU_ASSERT_EQUAL(tcp_write(pcb[i], "x", 1, TCP_WRITE_FLAG_COPY), ERR_CONN);
        tcp_arg(pcb[i], NULL);
        tcp_abort(pcb[i]);
    }
    struct tcp_pcb *n = tcp_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_FALSE(tern__compat_tcp_freed(n));
    CU_ASSERT_EQUAL(tcp_close(n), ERR_OK);
}

/* Slots freed through the known-live path (tern__pool_put_live: the slab
 * from the slot's own index, no search) and handed out again from the free
 * queue (the same index): in random order across many slabs, the slabs'
 * counts stay right, so exactly the emptied ones go back (a wrong slab
 * would be given back while in use: ASan reports the reads below). */
static void test_pool_put_live(void)
{
    tern_pool p = TERN_POOL_INIT(obj, links);
    static obj *o[N];
    uint32_t r = 7;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < N; i++) {
            o[i] = (obj *)(void *)tern__pool_get(&p);
            CU_ASSERT_PTR_NOT_NULL_FATAL(o[i]);
            memset(o[i]->body, i & 0xff, sizeof(o[i]->body));
        }
        CU_ASSERT_EQUAL(p.in_use, N);
        for (int i = N - 1; i > 0; i--) { /* a shuffled order of freeing */
            r = r * 1103515245u + 12345u;
            int j = (int)((r >> 8) % (uint32_t)(i + 1));
            obj *t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        for (int i = 0; i < N; i++) {
            CU_ASSERT_EQUAL(o[i]->body[0], o[i]->body[199]); /* still ours, still mapped */
            tern__pool_put_live(&p, &o[i]->slot);
            if (i == N / 2)
                CU_ASSERT_EQUAL(p.in_use, N - N / 2 - 1);
        }
        CU_ASSERT_EQUAL(p.in_use, 0);
        CU_ASSERT(p.slots < TERN_POOL_CACHE_SLOTS + 64);
        CU_ASSERT_EQUAL(p.free_slots, p.slots);
    }
    CU_ASSERT(p.slabs_released > 0);
    tern__pool_reset(&p);
}

TERN_UNIT_SUITE(compat_pool)
{
    CU_pSuite s = CU_add_suite("compat_pool", NULL, NULL);
    CU_add_test(s, "entirely free slabs go back beyond the cache", test_pool_gives_back_empty_slabs);
    CU_add_test(s, "stale pointers are answered without reading freed memory", test_pool_stale_pointers);
    CU_add_test(s, "1000 stale pcbs used again after their slabs went back", test_pool_stale_pcbs_after_give_back);
    CU_add_test(s, "known-live puts and free-queue gets find the slab by the slot's index", test_pool_put_live);
    CU_add_test(s, "held slots: not live to stale pointers, given back like live ones", test_pool_held_slots);
}
