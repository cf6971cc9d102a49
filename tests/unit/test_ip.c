/* tests/unit/test_ip.c: the IP layer through tern's native API: echo,
 * reassembly, and UDP, with packets captured at an interface. */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

#include "tern/iface.h"
#include "tern/stack.h"
#include "tern/udp.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/wire.h"
#include "unit_suite.h"

#define MAXPKT 16
static uint8_t captured[MAXPKT][2048];
static uint16_t captured_len[MAXPKT];
static int ncaptured;
static uint32_t now_ms;

static uint32_t clock_fn(void *arg)
{
    (void)arg;
    return now_ms;
}

static int capture(tern_iface *ifc, tern_pbuf *p, const tern_addr *hop, void *user)
{
    (void)ifc, (void)hop, (void)user;
    if (ncaptured < MAXPKT) {
        captured_len[ncaptured] = tern_pbuf_copy_partial(p, captured[ncaptured], sizeof(captured[0]), 0);
        ncaptured++;
    }
    return 0;
}

static tern_stack *stack;
static tern_iface *ifc;

static int setup(void)
{
    tern_config cfg = {.clock = clock_fn, .seed = 1};
    stack = tern_stack_new(&cfg);
    ifc = tern_iface_add(stack, capture, NULL);
    tern_iface_set_ipv4(ifc, 0x010012c6u /* 198.18.0.1 */, 0x0000feffu, 0);
    static const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    tern_iface_set_ipv6(ifc, 0, a6, TERN_IFACE_IPV6_PREFERRED);
    tern_iface_set_up(ifc, true);
    ncaptured = 0;
    return 0;
}

static int teardown(void)
{
    tern_stack_free(stack);
    return 0;
}

/* Builds an IPv4 packet around payload into an exact-size pbuf. */
static tern_pbuf *v4_packet(uint8_t proto, const void *payload, uint16_t len, uint16_t id, uint16_t frag_off,
                            bool more)
{
    tern_pbuf *p = tern_pbuf_alloc(0, (uint16_t)(20 + len), TERN_PBUF_RAM);
    uint8_t *b = p->payload;
    tern_ipv4_repr r = {.src = 0x020013c6u /* 198.19.0.2 */,
                        .dst = 0x010012c6u,
                        .tot_len = (uint16_t)(20 + len),
                        .id = id,
                        .frag_off = frag_off,
                        .more_frags = more,
                        .ttl = 64,
                        .proto = proto};
    tern__ipv4_emit(b, &r);
    memcpy(b + 20, payload, len);
    return p;
}

static void echo_request(uint8_t *icmp, uint16_t len)
{
    for (uint16_t i = 0; i < len; i++)
        icmp[i] = (uint8_t)(i * 7);
    icmp[0] = 8;
    icmp[1] = 0;
    icmp[2] = icmp[3] = 0;
    tern_wr16(icmp + 2, tern__csum_finish(tern__csum_add(0, icmp, len)));
}

static void test_echo_v4(void)
{
    setup();
    uint8_t icmp[101];
    echo_request(icmp, sizeof(icmp));
    tern_iface_input(ifc, v4_packet(1, icmp, sizeof(icmp), 1, 0, false));
    CU_ASSERT_EQUAL_FATAL(ncaptured, 1);
    CU_ASSERT_EQUAL(captured_len[0], 20 + sizeof(icmp));
    CU_ASSERT_EQUAL(captured[0][20], 0); /* echo reply */
    CU_ASSERT_EQUAL(memcmp(captured[0] + 24, icmp + 4, sizeof(icmp) - 4), 0);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, captured[0] + 20, sizeof(icmp))), 0);
    CU_ASSERT_EQUAL(tern__csum_finish(tern__csum_add(0, captured[0], 20)), 0);
    teardown();
}

/* A 3000-byte echo in three fragments delivered last-first is answered
 * once, byte-exact (the answer is itself fragmented at MTU 1500). */
static void test_reassembly_out_of_order(void)
{
    setup();
    static uint8_t icmp[3000];
    echo_request(icmp, sizeof(icmp));
    tern_iface_input(ifc, v4_packet(1, icmp + 2400, 600, 77, 2400, false));
    tern_iface_input(ifc, v4_packet(1, icmp + 1200, 1200, 77, 1200, true));
    CU_ASSERT_EQUAL(ncaptured, 0);
    tern_iface_input(ifc, v4_packet(1, icmp, 1200, 77, 0, true));
    CU_ASSERT_EQUAL_FATAL(ncaptured, 3); /* 1480 + 1480 + 40 bytes of reply */
    uint8_t reply[3000];
    uint32_t got = 0;
    for (int i = 0; i < ncaptured; i++) {
        tern_ipv4_repr r = {0};
        CU_ASSERT_EQUAL_FATAL(tern__ipv4_parse(captured[i], captured_len[i], true, &r), TERN_WIRE_OK);
        memcpy(reply + r.frag_off, captured[i] + 20, r.tot_len - 20u);
        got += r.tot_len - 20u;
    }
    CU_ASSERT_EQUAL(got, sizeof(icmp));
    CU_ASSERT_EQUAL(reply[0], 0);
    CU_ASSERT_EQUAL(memcmp(reply + 4, icmp + 4, sizeof(icmp) - 4), 0);
    CU_ASSERT_EQUAL(tern_stack_stats(stack)->reass_ok, 1);
    teardown();
}

