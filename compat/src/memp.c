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
    struct tern_pool_slab *next;
    size_t count;
    /* slots follow, max_align_t aligned */
};

#define SLAB_HDR ((sizeof(tern_pool_slab) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))

static size_t slot_stride(const tern_pool *p)
{
    return (p->slot_size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
}

/* Slabs grow with the pool (an eighth of what it holds, 4 to 64 slots), so
 * a program with a few pcbs holds little and one with thousands pays one
 * allocator header per 64. */
static size_t next_slab_count(const tern_pool *p)
{
    size_t n = p->slots / 8;
    return n < 4 ? 4 : n > 64 ? 64 : n;
}

tern_pool_slot *tern__pool_get(tern_pool *p)
{
    tern_pool_slot *s;
    uint32_t gen = 0;
    size_t stride = slot_stride(p);
    if (p->slab_left) {
        /* Memory never used yet goes first: a freed slot waits longer. */
        tern_pool_slab *b = p->slabs;
        s = (tern_pool_slot *)(void *)((char *)b + SLAB_HDR + (b->count - p->slab_left) * stride);
        p->slab_left--;
    } else if (p->free_head) {
        s = p->free_head;
        p->free_head = s->next_free;
        if (!p->free_head)
            p->free_tail = NULL;
        gen = s->gen;
    } else {
        size_t n = next_slab_count(p);
        tern_pool_slab *b = malloc(SLAB_HDR + n * stride);
        if (!b)
            return NULL;
        b->next = p->slabs;
        b->count = n;
        p->slabs = b;
        p->slots += n;
        p->slab_left = n - 1;
        s = (tern_pool_slot *)(void *)((char *)b + SLAB_HDR);
    }
    memset(s, 0, p->slot_size);
    s->live = TERN_POOL_LIVE;
    s->gen = gen;
    p->in_use++;
    return s;
}

void tern__pool_put(tern_pool *p, tern_pool_slot *s)
{
    if (!s || s->live != TERN_POOL_LIVE)
        return;
    s->live = TERN_POOL_FREE;
    s->gen++;
    s->next_free = NULL;
    if (p->free_tail)
        p->free_tail->next_free = s;
    else
        p->free_head = s;
    p->free_tail = s;
    p->in_use--;
}

void tern__pool_reset(tern_pool *p)
{
    while (p->slabs) {
        tern_pool_slab *b = p->slabs;
        p->slabs = b->next;
        free(b);
    }
    p->slab_left = 0;
    p->free_head = p->free_tail = NULL;
    p->in_use = p->slots = 0;
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
