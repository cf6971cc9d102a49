/* tests/consumer/threads_like.c: lwIP's API from several threads, in both of
 * the lwIP layer's modes (lwip/init.h, tern/stack.h), under its own
 * lwipopts.h (threads/lwipopts.h).
 *
 * Per-thread mode (tern_lwip_set_per_thread(1) before the process's first
 * lwip_init; tunrelay --queues N runs this way): THREADS threads at once
 * each run lwip_init, netif_add (their own address in 198.18.0.0/15 and
 * their own output function), udp_new and tcp_new.  Every thread binds the
 * SAME UDP and TCP ports: with shared pcb lists the second bind would fail.
 * Checks, per thread: the binds succeed; tern_lwip_set_per_thread refuses
 * (-1) while a stack exists, in the thread and from the main thread; each of
 * its ROUNDS datagrams leaves through its own netif, on its own thread, with
 * its own source address and payload (count exact); tcp_connect's SYN
 * leaves through its own netif; netif_find and netif_get_by_index see only
 * its own netif; each of the INJECTED datagrams fed to its netif's input
 * (built with the test kit, tests/kit/pkt.h) reaches its own UDP recv
 * callback, on its own thread, and no other thread's; after
 * tern_lwip_release its pbuf counters read zero and netif_find finds
 * nothing.  Once every thread has released, the switch is accepted again.
 * The ASan build's leak check at exit covers what release must free.
 *
 * Process-wide mode (the default, lwIP's contract; go-tun2socks' pattern):
 * a forked child that never calls the switch runs lwip_init and netif_add
 * in thread A; thread B, under one mutex, sees A's netif in netif_list and
 * calls udp_new, udp_bind, pbuf_alloc, udp_sendto and pbuf_free while A
 * polls sys_check_timeouts under the same mutex; B's datagrams leave
 * through A's netif, a datagram A injects reaches B's pcb, a pbuf B
 * allocated is freed by A, and after tern_lwip_release the process's pbuf
 * counters read zero.
 *
 * Deterministic: threads meet at barriers, loops are bounded by counts, no
 * check depends on timing.  Prints a PASS/FAIL line per check and a
 * summary; exits non-zero on any failure. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "tern/pbuf.h"

#include "pkt.h" /* the test kit's packet codec (tests/kit) */

#define THREADS 4
#define ROUNDS 200   /* datagrams each thread sends while the others send theirs */
#define INJECTED 20  /* datagrams fed to each thread's netif input */
#define UDP_PORT 7000 /* bound by every thread's pcb */
#define TCP_PORT 5000 /* every thread's tcp pcb's local port */
#define PEER_PORT 9

/* Formerly a known bug (the switch looked only at the calling thread's
 * stack); compat/src/init.c now counts every thread's live stacks.  1 would
 * report the check without counting it. */
#define SWITCH_FROM_STACKLESS_THREAD_KNOWN_BUG 0

static int failures, checks;

static void check(int ok, const char *what, int who)
{
    checks++;
    if (!ok)
        failures++;
    if (who >= 0)
        printf("%s: thread %d: %s\n", ok ? "PASS" : "FAIL", who, what);
    else
        printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
}

/* An IPv4 UDP datagram src:sport -> dst:dport carrying text; its size. */
static size_t udp4_datagram(uint8_t *out, const char *src, uint16_t sport, const char *dst,
                            uint16_t dport, const char *text)
{
    uint8_t seg[256];
    struct pkt_ip4 ip = {.src = pkt_addr_of(src), .dst = pkt_addr_of(dst), .proto = PKT_UDP, .ttl = 64};
    struct pkt_udp u = {.sport = sport, .dport = dport, .csum = PKT_CSUM_OK};
    size_t n = pkt_udp(seg, &ip.src, &ip.dst, &u, text, strlen(text));
    return pkt_ip4(out, &ip, seg, n);
}

/* Feeds a whole IP packet to a netif as its driver would. */
static void inject(struct netif *nif, const uint8_t *pkt, size_t len)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (p == NULL)
        return;
    pbuf_take(p, pkt, (u16_t)len);
    if (nif->input(p, nif) != ERR_OK)
        pbuf_free(p);
}

/* ---------------------------------------------------------------------- */
/* Per-thread mode                                                        */

