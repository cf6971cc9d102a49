/* addr.c: the ip_addr API: text conversion (lwIP's test_ip6 cases),
 * constructor macros, comparisons and classification. */
#include "conformance.h"

static int bytes_are(const ip_addr_t *a, const char *text)
{
    return h_ip_is(a, text);
}

/* ip4addr_aton/ipaddr_aton of text: the expected result and address. */
static void aton4(const char *text, int ok, const char *want)
{
    ip4_addr_t a;
    ip_addr_t b;
    int r = ip4addr_aton(text, &a);
    trace("ip4addr_aton(\"%s\") -> %d", text, r);
    EXPECT_EQ(r, ok);
    if (ok && r) {
        ip_addr_t w = h_ip(want);
        EXPECT_EQ(a.addr, ip_2_ip4(&w)->addr);
        EXPECT_EQ(ipaddr_aton(text, &b), 1);
        EXPECT(IP_IS_V4_VAL(b));
        EXPECT(bytes_are(&b, want));
    }
}

SCENARIO(addr_ip4_text, "ip4addr_aton forms (dotted, short, hex, octal), errors, ntoa round trips")
{
    static const char *round[] = {"198.18.0.1", "0.0.0.0", "255.255.255.255", "10.1.2.3"};
    char buf[IP4ADDR_STRLEN_MAX];
    size_t i;
    for (i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
        ip4_addr_t a;
        EXPECT_EQ(ip4addr_aton(round[i], &a), 1);
        EXPECT_STR(ip4addr_ntoa_r(&a, buf, sizeof(buf)), round[i]);
        EXPECT_STR(ip4addr_ntoa(&a), round[i]);
    }
    aton4("127.1", 1, "127.0.0.1");
    aton4("0x7f.0.0.1", 1, "127.0.0.1");
    aton4("010.0.0.1", 1, "8.0.0.1");
    aton4("1.2.3.4.5", 0, NULL);
    aton4("1.2.3.256", 0, NULL);
    aton4("abc", 0, NULL);
    aton4("", 0, NULL);
    {
        ip4_addr_t a;
        IP4_ADDR(&a, 198, 18, 0, 1);
        EXPECT(ip4addr_ntoa_r(&a, buf, 10) == NULL); /* too small */
    }
}

