/* tcp_rst.c: resets in each synchronized state, RFC 5961 challenge ACKs
 * (RST and SYN inside the window, ACK of unsent data), malformed segments
 * (checksum, data offset, options).  (RFC 9293 3.5.2-3, 3.10.7.4; RFC 5961;
 * lwIP's test_tcp.c test_tcp_malformed_header.) */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30005
#define PPORT 40005

static struct h_conn *open_conn(struct tcp_peer *p)
{
    struct h_conn *conn;
    h_peer_init(p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(p);
    h_peer_data(p, 1, 10, PKT_PSH);
    h_advance(500);
    h_peer_drain(p);
    return conn;
}

/* After a reset: nothing more from the stack, and a new segment for the
 * old connection gets a RST. */
static void expect_gone(struct tcp_peer *p)
{
    struct cap *c;
    h_advance(2000);
    cap_expect_none();
    h_peer_send(p, PKT_ACK | PKT_PSH, "x", 1);
    c = h_peer_recv(p);
    EXPECT_EQ(c->wi.tcp.flags & PKT_RST, PKT_RST);
}

/* The connection still works: new data is delivered. */
static void expect_alive(struct tcp_peer *p, struct h_conn *conn)
{
    size_t before = conn->rx_len;
    h_peer_data(p, p->snd_nxt - p->iss, 5, PKT_PSH);
    EXPECT_EQ(conn->rx_len, before + 5);
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_rst_established_exact,
         "[MUST-12] ESTABLISHED: a RST with SEQ = RCV.NXT resets the connection: err(ERR_RST), "
         "nothing sent")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);

    h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
    cap_expect_none();
    expect_gone(&p);
}

SCENARIO(tcp_rst_established_in_window,
         "ESTABLISHED: a RST inside the window but not at RCV.NXT gets a challenge ACK and the "
         "connection lives on (RFC 5961 3.2); the peer's answer with the exact number resets it")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);
    struct cap *c;

    h_peer_inject(&p, p.snd_nxt + 100, 0, PKT_RST, NULL, 0);
    EXPECT_EQ(conn->err_calls, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 11, 0);
    expect_alive(&p, conn);
    h_advance(500);
    h_peer_drain(&p);
    h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
}

SCENARIO(tcp_rst_outside_window,
         "a RST outside the receive window (old or far ahead) is dropped silently (RFC 5961 3.2)")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);

    h_peer_inject(&p, p.snd_nxt - 5000, 0, PKT_RST, NULL, 0);
    h_peer_inject(&p, p.snd_nxt + 0x40000000u, 0, PKT_RST, NULL, 0);
    cap_expect_none();
    expect_alive(&p, conn);
}

SCENARIO(tcp_rst_close_wait,
         "[MUST-12] CLOSE_WAIT: an exact RST resets the connection, err(ERR_RST)")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);

    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    h_peer_drain(&p);
    EXPECT_EQ(h_state(conn), CLOSE_WAIT);
    h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
    expect_gone(&p);
}

SCENARIO(tcp_rst_fin_wait_1,
         "[MUST-12] FIN_WAIT_1 (after tcp_close): an exact RST ends the connection, err(ERR_RST); "
         "our FIN is not retransmitted")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);

    EXPECT_ERR(h_close(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 11, 0);
    EXPECT_EQ(h_state(conn), FIN_WAIT_1);
    h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
    h_advance(10000);
    cap_expect_none();
}

SCENARIO(tcp_rst_fin_wait_2,
         "[MUST-12] FIN_WAIT_2: an exact RST ends the connection, err(ERR_RST)")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);

    EXPECT_ERR(h_close(conn), ERR_OK);
    h_peer_recv(&p);
    h_peer_ack(&p);
    EXPECT_EQ(h_state(conn), FIN_WAIT_2);
    h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_RST);
    expect_gone(&p);
}

