/* icmp.c: ICMP and ICMPv6 echo, and the ICMP errors IP itself sends. */
#include "conformance.h"

static uint8_t pkt[PKT_MAX];
static uint8_t payload[2048];

/* Injects an echo request from peer to dst and checks the reply field by
 * field: addresses swapped, type, id/seq kept, payload byte-exact. */
static void echo_roundtrip(const char *peer, const char *dst, size_t n, uint16_t id,
                           uint16_t seq, enum inj_mode mode, size_t split)
{
    struct cap *c;
    size_t len;
    pkt_addr p = pkt_addr_of(peer), d = pkt_addr_of(dst);

    h_pattern(payload, n, (unsigned)(n + seq));
    len = pkt_echo_packet(pkt, peer, dst, id, seq, payload, n);
    EXPECT_ERR(inject_mode(pkt, len, mode, split), ERR_OK);
    c = cap_expect();
    EXPECT(pkt_addr_eq(&c->wi.src, &d));
    EXPECT(pkt_addr_eq(&c->wi.dst, &p));
    EXPECT_EQ(c->wi.proto, p.v == 4 ? PKT_ICMP : PKT_ICMP6);
    EXPECT_EQ(c->wi.type, p.v == 4 ? 0 : 129);
    EXPECT_EQ(c->wi.code, 0);
    EXPECT_EQ(c->wi.echo_id, id);
    EXPECT_EQ(c->wi.echo_seq, seq);
    EXPECT_EQ(c->wi.pl_len, n);
    if (c->wi.pl_len == n) {
        EXPECT_MEM(c->data + c->wi.pl_off, payload, n);
    }
    EXPECT_EQ(c->wi.l4_csum, 1);
    cap_expect_none();
}

SCENARIO(icmp_echo_v4, "ICMP echo request answered with an echo reply, payload byte-exact")
{
    echo_roundtrip(PEER4, LOCAL4, 56, 0x1234, 1, INJ_REF, 0);
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(icmp_echo_v4_odd_lengths, "ICMP echo of empty, odd-sized and MTU-sized payloads")
{
    static const size_t sizes[] = {0, 1, 7, 33, 255, 1001, 1471, 1472};
    size_t i;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        echo_roundtrip(PEER4, LOCAL4, sizes[i], 0xbeef, (uint16_t)i, INJ_REF, 0);
    }
}

SCENARIO(icmp_echo_v4_ram, "ICMP echo request in a PBUF_RAM buffer (reply may reuse it)")
{
    echo_roundtrip(PEER4, LOCAL4, 64, 7, 9, INJ_RAM, 0);
    echo_roundtrip(PEER4, LOCAL4, 3, 7, 10, INJ_RAM, 0);
}

