/* compat/src/memp.c: the pools behind compat's pcbs (pool.h) and lwIP's
 * memp_malloc/memp_free (lwip/memp.h). */
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "pool.h"

struct tern_pool_slab {
    size_t count; /* slots */
    size_t used;  /* slots handed out at least once (the first `used`) */
    size_t live;  /* slots in use now */
    /* slots follow, max_align_t aligned, each slot_size bytes */
};

#define SLAB_HDR ((sizeof(tern_pool_slab) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))

/* A slot's size is its type's (TERN_POOL_INIT), a multiple of the type's
 * alignment: slots lie back to back, each as aligned as its type needs (a
 * compat_tcp needs 8, not max_align_t's 16: 8 bytes a connection). */
static size_t slot_stride(const tern_pool *p)
{
    return p->slot_size;
}

static tern_pool_slot *slot_at(const tern_pool *p, tern_pool_slab *b, size_t i)
{
    return (tern_pool_slot *)(void *)((char *)b + SLAB_HDR + i * slot_stride(p));
}

/* The slab of a slot handed out by this pool (its index says where). */
static tern_pool_slab *slab_of(const tern_pool *p, const tern_pool_slot *s)
{
    return (tern_pool_slab *)(void *)((char *)s - SLAB_HDR - (size_t)s->index * slot_stride(p));
}

/* Slabs grow with the pool (an eighth of what it holds, 4 to 64 slots), so
 * a program with a few pcbs holds little and one with thousands pays one
 * allocator header per 64. */
static size_t next_slab_count(const tern_pool *p)
{
    size_t n = p->slots / 8;
    return n < 4 ? 4 : n > 64 ? 64 : n;
}

/* ---- the registry: slabs sorted by address ---- */

/* Index of the first slab whose address is above a (nslabs if none). */
static size_t reg_upper(const tern_pool *p, uintptr_t a)
{
    size_t lo = 0, hi = p->nslabs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)p->reg[mid] <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int reg_insert(tern_pool *p, tern_pool_slab *b)
{
    if (p->nslabs == p->reg_cap) {
        size_t cap = p->reg_cap ? p->reg_cap * 2 : 16;
        tern_pool_slab **r = realloc(p->reg, cap * sizeof(*r));
        if (!r)
            return -1;
        p->reg = r;
        p->reg_cap = cap;
    }
    size_t i = reg_upper(p, (uintptr_t)b);
    memmove(p->reg + i + 1, p->reg + i, (p->nslabs - i) * sizeof(*p->reg));
    p->reg[i] = b;
    p->nslabs++;
    return 0;
}

static void reg_remove(tern_pool *p, tern_pool_slab *b)
{
    size_t i = reg_upper(p, (uintptr_t)b);
    if (i == 0 || p->reg[i - 1] != b)
        return;
    i--;
    memmove(p->reg + i, p->reg + i + 1, (p->nslabs - i - 1) * sizeof(*p->reg));
    p->nslabs--;
}

/* The slab and slot index s names, from addresses alone (nothing read
 * through s): NULL when s is not at a handed-out slot of a held slab. */
static tern_pool_slab *find(tern_pool *p, const void *s, size_t *index)
{
    uintptr_t a = (uintptr_t)s;
    size_t stride = slot_stride(p);
    tern_pool_slab *b = p->hit;
    /* Offsets are unsigned: an address below the slab wraps to a huge one. */
    uintptr_t off = b ? a - (uintptr_t)b - SLAB_HDR : UINTPTR_MAX;
    if (!b || off >= b->used * stride) {
        size_t i = reg_upper(p, a);
        if (i == 0)
            return NULL;
        b = p->reg[i - 1];
        off = a - (uintptr_t)b - SLAB_HDR;
        if (off >= b->count * stride)
            return NULL;
        p->hit = b;
        if (off >= b->used * stride)
            return NULL; /* a slot never handed out */
    }
    /* off / stride without a division (tens of cycles, three times per
     * connection): exact for every off below 2^32 (Lemire, Kaser, Kurz,
     * "Faster remainder by direct computation", 2019); a slab holds at
     * most 64 slots, far below. */
    size_t i = (size_t)(((unsigned __int128)p->stride_magic * off) >> 64);
    if (off != i * stride)
        return NULL; /* inside a slot */
    *index = i;
    return b;
}

int tern__pool_find_live(tern_pool *p, const tern_pool_slot *s)
{
    size_t i;
    if (!s || !find(p, s, &i))
        return 0;
    p->seen = s;
    return s->live == TERN_POOL_LIVE;
}

/* ---- the free queue, oldest first ---- */

/* A free slot's links (memory of its owner's that is dead while free). */
static tern_pool_links *links(const tern_pool *p, tern_pool_slot *s)
{
    return (tern_pool_links *)(void *)((char *)s + p->links_at);
}

static void queue_unlink(tern_pool *p, tern_pool_slot *s)
{
    tern_pool_links *l = links(p, s);
    if (l->prev)
        links(p, l->prev)->next = l->next;
    else
        p->free_head = l->next;
    if (l->next)
        links(p, l->next)->prev = l->prev;
    else
        p->free_tail = l->prev;
    l->next = l->prev = NULL;
    p->free_slots--;
}

static void queue_append(tern_pool *p, tern_pool_slot *s)
{
    tern_pool_links *l = links(p, s);
    l->next = NULL;
    l->prev = p->free_tail;
    if (p->free_tail)
        links(p, p->free_tail)->next = s;
    else
        p->free_head = s;
    p->free_tail = s;
    p->free_slots++;
}

