/* bench/impair/test_impair.c: checks of the impairment bridge.  The model
 * (impair_core) runs on virtual time, so every check of delay, loss,
 * duplication, reordering and the bottleneck is exact; the forwarding loop
 * runs on real sockets in a child process and is checked only for what does
 * not depend on speed: byte-exact delivery, order, the seeded loss pattern,
 * and that nothing arrives before its delay.  Exits non-zero on failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "impair_core.h"
#include "impair_fwd.h"

static int failures;
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                                       \
            fprintf(stderr, __VA_ARGS__);                                                                              \
            fprintf(stderr, "\n");                                                                                     \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

#define MS 1000000ull

/* Packet i: 4-byte index then a pattern, len bytes (len >= 4). */
static size_t make_pkt(unsigned char *b, uint32_t i, size_t len)
{
    memcpy(b, &i, 4);
    for (size_t j = 4; j < len; j++)
        b[j] = (unsigned char)(i * 31u + j * 7u);
    return len;
}
static int pkt_ok(const unsigned char *b, size_t len, uint32_t *idx)
{
    unsigned char want[2048];
    if (len < 4 || len > sizeof(want))
        return 0;
    memcpy(idx, b, 4);
    make_pkt(want, *idx, len);
    return memcmp(want, b, len) == 0;
}

/* The documented draw order: three uniforms per arriving packet. */
typedef struct draws {
    double loss, dup, reorder;
} draws;
static draws next_draws(uint64_t *rng)
{
    draws d;
    d.loss = impair_rand(rng);
    d.dup = impair_rand(rng);
    d.reorder = impair_rand(rng);
    return d;
}

static void test_delay_exact(void)
{
    impair_params p = {.delay_ns = 10 * MS};
    impair_dir d;
    CHECK(impair_dir_init(&d, &p, 1) == 0, "init");
    unsigned char b[2048];
    for (uint32_t i = 0; i < 100; i++)
        CHECK(impair_dir_push(&d, b, make_pkt(b, i, 40 + i * 13), 1000 * MS + i * 100000) == IMPAIR_QUEUED, "push %u", i);
    CHECK(impair_dir_pop(&d, 1010 * MS - 1) == NULL, "nothing before the delay");
    CHECK(impair_dir_next(&d) == 1010 * MS, "first release at arrival + delay");
    for (uint32_t i = 0; i < 100; i++) {
        uint64_t due = 1010 * MS + i * 100000;
        impair_pkt *k = impair_dir_pop(&d, due);
        uint32_t idx = 0;
        CHECK(k && k->release_ns == due && pkt_ok(k->data, k->len, &idx) && idx == i && k->len == 40 + i * 13,
              "packet %u delivered at its time, byte-exact, in order", i);
        free(k);
    }
    CHECK(impair_dir_pop(&d, UINT64_MAX - 1) == NULL && d.st.out == 100 && d.st.lost == 0, "exactly 100 out");
    impair_dir_free(&d);
}

static void test_seeded_loss(void)
{
    impair_params p = {.delay_ns = 1 * MS, .loss = 0.1};
    impair_params p2 = p;
    p2.dup = 0.05;
    p2.reorder = 0.05;
    impair_dir d, d2;
    CHECK(impair_dir_init(&d, &p, 42) == 0 && impair_dir_init(&d2, &p2, 42) == 0, "init");
    uint64_t rng = 42;
    unsigned char b[64];
    uint32_t lost = 0, n = 10000;
    for (uint32_t i = 0; i < n; i++) {
        draws w = next_draws(&rng);
        make_pkt(b, i, sizeof(b));
        enum impair_verdict v = impair_dir_push(&d, b, sizeof(b), i * 1000);
        enum impair_verdict v2 = impair_dir_push(&d2, b, sizeof(b), i * 1000);
        int want_lost = w.loss < p.loss;
        lost += (uint32_t)want_lost;
        CHECK((v == IMPAIR_LOST) == want_lost, "packet %u: the seed's loss decision", i);
        CHECK((v2 == IMPAIR_LOST) == want_lost, "packet %u: same loss with dup/reorder on", i);
    }
    /* Deterministic for this seed; the bounds say the generator is sane. */
    CHECK(lost > 900 && lost < 1100, "about 10%% lost (%u)", lost);
    CHECK(d.st.lost == lost && d.n == n - lost, "counters: lost %llu held %zu", (unsigned long long)d.st.lost, d.n);
    /* Survivors come out in order, each exactly once. */
    uint32_t prev = 0, got = 0;
    impair_pkt *k;
    while ((k = impair_dir_pop(&d, UINT64_MAX - 1))) {
        uint32_t idx = 0;
        CHECK(pkt_ok(k->data, k->len, &idx) && (got == 0 || idx > prev), "survivor in order");
        prev = idx;
        got++;
        free(k);
    }
    CHECK(got == n - lost, "every survivor delivered (%u of %u)", got, n - lost);
    impair_dir_free(&d);
    impair_dir_free(&d2);
    /* Another seed, another pattern. */
    impair_dir d3;
    CHECK(impair_dir_init(&d3, &p, 43) == 0, "init");
    int differs = 0;
    rng = 42;
    for (uint32_t i = 0; i < 200; i++) {
        draws w = next_draws(&rng);
        differs |= (impair_dir_push(&d3, b, sizeof(b), 0) == IMPAIR_LOST) != (w.loss < p.loss);
    }
    CHECK(differs, "seed 43 loses other packets than seed 42");
    impair_dir_free(&d3);
}

