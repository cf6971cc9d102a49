/* tcp_rx.c: receiving: in-order data and trimming, duplicates, FIN and
 * recv(NULL), the receive window and tcp_recved, refused data, aborting
 * inside recv, out-of-order segments (lwIP's test_tcp_oos.c), window
 * overruns, sequence-number wraparound, delayed ACKs.  (RFC 9293 3.8.6,
 * 3.10.7.4; lwIP's test_tcp.c test_tcp_recv_inseq*, test_tcp_passive_close.) */
#include "conformance.h"

#include "lwip/priv/tcp_priv.h" /* tcp_process_refused_data (tun2socks programs call it) */

#include "tcp.h"

#define LPORT 30002
#define PPORT 40002

/* The next packet, which must be a pure ACK (no data, SYN, FIN, RST);
 * returns its relative ack. */
static uint32_t expect_ack(struct tcp_peer *p)
{
    struct cap *c = h_peer_recv(p);
    EXPECT_EQ(c->wi.tcp.flags & (PKT_SYN | PKT_FIN | PKT_RST | PKT_ACK), PKT_ACK);
    EXPECT_EQ(c->wi.pl_len, 0);
    return h_ack(p, c);
}

/* Takes every pending packet, all pure ACKs; returns the relative ack of
 * the last one (0 if none). */
static uint32_t last_ack(struct tcp_peer *p)
{
    uint32_t ack = 0;
    while (cap_pending()) {
        ack = expect_ack(p);
    }
    return ack;
}

/* Waits up to ms for the stack to acknowledge; returns the relative ack of
 * the last ACK seen, 0 if none came. */
static uint32_t ack_within(struct tcp_peer *p, u32_t ms)
{
    uint32_t ack = 0;
    u32_t t;
    for (t = 0; t < ms && !cap_pending(); t += 10) {
        h_advance(10);
    }
    while (cap_pending()) {
        ack = expect_ack(p);
    }
    return ack;
}

SCENARIO(tcp_recv_inseq,
         "[MUST-40] in-order data is delivered once, byte-exact, to recv; it is acknowledged "
         "within 500 ms")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 1, 4, PKT_PSH);
    EXPECT_EQ(conn->recv_calls, 1);
    EXPECT_EQ(conn->rx_len, 4);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, 4));
    EXPECT_EQ(ack_within(&p, 500), 5);
    EXPECT(h_now() <= 500);
    h_peer_data(&p, 5, 1000, 0);
    EXPECT_EQ(conn->rx_len, 1004);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, 1004));
    EXPECT_EQ(ack_within(&p, 500), 1005);
    EXPECT_EQ(conn->err_calls, 0);
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(tcp_recv_trim_overlap,
         "an overlapping retransmission (old bytes then new ones) delivers only the new part: "
         "every byte reaches the application exactly once (lwIP test_tcp_recv_inseq_trim)")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 1, 100, 0);
    EXPECT_EQ(conn->rx_len, 100);
    /* 300 bytes from sequence 1: 100 old, 200 new */
    h_peer_data(&p, 1, 300, PKT_PSH);
    EXPECT_EQ(conn->rx_len, 300);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
    EXPECT_EQ(conn->recv_calls, 2);
    /* one that starts inside what was received and ends later */
    h_peer_data(&p, 251, 150, PKT_PSH);
    EXPECT_EQ(conn->rx_len, 400);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(p.st_ack - p.iss, 401);
}

SCENARIO(tcp_recv_duplicate,
         "a segment entirely below RCV.NXT is not delivered again and is acknowledged at once "
         "(RFC 9293 3.10.7.4: an unacceptable segment gets an ACK)")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 1, 200, PKT_PSH);
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(conn->rx_len, 200);
    h_peer_data(&p, 1, 200, PKT_PSH);
    EXPECT_EQ(conn->rx_len, 200);
    EXPECT_EQ(conn->recv_calls, 1);
    EXPECT_EQ(expect_ack(&p), 201); /* no timer needed */
    cap_expect_none();
}

