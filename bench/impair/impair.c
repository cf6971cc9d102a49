/* bench/impair/impair.c: a userspace impairment bridge.  It creates two TUN
 * devices (each in a network namespace of the caller's choice) and forwards
 * every IP packet read from one to the other through an impaired link
 * (impair_core.h): one-way delay, random loss, duplication, reordering and
 * a rate-limited drop-tail queue, the same in both directions.  The bench
 * uses it because this kernel has no netem qdisc.
 *
 *   impair --a NAME[@NETNS] --b NAME[@NETNS] [--delay-ms D] [--loss P]
 *          [--dup P] [--reorder P] [--reorder-ms R] [--rate-mbit M]
 *          [--queue N] [--seed S]
 *
 * The caller configures addresses, MTU and the up state (ip link / ip addr);
 * the bridge prints "impair: ready" on stderr once both devices exist, and
 * on SIGTERM/SIGINT prints its counters per direction and exits 0.  Root
 * (CAP_NET_ADMIN, and CAP_SYS_ADMIN for setns) is needed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "impair_fwd.h"

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "impair: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

/* Creates TUN device NAME in namespace NETNS (NULL: the current one); the
 * device belongs to the namespace the fd was opened in. */
static int open_tun(const char *spec)
{
    char name[IFNAMSIZ + 64];
    snprintf(name, sizeof(name), "%s", spec);
    char *at = strchr(name, '@');
    int home = -1;
    if (at) {
        *at++ = 0;
        char path[256];
        snprintf(path, sizeof(path), "/run/netns/%s", at);
        int ns = open(path, O_RDONLY | O_CLOEXEC);
        if (ns < 0)
            die("no network namespace %s", path);
        home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0 || setns(ns, CLONE_NEWNET) != 0)
            die("cannot enter namespace %s (root needed)", at);
        close(ns);
    }
    if (strlen(name) >= IFNAMSIZ)
        die("device name too long: %s", name);
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        die("cannot open /dev/net/tun (%s)", strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        die("TUNSETIFF failed (%s): root and an unused name needed", strerror(errno));
    if (home >= 0) {
        if (setns(home, CLONE_NEWNET) != 0)
            die("cannot return to the original namespace (%s)", strerror(errno));
        close(home);
    }
    return fd;
}

static double parse_num(const char *s, const char *what, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < lo || v > hi)
        die("bad %s", what);
    return v;
}

static void usage(void)
{
    fprintf(stderr, "usage: impair --a NAME[@NETNS] --b NAME[@NETNS] [--delay-ms D] [--loss P] [--dup P]\n"
                    "              [--reorder P] [--reorder-ms R] [--rate-mbit M] [--queue N] [--seed S]\n"
                    "  probabilities P in 0..1; --rate-mbit: bottleneck in 10^6 bit/s (0: none);\n"
                    "  --queue: its drop-tail queue in packets (default 1000); every option applies\n"
                    "  to both directions.\n");
    exit(2);
}

static void print_stats(const char *name, const impair_stats *s, uint64_t werr)
{
    fprintf(stderr,
            "impair: %s in %llu (%llu bytes) lost %llu tail_drops %llu dups %llu reordered %llu overflow %llu "
            "out %llu (%llu bytes) write_errors %llu\n",
            name, (unsigned long long)s->in, (unsigned long long)s->in_bytes, (unsigned long long)s->lost,
            (unsigned long long)s->tail_drops, (unsigned long long)s->dups, (unsigned long long)s->reordered,
            (unsigned long long)s->overflow, (unsigned long long)s->out, (unsigned long long)s->out_bytes,
            (unsigned long long)werr);
}

int main(int argc, char **argv)
{
    const char *a = NULL, *b = NULL;
    impair_params p = {.queue_pkts = 1000};
    double rate_mbit = 0;
    unsigned long long seed = 1;
    enum { O_A = 1, O_B, O_DELAY, O_LOSS, O_DUP, O_REORDER, O_REORDER_MS, O_RATE, O_QUEUE, O_SEED };
    static const struct option opts[] = {
        {"a", 1, 0, O_A},           {"b", 1, 0, O_B},         {"delay-ms", 1, 0, O_DELAY},
        {"loss", 1, 0, O_LOSS},     {"dup", 1, 0, O_DUP},     {"reorder", 1, 0, O_REORDER},
        {"reorder-ms", 1, 0, O_REORDER_MS}, {"rate-mbit", 1, 0, O_RATE}, {"queue", 1, 0, O_QUEUE},
        {"seed", 1, 0, O_SEED},     {0, 0, 0, 0}};
    int o;
    p.reorder_ns = 1000000; /* 1 ms */
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case O_A: a = optarg; break;
        case O_B: b = optarg; break;
        case O_DELAY: p.delay_ns = (uint64_t)(parse_num(optarg, "--delay-ms", 0, 60000) * 1e6); break;
        case O_LOSS: p.loss = parse_num(optarg, "--loss", 0, 1); break;
        case O_DUP: p.dup = parse_num(optarg, "--dup", 0, 1); break;
        case O_REORDER: p.reorder = parse_num(optarg, "--reorder", 0, 1); break;
        case O_REORDER_MS: p.reorder_ns = (uint64_t)(parse_num(optarg, "--reorder-ms", 0, 60000) * 1e6); break;
        case O_RATE: rate_mbit = parse_num(optarg, "--rate-mbit", 0, 1e6); break;
        case O_QUEUE: p.queue_pkts = (uint32_t)parse_num(optarg, "--queue", 1, 1 << 20); break;
        case O_SEED: seed = (unsigned long long)parse_num(optarg, "--seed", 0, 1e18); break;
        default: usage();
        }
    }
    if (!a || !b || optind != argc)
        usage();
    p.rate_Bps = (uint64_t)(rate_mbit * 1e6 / 8);

    impair_dir dir[2];
    /* Each direction draws from its own stream of the seed. */
    if (impair_dir_init(&dir[0], &p, seed * 2 + 1) != 0 || impair_dir_init(&dir[1], &p, seed * 2 + 2) != 0)
        die("%s", "bad parameters or no memory");
    int fd[2] = {open_tun(a), open_tun(b)};

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal; /* no SA_RESTART: ppoll returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* Release times are in microseconds at 1 Gbit/s: keep the timer slack small. */
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);

    fprintf(stderr, "impair: ready (%s <-> %s, delay %.3f ms, loss %g, dup %g, reorder %g, rate %g Mbit/s, queue %u)\n",
            a, b, (double)p.delay_ns / 1e6, p.loss, p.dup, p.reorder, rate_mbit, p.queue_pkts);
    uint64_t werr[2] = {0, 0};
    int rc = impair_forward(fd, dir, werr, &stop_flag);
    if (rc != 0)
        fprintf(stderr, "impair: read failed: %s\n", strerror(errno));
    print_stats("a->b", &dir[0].st, werr[0]);
    print_stats("b->a", &dir[1].st, werr[1]);
    impair_dir_free(&dir[0]);
    impair_dir_free(&dir[1]);
    close(fd[0]);
    close(fd[1]);
    return rc ? 1 : 0;
}
