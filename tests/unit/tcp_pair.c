/* tests/unit/tcp_pair.c: see tcp_pair.h. */
#include "tcp_pair.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/iface.h"

#define TP_PORT 5001
#define TP_CLIENT_ADDR 0x010012c6u /* 198.18.0.1 */
#define TP_SERVER_ADDR 0x020012c6u /* 198.18.0.2 */

static uint32_t clock_fn(void *arg) { return ((tcp_pair *)arg)->now_ms; }

/* The byte at stream offset i of direction d: position-dependent, so a
 * lost, duplicated or misplaced byte changes what is seen. */
static uint8_t pattern(int d, uint64_t i) { return (uint8_t)((i * 2654435761u >> 13) ^ (i >> 8) ^ (uint8_t)(d * 91)); }

static tcp_pair *pair_of(tp_end *e)
{
    return e->dir == 0 ? (tcp_pair *)((char *)e - offsetof(tcp_pair, client))
                       : (tcp_pair *)((char *)e - offsetof(tcp_pair, server));
}

static void pump_writes(tp_end *e)
{
    if (!e->t || e->closed || pair_of(e)->paused)
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
    tp_end *e = arg;
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
    if (e->received == e->expect && !e->done_ms)
        e->done_ms = pair_of(e)->now_ms;
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
    tp_end *e = arg;
    e->err_seen = true;
    e->err = err;
    e->t = NULL;
}

static int on_accept(void *arg, tern_tcp *child, int err)
{
    tcp_pair *tp = arg;
    if (err)
        return err; /* a SYN without memory for its socket */
    tp->server.t = child;
    tern_tcp_set_arg(child, &tp->server);
    tern_tcp_set_callbacks(child, on_recv, on_sent, on_err);
    return 0;
}

static int on_connected(void *arg, tern_tcp *t, int err)
{
    (void)t, (void)err;
    pump_writes(arg);
    return 0;
}

void tp_setup(tcp_pair *tp, const tern_fault_config *f, const tern_tcp_config *ca, const tern_tcp_config *cb)
{
    tp_setup_alloc(tp, f, ca, cb, NULL);
}

void tp_setup_alloc(tcp_pair *tp, const tern_fault_config *f, const tern_tcp_config *ca, const tern_tcp_config *cb,
                    const tern_tcp_allocator *alloc_b)
{
    memset(tp, 0, sizeof(*tp));
    tp->now_ms = 1000;
    tern_config cfg = {.clock = clock_fn, .clock_arg = tp, .seed = 42};
    tp->sa = tern_stack_new(&cfg);
    cfg.seed = 43;
    tp->sb = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(tp->sa && tp->sb);
    if (alloc_b)
        CU_ASSERT_EQUAL_FATAL(tern_stack_set_tcp_allocator(tp->sb, alloc_b), TERN_OK);
    if (ca)
        tern_stack_set_tcp_config(tp->sa, ca);
    if (cb)
        tern_stack_set_tcp_config(tp->sb, cb);
    tp->link = tern_link_new(tp->sa, tp->sb, f);
    CU_ASSERT_FATAL(tp->link != NULL);
    const char *pcap = getenv("TERN_TEST_PCAP");
    if (pcap && *pcap) {
        static unsigned runs; /* one file per transfer: FILE.1, FILE.2, ... */
        char path[512];
        snprintf(path, sizeof(path), "%s.%u", pcap, ++runs);
        if ((tp->pcap = tern_pcap_open(path)) != NULL)
            tern_link_set_pcap(tp->link, tp->pcap);
    }
    tern_iface_set_ipv4(tern_link_iface(tp->link, 0), TP_CLIENT_ADDR, 0x0000feffu, 0);
    tern_iface_set_ipv4(tern_link_iface(tp->link, 1), TP_SERVER_ADDR, 0x0000feffu, 0);
    tp->client.dir = 0;
    tp->server.dir = 1;
    tp->listener = tern_tcp_new(tp->sb, TERN_ADDR_V4);
    CU_ASSERT_EQUAL(tern_tcp_bind(tp->listener, NULL, TP_PORT), 0);
    CU_ASSERT_EQUAL(tern_tcp_listen(tp->listener, 16), 0);
    tern_tcp_set_arg(tp->listener, tp);
    tern_tcp_set_accept(tp->listener, on_accept);
    tp->client.t = tern_tcp_new(tp->sa, TERN_ADDR_V4);
    tern_tcp_set_arg(tp->client.t, &tp->client);
    tern_tcp_set_callbacks(tp->client.t, on_recv, on_sent, on_err);
}

