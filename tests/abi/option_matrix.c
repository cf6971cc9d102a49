/* tests/abi/option_matrix.c: one lwIP program, built by tests/abi/CMakeLists.txt
 * once per lwipopts.h in tests/abi/opts-*, linked with the one libtern.
 *
 * libtern is compiled once while programs choose their options: struct
 * layouts must not follow the options (the ABI rule of lwip/priv/tern_opts.h)
 * and the options that act at run time must act.  Each build runs a UDP echo
 * and a TCP echo of 200 000 bytes over a netif whose output feeds its own
 * input (IPv4 on 198.18.0.1, IPv6 on the netif's LAST address slot, so that
 * LWIP_IPV6_NUM_ADDRESSES 1 and 6 both index the array at its edge), and
 * checks on the packets that crossed the netif what the options promise:
 * segment sizes (TCP_MSS), the window scale option (LWIP_WND_SCALE,
 * TCP_RCV_SCALE), datagrams with a wrong checksum (CHECKSUM_CHECK_*), the
 * netif's client data slots (LWIP_NUM_NETIF_CLIENT_DATA).  Every check
 * prints one line; the exit status counts failures.  Time is virtual (this
 * program's sys_now), so nothing depends on the machine's speed. */
#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#ifndef VARIANT
#error "VARIANT names the lwipopts.h this program is built with"
#endif

static int failures, passes;
#define CHECK(cond, ...)                                                                                   \
    do {                                                                                                   \
        if (cond)                                                                                          \
            passes++, printf("ok   " VARIANT ": " __VA_ARGS__), putchar('\n');                             \
        else                                                                                               \
            failures++, printf("FAIL " VARIANT ": " __VA_ARGS__), putchar('\n');                           \
    } while (0)

/* ---- virtual clock: replaces libtern's sys_now ---- */
static u32_t now_ms = 1000;
u32_t sys_now(void) { return now_ms; }

/* ---- the link: what the netif sends comes back in, in order ---- */
#define QUEUE_PACKETS 512
#define PACKET_MAX 1600
static struct {
    unsigned char bytes[PACKET_MAX];
    u16_t len;
} queue[QUEUE_PACKETS];
static unsigned q_head, q_tail, q_dropped;

/* What the TCP packets that crossed the link showed. */
static unsigned max_tcp_payload, syn_count, syn_with_wscale, syn_wscale_shift, syn_mss;
static unsigned udp_to_outsider; /* datagrams sent to 198.18.0.9 (not local) */
static int client_data_seen_ok = 1;
static u8_t client_data_id = 0xff;
static int client_data_marker;

static void inspect(const unsigned char *b, unsigned len)
{
    unsigned ihl, proto, l4;
    if ((b[0] >> 4) == 4) {
        ihl = (b[0] & 15u) * 4;
        proto = b[9];
        l4 = ihl;
        if (proto == 17 && b[16] == 198 && b[17] == 18 && b[18] == 0 && b[19] == 9)
            udp_to_outsider++;
    } else {
        proto = b[6];
        l4 = 40;
    }
    if (proto != 6 || len < l4 + 20)
        return;
    const unsigned char *t = b + l4;
    unsigned doff = (t[12] >> 4) * 4u, payload = len - l4 - doff;
    if (payload > max_tcp_payload)
        max_tcp_payload = payload;
    if (!(t[13] & 0x02))
        return;
    syn_count++;
    for (unsigned i = 20; i < doff;) { /* RFC 9293 3.1: kind, length, data */
        unsigned kind = t[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= doff || t[i + 1] < 2)
            break;
        if (kind == 3 && t[i + 1] == 3) /* RFC 7323 2.2 */
            syn_with_wscale++, syn_wscale_shift = t[i + 2];
        if (kind == 2 && t[i + 1] == 4)
            syn_mss = (unsigned)t[i + 2] << 8 | t[i + 3];
        i += t[i + 1];
    }
}

