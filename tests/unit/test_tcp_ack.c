/* tests/unit/test_tcp_ack.c: the pure ACK a receiver sends for every second
 * full segment (socket/tcp_ack.c builds it without the general header
 * path).  Over IPv4 and IPv6, with and without timestamps, the ACK must be
 * well-formed to an independent parser (checksum included: the hostile
 * harness refuses any bad output at teardown), carry exactly the ACK flag,
 * the next byte expected, the stack's next sequence number, a window and,
 * with timestamps, NOP NOP TS echoing the peer's latest TSval (RFC 7323
 * 3.2, appendix A's layout). */
#include <string.h>

#include "../hostile/hassert.h" /* the hostile harness: checked output */
#include "unit_suite.h"

static const uint8_t SYN_MSS[4] = {2, 4, 0x05, 0xb4};
/* MSS 1460, then NOP NOP TS (TSval 1000, TSecr 0). */
static const uint8_t SYN_MSS_TS[16] = {2, 4, 0x05, 0xb4, 1, 1, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0};

/* A listener on port 80 and a peer connected to it with the SYN options
 * given: false when the handshake failed. */
static bool peer_up(h_peer *P, uint32_t iss, bool v6, const uint8_t *opts, size_t optlen)
{
    if (!h_listen(80, 4))
        return false;
    h_peer_init(P, 80, iss);
    P->v6 = v6;
    return h_peer_connect(P, opts, optlen) == 0 && P->app != NULL && P->app->t != NULL;
}

/* Receive buffers of 30000 bytes: a window below 65535 (0xffff adds
 * nothing to a ones'-complement sum, so only a smaller window shows it is
 * summed). */
static h_opts window_30000(tern_tcp_config *c)
{
    tern_tcp_default_config(c);
    c->rcv_buf = c->rcv_buf_max = 30000;
    return (h_opts){.tcp = c};
}

static void ack_case(bool v6, bool ts)
{
    tern_tcp_config c;
    h_opts ho = window_30000(&c);
    H_BEGIN(&ho);
    h_peer P;
    const uint8_t *opts = ts ? SYN_MSS_TS : SYN_MSS;
    size_t optlen = ts ? sizeof SYN_MSS_TS : sizeof SYN_MSS;
    CU_ASSERT_FATAL(peer_up(&P, 0x20000000u, v6, opts, optlen));
    H_EQ(P.tcp.ts_on != 0, ts);
    uint32_t stack_next = P.tcp.rcv_nxt; /* the stack's SND.NXT: it sent nothing yet */
    /* A TTL and TOS of the socket's own, to find in the IPv4 header. */
    tern_tcp_set_ttl_tos(P.app->t, 77, 0x28);
    static uint8_t data[2 * 1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7u);
    P.ts_val = 0x01020304u; /* every byte distinct: a misplaced echo shows */
    h_clear();
    /* Two segments without PSH: the second one is acknowledged at once. */
    for (int i = 0; i < 2; i++) {
        h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt, P.tcp.rcv_nxt, data + i * 1000, 1000);
        P.tcp.snd_nxt += 1000;
    }
    H_EQ(P.app->rxlen, sizeof data);
    hp_pkt r;
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(h_bad_out, 0);
    H_EQ(r.ver, v6 ? 6 : 4);
    H_EQ(r.flags, HP_TCP_ACK);
    H_EQ(r.dlen, 0);
    H_EQ(r.ack, P.tcp.snd_nxt);
    H_EQ(r.seq, stack_next);
    H_EQ(r.sport, 80);
    H_EQ(r.dport, P.tcp.port);
    H_EQ(r.win, 30000); /* the application took the bytes: the window is whole again */
    H_EQ(r.has_ts, ts);
    H_EQ(r.thl, ts ? 32 : 20);
    H_EQ(r.nsack, 0);
    if (ts) {
        H_EQ(r.tsecr, P.ts_val);         /* the peer's latest TSval, echoed */
        H_EQ(r.tsval, P.tcp.st_tsval);   /* the clock did not move since the SYN-ACK */
        const uint8_t *o = r.l4 + 20;
        H_EQ(o[0], 1);
        H_EQ(o[1], 1);
        H_EQ(o[2], 8);
        H_EQ(o[3], 10);
    }
    if (!v6) {
        /* The bytes tern__ipv4_emit writes (tcp_ack.c writes them field
         * by field): version/IHL, the socket's TOS and TTL, this packet's
         * length, no fragment flags or offset, TCP; addresses and header
         * checksum are checked by the harness (h_bad_out). */
        const uint8_t *ip = r.l4 - 20;
        H_EQ(ip[0], 0x45);
        H_EQ(ip[1], 0x28);
        H_EQ((ip[2] << 8) | ip[3], 20 + (ts ? 32 : 20));
        H_EQ(ip[6], 0);
        H_EQ(ip[7], 0);
        H_EQ(ip[8], 77);
        H_EQ(ip[9], 6);
        /* The next ACK takes the next identification. */
        uint16_t id = (uint16_t)((ip[4] << 8) | ip[5]);
        h_clear();
        for (int i = 0; i < 2; i++) {
            h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt, P.tcp.rcv_nxt, data + i * 1000, 1000);
            P.tcp.snd_nxt += 1000;
        }
        hp_pkt r2;
        CU_ASSERT_FATAL(h_last_tcp(&r2, HP_TCP_ACK));
        H_EQ(r2.ack, P.tcp.snd_nxt);
        H_EQ(r2.id, (uint16_t)(id + 1));
        H_EQ(h_bad_out, 0);
    }
    h_peer_free(&P);
    H_END();
}

