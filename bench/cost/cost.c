/* bench/cost/cost.c: CPU and memory cost of one TCP stack, with no kernel in
 * the way.  Written once against lwIP 2.1's raw API and built once per
 * backend (Debian's lwIP, the bench's tuned lwIP builds, tern's compat).
 *
 * One stack instance and the synthetic peer of peer.c share the process:
 * the stack's netif output hands packets to the peer, the loop below hands
 * the peer's packets to netif->input.  The stack is a server (it listens on
 * 198.18.0.1:5201, as a tun2socks relay does), the application does what a
 * relay does at its cheapest: writes with TCP_WRITE_FLAG_COPY up to
 * tcp_sndbuf, and tcp_recved + pbuf_free on every received pbuf.
 *
 *   cost-STACK send BYTES [--verify] [--offload] [--idle N]
 *                                      the stack sends BYTES to the peer
 *   cost-STACK recv BYTES [--verify] [--idle N]
 *                                      the peer sends BYTES to the stack
 *     --offload: the netif offloads what the stack lets it: tern's TCP
 *                segmentation offload with partial checksums
 *                (netif_tern_set_tso); for lwIP only a build with
 *                CHECKSUM_GEN_TCP 0 (bench/lwip/tuned-offload) accepts it
 *     --idle N:  N idle established connections stay open beside the
 *                measured one (opened first, outside what callgrind counts)
 *   cost-STACK churn N [--depth D]     N connections opened by the peer and
 *                                      closed (peer first), D at a time
 *   cost-STACK idle N [--reply B]      N established idle connections: heap
 *                                      per connection, timer cost; --reply:
 *                                      each first sends B bytes (a relay's
 *                                      answer), heap also after 60 s quiet
 * Output: "key value" lines.
 *
 * Every call into the stack goes through a bench_step_* function and every
 * peer function that runs inside one is named peer_on_output or
 * peer_fill_*, so that callgrind can count the stack alone:
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect='bench_step_*'
 *            --toggle-collect=peer_on_output --toggle-collect='peer_fill_*'
 * (each toggle flips collection on entry and exit: on in a step, off again
 * while the peer runs inside it).  The application's callbacks run inside
 * steps and are counted; so is the pbuf_alloc of every packet the peer
 * sends, but not the copy of its bytes into the pbuf (the driver's read).
 * Time is virtual (sys_now below): 1 ms per MiB moved, plus 1 ms whenever
 * nothing moves, so timers fire as they would at about 8 Gbit/s. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#ifdef TERN_HAVE_TSO
#include "tern/pbuf.h" /* the pbuf cache's size (idle --reply) */
#endif

#include "peer.h"

#ifndef BENCH_STACK
#define BENCH_STACK "unknown"
#endif

#if !NO_SYS
void sys_check_timeouts(void); /* exported by Debian's NO_SYS=0 build too */
#endif

#define PORT 5201
#define STACK_IP 0xC6120001u /* 198.18.0.1 */
#define IDLE_LIMIT_MS 60000u

/* ---- virtual clock ---- */
static u32_t vclock = 1000;
static uint64_t vclock_bytes;
u32_t sys_now(void);
u32_t sys_now(void) { return vclock; }
static void clock_bytes(uint64_t n)
{
    vclock_bytes += n;
    while (vclock_bytes >= 1048576) {
        vclock_bytes -= 1048576;
        vclock++;
    }
}

