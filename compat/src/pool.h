/* compat/src/pool.h: type-stable pools for the pcbs compat hands out.
 *
 * lwIP programs keep pcb pointers after the pcb is gone and call the API
 * with them (go-tun2socks shuts down a pcb its other thread has closed).
 * lwIP's pcbs come from static pools, so such a pointer still points at a
 * pcb-shaped object and the call finds a CLOSED pcb.  These pools give that
 * guarantee within a bounded cache:
 *
 * - Slots live in slabs of 4 to 64.  A freed slot keeps its header, which
 *   says it is free, and freed slots are reused oldest first (queued by
 *   links in the slot's body, where its owner keeps what nobody reads
 *   once the slot is free: the header is 8 bytes).
 * - A slab whose every slot is free goes back to the allocator, unless the
 *   pool would then hold fewer than TERN_POOL_CACHE_SLOTS slots.  With no
 *   pcb in use a pool holds fewer than TERN_POOL_CACHE_SLOTS + 64 slots.
 * - Every slab is in a registry sorted by address
 *   (tern__pool_owns_live): a pointer is looked up there before anything
 *   is read through it, so a pointer into a slab given back is recognised
 *   as dead without touching freed memory.
 *
 * So a stale pointer is safe (reads as a freed pcb, the call answers as
 * lwIP does for a CLOSED pcb) while its slot is neither reused nor given
 * back, and still safe, though no longer readable by the program itself,
 * once its slab is given back.  It names a new pcb when its slot was
 * reused, or when a later slab of the same pool landed at the same address
 * and put a slot where it points (as in lwIP, where a reused pool element
 * is the new pcb).  A program that reads a freed pcb's fields itself (not
 * through the API) reads valid memory only while the slab is held. */
#ifndef TERN_COMPAT_POOL_H
#define TERN_COMPAT_POOL_H

#include <stddef.h>
#include <stdint.h>

/* The first member of every pooled object. */
typedef struct tern_pool_slot {
    uint32_t live;  /* TERN_POOL_LIVE while in use */
    uint16_t gen;   /* times this slot was freed (modulo 2^16) */
    uint16_t index; /* the slot's place in its slab: the slab without a search */
} tern_pool_slot;

/* A free slot's links in the free queue, at tern_pool.links_at in its
 * body. */
typedef struct tern_pool_links {
    tern_pool_slot *next, *prev;
} tern_pool_links;

#define TERN_POOL_LIVE 0x4c495645u /* "LIVE"; anything else: free */
#define TERN_POOL_FREE 0x46524545u /* "FREE" */
/* "HELD": handed out, its owner uses it, but it is no live object to a
 * pointer the program kept (tern__pool_owns_live says no): compat's slot
 * holding a socket whose pcb is not the program's (not made yet, or
 * freed before the socket).  The owner sets it; tern__pool_put_live takes
 * such a slot back like a live one. */
#define TERN_POOL_HELD 0x48454c44u

/* Slots a pool keeps before it gives entirely free slabs back. */
#define TERN_POOL_CACHE_SLOTS 64u

typedef struct tern_pool_slab tern_pool_slab;

typedef struct tern_pool {
    size_t slot_size;        /* bytes per slot, the tern_pool_slot included */
    size_t links_at;         /* where a free slot keeps its tern_pool_links (bytes from its start) */
    uint64_t stride_magic;   /* 2^64 / the slot stride, rounded up (memp.c find) */
    tern_pool_slab **reg;    /* every slab, sorted by address */
    size_t nslabs, reg_cap;
    tern_pool_slab *bump;    /* the newest slab while it has never-used slots */
    tern_pool_slab *hit;     /* the slab found last (lookups cluster) */
    const tern_pool_slot *seen; /* the slot found last; NULL once its slab may be gone */
    tern_pool_slot *free_head, *free_tail;
    size_t in_use, slots;    /* slots handed out now; slots held */
    size_t free_slots;       /* slots in the free queue */
    size_t slabs_released;   /* slabs given back so far (tests) */
} tern_pool;

/* A pool of type, whose member links (a tern_pool_links, or memory as
 * large that is dead while the slot is free) holds a free slot's links. */
#define TERN_POOL_INIT(type, links) {.slot_size = sizeof(type), .links_at = offsetof(type, links)}

/* A zeroed slot marked live, or NULL when memory runs out. */
tern_pool_slot *tern__pool_get(tern_pool *p);
/* Marks the slot free and queues it last for reuse; its contents stay.
 * s may be any pointer: only a live slot of a held slab is freed. */
void tern__pool_put(tern_pool *p, tern_pool_slot *s);
/* The same for a slot the caller knows is live (its own pcb, checked
 * before): no search for the slab. */
void tern__pool_put_live(tern_pool *p, tern_pool_slot *s);
/* Gives every slab back to the allocator: every slot is gone. */
void tern__pool_reset(tern_pool *p);

/* Whether s is a live slot of p; reads s only when it lies at a slot of a
 * slab p holds, so any stale pointer may be asked about. */
int tern__pool_find_live(tern_pool *p, const tern_pool_slot *s);
static inline int tern__pool_owns_live(tern_pool *p, const tern_pool_slot *s)
{
    /* The slot looked up last (a program calls the API on one pcb many
     * times in a row) lies in a slab still held: read it directly. */
    if (s && s == p->seen)
        return s->live == TERN_POOL_LIVE;
    return tern__pool_find_live(p, s);
}

/* Frees a TCP or UDP pcb for memp_free (tcp.c, udp.c). */
void tern__compat_tcp_memp_free(void *pcb);
void tern__compat_udp_memp_free(void *pcb);
void tern__compat_tcp_reset(void);
/* Makes s's TCP sockets in the pcb pool (a new stack, before any socket):
 * 0 when there was no memory for it. */
struct tern_stack;
int tern__compat_tcp_attach(struct tern_stack *s);
/* Whether a TCP pcb (connection or listening) was freed: for tests. */
int tern__compat_tcp_freed(const void *pcb);
/* Pcbs the refresh watch looked at so far (compat/src/tcp.c): for tests. */
extern _Thread_local unsigned long tern__compat_tcp_watch_visits;

#endif
