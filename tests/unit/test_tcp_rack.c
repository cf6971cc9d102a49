/* tests/unit/test_tcp_rack.c: RACK-TLP (RFC 8985) on the simulated link.
 *
 * The filter loses exactly the segments a scenario names (by their
 * position in the stream and the how-many-th transmission it is), so each
 * test shows one mechanism: a tail loss repaired by a probe about two
 * round trips after the last send instead of by the RTO, a lost
 * retransmission found by RACK's clock instead of by the RTO, and a
 * connection without SACK keeping its RTO (no probes). */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "pkt.h"
#include "socket/tcp_impl.h"
#include "tcp_pair.h"
#include "unit_suite.h"

#define MSS_TS 1448u /* payload of a full segment with timestamps */

typedef struct loss_plan {
    uint32_t isn;            /* client's ISN, learnt from its SYN */
    bool have_isn;
    uint32_t drop_off[4];    /* stream offsets of segments to lose */
    uint32_t drop_times[4];  /* ... their first drop_times transmissions */
    uint32_t seen[4];
    unsigned n;
    uint64_t dropped;
} loss_plan;

/* Client -> server data segments whose stream offset is planned lose
 * their first drop_times transmissions. */
static bool planned_loss(void *ctx, int from, const uint8_t *pkt, uint32_t len, uint32_t now)
{
    (void)now;
    loss_plan *lp = ctx;
    size_t seg_len;
    const uint8_t *tcp = pkt_ip4_tcp(pkt, len, &seg_len);
    if (from != 0 || !tcp)
        return false;
    uint32_t seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
    if (tcp[13] & 0x02) {
        lp->isn = seq;
        lp->have_isn = true;
        return false;
    }
    uint32_t thl = (tcp[12] >> 4) * 4u;
    if (!lp->have_isn || seg_len <= thl)
        return false;
    uint32_t off = seq - lp->isn - 1;
    for (unsigned i = 0; i < lp->n; i++) {
        if (off == lp->drop_off[i] && lp->seen[i]++ < lp->drop_times[i]) {
            lp->dropped++;
            return true;
        }
    }
    return false;
}

typedef struct rack_result {
    bool done;
    uint32_t done_ms;      /* virtual ms from the first data to the last byte received */
    uint32_t tlp, rto, rack_lost, retransmits, dupacks;
    uint64_t dropped, prr_sent;
    bool rare_before_loss;  /* either end held rare state before the first loss */
} rack_result;

/* The client sends `bytes` to the server after the handshake (one RTT of
 * 40 ms measured on it), losing what plan says. */
static rack_result run_plan(loss_plan *plan, uint32_t bytes, bool sack)
{
    static tcp_pair tp;
    tern_fault_config f = {.delay_ms = 20, .seed = 41};
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    c.sack = sack;
    tp_setup(&tp, &f, &c, &c);
    tern_link_set_filter(tp.link, planned_loss, plan);
    tp.paused = true;
    tp_start(&tp, bytes, 0);
    tp_run(&tp, 200, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tp.client.t);
    uint32_t start = tp.now_ms;
    tern_tcp *ct = tp.client.t;
    tp.paused = false;
    rack_result r = {0};
    /* Until something is lost, neither end holds data back or counts a
     * rare event: neither has the memory for them (tcp_rare). */
    while (!plan->dropped && tp.server.received < bytes && tp.now_ms - start < 20000) {
        r.rare_before_loss |= tern__tcp_rare_of(ct) != NULL || (tp.server.t && tern__tcp_rare_of(tp.server.t) != NULL);
        tp_run(&tp, 1, 0);
    }
    /* Stop at the last byte: what matters is how the loss was repaired. */
    while (tp.server.received < bytes && tp.now_ms - start < 20000)
        tp_run(&tp, 1, 0);
    r.done = tp.server.received == bytes && !tp.server.bad_byte;
    r.done_ms = tp.now_ms - start;
    /* Read as an application does, through tern_tcp_get_info. */
    tern_tcp_info ci;
    tern_tcp_get_info(ct, &ci);
    r.tlp = ci.tlp_probes;
    r.rto = ci.rto_timeouts;
    r.rack_lost = ci.rack_marked_lost;
    r.retransmits = ci.retransmits;
    r.dupacks = ci.dupacks_in;
    r.prr_sent = ci.prr_sent;
    r.dropped = plan->dropped;
    CU_ASSERT_TRUE(tp_run(&tp, 60000, 0));
    tp_teardown(&tp);
    return r;
}

