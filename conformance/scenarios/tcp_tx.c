/* tcp_tx.c: sending: sent callback counts, Nagle and TF_NODELAY,
 * TCP_WRITE_FLAG_MORE and PSH, tcp_write's ERR_MEM, fast retransmission
 * (lwIP test_tcp_fast_retx_recover), RTO retransmission with backoff and
 * giving up (test_tcp_rto_*), zero-window probing (test_tcp_zwp_timeout).
 * (RFC 9293 3.8; RFC 5681; RFC 6298.) */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30003
#define PPORT 40003

static uint8_t data[65536];

/* A connection ready to send: established by a passive open, Nagle off
 * unless nagle is set. */
static struct h_conn *sender(struct tcp_peer *p, int nagle)
{
    struct h_conn *conn;
    h_peer_init(p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(p);
    if (!nagle) {
        tcp_nagle_disable(conn->pcb);
    }
    h_pattern(data, sizeof(data), 11);
    return conn;
}

/* A sender whose peer closed its window: 10 bytes go out and the peer
 * acknowledges them with window 0 (a window update that comes with new
 * acknowledged data, which every stack takes). */
static struct h_conn *zero_window_sender(struct tcp_peer *p)
{
    struct h_conn *conn = sender(p, 0);
    h_write(conn, "0123456789", 10, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    h_peer_recv(p);
    p->win = 0;
    h_peer_ack(p);
    cap_expect_none();
    return conn;
}

/* Takes every pending data segment; returns the payload bytes. */
static size_t take_data(struct tcp_peer *p, int *segs)
{
    size_t n = 0;
    int k = 0;
    while (cap_pending()) {
        struct cap *c = h_peer_recv(p);
        n += c->wi.pl_len;
        if (c->wi.pl_len) {
            k++;
        }
    }
    if (segs) {
        *segs = k;
    }
    return n;
}

/* A connection that sent four full segments of data, every one taken off
 * the wire unacknowledged (*segs: the data segments seen). */
static struct h_conn *four_segments_out(struct tcp_peer *p, int *segs)
{
    struct h_conn *conn = sender(p, 0);
    h_write(conn, data, 4 * 1460, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    take_data(p, segs);
    return conn;
}

SCENARIO(tcp_sent_counts,
         "the sent callback reports acknowledged bytes, never more than were acknowledged, adding "
         "up to all of them; snd_buf shrinks on tcp_write and grows back as data is acknowledged "
         "(lwIP reports a segment when all of it is acknowledged, tern every acknowledged byte)")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);
    tcpwnd_size_t buf0 = conn->pcb->snd_buf;

    EXPECT_ERR(h_write(conn, data, 1000, TCP_WRITE_FLAG_COPY), ERR_OK);
    EXPECT_ERR(h_write(conn, data + 1000, 500, TCP_WRITE_FLAG_COPY), ERR_OK);
    EXPECT_EQ(conn->pcb->snd_buf, buf0 - 1500);
    h_output(conn);
    EXPECT_EQ(take_data(&p, NULL), 1500);
    EXPECT_EQ(conn->sent_calls, 0);
    /* acknowledge 600 bytes, then the rest, then a duplicate */
    h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 601), PKT_ACK, NULL, 0);
    EXPECT(conn->sent <= 600);
    trace("after 600 acknowledged: sent callbacks report %lu", conn->sent);
    h_peer_ack(&p);
    EXPECT_EQ(conn->sent, 1500);
    h_peer_ack(&p);
    EXPECT_EQ(conn->sent, 1500);
    EXPECT_EQ(conn->pcb->snd_buf, buf0);
    EXPECT(conn->pcb->unacked == NULL);
    EXPECT(conn->pcb->unsent == NULL);
}

SCENARIO(tcp_nagle,
         "[SHLD-7] with Nagle on, small writes wait while data is unacknowledged and go out "
         "together when the ACK comes")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 1);
    struct cap *c;

    EXPECT(!tcp_nagle_disabled(conn->pcb));
    h_write(conn, "aaaaaaaaaa", 10, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 1, 1, 10); /* nothing in flight: sent at once */
    h_write(conn, "bbbbbbbbbb", 10, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    h_write(conn, "cccccccccc", 10, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    cap_expect_none();
    h_peer_ack(&p);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 11, 1, 20);
    EXPECT_MEM(c->data + c->wi.pl_off, "bbbbbbbbbbcccccccccc", 20);
    cap_expect_none();
}

