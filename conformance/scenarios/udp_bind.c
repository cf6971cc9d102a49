/* udp_bind.c: udp_new/udp_bind/udp_connect/udp_disconnect/udp_remove and
 * the port-conflict rules of lwIP 2.1.3 (cases from lwIP's test_udp.c). */
#include "conformance.h"

static uint8_t pkt[PKT_MAX];

/* Binds a fresh pcb of type to addr:port and returns the result. */
static err_t try_bind(struct udp_pcb **out, u8_t type, const ip_addr_t *addr, u16_t port)
{
    *out = udp_new_ip_type(type);
    REQUIRE(*out != NULL);
    return udp_bind(*out, addr, port);
}

/* Binds pcb1 then pcb2 on the same port; removes both afterwards. */
static void pair(u8_t t1, const ip_addr_t *a1, u8_t t2, const ip_addr_t *a2, err_t want2,
                 const char *what)
{
    struct udp_pcb *p1, *p2;
    err_t e1 = try_bind(&p1, t1, a1, 2105);
    err_t e2 = try_bind(&p2, t2, a2, 2105);
    trace("bind pair %s -> %s, %s", what, expect_errname(e1), expect_errname(e2));
    expect_record(e1 == ERR_OK && e2 == want2, 0, __FILE__, __LINE__,
                  "bind pair %s: got %s, %s; want ERR_OK, %s", what, expect_errname(e1),
                  expect_errname(e2), expect_errname(want2));
    udp_remove(p1);
    udp_remove(p2);
}

static int ephemeral(u16_t port)
{
    return port >= 0xc000; /* IANA dynamic range, lwIP's UDP_LOCAL_PORT_RANGE */
}

SCENARIO(udp_new_remove, "udp_new gives a pcb of the requested type; remove frees its port")
{
    struct udp_pcb *a = udp_new(), *b = udp_new_ip_type(IPADDR_TYPE_V6), *c;
    REQUIRE(a && b);
    EXPECT_EQ(IP_GET_TYPE(&a->local_ip), IPADDR_TYPE_V4);
    EXPECT_EQ(IP_GET_TYPE(&b->local_ip), IPADDR_TYPE_V6);
    EXPECT_EQ(a->local_port, 0);
    EXPECT_ERR(udp_bind(a, IP4_ADDR_ANY, 4000), ERR_OK);
    EXPECT_EQ(a->local_port, 4000);
    udp_remove(a);
    udp_remove(b);
    EXPECT_ERR(try_bind(&c, IPADDR_TYPE_V4, IP4_ADDR_ANY, 4000), ERR_OK);
}

SCENARIO(udp_bind_conflicts_v4, "IPv4 port conflicts: any vs any, any vs specific, specific vs specific")
{
    ip_addr_t mine = h_ip(LOCAL4), other = h_ip("198.18.0.2");
    pair(IPADDR_TYPE_V4, IP4_ADDR_ANY, IPADDR_TYPE_V4, IP4_ADDR_ANY, ERR_USE, "v4any v4any");
    pair(IPADDR_TYPE_V4, IP4_ADDR_ANY, IPADDR_TYPE_V4, &mine, ERR_USE, "v4any v4addr");
    pair(IPADDR_TYPE_V4, &mine, IPADDR_TYPE_V4, IP4_ADDR_ANY, ERR_USE, "v4addr v4any");
    pair(IPADDR_TYPE_V4, &mine, IPADDR_TYPE_V4, &mine, ERR_USE, "v4addr same");
    pair(IPADDR_TYPE_V4, &mine, IPADDR_TYPE_V4, &other, ERR_OK, "v4addr other");
    /* NULL means the IPv4 any address */
    pair(IPADDR_TYPE_V4, NULL, IPADDR_TYPE_V4, IP4_ADDR_ANY, ERR_USE, "NULL v4any");
}

SCENARIO(udp_bind_conflicts_v6, "IPv6 port conflicts: any vs any, any vs specific")
{
    ip_addr_t mine = h_ip(LOCAL6), other = h_ip(OTHER6);
    pair(IPADDR_TYPE_V6, IP6_ADDR_ANY, IPADDR_TYPE_V6, IP6_ADDR_ANY, ERR_USE, "v6any v6any");
    pair(IPADDR_TYPE_V6, IP6_ADDR_ANY, IPADDR_TYPE_V6, &mine, ERR_USE, "v6any v6addr");
    pair(IPADDR_TYPE_V6, &mine, IPADDR_TYPE_V6, IP6_ADDR_ANY, ERR_USE, "v6addr v6any");
    pair(IPADDR_TYPE_V6, &mine, IPADDR_TYPE_V6, &other, ERR_OK, "v6addr other");
}

SCENARIO(udp_bind_conflicts_mixed, "mixed-family port conflicts as lwIP's test_udp defines them")
{
    ip_addr_t a1234 = h_ip("1.2.3.4"), a4321 = h_ip("4.3.2.1");
    /* different families do not conflict */
    pair(IPADDR_TYPE_V4, IP4_ADDR_ANY, IPADDR_TYPE_V6, IP6_ADDR_ANY, ERR_OK, "v4any v6any");
    pair(IPADDR_TYPE_V6, IP4_ADDR_ANY, IPADDR_TYPE_V4, IP6_ADDR_ANY, ERR_OK, "v4any-on-v6pcb v6any-on-v4pcb");
    /* the address decides, not the pcb type */
    pair(IPADDR_TYPE_V6, &a1234, IPADDR_TYPE_V4, &a4321, ERR_OK, "1.2.3.4 4.3.2.1");
    pair(IPADDR_TYPE_V6, &a1234, IPADDR_TYPE_V4, &a1234, ERR_USE, "1.2.3.4 twice");
    /* IP_ANY_TYPE takes the port for both families */
    pair(IPADDR_TYPE_ANY, IP_ANY_TYPE, IPADDR_TYPE_V4, &a1234, ERR_USE, "anytype v4addr");
    pair(IPADDR_TYPE_ANY, IP_ANY_TYPE, IPADDR_TYPE_V6, IP6_ADDR_ANY, ERR_USE, "anytype v6any");
    pair(IPADDR_TYPE_V4, IP4_ADDR_ANY, IPADDR_TYPE_ANY, IP_ANY_TYPE, ERR_USE, "v4any anytype");
}

