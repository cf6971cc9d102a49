/* tests/hostile/test_hostile_tcp.c: malformed and hostile TCP segments
 * against a listener and an established connection (native API on the
 * stack's side, hand-built segments from an emulated peer).
 *
 * A dropped segment must move exactly the counters named, send nothing,
 * call nothing, and leave the connection as it was: the test snapshots
 * the socket's state and then proves the receive side still expects the
 * same next byte by sending it. */
#include <stdlib.h>
#include <string.h>

#include "hassert.h"
#include "unit_suite.h"

static uint8_t pkt[70000];
static h_peer P;
static tern_tcp *L;

static const uint8_t MSS1460[4] = {2, 4, 0x05, 0xb4};

static void listen_only(const h_opts *o)
{
    H_BEGIN(o);
    L = h_listen(80, 8);
    CU_ASSERT_FATAL(L != NULL);
}

static void established(const h_opts *o, const uint8_t *opts, size_t optlen)
{
    listen_only(o);
    h_peer_init(&P, 80, 0x10000000u);
    CU_ASSERT_FATAL(h_peer_connect(&P, opts ? opts : MSS1460, opts ? optlen : sizeof(MSS1460)) == 0);
    CU_ASSERT_FATAL(P.app != NULL && P.app->t != NULL);
    h_clear();
}

static void finish(void)
{
    h_peer_free(&P);
    H_END();
}

/* Delivers segment t from the peer's address (checksum made valid). */
static void send_seg(const hp_tcp *t)
{
    size_t n = hp_tcp4(pkt, H_PEER4, H_US4, t);
    h_input(pkt, n);
}

/* A segment from the peer with its current numbers. */
static hp_tcp peer_seg(uint8_t flags)
{
    hp_tcp t = {.sport = P.tcp.port, .dport = P.tcp.lport, .seq = P.tcp.snd_nxt, .ack = P.tcp.rcv_nxt, .flags = flags, .win = P.tcp.win};
    return t;
}

typedef struct conn_snap {
    tern_tcp_state state;
    uint32_t snd_buf, rcv_wnd, snd_wnd, cwnd, ssthresh, rto, challenge_acks, dupacks_in;
    uint16_t snd_queuelen, mss;
    uint64_t bytes_acked, bytes_received;
    size_t rx;
    int fins, errs;
} conn_snap;

static void snap_conn(conn_snap *s)
{
    memset(s, 0, sizeof(*s));
    if (P.app->t) {
        tern_tcp_info i;
        tern_tcp_get_info(P.app->t, &i);
        s->state = i.state;
        s->snd_buf = i.snd_buf;
        s->rcv_wnd = i.rcv_wnd;
        s->snd_wnd = i.snd_wnd;
        s->cwnd = i.cwnd;
        s->ssthresh = i.ssthresh;
        s->rto = i.rto_ms;
        s->challenge_acks = i.challenge_acks;
        s->dupacks_in = i.dupacks_in;
        s->snd_queuelen = i.snd_queuelen;
        s->mss = i.mss;
        s->bytes_acked = i.bytes_acked;
        s->bytes_received = i.bytes_received;
    }
    s->rx = P.app->rxlen;
    s->fins = P.app->fins;
    s->errs = P.app->errs;
}

#define SAME_CONN(before)                                                                                  \
    do {                                                                                                   \
        conn_snap now_;                                                                                    \
        snap_conn(&now_);                                                                                  \
        CU_ASSERT(memcmp(&now_, &(before), sizeof(now_)) == 0);                                            \
    } while (0)

/* The connection still expects P.tcp.snd_nxt: five bytes sent there are taken and
 * acknowledged (after the delayed-ACK timer). */
