/* tern/pbuf.h: packet buffers.
 *
 * A tern_pbuf is a chain of segments, each with a payload pointer and length;
 * the first segment carries the length of the whole chain (tot_len).  The
 * layout is exactly lwIP 2.1's struct pbuf, so lwIP programs handle tern's
 * buffers directly and no packet is ever converted between the two.
 *
 * Semantics follow lwIP's documented pbuf contract (reference counts, chains,
 * headroom for headers); the core speaks of headroom in bytes instead of
 * lwIP's layer names.  Where lwIP asserts on API misuse (NULL arguments,
 * offsets past the end, freeing a pbuf whose ref is 0), these functions return
 * an error, NULL or 0 and change nothing.
 *
 * Threading: like lwIP's memory pools, the allocator is process-global and
 * unlocked; all pbuf calls must come from one thread at a time.
 *
 * Caching: freed blocks are kept on free lists (at most
 * TERN_PBUF_CACHE_MAX_BYTES) so the steady state never calls malloc; a stack
 * that saw no packet for a second gives them back (its decay timer, armed
 * while blocks are cached, so an idle process keeps none).  Building
 * with -DTERN_PBUF_NO_CACHE, or running with the environment variable
 * TERN_PBUF_NO_CACHE set, returns every block to the system at once (for
 * valgrind and leak checks). */
#ifndef TERN_PBUF_H
#define TERN_PBUF_H

#include <stddef.h>
#include <stdint.h>
#include "tern/err.h"
#include "tern/export.h"

/* Allocation types: the same values as lwIP's pbuf_type. */
#define TERN_PBUF_RAM 0x0280u  /* header and data in one heap block */
#define TERN_PBUF_ROM 0x0001u  /* data is constant memory owned by the caller */
#define TERN_PBUF_REF 0x0041u  /* data is volatile memory owned by the caller */
#define TERN_PBUF_POOL 0x0182u /* chain of fixed-size pool buffers (receive path) */

/* type_internal bits (lwIP's PBUF_TYPE_* flags). */
#define TERN_PBUF_TYPE_FLAG_STRUCT_DATA_CONTIGUOUS 0x80u
#define TERN_PBUF_TYPE_FLAG_DATA_VOLATILE 0x40u
#define TERN_PBUF_TYPE_ALLOC_SRC_MASK 0x0Fu

/* flags (lwIP's PBUF_FLAG_*). */
#define TERN_PBUF_FLAG_PUSH 0x01u
#define TERN_PBUF_FLAG_IS_CUSTOM 0x02u
#define TERN_PBUF_FLAG_MCASTLOOP 0x04u
#define TERN_PBUF_FLAG_LLBCAST 0x08u
#define TERN_PBUF_FLAG_LLMCAST 0x10u
#define TERN_PBUF_FLAG_TCP_FIN 0x20u

/* Payload size of one pool buffer: a full 1500-byte packet plus the
 * largest headroom the stack asks for, rounded up. */
#define TERN_PBUF_POOL_BUFSIZE 1600u

/* Payloads the allocator places are aligned to this (lwIP's MEM_ALIGNMENT);
 * headroom is rounded up to it, as lwIP rounds the layer offset. */
#define TERN_PBUF_ALIGNMENT 8u

/* Bytes the allocator's free lists may hold; beyond it freed blocks go back
 * to the system, so memory returns after a burst. */
#define TERN_PBUF_CACHE_MAX_BYTES (4u * 1024u * 1024u)

typedef struct tern_pbuf {
    struct tern_pbuf *next;
    void *payload;
    uint16_t tot_len;
    uint16_t len;
    uint8_t type_internal;
    uint8_t flags;
    uint8_t ref;
    uint8_t if_idx;
} tern_pbuf;

typedef void (*tern_pbuf_free_fn)(tern_pbuf *p);

/* lwIP's struct pbuf_custom. */
typedef struct tern_pbuf_custom {
    tern_pbuf pbuf;
    tern_pbuf_free_fn custom_free_function;
} tern_pbuf_custom;

/* Allocates a pbuf of `length` payload bytes with `headroom` bytes reserved in
 * front of the payload (ignored for ROM and REF).  NULL when out of memory or
 * when headroom + length does not fit the type. */
TERN_API tern_pbuf *tern_pbuf_alloc(uint16_t headroom, uint16_t length, unsigned type);
TERN_API tern_pbuf *tern_pbuf_alloc_reference(void *payload, uint16_t length, unsigned type);
TERN_API tern_pbuf *tern_pbuf_alloced_custom(uint16_t headroom, uint16_t length, unsigned type,
                                    tern_pbuf_custom *p, void *payload_mem, uint16_t payload_mem_len);
/* Drops one reference from each segment of the chain until one survives;
 * returns the number of segments freed.  A segment whose ref is already 0
 * (freed, or never allocated) stops the walk untouched. */
