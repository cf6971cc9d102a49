/* tcp_close.c: closing: passive close (CLOSE_WAIT, LAST_ACK), active close
 * (FIN_WAIT_1/2, TIME_WAIT), simultaneous close, half-close, closing with
 * unread data, data after close.  (RFC 9293 3.6, 3.10.4, 3.10.7.4;
 * lwIP's test_tcp.c test_tcp_passive_close, upstream test_tcp_state.c.) */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30004
#define PPORT 40004

SCENARIO(tcp_passive_close,
         "peer FIN -> CLOSE_WAIT; tcp_close sends our FIN (LAST_ACK); the final ACK ends the "
         "connection with no err callback and no RST; a later segment gets a RST")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_EQ(conn->fin, 1);
    EXPECT_EQ(h_state(conn), CLOSE_WAIT);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK | PKT_FIN, 1, 2, 0);
    EXPECT_EQ(h_state(conn), LAST_ACK);
    cap_expect_none();
    h_peer_ack(&p);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
    h_advance(1000);
    cap_expect_none();
    /* the connection is gone */
    h_peer_send(&p, PKT_ACK | PKT_PSH, "late", 4);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(conn->recv_calls, 0);
}

SCENARIO(tcp_passive_close_fin_retransmit,
         "in LAST_ACK our FIN is retransmitted until acknowledged")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 2, 0);
    while (!cap_pending() && h_now() < 10000) {
        h_advance(50);
    }
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK | PKT_FIN, 1, 2, 0);
    h_peer_ack(&p);
    h_advance(20000);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_active_close,
         "[MUST-13] tcp_close: FIN (FIN_WAIT_1); its ACK -> FIN_WAIT_2; the peer's FIN is "
         "acknowledged -> TIME_WAIT, no RST; a retransmitted FIN in TIME_WAIT is acknowledged "
         "again")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 1, 10, PKT_PSH);
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK | PKT_FIN, 1, 11, 0);
    EXPECT_EQ(h_state(conn), FIN_WAIT_1);
    h_peer_ack(&p);
    cap_expect_none();
    EXPECT_EQ(h_state(conn), FIN_WAIT_2);
    h_advance(1000);
    cap_expect_none();
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 2, 12, 0);
    EXPECT_EQ(h_state(conn), TIME_WAIT);
    /* the peer did not get our ACK and sends its FIN again */
    h_advance(5000);
    h_peer_inject(&p, H_PSEQ(&p, 11), p.rcv_nxt, PKT_ACK | PKT_FIN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 2, 12, 0);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
    /* lwIP still calls recv(NULL) after tcp_close, tern does not */
    trace("recv(NULL) after tcp_close: %d", conn->fin);
}

/* A connection accepted from p, closed by us first, the peer's FIN
 * acknowledged: our end in TIME_WAIT. */
static struct h_conn *to_time_wait(struct tcp_peer *p)
{
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    h_peer_recv(p);
    h_peer_send(p, PKT_ACK | PKT_FIN, NULL, 0);
    c = h_peer_recv(p);
    EXPECT_SEG(c, p, PKT_ACK, 2, 2, 0);
    return conn;
}

SCENARIO(tcp_time_wait_duration,
         "[MUST-13] TIME_WAIT holds the connection for at least 60 s (a FIN retransmitted at 59 s "
         "is still acknowledged, lwIP keeps 2*TCP_MSL = 120 s, tern 60 s) and ends within 5 "
         "minutes (then a segment gets a RST)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    conn = to_time_wait(&p);
    h_advance(59000);
    cap_expect_none();
    h_peer_inject(&p, H_PSEQ(&p, 1), p.rcv_nxt, PKT_ACK | PKT_FIN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 2, 2, 0);
    h_advance(240000);
    cap_expect_none();
    h_peer_inject(&p, H_PSEQ(&p, 1), p.rcv_nxt, PKT_ACK | PKT_FIN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_simultaneous_close,
         "simultaneous close: our FIN and the peer's cross; the stack acknowledges the peer's FIN "
         "(CLOSING), the ACK of ours leads to TIME_WAIT; no RST, no err callback")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK | PKT_FIN, 1, 1, 0);
    /* the peer's FIN, sent before ours arrived: it acknowledges only the SYN */
    h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 1), PKT_ACK | PKT_FIN, NULL, 0);
    p.snd_nxt++;
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & (PKT_ACK | PKT_RST), PKT_ACK);
    EXPECT_EQ(h_ack(&p, c), 2);
    EXPECT_EQ(h_state(conn), CLOSING);
    h_peer_ack(&p);
    EXPECT_EQ(h_state(conn), TIME_WAIT);
    h_advance(1000);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_half_close,
         "[MAY-1] tcp_shutdown(tx): our FIN goes out, data from the peer is still delivered in "
         "FIN_WAIT_1/2, then its FIN gives recv(NULL) and is acknowledged (TIME_WAIT)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_ERR(h_shutdown(conn, 0, 1), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK | PKT_FIN, 1, 1, 0);
    EXPECT_EQ(h_state(conn), FIN_WAIT_1);
    h_peer_data(&p, 1, 100, PKT_PSH); /* also acknowledges our FIN */
    EXPECT_EQ(conn->rx_len, 100);
    EXPECT_EQ(h_state(conn), FIN_WAIT_2);
    h_peer_data(&p, 101, 200, PKT_PSH);
    EXPECT_EQ(conn->rx_len, 300);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, 300));
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(p.st_ack - p.iss, 301);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_EQ(conn->fin, 1);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 2, 302, 0);
    EXPECT_EQ(h_state(conn), TIME_WAIT);
    EXPECT_EQ(conn->err_calls, 0);
    /* writing after shutdown(tx) fails */
    EXPECT_NE(h_write(conn, "x", 1, TCP_WRITE_FLAG_COPY), ERR_OK);
}