static void still_alive(void)
{
    size_t rx0 = P.app->rxlen;
    h_clear();
    h_peer_data(&P, "alive", 5);
    h_advance(300);
    H_EQ(P.app->rxlen, rx0 + 5);
    if (P.app->rxlen == rx0 + 5)
        CU_ASSERT(memcmp(P.app->rx + rx0, "alive", 5) == 0);
    hp_pkt a;
    CU_ASSERT(h_last_tcp(&a, HP_TCP_ACK));
    H_EQ(a.ack, P.tcp.snd_nxt);
    H_EQ(tern_tcp_get_state(P.app->t), TERN_TCP_ESTABLISHED);
    h_clear();
}

/* ---- header and option validation ---- */

static void test_data_offset(void)
{
    listen_only(NULL);
    for (int doff = 0; doff < 5; doff++) {
        hp_tcp t = {.sport = 1000, .dport = 80, .seq = 1, .flags = HP_TCP_SYN, .win = 1000,
                    .doff = doff ? doff : HP_DOFF_ZERO};
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    }
    /* Beyond the segment: 60 bytes claimed in 20, 24 claimed in 20. */
    int beyond[] = {15, 6};
    for (int i = 0; i < 2; i++) {
        hp_tcp t = {.sport = 1000, .dport = 80, .seq = 1, .flags = HP_TCP_SYN, .win = 1000, .doff = beyond[i]};
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    }
    H_EQ(h_tcp_socket_count(h_stack), 1);
    H_END();

    established(NULL, NULL, 0);
    for (int doff = 0; doff < 5; doff++) {
        conn_snap c0;
        snap_conn(&c0);
        hp_tcp t = peer_seg(HP_TCP_ACK | HP_TCP_PSH);
        t.doff = doff ? doff : HP_DOFF_ZERO;
        t.data = "evil!";
        t.dlen = 5;
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
        SAME_CONN(c0);
    }
    /* Data offset 15 on a segment with 20 bytes of data: the "header"
     * would swallow the data and run past the end. */
    conn_snap c1;
    snap_conn(&c1);
    hp_tcp t = peer_seg(HP_TCP_ACK);
    t.doff = 15;
    t.data = "0123456789012345678901234567";
    t.dlen = 20;
    H_SNAP(s1);
    send_seg(&t);
    H_DROPPED(s1, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    SAME_CONN(c1);
    still_alive();
    finish();
}

/* Option lists a parser must refuse.  Each is sent as a SYN to the
 * listener and as an ACK with data to the connection. */
static const struct {
    const char *what;
    uint8_t opts[40];
    size_t len;
} bad_opts[] = {
    {"length 0", {2, 0, 5, 0xb4}, 4},
    {"length 1", {8, 1, 0, 0}, 4},
    {"unknown kind, length 1", {0x42, 1, 1, 1}, 4},
    {"wscale length 1", {1, 3, 1, 0}, 4},
    {"timestamps overrun the header", {1, 1, 8, 10}, 4},
    {"SACK overruns the header", {1, 1, 5, 34, 0, 0, 0, 1, 0, 0, 0, 2}, 12},
    {"unknown option overruns", {0x99, 7, 0, 0}, 4},
    {"MSS length 3", {2, 3, 5, 0}, 4},
    {"MSS length 6", {2, 6, 5, 0xb4, 0, 0, 1, 1}, 8},
    {"MSS length 2", {2, 2, 1, 1}, 4},
    {"wscale length 4", {3, 4, 7, 0}, 4},
    {"SACK-permitted length 3", {4, 3, 0, 0}, 4},
    {"timestamps length 8", {8, 8, 0, 0, 0, 1, 0, 0}, 8},
    {"SACK length 9", {5, 9, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1}, 12},
    /* lwIP 2.1.3 read the byte after a bare kind at the end of the header. */
    {"bare MSS kind last", {1, 1, 1, 2}, 4},
    {"bare timestamp kind last", {1, 1, 1, 8}, 4},
    {"bare wscale kind last", {2, 4, 5, 0xb4, 1, 1, 1, 3}, 8},
};

static void test_bad_options_listener(void)
{
    listen_only(NULL);
    for (unsigned i = 0; i < sizeof(bad_opts) / sizeof(bad_opts[0]); i++) {
        hp_tcp t = {.sport = (uint16_t)(1000 + i), .dport = 80, .seq = 1, .flags = HP_TCP_SYN, .win = 1000,
                    .opts = bad_opts[i].opts, .optlen = bad_opts[i].len};
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    }
    H_EQ(h_tcp_socket_count(h_stack), 1);
    H_EQ(h_accept_count, 0);
    H_END();
}

static void test_bad_options_established(void)
{
    established(NULL, NULL, 0);
    for (unsigned i = 0; i < sizeof(bad_opts) / sizeof(bad_opts[0]); i++) {
        conn_snap c0;
        snap_conn(&c0);
        hp_tcp t = peer_seg(HP_TCP_ACK | HP_TCP_PSH);
        t.opts = bad_opts[i].opts;
        t.optlen = bad_opts[i].len;
        t.data = "evil";
        t.dlen = 4;
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
        SAME_CONN(c0);
    }
    still_alive();
    finish();
}

/* The lwIP 2.1.3 over-read: a SYN whose option area ends in a bare MSS
 * kind byte, the buffer ending right there (exact-size, no payload). */
static void test_lwip_bare_mss_kind(void)
{
    listen_only(NULL);
    static const uint8_t o1[4] = {1, 1, 1, 2};
    static const uint8_t o2[8] = {2, 4, 5, 0xb4, 1, 1, 1, 2};
    static const uint8_t o3[40] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                   1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
    const uint8_t *os[] = {o1, o2, o3};
    size_t ls[] = {4, 8, 40};
    for (int i = 0; i < 3; i++) {
        hp_tcp t = {.sport = 2000, .dport = 80, .seq = 7, .flags = HP_TCP_SYN, .win = 1000, .opts = os[i],
                    .optlen = ls[i]};
        size_t n = hp_tcp4(pkt, H_PEER4, H_US4, &t);
        H_EQ(n, 20 + 20 + ls[i]);
        H_EQ(pkt[n - 1], 2);
        H_SNAP(s0);
        h_input(pkt, n);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    }
    H_EQ(h_tcp_socket_count(h_stack), 1);
    H_END();
}

static void test_bad_flags(void)
{
    static const uint8_t combos[] = {HP_TCP_SYN | HP_TCP_FIN, HP_TCP_SYN | HP_TCP_RST, 0,
                                     HP_TCP_SYN | HP_TCP_FIN | HP_TCP_RST | HP_TCP_ACK, HP_TCP_PSH | HP_TCP_URG,
                                     HP_TCP_SYN | HP_TCP_FIN | HP_TCP_ACK};
    listen_only(NULL);
    for (unsigned i = 0; i < sizeof(combos); i++) {
        hp_tcp t = {.sport = 3000, .dport = 80, .seq = 1, .flags = combos[i], .win = 1000};
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    }
    /* To a closed port as well: no RST for a segment no stack sends. */
    for (unsigned i = 0; i < sizeof(combos); i++) {
        hp_tcp t = {.sport = 3000, .dport = 81, .seq = 1, .flags = combos[i], .win = 1000};
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    }
    H_EQ(h_tcp_socket_count(h_stack), 1);
    H_END();

    established(NULL, NULL, 0);
    for (unsigned i = 0; i < sizeof(combos); i++) {
        conn_snap c0;
        snap_conn(&c0);
        hp_tcp t = peer_seg(combos[i]);
        t.data = "x";
        t.dlen = 1;
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
        SAME_CONN(c0);
    }
    still_alive();
    finish();
}

static void test_checksum_and_ports(void)
{
    established(NULL, NULL, 0);
    conn_snap c0;
    snap_conn(&c0);
    hp_tcp t = peer_seg(HP_TCP_ACK | HP_TCP_PSH);
    t.data = "corrupt";
    t.dlen = 7;
    size_t n = hp_tcp4(pkt, H_PEER4, H_US4, &t);
    pkt[n - 1] ^= 0x20;
    H_SNAP(s0);
    h_input(pkt, n);
    H_DROPPED(s0, "ip_in+1 tcp_in+1 tcp_drop_checksum+1");
    SAME_CONN(c0);
    /* Source or destination port 0. */
    hp_tcp z = {.sport = 0, .dport = 80, .seq = 1, .flags = HP_TCP_SYN, .win = 100};
    H_SNAP(s1);
    send_seg(&z);
    H_DROPPED(s1, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    z.sport = 1234;
    z.dport = 0;
    H_SNAP(s2);
    send_seg(&z);
    H_DROPPED(s2, "ip_in+1 tcp_in+1 tcp_drop_malformed+1");
    /* A bare ACK with 6 bytes of link-layer padding carries no data. */
    t = peer_seg(HP_TCP_ACK);
    n = hp_tcp4(pkt, H_PEER4, H_US4, &t);
    memset(pkt + n, 0, 6);
    h_input(pkt, n + 6);
    SAME_CONN(c0);
    H_EQ(h_ncap(), 0);
    still_alive();
    finish();
}

/* The right answers from a listener and a closed port (RFC 9293 3.10.7.1-2). */
static void test_closed_and_listener_answers(void)
{
    listen_only(NULL);
    hp_pkt r;
    /* An ACK to a listener: RST with SEQ = SEG.ACK, no ACK bit. */
    hp_tcp a = {.sport = 4000, .dport = 80, .seq = 500, .ack = 0xdeadbeef, .flags = HP_TCP_ACK, .win = 100};
    send_seg(&a);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_RST));
    H_EQ(r.flags, HP_TCP_RST);
    H_EQ(r.seq, 0xdeadbeef);
    H_EQ(h_ncap(), 1);
    h_clear();
    /* A RST to a listener or a closed port: nothing. */
    hp_tcp rst = {.sport = 4000, .dport = 80, .seq = 500, .flags = HP_TCP_RST, .win = 0};
    send_seg(&rst);
    rst.dport = 81;
    send_seg(&rst);
    H_EQ(h_ncap(), 0);
    /* SYN and FIN to a closed port: RST|ACK acknowledging what they occupy. */
    hp_tcp s = {.sport = 4001, .dport = 81, .seq = 0xffffffffu, .flags = HP_TCP_SYN, .win = 100};
    send_seg(&s);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_RST));
    H_EQ(r.flags, HP_TCP_RST | HP_TCP_ACK);
    H_EQ(r.seq, 0);
    H_EQ(r.ack, 0); /* 0xffffffff + 1 wraps */
    h_clear();
    hp_tcp f = {.sport = 4001, .dport = 81, .seq = 100, .flags = HP_TCP_FIN, .win = 100, .data = "abc", .dlen = 3};
    send_seg(&f);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_RST));
    H_EQ(r.ack, 104);
    H_EQ(h_tcp_socket_count(h_stack), 1);
    H_END();
}

