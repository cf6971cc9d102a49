/* tests/hostile/test_hostile_load.c: floods and churn with two stacks
 * wired together in memory.
 *
 * Stack A (10.0.0.1) serves port 80; stack B (10.0.0.2) is the client.
 * Packets cross a FIFO wire as exact-size input buffers; everything either
 * stack sends is checked by the independent parser, and packets to any
 * other address (the SYN-ACKs a flood provokes) leave the wire. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hassert.h"
#include "unit_suite.h"

#define A_ADDR hp_v4(10, 0, 0, 1)
#define B_ADDR hp_v4(10, 0, 0, 2)

typedef struct wpkt {
    struct wpkt *next;
    tern_iface *to;
    size_t len;
    uint8_t b[];
} wpkt;

static wpkt *qhead, *qtail;
static size_t qlen;
static uint32_t lnow;
static tern_stack *A, *B;
static tern_iface *ia, *ib;
static uint64_t off_wire, bad_out, delivered;

static uint32_t lclock(void *arg)
{
    (void)arg;
    return lnow;
}

static int wire_out(tern_iface *ifc, tern_pbuf *p, const tern_addr *hop, void *user)
{
    (void)hop, (void)user;
    size_t len = p->tot_len, got = 0;
    wpkt *w = malloc(sizeof(*w) + len);
    if (!w)
        abort();
    for (const tern_pbuf *q = p; q && got < len; q = q->next) {
        size_t k = q->len < len - got ? q->len : len - got;
        memcpy(w->b + got, q->payload, k);
        got += k;
    }
    hp_pkt pk;
    if (got != len || hp_parse(w->b, len, &pk))
        bad_out++;
    uint32_t dst = 0;
    if (len >= 20) /* a short packet was counted as bad above; it goes nowhere */
        memcpy(&dst, w->b + 16, 4);
    w->to = ifc == ia && dst == B_ADDR ? ib : ifc == ib && dst == A_ADDR ? ia : NULL;
    if (!w->to) {
        off_wire++;
        free(w);
        return 0;
    }
    w->len = len;
    w->next = NULL;
    if (qtail)
        qtail->next = w;
    else
        qhead = w;
    qtail = w;
    qlen++;
    return 0;
}

/* Delivers up to max packets (0: until the wire is empty). */
static void wire_run(size_t max)
{
    for (size_t n = 0; qhead && (max == 0 || n < max); n++) {
        wpkt *w = qhead;
        qhead = w->next;
        if (!qhead)
            qtail = NULL;
        qlen--;
        delivered++;
        h_input_to(w->to, w->b, w->len);
        free(w);
    }
}

static void wire_flush(void)
{
    while (qhead) {
        wpkt *w = qhead;
        qhead = w->next;
        free(w);
    }
    qtail = NULL;
    qlen = 0;
}

static void poll_both(void)
{
    tern_stack_poll(A);
    tern_stack_poll(B);
}

/* Moves the clock by ms, running timers of both stacks at their time and
 * letting the wire settle after each. */
static void ladvance(uint32_t ms)
{
    uint32_t end = lnow + ms;
    for (;;) {
        poll_both();
        wire_run(0);
        uint32_t na = tern_stack_next_timeout(A), nb = tern_stack_next_timeout(B);
        uint32_t next = na < nb ? na : nb;
        uint32_t left = end - lnow;
        if (next == 0)
            continue;
        if (next >= left) {
            lnow = end;
            poll_both();
            wire_run(0);
            return;
        }
        lnow += next;
    }
}

