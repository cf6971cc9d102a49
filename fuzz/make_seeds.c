/* fuzz/make_seeds.c: writes seed inputs for the three fuzz targets:
 *
 *   make_seeds OUTDIR   ->  OUTDIR/fuzz_ip_input/*, OUTDIR/fuzz_tcp_stateful/*,
 *                           OUTDIR/fuzz_pbuf/*
 *
 * Packets come from tests/hostile/hpkt.h (independent of tern's own
 * emitters).  The stateful seeds follow the record format documented in
 * tests/hostile/hostile_drivers.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hpkt.h"

static const char *outdir;
static int written;

static const uint8_t US6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t PEER6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
#define US4 hp_v4(198, 18, 0, 1)
#define PEER4 hp_v4(198, 19, 0, 2)

static void mkdirs(const char *sub)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", outdir);
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        perror(p);
        exit(1);
    }
    snprintf(p, sizeof(p), "%s/%s", outdir, sub);
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        perror(p);
        exit(1);
    }
}

static void save(const char *target, const char *name, const uint8_t *b, size_t n)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s/%s", outdir, target, name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(b, 1, n, f) != n) {
        perror(p);
        exit(1);
    }
    fclose(f);
    written++;
}

static uint8_t pkt[70000], body[70000];

/* ---- fuzz_ip_input: single packets ---- */

static const uint8_t SYNOPTS[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};

static void ip_seeds(void)
{
    const char *T = "fuzz_ip_input";
    mkdirs(T);
    size_t n;
    hp_tcp syn = {.sport = 40000, .dport = 80, .seq = 1000, .flags = HP_TCP_SYN, .win = 65535, .opts = SYNOPTS,
                  .optlen = sizeof(SYNOPTS)};
    n = hp_tcp4(pkt, PEER4, US4, &syn);
    save(T, "syn4", pkt, n);
    n = hp_tcp6(pkt, PEER6, US6, &syn);
    save(T, "syn6", pkt, n);
    hp_tcp data = {.sport = 40000, .dport = 80, .seq = 1001, .ack = 5000, .flags = HP_TCP_ACK | HP_TCP_PSH,
                   .win = 65535, .data = "GET / HTTP/1.0\r\n\r\n", .dlen = 18};
    n = hp_tcp4(pkt, PEER4, US4, &data);
    save(T, "ack_data4", pkt, n);
    hp_tcp fin = {.sport = 40000, .dport = 80, .seq = 1001, .ack = 5000, .flags = HP_TCP_ACK | HP_TCP_FIN, .win = 100};
    n = hp_tcp4(pkt, PEER4, US4, &fin);
    save(T, "fin4", pkt, n);
    hp_tcp rst = {.sport = 40000, .dport = 80, .seq = 1001, .flags = HP_TCP_RST};
    n = hp_tcp4(pkt, PEER4, US4, &rst);
    save(T, "rst4", pkt, n);
    hp_tcp closed = {.sport = 40000, .dport = 81, .seq = 7, .flags = HP_TCP_SYN, .win = 512};
    n = hp_tcp6(pkt, PEER6, US6, &closed);
    save(T, "syn6_closed", pkt, n);
    n = hp_udp4(pkt, PEER4, US4, 1234, 7, "hello udp", 9, false);
    save(T, "udp4", pkt, n);
    n = hp_udp4(pkt, PEER4, US4, 1234, 7, "no checksum", 11, true);
    save(T, "udp4_nocsum", pkt, n);
    n = hp_udp4(pkt, PEER4, US4, 1234, 9, "closed", 6, false);
    save(T, "udp4_closed", pkt, n);
    n = hp_udp6(pkt, PEER6, US6, 1234, 7, "hello udp6", 10, false);
    save(T, "udp6", pkt, n);
    for (int i = 0; i < 56; i++)
        body[i] = (uint8_t)i;
    n = hp_icmp4(pkt, PEER4, US4, 8, 0, 0x00010001, body, 56);
    save(T, "echo4", pkt, n);
    n = hp_icmp6(pkt, PEER6, US6, 128, 0, 0x00010001, body, 56);
    save(T, "echo6", pkt, n);
    /* IPv4 options (record route) on an echo. */
    static const uint8_t rr[8] = {7, 7, 4, 0, 0, 0, 0, 1};
    size_t m = hp_icmp_write(body + 100, 8, 0, 1, body, 16);
    hp_w16(body + 102, hp_fold(hp_sum(0, body + 100, m)));
    n = hp_ip4(pkt, PEER4, US4, HP_PROTO_ICMP, body + 100, m, 9, 0, rr, 8);
    save(T, "echo4_options", pkt, n);
    /* Fragments: the first and a middle one of a UDP datagram. */
    size_t u = hp_udp_write(body + 200, 1234, 7, body, 64);
    hp_l4_csum4(body + 200, u, PEER4, US4, HP_PROTO_UDP, 6);
    n = hp_ip4(pkt, PEER4, US4, HP_PROTO_UDP, body + 200, 32, 77, HP_IP4_MF, NULL, 0);
    save(T, "frag4_first", pkt, n);
    n = hp_ip4(pkt, PEER4, US4, HP_PROTO_UDP, body + 232, 40, 77, 4, NULL, 0);
    save(T, "frag4_last", pkt, n);
    /* IPv6 fragments: atomic, and a first fragment. */
    uint8_t ext[512];
    size_t e = 0;
    ext[e++] = HP_PROTO_ICMP6, ext[e++] = 0, ext[e++] = 0, ext[e++] = 0;
    hp_w32(ext + e, 0x1234), e += 4;
    size_t ic = hp_icmp_write(ext + e, 128, 0, 7, body, 24);
    hp_l4_csum6(ext + e, ic, PEER6, US6, HP_PROTO_ICMP6, 2);
    n = hp_ip6(pkt, PEER6, US6, HP_NH_FRAG, ext, e + ic);
    save(T, "frag6_atomic", pkt, n);
    hp_w16(ext + 2, 1);
    n = hp_ip6(pkt, PEER6, US6, HP_NH_FRAG, ext, e + 16);
    save(T, "frag6_first", pkt, n);
    /* IPv6: Hop-by-Hop, Destination Options, Routing (segments left 0), UDP. */
    e = 0;
    uint8_t hbh[8] = {HP_NH_DSTOPTS, 0, 1, 4, 0, 0, 0, 0};
    uint8_t dst[16] = {HP_NH_ROUTING, 1, 1, 12};
    uint8_t rh[8] = {HP_PROTO_UDP, 0, 0, 0};
    memcpy(ext + e, hbh, 8), e += 8;
    memcpy(ext + e, dst, 16), e += 16;
    memcpy(ext + e, rh, 8), e += 8;
    u = hp_udp_write(ext + e, 1234, 7, "ext", 3);
    hp_l4_csum6(ext + e, u, PEER6, US6, HP_PROTO_UDP, 6);
    n = hp_ip6(pkt, PEER6, US6, HP_NH_HOP, ext, e + u);
    save(T, "ipv6_ext_chain", pkt, n);
    /* ICMP errors quoting a TCP segment of ours. */
    hp_tcp q = {.sport = 80, .dport = 40000, .seq = 1, .ack = 2, .flags = HP_TCP_ACK, .win = 100};
    uint8_t quote[80];
    size_t ql = hp_tcp6(quote, US6, PEER6, &q);
    n = hp_icmp6(pkt, PEER6, US6, 2, 0, 1280, quote, ql);
    save(T, "icmp6_ptb", pkt, n);
    ql = hp_tcp4(quote, US4, PEER4, &q);
    n = hp_icmp4(pkt, PEER4, US4, 3, 4, 576, quote, 28);
    save(T, "icmp4_frag_needed", pkt, n);
}