/* ---- the link's address translation ----
 * The stack talks to itself through the netif: a client connects to B
 * (not a local address), the link turns its packets into packets from C to
 * the server's address A, and the server's answers to C into answers from B
 * to the client's address S (remembered from the first packet).  Every
 * byte thus crosses the netif's output and input functions twice. */
static unsigned char nat_a4[4] = {198, 18, 0, 1}, nat_b4[4] = {198, 18, 0, 2}, nat_c4[4] = {198, 18, 0, 3};
static unsigned char nat_a6[16], nat_b6[16], nat_c6[16], nat_s4[4], nat_s6[16];

static unsigned long sum16(const unsigned char *b, unsigned len, unsigned long sum)
{
    for (unsigned i = 0; i + 1 < len; i += 2)
        sum += (unsigned long)(b[i] << 8 | b[i + 1]);
    if (len & 1)
        sum += (unsigned long)b[len - 1] << 8;
    return sum;
}
static unsigned fold(unsigned long sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (unsigned)(~sum & 0xffff);
}

/* RFC 768 / RFC 9293 3.1 / RFC 8200 8.1: the transport checksum covers a
 * pseudo header of the (rewritten) addresses. */
static void fix_checksums(unsigned char *b, unsigned len)
{
    int v4 = (b[0] >> 4) == 4;
    unsigned l4 = v4 ? (b[0] & 15u) * 4 : 40, proto = v4 ? b[9] : b[6], alen = v4 ? 4 : 16;
    const unsigned char *src = v4 ? b + 12 : b + 8;
    if (v4) {
        b[10] = b[11] = 0;
        unsigned c = fold(sum16(b, l4, 0));
        b[10] = (unsigned char)(c >> 8), b[11] = (unsigned char)c;
    }
    unsigned off = proto == 6 ? 16 : proto == 17 ? 6 : 0;
    if (!off || len < l4 + off + 2)
        return;
    b[l4 + off] = b[l4 + off + 1] = 0;
    unsigned long sum = sum16(src, 2 * alen, 0) + proto + (len - l4);
    unsigned c = fold(sum16(b + l4, len - l4, sum));
    if (proto == 17 && c == 0)
        c = 0xffff; /* RFC 768: a computed 0 is sent as all ones */
    b[l4 + off] = (unsigned char)(c >> 8), b[l4 + off + 1] = (unsigned char)c;
}

static void translate(unsigned char *b, unsigned len)
{
    int v4 = (b[0] >> 4) == 4;
    unsigned alen = v4 ? 4 : 16;
    unsigned char *src = v4 ? b + 12 : b + 8, *dst = src + alen;
    const unsigned char *a = v4 ? nat_a4 : nat_a6, *bb = v4 ? nat_b4 : nat_b6, *c = v4 ? nat_c4 : nat_c6;
    unsigned char *s = v4 ? nat_s4 : nat_s6;
    if (!memcmp(dst, bb, alen)) { /* client -> B becomes C -> server */
        memcpy(s, src, alen);
        memcpy(src, c, alen);
        memcpy(dst, a, alen);
    } else if (!memcmp(dst, c, alen)) { /* server -> C becomes B -> client */
        memcpy(src, bb, alen);
        memcpy(dst, s, alen);
    } else {
        return;
    }
    fix_checksums(b, len);
}

static err_t enqueue(struct netif *n, struct pbuf *p)
{
    if (client_data_id != 0xff && netif_get_client_data(n, client_data_id) != &client_data_marker)
        client_data_seen_ok = 0;
    if (q_tail - q_head == QUEUE_PACKETS || p->tot_len > PACKET_MAX) {
        q_dropped++;
        return ERR_OK;
    }
    unsigned slot = q_tail++ % QUEUE_PACKETS;
    queue[slot].len = pbuf_copy_partial(p, queue[slot].bytes, p->tot_len, 0);
    inspect(queue[slot].bytes, queue[slot].len);
    translate(queue[slot].bytes, queue[slot].len);
    return ERR_OK;
}
static err_t out4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    return enqueue(n, p);
}
static err_t out6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
    (void)a;
    return enqueue(n, p);
}

