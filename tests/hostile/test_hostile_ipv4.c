/* tests/hostile/test_hostile_ipv4.c: malformed and hostile IPv4 packets.
 *
 * Each case delivers its packets in exact-size buffers and states which
 * counters may move; a clean drop also means nothing was sent, no
 * application callback ran and the buffer was freed at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hassert.h"
#include "unit_suite.h"

#define US H_US4
#define PEER H_PEER4

static uint8_t pkt[70000];
static uint8_t body[70000];

static void begin(const h_opts *o)
{
    H_BEGIN(o);
    CU_ASSERT_FATAL(h_udp_open(7) != NULL);
}

static size_t udp_hello(void) { return hp_udp4(pkt, PEER, US, 1234, 7, "hello", 5, false); }

static void test_ihl_below_5(void)
{
    begin(NULL);
    for (int ihl = 0; ihl < 5; ihl++) {
        size_t n = udp_hello();
        pkt[0] = (uint8_t)(0x40 | ihl);
        hp_ip4_fix(pkt);
        H_SNAP(s0);
        h_input(pkt, n);
        H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
    }
    H_EQ(h_udp.count, 0);
    H_END();
}

static void test_ihl_beyond_packet(void)
{
    begin(NULL);
    /* IHL 15 (60 bytes) on a 33-byte packet. */
    size_t n = udp_hello();
    pkt[0] = 0x4f;
    H_SNAP(s0);
    h_input(pkt, n);
    H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
    /* IHL 6 on a bare 20-byte header (total length 20). */
    n = hp_ip4(pkt, PEER, US, HP_PROTO_UDP, NULL, 0, 1, 0, NULL, 0);
    pkt[0] = 0x46;
    hp_ip4_fix(pkt);
    H_SNAP(s1);
    h_input(pkt, n);
    H_DROPPED(s1, "ip_in+1 ip_drop_malformed+1");
    /* IHL 8 (32 bytes) in a 28-byte packet whose total length says 28. */
    n = hp_ip4(pkt, PEER, US, HP_PROTO_UDP, "12345678", 8, 1, 0, NULL, 0);
    pkt[0] = 0x48;
    H_SNAP(s2);
    h_input(pkt, n);
    H_DROPPED(s2, "ip_in+1 ip_drop_malformed+1");
    H_EQ(h_udp.count, 0);
    H_END();
}

static void test_total_length(void)
{
    begin(NULL);
    static const uint16_t bad[] = {0, 1, 19, 34, 35, 200, 0xffff};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = udp_hello(); /* 33 bytes */
        hp_w16(pkt + 2, bad[i]);
        hp_ip4_fix(pkt);
        H_SNAP(s0);
        h_input(pkt, n);
        H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
    }
    /* Total length below the header once options count: IHL 6, length 20. */
    static const uint8_t nops[4] = {1, 1, 1, 1};
    size_t n = hp_ip4(pkt, PEER, US, HP_PROTO_UDP, NULL, 0, 1, 0, nops, 4);
    hp_w16(pkt + 2, 20);
    hp_ip4_fix(pkt);
    H_SNAP(s1);
    h_input(pkt, n);
    H_DROPPED(s1, "ip_in+1 ip_drop_malformed+1");
    /* A packet of one byte, and a version that is neither 4 nor 6. */
    uint8_t one = 0x45;
    H_SNAP(s2);
    h_input(&one, 1);
    H_DROPPED(s2, "ip_in+1 ip_drop_malformed+1");
    n = udp_hello();
    pkt[0] = 0x55;
    H_SNAP(s3);
    h_input(pkt, n);
    H_DROPPED(s3, "ip_in+1 ip_drop_malformed+1");
    n = udp_hello(); /* version 6 in a 33-byte packet */
    pkt[0] = 0x65;
    H_SNAP(s4);
    h_input(pkt, n);
    H_DROPPED(s4, "ip_in+1 ip_drop_malformed+1");
    H_EQ(h_udp.count, 0);
    H_END();
}