/* ---- fuzz_tcp_stateful: configuration byte + records ---- */

static uint8_t rec[65536];
static size_t rl;

static void r_start(uint8_t cfg)
{
    rl = 0;
    rec[rl++] = cfg;
}

static void r_pkt(uint8_t dt, const uint8_t *p, size_t n)
{
    rec[rl++] = dt;
    hp_w16(rec + rl, (uint16_t)n);
    rl += 2;
    memcpy(rec + rl, p, n);
    rl += n;
}

static void r_act(uint8_t dt, unsigned code, unsigned arg)
{
    rec[rl++] = dt;
    hp_w16(rec + rl, (uint16_t)(0x8000u | (code << 12) | (arg & 0xfffu)));
    rl += 2;
}

/* A relative segment (the harness adds the connection's numbers). */
static void r_seg(uint8_t dt, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win, const void *data, size_t dlen,
                  bool v6)
{
    hp_tcp t = {.sport = 40000, .dport = 80, .seq = seq, .ack = ack, .flags = flags, .win = win, .data = data,
                .dlen = dlen};
    size_t n = v6 ? hp_tcp6(pkt, PEER6, US6, &t) : hp_tcp4(pkt, PEER4, US4, &t);
    r_pkt((uint8_t)(dt | 0x80), pkt, n);
}

