/* buf/pbuf_alloc.c: where pbufs come from and where they go back to.
 *
 * Every pbuf tern allocates is one block:
 *
 *     [block_hdr][tern_pbuf][headroom][data]
 *
 * The hidden block_hdr records the block's size class, so freeing never relies
 * on fields the application may write (type_internal, payload, len).  Freed
 * blocks wait on one free list per size class, so a stack in steady state never
 * calls malloc per packet; the lists together hold at most
 * TERN_PBUF_CACHE_MAX_BYTES, so memory goes back to the system after a burst.
 *
 * The state is per thread (one stack per thread, tern/stack.h), unlocked:
 * a pbuf goes back to the cache of the thread that frees it, so pbufs stay
 * with the thread that made them, and a thread that ends calls
 * tern_pbuf_trim() first or its cached blocks are lost.  Under AddressSanitizer cached blocks are poisoned, so a use after
 * tern_pbuf_free is still reported although the memory was never free()d. */
#include "tern/pbuf.h"
#include "buf/pbuf_cache.h"

#include <stdbool.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(addr, n) ASAN_POISON_MEMORY_REGION((addr), (n))
#define UNPOISON(addr, n) ASAN_UNPOISON_MEMORY_REGION((addr), (n))
#else
#define POISON(addr, n) ((void)(addr), (void)(n))
#define UNPOISON(addr, n) ((void)(addr), (void)(n))
#endif

#ifdef TERN_PBUF_NO_CACHE
#define CACHE_BUILT_IN false
#else
#define CACHE_BUILT_IN true
#endif

#define ALIGN_UP(n) (((uint32_t)(n) + TERN_PBUF_ALIGNMENT - 1u) & ~(uint32_t)(TERN_PBUF_ALIGNMENT - 1u))

/* 16 bytes, so the pbuf behind it keeps malloc's 16-byte alignment and the
 * payload offset is the same in every block. */
typedef struct block_hdr {
    struct block_hdr *link; /* next cached block of the class, while cached */
    uint32_t size;          /* bytes in the whole block */
    uint16_t cls;           /* size class, or CLS_DIRECT */
    uint16_t magic;         /* BLOCK_MAGIC: the pbuf came from here */
} block_hdr;

_Static_assert(sizeof(block_hdr) == 16, "block_hdr keeps pbufs 16-byte aligned");
_Static_assert(sizeof(tern_pbuf) % TERN_PBUF_ALIGNMENT == 0, "payloads after the struct are aligned");

#define BLOCK_MAGIC 0x7e4bu
#define STRUCT_BYTES ((uint32_t)sizeof(tern_pbuf))
#define OVERHEAD ((uint32_t)sizeof(block_hdr) + STRUCT_BYTES)

/* Size classes.  REF/ROM structs and pool buffers have one size each; RAM
 * pbufs take the smallest class that fits: a bare ACK, a full Ethernet frame,
 * a jumbo frame, a 64K TSO/reassembly buffer.  Larger ones go to malloc. */
enum { CLS_REF, CLS_POOL, CLS_RAM_FIRST, CLS_COUNT = CLS_RAM_FIRST + 4, CLS_DIRECT = 0xffff };

static const uint32_t class_bytes[CLS_COUNT] = {
    OVERHEAD,
    OVERHEAD + ALIGN_UP(TERN_PBUF_POOL_BUFSIZE),
    256,
    2048,
    9216 + 256,
    65536 + 512,
};

typedef struct pbuf_state {
    block_hdr *free_list[CLS_COUNT];
    tern_pbuf_stats stats;
    uint64_t limit; /* cap on stats.live_bytes; 0: none */
    int cache_on;   /* -1 until the environment has been read */
} pbuf_state;

/* One state per process (pbufs made by one thread and freed by another
 * are counted right), or one per thread after tern_pbuf_set_per_thread(1). */
static int per_thread;
static pbuf_state st_shared = {.cache_on = -1};
static _Thread_local pbuf_state st_own = {.cache_on = -1};
static inline pbuf_state *state(void) { return per_thread ? &st_own : &st_shared; }

int tern_pbuf_set_per_thread(int on)
{
    if (st_shared.stats.live_pbufs || st_own.stats.live_pbufs)
        return -1;
    per_thread = on != 0;
    return 0;
}

static bool cache_enabled(void)
{
    pbuf_state *ps = state();
    if (ps->cache_on < 0)
        ps->cache_on = CACHE_BUILT_IN && getenv("TERN_PBUF_NO_CACHE") == NULL;
    return ps->cache_on != 0;
}

static tern_pbuf *block_pbuf(block_hdr *b) { return (tern_pbuf *)(void *)((uint8_t *)b + sizeof *b); }
static block_hdr *pbuf_block(tern_pbuf *p) { return (block_hdr *)(void *)((uint8_t *)p - sizeof(block_hdr)); }

/* Takes a block of class `cls` (`bytes` long when cls is CLS_DIRECT) from its
 * free list or from malloc; NULL when the live-bytes cap or the system says no. */
