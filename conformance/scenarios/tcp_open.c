/* tcp_open.c: opening connections: passive and active open, the options
 * of the handshake, the MSS, resets in the non-synchronized states, the
 * listen backlog.  (RFC 9293 3.5, 3.7.1, 3.10.7.1-3; RFC 7323 for the
 * options; lwIP's test_tcp.c test_tcp_listen_passive_open.) */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30001 /* the stack's listening port */
#define PPORT 40001 /* the peer's port */

SCENARIO(tcp_passive_open_v4,
         "[MUST-14][MUST-65] SYN -> SYN-ACK acknowledging it with an MSS option; "
         "accept runs only after the final ACK, with the connection's addresses and ports")
{
    struct tcp_peer p;
    struct tcp_pcb *l;
    struct cap *c;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000000);
    l = h_listen(LPORT, 4);
    EXPECT_EQ(l->state, LISTEN);

    c = h_peer_syn(&p);
    EXPECT_EQ(c->wi.tcp.mss, 1460); /* MTU 1500 - 40 */
    EXPECT_EQ(c->wi.ttl, 255);       /* lwIP's TCP_TTL default */
    EXPECT_NE(c->wi.tcp.win, 0);
    cap_expect_none();
    EXPECT_EQ(h_accept_calls(), 0);

    h_peer_ack(&p);
    EXPECT_EQ(h_accept_calls(), 1);
    conn = h_accepted();
    REQUIRE(conn != NULL);
    EXPECT(h_ip_is(&conn->pcb->local_ip, LOCAL4));
    EXPECT(h_ip_is(&conn->pcb->remote_ip, PEER4));
    EXPECT_EQ(conn->pcb->local_port, LPORT);
    EXPECT_EQ(conn->pcb->remote_port, PPORT);
    EXPECT_EQ(h_state(conn), ESTABLISHED);
    cap_expect_none(); /* nothing to say after the final ACK */

    /* data flows: a payload from the peer reaches the application */
    h_peer_send(&p, PKT_ACK | PKT_PSH, "hello", 5);
    EXPECT_EQ(conn->rx_len, 5);
    EXPECT_MEM(conn->rx, "hello", 5);
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(tcp_passive_open_v6,
         "[MUST-14][MUST-15] passive open over IPv6: SYN-ACK with MSS 1440 (MTU 1500 - 60); "
         "accept with the IPv6 addresses")
{
    struct tcp_peer p;
    struct cap *c;
    struct h_conn *conn;

    h_peer_init(&p, PEER6, PPORT, LOCAL6, LPORT, 77);
    h_listen(LPORT, 4);
    c = h_peer_syn(&p);
    EXPECT_EQ(c->wi.v, 6);
    EXPECT_EQ(c->wi.tcp.mss, 1440);
    h_peer_ack(&p);
    conn = h_accepted();
    REQUIRE(conn != NULL);
    EXPECT(h_ip_is(&conn->pcb->local_ip, LOCAL6));
    EXPECT(h_ip_is(&conn->pcb->remote_ip, PEER6));
    EXPECT_EQ(conn->pcb->remote_port, PPORT);
    h_peer_send(&p, PKT_ACK | PKT_PSH, "v6 data", 7);
    EXPECT_EQ(conn->rx_len, 7);
}

SCENARIO(tcp_active_open,
         "[MUST-14][MUST-44] tcp_connect sends a SYN with an MSS option from an ephemeral port; "
         "connected(ERR_OK) after the SYN-ACK, which is acknowledged")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, 0, 5000);
    conn = h_active_open(&p);
    EXPECT(p.lport >= PKT_EPHEMERAL_MIN);
    EXPECT_EQ(p.st_mss, 1460);
    EXPECT_EQ(h_state(conn), ESTABLISHED);
    EXPECT(h_ip_is(&conn->pcb->local_ip, LOCAL4));
    EXPECT_EQ(conn->pcb->local_port, p.lport);

    /* and data goes out */
    EXPECT_ERR(h_write(conn, "abc", 3, TCP_WRITE_FLAG_COPY), ERR_OK);
    EXPECT_ERR(h_output(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_PSH, 1, 1, 3);
}

