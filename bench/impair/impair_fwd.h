/* bench/impair/impair_fwd.h: the bridge's forwarding loop between two
 * packet file descriptors (TUN devices in the bench, datagram sockets in
 * its test): packets read from fd[0] pass through dir[0] and are written to
 * fd[1]; packets read from fd[1] pass through dir[1] to fd[0]. */
#ifndef BENCH_IMPAIR_FWD_H
#define BENCH_IMPAIR_FWD_H

#include <signal.h>
#include <stdint.h>

#include "impair_core.h"

#define IMPAIR_MAX_PKT 65536

/* Monotonic clock in nanoseconds. */
uint64_t impair_now_ns(void);

/* Runs until *stop is set (by a signal handler or another thread) or a
 * read fails with anything but EAGAIN/EINTR (then -1, errno set).  Both fds
 * must be non-blocking.  write_errors[i]: packets of dir[i] the kernel
 * refused (counted, not retried: a real link would have lost them too). */
int impair_forward(const int fd[2], impair_dir dir[2], uint64_t write_errors[2], volatile sig_atomic_t *stop);

#endif
