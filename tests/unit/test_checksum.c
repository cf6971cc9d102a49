/* tests/unit/test_checksum.c: the Internet checksum against a naive
 * RFC 1071 reference, on random data, random alignments and random pbuf
 * chains, and against checksums of packets captured from Linux. */
#include <CUnit/Basic.h>

#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "unit_suite.h"

/* ---- helpers ---- */


static size_t rnd_below(uint64_t *s, size_t n)
{
    return n ? (size_t)(test_rng(s) % n) : 0;
}

static void rnd_fill(uint64_t *s, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)test_rng(s);
}

/* The RFC 1071 definition, one big-endian word at a time, odd byte padded
 * with a zero on the right.  Returns the folded, uncomplemented sum. */
static uint16_t ref_sum(const uint8_t *p, size_t len)
{
    uint64_t s = 0;
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        s += (uint64_t)((p[i] << 8) | p[i + 1]);
    if (len & 1)
        s += (uint64_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

static uint16_t ref_csum(const uint8_t *p, size_t len)
{
    return (uint16_t)~ref_sum(p, len);
}



/* ---- packets captured on Linux 6.18 loopback ----
 * TCP and UDP on loopback carry CHECKSUM_PARTIAL: the field holds the
 * folded pseudo-header sum, not the final checksum.  The full checksums
 * below were computed independently (Python, RFC 1071). */

/* IPv4 SYN 127.0.0.1:49960 -> 127.0.0.1:5555, MSS/SACK_PERM/TS/WS. */
static const char syn4_hex[] =
    "4500003c409440004006fc257f0000017f000001c32815b3984c792800000000"
    "a002ffd7fe3000000204ffd70402080a2cd03a85000000000103030a";
/* The kernel's RST|ACK answer: a full, valid checksum. */
static const char rst4_hex[] =
    "450000280000400040063cce7f0000017f00000115b3c32800000000984c7929"
    "50140000c77c0000";
/* UDP "tern!" 127.0.0.1:39442 -> 127.0.0.1:7777. */
static const char udp4_hex[] =
    "45000021aaae40004011921b7f0000017f0000019a121e61000dfe207465726e21";
/* ICMP port unreachable quoting the UDP datagram: full checksum. */
static const char icmp4_hex[] =
    "45c0003da2cb00004001d9327f0000017f00000103033e870000000045000021"
    "aaae40004011921b7f0000017f0000019a121e61000dfe207465726e21";
/* IPv6 SYN [::1]:56352 -> [::1]:5556. */
static const char syn6_hex[] =
    "60010c1a002806400000000000000000000000000000000100000000000000000000000000000001"
    "dc2015b4856c929400000000a002ffc4003000000204ffc40402080a37f7a185000000000103030a";
/* UDP "tern!" over IPv6. */
static const char udp6_hex[] =
    "60066418000d1140000000000000000000000000000000010000000000000000000000000000000190d21e61000d00207465726e21";
/* ICMPv6 port unreachable quoting it: full checksum. */
static const char icmp6_hex[] =
    "6009ddd5003d3a400000000000000000000000000000000100000000000000000000000000000001"
    "010471e00000000060066418000d1140000000000000000000000000000000010000000000000000"
    "000000000000000190d21e61000d00207465726e21";

/* ---- tests ---- */

static void test_rfc1071_example(void)
{
    /* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2. */
    static const uint8_t d[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    uint8_t *p = test_exact(d, sizeof d);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p, 8)), 0x220d);
    /* Any split at an even offset combines by plain addition. */
    tern_csum s = tern__csum_add(tern__csum_add(0, p, 2), p + 2, 6);
    CU_ASSERT_EQUAL(tern__csum_finish(s), 0x220d);
    /* Odd length: the last byte is the high byte of a zero-padded word. */
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p, 7)), (uint16_t)~ref_sum(d, 7));
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p + 7, 1)), (uint16_t)~0xf700);
    free(p);
}