static struct netif the_link;

/* Delivers the queued packets until the link is quiet, advancing the clock
 * by 10 ms each time it is; stops when done() holds or after 20 000 rounds. */
static void pump(int (*done)(void))
{
    for (int round = 0; round < 20000 && !(done && done()); round++) {
        if (q_head == q_tail) {
            if (!done)
                return;
            now_ms += 10;
            sys_check_timeouts();
            continue;
        }
        unsigned slot = q_head++ % QUEUE_PACKETS;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, queue[slot].len, PBUF_POOL);
        if (!p)
            continue;
        pbuf_take(p, queue[slot].bytes, queue[slot].len);
        the_link.input(p, &the_link);
    }
}

static err_t link_init(struct netif *n)
{
    n->name[0] = 't', n->name[1] = '0';
    n->mtu = 1500;
    n->output = out4;
    n->output_ip6 = out6;
    return ERR_OK;
}

/* ---- UDP echo ---- */
static unsigned char udp_reply[256];
static int udp_reply_len = -1;

static void echo_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    udp_sendto(pcb, p, addr, port);
    pbuf_free(p);
}
static void client_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg, (void)pcb, (void)addr, (void)port;
    udp_reply_len = pbuf_copy_partial(p, udp_reply, sizeof(udp_reply), 0);
    pbuf_free(p);
}
static int udp_replied(void) { return udp_reply_len >= 0; }

static void udp_echo(const ip_addr_t *server, const ip_addr_t *target, const char *family)
{
    static const char msg[] = "option matrix " VARIANT;
    struct udp_pcb *srv = udp_new_ip_type(IPADDR_TYPE_ANY), *cli = udp_new_ip_type(IPADDR_TYPE_ANY);
    CHECK(srv && cli && udp_bind(srv, server, 7) == ERR_OK && udp_bind(cli, IP_ANY_TYPE, 0) == ERR_OK,
          "%s: UDP pcbs bound", family);
    if (!srv || !cli)
        return;
    udp_recv(srv, echo_udp, NULL);
    udp_recv(cli, client_udp, NULL);
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, sizeof(msg), PBUF_RAM);
    pbuf_take(p, msg, sizeof(msg));
    udp_reply_len = -1;
    CHECK(udp_sendto(cli, p, target, 7) == ERR_OK, "%s: udp_sendto", family);
    pbuf_free(p);
    pump(udp_replied);
    CHECK(udp_reply_len == (int)sizeof(msg) && !memcmp(udp_reply, msg, sizeof(msg)),
          "%s: UDP echo returns the %zu bytes sent", family, sizeof(msg));
    udp_remove(srv);
    udp_remove(cli);
}

/* ---- TCP echo: the client sends TCP_TOTAL bytes, the server returns them ---- */
#define TCP_TOTAL 200000u
static struct tcp_pcb *server_pcb, *client_pcb;
static unsigned sent_bytes, echoed_bytes, received_bytes, mismatches;
static int connected;

static unsigned char pattern(unsigned i) { return (unsigned char)(i * 7u + (i >> 8)); }

static void client_fill(struct tcp_pcb *pcb)
{
    unsigned char chunk[1024];
    while (sent_bytes < TCP_TOTAL) {
        unsigned n = TCP_TOTAL - sent_bytes;
        if (n > sizeof(chunk))
            n = sizeof(chunk);
        if (n > tcp_sndbuf(pcb))
            n = tcp_sndbuf(pcb);
        if (n == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1)
            break;
        for (unsigned i = 0; i < n; i++)
            chunk[i] = pattern(sent_bytes + i);
        if (tcp_write(pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        sent_bytes += n;
    }
    tcp_output(pcb);
}

static err_t client_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)arg, (void)len;
    client_fill(pcb);
    return ERR_OK;
}

