/* tests/consumer/forks/forks_like.c: the lwIP API as badvpn-tun2socks and
 * hev-socks5-tunnel use it from their lwIP forks (read from their public
 * source), built with LWIP_TIMERS 0 against tern's headers and run on a
 * virtual clock with injected packets:
 *
 *  badvpn: netif_set_pretend_tcp, one listener per family bound with
 *    tcp_bind_to_netif(pcb, "ho0") that accepts connections to any address
 *    and port; time driven by tcp_tmr every TCP_TMR_INTERVAL and
 *    ip_reass_tmr / nd6_tmr / ip6_reass_tmr every IP_TMR_INTERVAL, which
 *    must run the stack's reassembly timeouts.
 *  hev: netif_set_flags(NETIF_FLAG_PRETEND_TCP / _UDP), a TCP listener and
 *    a UDP "flow listener" bound with *_bind_netif then *_bind(NULL, 0);
 *    one udp_pcb per flow with the 5-argument callback, udp_sendfrom.
 *
 * Every check prints one line; "forks: N passed, M failed" closes. */
#include <stdio.h>
#include <string.h>

#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/mem.h"
#include "lwip/ip.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6_frag.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "pkt.h" /* the test kit's packet codec (tests/kit) */

static int failures, passes;
#define CHECK(cond, ...)                                                                                   \
    do {                                                                                                   \
        if (cond) {                                                                                        \
            printf("ok   "), printf(__VA_ARGS__), printf("\n"), passes++;                                  \
        } else {                                                                                           \
            printf("FAIL "), printf(__VA_ARGS__), printf("\n"), failures++;                                \
        }                                                                                                  \
    } while (0)

/* ---- the program's clock: time moves only when the test says ---- */
static u32_t vclock = 1000;
u32_t sys_now(void) { return vclock; }

/* ---- packets out: captured ---- */
#define MAXOUT 64
static unsigned char out[MAXOUT][2048];
static int outlen[MAXOUT], nout;

static err_t capture(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (nout < MAXOUT)
        outlen[nout] = pbuf_copy_partial(p, out[nout], 2048, 0), nout++;
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

static struct netif nif;

static err_t nif_init(struct netif *n)
{
    n->name[0] = 'h';
    n->name[1] = 'o';
    n->output = out4;
    n->output_ip6 = out6;
    n->mtu = 1500;
    return ERR_OK;
}

/* ---- packets in ---- */
/* Packets come from the test kit's codec (tests/kit/pkt.h), which shares
 * no code with the stack under test. */
static pkt_addr a4(const unsigned char a[4])
{
    pkt_addr r = {.v = 4};
    memcpy(r.a, a, 4);
    return r;
}

/* The transport checksum of captured IPv4 packet b (total length tot)
 * verifies: the whole packet parses and its sum is right. */
static int l4sum_ok(const unsigned char *b, int tot)
{
    struct pkt_info pi;
    return pkt_parse(b, (size_t)tot, &pi, 0) && pi.l4_csum == 1;
}

/* IPv4 header for proto with l4len bytes already after it; frag: the flags
 * and offset field. */
static int ip4(unsigned char *b, const unsigned char src[4], const unsigned char dst[4], int proto, int l4len,
               unsigned id, unsigned frag)
{
    struct pkt_ip4 h = {.src = a4(src), .dst = a4(dst), .proto = (uint8_t)proto, .ttl = 64, .id = (uint16_t)id,
                        .frag = (uint16_t)frag};
    return (int)pkt_ip4(b, &h, b + 20, (size_t)l4len);
}

static int udp4(unsigned char *b, const unsigned char src[4], unsigned sport, const unsigned char dst[4],
                unsigned dport, const void *data, int len)
{
    pkt_addr s = a4(src), d = a4(dst);
    struct pkt_udp u = {.sport = (uint16_t)sport, .dport = (uint16_t)dport};
    return ip4(b, src, dst, PKT_UDP, (int)pkt_udp(b + 20, &s, &d, &u, data, (size_t)len), 1, 0);
}

static int tcp4(unsigned char *b, const unsigned char src[4], unsigned sport, const unsigned char dst[4],
                unsigned dport, unsigned seq, unsigned ack, unsigned flags, const void *data, int len)
{
    pkt_addr s = a4(src), d = a4(dst);
    struct pkt_tcp t = {.sport = (uint16_t)sport, .dport = (uint16_t)dport, .seq = seq, .ack = ack,
                        .flags = (uint8_t)flags, .win = 65535};
    return ip4(b, src, dst, PKT_TCP, (int)pkt_tcp(b + 20, &s, &d, &t, data, (size_t)len), 1, 0);
}

static void inject(const unsigned char *b, int len)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
    pbuf_take(p, b, (u16_t)len);
    if (nif.input(p, &nif) != ERR_OK)
        pbuf_free(p);
}

