/* wire/checksum.h: the Internet checksum (RFC 1071), incremental and folded
 * into copies, so the data path touches each byte once. */
#ifndef TERN_WIRE_CHECKSUM_H
#define TERN_WIRE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "tern/checksum.h" /* tern_csum */
#include "tern/pbuf.h"

/* Partial sums (tern_csum) are 64-bit accumulators of 16-bit big-endian
 * words, as if the data started at an even offset.  Combine partial sums of
 * pieces that start at odd offsets with tern__csum_shift. */

tern_csum tern__csum_add(tern_csum sum, const void *data, size_t len);
/* The partial sum of a header whose length is a multiple of 4, at most 60
 * bytes (IPv4's and TCP's, options included): 32-bit loads into one
 * accumulator that 15 of them cannot overflow, none of tern__csum_add's
 * carry counting or tail handling. */
tern_csum tern__csum_header(tern_csum sum, const uint8_t *h, size_t len);
/* A partial sum of data that will sit at an odd offset of the whole. */
tern_csum tern__csum_shift(tern_csum sum);
/* Folds to 16 bits, preserving the value modulo 0xffff (inline: every
 * packet ends with it). */
static inline uint16_t tern__csum_fold(uint64_t s)
{
    s = (s & 0xffffffffu) + (s >> 32);
    s = (s & 0xffffu) + (s >> 16);
    s = (s & 0xffffu) + (s >> 16);
    s = (s & 0xffffu) + (s >> 16);
    return (uint16_t)s;
}
/* Folds to 16 bits and complements: the value to store in a header, in host
 * order (store with tern_wr16).  A result of 0 means "the sum verifies" when
 * the data already contains its checksum field. */
static inline uint16_t tern__csum_finish(tern_csum sum) { return (uint16_t)~tern__csum_fold(sum); }
tern_csum tern__csum_pseudo_v4(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint16_t len);
tern_csum tern__csum_pseudo_v6(const void *src16, const void *dst16, uint8_t next_header, uint32_t len);
/* Sums `len` bytes of a pbuf chain from `offset`; chain segments of odd
 * length are handled. */
tern_csum tern__csum_pbuf(tern_csum sum, const tern_pbuf *p, uint16_t offset, uint16_t len);
/* Copies len bytes and returns sum plus their partial sum (one pass). */
tern_csum tern__csum_copy(tern_csum sum, void *dst, const void *src, size_t len);

#endif