typedef struct thread_run {
    int id;
    pthread_t self;
    struct netif nif;
    char addr[16], peer[16]; /* 198.18.<id>.1 and 198.18.<id>.200 */
    char name[8];            /* netif_find's name of nif */
    u8_t index;              /* netif_get_index(&nif) */
    /* results, read by the main thread after join */
    int switch_in_thread;    /* tern_lwip_set_per_thread(0) with this thread's stack live */
    err_t udp_bind_err, tcp_bind_err, connect_err;
    int udp_out_ok, udp_out_bad, syn_ok, out_wrong_thread, out_wrong_src;
    int find_own, find_other, index_own, index_other;
    int recv_ok, recv_bad;
    int live_pbufs_after, find_after_release;
} thread_run;

static thread_run runs[THREADS];
static pthread_barrier_t all_stacks; /* THREADS + main */
static pthread_barrier_t checked;    /* THREADS + main */
static pthread_barrier_t all_sent;   /* THREADS */

static void payload_out(const thread_run *r, char *buf, size_t n)
{
    snprintf(buf, n, "from thread %d", r->id);
}

static void payload_in(const thread_run *r, char *buf, size_t n)
{
    snprintf(buf, n, "to thread %d", r->id);
}

/* What leaves a thread's netif: every packet must be sent by the thread that
 * owns the netif with the netif's address as its source; a UDP datagram
 * carries that thread's payload, a TCP segment with SYN is its connect. */
static void output_of(thread_run *r, struct netif *n, struct pbuf *p)
{
    if (n != &r->nif || !pthread_equal(pthread_self(), r->self))
        r->out_wrong_thread++;
    uint8_t pkt[128];
    u16_t len = pbuf_copy_partial(p, pkt, sizeof(pkt), 0);
    if (len < 28)
        return;
    pkt_addr src = {.v = 4};
    memcpy(src.a, pkt + 12, 4);
    pkt_addr own = pkt_addr_of(r->addr);
    if (!pkt_addr_eq(&src, &own))
        r->out_wrong_src++;
    unsigned ihl = (pkt[0] & 0x0fu) * 4;
    if (pkt[9] == PKT_UDP) {
        char want[32];
        payload_out(r, want, sizeof(want));
        size_t wl = strlen(want);
        if (len == ihl + 8 + wl && pkt_get16(pkt + ihl) == UDP_PORT && !memcmp(pkt + ihl + 8, want, wl))
            r->udp_out_ok++;
        else
            r->udp_out_bad++;
    } else if (pkt[9] == PKT_TCP && len >= ihl + 20 && (pkt[ihl + 13] & PKT_SYN) &&
               pkt_get16(pkt + ihl) == TCP_PORT) {
        r->syn_ok++;
    }
}

/* One output function per thread, so a netif that called another thread's
 * function would be caught as well as one called from another thread. */
#define OUTPUT_FN(k)                                                                               \
    static err_t output_##k(struct netif *n, struct pbuf *p, const ip4_addr_t *a)                 \
    {                                                                                              \
        (void)a;                                                                                   \
        output_of(&runs[k], n, p);                                                                 \
        return ERR_OK;                                                                             \
    }
OUTPUT_FN(0)
OUTPUT_FN(1)
OUTPUT_FN(2)
OUTPUT_FN(3)
static netif_output_fn const outputs[THREADS] = {output_0, output_1, output_2, output_3};

static err_t thread_netif_init(struct netif *n)
{
    thread_run *r = n->state;
    n->name[0] = 't';
    n->name[1] = (char)('0' + r->id);
    n->output = outputs[r->id];
    n->mtu = 1500;
    return ERR_OK;
}

static void thread_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)pcb;
    (void)addr;
    thread_run *r = arg;
    char want[32];
    payload_in(r, want, sizeof(want));
    size_t wl = strlen(want);
    char got[32];
    u16_t n = pbuf_copy_partial(p, got, sizeof(got), 0);
    if (pthread_equal(pthread_self(), r->self) && port == PEER_PORT && n == wl && !memcmp(got, want, wl))
        r->recv_ok++;
    else
        r->recv_bad++;
    pbuf_free(p);
}