/* ---- window scale ---- */

/* A window scale above 14 is taken as 14 (RFC 7323 2.3): with a window
 * field of 2 the stack keeps at most 2 << 14 = 32768 bytes in flight. */
static void wscale_case(uint8_t ws)
{
    uint8_t opts[8] = {2, 4, 0x05, 0xb4, 1, 3, 3, ws};
    H_BEGIN(NULL);
    L = h_listen(80, 8);
    h_peer_init(&P, 80, 5000);
    P.tcp.win = 2;
    CU_ASSERT_FATAL(h_peer_connect(&P, opts, sizeof(opts)) == 0);
    h_clear();
    tern_tcp_info info;
    tern_tcp_get_info(P.app->t, &info);
    H_EQ(info.snd_wscale, 14);
    H_EQ(info.snd_wnd, 32768);

    enum { TOTAL = 200000 };
    static uint8_t data[TOTAL];
    for (size_t i = 0; i < TOTAL; i++)
        data[i] = (uint8_t)(i * 31 + (i >> 9));
    H_EQ(tern_tcp_write(P.app->t, data, TOTAL, 0), 0);
    tern_tcp_output(P.app->t);
    uint32_t max_flight = 0;
    for (int round = 0; round < 10000 && P.gotlen < TOTAL; round++) {
        uint32_t acked = P.tcp.rcv_nxt; /* everything up to here is acknowledged */
        for (int i = 0; i < h_ncap(); i++) {
            hp_pkt p;
            if (h_cap_pkt(i, &p) && p.proto == HP_PROTO_TCP && p.dlen) {
                uint32_t flight = p.seq + (uint32_t)p.dlen - acked;
                if (flight > max_flight)
                    max_flight = flight;
            }
        }
        if (h_ncap() == 0)
            h_advance(100);
        else
            h_peer_absorb(&P, true);
    }
    H_EQ(P.gotlen, TOTAL);
    CU_ASSERT(P.gotlen == TOTAL && memcmp(P.got, data, TOTAL) == 0);
    CU_ASSERT(max_flight <= 32768);
    CU_ASSERT(max_flight > 16384); /* the window, not cwnd, was the limit */
    finish();
}