SCENARIO(tcp_active_open_v6, "[MUST-14] tcp_connect over IPv6: SYN with MSS 1440, connected callback")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER6, PPORT, LOCAL6, 0, 5000);
    conn = h_active_open(&p);
    EXPECT_EQ(p.st_mss, 1440);
    EXPECT(h_ip_is(&conn->pcb->local_ip, LOCAL6));
}

SCENARIO(tcp_synack_options_mirror,
         "a SYN-ACK carries window scale, SACK-permitted and timestamps only if the SYN did "
         "(RFC 7323 1.3/2.2, RFC 2018 2): a SYN with the MSS option alone gets none of them")
{
    struct tcp_peer p;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1);
    h_listen(LPORT, 4);
    h_peer_send(&p, PKT_SYN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags, PKT_SYN | PKT_ACK);
    EXPECT(c->wi.tcp.mss > 0);
    EXPECT_EQ(c->wi.tcp.wscale, -1);
    EXPECT_EQ(c->wi.tcp.sack_perm, 0);
    EXPECT_EQ(c->wi.tcp.ts, 0);
}

SCENARIO(tcp_synack_options_offered,
         "[MUST-4][MUST-5] a SYN offering window scale, SACK and timestamps: the SYN-ACK answers "
         "with a window scale, and (if at all) SACK-permitted and timestamps; the window of the "
         "SYN-ACK itself is never scaled (tern also offers SACK and timestamps, lwIP 2.1.3 is built "
         "without them)")
{
    struct tcp_peer p;
    struct cap *c;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1);
    p.syn_opts.has_wscale = 1;
    p.syn_opts.wscale = 7;
    p.syn_opts.sack_perm = 1;
    p.syn_opts.has_ts = 1;
    h_listen(LPORT, 4);
    h_peer_send(&p, PKT_SYN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags, PKT_SYN | PKT_ACK);
    EXPECT_EQ(c->wi.tcp.mss, 1460);
    EXPECT(c->wi.tcp.wscale >= 0 && c->wi.tcp.wscale <= 14);
    trace("stack offers: wscale=%d sackok=%d ts=%d", c->wi.tcp.wscale, c->wi.tcp.sack_perm,
          c->wi.tcp.ts);
    h_peer_ack(&p);
    conn = h_accepted();
    REQUIRE(conn != NULL);
    /* the connection works with whatever was agreed */
    h_peer_send(&p, PKT_ACK | PKT_PSH, "xyz", 3);
    EXPECT_EQ(conn->rx_len, 3);
    h_peer_drain(&p); /* an ACK or window update, perhaps */
    EXPECT_ERR(h_write(conn, "0123456789", 10, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 1, 4, 10);
    EXPECT_EQ(c->wi.tcp.mss, -1); /* MUST-65: no MSS option outside SYNs */
    EXPECT_EQ(c->wi.tcp.ts, p.ts_on);
}