SCENARIO(udp_bind_port0_ephemeral, "bind to port 0 picks distinct ephemeral ports")
{
    struct udp_pcb *a, *b;
    EXPECT_ERR(try_bind(&a, IPADDR_TYPE_V4, IP4_ADDR_ANY, 0), ERR_OK);
    EXPECT_ERR(try_bind(&b, IPADDR_TYPE_V4, IP4_ADDR_ANY, 0), ERR_OK);
    trace("ports: a %s, b %s, distinct %s", ephemeral(a->local_port) ? "ephemeral" : "OUT-OF-RANGE",
          ephemeral(b->local_port) ? "ephemeral" : "OUT-OF-RANGE",
          a->local_port != b->local_port ? "yes" : "NO");
    EXPECT(ephemeral(a->local_port));
    EXPECT(ephemeral(b->local_port));
    EXPECT_NE(a->local_port, b->local_port);
}

SCENARIO(udp_bind_rebind, "binding a bound pcb again moves it to the new port")
{
    struct udp_pcb *a, *b;
    EXPECT_ERR(try_bind(&a, IPADDR_TYPE_V4, IP4_ADDR_ANY, 3000), ERR_OK);
    EXPECT_ERR(udp_bind(a, IP4_ADDR_ANY, 3001), ERR_OK);
    EXPECT_EQ(a->local_port, 3001);
    EXPECT_ERR(try_bind(&b, IPADDR_TYPE_V4, IP4_ADDR_ANY, 3000), ERR_OK);
    EXPECT_ERR(udp_bind(b, IP4_ADDR_ANY, 3001), ERR_USE);
    h_udp_record(a, 1);
    h_udp_record(b, 2);
    {
        size_t len = pkt_udp_packet(pkt, PEER4, 1, LOCAL4, 3001, "r", 1);
        inject(pkt, len);
    }
    EXPECT_EQ(rx_expect()->tag, 1);
    rx_expect_none();
}

SCENARIO(udp_connect_filters_source, "a connected pcb only receives from its remote address and port")
{
    struct udp_pcb *pcb;
    ip_addr_t peer = h_ip(PEER4);
    size_t len;
    EXPECT_ERR(try_bind(&pcb, IPADDR_TYPE_V4, IP4_ADDR_ANY, 7), ERR_OK);
    h_udp_record(pcb, 1);
    EXPECT_ERR(udp_connect(pcb, &peer, 1234), ERR_OK);
    EXPECT(h_ip_is(&pcb->remote_ip, PEER4));
    EXPECT_EQ(pcb->remote_port, 1234);
    EXPECT_EQ(pcb->local_port, 7);

    len = pkt_udp_packet(pkt, PEER4, 1234, LOCAL4, 7, "ok", 2);
    inject(pkt, len);
    EXPECT_EQ(rx_expect()->len, 2);
    /* wrong source address, then wrong source port: no delivery, and as no
     * pcb matches, a port unreachable */
    len = pkt_udp_packet(pkt, OTHER4, 1234, LOCAL4, 7, "no", 2);
    inject(pkt, len);
    len = pkt_udp_packet(pkt, PEER4, 999, LOCAL4, 7, "no", 2);
    inject(pkt, len);
    rx_expect_none();
    EXPECT_EQ(cap_expect()->wi.type, 3);
    EXPECT_EQ(cap_expect()->wi.type, 3);
    cap_expect_none();

    udp_disconnect(pcb);
    EXPECT_EQ(pcb->remote_port, 0);
    EXPECT(ip_addr_isany(&pcb->remote_ip));
    len = pkt_udp_packet(pkt, OTHER4, 1234, LOCAL4, 7, "now", 3);
    inject(pkt, len);
    EXPECT_EQ(rx_expect()->len, 3);
    cap_expect_none();
}

SCENARIO(udp_connect_binds_ephemeral, "udp_connect on an unbound pcb binds it to an ephemeral port")
{
    struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_V6);
    ip_addr_t peer = h_ip(PEER6);
    REQUIRE(pcb != NULL);
    EXPECT_ERR(udp_connect(pcb, &peer, 4053), ERR_OK);
    trace("local port %s", ephemeral(pcb->local_port) ? "ephemeral" : "OUT-OF-RANGE");
    EXPECT(ephemeral(pcb->local_port));
    EXPECT(h_ip_is(&pcb->remote_ip, PEER6));
}

SCENARIO(udp_remove_stops_delivery, "after udp_remove the port is closed: no callback, port unreachable")
{
    struct udp_pcb *pcb;
    size_t len;
    EXPECT_ERR(try_bind(&pcb, IPADDR_TYPE_ANY, IP_ANY_TYPE, 7), ERR_OK);
    h_udp_record(pcb, 1);
    udp_remove(pcb);
    len = pkt_udp_packet(pkt, PEER4, 1, LOCAL4, 7, "gone", 4);
    inject(pkt, len);
    len = pkt_udp_packet(pkt, PEER6, 1, LOCAL6, 7, "gone", 4);
    inject(pkt, len);
    rx_expect_none();
    EXPECT_EQ(cap_expect()->wi.type, 3);
    EXPECT_EQ(cap_expect()->wi.type, 1);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}
