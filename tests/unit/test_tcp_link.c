/* tests/unit/test_tcp_link.c: two tern stacks joined by a simulated link
 * with loss, reordering, duplication, corruption and delay move data both
 * ways; every byte is checked and the recovery counters are reported.
 * TERN_TCP_BIG=1 runs the 100 MB transfers (opt-in: make test-long). */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/iface.h"
#include "tern/phy.h"
#include "tern/stack.h"
#include "tern/tcp.h"
#include "unit_suite.h"

static uint32_t now_ms;
static uint32_t clock_fn(void *arg)
{
    (void)arg;
    return now_ms;
}

/* The byte at stream offset i of direction d: a position-dependent
 * pattern, so a lost, duplicated or reordered byte changes what is seen. */
static uint8_t pattern(int d, uint64_t i) { return (uint8_t)((i * 2654435761u >> 13) ^ (i >> 8) ^ (uint8_t)(d * 91)); }

typedef struct end {
    tern_tcp *t;
    int dir;           /* direction this end sends */
    uint64_t to_send, sent;
    uint64_t received, expect;
    bool bad_byte, got_fin, closed, err_seen;
    int err;
    tern_tcp_info last; /* the socket's counters when the application let go of it */
} end;

static end client, server;
static tern_stack *sa, *sb;
static tern_link *link_;
static tern_tcp *listener;

static void pump_writes(end *e)
{
    if (!e->t || e->closed)
        return;
    tern_tcp_info info;
    tern_tcp_get_info(e->t, &info);
    if (info.state != TERN_TCP_ESTABLISHED && info.state != TERN_TCP_CLOSE_WAIT)
        return;
    uint8_t buf[16384];
    while (e->sent < e->to_send) {
        tern_tcp_get_info(e->t, &info);
        uint64_t n = e->to_send - e->sent;
        if (n > sizeof(buf))
            n = sizeof(buf);
        if (n > info.snd_buf)
            n = info.snd_buf;
        if (n == 0)
            break;
        for (uint64_t k = 0; k < n; k++)
            buf[k] = pattern(e->dir, e->sent + k);
        if (tern_tcp_write(e->t, buf, (uint32_t)n, 0) != 0)
            break;
        e->sent += n;
    }
    tern_tcp_output(e->t);
    if (e->sent == e->to_send && e->received == e->expect && !e->closed) {
        tern_tcp_get_info(e->t, &e->last);
        if (tern_tcp_close(e->t) == 0) {
            e->closed = true;
            e->t = NULL; /* closed: the stack may free it at any time */
        }
    }
}

static int on_recv(void *arg, tern_tcp *t, tern_pbuf *p, int err)
{
    (void)err;
    end *e = arg;
    if (!p) {
        e->got_fin = true;
        return 0;
    }
    for (tern_pbuf *q = p; q; q = q->next) {
        const uint8_t *b = q->payload;
        for (uint16_t k = 0; k < q->len; k++)
            if (b[k] != pattern(1 - e->dir, e->received + k))
                e->bad_byte = true;
        e->received += q->len;
    }
    tern_tcp_recved(t, p->tot_len);
    tern_pbuf_free(p);
    return 0;
}

static int on_sent(void *arg, tern_tcp *t, uint32_t len)
{
    (void)t, (void)len;
    pump_writes(arg);
    return 0;
}

static void on_err(void *arg, int err)
{
    end *e = arg;
    e->err_seen = true;
    e->err = err;
    e->t = NULL;
}

static int on_accept(void *arg, tern_tcp *child, int err)
{
    (void)arg, (void)err;
    server.t = child;
    tern_tcp_set_arg(child, &server);
    tern_tcp_set_callbacks(child, on_recv, on_sent, on_err);
    return 0;
}

static int on_connected(void *arg, tern_tcp *t, int err)
{
    (void)t, (void)err;
    pump_writes(arg);
    return 0;
}

static uint32_t server_rcv_buf; /* 0: default */
static tern_link_stats last_link; /* of the last transfer */