static void test_wscale_clamped(void)
{
    wscale_case(15);
    wscale_case(255);
}

/* ---- sequence space ---- */

/* The peer's ISN sits just below 2^32: data crossing 0 arrives byte-exact,
 * in order and out of order. */
static void test_sequence_wraparound(void)
{
    listen_only(NULL);
    h_peer_init(&P, 80, 0xffffff00u);
    CU_ASSERT_FATAL(h_peer_connect(&P, MSS1460, sizeof(MSS1460)) == 0);
    static uint8_t data[1000];
    for (int i = 0; i < 1000; i++)
        data[i] = (uint8_t)(i ^ 0x5a);
    h_peer_data(&P, data, 200); /* 0xffffff01 .. 0xffffffc9 */
    h_peer_data(&P, data + 200, 200); /* crosses 0 */
    H_EQ(P.tcp.snd_nxt, 0xffffff01u + 400);
    /* 800..1000 before 400..800: held across the wrap, then delivered. */
    hp_tcp t = peer_seg(HP_TCP_ACK | HP_TCP_PSH);
    t.seq = P.tcp.snd_nxt + 400;
    t.data = data + 800;
    t.dlen = 200;
    h_clear();
    send_seg(&t);
    hp_pkt r;
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(r.ack, P.tcp.snd_nxt); /* a duplicate ACK for the hole */
    H_EQ(P.app->rxlen, 400);
    t.seq = P.tcp.snd_nxt + 200;
    t.data = data + 600;
    send_seg(&t);
    t.seq = P.tcp.snd_nxt;
    t.data = data + 400;
    send_seg(&t);
    P.tcp.snd_nxt += 600;
    H_EQ(P.app->rxlen, 1000);
    CU_ASSERT(P.app->rxlen == 1000 && memcmp(P.app->rx, data, 1000) == 0);
    h_advance(300);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(r.ack, 0xffffff01u + 1000);
    /* FIN right after the wrap. */
    h_clear();
    h_peer_send(&P, HP_TCP_ACK | HP_TCP_FIN, P.tcp.snd_nxt, P.tcp.rcv_nxt, NULL, 0);
    H_EQ(P.app->fins, 1);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(r.ack, 0xffffff01u + 1001);
    finish();
}