/* The bare FIN (a close with nothing queued) leaves through the same
 * writer: FIN and ACK, the next sequence number, RCV.NXT, the window, the
 * timestamps, this socket's TOS and TTL, a checksum the harness accepts.
 * With a SACK block owed (out-of-order data held) the FIN takes the
 * general path instead and carries the block. */
static const uint8_t SYN_MSS_SACK_TS[20] = {2, 4, 0x05, 0xb4, 4, 2, 1, 1, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 1, 1};

static void fin_case(bool v6, bool ts, bool sack_owed)
{
    tern_tcp_config c;
    h_opts ho = window_30000(&c);
    H_BEGIN(&ho);
    h_peer P;
    const uint8_t *opts = sack_owed ? SYN_MSS_SACK_TS : ts ? SYN_MSS_TS : SYN_MSS;
    size_t optlen = sack_owed ? sizeof SYN_MSS_SACK_TS : ts ? sizeof SYN_MSS_TS : sizeof SYN_MSS;
    CU_ASSERT_FATAL(peer_up(&P, 0x30000000u, v6, opts, optlen));
    H_EQ(P.tcp.ts_on != 0, ts);
    uint32_t stack_next = P.tcp.rcv_nxt;
    tern_tcp_set_ttl_tos(P.app->t, 66, 0x48);
    static uint8_t data[500];
    if (sack_owed) {
        /* 500 bytes past a 500-byte hole: held out of order. */
        h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt + 500, P.tcp.rcv_nxt, data, sizeof data);
        H_EQ(P.app->rxlen, 0);
    }
    P.ts_val = 0x0a0b0c0du;
    if (ts) /* a segment that only updates TS.Recent, so the FIN echoes it */
        h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt, P.tcp.rcv_nxt, NULL, 0);
    h_clear();
    CU_ASSERT_EQUAL_FATAL(tern_tcp_close(P.app->t), TERN_OK);
    hp_pkt r;
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_FIN));
    H_EQ(h_bad_out, 0);
    H_EQ(r.ver, v6 ? 6 : 4);
    H_EQ(r.flags, HP_TCP_FIN | HP_TCP_ACK);
    H_EQ(r.dlen, 0);
    H_EQ(r.seq, stack_next);
    H_EQ(r.ack, P.tcp.snd_nxt);
    H_EQ(r.sport, 80);
    H_EQ(r.dport, P.tcp.port);
    H_EQ(r.has_ts, ts);
    H_EQ(r.nsack, sack_owed ? 1 : 0);
    if (sack_owed) {
        H_EQ(r.sack[0][0], P.tcp.snd_nxt + 500);
        H_EQ(r.sack[0][1], P.tcp.snd_nxt + 1000);
    } else {
        H_EQ(r.thl, ts ? 32 : 20);
    }
    H_EQ(r.win, 30000);
    if (ts) {
        H_EQ(r.tsecr, P.ts_val);
        H_EQ(r.tsval, P.tcp.st_tsval);
    }
    if (!v6) {
        const uint8_t *ip = r.l4 - 20;
        H_EQ(ip[1], 0x48);
        H_EQ(ip[8], 66);
        H_EQ((ip[2] << 8) | ip[3], 20 + r.thl);
    }
    h_peer_free(&P);
    H_END();
}