static void setup(const tern_fault_config *f, tern_tcp_cc cc)
{
    now_ms = 1000;
    tern_config cfg = {.clock = clock_fn, .seed = 42};
    sa = tern_stack_new(&cfg);
    cfg.seed = 43;
    sb = tern_stack_new(&cfg);
    tern_tcp_config tc;
    tern_tcp_default_config(&tc);
    tc.cc = cc;
    tern_stack_set_tcp_config(sa, &tc);
    if (server_rcv_buf) {
        tc.rcv_buf = tc.rcv_buf_max = server_rcv_buf;
        tc.wscale = false;
    }
    tern_stack_set_tcp_config(sb, &tc);
    link_ = tern_link_new(sa, sb, f);
    tern_iface_set_ipv4(tern_link_iface(link_, 0), 0x010012c6u, 0x0000feffu, 0);
    tern_iface_set_ipv4(tern_link_iface(link_, 1), 0x020012c6u, 0x0000feffu, 0);
    memset(&client, 0, sizeof(client));
    memset(&server, 0, sizeof(server));
    client.dir = 0;
    server.dir = 1;
    listener = tern_tcp_new(sb, TERN_ADDR_V4);
    CU_ASSERT_EQUAL(tern_tcp_bind(listener, NULL, 5001), 0);
    CU_ASSERT_EQUAL(tern_tcp_listen(listener, 16), 0);
    tern_tcp_set_accept(listener, on_accept);
    client.t = tern_tcp_new(sa, TERN_ADDR_V4);
    tern_tcp_set_arg(client.t, &client);
    tern_tcp_set_callbacks(client.t, on_recv, on_sent, on_err);
}

static void teardown(void)
{
    tern_link_free(link_);
    tern_stack_free(sa);
    tern_stack_free(sb);
}

static bool finished(void)
{
    return client.received == client.expect && server.received == server.expect && client.closed &&
           server.closed;
}

/* Runs the two stacks until done or the virtual deadline; time jumps to
 * the next event when nothing is due. */
static void run(uint32_t max_ms)
{
    uint32_t start = now_ms;
    while (!finished() && now_ms - start < max_ms) {
        unsigned moved = tern_link_pump(link_);
        tern_stack_poll(sa);
        tern_stack_poll(sb);
        pump_writes(&client);
        pump_writes(&server);
        if (moved)
            continue;
        uint32_t next = tern_link_next(link_);
        uint32_t ta = tern_stack_next_timeout(sa), tb = tern_stack_next_timeout(sb);
        if (ta < next)
            next = ta;
        if (tb < next)
            next = tb;
        now_ms += next == 0 || next == UINT32_MAX ? 1 : next;
    }
}

