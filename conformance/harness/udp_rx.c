/* udp_rx.c: a udp_recv callback that records and traces every delivery,
 * including what ip_current_*() report while the callback runs. */
#include "stack.h"

#include <stdlib.h>
#include <string.h>

#include "lwip/ip.h"

#include "expect.h"
#include "trace.h"

#define MAX_RX 1024

static struct rx rxs[MAX_RX];
static size_t n_rx, n_taken;

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
                    const ip_addr_t *addr, u16_t port)
{
    struct rx *r;
    char a[48], s[48], d[48];

    if (!p) {
        trace("udp_recv NULL pbuf");
        return;
    }
    if (n_rx == MAX_RX) {
        pbuf_free(p);
        return;
    }
    r = &rxs[n_rx++];
    memset(r, 0, sizeof(*r));
    r->tag = (int)(intptr_t)arg;
    r->pcb = pcb;
    r->len = p->tot_len;
    r->data = malloc(r->len ? r->len : 1);
    pbuf_copy_partial(p, r->data, p->tot_len, 0);
    if (addr) {
        ip_addr_copy(r->addr, *addr);
    }
    r->port = port;
    ip_addr_copy(r->cur_src, *ip_current_src_addr());
    ip_addr_copy(r->cur_dst, *ip_current_dest_addr());
    r->cur_netif_ok = ip_current_netif() == h_netif;
    r->cur_in_netif_ok = ip_current_input_netif() == h_netif;
    r->cur_v6 = ip_current_is_v6() ? 1 : 0;
    trace("udp_recv #%d len=%zu data=%08x from=%s:%u cur_src=%s cur_dst=%s netif=%s",
          r->tag, r->len, pkt_fnv(r->data, r->len), h_ipstr(addr, a), port,
          h_ipstr(&r->cur_src, s), h_ipstr(&r->cur_dst, d),
          r->cur_netif_ok && r->cur_in_netif_ok ? "ok" : "WRONG");
    pbuf_free(p);
}

void h_udp_record(struct udp_pcb *pcb, int tag)
{
    udp_recv(pcb, on_recv, (void *)(intptr_t)tag);
}

size_t rx_pending(void)
{
    return n_rx - n_taken;
}

struct rx *rx_next(void)
{
    return n_taken < n_rx ? &rxs[n_taken++] : NULL;
}

struct rx *rx_expect_(const char *file, int line)
{
    struct rx *r = rx_next();
    expect_record(r != NULL, 1, file, line, "expected a udp_recv callback, got none");
    return r;
}

void rx_expect_none_(const char *file, int line)
{
    size_t n = rx_pending();
    expect_record(n == 0, 0, file, line, "expected no udp_recv callback, got %zu", n);
    n_taken = n_rx;
}