void tp_start(tcp_pair *tp, uint64_t client_to_server, uint64_t server_to_client)
{
    tp->client.to_send = tp->server.expect = client_to_server;
    tp->server.to_send = tp->client.expect = server_to_client;
    tern_addr dst;
    tern_addr_set_v4(&dst, TP_SERVER_ADDR);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_connect(tp->client.t, &dst, TP_PORT, on_connected), 0);
}

static bool finished(const tcp_pair *tp)
{
    return tp->client.received == tp->client.expect && tp->server.received == tp->server.expect &&
           tp->client.closed && tp->server.closed;
}

bool tp_run(tcp_pair *tp, uint32_t max_ms, uint64_t max_steps)
{
    uint32_t start = tp->now_ms;
    uint64_t steps = 0;
    while (!finished(tp) && tp->now_ms - start < max_ms && (!max_steps || steps < max_steps)) {
        steps++;
        unsigned moved = tern_link_pump(tp->link);
        tern_stack_poll(tp->sa);
        tern_stack_poll(tp->sb);
        pump_writes(&tp->client);
        pump_writes(&tp->server);
        if (tp->on_step)
            tp->on_step(tp, tp->step_ctx);
        if (moved)
            continue;
        uint32_t next = tern_link_next(tp->link);
        uint32_t ta = tern_stack_next_timeout(tp->sa), tb = tern_stack_next_timeout(tp->sb);
        if (ta < next)
            next = ta;
        if (tb < next)
            next = tb;
        tp->now_ms += next == 0 || next == UINT32_MAX ? 1 : next;
    }
    tp->steps += steps;
    return finished(tp);
}

void tp_settle(tcp_pair *tp, uint32_t ms)
{
    for (uint32_t end = tp->now_ms + ms; (int32_t)(tp->now_ms - end) < 0; tp->now_ms++) {
        for (int i = 0; i < 1000 && tern_link_pump(tp->link); i++)
            ; /* bounded: a packet storm cannot hang the test */
        tern_stack_poll(tp->sa);
        tern_stack_poll(tp->sb);
    }
}

void tp_renew(tcp_pair *tp, uint16_t client_port)
{
    memset(&tp->client, 0, sizeof(tp->client));
    memset(&tp->server, 0, sizeof(tp->server));
    tp->client.dir = 0;
    tp->server.dir = 1;
    tp->client.t = tern_tcp_new(tp->sa, TERN_ADDR_V4);
    CU_ASSERT_FATAL(tp->client.t != NULL);
    tern_tcp_set_arg(tp->client.t, &tp->client);
    tern_tcp_set_callbacks(tp->client.t, on_recv, on_sent, on_err);
    if (client_port)
        CU_ASSERT_EQUAL(tern_tcp_bind(tp->client.t, NULL, client_port), 0);
}

uint16_t tp_client_port(const tcp_pair *tp)
{
    tern_tcp_info in;
    tern_tcp_get_info(tp->client.t, &in);
    return in.local_port;
}

void tp_info(tcp_pair *tp, tp_end *e, tern_tcp_info *out)
{
    (void)tp;
    if (e->t)
        tern_tcp_get_info(e->t, out);
    else
        *out = e->last;
}

void tp_teardown(tcp_pair *tp)
{
    if (tp->pcap)
        tern_pcap_close(tp->pcap);
    tern_link_free(tp->link);
    tern_stack_free(tp->sa);
    tern_stack_free(tp->sb);
}
