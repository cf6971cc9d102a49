/* tests/hostile/test_hostile_ipv6.c: hostile IPv6: lengths, extension
 * header chains long and empty, atomic and overlapping fragments,
 * truncated packets quoted inside ICMP errors, echo lengths at the limit. */
#include <stdlib.h>
#include <string.h>

#include "hassert.h"
#include "unit_suite.h"

static uint8_t pkt[70000];
static uint8_t pay[70000];

static void begin(void)
{
    H_BEGIN(NULL);
    CU_ASSERT_FATAL(h_udp_open(7) != NULL);
}

/* A UDP datagram to port 7 (8 + len bytes) at out, checksum valid. */
static size_t udp_upper(uint8_t *out, const char *msg)
{
    size_t n = hp_udp_write(out, 1234, 7, msg, strlen(msg));
    hp_l4_csum6(out, n, H_PEER6, H_US6, HP_PROTO_UDP, 6);
    return n;
}

/* Appends an 8-byte Destination Options header (PadN) naming nh next. */
static size_t dstopt8(uint8_t *out, uint8_t nh)
{
    static const uint8_t h[8] = {0, 0, 1, 4, 0, 0, 0, 0};
    memcpy(out, h, 8);
    out[0] = nh;
    return 8;
}

static void test_lengths(void)
{
    begin();
    size_t n = hp_udp6(pkt, H_PEER6, H_US6, 1234, 7, "hello", 5, false);
    /* Payload length past the buffer. */
    hp_w16(pkt + 4, (uint16_t)(n - 40 + 1));
    H_SNAP(s0);
    h_input(pkt, n);
    H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
    hp_w16(pkt + 4, 0xffff);
    H_SNAP(s1);
    h_input(pkt, n);
    H_DROPPED(s1, "ip_in+1 ip_drop_malformed+1");
    /* Shorter than the fixed header. */
    H_SNAP(s2);
    h_input(pkt, 39);
    H_DROPPED(s2, "ip_in+1 ip_drop_malformed+1");
    /* Trailing bytes past the payload length are trimmed. */
    n = hp_udp6(pkt, H_PEER6, H_US6, 1234, 7, "hello", 5, false);
    memset(pkt + n, 0xcc, 20);
    H_SNAP(s3);
    h_input(pkt, n + 20);
    H_MOVED(s3, "ip_in+1 udp_in+1");
    H_EQ(h_udp.last_len, 5);
    /* Version 6 claimed in an IPv4-sized packet, version 4 in the first nibble of an IPv6 one. */
    n = hp_udp6(pkt, H_PEER6, H_US6, 1234, 7, "hello", 5, false);
    pkt[0] = 0x40;
    H_SNAP(s4);
    h_input(pkt, n);
    H_DROPPED(s4, "ip_in+1 ip_drop_malformed+1");
    H_END();
}

/* Chains of empty (8-byte) Destination Options headers: up to 8 are
 * walked; 9 or more are dropped without an answer (bounded work). */
static void test_long_chains(void)
{
    begin();
    for (int count = 1; count <= 12; count++) {
        size_t off = 0;
        for (int i = 0; i < count; i++)
            off += dstopt8(pay + off, i + 1 < count ? HP_NH_DSTOPTS : HP_PROTO_UDP);
        off += udp_upper(pay + off, "chained");
        size_t n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_DSTOPTS, pay, off);
        H_SNAP(s0);
        h_input(pkt, n);
        if (count <= 8) {
            H_MOVED(s0, "ip_in+1 udp_in+1");
        } else {
            H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
        }
    }
    H_EQ(h_udp.count, 8);
    /* 200 headers in one packet (a 1600-byte chain). */
    size_t off = 0;
    for (int i = 0; i < 200; i++)
        off += dstopt8(pay + off, i + 1 < 200 ? HP_NH_DSTOPTS : HP_PROTO_UDP);
    off += udp_upper(pay + off, "long");
    size_t n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_DSTOPTS, pay, off);
    H_SNAP(s1);
    h_input(pkt, n);
    H_DROPPED(s1, "ip_in+1 ip_drop_malformed+1");
    H_END();
}

