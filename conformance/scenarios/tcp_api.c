/* tcp_api.c: the raw API around connections: tcp_abort, writing before the
 * handshake completes, bind conflicts, addresses, ISNs, TTL and TOS,
 * closing a listener.  (RFC 9293 3.4.1, 3.9; lwIP test_tcp_active_abort.) */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30007
#define PPORT 40007

SCENARIO(tcp_abort_rst,
         "[MUST-12] tcp_abort on an established connection sends <SEQ=SND.NXT><ACK=RCV.NXT>"
         "<RST,ACK> between the connection's ports and runs err(ERR_ABRT) (lwIP "
         "test_tcp_active_abort)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 1, 7, PKT_PSH);
    h_write(conn, "abc", 3, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    h_peer_drain(&p);
    h_abort(conn);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags, PKT_RST | PKT_ACK);
    EXPECT_EQ(h_seq(&p, c), 4);
    EXPECT_EQ(h_ack(&p, c), 8);
    EXPECT_EQ(c->wi.sport, LPORT);
    EXPECT_EQ(c->wi.dport, PPORT);
    EXPECT_EQ(c->len, 40);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_ABRT);
    h_advance(5000);
    cap_expect_none();
}

SCENARIO(tcp_write_in_syn_sent,
         "data written right after tcp_connect, before the SYN-ACK, is queued and sent once the "
         "connection is established (never on the SYN)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct tcp_pcb *pcb;
    ip_addr_t dst = h_ip(PEER4);
    struct cap *c;
    size_t got = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, 0, 1000);
    pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    REQUIRE(pcb != NULL);
    conn = h_conn_attach(pcb);
    EXPECT_ERR(tcp_connect(pcb, &dst, PPORT, NULL), ERR_OK);
    EXPECT_ERR(h_write(conn, "early data", 10, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_SYN, 0, H_ANY, 0);
    cap_expect_none();
    h_peer_send(&p, PKT_SYN | PKT_ACK, NULL, 0);
    while (cap_pending()) {
        c = h_peer_recv(&p);
        got += c->wi.pl_len;
    }
    EXPECT_EQ(got, 10);
    EXPECT_EQ(p.rcv_nxt - p.irs, 11);
}

SCENARIO(tcp_bind_in_use,
         "tcp_bind to a port a listener holds fails with ERR_USE, on the same or the unspecified "
         "address; another port works")
{
    struct tcp_pcb *a, *b;
    ip_addr_t local = h_ip(LOCAL4);

    h_listen(LPORT, 4);
    a = tcp_new_ip_type(IPADDR_TYPE_V4);
    REQUIRE(a != NULL);
    EXPECT_ERR(tcp_bind(a, IP4_ADDR_ANY, LPORT), ERR_USE);
    EXPECT_ERR(tcp_bind(a, &local, LPORT), ERR_USE);
    EXPECT_ERR(tcp_bind(a, &local, LPORT + 1), ERR_OK);
    b = tcp_new_ip_type(IPADDR_TYPE_V4);
    REQUIRE(b != NULL);
    EXPECT_ERR(tcp_bind(b, &local, LPORT + 1), ERR_USE);
    tcp_abort(a);
    tcp_abort(b);
}

SCENARIO(tcp_addrinfo,
         "tcp_tcp_get_tcp_addrinfo reports the local and remote address and port of an accepted "
         "connection")
{
    struct tcp_peer p;
    struct h_conn *conn;
    ip_addr_t a;
    u16_t port = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_ERR(tcp_tcp_get_tcp_addrinfo(conn->pcb, 1, &a, &port), ERR_OK);
    EXPECT(h_ip_is(&a, LOCAL4));
    EXPECT_EQ(port, LPORT);
    EXPECT_ERR(tcp_tcp_get_tcp_addrinfo(conn->pcb, 0, &a, &port), ERR_OK);
    EXPECT(h_ip_is(&a, PEER4));
    EXPECT_EQ(port, PPORT);
}

SCENARIO(tcp_listen_both_families,
         "[MUST-42] one listener bound to the dual-stack any address accepts an IPv4 and an IPv6 "
         "connection on the same port")
{
    struct tcp_peer p4, p6;
    struct h_conn *c4, *c6;

    h_peer_init(&p4, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_peer_init(&p6, PEER6, PPORT, LOCAL6, LPORT, 2000);
    h_listen(LPORT, 4);
    c4 = h_passive_open(&p4);
    c6 = h_passive_open(&p6);
    EXPECT(h_ip_is(&c4->pcb->remote_ip, PEER4));
    EXPECT(h_ip_is(&c6->pcb->remote_ip, PEER6));
    h_peer_send(&p6, PKT_ACK | PKT_PSH, "six", 3);
    h_peer_send(&p4, PKT_ACK | PKT_PSH, "four", 4);
    EXPECT_EQ(c6->rx_len, 3);
    EXPECT_EQ(c4->rx_len, 4);
}

SCENARIO(tcp_isn_varies,
         "[MUST-8] initial sequence numbers are not reused: connections opened one after the other "
         "(same ports, a second apart) get different ISNs")
{
    struct tcp_peer p;
    uint32_t isn[3];
    int i;

    h_listen(LPORT, 4);
    for (i = 0; i < 3; i++) {
        h_peer_init(&p, PEER4, PPORT + i, LOCAL4, LPORT, 1000);
        h_peer_send(&p, PKT_SYN, NULL, 0);
        h_peer_recv(&p);
        isn[i] = p.irs;
        h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
        h_advance(1000);
        h_peer_drain(&p);
    }
    trace("ISN differences: %u %u", isn[1] - isn[0], isn[2] - isn[1]);
    EXPECT_NE(isn[0], isn[1]);
    EXPECT_NE(isn[1], isn[2]);
    EXPECT_NE(isn[0], isn[2]);
}

SCENARIO(tcp_ttl_tos,
         "[MUST-48][MUST-49] the TTL and TOS the application sets on a pcb are used for its "
         "segments")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->pcb->ttl = 17;
    conn->pcb->tos = 0x28;
    h_write(conn, "ttl", 3, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.ttl, 17);
    EXPECT_EQ(c->wi.tos, 0x28);
}

SCENARIO(tcp_listener_close,
         "closing a listener: new SYNs get a RST, established connections carry on")
{
    struct tcp_peer p, q;
    struct tcp_pcb *l;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    l = h_listen(LPORT, 4);
    conn = h_passive_open(&p);
    EXPECT_ERR(tcp_close(l), ERR_OK);
    h_peer_init(&q, PEER4, PPORT + 1, LOCAL4, LPORT, 5000);
    h_peer_send(&q, PKT_SYN, NULL, 0);
    c = h_peer_recv(&q);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    h_peer_send(&p, PKT_ACK | PKT_PSH, "still here", 10);
    EXPECT_EQ(conn->rx_len, 10);
}