/* Counts the server's FINs and loses the first (the server sends no data). */
typedef struct fin_plan {
    unsigned seen, dropped;
} fin_plan;

static bool lose_first_server_fin(void *ctx, int from, const uint8_t *pkt, uint32_t len, uint32_t now)
{
    (void)now;
    fin_plan *fp = ctx;
    const uint8_t *tcp = pkt_ip4_tcp(pkt, len, NULL);
    if (from != 1 || !tcp || !(tcp[13] & 0x01))
        return false;
    if (fp->seen++ == 0) {
        fp->dropped++;
        return true;
    }
    return false;
}

/* The sender's state (CUBIC, HyStart++, PRR, RACK-TLP, the SACK totals)
 * exists only from a socket's first data: neither end has it after the
 * handshake, the server that only receives never gets it, its lost FIN is
 * resent by the RTO all the same, and the handshake's RTT still counts as
 * RACK's minimum on both ends. */
static void test_sender_state_from_first_data(void)
{
    static tcp_pair tp;
    tern_fault_config f = {.delay_ms = 20, .seed = 43};
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    c.sack = true;
    fin_plan fp = {0};
    tp_setup(&tp, &f, &c, &c);
    tern_link_set_filter(tp.link, lose_first_server_fin, &fp);
    tp.paused = true;
    tp_start(&tp, 40 * MSS_TS, 0);
    tp_run(&tp, 200, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tp.client.t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tp.server.t);
    CU_ASSERT_PTR_NULL(tp.client.t->fl);
    CU_ASSERT_PTR_NULL(tp.server.t->fl);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(tp.client.t)); /* nothing held, nothing rare */
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(tp.server.t));
    /* 20 ms each way: the SYN-ACK's round trip. */
    CU_ASSERT(tp.server.t->rack_min_rtt_ms >= 40 && tp.server.t->rack_min_rtt_ms <= 41);
    /* The client writes everything and closes at once (it expects no
     * data): its socket lives on in FIN-WAIT until the server has it all,
     * the server's until it has read it all. */
    tern_tcp *ct = tp.client.t, *st = tp.server.t;
    tp.paused = false;
    while (tp.server.received < 20 * MSS_TS && tp.now_ms < 20000)
        tp_run(&tp, 1, 0);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_get_state(ct), TERN_TCP_FIN_WAIT_1);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_get_state(st), TERN_TCP_ESTABLISHED);
    CU_ASSERT_PTR_NOT_NULL(ct->fl);
    CU_ASSERT_PTR_NULL(st->fl);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(st)); /* in order so far: nothing held */
    CU_ASSERT_TRUE(tp_run(&tp, 60000, 0));
    CU_ASSERT_FALSE(tp.server.bad_byte);
    CU_ASSERT_EQUAL(tp.server.received, 40 * MSS_TS);
    tp_settle(&tp, 5000);
    CU_ASSERT_EQUAL(fp.dropped, 1);
    CU_ASSERT_EQUAL(fp.seen, 2); /* the FIN again, once */
    /* The client took the resent FIN: TIME-WAIT (60 s), the server gone. */
    CU_ASSERT_EQUAL(tern_tcp_get_state(ct), TERN_TCP_TIME_WAIT);
    CU_ASSERT_EQUAL(tern_stack_stats(tp.sb)->tcp_live, 1); /* its listener */
    tp_teardown(&tp);
}

/* Pauses the applications once the client has written half its bytes. */
static void pause_at_half(tcp_pair *tp, void *ctx)
{
    (void)ctx;
    if (tp->client.sent >= tp->client.to_send / 2 && tp->client.sent < tp->client.to_send)
        tp->paused = true;
}

/* The client of tp (SACK on, 20 ms each way, the link seeded with seed,
 * plan's losses when plan is set) writes total bytes and pauses at half of
 * them; returns its socket, with the bytes written in *half. */
