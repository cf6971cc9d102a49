/* tcp_free.c: when each way of closing frees the pcb, and which callbacks
 * run on the way: the peer's FIN, tcp_close with unread or refused data,
 * tcp_shutdown after tcp_close, a RST after tcp_close, tcp_close inside
 * recv, sent and poll.  Programs such as go-tun2socks keep calling the API
 * with a pcb until they learn it is gone, so the free point is part of the
 * contract a drop-in must keep.
 *
 * The free point is observed from the wire, with the public API only: after
 * each step the peer sends a bare ACK that acknowledges only the stack's
 * SYN.  A connection ignores it as an old duplicate (RFC 9293 3.10.7.4: "If
 * the ACK is a duplicate (SEG.ACK =< SND.UNA), it can be ignored"); with no
 * connection the stack answers with a RST (RFC 9293 3.10.7.1).  lwIP keeps
 * a pcb allocated exactly as long as its connection sits in its tables, so
 * "held" and "freed" in the trace are the pcb's life on both stacks. */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30016
#define PPORT 40016

/* 1 while the stack still holds the connection (its pcb not freed). */
static int held(struct tcp_peer *p)
{
    int rst = 0;
    h_peer_inject(p, p->snd_nxt, H_SSEQ(p, 1), PKT_ACK, NULL, 0);
    while (cap_pending()) {
        struct cap *c = h_peer_recv(p);
        if (c->wi.tcp.flags & PKT_RST) {
            rst = 1;
        }
    }
    trace("probe: pcb %s", rst ? "freed" : "held");
    return !rst;
}

SCENARIO(tcp_free_peer_fin_then_close,
         "peer FIN: recv(NULL), pcb held in CLOSE_WAIT; tcp_close: held in LAST_ACK; the ACK of "
         "our FIN frees it at once, with no err callback")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_EQ(held(&p), 1);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_EQ(conn->fin, 1);
    h_peer_drain(&p);
    EXPECT_EQ(held(&p), 1);
    EXPECT_ERR(h_close(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 2, 0);
    EXPECT_EQ(held(&p), 1);
    h_peer_ack(&p);
    EXPECT_EQ(held(&p), 0);
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_free_close_unread,
         "tcp_close with delivered data never tcp_recved: a RST, and the pcb is freed inside "
         "tcp_close, with no err callback")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->no_recved = 1;
    h_peer_data(&p, 1, 100, PKT_PSH);
    EXPECT_EQ(conn->recv_calls, 1);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(held(&p), 0);
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_free_close_refused,
         "tcp_close while received data is still refused: a RST, and the pcb is freed inside "
         "tcp_close, with no err callback")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->refuse = -1;
    h_peer_data(&p, 1, 100, PKT_PSH);
    EXPECT_EQ(conn->refused, 1);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(held(&p), 0);
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_free_shutdown_after_close_last_ack,
         "go-tun2socks' order: peer FIN, tcp_close (LAST_ACK), then tcp_shutdown(pcb, 0, 1) on the "
         "still-held pcb: ERR_CONN and nothing sent; the ACK of our FIN frees it, no err callback")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 2, 0);
    EXPECT_ERR(h_shutdown(conn, 0, 1), ERR_CONN);
    cap_expect_none();
    EXPECT_EQ(held(&p), 1);
    h_peer_ack(&p);
    EXPECT_EQ(held(&p), 0);
    EXPECT_EQ(conn->err_calls, 0);
}

#define RECV_AFTER_CLOSE                                                                                   \
    "lwIP 2.1.3 calls recv(NULL) for the peer's FIN after tcp_close (TCP_EVENT_CLOSED does not look "     \
    "at TF_RXCLOSED); tern calls no recv once the application has closed rx.  The free point is the "     \
    "same; go-tun2socks clears its callbacks before tcp_close and sees no difference"

SCENARIO_LWIP_DEVIATES(tcp_free_shutdown_after_close_fin_wait,
         "tcp_close (FIN_WAIT_1), then tcp_shutdown(pcb, 0, 1): ERR_CONN, no second FIN; the pcb "
         "is held through FIN_WAIT_2 and TIME_WAIT and freed when TIME_WAIT ends, with no err "
         "callback and no recv(NULL) for the peer's FIN",
         RECV_AFTER_CLOSE)
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 1, 0);
    EXPECT_ERR(h_shutdown(conn, 0, 1), ERR_CONN);
    cap_expect_none();
    EXPECT_EQ(held(&p), 1);
    h_peer_ack(&p);
    EXPECT_EQ(held(&p), 1);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK, 2, 2, 0);
    EXPECT_EQ(held(&p), 1);
    h_advance(30000);
    EXPECT_EQ(held(&p), 1);
    h_advance(240000);
    EXPECT_EQ(held(&p), 0);
    EXPECT_EQ(conn->err_calls, 0);
    EXPECT_EQ(conn->fin, 0); /* rx was closed by tcp_close */
}