static err_t client_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p)
        return ERR_OK;
    for (struct pbuf *q = p; q; q = q->next)
        for (u16_t i = 0; i < q->len; i++, received_bytes++)
            if (((unsigned char *)q->payload)[i] != pattern(received_bytes))
                mismatches++;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t client_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    connected = err == ERR_OK;
    client_fill(pcb);
    return ERR_OK;
}

/* The server writes back what it receives, refusing data its send buffer
 * cannot take yet (lwIP offers it again). */
static err_t server_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg, (void)err;
    if (!p)
        return ERR_OK;
    if (p->tot_len > tcp_sndbuf(pcb) || tcp_sndqueuelen(pcb) + pbuf_clen(p) + 1 >= TCP_SND_QUEUELEN)
        return ERR_MEM;
    for (struct pbuf *q = p; q; q = q->next)
        if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
            return ERR_MEM; /* cannot happen: room was checked */
    echoed_bytes += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    tcp_output(pcb);
    return ERR_OK;
}

static err_t server_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)arg, (void)len;
    tcp_process_refused_data(pcb);
    return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg, (void)err;
    server_pcb = pcb;
    tcp_recv(pcb, server_recv);
    tcp_sent(pcb, server_sent);
    return ERR_OK;
}

static int tcp_done(void) { return received_bytes >= TCP_TOTAL; }

static void tcp_echo(const ip_addr_t *server, const ip_addr_t *target, unsigned ip_hlen, const char *family)
{
    struct tcp_pcb *l = tcp_new_ip_type(IPADDR_TYPE_ANY);
    CHECK(l && tcp_bind(l, server, 8000) == ERR_OK, "%s: listener bound", family);
    if (!l)
        return;
    l = tcp_listen(l);
    tcp_accept(l, on_accept);
    server_pcb = NULL, sent_bytes = echoed_bytes = received_bytes = mismatches = 0, connected = 0;
    max_tcp_payload = syn_count = syn_with_wscale = syn_wscale_shift = syn_mss = 0;
    client_pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    tcp_recv(client_pcb, client_recv);
    tcp_sent(client_pcb, client_sent);
    CHECK(tcp_connect(client_pcb, target, 8000, client_connected) == ERR_OK, "%s: tcp_connect", family);
    pump(tcp_done);
    CHECK(connected && server_pcb, "%s: connected and accepted", family);
    CHECK(received_bytes == TCP_TOTAL && mismatches == 0, "%s: TCP echo returns %u bytes intact (got %u, %u wrong)",
          family, TCP_TOTAL, received_bytes, mismatches);
    /* RFC 9293 3.7.1: the MSS announced is TCP_MSS unless the MTU is
     * smaller, and no segment carries more. */
    unsigned mss = TCP_MSS < 1500 - ip_hlen - 20 ? TCP_MSS : 1500 - ip_hlen - 20;
    /* tcp_mss() is the MSS less the timestamp option when it is in use. */
    unsigned seg = (unsigned)tcp_mss(client_pcb);
    CHECK(syn_mss == mss && max_tcp_payload == seg && seg == mss - (tcp_is_flag_set(client_pcb, TF_TIMESTAMP) ? 12u : 0u),
          "%s: SYNs announce MSS %u and the largest segment carries %u bytes (TCP_MSS %u, MTU 1500)", family,
          syn_mss, max_tcp_payload, (unsigned)TCP_MSS);
    CHECK(client_pcb->mss == mss, "%s: pcb->mss reads %u (expected %u)", family, (unsigned)client_pcb->mss, mss);
#if LWIP_WND_SCALE
    /* RFC 7323 2.2: both SYNs carry the shift; the 32-bit field holds more than 64 KiB. */
    CHECK(syn_count == 2 && syn_with_wscale == 2 && syn_wscale_shift == TCP_RCV_SCALE,
          "%s: both SYNs carry window scale %u (TCP_RCV_SCALE %u)", family, syn_wscale_shift,
          (unsigned)TCP_RCV_SCALE);
    CHECK(sizeof(client_pcb->rcv_wnd) == 4 && client_pcb->rcv_wnd == TCP_WND,
          "%s: 32-bit rcv_wnd reads %lu once all data is consumed (TCP_WND %lu)", family,
          (unsigned long)client_pcb->rcv_wnd, (unsigned long)TCP_WND);
#else
    /* The 16-bit fields hold the window as sent: no SYN asks for a shift.
     * (lwIP sends no window scale option at all; tern offers shift 0.) */
    CHECK(syn_count == 2 && (syn_with_wscale == 0 || syn_wscale_shift == 0),
          "%s: no SYN asks for a window shift (LWIP_WND_SCALE 0; %u of %u SYNs carry the option, shift %u)",
          family, syn_with_wscale, syn_count, syn_wscale_shift);
    CHECK(sizeof(client_pcb->rcv_wnd) == 2 && client_pcb->rcv_wnd == TCP_WND,
          "%s: 16-bit rcv_wnd reads %u once all data is consumed (TCP_WND %u)", family,
          (unsigned)client_pcb->rcv_wnd, (unsigned)TCP_WND);
#endif
    tcp_close(client_pcb);
    if (server_pcb)
        tcp_close(server_pcb);
    tcp_close(l);
    pump(NULL);
}