TERN_API uint8_t tern_pbuf_free(tern_pbuf *p);
/* The u8 count saturates at 255 instead of wrapping to 0 (lwIP asserts). */
TERN_API void tern_pbuf_ref(tern_pbuf *p);
TERN_API uint16_t tern_pbuf_clen(const tern_pbuf *p);
TERN_API void tern_pbuf_cat(tern_pbuf *head, tern_pbuf *tail);
TERN_API void tern_pbuf_chain(tern_pbuf *head, tern_pbuf *tail);
TERN_API tern_pbuf *tern_pbuf_dechain(tern_pbuf *p);
TERN_API void tern_pbuf_realloc(tern_pbuf *p, uint16_t size);
/* 0 on success, nonzero (and p unchanged) on failure. */
TERN_API int tern_pbuf_add_header(tern_pbuf *p, size_t n);
TERN_API int tern_pbuf_add_header_force(tern_pbuf *p, size_t n);
TERN_API int tern_pbuf_remove_header(tern_pbuf *p, size_t n);
TERN_API int tern_pbuf_header(tern_pbuf *p, int16_t delta);
TERN_API int tern_pbuf_header_force(tern_pbuf *p, int16_t delta);
TERN_API tern_pbuf *tern_pbuf_free_header(tern_pbuf *q, uint16_t size);
/* Copy functions return TERN_OK, or on a size or argument error
 * TERN_ERR_ARG, TERN_ERR_VAL or TERN_ERR_MEM (tern/err.h). */
TERN_API tern_err tern_pbuf_copy(tern_pbuf *to, const tern_pbuf *from);
/* Copies copy_len bytes of `from` into `to` starting at `offset` of `to`. */
TERN_API tern_err tern_pbuf_copy_partial_pbuf(tern_pbuf *to, const tern_pbuf *from, uint16_t copy_len, uint16_t offset);
TERN_API uint16_t tern_pbuf_copy_partial(const tern_pbuf *p, void *dst, uint16_t len, uint16_t offset);
TERN_API void *tern_pbuf_get_contiguous(const tern_pbuf *p, void *buffer, size_t bufsize, uint16_t len, uint16_t offset);
TERN_API tern_err tern_pbuf_take(tern_pbuf *p, const void *src, uint16_t len);
TERN_API tern_err tern_pbuf_take_at(tern_pbuf *p, const void *src, uint16_t len, uint16_t offset);
TERN_API uint8_t tern_pbuf_get_at(const tern_pbuf *p, uint16_t offset);
TERN_API int tern_pbuf_try_get_at(const tern_pbuf *p, uint16_t offset); /* -1 past the end */
TERN_API void tern_pbuf_put_at(tern_pbuf *p, uint16_t offset, uint8_t data);
TERN_API tern_pbuf *tern_pbuf_skip(tern_pbuf *in, uint16_t in_offset, uint16_t *out_offset);
/* Returns p itself when it is one segment, else a new single-segment copy
 * (freeing p), or p unchanged when memory is short. */
TERN_API tern_pbuf *tern_pbuf_coalesce(tern_pbuf *p, uint16_t headroom);
TERN_API tern_pbuf *tern_pbuf_clone(uint16_t headroom, unsigned type, tern_pbuf *p);
TERN_API uint16_t tern_pbuf_memcmp(const tern_pbuf *p, uint16_t offset, const void *s2, uint16_t n);
TERN_API uint16_t tern_pbuf_memfind(const tern_pbuf *p, const void *mem, uint16_t mem_len, uint16_t start_offset);
TERN_API uint16_t tern_pbuf_strstr(const tern_pbuf *p, const char *substr);
/* Cuts a chain whose tot_len wrapped past 64K (pbuf_cat does not check) after
 * its longest prefix that fits in 16 bits; the remainder goes to *rest (NULL
 * when nothing was cut).  Used for TCP's out-of-sequence queue. */
TERN_API void tern_pbuf_split_64k(tern_pbuf *p, tern_pbuf **rest);

/* Allocator accounting, for tests and the bounded-memory guarantees.  Custom
 * pbufs are the application's memory and are not counted. */
typedef struct tern_pbuf_stats {
    uint64_t live_pbufs;     /* pbuf structs allocated and not yet freed */
    uint64_t live_bytes;     /* bytes held by live pbufs (headers and data) */
    uint64_t cached_bytes;   /* bytes kept on free lists for reuse */
    uint64_t alloc_failures; /* allocations refused for lack of memory (cap or system) */
} tern_pbuf_stats;

/* Stats, cap and cache are the process's (calls one at a time, from any
 * thread), or, after tern_pbuf_set_per_thread(1), the calling thread's (one
 * stack per thread, tern/stack.h: a pbuf is then counted and cached by the
 * thread that frees it, so pbufs must stay with their thread).  Switch
 * before the first pbuf is allocated: returns 0, or -1 (nothing changed)
 * when pbufs are live. */
TERN_API int tern_pbuf_set_per_thread(int on);
TERN_API void tern_pbuf_get_stats(tern_pbuf_stats *out);
/* Caps the bytes live pbufs may hold in total (0: no cap).  Allocations past
 * the cap fail cleanly, so floods cannot grow memory without bound. */
TERN_API void tern_pbuf_set_limit(uint64_t max_live_bytes);
/* Releases the free lists back to the system (the calling thread's in the
 * per-thread mode: a thread that ran a stack calls it before it ends). */
TERN_API void tern_pbuf_trim(void);

#endif
