/* tests/hostile/test_hostile_split.c: the same packets, delivered as
 * chains of exact-size segments cut at every offset (and every pair of
 * offsets within the headers), must be handled exactly as when they arrive
 * whole: the same counters, the same answers, the same data delivered.
 * Devices with small buffers hand packets over this way, and a header
 * straddling two segments is where parsers read past a segment's end. */
#include <stdlib.h>
#include <string.h>

#include "hassert.h"
#include "unit_suite.h"

static uint8_t pkt[2048];

enum { K_UDP4, K_UDP6_EXT, K_ECHO4_OPTS, K_ECHO6_HBH, K_SYN4, K_SYN6, K_SYN_BARE_MSS, K_UDP4_CLOSED,
       K_UDP4_PADDED, K_UDP6_ZERO, K_TCP_DOFF_BEYOND, K_COUNT };

static const uint8_t SYN_OPTS[12] = {2, 4, 5, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2};

static size_t build(int kind)
{
    uint8_t tmp[256];
    size_t n;
    switch (kind) {
    case K_UDP4:
        return hp_udp4(pkt, H_PEER4, H_US4, 1234, 7, "hello, split world", 18, false);
    case K_UDP6_EXT: {
        uint8_t ext[8] = {HP_PROTO_UDP, 0, 1, 4, 0, 0, 0, 0};
        memcpy(tmp, ext, 8);
        n = hp_udp_write(tmp + 8, 1234, 7, "behind options", 14);
        hp_l4_csum6(tmp + 8, n, H_PEER6, H_US6, HP_PROTO_UDP, 6);
        return hp_ip6(pkt, H_PEER6, H_US6, HP_NH_DSTOPTS, tmp, 8 + n);
    }
    case K_ECHO4_OPTS: {
        static const uint8_t opts[8] = {1, 1, 1, 1, 1, 1, 1, 0};
        for (int i = 0; i < 24; i++)
            tmp[i] = (uint8_t)(i * 5);
        n = hp_icmp_write(tmp + 100, 8, 0, 0x01000200, tmp, 24);
        hp_w16(tmp + 102, hp_fold(hp_sum(0, tmp + 100, n)));
        return hp_ip4(pkt, H_PEER4, H_US4, HP_PROTO_ICMP, tmp + 100, n, 4, 0, opts, 8);
    }
    case K_ECHO6_HBH: {
        uint8_t hbh[8] = {HP_PROTO_ICMP6, 0, 1, 4, 0, 0, 0, 0};
        memcpy(tmp, hbh, 8);
        for (int i = 0; i < 24; i++)
            tmp[100 + i] = (uint8_t)(i * 3);
        n = hp_icmp_write(tmp + 8, 128, 0, 0x01000200, tmp + 100, 24);
        hp_l4_csum6(tmp + 8, n, H_PEER6, H_US6, HP_PROTO_ICMP6, 2);
        return hp_ip6(pkt, H_PEER6, H_US6, HP_NH_HOP, tmp, 8 + n);
    }
    case K_SYN4:
    case K_SYN6: {
        hp_tcp t = {.sport = 5000, .dport = 80, .seq = 77, .flags = HP_TCP_SYN, .win = 4000, .opts = SYN_OPTS,
                    .optlen = sizeof(SYN_OPTS)};
        return kind == K_SYN4 ? hp_tcp4(pkt, H_PEER4, H_US4, &t) : hp_tcp6(pkt, H_PEER6, H_US6, &t);
    }
    case K_SYN_BARE_MSS: {
        static const uint8_t o[4] = {1, 1, 1, 2};
        hp_tcp t = {.sport = 5000, .dport = 80, .seq = 77, .flags = HP_TCP_SYN, .win = 4000, .opts = o, .optlen = 4};
        return hp_tcp4(pkt, H_PEER4, H_US4, &t);
    }
    case K_UDP4_CLOSED:
        return hp_udp4(pkt, H_PEER4, H_US4, 1234, 9, "nobody listens", 14, false);
    case K_UDP4_PADDED:
        n = hp_udp4(pkt, H_PEER4, H_US4, 1234, 7, "padded", 6, false);
        memset(pkt + n, 0x99, 12);
        return n + 12;
    case K_UDP6_ZERO:
        return hp_udp6(pkt, H_PEER6, H_US6, 1234, 7, "zero", 4, true);
    case K_TCP_DOFF_BEYOND: {
        hp_tcp t = {.sport = 5000, .dport = 80, .seq = 77, .flags = HP_TCP_SYN, .win = 4000, .doff = 8};
        return hp_tcp4(pkt, H_PEER4, H_US4, &t); /* 32 bytes claimed in 20 */
    }
    }
    return 0;
}