/* Bytes past the total length (link-layer padding) are trimmed, not data. */
static void test_trailing_bytes(void)
{
    begin(NULL);
    size_t n = udp_hello();
    memset(pkt + n, 0xee, 13);
    H_SNAP(s0);
    h_input(pkt, n + 13);
    H_MOVED(s0, "ip_in+1 udp_in+1");
    H_EQ(h_udp.count, 1);
    H_EQ(h_udp.last_len, 5);
    CU_ASSERT(memcmp(h_udp.last, "hello", 5) == 0);
    H_EQ(h_custom_live, 0);
    /* An echo request with padding: the reply is exactly as long as the request. */
    for (int i = 0; i < 56; i++)
        body[i] = (uint8_t)i;
    n = hp_icmp4(pkt, PEER, US, 8, 0, 0x00010001, body, 56);
    memset(pkt + n, 0xaa, 18);
    h_input(pkt, n + 18);
    H_EQ(h_ncap(), 1);
    hp_pkt r;
    CU_ASSERT_FATAL(h_cap_pkt(0, &r));
    H_EQ(r.proto, HP_PROTO_ICMP);
    H_EQ(r.itype, 0);
    H_EQ(r.dlen, 56);
    CU_ASSERT(memcmp(r.data, body, 56) == 0);
    H_END();
}

static void test_bad_checksum(void)
{
    begin(NULL);
    size_t n = udp_hello();
    pkt[10] ^= 0x40;
    H_SNAP(s0);
    h_input(pkt, n);
    H_DROPPED(s0, "ip_in+1 ip_drop_checksum+1");
    /* A header changed after the checksum was computed (TTL). */
    n = udp_hello();
    pkt[8] = 1;
    H_SNAP(s1);
    h_input(pkt, n);
    H_DROPPED(s1, "ip_in+1 ip_drop_checksum+1");
    H_EQ(h_udp.count, 0);
    H_END();
}

/* A fragment of an echo request: ICMP header + data at fragmentable offset off. */
static void frag_icmp(uint8_t *icmp, size_t total, size_t off, size_t len, uint16_t id)
{
    bool more = off + len < total;
    size_t n = hp_ip4(pkt, PEER, US, HP_PROTO_ICMP, icmp + off, len, id,
                      (uint16_t)((more ? HP_IP4_MF : 0) | (off / 8)), NULL, 0);
    h_input(pkt, n);
}

static size_t make_echo(uint8_t *icmp, size_t len)
{
    for (size_t i = 8; i < len; i++)
        icmp[i] = (uint8_t)(i * 13 + 1);
    icmp[0] = 8;
    icmp[1] = 0;
    icmp[2] = icmp[3] = 0;
    hp_w32(icmp + 4, 0x4242);
    hp_w16(icmp + 2, hp_fold(hp_sum(0, icmp, len)));
    return len;
}

static void test_ping_of_death(void)
{
    begin(NULL);
    /* A lone fragment at offset 65512 with 100 bytes: ends past 65535. */
    memset(body, 0x41, 100);
    size_t n = hp_ip4(pkt, PEER, US, HP_PROTO_ICMP, body, 100, 0x77, 8189, NULL, 0);
    H_SNAP(s0);
    h_input(pkt, n);
    H_DROPPED(s0, "ip_in+1 reass_drop+1");

    /* The largest legal echo (65535 bytes of IP) is answered... */
    static uint8_t icmp[65536];
    size_t total = make_echo(icmp, 65515);
    H_SNAP(s1);
    for (size_t off = 0; off < total; off += 1480)
        frag_icmp(icmp, total, off, total - off < 1480 ? total - off : 1480, 0x100);
    H_EQ(tern_stack_stats(h_stack)->reass_ok, s1.reass_ok + 1);
    H_EQ(h_custom_live, 0);
    static uint8_t reply[65536];
    size_t got = 0;
    for (int i = 0; i < h_ncap(); i++) {
        hp_pkt r;
        CU_ASSERT_FATAL(h_cap_pkt(i, &r));
        CU_ASSERT_FATAL(r.frag_off + r.l4len <= sizeof(reply));
        memcpy(reply + r.frag_off, r.l4, r.l4len);
        got += r.l4len;
    }
    H_EQ(got, total);
    H_EQ(reply[0], 0);
    CU_ASSERT(memcmp(reply + 4, icmp + 4, total - 4) == 0);
    h_clear();

    /* ...one byte more is refused at the fragment that crosses 65535, and
     * the datagram with it: everything held is freed at once. */
    total = make_echo(icmp, 65516);
    H_SNAP(s2);
    for (size_t off = 0; off < total; off += 1480)
        frag_icmp(icmp, total, off, total - off < 1480 ? total - off : 1480, 0x101);
    H_EQ(h_ncap(), 0);
    H_EQ(tern_stack_stats(h_stack)->reass_ok, s2.reass_ok);
    H_EQ(tern_stack_stats(h_stack)->reass_drop, s2.reass_drop + 1);
    H_EQ(h_custom_live, 0);
    H_END();
}