static void test_empty_and_zero(void)
{
    CU_ASSERT_EQUAL(tern__csum_add(0, NULL, 0), 0);
    CU_ASSERT_EQUAL(tern__csum_add(12345, NULL, 0), 12345);
    CU_ASSERT_EQUAL(tern__csum_finish(0), 0xffff);
    uint8_t z[64] = {0};
    for (size_t n = 0; n <= sizeof z; n++)
        CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, z, n)), 0xffff);
    /* A nonzero sum congruent to 0 folds to 0xffff (negative zero). */
    static const uint8_t ff[2] = {0xff, 0xff};
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, ff, 2)), 0x0000);
}

static void test_random_vs_reference(void)
{
    uint64_t s = 0x9e3779b97f4a7c15ull;
    uint8_t *src = malloc(3000 + 8);
    CU_ASSERT_FATAL(src != NULL);
    int bad = 0;
    for (int iter = 0; iter < 4000; iter++) {
        size_t len = rnd_below(&s, 3001);
        size_t align = rnd_below(&s, 8);
        rnd_fill(&s, src + align, len);
        uint8_t *p = test_exact(src + align, len);
        if (tern__csum_finish(tern__csum_add(0, p, len)) != ref_csum(src + align, len))
            bad++;
        /* Also unaligned within the same exact block. */
        if (len > 1 && tern__csum_finish(tern__csum_add(0, p + 1, len - 1)) != ref_csum(src + align + 1, len - 1))
            bad++;
        free(p);
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(src);
}

/* Headers (4 to 60 bytes, whole words) summed by tern__csum_header equal
 * the general sum, from any starting accumulator, all-ones included. */
static void test_header_sum(void)
{
    uint64_t s = 0x2545f4914f6cdd1dull;
    uint8_t h[60];
    int bad = 0;
    for (int iter = 0; iter < 4000; iter++) {
        size_t len = 4 * (1 + rnd_below(&s, 15));
        if (iter % 7 == 0)
            memset(h, 0xff, sizeof(h));
        else
            rnd_fill(&s, h, len);
        tern_csum start = iter % 3 == 0 ? 0 : (iter % 3 == 1 ? UINT64_MAX - rnd_below(&s, 1000) : rnd_below(&s, 1u << 20));
        if (tern__csum_finish(tern__csum_header(start, h, len)) != tern__csum_finish(tern__csum_add(start, h, len)))
            bad++;
        if (start == 0 && tern__csum_finish(tern__csum_header(0, h, len)) != ref_csum(h, len))
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_carry_stress(void)
{
    /* All-ones data maximizes carries in every accumulator stage. */
    size_t big = 65535;
    uint8_t *p = malloc(big);
    CU_ASSERT_FATAL(p != NULL);
    memset(p, 0xff, big);
    for (size_t n = 0; n < 200; n++)
        CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p, n)), ref_csum(p, n));
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p, big)), ref_csum(p, big));
    memset(p, 0x80, big);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p, big)), ref_csum(p, big));
    /* A large incoming accumulator keeps its end-around carry:
     * UINT64_MAX - 3 is congruent to 0xfffc modulo 0xffff. */
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(UINT64_MAX - 3, p, 64)),
                    tern__csum_finish(tern__csum_add(0xfffc, p, 64)));
    free(p);
}

/* Sums random pieces separately and combines them, shifting each piece
 * that starts at an odd offset: must equal the sum of the whole. */