SCENARIO(tcp_mss_default_536,
         "[MUST-15][MUST-16] a SYN without MSS option: the stack sends segments of at most 536 "
         "bytes (IPv4 default send MSS)")
{
    static uint8_t data[3000];
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;
    size_t got = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1);
    p.syn_opts.mss = 0;
    conn = h_established(&p);
    tcp_nagle_disable(conn->pcb);
    h_pattern(data, sizeof(data), 1);
    EXPECT_ERR(h_write(conn, data, 1200, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    while (cap_pending()) {
        c = h_peer_recv(&p);
        EXPECT(c->wi.pl_len <= 536);
        EXPECT_EQ(h_seq(&p, c), 1 + got);
        got += c->wi.pl_len;
    }
    EXPECT_EQ(got, 1200);
}

SCENARIO(tcp_mss_peer_option,
         "[MUST-14][MUST-16] the peer's MSS option (700) bounds the segments the stack sends")
{
    static uint8_t data[4000];
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;
    size_t got = 0;
    int segs = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1);
    p.syn_opts.mss = 700;
    conn = h_established(&p);
    h_pattern(data, sizeof(data), 2);
    EXPECT_ERR(h_write(conn, data, 2000, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    while (cap_pending()) {
        while (cap_pending()) {
            c = h_peer_recv(&p);
            EXPECT(c->wi.pl_len <= 700);
            EXPECT_EQ(h_seq(&p, c), 1 + got);
            got += c->wi.pl_len;
            segs++;
        }
        h_peer_ack(&p); /* the initial congestion window may hold some back */
    }
    EXPECT_EQ(got, 2000);
    EXPECT_EQ(segs, 3); /* 700 + 700 + 600: maximum-size segments (SHLD-28) */
}

SCENARIO(tcp_mss_netif_mtu,
         "[MUST-67][SHLD-6] the MSS the stack announces and uses follows the netif MTU (1000 -> 960)")
{
    static uint8_t data[3000];
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;
    size_t got = 0;

    h_netif->mtu = 1000;
    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1);
    h_listen(LPORT, 4);
    h_peer_send(&p, PKT_SYN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.mss, 960);
    h_peer_ack(&p);
    conn = h_accepted();
    REQUIRE(conn != NULL);
    h_pattern(data, sizeof(data), 3);
    EXPECT_ERR(h_write(conn, data, 2500, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    while (cap_pending()) {
        c = h_peer_recv(&p);
        EXPECT(c->wi.pl_len <= 960);
        EXPECT(c->len <= 1000);
        got += c->wi.pl_len;
    }
    EXPECT(got > 0);
}

SCENARIO(tcp_closed_port_rst,
         "a segment for no connection gets a RST (RFC 9293 3.10.7.1): a SYN gets <SEQ=0><ACK=SEQ+1>"
         "<RST,ACK>, an ACK gets <SEQ=SEG.ACK><RST>, a RST gets nothing")
{
    struct tcp_peer p;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, 30999, 1000);
    h_peer_inject(&p, 1000, 0, PKT_SYN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags, PKT_RST | PKT_ACK);
    EXPECT_EQ(c->wi.tcp.seq, 0);
    EXPECT_EQ(c->wi.tcp.ack, 1001);
    EXPECT_EQ(c->wi.pl_len, 0);

    h_peer_inject(&p, 2000, 123456, PKT_ACK, "data", 4);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(c->wi.tcp.seq, 123456);

    h_peer_inject(&p, 3000, 5, PKT_RST | PKT_ACK, NULL, 0);
    h_peer_inject(&p, 3000, 0, PKT_RST, NULL, 0);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(tcp_listen_ack_rst,
         "an ACK (no SYN) arriving at a listener gets <SEQ=SEG.ACK><RST> and creates no "
         "connection (RFC 9293 3.10.7.2)")
{
    struct tcp_peer p;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_listen(LPORT, 4);
    h_peer_inject(&p, 1000, 777777, PKT_ACK, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(c->wi.tcp.seq, 777777);
    EXPECT_EQ(h_accept_calls(), 0);
    /* a RST to a listener is ignored */
    h_peer_inject(&p, 1000, 0, PKT_RST, NULL, 0);
    cap_expect_none();
    EXPECT_EQ(h_accept_calls(), 0);
}

SCENARIO(tcp_syn_rcvd_rst,
         "[MUST-11] a RST in SYN-RECEIVED of a passive open drops the half-open connection "
         "silently (no accept, listener unaffected); the final ACK then gets a RST; a new SYN "
         "from the same port is answered")
{
    struct tcp_peer p;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_listen(LPORT, 4);
    c = h_peer_syn(&p);
    h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
    cap_expect_none();
    EXPECT_EQ(h_accept_calls(), 0);
    h_peer_ack(&p);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(c->wi.tcp.seq, p.rcv_nxt);
    EXPECT_EQ(h_accept_calls(), 0);

    /* the listener still works */
    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 900000);
    h_passive_open(&p);
}

SCENARIO(tcp_syn_rcvd_syn_repeated,
         "a copy of the peer's SYN in SYN-RECEIVED (our SYN-ACK was lost) brings the SYN-ACK "
         "again, the same sequence number and ACK; the handshake then completes")
{
    struct tcp_peer p;
    struct cap *c;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_listen(LPORT, 4);
    c = h_peer_syn(&p);
    h_peer_inject(&p, 1000, 0, PKT_SYN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_SYN | PKT_ACK, 0, 1, 0);
    cap_expect_none();
    EXPECT_EQ(h_accept_calls(), 0);
    h_peer_ack(&p);
    EXPECT_EQ(h_accept_calls(), 1);
    conn = h_accepted();
    REQUIRE(conn != NULL);
    EXPECT_EQ(conn->pcb->state, ESTABLISHED);
}

SCENARIO(tcp_syn_sent_rst,
         "[MUST-12] in SYN-SENT a RST acknowledging the SYN refuses the connection: err(ERR_RST), "
         "no connected callback, nothing sent; a RST with a wrong ACK is ignored")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct tcp_pcb *pcb;
    ip_addr_t dst = h_ip(PEER4);
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, 0, 1000);
    pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    REQUIRE(pcb != NULL);
    conn = h_conn_attach(pcb);
    EXPECT_ERR(tcp_connect(pcb, &dst, PPORT, NULL), ERR_OK);
    c = h_peer_recv(&p);
    REQUIRE(c->wi.tcp.flags == PKT_SYN);
    EXPECT_EQ(h_state(conn), SYN_SENT);

    /* unacceptable: ACK of something never sent */
    h_peer_inject(&p, 0, p.irs + 1000, PKT_RST | PKT_ACK, NULL, 0);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
    EXPECT_EQ(h_state(conn), SYN_SENT);

    h_peer_inject(&p, 0, p.irs + 1, PKT_RST | PKT_ACK, NULL, 0);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
    EXPECT_EQ(conn->connected_calls, 0);
    cap_expect_none();
}

SCENARIO(tcp_syn_sent_bad_synack,
         "a SYN-ACK whose ACK does not acknowledge our SYN is answered with <SEQ=SEG.ACK><RST> "
         "(RFC 9293 3.10.7.3) and the connection stays in SYN-SENT; a good SYN-ACK then completes it")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct tcp_pcb *pcb;
    ip_addr_t dst = h_ip(PEER4);
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, 0, 1000);
    pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    REQUIRE(pcb != NULL);
    conn = h_conn_attach(pcb);
    EXPECT_ERR(tcp_connect(pcb, &dst, PPORT, NULL), ERR_OK);
    c = h_peer_recv(&p);
    REQUIRE(c->wi.tcp.flags == PKT_SYN);

    h_peer_inject(&p, p.iss, p.irs + 500, PKT_SYN | PKT_ACK, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & (PKT_RST | PKT_SYN | PKT_FIN), PKT_RST);
    EXPECT_EQ(c->wi.tcp.seq, p.irs + 500);
    /* lwIP also retransmits its SYN at once; tern waits for its timer */
    while (cap_pending()) {
        c = h_peer_recv(&p);
        EXPECT_SEG(c, &p, PKT_SYN, 0, H_ANY, 0);
    }
    EXPECT_EQ(conn->err_calls, 0);
    EXPECT_EQ(h_state(conn), SYN_SENT);

    h_peer_send(&p, PKT_SYN | PKT_ACK, NULL, 0);
    EXPECT_EQ(h_state(conn), ESTABLISHED);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK, 1, 1, 0);
}