SCENARIO(tcp_nodelay,
         "[MUST-17] with TF_NODELAY every tcp_output sends what was written, even with data "
         "unacknowledged")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);

    EXPECT(tcp_nagle_disabled(conn->pcb));
    h_write(conn, "aaaaaaaaaa", 10, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    EXPECT_SEG(h_peer_recv(&p), &p, H_ANY, 1, 1, 10);
    h_write(conn, "bbbbbbbbbb", 10, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    EXPECT_SEG(h_peer_recv(&p), &p, H_ANY, 11, 1, 10);
    h_write(conn, "cccccccccc", 10, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    EXPECT_SEG(h_peer_recv(&p), &p, H_ANY, 21, 1, 10);
    cap_expect_none();
}

SCENARIO(tcp_write_more_psh,
         "[MUST-61][MAY-15] a write with TCP_WRITE_FLAG_MORE sends no PSH; the last segment of a "
         "write without it carries PSH")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);
    struct cap *c;
    int i;

    h_write(conn, data, 100, TCP_WRITE_FLAG_COPY | TCP_WRITE_FLAG_MORE);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 1, 100);
    h_write(conn, data, 3000, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    for (i = 0; cap_pending(); i++) {
        c = h_peer_recv(&p);
        if (h_seq(&p, c) + c->wi.pl_len == 3101) {
            EXPECT_EQ(c->wi.tcp.flags, PKT_ACK | PKT_PSH);
        } else {
            EXPECT_EQ(c->wi.tcp.flags & PKT_FIN, 0);
        }
        if (!cap_pending() && h_seq(&p, c) + c->wi.pl_len < 3101) {
            h_peer_ack(&p); /* congestion window: let the rest go */
        }
    }
    EXPECT_EQ(p.rcv_nxt - p.irs, 3101);
}

SCENARIO(tcp_write_err_mem,
         "tcp_write beyond tcp_sndbuf fails with ERR_MEM and queues nothing; exactly tcp_sndbuf "
         "succeeds; after that any write fails until data is acknowledged")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);
    u16_t room;
    int guard = 0;

    p.win = 0; /* the peer takes nothing: everything stays queued */
    h_peer_ack(&p);
    while (tcp_sndbuf(conn->pcb) > 40000 && guard++ < 64) {
        EXPECT_ERR(tcp_write(conn->pcb, data, 30000, TCP_WRITE_FLAG_COPY), ERR_OK);
    }
    room = tcp_sndbuf(conn->pcb);
    trace("sndbuf %u", room);
    EXPECT_ERR(h_write(conn, data, (size_t)room + 1, TCP_WRITE_FLAG_COPY), ERR_MEM);
    EXPECT_EQ(tcp_sndbuf(conn->pcb), room);
    EXPECT_ERR(h_write(conn, data, room, TCP_WRITE_FLAG_COPY), ERR_OK);
    EXPECT_EQ(tcp_sndbuf(conn->pcb), 0);
    EXPECT_ERR(h_write(conn, data, 1, TCP_WRITE_FLAG_COPY), ERR_MEM);
    h_output(conn);
    h_peer_drain(&p);
    EXPECT_EQ(p.rcv_nxt - p.irs, 1); /* window 0: no data, at most a probe */
}

SCENARIO(tcp_fast_retransmit,
         "[MUST-19] three duplicate ACKs retransmit the first unacknowledged segment before any "
         "timeout; the ACK of everything ends recovery and no byte is sent twice more "
         "(lwIP test_tcp_fast_retx_recover)")
{
    struct tcp_peer p;
    struct cap *c;
    int segs, i;
    struct h_conn *conn = four_segments_out(&p, &segs);

    trace("%d segments in the first flight", segs);
    EXPECT(segs >= 3);
    /* segment 1 arrives, segment 2 is lost, segments 3.. arrive: dupacks */
    h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 1461), PKT_ACK, NULL, 0);
    take_data(&p, NULL); /* cwnd grew: maybe the 4th */
    for (i = 0; i < 3; i++) {
        EXPECT_EQ(cap_pending(), 0);
        h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 1461), PKT_ACK, NULL, 0);
    }
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 1461, 1, 1460);
    take_data(&p, NULL);
    EXPECT_EQ(h_now(), 0); /* no timer was needed */
    /* everything arrives */
    h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 4 * 1460 + 1), PKT_ACK, NULL, 0);
    h_advance(100);
    EXPECT_EQ(take_data(&p, NULL), 0);
    EXPECT_EQ(conn->sent, 4 * 1460);
    EXPECT(conn->pcb->unacked == NULL);
    /* and the connection goes on */
    h_write(conn, "more", 4, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    EXPECT_SEG(h_peer_recv(&p), &p, H_ANY, 4 * 1460 + 1, 1, 4);
}

