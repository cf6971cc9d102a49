/* tests/unit/test_tcp_autotune.c: receive- and send-buffer autotuning
 * (core/src/socket/tcp_tune.c) with the options tun2socks programs ship
 * (netstack-lwip: TCP_WND 32 x MSS = 46 720 bytes, TCP_SND_BUF 16 x MSS),
 * 20 MB client to server over a link with a 20 ms round trip, on virtual
 * time.  The window the receiver advertises is read off the wire (the
 * link's filter sees every packet: the window field, shifted by the scale
 * the SYN-ACK announced, RFC 7323 2.2/2.3). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "socket/tcp_impl.h"
#include "pkt.h"
#include "tcp_pair.h"
#include "unit_suite.h"

#define AT_BYTES (20u * 1000 * 1000)
#define AT_WND (32u * 1460)     /* TCP_WND */
#define AT_SND_BUF (16u * 1460) /* TCP_SND_BUF */
#define AT_MAX (4u * 1024 * 1024)

typedef struct wire_probe {
    bool syn_ack_seen;
    uint8_t shift;       /* what the server's SYN-ACK announced, 0: no option */
    uint32_t max_wnd;    /* largest window the server advertised, scaled */
    uint32_t max_queued; /* largest send queue the client held */
    uint64_t max_used;   /* largest budget use on either stack */
} wire_probe;

/* Server to client: IPv4 (no options on this link) then TCP. */
static bool watch(void *ctx, int from_side, const uint8_t *pkt, uint32_t len, uint32_t now_ms)
{
    (void)now_ms;
    wire_probe *w = ctx;
    const uint8_t *th = pkt_ip4_tcp(pkt, len, NULL);
    if (from_side != 1 || !th)
        return false;
    uint32_t ihl = (uint32_t)(th - pkt);
    uint32_t doff = (th[12] >> 4) * 4u;
    uint16_t wnd = (uint16_t)(th[14] << 8 | th[15]);
    bool syn = th[13] & 0x02;
    if (syn) {
        w->syn_ack_seen = true;
        for (uint32_t i = 20; i < doff && ihl + i < len;) {
            uint8_t kind = th[i];
            if (kind == 0)
                break;
            if (kind == 1) {
                i++;
                continue;
            }
            if (ihl + i + 1 >= len || th[i + 1] < 2)
                break;
            if (kind == 3 && th[i + 1] == 3)
                w->shift = th[i + 2];
            i += th[i + 1];
        }
        if (wnd > w->max_wnd)
            w->max_wnd = wnd; /* never scaled in a SYN */
    } else if (((uint32_t)wnd << w->shift) > w->max_wnd) {
        w->max_wnd = (uint32_t)wnd << w->shift;
    }
    return false;
}

static void step(tcp_pair *tp, void *ctx)
{
    wire_probe *w = ctx;
    if (tp->client.t && tern__tcp_snd_queued(tp->client.t) > w->max_queued)
        w->max_queued = tern__tcp_snd_queued(tp->client.t);
    uint64_t used = tern_stack_tcp_budget_used(tp->sa) + tern_stack_tcp_budget_used(tp->sb);
    if (used > w->max_used)
        w->max_used = used;
}

/* netstack-lwip's sizes; autotuning up to AT_MAX when tune. */
static void netstack_config(tern_tcp_config *c, bool tune)
{
    tern_tcp_default_config(c);
    c->rcv_buf = AT_WND;
    c->rcv_buf_max = tune ? AT_MAX : AT_WND;
    c->snd_buf = AT_SND_BUF;
    c->snd_buf_max = tune ? AT_MAX : AT_SND_BUF;
}