SCENARIO(tcp_recv_fin,
         "a FIN after data: recv(NULL) once, state CLOSE_WAIT, the FIN is acknowledged at once; "
         "a retransmitted FIN is acknowledged again without a second recv(NULL) (double FIN)")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 1, 10, PKT_PSH);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_EQ(conn->fin, 1);
    EXPECT_EQ(conn->rx_len, 10);
    EXPECT_EQ(last_ack(&p), 12); /* perhaps after an ACK of the data */
    EXPECT_EQ(h_state(conn), CLOSE_WAIT);
    /* the same FIN again */
    h_peer_inject(&p, H_PSEQ(&p, 11), p.rcv_nxt, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_EQ(ack_within(&p, 500), 12);
    EXPECT_EQ(conn->fin, 1);
    EXPECT_EQ(h_state(conn), CLOSE_WAIT);
    /* the application can still send in CLOSE_WAIT */
    EXPECT_ERR(h_write(conn, "bye", 3, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_PSH, 1, 12, 3);
}

SCENARIO(tcp_recv_data_fin,
         "[MUST-58] data and FIN in one segment: the data is delivered, then recv(NULL); the "
         "application closes from recv(NULL) and the stack answers the whole segment at once (no "
         "ACK of the data alone), LAST_ACK (lwIP test_tcp_passive_close)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->close_on_fin = 1;
    h_peer_data(&p, 1, 1, PKT_FIN | PKT_PSH);
    EXPECT_EQ(conn->rx_len, 1);
    EXPECT_EQ(conn->fin, 1);
    /* ACK of the FIN and our FIN, possibly in one segment */
    c = h_peer_recv(&p);
    if (!(c->wi.tcp.flags & PKT_FIN)) {
        EXPECT_SEG(c, &p, PKT_ACK, 1, 3, 0);
        c = h_peer_recv(&p);
    }
    EXPECT_SEG(c, &p, PKT_ACK | PKT_FIN, 1, 3, 0);
    EXPECT_EQ(h_state(conn), LAST_ACK);
    h_peer_ack(&p);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_window_recved,
         "[MUST-1][MUST-39] data the application holds shrinks the advertised window by its size; "
         "tcp_recved reopens it and the stack sends a window update")
{
    struct tcp_peer p;
    struct h_conn *conn;
    uint32_t w1, w2, w3, gran;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    p.syn_opts.has_wscale = 1; /* scale 0: the stack's own scale applies to its window */
    conn = h_established(&p);
    conn->no_recved = 1;
    gran = 1u << (p.st_wscale > 0 ? p.st_wscale : 0);
    trace("stack window scale %d", p.st_wscale);

    h_peer_data(&p, 1, 1000, PKT_PSH);
    ack_within(&p, 500);
    w1 = tcp_peer_wnd(&p);
    h_peer_stream(&p, 10000, 1460);
    ack_within(&p, 500);
    EXPECT_EQ(conn->rx_len, 11000);
    EXPECT_EQ(p.st_ack - p.iss, 11001);
    w2 = tcp_peer_wnd(&p);
    trace("window %u after 1000 bytes, %u after 11000", w1, w2);
    EXPECT(w2 + 10000 <= w1 + gran && w2 + 10000 + gran >= w1);

    h_recved(conn, 11000);
    ack_within(&p, 500);
    w3 = tcp_peer_wnd(&p);
    trace("window %u after tcp_recved", w3);
    EXPECT(w3 + gran >= w1 + 1000);
}

SCENARIO(tcp_refused_data_timer,
         "recv returning ERR_CONN keeps the data; the stack offers it again on its own timer "
         "(within 1 s), and it is delivered once")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->refuse = 1;
    h_peer_data(&p, 1, 100, PKT_PSH);
    EXPECT_EQ(conn->refused, 1);
    EXPECT_EQ(conn->rx_len, 0);
    EXPECT(conn->pcb->refused_data != NULL);
    h_advance(1000);
    h_peer_drain(&p);
    EXPECT_EQ(conn->rx_len, 100);
    EXPECT_EQ(conn->recv_calls, 1);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, 100));
    EXPECT(conn->pcb->refused_data == NULL);
    h_advance(2000);
    EXPECT_EQ(conn->recv_calls, 1);
    EXPECT_EQ(conn->refused, 1);
}

SCENARIO(tcp_refused_data_process,
         "refused data is delivered by tcp_process_refused_data, which returns ERR_OK once the "
         "application takes it")
{
    struct tcp_peer p;
    struct h_conn *conn;
    err_t e;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->refuse = 2;
    h_peer_data(&p, 1, 50, PKT_PSH);
    EXPECT_EQ(conn->refused, 1);
    e = tcp_process_refused_data(conn->pcb);
    trace("tcp_process_refused_data -> %s", expect_errname(e));
    EXPECT_EQ(conn->refused, 2);
    EXPECT_EQ(conn->rx_len, 0);
    EXPECT(conn->pcb->refused_data != NULL);
    e = tcp_process_refused_data(conn->pcb);
    trace("tcp_process_refused_data -> %s", expect_errname(e));
    EXPECT_ERR(e, ERR_OK);
    EXPECT_EQ(conn->rx_len, 50);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, 50));
    EXPECT(conn->pcb->refused_data == NULL);
}