/* A UDP datagram of 8 + 32 bytes to port 7, fragmentable part in out. */
static size_t udp_datagram(uint8_t *out, const char *text32)
{
    size_t n = hp_udp_write(out, 1234, 7, text32, 32);
    hp_l4_csum4(out, n, PEER, US, HP_PROTO_UDP, 6);
    return n;
}

static void send_frag(const uint8_t *data, size_t off, size_t len, bool more, uint16_t id, uint8_t proto)
{
    size_t n = hp_ip4(pkt, PEER, US, proto, data + off, len, id, (uint16_t)((more ? HP_IP4_MF : 0) | (off / 8)),
                      NULL, 0);
    h_input(pkt, n);
}

/* An overlap poisons the whole datagram (RFC 5722, and the same for IPv4):
 * what was held goes, so no mix of two versions of the same bytes can
 * ever reach the application; honest retransmissions rebuild it. */
static void test_teardrop(void)
{
    begin(NULL);
    uint8_t legit[40], evil[40];
    udp_datagram(legit, "the legitimate thirty-two bytes!");
    memset(evil, 0x66, sizeof(evil));
    /* A (0..24), then B (16..32) overlapping A: both gone. */
    send_frag(legit, 0, 24, true, 0x55, HP_PROTO_UDP);
    H_EQ(h_custom_live, 1);
    H_SNAP(s0);
    send_frag(evil, 16, 16, true, 0x55, HP_PROTO_UDP);
    H_MOVED(s0, "ip_in+1 reass_drop+1");
    H_EQ(h_custom_live, 0);
    /* C (24..40, last) alone completes nothing; A again does. */
    H_SNAP(s1);
    send_frag(legit, 24, 16, false, 0x55, HP_PROTO_UDP);
    H_MOVED(s1, "ip_in+1");
    H_EQ(h_udp.count, 0);
    send_frag(legit, 0, 24, true, 0x55, HP_PROTO_UDP);
    H_MOVED(s1, "ip_in+2 reass_ok+1 udp_in+1");
    H_EQ(h_udp.count, 1);
    H_EQ(h_udp.last_len, 32);
    CU_ASSERT(memcmp(h_udp.last, "the legitimate thirty-two bytes!", 32) == 0);
    H_EQ(h_custom_live, 0);

    /* The original teardrop: a last fragment lying inside the first. */
    send_frag(legit, 0, 32, true, 0x56, HP_PROTO_UDP);
    H_SNAP(s2);
    send_frag(legit, 24, 4, false, 0x56, HP_PROTO_UDP);
    H_MOVED(s2, "ip_in+1 reass_drop+1");
    H_EQ(h_custom_live, 0);
    /* A last fragment ending before data already held. */
    send_frag(legit, 24, 8, true, 0x57, HP_PROTO_UDP);
    H_SNAP(s3);
    send_frag(legit, 8, 8, false, 0x57, HP_PROTO_UDP);
    H_MOVED(s3, "ip_in+1 reass_drop+1");
    H_EQ(h_custom_live, 0);
    /* Two last fragments that disagree on the end. */
    send_frag(legit, 32, 8, false, 0x59, HP_PROTO_UDP);
    H_SNAP(s5);
    send_frag(legit, 16, 8, false, 0x59, HP_PROTO_UDP);
    H_MOVED(s5, "ip_in+1 reass_drop+1");
    H_EQ(h_custom_live, 0);
    /* Zero-length and odd-length middle fragments. */
    H_SNAP(s4);
    send_frag(legit, 0, 0, true, 0x58, HP_PROTO_UDP);
    send_frag(legit, 8, 13, true, 0x58, HP_PROTO_UDP);
    H_DROPPED(s4, "ip_in+2 reass_drop+2");
    /* An exact duplicate is harmless (a retransmission), and completes once. */
    send_frag(legit, 0, 24, true, 0x5a, HP_PROTO_UDP);
    send_frag(legit, 0, 24, true, 0x5a, HP_PROTO_UDP);
    H_EQ(h_custom_live, 1);
    send_frag(legit, 24, 16, false, 0x5a, HP_PROTO_UDP);
    H_EQ(h_udp.count, 2);
    H_EQ(h_ncap(), 0);
    h_advance(20000);
    H_EQ(h_custom_live, 0);
    H_END();
}

