/* tests/hostile/test_hostile_fuzzrepro.c: the fuzz targets' bodies run in
 * the unit tests: a few representative inputs (so the drivers cannot rot
 * unnoticed), and every input a fuzzer found a bug with, as fixed bytes,
 * replayed through the very code the fuzzer ran (hostile_drivers.c).
 *
 * To add a reproducer: minimize it (fuzz/build/<target> -minimize_crash=1
 * -runs=10000 CRASH), paste `xxd -i` of it below, add a test. */
#include <stdlib.h>
#include <string.h>

#include "hassert.h"
#include "hostile_drivers.h"
#include "unit_suite.h"

#define H_RUN(fn, bytes, len)                                                                              \
    do {                                                                                                   \
        int rc_ = fn(bytes, len);                                                                          \
        if (rc_)                                                                                           \
            fprintf(stderr, "%s: %s\n", #fn, hf_why);                                                     \
        H_EQ(rc_, 0);                                                                                      \
    } while (0)

static uint8_t buf[4096];

static void test_ip_driver_smoke(void)
{
    static const uint8_t opts[8] = {2, 4, 5, 0xb4, 1, 3, 3, 7};
    hp_tcp syn = {.sport = 1, .dport = 80, .seq = 1, .flags = HP_TCP_SYN, .win = 100, .opts = opts, .optlen = 8};
    size_t n = hp_tcp4(buf, H_PEER4, H_US4, &syn);
    H_RUN(hf_ip_input, buf, n);
    n = hp_tcp6(buf, H_PEER6, H_US6, &syn);
    H_RUN(hf_ip_input, buf, n);
    n = hp_udp4(buf, H_PEER4, H_US4, 9, 9, "x", 1, false);
    H_RUN(hf_ip_input, buf, n);
    n = hp_ip4(buf, H_PEER4, H_US4, HP_PROTO_UDP, "12345678", 8, 5, HP_IP4_MF, NULL, 0);
    H_RUN(hf_ip_input, buf, n); /* a fragment that times out (ICMP time exceeded) */
    /* The fixer makes a broken packet whole again. */
    n = hp_udp4(buf, H_PEER4, H_US4, 1, 7, "fixme", 5, false);
    hp_w16(buf + 2, 999);
    buf[n - 1] ^= 0xff;
    hf_fix_packet(buf, n);
    hp_pkt p;
    CU_ASSERT(hp_parse(buf, n, &p) == NULL);
}

/* Appends a record to the stateful input. */
static size_t rec_pkt(uint8_t *b, size_t at, uint8_t dt, const uint8_t *p, size_t n)
{
    b[at] = dt;
    hp_w16(b + at + 1, (uint16_t)n);
    memcpy(b + at + 3, p, n);
    return at + 3 + n;
}

static size_t rec_act(uint8_t *b, size_t at, uint8_t dt, unsigned code, unsigned arg)
{
    b[at] = dt;
    hp_w16(b + at + 1, (uint16_t)(0x8000u | (code << 12) | arg));
    return at + 3;
}

static void test_tcp_driver_smoke(void)
{
    for (unsigned cfg = 0; cfg < 256; cfg += 17) {
        uint8_t seg[128];
        size_t at = 0;
        buf[at++] = (uint8_t)cfg;
        hp_tcp d = {.sport = 40000, .dport = 80, .seq = 0, .ack = 0, .flags = HP_TCP_ACK | HP_TCP_PSH, .win = 9000,
                    .data = "relative data", .dlen = 13};
        size_t n = (cfg & 1) ? hp_tcp6(seg, H_PEER6, H_US6, &d) : hp_tcp4(seg, H_PEER4, H_US4, &d);
        at = rec_pkt(buf, at, 0x80, seg, n);
        at = rec_act(buf, at, 1, 0, 100); /* write 1600 */
        at = rec_act(buf, at, 0, 7, 0x800 | 0x7ff);
        at = rec_act(buf, at, 0x41, 1, 1);
        hp_tcp f = {.sport = 40000, .dport = 80, .flags = HP_TCP_ACK | HP_TCP_FIN, .win = 9000};
        n = (cfg & 1) ? hp_tcp6(seg, H_PEER6, H_US6, &f) : hp_tcp4(seg, H_PEER4, H_US4, &f);
        at = rec_pkt(buf, at, 0x80, seg, n);
        at = rec_act(buf, at, 0, (cfg & 2) ? 2 : 4, 3);
        at = rec_act(buf, at, 3, 7, 0x800 | 0x7ff);
        H_RUN(hf_tcp_stateful, buf, at);
    }
}

static void test_pbuf_driver_smoke(void)
{
    uint64_t seed = 77;
    for (int i = 0; i < 64; i++) {
        size_t n = 0;
        buf[n++] = (uint8_t)(i == 63 ? 0x84 : 0);
        for (int k = 0; k < 4; k++) {
            buf[n++] = (uint8_t)(k % 3), buf[n++] = (uint8_t)k, buf[n++] = 0, buf[n++] = (uint8_t)(k * 9);
            buf[n++] = (uint8_t)(k == 1 ? 0x0c : 0), buf[n++] = (uint8_t)(40 + k * 30), buf[n++] = (uint8_t)k;
        }
        while (n < 400)
            buf[n++] = (uint8_t)hp_rand(&seed);
        H_RUN(hf_pbuf, buf, n);
    }
}

/* fuzz_tcp_stateful, minimized: shutdown(tx), 5 s, shutdown(rx), the peer
 * acknowledges the FIN, 63 s, write.  The core freed the socket at the
 * FIN-WAIT-2 timeout without telling the application (BUG 6 in
 * test_hostile_pending.c, where the native-API reproduction waits for the
 * fix); the harness now closes a socket shut both ways, as lwIP's rule
 * says, so this input must run clean. */
static const uint8_t repro_shutdown_twice[] = {0x40, 0x28, 0xc0, 0x3e, 0xc5, 0xc6, 0x0d,
                                               0x00, 0xff, 0x8c, 0xff, 0x8c, 0x00};

static void test_repro_shutdown_twice(void)
{
    H_RUN(hf_tcp_stateful, repro_shutdown_twice, sizeof(repro_shutdown_twice));
}

TERN_UNIT_SUITE(hostile_fuzzrepro)
{
    CU_pSuite s = CU_add_suite("hostile/fuzz drivers and reproducers", NULL, NULL);
    CU_add_test(s, "fuzz_ip_input driver", test_ip_driver_smoke);
    CU_add_test(s, "fuzz_tcp_stateful driver", test_tcp_driver_smoke);
    CU_add_test(s, "fuzz_pbuf driver", test_pbuf_driver_smoke);
    CU_add_test(s, "fuzz_tcp_stateful: shutdown both ways in two calls", test_repro_shutdown_twice);
}