static tern_tcp *start_and_pause_at_half(tcp_pair *tp, uint32_t seed, uint32_t total, loss_plan *plan,
                                         uint64_t *half)
{
    tern_fault_config f = {.delay_ms = 20, .seed = seed};
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    c.sack = true;
    tp_setup(tp, &f, &c, &c);
    if (plan)
        tern_link_set_filter(tp->link, planned_loss, plan);
    tp->on_step = pause_at_half;
    tp_start(tp, total, 0);
    tern_tcp *ct = NULL;
    for (bool done = false; !tp->paused && !done && tp->now_ms < 20000;) {
        done = tp_run(tp, 1, 0);
        ct = ct ? ct : tp->client.t;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(ct);
    CU_ASSERT_TRUE_FATAL(tp->paused);
    tp->on_step = NULL;
    *half = tp->client.sent;
    return ct;
}

/* start_and_pause_at_half, then until everything written is acknowledged. */
static tern_tcp *start_and_drain_half(tcp_pair *tp, uint32_t seed, uint32_t total, uint64_t *half)
{
    tern_tcp *ct = start_and_pause_at_half(tp, seed, total, NULL, half);
    while (tern__tcp_bytes_acked(ct) < *half && tp->now_ms < 20000)
        tp_settle(tp, 1);
    CU_ASSERT_EQUAL_FATAL(tern__tcp_bytes_acked(ct), *half);
    return ct;
}

/* A connection that sent data and then went quiet gives its sender state
 * back an RTO after the last acknowledgment (an idle relay connection
 * costs no more than one that never sent), keeps what tern_tcp_info
 * reports across it (bytes acknowledged, the loss counters, PRR's bytes),
 * and gets it again with its next data. */
static void test_sender_state_back_when_quiet(void)
{
    static tcp_pair tp;
    /* One segment of the first half is lost: a fast recovery to count. */
    loss_plan plan = {.n = 1, .drop_off = {3 * MSS_TS}, .drop_times = {1}};
    const uint32_t total = 400 * MSS_TS; /* more than the send buffer: written in steps */
    uint64_t half;
    tern_tcp *ct = start_and_pause_at_half(&tp, 45, total, &plan, &half);
    /* Until everything written is acknowledged, the flight is there. */
    while (tern__tcp_bytes_acked(ct) < half && tp.now_ms < 20000) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(ct->fl);
        tp_settle(&tp, 1);
    }
    CU_ASSERT_EQUAL(tern__tcp_bytes_acked(ct), half);
    CU_ASSERT_PTR_NOT_NULL(ct->fl); /* not yet an RTO of quiet */
    uint32_t quiet_from = tp.now_ms, rto = tern__tcp_rto(ct);
    while (ct->fl && tp.now_ms - quiet_from < 10000)
        tp_settle(&tp, 1);
    CU_ASSERT_PTR_NULL(ct->fl);
    CU_ASSERT(tp.now_ms - quiet_from >= rto);
    CU_ASSERT(tp.now_ms - quiet_from <= rto + 20);
    tern_tcp_info ci;
    tern_tcp_get_info(ct, &ci);
    CU_ASSERT_EQUAL(plan.dropped, 1);
    CU_ASSERT_EQUAL(ci.bytes_acked, half);
    CU_ASSERT_EQUAL(ci.fast_retransmits, 1);
    CU_ASSERT_EQUAL(ci.sack_recoveries, 1);
    CU_ASSERT(ci.prr_sent >= MSS_TS);
    uint64_t prr = ci.prr_sent;
    /* The count past 2^32 (acked_wraps), without sending 4 GiB: the ISS
     * moved so that 2^32 - 1000 bytes seem acknowledged already. */
    ct->iss = ct->snd_una - 1 + 1000;
    CU_ASSERT_EQUAL(tern__tcp_bytes_acked(ct), (1ull << 32) - 1000);
    /* The receiver's count past 2^32 too (received_wraps): it had these
     * bytes, 2^32 - 1000 it seems now. */
    tern_tcp *st = tp.server.t;
    tern_tcp_info si;
    tern_tcp_get_info(st, &si);
    uint64_t had = si.bytes_received;
    CU_ASSERT_EQUAL(had, half);
    st->bytes_received = (uint32_t)-1000;
    /* The rest: the flight comes back with the first new byte. */
    tp.paused = false;
    for (bool done = false; tp.client.sent == half && !done && tp.now_ms < 30000;)
        done = tp_run(&tp, 1, 0);
    CU_ASSERT_PTR_NOT_NULL(ct->fl);
    while (tp.server.received < had + 20 * MSS_TS && tp.now_ms < 30000)
        tp_run(&tp, 1, 0);
    tern_tcp_get_info(st, &si);
    CU_ASSERT(tp.server.received >= had + 20 * MSS_TS);
    CU_ASSERT_EQUAL(si.bytes_received, (1ull << 32) - 1000 + (tp.server.received - had));
    CU_ASSERT_TRUE(tp_run(&tp, 60000, 0));
    CU_ASSERT_FALSE(tp.server.bad_byte);
    CU_ASSERT_EQUAL(tp.server.received, total);
    /* The last ACKs (the server had every byte first); the client's
     * socket then waits in TIME-WAIT and still answers. */
    tp_settle(&tp, 1000);
    CU_ASSERT_EQUAL(tern_tcp_get_state(ct), TERN_TCP_TIME_WAIT);
    tern_tcp_get_info(ct, &ci);
    CU_ASSERT_EQUAL(ci.bytes_acked, (1ull << 32) - 1000 + (total - half)); /* the FIN not counted */
    CU_ASSERT_EQUAL(ci.fast_retransmits, 1);
    CU_ASSERT_EQUAL(ci.prr_sent, prr);
    tp_teardown(&tp);
}