/* RFC 1858: a tiny first fragment is legal (it is reassembled before TCP
 * looks at it), but a fragment at offset 8 rewriting the TCP flags of the
 * first one is an overlap and is refused. */
static void test_tiny_fragments(void)
{
    begin(NULL);
    tern_tcp *l = h_listen(80, 4);
    CU_ASSERT_FATAL(l != NULL);
    uint8_t seg[64];
    static const uint8_t mss[4] = {2, 4, 0x05, 0xb4};
    hp_tcp t = {.sport = 5555, .dport = 80, .seq = 1000, .flags = HP_TCP_SYN, .win = 8192, .opts = mss, .optlen = 4};
    size_t n = hp_tcp_write(seg, &t);
    hp_l4_csum4(seg, n, PEER, US, HP_PROTO_TCP, 16);
    send_frag(seg, 0, 8, true, 0x60, HP_PROTO_TCP);
    H_EQ(h_ncap(), 0);
    send_frag(seg, 8, n - 8, false, 0x60, HP_PROTO_TCP);
    hp_pkt sa;
    CU_ASSERT_FATAL(h_last_tcp(&sa, HP_TCP_SYN | HP_TCP_ACK));
    H_EQ(sa.ack, 1001);
    H_EQ(sa.dport, 5555);
    h_clear();

    /* First fragment: a bare ACK (a firewall would let it through). */
    hp_tcp a = {.sport = 6666, .dport = 80, .seq = 2000, .ack = 77, .flags = HP_TCP_ACK, .win = 8192};
    n = hp_tcp_write(seg, &a);
    hp_l4_csum4(seg, n, PEER, US, HP_PROTO_TCP, 16);
    send_frag(seg, 0, 16, true, 0x61, HP_PROTO_TCP);
    /* Offset 8 with a header tail whose flags say SYN: an overlap, so the
     * datagram is discarded. */
    uint8_t evil[24];
    memcpy(evil, seg, 24);
    evil[13] = HP_TCP_SYN;
    H_SNAP(s0);
    send_frag(evil, 8, 16, true, 0x61, HP_PROTO_TCP);
    H_MOVED(s0, "ip_in+1 reass_drop+1");
    H_EQ(h_custom_live, 0);
    H_EQ(h_ncap(), 0);
    /* The honest tail and first fragment rebuild the ACK: a RST answers it
     * (RFC 9293: an ACK to a listener), and no SYN-ACK was ever sent. */
    send_frag(seg, 16, 4, false, 0x61, HP_PROTO_TCP);
    H_EQ(h_ncap(), 0);
    send_frag(seg, 0, 16, true, 0x61, HP_PROTO_TCP);
    hp_pkt r;
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_RST));
    H_EQ(r.seq, 77);
    CU_ASSERT(!h_last_tcp(&r, HP_TCP_SYN));
    H_EQ(h_accept_count, 0);
    H_EQ(h_custom_live, 0);
    H_END();
}

