/* malformed.c: broken IP packets, each in an exact-size PBUF_REF buffer,
 * must be dropped: no output, no callback, buffer freed, no read past the
 * end (the guard page or ASan turns one into a crash). */
#include "conformance.h"

static uint8_t pkt[PKT_MAX];
static uint8_t work[PKT_MAX];

/* A listener on port 7 for both families, so a wrongly accepted datagram
 * shows up as a callback. */
static void listen7(void)
{
    struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
    REQUIRE(pcb != NULL);
    EXPECT_ERR(udp_bind(pcb, IP_ANY_TYPE, 7), ERR_OK);
    h_udp_record(pcb, 1);
}

static void expect_dropped(void)
{
    rx_expect_none();
    cap_expect_none();
    EXPECT_EQ(inject_outstanding(), 0);
}

/* Injects a copy of the first n bytes of pkt after fix() patched it. */
static void inject_variant(size_t n, void (*fix)(uint8_t *p, size_t n, int arg), int arg)
{
    memcpy(work, pkt, n);
    if (fix) {
        fix(work, n, arg);
    }
    inject(work, n);
}

static size_t udp4(void)
{
    return pkt_udp_packet(pkt, PEER4, 1234, LOCAL4, 7, "hello", 5);
}

static size_t udp6(void)
{
    return pkt_udp_packet(pkt, PEER6, 1234, LOCAL6, 7, "hello", 5);
}

static void set_ihl(uint8_t *p, size_t n, int ihl)
{
    (void)n;
    p[0] = (uint8_t)((p[0] & 0xf0) | ihl);
    pkt_ip4_fix_csum(p);
}

static void set_tot_len(uint8_t *p, size_t n, int len)
{
    (void)n;
    pkt_put16(p + 2, (uint16_t)len);
    pkt_ip4_fix_csum(p);
}

static void set_version(uint8_t *p, size_t n, int v)
{
    (void)n;
    p[0] = (uint8_t)((p[0] & 0x0f) | v << 4);
    if (v != 6 && (p[0] & 0x0f) >= 5) {
        pkt_ip4_fix_csum(p);
    }
}

static void set_src4(uint8_t *p, size_t n, int which)
{
    static const uint8_t bcast[4] = {255, 255, 255, 255}, mcast[4] = {224, 0, 0, 5};
    (void)n;
    memcpy(p + 12, which ? mcast : bcast, 4);
    pkt_ip4_fix_csum(p);
}

static void set_plen(uint8_t *p, size_t n, int plen)
{
    (void)n;
    pkt_put16(p + 4, (uint16_t)plen);
}

SCENARIO(ip4_ihl_too_small, "IPv4 with IHL 0..4 is dropped")
{
    size_t len = udp4();
    int ihl;
    listen7();
    for (ihl = 0; ihl < 5; ihl++) {
        inject_variant(len, set_ihl, ihl);
    }
    expect_dropped();
}

SCENARIO(ip4_ihl_beyond_packet, "IPv4 whose IHL exceeds the total length is dropped")
{
    size_t len = udp4();
    listen7();
    inject_variant(len, set_ihl, 15); /* 60-byte header in a 33-byte packet */
    inject_variant(len, set_ihl, 9);  /* 36 > 33 */
    expect_dropped();
}

SCENARIO(ip4_total_length_beyond_buffer, "IPv4 total length larger than the buffer is dropped")
{
    size_t len = udp4();
    listen7();
    inject_variant(len, set_tot_len, (int)len + 1);
    inject_variant(len, set_tot_len, (int)len + 100);
    inject_variant(len, set_tot_len, 0xffff);
    expect_dropped();
}

SCENARIO(ip4_total_length_below_header, "IPv4 total length shorter than the header is dropped")
{
    size_t len = udp4();
    listen7();
    inject_variant(len, set_tot_len, 19);
    inject_variant(len, set_tot_len, 10);
    inject_variant(len, set_tot_len, 0);
    expect_dropped();
}

SCENARIO(ip4_bad_header_checksum, "IPv4 with a wrong header checksum is dropped")
{
    size_t len = udp4();
    listen7();
    memcpy(work, pkt, len);
    work[10] ^= 0x01;
    inject(work, len);
    memcpy(work, pkt, len);
    pkt_put16(work + 10, 0); /* zero is not "no checksum" in IPv4 */
    inject(work, len);
    expect_dropped();
}

SCENARIO(ip_bad_version, "packets with IP version other than 4 or 6 are dropped")
{
    size_t len = udp4();
    int versions[] = {0, 1, 5, 7, 15}, i;
    listen7();
    for (i = 0; i < 5; i++) {
        inject_variant(len, set_version, versions[i]);
    }
    len = udp6();
    for (i = 0; i < 5; i++) {
        inject_variant(len, set_version, versions[i]);
    }
    expect_dropped();
}