static void transfer(const char *name, const tern_fault_config *f, uint64_t bytes, tern_tcp_cc cc)
{
    setup(f, cc);
    client.to_send = server.expect = bytes;
    server.to_send = client.expect = bytes;
    tern_addr dst;
    tern_addr_set_v4(&dst, 0x020012c6u);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_connect(client.t, &dst, 5001, on_connected), 0);
    run(3600u * 1000u);
    CU_ASSERT_FALSE(client.bad_byte);
    CU_ASSERT_FALSE(server.bad_byte);
    CU_ASSERT_EQUAL(client.received, bytes);
    CU_ASSERT_EQUAL(server.received, bytes);
    /* Whoever closed second saw the other's FIN before closing (an end
     * that closed in CLOSE-WAIT got recv(NULL)); both may also close at
     * once, each FIN crossing the other's. */
    CU_ASSERT_TRUE(client.last.state != TERN_TCP_CLOSE_WAIT || client.got_fin);
    CU_ASSERT_TRUE(server.last.state != TERN_TCP_CLOSE_WAIT || server.got_fin);
    CU_ASSERT_TRUE(client.got_fin || server.got_fin ||
                   (client.last.state == TERN_TCP_ESTABLISHED && server.last.state == TERN_TCP_ESTABLISHED));
    uint32_t done_ms = now_ms;
    /* Both ends finish closing (FIN, ACK, TIME-WAIT) with no socket left
     * but the listener. */
    uint32_t until = now_ms + 70000;
    while ((int32_t)(now_ms - until) < 0) {
        if (!tern_link_pump(link_)) {
            tern_stack_poll(sa);
            tern_stack_poll(sb);
            now_ms += 50;
        }
    }
    CU_ASSERT_EQUAL(tern_stack_stats(sa)->tcp_live, 0);
    CU_ASSERT_EQUAL(tern_stack_stats(sb)->tcp_live, 1);
    CU_ASSERT_FALSE(client.err_seen && client.err != -15);
    tern_link_stats ls;
    tern_link_get_stats(link_, &ls);
    last_link = ls;
    tern_tcp_info ci = client.last;
    printf("\n    %-28s %6.1f MB each way, %5.1f s virtual, link: %llu sent %llu lost %llu dup %llu reord %llu "
           "corrupt; client rtx %u fast %u rto %u sack %u",
           name, bytes / 1e6, (done_ms - 1000) / 1000.0, (unsigned long long)ls.sent, (unsigned long long)ls.lost,
           (unsigned long long)ls.duplicated, (unsigned long long)ls.reordered, (unsigned long long)ls.corrupted,
           ci.retransmits, ci.fast_retransmits, ci.rto_timeouts, ci.sack_recoveries);
    teardown();
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
    setup(&f, TERN_TCP_CC_CUBIC);
    tern_iface *sif = tern_link_iface(link_, 1);
    for (uint32_t i = 0; i < 2000; i++) {
        tern_pbuf *p = tern_pbuf_alloc(0, 40, TERN_PBUF_RAM);
        uint8_t *b = p->payload;
        memset(b, 0, 40);
        /* IPv4 198.18.9.x -> 198.18.0.2, TCP SYN to 5001 */
        b[0] = 0x45, b[3] = 40, b[8] = 64, b[9] = 6;
        b[12] = 198, b[13] = 18, b[14] = 9, b[15] = (uint8_t)(i & 0xff);
        b[16] = 198, b[17] = 18, b[18] = 0, b[19] = 2;
        uint8_t *t = b + 20;
        t[1] = (uint8_t)(1024 + i);
        t[0] = (uint8_t)((1024 + i) >> 8);
        t[2] = 5001 >> 8, t[3] = 5001 & 0xff;
        t[4] = (uint8_t)(i >> 24), t[5] = (uint8_t)(i >> 16), t[6] = (uint8_t)(i >> 8), t[7] = (uint8_t)i;
        t[12] = 0x50, t[13] = 0x02, t[14] = 0xff, t[15] = 0xff;
        /* checksums */
        uint32_t sum = 0;
        for (int k = 0; k < 20; k += 2)
            sum += (uint32_t)(b[k] << 8 | b[k + 1]);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        b[10] = (uint8_t)(~sum >> 8), b[11] = (uint8_t)~sum;
        sum = 0x0006 + 20;
        for (int k = 12; k < 40; k += 2)
            sum += (uint32_t)(b[k] << 8 | b[k + 1]);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        t[16] = (uint8_t)(~sum >> 8), t[17] = (uint8_t)~sum;
        tern_iface_input(sif, p);
    }
    const tern_stats *st = tern_stack_stats(sb);
    CU_ASSERT(st->tcp_live <= 1 + 16); /* the listener and its backlog-16 half-open bound */
    CU_ASSERT(st->tcp_cookies_sent >= 2000 - 16);
    client.to_send = server.expect = 300000;
    server.to_send = client.expect = 300000;
    tern_addr dst;
    tern_addr_set_v4(&dst, 0x020012c6u);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_connect(client.t, &dst, 5001, on_connected), 0);
    run(60000);
    CU_ASSERT_EQUAL(st->tcp_cookies_ok, 1);
    CU_ASSERT_FALSE(client.bad_byte || server.bad_byte);
    CU_ASSERT_EQUAL(server.received, 300000);
    CU_ASSERT_EQUAL(client.received, 300000);
    CU_ASSERT_TRUE(server.last.sack_ok && server.last.ts_ok && server.last.snd_wscale == 7);
    teardown();
}

/* Sockets never bound or connected are still freed with their stack
 * (LeakSanitizer fails the run otherwise), and ports follow lwIP's rule:
 * IPv4 and IPv6 do not collide, unspecified and specific do. */
static void test_bind_rules_and_teardown(void)
{
    tern_config cfg = {.clock = clock_fn, .seed = 7};
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