/* Many incomplete datagrams of full-size fragments: the input held stays
 * under the configured cap (which counts data bytes; each buffer carries
 * a 20-byte header too) and is returned at the reassembly timeout.  With
 * pool buffers from the stack's own allocator, its live bytes stay within
 * twice the cap.  (Tiny fragments: see test_hostile_pending.c.) */
static void exhaust(uint32_t cap_bytes, bool pool)
{
    h_opts o = {.reass_max_bytes = cap_bytes};
    begin(&o);
    uint32_t cap = cap_bytes ? cap_bytes : 1024 * 1024;
    tern_pbuf_stats st0, st;
    tern_pbuf_get_stats(&st0);
    uint64_t max_live_bytes = 0, max_pbuf_bytes = 0;
    memset(body, 0x5a, 1480);
    for (int i = 0; i < 3000; i++) {
        uint32_t src = hp_v4(198, 19, (uint8_t)(i >> 8), (uint8_t)i);
        for (int k = 0; k < 3; k++) {
            size_t n = hp_ip4(pkt, src, US, HP_PROTO_UDP, body, 1480, (uint16_t)i,
                              (uint16_t)(HP_IP4_MF | (k * 1480 / 8)), NULL, 0);
            if (pool) {
                tern_pbuf *p = tern_pbuf_alloc(0, (uint16_t)n, TERN_PBUF_POOL);
                CU_ASSERT_FATAL(p != NULL && p->len == n);
                memcpy(p->payload, pkt, n);
                tern_iface_input(h_ifc, p);
            } else {
                h_input(pkt, n);
            }
            tern_pbuf_get_stats(&st);
            if (st.live_bytes - st0.live_bytes > max_pbuf_bytes)
                max_pbuf_bytes = st.live_bytes - st0.live_bytes;
            if (h_custom_live_bytes > max_live_bytes)
                max_live_bytes = h_custom_live_bytes;
        }
    }
    CU_ASSERT(max_live_bytes <= (uint64_t)cap * 1500 / 1480 + 1500);
    CU_ASSERT(max_pbuf_bytes <= 2ull * cap + 64 * 1024);
    H_EQ(h_ncap(), 0);
    CU_ASSERT(tern_stack_stats(h_stack)->reass_drop > 1000);
    h_advance(20000);
    H_EQ(h_custom_live, 0);
    tern_pbuf_get_stats(&st);
    H_EQ(st.live_bytes, st0.live_bytes);
    CU_ASSERT(tern_stack_stats(h_stack)->reass_timeout > 0);
    H_END();
}

static void test_fragment_memory_bounded(void)
{
    exhaust(0, false); /* default 1 MiB */
    exhaust(64 * 1024, false);
    exhaust(0, true);
    exhaust(64 * 1024, true);
}

/* IPv4 options are not interpreted: malformed option lengths must neither
 * crash nor be reflected; the answer carries a plain 20-byte header. */
static void test_bad_option_lengths(void)
{
    begin(NULL);
    static const uint8_t opts[][40] = {
        {7, 0, 0, 0},          /* record route, length 0 */
        {7, 1, 0, 0},          /* length 1 */
        {0x44, 0xff, 5, 0},    /* timestamp, length 255 */
        {0x83, 40, 4, 0},      /* loose source route past the header */
        {0x89, 3, 0, 0},       /* strict source route, pointer 0 */
        {1, 1, 1, 0x94},       /* router alert kind with no length byte */
    };
    uint8_t icmp[64];
    make_echo(icmp, sizeof(icmp));
    for (unsigned i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        h_clear();
        size_t n = hp_ip4(pkt, PEER, US, HP_PROTO_ICMP, icmp, sizeof(icmp), (uint16_t)i, 0, opts[i], 4);
        h_input(pkt, n);
        H_EQ(h_custom_live, 0);
        H_EQ(h_ncap(), 1);
        size_t len;
        const uint8_t *r = h_cap(0, &len);
        if (r) {
            H_EQ(r[0], 0x45);
            H_EQ(len, 20 + sizeof(icmp));
        }
    }
    /* 40 bytes of options whose first length runs to the end exactly, in a
     * datagram to a closed port: the port unreachable quotes IHL*4 + 8. */
    uint8_t big[40];
    memset(big, 0, sizeof(big));
    big[0] = 7;
    big[1] = 39;
    big[2] = 4;
    h_clear();
    size_t n = hp_udp_write(body, 1234, 9, "closed", 6);
    hp_l4_csum4(body, n, PEER, US, HP_PROTO_UDP, 6);
    n = hp_ip4(pkt, PEER, US, HP_PROTO_UDP, body, n, 9, 0, big, 40);
    h_input(pkt, n);
    H_EQ(h_ncap(), 1);
    hp_pkt e;
    CU_ASSERT_FATAL(h_cap_pkt(0, &e));
    H_EQ(e.itype, 3);
    H_EQ(e.icode, 3);
    H_EQ(e.dlen, 60 + 8);
    H_END();
}