static void *stack_thread(void *arg)
{
    thread_run *r = arg;
    r->self = pthread_self();
    snprintf(r->addr, sizeof(r->addr), "198.18.%d.1", r->id);
    snprintf(r->peer, sizeof(r->peer), "198.18.%d.200", r->id);

    lwip_init();
    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 198, 18, (u8_t)r->id, 1);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 0, 0, 0, 0);
    netif_add(&r->nif, &a, &m, &g, r, thread_netif_init, ip_input);
    netif_set_default(&r->nif);
    netif_set_link_up(&r->nif);
    netif_set_up(&r->nif);
    snprintf(r->name, sizeof(r->name), "%c%c%u", r->nif.name[0], r->nif.name[1], (unsigned)r->nif.num);
    r->index = netif_get_index(&r->nif);

    struct udp_pcb *u = udp_new();
    r->udp_bind_err = udp_bind(u, IP_ANY_TYPE, UDP_PORT);
    udp_recv(u, thread_recv, r);
    struct tcp_pcb *t = tcp_new();
    r->tcp_bind_err = tcp_bind(t, IP_ANY_TYPE, TCP_PORT);
    r->switch_in_thread = tern_lwip_set_per_thread(0);

    pthread_barrier_wait(&all_stacks); /* every stack exists; main tries the switch */
    pthread_barrier_wait(&checked);

    /* Only this thread's netif, whatever the others' names and indexes. */
    r->find_own = netif_find(r->name) == &r->nif;
    r->index_own = netif_get_by_index(r->index) == &r->nif;
    for (int k = 0; k < THREADS; k++) {
        if (k == r->id)
            continue;
        if (netif_find(runs[k].name) != NULL)
            r->find_other++;
        struct netif *byidx = netif_get_by_index(runs[k].index);
        if (byidx != NULL && byidx != &r->nif)
            r->index_other++;
    }

    ip_addr_t dst;
    IP_ADDR4(&dst, 198, 18, (u8_t)r->id, 200);
    char text[32];
    payload_out(r, text, sizeof(text));
    for (int i = 0; i < ROUNDS; i++) {
        struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)strlen(text), PBUF_RAM);
        if (p == NULL)
            continue; /* counted as a missing datagram */
        memcpy(p->payload, text, strlen(text));
        udp_sendto(u, p, &dst, PEER_PORT);
        pbuf_free(p);
    }
    payload_in(r, text, sizeof(text));
    uint8_t pkt[256];
    size_t len = udp4_datagram(pkt, r->peer, PEER_PORT, r->addr, UDP_PORT, text);
    for (int i = 0; i < INJECTED; i++)
        inject(&r->nif, pkt, len);
    r->connect_err = tcp_connect(t, &dst, 80, NULL);

    pthread_barrier_wait(&all_sent); /* every stack still holds its pcbs here */

    tcp_abort(t);
    udp_remove(u);
    netif_remove(&r->nif);
    tern_lwip_release();
    tern_pbuf_stats st;
    tern_pbuf_get_stats(&st);
    r->live_pbufs_after = (int)st.live_pbufs;
    r->find_after_release = netif_find(r->name) != NULL;
    return NULL;
}

static void per_thread_mode(void)
{
    check(tern_lwip_set_per_thread(1) == 0, "tern_lwip_set_per_thread(1) before any lwip_init returns 0", -1);
    pthread_barrier_init(&all_stacks, NULL, THREADS + 1);
    pthread_barrier_init(&checked, NULL, THREADS + 1);
    pthread_barrier_init(&all_sent, NULL, THREADS);
    pthread_t th[THREADS];
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        runs[i].id = i;
        if (pthread_create(&th[i], NULL, stack_thread, &runs[i]) != 0)
            break;
        started++;
    }
    check(started == THREADS, "all threads started", -1);
    if (started != THREADS) {
        printf("cannot continue without all threads\n");
        exit(1);
    }

    /* Every thread's stack exists and no thread is inside a call: a switch
     * from a thread without a stack must still be refused.  Were it
     * accepted, put it back before the threads go on. */
    pthread_barrier_wait(&all_stacks);
    int r0 = tern_lwip_set_per_thread(0);
    if (r0 == 0)
        tern_lwip_set_per_thread(1);