static void test_fin_v4(void) { fin_case(false, false, false); }
static void test_fin_v4_ts(void) { fin_case(false, true, false); }
static void test_fin_v6(void) { fin_case(true, false, false); }
static void test_fin_v6_ts(void) { fin_case(true, true, false); }
static void test_fin_sack_owed(void) { fin_case(false, true, true); }

/* A data segment over IPv4 gets its IP header written beside the TCP
 * header (tcp_output.c transmit): the socket's TOS and TTL, the packet's
 * length, no fragment bits, consecutive identifications, a header
 * checksum and a TCP checksum over the payload that the harness accepts;
 * the same over IPv6 through the general output. */
static void data_case(bool v6)
{
    h_opts ho = {0};
    H_BEGIN(&ho);
    h_peer P;
    CU_ASSERT_FATAL(peer_up(&P, 0x40000000u, v6, SYN_MSS_TS, sizeof SYN_MSS_TS));
    tern_tcp_set_ttl_tos(P.app->t, 55, 0x10);
    tern_tcp_set_nodelay(P.app->t, true);
    static uint8_t data[700];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 13u + 1u);
    uint32_t first = P.tcp.rcv_nxt;
    h_clear();
    CU_ASSERT_EQUAL_FATAL(tern_tcp_write(P.app->t, data, 300, 0), TERN_OK);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_output(P.app->t), TERN_OK);
    hp_pkt a;
    CU_ASSERT_FATAL(h_last_tcp(&a, HP_TCP_ACK));
    CU_ASSERT_EQUAL_FATAL(tern_tcp_write(P.app->t, data + 300, 400, 0), TERN_OK);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_output(P.app->t), TERN_OK);
    hp_pkt b;
    CU_ASSERT_FATAL(h_last_tcp(&b, HP_TCP_ACK));
    H_EQ(h_bad_out, 0);
    H_EQ(a.ver, v6 ? 6 : 4);
    H_EQ(a.seq, first);
    H_EQ(a.dlen, 300);
    H_EQ(b.seq, first + 300);
    H_EQ(b.dlen, 400);
    CU_ASSERT_EQUAL(memcmp(a.data, data, 300), 0);
    CU_ASSERT_EQUAL(memcmp(b.data, data + 300, 400), 0);
    H_EQ(a.has_ts, true);
    if (!v6) {
        const uint8_t *ip = a.l4 - 20;
        H_EQ(ip[0], 0x45);
        H_EQ(ip[1], 0x10);
        H_EQ((ip[2] << 8) | ip[3], 20 + 32 + 300);
        H_EQ(ip[6], 0);
        H_EQ(ip[7], 0);
        H_EQ(ip[8], 55);
        H_EQ(ip[9], 6);
        H_EQ(b.id, (uint16_t)(a.id + 1));
    }
    h_peer_free(&P);
    H_END();
}

static void test_data_v4(void) { data_case(false); }
static void test_data_v6(void) { data_case(true); }

static void test_ack_v4(void) { ack_case(false, false); }
static void test_ack_v4_ts(void) { ack_case(false, true); }
static void test_ack_v6(void) { ack_case(true, false); }
static void test_ack_v6_ts(void) { ack_case(true, true); }

TERN_UNIT_SUITE(tcp_ack)
{
    CU_pSuite s = CU_add_suite("tcp/ack", NULL, NULL);
    CU_add_test(s, "pure ACK over IPv4", test_ack_v4);
    CU_add_test(s, "pure ACK over IPv4 with timestamps", test_ack_v4_ts);
    CU_add_test(s, "pure ACK over IPv6", test_ack_v6);
    CU_add_test(s, "pure ACK over IPv6 with timestamps", test_ack_v6_ts);
    CU_add_test(s, "bare FIN over IPv4", test_fin_v4);
    CU_add_test(s, "bare FIN over IPv4 with timestamps", test_fin_v4_ts);
    CU_add_test(s, "bare FIN over IPv6", test_fin_v6);
    CU_add_test(s, "bare FIN over IPv6 with timestamps", test_fin_v6_ts);
    CU_add_test(s, "FIN owing a SACK block: the general path, the block carried", test_fin_sack_owed);
    CU_add_test(s, "data segment over IPv4: IP header written with the TCP header", test_data_v4);
    CU_add_test(s, "data segment over IPv6", test_data_v6);
}