static void test_reassembly_hostile(void)
{
    setup();
    static uint8_t data[1500];
    memset(data, 0xab, sizeof(data));
    /* Ping of death: a fragment ending past 65535. */
    tern_iface_input(ifc, v4_packet(1, data, 1000, 5, 65000, false));
    /* Teardrop: overlapping fragments never complete a datagram. */
    tern_iface_input(ifc, v4_packet(17, data, 800, 6, 0, true));
    tern_iface_input(ifc, v4_packet(17, data, 400, 6, 400, false));
    /* A middle fragment whose length is not a multiple of 8. */
    tern_iface_input(ifc, v4_packet(17, data, 13, 7, 0, true));
    CU_ASSERT_EQUAL(ncaptured, 0);
    CU_ASSERT(tern_stack_stats(stack)->reass_drop >= 3);
    /* Timeout: an unfinished datagram goes, with ICMP time exceeded
     * because its first fragment arrived. */
    tern_iface_input(ifc, v4_packet(17, data, 800, 8, 0, true));
    now_ms += 16000;
    tern_stack_poll(stack);
    tern_stack_poll(stack);
    CU_ASSERT(tern_stack_stats(stack)->reass_timeout >= 1);
    int te = 0;
    for (int i = 0; i < ncaptured; i++)
        if (captured[i][9] == 1 && captured[i][20] == 11 && captured[i][21] == 1)
            te++;
    CU_ASSERT(te >= 1);
    teardown();
}

static void test_reassembly_memory_bound(void)
{
    setup();
    static uint8_t data[1480];
    /* 2000 incomplete datagrams of 1480 bytes: held memory stays bounded. */
    for (int i = 0; i < 2000; i++)
        tern_iface_input(ifc, v4_packet(17, data, sizeof(data), (uint16_t)(1000 + i), 0, true));
    tern_pbuf_stats st;
    tern_pbuf_get_stats(&st);
    CU_ASSERT(st.live_bytes < 2u * 1024 * 1024);
    CU_ASSERT(tern_stack_stats(stack)->reass_drop > 1000);
    teardown();
    tern_pbuf_get_stats(&st);
    CU_ASSERT_EQUAL(st.live_pbufs, 0);
}

static int udp_got;
static uint16_t udp_got_port;
static void udp_rx(void *arg, tern_udp *u, tern_pbuf *p, const tern_addr *src, uint16_t sport,
                   const tern_addr *dst, uint16_t dport)
{
    (void)arg, (void)u, (void)src, (void)dst, (void)dport;
    udp_got += p->tot_len;
    udp_got_port = sport;
    tern_pbuf_free(p);
}

static tern_pbuf *udp_packet(uint16_t sport, uint16_t dport, const char *msg, bool zero_csum)
{
    uint16_t n = (uint16_t)strlen(msg);
    uint8_t seg[512];
    tern_udp_repr r = {.src_port = sport, .dst_port = dport, .length = (uint16_t)(8 + n)};
    tern__udp_emit(seg, &r);
    memcpy(seg + 8, msg, n);
    if (!zero_csum) {
        tern_csum c = tern__csum_pseudo_v4(0x020013c6u, 0x010012c6u, 17, (uint16_t)(8 + n));
        uint16_t v = tern__csum_finish(tern__csum_add(c, seg, 8u + n));
        tern_wr16(seg + 6, v ? v : 0xffff);
    }
    return v4_packet(17, seg, (uint16_t)(8 + n), 9, 0, false);
}

static void test_udp_demux_and_unreachable(void)
{
    setup();
    tern_udp *u = tern_udp_new(stack, TERN_ADDR_V4);
    tern_udp_set_recv(u, udp_rx, NULL);
    CU_ASSERT_EQUAL(tern_udp_bind(u, NULL, 7), 0);
    udp_got = 0;
    tern_iface_input(ifc, udp_packet(1234, 7, "hello", false));
    CU_ASSERT_EQUAL(udp_got, 5);
    CU_ASSERT_EQUAL(udp_got_port, 1234);
    tern_iface_input(ifc, udp_packet(1234, 7, "zero", true)); /* no checksum: fine over IPv4 */
    CU_ASSERT_EQUAL(udp_got, 9);
    tern_pbuf *bad = udp_packet(1234, 7, "corrupt", false);
    ((uint8_t *)bad->payload)[30] ^= 1;
    tern_iface_input(ifc, bad);
    CU_ASSERT_EQUAL(udp_got, 9);
    CU_ASSERT_EQUAL(ncaptured, 0);
    tern_iface_input(ifc, udp_packet(1234, 9, "closed", false));
    CU_ASSERT_EQUAL_FATAL(ncaptured, 1);
    CU_ASSERT_EQUAL(captured[0][20], 3);
    CU_ASSERT_EQUAL(captured[0][21], 3);
    CU_ASSERT_EQUAL(captured_len[0], 20 + 8 + 20 + 8);
    tern_udp_free(u);
    teardown();
}

TERN_UNIT_SUITE(ip)
{
    CU_pSuite s = CU_add_suite("iface/ip", NULL, NULL);
    CU_add_test(s, "ICMPv4 echo", test_echo_v4);
    CU_add_test(s, "reassembly out of order, fragmented reply", test_reassembly_out_of_order);
    CU_add_test(s, "reassembly refuses hostile fragments", test_reassembly_hostile);
    CU_add_test(s, "reassembly memory is bounded", test_reassembly_memory_bound);
    CU_add_test(s, "UDP demux, checksums, port unreachable", test_udp_demux_and_unreachable);
}
