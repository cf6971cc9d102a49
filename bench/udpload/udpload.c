/* bench/udpload/udpload.c: a cheap UDP load generator and checker for the
 * bench's UDP section (scripts/bench, section 5).
 *
 *   udpload server --bind ADDR:PORT
 *   udpload client --to ADDR:PORT [--len 1200] [--rate MBIT] [--time S]
 *                  [--reverse] [--json] [--watch-pid PID] [--no-gso]
 *
 * Why not iperf3: iperf3 3.12 is one thread that sends one datagram per
 * syscall; on a 2-core machine it saturates (about 1 Gbit/s of 1200-byte
 * datagrams) before any relay does.  udpload sends bursts of up to 64
 * datagrams per syscall (sendmmsg, and UDP_SEGMENT GSO: one trip through
 * the kernel's UDP stack per up to 54 datagrams) and receives with
 * recvmmsg and UDP_GRO, so the relay, not the load generator, sets the
 * pace.
 *
 * Every data datagram is checked: a 32-byte header (magic, type, session,
 * the datagram's length, sequence number, and the sum of the payload's
 * 64-bit words) and a payload generated from (session, seq).  The receiver
 * regenerates the payload and compares it word by word, compares the
 * header's length with what it read (a datagram cut short or run into the
 * next shows there) and the sum with the header's: any difference counts
 * as `bad`.  Sequence numbers give lost (never arrived), duplicates and
 * reordered (arrived after a higher one); rcvbuf_drops (SO_RXQ_OVFL) says
 * how many of the lost the receiver's own socket dropped (its buffer was
 * full), as opposed to the path.
 *
 * Control protocol: plain UDP on the data socket (no TCP connection), so
 * that control and data share one 5-tuple: through a relay they are one
 * UDP session, and the server answers the address the relay's session
 * socket has.  Control datagrams are repeated every 100 ms until answered
 * (a lost one costs 100 ms):
 *   client->server HELLO(session, direction, len, rate, time)
 *   server->client ACK                           (s2c: then the data)
 *   c2s: client sends the data, waits 0.5 s (stragglers), then
 *        FIN(sent count) until the server's REPORT (its receive counts,
 *        frozen at the first FIN, so a repeated FIN gets the same answer);
 *   s2c: server sends the data, then DONE(sent, send time, its CPU) until
 *        DONE_ACK (at most 2 s); the client keeps receiving 0.5 s after
 *        the first DONE, then answers DONE_ACK.
 * The server serves one session at a time (a new HELLO replaces the
 * current one) and runs until SIGTERM/SIGINT.  The client exits 0 with one
 * line of results (key=value, or a JSON object with --json), 1 with an
 * `error` when the server did not answer; every wait is bounded and the
 * whole run has a hard deadline of --time + 10 s. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* Linux 4.18 */
#endif
#ifndef UDP_GRO
#define UDP_GRO 104 /* Linux 5.0 */
#endif

#define MAGIC 0x6c705574u /* "tUpl" */
enum { T_DATA = 1, T_HELLO, T_ACK, T_FIN, T_REPORT, T_DONE, T_DONE_ACK };
enum { DIR_C2S = 0, DIR_S2C = 1 };

/* The header of every datagram (host byte order: both ends run on one
 * machine). */
struct hdr {
    uint32_t magic;
    uint32_t type;
    uint32_t session;
    uint32_t len;   /* the whole datagram's length */
    uint64_t seq;   /* DATA: sequence number; FIN: datagrams sent */
    uint64_t check; /* DATA: sum of the payload's 64-bit words (payload_sum) */
};
struct hello {
    struct hdr h;
    uint32_t dir, dlen;
    uint64_t rate_bps, time_ms;
};
struct report { /* c2s: the server's receive counts */
    struct hdr h;
    uint64_t received, dups, reordered, bad, stale, gro_reads, rcvbuf_drops;
};
struct done { /* s2c: what the server sent */
    struct hdr h;
    uint64_t sent, send_ns, cpu_milli, gso;
};

#define HDR_LEN ((uint32_t)sizeof(struct hdr))
#define MAX_LEN 65507u       /* the largest IPv4 UDP payload */
#define BURST 64             /* datagrams per send burst at most */
#define BACKLOG_MIN 256      /* credit a late sender may catch up: 2 ms of traffic, at least this */
#define RX_BATCH 16          /* reads per recvmmsg */
#define RX_BUF 65536         /* one read: a whole UDP_GRO train */
#define RX_ROUNDS 64         /* recvmmsg calls per drain, at most */
#define MAX_DATAGRAMS (1ull << 30) /* per session: a 128 MiB bitmap at most */
#define SOCK_BUF (4 << 20)   /* socket buffers: ride out a few ms without CPU */
#define CTL_TRIES_HELLO 50   /* x 100 ms: longer than the server's DONE phase */
#define CTL_TRIES 30
#define DONE_TRIES 20
#define STRAGGLE_NS 500000000ll

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void die(const char *what)
{
    fprintf(stderr, "udpload: %s\n", what);
    exit(2);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until(int64_t t)
{
    struct timespec ts = {.tv_sec = t / 1000000000, .tv_nsec = t % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop_flag)
        ;
}

/* This process's CPU time (user + system), in ns. */
static int64_t cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
           ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

/* Another process's CPU time (all its threads: utime + stime of
 * /proc/PID/stat), in clock ticks; -1 when it cannot be read. */
static long long proc_ticks(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long ut, st;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime */
    if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (long long)(ut + st);
}

/* Another process's run-queue wait: the time its threads were runnable
 * but not running (the second field of /proc/PID/task/TID/schedstat,
 * summed), in ns; -1 when it cannot be read.  A relay that loses datagrams
 * while it waited long for a CPU was starved, not saturated. */
static long long proc_wait_ns(int pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/task", pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    long long sum = 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024) {
        if (e->d_name[0] == '.')
            continue;
        char f[300];
        snprintf(f, sizeof(f), "/proc/%d/task/%s/schedstat", pid, e->d_name);
        FILE *fp = fopen(f, "r");
        unsigned long long run, wait;
        if (fp && fscanf(fp, "%llu %llu", &run, &wait) == 2)
            sum += (long long)wait;
        if (fp)
            fclose(fp);
        n++;
    }
    closedir(d);
    return sum;
}

