/* tcp_rack.c: loss detection by time, RACK-TLP (RFC 8985), on a connection
 * whose peer permits SACK: a tail loss is repaired after a probe about two
 * round trips after the last ACK, not after a retransmission timeout.
 * lwIP 2.1.3 has neither RACK nor TLP (its SACK support is receive-side
 * only), so it waits for the RTO and then resends from SND.UNA. */
#include "conformance.h"

#include "tcp.h"

#define LPORT 30020
#define PPORT 40020
#define SEG 1460u

static uint8_t data[4 * SEG];

/* An ACK from the peer carrying one SACK block (absolute numbers). */
static err_t ack_with_sack(struct tcp_peer *p, uint32_t ack, uint32_t left, uint32_t right)
{
    static uint8_t pkt[PKT_MAX];
    uint8_t opt[40];
    struct pkt_tcp_opts o;
    struct pkt_tcp h;
    memset(&o, 0, sizeof(o));
    o.nsack = 1;
    o.sack[0][0] = left;
    o.sack[0][1] = right;
    memset(&h, 0, sizeof(h));
    h.sport = p->port;
    h.dport = p->lport;
    h.seq = p->snd_nxt;
    h.ack = ack;
    h.flags = PKT_ACK;
    h.win = p->win;
    h.optlen = pkt_tcp_options(opt, &o);
    h.opt = opt;
    return inject(pkt, pkt_tcp_packet(pkt, p->addr, p->local, &h, NULL, 0));
}

SCENARIO_LWIP_DEVIATES(tcp_tail_loss_probe,
         "[RFC 8985 7] with SACK agreed, the last two of three segments are lost: about two round "
         "trips after the ACK of the first one (before any RTO, which is at least 200 ms), the "
         "last segment is sent again as a probe; the peer's SACK of it shows the hole, which "
         "is resent at once (RACK), without a timeout",
         "2.1.3 has no tail loss probe or RACK: nothing is sent until its retransmission timer "
         "(500 ms ticks) fires, and then the first unacknowledged segment goes again")
{
    struct tcp_peer p;
    struct h_conn *conn;
    struct cap *c;
    u32_t t_ack, waited = 0;
    int segs = 0;

    h_peer_init(&p, PEER4, PPORT, LOCAL4, LPORT, 1000);
    p.syn_opts.sack_perm = 1;
    conn = h_established(&p);
    REQUIRE(conn != NULL);
    tcp_nagle_disable(conn->pcb);
    h_pattern(data, sizeof(data), 21);
    trace("SACK agreed: %d", p.st_sack);

    /* A round trip of 50 ms, measured on 1000 bytes. */
    h_write(conn, data, 1000, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    EXPECT_SEG(h_peer_recv(&p), &p, H_ANY, 1, 1, 1000);
    h_advance(50);
    h_peer_ack(&p);
    cap_expect_none();

    /* Three segments; the peer gets the first, the other two are lost. */
    h_write(conn, data, 3 * SEG, TCP_WRITE_FLAG_COPY);
    h_output(conn);
    while (cap_pending()) {
        c = h_peer_recv(&p);
        if (c->wi.pl_len)
            segs++;
    }
    trace("%d segments sent", segs);
    EXPECT_EQ(segs, 3);
    h_advance(50);
    h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 1001 + SEG), PKT_ACK, NULL, 0);
    t_ack = h_now();

    /* The probe: the last segment again, ~2 SRTT later, before 200 ms. */
    while (!cap_pending() && waited < 3000) {
        h_advance(10);
        waited += 10;
    }
    REQUIRE(cap_pending() > 0);
    c = h_peer_recv(&p);
    trace("first retransmission %u ms after the ACK", c->t - t_ack);
    EXPECT_SEG(c, &p, H_ANY, 1001 + 2 * SEG, 1, SEG);
    EXPECT(c->t - t_ack < 200);
    cap_expect_none();

    /* The peer SACKs the probe: the hole before it goes at once. */
    ack_with_sack(&p, H_SSEQ(&p, 1001 + SEG), H_SSEQ(&p, 1001 + 2 * SEG), H_SSEQ(&p, 1001 + 3 * SEG));
    waited = 0;
    while (!cap_pending() && waited < 100) {
        h_advance(10);
        waited += 10;
    }
    REQUIRE(cap_pending() > 0);
    c = h_peer_recv(&p);
    trace("the hole resent %u ms after the SACK", waited);
    EXPECT_SEG(c, &p, H_ANY, 1001 + SEG, 1, SEG);
    cap_expect_none();

    /* Everything arrived. */
    h_peer_inject(&p, p.snd_nxt, H_SSEQ(&p, 1001 + 3 * SEG), PKT_ACK, NULL, 0);
    h_advance(1000);
    cap_expect_none();
    EXPECT_EQ(conn->sent, 1000 + 3 * SEG);
    EXPECT_EQ(conn->err_calls, 0);
}