/* The last captured IPv4 packet of proto, or -1. */
static int last_out(int proto)
{
    for (int i = nout - 1; i >= 0; i--)
        if ((out[i][0] >> 4) == 4 && out[i][9] == proto)
            return i;
    return -1;
}

/* A captured packet's transport checksum verifies. */
static int l4_ok(int i) { return l4sum_ok(out[i], outlen[i]); }

/* ---- the program's callbacks ---- */
static struct tcp_pcb *accepted;
static char tcp_got[256];
static int tcp_got_len;

static err_t on_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p)
        return ERR_OK;
    tcp_got_len += pbuf_copy_partial(p, tcp_got + tcp_got_len, (u16_t)(sizeof(tcp_got) - 1 - (size_t)tcp_got_len), 0);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !newpcb)
        return ERR_VAL;
    accepted = newpcb;
    tcp_recv(newpcb, on_tcp_recv);
    return ERR_OK;
}

/* Drives time as badvpn and hev do: tcp_tmr every TCP_TMR_INTERVAL, the
 * IP timers every fourth tick (IP_TMR_INTERVAL). */
static unsigned ticks;
static void advance(u32_t ms)
{
    for (u32_t t = 0; t < ms; t += TCP_TMR_INTERVAL) {
        vclock += TCP_TMR_INTERVAL;
        tcp_tmr();
        if ((++ticks & 3) == 0) {
            ip_reass_tmr();
            nd6_tmr();
            ip6_reass_tmr();
        }
    }
}

static const unsigned char client[4] = {198, 18, 7, 2};

/* A handshake from client:sport to dst:dport, then data; returns the
 * SYN-ACK's index or -1. */
static int connect_and_send(const unsigned char dst[4], unsigned sport, unsigned dport, const char *data)
{
    unsigned char b[1600];
    nout = 0;
    inject(b, tcp4(b, client, sport, dst, dport, 1000, 0, 0x02, "", 0));
    int sa = last_out(6);
    if (sa < 0)
        return -1;
    unsigned s = pkt_get32(out[sa] + 24);
    inject(b, tcp4(b, client, sport, dst, dport, 1001, s + 1, 0x10, "", 0));
    inject(b, tcp4(b, client, sport, dst, dport, 1001, s + 1, 0x18, data, (int)strlen(data)));
    return sa;
}

static char dgram[128];
static int dgram_len;
static void on_dgram(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg, (void)pcb, (void)addr, (void)port;
    dgram_len = pbuf_copy_partial(p, dgram, sizeof(dgram), 0);
    pbuf_free(p);
}