/* A process watched over the sending: its CPU and its run-queue wait. */
struct watch {
    int pid;
    long long ticks, wait_ns;
};

static void watch_start(struct watch *w, int pid)
{
    w->pid = pid;
    w->ticks = pid ? proc_ticks(pid) : -1;
    w->wait_ns = pid ? proc_wait_ns(pid) : -1;
}

/* CPU and run-queue wait over WALL seconds since watch_start, in percent
 * of one CPU (-1: not watched). */
static void watch_end(const struct watch *w, double wall, double *cpu, double *wait)
{
    long long t = w->pid ? proc_ticks(w->pid) : -1, q = w->pid ? proc_wait_ns(w->pid) : -1;
    *cpu = w->ticks >= 0 && t >= 0 && wall > 0 ? (double)(t - w->ticks) / (double)sysconf(_SC_CLK_TCK) / wall * 100 : -1;
    *wait = w->wait_ns >= 0 && q >= 0 && wall > 0 ? (double)(q - w->wait_ns) * 1e-9 / wall * 100 : -1;
}

/* ------------------------------------------------------------------ */
/* payload                                                             */

/* splitmix64's finaliser: the seed of a datagram's payload. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

#define STEP 0x9e3779b97f4a7c15ull

static uint64_t payload_seed(uint32_t session, uint64_t seq)
{
    return mix64(((uint64_t)session << 32) ^ seq ^ 0x5bd1e995ull);
}

/* The payload's word i is seed + (i + 1) * STEP; a last partial word holds
 * the low bytes of the next one.  Cheap to write and to check (no carried
 * dependency: the compiler vectorises both loops), and a word moved,
 * dropped or taken from another datagram does not match. */
static uint64_t tail_word(uint64_t seed, size_t nw, size_t tail)
{
    uint64_t w = seed + (uint64_t)(nw + 1) * STEP;
    return tail ? w & (~0ull >> (64 - 8 * tail)) : 0;
}

/* The header's check: the sum of the payload's words (a partial last word
 * zero-extended); closed form for the sender. */
static uint64_t payload_sum(uint64_t seed, size_t plen)
{
    uint64_t nw = plen / 8;
    return nw * seed + STEP * (nw * (nw + 1) / 2) + tail_word(seed, nw, plen % 8);
}

/* Writes DATA datagram SEQ of LEN bytes at P. */
static void fill_datagram(uint8_t *p, uint32_t session, uint64_t seq, uint32_t len)
{
    size_t plen = len - HDR_LEN, nw = plen / 8;
    uint64_t seed = payload_seed(session, seq);
    struct hdr h = {MAGIC, T_DATA, session, len, seq, payload_sum(seed, plen)};
    memcpy(p, &h, sizeof(h));
    uint8_t *q = p + HDR_LEN;
    for (size_t i = 0; i < nw; i++) {
        uint64_t w = seed + (uint64_t)(i + 1) * STEP;
        memcpy(q + 8 * i, &w, 8);
    }
    uint64_t t = tail_word(seed, nw, plen % 8);
    memcpy(q + 8 * nw, &t, plen % 8);
}

/* 1 when the payload of the DATA datagram at P (N bytes, header read into
 * H) is exactly what (session, seq) generates and sums to the header's
 * check. */
static int payload_ok(const uint8_t *p, size_t n, const struct hdr *h)
{
    size_t plen = n - HDR_LEN, nw = plen / 8;
    uint64_t seed = payload_seed(h->session, h->seq), diff = 0, sum = 0;
    const uint8_t *q = p + HDR_LEN;
    for (size_t i = 0; i < nw; i++) {
        uint64_t w;
        memcpy(&w, q + 8 * i, 8);
        diff |= w ^ (seed + (uint64_t)(i + 1) * STEP);
        sum += w;
    }
    uint64_t t = 0;
    memcpy(&t, q + 8 * nw, plen % 8);
    diff |= t ^ tail_word(seed, nw, plen % 8);
    sum += t;
    return diff == 0 && sum == h->check;
}

/* ------------------------------------------------------------------ */
/* sockets                                                             */