SCENARIO(tcp_refused_then_more,
         "data arriving while earlier data is refused: nothing is lost or duplicated (lwIP drops "
         "the new segment unacknowledged and the peer retransmits it, tern queues it)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    int round;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->refuse = 3;
    h_peer_data(&p, 1, 100, PKT_PSH);
    h_peer_data(&p, 101, 100, PKT_PSH);
    h_peer_data(&p, 201, 100, PKT_PSH);
    h_peer_drain(&p);
    /* the peer retransmits what the stack has not acknowledged */
    for (round = 0; round < 10 && conn->rx_len < 300; round++) {
        h_advance(500);
        h_peer_drain(&p);
        if (p.st_acked && p.st_ack - p.iss < 301) {
            uint32_t from = p.st_ack - p.iss;
            h_peer_data(&p, from, 301 - from, PKT_PSH);
            h_peer_drain(&p);
        }
    }
    EXPECT_EQ(conn->rx_len, 300);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(p.st_ack - p.iss, 301);
}

SCENARIO(tcp_refused_data_fin,
         "a refused segment carrying data and FIN: the data, then recv(NULL), come later, in that "
         "order and once each")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->refuse = 1;
    h_peer_data(&p, 1, 20, PKT_PSH | PKT_FIN);
    EXPECT_EQ(conn->fin, 0);
    EXPECT_EQ(conn->rx_len, 0);
    h_advance(1000);
    EXPECT_EQ(conn->rx_len, 20);
    EXPECT_EQ(conn->fin, 1);
    h_advance(1000);
    EXPECT_EQ(conn->fin, 1);
    EXPECT_EQ(conn->recv_calls, 1);
    h_peer_drain(&p);
    EXPECT_EQ(p.st_ack - p.iss, 22);
}

SCENARIO(tcp_abort_in_recv,
         "[MUST-12] tcp_abort inside recv, returning ERR_ABRT: a RST goes to the peer, err(ERR_ABRT) "
         "runs, the stack touches nothing afterwards; a later segment gets a RST")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->abort_in_recv = 1;
    h_peer_data(&p, 1, 10, PKT_PSH);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(h_seq(&p, c), 1);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_ABRT);
    h_advance(1000);
    cap_expect_none();
    h_peer_data(&p, 11, 10, PKT_PSH);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(tcp_ooseq_fin,
         "[MAY-13] out-of-order segments, the last with FIN, arrive before the first: each gets a "
         "duplicate ACK; when the hole fills, all data is delivered in order, then recv(NULL) "
         "(lwIP test_tcp_recv_ooseq_FIN_OOSEQ)")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 101, 100, 0);
    EXPECT_EQ(expect_ack(&p), 1);
    h_peer_data(&p, 301, 100, PKT_FIN);
    EXPECT_EQ(expect_ack(&p), 1);
    h_peer_data(&p, 201, 100, 0);
    EXPECT_EQ(expect_ack(&p), 1);
    EXPECT_EQ(conn->rx_len, 0);
    EXPECT_EQ(conn->fin, 0);
    h_peer_data(&p, 1, 100, 0);
    EXPECT_EQ(conn->rx_len, 400);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, 400));
    EXPECT_EQ(conn->fin, 1);
    EXPECT_EQ(ack_within(&p, 500), 402);
    EXPECT_EQ(h_state(conn), CLOSE_WAIT);
}

SCENARIO_LWIP_DEVIATES(tcp_ooseq_fill_acked_at_once,
         "a segment that fills the hole before out-of-order data is acknowledged at once, "
         "covering the held data (RFC 5681 4.2 SHOULD), so the sender's recovery ends quickly",
         "2.1.3 treats the filling segment as any in-order one and delays its ACK to the 250 ms "
         "timer")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 101, 100, 0);
    EXPECT_EQ(expect_ack(&p), 1);
    h_peer_data(&p, 1, 100, 0);
    EXPECT_EQ(conn->rx_len, 200);
    EXPECT(cap_pending() > 0);
    if (cap_pending()) {
        EXPECT_EQ(expect_ack(&p), 201);
    }
}

