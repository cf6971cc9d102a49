/* tcp_raw_api.c: what lwIP's raw API does around a pcb's life, judged by
 * lwIP itself: the fields of a new pcb, what tcp_listen hands back, what an
 * accept callback's return value and a closed listener do, tcp_abort in
 * TIME-WAIT, polling while connecting, LAST-ACK after a shutdown of the
 * sending side, tcp_abort inside sent.  (These cases were unit tests of
 * tern's compat layer, tests/unit/test_compat_tcp.c, whose expectation was
 * "what lwIP 2.1.3 does"; here lwIP runs them too.) */
#include "conformance.h"

#include "lwip/priv/tcp_priv.h" /* TCP_KEEP*_DEFAULT, which programs read from it */

#include "tcp.h"

#define LPORT 30090
#define PPORT 40090

SCENARIO(tcp_new_defaults,
         "tcp_new: a CLOSED IPv4 pcb, unbound, normal priority, TTL TCP_TTL, a send buffer of "
         "TCP_SND_BUF, a receive window of TCP_WND, MSS 536 until a handshake, no queued "
         "segments, keepalive timers at their defaults, Nagle on; tcp_new_ip_type sets the "
         "address type (lwIP tcp_alloc)")
{
    struct tcp_pcb *pcb = tcp_new();
    struct tcp_pcb *v6, *any;

    REQUIRE(pcb != NULL);
    EXPECT_EQ(pcb->state, CLOSED);
    EXPECT_EQ(IP_GET_TYPE(&pcb->local_ip), IPADDR_TYPE_V4);
    EXPECT_EQ(pcb->local_port, 0);
    EXPECT_EQ(pcb->prio, TCP_PRIO_NORMAL);
    EXPECT_EQ(pcb->ttl, TCP_TTL);
    EXPECT_EQ(pcb->snd_buf, TCP_SND_BUF);
    EXPECT_EQ(tcp_sndqueuelen(pcb), 0);
    EXPECT_EQ(pcb->rcv_wnd, TCP_WND);
    EXPECT_EQ(pcb->mss, 536); /* RFC 9293 3.7.1: 536 without an MSS option */
    EXPECT(pcb->unsent == NULL);
    EXPECT(pcb->unacked == NULL);
    EXPECT(pcb->refused_data == NULL);
    EXPECT_EQ(pcb->keep_idle, TCP_KEEPIDLE_DEFAULT);
    EXPECT_EQ(pcb->keep_intvl, TCP_KEEPINTVL_DEFAULT);
    EXPECT_EQ(pcb->keep_cnt, TCP_KEEPCNT_DEFAULT);
    EXPECT(!tcp_nagle_disabled(pcb));
    tcp_nagle_disable(pcb);
    EXPECT(tcp_nagle_disabled(pcb));
    tcp_nagle_enable(pcb);
    EXPECT(!tcp_nagle_disabled(pcb));
    tcp_setprio(pcb, TCP_PRIO_MAX);
    EXPECT_EQ(pcb->prio, TCP_PRIO_MAX);
    EXPECT(pcb->recv == tcp_recv_null); /* lwIP tcp_alloc: data is taken and freed */
    tcp_poll(pcb, NULL, 7);
    EXPECT_EQ(pcb->pollinterval, 7);

    v6 = tcp_new_ip_type(IPADDR_TYPE_V6);
    REQUIRE(v6 != NULL);
    EXPECT_EQ(IP_GET_TYPE(&v6->local_ip), IPADDR_TYPE_V6);
    EXPECT_EQ(IP_GET_TYPE(&v6->remote_ip), IPADDR_TYPE_V6);
    any = tcp_new_ip_type(IPADDR_TYPE_ANY);
    REQUIRE(any != NULL);
    EXPECT_EQ(IP_GET_TYPE(&any->local_ip), IPADDR_TYPE_ANY);
    EXPECT_ERR(tcp_close(pcb), ERR_OK);
    EXPECT_ERR(tcp_close(v6), ERR_OK);
    EXPECT_ERR(tcp_close(any), ERR_OK);
    cap_expect_none();
}