static void badvpn(void)
{
    printf("-- badvpn-tun2socks: netif_set_pretend_tcp, tcp_bind_to_netif, LWIP_TIMERS 0\n");
    lwip_init();
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 10, 0, 0, 2);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    memset(&nif, 0, sizeof(nif));
    CHECK(netif_add(&nif, &addr, &mask, &gw, NULL, nif_init, ip_input) == &nif, "netif_add");
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    netif_set_pretend_tcp(&nif, 1);
    netif_set_default(&nif);

    struct tcp_pcb *l = tcp_new();
    CHECK(tcp_bind_to_netif(l, "xx0") == ERR_VAL, "tcp_bind_to_netif to a netif that does not exist: ERR_VAL");
    CHECK(tcp_bind_to_netif(l, "ho0") == ERR_OK, "tcp_bind_to_netif(pcb, \"ho0\")");
    l = tcp_listen(l);
    CHECK(l != NULL, "tcp_listen of the netif-bound pcb");
    tcp_accept(l, on_accept);
    struct tcp_pcb *l6 = tcp_new_ip6();
    CHECK(tcp_bind_to_netif(l6, "ho0") == ERR_OK && (l6 = tcp_listen(l6)) != NULL, "IPv6 listener on ho0 too");
    tcp_accept(l6, on_accept);

    static const unsigned char far[4] = {203, 0, 113, 7};
    accepted = NULL, tcp_got_len = 0;
    int sa = connect_and_send(far, 40000, 443, "hello badvpn");
    CHECK(sa >= 0 && memcmp(out[sa] + 12, far, 4) == 0 && pkt_get16(out[sa] + 20) == 443 && out[sa][33] == 0x12 &&
              pkt_get32(out[sa] + 28) == 1001 && l4_ok(sa),
          "SYN to 203.0.113.7:443 (not our address) answered by a SYN-ACK from it");
    CHECK(accepted && ip4_addr_get_u32(ip_2_ip4(&accepted->local_ip)) == PP_HTONL(0xcb007107UL) &&
              accepted->local_port == 443 && accepted->remote_port == 40000,
          "accepted pcb: local 203.0.113.7:443, remote port 40000");
    CHECK(tcp_got_len == 12 && memcmp(tcp_got, "hello badvpn", 12) == 0, "12 bytes delivered byte-exact");
    if (accepted) {
        nout = 0;
        tcp_write(accepted, "reply", 5, TCP_WRITE_FLAG_COPY);
        tcp_output(accepted);
        int d = last_out(6);
        CHECK(d >= 0 && outlen[d] == 45 && memcmp(out[d] + 40, "reply", 5) == 0 && memcmp(out[d] + 12, far, 4) == 0 &&
                  l4_ok(d),
              "tcp_write reply leaves from 203.0.113.7:443, 5 bytes, checksum valid");
    }
    static const unsigned char far2[4] = {192, 0, 2, 99};
    accepted = NULL, tcp_got_len = 0;
    connect_and_send(far2, 40001, 8080, "second");
    CHECK(accepted && accepted->local_port == 8080 && tcp_got_len == 6, "a second destination (192.0.2.99:8080) too");

    /* Reassembly on the program's timers: the first fragment of a UDP
     * datagram, never completed, must expire into an ICMP "fragment
     * reassembly time exceeded" (RFC 792) once the program has driven
     * enough time through ip_reass_tmr. */
    unsigned char b[1600], frag[1600];
    static const char payload[64] = "fragmented datagram, first half of it.........................";
    udp4(b, client, 5000, far, 53, payload, 64);
    memcpy(frag + 20, b + 20, 40);              /* 8 header bytes + 32 data bytes */
    ip4(frag, client, far, 17, 40, 77, 0x2000); /* more fragments, offset 0 */
    nout = 0;
    inject(frag, 60);
    vclock += 120000; /* two minutes pass, but no timer function is called */
    CHECK(last_out(1) < 0, "clock moved 120 s without any *_tmr call: nothing expired yet");
    ip_reass_tmr();
    int icmp = last_out(1);
    CHECK(icmp >= 0 && out[icmp][20] == 11 && out[icmp][21] == 1 && memcmp(out[icmp] + 16, client, 4) == 0,
          "the next ip_reass_tmr() expires it: ICMP time exceeded, fragment reassembly (type 11 code 1)");
    /* Now with time moving as the program drives it: the fragment must
     * outlive 10 s and be gone within a minute (lwIP: IP_REASS_MAXAGE 15 s). */
    nout = 0;
    inject(frag, 60);
    u32_t start = vclock;
    while (vclock - start < 120000 && last_out(1) < 0)
        advance(TCP_TMR_INTERVAL);
    u32_t took = vclock - start;
    CHECK(last_out(1) >= 0 && took >= 10000 && took <= 60000,
          "driven by tcp_tmr/ip_reass_tmr every 250/1000 ms, the fragment expired after %u ms", took);

    /* The same datagram's two fragments 5 s apart (timers running) are
     * reassembled and delivered whole. */
    struct udp_pcb *u = udp_new();
    CHECK(udp_bind(u, IP4_ADDR_ANY, 53) == ERR_OK, "udp_bind(ANY, 53)");
    udp_recv(u, on_dgram, NULL);
    dgram_len = 0;
    inject(frag, 60);
    advance(5000);
    memcpy(frag + 20, b + 60, 32);               /* the remaining 32 data bytes */
    ip4(frag, client, far, 17, 32, 77, 5);       /* offset 40 bytes, last fragment */
    inject(frag, 52);
    CHECK(dgram_len == 64 && memcmp(dgram, payload, 64) == 0, "two fragments 5 s apart: 64-byte datagram delivered whole");
    udp_remove(u);
    tcp_close(l);
    tcp_close(l6);
}

/* ---- hev-socks5-tunnel ---- */
static struct udp_pcb *flows[4];
static int nflows, listener_calls, listener_p_ok;
static ip_addr_t listener_dst;
static u16_t listener_dport;
static char flow_got[4][128];
static int flow_got_len[4];
static ip_addr_t flow_local[4];
static u16_t flow_lport[4], flow_rport[4];

