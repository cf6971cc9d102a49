/* tcp_timers.c: the poll callback and keepalives (RFC 9293 3.8.4), on the
 * virtual clock. */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30006
#define PPORT 40006

SCENARIO(tcp_poll_interval,
         "tcp_poll(pcb, fn, 4): the poll callback runs every 4 x 500 ms, on idle and busy "
         "connections alike (9 or 10 calls in 20 s)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    int first;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    h_conn_poll(conn, 4);
    h_advance(20000);
    trace("%d polls in 20 s", conn->poll_calls);
    EXPECT(conn->poll_calls >= 9 && conn->poll_calls <= 10);
    first = conn->poll_calls;
    h_conn_poll(conn, 1);
    h_advance(5000);
    trace("%d polls in 5 s at interval 1", conn->poll_calls - first);
    EXPECT(conn->poll_calls - first >= 9 && conn->poll_calls - first <= 10);
    cap_expect_none();
}

SCENARIO(tcp_poll_close,
         "tcp_close from the poll callback closes the connection gracefully (FIN)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->close_in_poll = 1;
    h_conn_poll(conn, 2);
    h_advance(1500);
    EXPECT(conn->poll_calls >= 1);
    c = h_peer_recv(&p);
    EXPECT_SEG(c, &p, PKT_ACK | PKT_FIN, 1, 1, 0);
    h_peer_drain(&p); /* a retransmission of the FIN, perhaps */
    h_peer_ack(&p);
    h_peer_send(&p, PKT_ACK | PKT_FIN, NULL, 0);
    EXPECT_SEG(h_peer_recv(&p), &p, PKT_ACK, 2, 2, 0);
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_keepalive_default_off,
         "[MUST-25] keepalives are off by default: an idle connection sends nothing for an hour")
{
    struct tcp_peer p;
    struct h_conn *conn;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    EXPECT_EQ(conn->pcb->so_options & SOF_KEEPALIVE, 0);
    h_advance(3600000);
    cap_expect_none();
    EXPECT_EQ(conn->err_calls, 0);
}

#define LWIP_KEEPIDLE_MS 7200000u /* lwIP's TCP_KEEPIDLE_DEFAULT: 2 hours */

SCENARIO(tcp_keepalive_inherited,
         "[MUST-24] a listener's SOF_KEEPALIVE (set after tcp_listen) is inherited by the pcbs it "
         "accepts, with lwIP's default timing: the first probe after 2 hours idle")
{
    struct tcp_peer p;
    struct tcp_pcb *l;
    struct h_conn *conn;
    struct cap *c;
    u32_t start;
    int probes = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    l = h_listen(LPORT, 8);
    ip_set_option(l, SOF_KEEPALIVE);
    conn = h_passive_open(&p);
    EXPECT_EQ(conn->pcb->so_options & SOF_KEEPALIVE, SOF_KEEPALIVE);
    start = h_now();
    h_advance(LWIP_KEEPIDLE_MS - 1000);
    cap_expect_none();
    while (probes == 0 && h_now() - start < LWIP_KEEPIDLE_MS + 2000) {
        h_advance(100);
        while (cap_pending()) {
            c = h_peer_recv(&p);
            EXPECT(c->wi.pl_len <= 1);
            EXPECT_EQ(h_seq(&p, c), 0); /* SND.NXT - 1 */
            trace("probe at %u ms", h_now() - start);
            probes++;
        }
    }
    EXPECT_EQ(probes, 1);
    EXPECT(h_now() - start >= LWIP_KEEPIDLE_MS);
    EXPECT_EQ(conn->err_calls, 0);
}

static void set_keepalive(struct tcp_pcb *pcb)
{
    pcb->so_options |= SOF_KEEPALIVE;
    pcb->keep_idle = 2000;
    pcb->keep_intvl = 1000;
    pcb->keep_cnt = 3;
    trace("keepalive idle=2000 intvl=1000 cnt=3 (set in the accept callback)");
}

/* A connection with keepalives (idle 2 s, interval 1 s, 3 probes), set in
 * the accept callback as applications do; the peer's last segment (10
 * bytes of data) arrives at t=0. */