/* RFC 5961: a RST or SYN inside the window but not at RCV.NXT gets a
 * challenge ACK and the connection survives; outside the window a RST is
 * ignored; only a RST at exactly RCV.NXT resets. */
static void test_rst_and_syn_established(void)
{
    established(NULL, NULL, 0);
    hp_pkt r;
    uint32_t offs[] = {1, 100, 30000};
    for (int i = 0; i < 3; i++) {
        conn_snap c0;
        snap_conn(&c0);
        hp_tcp t = peer_seg(HP_TCP_RST);
        t.seq = P.tcp.snd_nxt + offs[i];
        H_SNAP(s0);
        send_seg(&t);
        H_MOVED(s0, "ip_in+1 ip_out+1 tcp_in+1 tcp_out+1");
        H_EQ(h_ncap(), 1);
        CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
        H_EQ(r.flags, HP_TCP_ACK);
        H_EQ(r.ack, P.tcp.snd_nxt);
        H_EQ(r.seq, P.tcp.rcv_nxt);
        H_EQ(P.app->errs, 0);
        H_EQ(tern_tcp_get_state(P.app->t), TERN_TCP_ESTABLISHED);
        c0.challenge_acks++;
        SAME_CONN(c0);
        h_clear();
    }
    /* RST|ACK in window: the same. */
    hp_tcp ra = peer_seg(HP_TCP_RST | HP_TCP_ACK);
    ra.seq = P.tcp.snd_nxt + 10;
    send_seg(&ra);
    H_EQ(h_ncap(), 1);
    H_EQ(P.app->errs, 0);
    h_clear();
    /* SYN in window, and an old duplicate of the peer's SYN. */
    uint32_t sseq[] = {P.tcp.snd_nxt + 5, P.tcp.snd_nxt, P.tcp.iss};
    for (int i = 0; i < 3; i++) {
        hp_tcp t = peer_seg(HP_TCP_SYN);
        t.seq = sseq[i];
        t.ack = 0;
        send_seg(&t);
        H_EQ(h_ncap(), 1);
        CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
        H_EQ(r.flags, HP_TCP_ACK);
        H_EQ(r.ack, P.tcp.snd_nxt);
        H_EQ(P.app->errs, 0);
        h_clear();
        hp_tcp sa = peer_seg(HP_TCP_SYN | HP_TCP_ACK);
        sa.seq = sseq[i];
        send_seg(&sa);
        H_EQ(h_ncap(), 1);
        H_EQ(P.app->errs, 0);
        h_clear();
    }
    /* Out of window: ignored without a word. */
    uint32_t far[] = {P.tcp.snd_nxt - 1, P.tcp.snd_nxt - 70000, P.tcp.snd_nxt + 0x80000000u, P.tcp.snd_nxt + 300000};
    for (int i = 0; i < 4; i++) {
        conn_snap c0;
        snap_conn(&c0);
        hp_tcp t = peer_seg(HP_TCP_RST);
        t.seq = far[i];
        H_SNAP(s0);
        send_seg(&t);
        H_DROPPED(s0, "ip_in+1 tcp_in+1");
        SAME_CONN(c0);
    }
    still_alive();
    /* At RCV.NXT: reset, reported once, nothing sent. */
    tern_tcp *t = P.app->t;
    (void)t;
    hp_tcp x = peer_seg(HP_TCP_RST);
    h_clear();
    send_seg(&x);
    H_EQ(h_ncap(), 0);
    H_EQ(P.app->errs, 1);
    H_EQ(P.app->err, H_ERR_RST);
    CU_ASSERT(P.app->t == NULL);
    H_EQ(h_tcp_socket_count(h_stack), 1);
    finish();
}