/* A UDP datagram to the echo server from 198.18.0.9 (not a local address:
 * the echo shows up on the link and goes no further) with its checksum
 * wrong by one. */
static void bad_checksum_udp(void)
{
    static const char msg[] = "bad sum";
    enum { LEN = 28 + sizeof(msg) };
    struct udp_pcb *srv = udp_new_ip_type(IPADDR_TYPE_ANY);
    ip_addr_t a;
    IP_ADDR4(&a, 198, 18, 0, 1);
    udp_bind(srv, &a, 7);
    udp_recv(srv, echo_udp, NULL);
    unsigned char b[LEN] = {0x45, 0, 0, LEN, 0, 1, 0, 0, 64, 17, 0, 0, 198, 18, 0, 9, 198, 18, 0, 1,
                            0x13, 0x88, 0, 7, 0, LEN - 20, 0, 0};
    memcpy(b + 28, msg, sizeof(msg));
    unsigned long sum = 0;
    for (unsigned i = 0; i < 20; i += 2)
        sum += (unsigned long)(b[i] << 8 | b[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    b[10] = (unsigned char)(~sum >> 8), b[11] = (unsigned char)~sum;
    /* RFC 768: the sum covers a pseudo header (addresses, protocol, length);
     * the right value, then one bit off. */
    sum = (198u << 8 | 18u) + 9u + (198u << 8 | 18u) + 1u + 17u + (LEN - 20u);
    for (unsigned i = 20; i < LEN; i += 2)
        sum += (unsigned long)(b[i] << 8 | (i + 1 < LEN ? b[i + 1] : 0));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = (~sum & 0xffff) ^ 1u;
    b[26] = (unsigned char)(sum >> 8), b[27] = (unsigned char)sum;
    udp_to_outsider = 0;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, LEN, PBUF_POOL);
    pbuf_take(p, b, LEN);
    the_link.input(p, &the_link);
    pump(NULL);
#if CHECKSUM_CHECK_UDP || CHECKSUM_CHECK_IP || CHECKSUM_CHECK_TCP
    CHECK(udp_to_outsider == 0, "a datagram with a wrong UDP checksum is dropped (CHECKSUM_CHECK_UDP %d)",
          CHECKSUM_CHECK_UDP);
#else
    CHECK(udp_to_outsider == 1, "with CHECKSUM_CHECK_* 0 the device is trusted: the datagram is echoed");
#endif
    udp_remove(srv);
}

int main(void)
{
    lwip_init(); /* refuses the program if its layouts differ from libtern's */
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 198, 18, 0, 1);
    IP4_ADDR(&mask, 255, 254, 0, 0);
    IP4_ADDR(&gw, 198, 18, 0, 254);
    CHECK(netif_add(&the_link, &addr, &mask, &gw, NULL, link_init, ip_input) == &the_link, "netif_add");
    netif_set_default(&the_link);
    netif_set_link_up(&the_link);
    netif_set_up(&the_link);
    char name[8];
    snprintf(name, sizeof(name), "t0%u", (unsigned)the_link.num);
    CHECK(netif_find(name) == &the_link && the_link.mtu == 1500 && netif_is_up(&the_link),
          "netif fields past the address arrays read back (name, mtu, flags)");

#if LWIP_NUM_NETIF_CLIENT_DATA > 0
    client_data_id = netif_alloc_client_data_id();
    CHECK(client_data_id != 0xff, "netif_alloc_client_data_id gives slot %u", client_data_id);
    if (client_data_id != 0xff)
        netif_set_client_data(&the_link, client_data_id, &client_data_marker);
#endif

    /* IPv6: 2001:2::1 (RFC 5180's benchmarking range) in slot 0, then one
     * address per further slot; traffic uses the last. */
    ip6_addr_t a6;
    IP6_ADDR(&a6, PP_HTONL(0x20010002), 0, 0, PP_HTONL(1));
    netif_ip6_addr_set(&the_link, 0, &a6);
    netif_ip6_addr_set_state(&the_link, 0, IP6_ADDR_PREFERRED);
    s8_t last = 0;
    for (int i = 1; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
        IP6_ADDR(&a6, PP_HTONL(0x20010002), 0, 0, PP_HTONL((u32_t)i + 1));
        CHECK(netif_add_ip6_address(&the_link, &a6, &last) == ERR_OK && last == i, "IPv6 address %d in slot %d",
              i + 1, (int)last);
    }
    IP6_ADDR(&a6, PP_HTONL(0x20010002), 0, 0, PP_HTONL(0x99));
    s8_t none = 0;
    CHECK(netif_add_ip6_address(&the_link, &a6, &none) == ERR_VAL && none == -1,
          "no slot past LWIP_IPV6_NUM_ADDRESSES (%d)", LWIP_IPV6_NUM_ADDRESSES);
    CHECK(netif_get_ip6_addr_match(&the_link, netif_ip6_addr(&the_link, last)) == last &&
              ip6_addr_ispreferred(netif_ip6_addr_state(&the_link, last)),
          "slot %d matches its address and is preferred", (int)last);

    ip_addr_t v4, v6, b4, b6;
    ip_addr_copy_from_ip4(v4, addr);
    ip_addr_copy(v6, *netif_ip_addr6(&the_link, last));
    memcpy(nat_a6, netif_ip6_addr(&the_link, last)->addr, 16);
    IP6_ADDR(&a6, PP_HTONL(0x20010002), 0, 0, PP_HTONL(0xc));
    memcpy(nat_c6, a6.addr, 16);
    IP6_ADDR(&a6, PP_HTONL(0x20010002), 0, 0, PP_HTONL(0xb));
    memcpy(nat_b6, a6.addr, 16);
    ip_addr_copy_from_ip6(b6, a6);
    IP_ADDR4(&b4, nat_b4[0], nat_b4[1], nat_b4[2], nat_b4[3]);
    udp_echo(&v4, &b4, "IPv4");
    udp_echo(&v6, &b6, "IPv6");
    tcp_echo(&v4, &b4, 20, "IPv4");
    tcp_echo(&v6, &b6, 40, "IPv6");
    bad_checksum_udp();

#if LWIP_NUM_NETIF_CLIENT_DATA > 0
    CHECK(client_data_seen_ok, "the netif's client data reads back in every output call");
#endif
    CHECK(q_dropped == 0, "the link dropped no packet (%u)", q_dropped);
    netif_remove(&the_link);
    printf(VARIANT ": %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