static tern_pbuf *block_get(uint16_t cls, uint32_t bytes)
{
    pbuf_state *ps = state();
    if (ps->limit != 0 && ps->stats.live_bytes + bytes > ps->limit) {
        ps->stats.alloc_failures++;
        return NULL;
    }
    block_hdr *b = cls == CLS_DIRECT ? NULL : ps->free_list[cls];
    if (b != NULL) {
        ps->free_list[cls] = b->link;
        ps->stats.cached_bytes -= b->size;
        UNPOISON(block_pbuf(b), b->size - sizeof *b);
    } else {
        b = malloc(bytes);
        if (b == NULL) {
            ps->stats.alloc_failures++;
            return NULL;
        }
        b->size = bytes;
        b->cls = cls;
        b->magic = BLOCK_MAGIC;
    }
    b->link = NULL;
    ps->stats.live_pbufs++;
    ps->stats.live_bytes += b->size;
    return block_pbuf(b);
}

static void block_put(tern_pbuf *p)
{
    pbuf_state *ps = state();
    block_hdr *b = pbuf_block(p);
    if (b->magic != BLOCK_MAGIC)
        return; /* not a block of ours: leaking it beats corrupting the heap */
    ps->stats.live_pbufs--;
    ps->stats.live_bytes -= b->size;
    if (b->cls != CLS_DIRECT && cache_enabled() && ps->stats.cached_bytes + b->size <= TERN_PBUF_CACHE_MAX_BYTES) {
        /* p->ref is 0 here, so a second tern_pbuf_free of p is refused. */
        b->link = ps->free_list[b->cls];
        ps->free_list[b->cls] = b;
        ps->stats.cached_bytes += b->size;
        POISON(block_pbuf(b), b->size - sizeof *b);
        return;
    }
    b->magic = 0;
    free(b);
}

static void init_pbuf(tern_pbuf *p, void *payload, uint16_t tot_len, uint16_t len, unsigned type, uint8_t flags)
{
    p->next = NULL;
    p->payload = payload;
    p->tot_len = tot_len;
    p->len = len;
    p->type_internal = (uint8_t)type;
    p->flags = flags;
    p->ref = 1;
    p->if_idx = 0; /* lwIP's NETIF_NO_INDEX */
}

/* One block: struct, aligned headroom, data.  The cached case (one per
 * segment and ACK) is tern_pbuf_alloc's inline fast path. */
__attribute__((noinline)) static tern_pbuf *alloc_ram(uint16_t headroom, uint16_t length)
{
    uint32_t need = OVERHEAD + ALIGN_UP(headroom) + ALIGN_UP(length);
    uint16_t cls = CLS_RAM_FIRST;
    while (cls < CLS_COUNT && class_bytes[cls] < need)
        cls++;
    tern_pbuf *p = cls < CLS_COUNT ? block_get(cls, class_bytes[cls]) : block_get(CLS_DIRECT, need);
    if (p != NULL)
        init_pbuf(p, (uint8_t *)p + STRUCT_BYTES + ALIGN_UP(headroom), length, length, TERN_PBUF_RAM, 0);
    return p;
}

/* A chain of pool buffers; only the first keeps headroom.  As in lwIP a
 * headroom of exactly one buffer yields an empty first segment. */
static tern_pbuf *alloc_pool(uint16_t headroom, uint16_t length)
{
    const uint32_t bufsize = ALIGN_UP(TERN_PBUF_POOL_BUFSIZE);
    uint32_t offset = ALIGN_UP(headroom);
    if (offset > bufsize)
        return NULL;
    tern_pbuf *head = NULL, *last = NULL;
    uint16_t rem = length;
    do {
        tern_pbuf *q = block_get(CLS_POOL, class_bytes[CLS_POOL]);
        if (q == NULL) {
            tern_pbuf_free(head);
            return NULL;
        }
        uint16_t qlen = (uint16_t)(rem < bufsize - offset ? rem : bufsize - offset);
        init_pbuf(q, (uint8_t *)q + STRUCT_BYTES + offset, rem, qlen, TERN_PBUF_POOL, 0);
        if (head == NULL)
            head = q;
        else
            last->next = q;
        last = q;
        rem = (uint16_t)(rem - qlen);
        offset = 0;
    } while (rem > 0);
    return head;
}