/* Zero-length payloads that name a header, and headers running past the
 * payload. */
static void test_empty_and_truncated_chains(void)
{
    begin();
    static const struct {
        uint8_t nh;
        const char *moved;
    } empty[] = {
        {HP_NH_DSTOPTS, "ip_in+1 ip_drop_malformed+1"},
        {HP_NH_HOP, "ip_in+1 ip_drop_malformed+1"}, /* a jumbogram's Hop-by-Hop, absent */
        {HP_NH_ROUTING, "ip_in+1 ip_drop_malformed+1"},
        {HP_NH_FRAG, "ip_in+1 ip_drop_malformed+1"},
        {HP_NH_NONE, "ip_in+1 ip_drop_proto+1"},
        {HP_PROTO_UDP, "ip_in+1 udp_in+1 udp_drop_malformed+1"},
        {HP_PROTO_TCP, "ip_in+1 tcp_in+1 tcp_drop_malformed+1"},
        {HP_PROTO_ICMP6, "ip_in+1 icmp_in+1 icmp_drop+1"},
    };
    for (unsigned i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
        size_t n = hp_ip6(pkt, H_PEER6, H_US6, empty[i].nh, NULL, 0);
        H_SNAP(s0);
        h_input(pkt, n);
        H_DROPPED(s0, empty[i].moved);
    }
    /* A header claiming 2048 bytes in a 100-byte payload, and one cut in
     * half by the end of the payload. */
    memset(pay, 0, 100);
    pay[0] = HP_PROTO_UDP;
    pay[1] = 255;
    size_t n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_DSTOPTS, pay, 100);
    H_SNAP(s1);
    h_input(pkt, n);
    H_DROPPED(s1, "ip_in+1 ip_drop_malformed+1");
    n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_DSTOPTS, pay, 1);
    H_SNAP(s2);
    h_input(pkt, n);
    H_DROPPED(s2, "ip_in+1 ip_drop_malformed+1");
    /* A Fragment header cut short. */
    n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_FRAG, pay, 6);
    H_SNAP(s3);
    h_input(pkt, n);
    H_DROPPED(s3, "ip_in+1 ip_drop_malformed+1");
    /* An option whose length runs past its header. */
    uint8_t bad[8] = {HP_PROTO_UDP, 0, 1, 200, 0, 0, 0, 0};
    memcpy(pay, bad, 8);
    size_t k = 8 + udp_upper(pay + 8, "x");
    n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_DSTOPTS, pay, k);
    H_SNAP(s4);
    h_input(pkt, n);
    H_DROPPED(s4, "ip_in+1 ip_drop_malformed+1");
    H_EQ(h_udp.count, 0);
    H_END();
}

/* Errors RFC 8200 asks for: Hop-by-Hop not first (code 1, pointer at the
 * next-header byte naming it), an unknown option whose type says "send
 * ICMP" (code 2), a routing header with segments left (code 0).  Never to
 * a multicast destination when the option type says so. */
