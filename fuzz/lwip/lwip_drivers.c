/* fuzz/lwip/lwip_drivers.c: hl_ip_input (see lwip_drivers.h), lwIP 2.1.3
 * driven single-threaded (NO_SYS) with a virtual clock. */
#include "lwip_drivers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "hostile_drivers.h"
#include "hpkt.h"

char hf_why[256];

/* ---- the platform: clock and random numbers ---- */

static u32_t now_ms = 1000;
static uint32_t rnd = 1;

u32_t sys_now(void) { return now_ms; }

unsigned int fuzz_lwip_rand(void)
{
    rnd = rnd * 1103515245u + 12345u;
    return rnd >> 8;
}

/* ---- the netif ---- */

static struct netif nif;
static unsigned long n_out, n_bad_out;
static char bad_reason[128];
static int check_out = -1, verbose;

static void check_packet(struct pbuf *p)
{
    static uint8_t flat[65536];
    n_out++;
    if (!check_out)
        return;
    u16_t n = pbuf_copy_partial(p, flat, p->tot_len, 0);
    hp_pkt o;
    const char *why = hp_parse(flat, n, &o);
    if (why) {
        if (!n_bad_out++)
            snprintf(bad_reason, sizeof(bad_reason), "%s", why);
    }
}

static err_t out4(struct netif *netif, struct pbuf *p, const ip4_addr_t *ipaddr)
{
    (void)netif, (void)ipaddr;
    check_packet(p);
    return ERR_OK;
}

static err_t out6(struct netif *netif, struct pbuf *p, const ip6_addr_t *ipaddr)
{
    (void)netif, (void)ipaddr;
    check_packet(p);
    return ERR_OK;
}

static err_t nif_init(struct netif *netif)
{
    netif->name[0] = 'f';
    netif->name[1] = 'z';
    netif->mtu = 1500;
    netif->mtu6 = 1500;
    netif->output = out4;
    netif->output_ip6 = out6;
    netif->flags = NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
    return ERR_OK;
}

/* ---- the application ---- */

static err_t app_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (p) {
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
    }
    return ERR_OK;
}

static err_t app_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    tcp_recv(pcb, app_recv);
    return ERR_OK;
}

static void udp_rx(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg, (void)pcb, (void)addr, (void)port;
    pbuf_free(p);
}

/* ---- exact-size input buffers ---- */

struct xbuf {
    struct pbuf_custom pc; /* first */
    uint8_t *mem;
};
static long live_inputs;

static void xfree(struct pbuf *p)
{
    struct xbuf *x = (struct xbuf *)p;
    free(x->mem);
    free(x);
    live_inputs--;
}

static struct pbuf *xpbuf(const uint8_t *data, size_t n)
{
    struct xbuf *x = calloc(1, sizeof(*x));
    if (!x)
        abort();
    x->mem = malloc(n); /* (ASan gives malloc(0) one readable byte) */
    if (!x->mem && n)
        abort();
    memcpy(x->mem, data, n);
    x->pc.custom_free_function = xfree;
    live_inputs++;
    return pbuf_alloced_custom(PBUF_RAW, (u16_t)n, PBUF_REF, &x->pc, x->mem, (u16_t)n);
}

static void advance(u32_t ms)
{
    u32_t end = now_ms + ms;
    for (int guard = 0; guard < 1000000 && now_ms != end; guard++) {
        u32_t s = sys_timeouts_sleeptime();
        if (s > end - now_ms)
            s = end - now_ms;
        now_ms += s;
        sys_check_timeouts();
        netif_poll(&nif);
    }
}

int hl_ip_input(const uint8_t *data, size_t size)
{
    static int inited;
    hf_why[0] = 0;
    if (!inited) {
        lwip_init();
        const char *e = getenv("FUZZ_LWIP_CHECK_OUTPUT");
        check_out = e && *e && strcmp(e, "0") != 0;
        verbose = getenv("FUZZ_LWIP_VERBOSE") != NULL;
        inited = 1;
    }
    if (size > 0xffff)
        return 0;
#ifndef TERN_FUZZ_STANDALONE
    /* lwIP's ip_input reads the version byte of an empty pbuf (a driver
     * never delivers one): found once, then kept out of the fuzzer's way.
     * The standalone replayer still feeds it. */
    if (size == 0)
        return 0;
#endif
    rnd = 1;
    n_out = n_bad_out = 0;
    bad_reason[0] = 0;

    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 198, 18, 0, 1);
    IP4_ADDR(&m, 255, 254, 0, 0);
    ip4_addr_set_zero(&g);
    if (!netif_add(&nif, &a, &m, &g, NULL, nif_init, ip_input))
        return snprintf(hf_why, sizeof(hf_why), "netif_add failed"), 8;
    ip6_addr_t a6;
    IP6_ADDR(&a6, PP_HTONL(0x20010db8), 0, 0, PP_HTONL(1));
    netif_ip6_addr_set(&nif, 0, &a6);
    netif_ip6_addr_set_state(&nif, 0, IP6_ADDR_PREFERRED);
    netif_set_default(&nif);
    netif_set_link_up(&nif);
    netif_set_up(&nif);

    struct tcp_pcb *l = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!l || tcp_bind(l, IP_ANY_TYPE, 80) != ERR_OK)
        return snprintf(hf_why, sizeof(hf_why), "tcp_bind failed"), 8;
    struct tcp_pcb *ll = tcp_listen_with_backlog(l, 4);
    if (!ll)
        return snprintf(hf_why, sizeof(hf_why), "tcp_listen failed"), 8;
    tcp_accept(ll, app_accept);
    struct udp_pcb *u = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!u || udp_bind(u, IP_ANY_TYPE, 7) != ERR_OK)
        return snprintf(hf_why, sizeof(hf_why), "udp_bind failed"), 8;
    udp_recv(u, udp_rx, NULL);

    struct pbuf *p = xpbuf(data, size);
    if (nif.input(p, &nif) != ERR_OK)
        pbuf_free(p);
    netif_poll(&nif);
    advance(130000);

    while (tcp_active_pcbs)
        tcp_abort(tcp_active_pcbs);
    while (tcp_tw_pcbs)
        tcp_abort(tcp_tw_pcbs);
    tcp_close(ll);
    udp_remove(u);
    netif_poll(&nif);
    netif_remove(&nif);
    if (verbose)
        fprintf(stderr, "fuzz_lwip_ip_input: %zu bytes in, %lu packet(s) out\n", size, n_out);
    if (n_bad_out)
        return snprintf(hf_why, sizeof(hf_why), "lwIP sent %lu malformed packet(s), first: %s", n_bad_out,
                        bad_reason),
               4;
    if (live_inputs)
        return snprintf(hf_why, sizeof(hf_why), "%ld input buffer(s) never freed", live_inputs), live_inputs = 0, 1;
    return 0;
}