static void test_split_and_shift(void)
{
    uint64_t s = 42;
    uint8_t buf[3000];
    int bad = 0;
    for (int iter = 0; iter < 2000; iter++) {
        size_t len = rnd_below(&s, sizeof buf + 1);
        rnd_fill(&s, buf, len);
        tern_csum sum = 0;
        size_t off = 0;
        while (off < len) {
            size_t n = 1 + rnd_below(&s, test_rng(&s) & 1 ? 9 : 300);
            if (n > len - off)
                n = len - off;
            tern_csum part = tern__csum_add(0, buf + off, n);
            sum += (off & 1) ? tern__csum_shift(part) : part;
            off += n;
        }
        if (tern__csum_finish(sum) != ref_csum(buf, len))
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_shift_properties(void)
{
    /* Shifting twice is the identity on folded sums. */
    uint64_t s = 7;
    for (int i = 0; i < 1000; i++) {
        tern_csum x = test_rng(&s) >> (test_rng(&s) & 63);
        CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_shift(tern__csum_shift(x))), tern__csum_finish(x));
    }
    CU_ASSERT_EQUAL(tern__csum_shift(0x1234), 0x3412);
    /* A single byte at an odd offset is the low byte of its word. */
    static const uint8_t d[2] = {0x00, 0xab};
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_shift(tern__csum_add(0, d + 1, 1))), ref_csum(d, 2));
}

/* Builds a chain over the bytes of `data`, segment lengths from `seg`,
 * each payload in its own exact-size block. */
static tern_pbuf *chain_new(const uint8_t *data, const uint16_t *seg, size_t nseg)
{
    tern_pbuf *head = NULL, **link = &head;
    size_t off = 0, total = 0;
    for (size_t i = 0; i < nseg; i++)
        total += seg[i];
    for (size_t i = 0; i < nseg; i++) {
        tern_pbuf *q = calloc(1, sizeof *q);
        CU_ASSERT_FATAL(q != NULL);
        q->payload = test_exact(data + off, seg[i]);
        q->len = seg[i];
        q->tot_len = (uint16_t)(total - off);
        off += seg[i];
        *link = q;
        link = &q->next;
    }
    return head;
}

static void chain_free(tern_pbuf *p)
{
    while (p) {
        tern_pbuf *n = p->next;
        free(p->payload);
        free(p);
        p = n;
    }
}

static void test_pbuf_chain_random(void)
{
    uint64_t s = 0xfeedull;
    uint8_t data[3000];
    uint16_t seg[64];
    int bad = 0;
    for (int iter = 0; iter < 1500; iter++) {
        size_t total = rnd_below(&s, sizeof data + 1);
        rnd_fill(&s, data, total);
        size_t nseg = 0, acc = 0;
        while (acc < total && nseg < 63) {
            /* Mostly short odd/even segments, sometimes empty or long. */
            size_t n = rnd_below(&s, (test_rng(&s) & 3) ? 17 : 700);
            if (n > total - acc)
                n = total - acc;
            seg[nseg++] = (uint16_t)n;
            acc += n;
        }
        if (acc < total)
            seg[nseg++] = (uint16_t)(total - acc);
        tern_pbuf *p = chain_new(data, seg, nseg);
        size_t off = rnd_below(&s, total + 1);
        size_t len = rnd_below(&s, total - off + 1);
        uint16_t got = tern__csum_finish(tern__csum_pbuf(0, p, (uint16_t)off, (uint16_t)len));
        if (got != ref_csum(data + off, len))
            bad++;
        /* The whole chain, and a length running past its end. */
        if (tern__csum_finish(tern__csum_pbuf(0, p, 0, (uint16_t)total)) != ref_csum(data, total))
            bad++;
        if (tern__csum_finish(tern__csum_pbuf(0, p, (uint16_t)off, 0xffff)) != ref_csum(data + off, total - off))
            bad++;
        chain_free(p);
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(tern__csum_pbuf(99, NULL, 0, 100), 99);
}

static void test_pbuf_known_packet(void)
{
    /* The captured UDP/IPv4 datagram split 3 + 1 + 0 + 5 + rest after the
     * IP header: odd pieces, an empty one, the checksum field straddling. */
    size_t n;
    uint8_t *pkt = test_unhex(udp4_hex, &n);
    static const uint16_t seg[] = {20, 3, 1, 0, 5, 4};
    uint32_t src = tern_rdbe32(pkt + 12), dst = tern_rdbe32(pkt + 16);
    uint8_t *udp = pkt + 20;
    tern_wr16(udp + 6, 0x418a); /* the full checksum, in place of the partial one */
    tern_pbuf *p = chain_new(pkt, seg, sizeof seg / sizeof seg[0]);
    tern_csum sum = tern__csum_pseudo_v4(src, dst, 17, 13);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_pbuf(sum, p, 20, 13)), 0);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(sum, udp, 13)), 0);
    chain_free(p);
    free(pkt);
}

