/* udp.c: UDP receive path: demultiplexing, callback arguments, checksum
 * and length checks, port unreachable. */
#include "conformance.h"

static uint8_t pkt[PKT_MAX];

static struct udp_pcb *bound(u8_t type, const ip_addr_t *addr, u16_t port, int tag)
{
    struct udp_pcb *pcb = udp_new_ip_type(type);
    REQUIRE(pcb != NULL);
    EXPECT_ERR(udp_bind(pcb, addr, port), ERR_OK);
    h_udp_record(pcb, tag);
    return pcb;
}

/* Checks one delivery: data, the callback's address/port arguments and
 * what ip_current_*() said during the callback. */
static void check_rx(struct rx *r, int tag, const void *data, size_t n, const char *src,
                     u16_t sport, const char *dst)
{
    EXPECT_EQ(r->tag, tag);
    EXPECT_EQ(r->len, n);
    if (r->len == n) {
        EXPECT_MEM(r->data, data, n);
    }
    EXPECT(h_ip_is(&r->addr, src));
    EXPECT_EQ(r->port, sport);
    EXPECT(h_ip_is(&r->cur_src, src));
    EXPECT(h_ip_is(&r->cur_dst, dst));
    EXPECT(r->cur_netif_ok);
    EXPECT(r->cur_in_netif_ok);
    EXPECT_EQ(r->cur_v6, pkt_addr_of(src).v == 6);
}

static void send_udp(const char *src, u16_t sport, const char *dst, u16_t dport,
                     const void *data, size_t n)
{
    size_t len = pkt_udp_packet(pkt, src, sport, dst, dport, data, n);
    EXPECT_ERR(inject(pkt, len), ERR_OK);
}

/* A checksum-less or tampered UDP packet: (src, dst) addresses, the UDP
 * header from h, then wrapped in IP. */
static size_t udp_custom(const char *src, const char *dst, const struct pkt_udp *h,
                         const void *data, size_t n)
{
    static uint8_t seg[PKT_MAX];
    pkt_addr s = pkt_addr_of(src), d = pkt_addr_of(dst);
    size_t len = pkt_udp(seg, &s, &d, h, data, n);
    return pkt_ip_packet(pkt, src, dst, PKT_UDP, seg, len);
}

/* Expects an ICMP/ICMPv6 port unreachable quoting the packet in pkt. */
static void expect_port_unreachable(const char *peer, size_t orig_len)
{
    struct cap *c = cap_expect();
    pkt_addr p = pkt_addr_of(peer);
    EXPECT(pkt_addr_eq(&c->wi.dst, &p));
    if (p.v == 4) {
        EXPECT_EQ(c->wi.proto, PKT_ICMP);
        EXPECT_EQ(c->wi.type, 3);
        EXPECT_EQ(c->wi.code, 3);
        EXPECT(c->wi.pl_len >= 28); /* IP header + 8 bytes (RFC 792) */
        if (c->wi.pl_len >= 28) {
            EXPECT_MEM(c->data + c->wi.pl_off, pkt, 28);
        }
    } else {
        EXPECT_EQ(c->wi.proto, PKT_ICMP6);
        EXPECT_EQ(c->wi.type, 1);
        EXPECT_EQ(c->wi.code, 4);
        /* RFC 4443: as much as fits in the minimum MTU */
        EXPECT_EQ(c->wi.pl_len, orig_len);
        if (c->wi.pl_len == orig_len) {
            EXPECT_MEM(c->data + c->wi.pl_off, pkt, orig_len);
        }
    }
}