/* "1.2.3.4:5", "[::1]:5" into SS; 0 or -1. */
static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[256];
    const char *port;
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || e[1] != ':' || (size_t)(e - s - 1) >= sizeof(host))
            return -1;
        memcpy(host, s + 1, (size_t)(e - s - 1));
        host[e - s - 1] = 0;
        port = e + 2;
    } else {
        const char *c = strrchr(s, ':');
        if (!c || (size_t)(c - s) >= sizeof(host))
            return -1;
        memcpy(host, s, (size_t)(c - s));
        host[c - s] = 0;
        port = c + 1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV}, *ai;
    if (getaddrinfo(host, port, &hints, &ai) != 0)
        return -1;
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    *len = ai->ai_addrlen;
    freeaddrinfo(ai);
    return 0;
}

/* A UDP socket with large buffers (FORCE: root may pass rmem_max), UDP_GRO
 * on its receives and a 100 ms send timeout (a send never blocks long). */
static int udp_socket(int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket failed");
    int b = SOCK_BUF, on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &b, sizeof(b)) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &b, sizeof(b));
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &b, sizeof(b)) < 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &b, sizeof(b));
    setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on)); /* best effort: no GRO, one datagram per read */
    /* the socket's drop count (receive buffer full) rides on the reads:
     * the receiver's own losses, told apart from the path's */
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
    struct timeval tv = {0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return fd;
}

/* Sends control datagram P (N bytes) to TO (NULL: the connected peer). */
static void send_ctl(int fd, const void *p, size_t n, const struct sockaddr_storage *to, socklen_t tolen)
{
    if (to)
        sendto(fd, p, n, MSG_DONTWAIT, (const struct sockaddr *)to, tolen);
    else
        send(fd, p, n, MSG_DONTWAIT);
}

static struct hdr ctl_hdr(uint32_t type, uint32_t session, size_t len)
{
    return (struct hdr){MAGIC, type, session, (uint32_t)len, 0, 0};
}

/* ------------------------------------------------------------------ */
/* sender                                                              */

struct sender {
    int fd;
    const struct sockaddr_storage *to; /* NULL: connected */
    socklen_t tolen;
    uint32_t session, len;
    double pps, secs;
    int gso;             /* in: try UDP_SEGMENT; out: it was used */
    uint64_t sent;       /* datagrams the kernel took */
    uint64_t send_errors;
    int64_t t0, t1;      /* first and last send */
    double cpu_pct;      /* this process's CPU over the sending */
    int watch_pid;       /* a process whose CPU to measure over the sending */
    double watch_pct, watch_wait_pct;
};

static uint8_t *tx_buf;

/* Sends datagrams SEQ.. SEQ+N-1 (filled in tx_buf): with UDP_SEGMENT,
 * one message per seg_max datagrams, all in one sendmmsg; else one message
 * per datagram.  Returns how many datagrams the kernel took (0 on a
 * transient error: buffers full, an ICMP error on the connected socket). */
static unsigned send_burst(struct sender *s, unsigned n)
{
    struct mmsghdr mm[BURST];
    struct iovec iov[BURST];
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } cb[BURST];
    unsigned seg_max = MAX_LEN / s->len;
    if (seg_max > BURST)
        seg_max = BURST;
    for (;;) {
        unsigned m = 0, per = s->gso ? seg_max : 1;
        unsigned segs[BURST];
        for (unsigned off = 0; off < n; off += per, m++) {
            unsigned k = n - off < per ? n - off : per;
            segs[m] = k;
            iov[m] = (struct iovec){tx_buf + (size_t)off * s->len, (size_t)k * s->len};
            mm[m].msg_hdr = (struct msghdr){.msg_name = (void *)s->to, .msg_namelen = s->to ? s->tolen : 0,
                                            .msg_iov = &iov[m], .msg_iovlen = 1};
            mm[m].msg_len = 0;
            if (s->gso && k > 1) {
                mm[m].msg_hdr.msg_control = cb[m].buf;
                mm[m].msg_hdr.msg_controllen = sizeof(cb[m].buf);
                struct cmsghdr *cm = CMSG_FIRSTHDR(&mm[m].msg_hdr);
                cm->cmsg_level = SOL_UDP;
                cm->cmsg_type = UDP_SEGMENT;
                cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                uint16_t g = (uint16_t)s->len;
                memcpy(CMSG_DATA(cm), &g, sizeof(g));
            }
        }
        int r = sendmmsg(s->fd, mm, m, 0);
        if (r > 0) {
            unsigned d = 0;
            for (int i = 0; i < r; i++)
                d += segs[i];
            return d;
        }
        /* The kernel refuses GSO (EIO: the route's device has no checksum
         * offload, e.g. a TUN without offloads; EINVAL/ENOPROTOOPT: too old
         * a kernel): plain sendmmsg from now on. */
        if (s->gso && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT || errno == EOPNOTSUPP)) {
            s->gso = 0;
            continue;
        }
        s->send_errors++;
        return 0;
    }
}

/* Sends for s->secs seconds at s->pps datagrams per second (a token bucket
 * on CLOCK_MONOTONIC): it sleeps until `want` datagrams are due (so it
 * wakes at most some 5,000 times a second), then sends what is due, at most
 * BURST per syscall.  A sender that lost the CPU (a shared machine's
 * scheduler takes it away for milliseconds) catches up at most 2 ms of
 * traffic (BACKLOG_MIN datagrams at least) and forfeits the rest: the path
 * does not get one burst of everything it missed; `sent` says what really
 * left.  Stops at s->secs, or on a signal. */