static void tcp_seeds(void)
{
    const char *T = "fuzz_tcp_stateful";
    mkdirs(T);
    static uint8_t d[4000];
    for (int i = 0; i < 4000; i++)
        d[i] = (uint8_t)(i * 11);
    /* Data both ways, FIN from the peer, close. */
    r_start(0x0e);
    r_seg(0, HP_TCP_ACK | HP_TCP_PSH, 0, 0, 65535, d, 100, false);
    r_act(1, 0, 64);            /* write 1024 */
    r_act(0, 7, 0x800 | 0x7ff); /* absorb, ack */
    r_act(0, 1, 7);             /* recved 112 */
    r_seg(2, HP_TCP_ACK | HP_TCP_FIN, 0, 0, 65535, NULL, 0, false);
    r_act(0, 2, 0);             /* close */
    r_act(5, 7, 0x800 | 0x7ff);
    save(T, "data_fin_close", rec, rl);
    /* Out of order (SACK), then the hole filled. */
    r_start(0x06);
    r_seg(0, HP_TCP_ACK, 1000, 0, 65535, d, 500, false);
    r_seg(0, HP_TCP_ACK, 2000, 0, 65535, d, 300, false);
    r_seg(1, HP_TCP_ACK, 0, 0, 65535, d, 1000, false);
    r_seg(1, HP_TCP_ACK, 0, 0, 65535, d, 1000, false);
    r_act(0, 7, 0x800 | 0x100);
    save(T, "ooo_sack", rec, rl);
    /* RST and SYN inside the window, an old ACK, an ACK from the future. */
    r_start(0x00);
    r_seg(0, HP_TCP_RST, 5, 0, 0, NULL, 0, false);
    r_seg(0, HP_TCP_SYN, 5, 0, 1000, NULL, 0, false);
    r_seg(0, HP_TCP_ACK, 0, 100000, 1000, NULL, 0, false);
    r_seg(0, HP_TCP_ACK, 0, 0xfff00000u, 1000, NULL, 0, false);
    r_seg(0, HP_TCP_RST, 0, 0, 0, NULL, 0, false);
    save(T, "rst_syn", rec, rl);
    /* Zero window: a small receive buffer, the application not reading. */
    r_start(0x10);
    r_act(0, 7, 1500);
    r_act(0, 7, 1500);
    r_act(10, 7, 0x800 | 0x7ff);
    r_seg(0, HP_TCP_ACK, 0, 0, 65535, d, 1, false);
    r_act(0, 1, 200);
    r_act(0, 7, 1000);
    save(T, "zero_window", rec, rl);
    /* The stack sends into a small window; losses (RTO), duplicate ACKs. */
    r_start(0x0a);
    r_act(0, 0, 0xfff);
    r_act(0, 7, 0x800 | 0x40);
    r_seg(0, HP_TCP_ACK, 0, 0, 2048, NULL, 0, false);
    r_seg(0, HP_TCP_ACK, 0, 0, 2048, NULL, 0, false);
    r_seg(0, HP_TCP_ACK, 0, 0, 2048, NULL, 0, false);
    r_act(0x42, 5, 0);
    r_act(0, 7, 0x800 | 0x7ff);
    r_act(0x45, 7, 0x800 | 0x7ff);
    save(T, "send_loss", rec, rl);
    /* Sequence numbers wrapping; shutdown of the sending side. */
    r_start(0x80);
    r_act(0, 7, 2000);
    r_act(0, 7, 2000);
    r_act(0, 7, 2000);
    r_act(0, 4, 2);
    r_act(1, 7, 0x800 | 0x7ff);
    r_seg(0, HP_TCP_ACK | HP_TCP_FIN, 0, 0, 1000, NULL, 0, false);
    save(T, "wrap_shutdown", rec, rl);
    /* IPv6 with timestamps, abort at the end. */
    r_start(0x09);
    r_seg(0, HP_TCP_ACK | HP_TCP_PSH, 0, 0, 65535, d, 200, true);
    r_act(0, 0, 10);
    r_act(0, 6, 0);
    r_seg(0, HP_TCP_ACK | HP_TCP_PSH, 0, 0, 65535, d, 200, true);
    r_act(3, 6, 0);
    r_act(0, 3, 0);
    save(T, "v6_refuse_abort", rec, rl);
    /* A raw (non-relative) packet: the handshake's own numbers unknown. */
    r_start(0x00);
    hp_tcp t = {.sport = 40001, .dport = 80, .seq = 9, .flags = HP_TCP_SYN, .win = 100, .opts = SYNOPTS,
                .optlen = sizeof(SYNOPTS)};
    size_t n = hp_tcp4(pkt, PEER4, US4, &t);
    r_pkt(0, pkt, n);
    r_act(0x41, 5, 0);
    save(T, "second_syn", rec, rl);
}

/* ---- fuzz_pbuf: random operation sequences ---- */

static void pbuf_seeds(void)
{
    const char *T = "fuzz_pbuf";
    mkdirs(T);
    uint64_t seed = 12345;
    for (int s = 0; s < 8; s++) {
        uint8_t b[512];
        size_t n = 0;
        b[n++] = s == 7 ? 0x88 : 0; /* one seed with a tight allocation cap */
        /* Allocations first so later operations find pbufs. */
        for (int k = 0; k < 4; k++) {
            b[n++] = (uint8_t)(k % 3);
            b[n++] = (uint8_t)k;
            b[n++] = 0;
            b[n++] = (uint8_t)(k * 7);
            b[n++] = (uint8_t)(k == 1 ? 0x0c : 0);
            b[n++] = (uint8_t)(40 + k * 30);
            b[n++] = (uint8_t)k;
        }
        while (n < 300)
            b[n++] = (uint8_t)hp_rand(&seed);
        char name[32];
        snprintf(name, sizeof(name), "ops%d", s);
        save(T, name, b, n);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    ip_seeds();
    tcp_seeds();
    pbuf_seeds();
    printf("make_seeds: %d seeds in %s\n", written, outdir);
    return 0;
}