/* Times (ms from the first SYN) of every SYN sent until the err callback. */
SCENARIO_LWIP_DEVIATES(tcp_syn_retransmit_giveup,
         "[MUST-19][MUST-20][MUST-22][MUST-23] an unanswered SYN is retransmitted with the same "
         "sequence number at growing intervals; the connection is given up (err ERR_ABRT, no RST) "
         "after at least 3 minutes",
         "2.1.3 never backs off a SYN (tcp_slowtmr doubles the RTO only outside SYN_SENT): it "
         "retransmits every 3 s and gives up after TCP_SYNMAXRTX = 6 retransmissions, at 18 s")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct tcp_pcb *pcb;
    ip_addr_t dst = h_ip(PEER4);
    struct cap *c;
    u32_t times[32], start;
    int n = 0, i;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, 0, 1000);
    pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    REQUIRE(pcb != NULL);
    conn = h_conn_attach(pcb);
    EXPECT_ERR(tcp_connect(pcb, &dst, PPORT, NULL), ERR_OK);
    start = h_now();
    while (conn->err_calls == 0 && h_now() - start < 900000) {
        while (cap_pending()) {
            c = h_peer_recv(&p);
            EXPECT_SEG(c, &p, PKT_SYN, 0, H_ANY, 0);
            if (n < 32) {
                times[n++] = c->t - start;
            }
        }
        h_advance(1000);
    }
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_ABRT);
    EXPECT(n >= 4);
    for (i = 2; i < n; i++) {
        EXPECT(times[i] - times[i - 1] >= times[i - 1] - times[i - 2]);
    }
    trace("%d SYNs, last at %u ms, given up at %u ms", n, n ? times[n - 1] : 0, h_now() - start);
    EXPECT(h_now() - start >= 180000);
}