static void send_run(struct sender *s)
{
    uint64_t total = (uint64_t)(s->pps * s->secs);
    unsigned want = (unsigned)(s->pps / 5000);
    want = want < 1 ? 1 : want > BURST ? BURST : want;
    double skip = 0; /* forfeited credit, in datagrams */
    double backlog = s->pps * 0.002 > BACKLOG_MIN ? s->pps * 0.002 : BACKLOG_MIN;
    struct watch w;
    watch_start(&w, s->watch_pid);
    int64_t c0 = cpu_ns(), t0 = now_ns(), end = t0 + (int64_t)(s->secs * 1e9), t = t0;
    s->t0 = t0;
    s->sent = 0;
    while (s->sent < total && !stop_flag) {
        t = now_ns();
        if (t >= end)
            break;
        double due = (double)(t - t0) * 1e-9 * s->pps - skip;
        if (due > (double)s->sent + backlog) {
            skip += due - ((double)s->sent + backlog);
            due = (double)s->sent + backlog;
        }
        if (due > (double)total)
            due = (double)total;
        uint64_t avail = (uint64_t)due > s->sent ? (uint64_t)due - s->sent : 0;
        if (avail < want && (uint64_t)due < total) {
            uint64_t need = s->sent + want < total ? s->sent + want : total;
            int64_t at = t0 + (int64_t)(((double)need + skip) / s->pps * 1e9);
            sleep_until(at < end ? at : end);
            continue;
        }
        unsigned n = avail > BURST ? BURST : (unsigned)avail;
        if (n == 0)
            continue;
        for (unsigned i = 0; i < n; i++)
            fill_datagram(tx_buf + (size_t)i * s->len, s->session, s->sent + i, s->len);
        unsigned k = send_burst(s, n);
        s->sent += k;
        if (k == 0)
            sleep_until(now_ns() + 50000); /* buffers full: give the receiver 50 us */
    }
    s->t1 = now_ns();
    if (s->t1 > end)
        s->t1 = end; /* the last burst left before the end */
    double wall = (double)(s->t1 - t0) * 1e-9;
    if (wall <= 0)
        wall = 1e-9;
    s->cpu_pct = (double)(cpu_ns() - c0) * 1e-9 / wall * 100;
    watch_end(&w, wall, &s->watch_pct, &s->watch_wait_pct);
}

/* ------------------------------------------------------------------ */
/* receiver                                                            */

struct rx {
    uint32_t session, len; /* the session counted; its datagram length */
    uint64_t *seen;        /* one bit per sequence number */
    uint64_t cap;          /* sequence numbers the bitmap holds */
    uint64_t received, dups, reordered, bad, stale, gro_reads, next;
    uint32_t ovfl_base;    /* the socket's drop count when the session began */
    int frozen;            /* counts final (the report was sent) */
};

/* The receiving socket's drop count, as the last read's SO_RXQ_OVFL said
 * (one socket per process). */
static uint32_t rx_ovfl;

static void rx_reset(struct rx *r, uint32_t session, uint32_t len, uint64_t expect)
{
    free(r->seen);
    memset(r, 0, sizeof(*r));
    r->session = session;
    r->len = len;
    r->ovfl_base = rx_ovfl;
    r->cap = expect + 64;
    r->seen = calloc((size_t)(r->cap + 63) / 64, 8);
    if (!r->seen)
        die("out of memory");
}

/* Counts one DATA datagram of N bytes (its header in H). */
static void rx_data(struct rx *r, const uint8_t *p, size_t n, const struct hdr *h)
{
    if (h->session != r->session || !r->seen || r->frozen) {
        r->stale++; /* an earlier session's straggler, or after the report */
        return;
    }
    if (h->len != n || n != r->len || h->seq >= r->cap || !payload_ok(p, n, h)) {
        r->bad++;
        return;
    }
    uint64_t bit = 1ull << (h->seq % 64), *w = &r->seen[h->seq / 64];
    if (*w & bit) {
        r->dups++;
        return;
    }
    *w |= bit;
    r->received++;
    if (h->seq < r->next)
        r->reordered++;
    else
        r->next = h->seq + 1;
}

/* A control datagram for the caller: P, N bytes, from FROM. */
typedef void ctl_fn(void *arg, const uint8_t *p, size_t n, const struct sockaddr_storage *from, socklen_t fromlen);

static uint8_t (*rx_bufs)[RX_BUF];

/* Reads everything waiting on FD (at most RX_ROUNDS recvmmsg calls): data
 * datagrams are counted in R, a UDP_GRO read cut into datagrams of its
 * segment size (the last may be shorter); control datagrams go to FN.
 * Returns the datagrams read. */