static struct h_conn *keepalive_conn(struct tcp_peer *p)
{
    struct h_conn *conn;
    h_peer_init(p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    h_accept_hook = set_keepalive;
    conn = h_established(p);
    h_accept_hook = NULL;
    h_peer_data(p, 1, 10, PKT_PSH);
    return conn;
}

SCENARIO(tcp_keepalive_abort,
         "[MUST-24][MUST-26][MUST-27] SOF_KEEPALIVE with keep_idle 2 s, keep_intvl 1 s, keep_cnt 3: "
         "after 2 s idle a probe (no new data, sequence SND.NXT-1), then one per second; after 3 "
         "unanswered the connection is reset and err(ERR_ABRT) runs")
{
    struct tcp_peer p;
    struct h_conn *conn = keepalive_conn(&p);
    struct cap *c;
    u32_t start = h_now(), times[8]; /* the peer's last segment */
    int probes = 0, rst = 0, i;

    while (conn->err_calls == 0 && h_now() - start < 20000) {
        h_advance(100);
        while (cap_pending()) {
            c = h_peer_recv(&p);
            if (c->wi.tcp.flags & PKT_RST) {
                rst++;
                continue;
            }
            if (c->wi.pl_len == 0 && h_seq(&p, c) == 1) {
                continue; /* the delayed ACK of the data */
            }
            EXPECT(c->wi.pl_len <= 1);
            EXPECT_EQ(h_seq(&p, c), 0); /* SND.NXT - 1 */
            EXPECT_EQ(h_ack(&p, c), 11);
            if (probes < 8) {
                times[probes] = c->t - start;
            }
            probes++;
        }
    }
    trace("%d probes, %d RST, err at %u ms", probes, rst, h_now() - start);
    EXPECT_EQ(probes, 3);
    if (probes >= 1) {
        EXPECT(times[0] >= 2000 && times[0] <= 3000);
    }
    for (i = 1; i < probes && i < 8; i++) {
        EXPECT(times[i] - times[i - 1] >= 900 && times[i] - times[i - 1] <= 1600);
    }
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_ABRT);
    EXPECT(rst <= 1);
}

SCENARIO(tcp_keepalive_answered,
         "[MUST-29] keepalive probes the peer answers keep the connection open: no abort after "
         "a minute of answered probes, and data still flows")
{
    struct tcp_peer p;
    struct h_conn *conn = keepalive_conn(&p);
    int probes = 0;

    while (h_now() < 60000 && conn->err_calls == 0) {
        h_advance(100);
        while (cap_pending()) {
            struct cap *c = h_peer_recv(&p);
            EXPECT_EQ(c->wi.tcp.flags & PKT_RST, 0);
            if (h_seq(&p, c) == 0) {
                probes++;
                h_peer_ack(&p);
            }
        }
    }
    trace("%d probes answered", probes);
    EXPECT(probes >= 10);
    EXPECT_EQ(conn->err_calls, 0);
    h_peer_data(&p, 11, 5, PKT_PSH);
    EXPECT_EQ(conn->rx_len, 15);
}

SCENARIO(tcp_keepalive_data_resets_idle,
         "[MUST-26] keepalives are sent only after the idle time: traffic from the peer every "
         "second keeps them away")
{
    struct tcp_peer p;
    struct h_conn *conn = keepalive_conn(&p);
    int i;

    h_advance(300);
    h_peer_drain(&p);
    for (i = 0; i < 10; i++) {
        h_advance(700);
        h_peer_data(&p, p.snd_nxt - p.iss, 1, PKT_PSH);
        h_advance(300); /* let a delayed ACK go */
        while (cap_pending()) {
            struct cap *c = h_peer_recv(&p);
            EXPECT_EQ(c->wi.pl_len, 0);
            EXPECT_EQ(h_seq(&p, c), 1); /* ACKs of data only: a probe would be at 0 */
        }
    }
    EXPECT_EQ(conn->err_calls, 0);
}

SCENARIO(tcp_keepalive_set_later,
         "[MUST-24] keepalive fields written by the application outside any callback (after the "
         "connection is set up, with no API call afterwards) take effect: probes after the idle "
         "time, then err(ERR_ABRT)")
{
    struct tcp_peer p;
    struct h_conn *conn;
    int probes = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    conn = h_established(&p);
    conn->pcb->so_options |= SOF_KEEPALIVE;
    conn->pcb->keep_idle = 2000;
    conn->pcb->keep_intvl = 1000;
    conn->pcb->keep_cnt = 3;
    while (conn->err_calls == 0 && h_now() < 20000) {
        h_advance(100);
        while (cap_pending()) {
            struct cap *c = h_peer_recv(&p);
            if (!(c->wi.tcp.flags & PKT_RST)) {
                probes++;
            }
        }
    }
    trace("%d probes, err at %u ms", probes, h_now());
    EXPECT_EQ(probes, 3);
    EXPECT_EQ(conn->err_calls, 1);
    EXPECT_ERR(conn->err, ERR_ABRT);
}