/* An active open on lport whose SYN crosses the peer's: the peer's SYN
 * (it has not seen ours) gets our SYN-ACK; the connection is in SYN_RCVD. */
static struct h_conn *crossed_syns(struct tcp_peer *p, uint16_t lport)
{
    struct h_conn *conn;
    struct tcp_pcb *pcb;
    ip_addr_t dst = h_ip(PEER4);
    struct cap *c;

    h_peer_init(p, PEER4, PPORT, LOCAL4, lport, 1000);
    pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    REQUIRE(pcb != NULL);
    conn = h_conn_attach(pcb);
    EXPECT_ERR(tcp_bind(pcb, IP_ANY_TYPE, lport), ERR_OK);
    EXPECT_ERR(tcp_connect(pcb, &dst, PPORT, NULL), ERR_OK);
    c = h_peer_recv(p);
    REQUIRE(c->wi.tcp.flags == PKT_SYN);
    h_peer_syn(p);
    return conn;
}

SCENARIO_LWIP_DEVIATES(tcp_simultaneous_open,
         "[MUST-10] simultaneous open: our SYN crosses the peer's SYN; the stack answers with a "
         "SYN-ACK, and the peer's SYN-ACK establishes the connection",
         "2.1.3 has no simultaneous open: in SYN_SENT tcp_process handles only SYN+ACK and ACK, "
         "a bare SYN is silently ignored")
{
    struct tcp_peer p;
    struct h_conn *conn = crossed_syns(&p, 30010);

    /* the peer answers our SYN, then acknowledges our SYN-ACK */
    h_peer_inject(&p, p.iss, p.irs + 1, PKT_SYN | PKT_ACK, NULL, 0);
    h_peer_drain(&p);
    h_peer_ack(&p);
    h_peer_drain(&p);
    EXPECT_EQ(h_state(conn), ESTABLISHED);
    h_peer_send(&p, PKT_ACK | PKT_PSH, "sim", 3);
    EXPECT_EQ(conn->rx_len, 3);
}

