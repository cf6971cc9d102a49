/* ip6ext.c: IPv6 extension headers in front of UDP: skipped when they
 * should be, errors when RFC 8200 asks for them. */
#include "conformance.h"

static uint8_t pkt[PKT_MAX], seg[PKT_MAX];
static const char msg[] = "behind extension headers";

/* One extension header in a chain being built. */
struct ext {
    uint8_t type;          /* PKT_HOPOPT, PKT_DSTOPTS or PKT_ROUTING */
    size_t len;            /* multiple of 8 */
    const uint8_t *opt;    /* options (or routing type/segments left) */
    size_t optlen;
};

/* Builds PEER6 -> LOCAL6 with the extension headers, then UDP 1 -> 7. */
static size_t build(const struct ext *e, int k)
{
    pkt_addr s = pkt_addr_of(PEER6), d = pkt_addr_of(LOCAL6);
    struct pkt_udp u = {.sport = 1, .dport = 7};
    struct pkt_ip6 h = {.src = s, .dst = d, .hlim = 64};
    size_t off = 0;
    int i;
    h.nh = k ? e[0].type : PKT_UDP;
    for (i = 0; i < k; i++) {
        uint8_t nh = i + 1 < k ? e[i + 1].type : PKT_UDP;
        if (e[i].type == PKT_ROUTING) {
            memset(seg + off, 0, e[i].len);
            seg[off] = nh;
            seg[off + 1] = (uint8_t)(e[i].len / 8 - 1);
            memcpy(seg + off + 2, e[i].opt, e[i].optlen);
            off += e[i].len;
        } else {
            off += pkt_ip6_opthdr(seg + off, nh, e[i].len, e[i].opt, e[i].optlen);
        }
    }
    off += pkt_udp(seg + off, &s, &d, &u, msg, sizeof(msg) - 1);
    return pkt_ip6(pkt, &h, seg, off);
}

static void listen7(void)
{
    struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_V6);
    REQUIRE(pcb != NULL);
    EXPECT_ERR(udp_bind(pcb, IP6_ADDR_ANY, 7), ERR_OK);
    h_udp_record(pcb, 1);
}

