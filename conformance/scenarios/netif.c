/* netif.c: the netif fields and calls a driver uses, and what an
 * interface that is down does with traffic. */
#include "conformance.h"

static uint8_t pkt[PKT_MAX];

SCENARIO(netif_fields, "netif addresses, state and flags as set up by netif_add and friends")
{
    ip_addr_t a4, m4;
    ip_addr_copy_from_ip4(a4, *netif_ip4_addr(h_netif));
    ip_addr_copy_from_ip4(m4, *netif_ip4_netmask(h_netif));
    EXPECT(h_ip_is(&a4, LOCAL4));
    EXPECT(h_ip_is(&m4, "255.254.0.0"));
    EXPECT(h_ip_is(netif_ip_addr6(h_netif, 0), LOCAL6));
    EXPECT_EQ(netif_ip6_addr_state(h_netif, 0), IP6_ADDR_PREFERRED);
    EXPECT(ip6_addr_isvalid(netif_ip6_addr_state(h_netif, 0)));
    EXPECT(netif_is_up(h_netif));
    EXPECT(netif_is_link_up(h_netif));
    EXPECT(netif_default == h_netif);
    EXPECT_EQ(h_netif->mtu, 1500);
    EXPECT_EQ(h_netif->flags & NETIF_FLAG_ETHARP, 0);
    EXPECT(h_netif->input != NULL);
    EXPECT(h_netif->name[0] == 't' && h_netif->name[1] == 'n');
    EXPECT(netif_find("tn0") == h_netif || netif_find("tn1") == h_netif);
}

SCENARIO(netif_down_drops, "a netif that is down accepts nothing; up again it answers")
{
    size_t len = pkt_echo_packet(pkt, PEER4, LOCAL4, 1, 1, "up?", 3);
    netif_set_down(h_netif);
    EXPECT(!netif_is_up(h_netif));
    inject(pkt, len);
    len = pkt_echo_packet(pkt, PEER6, LOCAL6, 1, 2, "up?", 3);
    inject(pkt, len);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
    netif_set_up(h_netif);
    inject(pkt, len);
    EXPECT_EQ(cap_expect()->wi.type, 129);
    len = pkt_echo_packet(pkt, PEER4, LOCAL4, 1, 3, "up!", 3);
    inject(pkt, len);
    EXPECT_EQ(cap_expect()->wi.type, 0);
    cap_expect_none();
}

SCENARIO(netif_address_change, "after netif_set_ipaddr the stack answers on the new address only")
{
    ip4_addr_t na;
    size_t len;
    IP4_ADDR(&na, 198, 18, 0, 9);
    netif_set_ipaddr(h_netif, &na);
    len = pkt_echo_packet(pkt, PEER4, LOCAL4, 1, 1, "old", 3);
    inject(pkt, len);
    cap_expect_none();
    len = pkt_echo_packet(pkt, PEER4, "198.18.0.9", 1, 2, "new", 3);
    inject(pkt, len);
    {
        struct cap *c = cap_expect();
        pkt_addr want = pkt_addr_of("198.18.0.9");
        EXPECT_EQ(c->wi.type, 0);
        EXPECT(pkt_addr_eq(&c->wi.src, &want));
    }
    cap_expect_none();
}