SCENARIO_LWIP_DEVIATES(tcp_simultaneous_open_close,
         "[MUST-10] tcp_close in SYN_RCVD after a simultaneous open: nothing was sent, so the FIN "
         "goes at once (RFC 9293 3.10.4, FIN_WAIT_1) behind our unacknowledged SYN-ACK; an RTO "
         "resends both, in order; the peer's ACK of both and its FIN end in TIME_WAIT, quietly",
         "2.1.3 has no simultaneous open (a bare SYN in SYN_SENT is ignored)")
{
    struct tcp_peer p;
    struct h_conn *conn = crossed_syns(&p, 30011);

    EXPECT_EQ(h_state(conn), SYN_RCVD);
    EXPECT_ERR(h_close(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 1, 0);
    cap_expect_none();
    h_advance(1500); /* the RTO: the SYN-ACK, then the FIN */
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_SYN | PKT_ACK, 0, 1, 0);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 1, 0);
    cap_expect_none();
    h_peer_ack(&p); /* both */
    h_advance(5000);
    cap_expect_none(); /* nothing left to resend */
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK, 2, 2, 0);
    h_advance(121000); /* TIME_WAIT runs out */
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_backlog_second_syn,
         "tcp_listen_with_backlog(1) while one handshake is half-open: a second SYN is answered "
         "and completes (Debian's lwIP is built without TCP_LISTEN_BACKLOG, so it never drops; "
         "tern answers with a SYN cookie once half-open connections reach min(backlog, 64)); "
         "both connections are accepted")
{
    struct tcp_peer a, b;
    struct cap *c;
    struct h_conn *ca, *cb;

    h_peer_init(&a, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_peer_init(&b, PEER4, PPORT + 1, LOCAL4, LPORT, 9000);
    h_listen(LPORT, 1);
    h_peer_send(&a, PKT_SYN, NULL, 0);
    EXPECT_SEG(h_peer_recv(&a), &a, PKT_SYN | PKT_ACK, 0, 1, 0);
    h_peer_send(&b, PKT_SYN, NULL, 0);
    c = h_peer_recv(&b);
    EXPECT_SEG(c, &b, PKT_SYN | PKT_ACK, 0, 1, 0);
    trace("second SYN-ACK: mss=%d", c->wi.tcp.mss);
    h_peer_ack(&b);
    cb = h_accepted();
    REQUIRE(cb != NULL);
    EXPECT_EQ(cb->pcb->remote_port, PPORT + 1);
    h_peer_ack(&a);
    ca = h_accepted();
    REQUIRE(ca != NULL);
    EXPECT_EQ(ca->pcb->remote_port, PPORT);
    h_peer_send(&b, PKT_ACK | PKT_PSH, "bbb", 3);
    h_peer_send(&a, PKT_ACK | PKT_PSH, "aa", 2);
    EXPECT_EQ(cb->rx_len, 3);
    EXPECT_EQ(ca->rx_len, 2);
}

SCENARIO(tcp_accept_abort,
         "an accept callback that calls tcp_abort and returns ERR_ABRT: the connection is reset "
         "(RST to the peer), the listener keeps working")
{
    struct tcp_peer p;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_listen(LPORT, 4);
    h_accept_abort = 1;
    h_peer_send(&p, PKT_SYN, NULL, 0);
    h_peer_recv(&p);
    h_peer_ack(&p);
    EXPECT_EQ(h_accept_calls(), 1);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(h_seq(&p, c), 1);
    cap_expect_none();
    EXPECT(h_accepted() == NULL);

    h_peer_init(&p, PEER4, PPORT + 1, LOCAL4, LPORT, 5000);
    h_passive_open(&p);
}

SCENARIO(tcp_syn_to_broadcast_dropped,
         "[MUST-57] a SYN to the subnet broadcast address is silently discarded")
{
    static uint8_t pkt[PKT_MAX];
    struct tcp_peer p;
    size_t n;

    h_peer_init(&p, PEER4, PPORT, "198.19.255.255", LPORT, 1000);
    h_listen(LPORT, 4);
    n = tcp_peer_build(&p, pkt, 1000, 0, PKT_SYN, 65535, NULL, 0);
    inject(pkt, n);
    cap_expect_none();
    EXPECT_EQ(h_accept_calls(), 0);
    EXPECT_EQ(inject_outstanding(), 0);
}