#if SWITCH_FROM_STACKLESS_THREAD_KNOWN_BUG
    printf("%s: tern_lwip_set_per_thread(0) from the main thread while other threads' stacks exist returns -1"
           " (known bug, not counted)\n", r0 == -1 ? "XPASS" : "XFAIL");
#else
    check(r0 == -1, "tern_lwip_set_per_thread(0) from the main thread while other threads' stacks exist returns -1", -1);
#endif
    pthread_barrier_wait(&checked);

    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&all_stacks);
    pthread_barrier_destroy(&checked);
    pthread_barrier_destroy(&all_sent);

    char what[160];
    for (int i = 0; i < THREADS; i++) {
        thread_run *r = &runs[i];
        check(r->switch_in_thread == -1, "tern_lwip_set_per_thread(0) with its own stack live returns -1", i);
        check(r->udp_bind_err == ERR_OK, "udp_bind to the port every thread binds: ERR_OK", i);
        check(r->tcp_bind_err == ERR_OK, "tcp_bind to the port every thread binds: ERR_OK", i);
        check(r->find_own, "netif_find(own name) is its own netif", i);
        check(r->find_other == 0, "netif_find(other threads' names) finds nothing", i);
        check(r->index_own, "netif_get_by_index(own index) is its own netif", i);
        check(r->index_other == 0, "netif_get_by_index(other threads' indexes) is never another thread's netif", i);
        snprintf(what, sizeof(what), "%d of %d datagrams left its netif with its payload (%d bad)",
                 r->udp_out_ok, ROUNDS, r->udp_out_bad);
        check(r->udp_out_ok == ROUNDS && r->udp_out_bad == 0, what, i);
        check(r->connect_err == ERR_OK && r->syn_ok == 1, "tcp_connect: ERR_OK, one SYN on its netif", i);
        snprintf(what, sizeof(what), "every packet out on its own thread and netif (%d not), with its own source (%d not)",
                 r->out_wrong_thread, r->out_wrong_src);
        check(r->out_wrong_thread == 0 && r->out_wrong_src == 0, what, i);
        snprintf(what, sizeof(what), "%d of %d injected datagrams reached its recv callback on its thread (%d wrong)",
                 r->recv_ok, INJECTED, r->recv_bad);
        check(r->recv_ok == INJECTED && r->recv_bad == 0, what, i);
        snprintf(what, sizeof(what), "after tern_lwip_release: %d live pbufs, netif_find %s", r->live_pbufs_after,
                 r->find_after_release ? "still finds its netif" : "finds nothing");
        check(r->live_pbufs_after == 0 && !r->find_after_release, what, i);
    }
    /* No stack exists any more: the switch is the program's again. */
    check(tern_lwip_set_per_thread(1) == 0, "after every thread released, tern_lwip_set_per_thread(1) returns 0", -1);
}

/* ---------------------------------------------------------------------- */
/* Process-wide mode (run in a forked child that never calls the switch)  */

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static struct netif shared_nif;
static pthread_t thread_a;
static int shared_out_ok, shared_out_bad, shared_recv_ok, shared_recv_bad;
static int b_saw_list;
static err_t b_bind_err;
static struct udp_pcb *b_pcb;
static struct pbuf *b_handed; /* a pbuf B allocates and A frees */
static int b_done;

static err_t shared_output(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    uint8_t pkt[128];
    u16_t len = pbuf_copy_partial(p, pkt, sizeof(pkt), 0);
    static const char want[] = "from thread B";
    if (n == &shared_nif && pkt[9] == PKT_UDP && len == 28 + sizeof(want) - 1 && !memcmp(pkt + 28, want, sizeof(want) - 1))
        shared_out_ok++;
    else
        shared_out_bad++;
    return ERR_OK;
}

static err_t shared_netif_init(struct netif *n)
{
    n->name[0] = 's';
    n->name[1] = 'h';
    n->output = shared_output;
    n->mtu = 1500;
    return ERR_OK;
}

static void shared_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    (void)addr;
    static const char want[] = "to B's pcb";
    char got[32];
    u16_t n = pbuf_copy_partial(p, got, sizeof(got), 0);
    if (pcb == b_pcb && pthread_equal(pthread_self(), thread_a) && port == PEER_PORT && n == sizeof(want) - 1 &&
        !memcmp(got, want, n))
        shared_recv_ok++;
    else
        shared_recv_bad++;
    pbuf_free(p);
}