SCENARIO(tcp_rst_time_wait,
         "TIME_WAIT: a RST draws no answer and no callback (lwIP ignores it, RFC 1337; tern ends "
         "TIME_WAIT early, RFC 9293 3.10.7.4 - either way nothing is sent)")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);

    EXPECT_ERR(h_close(conn), ERR_OK);
    h_peer_recv(&p);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK, 2, 12, 0);
    EXPECT_EQ(h_state(conn), TIME_WAIT);
    h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
    h_advance(1000);
    cap_expect_none();
}

SCENARIO(tcp_rst_last_ack,
         "LAST_ACK: an exact RST ends the connection; nothing is retransmitted afterwards")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);

    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    h_peer_drain(&p);
    EXPECT_ERR(h_close(conn), ERR_OK);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK | PKT_FIN, 1, 12, 0);
    h_peer_inject(&p, p.snd_nxt, 0, PKT_RST, NULL, 0);
    h_advance(10000);
    cap_expect_none();
    trace("err callbacks %d", conn->err_calls);
}

SCENARIO(tcp_syn_in_established,
         "a SYN on an established connection (in window, or an old one) gets a challenge ACK and "
         "changes nothing (RFC 5961 4.2)")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);
    struct cap *c;

    h_peer_inject(&p, p.snd_nxt + 10, 0, PKT_SYN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 11, 0);
    cap_expect_none();
    h_peer_inject(&p, p.iss, 0, PKT_SYN, NULL, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 11, 0);
    EXPECT_EQ(conn->err_calls, 0);
    expect_alive(&p, conn);
}

SCENARIO_LWIP_DEVIATES(tcp_ack_of_unsent_data,
         "an ACK for data never sent (SEG.ACK > SND.NXT) is answered with an ACK and dropped: its "
         "payload is not delivered, the connection lives on (RFC 9293 3.10.7.4, RFC 5961 5.2)",
         "2.1.3 tcp_receive sends the ACK but goes on to accept the segment's data")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);
    struct cap *c;
    static uint8_t buf[20];

    tcp_peer_stream_fill(buf, 10, 20);
    h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 5000), PKT_ACK | PKT_PSH, buf, 20);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 11, 0);
    EXPECT_EQ(conn->rx_len, 10);
    expect_alive(&p, conn);
}

SCENARIO_LWIP_DEVIATES(tcp_no_ack_flag_dropped,
         "a data segment without the ACK flag on a synchronized connection is dropped (RFC 9293 "
         "3.10.7.4: if the ACK bit is off, drop the segment)",
         "2.1.3 tcp_receive processes the data of a segment without ACK flag and delivers it")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);
    static uint8_t buf[20];

    tcp_peer_stream_fill(buf, 10, 20);
    h_peer_inject(&p, p.snd_nxt, 0, PKT_PSH, buf, 20);
    EXPECT_EQ(conn->rx_len, 10);
    h_advance(500);
    h_peer_drain(&p);
    EXPECT_EQ(p.st_ack - p.iss, 11);
    expect_alive(&p, conn);
}

SCENARIO(tcp_bad_checksum,
         "[MUST-3] a segment with a wrong checksum is dropped: no delivery, no ACK; the same "
         "segment with a correct checksum is delivered")
{
    static uint8_t pkt[PKT_MAX], payload[40];
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);
    size_t n;
    int ok;

    tcp_peer_stream_fill(payload, 10, 40);
    n = tcp_peer_build(&p, pkt, p.snd_nxt, p.rcv_nxt, PKT_ACK | PKT_PSH, p.win, payload, 40);
    /* flip a payload bit: the checksum no longer matches */
    pkt[n - 1] ^= 0x01;
    inject(pkt, n);
    h_advance(1000);
    cap_expect_none();
    EXPECT_EQ(conn->rx_len, 10);
    pkt[n - 1] ^= 0x01;
    inject(pkt, n);
    EXPECT_EQ(conn->rx_len, 50);
    ok = tcp_peer_stream_check(conn->rx, 0, conn->rx_len);
    EXPECT(ok);
    EXPECT_EQ(inject_outstanding(), 0);
}