SCENARIO(udp_recv_v4, "UDP/IPv4 delivered to a pcb bound to any address, with callback arguments")
{
    bound(IPADDR_TYPE_V4, IP4_ADDR_ANY, 7, 1);
    send_udp(PEER4, 1234, LOCAL4, 7, "hello", 5);
    check_rx(rx_expect(), 1, "hello", 5, PEER4, 1234, LOCAL4);
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(udp_recv_v6, "UDP/IPv6 delivered to a pcb bound to the IPv6 any address")
{
    bound(IPADDR_TYPE_V6, IP6_ADDR_ANY, 7, 1);
    send_udp(PEER6, 1234, LOCAL6, 7, "hello6", 6);
    check_rx(rx_expect(), 1, "hello6", 6, PEER6, 1234, LOCAL6);
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(udp_recv_dual_stack, "a pcb of IPADDR_TYPE_ANY bound to IP_ANY_TYPE receives v4 and v6")
{
    bound(IPADDR_TYPE_ANY, IP_ANY_TYPE, 53, 1);
    send_udp(PEER4, 1000, LOCAL4, 53, "four", 4);
    send_udp(PEER6, 1001, LOCAL6, 53, "six", 3);
    check_rx(rx_expect(), 1, "four", 4, PEER4, 1000, LOCAL4);
    check_rx(rx_expect(), 1, "six", 3, PEER6, 1001, LOCAL6);
    cap_expect_none();
}

SCENARIO(udp_recv_family_mismatch, "a v4-only pcb does not get IPv6 datagrams (port unreachable)")
{
    size_t len;
    bound(IPADDR_TYPE_V4, IP4_ADDR_ANY, 7, 1);
    len = pkt_udp_packet(pkt, PEER6, 1234, LOCAL6, 7, "x", 1);
    inject(pkt, len);
    rx_expect_none();
    expect_port_unreachable(PEER6, len);
    cap_expect_none();
}

SCENARIO(udp_recv_specific_address, "a pcb bound to another address does not match")
{
    ip_addr_t mine = h_ip(LOCAL4), other = h_ip("198.18.0.2");
    size_t len;
    bound(IPADDR_TYPE_V4, &mine, 7, 1);
    bound(IPADDR_TYPE_V4, &other, 8, 2);
    send_udp(PEER4, 1234, LOCAL4, 7, "a", 1);
    check_rx(rx_expect(), 1, "a", 1, PEER4, 1234, LOCAL4);
    len = pkt_udp_packet(pkt, PEER4, 1234, LOCAL4, 8, "b", 1);
    inject(pkt, len);
    rx_expect_none();
    expect_port_unreachable(PEER4, len);
    cap_expect_none();
}

SCENARIO(udp_recv_no_callback, "a datagram for a pcb without recv callback is freed silently")
{
    struct udp_pcb *pcb = udp_new();
    EXPECT_ERR(udp_bind(pcb, IP4_ADDR_ANY, 9), ERR_OK);
    send_udp(PEER4, 1234, LOCAL4, 9, "zz", 2);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(udp_recv_chained, "UDP datagrams split over two pbufs inside the payload, RAM copies")
{
    static const char msg[] = "chained payload of a udp datagram";
    size_t n = sizeof(msg) - 1, len;
    bound(IPADDR_TYPE_ANY, IP_ANY_TYPE, 7, 1);
    len = pkt_udp_packet(pkt, PEER4, 1, LOCAL4, 7, msg, n);
    inject_mode(pkt, len, INJ_CHAIN, 28);      /* right after the UDP header */
    inject_mode(pkt, len, INJ_CHAIN, 40);
    inject_mode(pkt, len, INJ_RAM, 0);
    len = pkt_udp_packet(pkt, PEER6, 2, LOCAL6, 7, msg, n);
    inject_mode(pkt, len, INJ_CHAIN, 48);
    inject_mode(pkt, len, INJ_CHAIN, len - 1);
    inject_mode(pkt, len, INJ_RAM, 0);
    check_rx(rx_expect(), 1, msg, n, PEER4, 1, LOCAL4);
    check_rx(rx_expect(), 1, msg, n, PEER4, 1, LOCAL4);
    check_rx(rx_expect(), 1, msg, n, PEER4, 1, LOCAL4);
    check_rx(rx_expect(), 1, msg, n, PEER6, 2, LOCAL6);
    check_rx(rx_expect(), 1, msg, n, PEER6, 2, LOCAL6);
    check_rx(rx_expect(), 1, msg, n, PEER6, 2, LOCAL6);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

/* Injects pkt split at offset and expects exactly one delivery of data. */
static void split_delivered(size_t len, size_t split, const char *src, u16_t sport,
                            const char *dst, const char *data)
{
    inject_mode(pkt, len, INJ_CHAIN, split);
    EXPECT_EQ(rx_pending(), 1);
    if (rx_pending()) {
        check_rx(rx_next(), 1, data, strlen(data), src, sport, dst);
    }
}

SCENARIO_LWIP_DEVIATES(udp_recv_split_headers, "UDP datagrams whose IP or UDP header spans two pbufs are delivered",
    "2.1.3 requires each header in the first pbuf (ip4_input: hlen > p->len, ip6_input: "
    "IP6_HLEN > p->len, udp_input: p->len < UDP_HLEN) and drops the datagram")
{
    size_t len;
    bound(IPADDR_TYPE_ANY, IP_ANY_TYPE, 7, 1);
    len = pkt_udp_packet(pkt, PEER4, 1, LOCAL4, 7, "split", 5);
    split_delivered(len, 10, PEER4, 1, LOCAL4, "split"); /* inside the IPv4 header */
    split_delivered(len, 24, PEER4, 1, LOCAL4, "split"); /* inside the UDP header */
    len = pkt_udp_packet(pkt, PEER6, 2, LOCAL6, 7, "split", 5);
    split_delivered(len, 20, PEER6, 2, LOCAL6, "split"); /* inside the IPv6 header */
    split_delivered(len, 44, PEER6, 2, LOCAL6, "split");
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(udp_recv_ip4_options, "UDP in an IPv4 packet carrying options is delivered")
{
    static const uint8_t nops[4] = {1, 1, 1, 0}; /* NOP NOP NOP EOL */
    static uint8_t seg[64];
    pkt_addr s = pkt_addr_of(PEER4), d = pkt_addr_of(LOCAL4);
    struct pkt_udp u = {.sport = 5, .dport = 7};
    struct pkt_ip4 ip = {.src = s, .dst = d, .proto = PKT_UDP, .ttl = 64,
                          .opt = nops, .optlen = sizeof(nops)};
    size_t n = pkt_udp(seg, &s, &d, &u, "opt", 3), len;
    bound(IPADDR_TYPE_V4, IP4_ADDR_ANY, 7, 1);
    len = pkt_ip4(pkt, &ip, seg, n);
    inject(pkt, len);
    check_rx(rx_expect(), 1, "opt", 3, PEER4, 5, LOCAL4);
    cap_expect_none();
}

SCENARIO(udp_closed_port_v4, "UDP/IPv4 to a closed port: ICMP port unreachable quoting the datagram")
{
    size_t len = pkt_udp_packet(pkt, PEER4, 1234, LOCAL4, 9, "nobody", 6);
    inject(pkt, len);
    expect_port_unreachable(PEER4, len);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(udp_closed_port_v6, "UDP/IPv6 to a closed port: ICMPv6 port unreachable quoting the packet")
{
    size_t len = pkt_udp_packet(pkt, PEER6, 1234, LOCAL6, 9, "nobody", 6);
    inject(pkt, len);
    expect_port_unreachable(PEER6, len);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(udp_closed_port_broadcast, "no port unreachable for broadcast or multicast destinations")
{
    size_t len = pkt_udp_packet(pkt, PEER4, 1234, "255.255.255.255", 9, "b", 1);
    inject(pkt, len);
    len = pkt_udp_packet(pkt, PEER4, 1234, "224.0.0.1", 9, "m", 1);
    inject(pkt, len);
    len = pkt_udp_packet(pkt, PEER6, 1234, "ff02::1", 9, "m", 1);
    inject(pkt, len);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(udp_broadcast_delivered, "UDP to 255.255.255.255 reaches a pcb bound to any")
{
    bound(IPADDR_TYPE_V4, IP4_ADDR_ANY, 67, 1);
    send_udp(PEER4, 68, "255.255.255.255", 67, "dhcp", 4);
    check_rx(rx_expect(), 1, "dhcp", 4, PEER4, 68, "255.255.255.255");
    cap_expect_none();
}

SCENARIO(udp_checksum_zero_v4, "UDP/IPv4 without checksum (zero) is accepted")
{
    struct pkt_udp h = {.sport = 1, .dport = 7, .csum = PKT_CSUM_ZERO};
    size_t len = udp_custom(PEER4, LOCAL4, &h, "nosum", 5);
    bound(IPADDR_TYPE_V4, IP4_ADDR_ANY, 7, 1);
    inject(pkt, len);
    check_rx(rx_expect(), 1, "nosum", 5, PEER4, 1, LOCAL4);
    cap_expect_none();
}

SCENARIO_LWIP_DEVIATES(udp_checksum_zero_v6, "UDP/IPv6 with a zero checksum is dropped (RFC 8200 8.1)",
    "2.1.3 udp_input skips verification whenever the checksum field is 0, also over IPv6")
{
    struct pkt_udp h = {.sport = 1, .dport = 7, .csum = PKT_CSUM_ZERO};
    size_t len = udp_custom(PEER6, LOCAL6, &h, "nosum", 5);
    bound(IPADDR_TYPE_V6, IP6_ADDR_ANY, 7, 1);
    inject(pkt, len);
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(udp_checksum_bad, "UDP with a wrong checksum is dropped silently (v4 and v6, open and closed port)")
{
    struct pkt_udp h = {.sport = 1, .dport = 7, .csum = PKT_CSUM_BAD};
    struct pkt_udp closed = {.sport = 1, .dport = 9, .csum = PKT_CSUM_BAD};
    size_t len;
    bound(IPADDR_TYPE_ANY, IP_ANY_TYPE, 7, 1);
    len = udp_custom(PEER4, LOCAL4, &h, "bad", 3);
    inject(pkt, len);
    len = udp_custom(PEER6, LOCAL6, &h, "bad", 3);
    inject(pkt, len);
    len = udp_custom(PEER4, LOCAL4, &closed, "bad", 3);
    inject(pkt, len);
    len = udp_custom(PEER6, LOCAL6, &closed, "bad", 3);
    inject(pkt, len);
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO_LWIP_DEVIATES(udp_length_beyond_payload, "UDP whose length field exceeds the IP payload is dropped",
    "2.1.3 udp_input never compares the UDP length field with the IP payload length")
{
    struct pkt_udp h = {.sport = 1, .dport = 7, .len_adj = 10};
    size_t len;
    bound(IPADDR_TYPE_ANY, IP_ANY_TYPE, 7, 1);
    len = udp_custom(PEER4, LOCAL4, &h, "short", 5);
    inject(pkt, len);
    len = udp_custom(PEER6, LOCAL6, &h, "short", 5);
    inject(pkt, len);
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}