static void test_bottleneck(void)
{
    /* 1000-byte packets at 1 MB/s: 1 ms each; queue of 10; 5 ms delay. */
    impair_params p = {.delay_ns = 5 * MS, .rate_Bps = 1000000, .queue_pkts = 10};
    impair_dir d;
    CHECK(impair_dir_init(&d, &p, 1) == 0, "init");
    unsigned char b[1000];
    int queued = 0, dropped = 0;
    for (uint32_t i = 0; i < 25; i++) {
        enum impair_verdict v = impair_dir_push(&d, b, make_pkt(b, i, sizeof(b)), 0);
        queued += v == IMPAIR_QUEUED;
        dropped += v == IMPAIR_TAIL_DROP;
        CHECK(v == (i < 10 ? IMPAIR_QUEUED : IMPAIR_TAIL_DROP), "packet %u: drop-tail at 10", i);
    }
    CHECK(queued == 10 && dropped == 15 && d.st.tail_drops == 15, "10 queued, 15 tail-dropped");
    /* At 3.5 ms, three have left the bottleneck: room for three more. */
    for (uint32_t i = 25; i < 29; i++)
        CHECK(impair_dir_push(&d, b, make_pkt(b, i, sizeof(b)), 3500000) == (i < 28 ? IMPAIR_QUEUED : IMPAIR_TAIL_DROP),
              "packet %u after three departures", i);
    /* Releases: departure (k+1) ms, plus 5 ms. */
    for (uint32_t k = 0; k < 13; k++) {
        uint32_t want = k < 10 ? k : 25 + (k - 10);
        impair_pkt *x = impair_dir_pop(&d, UINT64_MAX - 1);
        uint32_t idx = 0;
        CHECK(x && x->release_ns == (k + 1) * MS + 5 * MS && pkt_ok(x->data, x->len, &idx) && idx == want,
              "bottleneck packet %u released at %llu ms", k, (unsigned long long)(k + 6));
        free(x);
    }
    /* An idle link: the next packet waits only for itself. */
    CHECK(impair_dir_push(&d, b, sizeof(b), 100 * MS) == IMPAIR_QUEUED, "idle push");
    CHECK(impair_dir_next(&d) == 106 * MS, "idle link: 1 ms serialisation + 5 ms");
    impair_dir_free(&d);
}

static void test_reorder_and_dup(void)
{
    impair_params p = {.delay_ns = 2 * MS, .reorder = 0.3, .reorder_ns = 3 * MS, .dup = 0.2};
    impair_dir d;
    CHECK(impair_dir_init(&d, &p, 9) == 0, "init");
    uint64_t rng = 9;
    unsigned char b[100];
    uint64_t want_release[200];
    int want_copies[200];
    uint32_t n = 200, held = 0, dups = 0;
    for (uint32_t i = 0; i < n; i++) {
        draws w = next_draws(&rng);
        uint64_t t = i * 100000ull; /* 0.1 ms apart: a held packet is overtaken by 30 */
        want_release[i] = t + p.delay_ns + (w.reorder < p.reorder ? p.reorder_ns : 0);
        want_copies[i] = 1 + (w.dup < p.dup);
        held += w.reorder < p.reorder;
        dups += w.dup < p.dup;
        impair_dir_push(&d, b, make_pkt(b, i, sizeof(b)), t);
    }
    CHECK(held > 30 && dups > 20 && d.st.reordered == held && d.st.dups == dups, "held %u dups %u", held, dups);
    int copies[200] = {0};
    uint64_t last = 0;
    int overtaken = 0;
    uint32_t prev_idx = 0;
    impair_pkt *k;
    while ((k = impair_dir_pop(&d, UINT64_MAX - 1))) {
        uint32_t idx = 0;
        CHECK(pkt_ok(k->data, k->len, &idx) && idx < n, "byte-exact");
        CHECK(k->release_ns >= last, "released in time order");
        /* A duplicate is never held back; the original may be. */
        CHECK(k->release_ns == want_release[idx] || k->release_ns == idx * 100000ull + p.delay_ns,
              "packet %u at its time", idx);
        overtaken |= idx < prev_idx;
        prev_idx = idx;
        last = k->release_ns;
        copies[idx]++;
        free(k);
    }
    for (uint32_t i = 0; i < n; i++)
        CHECK(copies[i] == want_copies[i], "packet %u: %d copies, want %d", i, copies[i], want_copies[i]);
    CHECK(overtaken, "held-back packets are overtaken");
    impair_dir_free(&d);
}