static void two_stacks(const tern_tcp_config *ca, const tern_tcp_config *cb)
{
    lnow = 5000;
    off_wire = bad_out = delivered = 0;
    tern_config cfg = {.clock = lclock, .seed = 0xa11ce};
    A = tern_stack_new(&cfg);
    cfg.seed = 0xb0b;
    B = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(A && B);
    if (ca)
        tern_stack_set_tcp_config(A, ca);
    if (cb)
        tern_stack_set_tcp_config(B, cb);
    ia = tern_iface_add(A, wire_out, NULL);
    ib = tern_iface_add(B, wire_out, NULL);
    tern_iface_set_ipv4(ia, A_ADDR, hp_v4(255, 255, 255, 0), 0);
    tern_iface_set_ipv4(ib, B_ADDR, hp_v4(255, 255, 255, 0), 0);
    tern_iface_set_up(ia, true);
    tern_iface_set_up(ib, true);
    tern_stack_set_default_iface(A, ia); /* flood replies route (and leave the wire) */
}

static void free_stacks(void)
{
    wire_flush();
    tern_stack_free(A);
    tern_stack_free(B);
    A = B = NULL;
}

/* ---- SYN flood during a transfer ---- */

enum { XFER = 8 * 1024 * 1024, FLOOD = 100000, BACKLOG = 16 };

static struct {
    tern_tcp *server, *client;
    size_t sent, received;
    bool mismatch;
    int server_fin, errs;
} X;

static uint8_t pattern(size_t i) { return (uint8_t)(i * 131 + (i >> 11)); }

static void client_push(tern_tcp *t)
{
    static uint8_t chunk[16384];
    while (X.sent < XFER) {
        tern_tcp_info i;
        tern_tcp_get_info(t, &i);
        size_t n = XFER - X.sent;
        if (n > sizeof(chunk))
            n = sizeof(chunk);
        if (n > i.snd_buf)
            n = i.snd_buf;
        if (n == 0)
            break;
        for (size_t k = 0; k < n; k++)
            chunk[k] = pattern(X.sent + k);
        if (tern_tcp_write(t, chunk, (uint32_t)n, 0) != 0)
            break;
        X.sent += n;
    }
    tern_tcp_output(t);
}

static int client_sent(void *arg, tern_tcp *t, uint32_t len)
{
    (void)arg, (void)len;
    client_push(t);
    return 0;
}

static int client_connected(void *arg, tern_tcp *t, int err)
{
    (void)arg;
    if (err)
        return err;
    client_push(t);
    return 0;
}

static void x_err(void *arg, int err)
{
    (void)arg, (void)err;
    X.errs++;
}

static int server_recv(void *arg, tern_tcp *t, tern_pbuf *p, int err)
{
    (void)arg, (void)err;
    if (!p) {
        X.server_fin++;
        return 0;
    }
    for (const tern_pbuf *q = p; q; q = q->next) {
        const uint8_t *b = q->payload;
        for (size_t k = 0; k < q->len; k++)
            if (b[k] != pattern(X.received + k))
                X.mismatch = true;
        X.received += q->len;
        if (q->len == q->tot_len)
            break;
    }
    uint16_t n = p->tot_len;
    tern_pbuf_free(p);
    tern_tcp_recved(t, n);
    return 0;
}

static int server_accept(void *arg, tern_tcp *child, int err)
{
    (void)arg;
    if (err)
        return err;
    if (X.server)
        return -1; /* only the transfer's connection is wanted */
    X.server = child;
    tern_tcp_set_callbacks(child, server_recv, NULL, x_err);
    return 0;
}

