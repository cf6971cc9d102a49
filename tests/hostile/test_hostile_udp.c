/* tests/hostile/test_hostile_udp.c: malformed UDP datagrams over IPv4 and
 * IPv6: lengths, checksums, the zero checksum. */
#include <stdlib.h>
#include <string.h>

#include "hassert.h"
#include "unit_suite.h"

static uint8_t pkt[2048];

static void begin(void)
{
    H_BEGIN(NULL);
    CU_ASSERT_FATAL(h_udp_open(7) != NULL);
}

static size_t v4(const char *msg) { return hp_udp4(pkt, H_PEER4, H_US4, 1234, 7, msg, strlen(msg), false); }
static size_t v6(const char *msg) { return hp_udp6(pkt, H_PEER6, H_US6, 1234, 7, msg, strlen(msg), false); }

/* Sets the UDP length field (header at off) and makes the checksum valid
 * again over what the field claims, so only the length is wrong. */
static void set_len(size_t off, uint16_t len, bool six)
{
    hp_w16(pkt + off + 4, len);
    size_t avail = six ? (size_t)hp_r16(pkt + 4) : (size_t)hp_r16(pkt + 2) - 20;
    size_t n = len < avail ? len : avail;
    if (six)
        hp_l4_csum6(pkt + off, n, H_PEER6, H_US6, HP_PROTO_UDP, 6);
    else
        hp_l4_csum4(pkt + off, n, H_PEER4, H_US4, HP_PROTO_UDP, 6);
}

static void test_length_field(void)
{
    begin();
    static const uint16_t bad[] = {0, 1, 7, 14, 100, 0xffff};
    for (int six = 0; six < 2; six++) {
        for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            size_t n = six ? v6("hello") : v4("hello"); /* UDP length 13 */
            set_len(six ? 40 : 20, bad[i], six);
            H_SNAP(s0);
            h_input(pkt, n);
            H_DROPPED(s0, "ip_in+1 udp_in+1 udp_drop_malformed+1");
        }
        /* Fewer than 8 bytes of UDP in the IP payload. */
        size_t n = six ? hp_ip6(pkt, H_PEER6, H_US6, HP_PROTO_UDP, "\x04\xd2\x00\x07", 4)
                       : hp_ip4(pkt, H_PEER4, H_US4, HP_PROTO_UDP, "\x04\xd2\x00\x07", 4, 1, 0, NULL, 0);
        H_SNAP(s1);
        h_input(pkt, n);
        H_DROPPED(s1, "ip_in+1 udp_in+1 udp_drop_malformed+1");
        n = six ? hp_ip6(pkt, H_PEER6, H_US6, HP_PROTO_UDP, NULL, 0)
                : hp_ip4(pkt, H_PEER4, H_US4, HP_PROTO_UDP, NULL, 0, 1, 0, NULL, 0);
        H_SNAP(s2);
        h_input(pkt, n);
        H_DROPPED(s2, "ip_in+1 udp_in+1 udp_drop_malformed+1");
    }
    H_EQ(h_udp.count, 0);
    H_END();
}

/* A length below the IP payload: the rest is padding, trimmed; the
 * checksum covers the datagram the length says. */
static void test_length_below_payload(void)
{
    begin();
    for (int six = 0; six < 2; six++) {
        size_t n = six ? v6("hello, padded") : v4("hello, padded");
        set_len(six ? 40 : 20, 8 + 5, six);
        H_SNAP(s0);
        h_input(pkt, n);
        H_MOVED(s0, "ip_in+1 udp_in+1");
        H_EQ(h_udp.last_len, 5);
        CU_ASSERT(memcmp(h_udp.last, "hello", 5) == 0);
        /* An empty datagram. */
        n = six ? v6("") : v4("");
        h_input(pkt, n);
        H_EQ(h_udp.last_len, 0);
    }
    H_EQ(h_udp.count, 4);
    H_EQ(h_ncap(), 0);
    H_EQ(h_custom_live, 0);
    H_END();
}