static void expect_delivered(void)
{
    struct rx *r = rx_expect();
    EXPECT_EQ(r->len, sizeof(msg) - 1);
    EXPECT_MEM(r->data, msg, sizeof(msg) - 1);
    EXPECT(h_ip_is(&r->cur_src, PEER6));
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

/* Expects an ICMPv6 parameter problem with code and pointer (an offset
 * from the start of the IPv6 header); with quote set, also that it quotes
 * the whole invoking packet of len bytes (RFC 4443 2.4(c)). */
static void expect_param_problem(uint8_t code, uint32_t pointer, size_t len, int quote)
{
    struct cap *c = cap_expect();
    EXPECT_EQ(c->wi.proto, PKT_ICMP6);
    EXPECT_EQ(c->wi.type, 4);
    EXPECT_EQ(c->wi.code, code);
    EXPECT_EQ(c->wi.icmp_word, pointer);
    if (quote) {
        EXPECT_EQ(c->wi.pl_len, len);
        if (c->wi.pl_len == len) {
            EXPECT_MEM(c->data + c->wi.pl_off, pkt, len);
        }
    }
    rx_expect_none();
    cap_expect_none();
}

SCENARIO(ip6_ext_hop_by_hop, "a hop-by-hop header before UDP is skipped and the datagram delivered")
{
    struct ext e[] = {{PKT_HOPOPT, 8, NULL, 0}};
    listen7();
    inject(pkt, build(e, 1));
    expect_delivered();
}

SCENARIO(ip6_ext_dest_options, "destination options (Pad1, PadN) before UDP are skipped")
{
    static const uint8_t pads[] = {0, 0, 1, 3, 0, 0, 0}; /* Pad1 Pad1 PadN(3) */
    struct ext e[] = {{PKT_DSTOPTS, 16, pads, sizeof(pads)}};
    listen7();
    inject(pkt, build(e, 1));
    expect_delivered();
}

SCENARIO(ip6_ext_chain, "hop-by-hop, destination options and a routing header with no segments left")
{
    static const uint8_t route[] = {0, 0}; /* type 0, segments left 0: ignored */
    struct ext e[] = {{PKT_HOPOPT, 8, NULL, 0},
                      {PKT_DSTOPTS, 24, NULL, 0},
                      {PKT_ROUTING, 8, route, sizeof(route)}};
    listen7();
    inject(pkt, build(e, 3));
    expect_delivered();
}

SCENARIO(ip6_ext_unknown_option_skip, "an unknown option with action 00 is skipped")
{
    static const uint8_t opt[] = {0x1e, 2, 0xaa, 0xbb};
    struct ext e[] = {{PKT_DSTOPTS, 8, opt, sizeof(opt)}};
    listen7();
    inject(pkt, build(e, 1));
    expect_delivered();
}

SCENARIO(ip6_ext_unknown_option_discard, "an unknown option with action 01 discards the packet silently")
{
    static const uint8_t opt[] = {0x5e, 2, 0xaa, 0xbb};
    struct ext e[] = {{PKT_HOPOPT, 8, opt, sizeof(opt)}};
    listen7();
    inject(pkt, build(e, 1));
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

static void unknown_option_error(int quote)
{
    static const uint8_t opt10[] = {0x9e, 2, 0xaa, 0xbb};
    static const uint8_t opt11[] = {0xde, 2, 0xaa, 0xbb};
    struct ext e[] = {{PKT_DSTOPTS, 8, opt10, sizeof(opt10)}};
    size_t len;
    len = build(e, 1);
    inject(pkt, len);
    expect_param_problem(2, 42, len, quote);
    e[0].opt = opt11;
    len = build(e, 1);
    inject(pkt, len);
    expect_param_problem(2, 42, len, quote);
}

static void hop_by_hop_not_first(int quote)
{
    struct ext e[] = {{PKT_DSTOPTS, 8, NULL, 0}, {PKT_HOPOPT, 8, NULL, 0}};
    size_t len;
    len = build(e, 2);
    inject(pkt, len);
    expect_param_problem(1, 40, len, quote); /* the next header field naming it */
}

static void routing_unknown_type(int quote)
{
    static const uint8_t route[] = {253, 1};
    struct ext e[] = {{PKT_ROUTING, 8, route, sizeof(route)}};
    size_t len;
    len = build(e, 1);
    inject(pkt, len);
    expect_param_problem(0, 42, len, quote); /* the routing type field */
}

SCENARIO(ip6_ext_unknown_option_error, "an unknown option with action 10 or 11: parameter problem pointing at it")
{
    listen7();
    unknown_option_error(0);
}

SCENARIO(ip6_ext_hop_by_hop_not_first, "a hop-by-hop header after another header: parameter problem")
{
    listen7();
    hop_by_hop_not_first(0);
}

SCENARIO(ip6_ext_routing_unknown_type, "a routing header of unknown type with segments left: parameter problem")
{
    listen7();
    routing_unknown_type(0);
}

SCENARIO_LWIP_DEVIATES(ip6_ext_error_quotes_packet, "parameter problems about extension headers quote the packet from its IPv6 header",
    "2.1.3 ip6_input calls icmp6_param_problem with the payload pointer already past the IPv6 "
    "header (and past earlier extension headers), so the quote starts mid-packet")
{
    listen7();
    unknown_option_error(1);
    hop_by_hop_not_first(1);
    routing_unknown_type(1);
}

SCENARIO(ip6_ext_no_next_header, "next header 59 (no next header) is dropped silently")
{
    struct ext e[] = {{PKT_DSTOPTS, 8, NULL, 0}};
    size_t len = build(e, 1);
    listen7();
    pkt[40] = PKT_NONE6; /* the destination options header points at nothing */
    inject(pkt, len);
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}