SCENARIO(icmp_echo_v4_chained, "ICMP echo request split over two pbufs at several offsets")
{
    /* after the ICMP type/code/checksum, inside the payload, one byte
     * before the end */
    echo_roundtrip(PEER4, LOCAL4, 100, 1, 1, INJ_CHAIN, 24);
    echo_roundtrip(PEER4, LOCAL4, 100, 1, 2, INJ_CHAIN, 28);
    echo_roundtrip(PEER4, LOCAL4, 100, 1, 3, INJ_CHAIN, 77);
    echo_roundtrip(PEER4, LOCAL4, 101, 1, 4, INJ_CHAIN, 128);
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(icmp_echo_v6, "ICMPv6 echo request answered with an echo reply, payload byte-exact")
{
    echo_roundtrip(PEER6, LOCAL6, 56, 0x4321, 1, INJ_REF, 0);
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(icmp_echo_v6_odd_lengths, "ICMPv6 echo of empty, odd-sized and MTU-sized payloads")
{
    static const size_t sizes[] = {0, 1, 7, 33, 255, 1001, 1451, 1452};
    size_t i;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        echo_roundtrip(PEER6, LOCAL6, sizes[i], 0xbeef, (uint16_t)i, INJ_REF, 0);
    }
}

SCENARIO(icmp_echo_v6_chained, "ICMPv6 echo request split over two pbufs")
{
    echo_roundtrip(PEER6, LOCAL6, 100, 1, 1, INJ_CHAIN, 48);
    echo_roundtrip(PEER6, LOCAL6, 100, 1, 2, INJ_CHAIN, 51);
    echo_roundtrip(PEER6, LOCAL6, 99, 1, 3, INJ_CHAIN, 147);
    echo_roundtrip(PEER6, LOCAL6, 64, 1, 4, INJ_RAM, 0);
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(icmp_echo_not_local_v4, "ICMP echo to an address that is not ours gets no reply")
{
    size_t len = pkt_echo_packet(pkt, PEER4, OTHER4, 1, 1, "abc", 3);
    inject(pkt, len);
    len = pkt_echo_packet(pkt, PEER4, OFFLINK4, 1, 2, "abc", 3);
    inject(pkt, len);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(icmp_echo_not_local_v6, "ICMPv6 echo to an address that is not ours gets no reply")
{
    size_t len = pkt_echo_packet(pkt, PEER6, NONLOCAL6, 1, 1, "abc", 3);
    inject(pkt, len);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(icmp_echo_bad_checksum, "ICMP and ICMPv6 echo requests with a bad checksum are ignored")
{
    pkt_addr p4 = pkt_addr_of(PEER4), l4 = pkt_addr_of(LOCAL4), p6 = pkt_addr_of(PEER6), l6 = pkt_addr_of(LOCAL6);
    uint8_t seg[64];
    size_t n = pkt_echo(seg, &p4, &l4, 1, 1, 1, "hello", 5, PKT_CSUM_BAD);
    size_t len = pkt_ip_packet(pkt, PEER4, LOCAL4, PKT_ICMP, seg, n);
    inject(pkt, len);
    n = pkt_echo(seg, &p6, &l6, 1, 1, 1, "hello", 5, PKT_CSUM_BAD);
    len = pkt_ip_packet(pkt, PEER6, LOCAL6, PKT_ICMP6, seg, n);
    inject(pkt, len);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(icmp_echo_broadcast_multicast, "no echo reply to broadcast or multicast destinations")
{
    size_t len = pkt_echo_packet(pkt, PEER4, "255.255.255.255", 1, 1, "abc", 3);
    inject(pkt, len);
    len = pkt_echo_packet(pkt, PEER4, "224.0.0.1", 1, 2, "abc", 3);
    inject(pkt, len);
    len = pkt_echo_packet(pkt, PEER6, "ff02::1", 1, 3, "abc", 3);
    inject(pkt, len);
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

SCENARIO(icmp_echo_reply_ignored, "an unsolicited echo reply produces nothing")
{
    pkt_addr p4 = pkt_addr_of(PEER4), l4 = pkt_addr_of(LOCAL4), p6 = pkt_addr_of(PEER6), l6 = pkt_addr_of(LOCAL6);
    uint8_t seg[64];
    size_t n = pkt_echo(seg, &p4, &l4, 0, 1, 1, "x", 1, PKT_CSUM_OK);
    size_t len = pkt_ip_packet(pkt, PEER4, LOCAL4, PKT_ICMP, seg, n);
    inject(pkt, len);
    n = pkt_echo(seg, &p6, &l6, 0, 1, 1, "x", 1, PKT_CSUM_OK);
    len = pkt_ip_packet(pkt, PEER6, LOCAL6, PKT_ICMP6, seg, n);
    inject(pkt, len);
    cap_expect_none();
}

SCENARIO(ip4_unknown_protocol, "IPv4 with an unknown protocol: ICMP protocol unreachable quoting it")
{
    static const uint8_t body[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    size_t len = pkt_ip_packet(pkt, PEER4, LOCAL4, 253, body, sizeof(body));
    struct cap *c;
    inject(pkt, len);
    c = cap_expect();
    EXPECT_EQ(c->wi.proto, PKT_ICMP);
    EXPECT_EQ(c->wi.type, 3);
    EXPECT_EQ(c->wi.code, 2);
    EXPECT(c->wi.dst.v == 4 && memcmp(c->wi.dst.a, pkt_addr_of(PEER4).a, 4) == 0);
    EXPECT(memcmp(c->wi.src.a, pkt_addr_of(LOCAL4).a, 4) == 0);
    /* RFC 792: the quote is the IP header plus the first 8 data bytes */
    EXPECT(c->wi.pl_len >= 28);
    if (c->wi.pl_len >= 28) {
        EXPECT_MEM(c->data + c->wi.pl_off, pkt, 28);
    }
    cap_expect_none();
}

SCENARIO(ip6_unknown_next_header, "IPv6 with an unknown next header: ICMPv6 parameter problem")
{
    static const uint8_t body[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    size_t len = pkt_ip_packet(pkt, PEER6, LOCAL6, 253, body, sizeof(body));
    struct cap *c;
    inject(pkt, len);
    c = cap_expect();
    EXPECT_EQ(c->wi.proto, PKT_ICMP6);
    EXPECT_EQ(c->wi.type, 4);        /* parameter problem */
    EXPECT_EQ(c->wi.code, 1);        /* unrecognized next header */
    EXPECT_EQ(c->wi.icmp_word, 6);   /* pointer: the next header field */
    EXPECT_EQ(c->wi.pl_len, len);    /* whole packet fits under 1280 */
    if (c->wi.pl_len == len) {
        EXPECT_MEM(c->data + c->wi.pl_off, pkt, len);
    }
    cap_expect_none();
}