static uint64_t rx_drain(int fd, struct rx *r, ctl_fn *fn, void *arg)
{
    struct mmsghdr mm[RX_BATCH];
    struct iovec iov[RX_BATCH];
    struct sockaddr_storage from[RX_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(uint32_t))];
        struct cmsghdr align;
    } cb[RX_BATCH];
    uint64_t total = 0;
    for (int round = 0; round < RX_ROUNDS; round++) {
        for (int i = 0; i < RX_BATCH; i++) {
            iov[i] = (struct iovec){rx_bufs[i], RX_BUF};
            mm[i].msg_hdr = (struct msghdr){.msg_name = &from[i], .msg_namelen = sizeof(from[i]), .msg_iov = &iov[i],
                                            .msg_iovlen = 1, .msg_control = cb[i].buf,
                                            .msg_controllen = sizeof(cb[i].buf)};
            mm[i].msg_len = 0;
        }
        int got = recvmmsg(fd, mm, RX_BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0)
            break; /* EAGAIN, or an ICMP error on the connected socket */
        for (int i = 0; i < got; i++) {
            size_t n = mm[i].msg_len, seg = n;
            for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mm[i].msg_hdr); cm; cm = CMSG_NXTHDR(&mm[i].msg_hdr, cm))
                if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
                    int g;
                    memcpy(&g, CMSG_DATA(cm), sizeof(g));
                    if (g > 0 && (size_t)g < n) {
                        seg = (size_t)g;
                        r->gro_reads++;
                    }
                } else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
                    memcpy(&rx_ovfl, CMSG_DATA(cm), sizeof(rx_ovfl));
                }
            for (size_t off = 0; off < n || (n == 0 && off == 0); off += seg) {
                const uint8_t *p = rx_bufs[i] + off;
                size_t len = n - off < seg ? n - off : seg;
                total++;
                struct hdr h;
                if (len < HDR_LEN) {
                    r->bad++;
                } else {
                    memcpy(&h, p, sizeof(h));
                    if (h.magic != MAGIC)
                        r->bad++;
                    else if (h.type == T_DATA)
                        rx_data(r, p, len, &h);
                    else if (fn)
                        fn(arg, p, len, &from[i], mm[i].msg_hdr.msg_namelen);
                }
                if (seg == 0)
                    break;
            }
        }
        if (got < RX_BATCH)
            break;
    }
    return total;
}

/* Waits up to MS milliseconds for FD to be readable. */
static void wait_readable(int fd, int ms)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    poll(&pfd, 1, ms);
}

/* ------------------------------------------------------------------ */
/* server                                                              */

struct server {
    int fd;
    struct rx rx;
    struct report rep; /* the c2s session's frozen counts */
    uint32_t s2c_cur;  /* the s2c session served, or last served (its HELLOs are ignored) */
    struct hello pending; /* an s2c session to serve next */
    struct sockaddr_storage peer;
    socklen_t peerlen;
    int have_pending;
    uint32_t ack_session; /* a DONE_ACK seen */
};

/* Control datagrams the server answers. */
static void server_ctl(void *arg, const uint8_t *p, size_t n, const struct sockaddr_storage *from, socklen_t fromlen)
{
    struct server *sv = arg;
    struct hdr h;
    memcpy(&h, p, sizeof(h));
    if (h.type == T_DONE_ACK) {
        sv->ack_session = h.session;
        return;
    }
    if (h.type == T_HELLO && n >= sizeof(struct hello)) {
        struct hello hi;
        memcpy(&hi, p, sizeof(hi));
        if (hi.dlen < HDR_LEN || hi.dlen > MAX_LEN || hi.rate_bps == 0 || hi.time_ms == 0 || hi.time_ms > 600000)
            return;
        double total = (double)hi.rate_bps / (hi.dlen * 8.0) * (double)hi.time_ms / 1000;
        if (total > (double)MAX_DATAGRAMS)
            return;
        struct hdr ack = ctl_hdr(T_ACK, h.session, HDR_LEN);
        if (hi.dir == DIR_S2C) {
            if (h.session == sv->s2c_cur || (sv->have_pending && h.session == sv->pending.h.session))
                return; /* a repeated HELLO of a session served or about to be */
            sv->pending = hi;
            memcpy(&sv->peer, from, fromlen);
            sv->peerlen = fromlen;
            sv->have_pending = 1;
            send_ctl(sv->fd, &ack, HDR_LEN, from, fromlen);
            return;
        }
        if (h.session != sv->rx.session || !sv->rx.seen)
            rx_reset(&sv->rx, h.session, hi.dlen, (uint64_t)total);
        send_ctl(sv->fd, &ack, HDR_LEN, from, fromlen);
        return;
    }
    if (h.type == T_FIN && h.session == sv->rx.session && sv->rx.seen) {
        if (!sv->rx.frozen) {
            struct rx *r = &sv->rx;
            r->frozen = 1;
            sv->rep = (struct report){ctl_hdr(T_REPORT, h.session, sizeof(struct report)), r->received, r->dups,
                                      r->reordered, r->bad, r->stale, r->gro_reads, rx_ovfl - r->ovfl_base};
        }
        send_ctl(sv->fd, &sv->rep, sizeof(sv->rep), from, fromlen);
    }
}

/* An s2c session: send, then DONE until the client's DONE_ACK (at most
 * DONE_TRIES x 100 ms). */
