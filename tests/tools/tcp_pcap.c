/* tests/tools/tcp_pcap.c: one TCP transfer between two tern stacks over a
 * lossy, reordering link, written to a pcap file for tshark to judge
 * (scripts/check-pcap).  Usage: tcp_pcap FILE [6] */
#include "tern/iface.h"
#include "tern/phy.h"
#include "tern/stack.h"
#include "tern/tcp.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static uint32_t now_ms = 1000;
static uint32_t clk(void *a) {
    (void)a;
    return now_ms;
}
static tern_tcp *cli, *srv;
static uint64_t sent, rcvd, total;
static int closed;
static uint8_t buf[65536];
static void pump(void) {
    if (!cli)
        return;
    tern_tcp_info i;
    tern_tcp_get_info(cli, &i);
    if (i.state != TERN_TCP_ESTABLISHED)
        return;
    while (sent < total) {
        tern_tcp_get_info(cli, &i);
        uint64_t n = total - sent;
        if (n > sizeof buf)
            n = sizeof buf;
        if (n > i.snd_buf)
            n = i.snd_buf;
        if (!n)
            break;
        if (tern_tcp_write(cli, buf, (uint32_t)n, 0))
            break;
        sent += n;
    }
    tern_tcp_output(cli);
    if (sent == total && !closed) {
        closed = 1;
        tern_tcp_close(cli);
        cli = NULL;
    }
}
static int rx(void *a, tern_tcp *t, tern_pbuf *p, int e) {
    (void)a;
    (void)e;
    if (!p) {
        tern_tcp_close(t);
        return 0;
    }
    rcvd += p->tot_len;
    tern_tcp_recved(t, p->tot_len);
    tern_pbuf_free(p);
    return 0;
}
static int sent_cb(void *a, tern_tcp *t, uint32_t l) {
    (void)a;
    (void)t;
    (void)l;
    pump();
    return 0;
}
static int acc(void *a, tern_tcp *c, int e) {
    (void)a;
    if (e)
        return e;
    srv = c;
    tern_tcp_set_callbacks(c, rx, NULL, NULL);
    return 0;
}
static int conn(void *a, tern_tcp *t, int e) {
    (void)a;
    (void)t;
    (void)e;
    pump();
    return 0;
}
int main(int argc, char **argv) {
    total = 300000;
    int v6 = argc > 2;
    tern_config cfg = {.clock = clk, .seed = 1};
    tern_stack *a = tern_stack_new(&cfg), *b = tern_stack_new(&cfg);
    tern_fault_config f = {
        .loss_ppm = 30000, .reorder_ppm = 30000, .reorder_ms = 3, .delay_ms = 5, .seed = 9};
    tern_link *l = tern_link_new(a, b, &f);
    if (argc < 2) {
        fprintf(stderr, "usage: tcp_pcap FILE [6]\n");
        return 2;
    }
    tern_pcap *pc = tern_pcap_open(argv[1]);
    if (!pc) {
        perror(argv[1]);
        return 1;
    }
    tern_link_set_pcap(l, pc);
    tern_iface_set_ipv4(tern_link_iface(l, 0), 0x010012c6u, 0x0000feffu, 0);
    tern_iface_set_ipv4(tern_link_iface(l, 1), 0x020012c6u, 0x0000feffu, 0);
    uint8_t a6[16] = {0xfd, 0, [15] = 1}, b6[16] = {0xfd, 0, [15] = 2};
    tern_iface_set_ipv6(tern_link_iface(l, 0), 0, a6, TERN_IFACE_IPV6_PREFERRED);
    tern_iface_set_ipv6(tern_link_iface(l, 1), 0, b6, TERN_IFACE_IPV6_PREFERRED);
    tern_tcp *ls = tern_tcp_new(b, TERN_ADDR_ANY);
    tern_tcp_bind(ls, NULL, 80);
    tern_tcp_listen(ls, 8);
    tern_tcp_set_accept(ls, acc);
    cli = tern_tcp_new(a, TERN_ADDR_ANY);
    tern_tcp_set_callbacks(cli, NULL, sent_cb, NULL);
    tern_addr d;
    if (v6)
        tern_addr_set_v6(&d, b6);
    else
        tern_addr_set_v4(&d, 0x020012c6u);
    printf("connect %d\n", tern_tcp_connect(cli, &d, 80, conn));
    for (int it = 0; it < 200000 && (rcvd < total || now_ms < 200000); it++) {
        unsigned m = tern_link_pump(l);
        tern_stack_poll(a);
        tern_stack_poll(b);
        pump();
        if (!m)
            now_ms++;
    }
    printf("moved %llu bytes live a=%llu b=%llu\n", (unsigned long long)rcvd,
           (unsigned long long)tern_stack_stats(a)->tcp_live,
           (unsigned long long)tern_stack_stats(b)->tcp_live);
    tern_pcap_close(pc);
    int ok = rcvd == total && tern_stack_stats(a)->tcp_live == 0 && tern_stack_stats(b)->tcp_live == 1;
    tern_tcp_close(ls);
    tern_link_free(l);
    tern_stack_free(a);
    tern_stack_free(b);
    return ok ? 0 : 1;
}