static void test_copy(void)
{
    uint64_t s = 99;
    uint8_t src[1100] = {0}, dst[1100 + 16]; /* src zeroed: the accumulate check below sums its first bytes */
    int bad = 0;
    for (int iter = 0; iter < 1500; iter++) {
        size_t len = rnd_below(&s, 1025);
        size_t sa = rnd_below(&s, 8), da = rnd_below(&s, 8);
        rnd_fill(&s, src + sa, len);
        memset(dst, 0xa5, sizeof dst);
        uint8_t *in = test_exact(src + sa, len);
        tern_csum sum = tern__csum_copy(0, dst + da, in, len);
        if (memcmp(dst + da, src + sa, len) != 0)
            bad++;
        /* No byte outside [da, da+len) is written. */
        for (size_t i = 0; i < da; i++)
            bad += dst[i] != 0xa5;
        for (size_t i = da + len; i < sizeof dst; i++)
            bad += dst[i] != 0xa5;
        if (tern__csum_finish(sum) != ref_csum(src + sa, len))
            bad++;
        /* It accumulates onto an incoming sum like tern__csum_add. */
        if (tern__csum_finish(tern__csum_copy(tern__csum_add(0, src, 6), dst, in, len)) !=
            tern__csum_finish(tern__csum_add(tern__csum_add(0, src, 6), in, len)))
            bad++;
        free(in);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_finish_verifies(void)
{
    uint64_t s = 5;
    uint8_t buf[512];
    for (int iter = 0; iter < 500; iter++) {
        size_t len = 2 + rnd_below(&s, sizeof buf - 1);
        rnd_fill(&s, buf, len);
        size_t field = rnd_below(&s, len - 1) & ~(size_t)1; /* even offset */
        tern_wr16(buf + field, 0);
        tern_wr16(buf + field, tern__csum_finish(tern__csum_add(0, buf, len)));
        CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, buf, len)), 0);
        CU_ASSERT_EQUAL(ref_sum(buf, len), 0xffff);
    }
}

static void test_known_ipv4_header(void)
{
    /* The header from the Wikipedia IPv4 checksum example: b861. */
    static const uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                  0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    uint8_t *p = test_exact(h, sizeof h);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p, 20)), 0);
    tern_wr16(p + 10, 0);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p, 20)), 0xb861);
    free(p);

    /* Every captured IPv4 header verifies. */
    const char *caps[] = {syn4_hex, rst4_hex, udp4_hex, icmp4_hex};
    for (size_t i = 0; i < 4; i++) {
        size_t n;
        uint8_t *q = test_unhex(caps[i], &n);
        CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, q, 20)), 0);
        free(q);
    }
}

/* Full L4 checksum of a captured IPv4 packet with its field zeroed. */
static uint16_t l4_v4(uint8_t *pkt, size_t n, size_t csum_off)
{
    size_t l4 = n - 20;
    tern_wr16(pkt + 20 + csum_off, 0);
    tern_csum sum = tern__csum_pseudo_v4(tern_rdbe32(pkt + 12), tern_rdbe32(pkt + 16), pkt[9], (uint16_t)l4);
    return tern__csum_finish(tern__csum_add(sum, pkt + 20, l4));
}