/* RFC 5961 5.2: an ACK for data never sent, or too far below SND.UNA,
 * gets a challenge ACK and changes nothing. */
static void test_bad_ack_values(void)
{
    established(NULL, NULL, 0);
    uint32_t acks[] = {P.tcp.rcv_nxt + 1, P.tcp.rcv_nxt + 100000, P.tcp.rcv_nxt - 0x40000000u};
    for (int i = 0; i < 3; i++) {
        conn_snap c0;
        snap_conn(&c0);
        hp_tcp t = peer_seg(HP_TCP_ACK | HP_TCP_PSH);
        t.ack = acks[i];
        t.data = "zz";
        t.dlen = 2;
        send_seg(&t);
        hp_pkt r;
        CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
        H_EQ(r.ack, P.tcp.snd_nxt); /* the data was not taken */
        c0.challenge_acks++;
        SAME_CONN(c0);
        h_clear();
    }
    still_alive();
    finish();
}

/* Data beyond the receive window is cut at the right edge. */
static void test_data_beyond_window(void)
{
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    c.rcv_buf = c.rcv_buf_max = 4096;
    h_opts o = {.tcp = &c};
    established(&o, NULL, 0);
    P.app->no_recved = true;
    tern_tcp_info i0;
    tern_tcp_get_info(P.app->t, &i0);
    H_EQ(i0.rcv_wnd, 4096);
    static uint8_t data[10000];
    for (int i = 0; i < 10000; i++)
        data[i] = (uint8_t)(i * 7);
    /* 6000 bytes in one segment: 4096 taken. */
    hp_tcp t = peer_seg(HP_TCP_ACK | HP_TCP_PSH);
    t.data = data;
    t.dlen = 6000;
    send_seg(&t);
    H_EQ(P.app->rxlen, 4096);
    CU_ASSERT(memcmp(P.app->rx, data, 4096) == 0);
    h_advance(300);
    hp_pkt r;
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(r.ack, P.tcp.snd_nxt + 4096);
    H_EQ(r.win, 0);
    h_clear();
    /* A segment wholly beyond the (now closed) window: refused, re-ACKed. */
    t.seq = P.tcp.snd_nxt + 4096;
    t.data = data + 4096;
    t.dlen = 100;
    send_seg(&t);
    H_EQ(P.app->rxlen, 4096);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(r.ack, P.tcp.snd_nxt + 4096);
    h_clear();
    /* A FIN beyond the window is not taken either. */
    t.flags = HP_TCP_ACK | HP_TCP_FIN;
    t.dlen = 0;
    send_seg(&t);
    H_EQ(P.app->fins, 0);
    /* The application reads: the rest fits again. */
    tern_tcp_recved(P.app->t, 4096);
    P.tcp.snd_nxt += 4096;
    h_clear();
    h_peer_data(&P, data + 4096, 1904);
    H_EQ(P.app->rxlen, 6000);
    CU_ASSERT(memcmp(P.app->rx, data, 6000) == 0);
    finish();
}