SCENARIO(tcp_unused_close_and_abort,
         "closing a pcb that never connected frees it at once without the err callback and "
         "sends nothing; aborting one runs err(ERR_ABRT) once and sends nothing (lwIP "
         "tcp_close, tcp_abandon)")
{
    struct tcp_pcb *a = tcp_new_ip_type(IPADDR_TYPE_V4);
    struct tcp_pcb *b = tcp_new_ip_type(IPADDR_TYPE_V4);
    struct h_conn *ca, *cb;

    REQUIRE(a != NULL && b != NULL);
    ca = h_conn_attach(a);
    cb = h_conn_attach(b);
    EXPECT_ERR(tcp_bind(b, IP4_ADDR_ANY, LPORT), ERR_OK);
    EXPECT_ERR(h_close(ca), ERR_OK);
    EXPECT_EQ(ca->err_calls, 0);
    h_abort(cb);
    EXPECT_EQ(cb->err_calls, 1);
    EXPECT_ERR(cb->err, ERR_ABRT);
    cap_expect_none();
}

SCENARIO(tcp_listen_carries_settings,
         "tcp_listen_with_backlog returns a new LISTEN pcb on the bound port that carries the "
         "callback argument, priority, TTL and socket options of the pcb it was given")
{
    static int marker;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    struct tcp_pcb *l;

    REQUIRE(pcb != NULL);
    tcp_arg(pcb, &marker);
    tcp_setprio(pcb, 90);
    ip_set_option(pcb, SOF_KEEPALIVE);
    pcb->ttl = 33;
    EXPECT_ERR(tcp_bind(pcb, IP4_ADDR_ANY, LPORT), ERR_OK);
    l = tcp_listen_with_backlog(pcb, 0);
    REQUIRE(l != NULL);
    EXPECT_EQ(l->state, LISTEN);
    EXPECT_EQ(l->local_port, LPORT);
    EXPECT(l->callback_arg == &marker);
    EXPECT_EQ(l->prio, 90);
    EXPECT_EQ(l->ttl, 33);
    EXPECT_EQ(l->so_options & SOF_KEEPALIVE, SOF_KEEPALIVE);
    EXPECT_ERR(tcp_close(l), ERR_OK);
    cap_expect_none();
}

/* ---- accept callbacks that do not take the connection ---- */

static struct h_conn *refused_conn;
static int refused_calls;

static err_t accept_refusing(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    (void)arg;
    refused_calls++;
    if (err != ERR_OK || newpcb == NULL) {
        return ERR_VAL;
    }
    refused_conn = h_conn_attach(newpcb); /* its err callback sees the abort */
    return ERR_VAL;
}

SCENARIO(tcp_accept_error_aborts,
         "an accept callback returning an error (ERR_VAL) without aborting: the stack aborts the "
         "new connection itself, a RST to the peer and err(ERR_ABRT) on the new pcb; the "
         "listener keeps accepting (lwIP tcp_process, SYN_RCVD)")
{
    struct tcp_peer p;
    struct tcp_pcb *l;
    struct cap *c;

    refused_conn = NULL;
    refused_calls = 0;
    l = h_listen(LPORT, 4);
    tcp_accept(l, accept_refusing);
    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    c = h_peer_syn(&p);
    h_peer_ack(&p);
    EXPECT_EQ(refused_calls, 1);
    REQUIRE(refused_conn != NULL);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(h_seq(&p, c), 1);
    cap_expect_none();
    EXPECT_EQ(refused_conn->err_calls, 1);
    EXPECT_ERR(refused_conn->err, ERR_ABRT);
    /* the listener is intact: the next connection reaches the callback too */
    h_peer_init(&p, PEER4, PPORT + 1, LOCAL4, LPORT, 5000);
    c = h_peer_syn(&p);
    h_peer_ack(&p);
    EXPECT_EQ(refused_calls, 2);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    cap_expect_none();
}

