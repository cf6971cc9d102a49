/* tests/unit/test_wire.c: header views.  Round trips, packets captured
 * from Linux, and a malformed-input corpus for every parser.  Every input
 * a parser sees lives in an exact-size heap block, so ASan reports any
 * read past `len`. */
#include <CUnit/Basic.h>

#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"
#include "unit_suite.h"

/* ---- helpers ---- */




/* Parsers run on exact-size copies of their input. */
static tern_wire_err ipv4_x(const uint8_t *b, size_t n, bool verify, tern_ipv4_repr *r)
{
    uint8_t *c = test_exact(b, n);
    tern_wire_err e = tern__ipv4_parse(c, n, verify, r);
    free(c);
    return e;
}

static tern_wire_err ipv6_x(const uint8_t *b, size_t n, tern_ipv6_repr *r)
{
    uint8_t *c = test_exact(b, n);
    tern_wire_err e = tern__ipv6_parse(c, n, r);
    free(c);
    return e;
}

static tern_wire_err ext_x(const uint8_t *b, size_t n, tern_ipv6_ext *r)
{
    uint8_t *c = test_exact(b, n);
    tern_wire_err e = tern__ipv6_walk_ext(c, n, r);
    free(c);
    return e;
}

static tern_wire_err udp_x(const uint8_t *b, size_t n, tern_udp_repr *r)
{
    uint8_t *c = test_exact(b, n);
    tern_wire_err e = tern__udp_parse(c, n, r);
    free(c);
    return e;
}

static tern_wire_err icmp_x(const uint8_t *b, size_t n, tern_icmp_repr *r)
{
    uint8_t *c = test_exact(b, n);
    tern_wire_err e = tern__icmp_parse(c, n, r);
    free(c);
    return e;
}

static tern_wire_err tcp_x(const uint8_t *b, size_t n, tern_tcp_repr *r)
{
    uint8_t *c = test_exact(b, n);
    tern_wire_err e = tern__tcp_parse(c, n, r);
    free(c);
    return e;
}

/* ---- packets captured on Linux 6.18 loopback (see test_checksum.c) ---- */

/* IPv4 SYN 127.0.0.1:49960 -> :5555: MSS 65495, SACK_PERM, TS, WS 10. */
static const char syn4_hex[] =
    "4500003c409440004006fc257f0000017f000001c32815b3984c792800000000"
    "a002ffd7fe3000000204ffd70402080a2cd03a85000000000103030a";
static const char rst4_hex[] =
    "450000280000400040063cce7f0000017f00000115b3c32800000000984c7929"
    "50140000c77c0000";
static const char icmp4_hex[] =
    "45c0003da2cb00004001d9327f0000017f00000103033e870000000045000021"
    "aaae40004011921b7f0000017f0000019a121e61000dfe207465726e21";
static const char syn6_hex[] =
    "60010c1a002806400000000000000000000000000000000100000000000000000000000000000001"
    "dc2015b4856c929400000000a002ffc4003000000204ffc40402080a37f7a185000000000103030a";
static const char icmp6_hex[] =
    "6009ddd5003d3a400000000000000000000000000000000100000000000000000000000000000001"
    "010471e00000000060066418000d1140000000000000000000000000000000010000000000000000"
    "000000000000000190d21e61000d00207465726e21";

/* The Wikipedia IPv4 checksum example header (total length 0x73). */
static const uint8_t wiki_hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                     0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

static const uint8_t loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

/* ---- strerror ---- */