static double now_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t heap_used(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static void fail(const char *what)
{
    printf("error %s\n", what);
    fprintf(stderr, "cost-%s: %s\n", BENCH_STACK, what);
    fflush(NULL);
    exit(1);
}

/* ---- the stack's side: netif and application ---- */
static struct netif nif;
static struct tcp_pcb *app_pcb; /* send/recv: the one connection */
static uint64_t total, app_sent, app_rcvd;
static uint64_t accepted, closed_by_peer, stack_errors, alloc_failures, app_verify_errors;
static int verify;

/* Callgrind counts a frame when an odd number of toggling functions
 * (bench_step_*, peer_on_output, peer_fill_*) are on the stack.  Opening
 * the idle connections runs outside any bench_step_*, so the peer's work
 * there is called through one more toggling frame (these two wrappers):
 * neither the stack's nor the peer's setup work is counted. */
static int setting_up;
__attribute__((noinline)) void peer_fill_uncounted_output(const peer_iov *v, int k, uint32_t gso);
__attribute__((noinline)) void peer_fill_uncounted_ctrl(void *buf);
__attribute__((noinline)) void peer_fill_uncounted_output(const peer_iov *v, int k, uint32_t gso)
{
    peer_on_output(v, k, gso);
}
__attribute__((noinline)) void peer_fill_uncounted_ctrl(void *buf) { peer_fill_ctrl(buf); }

static err_t nif_output(struct netif *n, struct pbuf *p, const ip4_addr_t *dst)
{
    (void)n;
    (void)dst;
    peer_iov v[128]; /* an offloaded burst may be a long chain */
    int k = 0;
    for (struct pbuf *q = p; q && k < 128; q = q->next) {
        v[k].base = q->payload;
        v[k].len = q->len;
        k++;
    }
    uint32_t gso = 0;
#ifdef TERN_HAVE_TSO
    gso = netif_tern_tx_gso_size(n);
#endif
    if (setting_up)
        peer_fill_uncounted_output(v, k, gso);
    else
        peer_on_output(v, k, gso);
    return ERR_OK;
}

static err_t nif_init(struct netif *n)
{
    n->name[0] = 'b';
    n->name[1] = 'n';
    n->mtu = 1500;
    n->output = nif_output;
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)err;
    if (arg == (void *)&app_pcb)
        app_pcb = NULL;
    stack_errors++;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (!p) {
        closed_by_peer++;
        if (pcb == app_pcb)
            app_pcb = NULL;
        tcp_arg(pcb, NULL);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    if (verify) {
        uint64_t o = app_rcvd;
        for (struct pbuf *q = p; q; q = q->next)
            for (u16_t j = 0; j < q->len; j++, o++)
                if (((const unsigned char *)q->payload)[j] != peer_pattern[o % PEER_MSS])
                    app_verify_errors++;
    }
    app_rcvd += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static u16_t reply_bytes; /* idle --reply: bytes every accepted connection sends at once */

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !newpcb)
        return ERR_VAL;
    accepted++;
    tcp_nagle_disable(newpcb);
    tcp_recv(newpcb, on_recv);
    tcp_err(newpcb, on_err);
    if (!app_pcb && total) {
        app_pcb = newpcb;
        tcp_arg(newpcb, &app_pcb);
    }
    if (reply_bytes) {
        if (tcp_write(newpcb, peer_pattern, reply_bytes, TCP_WRITE_FLAG_COPY) != ERR_OK)
            fail("tcp_write of the reply failed");
        tcp_output(newpcb);
    }
    return ERR_OK;
}

/* The application's writer: as much as tcp_sndbuf allows, at least a
 * segment's worth unless that is all that is left. */
static uint64_t pump(void)
{
    uint64_t wrote = 0;
    while (app_pcb && app_sent < total) {
        uint64_t left = total - app_sent;
        uint32_t n = tcp_sndbuf(app_pcb);
        if (n > left)
            n = (uint32_t)left;
        if (n > 65535)
            n = 65535;
        if (n < PEER_MSS && n < left)
            break;
        err_t e = tcp_write(app_pcb, peer_pattern + app_sent % PEER_PATTERN_PERIOD, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (e == ERR_MEM)
            break;
        if (e != ERR_OK)
            fail("tcp_write failed");
        app_sent += n;
        wrote += n;
    }
    if (wrote && app_pcb)
        tcp_output(app_pcb);
    return wrote;
}

/* ---- steps: every call into the stack ---- */
__attribute__((noinline)) void bench_step_ctrl(void);
__attribute__((noinline)) void bench_step_data(size_t i, uint32_t len);
__attribute__((noinline)) uint64_t bench_step_app(void);
__attribute__((noinline)) void bench_step_timers(void);

__attribute__((noinline)) void bench_step_ctrl(void)
{
    size_t len = peer_ctrl_next_len();
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
    if (!p) {
        unsigned char scratch[64];
        peer_fill_ctrl(scratch); /* the packet is lost */
        alloc_failures++;
        return;
    }
    peer_fill_ctrl(p->payload);
    if (nif.input(p, &nif) != ERR_OK)
        pbuf_free(p);
}

__attribute__((noinline)) void bench_step_data(size_t i, uint32_t len)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(PEER_HDR + len), PBUF_RAM);
    if (!p) {
        alloc_failures++;
        return;
    }
    peer_fill_data(i, p->payload, len);
    if (nif.input(p, &nif) != ERR_OK)
        pbuf_free(p);
}

