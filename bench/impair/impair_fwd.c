/* bench/impair/impair_fwd.c: the forwarding loop (see impair_fwd.h). */
#define _GNU_SOURCE
#include "impair_fwd.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define READ_BATCH 64
#define MAX_WAIT_NS 100000000ull /* wake at least every 100 ms to see *stop */

uint64_t impair_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Reads up to READ_BATCH packets from fd into d; 0, 1 at end of file (the
 * other side closed a socket), or -1 on a real error. */
static int drain(int fd, impair_dir *d, unsigned char *buf)
{
    for (int i = 0; i < READ_BATCH; i++) {
        ssize_t n = read(fd, buf, IMPAIR_MAX_PKT);
        if (n < 0)
            return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
        if (n == 0)
            return 1;
        impair_dir_push(d, buf, (size_t)n, impair_now_ns());
    }
    return 0;
}

/* A TUN takes every write at once; a socket (the test's) may be full for a
 * moment: then the packet waits for room, up to a second, rather than
 * being lost to the reader's scheduling. */
static int write_pkt(int fd, const impair_pkt *k)
{
    for (int tries = 0; tries < 2; tries++) {
        ssize_t n = write(fd, k->data, k->len);
        if (n == (ssize_t)k->len)
            return 0;
        if (n >= 0 || (errno != EAGAIN && errno != EINTR))
            return -1;
        struct pollfd pf = {.fd = fd, .events = POLLOUT};
        poll(&pf, 1, 1000);
    }
    return -1;
}

static void deliver(int fd, impair_dir *d, uint64_t *write_errors)
{
    uint64_t now = impair_now_ns();
    impair_pkt *k;
    while ((k = impair_dir_pop(d, now))) {
        if (write_pkt(fd, k) != 0)
            (*write_errors)++;
        free(k);
    }
}

int impair_forward(const int fd[2], impair_dir dir[2], uint64_t write_errors[2], volatile sig_atomic_t *stop)
{
    static unsigned char buf[IMPAIR_MAX_PKT];
    struct pollfd pfd[2] = {{.fd = fd[0], .events = POLLIN}, {.fd = fd[1], .events = POLLIN}};
    while (!*stop) {
        uint64_t next = impair_dir_next(&dir[0]);
        if (impair_dir_next(&dir[1]) < next)
            next = impair_dir_next(&dir[1]);
        uint64_t now = impair_now_ns(), wait = MAX_WAIT_NS;
        if (next != UINT64_MAX)
            wait = next > now ? (next - now < wait ? next - now : wait) : 0;
        struct timespec ts = {.tv_sec = (time_t)(wait / 1000000000ull), .tv_nsec = (long)(wait % 1000000000ull)};
        int r = ppoll(pfd, 2, &ts, NULL);
        if (r < 0 && errno != EINTR)
            return -1;
        for (int i = 0; i < 2 && r > 0; i++) {
            if (pfd[i].revents & POLLIN) {
                int e = drain(fd[i], &dir[i], buf);
                if (e != 0)
                    return e < 0 ? -1 : 0;
            } else if (pfd[i].revents & (POLLHUP | POLLERR | POLLNVAL)) {
                return 0;
            }
        }
        deliver(fd[1], &dir[0], &write_errors[0]);
        deliver(fd[0], &dir[1], &write_errors[1]);
    }
    return 0;
}