SCENARIO(addr_ip6_text, "ip6addr_aton/ntoa: lwIP's test_ip6 cases, IPv4-mapped forms, zero compression")
{
    static const struct {
        ip_addr_t addr;
        const char *str;
    } ntoa[] = {
        {IPADDR6_INIT_HOST(0xfe800000, 0x00000000, 0xb2a1a2ff, 0xfea3a4a5), "FE80::B2A1:A2FF:FEA3:A4A5"},
        {IPADDR6_INIT_HOST(0xfe800000, 0xff000000, 0xb2a1a2ff, 0xfea3a4a5), "FE80:0:FF00:0:B2A1:A2FF:FEA3:A4A5"},
        {IPADDR6_INIT_HOST(0xfe800000, 0xff000000, 0xb2000000, 0x0000a4a5), "FE80:0:FF00:0:B200::A4A5"},
        {IPADDR6_INIT_HOST(0, 0, 0xffff, 0xd4cc65d2), "::FFFF:212.204.101.210"},
        {IPADDR6_INIT_HOST(0x20010db8, 0, 0, 1), "2001:DB8::1"},
        {IPADDR6_INIT_HOST(0, 0, 0, 0), "::"},
        {IPADDR6_INIT_HOST(0, 0, 0, 1), "::1"},
    };
    static const char *mapped[] = {"0:0:0:0:0:FFFF:D4CC:65D2", "::FFFF:D4CC:65D2",
                                   "0:0:0:0:0:FFFF:212.204.101.210", "::FFFF:212.204.101.210"};
    const ip_addr_t want = IPADDR6_INIT_HOST(0, 0, 0xffff, 0xd4cc65d2);
    char buf[IP6ADDR_STRLEN_MAX];
    size_t i;
    for (i = 0; i < sizeof(ntoa) / sizeof(ntoa[0]); i++) {
        ip6_addr_t back;
        const char *s = ip6addr_ntoa_r(ip_2_ip6(&ntoa[i].addr), buf, sizeof(buf));
        EXPECT(s == buf);
        EXPECT_STR(s, ntoa[i].str);
        EXPECT_EQ(ip6addr_aton(ntoa[i].str, &back), 1);
        EXPECT_MEM(back.addr, ip_2_ip6(&ntoa[i].addr)->addr, 16);
    }
    for (i = 0; i < sizeof(mapped) / sizeof(mapped[0]); i++) {
        ip6_addr_t a6;
        ip_addr_t a;
        memset(&a6, 0, sizeof(a6));
        EXPECT_EQ(ip6addr_aton(mapped[i], &a6), 1);
        EXPECT_MEM(a6.addr, ip_2_ip6(&want)->addr, 16);
        memset(&a, 0, sizeof(a));
        EXPECT_EQ(ipaddr_aton(mapped[i], &a), 1);
        EXPECT(IP_IS_V6_VAL(a));
        EXPECT_MEM(ip_2_ip6(&a)->addr, ip_2_ip6(&want)->addr, 16);
    }
    {
        ip6_addr_t a6;
        ip_addr_t a;
        EXPECT_EQ(ip6addr_aton("::FFFF:212.204.101.2101", &a6), 0);
        EXPECT_EQ(ipaddr_aton("::FFFF:212.204.101.2101", &a), 0);
        EXPECT_EQ(ipaddr_aton("2001:db8::1", &a), 1);
        EXPECT(IP_IS_V6_VAL(a));
        EXPECT(bytes_are(&a, LOCAL6));
        EXPECT_STR(ipaddr_ntoa(&a), "2001:DB8::1");
        EXPECT_STR(ipaddr_ntoa_r(&a, buf, sizeof(buf)), "2001:DB8::1");
    }
}

SCENARIO(addr_macros, "IP_ADDR4, IP_ADDR6, IP_ADDR6_HOST, IPADDR4_INIT_BYTES and accessors")
{
    ip_addr_t a, b;
    const ip_addr_t c = IPADDR4_INIT_BYTES(198, 19, 0, 2);
    const ip_addr_t d = IPADDR6_INIT_HOST(0x20010db8, 0, 0, 2);
    ip4_addr_t v4;
    memset(&a, 0, sizeof(a));
    IP_ADDR4(&a, 198, 18, 0, 1);
    EXPECT(IP_IS_V4_VAL(a));
    EXPECT_EQ(IP_GET_TYPE(&a), IPADDR_TYPE_V4);
    EXPECT(bytes_are(&a, LOCAL4));
    EXPECT_EQ(ip4_addr1(ip_2_ip4(&a)), 198);
    EXPECT_EQ(ip4_addr2(ip_2_ip4(&a)), 18);
    EXPECT_EQ(ip4_addr3(ip_2_ip4(&a)), 0);
    EXPECT_EQ(ip4_addr4(ip_2_ip4(&a)), 1);
    EXPECT_EQ(lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&a))), 0xc6120001u);
    EXPECT_EQ(ip_addr_get_ip4_u32(&a), ip4_addr_get_u32(ip_2_ip4(&a)));
    ip4_addr_set_u32(&v4, PP_HTONL(LWIP_MAKEU32(198, 19, 0, 2)));
    EXPECT(ip4_addr_cmp(&v4, ip_2_ip4(&c)));
    EXPECT(bytes_are(&c, PEER4));

    IP_ADDR6(&b, PP_HTONL(0x20010db8), 0, 0, PP_HTONL(1));
    EXPECT(IP_IS_V6_VAL(b));
    EXPECT(bytes_are(&b, LOCAL6));
    IP_ADDR6_HOST(&b, 0x20010db8, 0, 0, 2);
    EXPECT(bytes_are(&b, PEER6));
    EXPECT(ip_addr_cmp(&b, &d));
    EXPECT(bytes_are(&d, PEER6));
}