__attribute__((noinline)) uint64_t bench_step_app(void) { return pump(); }

__attribute__((noinline)) void bench_step_timers(void) { sys_check_timeouts(); }

/* Hands every queued control packet to the stack. */
static size_t deliver_ctrl(void)
{
    size_t n = 0;
    while (peer_ctrl_pending()) {
        bench_step_ctrl();
        n++;
    }
    return n;
}

/* The same two steps under names callgrind does not count: for opening
 * the idle connections that stay beside a measured transfer. */
__attribute__((noinline)) void setup_ctrl(void);
__attribute__((noinline)) void setup_timers(void);
__attribute__((noinline)) void setup_ctrl(void)
{
    while (peer_ctrl_pending()) {
        size_t len = peer_ctrl_next_len();
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
        if (!p)
            fail("out of pbufs while opening idle connections");
        peer_fill_uncounted_ctrl(p->payload);
        if (nif.input(p, &nif) != ERR_OK)
            pbuf_free(p);
    }
}
__attribute__((noinline)) void setup_timers(void) { sys_check_timeouts(); }

static u32_t idle_ms;
/* Nothing moved: acknowledge what the peer owes, else let 1 ms pass. */
static void idle(void)
{
    size_t before = peer_ctrl_pending();
    peer_flush_acks();
    if (peer_ctrl_pending() == before) {
        vclock++;
        if (++idle_ms > IDLE_LIMIT_MS)
            fail("stalled: nothing moved for 60 s of virtual time");
    }
    bench_step_timers();
}

static void setup(size_t nconns)
{
    lwip_init();
    ip4_addr_t ip, mask, gw;
    IP4_ADDR(&ip, 198, 18, 0, 1);
    IP4_ADDR(&mask, 255, 254, 0, 0);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    if (!netif_add(&nif, &ip, &mask, &gw, NULL, nif_init, ip_input))
        fail("netif_add failed");
    netif_set_default(&nif);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    struct tcp_pcb *l = tcp_new();
    if (!l || tcp_bind(l, IP_ADDR_ANY, PORT) != ERR_OK)
        fail("tcp_bind failed");
    l = tcp_listen(l);
    if (!l)
        fail("tcp_listen failed");
    tcp_accept(l, on_accept);
    if (peer_init(STACK_IP, PORT, nconns, verify) != 0)
        fail("out of memory");
}

static void print_common(void)
{
    printf("stack %s\n", BENCH_STACK);
    printf("peer_pkts_to_stack %llu\n", (unsigned long long)peer_st.pkts_out);
    printf("stack_pkts_to_peer %llu\n", (unsigned long long)peer_st.pkts_in);
    printf("peer_acks %llu\n", (unsigned long long)peer_st.acks_out);
    printf("out_of_order %llu\n", (unsigned long long)peer_st.out_of_order);
    printf("bad_packets %llu\n", (unsigned long long)peer_st.bad_packets);
    printf("resets %llu\n", (unsigned long long)peer_st.resets);
    printf("stack_errors %llu\n", (unsigned long long)stack_errors);
    printf("alloc_failures %llu\n", (unsigned long long)alloc_failures);
    printf("verify_errors %llu\n", (unsigned long long)(peer_st.verify_errors + app_verify_errors));
    printf("virtual_ms %u\n", (unsigned)(vclock - 1000));
}

/* Connections first .. first+n-1 established and accepted, idle. */
static void establish_idle(size_t first, size_t n)
{
    uint64_t saved_total = total;
    total = 0; /* none of them becomes the application's connection */
    size_t started = 0, est0 = peer_st.established, acc0 = accepted;
    unsigned spins = 0;
    setting_up = 1;
    while (peer_st.established - est0 < n || accepted - acc0 < n || peer_ctrl_pending()) {
        while (started < n && started - (peer_st.established - est0) < 64)
            peer_connect(first + started++);
        int moved = peer_ctrl_pending() != 0;
        setup_ctrl();
        setup_timers();
        if (!moved) {
            peer_flush_acks();
            vclock++;
            if (++spins > IDLE_LIMIT_MS)
                fail("stalled opening the idle connections");
        }
        if (peer_st.resets)
            fail("idle connections were reset");
    }
    setting_up = 0;
    total = saved_total;
}

