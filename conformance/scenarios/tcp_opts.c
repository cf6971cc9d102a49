/* tcp_opts.c: what the negotiated options change on an established
 * connection: window scaling (RFC 7323 2), SACK blocks (RFC 2018) and
 * timestamps (RFC 7323 3-4).  lwIP 2.1.3 is built without SACK and
 * timestamps: where the stack did not agree to an option, the checks of
 * that option are skipped (the trace shows the difference). */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30008
#define PPORT 40008

SCENARIO(tcp_wscale_send_window,
         "[MUST-1] the peer's window is scaled by the shift it announced: window field 730 with "
         "scale 2 lets exactly 2920 bytes (two full segments) be in flight, not 730")
{
    static uint8_t data[20000];
    struct tcp_peer p;
    struct h_conn *conn;
    size_t got = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    p.syn_opts.has_wscale = 1;
    p.syn_opts.wscale = 2;
    h_listen(LPORT, 4);
    h_peer_send(&p, PKT_SYN, NULL, 0);
    h_peer_recv(&p);
    REQUIRE(p.st_wscale >= 0); /* both stacks scale */
    p.win = 730;
    h_peer_ack(&p);
    conn = h_accepted();
    REQUIRE(conn != NULL);
    tcp_nagle_disable(conn->pcb);
    h_pattern(data, sizeof(data), 9);
    EXPECT_ERR(h_write(conn, data, 8000, TCP_WRITE_FLAG_COPY), ERR_OK);
    h_output(conn);
    while (cap_pending()) {
        struct cap *c = h_peer_recv(&p);
        EXPECT(h_seq(&p, c) + c->wi.pl_len <= 2921);
        got += c->wi.pl_len;
    }
    EXPECT_EQ(got, 2920);
    h_peer_ack(&p); /* the window moves: 2920 more */
    got = 0;
    while (cap_pending()) {
        got += h_peer_recv(&p)->wi.pl_len;
    }
    EXPECT_EQ(got, 2920);
}

SCENARIO(tcp_sack_blocks,
         "[SHLD-31] when SACK-permitted was agreed, the duplicate ACKs for out-of-order data carry "
         "SACK blocks naming exactly what is held, the latest first (RFC 2018 4)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    p.syn_opts.sack_perm = 1;
    conn = h_established(&p);
    trace("SACK agreed: %d", p.st_sack);
    h_peer_data(&p, 201, 100, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 1, 0);
    if (p.st_sack) {
        EXPECT_EQ(c->wi.tcp.nsack, 1);
        EXPECT_EQ(c->wi.tcp.sack[0][0], H_PSEQ(&p, 201));
        EXPECT_EQ(c->wi.tcp.sack[0][1], H_PSEQ(&p, 301));
    } else {
        EXPECT_EQ(c->wi.tcp.nsack, 0);
    }
    h_peer_data(&p, 501, 100, 0);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 1, 0);
    if (p.st_sack) {
        EXPECT_EQ(c->wi.tcp.nsack, 2);
        EXPECT_EQ(c->wi.tcp.sack[0][0], H_PSEQ(&p, 501));
        EXPECT_EQ(c->wi.tcp.sack[1][0], H_PSEQ(&p, 201));
    }
    h_peer_data(&p, 1, 200, 0);
    while (!cap_pending() && h_now() < 500) {
        h_advance(10);
    }
    c = h_peer_recv(&p);
    while (cap_pending()) {
        c = h_peer_recv(&p); /* the last ACK counts */
    }
    EXPECT_SEG(c, &p, PKT_ACK, 1, 301, 0);
    if (p.st_sack) {
        EXPECT_EQ(c->wi.tcp.nsack, 1);
        EXPECT_EQ(c->wi.tcp.sack[0][0], H_PSEQ(&p, 501));
    }
    EXPECT_EQ(conn->rx_len, 300);
}

SCENARIO(tcp_timestamps_echo,
         "when timestamps were agreed, every segment of the stack carries one and echoes the "
         "peer's latest TSval (RFC 7323 3.2, 4.3); not agreed, none is sent")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;
    uint32_t peer_ts;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    p.syn_opts.has_ts = 1;
    conn = h_established(&p);
    trace("timestamps agreed: %d", p.ts_on);
    h_advance(1000);
    peer_ts = h_now() + 1000; /* tcp_peer_build's TSval */
    h_peer_data(&p, 1, 100, 0);
    while (!cap_pending() && h_now() < 1500) {
        h_advance(10);
    }
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 101, 0);
    EXPECT_EQ(c->wi.tcp.ts, p.ts_on);
    if (p.ts_on) {
        EXPECT_EQ(c->wi.tcp.tsecr, peer_ts);
    }
    h_write(conn, "ts", 2, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    c = h_peer_recv(&p);
    EXPECT_EQ(c->wi.tcp.ts, p.ts_on);
    if (p.ts_on) {
        EXPECT_EQ(c->wi.pl_len, 2);
        EXPECT(c->len == 40 + 12 + 2); /* the MSS leaves room for the option */
    }
}

/* The TSval the peer sends in tcp_paws: set by the scenario. */
static uint32_t paws_tsval;
static uint32_t paws_peer_tsval(void) { return paws_tsval; }

SCENARIO_LWIP_DEVIATES(tcp_paws,
         "[PAWS] with timestamps agreed, a segment whose TSval is older than the last one taken "
         "in order is an old duplicate: dropped and answered with an ACK (RFC 7323 5.3); after "
         "24 days without a segment that TSval no longer counts against it (5.5)",
         "Debian's lwIP build does not agree to timestamps (observed: its SYN-ACK carries the MSS "
         "option alone), so the scenario stops where it requires them; lwIP 2.1.3 has no PAWS "
         "check either (tcp_in.c takes ts_recent and never compares a TSval with it)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    p.syn_opts.has_ts = 1;
    paws_tsval = 5000;
    p.tsval = paws_peer_tsval;
    conn = h_established(&p);
    REQUIRE(p.ts_on); /* timestamps agreed */
    h_peer_data(&p, 1, 100, PKT_PSH);
    h_advance(300);
    h_peer_drain(&p); /* the ACK of those 100 bytes */
    EXPECT_EQ(conn->rx_len, 100);
    /* The next bytes in sequence, with an older TSval: a duplicate of long
     * ago (a wrapped sequence space), not new data. */
    paws_tsval = 4000;
    h_peer_data(&p, 101, 100, PKT_PSH);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 101, 0);
    EXPECT_EQ(conn->rx_len, 100);
    /* 25 days of silence: the timestamp clock may have wrapped meanwhile. */
    h_clock_jump(25u * 24 * 3600 * 1000);
    h_peer_data(&p, 101, 100, PKT_PSH);
    h_advance(300);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK, 1, 201, 0);
    EXPECT_EQ(conn->rx_len, 200);
}

SCENARIO(tcp_timestamps_mss,
         "[MUST-16] with timestamps agreed, full segments carry MSS - 12 bytes of data so the "
         "packet stays within the MTU")
{
    static uint8_t data[5000];
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    p.syn_opts.has_ts = 1;
    conn = h_established(&p);
    tcp_nagle_disable(conn->pcb);
    h_pattern(data, sizeof(data), 8);
    h_write(conn, data, 3000, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    while (cap_pending()) {
        struct cap *c = h_peer_recv(&p);
        EXPECT(c->len <= 1500);
        EXPECT(c->wi.pl_len <= (size_t)(p.ts_on ? 1448 : 1460));
    }
}