/* A sender quiet for an RTO starts again from the restart window (RFC
 * 5681 4.1): whatever its window grew to, at most 10 segments leave before
 * the first acknowledgment; ssthresh keeps 3/4 of the old window (RFC 2861
 * 3), so slow start regains it.  (Before: the whole grown window left at
 * once after any idle spell.) */
static void test_restart_window_after_quiet(void)
{
    static tcp_pair tp;
    const uint32_t total = 400 * MSS_TS;
    uint64_t half;
    tern_tcp *ct = start_and_drain_half(&tp, 49, total, &half);
    uint32_t grown = ct->cwnd, iw = 10u * ct->mss;
    CU_ASSERT_FATAL(grown > 2 * iw);
    while (ct->fl && tp.now_ms < 30000)
        tp_settle(&tp, 1);
    CU_ASSERT_PTR_NULL_FATAL(ct->fl);
    CU_ASSERT_EQUAL(ct->cwnd, iw);
    CU_ASSERT(ct->ssthresh >= grown - grown / 4);
    /* The next data: 20 ms each way, so nothing is acknowledged for 40 ms. */
    uint32_t una = ct->snd_una, resumed = tp.now_ms;
    tp.paused = false;
    while (tp.now_ms - resumed < 30)
        tp_run(&tp, 1, 0);
    CU_ASSERT_EQUAL(ct->snd_una, una);
    CU_ASSERT(ct->snd_max - una > 0);
    CU_ASSERT(ct->snd_max - una <= iw);
    CU_ASSERT_TRUE(tp_run(&tp, 60000, 0));
    CU_ASSERT_FALSE(tp.server.bad_byte);
    CU_ASSERT_EQUAL(tp.server.received, total);
    tp_teardown(&tp);
}

/* Without timestamps the RTO's samples are the segments' own send times
 * (once per round trip, the oldest segment an ACK covers if it was sent
 * once, outside recovery): the handshake gives both ends the path's 40 ms,
 * and a transfer keeps them there.  (Before: one timed segment at a time,
 * 9 bytes of state in every socket.) */
static void test_rtt_without_timestamps(void)
{
    static tcp_pair tp;
    tern_fault_config f = {.delay_ms = 20, .seed = 53};
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    c.timestamps = false;
    tp_setup(&tp, &f, &c, &c);
    tp.paused = true;
    const uint32_t total = 300 * 1460;
    tp_start(&tp, total, 0);
    tp_settle(&tp, 200);
    tern_tcp *ct = tp.client.t, *st = tp.server.t;
    CU_ASSERT_FATAL(ct && st);
    CU_ASSERT_FALSE(ct->ts_ok);
    /* The SYN's and the SYN-ACK's round trips: 40 ms each way. */
    CU_ASSERT(ct->srtt8 / 8 >= 40 && ct->srtt8 / 8 <= 41);
    CU_ASSERT(st->srtt8 / 8 >= 40 && st->srtt8 / 8 <= 41);
    tp.paused = false;
    CU_ASSERT_TRUE(tp_run(&tp, 60000, 0));
    CU_ASSERT_FALSE(tp.server.bad_byte);
    CU_ASSERT_EQUAL(tp.server.received, total);
    CU_ASSERT(ct->srtt8 / 8 >= 40 && ct->srtt8 / 8 <= 50);
    CU_ASSERT(tern__tcp_rto(ct) >= c.rto_min_ms && tern__tcp_rto(ct) < 400);
    tp_teardown(&tp);
}