SCENARIO(addr_compare, "ip_addr_cmp, ip_addr_isany, copy and zero across families")
{
    ip_addr_t a = h_ip(LOCAL4), b = h_ip(LOCAL4), c = h_ip(PEER4);
    ip_addr_t m = h_ip("::ffff:198.18.0.1"), s6 = h_ip(LOCAL6), z;
    const ip_addr_t *none = NULL;
    EXPECT(ip_addr_cmp(&a, &b));
    EXPECT(!ip_addr_cmp(&a, &c));
    EXPECT(!ip_addr_cmp(&a, &m)); /* v4 and its IPv4-mapped v6 form differ */
    EXPECT(!ip_addr_cmp(&a, &s6));
    EXPECT(ip_addr_isany(none)); /* a NULL pointer means any */
    EXPECT(ip_addr_isany(IP4_ADDR_ANY));
    EXPECT(ip_addr_isany(IP6_ADDR_ANY));
    EXPECT(ip_addr_isany(IP_ANY_TYPE));
    EXPECT(!ip_addr_isany(&a));
    EXPECT(!ip_addr_isany(&s6));
    EXPECT(ip_addr_isany_val(*IP4_ADDR_ANY));
    EXPECT_EQ(IP_GET_TYPE(IP_ANY_TYPE), IPADDR_TYPE_ANY);
    EXPECT(ip_addr_cmp(IP4_ADDR_ANY, IP4_ADDR_ANY));
    EXPECT(!ip_addr_cmp(IP4_ADDR_ANY, IP6_ADDR_ANY));
    ip_addr_copy(z, s6);
    EXPECT(ip_addr_cmp(&z, &s6));
    ip_addr_set_zero(&z);
    EXPECT(ip_addr_isany(&z));
    ip_addr_set(&z, &a);
    EXPECT(ip_addr_cmp(&z, &a));
    ip_addr_set_ipaddr(&z, &s6);
    EXPECT(IP_IS_V6(&z));
    {
        ip_addr_t mask = h_ip("255.254.0.0");
        EXPECT(ip_addr_netcmp(&a, &c, ip_2_ip4(&mask)));
        EXPECT(!ip4_addr_netcmp(ip_2_ip4(&a), ip_2_ip4(&(ip_addr_t)IPADDR4_INIT_BYTES(203, 0, 113, 9)),
                                ip_2_ip4(&mask)));
    }
}

SCENARIO(addr_classify, "multicast, loopback, link-local and broadcast classification")
{
    ip_addr_t mc4 = h_ip("224.0.0.1"), mc6 = h_ip("ff02::1"), lo4 = h_ip("127.0.0.1");
    ip_addr_t lo6 = h_ip("::1"), ll4 = h_ip("169.254.1.1"), ll6 = h_ip("fe80::1");
    ip_addr_t a4 = h_ip(LOCAL4), a6 = h_ip(LOCAL6), bc = h_ip("255.255.255.255");
    EXPECT(ip_addr_ismulticast(&mc4));
    EXPECT(ip_addr_ismulticast(&mc6));
    EXPECT(!ip_addr_ismulticast(&a4));
    EXPECT(!ip_addr_ismulticast(&a6));
    EXPECT(ip_addr_isloopback(&lo4));
    EXPECT(ip_addr_isloopback(&lo6));
    EXPECT(!ip_addr_isloopback(&a6));
    EXPECT(ip_addr_islinklocal(&ll4));
    EXPECT(ip_addr_islinklocal(&ll6));
    EXPECT(!ip_addr_islinklocal(&a4));
    EXPECT(ip_addr_isbroadcast(&bc, h_netif));
    EXPECT(!ip_addr_isbroadcast(&a4, h_netif));
    EXPECT(!ip_addr_isbroadcast(&a6, h_netif));
}
