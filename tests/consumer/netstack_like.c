/* tests/consumer/netstack_like.c: a program that uses lwIP the way
 * netstack-lwip and go-tun2socks do, compiled with their options against
 * tern's headers and linked with libtern: the loopback netif from
 * lwip_init with its output overwritten, a catch-all TCP listener on
 * IP_ANY_TYPE port 0, the 7-argument UDP callback, udp_sendto from the
 * original destination, packets injected with netif_list->input.  Every
 * check prints one line; the exit status counts failures. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "pkt.h" /* the test kit's packet codec (tests/kit) */

static int failures, passes;
#define CHECK(cond, what)                                                                                  \
    do {                                                                                                   \
        if (cond)                                                                                          \
            printf("ok   %s\n", what), passes++;                                                          \
        else {                                                                                             \
            printf("FAIL %s\n", what);                                                                     \
            failures++;                                                                                    \
        }                                                                                                  \
    } while (0)

static unsigned char out[8][2048];
static int nout;

static err_t capture(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (nout < 8)
        pbuf_copy_partial(p, out[nout++], 2048, 0);
    return ERR_OK;
}
static err_t out4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    return capture(n, p);
}
static err_t out6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
    (void)a;
    return capture(n, p);
}

/* An IPv4 packet from 198.18.5.5:sport to dst:dport (any destination: the
 * stack is a catch-all), built by the test kit's codec. */
static struct pbuf *v4(unsigned char proto, const unsigned char dst[4], unsigned short sport, unsigned short dport,
                       unsigned char flags, const char *payload)
{
    static unsigned char seg[200], b[220];
    size_t plen = strlen(payload), n;
    pkt_addr s = pkt_addr_of("198.18.5.5"), d = {.v = 4};
    memcpy(d.a, dst, 4);
    if (proto == PKT_TCP) {
        struct pkt_tcp t = {.sport = sport, .dport = dport, .seq = 0x11000022u, .flags = flags, .win = 0xffff};
        n = pkt_tcp(seg, &s, &d, &t, payload, plen);
    } else {
        struct pkt_udp u = {.sport = sport, .dport = dport};
        n = pkt_udp(seg, &s, &d, &u, payload, plen);
    }
    struct pkt_ip4 ip = {.src = s, .dst = d, .proto = proto, .ttl = 64};
    n = pkt_ip4(b, &ip, seg, n);
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
    pbuf_take(p, b, (u16_t)n);
    return p;
}

static struct tcp_pcb *accepted;
static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    (void)arg, (void)err;
    accepted = newpcb;
    newpcb->flags |= TF_NODELAY;              /* consumers write pcb fields directly */
    newpcb->so_options |= SOF_KEEPALIVE;
    return ERR_OK;
}

static int udp_calls;
static ip_addr_t udp_dst;
static u16_t udp_dport, udp_sport;
static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port,
                   const ip_addr_t *dest_addr, u16_t dest_port)
{
    (void)arg;
    udp_calls++;
    udp_sport = port;
    ip_addr_copy(udp_dst, *dest_addr);
    udp_dport = dest_port;
    /* Reply as the original destination, the way tun2socks answers DNS. */
    struct pbuf *r = pbuf_alloc(PBUF_TRANSPORT, 4, PBUF_RAM);
    pbuf_take(r, "pong", 4);
    udp_sendto(pcb, r, addr, port, dest_addr, dest_port);
    pbuf_free(r);
    pbuf_free(p);
}

int main(void)
{
    lwip_init();
    struct netif *nif = netif_list;
    CHECK(nif != NULL, "lwip_init creates the loopback netif (LWIP_HAVE_LOOPIF)");
    if (!nif)
        return 1;
    nif->output = out4;
    nif->output_ip6 = out6;
    nif->mtu = 1500;

    struct tcp_pcb *l = tcp_new_ip_type(IPADDR_TYPE_ANY);
    CHECK(tcp_bind(l, IP_ANY_TYPE, 0) == ERR_OK, "bind the catch-all listener to IP_ANY_TYPE:0");
    l = tcp_listen(l);
    CHECK(l != NULL, "tcp_listen");
    tcp_accept(l, on_accept);

    struct udp_pcb *u = udp_new();
    CHECK(udp_bind(u, IP_ANY_TYPE, 0) == ERR_OK, "bind the catch-all UDP pcb");
    udp_recv(u, on_udp, NULL);

    /* A SYN to 203.0.113.7:443 (no such local address): SYN-ACK from there. */
    static const unsigned char far[4] = {198, 51, 100, 7};
    nout = 0;
    nif->input(v4(6, far, 40000, 443, 0x02, ""), nif);
    CHECK(nout == 1 && out[0][9] == 6 && out[0][33] == 0x12 && !memcmp(out[0] + 12, far, 4),
          "SYN to any address answered with SYN-ACK from that address");
    CHECK(nout == 1 && out[0][8] == 64, "the SYN-ACK uses the program's TCP_TTL (64)");
    /* The handshake's ACK: seq 0x11000023, ack = their ISN + 1. */
    unsigned int isn = (unsigned)out[0][24] << 24 | (unsigned)out[0][25] << 16 | (unsigned)out[0][26] << 8 | out[0][27];
    struct pbuf *ack = v4(6, far, 40000, 443, 0x10, "");
    unsigned char *t = (unsigned char *)ack->payload + 20;
    t[7] = 0x23;
    isn += 1;
    t[8] = (unsigned char)(isn >> 24), t[9] = (unsigned char)(isn >> 16), t[10] = (unsigned char)(isn >> 8),
    t[11] = (unsigned char)isn;
    t[16] = t[17] = 0; /* CHECKSUM_CHECK_TCP 0: the stack trusts this device */
    nif->input(ack, nif);
    CHECK(accepted != NULL, "accept fires after the handshake");
    if (accepted) {
        CHECK(IP_IS_V4(&accepted->local_ip) && !memcmp(&ip_2_ip4(&accepted->local_ip)->addr, far, 4) &&
                  accepted->local_port == 443 && accepted->remote_port == 40000,
              "accepted pcb's local_ip/local_port are the original destination");
        CHECK(accepted->state == ESTABLISHED, "accepted pcb is ESTABLISHED");
        CHECK(tcp_sndbuf(accepted) == 16 * 1460, "tcp_sndbuf is the program's TCP_SND_BUF");
        CHECK(accepted->rcv_wnd == 32 * 1460, "rcv_wnd is the program's TCP_WND (16-bit field)");
        tcp_abort(accepted);
    }

    /* UDP to 192.0.2.53:53: the 7-argument callback, reply from there. */
    static const unsigned char dns[4] = {192, 0, 2, 53};
    nout = 0;
    nif->input(v4(17, dns, 5353, 53, 0, "ping"), nif);
    CHECK(udp_calls == 1 && udp_sport == 5353 && udp_dport == 53 &&
              !memcmp(&ip_2_ip4(&udp_dst)->addr, dns, 4),
          "UDP to any destination reaches the first pcb with dest_addr/dest_port");
    CHECK(nout >= 1 && out[nout - 1][9] == 17 && !memcmp(out[nout - 1] + 12, dns, 4) && out[nout - 1][21] == 53 &&
              !memcmp(out[nout - 1] + 28, "pong", 4),
          "udp_sendto(..., src_ip, src_port) replies from the original destination");

    sys_check_timeouts();
    udp_remove(u);
    tcp_close(l);
    printf("consumer: %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