static void on_flow(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    int i = (int)(long)arg;
    (void)addr;
    flow_got_len[i] = pbuf_copy_partial(p, flow_got[i], sizeof(flow_got[i]) - 1, 0);
    flow_got[i][flow_got_len[i]] = 0;
    ip_addr_copy(flow_local[i], pcb->local_ip); /* the datagram's destination, as hev reads it */
    flow_lport[i] = pcb->local_port;
    flow_rport[i] = port;
    pbuf_free(p);
}

/* hev's listener callback: a new flow's pcb, the datagram with its UDP
 * header (not ours to free), the destination. */
static void on_new_flow(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    listener_calls++;
    unsigned char h[8];
    if (p && pbuf_copy_partial(p, h, 8, 0) == 8 && pkt_get16(h + 2) == port && pkt_get16(h + 4) == p->tot_len)
        listener_p_ok++;
    ip_addr_copy(listener_dst, *addr);
    listener_dport = port;
    if (nflows < 4) {
        flows[nflows] = pcb;
        udp_recv(pcb, on_flow, (void *)(long)nflows);
        nflows++;
    }
}

static void hev(void)
{
    printf("-- hev-socks5-tunnel: netif_set_flags(PRETEND_TCP|PRETEND_UDP), per-flow UDP pcbs, udp_sendfrom\n");
    lwip_init();
    memset(&nif, 0, sizeof(nif));
    CHECK(netif_add_noaddr(&nif, NULL, nif_init, ip_input) == &nif, "netif_add_noaddr");
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 198, 18, 0, 1);
    IP4_ADDR(&mask, 255, 255, 255, 255);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    netif_set_addr(&nif, &addr, &mask, &gw);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    netif_set_default(&nif);
    netif_set_flags(&nif, NETIF_FLAG_PRETEND_TCP);
    netif_set_flags(&nif, NETIF_FLAG_PRETEND_UDP);
    CHECK(netif_is_flag_set(&nif, NETIF_FLAG_PRETEND_TCP) && netif_is_flag_set(&nif, NETIF_FLAG_UP),
          "netif_set_flags keeps UP and adds PRETEND");

    struct tcp_pcb *t = tcp_new_ip_type(IPADDR_TYPE_ANY);
    tcp_bind_netif(t, &nif);
    CHECK(tcp_bind(t, NULL, 0) == ERR_OK, "tcp_bind(pcb, NULL, 0) after tcp_bind_netif");
    t = tcp_listen(t);
    tcp_accept(t, on_accept);
    struct udp_pcb *u = udp_new_ip_type(IPADDR_TYPE_ANY);
    udp_bind_netif(u, &nif);
    CHECK(udp_bind(u, NULL, 0) == ERR_OK, "udp_bind(pcb, NULL, 0) after udp_bind_netif");
    udp_recv(u, on_new_flow, NULL);

    static const unsigned char dns1[4] = {192, 0, 2, 53}, dns2[4] = {198, 51, 100, 53}, web[4] = {203, 0, 113, 80};
    static const unsigned char client2[4] = {198, 18, 7, 3};
    unsigned char b[1600];
    inject(b, udp4(b, client, 5000, dns1, 53, "query one", 9));
    CHECK(listener_calls == 1 && listener_p_ok == 1, "a new flow: the listener's recv gets the new pcb and the datagram with its UDP header");
    CHECK(ip4_addr_get_u32(ip_2_ip4(&listener_dst)) == PP_HTONL(0xc0000235UL) && listener_dport == 53,
          "... and the destination 192.0.2.53:53");
    CHECK(flow_got_len[0] == 9 && strcmp(flow_got[0], "query one") == 0 && flow_rport[0] == 5000 &&
              ip4_addr_get_u32(ip_2_ip4(&flow_local[0])) == PP_HTONL(0xc0000235UL) && flow_lport[0] == 53,
          "the datagram then reaches the flow's pcb (5-arg recv; local_ip/port = its destination)");
    inject(b, udp4(b, client, 5000, dns2, 53, "query two", 9));
    CHECK(listener_calls == 1 && strcmp(flow_got[0], "query two") == 0 &&
              ip4_addr_get_u32(ip_2_ip4(&flow_local[0])) == PP_HTONL(0xc6336435UL),
          "same source, another destination: same flow pcb, local_ip now 198.51.100.53");

    nout = 0;
    struct pbuf *r = pbuf_alloc(PBUF_TRANSPORT, 6, PBUF_RAM);
    pbuf_take(r, "answer", 6);
    ip_addr_t from;
    IP_ADDR4(&from, 192, 0, 2, 53);
    CHECK(udp_sendfrom(flows[0], r, &from, 53) == ERR_OK, "udp_sendfrom(flow, p, 192.0.2.53, 53)");
    pbuf_free(r);
    int o = last_out(17);
    CHECK(o >= 0 && memcmp(out[o] + 12, dns1, 4) == 0 && memcmp(out[o] + 16, client, 4) == 0 &&
              pkt_get16(out[o] + 20) == 53 && pkt_get16(out[o] + 22) == 5000 && outlen[o] == 34 &&
              memcmp(out[o] + 28, "answer", 6) == 0 && l4_ok(o),
          "reply on the wire: 192.0.2.53:53 -> 198.18.7.2:5000, 6 bytes, checksum valid");

    inject(b, udp4(b, client2, 6000, dns1, 53, "other", 5));
    CHECK(listener_calls == 2 && nflows == 2 && flows[1] != flows[0] && strcmp(flow_got[1], "other") == 0,
          "another source port/address: a second flow pcb");
    udp_remove(flows[0]);
    inject(b, udp4(b, client, 5000, dns1, 53, "again", 5));
    CHECK(listener_calls == 3 && strcmp(flow_got[2], "again") == 0, "after udp_remove of a flow, its source starts a new one");

    accepted = NULL, tcp_got_len = 0;
    int sa = connect_and_send(web, 41000, 80, "GET / HTTP/1.1");
    CHECK(sa >= 0 && accepted && accepted->local_port == 80 &&
              ip4_addr_get_u32(ip_2_ip4(&accepted->local_ip)) == PP_HTONL(0xcb007150UL) && tcp_got_len == 14,
          "TCP to 203.0.113.80:80 accepted by the netif-bound listener, 14 bytes delivered");
    advance(5000);
    CHECK(accepted != NULL, "5 s of tcp_tmr/ip_reass_tmr/nd6_tmr/ip6_reass_tmr: connection still up");
    udp_remove(u);
    tcp_close(t);
}

