/* wire/checksum.c: the Internet checksum (RFC 1071).
 *
 * The inner loops add native-order 64-bit loads and convert to big-endian
 * word order once per call: one's complement addition commutes with byte
 * swapping (RFC 1071 section 2(B)), so the hot loop needs no swaps and
 * works the same on either byte order.  Each 64-bit word is added to a
 * 64-bit sum and its carry counted apart (an add and an add-with-carry
 * per 8 bytes on x86-64 and AArch64); as 2^64 == 1 modulo 0xffff, the
 * carries fold back in at the end.  About 0.45 instructions per byte. */
#include "wire/checksum.h"

#include <stdbool.h>
#include <string.h>

#include "wire/bytes.h"

/* Folded at compile time by any optimizing compiler. */
static inline bool host_is_le(void)
{
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 1;
}

/* One's complement 64-bit addition: the end-around carry keeps the value
 * congruent modulo 0xffff, since 2^64 == 1 (mod 0xffff). */
static inline uint64_t add_carry(uint64_t a, uint64_t b)
{
    uint64_t r = a + b;
    return r + (r < b);
}



/* Folds to 16 bits, preserving the value modulo 0xffff; only a zero sum
 * folds to 0 (a nonzero multiple of 0xffff folds to 0xffff). */
static inline uint16_t fold(uint64_t s) { return tern__csum_fold(s); }

static inline uint16_t swap16(uint16_t v)
{
    return (uint16_t)((v >> 8) | (v << 8));
}

/* Turns a native-order accumulator into a big-endian-word partial sum and
 * adds it to `sum`. */
static inline tern_csum merge_native(tern_csum sum, uint64_t acc)
{
    uint16_t s = fold(acc);
    if (host_is_le())
        s = swap16(s);
    return add_carry(sum, s);
}

/* The zero-padded load of the last 1..7 bytes: the pad lands where a
 * trailing odd byte needs its zero partner (RFC 1071 pads on the right). */
static inline uint64_t load_tail(const uint8_t *p, size_t n)
{
    uint64_t w = 0;
    memcpy(&w, p, n);
    return w;
}

tern_csum tern__csum_add(tern_csum sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    /* Two sums with their carry counts: independent chains that overlap. */
    uint64_t s0 = 0, s1 = 0, c0 = 0, c1 = 0;
#if defined(__x86_64__)
    /* x86-64: an add-with-carry chain over 64 bytes at a time, its last
     * carry added back at once (end-around: 2^64 == 1 modulo 0xffff);
     * that add cannot carry again, since a chain that starts with a plain
     * add leaves at most 2^64 - 2 beside a carry.  About 0.2 instructions
     * per byte where the portable loop below takes 0.45.  (Compilers turn
     * _addcarry_u64 into a store and reload of the sum per word, so the
     * chain is written out.) */
    while (len >= 64) {
        __asm__("addq 0(%[p]), %[s]\n\t"
                "adcq 8(%[p]), %[s]\n\t"
                "adcq 16(%[p]), %[s]\n\t"
                "adcq 24(%[p]), %[s]\n\t"
                "adcq 32(%[p]), %[s]\n\t"
                "adcq 40(%[p]), %[s]\n\t"
                "adcq 48(%[p]), %[s]\n\t"
                "adcq 56(%[p]), %[s]\n\t"
                "adcq $0, %[s]"
                : [s] "+r"(s0)
                : [p] "r"(p), "m"(*(const uint8_t(*)[64])p)
                : "cc");
        p += 64;
        len -= 64;
    }
#endif
    while (len >= 32) {
        uint64_t w0, w1, w2, w3;
        memcpy(&w0, p, 8);
        memcpy(&w1, p + 8, 8);
        memcpy(&w2, p + 16, 8);
        memcpy(&w3, p + 24, 8);
        s0 += w0;
        c0 += s0 < w0;
        s1 += w1;
        c1 += s1 < w1;
        s0 += w2;
        c0 += s0 < w2;
        s1 += w3;
        c1 += s1 < w3;
        p += 32;
        len -= 32;
    }
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        s0 += w;
        c0 += s0 < w;
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = load_tail(p, len);
        s1 += w;
        c1 += s1 < w;
    }
    return merge_native(sum, add_carry(add_carry(s0, s1), c0 + c1));
}

tern_csum tern__csum_header(tern_csum sum, const uint8_t *h, size_t len)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint32_t a, b;
        memcpy(&a, h + i, 4);
        memcpy(&b, h + i + 4, 4);
        acc += (uint64_t)a + b;
    }
    if (i < len) {
        uint32_t a;
        memcpy(&a, h + i, 4);
        acc += a;
    }
    return merge_native(sum, acc);
}

tern_csum tern__csum_shift(tern_csum sum)
{
    /* Moving data by one byte swaps the bytes of every word it forms,
     * and a byte swap of the folded sum equals the sum of the swaps. */
    return swap16(fold(sum));
}


/* The pseudo headers are summed as native 32-bit words, like the data. */
tern_csum tern__csum_pseudo_v4(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint16_t len)
{
    uint8_t tail[4] = {0, proto, (uint8_t)(len >> 8), (uint8_t)len};
    uint32_t t;
    memcpy(&t, tail, 4);
    return merge_native(0, (uint64_t)src_be + dst_be + t);
}

tern_csum tern__csum_pseudo_v6(const void *src16, const void *dst16, uint8_t next_header, uint32_t len)
{
    /* RFC 8200 section 8.1: addresses, 32-bit length, 3 zero bytes, next header. */
    uint32_t a[4], b[4], l, n;
    uint8_t lb[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
    uint8_t nb[4] = {0, 0, 0, next_header};
    memcpy(a, src16, 16);
    memcpy(b, dst16, 16);
    memcpy(&l, lb, 4);
    memcpy(&n, nb, 4);
    uint64_t acc = (uint64_t)a[0] + a[1] + a[2] + a[3] + b[0] + b[1] + b[2] + b[3] + l + n;
    return merge_native(0, acc);
}

/* Bytes past the end of the chain are not there to sum: the walk stops at
 * the last segment, so a short chain sums what it holds. */
tern_csum tern__csum_pbuf(tern_csum sum, const tern_pbuf *p, uint16_t offset, uint16_t len)
{
    bool odd = false; /* does the next piece start at an odd offset of the whole? */
    for (; p != NULL && len > 0; p = p->next) {
        if (offset >= p->len) {
            offset = (uint16_t)(offset - p->len);
            continue;
        }
        uint16_t n = (uint16_t)(p->len - offset);
        if (n > len)
            n = len;
        tern_csum part = tern__csum_add(0, (const uint8_t *)p->payload + offset, n);
        sum = add_carry(sum, odd ? tern__csum_shift(part) : part);
        odd ^= (n & 1u) != 0;
        len = (uint16_t)(len - n);
        offset = 0;
    }
    return sum;
}

/* dst and src must not overlap (as for memcpy).  The copy is libc's
 * (vector moves) and the sum then reads the destination while it is still
 * in the L1 cache: cheaper than summing inside the copy loop, where
 * compilers split the work between vector and integer registers. */
tern_csum tern__csum_copy(tern_csum sum, void *dst, const void *src, size_t len)
{
    memcpy(dst, src, len);
    return tern__csum_add(sum, dst, len);
}