SCENARIO_LWIP_DEVIATES(tcp_rto_then_dupacks,
         "[RFC 6582 4.1] after a retransmission timeout, duplicate ACKs of what was sent before "
         "it start no fast retransmit: only an ACK past the data outstanding at the timeout "
         "makes one possible again",
         "lwIP 2.1.3 keeps no recover point: the third duplicate ACK calls tcp_rexmit_fast "
         "(observed: 5840 bytes, the four segments, sent again after the three duplicates)")
{
    struct tcp_peer p;
    struct cap *c;
    int segs, i;
    four_segments_out(&p, &segs);

    EXPECT(segs >= 3);
    /* nothing is acknowledged: the timeout resends the first segment */
    while (!cap_pending() && h_now() < 5000) {
        h_advance(50);
    }
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 1, 1, 1460);
    take_data(&p, NULL);
    /* three duplicate ACKs of SND.UNA, late echoes of the first flight */
    for (i = 0; i < 3; i++) {
        h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 1), PKT_ACK, NULL, 0);
    }
    EXPECT_EQ(take_data(&p, NULL), 0);
}

/* Takes what the stack sent, acknowledging each data segment as it comes
 * (the ACKs may release more); returns the data segments taken. */
static int take_acking_each(struct tcp_peer *p)
{
    int k = 0;
    while (cap_pending()) {
        struct cap *c = h_peer_recv(p);
        if (c->wi.pl_len) {
            k++;
            h_peer_inject(p, p->snd_nxt, H_SSEQ(p, h_seq(p, c) + c->wi.pl_len), PKT_ACK, NULL, 0);
        }
    }
    return k;
}

SCENARIO_LWIP_DEVIATES(tcp_idle_restart_window,
         "[RFC 5681 4.1] a sender that sent nothing for longer than its retransmission timeout "
         "sends at most the restart window, 10 segments (RFC 6928's initial window), before the "
         "next acknowledgment, however far its window grew before the pause",
         "lwIP 2.1.3 keeps cwnd across idle periods (tcp_output weighs only cwnd and the peer's "
         "window): the whole grown window leaves at once (observed: all 40 segments)")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);
    int round, segs = 0, burst;

    /* Slow start: 40 segments, each acknowledged as it arrives. */
    for (round = 0; round < 4; round++) {
        EXPECT_ERR(h_write(conn, data, 10 * 1460, TCP_WRITE_FLAG_COPY), ERR_OK);
        h_output(conn);
        segs += take_acking_each(&p);
    }
    EXPECT_EQ(segs, 40);
    EXPECT_EQ(conn->sent, 40 * 1460);
    /* Idle for 10 s: longer than any RTO after round trips this short. */
    h_advance(10000);
    cap_expect_none();
    /* 40 segments more; nothing is acknowledged until the peer says so. */
    EXPECT_ERR(h_write(conn, data, 40 * 1460, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    take_data(&p, &burst);
    trace("%d segments before the first acknowledgment", burst);
    EXPECT(burst >= 1);
    EXPECT(burst <= 10);
    /* and the rest follows as the peer acknowledges */
    h_peer_ack(&p);
    for (round = 0; round < 100 && conn->sent < 80 * 1460; round++) {
        take_acking_each(&p);
        h_advance(10);
    }
    EXPECT_EQ(conn->sent, 80 * 1460);
}

SCENARIO(tcp_rto_backoff,
         "[MUST-18][MUST-19] unacknowledged data is retransmitted from SND.UNA after a timeout "
         "(first within 200 ms..3.5 s), each next timeout at least as long as the previous; an ACK "
         "stops it")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);
    struct cap *c;
    u32_t t0, last = 0, gap, prev_gap = 0;
    int n = 0;

    h_write(conn, data, 500, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    c = h_peer_recv(&p);
    t0 = c->t;
    last = t0;
    while (n < 4 && h_now() < 120000) {
        h_advance(50);
        if (cap_pending()) {
            c = h_peer_recv(&p);
            EXPECT_SEG(c, &p, H_ANY, 1, 1, 500);
            gap = c->t - last;
            trace("retransmission %d after %u ms", n + 1, gap);
            if (n == 0) {
                EXPECT(gap >= 200 && gap <= 3500);
            } else {
                EXPECT(gap >= prev_gap);
            }
            prev_gap = gap;
            last = c->t;
            n++;
        }
    }
    EXPECT_EQ(n, 4);
    h_peer_ack(&p);
    EXPECT_EQ(conn->sent, 500);
    h_advance(30000);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_rto_giveup,
         "[MUST-20][MUST-12] data never acknowledged: after the retransmissions the connection is "
         "given up with err(ERR_ABRT) (within an hour), and nothing is sent afterwards")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);
    int n = 0;

    h_write(conn, data, 100, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    h_peer_recv(&p);
    while (conn->err_calls == 0 && h_now() < 3600000) {
        h_advance(10000);
        while (cap_pending()) {
            struct cap *c = h_peer_recv(&p);
            if (c->wi.tcp.flags & PKT_RST) {
                trace("RST at %u ms", c->t);
            } else {
                EXPECT_SEG(c, &p, H_ANY, 1, 1, 100);
                n++;
            }
        }
    }
    trace("%d retransmissions, given up at %u ms", n, h_now());
    EXPECT(n >= 3);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_ABRT);
    h_advance(60000);
    cap_expect_none();
}