tern_pool_slot *tern__pool_get(tern_pool *p)
{
    tern_pool_slot *s;
    tern_pool_slab *b;
    uint16_t gen = 0, index;
    if (p->bump) {
        /* Memory never used yet goes first: a freed slot waits longer. */
        b = p->bump;
        index = (uint16_t)b->used;
        s = slot_at(p, b, b->used++);
        if (b->used == b->count)
            p->bump = NULL;
    } else if (p->free_head) {
        s = p->free_head;
        queue_unlink(p, s);
        gen = s->gen;
        index = s->index;
        b = slab_of(p, s);
    } else {
        size_t n = next_slab_count(p);
        b = malloc(SLAB_HDR + n * slot_stride(p));
        if (!b)
            return NULL;
        if (reg_insert(p, b) != 0) {
            free(b);
            return NULL;
        }
        p->stride_magic = UINT64_MAX / slot_stride(p) + 1; /* for find */
        b->count = n;
        b->used = 1;
        b->live = 0;
        p->slots += n;
        p->bump = n > 1 ? b : NULL;
        index = 0;
        s = slot_at(p, b, 0);
    }
    memset(s, 0, p->slot_size);
    s->live = TERN_POOL_LIVE;
    s->gen = gen;
    s->index = index;
    b->live++;
    p->in_use++;
    p->seen = s; /* the program's next calls are on its new pcb */
    return s;
}

/* Gives an entirely free slab back (its slots leave the free queue). */
static void release(tern_pool *p, tern_pool_slab *b)
{
    for (size_t i = 0; i < b->used; i++)
        queue_unlink(p, slot_at(p, b, i));
    reg_remove(p, b);
    if (p->hit == b)
        p->hit = NULL;
    p->seen = NULL; /* it may lie in b */
    if (p->bump == b)
        p->bump = NULL;
    p->slots -= b->count;
    p->slabs_released++;
    free(b);
}

static void put(tern_pool *p, tern_pool_slot *s, tern_pool_slab *b);

void tern__pool_put(tern_pool *p, tern_pool_slot *s)
{
    size_t i;
    tern_pool_slab *b = s ? find(p, s, &i) : NULL;
    if (!b || s->live != TERN_POOL_LIVE)
        return;
    put(p, s, b);
}

void tern__pool_put_live(tern_pool *p, tern_pool_slot *s)
{
    if (s->live == TERN_POOL_LIVE || s->live == TERN_POOL_HELD) /* (a second put while the slab is held does nothing) */
        put(p, s, slab_of(p, s));
}

static void put(tern_pool *p, tern_pool_slot *s, tern_pool_slab *b)
{
    s->live = TERN_POOL_FREE;
    s->gen++;
    queue_append(p, s);
    p->in_use--;
    b->live--;
    if (b->live == 0 && p->slots - b->count >= TERN_POOL_CACHE_SLOTS)
        release(p, b);
}

void tern__pool_reset(tern_pool *p)
{
    for (size_t i = 0; i < p->nslabs; i++)
        free(p->reg[i]);
    free(p->reg);
    p->reg = NULL;
    p->nslabs = p->reg_cap = 0;
    p->bump = p->hit = NULL;
    p->seen = NULL;
    p->free_head = p->free_tail = NULL;
    p->in_use = p->slots = p->free_slots = 0;
}

/* ---- lwIP's memp API ---- */

/* A block of one of the other types: the type in front of it. */
typedef struct memp_block {
    uint32_t magic;
    memp_t type;
    max_align_t data[];
} memp_block;

#define BLOCK_MAGIC 0x4d454d50u /* "MEMP" */

/* At least lwIP's element size for each type (memp_std.h), rounded up. */
static size_t element_size(memp_t type)
{
    switch (type) {
    case MEMP_PBUF:
        return sizeof(struct pbuf);
    case MEMP_PBUF_POOL:
        return sizeof(struct pbuf) + 1536;
    case MEMP_SYS_TIMEOUT:
        return 32;
    default:
        return 512; /* larger than any of lwIP 2.1's other elements */
    }
}

void memp_init(void) {}

void *memp_malloc(memp_t type)
{
    switch (type) {
    case MEMP_TCP_PCB:
        return tcp_new_ip_type(IPADDR_TYPE_ANY);
    case MEMP_UDP_PCB:
        return udp_new_ip_type(IPADDR_TYPE_ANY);
    case MEMP_TCP_PCB_LISTEN:
        return NULL;
    default:
        break;
    }
    if ((unsigned)type >= MEMP_MAX)
        return NULL;
    memp_block *b = calloc(1, sizeof(memp_block) + element_size(type));
    if (!b)
        return NULL;
    b->magic = BLOCK_MAGIC;
    b->type = type;
    return b->data;
}

void memp_free(memp_t type, void *mem)
{
    if (!mem)
        return;
    switch (type) {
    case MEMP_TCP_PCB:
    case MEMP_TCP_PCB_LISTEN:
        tern__compat_tcp_memp_free(mem);
        return;
    case MEMP_UDP_PCB:
        tern__compat_udp_memp_free(mem);
        return;
    default:
        break;
    }
    if ((unsigned)type >= MEMP_MAX)
        return;
    memp_block *b = (memp_block *)(void *)((char *)mem - offsetof(memp_block, data));
    if (b->magic != BLOCK_MAGIC || b->type != type)
        return;
    b->magic = 0;
    free(b);
}