SCENARIO(tcp_ooseq_fill_one_ack,
         "[MUST-58][MUST-59] when a segment fills the hole before queued out-of-order data, all of "
         "it is processed before any ACK is sent: a single ACK, covering everything, within 500 ms")
{
    struct tcp_peer p;
    struct h_conn *conn;
    int acks = 0;
    uint32_t ack = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 101, 100, 0);
    h_peer_data(&p, 201, 100, 0);
    h_peer_drain(&p);
    h_peer_data(&p, 1, 100, 0);
    EXPECT_EQ(conn->rx_len, 300);
    while (h_now() < 500) {
        while (cap_pending()) {
            ack = expect_ack(&p);
            trace("ACK %u", ack);
            acks++;
        }
        h_advance(10);
    }
    EXPECT_EQ(acks, 1);
    EXPECT_EQ(ack, 301);
}

SCENARIO(tcp_ooseq_beyond_fin,
         "out-of-order data queued beyond a FIN that then arrives in order is never delivered: "
         "the stream ends at the FIN (lwIP test_tcp_recv_ooseq_FIN_INSEQ)")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 101, 100, 0); /* at and beyond the FIN that comes next */
    h_peer_data(&p, 201, 100, 0);
    h_peer_drain(&p);
    h_peer_data(&p, 1, 100, PKT_FIN); /* data 1..100, FIN at 101 */
    EXPECT_EQ(conn->rx_len, 100);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
    EXPECT_EQ(conn->fin, 1);
    EXPECT_EQ(ack_within(&p, 500), 102);
    h_peer_data(&p, 102, 100, 0);
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(conn->rx_len, 100);
    EXPECT_EQ(p.st_ack - p.iss, 102);
}

SCENARIO(tcp_ooseq_data_after_held_fin,
         "out-of-order data held after an out-of-order FIN is never delivered: when the hole "
         "fills, the stream ends at the FIN")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_peer_data(&p, 101, 100, PKT_FIN); /* data 101..200, FIN at 201 */
    h_peer_data(&p, 201, 100, 0);        /* bogus: from the FIN's own number on */
    h_peer_drain(&p);
    h_peer_data(&p, 1, 100, 0);
    EXPECT_EQ(conn->rx_len, 200);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
    EXPECT_EQ(conn->fin, 1);
    EXPECT_EQ(ack_within(&p, 500), 202);
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(conn->rx_len, 200);
    EXPECT_EQ(p.st_ack - p.iss, 202);
}

SCENARIO(tcp_ooseq_overrun_rxwin,
         "out-of-order segments past the advertised window are not kept: once the hole fills, "
         "exactly the advertised window is delivered and acknowledged (lwIP "
         "test_tcp_recv_ooseq_overrun_rxwin)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    uint32_t wnd, rel;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->no_recved = 1;
    h_peer_data(&p, 1, 1, PKT_PSH); /* learn the window from an ACK */
    ack_within(&p, 500);
    wnd = tcp_peer_wnd(&p) + 1; /* from sequence 1 */
    trace("advertised window %u", wnd - 1);
    /* everything from 1461 to 1461 + wnd + 2920, the first segment missing */
    for (rel = 1461; rel < 1 + wnd + 2920; rel += 1460) {
        h_peer_data(&p, rel, 1460, 0);
        h_peer_drain(&p);
    }
    EXPECT_EQ(conn->rx_len, 1);
    h_peer_data(&p, 2, 1459, 0);
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(conn->rx_len, wnd);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
    EXPECT_EQ(p.st_ack - p.iss, 1 + wnd);
}

SCENARIO(tcp_rx_window_overrun,
         "an in-order segment crossing the right edge of the window is cut at the edge: the "
         "bytes inside are delivered, the rest is not acknowledged")
{
    struct tcp_peer p;
    struct h_conn *conn;
    uint32_t room;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->no_recved = 1;
    h_peer_data(&p, 1, 1, PKT_PSH);
    ack_within(&p, 500);
    /* fill the window until less than 2000 bytes are left */
    for (;;) {
        room = tcp_peer_room(&p);
        if (room <= 2000 || conn->rx_len > 1000000) {
            break;
        }
        h_peer_stream(&p, room - 1000, 1460);
        ack_within(&p, 500);
    }
    room = tcp_peer_room(&p);
    trace("room left %u", room);
    EXPECT(room >= 100);
    h_peer_data(&p, p.snd_nxt - p.iss, room + 500, PKT_PSH);
    ack_within(&p, 500);
    EXPECT_EQ(p.st_ack - p.iss, conn->rx_len + 1);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
    EXPECT(p.st_ack - p.iss <= p.snd_nxt - p.iss - 500);
}

