/* compat/src/pool.h: type-stable pools for the pcbs compat hands out.
 *
 * lwIP programs keep pcb pointers after the pcb is gone and call the API
 * with them (go-tun2socks shuts down a pcb its other thread has closed).
 * lwIP's pcbs come from static pools, so such a pointer still points at a
 * pcb-shaped object and the call finds a CLOSED pcb.  These pools give the
 * same guarantee: a slot's memory goes back to the allocator only when the
 * pool is torn down (lwip_init starting a new stack), so the pool holds at
 * most as many slots as were ever in use at once; a freed slot keeps its
 * header, which says it is free, and freed slots are reused oldest first,
 * so a stale pointer stays dead for as long as possible. */
#ifndef TERN_COMPAT_POOL_H
#define TERN_COMPAT_POOL_H

#include <stddef.h>
#include <stdint.h>

/* The first member of every pooled object. */
typedef struct tern_pool_slot {
    struct tern_pool_slot *next_free; /* free queue link (while free) */
    uint32_t live;                    /* TERN_POOL_LIVE while in use */
    uint32_t gen;                     /* times this slot was freed */
} tern_pool_slot;

#define TERN_POOL_LIVE 0x4c495645u /* "LIVE"; anything else: free */
#define TERN_POOL_FREE 0x46524545u /* "FREE" */

typedef struct tern_pool_slab tern_pool_slab;

typedef struct tern_pool {
    size_t slot_size;    /* bytes per slot, the tern_pool_slot included */
    tern_pool_slab *slabs;
    size_t slab_left;    /* never-used slots at the end of the newest slab */
    tern_pool_slot *free_head, *free_tail;
    size_t in_use, slots; /* slots handed out now; slots held */
} tern_pool;

#define TERN_POOL_INIT(type) {.slot_size = sizeof(type)}

/* A zeroed slot marked live, or NULL when memory runs out. */
tern_pool_slot *tern__pool_get(tern_pool *p);
/* Marks the slot free and queues it last for reuse; its contents stay. */
void tern__pool_put(tern_pool *p, tern_pool_slot *s);
/* Gives every slab back to the allocator: every slot is gone. */
void tern__pool_reset(tern_pool *p);

static inline int tern__pool_live(const tern_pool_slot *s) { return s->live == TERN_POOL_LIVE; }

/* Frees a TCP or UDP pcb for memp_free (tcp.c, udp.c). */
void tern__compat_tcp_memp_free(void *pcb);
void tern__compat_udp_memp_free(void *pcb);
void tern__compat_tcp_reset(void);
/* Whether a TCP pcb (connection or listening) was freed: for tests. */
int tern__compat_tcp_freed(const void *pcb);
/* Pcbs the refresh watch looked at so far (compat/src/tcp.c): for tests. */
extern unsigned long tern__compat_tcp_watch_visits;

#endif