static void test_bad_params(void)
{
    impair_dir d;
    impair_params p = {.loss = 1.5};
    CHECK(impair_dir_init(&d, &p, 1) != 0, "loss > 1 refused");
    impair_params q = {.rate_Bps = 1000, .queue_pkts = 0};
    CHECK(impair_dir_init(&d, &q, 1) != 0, "a bottleneck without a queue refused");
    impair_params r = {.limit_pkts = 3};
    CHECK(impair_dir_init(&d, &r, 1) == 0, "init");
    unsigned char b[8] = {0};
    for (int i = 0; i < 5; i++)
        impair_dir_push(&d, b, sizeof(b), 0);
    CHECK(d.n == 3 && d.st.overflow == 2, "limit_pkts bounds what is held");
    impair_dir_free(&d);
}

typedef struct writer_arg {
    int fd;
    uint32_t n;
    uint64_t t0;
    int errors;
} writer_arg;

static void *writer(void *arg)
{
    writer_arg *w = arg;
    unsigned char b[2048];
    for (uint32_t i = 0; i < w->n; i++) {
        size_t len = make_pkt(b, i, 4 + (i * 97u) % 1497u);
        if (write(w->fd, b, len) != (ssize_t)len)
            w->errors++;
    }
    return NULL;
}

/* The loop on real sockets: a child forwards between two SEQPACKET pairs. */
static void test_forward_loop(double loss)
{
    int ab[2], ba[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ab) || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ba)) {
        CHECK(0, "socketpair: %s", strerror(errno));
        return;
    }
    const uint64_t delay = 20 * MS, seed = 5;
    impair_params p = {.delay_ns = delay, .loss = loss};
    pid_t pid = fork();
    if (pid == 0) {
        close(ab[0]);
        close(ba[0]);
        int fd[2] = {ab[1], ba[1]};
        for (int i = 0; i < 2; i++)
            if (fcntl(fd[i], F_SETFL, O_NONBLOCK) != 0)
                _exit(3);
        impair_dir dir[2];
        if (impair_dir_init(&dir[0], &p, seed) || impair_dir_init(&dir[1], &p, seed + 1))
            _exit(3);
        static volatile sig_atomic_t never;
        uint64_t werr[2] = {0, 0};
        int rc = impair_forward(fd, dir, werr, &never);
        _exit(rc == 0 && werr[0] == 0 && werr[1] == 0 ? 0 : 4);
    }
    close(ab[1]);
    close(ba[1]);
    /* Send 300 packets of 4..1500 bytes into side a, read them from side b. */
    enum { N = 300 };
    unsigned char b[2048];
    int expect[N];
    uint64_t rng = seed;
    int nexp = 0;
    for (uint32_t i = 0; i < N; i++) {
        draws w = next_draws(&rng);
        expect[i] = !(w.loss < loss);
        nexp += expect[i];
    }
    /* A writer thread, so that neither side waits on the other. */
    writer_arg wa = {.fd = ab[0], .n = N, .t0 = impair_now_ns()};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, writer, &wa) == 0, "pthread_create");
    uint64_t t0 = wa.t0;
    uint32_t next = 0;
    int got = 0;
    uint64_t first_at = 0;
    while (got < nexp) {
        struct pollfd pf = {.fd = ba[0], .events = POLLIN};
        if (poll(&pf, 1, 10000) <= 0) { /* generous: a loaded machine is slow, not wrong */
            CHECK(0, "timed out after %d of %d packets", got, nexp);
            break;
        }
        ssize_t n = read(ba[0], b, sizeof(b));
        uint32_t idx = 0;
        if (n <= 0 || !pkt_ok(b, (size_t)n, &idx)) {
            CHECK(0, "bad packet from the bridge");
            break;
        }
        if (!first_at)
            first_at = impair_now_ns();
        while (next < N && !expect[next])
            next++;
        CHECK(idx == next && (size_t)n == 4 + (idx * 97u) % 1497u, "got packet %u, want %u", idx, next);
        next = idx + 1;
        got++;
    }
    pthread_join(th, NULL);
    CHECK(wa.errors == 0, "writer: %d failed writes", wa.errors);
    CHECK(first_at - t0 >= delay, "nothing arrives before the delay");
    /* And the other direction: one packet back. */
    make_pkt(b, 7, 100);
    CHECK(write(ba[0], b, 100) == 100, "write back");
    struct pollfd pf = {.fd = ab[0], .events = POLLIN};
    uint32_t idx = 0;
    if (loss == 0)
        CHECK(poll(&pf, 1, 10000) == 1 && read(ab[0], b, sizeof(b)) == 100 && pkt_ok(b, 100, &idx) && idx == 7,
              "b->a forwards too");
    close(ab[0]);
    close(ba[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bridge loop exits cleanly when its peers close (status %d)", st);
    printf("forward loop, loss %.2f: %d of %d packets byte-exact and in order\n", loss, got, N);
}

int main(void)
{
    test_delay_exact();
    test_seeded_loss();
    test_bottleneck();
    test_reorder_and_dup();
    test_bad_params();
    test_forward_loop(0.0);
    test_forward_loop(0.2);
    if (failures) {
        fprintf(stderr, "impair-test: %d check(s) failed\n", failures);
        return 1;
    }
    printf("impair-test: all checks passed\n");
    return 0;
}
