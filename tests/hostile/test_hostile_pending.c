/* tests/hostile/test_hostile_pending.c: hostile-input tests that FAIL on
 * the current core, one per known bug.  The suite deliberately does not
 * register itself: each test moves to its topic's suite once the bug is
 * fixed.  To run them anyway, replace the register function's header at
 * the end of this file with TERN_UNIT_SUITE(hostile_pending).
 *
 * Each test names the bug it demonstrates; the report that came with them
 * has the minimal reproduction. */
#include <stdlib.h>
#include <string.h>

#include "hassert.h"

/* BUG 1 (LAND ACK storm).  A SYN with source = destination (address and
 * port) to a listener makes a SYN-RECEIVED child whose SYN-ACK, looped
 * back, is not acceptable to itself; the child answers an unacceptable
 * segment with an ACK (RFC 9293 3.10.7.4), which is again unacceptable:
 * one packet, an endless ACK loop.  Since ccbec45 such packets are dropped
 * on ordinary interfaces; on a loopback interface (tern_iface_set_loopback)
 * the loop remains.  Fix: rate-limit the ACKs sent for unacceptable
 * segments (Linux: tcp_invalid_ratelimit, one per 500 ms per socket), or
 * refuse a SYN whose source equals its destination, address and port. */
static void test_land_ack_storm(void)
{
    H_BEGIN(NULL);
    tern_iface_set_loopback(h_ifc, true);
    tern_tcp *l = h_listen(80, 4);
    CU_ASSERT_FATAL(l != NULL);
    uint8_t seg[64];
    hp_tcp t = {.sport = 80, .dport = 80, .seq = 0x1000, .flags = HP_TCP_SYN, .win = 8192};
    size_t n = hp_tcp4(seg, H_US4, H_US4, &t);
    h_input(seg, n);
    uint64_t sent;
    int rounds = h_loop_back(1000, &sent);
    CU_ASSERT(rounds >= 0 && rounds < 50);
    CU_ASSERT(sent < 100);
    h_clear();
    H_END();
}

/* BUG 2 (reassembly memory accounting).  The reassembly cap
 * (reass_max_bytes, "buffer cap", default 1 MiB) counts fragment payload
 * bytes, not the buffers holding them: 16384 8-byte fragments (64 ids x
 * 256 offsets) in pool buffers pin ~27 MB of pbufs while the stack
 * believes it holds 128 KiB.  Fix: charge each held fragment the size of
 * its buffer (or at least a fixed per-fragment overhead), as Linux charges
 * skb truesize against ipfrag_high_thresh. */
static void test_tiny_fragment_memory(void)
{
    H_BEGIN(NULL);
    static uint8_t pkt[64], body[8];
    tern_pbuf_stats st0, st;
    tern_pbuf_get_stats(&st0);
    uint64_t seed = 7, max_bytes = 0;
    for (int i = 0; i < 40000; i++) {
        uint64_t r = hp_rand(&seed);
        size_t n = hp_ip4(pkt, H_PEER4, H_US4, HP_PROTO_UDP, body, 8, (uint16_t)(r % 64),
                          (uint16_t)(HP_IP4_MF | ((r >> 8) % 8000)), NULL, 0);
        tern_pbuf *p = tern_pbuf_alloc(0, (uint16_t)n, TERN_PBUF_POOL);
        CU_ASSERT_FATAL(p != NULL);
        memcpy(p->payload, pkt, n);
        tern_iface_input(h_ifc, p);
        tern_pbuf_get_stats(&st);
        if (st.live_bytes - st0.live_bytes > max_bytes)
            max_bytes = st.live_bytes - st0.live_bytes;
    }
    /* Twice the 1 MiB default is generous; today it is ~27 MB. */
    CU_ASSERT(max_bytes <= 2u * 1024 * 1024);
    /* The same with exact-size input buffers: 3.5 bytes held per data byte. */
    for (int i = 0; i < 40000; i++) {
        uint64_t r = hp_rand(&seed);
        size_t n = hp_ip4(pkt, H_PEER4, H_US4, HP_PROTO_UDP, body, 8, (uint16_t)(r % 64 + 64),
                          (uint16_t)(HP_IP4_MF | ((r >> 8) % 8000)), NULL, 0);
        h_input(pkt, n);
    }
    CU_ASSERT(h_custom_live <= 64u * 256u);
    h_advance(20000);
    H_EQ(h_custom_live, 0);
    H_END();
}

/* BUG 3 (atomic fragments, RFC 6946 4).  An IPv6 fragment with offset 0
 * and M = 0 is a complete datagram and "MUST be processed independently
 * of any other fragments".  tern files it under its identification: when
 * a fragment with that identification is held (sent by anyone who guessed
 * or saw the identification), the atomic fragment counts as overlapping
 * it and the datagram is discarded (RFC 5722), so a legitimate packet is
 * lost.  Fix: in tern__reass_ipv6, hand an atomic fragment straight back
 * (strip the Fragment header) without looking up the datagram list. */