static void server_send(struct server *sv, const struct hello *hi, const struct sockaddr_storage *peer,
                        socklen_t peerlen)
{
    struct sender s = {.fd = sv->fd, .to = peer, .tolen = peerlen, .session = hi->h.session,
                       .len = hi->dlen, .pps = (double)hi->rate_bps / (hi->dlen * 8.0),
                       .secs = (double)hi->time_ms / 1000, .gso = 1};
    send_run(&s);
    struct done d = {ctl_hdr(T_DONE, s.session, sizeof(struct done)), s.sent, (uint64_t)(s.t1 - s.t0),
                     (uint64_t)(s.cpu_pct * 1000), (uint64_t)s.gso};
    sv->ack_session = 0;
    for (int i = 0; i < DONE_TRIES && sv->ack_session != s.session && !stop_flag; i++) {
        send_ctl(sv->fd, &d, sizeof(d), peer, peerlen);
        int64_t until = now_ns() + 100000000;
        while (now_ns() < until && sv->ack_session != s.session && !stop_flag) {
            wait_readable(sv->fd, 20);
            rx_drain(sv->fd, &sv->rx, server_ctl, sv);
        }
    }
    fprintf(stderr, "udpload: s2c session %08x: sent %llu datagrams in %.3f s, cpu %.0f%%, gso %d%s\n", s.session,
            (unsigned long long)s.sent, (double)(s.t1 - s.t0) * 1e-9, s.cpu_pct, s.gso,
            sv->ack_session == s.session ? "" : " (no DONE_ACK)");
}

static int server_main(const char *bind_spec)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (!bind_spec || parse_addr(bind_spec, &ss, &sl) < 0)
        die("server wants --bind ADDR:PORT");
    struct server sv = {0};
    sv.fd = udp_socket(ss.ss_family);
    int on = 1;
    setsockopt(sv.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(sv.fd, (struct sockaddr *)&ss, sl) < 0) {
        perror("udpload: bind");
        return 2;
    }
    fprintf(stderr, "udpload: server ready on %s\n", bind_spec);
    while (!stop_flag) {
        wait_readable(sv.fd, 200);
        rx_drain(sv.fd, &sv.rx, server_ctl, &sv);
        if (sv.have_pending) {
            /* copied: a new session's HELLO may arrive while this one is served */
            struct hello hi = sv.pending;
            struct sockaddr_storage peer = sv.peer;
            sv.have_pending = 0;
            sv.s2c_cur = hi.h.session;
            server_send(&sv, &hi, &peer, sv.peerlen);
        }
    }
    if (sv.rx.seen && !sv.rx.frozen && sv.rx.received)
        fprintf(stderr, "udpload: unfinished session %08x: %llu received\n", sv.rx.session,
                (unsigned long long)sv.rx.received);
    free(sv.rx.seen);
    close(sv.fd);
    fprintf(stderr, "udpload: server exits\n");
    return 0;
}

/* ------------------------------------------------------------------ */
/* client                                                              */

struct client_ctl { /* what the client's control callback saw */
    uint32_t session;
    int acked, reported, done;
    struct report rep;
    struct done dn;
};

static void client_ctl(void *arg, const uint8_t *p, size_t n, const struct sockaddr_storage *from, socklen_t fromlen)
{
    (void)from, (void)fromlen;
    struct client_ctl *c = arg;
    struct hdr h;
    memcpy(&h, p, sizeof(h));
    if (h.session != c->session)
        return;
    if (h.type == T_ACK)
        c->acked = 1;
    else if (h.type == T_REPORT && n >= sizeof(struct report) && !c->reported) {
        memcpy(&c->rep, p, sizeof(c->rep));
        c->reported = 1;
    } else if (h.type == T_DONE && n >= sizeof(struct done) && !c->done) {
        memcpy(&c->dn, p, sizeof(c->dn));
        c->done = 1;
    }
}

struct result {
    const char *dir, *error;
    uint32_t len;
    double rate_mbit, secs;
    uint64_t sent, received, lost, bad, dups, reordered, stale, gro_reads, rcvbuf_drops;
    double send_secs, sender_cpu, watch_cpu, watch_wait;
    int gso;
};

/* One field of the result line: "key=value" or, with json, "\"key\": value"
 * (value already formatted; strings arrive quoted). */
static void field(int json, int *first, const char *key, const char *value)
{
    printf(json ? "%s\"%s\": %s" : "%s%s=%s", *first ? "" : (json ? ", " : " "), key, value);
    *first = 0;
}

static void field_u64(int json, int *first, const char *key, uint64_t v)
{
    char b[32];
    snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
    field(json, first, key, b);
}

static void field_f(int json, int *first, const char *key, const char *fmt, double v)
{
    char b[64];
    snprintf(b, sizeof(b), fmt, v);
    field(json, first, key, b);
}