static void test_param_problems(void)
{
    begin();
    hp_pkt e;
    /* DSTOPTS then Hop-by-Hop. */
    size_t off = dstopt8(pay, HP_NH_HOP);
    off += dstopt8(pay + off, HP_PROTO_UDP);
    off += udp_upper(pay + off, "hbh");
    size_t n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_DSTOPTS, pay, off);
    h_input(pkt, n);
    CU_ASSERT_FATAL(h_ncap() == 1 && h_cap_pkt(0, &e));
    H_EQ(e.itype, 4);
    H_EQ(e.icode, 1);
    H_EQ(hp_r32(e.l4 + 4), 40); /* the DSTOPTS header's next-header byte */
    H_EQ(e.dlen, n);
    h_clear();
    /* Unknown option type 0x80 (10xxxxxx: discard and send ICMP). */
    uint8_t opt[8] = {HP_PROTO_UDP, 0, 0x80, 2, 0, 0, 1, 0};
    memcpy(pay, opt, 8);
    off = 8 + udp_upper(pay + 8, "opt");
    n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_DSTOPTS, pay, off);
    h_input(pkt, n);
    CU_ASSERT_FATAL(h_ncap() == 1 && h_cap_pkt(0, &e));
    H_EQ(e.itype, 4);
    H_EQ(e.icode, 2);
    H_EQ(hp_r32(e.l4 + 4), 42);
    h_clear();
    /* 0xc0 (11xxxxxx) to the all-nodes group: dropped without a word. */
    static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
    opt[2] = 0xc0;
    memcpy(pay, opt, 8);
    off = 8 + hp_udp_write(pay + 8, 1234, 7, "m", 1);
    hp_l4_csum6(pay + 8, 9, H_PEER6, all_nodes, HP_PROTO_UDP, 6);
    n = hp_ip6(pkt, H_PEER6, all_nodes, HP_NH_DSTOPTS, pay, off);
    H_SNAP(s0);
    h_input(pkt, n);
    H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
    /* Routing header type 0 with segments left 1. */
    uint8_t rh[24] = {HP_PROTO_UDP, 2, 0, 1};
    memcpy(pay, rh, 24);
    off = 24 + udp_upper(pay + 24, "rh0");
    n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_ROUTING, pay, off);
    h_input(pkt, n);
    CU_ASSERT_FATAL(h_ncap() == 1 && h_cap_pkt(0, &e));
    H_EQ(e.itype, 4);
    H_EQ(e.icode, 0);
    H_EQ(hp_r32(e.l4 + 4), 42); /* the Routing Type field */
    h_clear();
    H_EQ(h_udp.count, 0);
    H_END();
}

/* An echo request carried in fragments (fragmentable part = ICMPv6). */
static size_t echo6(uint8_t *icmp, size_t len)
{
    for (size_t i = 8; i < len; i++)
        icmp[i] = (uint8_t)(i * 29 + 3);
    icmp[0] = 128;
    icmp[1] = 0;
    hp_w32(icmp + 4, 0x0707);
    hp_l4_csum6(icmp, len, H_PEER6, H_US6, HP_PROTO_ICMP6, 2);
    return len;
}

static void send_frag6(const uint8_t *data, size_t off, size_t len, bool more, uint32_t id)
{
    uint8_t fh[8] = {HP_PROTO_ICMP6, 0};
    hp_w16(fh + 2, (uint16_t)(off | (more ? 1u : 0u)));
    hp_w32(fh + 4, id);
    memcpy(pay, fh, 8);
    memcpy(pay + 8, data + off, len);
    size_t n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_FRAG, pay, 8 + len);
    h_input(pkt, n);
}

/* Echo replies captured, as one ICMPv6 message (fragments put together). */
static size_t collect_reply(uint8_t *out)
{
    size_t got = 0;
    for (int i = 0; i < h_ncap(); i++) {
        hp_pkt r;
        if (!h_cap_pkt(i, &r))
            continue;
        memcpy(out + r.frag_off, r.l4, r.l4len);
        got += r.l4len;
    }
    return got;
}

/* RFC 6946: a fragment with offset 0 and M = 0 is a whole datagram.
 * (Processing it apart from held fragments of the same identification
 * is test_hostile_pending.c's BUG 3.) */
static void test_atomic_fragments(void)
{
    begin();
    static uint8_t icmp[200], reply[200];
    size_t len = echo6(icmp, sizeof(icmp));
    send_frag6(icmp, 0, len, false, 0xabc);
    H_EQ(h_ncap(), 1);
    H_EQ(collect_reply(reply), len);
    H_EQ(reply[0], 129);
    CU_ASSERT(memcmp(reply + 4, icmp + 4, len - 4) == 0);
    h_clear();
    /* Again with the same identification: nothing of the first was kept. */
    send_frag6(icmp, 0, len, false, 0xabc);
    H_EQ(h_ncap(), 1);
    h_clear();
    H_EQ(h_custom_live, 0);
    H_END();
}

/* RFC 5722: an overlap discards the datagram; the application never sees
 * a mix, and an honest retransmission rebuilds it. */