static void test_zero_checksum(void)
{
    begin();
    /* Over IPv4, 0 means "no checksum": accepted. */
    size_t n = hp_udp4(pkt, H_PEER4, H_US4, 1234, 7, "nocsum", 6, true);
    H_EQ(hp_r16(pkt + 26), 0);
    H_SNAP(s0);
    h_input(pkt, n);
    H_MOVED(s0, "ip_in+1 udp_in+1");
    H_EQ(h_udp.count, 1);
    /* Over IPv6 it is forbidden (RFC 8200 8.1): dropped. */
    n = hp_udp6(pkt, H_PEER6, H_US6, 1234, 7, "nocsum", 6, true);
    H_EQ(hp_r16(pkt + 46), 0);
    H_SNAP(s1);
    h_input(pkt, n);
    H_DROPPED(s1, "ip_in+1 udp_in+1 udp_drop_checksum+1");
    /* Nor is a zero-checksum datagram to a closed port answered. */
    n = hp_udp6(pkt, H_PEER6, H_US6, 1234, 9, "nocsum", 6, true);
    H_SNAP(s2);
    h_input(pkt, n);
    H_DROPPED(s2, "ip_in+1 udp_in+1 udp_drop_checksum+1");
    H_EQ(h_udp.count, 1);
    H_END();
}

/* A checksum that computes to 0 is sent as 0xffff (RFC 768) and verifies. */
static void test_checksum_ffff(void)
{
    begin();
    for (int six = 0; six < 2; six++) {
        uint8_t msg[8] = "abcdefgh";
        size_t n = six ? hp_udp6(pkt, H_PEER6, H_US6, 1234, 7, msg, 8, true)
                       : hp_udp4(pkt, H_PEER4, H_US4, 1234, 7, msg, 8, true);
        size_t off = six ? 40 : 20;
        /* Adjust the last payload word so the sum is 0xffff. */
        uint64_t ps = six ? hp_pseudo6(H_PEER6, H_US6, HP_PROTO_UDP, 16) : hp_pseudo4(H_PEER4, H_US4, HP_PROTO_UDP, 16);
        hp_w16(pkt + off + 14, 0);
        uint16_t c = hp_fold(hp_sum(ps, pkt + off, 16)); /* what the word must add */
        hp_w16(pkt + off + 14, c);
        CU_ASSERT_FATAL(hp_fold(hp_sum(ps, pkt + off, 16)) == 0);
        hp_w16(pkt + off + 6, 0xffff);
        (void)n;
        H_SNAP(s0);
        h_input(pkt, off + 16);
        H_MOVED(s0, "ip_in+1 udp_in+1");
    }
    H_EQ(h_udp.count, 2);
    H_END();
}

static void test_bad_checksum(void)
{
    begin();
    for (int six = 0; six < 2; six++) {
        size_t n = six ? v6("corrupted") : v4("corrupted");
        pkt[n - 1] ^= 1;
        H_SNAP(s0);
        h_input(pkt, n);
        H_DROPPED(s0, "ip_in+1 udp_in+1 udp_drop_checksum+1");
    }
    H_EQ(h_udp.count, 0);
    H_END();
}

/* Port unreachable quotes the IP header and 8 bytes (IPv4), or as much as
 * fits 1280 bytes (IPv6), and never answers a broadcast. */
static void test_port_unreachable(void)
{
    begin();
    static uint8_t big[1400];
    memset(big, 'q', sizeof(big));
    size_t n = hp_udp4(pkt, H_PEER4, H_US4, 1234, 9, big, 100, false);
    h_input(pkt, n);
    hp_pkt e;
    CU_ASSERT_FATAL(h_ncap() == 1 && h_cap_pkt(0, &e));
    H_EQ(e.itype, 3);
    H_EQ(e.icode, 3);
    H_EQ(e.dlen, 28);
    CU_ASSERT(memcmp(e.data, pkt, 28) == 0);
    h_clear();
    n = hp_udp6(pkt, H_PEER6, H_US6, 1234, 9, big, sizeof(big), false);
    h_input(pkt, n);
    CU_ASSERT_FATAL(h_ncap() == 1 && h_cap_pkt(0, &e));
    H_EQ(e.itype, 1);
    H_EQ(e.icode, 4);
    H_EQ(e.dlen, 1232);
    CU_ASSERT(memcmp(e.data, pkt, 1232) == 0);
    h_clear();
    H_END();
}

TERN_UNIT_SUITE(hostile_udp)
{
    CU_pSuite s = CU_add_suite("hostile/udp", NULL, NULL);
    CU_add_test(s, "length below 8 or beyond the IP payload", test_length_field);
    CU_add_test(s, "length below the IP payload is trimmed", test_length_below_payload);
    CU_add_test(s, "zero checksum: IPv4 accepted, IPv6 dropped", test_zero_checksum);
    CU_add_test(s, "checksum 0xffff stands for 0", test_checksum_ffff);
    CU_add_test(s, "bad checksums", test_bad_checksum);
    CU_add_test(s, "port unreachable quotes and bounds", test_port_unreachable);
}