static void *thread_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&big_lock);
    b_saw_list = netif_list == &shared_nif && netif_default == &shared_nif;
    b_pcb = udp_new();
    b_bind_err = udp_bind(b_pcb, IP_ANY_TYPE, UDP_PORT);
    udp_recv(b_pcb, shared_recv, NULL);
    pthread_mutex_unlock(&big_lock);

    static const char text[] = "from thread B";
    ip_addr_t dst;
    IP_ADDR4(&dst, 198, 18, 100, 200);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&big_lock);
        struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, sizeof(text) - 1, PBUF_RAM);
        if (p != NULL) {
            memcpy(p->payload, text, sizeof(text) - 1);
            udp_sendto(b_pcb, p, &dst, PEER_PORT);
            pbuf_free(p);
        }
        pthread_mutex_unlock(&big_lock);
    }
    pthread_mutex_lock(&big_lock);
    b_handed = pbuf_alloc(PBUF_TRANSPORT, 100, PBUF_RAM);
    b_done = 1;
    pthread_mutex_unlock(&big_lock);
    return NULL;
}

/* Thread A: the stack's owner in go-tun2socks' sense (it made the stack and
 * polls its timers); returns the number of failed checks. */
static int process_wide_mode(void)
{
    thread_a = pthread_self();
    pthread_mutex_lock(&big_lock);
    lwip_init();
    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 198, 18, 100, 1);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 0, 0, 0, 0);
    netif_add(&shared_nif, &a, &m, &g, NULL, shared_netif_init, ip_input);
    netif_set_default(&shared_nif);
    netif_set_link_up(&shared_nif);
    netif_set_up(&shared_nif);
    pthread_mutex_unlock(&big_lock);

    pthread_t b;
    if (pthread_create(&b, NULL, thread_b, NULL) != 0) {
        check(0, "process-wide: thread B started", -1);
        return failures;
    }
    /* A polls the timers under the lock while B works (bounded: B's work
     * is; the cap only guards against a hang turning into a stuck run). */
    for (long i = 0; i < 100000000L; i++) {
        pthread_mutex_lock(&big_lock);
        sys_check_timeouts();
        int done = b_done;
        pthread_mutex_unlock(&big_lock);
        if (done)
            break;
        sched_yield();
    }
    pthread_join(b, NULL);

    uint8_t pkt[256];
    size_t len = udp4_datagram(pkt, "198.18.100.200", PEER_PORT, "198.18.100.1", UDP_PORT, "to B's pcb");
    inject(&shared_nif, pkt, len);
    int freed = b_handed != NULL;
    if (b_handed)
        pbuf_free(b_handed);
    udp_remove(b_pcb);
    netif_remove(&shared_nif);
    tern_lwip_release();
    tern_pbuf_stats st;
    tern_pbuf_get_stats(&st);

    check(b_saw_list, "process-wide: thread B sees A's netif in netif_list and netif_default", -1);
    check(b_bind_err == ERR_OK, "process-wide: udp_bind from thread B: ERR_OK", -1);
    char what[160];
    snprintf(what, sizeof(what), "process-wide: %d of %d datagrams sent by B left A's netif (%d other packets)",
             shared_out_ok, ROUNDS, shared_out_bad);
    check(shared_out_ok == ROUNDS && shared_out_bad == 0, what, -1);
    check(shared_recv_ok == 1 && shared_recv_bad == 0,
          "process-wide: a datagram injected by A reached B's pcb's recv callback", -1);
    snprintf(what, sizeof(what),
             "process-wide: a pbuf allocated by B freed by A, then release: %llu live pbufs",
             (unsigned long long)st.live_pbufs);
    check(freed && st.live_pbufs == 0, what, -1);
    return failures;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        int f = process_wide_mode();
        printf("process-wide mode: %d checks, %d failed\n", checks, f);
        exit(f ? 1 : 0); /* exit, not _exit: LeakSanitizer checks the child too */
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child)
        status = -1;
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "process-wide mode (child without the switch) exited 0, no sanitizer report", -1);

    per_thread_mode();
    printf("consumer-threads: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