/* The urgent pointer means nothing to tern: beyond the data it is
 * harmless and the data is delivered once, in order. */
static void test_urgent_pointer(void)
{
    established(NULL, NULL, 0);
    hp_tcp t = peer_seg(HP_TCP_ACK | HP_TCP_PSH | HP_TCP_URG);
    t.urg = 5000;
    t.data = "0123456789";
    t.dlen = 10;
    send_seg(&t);
    P.tcp.snd_nxt += 10;
    H_EQ(P.app->rxlen, 10);
    CU_ASSERT(memcmp(P.app->rx, "0123456789", 10) == 0);
    hp_tcp u = peer_seg(HP_TCP_ACK | HP_TCP_URG);
    u.urg = 0xffff;
    send_seg(&u);
    H_EQ(P.app->rxlen, 10);
    still_alive();
    finish();
}

/* A FIN repeated, a FIN ahead of a hole, a FIN inside held data. */
static void test_fin_cases(void)
{
    established(NULL, NULL, 0);
    static uint8_t data[300];
    for (int i = 0; i < 300; i++)
        data[i] = (uint8_t)(i + 1);
    /* [100, 300) + FIN arrives first, then [0, 100). */
    hp_tcp t = peer_seg(HP_TCP_ACK | HP_TCP_FIN);
    t.seq = P.tcp.snd_nxt + 100;
    t.data = data + 100;
    t.dlen = 200;
    send_seg(&t);
    H_EQ(P.app->fins, 0);
    H_EQ(P.app->rxlen, 0);
    H_EQ(tern_tcp_get_state(P.app->t), TERN_TCP_ESTABLISHED);
    /* A bare FIN inside the held data is bogus: ignored. */
    hp_tcp bogus = peer_seg(HP_TCP_ACK | HP_TCP_FIN);
    bogus.seq = P.tcp.snd_nxt + 150;
    send_seg(&bogus);
    H_EQ(P.app->fins, 0);
    h_clear();
    h_peer_data(&P, data, 100);
    H_EQ(P.app->rxlen, 300);
    CU_ASSERT(memcmp(P.app->rx, data, 300) == 0);
    H_EQ(P.app->fins, 1);
    H_EQ(tern_tcp_get_state(P.app->t), TERN_TCP_CLOSE_WAIT);
    hp_pkt r;
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(r.ack, P.tcp.snd_nxt + 200 + 1);
    P.tcp.snd_nxt += 201;
    /* The FIN again (a retransmission): ACKed, not delivered twice. */
    h_clear();
    t.seq = P.tcp.snd_nxt - 201;
    t.dlen = 200;
    send_seg(&t);
    H_EQ(P.app->fins, 1);
    H_EQ(P.app->rxlen, 300);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(r.ack, P.tcp.snd_nxt);
    h_clear();
    hp_tcp again = peer_seg(HP_TCP_ACK | HP_TCP_FIN);
    again.seq = P.tcp.snd_nxt - 1;
    send_seg(&again);
    H_EQ(P.app->fins, 1);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_ACK));
    H_EQ(r.ack, P.tcp.snd_nxt);
    /* Data after the FIN: not delivered. */
    h_clear();
    h_peer_send(&P, HP_TCP_ACK | HP_TCP_PSH, P.tcp.snd_nxt, P.tcp.rcv_nxt, "late", 4);
    H_EQ(P.app->rxlen, 300);
    H_EQ(tern_tcp_get_state(P.app->t), TERN_TCP_CLOSE_WAIT);
    /* The application closes: FIN, the peer's ACK ends it. */
    h_clear();
    H_EQ(tern_tcp_close(P.app->t), 0);
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_FIN));
    h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt, r.seq + 1, NULL, 0);
    H_EQ(h_tcp_socket_count(h_stack), 1);
    finish();
}

