/* examples/echo: a TCP and UDP echo server (and a checking client) on a
 * TUN device, written only against lwIP's raw API and built twice: with
 * Debian's lwIP (echo-lwip) and with tern (echo-tern).
 *
 *   echo-* --tun NAME --addr A.B.C.D [--port 7]          serve echo
 *   echo-* --tun NAME --addr A.B.C.D --connect H:P --bytes N
 *                                      connect out, send N bytes, check the echo
 *
 * The TUN's kernel side gets --kernel-addr (default: the address just
 * below --addr, in a /30), so a kernel program reaches the stack at --addr
 * through the TUN. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "port/tun.h"

static tern_tun *tun;
static volatile sig_atomic_t stop;
static unsigned long want, sent, received;
static int client_done, client_failed;

static unsigned char pattern(unsigned long i) { return (unsigned char)((i * 131u) ^ (i >> 9)); }

static err_t tun_out(struct netif *n, struct pbuf *p)
{
    (void)n;
    struct iovec iov[16];
    int k = 0;
    for (struct pbuf *q = p; q && k < 16; q = q->next)
        iov[k++] = (struct iovec){.iov_base = q->payload, .iov_len = q->len};
    return tern_tun_write(tun, 0, iov, k, NULL) < 0 ? ERR_IF : ERR_OK;
}

static err_t out4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    return tun_out(n, p);
}

static err_t out6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
    (void)a;
    return tun_out(n, p);
}

static err_t if_init(struct netif *n)
{
    n->name[0] = 't';
    n->name[1] = 'n';
    n->mtu = (u16_t)tern_tun_mtu(tun);
    n->output = out4;
    n->output_ip6 = out6;
    return ERR_OK;
}

/* ---- server: echo what arrives, as far as the send buffer allows ---- */

typedef struct echo_conn {
    struct pbuf *pending; /* received, not yet written */
    int fin;              /* the client closed its side: close ours once pending is echoed */
} echo_conn;

static void echo_flush(struct tcp_pcb *pcb, echo_conn *c)
{
    while (c->pending) {
        struct pbuf *p = c->pending;
        u16_t n = p->len;
        if (n > tcp_sndbuf(pcb))
            break;
        if (tcp_write(pcb, p->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        c->pending = p->next;
        if (c->pending)
            pbuf_ref(c->pending);
        pbuf_free(p);
        tcp_recved(pcb, n);
    }
    tcp_output(pcb);
}

/* Our side closes once everything the client sent has been echoed.  A
 * close at the client's FIN with bytes still pending (the send buffer was
 * full) would drop them and, with received data not yet tcp_recved, reset
 * the connection (lwIP's rule): a half-closing client expects every echo
 * byte and then our FIN.  ERR_ABRT when the pcb had to be aborted. */
static err_t srv_close(struct tcp_pcb *pcb, echo_conn *c)
{
    free(c);
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    if (tcp_close(pcb) != ERR_OK) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    return ERR_OK;
}

static err_t srv_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)err;
    echo_conn *c = arg;
    if (!p) {
        c->fin = 1;
        return c->pending ? ERR_OK : srv_close(pcb, c);
    }
    if (c->pending)
        pbuf_cat(c->pending, p);
    else
        c->pending = p;
    echo_flush(pcb, c);
    return ERR_OK;
}

static err_t srv_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    echo_conn *c = arg;
    if (!c)
        return ERR_OK;
    echo_flush(pcb, c);
    return c->fin && !c->pending ? srv_close(pcb, c) : ERR_OK;
}

static void srv_err(void *arg, err_t err)
{
    (void)err;
    echo_conn *c = arg;
    if (c) {
        if (c->pending)
            pbuf_free(c->pending);
        free(c);
    }
}

static err_t srv_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    echo_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return ERR_MEM;
    tcp_arg(pcb, c);
    tcp_recv(pcb, srv_recv);
    tcp_sent(pcb, srv_sent);
    tcp_err(pcb, srv_err);
    return ERR_OK;
}

static void udp_echo(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    udp_sendto(pcb, p, addr, port);
    pbuf_free(p);
}

/* ---- client: send `want` bytes, check the echo ---- */

static void cli_push(struct tcp_pcb *pcb)
{
    unsigned char buf[4096];
    while (sent < want) {
        unsigned long n = want - sent;
        if (n > sizeof(buf))
            n = sizeof(buf);
        if (n > tcp_sndbuf(pcb))
            n = tcp_sndbuf(pcb);
        if (!n)
            break;
        for (unsigned long i = 0; i < n; i++)
            buf[i] = pattern(sent + i);
        if (tcp_write(pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        sent += n;
    }
    tcp_output(pcb);
}

static err_t cli_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p) {
        client_done = 1;
        if (received != want)
            client_failed = 1;
        tcp_close(pcb);
        return ERR_OK;
    }
    for (struct pbuf *q = p; q; q = q->next)
        for (u16_t i = 0; i < q->len; i++)
            if (((unsigned char *)q->payload)[i] != pattern(received + i))
                client_failed = 1;
    received += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    if (received == want) {
        client_done = 1;
        tcp_close(pcb);
    }
    return ERR_OK;
}

static err_t cli_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)arg, (void)len;
    cli_push(pcb);
    return ERR_OK;
}