SCENARIO(tcp_close_unread_rst,
         "[SHLD-3] tcp_close with received data the application never acknowledged (no "
         "tcp_recved) resets the connection instead of a FIN (RFC 9293 3.10.4, as lwIP does)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->no_recved = 1;
    h_peer_data(&p, 1, 100, PKT_PSH);
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & (PKT_RST | PKT_FIN), PKT_RST);
    EXPECT_EQ(h_seq(&p, c), 1);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0); /* the application closed it */
}

SCENARIO_LWIP_DEVIATES(tcp_close_in_recv_of_data_with_fin,
         "the peer's last data and its FIN in one segment; the application reads it all "
         "(tcp_recved) and calls tcp_close inside that recv callback: every byte was read, so "
         "the close is graceful (our FIN, no RST, RFC 9293 3.10.4: a RST only when received "
         "data is lost)",
         "2.1.3 counts the FIN against rcv_wnd when it takes the segment (tcp_receive: "
         "rcv_wnd -= tcplen) and gives it back only after the recv callback returned "
         "(tcp_input, TF_GOT_FIN: rcv_wnd++); tcp_close inside the callback finds rcv_wnd "
         "!= TCP_WND_MAX and resets the connection (tcp_close_shutdown)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->close_in_recv = 1;
    h_peer_data(&p, 1, 100, PKT_PSH | PKT_FIN);
    EXPECT_EQ((int)conn->rx_len, 100);
    c = h_peer_recv(&p);
    REQUIRE(c != NULL);
    /* The FIN, acknowledging the peer's data and FIN (an ACK of them may
     * come first). */
    if (!(c->wi.tcp.flags & (PKT_FIN | PKT_RST))) {
        EXPECT_EQ(h_ack(&p, c), 102);
        c = h_peer_recv(&p);
        REQUIRE(c != NULL);
    }
    EXPECT_EQ(c->wi.tcp.flags & (PKT_RST | PKT_FIN), PKT_FIN);
    EXPECT_EQ(h_ack(&p, c), 102);
    cap_expect_none();
    h_peer_ack(&p);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_data_after_close_rst,
         "[SHLD-3] data arriving after tcp_close (receive side closed) resets the connection: "
         "the peer learns its data was lost")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;
    int rst = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 1, 0);
    h_peer_data(&p, 1, 50, PKT_PSH); /* acknowledges our FIN too */
    while (cap_pending()) {
        c = h_peer_recv(&p);
        if (c->wi.tcp.flags & PKT_RST) {
            rst++;
        }
    }
    EXPECT_EQ(rst, 1);
    EXPECT_EQ(conn->recv_calls, 0);
}

SCENARIO(tcp_close_with_unsent_data,
         "tcp_close with data still queued: the data goes out first, the FIN after it (on the "
         "last data segment or alone), and everything is delivered to the peer")
{
    static uint8_t data[8000];
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;
    int fin = 0, i;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_pattern(data, sizeof(data), 5);
    EXPECT_ERR(h_write(conn, data, sizeof(data), TCP_WRITE_FLAG_COPY), ERR_OK);
    EXPECT_ERR(h_close(conn), ERR_OK);
    for (i = 0; i < 50 && !fin; i++) {
        if (!cap_pending()) {
            h_peer_ack(&p);
            if (!cap_pending()) {
                h_advance(200);
            }
        }
        while (cap_pending()) {
            c = h_peer_recv(&p);
            if (c->wi.tcp.flags & PKT_FIN) {
                fin = 1;
                EXPECT_EQ(h_seq(&p, c) + c->wi.pl_len, 1 + sizeof(data));
            }
        }
    }
    EXPECT(fin);
    EXPECT_EQ(p.rcv_nxt - p.irs, 2 + sizeof(data));
    h_peer_ack(&p);
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_fin_wait_2_orphan,
         "a connection closed by tcp_close whose peer acknowledges the FIN but never sends its "
         "own does not live forever: after 10 minutes in FIN_WAIT_2 a segment from the peer gets "
         "a RST (lwIP: TCP_FIN_WAIT_TIMEOUT 20 s; RFC 9293 leaves the timeout to the "
         "implementation, Linux uses 60 s): its late FIN is not acknowledged")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    h_peer_recv(&p);
    h_peer_ack(&p);
    cap_expect_none();
    h_advance(600000);
    cap_expect_none();
    /* in FIN_WAIT_2 a FIN would be acknowledged; for no connection, a RST */
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    /* lwIP tells the application: err(ERR_ABRT) at the timeout */
    trace("err callbacks: %d", conn->err_calls);
}

SCENARIO_LWIP_DEVIATES(tcp_time_wait_new_syn,
         "[RFC 9293 3.10.7.4, RFC 6191] a SYN for a tuple in TIME_WAIT whose sequence number is past "
         "the old connection's opens the new connection at once (SYN-ACK, accept callback)",
         "2.1.3 answers the SYN from its TIME_WAIT pcb (tcp_timewait_input) with an ACK of the old "
         "connection: the peer resets it and connects again only when its SYN times out")
{
    struct tcp_peer p, q;
    struct h_conn *conn;

    to_time_wait(&p);
    h_advance(1000);
    /* The same tuple, a new incarnation: its ISN well past the old one. */
    h_peer_init(&q, PEER4, PPORT, LOCAL4, LPORT, 1000 + 100000);
    conn = h_passive_open(&q);
    EXPECT_EQ(h_accept_calls(), 2);
    h_peer_data(&q, 1, 10, PKT_PSH);
    EXPECT_EQ(conn->rx_len, 10);
    EXPECT_EQ(conn->err_calls, 0);
}