static void print_result(const struct result *r, int json)
{
    double bits = r->len * 8.0, t = r->send_secs > 0 ? r->send_secs : 1e-9;
    double bps = (double)r->received * bits / t, sbps = (double)r->sent * bits / t;
    double loss = r->sent ? (double)r->lost * 100 / (double)r->sent : 0;
    char q[160];
    int first = 1;
    if (json)
        printf("{");
    snprintf(q, sizeof(q), json ? "\"%s\"" : "%s", r->dir);
    field(json, &first, "dir", q);
    field_u64(json, &first, "len", r->len);
    field_f(json, &first, "rate_mbit", "%g", r->rate_mbit);
    field_f(json, &first, "time", "%g", r->secs);
    field_u64(json, &first, "sent_datagrams", r->sent);
    field_u64(json, &first, "received_datagrams", r->received);
    field_u64(json, &first, "lost", r->lost);
    field_u64(json, &first, "bad", r->bad);
    field_u64(json, &first, "duplicates", r->dups);
    field_u64(json, &first, "reordered", r->reordered);
    field_u64(json, &first, "stale", r->stale);
    field_f(json, &first, "send_seconds", "%.4f", r->send_secs);
    field_f(json, &first, "bits_per_second", "%.0f", bps);
    field_f(json, &first, "sent_bits_per_second", "%.0f", sbps);
    field_f(json, &first, "loss_percent", "%.4f", loss);
    field_f(json, &first, "sender_cpu_percent", "%.1f", r->sender_cpu);
    field_f(json, &first, "watch_cpu_percent", "%.1f", r->watch_cpu);
    field_f(json, &first, "watch_wait_percent", "%.1f", r->watch_wait);
    field_u64(json, &first, "gso", (uint64_t)r->gso);
    field_u64(json, &first, "gro_reads", r->gro_reads);
    field_u64(json, &first, "rcvbuf_drops", r->rcvbuf_drops);
    if (r->error) {
        snprintf(q, sizeof(q), "\"%s\"", r->error);
        field(json, &first, "error", q);
    }
    printf(json ? "}\n" : "\n");
    fflush(stdout);
}

/* Sends HELLO until the server acknowledges (or, s2c, its data arrives);
 * 0 or -1. */
static int client_hello(int fd, struct rx *r, struct client_ctl *c, const struct hello *hi, int64_t deadline)
{
    for (int i = 0; i < CTL_TRIES_HELLO && now_ns() < deadline; i++) {
        send_ctl(fd, hi, sizeof(*hi), NULL, 0);
        int64_t until = now_ns() + 100000000;
        while (now_ns() < until) {
            wait_readable(fd, 20);
            rx_drain(fd, r, client_ctl, c);
            if (c->acked || r->received)
                return 0;
        }
    }
    return -1;
}