tern_pbuf *tern_pbuf_alloc(uint16_t headroom, uint16_t length, unsigned type)
{
    if (type == TERN_PBUF_RAM) {
        /* The common case first: a block of the ACK or the MTU class from
         * its cache (block_get's cached case, inline). */
        pbuf_state *ps = state();
        uint32_t room = ALIGN_UP(headroom);
        uint32_t need = OVERHEAD + room + ALIGN_UP(length);
        _Static_assert(CLS_RAM_FIRST + 1 < CLS_COUNT, "two small RAM classes");
        unsigned cls = need <= class_bytes[CLS_RAM_FIRST] ? CLS_RAM_FIRST : CLS_RAM_FIRST + 1;
        block_hdr *b = ps->free_list[cls];
        if (b != NULL && need <= class_bytes[CLS_RAM_FIRST + 1] && ps->limit == 0) {
            ps->free_list[cls] = b->link;
            ps->stats.cached_bytes -= b->size;
            UNPOISON(block_pbuf(b), b->size - sizeof *b);
            b->link = NULL;
            ps->stats.live_pbufs++;
            ps->stats.live_bytes += b->size;
            tern_pbuf *p = block_pbuf(b);
            init_pbuf(p, (uint8_t *)p + STRUCT_BYTES + room, length, length, TERN_PBUF_RAM, 0);
            return p;
        }
        return alloc_ram(headroom, length);
    }
    switch (type) {
    case TERN_PBUF_RAM:
        return alloc_ram(headroom, length);
    case TERN_PBUF_POOL:
        return alloc_pool(headroom, length);
    case TERN_PBUF_ROM:
    case TERN_PBUF_REF:
        return tern_pbuf_alloc_reference(NULL, length, type);
    default:
        return NULL;
    }
}

tern_pbuf *tern_pbuf_alloc_reference(void *payload, uint16_t length, unsigned type)
{
    if (type != TERN_PBUF_ROM && type != TERN_PBUF_REF)
        return NULL;
    tern_pbuf *p = block_get(CLS_REF, class_bytes[CLS_REF]);
    if (p != NULL)
        init_pbuf(p, payload, length, length, type, 0);
    return p;
}

tern_pbuf *tern_pbuf_alloced_custom(uint16_t headroom, uint16_t length, unsigned type,
                                    tern_pbuf_custom *p, void *payload_mem, uint16_t payload_mem_len)
{
    if (p == NULL || ALIGN_UP(headroom) + length > payload_mem_len)
        return NULL;
    void *payload = payload_mem != NULL ? (uint8_t *)payload_mem + ALIGN_UP(headroom) : NULL;
    init_pbuf(&p->pbuf, payload, length, length, type, TERN_PBUF_FLAG_IS_CUSTOM);
    return &p->pbuf;
}

static void release(tern_pbuf *p)
{
    if (p->flags & TERN_PBUF_FLAG_IS_CUSTOM) {
        tern_pbuf_custom *pc = (tern_pbuf_custom *)p;
        if (pc->custom_free_function != NULL)
            pc->custom_free_function(p);
        return;
    }
    block_put(p);
}

/* The general case of tern_pbuf_free, out of line so the common case
 * needs no stack frame. */
__attribute__((noinline)) static uint8_t free_chain(tern_pbuf *p)
{
    uint8_t count = 0;
    while (p != NULL) {
        /* ref 0 means already freed (or never set up): lwIP asserts; touching
         * it could free a block twice, so stop. */
        if (p->ref == 0)
            break;
        if (--p->ref > 0)
            break; /* still referenced, and so is everything behind it */
        tern_pbuf *next = p->next; /* read before the free function runs */
        release(p);
        count++;
        p = next;
    }
    return count;
}

uint8_t tern_pbuf_free(tern_pbuf *p)
{
    pbuf_state *ps = state();
    /* The common case first (a segment or an ACK done with): one block of
     * ours, last reference, nothing chained, going back to its cache.
     * Everything else takes the loop below, which checks the same. */
    if (p != NULL && p->ref == 1 && p->next == NULL && !(p->flags & TERN_PBUF_FLAG_IS_CUSTOM)) {
        block_hdr *b = pbuf_block(p);
        if (b->magic == BLOCK_MAGIC && b->cls != CLS_DIRECT && ps->cache_on > 0 &&
            ps->stats.cached_bytes + b->size <= TERN_PBUF_CACHE_MAX_BYTES) {
            p->ref = 0; /* so a second tern_pbuf_free of p is refused */
            ps->stats.live_pbufs--;
            ps->stats.live_bytes -= b->size;
            b->link = ps->free_list[b->cls];
            ps->free_list[b->cls] = b;
            ps->stats.cached_bytes += b->size;
            POISON(p, b->size - sizeof *b);
            return 1;
        }
    }
    return free_chain(p);
}

void tern_pbuf_get_stats(tern_pbuf_stats *out)
{
    pbuf_state *ps = state();
    if (out != NULL)
        *out = ps->stats;
}

void tern_pbuf_set_limit(uint64_t max_live_bytes) { state()->limit = max_live_bytes; }

void tern_pbuf_trim(void)
{
    pbuf_state *ps = state();
    for (unsigned cls = 0; cls < CLS_COUNT; cls++) {
        while (ps->free_list[cls] != NULL) {
            block_hdr *b = ps->free_list[cls];
            ps->free_list[cls] = b->link;
            ps->stats.cached_bytes -= b->size;
            UNPOISON(block_pbuf(b), b->size - sizeof *b);
            b->magic = 0;
            free(b);
        }
    }
}

uint64_t tern__pbuf_cached(void) { return state()->stats.cached_bytes; }
