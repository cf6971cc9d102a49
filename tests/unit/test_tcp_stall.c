/* tests/unit/test_tcp_stall.c: transfers that once stopped for good.
 *
 * Both directions carry data; every pure ACK is lost for a while, so each
 * side's retransmission timer fires although the peer holds all its data.
 * After the timeout a sender goes back to SND.UNA (RFC 5681 3.1), so
 * SND.NXT lies below the peer's RCV.NXT.  A pure ACK that carried that
 * SND.NXT was "unacceptable" to the peer (RFC 9293 3.10.7.4: SEG.SEQ <
 * RCV.NXT), which dropped it unread and answered with an ACK of its own,
 * just as unacceptable the other way: an endless ACK ping-pong in which no
 * acknowledgment was ever processed.  This is the interop test's standstill
 * (tern <-> tern, burst losses on a congested socketpair) made exact. */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "pkt.h"
#include "tcp_pair.h"
#include "unit_suite.h"

typedef struct ack_blackout {
    bool active;
    uint32_t until_ms;
    uint64_t dropped;
} ack_blackout;

/* Drops pure ACKs (no payload, no SYN/FIN/RST) while the blackout lasts. */
static bool drop_pure_acks(void *ctx, int from, const uint8_t *pkt, uint32_t len, uint32_t now)
{
    (void)from;
    ack_blackout *b = ctx;
    size_t seg_len;
    const uint8_t *tcp;
    if (!b->active || (int32_t)(now - b->until_ms) >= 0 || !(tcp = pkt_ip4_tcp(pkt, len, &seg_len)))
        return false;
    uint32_t thl = (tcp[12] >> 4) * 4u;
    if (seg_len != thl || (tcp[13] & 0x17u) != 0x10u)
        return false;
    b->dropped++;
    return true;
}

static void run_blackout(uint32_t bytes, uint32_t blackout_ms)
{
    static tcp_pair tp;
    static ack_blackout bo;
    tern_fault_config f = {.delay_ms = 10, .seed = 21};
    tp_setup(&tp, &f, NULL, NULL);
    bo = (ack_blackout){0};
    tern_link_set_filter(tp.link, drop_pure_acks, &bo);
    tp.paused = true;
    tp_start(&tp, bytes, bytes);
    tp_run(&tp, 200, 0); /* handshake, no data yet */
    CU_ASSERT_PTR_NOT_NULL_FATAL(tp.server.t);
    /* Both sides write in the same instant, so their data crosses and
     * neither data segment acknowledges the other's data. */
    bo.active = true;
    bo.until_ms = tp.now_ms + blackout_ms;
    tp.paused = false;
    bool done = tp_run(&tp, 30000, 0);
    tern_link_stats ls;
    tern_link_get_stats(tp.link, &ls);
    tern_tcp_info ci, si;
    tp_info(&tp, &tp.client, &ci);
    tp_info(&tp, &tp.server, &si);
    printf("\n    %u bytes each way, pure ACKs lost for %u ms: %s at %.3f s, %llu packets, %llu ACKs dropped, "
           "rto %u/%u",
           bytes, blackout_ms, done ? "done" : "STALLED", (tp.now_ms - 1000) / 1000.0, (unsigned long long)ls.sent,
           (unsigned long long)bo.dropped, ci.rto_timeouts, si.rto_timeouts);
    CU_ASSERT_TRUE(bo.dropped > 0);
    CU_ASSERT_TRUE(done);
    CU_ASSERT_FALSE(tp.client.bad_byte || tp.server.bad_byte);
    CU_ASSERT_EQUAL(tp.client.received, bytes);
    CU_ASSERT_EQUAL(tp.server.received, bytes);
    /* Recovery is one timeout and a few round trips, not a storm: a
     * handful of packets beyond the data itself. */
    CU_ASSERT(ls.sent < 2u * (bytes / 1000u) + 60u);
    CU_ASSERT(ci.rto_timeouts <= 2 && si.rto_timeouts <= 2);
    tp_teardown(&tp);
}