/* The helpers these programs (and lwIP's apps) reach through lwIP's
 * headers: checksums against this file's own, mem_* on the heap. */
static void helpers(void)
{
    printf("-- lwIP helpers: inet_chksum.h, mem.h\n");
    unsigned char b[200];
    static const unsigned char dst[4] = {192, 0, 2, 1};
    int tot = udp4(b, client, 1234, dst, 53, "odd-length payload", 18);
    CHECK(inet_chksum(b, 20) == 0, "inet_chksum over a valid IPv4 header is 0");
    unsigned short h = (unsigned short)(b[10] << 8 | b[11]);
    b[10] = b[11] = 0;
    u16_t c = inet_chksum(b, 20);
    CHECK(memcmp(&c, (unsigned char[]){(unsigned char)(h >> 8), (unsigned char)h}, 2) == 0,
          "inet_chksum gives the header checksum in network order (0x%04x)", h);
    pkt_put16(b + 10, h);
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(tot - 20), PBUF_RAM);
    pbuf_take(p, b + 20, (u16_t)(tot - 20));
    ip_addr_t s4, d4;
    IP_ADDR4(&s4, 198, 18, 7, 2);
    IP_ADDR4(&d4, 192, 0, 2, 1);
    CHECK(ip_chksum_pseudo(p, IP_PROTO_UDP, p->tot_len, &s4, &d4) == 0,
          "ip_chksum_pseudo over a valid UDP datagram (odd length) is 0");
    pbuf_free(p);
    char *m = mem_malloc(100);
    char *z = mem_calloc(10, 10);
    int zero = 1;
    for (int i = 0; z && i < 100; i++)
        zero &= z[i] == 0;
    CHECK(m && z && zero && mem_trim(m, 50) == m && mem_trim(m, 1000) == NULL, "mem_malloc, mem_calloc (zeroed), mem_trim");
    CHECK(mem_calloc((mem_size_t)-1, 16) == NULL, "mem_calloc refuses a size that overflows");
    mem_free(m);
    mem_free(z);
}

int main(void)
{
    helpers();
    badvpn();
    hev();
    printf("forks: %d passed, %d failed\n", passes, failures);
    return failures != 0;
}