static void test_syn_flood(void)
{
    memset(&X, 0, sizeof(X));
    tern_pbuf_stats st0, st;
    tern_pbuf_get_stats(&st0);
    two_stacks(NULL, NULL);
    tern_tcp *l = tern_tcp_new(A, TERN_ADDR_V4);
    CU_ASSERT_FATAL(tern_tcp_bind(l, NULL, 80) == 0 && tern_tcp_listen(l, BACKLOG) == 0);
    tern_tcp_set_accept(l, server_accept);
    X.client = tern_tcp_new(B, TERN_ADDR_V4);
    tern_tcp_set_callbacks(X.client, NULL, client_sent, x_err);
    tern_addr a;
    tern_addr_set_v4(&a, A_ADDR);
    CU_ASSERT_FATAL(tern_tcp_connect(X.client, &a, 80, client_connected) == 0);

    uint64_t seed = 0x5f100d;
    static uint8_t syn[64];
    size_t injected = 0;
    unsigned max_sockets = 0;
    uint64_t max_live = 0;
    for (int iter = 0; iter < 200000 && (injected < FLOOD || X.received < XFER); iter++) {
        for (int k = 0; k < 10 && injected < FLOOD; k++, injected++) {
            uint64_t r = hp_rand(&seed);
            /* Sources in 100.64.0.0/10 (never ours), random ports and ISNs. */
            uint32_t src = hp_v4(100, (uint8_t)(64 + (r & 63)), (uint8_t)(r >> 8), (uint8_t)(r >> 16));
            hp_tcp t = {.sport = (uint16_t)(1024 + (r >> 24) % 60000), .dport = 80, .seq = (uint32_t)(r >> 32),
                        .flags = HP_TCP_SYN, .win = 65535};
            size_t n = hp_tcp4(syn, src, A_ADDR, &t);
            h_input_to(ia, syn, n);
        }
        wire_run(1); /* the transfer spans the flood */
        lnow += 1;
        poll_both();
        if (iter % 64 == 0) {
            unsigned sk = h_tcp_socket_count(A);
            if (sk > max_sockets)
                max_sockets = sk;
            tern_pbuf_get_stats(&st);
            if (st.live_bytes - st0.live_bytes > max_live)
                max_live = st.live_bytes - st0.live_bytes;
        }
    }
    ladvance(1000);
    H_EQ(injected, FLOOD);
    H_EQ(X.received, XFER);
    CU_ASSERT(!X.mismatch);
    H_EQ(X.errs, 0);
    /* Bound on A's sockets: the listener, the transfer, the backlog. */
    CU_ASSERT(max_sockets <= BACKLOG + 2);
    /* Bound on pbuf memory of both stacks: 4 MiB (send queue of 256 KiB
     * in 2 KiB blocks, plus the SYN-ACKs in flight). */
    CU_ASSERT(max_live <= 4u * 1024 * 1024);
    H_EQ(bad_out, 0);
    const tern_stats *sa = tern_stack_stats(A);
    CU_ASSERT(sa->tcp_in >= FLOOD);
    if (getenv("H_DEBUG"))
        fprintf(stderr, "flood: %llu SYN-ACKs off the wire, backlog drops %llu, max sockets %u, max live %llu, "
                        "%llu packets on the wire, %u ms\n",
                (unsigned long long)off_wire, (unsigned long long)sa->tcp_drop_backlog, max_sockets,
                (unsigned long long)max_live, (unsigned long long)delivered, lnow - 5000);
    /* Close the transfer; let every half-open child time out. */
    tern_tcp_close(X.client);
    ladvance(200000);
    H_EQ(X.server_fin, 1);
    if (X.server)
        tern_tcp_close(X.server);
    ladvance(200000);
    H_EQ(h_tcp_socket_count(A), 1);
    H_EQ(h_tcp_socket_count(B), 0);
    free_stacks();
    H_EQ(h_custom_live, 0);
    tern_pbuf_get_stats(&st);
    H_EQ(st.live_pbufs, st0.live_pbufs);
    H_EQ(st.live_bytes, st0.live_bytes);
}

/* ---- churn: 1 000 000 connections opened and closed ---- */

/* The number of connections: 1 000 000 by default; TERN_CHURN=N changes
 * it (a multiple of 4: the four modes below take turns), e.g. a smaller
 * count under valgrind (make memcheck). */
enum { CHURN_DEFAULT = 1000000 };
static int CHURN = CHURN_DEFAULT;

static int churn_count(void)
{
    const char *e = getenv("TERN_CHURN");
    long n = e && *e ? strtol(e, NULL, 10) : CHURN_DEFAULT;
    if (n < 4)
        n = 4;
    if (n > 100000000)
        n = 100000000;
    return (int)(n - n % 4);
}

