/* tern/checksum.h: the Internet checksum (RFC 1071), for programs and for
 * the lwIP layer's inet_chksum family.
 *
 * Partial sums are 64-bit accumulators of 16-bit big-endian words, as if the
 * data started at an even offset; add pieces in order, then finish. */
#ifndef TERN_CHECKSUM_H
#define TERN_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#include "tern/export.h"
#include "tern/pbuf.h"

typedef uint64_t tern_csum;

/* sum plus the partial sum of len bytes. */
TERN_API tern_csum tern_csum_add(tern_csum sum, const void *data, size_t len);
/* Copies len bytes and returns sum plus their partial sum (one pass). */
TERN_API tern_csum tern_csum_copy(tern_csum sum, void *dst, const void *src, size_t len);
/* sum plus the partial sum of len bytes of a pbuf chain from offset. */
TERN_API tern_csum tern_csum_pbuf(tern_csum sum, const tern_pbuf *p, uint16_t offset, uint16_t len);
/* Pseudo headers: RFC 768 / RFC 9293 3.1 (addresses in network order) and
 * RFC 8200 section 8.1. */
TERN_API tern_csum tern_csum_pseudo_v4(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint16_t len);
TERN_API tern_csum tern_csum_pseudo_v6(const void *src16, const void *dst16, uint8_t next_header, uint32_t len);
/* Folds to 16 bits and complements: the value for a header's checksum field,
 * in host order; 0 when the data already holds a correct checksum. */
TERN_API uint16_t tern_csum_finish(tern_csum sum);

#endif