static void test_overlapping_fragments(void)
{
    begin();
    static uint8_t icmp[200], evil[200], reply[200];
    size_t len = echo6(icmp, sizeof(icmp));
    memset(evil, 0xee, sizeof(evil));
    send_frag6(icmp, 0, 64, true, 0x77);
    H_SNAP(s0);
    send_frag6(evil, 32, 64, true, 0x77);
    H_MOVED(s0, "ip_in+1 reass_drop+1");
    H_EQ(h_custom_live, 0);
    send_frag6(icmp, 64, len - 64, false, 0x77);
    H_EQ(h_ncap(), 0);
    send_frag6(icmp, 0, 64, true, 0x77);
    H_EQ(h_ncap(), 1);
    H_EQ(collect_reply(reply), len);
    CU_ASSERT(memcmp(reply + 4, icmp + 4, len - 4) == 0);
    h_clear();
    /* A fragment at offset 65528 with data: past 65535. */
    H_SNAP(s1);
    send_frag6(icmp, 0, 16, true, 0x78);
    memcpy(pay, icmp, 16);
    uint8_t fh[8] = {HP_PROTO_ICMP6, 0};
    hp_w16(fh + 2, 65528);
    hp_w32(fh + 4, 0x78);
    memcpy(pay, fh, 8);
    memcpy(pay + 8, icmp, 16);
    size_t n = hp_ip6(pkt, H_PEER6, H_US6, HP_NH_FRAG, pay, 24);
    h_input(pkt, n);
    H_MOVED(s1, "ip_in+2 reass_drop+1");
    H_EQ(h_custom_live, 0);
    H_EQ(h_ncap(), 0);
    H_END();
}

/* ICMP errors whose quoted packet is cut short: counted, never answered,
 * and they disturb no connection. */
static void test_truncated_quotes(void)
{
    H_BEGIN(NULL);
    tern_tcp *l = h_listen(80, 4);
    CU_ASSERT_FATAL(l != NULL);
    h_peer p;
    h_peer_init(&p, 80, 1000);
    p.v6 = true;
    static const uint8_t mss[4] = {2, 4, 0x05, 0x8c};
    CU_ASSERT_FATAL(h_peer_connect(&p, mss, 4) == 0);
    h_clear();
    /* The quoted IPv6 header of the connection's segment, cut at 0..60. */
    uint8_t quote[80];
    hp_tcp t = {.sport = 80, .dport = p.tcp.port, .seq = p.tcp.rcv_nxt, .ack = p.tcp.snd_nxt, .flags = HP_TCP_ACK, .win = 100};
    hp_tcp6(quote, H_US6, H_PEER6, &t);
    static const uint8_t types[][2] = {{1, 4}, {2, 0}, {3, 0}, {4, 1}, {4, 0}};
    for (unsigned k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
        for (size_t cut = 0; cut <= 60; cut += 4) {
            size_t n = hp_icmp6(pkt, H_PEER6, H_US6, types[k][0], types[k][1], types[k][0] == 2 ? 1280 : 0,
                                quote, cut);
            H_SNAP(s0);
            h_input(pkt, n);
            H_DROPPED(s0, "ip_in+1 icmp_in+1");
        }
    }
    /* ICMPv4 errors quoting a cut IPv4 header. */
    uint8_t q4[60];
    hp_tcp4(q4, H_US4, H_PEER4, &t);
    for (size_t cut = 0; cut <= 40; cut += 2) {
        size_t n = hp_icmp4(pkt, H_PEER4, H_US4, 3, 4, 576, q4, cut);
        H_SNAP(s1);
        h_input(pkt, n);
        H_DROPPED(s1, "ip_in+1 icmp_in+1");
    }
    /* ICMP messages shorter than their 8-byte header. */
    for (size_t len = 0; len < 8; len++) {
        uint8_t m[8] = {1, 4, 0, 0, 0, 0, 0, 0};
        size_t n = hp_ip6(pkt, H_PEER6, H_US6, HP_PROTO_ICMP6, m, len);
        H_SNAP(s2);
        h_input(pkt, n);
        H_DROPPED(s2, "ip_in+1 icmp_in+1 icmp_drop+1");
    }
    tern_tcp_info i;
    tern_tcp_get_info(p.app->t, &i);
    H_EQ(i.state, TERN_TCP_ESTABLISHED);
    H_EQ(i.mss, 1420);
    h_peer_free(&p);
    H_END();
}