/* A flight that starts while the quiet deadline is armed (everything was
 * acknowledged less than an RTO ago) is timed from its own first segment
 * and gets its tail loss probe: the quiet deadline, an RTO after the last
 * ACK, would fire early on it as a spurious RTO (cwnd to one segment).
 * (Before: the RTX timer, armed, was left as it was.) */
static void test_flight_after_short_quiet_timed_afresh(void)
{
    static tcp_pair tp;
    const uint32_t total = 400 * MSS_TS;
    uint64_t half;
    tern_tcp *ct = start_and_drain_half(&tp, 47, total, &half);
    CU_ASSERT_FATAL(tern__tcp_timer_armed(ct, TCP_TIMER_RTX));
    uint32_t quiet_due = ct->due[TCP_TIMER_RTX];
    uint32_t cwnd = ct->cwnd;
    tp_settle(&tp, tern__tcp_rto(ct) / 2); /* quiet, but not for an RTO */
    CU_ASSERT_PTR_NOT_NULL_FATAL(ct->fl);
    CU_ASSERT_EQUAL(ct->cwnd, cwnd); /* no restart: it was not idle for an RTO */
    tp.paused = false;
    for (bool done = false; tp.client.sent == half && !done && tp.now_ms < 30000;)
        done = tp_run(&tp, 1, 0);
    CU_ASSERT(tp.client.sent > half);
    CU_ASSERT_TRUE(tern__tcp_tlp_armed(ct));
    CU_ASSERT(ct->due[TCP_TIMER_RTX] != quiet_due);
    CU_ASSERT_TRUE(tp_run(&tp, 60000, 0));
    CU_ASSERT_EQUAL(tp.server.received, total);
    tern_tcp_info ci;
    tern_tcp_get_info(ct, &ci);
    CU_ASSERT_EQUAL(ci.rto_timeouts, 0);
    tp_teardown(&tp);
}

static void print_result(const char *name, const rack_result *r)
{
    printf("\n    %-44s last byte after %4u ms, %llu lost on purpose: probes %u, RACK-marked %u, rtx %u, rto %u", name,
           r->done_ms, (unsigned long long)r->dropped, r->tlp, r->rack_lost, r->retransmits, r->rto);
}

/* The last two of ten segments are lost: nothing after them can show the
 * loss.  The probe (the last segment again, ~2 RTT after it left) is
 * answered with a SACK that lets RACK resend the other one. */
static void test_tail_loss_probe(void)
{
    loss_plan plan = {.n = 2, .drop_off = {8 * MSS_TS, 9 * MSS_TS}, .drop_times = {1, 1}};
    rack_result r = run_plan(&plan, 10 * MSS_TS, true);
    print_result("tail loss, SACK: probe", &r);
    CU_ASSERT_TRUE(r.done);
    CU_ASSERT_EQUAL(r.dropped, 2);
    CU_ASSERT_EQUAL(r.tlp, 1);
    CU_ASSERT_EQUAL(r.rto, 0);
    /* RTT 40 ms: probe after ~80 ms, repair one RTT later; the RTO would
     * wait at least 200 ms before resending anything. */
    CU_ASSERT(r.done_ms < 200);
}

/* Without SACK there are no probes (RFC 8985 7.2); the RTO repairs it. */
static void test_tail_loss_no_sack_rto(void)
{
    loss_plan plan = {.n = 1, .drop_off = {9 * MSS_TS}, .drop_times = {1}};
    rack_result r = run_plan(&plan, 10 * MSS_TS, false);
    print_result("tail loss, no SACK: RTO", &r);
    CU_ASSERT_TRUE(r.done);
    CU_ASSERT_EQUAL(r.tlp, 0);
    CU_ASSERT_EQUAL(r.rto, 1);
    CU_ASSERT_EQUAL(r.retransmits, 1);
    CU_ASSERT_FALSE(r.rare_before_loss);
    CU_ASSERT(r.done_ms >= 200);
}

/* A hole whose retransmission is lost too: RACK sees segments sent after
 * the retransmission delivered and resends it once an RTT has passed. */