/* Injects a data segment whose data offset field is doff words. */
static void inject_doff(struct tcp_peer *p, int doff, size_t n)
{
    static uint8_t pkt[PKT_MAX], payload[64];
    size_t len;
    tcp_peer_stream_fill(payload, p->snd_nxt - p->iss - 1, n);
    len = tcp_peer_build(p, pkt, p->snd_nxt, p->rcv_nxt, PKT_ACK | PKT_PSH, p->win, payload, n);
    /* pkt: IPv4 header (20 bytes), then TCP; the checksum stays correct */
    {
        pkt_addr s = pkt_addr_of(p->addr), d = pkt_addr_of(p->local);
        pkt[20 + 12] = (uint8_t)((doff & 0xf) << 4);
        pkt_put16(pkt + 20 + 16, 0);
        pkt_put16(pkt + 20 + 16, pkt_fold(pkt_sum(pkt + 20, len - 20,
                   pkt_pseudo(&s, &d, PKT_TCP, (uint32_t)(len - 20)))));
    }
    inject(pkt, len);
}

SCENARIO(tcp_bad_data_offset,
         "segments whose data offset is below 5 words or beyond the segment (15 words on a "
         "24-byte segment, lwIP test_tcp_malformed_header) are dropped without reading past "
         "them; the connection is unaffected")
{
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);
    int doff;

    for (doff = 0; doff < 5; doff++) {
        inject_doff(&p, doff, 4);
    }
    inject_doff(&p, 15, 4);
    inject_doff(&p, 7, 4); /* 28 bytes of header in a 24-byte segment */
    h_advance(500);
    cap_expect_none();
    EXPECT_EQ(conn->rx_len, 10);
    EXPECT_EQ(conn->err_calls, 0);
    EXPECT_EQ(inject_outstanding(), 0);
    expect_alive(&p, conn);
}

/* A data segment carrying raw option bytes opt[0..optlen) (a multiple of 4). */
static void inject_opts(struct tcp_peer *p, const uint8_t *opt, size_t optlen, size_t n)
{
    static uint8_t pkt[PKT_MAX], payload[64];
    struct pkt_tcp h;
    size_t len;
    memset(&h, 0, sizeof(h));
    h.sport = p->port;
    h.dport = p->lport;
    h.seq = p->snd_nxt;
    h.ack = p->rcv_nxt;
    h.flags = PKT_ACK | PKT_PSH;
    h.win = p->win;
    h.opt = opt;
    h.optlen = optlen;
    tcp_peer_stream_fill(payload, p->snd_nxt - p->iss - 1, n);
    len = pkt_tcp_packet(pkt, p->addr, p->local, &h, payload, n);
    inject(pkt, len);
}