/* The ACKs of both crossing bursts are lost; the timeouts' retransmissions
 * reach peers that already hold them. */
static void test_crossing_bursts_acks_lost(void) { run_blackout(40u * 1448u, 150); }

/* Loses the first transmission of each direction's first data segment. */
typedef struct first_loss {
    uint32_t isn[2];
    bool have_isn[2], dropped[2];
} first_loss;

static bool drop_first_data(void *ctx, int from, const uint8_t *pkt, uint32_t len, uint32_t now)
{
    (void)now;
    first_loss *fl = ctx;
    size_t seg_len;
    const uint8_t *tcp = pkt_ip4_tcp(pkt, len, &seg_len);
    if (!tcp)
        return false;
    uint32_t seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
    if (tcp[13] & 0x02) {
        fl->isn[from] = seq;
        fl->have_isn[from] = true;
        return false;
    }
    uint32_t thl = (tcp[12] >> 4) * 4u;
    if (!fl->have_isn[from] || fl->dropped[from] || seg_len <= thl || seq != fl->isn[from] + 1)
        return false;
    fl->dropped[from] = true;
    return true;
}

/* Both receive windows are small and both senders fill them, each losing
 * the first segment: every pure ACK then carries SEG.SEQ = the right edge
 * of the peer's window while the peer's RCV.NXT waits at the hole.  Under
 * RFC 9293's strict test (SEG.SEQ < RCV.NXT + RCV.WND) each side dropped
 * the other's ACKs (and SACKs) and answered them: an ACK storm, with the
 * holes repaired only by timeouts. */
static void test_full_windows_acks_at_edge(void)
{
    static tcp_pair tp;
    static first_loss fl;
    tern_fault_config f = {.delay_ms = 10, .seed = 22};
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    c.wscale = false;
    c.rcv_buf = c.rcv_buf_max = 8 * 1448;
    tp_setup(&tp, &f, &c, &c);
    fl = (first_loss){0};
    tern_link_set_filter(tp.link, drop_first_data, &fl);
    uint32_t bytes = 40 * 1448;
    tp.paused = true;
    tp_start(&tp, bytes, bytes);
    tp_run(&tp, 200, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tp.server.t);
    tp.paused = false;
    bool done = tp_run(&tp, 30000, 0);
    tern_link_stats ls;
    tern_link_get_stats(tp.link, &ls);
    tern_tcp_info ci, si;
    tp_info(&tp, &tp.client, &ci);
    tp_info(&tp, &tp.server, &si);
    printf("\n    %u bytes each way through full %u-byte windows, first segments lost: %s at %.3f s, %llu packets, "
           "rto %u/%u",
           bytes, c.rcv_buf, done ? "done" : "STALLED", (tp.now_ms - 1000) / 1000.0, (unsigned long long)ls.sent,
           ci.rto_timeouts, si.rto_timeouts);
    CU_ASSERT_TRUE(fl.dropped[0] && fl.dropped[1]);
    CU_ASSERT_TRUE(done);
    CU_ASSERT_EQUAL(tp.client.received, bytes);
    CU_ASSERT_EQUAL(tp.server.received, bytes);
    CU_ASSERT_FALSE(tp.client.bad_byte || tp.server.bad_byte);
    /* 40 segments each way, ACKs for every second one, a few recovery
     * segments: about 145 packets; every dropped ACK that was answered
     * added two (228 before ACKs at the edge were read). */
    CU_ASSERT(ls.sent < 2u * (bytes / 1000u) + 60u);
    CU_ASSERT(ci.rto_timeouts == 0 && si.rto_timeouts == 0);
    tp_teardown(&tp);
}

TERN_UNIT_SUITE(tcp_stall)
{
    CU_pSuite s = CU_add_suite("tcp/stall", NULL, NULL);
    CU_add_test(s, "both sides time out while the peer holds their data (ACK ping-pong)",
                test_crossing_bursts_acks_lost);
    CU_add_test(s, "both windows full, first segments lost: ACKs at the right edge are read",
                test_full_windows_acks_at_edge);
}