SCENARIO(tcp_rto_wraparound,
         "the peer's sequence numbers wrap (ISN 0xfffffff0) while the stack retransmits: its ACK "
         "field is right across the wrap, and the peer's ACK that crosses 2^32 on its side is "
         "taken (lwIP test_tcp_rto_rexmit_wraparound, from the peer's side)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 0xfffffff0u);
    conn = h_established(&p);
    tcp_nagle_disable(conn->pcb);
    h_peer_data(&p, 1, 100, PKT_PSH); /* 0xfffffff1 .. past 2^32 */
    EXPECT_EQ(conn->rx_len, 100);
    h_write(conn, "retransmit me", 13, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.ack, (uint32_t)(0xfffffff0u + 101));
    while (!cap_pending() && h_now() < 10000) {
        h_advance(50);
    }
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 1, 101, 13);
    h_peer_ack(&p);
    EXPECT_EQ(conn->sent, 13);
    h_advance(20000);
    h_peer_drain(&p);
    EXPECT(conn->pcb->unacked == NULL);
}

SCENARIO(tcp_zero_window_probe,
         "[MUST-35][MUST-36][SHLD-29] data waits behind a zero window; the stack probes it at "
         "growing intervals; when a probe's answer opens the window, the data flows (lwIP probes "
         "with one byte of data, tern with a segment at SND.UNA-1)")
{
    struct tcp_peer p;
    struct h_conn *conn = zero_window_sender(&p);
    struct cap *c;
    u32_t times[16];
    int probes = 0, i;

    h_write(conn, data, 300, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    while (probes < 4 && h_now() < 300000) {
        h_advance(100);
        while (cap_pending()) {
            c = h_peer_recv(&p);
            EXPECT(c->wi.pl_len <= 1);
            trace("probe %d at %u ms: seq %u len %zu", probes + 1, c->t, h_seq(&p, c), c->wi.pl_len);
            if (probes < 16) {
                times[probes] = c->t;
            }
            probes++;
            h_peer_ack(&p); /* window still 0 */
        }
    }
    EXPECT(probes >= 4);
    for (i = 2; i < probes && i < 16; i++) {
        EXPECT(times[i] - times[i - 1] >= times[i - 1] - times[i - 2]);
    }
    EXPECT_EQ(conn->err_calls, 0);
    p.win = 65535;
    h_peer_ack(&p);
    for (i = 0; i < 100 && p.rcv_nxt - p.irs < 311; i++) {
        if (!cap_pending()) {
            h_advance(100);
        }
        h_peer_drain(&p);
    }
    EXPECT_EQ(p.rcv_nxt - p.irs, 311);
}

SCENARIO(tcp_zero_window_indefinite,
         "[MUST-37] a receiver that keeps answering probes with a zero window may keep it closed "
         "indefinitely: the connection survives 30 minutes of it")
{
    struct tcp_peer p;
    struct h_conn *conn = zero_window_sender(&p);

    h_write(conn, data, 300, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    while (h_now() < 1800000 && conn->err_calls == 0) {
        h_advance(1000);
        while (cap_pending()) {
            struct cap *c = h_peer_recv(&p);
            if (c->wi.tcp.flags & PKT_RST) {
                trace("RST at %u ms", c->t);
            } else {
                h_peer_ack(&p);
            }
        }
    }
    EXPECT_EQ(conn->err_calls, 0);
    p.win = 65535;
    h_peer_ack(&p);
    h_advance(1000);
    h_peer_drain(&p);
    EXPECT(p.rcv_nxt - p.irs > 11);
}

SCENARIO(tcp_zero_window_probe_timeout,
         "[MUST-20] probes of a zero window that are never answered: the connection is given up "
         "like an unacknowledged retransmission, err(ERR_ABRT) (lwIP test_tcp_zwp_timeout)")
{
    struct tcp_peer p;
    struct h_conn *conn = zero_window_sender(&p);
    int probes = 0;

    h_write(conn, data, 300, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    while (h_now() < 7200000 && conn->err_calls == 0) {
        h_advance(10000);
        while (cap_pending()) {
            struct cap *c = h_peer_recv(&p);
            if (!(c->wi.tcp.flags & PKT_RST)) {
                probes++;
            }
        }
    }
    trace("%d probes, given up at %u ms", probes, h_now());
    EXPECT(probes >= 3);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_ABRT);
}

SCENARIO(tcp_persist_window_opens_small,
         "[MUST-38] sender SWS avoidance: a window that opens to 100 bytes while 3000 wait and "
         "nothing is in flight gets 100 bytes (a window smaller than the MSS must still be used)")
{
    struct tcp_peer p;
    struct h_conn *conn = zero_window_sender(&p);
    int i;

    h_write(conn, data, 3000, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    h_peer_drain(&p);
    p.win = 100;
    h_peer_ack(&p);
    for (i = 0; i < 100 && p.rcv_nxt - p.irs < 111; i++) {
        if (!cap_pending()) {
            h_advance(100);
        }
        while (cap_pending()) {
            struct cap *c = h_peer_recv(&p);
            EXPECT(h_seq(&p, c) + c->wi.pl_len <= 111);
        }
    }
    EXPECT_EQ(p.rcv_nxt - p.irs, 111);
}

SCENARIO_LWIP_DEVIATES(tcp_window_shrink_same_ack,
         "[MUST-34] a window update in a segment that acknowledges nothing new (SND.WL1 = SEG.SEQ, "
         "SND.WL2 = SEG.ACK) is taken even when it shrinks the window (RFC 9293 3.10.7.4): after "
         "the peer announces window 0 this way, new data waits (at most a probe goes out)",
         "2.1.3 tcp_receive takes such an update only if it grows the window (snd_wl2 == ackno "
         "&& wnd > snd_wnd): the zero window is ignored and the data sent")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);

    p.win = 0;
    h_peer_ack(&p); /* same seq and ack as the handshake's ACK */
    h_write(conn, data, 300, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    while (cap_pending()) {
        struct cap *c = h_peer_recv(&p);
        EXPECT(c->wi.pl_len <= 1);
    }
}

SCENARIO_LWIP_DEVIATES(tcp_window_old_ack_ignored,
         "[RFC 9293 3.10.7.4] only an ACK in [SND.UNA, SND.NXT] may update the send window: an older "
         "one (acceptable under RFC 5961 5.2, carrying new data) announcing window 0 is not taken, "
         "and new data goes out in the window the peer gave with its last acknowledgment",
         "2.1.3 tcp_receive updates the window from any segment with SND.WL1 < SEG.SEQ, whatever "
         "its ACK: the old ACK's zero window closes it and the data waits (probes at most)")
{
    struct tcp_peer p;
    struct h_conn *conn = sender(&p, 0);
    struct cap *c;

    /* 100 bytes out and acknowledged: SND.UNA is 101. */
    h_write(conn, data, 100, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 1, 1, 100);
    h_peer_ack(&p);
    cap_expect_none();
    /* A byte from the peer with that ACK (SND.WL1 is its sequence number),
     * then the next byte, its ACK field an old one (1), window 0: later
     * than SND.WL1, but its ACK is below SND.UNA. */
    EXPECT_ERR(h_peer_send(&p, PKT_ACK, "a", 1), ERR_OK);
    p.win = 0;
    EXPECT_ERR(h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 1), PKT_ACK, "x", 1), ERR_OK);
    p.snd_nxt++;
    p.win = 8192;
    h_peer_drain(&p); /* the stack acknowledges the byte (now or delayed) */
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(conn->rx_len, 2);
    /* New data: the window is the one the peer's last real ACK gave. */
    h_write(conn, data, 300, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    REQUIRE(cap_pending() > 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, H_ANY, 101, 3, 300);
}