static void test_strerror(void)
{
    for (int i = TERN_WIRE_OK; i <= TERN_WIRE_UNSUPPORTED; i++) {
        const char *a = tern__wire_strerror((tern_wire_err)i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        CU_ASSERT(a[0] != '\0');
        for (int j = TERN_WIRE_OK; j < i; j++)
            CU_ASSERT(strcmp(a, tern__wire_strerror((tern_wire_err)j)) != 0);
    }
    CU_ASSERT_PTR_NOT_NULL(tern__wire_strerror((tern_wire_err)1000));
}

/* ---- IPv4 ---- */

static void test_ipv4_known(void)
{
    uint8_t pkt[0x73] = {0};
    memcpy(pkt, wiki_hdr, 20);
    tern_ipv4_repr r;
    CU_ASSERT_EQUAL_FATAL(ipv4_x(pkt, sizeof pkt, true, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.hlen, 20);
    CU_ASSERT_EQUAL(r.tot_len, 0x73);
    CU_ASSERT_EQUAL(r.id, 0);
    CU_ASSERT(r.dont_frag);
    CU_ASSERT(!r.more_frags);
    CU_ASSERT_EQUAL(r.frag_off, 0);
    CU_ASSERT_EQUAL(r.ttl, 64);
    CU_ASSERT_EQUAL(r.proto, 17);
    CU_ASSERT_EQUAL(memcmp(&r.src, "\xc0\xa8\x00\x01", 4), 0);
    CU_ASSERT_EQUAL(memcmp(&r.dst, "\xc0\xa8\x00\xc7", 4), 0);

    /* Emitting the repr reproduces the header, checksum included. */
    uint8_t out[20];
    tern__ipv4_emit(out, &r);
    CU_ASSERT_EQUAL(memcmp(out, wiki_hdr, 20), 0);

    /* Trailing bytes past tot_len (Ethernet padding) are allowed. */
    uint8_t padded[0x73 + 6] = {0};
    memcpy(padded, wiki_hdr, 20);
    CU_ASSERT_EQUAL(ipv4_x(padded, sizeof padded, true, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.tot_len, 0x73);

    /* The captured ICMP error: TOS 0xc0, no DF, and its quoted datagram. */
    size_t n;
    uint8_t *p = test_unhex(icmp4_hex, &n);
    CU_ASSERT_EQUAL_FATAL(ipv4_x(p, n, true, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.tos, 0xc0);
    CU_ASSERT_EQUAL(r.id, 0xa2cb);
    CU_ASSERT(!r.dont_frag);
    CU_ASSERT_EQUAL(r.proto, 1);
    CU_ASSERT_EQUAL(r.tot_len, n);
    tern_ipv4_repr inner;
    CU_ASSERT_EQUAL(ipv4_x(p + 28, n - 28, true, &inner), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(inner.proto, 17);
    CU_ASSERT_EQUAL(inner.tot_len, 0x21);
    free(p);
}

static void test_ipv4_fragments(void)
{
    tern_ipv4_repr r = {0}, back;
    r.tot_len = 20;
    r.id = 0xbeef;
    r.ttl = 1;
    r.proto = 6;
    r.tos = 0x2e;
    r.src = 0x0100007f;
    r.dst = 0xffffffff;
    uint8_t buf[20];
    /* Offsets from 0 to the largest, with each flag combination. */
    static const uint16_t offs[] = {0, 8, 1480, 0x1000 * 8, 0x1fff * 8};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        for (int f = 0; f < 4; f++) {
            r.frag_off = offs[i];
            r.more_frags = f & 1;
            r.dont_frag = (f & 2) != 0;
            tern__ipv4_emit(buf, &r);
            CU_ASSERT_EQUAL(tern_rd16(buf + 6) & TERN_IPV4_OFFMASK, offs[i] / 8);
            CU_ASSERT_EQUAL_FATAL(ipv4_x(buf, 20, true, &back), TERN_WIRE_OK);
            CU_ASSERT_EQUAL(back.frag_off, offs[i]);
            CU_ASSERT_EQUAL(back.more_frags, r.more_frags);
            CU_ASSERT_EQUAL(back.dont_frag, r.dont_frag);
            CU_ASSERT_EQUAL(back.hlen, 20);
            CU_ASSERT_EQUAL(back.tot_len, r.tot_len);
            CU_ASSERT_EQUAL(back.id, r.id);
            CU_ASSERT_EQUAL(back.tos, r.tos);
            CU_ASSERT_EQUAL(back.ttl, r.ttl);
            CU_ASSERT_EQUAL(back.proto, r.proto);
            CU_ASSERT_EQUAL(back.src, r.src);
            CU_ASSERT_EQUAL(back.dst, r.dst);
        }
    }
    /* A hand-written MF fragment at offset 185*8 = 1480, reserved bit set. */
    uint8_t h[20];
    memcpy(h, wiki_hdr, 20);
    tern_wr16(h + 2, 20);
    tern_wr16(h + 6, 0x8000 | TERN_IPV4_FLAG_MF | 185);
    tern_wr16(h + 10, 0);
    tern_wr16(h + 10, tern__csum_finish(tern__csum_add(0, h, 20)));
    CU_ASSERT_EQUAL_FATAL(ipv4_x(h, 20, true, &back), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(back.frag_off, 1480);
    CU_ASSERT(back.more_frags);
    CU_ASSERT(!back.dont_frag);
}

static void test_ipv4_options(void)
{
    /* IHL 6 with a Router Alert option: the checksum covers it. */
    uint8_t h[24];
    memcpy(h, wiki_hdr, 20);
    h[0] = 0x46;
    tern_wr16(h + 2, 24);
    memcpy(h + 20, "\x94\x04\x00\x00", 4);
    tern_wr16(h + 10, 0);
    tern_wr16(h + 10, tern__csum_finish(tern__csum_add(0, h, 24)));
    tern_ipv4_repr r;
    CU_ASSERT_EQUAL_FATAL(ipv4_x(h, 24, true, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.hlen, 24);
    h[22] = 1; /* inside the options: only the checksum notices */
    CU_ASSERT_EQUAL(ipv4_x(h, 24, true, &r), TERN_WIRE_BAD_CHECKSUM);
    CU_ASSERT_EQUAL(ipv4_x(h, 24, false, &r), TERN_WIRE_OK);
    /* Truncated inside the options. */
    for (size_t n = 20; n < 24; n++)
        CU_ASSERT_EQUAL(ipv4_x(h, n, false, &r), TERN_WIRE_TRUNCATED);
}

static void test_ipv4_malformed(void)
{
    uint8_t h[20];
    tern_ipv4_repr r;
    memcpy(h, wiki_hdr, 20);
    tern_wr16(h + 2, 20);
    tern_wr16(h + 10, 0);
    tern_wr16(h + 10, tern__csum_finish(tern__csum_add(0, h, 20)));
    CU_ASSERT_EQUAL_FATAL(ipv4_x(h, 20, true, &r), TERN_WIRE_OK);

    for (size_t n = 0; n < 20; n++)
        CU_ASSERT_EQUAL(ipv4_x(h, n, true, &r), TERN_WIRE_TRUNCATED);

    uint8_t m[60];
    for (unsigned v = 0; v < 16; v++) {
        if (v == 4)
            continue;
        memcpy(m, h, 20);
        m[0] = (uint8_t)(v << 4 | 5);
        CU_ASSERT_EQUAL(ipv4_x(m, 20, true, &r), TERN_WIRE_BAD_VERSION);
    }
    for (unsigned ihl = 0; ihl < 5; ihl++) {
        memcpy(m, h, 20);
        m[0] = (uint8_t)(0x40 | ihl);
        CU_ASSERT_EQUAL(ipv4_x(m, 20, false, &r), TERN_WIRE_BAD_HLEN);
    }
    /* IHL beyond the buffer. */
    for (unsigned ihl = 6; ihl < 16; ihl++) {
        memset(m, 0, sizeof m);
        memcpy(m, h, 20);
        m[0] = (uint8_t)(0x40 | ihl);
        tern_wr16(m + 2, (uint16_t)(ihl * 4));
        CU_ASSERT_EQUAL(ipv4_x(m, ihl * 4 - 1, false, &r), TERN_WIRE_TRUNCATED);
        CU_ASSERT_EQUAL(ipv4_x(m, 20, false, &r), TERN_WIRE_TRUNCATED);
        CU_ASSERT_EQUAL(ipv4_x(m, ihl * 4, false, &r), TERN_WIRE_OK);
        /* The IHL check comes first, whatever the total length says. */
        tern_wr16(m + 2, 20);
        CU_ASSERT_EQUAL(ipv4_x(m, 20, false, &r), TERN_WIRE_TRUNCATED);
    }
    /* Total length below the header, or beyond the buffer. */
    static const uint16_t short_tot[] = {0, 1, 19};
    for (size_t i = 0; i < 3; i++) {
        memcpy(m, h, 20);
        tern_wr16(m + 2, short_tot[i]);
        CU_ASSERT_EQUAL(ipv4_x(m, 20, false, &r), TERN_WIRE_BAD_LENGTH);
    }
    memset(m, 0, sizeof m);
    memcpy(m, h, 20);
    m[0] = 0x46;
    tern_wr16(m + 2, 23); /* covers 20 bytes but not the 24-byte header */
    CU_ASSERT_EQUAL(ipv4_x(m, 24, false, &r), TERN_WIRE_BAD_LENGTH);
    memcpy(m, h, 20);
    tern_wr16(m + 2, 21);
    CU_ASSERT_EQUAL(ipv4_x(m, 20, false, &r), TERN_WIRE_TRUNCATED);
    tern_wr16(m + 2, 0xffff);
    CU_ASSERT_EQUAL(ipv4_x(m, 60, false, &r), TERN_WIRE_TRUNCATED);

    /* A flipped bit anywhere the length checks do not look. */
    for (size_t i = 0; i < 20; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            if (i == 0 || i == 2 || i == 3)
                continue;
            memcpy(m, h, 20);
            m[i] ^= (uint8_t)(1u << bit);
            CU_ASSERT_EQUAL(ipv4_x(m, 20, true, &r), TERN_WIRE_BAD_CHECKSUM);
            CU_ASSERT_EQUAL(ipv4_x(m, 20, false, &r), TERN_WIRE_OK);
        }
    }
}

/* ---- IPv6 ---- */

static void test_ipv6_known(void)
{
    size_t n;
    uint8_t *p = test_unhex(syn6_hex, &n);
    tern_ipv6_repr r;
    CU_ASSERT_EQUAL_FATAL(ipv6_x(p, n, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.tclass, 0);
    CU_ASSERT_EQUAL(r.flow, 0x10c1a);
    CU_ASSERT_EQUAL(r.payload_len, 40);
    CU_ASSERT_EQUAL(r.next_header, 6);
    CU_ASSERT_EQUAL(r.hop_limit, 64);
    CU_ASSERT_EQUAL(memcmp(r.src, loop6, 16), 0);
    CU_ASSERT_EQUAL(memcmp(r.dst, loop6, 16), 0);
    uint8_t out[40];
    tern__ipv6_emit(out, &r);
    CU_ASSERT_EQUAL(memcmp(out, p, 40), 0);
    tern_ipv6_ext x;
    CU_ASSERT_EQUAL_FATAL(ext_x(p, n, &x), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(x.proto, 6);
    CU_ASSERT_EQUAL(x.offset, 40);
    CU_ASSERT(!x.is_fragment);
    CU_ASSERT_EQUAL(x.nh_field_offset, 6);
    free(p);

    p = test_unhex(icmp6_hex, &n);
    CU_ASSERT_EQUAL_FATAL(ipv6_x(p, n, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.payload_len, n - 40);
    CU_ASSERT_EQUAL(r.next_header, 58);
    CU_ASSERT_EQUAL(r.flow, 0x9ddd5);
    /* The quoted datagram is an IPv6 header too. */
    CU_ASSERT_EQUAL(ipv6_x(p + 48, n - 48, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.next_header, 17);
    CU_ASSERT_EQUAL(r.payload_len, 13);
    free(p);
}

static void test_ipv6_roundtrip(void)
{
    uint64_t s = 77;
    for (int i = 0; i < 200; i++) {
        tern_ipv6_repr r, back;
        for (int j = 0; j < 16; j++) {
            r.src[j] = (uint8_t)test_rng(&s);
            r.dst[j] = (uint8_t)test_rng(&s);
        }
        r.flow = (uint32_t)test_rng(&s) & 0xfffff;
        r.tclass = (uint8_t)test_rng(&s);
        r.next_header = (uint8_t)test_rng(&s);
        r.hop_limit = (uint8_t)test_rng(&s);
        r.payload_len = (uint16_t)(test_rng(&s) % 64);
        uint8_t buf[40 + 64] = {0};
        tern__ipv6_emit(buf, &r);
        CU_ASSERT_EQUAL_FATAL(ipv6_x(buf, 40u + r.payload_len, &back), TERN_WIRE_OK);
        CU_ASSERT_EQUAL(memcmp(back.src, r.src, 16), 0);
        CU_ASSERT_EQUAL(memcmp(back.dst, r.dst, 16), 0);
        CU_ASSERT_EQUAL(back.flow, r.flow);
        CU_ASSERT_EQUAL(back.tclass, r.tclass);
        CU_ASSERT_EQUAL(back.next_header, r.next_header);
        CU_ASSERT_EQUAL(back.hop_limit, r.hop_limit);
        CU_ASSERT_EQUAL(back.payload_len, r.payload_len);
    }
}

static void test_ipv6_malformed(void)
{
    uint8_t h[48] = {0x60};
    tern_ipv6_repr r;
    tern_wr16(h + 4, 8);
    CU_ASSERT_EQUAL(ipv6_x(h, 48, &r), TERN_WIRE_OK);
    for (size_t n = 0; n < 40; n++)
        CU_ASSERT_EQUAL(ipv6_x(h, n, &r), TERN_WIRE_TRUNCATED);
    /* Payload length beyond the buffer by one and by a lot. */
    for (size_t n = 40; n < 48; n++)
        CU_ASSERT_EQUAL(ipv6_x(h, n, &r), TERN_WIRE_TRUNCATED);
    tern_wr16(h + 4, 0xffff);
    CU_ASSERT_EQUAL(ipv6_x(h, 48, &r), TERN_WIRE_TRUNCATED);
    tern_wr16(h + 4, 0);
    CU_ASSERT_EQUAL(ipv6_x(h, 40, &r), TERN_WIRE_OK);
    for (unsigned v = 0; v < 16; v++) {
        if (v == 6)
            continue;
        h[0] = (uint8_t)(v << 4);
        CU_ASSERT_EQUAL(ipv6_x(h, 48, &r), TERN_WIRE_BAD_VERSION);
    }
}

/* Writes a fixed header and a chain of extension headers (types[i] with
 * Hdr Ext Len units[i]) ending in `upper`; returns the total length. */
static size_t build_chain(uint8_t *buf, size_t cap, const uint8_t *types, const uint8_t *units, size_t n,
                          uint8_t upper)
{
    memset(buf, 0, cap);
    buf[0] = 0x60;
    uint8_t *nh = buf + 6;
    size_t off = 40;
    for (size_t i = 0; i < n; i++) {
        *nh = types[i];
        size_t l = types[i] == TERN_IPV6_NH_FRAGMENT ? 8 : ((size_t)units[i] + 1) * 8;
        CU_ASSERT_FATAL(off + l <= cap);
        if (types[i] != TERN_IPV6_NH_FRAGMENT)
            buf[off + 1] = units[i];
        /* Padding options fill the rest: PadN over the header's body. */
        nh = buf + off;
        off += l;
    }
    *nh = upper;
    tern_wr16(buf + 4, (uint16_t)(off - 40));
    return off;
}

static void test_ext_walk(void)
{
    uint8_t buf[4096];
    tern_ipv6_ext x;

    /* No extension headers; the upper layer starts at the end of buf. */
    size_t n = build_chain(buf, sizeof buf, NULL, NULL, 0, 6);
    CU_ASSERT_EQUAL_FATAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(x.proto, 6);
    CU_ASSERT_EQUAL(x.offset, 40);
    CU_ASSERT_EQUAL(x.nh_field_offset, 6);
    CU_ASSERT(!x.is_fragment);

    /* Hop-by-Hop, Destination Options, Routing, then UDP. */
    static const uint8_t t1[] = {TERN_IPV6_NH_HOPOPT, TERN_IPV6_NH_DSTOPTS, TERN_IPV6_NH_ROUTING};
    static const uint8_t u1[] = {0, 2, 1};
    n = build_chain(buf, sizeof buf, t1, u1, 3, 17);
    CU_ASSERT_EQUAL(n, 40 + 8 + 24 + 16);
    CU_ASSERT_EQUAL_FATAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(x.proto, 17);
    CU_ASSERT_EQUAL(x.offset, n);
    CU_ASSERT_EQUAL(x.nh_field_offset, 40 + 8 + 24);
    CU_ASSERT(!x.is_fragment);
    /* Truncated anywhere inside the chain. */
    for (size_t k = 0; k < n; k++)
        CU_ASSERT_EQUAL(ext_x(buf, k, &x), TERN_WIRE_TRUNCATED);

    /* No Next Header ends the walk like an upper layer. */
    n = build_chain(buf, sizeof buf, t1, u1, 1, TERN_IPV6_NH_NONE);
    CU_ASSERT_EQUAL_FATAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(x.proto, TERN_IPV6_NH_NONE);
    CU_ASSERT_EQUAL(x.offset, 48);
    CU_ASSERT_EQUAL(x.nh_field_offset, 40);

    /* The largest single header: Hdr Ext Len 255 is 2048 bytes. */
    static const uint8_t t2[] = {TERN_IPV6_NH_DSTOPTS};
    static const uint8_t u2[] = {255};
    n = build_chain(buf, sizeof buf, t2, u2, 1, 6);
    CU_ASSERT_EQUAL(n, 40 + 2048);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(x.offset, n);
    CU_ASSERT_EQUAL(ext_x(buf, n - 1, &x), TERN_WIRE_TRUNCATED);
    CU_ASSERT_EQUAL(ext_x(buf, 48, &x), TERN_WIRE_TRUNCATED);
}

static void test_ext_fragment(void)
{
    uint8_t buf[256];
    tern_ipv6_ext x;
    static const uint8_t t[] = {TERN_IPV6_NH_HOPOPT, TERN_IPV6_NH_FRAGMENT};
    static const uint8_t u[] = {0, 0};
    size_t n = build_chain(buf, sizeof buf, t, u, 2, 17);
    /* Offset 1234 * 8, Res bits set (ignored), M set, id 0xdeadbeef. */
    tern_wr16(buf + 48 + 2, (uint16_t)(1234u << 3 | 0x6 | 1));
    tern_wr32(buf + 48 + 4, 0xdeadbeef);
    CU_ASSERT_EQUAL_FATAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT(x.is_fragment);
    CU_ASSERT_EQUAL(x.proto, TERN_IPV6_NH_FRAGMENT);
    CU_ASSERT_EQUAL(x.frag_hdr_offset, 48);
    CU_ASSERT_EQUAL(x.offset, 56);
    CU_ASSERT_EQUAL(x.frag_next, 17);
    CU_ASSERT_EQUAL(x.frag_off, 1234 * 8);
    CU_ASSERT(x.more_frags);
    CU_ASSERT_EQUAL(x.frag_id, 0xdeadbeef);
    CU_ASSERT_EQUAL(x.nh_field_offset, 40);

    /* Last fragment at the largest offset. */
    tern_wr16(buf + 48 + 2, 0xfff8);
    CU_ASSERT_EQUAL_FATAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(x.frag_off, 0xfff8);
    CU_ASSERT(!x.more_frags);

    /* First in the chain: the fixed header's next-header field names it. */
    n = build_chain(buf, sizeof buf, t + 1, u, 1, 6);
    CU_ASSERT_EQUAL_FATAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(x.frag_hdr_offset, 40);
    CU_ASSERT_EQUAL(x.nh_field_offset, 6);
    CU_ASSERT_EQUAL(x.frag_next, 6);
    CU_ASSERT_EQUAL(x.frag_off, 0);
    CU_ASSERT(!x.more_frags);
    for (size_t k = 40; k < 48; k++)
        CU_ASSERT_EQUAL(ext_x(buf, k, &x), TERN_WIRE_TRUNCATED);
}

static void test_ext_malformed(void)
{
    uint8_t buf[512];
    tern_ipv6_ext x;
    uint8_t t[10], u[10] = {0};

    for (size_t k = 0; k < 40; k++)
        CU_ASSERT_EQUAL(ext_x(buf, k, &x), TERN_WIRE_TRUNCATED);

    /* Zero-length chains: an extension header named but absent, or with
     * only its next-header byte. */
    t[0] = TERN_IPV6_NH_DSTOPTS;
    size_t n = build_chain(buf, sizeof buf, t, u, 1, 6);
    CU_ASSERT_EQUAL(ext_x(buf, 40, &x), TERN_WIRE_TRUNCATED);
    CU_ASSERT_EQUAL(ext_x(buf, 41, &x), TERN_WIRE_TRUNCATED);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_OK);

    /* Hdr Ext Len pointing past the buffer. */
    buf[41] = 1;
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_TRUNCATED);
    buf[41] = 255;
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_TRUNCATED);

    /* Hop-by-Hop anywhere but first. */
    t[0] = TERN_IPV6_NH_DSTOPTS;
    t[1] = TERN_IPV6_NH_HOPOPT;
    n = build_chain(buf, sizeof buf, t, u, 2, 6);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_BAD_OPTION);
    t[0] = TERN_IPV6_NH_HOPOPT;
    n = build_chain(buf, sizeof buf, t, u, 2, 6);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_BAD_OPTION);
    /* Hop-by-Hop naming itself as the upper layer is still "not first". */
    n = build_chain(buf, sizeof buf, t, u, 1, TERN_IPV6_NH_HOPOPT);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_BAD_OPTION);

    /* Eight headers are walked; a ninth is refused, Fragment included. */
    for (int i = 0; i < 10; i++)
        t[i] = TERN_IPV6_NH_DSTOPTS;
    n = build_chain(buf, sizeof buf, t, u, 8, 6);
    CU_ASSERT_EQUAL_FATAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(x.offset, 40 + 8 * 8);
    n = build_chain(buf, sizeof buf, t, u, 9, 6);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_UNSUPPORTED);
    n = build_chain(buf, sizeof buf, t, u, 10, 6);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_UNSUPPORTED);
    t[7] = TERN_IPV6_NH_FRAGMENT;
    n = build_chain(buf, sizeof buf, t, u, 8, 6);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_OK);
    CU_ASSERT(x.is_fragment);
    t[7] = TERN_IPV6_NH_DSTOPTS;
    t[8] = TERN_IPV6_NH_FRAGMENT;
    n = build_chain(buf, sizeof buf, t, u, 9, 6);
    CU_ASSERT_EQUAL(ext_x(buf, n, &x), TERN_WIRE_UNSUPPORTED);

    /* A chain that loops on Routing headers to the end of the buffer. */
    memset(buf, 0, sizeof buf);
    buf[0] = 0x60;
    buf[6] = TERN_IPV6_NH_ROUTING;
    for (size_t off = 40; off + 8 <= sizeof buf; off += 8)
        buf[off] = TERN_IPV6_NH_ROUTING;
    CU_ASSERT_EQUAL(ext_x(buf, sizeof buf, &x), TERN_WIRE_UNSUPPORTED);
    CU_ASSERT_EQUAL(ext_x(buf, 40 + 8 * 3 + 1, &x), TERN_WIRE_TRUNCATED);
}