TERN_UNIT_SUITE(hostile_tcp)
{
    CU_pSuite s = CU_add_suite("hostile/tcp", NULL, NULL);
    CU_add_test(s, "data offset below 5 or beyond the segment", test_data_offset);
    CU_add_test(s, "malformed options to a listener", test_bad_options_listener);
    CU_add_test(s, "malformed options to a connection", test_bad_options_established);
    CU_add_test(s, "lwIP 2.1.3 bare MSS kind over-read", test_lwip_bare_mss_kind);
    CU_add_test(s, "SYN+FIN, SYN+RST, no flags", test_bad_flags);
    CU_add_test(s, "bad checksum, port 0, padding", test_checksum_and_ports);
    CU_add_test(s, "RSTs from a listener and a closed port", test_closed_and_listener_answers);
    CU_add_test(s, "window scale above 14 is clamped", test_wscale_clamped);
    CU_add_test(s, "sequence numbers wrapping past 2^32", test_sequence_wraparound);
    CU_add_test(s, "RST and SYN in ESTABLISHED (RFC 5961)", test_rst_and_syn_established);
    CU_add_test(s, "ACKs outside the acceptable range (RFC 5961)", test_bad_ack_values);
    CU_add_test(s, "data beyond the window is trimmed", test_data_beyond_window);
    CU_add_test(s, "urgent pointer beyond the data", test_urgent_pointer);
    CU_add_test(s, "duplicate and out-of-order FIN", test_fin_cases);
}
