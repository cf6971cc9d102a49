/* udp_send.c: udp_send, udp_sendto, udp_sendto_if, udp_sendto_if_src: the
 * packets they put on the wire. */
#include "conformance.h"

/* Checks the single UDP packet the stack just sent. */
static void expect_udp_out(const char *src, int sport, const char *dst, u16_t dport,
                           const void *data, size_t n)
{
    struct cap *c = cap_expect();
    pkt_addr s = pkt_addr_of(src), d = pkt_addr_of(dst);
    EXPECT_EQ(c->wi.v, s.v);
    EXPECT(pkt_addr_eq(&c->wi.src, &s));
    EXPECT(pkt_addr_eq(&c->wi.dst, &d));
    EXPECT_EQ(c->wi.proto, PKT_UDP);
    if (sport >= 0) {
        EXPECT_EQ(c->wi.sport, sport);
    }
    EXPECT_EQ(c->wi.dport, dport);
    EXPECT_EQ(c->wi.ulen, 8 + n);
    EXPECT_EQ(c->wi.l4_csum, 1); /* checksummed (mandatory over IPv6) */
    EXPECT_EQ(c->wi.pl_len, n);
    if (c->wi.pl_len == n) {
        EXPECT_MEM(c->data + c->wi.pl_off, data, n);
    }
    EXPECT(!c->wi.is_frag);
}

static struct udp_pcb *pcb_on(u8_t type, const ip_addr_t *addr, u16_t port)
{
    struct udp_pcb *pcb = udp_new_ip_type(type);
    REQUIRE(pcb != NULL);
    EXPECT_ERR(udp_bind(pcb, addr, port), ERR_OK);
    return pcb;
}

/* Sends data with fn-style call and frees the pbuf as the API requires. */
#define SEND(call_, data_, n_, want_)                          \
    do {                                                       \
        struct pbuf *p_ = h_pbuf((data_), (n_));               \
        err_t e_ = call_;                                      \
        trace("%s -> %s", #call_, expect_errname(e_));         \
        expect_record(e_ == (want_), 0, __FILE__, __LINE__,    \
                      "%s: got %s, want %s", #call_,           \
                      expect_errname(e_), expect_errname(want_)); \
        pbuf_free(p_);                                         \
    } while (0)

SCENARIO(udp_sendto_v4, "udp_sendto over IPv4: addresses, ports, length, checksum, payload")
{
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_V4, IP4_ADDR_ANY, 5000);
    ip_addr_t dst = h_ip(PEER4);
    SEND(udp_sendto(pcb, p_, &dst, 1234), "payload", 7, ERR_OK);
    expect_udp_out(LOCAL4, 5000, PEER4, 1234, "payload", 7);
    SEND(udp_sendto(pcb, p_, &dst, 1235), "", 0, ERR_OK);
    expect_udp_out(LOCAL4, 5000, PEER4, 1235, "", 0);
    SEND(udp_sendto(pcb, p_, &dst, 1236), "odd", 3, ERR_OK);
    expect_udp_out(LOCAL4, 5000, PEER4, 1236, "odd", 3);
    cap_expect_none();
}

SCENARIO(udp_sendto_v6, "udp_sendto over IPv6: addresses, ports, length, checksum, payload")
{
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_V6, IP6_ADDR_ANY, 5000);
    ip_addr_t dst = h_ip(PEER6);
    SEND(udp_sendto(pcb, p_, &dst, 1234), "payload6", 8, ERR_OK);
    expect_udp_out(LOCAL6, 5000, PEER6, 1234, "payload6", 8);
    SEND(udp_sendto(pcb, p_, &dst, 1235), "", 0, ERR_OK);
    expect_udp_out(LOCAL6, 5000, PEER6, 1235, "", 0);
    cap_expect_none();
}

SCENARIO(udp_sendto_dual_stack, "a pcb of IPADDR_TYPE_ANY sends to v4 and v6 destinations")
{
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_ANY, IP_ANY_TYPE, 40001);
    ip_addr_t d4 = h_ip(PEER4), d6 = h_ip(PEER6);
    SEND(udp_sendto(pcb, p_, &d4, 1), "to4", 3, ERR_OK);
    expect_udp_out(LOCAL4, 40001, PEER4, 1, "to4", 3);
    SEND(udp_sendto(pcb, p_, &d6, 2), "to6", 3, ERR_OK);
    expect_udp_out(LOCAL6, 40001, PEER6, 2, "to6", 3);
    cap_expect_none();
}

