/* tests/unit/test_tcp_link.c: two tern stacks joined by a simulated link
 * with loss, reordering, duplication, corruption and delay move data both
 * ways; every byte is checked and the recovery counters are reported.
 * TERN_TCP_BIG=1 runs the 100 MB transfers (opt-in: make test-long). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "tcp_pair.h"
#include "tern/iface.h"
#include "tern/phy.h"
#include "tern/stack.h"
#include "tern/tcp.h"
#include "unit_suite.h"

static uint32_t server_rcv_buf; /* 0: default */
static tern_link_stats last_link; /* of the last transfer */

/* The two stacks (tests/unit/tcp_pair.h), both with congestion control cc;
 * the server with a receive buffer of server_rcv_buf bytes and no window
 * scaling when that is set. */
static void setup(tcp_pair *tp, const tern_fault_config *f, tern_tcp_cc cc)
{
    tern_tcp_config ca, cb;
    tern_tcp_default_config(&ca);
    ca.cc = cc;
    cb = ca;
    if (server_rcv_buf) {
        cb.rcv_buf = cb.rcv_buf_max = server_rcv_buf;
        cb.wscale = false;
    }
    tp_setup(tp, f, &ca, &cb);
}

static void transfer(const char *name, const tern_fault_config *f, uint64_t bytes, tern_tcp_cc cc)
{
    tcp_pair tp;
    setup(&tp, f, cc);
    tp_start(&tp, bytes, bytes);
    tp_run(&tp, 3600u * 1000u, 0);
    tp_end *client = &tp.client, *server = &tp.server;
    CU_ASSERT_FALSE(client->bad_byte);
    CU_ASSERT_FALSE(server->bad_byte);
    CU_ASSERT_EQUAL(client->received, bytes);
    CU_ASSERT_EQUAL(server->received, bytes);
    /* Whoever closed second saw the other's FIN before closing (an end
     * that closed in CLOSE-WAIT got recv(NULL)); both may also close at
     * once, each FIN crossing the other's. */
    CU_ASSERT_TRUE(client->last.state != TERN_TCP_CLOSE_WAIT || client->got_fin);
    CU_ASSERT_TRUE(server->last.state != TERN_TCP_CLOSE_WAIT || server->got_fin);
    CU_ASSERT_TRUE(client->got_fin || server->got_fin ||
                   (client->last.state == TERN_TCP_ESTABLISHED && server->last.state == TERN_TCP_ESTABLISHED));
    uint32_t done_ms = tp.now_ms;
    /* Both ends finish closing (FIN, ACK, TIME-WAIT) with no socket left
     * but the listener. */
    uint32_t until = tp.now_ms + 70000;
    while ((int32_t)(tp.now_ms - until) < 0) {
        if (!tern_link_pump(tp.link)) {
            tern_stack_poll(tp.sa);
            tern_stack_poll(tp.sb);
            tp.now_ms += 50;
        }
    }
    CU_ASSERT_EQUAL(tern_stack_stats(tp.sa)->tcp_live, 0);
    CU_ASSERT_EQUAL(tern_stack_stats(tp.sb)->tcp_live, 1);
    CU_ASSERT_FALSE(client->err_seen && client->err != -15);
    tern_link_stats ls;
    tern_link_get_stats(tp.link, &ls);
    last_link = ls;
    tern_tcp_info ci = client->last;
    printf("\n    %-28s %6.1f MB each way, %5.1f s virtual, link: %llu sent %llu lost %llu dup %llu reord %llu "
           "corrupt; client rtx %u fast %u rto %u sack %u",
           name, bytes / 1e6, (done_ms - 1000) / 1000.0, (unsigned long long)ls.sent, (unsigned long long)ls.lost,
           (unsigned long long)ls.duplicated, (unsigned long long)ls.reordered, (unsigned long long)ls.corrupted,
           ci.retransmits, ci.fast_retransmits, ci.rto_timeouts, ci.sack_recoveries);
    tp_teardown(&tp);
}

static uint64_t size_for(uint64_t ci)
{
    const char *big = getenv("TERN_TCP_BIG");
    return big && *big == '1' ? 100u * 1000 * 1000 : ci;
}