/* AddressSanitizer (and valgrind) replace malloc, and glibc's mallinfo2()
 * then describes an arena nobody allocates from: the heap-size check runs
 * only in builds without ASan. */
#if defined(__SANITIZE_ADDRESS__)
#define CHURN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHURN_ASAN 1
#endif
#endif
#ifndef CHURN_ASAN
#define CHURN_ASAN 0
#endif

static struct {
    int connected, accepted, a_fin, b_fin, a_err, b_err, data_ok;
    int mode; /* of the connection being opened */
} C;

static int a_recv(void *arg, tern_tcp *t, tern_pbuf *p, int err)
{
    (void)arg, (void)err;
    if (!p) {
        C.a_fin++;
        tern_tcp_close(t);
        return 0;
    }
    if (p->tot_len == 10 && tern_pbuf_memcmp(p, 0, "0123456789", 10) == 0)
        C.data_ok++;
    uint16_t n = p->tot_len;
    tern_pbuf_free(p);
    tern_tcp_recved(t, n);
    if ((intptr_t)tern_tcp_get_arg(t) == 1)
        tern_tcp_close(t); /* the server closes first */
    return 0;
}

static void a_err(void *arg, int err)
{
    (void)arg, (void)err;
    C.a_err++;
}

static int a_accept(void *arg, tern_tcp *child, int err)
{
    (void)arg;
    if (err)
        return err;
    C.accepted++;
    if (C.mode == 3)
        return -1; /* refused: the stack aborts the child */
    tern_tcp_set_arg(child, (void *)(intptr_t)C.mode);
    tern_tcp_set_callbacks(child, a_recv, NULL, a_err);
    return 0;
}

static int b_recv(void *arg, tern_tcp *t, tern_pbuf *p, int err)
{
    (void)arg, (void)err;
    if (!p) {
        C.b_fin++;
        tern_tcp_close(t);
        return 0;
    }
    uint16_t n = p->tot_len;
    tern_pbuf_free(p);
    tern_tcp_recved(t, n);
    return 0;
}

static void b_err(void *arg, int err)
{
    (void)arg, (void)err;
    C.b_err++;
}

static int b_connected(void *arg, tern_tcp *t, int err)
{
    (void)arg;
    if (err)
        return err;
    C.connected++;
    if (C.mode == 2) {
        tern_tcp_abort(t);
        return H_ERR_ABRT;
    }
    tern_tcp_write(t, "0123456789", 10, 0);
    if (C.mode == 0 || C.mode == 3)
        tern_tcp_close(t); /* the client closes first */
    else
        tern_tcp_output(t);
    return 0;
}