static int client_main(const char *to, uint32_t len, double rate_mbit, double secs, int reverse, int json,
                       int watch_pid, int gso)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (!to || parse_addr(to, &ss, &sl) < 0)
        die("client wants --to ADDR:PORT");
    if (len < HDR_LEN || len > MAX_LEN)
        die("--len must be between 32 and 65507");
    if (!(rate_mbit > 0) || !(secs > 0) || secs > 600)
        die("--rate must be > 0, --time in (0, 600]");
    double pps = rate_mbit * 1e6 / (len * 8.0);
    if (pps * secs > (double)MAX_DATAGRAMS)
        die("--rate x --time: too many datagrams");
    int64_t start = now_ns(), deadline = start + (int64_t)((secs + 10) * 1e9);
    int fd = udp_socket(ss.ss_family);
    if (connect(fd, (struct sockaddr *)&ss, sl) < 0)
        die("connect failed");
    struct client_ctl c = {0};
    c.session = (uint32_t)mix64((uint64_t)getpid() << 32 ^ (uint64_t)start);
    if (!c.session)
        c.session = 1;
    struct rx r = {0};
    struct result res = {.dir = reverse ? "s2c" : "c2s", .len = len, .rate_mbit = rate_mbit, .secs = secs,
                         .watch_cpu = -1, .watch_wait = -1};
    struct hello hi = {ctl_hdr(T_HELLO, c.session, sizeof(struct hello)), reverse ? DIR_S2C : DIR_C2S, len,
                       (uint64_t)(rate_mbit * 1e6), (uint64_t)(secs * 1000)};
    /* s2c: count from the first datagram (it may overtake a lost ACK) */
    rx_reset(&r, reverse ? c.session : 0, len, (uint64_t)(pps * secs));
    if (client_hello(fd, &r, &c, &hi, deadline) < 0) {
        res.error = "no answer from the server";
        print_result(&res, json);
        return 1;
    }
    if (!reverse) {
        struct sender s = {.fd = fd, .session = c.session, .len = len, .pps = pps, .secs = secs, .gso = gso,
                           .watch_pid = watch_pid};
        send_run(&s);
        /* stragglers: 0.5 s before the count (anything read is discarded) */
        int64_t until = now_ns() + STRAGGLE_NS;
        while (now_ns() < until) {
            wait_readable(fd, 50);
            rx_drain(fd, &r, client_ctl, &c);
        }
        struct hdr fin = ctl_hdr(T_FIN, c.session, HDR_LEN);
        fin.seq = s.sent;
        for (int i = 0; i < CTL_TRIES && !c.reported && now_ns() < deadline; i++) {
            send_ctl(fd, &fin, HDR_LEN, NULL, 0);
            int64_t u = now_ns() + 100000000;
            while (now_ns() < u && !c.reported) {
                wait_readable(fd, 20);
                rx_drain(fd, &r, client_ctl, &c);
            }
        }
        res.sent = s.sent;
        res.send_secs = (double)(s.t1 - s.t0) * 1e-9;
        res.sender_cpu = s.cpu_pct;
        res.watch_cpu = s.watch_pct;
        res.watch_wait = s.watch_wait_pct;
        res.gso = s.gso;
        if (!c.reported) {
            res.error = "no report from the server";
            print_result(&res, json);
            return 1;
        }
        res.received = c.rep.received;
        res.bad = c.rep.bad;
        res.dups = c.rep.dups;
        res.reordered = c.rep.reordered;
        res.stale = c.rep.stale;
        res.gro_reads = c.rep.gro_reads;
        res.rcvbuf_drops = c.rep.rcvbuf_drops;
    } else {
        struct watch w;
        watch_start(&w, watch_pid);
        int64_t t0 = now_ns(), t_done = 0;
        /* receive until the server's DONE (bounded by the deadline), then
         * 0.5 s of stragglers */
        while (now_ns() < deadline) {
            if (c.done && !t_done)
                t_done = now_ns();
            if (t_done && now_ns() >= t_done + STRAGGLE_NS)
                break;
            wait_readable(fd, 50);
            rx_drain(fd, &r, client_ctl, &c);
        }
        /* the relay's CPU over the sending (ACK to DONE; read after the
         * straggler wait, which adds little: the relay is idle by then) */
        watch_end(&w, (double)((t_done ? t_done : now_ns()) - t0) * 1e-9, &res.watch_cpu, &res.watch_wait);
        struct hdr ack = ctl_hdr(T_DONE_ACK, c.session, HDR_LEN);
        for (int i = 0; i < 3; i++)
            send_ctl(fd, &ack, HDR_LEN, NULL, 0);
        res.received = r.received;
        res.bad = r.bad;
        res.dups = r.dups;
        res.reordered = r.reordered;
        res.stale = r.stale;
        res.gro_reads = r.gro_reads;
        res.rcvbuf_drops = rx_ovfl - r.ovfl_base;
        if (!c.done) {
            res.error = "no DONE from the server";
            res.send_secs = secs;
            print_result(&res, json);
            return 1;
        }
        res.sent = c.dn.sent;
        res.send_secs = (double)c.dn.send_ns * 1e-9;
        res.sender_cpu = (double)c.dn.cpu_milli / 1000;
        res.gso = (int)c.dn.gso;
    }
    res.lost = res.sent > res.received ? res.sent - res.received : 0;
    print_result(&res, json);
    free(r.seen);
    close(fd);
    return 0;
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f, "usage: udpload server --bind ADDR:PORT\n"
               "       udpload client --to ADDR:PORT [--len BYTES] [--rate MBIT] [--time S] [--reverse]\n"
               "                      [--json] [--watch-pid PID] [--no-gso]\n"
               "  --len        datagram length, header included (default 1200)\n"
               "  --rate       offered rate, Mbit/s of datagrams (UDP payload; default 100)\n"
               "  --time       seconds of sending (default 4)\n"
               "  --reverse    the server sends, the client receives (s2c)\n"
               "  --watch-pid  also report that process's CPU and run-queue wait over the sending\n"
               "               (watch_cpu_percent, watch_wait_percent: percent of one CPU)\n"
               "  --no-gso     plain sendmmsg, no UDP_SEGMENT\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
        usage(stderr);
        return 2;
    }
    int server = !strcmp(argv[1], "server");
    enum { O_BIND = 256, O_TO, O_LEN, O_RATE, O_TIME, O_REV, O_JSON, O_WATCH, O_NOGSO, O_HELP };
    static const struct option opts[] = {
        {"bind", 1, 0, O_BIND},   {"to", 1, 0, O_TO},       {"len", 1, 0, O_LEN},         {"rate", 1, 0, O_RATE},
        {"time", 1, 0, O_TIME},   {"reverse", 0, 0, O_REV}, {"json", 0, 0, O_JSON},       {"watch-pid", 1, 0, O_WATCH},
        {"no-gso", 0, 0, O_NOGSO}, {"help", 0, 0, O_HELP},  {0, 0, 0, 0}};
    const char *bind_spec = NULL, *to = NULL;
    long len = 1200;
    double rate = 100, secs = 4;
    int reverse = 0, json = 0, watch = 0, gso = 1, o;
    optind = 2;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case O_BIND: bind_spec = optarg; break;
        case O_TO: to = optarg; break;
        case O_LEN: len = strtol(optarg, NULL, 10); break;
        case O_RATE: rate = atof(optarg); break;
        case O_TIME: secs = atof(optarg); break;
        case O_REV: reverse = 1; break;
        case O_JSON: json = 1; break;
        case O_WATCH: watch = atoi(optarg); break;
        case O_NOGSO: gso = 0; break;
        case O_HELP: usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (len < (long)HDR_LEN || len > (long)MAX_LEN)
        die("--len must be between 32 and 65507");
    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: poll returns */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_TIMERSLACK, 1UL); /* wake on time: the pacing's sleeps are tens of us */
    tx_buf = aligned_alloc(64, ((size_t)BURST * (size_t)len + 63) / 64 * 64);
    rx_bufs = aligned_alloc(64, sizeof(*rx_bufs) * RX_BATCH);
    if (!tx_buf || !rx_bufs)
        die("out of memory");
    int rc = server ? server_main(bind_spec) : client_main(to, (uint32_t)len, rate, secs, reverse, json, watch, gso);
    free(tx_buf);
    free(rx_bufs);
    return rc;
}