SCENARIO(tcp_rx_wraparound,
         "[MUST-1] sequence numbers of the peer wrapping past 2^32 (ISN 0xffffff00): in-order and "
         "out-of-order data across the wrap is delivered in order and acknowledged")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 0xffffff00u);
    conn = h_established(&p);
    h_peer_data(&p, 1, 200, 0);        /* 0xffffff01 .. 0xffffffc8 */
    h_peer_data(&p, 401, 300, 0);      /* past the wrap, out of order */
    h_peer_drain(&p);
    h_peer_data(&p, 201, 200, PKT_PSH); /* crosses 2^32 */
    EXPECT_EQ(conn->rx_len, 700);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, 700));
    EXPECT_EQ(ack_within(&p, 500), 701);
    EXPECT_EQ(p.st_ack, (uint32_t)(0xffffff00u + 701));
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_EQ(conn->fin, 1);
}

SCENARIO(tcp_delayed_ack,
         "[MUST-40] a lone small segment may have its ACK delayed, but never by 500 ms or more "
         "(lwIP acknowledges on its 250 ms timer, tern after 40 ms)")
{
    struct tcp_peer p;
    u32_t sent;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_established(&p);
    h_advance(100);
    sent = h_now();
    h_peer_data(&p, 1, 10, PKT_PSH);
    EXPECT_EQ(ack_within(&p, 490), 11);
    trace("acknowledged %u ms later", h_now() - sent);
    EXPECT(h_now() - sent < 500);
}

SCENARIO(tcp_ack_every_second_segment,
         "[SHLD-18][SHLD-19] delayed ACKs with an application that calls tcp_recved from recv (the "
         "usual pattern): the first of two full-sized segments is not acknowledged on its own, the "
         "second is at once, one ACK for both")
{
    struct tcp_peer p;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_established(&p);
    h_peer_data(&p, 1, 1460, 0);
    h_peer_data(&p, 1461, 1460, 0);
    EXPECT(cap_pending() >= 1);
    EXPECT_EQ(expect_ack(&p), 2921);
    cap_expect_none();
}

SCENARIO(tcp_zero_window,
         "[MUST-37][MUST-66] the application holds everything: the window closes (ACK with "
         "window 0), a probe beyond it is answered with window 0 and not delivered; an exact RST "
         "is still processed with the window closed")
{
    struct tcp_peer p;
    struct h_conn *conn;
    size_t held;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->no_recved = 1;
    h_peer_data(&p, 1, 1, PKT_PSH);
    ack_within(&p, 500);
    while (tcp_peer_room(&p) > 0 && conn->rx_len < 1000000) {
        h_peer_stream(&p, tcp_peer_room(&p), 1460);
        ack_within(&p, 500);
    }
    held = conn->rx_len;
    trace("window closed after %zu bytes", held);
    EXPECT_EQ(tcp_peer_wnd(&p), 0);
    EXPECT_EQ(p.st_ack - p.iss, held + 1);
    /* a one-byte probe */
    h_peer_data(&p, (uint32_t)held + 1, 1, 0);
    EXPECT_EQ(expect_ack(&p), held + 1);
    EXPECT_EQ(tcp_peer_wnd(&p), 0);
    EXPECT_EQ(conn->rx_len, held);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, held));
    /* RST at RCV.NXT */
    h_peer_inject(&p, H_PSEQ(&p, held + 1), 0, PKT_RST, NULL, 0);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
    cap_expect_none();
}

SCENARIO(tcp_zero_window_reopen,
         "after the window closed, tcp_recved of the held data sends a window update and the "
         "peer's next data is accepted")
{
    struct tcp_peer p;
    struct h_conn *conn;
    size_t held;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->no_recved = 1;
    h_peer_data(&p, 1, 1, PKT_PSH);
    ack_within(&p, 500);
    while (tcp_peer_room(&p) > 0 && conn->rx_len < 1000000) {
        h_peer_stream(&p, tcp_peer_room(&p), 1460);
        ack_within(&p, 500);
    }
    held = conn->rx_len;
    EXPECT_EQ(tcp_peer_wnd(&p), 0);
    while (held > 0) {
        u16_t n = held > 60000 ? 60000 : (u16_t)held;
        h_recved(conn, n);
        held -= n;
    }
    ack_within(&p, 500);
    EXPECT(tcp_peer_wnd(&p) > 0);
    held = conn->rx_len;
    h_peer_stream(&p, 1000, 1460);
    EXPECT_EQ(conn->rx_len, held + 1000);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
}