static void cli_err(void *arg, err_t err)
{
    (void)arg;
    fprintf(stderr, "echo: client connection error %d\n", err);
    client_failed = client_done = 1;
}

static err_t cli_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg, (void)err;
    cli_push(pcb);
    return ERR_OK;
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    const char *tun_name = NULL, *addr = NULL, *kaddr = NULL, *connect_to = NULL;
    unsigned port = 7;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--tun"))
            tun_name = argv[i + 1];
        else if (!strcmp(argv[i], "--addr"))
            addr = argv[i + 1];
        else if (!strcmp(argv[i], "--kernel-addr"))
            kaddr = argv[i + 1];
        else if (!strcmp(argv[i], "--port"))
            port = (unsigned)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--connect"))
            connect_to = argv[i + 1];
        else if (!strcmp(argv[i], "--bytes"))
            want = strtoul(argv[i + 1], NULL, 10);
    }
    ip4_addr_t me;
    if (!tun_name || !addr || !ip4addr_aton(addr, &me)) {
        fprintf(stderr, "usage: %s --tun NAME --addr A.B.C.D [--kernel-addr A.B.C.D] [--port P] "
                        "[--connect H:P --bytes N]\n", argv[0]);
        return 2;
    }
    tern_tun_options opt = {.name = tun_name, .mtu = 1500, .up = 1};
    char kbuf[32];
    if (!kaddr) {
        u32_t h = lwip_ntohl(ip4_addr_get_u32(&me)) - 1;
        snprintf(kbuf, sizeof(kbuf), "%u.%u.%u.%u/30", h >> 24, (h >> 16) & 255, (h >> 8) & 255, h & 255);
        kaddr = kbuf;
    }
    if (tern_tun_parse_addr4(&opt, kaddr) != 0) {
        fprintf(stderr, "echo: bad --kernel-addr %s\n", kaddr);
        return 2;
    }
    if (tern_tun_open(&opt, &tun) != 0) {
        fprintf(stderr, "echo: %s\n", tern_tun_last_error());
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    lwip_init();
    static struct netif nif;
    ip4_addr_t mask, gw;
    IP4_ADDR(&mask, 255, 255, 255, 252);
    ip4_addr_set_u32(&gw, 0);
    netif_add(&nif, &me, &mask, &gw, NULL, if_init, ip_input);
    netif_set_default(&nif);
    netif_set_link_up(&nif);
    netif_set_up(&nif);

    if (connect_to) {
        char host[64];
        unsigned cport = 0;
        ip_addr_t dst;
        if (sscanf(connect_to, "%63[^:]:%u", host, &cport) != 2 || !ipaddr_aton(host, &dst)) {
            fprintf(stderr, "echo: bad --connect %s\n", connect_to);
            return 2;
        }
        struct tcp_pcb *c = tcp_new_ip_type(IPADDR_TYPE_V4);
        tcp_recv(c, cli_recv);
        tcp_sent(c, cli_sent);
        tcp_err(c, cli_err);
        if (tcp_connect(c, &dst, (u16_t)cport, cli_connected) != ERR_OK) {
            fprintf(stderr, "echo: tcp_connect failed\n");
            return 1;
        }
    } else {
        struct tcp_pcb *l = tcp_new_ip_type(IPADDR_TYPE_V4);
        tcp_bind(l, IP4_ADDR_ANY, (u16_t)port);
        l = tcp_listen(l);
        tcp_accept(l, srv_accept);
        struct udp_pcb *u = udp_new();
        udp_bind(u, IP4_ADDR_ANY, (u16_t)port);
        udp_recv(u, udp_echo, NULL);
    }

    time_t deadline = connect_to ? time(NULL) + 60 : 0;
    time_t linger = 0;
    while (!stop) {
        if (connect_to && client_done && !linger)
            linger = time(NULL) + 1; /* let the FIN exchange finish */
        if ((linger && time(NULL) >= linger) || (deadline && time(NULL) >= deadline))
            break;
        struct pollfd pfd = {.fd = tern_tun_fd(tun, 0), .events = POLLIN};
        u32_t sleep = sys_timeouts_sleeptime();
        poll(&pfd, 1, sleep > 100 ? 100 : (int)sleep);
        for (;;) {
            struct pbuf *bufs[32];
            tern_tun_packet pk[32];
            int k;
            for (k = 0; k < 32; k++) {
                bufs[k] = pbuf_alloc(PBUF_RAW, 1600, PBUF_RAM);
                if (!bufs[k])
                    break;
                pk[k] = (tern_tun_packet){.data = bufs[k]->payload, .cap = 1600};
            }
            int n = tern_tun_read_batch(tun, 0, pk, k);
            for (int i = 0; i < k; i++) {
                if (i < n) {
                    pbuf_realloc(bufs[i], (u16_t)pk[i].len);
                    if (nif.input(bufs[i], &nif) != ERR_OK)
                        pbuf_free(bufs[i]);
                } else {
                    pbuf_free(bufs[i]);
                }
            }
            if (n < k)
                break;
        }
        sys_check_timeouts();
    }
    tern_tun_close(tun);
    if (connect_to) {
        int ok = client_done && !client_failed && received == want;
        fprintf(stderr, "echo: client sent %lu, echoed back %lu: %s\n", sent, received, ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    }
    return 0;
}