SCENARIO(udp_send_connected, "udp_send on a connected pcb goes to the remote address and port")
{
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_V4, IP4_ADDR_ANY, 6000);
    ip_addr_t dst = h_ip(PEER4), d2 = h_ip(OTHER4);
    EXPECT_ERR(udp_connect(pcb, &dst, 40053), ERR_OK);
    SEND(udp_send(pcb, p_), "query", 5, ERR_OK);
    expect_udp_out(LOCAL4, 6000, PEER4, 40053, "query", 5);
    /* reconnecting changes the destination */
    EXPECT_ERR(udp_connect(pcb, &d2, 40054), ERR_OK);
    SEND(udp_send(pcb, p_), "q2", 2, ERR_OK);
    expect_udp_out(LOCAL4, 6000, OTHER4, 40054, "q2", 2);
    cap_expect_none();
}

SCENARIO(udp_sendto_family_mismatch, "a pcb bound to an IPv4 address cannot send to IPv6: ERR_VAL, nothing sent")
{
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_V4, IP4_ADDR_ANY, 6100);
    ip_addr_t d6 = h_ip(PEER6);
    SEND(udp_sendto(pcb, p_, &d6, 1), "x", 1, ERR_VAL);
    cap_expect_none();
}

SCENARIO(udp_sendto_unbound_binds, "udp_sendto on an unbound pcb binds an ephemeral source port")
{
    struct udp_pcb *pcb = udp_new();
    ip_addr_t dst = h_ip(PEER4);
    struct cap *c;
    REQUIRE(pcb != NULL);
    SEND(udp_sendto(pcb, p_, &dst, 7), "eph", 3, ERR_OK);
    c = cap_expect();
    trace("source port %s, pcb port %s",
          c->wi.sport >= 0xc000 ? "ephemeral" : "OUT-OF-RANGE",
          pcb->local_port == c->wi.sport ? "matches" : "DIFFERS");
    EXPECT(c->wi.sport >= 0xc000);
    EXPECT_EQ(pcb->local_port, c->wi.sport);
    EXPECT_EQ(c->wi.dport, 7);
}

SCENARIO(udp_send_via_netif, "udp_sendto_if sends through the given netif from its address")
{
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_ANY, IP_ANY_TYPE, 7000);
    ip_addr_t d4 = h_ip(PEER4), d6 = h_ip(PEER6);
    SEND(udp_sendto_if(pcb, p_, &d4, 7001, h_netif), "if4", 3, ERR_OK);
    expect_udp_out(LOCAL4, 7000, PEER4, 7001, "if4", 3);
    SEND(udp_sendto_if(pcb, p_, &d6, 7002, h_netif), "if6", 3, ERR_OK);
    expect_udp_out(LOCAL6, 7000, PEER6, 7002, "if6", 3);
    cap_expect_none();
}

SCENARIO(udp_send_from_source, "udp_sendto_if_src uses the given source address, even if not assigned")
{
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_ANY, IP_ANY_TYPE, 7100);
    ip_addr_t d4 = h_ip(PEER4), s4 = h_ip("198.18.0.77");
    ip_addr_t d6 = h_ip(PEER6), s6 = h_ip(OTHER6);
    SEND(udp_sendto_if_src(pcb, p_, &d4, 80, h_netif, &s4), "src4", 4, ERR_OK);
    expect_udp_out("198.18.0.77", 7100, PEER4, 80, "src4", 4);
    SEND(udp_sendto_if_src(pcb, p_, &d6, 81, h_netif, &s6), "src6", 4, ERR_OK);
    expect_udp_out(OTHER6, 7100, PEER6, 81, "src6", 4);
    cap_expect_none();
}

SCENARIO(udp_sendto_bound_address, "a pcb bound to a specific address sends from it")
{
    ip_addr_t mine = h_ip(LOCAL4), dst = h_ip(PEER4);
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_V4, &mine, 7200);
    SEND(udp_sendto(pcb, p_, &dst, 1), "b", 1, ERR_OK);
    expect_udp_out(LOCAL4, 7200, PEER4, 1, "b", 1);
    cap_expect_none();
}

SCENARIO(udp_sendto_chained_pbuf, "udp_sendto with a payload chain sends it contiguous and exact")
{
    struct udp_pcb *pcb = pcb_on(IPADDR_TYPE_V4, IP4_ADDR_ANY, 7300);
    ip_addr_t dst = h_ip(PEER4);
    uint8_t data[300];
    struct pbuf *a, *b;
    err_t e;
    h_pattern(data, sizeof(data), 3);
    a = pbuf_alloc(PBUF_TRANSPORT, 100, PBUF_RAM);
    b = pbuf_alloc(PBUF_RAW, 200, PBUF_RAM);
    REQUIRE(a && b);
    pbuf_take(a, data, 100);
    pbuf_take(b, data + 100, 200);
    pbuf_cat(a, b);
    e = udp_sendto(pcb, a, &dst, 9);
    EXPECT_ERR(e, ERR_OK);
    pbuf_free(a);
    expect_udp_out(LOCAL4, 7300, PEER4, 9, data, sizeof(data));
    cap_expect_none();
}