SCENARIO(ip4_truncated, "IPv4 cut short at every length from 4 to 32 bytes is dropped")
{
    size_t len = udp4(), n;
    listen7();
    for (n = 4; n < len; n++) {
        inject_variant(n, NULL, 0);
    }
    expect_dropped();
}

SCENARIO_LWIP_DEVIATES(ip4_tiny, "packets of 0 to 3 bytes are dropped without reading past them",
    "2.1.3 ip_input/ip4_input read the version and total length fields before checking the "
    "buffer length (reads past a 0..3 byte buffer)")
{
    size_t len = udp4(), n;
    listen7();
    for (n = 0; n < 4 && n < len; n++) {
        inject_variant(n, NULL, 0);
    }
    expect_dropped();
}

SCENARIO(ip4_udp_header_truncated, "IPv4 whose payload is shorter than a UDP header is dropped")
{
    size_t len = udp4(), n;
    listen7();
    for (n = 20; n < 28; n++) {
        inject_variant(n, set_tot_len, (int)n);
    }
    (void)len;
    expect_dropped();
}

SCENARIO(ip4_bad_source, "IPv4 from a broadcast or multicast source is dropped")
{
    size_t len = udp4();
    listen7();
    inject_variant(len, set_src4, 0);
    inject_variant(len, set_src4, 1);
    expect_dropped();
}

SCENARIO(ip6_truncated, "IPv6 cut short at every length from 6 to 52 bytes is dropped")
{
    size_t len = udp6(), n;
    listen7();
    for (n = 6; n < len; n++) {
        inject_variant(n, NULL, 0);
    }
    expect_dropped();
}

SCENARIO_LWIP_DEVIATES(ip6_tiny, "IPv6 packets of 1 to 5 bytes are dropped without reading past them",
    "2.1.3 ip6_input reads the payload length field (bytes 4-5) before checking the buffer length")
{
    size_t len = udp6(), n;
    listen7();
    for (n = 1; n < 6 && n < len; n++) {
        inject_variant(n, NULL, 0);
    }
    expect_dropped();
}

SCENARIO(ip6_payload_length_beyond_buffer, "IPv6 payload length larger than the buffer is dropped")
{
    size_t len = udp6();
    listen7();
    inject_variant(len, set_plen, (int)len - 40 + 1);
    inject_variant(len, set_plen, (int)len - 40 + 100);
    inject_variant(len, set_plen, 0xffff);
    expect_dropped();
}

SCENARIO(ip6_udp_header_truncated, "IPv6 whose payload is shorter than a UDP header is dropped")
{
    size_t n;
    udp6();
    listen7();
    for (n = 40; n < 48; n++) {
        inject_variant(n, set_plen, (int)n - 40);
    }
    expect_dropped();
}

SCENARIO(ip6_bad_addresses, "IPv6 from a multicast source or with v4-mapped addresses is dropped")
{
    pkt_addr mc = pkt_addr_of("ff02::1"), mapped = pkt_addr_of("::ffff:198.18.0.1");
    size_t len = udp6();
    listen7();
    memcpy(work, pkt, len);
    memcpy(work + 8, mc.a, 16);
    inject(work, len);
    memcpy(work, pkt, len);
    memcpy(work + 24, mapped.a, 16);
    inject(work, len);
    memcpy(work, pkt, len);
    memcpy(work + 8, mapped.a, 16);
    inject(work, len);
    memcpy(work, pkt, len);
    memset(work + 8, 0, 16); /* unspecified source, not for a solicited-node group */
    inject(work, len);
    expect_dropped();
}

SCENARIO(ip6_ext_header_overruns, "IPv6 extension headers longer than the packet are dropped")
{
    static uint8_t seg[64];
    pkt_addr s = pkt_addr_of(PEER6), d = pkt_addr_of(LOCAL6);
    struct pkt_udp u = {.sport = 1, .dport = 7};
    struct pkt_ip6 h = {.src = s, .dst = d, .nh = PKT_HOPOPT, .hlim = 64};
    size_t n, len;
    listen7();
    /* hop-by-hop then destination options, each claiming 48 bytes */
    n = pkt_ip6_opthdr(seg, PKT_UDP, 8, NULL, 0);
    n += pkt_udp(seg + n, &s, &d, &u, "x", 1);
    len = pkt_ip6(pkt, &h, seg, n);
    memcpy(work, pkt, len);
    work[41] = 5;
    inject(work, len);
    h.nh = PKT_DSTOPTS;
    len = pkt_ip6(pkt, &h, seg, n);
    memcpy(work, pkt, len);
    work[41] = 5;
    inject(work, len);
    /* a fragment header cut short */
    h.nh = PKT_FRAGMENT;
    len = pkt_ip6(pkt, &h, seg, 4);
    inject(pkt, len);
    expect_dropped();
}