static void test_clean(void)
{
    tern_fault_config f = {.delay_ms = 5, .seed = 1};
    transfer("0% loss, CUBIC", &f, size_for(4u << 20), TERN_TCP_CC_CUBIC);
}

static void test_loss1(void)
{
    tern_fault_config f = {.loss_ppm = 10000, .delay_ms = 10, .seed = 2};
    transfer("1% loss, CUBIC", &f, size_for(2u << 20), TERN_TCP_CC_CUBIC);
}

static void test_loss5_newreno(void)
{
    tern_fault_config f = {.loss_ppm = 50000, .delay_ms = 10, .seed = 3};
    transfer("5% loss, NewReno", &f, size_for(1u << 20), TERN_TCP_CC_NEWRENO);
}

static void test_everything_wrong(void)
{
    tern_fault_config f = {.loss_ppm = 20000,
                           .dup_ppm = 20000,
                           .reorder_ppm = 50000,
                           .corrupt_ppm = 10000,
                           .delay_ms = 20,
                           .reorder_ms = 7,
                           .seed = 4};
    transfer("loss+dup+reorder+corrupt", &f, size_for(1u << 20), TERN_TCP_CC_CUBIC);
}

/* Segmentation offload: bursts of full segments leave as one packet that
 * the link cuts up (as the kernel does behind a TUN); transfers stay
 * byte-exact, under loss too, and the bursts really happen. */
static void test_tso(void)
{
    tern_fault_config f = {.delay_ms = 5, .seed = 11, .tso_max = 65535};
    transfer("TSO, clean", &f, size_for(4u << 20), TERN_TCP_CC_CUBIC);
    CU_ASSERT(last_link.gso_bursts > 100);
    tern_fault_config g = {.loss_ppm = 10000, .reorder_ppm = 20000, .delay_ms = 10, .reorder_ms = 3, .seed = 12,
                           .tso_max = 65535};
    transfer("TSO, 1% loss + reorder", &g, size_for(2u << 20), TERN_TCP_CC_CUBIC);
    CU_ASSERT(last_link.gso_bursts > 10);
    CU_ASSERT(last_link.lost > 0);
    /* IPv4 packets of at most 65535 bytes: a burst never exceeds the cap. */
    tern_fault_config h = {.delay_ms = 5, .seed = 13, .tso_max = 8000};
    transfer("TSO, 8000-byte bursts", &h, 1u << 20, TERN_TCP_CC_NEWRENO);
    CU_ASSERT(last_link.gso_bursts > 10);
}

/* A receiver whose window is smaller than one segment still gets all the
 * data (sender SWS avoidance must not wait for a full segment forever). */
static void test_tiny_window(void)
{
    tern_fault_config f = {.delay_ms = 2, .seed = 5};
    server_rcv_buf = 700;
    transfer("700-byte receive window", &f, 200000, TERN_TCP_CC_CUBIC);
    server_rcv_buf = 0;
}

/* A flood of spoofed SYNs fills the listener's half-open bound; the stack
 * then answers with SYN cookies, holds no more state, and a real client
 * still connects and moves data (with SACK and window scaling, carried in
 * the timestamp). */