static uint8_t pay6[512], pkt6[600];

static void send_frag6(const uint8_t *data, size_t off, size_t len, bool more, uint32_t id)
{
    uint8_t fh[8] = {HP_PROTO_ICMP6, 0};
    hp_w16(fh + 2, (uint16_t)(off | (more ? 1u : 0u)));
    hp_w32(fh + 4, id);
    memcpy(pay6, fh, 8);
    memcpy(pay6 + 8, data + off, len);
    size_t n = hp_ip6(pkt6, H_PEER6, H_US6, HP_NH_FRAG, pay6, 8 + len);
    h_input(pkt6, n);
}

static void test_atomic_fragment_independent(void)
{
    H_BEGIN(NULL);
    uint8_t icmp[200];
    for (size_t i = 8; i < sizeof(icmp); i++)
        icmp[i] = (uint8_t)i;
    icmp[0] = 128;
    icmp[1] = 0;
    hp_w32(icmp + 4, 0x0707);
    hp_l4_csum6(icmp, sizeof(icmp), H_PEER6, H_US6, HP_PROTO_ICMP6, 2);
    send_frag6(icmp, 64, 64, true, 0xabd); /* held, same identification */
    H_EQ(h_custom_live, 1);
    send_frag6(icmp, 0, sizeof(icmp), false, 0xabd);
    H_EQ(h_ncap(), 1); /* the echo is answered */
    h_clear();
    h_advance(70000);
    H_EQ(h_custom_live, 0);
    H_END();
}

/* BUG 4 (martian sources answered).  RFC 1122 3.2.1.3: a host MUST
 * silently discard a datagram whose source is a broadcast address (the
 * directed broadcast of a connected subnet as much as 255.255.255.255),
 * and must never send to 0.0.0.0 or 127/8 on the wire.  tern drops
 * 255.255.255.255 and multicast sources, but a SYN, an echo request or a
 * datagram to a closed port from 198.19.255.255 (the broadcast of its own
 * 198.18.0.0/15) is answered to that broadcast address: one spoofed packet,
 * a reply to every host of the subnet (smurf-style reflection).  From
 * 0.0.0.0 and from 127.0.0.1 the answers go to those addresses.  Fix: in
 * ipv4_input, drop sources that are 0.0.0.0 (unless the destination is a
 * broadcast, for DHCP), 127/8 (on a non-loopback interface), or the
 * directed broadcast of any interface's subnet. */
static void test_martian_sources(void)
{
    H_BEGIN(NULL);
    tern_tcp *l = h_listen(80, 4);
    CU_ASSERT_FATAL(l != NULL && h_udp_open(7) != NULL);
    static uint8_t pkt[200];
    const uint32_t srcs[] = {hp_v4(198, 19, 255, 255), hp_v4(0, 0, 0, 0), hp_v4(127, 0, 0, 1)};
    for (unsigned i = 0; i < 3; i++) {
        hp_tcp t = {.sport = 1000, .dport = 80, .seq = 1, .flags = HP_TCP_SYN, .win = 100};
        size_t n = hp_tcp4(pkt, srcs[i], H_US4, &t);
        H_SNAP(s0);
        h_input(pkt, n);
        H_DROPPED(s0, "ip_in+1 ip_drop_malformed+1");
        t.dport = 81;
        n = hp_tcp4(pkt, srcs[i], H_US4, &t);
        h_input(pkt, n);
        uint8_t icmp[16] = {8, 0, 0, 0, 0, 1, 0, 1};
        hp_w16(icmp + 2, hp_fold(hp_sum(0, icmp, sizeof(icmp))));
        n = hp_ip4(pkt, srcs[i], H_US4, HP_PROTO_ICMP, icmp, sizeof(icmp), 1, 0, NULL, 0);
        h_input(pkt, n);
        n = hp_udp4(pkt, srcs[i], H_US4, 5, 9, "x", 1, false);
        h_input(pkt, n);
        H_EQ(h_ncap(), 0);
        h_clear();
    }
    H_EQ(h_accept_count, 0);
    H_END();
}

/* BUG 5 (out-of-order queue accounting; BUG 2's cousin).  The TCP
 * out-of-order queue is bounded by a segment count (ooo_max_segs, 1024),
 * not by memory: 1-byte segments in pool buffers, each ahead of a hole,
 * pin ~1.7 MB of pbufs on one connection whose receive buffer is 256 KiB
 * (6.4x), and every connection can do it.  Fix: charge held segments'
 * buffer sizes against the receive buffer (Linux: truesize against
 * sk_rcvbuf, pruning the out-of-order queue), or copy small segments
 * into shared buffers. */