static void establish_one(void)
{
    peer_connect(0);
    for (int spins = 0; !(app_pcb && peer_conn_at(0)->state == PC_ESTABLISHED); spins++) {
        if (!deliver_ctrl())
            idle();
        if (peer_conn_at(0)->state == PC_RESET)
            fail("connection reset during the handshake");
    }
}

static int offload;
static size_t idle_beside;

static void run_transfer(int sending)
{
    setup(1 + idle_beside);
    if (offload) {
#ifdef TERN_HAVE_TSO
        netif_tern_set_tso(&nif, 65535);
#elif CHECKSUM_GEN_TCP
        fail("--offload: this lwIP build generates TCP checksums itself (use the CHECKSUM_GEN_TCP 0 build)");
#endif
    }
    if (idle_beside)
        establish_idle(1, idle_beside);
    establish_one();
    peer_conn *c = peer_conn_at(0);
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    if (sending) {
        while (c->rx_bytes < total) {
            uint64_t before = c->rx_bytes;
            uint64_t wrote = bench_step_app();
            size_t acks = deliver_ctrl();
            bench_step_timers();
            clock_bytes(c->rx_bytes - before);
            if (!wrote && !acks && c->rx_bytes == before)
                idle();
            else
                idle_ms = 0;
            if (c->state != PC_ESTABLISHED || !app_pcb)
                fail("connection lost");
        }
    } else {
        while (app_rcvd < total || peer_unacked(0)) {
            uint64_t before = app_rcvd;
            int sent = 0;
            for (; sent < 64; sent++) {
                uint32_t len = peer_data_room(0, total - c->tx_bytes);
                if (!len)
                    break;
                bench_step_data(0, len);
            }
            size_t ctrl = deliver_ctrl();
            bench_step_timers();
            clock_bytes(app_rcvd - before);
            if (!sent && !ctrl && app_rcvd == before)
                idle();
            else
                idle_ms = 0;
            if (c->state != PC_ESTABLISHED || !app_pcb)
                fail("connection lost");
        }
    }
    double w1 = now_s(CLOCK_MONOTONIC), c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    printf("mode %s\n", sending ? "send" : "recv");
#ifdef TERN_HAVE_TSO
    printf("offload %s\n", offload ? "tso+checksum" : "none");
#else
    printf("offload %s\n", offload ? "checksum" : "none");
#endif
    printf("idle_beside %zu\n", idle_beside);
    printf("bytes %llu\n", (unsigned long long)total);
    printf("wall_s %.6f\n", w1 - w0);
    printf("cpu_s %.6f\n", c1 - c0);
    printf("ns_per_byte %.4f\n", (c1 - c0) * 1e9 / (double)total);
    printf("cpu_gbit_per_s %.3f\n", (double)total * 8 / (c1 - c0) / 1e9);
    printf("data_segments %llu\n", (unsigned long long)(sending ? peer_st.data_segs_in : peer_st.pkts_out));
    print_common();
}

static void run_churn(size_t n, size_t depth)
{
    setup(n);
    peer_set_auto_close(1);
    size_t heap0 = heap_used();
    size_t started = 0;
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    while (peer_st.done + peer_st.resets < n || peer_ctrl_pending()) {
        while (started < n && started - (peer_st.done + peer_st.resets) < depth)
            peer_connect(started++);
        size_t moved = deliver_ctrl();
        bench_step_timers();
        if (!moved)
            idle();
        else
            idle_ms = 0;
    }
    double w1 = now_s(CLOCK_MONOTONIC), c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    /* Let every timer run out (TIME_WAIT and the like), then look at the heap. */
    for (int i = 0; i < 4 * 60 * 4; i++) {
        vclock += 250;
        bench_step_timers();
        deliver_ctrl();
    }
    size_t heap1 = heap_used();
    printf("mode churn\n");
    printf("connections %zu\n", n);
    printf("depth %zu\n", depth);
    printf("completed %llu\n", (unsigned long long)peer_st.done);
    printf("accepted %llu\n", (unsigned long long)accepted);
    printf("wall_s %.6f\n", w1 - w0);
    printf("cpu_s %.6f\n", c1 - c0);
    printf("conn_per_s %.0f\n", (double)n / (c1 - c0));
    printf("heap_retained_bytes %lld\n", (long long)heap1 - (long long)heap0);
    print_common();
    if (peer_st.resets)
        fail("connections were reset");
}

