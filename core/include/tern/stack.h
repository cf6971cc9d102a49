/* tern/stack.h: one instance of the stack.
 *
 * Everything the stack knows (interfaces, sockets, timers, counters) hangs
 * off a tern_stack, so several stacks can live in one process (two stacks
 * joined by a simulated wire is how TCP is tested under loss).  A stack is
 * single-threaded: call it from one thread at a time.
 *
 * Several stacks, one per thread (how examples/tunrelay --queues N runs one
 * stack per TUN queue):
 *  - Each thread makes its own: tern_stack_new here, or, through lwIP's
 *    API, tern_lwip_set_per_thread(1) once before the first lwip_init
 *    (lwip/init.h), then lwip_init, netif_add, tcp_new, udp_new ... in each
 *    thread.  The lwIP layer's state (the stack lwip_init made, the netif
 *    and UDP lists, the pcb pools and their slab registries, timeouts, DNS,
 *    the loopback queue) is then per thread; the pbuf cache (tern/pbuf.h)
 *    always is.  Nothing mutable is shared: the only process-wide state is
 *    written before main and only read after (the lwipopts and structure
 *    layouts the program's constructors register, constant tables).
 *    Without that switch the lwIP layer keeps lwIP's contract: one stack
 *    per process, callable from any thread one call at a time.
 *  - Pbufs and pcbs belong to the thread that made them.  Pass none to
 *    another thread's stack: a pcb is looked up in its own thread's pool
 *    registry (from another thread it reads as a freed pcb), and a pbuf
 *    freed by another thread lands in that thread's cache and counters.
 *    Move data between threads as bytes, or hand the packet to the owner.
 *  - A thread that ran a stack frees what it holds (pbufs, its netifs'
 *    memory), then calls tern_lwip_release() (lwIP API; lwip/init.h) or
 *    tern_stack_free and tern_pbuf_trim() before it ends; a thread's
 *    pools and caches are not freed by its end.
 *  - A stack used from several threads (lwIP's NO_SYS programs that take
 *    their own lock, as go-tun2socks) is the default mode's case.
 */
#ifndef TERN_STACK_H
#define TERN_STACK_H

#include <stdint.h>
#include "tern/export.h"

typedef struct tern_stack tern_stack;

/* Milliseconds from an arbitrary origin; wraps at 2^32 like lwIP's sys_now. */
typedef uint32_t (*tern_clock_fn)(void *arg);

typedef struct tern_config {
    tern_clock_fn clock;        /* required */
    void *clock_arg;
    uint32_t reass_max_bytes;   /* IPv4+IPv6 reassembly buffer cap; 0: default 1 MiB */
    uint32_t reass_timeout_ms;  /* 0: default 15000 (lwIP: 15 s for IPv4, 60 s for IPv6) */
    uint16_t reass_max_datagrams; /* datagrams under reassembly at once; 0: default 64 */
    uint8_t ttl;                /* default TTL / hop limit; 0: default 255 (as lwIP) */
    uint64_t seed;              /* secret for ISNs, hashing and ports (RFC 6528); random please */
} tern_config;

TERN_API tern_stack *tern_stack_new(const tern_config *cfg);
/* Frees the stack and everything it still owns (interfaces, sockets, timers,
 * queued packets).  Sockets' callbacks are not called. */
TERN_API void tern_stack_free(tern_stack *s);

TERN_API uint32_t tern_stack_now(const tern_stack *s);
/* Runs every timer that is due.  Call whenever tern_stack_next_timeout says. */
TERN_API void tern_stack_poll(tern_stack *s);
/* Milliseconds until the next timer is due (0 if one is due now),
 * UINT32_MAX when no timer is armed. */
TERN_API uint32_t tern_stack_next_timeout(tern_stack *s);

/* Counters: every drop has a reason, so hostile traffic is visible. */
typedef struct tern_stats {
    uint64_t ip_in, ip_out;
    uint64_t ip_drop_malformed;  /* failed header validation */
    uint64_t ip_drop_checksum;
    uint64_t ip_drop_not_local;  /* destination is none of ours */
    uint64_t ip_drop_proto;      /* no handler for the protocol */
    uint64_t ip_drop_nomem;
    uint64_t reass_ok, reass_drop, reass_timeout;
    uint64_t icmp_in, icmp_out, icmp_drop;
    uint64_t udp_in, udp_out, udp_drop_checksum, udp_drop_malformed, udp_drop_no_socket;
    uint64_t tcp_in, tcp_out, tcp_drop_malformed, tcp_drop_checksum, tcp_drop_no_socket;
    uint64_t tcp_rst_out, tcp_retransmits, tcp_drop_backlog;
    uint64_t tcp_live;           /* sockets allocated now (a gauge, for leak checks) */
    uint64_t tcp_cookies_sent, tcp_cookies_ok; /* SYN cookies answered / completed */
} tern_stats;

TERN_API const tern_stats *tern_stack_stats(const tern_stack *s);

#endif
