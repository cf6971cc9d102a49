/* buf/pbuf_cache.h: giving the pbuf cache back when traffic stops.
 *
 * The free lists (pbuf_alloc.c) keep up to TERN_PBUF_CACHE_MAX_BYTES after
 * a burst so that the next one needs no malloc.  Left alone, that memory
 * would stay with an idle process for good.  A stack with pbufs cached
 * runs a decay timer (stack/timer.c): when a whole TERN_PBUF_DECAY_MS
 * passed without a packet in or out of the stack, the cache goes back to
 * the system (tern_pbuf_trim).  The packet counters are the stack's own,
 * so the hot paths pay nothing for it. */
#ifndef TERN_PBUF_CACHE_H
#define TERN_PBUF_CACHE_H

#include <stdint.h>

#define TERN_PBUF_DECAY_MS 1000u

/* Bytes on the free lists now (the calling thread's in the per-thread mode). */
uint64_t tern__pbuf_cached(void);

#endif