SCENARIO(tcp_listen_without_accept_aborts,
         "a listener that never got an accept callback resets each connection once its handshake "
         "completes (lwIP's default tcp_accept_null aborts)")
{
    struct tcp_peer p;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    struct tcp_pcb *l;
    struct cap *c;

    REQUIRE(pcb != NULL);
    EXPECT_ERR(tcp_bind(pcb, IP4_ADDR_ANY, LPORT), ERR_OK);
    l = tcp_listen(pcb);
    REQUIRE(l != NULL);
    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    c = h_peer_syn(&p);
    h_peer_ack(&p);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(h_seq(&p, c), 1);
    cap_expect_none();
    EXPECT_ERR(tcp_close(l), ERR_OK);
}

static struct tcp_pcb *closing_listener;
static struct tcp_pcb *kept_pcb;

static err_t accept_closing_listener(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || newpcb == NULL) {
        return ERR_VAL;
    }
    kept_pcb = newpcb;
    h_conn_attach(newpcb);
    EXPECT_ERR(tcp_close(closing_listener), ERR_OK);
    closing_listener = NULL;
    return ERR_OK;
}

SCENARIO(tcp_listener_closed_in_accept,
         "an accept callback that closes its listener and keeps the new connection: the "
         "connection stays ESTABLISHED and carries data; the port accepts nothing more (RST)")
{
    struct tcp_peer p, q;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    struct cap *c;

    REQUIRE(pcb != NULL);
    kept_pcb = NULL;
    EXPECT_ERR(tcp_bind(pcb, IP4_ADDR_ANY, LPORT), ERR_OK);
    closing_listener = tcp_listen(pcb);
    REQUIRE(closing_listener != NULL);
    tcp_accept(closing_listener, accept_closing_listener);
    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_peer_send(&p, PKT_SYN, NULL, 0);
    h_peer_recv(&p);
    h_peer_ack(&p);
    REQUIRE(kept_pcb != NULL);
    EXPECT(closing_listener == NULL);
    EXPECT_EQ(kept_pcb->state, ESTABLISHED);
    EXPECT_ERR(tcp_write(kept_pcb, "x", 1, TCP_WRITE_FLAG_COPY), ERR_OK);
    EXPECT_ERR(tcp_output(kept_pcb), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK | PKT_PSH, 1, 1, 1);
    /* RFC 9293 3.10.7.1: a SYN to a port nobody listens on gets a RST */
    h_peer_init(&q, PEER4, PPORT + 1, LOCAL4, LPORT, 7000);
    h_peer_send(&q, PKT_SYN, NULL, 0);
    c = h_peer_recv(&q);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    cap_expect_none();
    tcp_abort(kept_pcb);
    h_peer_drain(&p);
}

SCENARIO(tcp_abort_in_time_wait_quiet,
         "tcp_abort on a pcb in TIME-WAIT frees it without the err callback and sends nothing "
         "(lwIP tcp_abandon: no RST once the connection is closed)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct tcp_pcb *pcb;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    pcb = conn->pcb;
    EXPECT_ERR(h_close(conn), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_FIN | PKT_ACK, 1, 1, 0);
    h_peer_send(&p, PKT_FIN | PKT_ACK, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 2, 2, 0);
    EXPECT_EQ(pcb->state, TIME_WAIT);
    tcp_abort(pcb);
    EXPECT_EQ(conn->err_calls, 0);
    cap_expect_none();
    h_advance(1000);
    cap_expect_none();
}

SCENARIO(tcp_poll_in_syn_sent,
         "the poll callback runs while a connection waits in SYN-SENT (interval 2: about every "
         "second), and when the SYN retransmissions give up, err(ERR_ABRT) runs and connected "
         "never does")
{
    struct tcp_peer p;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    struct h_conn *conn;
    ip_addr_t dst = h_ip(PEER4);
    struct cap *c;

    REQUIRE(pcb != NULL);
    conn = h_conn_attach(pcb);
    h_conn_poll(conn, 2);
    h_peer_init(&p, PEER4, PPORT, LOCAL4, 0, 1000);
    EXPECT_ERR(tcp_connect(pcb, &dst, PPORT, NULL), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_SYN, 0, H_ANY, 0);
    h_advance(5200);
    h_peer_drain(&p); /* the SYN's retransmissions: nobody answers */
    EXPECT(conn->poll_calls >= 4 && conn->poll_calls <= 6);
    EXPECT_EQ(pcb->state, SYN_SENT);
    h_advance(200000);
    h_peer_drain(&p);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_ABRT);
    EXPECT_EQ(conn->connected_calls, 0);
}