static void test_syn_flood_cookies(void)
{
    tern_fault_config f = {.delay_ms = 1, .seed = 6};
    tcp_pair tp;
    setup(&tp, &f, TERN_TCP_CC_CUBIC);
    tern_iface *sif = tern_link_iface(tp.link, 1);
    pkt_addr server = pkt_addr_of("198.18.0.2");
    for (uint32_t i = 0; i < 2000; i++) {
        /* 198.18.9.x:(1024 + i) -> 198.18.0.2:5001, SYN, no options */
        pkt_addr spoofed = pkt_addr_of("198.18.9.0");
        spoofed.a[3] = (uint8_t)(i & 0xff);
        uint8_t seg[20], pkt[40];
        struct pkt_tcp syn = {.sport = (uint16_t)(1024 + i), .dport = 5001, .seq = i, .flags = PKT_SYN,
                              .win = 0xffff};
        struct pkt_ip4 ip = {.src = spoofed, .dst = server, .proto = PKT_TCP, .ttl = 64};
        size_t n = pkt_ip4(pkt, &ip, seg, pkt_tcp(seg, &spoofed, &server, &syn, NULL, 0));
        tern_pbuf *p = tern_pbuf_alloc(0, (uint16_t)n, TERN_PBUF_RAM);
        CU_ASSERT_FATAL(p != NULL);
        memcpy(p->payload, pkt, n);
        tern_iface_input(sif, p);
    }
    const tern_stats *st = tern_stack_stats(tp.sb);
    CU_ASSERT(st->tcp_live <= 1 + 16); /* the listener and its backlog-16 half-open bound */
    CU_ASSERT(st->tcp_cookies_sent >= 2000 - 16);
    tp_start(&tp, 300000, 300000);
    tp_run(&tp, 60000, 0);
    CU_ASSERT_EQUAL(st->tcp_cookies_ok, 1);
    CU_ASSERT_FALSE(tp.client.bad_byte || tp.server.bad_byte);
    CU_ASSERT_EQUAL(tp.server.received, 300000);
    CU_ASSERT_EQUAL(tp.client.received, 300000);
    tern_tcp_info si;
    tp_info(&tp, &tp.server, &si);
    CU_ASSERT_TRUE(si.sack_ok && si.ts_ok && si.snd_wscale == 7);
    tp_teardown(&tp);
}

/* Sockets never bound or connected are still freed with their stack
 * (LeakSanitizer fails the run otherwise), and ports follow lwIP's rule:
 * IPv4 and IPv6 do not collide, unspecified and specific do. */
static uint32_t fixed_clock(void *arg)
{
    (void)arg;
    return 1000;
}

static void test_bind_rules_and_teardown(void)
{
    tern_config cfg = {.clock = fixed_clock, .seed = 7};
    tern_stack *s = tern_stack_new(&cfg);
    tern_tcp *unbound[3];
    for (int i = 0; i < 3; i++)
        unbound[i] = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_EQUAL(tern_stack_stats(s)->tcp_live, 3);
    tern_tcp *a = tern_tcp_new(s, TERN_ADDR_V4), *b = tern_tcp_new(s, TERN_ADDR_V6), *c = tern_tcp_new(s, TERN_ADDR_V4);
    static const uint8_t v6[16] = {0xfd, 0, [15] = 5};
    tern_addr a6, a4;
    tern_addr_set_v6(&a6, v6);
    tern_addr_set_v4(&a4, 0x050012c6u);
    CU_ASSERT_EQUAL(tern_tcp_bind(a, NULL, 80), 0);
    CU_ASSERT_EQUAL(tern_tcp_bind(b, &a6, 80), 0);     /* other family: no conflict */
    CU_ASSERT_EQUAL(tern_tcp_bind(c, &a4, 80), -8);    /* 0.0.0.0:80 holds it: ERR_USE */
    tern_tcp_set_reuse(a, true);
    tern_tcp_set_reuse(c, true);
    CU_ASSERT_EQUAL(tern_tcp_bind(c, &a4, 80), 0);     /* both allow reuse */
    (void)unbound;
    tern_stack_free(s);
}

TERN_UNIT_SUITE(tcp_link)
{
    CU_pSuite s = CU_add_suite("tcp/link", NULL, NULL);
    CU_add_test(s, "transfer, clean link", test_clean);
    CU_add_test(s, "transfer, 1% loss", test_loss1);
    CU_add_test(s, "transfer, 5% loss (NewReno)", test_loss5_newreno);
    CU_add_test(s, "transfer, loss+dup+reorder+corrupt", test_everything_wrong);
    CU_add_test(s, "transfer into a window smaller than the MSS", test_tiny_window);
    CU_add_test(s, "transfers with segmentation offload (TSO)", test_tso);
    CU_add_test(s, "SYN flood: cookies keep the listener open", test_syn_flood_cookies);
    CU_add_test(s, "bind rules; unbound sockets freed with the stack", test_bind_rules_and_teardown);
}