/* LAND: source = destination.  A packet claiming one of the stack's own
 * addresses as source is dropped on a non-loopback interface. */
static void test_land(void)
{
    begin(NULL);
    tern_tcp *l = h_listen(80, 4);
    CU_ASSERT_FATAL(l != NULL);
    uint8_t seg[64], icmp[16];
    make_echo(icmp, sizeof(icmp));
    hp_tcp t = {.sport = 80, .dport = 80, .seq = 0x1000, .flags = HP_TCP_SYN, .win = 8192};
    size_t n = hp_tcp4(seg, US, US, &t);
    H_SNAP(s0);
    h_input(seg, n);
    H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
    t.dport = 1234;
    n = hp_tcp4(seg, US, US, &t);
    H_SNAP(s1);
    h_input(seg, n);
    H_DROPPED(s1, "ip_in+1 ip_drop_malformed+1");
    n = hp_udp4(pkt, US, US, 9, 9, "land", 4, false);
    H_SNAP(s2);
    h_input(pkt, n);
    H_DROPPED(s2, "ip_in+1 ip_drop_malformed+1");
    n = hp_ip4(pkt, US, US, HP_PROTO_ICMP, icmp, sizeof(icmp), 3, 0, NULL, 0);
    H_SNAP(s3);
    h_input(pkt, n);
    H_DROPPED(s3, "ip_in+1 ip_drop_malformed+1");
    /* IPv6 too. */
    hp_tcp t6 = {.sport = 80, .dport = 80, .seq = 0x1000, .flags = HP_TCP_SYN, .win = 8192};
    uint8_t seg6[80];
    n = hp_tcp6(seg6, H_US6, H_US6, &t6);
    H_SNAP(s4);
    h_input(seg6, n);
    H_DROPPED(s4, "ip_in+1 ip_drop_malformed+1");
    H_EQ(h_tcp_socket_count(h_stack), 1);
    H_END();
}

/* On a loopback interface the stack may talk to itself; still, whatever
 * it answers a looped LAND packet must die out (no endless exchange). */
static void test_land_loopback(void)
{
    begin(NULL);
    tern_iface_set_loopback(h_ifc, true);
    uint8_t seg[64], icmp[16];
    make_echo(icmp, sizeof(icmp));
    uint64_t sent;
    /* To a closed port, UDP to a closed port, and an echo to itself. */
    hp_tcp c = {.sport = 1234, .dport = 1234, .seq = 9, .flags = HP_TCP_SYN, .win = 8192};
    size_t n = hp_tcp4(seg, US, US, &c);
    h_input(seg, n);
    int rounds = h_loop_back(200, &sent);
    CU_ASSERT(rounds >= 0 && rounds <= 3);
    n = hp_udp4(pkt, US, US, 9, 9, "land", 4, false);
    h_input(pkt, n);
    rounds = h_loop_back(200, &sent);
    CU_ASSERT(rounds >= 0 && rounds <= 3);
    n = hp_ip4(pkt, US, US, HP_PROTO_ICMP, icmp, sizeof(icmp), 3, 0, NULL, 0);
    h_input(pkt, n);
    rounds = h_loop_back(200, &sent);
    CU_ASSERT(rounds >= 0 && rounds <= 3);
    H_EQ(h_custom_live, 0);
    H_END();
}