/* Echo requests whose sizes sit at the edges: the largest packet a pbuf
 * holds (65535 bytes; the reply is fragmented at MTU 1500, and goes out
 * whole at MTU 65535), a payload length one past the buffer, an empty
 * echo, and the same for IPv4. */
static void echo_edges(uint16_t mtu)
{
    begin();
    tern_iface_set_mtu(h_ifc, mtu);
    static uint8_t icmp[65536], reply[65536];
    size_t len = echo6(icmp, 65535 - 40);
    size_t n = hp_ip6(pkt, H_PEER6, H_US6, HP_PROTO_ICMP6, icmp, len);
    H_EQ(n, 65535);
    h_input(pkt, n);
    CU_ASSERT(mtu == 65535 ? h_ncap() == 1 : h_ncap() > 40);
    H_EQ(collect_reply(reply), len);
    H_EQ(reply[0], 129);
    CU_ASSERT(memcmp(reply + 4, icmp + 4, len - 4) == 0);
    h_clear();
    /* Payload length 0xffff in a 65535-byte buffer. */
    hp_w16(pkt + 4, 0xffff);
    H_SNAP(s0);
    h_input(pkt, n);
    H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
    /* An empty echo (8 bytes). */
    len = echo6(icmp, 8);
    n = hp_ip6(pkt, H_PEER6, H_US6, HP_PROTO_ICMP6, icmp, len);
    h_input(pkt, n);
    H_EQ(h_ncap(), 1);
    H_EQ(collect_reply(reply), 8);
    h_clear();
    /* IPv4: one 65535-byte packet. */
    for (size_t k = 8; k < 65515; k++)
        icmp[k] = (uint8_t)k;
    n = hp_icmp4(pkt, H_PEER4, H_US4, 8, 0, 0x01020304, icmp + 8, 65515 - 8);
    H_EQ(n, 65535);
    h_input(pkt, n);
    CU_ASSERT(mtu == 65535 ? h_ncap() == 1 : h_ncap() > 40);
    size_t got = collect_reply(reply);
    H_EQ(got, 65515);
    H_EQ(reply[0], 0);
    CU_ASSERT(memcmp(reply + 8, icmp + 8, 65515 - 8) == 0);
    h_clear();
    /* ICMPv4 echo shorter than its header. */
    n = hp_ip4(pkt, H_PEER4, H_US4, HP_PROTO_ICMP, "\x08\x00\xf7\xff", 4, 1, 0, NULL, 0);
    H_SNAP(s1);
    h_input(pkt, n);
    H_DROPPED(s1, "ip_in+1 icmp_in+1 icmp_drop+1");
    H_EQ(h_custom_live, 0);
    H_END();
}

static void test_echo_lengths(void)
{
    echo_edges(1500);
    echo_edges(65535);
}

TERN_UNIT_SUITE(hostile_ipv6)
{
    CU_pSuite s = CU_add_suite("hostile/ipv6", NULL, NULL);
    CU_add_test(s, "payload length past or short of the buffer", test_lengths);
    CU_add_test(s, "long extension-header chains", test_long_chains);
    CU_add_test(s, "empty payloads and truncated extension headers", test_empty_and_truncated_chains);
    CU_add_test(s, "parameter problems (RFC 8200 4)", test_param_problems);
    CU_add_test(s, "atomic fragments (RFC 6946)", test_atomic_fragments);
    CU_add_test(s, "overlapping fragments (RFC 5722)", test_overlapping_fragments);
    CU_add_test(s, "ICMP errors quoting truncated headers", test_truncated_quotes);
    CU_add_test(s, "echo lengths at the limits", test_echo_lengths);
}