static void test_churn(void)
{
    CHURN = churn_count();
    memset(&C, 0, sizeof(C));
    tern_pbuf_stats st0, st;
    /* The pbuf free lists (a process-wide cache) are emptied before and
     * after, so the heap's size says what the stacks kept. */
    tern_pbuf_trim();
    tern_pbuf_get_stats(&st0);
    struct mallinfo2 heap0 = mallinfo2();
    tern_tcp_config cfg;
    tern_tcp_default_config(&cfg);
    cfg.time_wait_ms = 1000;
    two_stacks(&cfg, &cfg);
    tern_tcp *l = tern_tcp_new(A, TERN_ADDR_V4);
    CU_ASSERT_FATAL(tern_tcp_bind(l, NULL, 80) == 0 && tern_tcp_listen(l, 64) == 0);
    tern_tcp_set_accept(l, a_accept);
    tern_addr a;
    tern_addr_set_v4(&a, A_ADDR);
    uint64_t max_live = 0;
    unsigned max_sockets = 0;
    int refused = 0;
    for (int i = 0; i < CHURN; i++) {
        C.mode = i % 4;
        tern_tcp *c = tern_tcp_new(B, TERN_ADDR_V4);
        tern_tcp_set_callbacks(c, b_recv, NULL, b_err);
        if (tern_tcp_connect(c, &a, 80, b_connected) != 0) {
            refused++;
            tern_tcp_abort(c);
            continue;
        }
        for (int k = 0; k < 3; k++)
            wire_run(2); /* SYN, SYN-ACK, ACK + data: some state is live here */
        tern_pbuf_get_stats(&st);
        if (st.live_bytes - st0.live_bytes > max_live)
            max_live = st.live_bytes - st0.live_bytes;
        wire_run(0);
        ladvance(1);
        if (i % 256 == 0) {
            tern_pbuf_get_stats(&st);
            if (st.live_bytes - st0.live_bytes > max_live)
                max_live = st.live_bytes - st0.live_bytes;
            unsigned sk = h_tcp_socket_count(A) + h_tcp_socket_count(B);
            if (sk > max_sockets)
                max_sockets = sk;
        }
    }
    ladvance(200000);
    if (getenv("H_DEBUG"))
        fprintf(stderr, "churn: max sockets %u, max live %llu, %llu packets, fins a %d b %d, errs a %d b %d\n",
                max_sockets, (unsigned long long)max_live, (unsigned long long)delivered, C.a_fin, C.b_fin, C.a_err,
                C.b_err);
    H_EQ(refused, 0);
    H_EQ(C.connected, CHURN);
    H_EQ(C.accepted, CHURN - CHURN / 4); /* mode 2 aborts before the handshake ends */
    H_EQ(C.data_ok, CHURN / 2); /* modes 0 and 1 deliver their 10 bytes */
    H_EQ(bad_out, 0);
    /* TIME-WAIT lasts 1 s and one connection opens per ms. */
    CU_ASSERT(max_sockets <= 2 * 1000 + 16);
    CU_ASSERT(max_live <= 1024u * 1024);
    H_EQ(h_tcp_socket_count(A), 1);
    H_EQ(h_tcp_socket_count(B), 0);
    tern_pbuf_get_stats(&st);
    H_EQ(st.live_pbufs, st0.live_pbufs);
    H_EQ(st.live_bytes, st0.live_bytes);
    free_stacks();
    H_EQ(h_custom_live, 0);
    tern_pbuf_get_stats(&st);
    H_EQ(st.live_pbufs, st0.live_pbufs);
    H_EQ(st.live_bytes, st0.live_bytes);
    tern_pbuf_trim();
    tern_pbuf_get_stats(&st);
    H_EQ(st.cached_bytes, 0);
    /* The heap is back to its starting size (malloc's own bookkeeping;
     * meaningless when a sanitizer or valgrind replaced malloc).  glibc's
     * mallinfo2() counts chunks parked in its per-thread cache (tcache) as
     * in use, which leaves a constant few KiB of noise (2080 bytes here
     * after 1000 connections and after 1 000 000 alike); 64 KiB of slack
     * still catches any per-connection leak: one byte per connection is a
     * megabyte. */
    struct mallinfo2 heap = mallinfo2();
    if (getenv("H_DEBUG"))
        fprintf(stderr, "churn: %d connections, heap in use %zu bytes before, %zu after%s\n", CHURN,
                heap0.uordblks, heap.uordblks, CHURN_ASAN ? " (ASan: not checked)" : "");
    if (!CHURN_ASAN)
        CU_ASSERT(heap.uordblks <= heap0.uordblks + 65536);
}

TERN_UNIT_SUITE(hostile_load)
{
    static char churn_name[64];
    CU_pSuite s = CU_add_suite("hostile/load", NULL, NULL);
    CU_add_test(s, "100000-SYN flood during an 8 MiB transfer", test_syn_flood);
    snprintf(churn_name, sizeof(churn_name), "%d connections opened and closed (TERN_CHURN)", churn_count());
    CU_add_test(s, churn_name, test_churn);
}