static void run_idle(size_t n)
{
    setup(n);
    size_t heap0 = heap_used();
    size_t started = 0;
    while (peer_st.established < n || accepted < n || peer_ctrl_pending()) {
        while (started < n && started - peer_st.established < 64)
            peer_connect(started++);
        size_t moved = deliver_ctrl();
        bench_step_timers();
        if (!moved)
            idle();
        else
            idle_ms = 0;
        if (peer_st.resets)
            fail("connections were reset");
    }
    /* --reply: the peer acknowledges every reply at once (before any
     * retransmission timer could fire). */
    if (reply_bytes) {
        peer_flush_acks();
        while (peer_ctrl_pending())
            deliver_ctrl();
    }
    size_t heap1 = heap_used();
    uint64_t pkts_before = peer_st.pkts_in;
    /* 60 s of idle timers for n connections. */
    double c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < 240; i++) {
        vclock += 250;
        bench_step_timers();
        deliver_ctrl();
    }
    double c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    uint64_t pkts_idle = peer_st.pkts_in - pkts_before;
    printf("mode idle\n");
    printf("connections %zu\n", n);
    printf("accepted %llu\n", (unsigned long long)accepted);
    printf("heap_bytes %zu\n", heap1 - heap0);
    printf("heap_bytes_per_conn %.1f\n", (double)(heap1 - heap0) / (double)n);
    printf("timer_cpu_us_per_s %.1f\n", (c1 - c0) * 1e6 / 60.0);
    printf("idle_pkts %llu\n", (unsigned long long)pkts_idle);
    /* After those 60 s: what a connection that answered and went quiet
     * holds (a stack may give back what only a sender needs). */
    printf("reply_bytes %u\n", (unsigned)reply_bytes);
    printf("heap_bytes_per_conn_after_60s %.1f\n", (double)(heap_used() - heap0) / (double)n);
#ifdef TERN_HAVE_TSO
    /* tern keeps freed pbufs for reuse (at most TERN_PBUF_CACHE_MAX_BYTES
     * for the whole stack, not per connection): the figure without them. */
    tern_pbuf_stats ps;
    tern_pbuf_get_stats(&ps);
    printf("pbuf_cache_bytes %llu\n", (unsigned long long)ps.cached_bytes);
    printf("heap_bytes_per_conn_after_60s_less_cache %.1f\n",
           (double)(heap_used() - heap0 - ps.cached_bytes) / (double)n);
#endif
    /* Close them all (peer first) and see what stays. */
    for (size_t i = 0; i < n; i++)
        peer_close(i);
    while (peer_st.done < n || peer_ctrl_pending()) {
        size_t moved = deliver_ctrl();
        bench_step_timers();
        if (!moved)
            idle();
        else
            idle_ms = 0;
    }
    for (int i = 0; i < 4 * 60 * 4; i++) {
        vclock += 250;
        bench_step_timers();
        deliver_ctrl();
    }
    printf("heap_retained_after_close %lld\n", (long long)heap_used() - (long long)heap0);
        print_common();
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s send|recv BYTES [--verify] [--offload] [--idle N] | churn N [--depth D] | idle N [--reply B]\n",
                argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    unsigned long long n = strtoull(argv[2], NULL, 0);
    size_t depth = 16;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--verify"))
            verify = 1;
        else if (!strcmp(argv[i], "--depth") && i + 1 < argc)
            depth = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--offload"))
            offload = 1;
        else if (!strcmp(argv[i], "--reply") && i + 1 < argc)
            reply_bytes = (u16_t)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--idle") && i + 1 < argc)
            idle_beside = strtoull(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (n == 0 || depth == 0) {
        fprintf(stderr, "count must be positive\n");
        return 2;
    }
    if (!strcmp(mode, "send") || !strcmp(mode, "recv")) {
        total = n;
        run_transfer(mode[0] == 's');
    } else if (!strcmp(mode, "churn")) {
        run_churn(n, depth);
    } else if (!strcmp(mode, "idle")) {
        run_idle(n);
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    if (peer_st.verify_errors + app_verify_errors)
        fail("payload mismatch");
    return 0;
}