static void test_bad_sources(void)
{
    begin(NULL);
    tern_tcp *l = h_listen(80, 4);
    CU_ASSERT_FATAL(l != NULL);
    const uint32_t srcs[] = {hp_v4(255, 255, 255, 255), hp_v4(224, 0, 0, 1), hp_v4(239, 255, 255, 250),
                             hp_v4(233, 1, 2, 3)};
    uint8_t seg[64];
    for (unsigned i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
        size_t n = hp_udp4(pkt, srcs[i], US, 1234, 7, "hello", 5, false);
        H_SNAP(s0);
        h_input(pkt, n);
        H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
        hp_tcp t = {.sport = 1234, .dport = 80, .seq = 1, .flags = HP_TCP_SYN, .win = 8192};
        n = hp_tcp4(seg, srcs[i], US, &t);
        H_SNAP(s1);
        h_input(seg, n);
        H_DROPPED(s1, "ip_in+1 ip_drop_malformed+1");
    }
    H_EQ(h_udp.count, 0);
    H_EQ(h_accept_count, 0);
    H_EQ(h_tcp_socket_count(h_stack), 1);
    H_END();
}

/* Smurf and friends: nothing answers a broadcast or multicast destination. */
static void test_broadcast_destinations(void)
{
    begin(NULL);
    tern_tcp *l = h_listen(80, 4);
    CU_ASSERT_FATAL(l != NULL);
    const uint32_t dsts[] = {hp_v4(255, 255, 255, 255), hp_v4(198, 19, 255, 255)};
    uint8_t icmp[32], seg[64];
    make_echo(icmp, sizeof(icmp));
    for (unsigned i = 0; i < 2; i++) {
        size_t n = hp_ip4(pkt, PEER, dsts[i], HP_PROTO_ICMP, icmp, sizeof(icmp), 1, 0, NULL, 0);
        H_SNAP(s0);
        h_input(pkt, n);
        H_DROPPED(s0, "ip_in+1 icmp_in+1");
        hp_tcp t = {.sport = 1234, .dport = 80, .seq = 1, .flags = HP_TCP_SYN, .win = 8192};
        n = hp_tcp4(seg, PEER, dsts[i], &t);
        H_SNAP(s1);
        h_input(seg, n);
        H_DROPPED(s1, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
        n = hp_udp4(pkt, PEER, dsts[i], 1234, 9, "x", 1, false);
        H_SNAP(s2);
        h_input(pkt, n);
        H_DROPPED(s2, "ip_in+1 udp_in+1 udp_drop_no_socket+1");
    }
    H_EQ(h_accept_count, 0);
    H_END();
}

TERN_UNIT_SUITE(hostile_ipv4)
{
    CU_pSuite s = CU_add_suite("hostile/ipv4", NULL, NULL);
    CU_add_test(s, "IHL below 5", test_ihl_below_5);
    CU_add_test(s, "IHL beyond the packet", test_ihl_beyond_packet);
    CU_add_test(s, "total length below the header or past the buffer", test_total_length);
    CU_add_test(s, "trailing bytes are trimmed", test_trailing_bytes);
    CU_add_test(s, "bad header checksum", test_bad_checksum);
    CU_add_test(s, "ping of death, and the largest legal echo", test_ping_of_death);
    CU_add_test(s, "teardrop and overlapping fragments", test_teardrop);
    CU_add_test(s, "tiny first fragments (RFC 1858)", test_tiny_fragments);
    CU_add_test(s, "fragment memory stays bounded", test_fragment_memory_bounded);
    CU_add_test(s, "malformed option lengths", test_bad_option_lengths);
    CU_add_test(s, "LAND (source = destination) is dropped", test_land);
    CU_add_test(s, "LAND on a loopback interface dies out", test_land_loopback);
    CU_add_test(s, "broadcast and multicast sources", test_bad_sources);
    CU_add_test(s, "broadcast destinations get no answer", test_broadcast_destinations);
}