/* budget: (uint64_t)-1 leaves the default. */
static void transfer(bool tune, uint64_t budget, wire_probe *w, uint32_t *done_ms)
{
    tern_fault_config f = {.delay_ms = 10, .seed = 7}; /* 20 ms round trip */
    tern_tcp_config cfg;
    netstack_config(&cfg, tune);
    tcp_pair tp;
    memset(w, 0, sizeof(*w));
    tp_setup(&tp, &f, &cfg, &cfg);
    if (budget != (uint64_t)-1) {
        tern_stack_set_tcp_budget(tp.sa, budget);
        tern_stack_set_tcp_budget(tp.sb, budget);
    }
    tern_link_set_filter(tp.link, watch, w);
    tp.on_step = step;
    tp.step_ctx = w;
    tp_start(&tp, AT_BYTES, 0);
    bool ok = tp_run(&tp, 600000, 50000000);
    CU_ASSERT_TRUE(ok);
    CU_ASSERT_EQUAL(tp.server.received, AT_BYTES);
    CU_ASSERT_FALSE(tp.server.bad_byte);
    CU_ASSERT_TRUE(w->syn_ack_seen);
    *done_ms = tp.server.done_ms - 1000;
    /* The closing handshake ends (a few round trips, 5 s at most): the
     * client waits in TIME-WAIT, the server's socket is gone, and every
     * grant went back. */
    for (uint32_t end = tp.now_ms + 5000; tp.now_ms < end;) {
        if (!tern_link_pump(tp.link))
            tp.now_ms++;
        tern_stack_poll(tp.sa);
        tern_stack_poll(tp.sb);
    }
    CU_ASSERT_EQUAL(tern_stack_tcp_budget_used(tp.sa), 0);
    CU_ASSERT_EQUAL(tern_stack_tcp_budget_used(tp.sb), 0);
    tp_teardown(&tp);
}

static void test_autotune_grows(void)
{
    wire_probe w;
    uint32_t ms_on, ms_off;
    transfer(true, (uint64_t)-1, &w, &ms_on);
    /* Scaling offered for the 4 MiB cap (4 MiB >> 7 fits 16 bits). */
    CU_ASSERT_EQUAL(w.shift, 7);
    CU_ASSERT_TRUE(w.max_wnd > AT_WND);
    CU_ASSERT_TRUE(w.max_queued > AT_SND_BUF); /* the sender's buffer followed its cwnd */
    CU_ASSERT_TRUE(w.max_used > 0);
    wire_probe off;
    transfer(false, (uint64_t)-1, &off, &ms_off);
    CU_ASSERT_TRUE(off.max_wnd <= AT_WND);
    CU_ASSERT_TRUE(off.max_queued <= AT_SND_BUF);
    CU_ASSERT_EQUAL(off.max_used, 0);
    /* 46 720 bytes per 20 ms is 2.3 MB/s: 20 MB takes over 8 s without
     * autotuning; with it the window outgrows the round trip early. */
    CU_ASSERT_TRUE(ms_off > 8000);
    CU_ASSERT_TRUE(ms_on * 4 < ms_off);
    printf("\n    autotune: window %u (shift %u), %u ms; fixed: window %u, %u ms\n", w.max_wnd, w.shift, ms_on,
           off.max_wnd, ms_off);
}

static void test_autotune_budget_zero(void)
{
    wire_probe w;
    uint32_t ms;
    transfer(true, 0, &w, &ms);
    /* No budget: the configured sizes, never less, and the transfer ends. */
    CU_ASSERT_TRUE(w.max_wnd <= AT_WND);
    CU_ASSERT_TRUE(w.max_wnd >= AT_WND - 1460);
    CU_ASSERT_TRUE(w.max_queued <= AT_SND_BUF);
    CU_ASSERT_EQUAL(w.max_used, 0);
}

static void test_autotune_budget_small(void)
{
    wire_probe w;
    uint32_t ms;
    const uint64_t budget = 200000;
    transfer(true, budget, &w, &ms);
    /* Growth stops at the budget: each side's extra within it. */
    CU_ASSERT_TRUE(w.max_wnd > AT_WND);
    CU_ASSERT_TRUE(w.max_wnd <= AT_WND + budget);
    CU_ASSERT_TRUE(w.max_queued <= AT_SND_BUF + budget);
    CU_ASSERT_TRUE(w.max_used <= 2 * budget);
}

TERN_UNIT_SUITE(tcp_autotune)
{
    CU_pSuite s = CU_add_suite("tcp_autotune", NULL, NULL);
    CU_add_test(s, "20 MB at 20 ms RTT: the window grows past TCP_WND; off: it never does", test_autotune_grows);
    CU_add_test(s, "zero budget: configured sizes, transfer completes", test_autotune_budget_zero);
    CU_add_test(s, "small budget: growth bounded by it", test_autotune_budget_small);
}