static void test_ooo_memory(void)
{
    H_BEGIN(NULL);
    CU_ASSERT_FATAL(h_listen(80, 4) != NULL);
    h_peer pr;
    h_peer_init(&pr, 80, 1000);
    static const uint8_t mss[4] = {2, 4, 5, 0xb4};
    CU_ASSERT_FATAL(h_peer_connect(&pr, mss, 4) == 0);
    tern_pbuf_stats s0, s;
    tern_pbuf_get_stats(&s0);
    static uint8_t pkt[128];
    for (int i = 0; i < 3000; i++) {
        size_t n = h_peer_build(&pr, pkt, HP_TCP_ACK, pr.tcp.snd_nxt + 1 + 2u * (uint32_t)i, pr.tcp.rcv_nxt, "x", 1, NULL, 0);
        tern_pbuf *p = tern_pbuf_alloc(0, (uint16_t)n, TERN_PBUF_POOL);
        CU_ASSERT_FATAL(p != NULL);
        memcpy(p->payload, pkt, n);
        tern_iface_input(h_ifc, p);
        h_clear();
    }
    tern_pbuf_get_stats(&s);
    CU_ASSERT(s.live_bytes - s0.live_bytes <= 2ull * 256 * 1024);
    h_peer_free(&pr);
    H_END();
}

/* BUG 6 (a socket the application still holds is freed without a word;
 * found by fuzz_tcp_stateful).  After tern_tcp_shutdown(t, false, true)
 * and, later, tern_tcp_shutdown(t, true, false) (two calls: not a close,
 * the application still owns t), the FIN-WAIT-2 timeout (tcp_timer.c,
 * slow_fire) destroys t with code 0: no err callback, so the application
 * keeps a dangling pointer and its next tern_tcp_* call is a
 * use-after-free.  lwIP's tcp_slowtmr calls err(ERR_ABRT) when it purges
 * a pcb this way.  The same with the directions the other way round:
 * shutdown(rx) hides the peer's FIN from the application (tern skips
 * recv(NULL) when rx_shut; lwIP still delivers it), and the TIME-WAIT
 * expiry frees the socket silently.  Fix: call err(TERN_ERR_ABRT) whenever
 * a socket the application has not closed (tern_tcp_close, or shutdown of
 * both directions in one call) is destroyed, and deliver the FIN after a
 * receive-only shutdown as lwIP does.
 *
 * Fuzzer input that found it (fuzz_tcp_stateful, before the harness
 * learned to treat two shutdowns as a close):
 *   40 28 c0 3e c5 c6 0d 00 ff 8c ff 8c 00 */
static void shut_both_then_wait(bool tx_first)
{
    H_BEGIN(NULL);
    CU_ASSERT_FATAL(h_listen(80, 4) != NULL);
    h_peer pr;
    h_peer_init(&pr, 80, 1000);
    static const uint8_t mss[4] = {2, 4, 5, 0xb4};
    CU_ASSERT_FATAL(h_peer_connect(&pr, mss, 4) == 0);
    tern_tcp *t = pr.app->t;
    h_clear();
    tern_tcp_shutdown(t, !tx_first, tx_first);
    tern_tcp_shutdown(t, tx_first, !tx_first);
    h_peer_absorb(&pr, true); /* the FIN is acknowledged: FIN-WAIT-2 */
    if (!tx_first) {
        h_peer_send(&pr, HP_TCP_ACK | HP_TCP_FIN, pr.tcp.snd_nxt, pr.tcp.rcv_nxt, NULL, 0); /* TIME-WAIT */
        pr.tcp.snd_nxt++;
    }
    h_clear();
    h_advance(130000);
    /* Either the socket is still there, or the application was told. */
    if (h_tcp_socket_count(h_stack) == 1)
        H_EQ(pr.app->errs, 1);
    h_peer_free(&pr);
    H_END();
}

static void test_shutdown_both_freed_silently(void)
{
    shut_both_then_wait(true);
    shut_both_then_wait(false);
}

void tern_test_register_hostile_pending(void)
{
    CU_pSuite s = CU_add_suite("hostile/pending (known bugs)", NULL, NULL);
    CU_add_test(s, "BUG 1: LAND SYN looped back is an endless ACK storm", test_land_ack_storm);
    CU_add_test(s, "BUG 2: tiny fragments pin memory far past the reassembly cap", test_tiny_fragment_memory);
    CU_add_test(s, "BUG 3: an atomic IPv6 fragment is lost when its ID is in use", test_atomic_fragment_independent);
    CU_add_test(s, "BUG 4: martian sources (subnet broadcast, 0.0.0.0, 127/8) are answered", test_martian_sources);
    CU_add_test(s, "BUG 5: 1-byte out-of-order segments pin 6x the receive buffer", test_ooo_memory);
    CU_add_test(s, "BUG 6: a socket shut down both ways is freed without err", test_shutdown_both_freed_silently);
}