SCENARIO(tcp_options_malformed,
         "[MUST-5][MUST-7] options with impossible lengths (0, 1, past the header) on an "
         "established connection: no hang, no read past the header; data delivered at most once "
         "and the connection keeps working")
{
    static const uint8_t zero_len[4] = {8, 0, 1, 1};   /* timestamp kind, length 0 */
    static const uint8_t one_len[4] = {2, 1, 1, 1};    /* MSS kind, length 1 */
    static const uint8_t overrun[4] = {1, 8, 40, 0};   /* timestamp, length 40 > 3 left */
    static const uint8_t tail[4] = {1, 1, 1, 2};       /* MSS kind as the last byte */
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);
    size_t want;

    inject_opts(&p, zero_len, 4, 5);
    inject_opts(&p, one_len, 4, 5);
    inject_opts(&p, overrun, 4, 5);
    inject_opts(&p, tail, 4, 5);
    h_advance(500);
    h_peer_drain(&p);
    trace("delivered %zu of the 5 bytes", conn->rx_len - 10);
    EXPECT(conn->rx_len == 10 || conn->rx_len == 15);
    EXPECT(tcp_peer_stream_check(conn->rx, 0, conn->rx_len));
    want = conn->rx_len;
    p.snd_nxt = p.iss + 1 + (uint32_t)want;
    expect_alive(&p, conn);
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(tcp_options_unknown_unaligned,
         "[MUST-6][MUST-64] a SYN with unknown options and an MSS option at an odd offset: the "
         "unknown ones are skipped and the MSS (700) is honoured")
{
    static const uint8_t opts[16] = {1, 253, 6, 0xde, 0xad, 0xbe, 0xef, /* unknown, 6 bytes */
                                     2, 4, 0x02, 0xbc,                  /* MSS 700 at offset 7 */
                                     1, 1, 1, 0, 0};
    static uint8_t pkt[PKT_MAX], data[2000];
    struct tcp_peer p;
    struct pkt_tcp h;
    struct h_conn *conn;
    struct cap *c;
    size_t len;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_listen(LPORT, 4);
    memset(&h, 0, sizeof(h));
    h.sport = PPORT;
    h.dport = LPORT;
    h.seq = p.snd_nxt++;
    h.flags = PKT_SYN;
    h.win = 65535;
    h.opt = opts;
    h.optlen = sizeof(opts);
    len = pkt_tcp_packet(pkt, PEER4, LOCAL4, &h, NULL, 0);
    inject(pkt, len);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_SYN | PKT_ACK, 0, 1, 0);
    h_peer_ack(&p);
    conn = h_accepted();
    REQUIRE(conn != NULL);
    tcp_nagle_disable(conn->pcb);
    h_pattern(data, sizeof(data), 4);
    h_write(conn, data, 1000, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.pl_len, 700);
}

SCENARIO_LWIP_DEVIATES(tcp_syn_option_kind_at_end,
         "[MUST-7] a SYN whose option area ends with a bare MSS kind byte, in an exact-size "
         "buffer: answered (or dropped) without reading past the packet",
         "2.1.3 tcp_parseopt reads the length byte after the last option byte: one byte past the "
         "packet (the guard page faults); fixed upstream after 2.1.3")
{
    static const uint8_t opts[4] = {1, 1, 1, 2};
    static uint8_t pkt[PKT_MAX];
    struct tcp_peer p;
    struct pkt_tcp h;
    size_t len;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_listen(LPORT, 4);
    memset(&h, 0, sizeof(h));
    h.sport = PPORT;
    h.dport = LPORT;
    h.seq = p.snd_nxt++;
    h.flags = PKT_SYN;
    h.win = 65535;
    h.opt = opts;
    h.optlen = sizeof(opts);
    len = pkt_tcp_packet(pkt, PEER4, LOCAL4, &h, NULL, 0);
    inject(pkt, len);
    while (cap_pending()) {
        struct cap *c = h_peer_recv(&p);
        EXPECT_EQ(c->wi.tcp.flags, PKT_SYN | PKT_ACK);
    }
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(tcp_icmp_unreachable_no_abort,
         "[MUST-56] an ICMP port/host unreachable quoting one of our segments does not abort an "
         "established connection")
{
    static uint8_t pkt[PKT_MAX], icmp[600];
    struct tcp_peer p;
    struct h_conn *conn = open_conn(&p);
    struct cap *c;
    size_t qlen, n;
    int code;

    h_write(conn, "quote me", 8, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    c = h_peer_recv(&p);
    qlen = c->len < 28 ? c->len : 28;
    for (code = 1; code <= 3; code += 2) { /* host, port unreachable */
        memset(icmp, 0, 8);
        icmp[0] = 3;
        icmp[1] = (uint8_t)code;
        memcpy(icmp + 8, c->data, qlen);
        pkt_put16(icmp + 2, pkt_fold(pkt_sum(icmp, 8 + qlen, 0)));
        n = pkt_ip_packet(pkt, PEER4, LOCAL4, PKT_ICMP, icmp, 8 + qlen);
        inject(pkt, n);
    }
    EXPECT_EQ(conn->err_calls, 0);
    h_peer_ack(&p);
    expect_alive(&p, conn);
}