static void test_pseudo_v4_known(void)
{
    size_t n;
    uint8_t *p = test_unhex(syn4_hex, &n);
    /* Linux's CHECKSUM_PARTIAL seed is the folded pseudo-header sum. */
    tern_csum ph = tern__csum_pseudo_v4(tern_rdbe32(p + 12), tern_rdbe32(p + 16), 6, 40);
    CU_ASSERT_EQUAL((uint16_t)~tern__csum_finish(ph), tern_rd16(p + 36));
    CU_ASSERT_EQUAL(l4_v4(p, n, 16), 0xfe58);
    free(p);

    p = test_unhex(rst4_hex, &n);
    ph = tern__csum_pseudo_v4(tern_rdbe32(p + 12), tern_rdbe32(p + 16), 6, 20);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(ph, p + 20, 20)), 0);
    CU_ASSERT_EQUAL(l4_v4(p, n, 16), 0xc77c);
    free(p);

    p = test_unhex(udp4_hex, &n);
    CU_ASSERT_EQUAL(l4_v4(p, n, 6), 0x418a);
    free(p);

    /* ICMP has no pseudo header. */
    p = test_unhex(icmp4_hex, &n);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, p + 20, n - 20)), 0);
    free(p);
}

static void test_pseudo_v6_known(void)
{
    size_t n;
    uint8_t *p = test_unhex(syn6_hex, &n);
    tern_csum ph = tern__csum_pseudo_v6(p + 8, p + 24, 6, 40);
    CU_ASSERT_EQUAL((uint16_t)~tern__csum_finish(ph), tern_rd16(p + 56));
    tern_wr16(p + 56, 0);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(ph, p + 40, 40)), 0x6ad3);
    free(p);

    p = test_unhex(udp6_hex, &n);
    tern_wr16(p + 46, 0);
    ph = tern__csum_pseudo_v6(p + 8, p + 24, 17, 13);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(ph, p + 40, 13)), 0x48cb);
    free(p);

    p = test_unhex(icmp6_hex, &n);
    ph = tern__csum_pseudo_v6(p + 8, p + 24, 58, (uint32_t)(n - 40));
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(ph, p + 40, n - 40)), 0);
    free(p);
}

static void test_pseudo_vs_reference(void)
{
    uint64_t s = 1234;
    for (int iter = 0; iter < 500; iter++) {
        uint8_t ph4[12], ph6[40];
        rnd_fill(&s, ph4, sizeof ph4);
        ph4[8] = 0;
        uint32_t a, b;
        memcpy(&a, ph4, 4);
        memcpy(&b, ph4 + 4, 4);
        CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_pseudo_v4(a, b, ph4[9], tern_rd16(ph4 + 10))), ref_csum(ph4, 12));

        rnd_fill(&s, ph6, sizeof ph6);
        ph6[36] = ph6[37] = ph6[38] = 0;
        CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_pseudo_v6(ph6, ph6 + 16, ph6[39], tern_rd32(ph6 + 32))),
                        ref_csum(ph6, 40));
    }
}

TERN_UNIT_SUITE(checksum)
{
    CU_pSuite s = CU_add_suite("wire/checksum", NULL, NULL);
    if (s == NULL)
        return;
    CU_add_test(s, "RFC 1071 example", test_rfc1071_example);
    CU_add_test(s, "empty and zero data", test_empty_and_zero);
    CU_add_test(s, "random data vs reference", test_random_vs_reference);
    CU_add_test(s, "carry stress", test_carry_stress);
    CU_add_test(s, "header sums (whole words) vs the general sum", test_header_sum);
    CU_add_test(s, "split pieces with shift", test_split_and_shift);
    CU_add_test(s, "shift properties", test_shift_properties);
    CU_add_test(s, "pbuf chains vs reference", test_pbuf_chain_random);
    CU_add_test(s, "pbuf chain of a captured packet", test_pbuf_known_packet);
    CU_add_test(s, "copy and sum", test_copy);
    CU_add_test(s, "finish makes data verify", test_finish_verifies);
    CU_add_test(s, "known IPv4 headers", test_known_ipv4_header);
    CU_add_test(s, "pseudo header v4, captured packets", test_pseudo_v4_known);
    CU_add_test(s, "pseudo header v6, captured packets", test_pseudo_v6_known);
    CU_add_test(s, "pseudo headers vs reference", test_pseudo_vs_reference);
}