SCENARIO(tcp_shutdown_tx_last_ack_err_clsd,
         "after the peer's FIN, tcp_shutdown of the sending side only: the stack sends its FIN "
         "(LAST-ACK), and the peer's ACK of it ends the connection with err(ERR_CLSD), since the "
         "application never closed the receiving side (lwIP tcp_input, TF_CLOSED)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_send(&p, PKT_FIN | PKT_ACK, NULL, 0);
    EXPECT_EQ(conn->fin, 1);
    h_peer_drain(&p); /* the ACK of the FIN, if sent on its own */
    EXPECT_ERR(h_shutdown(conn, 0, 1), ERR_OK);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_FIN | PKT_ACK, 1, 2, 0);
    EXPECT_EQ(conn->pcb->state, LAST_ACK);
    EXPECT_EQ(conn->err_calls, 0);
    h_peer_ack(&p);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_CLSD);
    cap_expect_none();
}

static struct h_conn *aborting_conn;
static int aborting_sent_calls;

static err_t sent_aborting(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)arg;
    (void)len;
    aborting_sent_calls++;
    tcp_abort(pcb);
    return ERR_ABRT;
}

SCENARIO(tcp_abort_in_sent,
         "a sent callback that calls tcp_abort and returns ERR_ABRT: the connection is reset "
         "(<RST,ACK> at SND.NXT to the peer) and err(ERR_ABRT) runs once")
{
    struct tcp_peer p;
    struct cap *c;

    aborting_sent_calls = 0;
    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    aborting_conn = h_established(&p);
    tcp_sent(aborting_conn->pcb, sent_aborting);
    EXPECT_ERR(h_write(aborting_conn, "x", 1, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(aborting_conn);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 1, 1, 1);
    h_peer_ack(&p);
    EXPECT_EQ(aborting_sent_calls, 1);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags, PKT_RST | PKT_ACK);
    EXPECT_EQ(h_seq(&p, c), 2);
    EXPECT_EQ(aborting_conn->err_calls, 1);
    EXPECT_ERR(aborting_conn->err, ERR_ABRT);
    cap_expect_none();
}

/* Callbacks a program stores in the pcb itself (some ports and older
 * programs assign pcb->recv rather than call tcp_recv). */
static int direct_recv_calls;
static size_t direct_recv_bytes;
static err_t recv_direct(void *arg, struct tcp_pcb *pcb, struct pbuf *pb, err_t err)
{
    (void)arg;
    (void)err;
    direct_recv_calls++;
    if (pb) {
        direct_recv_bytes += pb->tot_len;
        tcp_recved(pcb, pb->tot_len);
        pbuf_free(pb);
    }
    return ERR_OK;
}

static int direct_sent_calls;
static err_t sent_direct(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)arg;
    (void)pcb;
    (void)len;
    direct_sent_calls++;
    return ERR_OK;
}

SCENARIO(tcp_callbacks_written_into_pcb,
         "recv and sent callbacks assigned straight into the pcb's fields (not through tcp_recv / "
         "tcp_sent) are the ones called: lwIP dispatches through pcb->recv and pcb->sent")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    direct_recv_calls = direct_sent_calls = 0;
    direct_recv_bytes = 0;
    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->pcb->recv = recv_direct;
    conn->pcb->sent = sent_direct;
    h_peer_data(&p, 1, 10, PKT_PSH);
    EXPECT_EQ(direct_recv_calls, 1);
    EXPECT_EQ(direct_recv_bytes, 10);
    EXPECT_EQ(conn->recv_calls, 0); /* the harness's own recv was replaced */
    EXPECT_ERR(h_write(conn, "abc", 3, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    do {
        c = h_peer_recv(&p);
    } while (c->wi.pl_len == 0);
    EXPECT_EQ(c->wi.pl_len, 3);
    h_peer_ack(&p);
    EXPECT_EQ(direct_sent_calls, 1);
    EXPECT_EQ(conn->sent_calls, 0);
    EXPECT_EQ(conn->err_calls, 0);
}