/* ---- UDP ---- */

static void test_udp(void)
{
    tern_udp_repr r = {.src_port = 39442, .dst_port = 7777, .length = 13, .checksum = 0x1234}, back;
    uint8_t buf[13];
    memset(buf, 0xee, sizeof buf);
    tern__udp_emit(buf, &r);
    CU_ASSERT_EQUAL(memcmp(buf, "\x9a\x12\x1e\x61\x00\x0d\x00\x00", 8), 0);
    CU_ASSERT_EQUAL(buf[8], 0xee);
    CU_ASSERT_EQUAL_FATAL(udp_x(buf, 13, &back), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(back.src_port, 39442);
    CU_ASSERT_EQUAL(back.dst_port, 7777);
    CU_ASSERT_EQUAL(back.length, 13);
    CU_ASSERT_EQUAL(back.checksum, 0);
    tern_wr16(buf + 6, 0xfe20);
    CU_ASSERT_EQUAL(udp_x(buf, 13, &back), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(back.checksum, 0xfe20);
    /* Bytes past the length field are the caller's to trim. */
    uint8_t big[20] = {0};
    memcpy(big, buf, 13);
    CU_ASSERT_EQUAL(udp_x(big, 20, &back), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(back.length, 13);

    for (size_t n = 0; n < 8; n++)
        CU_ASSERT_EQUAL(udp_x(buf, n, &back), TERN_WIRE_TRUNCATED);
    for (uint16_t l = 0; l < 8; l++) {
        tern_wr16(buf + 4, l);
        CU_ASSERT_EQUAL(udp_x(buf, 13, &back), TERN_WIRE_BAD_LENGTH);
    }
    tern_wr16(buf + 4, 8);
    CU_ASSERT_EQUAL(udp_x(buf, 8, &back), TERN_WIRE_OK);
    tern_wr16(buf + 4, 14);
    CU_ASSERT_EQUAL(udp_x(buf, 13, &back), TERN_WIRE_TRUNCATED);
    tern_wr16(buf + 4, 0xffff);
    CU_ASSERT_EQUAL(udp_x(buf, 13, &back), TERN_WIRE_TRUNCATED);
}

/* ---- ICMP ---- */

static void test_icmp(void)
{
    size_t n;
    uint8_t *p = test_unhex(icmp4_hex, &n);
    tern_icmp_repr r;
    CU_ASSERT_EQUAL_FATAL(icmp_x(p + 20, n - 20, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.type, TERN_ICMP_DEST_UNREACH);
    CU_ASSERT_EQUAL(r.code, TERN_ICMP_UNREACH_PORT);
    CU_ASSERT_EQUAL(r.checksum, 0x3e87);
    CU_ASSERT_EQUAL(r.rest, 0);
    uint8_t out[8];
    tern__icmp_emit(out, &r);
    CU_ASSERT_EQUAL(memcmp(out, p + 20, 8), 0);
    free(p);

    p = test_unhex(icmp6_hex, &n);
    CU_ASSERT_EQUAL_FATAL(icmp_x(p + 40, n - 40, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.type, TERN_ICMP6_DEST_UNREACH);
    CU_ASSERT_EQUAL(r.code, TERN_ICMP6_UNREACH_PORT);
    CU_ASSERT_EQUAL(r.checksum, 0x71e0);
    free(p);

    tern_icmp_repr e = {.type = TERN_ICMP_ECHO, .code = 0, .checksum = 0xabcd, .rest = 0x12340001}, back;
    tern__icmp_emit(out, &e);
    CU_ASSERT_EQUAL(memcmp(out, "\x08\x00\xab\xcd\x12\x34\x00\x01", 8), 0);
    CU_ASSERT_EQUAL_FATAL(icmp_x(out, 8, &back), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(back.type, e.type);
    CU_ASSERT_EQUAL(back.code, e.code);
    CU_ASSERT_EQUAL(back.checksum, e.checksum);
    CU_ASSERT_EQUAL(back.rest, e.rest);
    for (size_t k = 0; k < 8; k++)
        CU_ASSERT_EQUAL(icmp_x(out, k, &back), TERN_WIRE_TRUNCATED);
}

/* ---- TCP ---- */

static void test_tcp_linux_syn(void)
{
    size_t n;
    uint8_t *p = test_unhex(syn4_hex, &n);
    uint8_t *tcp = p + 20;
    tern_tcp_repr r;
    CU_ASSERT_EQUAL_FATAL(tcp_x(tcp, n - 20, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.src_port, 49960);
    CU_ASSERT_EQUAL(r.dst_port, 5555);
    CU_ASSERT_EQUAL(r.seq, 0x984c7928);
    CU_ASSERT_EQUAL(r.ack, 0);
    CU_ASSERT_EQUAL(r.hlen, 40);
    CU_ASSERT_EQUAL(r.flags, TERN_TCP_SYN);
    CU_ASSERT_EQUAL(r.window, 65495);
    CU_ASSERT_EQUAL(r.checksum, 0xfe30);
    CU_ASSERT_EQUAL(r.urgent, 0);
    CU_ASSERT(r.has_mss);
    CU_ASSERT_EQUAL(r.mss, 65495);
    CU_ASSERT(r.sack_permitted);
    CU_ASSERT(r.has_ts);
    CU_ASSERT_EQUAL(r.ts_val, 0x2cd03a85);
    CU_ASSERT_EQUAL(r.ts_ecr, 0);
    CU_ASSERT(r.has_wscale);
    CU_ASSERT_EQUAL(r.wscale, 10);
    CU_ASSERT_EQUAL(r.sack_count, 0);

    /* emit() writes Linux's layout byte for byte (checksum left zero). */
    CU_ASSERT_EQUAL(tern__tcp_header_len(&r), 40);
    uint8_t out[60];
    CU_ASSERT_EQUAL(tern__tcp_emit(out, &r), 40);
    tcp[16] = tcp[17] = 0;
    CU_ASSERT_EQUAL(memcmp(out, tcp, 40), 0);
    free(p);

    p = test_unhex(syn6_hex, &n);
    CU_ASSERT_EQUAL_FATAL(tcp_x(p + 40, n - 40, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.src_port, 56352);
    CU_ASSERT_EQUAL(r.mss, 65476);
    CU_ASSERT_EQUAL(r.ts_val, 0x37f7a185);
    CU_ASSERT_EQUAL(tern__tcp_emit(out, &r), 40);
    p[56] = p[57] = 0;
    CU_ASSERT_EQUAL(memcmp(out, p + 40, 40), 0);
    free(p);

    p = test_unhex(rst4_hex, &n);
    CU_ASSERT_EQUAL_FATAL(tcp_x(p + 20, n - 20, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.flags, TERN_TCP_RST | TERN_TCP_ACK);
    CU_ASSERT_EQUAL(r.ack, 0x984c7929);
    CU_ASSERT_EQUAL(r.hlen, 20);
    CU_ASSERT(!r.has_mss && !r.has_ts && !r.has_wscale && !r.sack_permitted);
    free(p);
}

static void test_tcp_known_sack(void)
{
    /* An ACK with timestamps and two SACK blocks, hand-written in the layout
     * Linux sends (NOP NOP TS, NOP NOP SACK). */
    static const uint8_t seg[52] = {
        0x15, 0xb3, 0xc3, 0x28, 0x00, 0x00, 0x10, 0x00, 0x98, 0x4c, 0x79, 0x29, 0xd0, 0x10, 0x02, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x09,
        0x01, 0x01, 0x05, 0x12, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x40, 0x00,
        0x00, 0x00, 0x50, 0x00};
    tern_tcp_repr r;
    CU_ASSERT_EQUAL_FATAL(tcp_x(seg, sizeof seg, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.hlen, 52);
    CU_ASSERT_EQUAL(r.flags, TERN_TCP_ACK);
    CU_ASSERT(r.has_ts);
    CU_ASSERT_EQUAL(r.ts_val, 7);
    CU_ASSERT_EQUAL(r.ts_ecr, 9);
    CU_ASSERT_EQUAL_FATAL(r.sack_count, 2);
    CU_ASSERT_EQUAL(r.sack[0].left, 0x2000);
    CU_ASSERT_EQUAL(r.sack[0].right, 0x3000);
    CU_ASSERT_EQUAL(r.sack[1].left, 0x4000);
    CU_ASSERT_EQUAL(r.sack[1].right, 0x5000);
    uint8_t out[60];
    CU_ASSERT_EQUAL(tern__tcp_emit(out, &r), 52);
    CU_ASSERT_EQUAL(memcmp(out, seg, 52), 0);
}

static bool tcp_repr_equal(const tern_tcp_repr *a, const tern_tcp_repr *b, unsigned sacks)
{
    if (a->src_port != b->src_port || a->dst_port != b->dst_port || a->seq != b->seq || a->ack != b->ack ||
        a->flags != b->flags || a->window != b->window || a->urgent != b->urgent)
        return false;
    if (a->has_mss != b->has_mss || (a->has_mss && a->mss != b->mss))
        return false;
    if (a->has_wscale != b->has_wscale || (a->has_wscale && a->wscale != b->wscale))
        return false;
    if (a->has_ts != b->has_ts || (a->has_ts && (a->ts_val != b->ts_val || a->ts_ecr != b->ts_ecr)))
        return false;
    if (a->sack_permitted != b->sack_permitted || b->sack_count != sacks)
        return false;
    for (unsigned i = 0; i < sacks; i++)
        if (a->sack[i].left != b->sack[i].left || a->sack[i].right != b->sack[i].right)
            return false;
    return true;
}

static void test_tcp_roundtrip(void)
{
    uint64_t s = 31337;
    for (unsigned mask = 0; mask < 16; mask++) {
        for (unsigned want = 0; want <= TERN_TCP_MAX_SACK + 2; want++) {
            tern_tcp_repr r;
            memset(&r, 0, sizeof r);
            r.src_port = (uint16_t)test_rng(&s);
            r.dst_port = (uint16_t)test_rng(&s);
            r.seq = (uint32_t)test_rng(&s);
            r.ack = (uint32_t)test_rng(&s);
            r.flags = (uint8_t)test_rng(&s);
            r.window = (uint16_t)test_rng(&s);
            r.urgent = (uint16_t)test_rng(&s);
            r.checksum = 0xffff; /* ignored by emit */
            r.has_mss = mask & 1;
            r.sack_permitted = (mask & 2) != 0;
            r.has_wscale = (mask & 4) != 0;
            r.has_ts = (mask & 8) != 0;
            r.mss = (uint16_t)test_rng(&s);
            r.wscale = (uint8_t)(test_rng(&s) % 15);
            r.ts_val = (uint32_t)test_rng(&s);
            r.ts_ecr = (uint32_t)test_rng(&s);
            r.sack_count = (uint8_t)want;
            for (unsigned i = 0; i < TERN_TCP_MAX_SACK; i++) {
                r.sack[i].left = (uint32_t)test_rng(&s);
                r.sack[i].right = (uint32_t)test_rng(&s);
            }
            uint16_t hlen = tern__tcp_header_len(&r);
            CU_ASSERT(hlen >= TERN_TCP_HLEN && hlen <= TERN_TCP_MAX_HLEN && hlen % 4 == 0);

            /* emit writes exactly header_len bytes. */
            uint8_t buf[TERN_TCP_MAX_HLEN + 8];
            memset(buf, 0xa5, sizeof buf);
            CU_ASSERT_EQUAL(tern__tcp_emit(buf, &r), hlen);
            for (size_t i = hlen; i < sizeof buf; i++)
                CU_ASSERT_EQUAL(buf[i], 0xa5);
            CU_ASSERT_EQUAL(tern_rd16(buf + 16), 0);

            tern_tcp_repr back;
            CU_ASSERT_EQUAL_FATAL(tcp_x(buf, hlen, &back), TERN_WIRE_OK);
            CU_ASSERT_EQUAL(back.hlen, hlen);
            /* SACK blocks that do not fit are dropped from the end, and
             * only when one more block would overflow 60 bytes. */
            unsigned want_c = want > TERN_TCP_MAX_SACK ? TERN_TCP_MAX_SACK : want;
            unsigned got = back.sack_count;
            CU_ASSERT(got <= want_c);
            if (got < want_c)
                CU_ASSERT(hlen + (got ? 8u : 12u) > TERN_TCP_MAX_HLEN);
            CU_ASSERT(tcp_repr_equal(&r, &back, got));
        }
    }
    /* The documented limits: 4 blocks alone, 3 with timestamps, 2 on a
     * segment carrying every other option. */
    tern_tcp_repr r;
    memset(&r, 0, sizeof r);
    r.sack_count = 4;
    CU_ASSERT_EQUAL(tern__tcp_header_len(&r), 20 + 4 + 32);
    r.has_ts = true;
    CU_ASSERT_EQUAL(tern__tcp_header_len(&r), 20 + 12 + 4 + 24);
    r.has_mss = r.has_wscale = r.sack_permitted = true;
    CU_ASSERT_EQUAL(tern__tcp_header_len(&r), 20 + 4 + 12 + 4 + 4 + 16);
    r.sack_count = 0;
    CU_ASSERT_EQUAL(tern__tcp_header_len(&r), 40);
    r.has_ts = false;
    CU_ASSERT_EQUAL(tern__tcp_header_len(&r), 32);
}

/* A TCP header with options `o` (n bytes, padded with EOL to 4). */
static size_t tcp_with(uint8_t *buf, const uint8_t *o, size_t n)
{
    size_t hlen = 20 + ((n + 3) & ~(size_t)3);
    memset(buf, 0, hlen);
    tern_wr16(buf, 1234);
    tern_wr16(buf + 2, 80);
    buf[12] = (uint8_t)((hlen / 4) << 4);
    buf[13] = TERN_TCP_SYN;
    memcpy(buf + 20, o, n);
    return hlen;
}

static tern_wire_err tcp_opts(const char *o, size_t n, tern_tcp_repr *r)
{
    uint8_t buf[60];
    size_t hlen = tcp_with(buf, (const uint8_t *)o, n);
    return tcp_x(buf, hlen, r);
}

#define OPTS(lit, r) tcp_opts(lit, sizeof(lit) - 1, r)

static void test_tcp_options_edge(void)
{
    tern_tcp_repr r;
    /* EOL ends the list: what follows is not looked at. */
    CU_ASSERT_EQUAL(OPTS("\x00\xff\xff\xff", &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(OPTS("\x02\x04\x05\xb4\x00\x03\x00\x00", &r), TERN_WIRE_OK);
    CU_ASSERT(r.has_mss && r.mss == 1460 && !r.has_wscale);
    /* NOPs alone. */
    CU_ASSERT_EQUAL(OPTS("\x01\x01\x01\x01", &r), TERN_WIRE_OK);
    CU_ASSERT(!r.has_mss && !r.has_ts && !r.has_wscale && !r.sack_permitted && r.sack_count == 0);
    /* Unknown options of any legal length are skipped. */
    CU_ASSERT_EQUAL(OPTS("\x1e\x04\xaa\xbb\x03\x03\x07\x01", &r), TERN_WIRE_OK);
    CU_ASSERT(r.has_wscale && r.wscale == 7);
    CU_ASSERT_EQUAL(OPTS("\xfe\x02\x01\x01", &r), TERN_WIRE_OK);
    /* MD5 signature (kind 19, 18 bytes) filling a 20-byte option area. */
    CU_ASSERT_EQUAL(OPTS("\x13\x12\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x01", &r),
                    TERN_WIRE_OK);
    /* An option ending exactly at the header's end. */
    CU_ASSERT_EQUAL(OPTS("\x01\x03\x03\x0e", &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.wscale, 14);
    /* Four SACK blocks: the most the option space holds. */
    uint8_t o[36] = {1, 1, 5, 34};
    for (int i = 0; i < 32; i++)
        o[4 + i] = (uint8_t)i;
    CU_ASSERT_EQUAL(tcp_opts((const char *)o, sizeof o, &r), TERN_WIRE_OK);
    CU_ASSERT_EQUAL(r.sack_count, 4);
    CU_ASSERT_EQUAL(r.sack[3].right, 0x1c1d1e1f);
    /* A 40-byte unknown option fills the whole option space. */
    uint8_t big[40] = {0x42, 40};
    CU_ASSERT_EQUAL(tcp_opts((const char *)big, sizeof big, &r), TERN_WIRE_OK);
}

static void test_tcp_malformed(void)
{
    uint8_t buf[60];
    tern_tcp_repr r;
    size_t hlen = tcp_with(buf, (const uint8_t *)"\x02\x04\x05\xb4", 4);
    CU_ASSERT_EQUAL_FATAL(tcp_x(buf, hlen, &r), TERN_WIRE_OK);

    /* Truncated before the fixed header or inside the options. */
    for (size_t n = 0; n < hlen; n++)
        CU_ASSERT_EQUAL(tcp_x(buf, n, &r), TERN_WIRE_TRUNCATED);
    /* Data offset below 5, or past the segment. */
    for (unsigned doff = 0; doff < 5; doff++) {
        buf[12] = (uint8_t)(doff << 4);
        CU_ASSERT_EQUAL(tcp_x(buf, hlen, &r), TERN_WIRE_BAD_HLEN);
    }
    for (unsigned doff = 7; doff < 16; doff++) {
        buf[12] = (uint8_t)(doff << 4);
        CU_ASSERT_EQUAL(tcp_x(buf, hlen, &r), TERN_WIRE_TRUNCATED);
    }

    /* Option length 0 or 1, for known and unknown kinds. */
    CU_ASSERT_EQUAL(OPTS("\x02\x00\x05\xb4", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x02\x01\x05\xb4", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x22\x00\x01\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x22\x01\x01\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x05\x00\x01\x01", &r), TERN_WIRE_BAD_OPTION);
    /* Options overrunning the header. */
    CU_ASSERT_EQUAL(OPTS("\x01\x01\x08\x0a", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x22\x05\x00\x00", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x01\x01\x01\x01\x22\xff\x00\x00", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x01\x01\x02\x04", &r), TERN_WIRE_BAD_OPTION);
    /* Known kinds with the wrong length. */
    CU_ASSERT_EQUAL(OPTS("\x02\x03\x05\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x02\x05\x05\xb4\x00\x01\x01\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x03\x02\x01\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x03\x04\x07\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x04\x03\x00\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x04\x04\x00\x00", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x08\x09\x00\x00\x00\x00\x00\x00\x00\x01\x01\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x08\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", &r), TERN_WIRE_BAD_OPTION);
    /* SACK with a length that is not 2 + 8n, n in 1..4. */
    CU_ASSERT_EQUAL(OPTS("\x01\x01\x05\x02", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x05\x09\x00\x00\x00\x00\x00\x00\x00\x01\x01\x01", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x05\x0b\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", &r), TERN_WIRE_BAD_OPTION);
    uint8_t o[40] = {5, 34 + 8};
    CU_ASSERT_EQUAL(tcp_opts((const char *)o, sizeof o, &r), TERN_WIRE_BAD_OPTION); /* 5 blocks: overruns */
    o[1] = 40 - 2; /* 38 = 2 + 36: not a whole number of blocks */
    CU_ASSERT_EQUAL(tcp_opts((const char *)o, sizeof o, &r), TERN_WIRE_BAD_OPTION);

    /* A bare kind byte at the very end, with no length byte: lwIP 2.1.3
     * read the byte after the header here. */
    CU_ASSERT_EQUAL(OPTS("\x01\x01\x01\x02", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x01\x01\x01\x08", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x01\x01\x01\x22", &r), TERN_WIRE_BAD_OPTION);
    CU_ASSERT_EQUAL(OPTS("\x02\x04\x05\xb4\x01\x01\x01\x03", &r), TERN_WIRE_BAD_OPTION);
    /* The same with payload after the header: still refused, since the
     * length byte would be payload. */
    hlen = tcp_with(buf, (const uint8_t *)"\x01\x01\x01\x02", 4);
    buf[hlen] = 4;
    buf[hlen + 1] = 5;
    CU_ASSERT_EQUAL(tcp_x(buf, hlen + 2, &r), TERN_WIRE_BAD_OPTION);
    /* An option running from the header into the payload is malformed
     * even though the bytes are there. */
    hlen = tcp_with(buf, (const uint8_t *)"\x01\x01\x02\x04", 4);
    buf[hlen] = 5;
    buf[hlen + 1] = 0xb4;
    CU_ASSERT_EQUAL(tcp_x(buf, hlen + 2, &r), TERN_WIRE_BAD_OPTION);
    hlen = tcp_with(buf, (const uint8_t *)"\x01\x01\x22\x0a", 4);
    CU_ASSERT_EQUAL(tcp_x(buf, sizeof buf, &r), TERN_WIRE_BAD_OPTION);
}

/* ---- every parser on random and mutated input ---- */

static void check_invariants(const uint8_t *b, size_t n)
{
    tern_ipv4_repr r4;
    if (ipv4_x(b, n, true, &r4) == TERN_WIRE_OK)
        CU_ASSERT(r4.hlen >= 20 && r4.hlen <= r4.tot_len && r4.tot_len <= n);
    tern_ipv6_repr r6;
    if (ipv6_x(b, n, &r6) == TERN_WIRE_OK)
        CU_ASSERT(40u + r6.payload_len <= n);
    tern_ipv6_ext x;
    if (ext_x(b, n, &x) == TERN_WIRE_OK) {
        CU_ASSERT(x.offset <= n && x.offset >= 40);
        CU_ASSERT(x.nh_field_offset < x.offset);
    }
    tern_udp_repr ru;
    if (udp_x(b, n, &ru) == TERN_WIRE_OK)
        CU_ASSERT(ru.length >= 8 && ru.length <= n);
    tern_icmp_repr ri;
    if (icmp_x(b, n, &ri) == TERN_WIRE_OK)
        CU_ASSERT(n >= 8);
    tern_tcp_repr rt;
    if (tcp_x(b, n, &rt) == TERN_WIRE_OK) {
        CU_ASSERT(rt.hlen >= 20 && rt.hlen <= n && rt.hlen <= 60);
        CU_ASSERT(rt.sack_count <= TERN_TCP_MAX_SACK);
    }
}

static void test_random_input(void)
{
    uint64_t s = 0xabcdef;
    uint8_t b[128];
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = (size_t)(test_rng(&s) % sizeof b);
        for (size_t i = 0; i < n; i++)
            b[i] = (uint8_t)test_rng(&s);
        check_invariants(b, n);
    }
    /* Mutations of real packets reach deeper into each parser. */
    const char *caps[] = {syn4_hex, syn6_hex, icmp6_hex, rst4_hex};
    for (size_t c = 0; c < 4; c++) {
        size_t n;
        uint8_t *p = test_unhex(caps[c], &n);
        uint8_t *m = malloc(n);
        CU_ASSERT_FATAL(m != NULL);
        for (int iter = 0; iter < 1500; iter++) {
            memcpy(m, p, n);
            for (int k = 0; k < 3; k++)
                m[test_rng(&s) % n] ^= (uint8_t)(1u << (test_rng(&s) & 7));
            size_t cut = (size_t)(test_rng(&s) % (n + 1));
            check_invariants(m, cut);
            size_t l4 = c == 0 || c == 3 ? 20 : 40;
            if (cut > l4)
                check_invariants(m + l4, cut - l4);
        }
        free(m);
        free(p);
    }
}

TERN_UNIT_SUITE(wire)
{
    CU_pSuite s = CU_add_suite("wire/headers", NULL, NULL);
    if (s == NULL)
        return;
    CU_add_test(s, "strerror", test_strerror);
    CU_add_test(s, "ipv4 known headers", test_ipv4_known);
    CU_add_test(s, "ipv4 fragments round trip", test_ipv4_fragments);
    CU_add_test(s, "ipv4 options", test_ipv4_options);
    CU_add_test(s, "ipv4 malformed", test_ipv4_malformed);
    CU_add_test(s, "ipv6 known headers", test_ipv6_known);
    CU_add_test(s, "ipv6 round trip", test_ipv6_roundtrip);
    CU_add_test(s, "ipv6 malformed", test_ipv6_malformed);
    CU_add_test(s, "ipv6 extension walk", test_ext_walk);
    CU_add_test(s, "ipv6 fragment header", test_ext_fragment);
    CU_add_test(s, "ipv6 extension malformed", test_ext_malformed);
    CU_add_test(s, "udp", test_udp);
    CU_add_test(s, "icmp", test_icmp);
    CU_add_test(s, "tcp Linux SYN and RST", test_tcp_linux_syn);
    CU_add_test(s, "tcp SACK blocks", test_tcp_known_sack);
    CU_add_test(s, "tcp options round trip", test_tcp_roundtrip);
    CU_add_test(s, "tcp option edge cases", test_tcp_options_edge);
    CU_add_test(s, "tcp malformed", test_tcp_malformed);
    CU_add_test(s, "random and mutated input", test_random_input);
}