static void test_lost_retransmission(void)
{
    loss_plan plan = {.n = 1, .drop_off = {2 * MSS_TS}, .drop_times = {2}};
    rack_result r = run_plan(&plan, 60 * MSS_TS, true);
    print_result("lost retransmission, SACK: RACK", &r);
    CU_ASSERT_TRUE(r.done);
    CU_ASSERT_EQUAL(r.dropped, 2);
    CU_ASSERT_EQUAL(r.rto, 0);
    CU_ASSERT(r.rack_lost >= 2);
    /* Each segment after the hole drew a duplicate ACK; the hole went twice. */
    CU_ASSERT(r.dupacks >= 3);
    CU_ASSERT(r.retransmits >= 2);
    CU_ASSERT_FALSE(r.rare_before_loss);
    /* Both retransmissions left in fast recovery, paced by PRR. */
    CU_ASSERT(r.prr_sent >= 2u * MSS_TS);
    CU_ASSERT(r.done_ms < 400);
}

/* A receiver holding more runs of out-of-order data than an ACK has SACK
 * blocks: the run holding the segment just arrived comes first, wherever
 * it lies (RFC 2018 4), and the rest are the highest runs, the ones most
 * recently reported.  (Before: the four lowest runs were listed, so data
 * arriving above them was never reported and the sender resent it.) */
static uint32_t clock_1000(void *arg)
{
    (void)arg;
    return 1000;
}

static void test_sack_blocks_latest_first(void)
{
    tern_config cfg = {.clock = clock_1000, .seed = 1};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    tern_tcp *t = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    t->rcv_nxt = 1000;
    /* Six runs of 100 bytes, one hole of 100 bytes before each. */
    for (uint32_t i = 0; i < 6; i++) {
        tern_pbuf *p = tern_pbuf_alloc(TERN_HEADROOM, 100, TERN_PBUF_RAM);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        tern__tcp_ooo_insert(t, p, 1100 + i * 200, false);
    }
    tern_tcp_sack_block b[TERN_TCP_MAX_SACK];
    uint8_t n = tern__tcp_ooo_sack_blocks(t, b, 3);
    CU_ASSERT_EQUAL(n, 3);
    /* The latest arrival, 2100..2200, is the sixth run. */
    CU_ASSERT_EQUAL(b[0].left, 2100);
    CU_ASSERT_EQUAL(b[0].right, 2200);
    CU_ASSERT_EQUAL(b[1].left, 1900);
    CU_ASSERT_EQUAL(b[2].left, 1700);
    /* A retransmission fills the hole between the second and third runs:
     * the run it joins is first, then the highest. */
    tern_pbuf *p = tern_pbuf_alloc(TERN_HEADROOM, 100, TERN_PBUF_RAM);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    tern__tcp_ooo_insert(t, p, 1400, false);
    n = tern__tcp_ooo_sack_blocks(t, b, 4);
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT_EQUAL(b[0].left, 1300);
    CU_ASSERT_EQUAL(b[0].right, 1600);
    CU_ASSERT_EQUAL(b[1].left, 2100);
    CU_ASSERT_EQUAL(b[2].left, 1900);
    CU_ASSERT_EQUAL(b[3].left, 1700);
    tern__tcp_ooo_free(t);
    tern_stack_free(s);
}

TERN_UNIT_SUITE(tcp_rack)
{
    CU_pSuite s = CU_add_suite("tcp/rack", NULL, NULL);
    CU_add_test(s, "sender state from the first data only; a receiver's lost FIN still resent",
                test_sender_state_from_first_data);
    CU_add_test(s, "sender state back an RTO after the last acknowledgment; counters kept",
                test_sender_state_back_when_quiet);
    CU_add_test(s, "without timestamps: RTT samples from the segments' send times (Karn's rule)",
                test_rtt_without_timestamps);
    CU_add_test(s, "quiet for an RTO: the next flight starts from the restart window (RFC 5681 4.1)",
                test_restart_window_after_quiet);
    CU_add_test(s, "a flight after a short quiet spell: its own RTO and probe, not the quiet deadline",
                test_flight_after_short_quiet_timed_afresh);
    CU_add_test(s, "tail loss repaired by a probe, not the RTO", test_tail_loss_probe);
    CU_add_test(s, "no SACK: no probe, the RTO repairs a tail loss", test_tail_loss_no_sack_rto);
    CU_add_test(s, "lost retransmission found by RACK, not the RTO", test_lost_retransmission);
    CU_add_test(s, "SACK blocks: the latest arrival's run first, then the highest runs (RFC 2018)",
                test_sack_blocks_latest_first);
}