typedef struct outcome {
    char moved[512];
    int nout;
    hp_pkt out[4];
    uint8_t outb[4][1600];
    size_t outlen[4];
    int udp_count;
    size_t udp_len;
    uint8_t udp[256];
    int accepted;
    unsigned sockets;
    uint64_t held;
} outcome;

/* Delivers kind as whole (ncuts < 0) or cut; records what happened. */
static void run(int kind, const size_t *cuts, int ncuts, outcome *o)
{
    memset(o, 0, sizeof(*o));
    if (h_setup(NULL) != 0 || !h_listen(80, 4) || !h_udp_open(7)) {
        CU_FAIL("setup");
        return;
    }
    size_t n = build(kind);
    tern_stats s0 = *tern_stack_stats(h_stack);
    if (ncuts < 0)
        h_input(pkt, n);
    else
        h_input_chain(pkt, n, cuts, ncuts);
    snprintf(o->moved, sizeof(o->moved), "%s", h_moved(&s0));
    o->nout = h_ncap();
    for (int i = 0; i < o->nout && i < 4; i++) {
        const uint8_t *b = h_cap(i, &o->outlen[i]);
        if (o->outlen[i] > sizeof(o->outb[i]))
            o->outlen[i] = sizeof(o->outb[i]);
        memcpy(o->outb[i], b, o->outlen[i]);
        hp_parse(o->outb[i], o->outlen[i], &o->out[i]);
    }
    o->udp_count = h_udp.count;
    o->udp_len = h_udp.last_len < sizeof(o->udp) ? h_udp.last_len : sizeof(o->udp);
    memcpy(o->udp, h_udp.last, o->udp_len);
    o->accepted = h_accept_count;
    o->sockets = h_tcp_socket_count(h_stack);
    o->held = h_custom_live;
    H_EQ(h_teardown(), 0);
}

/* Equal outcomes; TCP answers are compared by their fields (the ISN and
 * the checksum depend on the stack's secret, which differs per stack). */
static bool same(const outcome *a, const outcome *b)
{
    if (strcmp(a->moved, b->moved) || a->nout != b->nout || a->udp_count != b->udp_count ||
        a->udp_len != b->udp_len || memcmp(a->udp, b->udp, a->udp_len) || a->accepted != b->accepted ||
        a->sockets != b->sockets || a->held != b->held)
        return false;
    for (int i = 0; i < a->nout && i < 4; i++) {
        const hp_pkt *x = &a->out[i], *y = &b->out[i];
        if (x->proto == HP_PROTO_TCP) {
            if (x->flags != y->flags || x->ack != y->ack || x->win != y->win || x->mss != y->mss ||
                x->has_ws != y->has_ws || x->ws != y->ws || x->sack_perm != y->sack_perm || x->dlen != y->dlen ||
                a->outlen[i] != b->outlen[i])
                return false;
        } else if (a->outlen[i] != b->outlen[i] || memcmp(a->outb[i], b->outb[i], a->outlen[i])) {
            return false;
        }
    }
    return true;
}

static void test_split_everywhere(void)
{
    static outcome whole, cut;
    for (int kind = 0; kind < K_COUNT; kind++) {
        run(kind, NULL, -1, &whole);
        size_t n = build(kind);
        int bad = 0;
        for (size_t c = 1; c < n; c++) {
            run(kind, &c, 1, &cut);
            if (!same(&whole, &cut) && bad++ < 3)
                fprintf(stderr, "split: kind %d cut at %zu: moved \"%s\" (whole: \"%s\"), %d out (whole %d)\n", kind,
                        c, cut.moved, whole.moved, cut.nout, whole.nout);
        }
        /* Every pair of cuts within the first 72 bytes (the headers). */
        size_t lim = n < 72 ? n : 72;
        for (size_t c1 = 1; c1 < lim; c1++) {
            for (size_t c2 = c1 + 1; c2 < lim; c2++) {
                size_t cuts[2] = {c1, c2};
                run(kind, cuts, 2, &cut);
                if (!same(&whole, &cut) && bad++ < 3)
                    fprintf(stderr, "split: kind %d cuts at %zu,%zu: moved \"%s\" (whole: \"%s\")\n", kind, c1, c2,
                            cut.moved, whole.moved);
            }
        }
        H_EQ(bad, 0);
    }
}

TERN_UNIT_SUITE(hostile_split)
{
    CU_pSuite s = CU_add_suite("hostile/split", NULL, NULL);
    CU_add_test(s, "packets cut into chains at every offset", test_split_everywhere);
}