SCENARIO(tcp_free_rst_after_close,
         "tcp_close (FIN_WAIT_1), then a RST from the peer: the pcb is freed at once and the err "
         "callback, still installed, runs with ERR_RST")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    h_peer_drain(&p);
    EXPECT_EQ(held(&p), 1);
    h_peer_send(&p, PKT_RST, NULL, 0);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
    EXPECT_EQ(held(&p), 0);
}

SCENARIO(tcp_free_rst_in_last_ack,
         "peer FIN, tcp_close (LAST_ACK), then a RST from the peer: the pcb is freed at once and "
         "the err callback runs with ERR_RST")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    h_peer_drain(&p);
    h_peer_send(&p, PKT_RST, NULL, 0);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
    EXPECT_EQ(held(&p), 0);
}

/* tcp_close from inside the callbacks: recv with data (after tcp_recved),
 * sent, poll. */
static struct h_conn *cb_conn;

static err_t close_in_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    err_t e;
    (void)arg;
    (void)err;
    if (!p) {
        trace("tcp recv FIN");
        cb_conn->fin++;
        return ERR_OK;
    }
    trace("tcp recv len=%u -> tcp_recved, tcp_close", p->tot_len);
    cb_conn->recv_calls++;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    e = tcp_close(pcb);
    trace("tcp_close in recv -> %s", expect_errname(e));
    return ERR_OK;
}

SCENARIO_LWIP_DEVIATES(tcp_free_close_in_recv,
         "tcp_close inside recv (data read and tcp_recved): FIN, the pcb held through FIN_WAIT_1/2 "
         "and TIME_WAIT, no err callback and no recv(NULL) for the peer's FIN",
         RECV_AFTER_CLOSE)
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    cb_conn = conn;
    tcp_recv(conn->pcb, close_in_recv);
    h_peer_data(&p, 1, 100, PKT_PSH);
    EXPECT_EQ(conn->recv_calls, 1);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 101, 0);
    EXPECT_EQ(held(&p), 1);
    h_peer_ack(&p);
    EXPECT_EQ(held(&p), 1);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    h_peer_drain(&p);
    EXPECT_EQ(held(&p), 1);
    EXPECT_EQ(conn->err_calls, 0);
    EXPECT_EQ(conn->fin, 0);
}

SCENARIO(tcp_free_close_on_fin_in_recv,
         "tcp_close inside recv(NULL): FIN+ACK, the pcb held in LAST_ACK, freed by the ACK of our "
         "FIN, no err callback")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->close_on_fin = 1;
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_EQ(conn->fin, 1);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 2, 0);
    EXPECT_EQ(held(&p), 1);
    h_peer_ack(&p);
    EXPECT_EQ(held(&p), 0);
    EXPECT_EQ(conn->err_calls, 0);
}

static err_t close_in_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    err_t e;
    (void)arg;
    cb_conn->sent += len;
    cb_conn->sent_calls++;
    e = tcp_close(pcb);
    trace("tcp sent len=%u -> tcp_close -> %s", len, expect_errname(e));
    return ERR_OK;
}

SCENARIO(tcp_free_close_in_sent,
         "tcp_close inside sent (our data acknowledged): FIN, the pcb held in FIN_WAIT_1/2, no err "
         "callback")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    cb_conn = conn;
    tcp_sent(conn->pcb, close_in_sent);
    EXPECT_ERR(h_write(conn, "0123456789", 10, TCP_WRITE_FLAG_COPY), ERR_OK);
    EXPECT_ERR(h_output(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_PSH, 1, 1, 10);
    h_peer_ack(&p);
    EXPECT_EQ(conn->sent_calls, 1);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 11, 1, 0);
    EXPECT_EQ(held(&p), 1);
    h_peer_ack(&p);
    EXPECT_EQ(held(&p), 1);
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_free_close_in_poll,
         "tcp_close inside poll: FIN, the pcb held in FIN_WAIT_1/2 and TIME_WAIT (no poll callback "
         "there: lwIP polls active pcbs only); after TIME_WAIT it is freed, no err callback")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->close_in_poll = 1;
    h_conn_poll(conn, 2);
    h_advance(1500);
    EXPECT(conn->poll_calls >= 1);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 1, 0);
    h_peer_drain(&p);
    EXPECT_EQ(held(&p), 1);
    h_peer_ack(&p);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    h_peer_drain(&p);
    EXPECT_EQ(held(&p), 1);
    h_advance(270000);
    EXPECT_EQ(held(&p), 0);
    EXPECT_EQ(conn->err_calls, 0);
    EXPECT_EQ(conn->poll_calls, 1);
}
