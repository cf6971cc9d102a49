/* tests/unit/tcp_pair.h: two tern stacks on one virtual clock, joined by
 * the simulated link, with one connection between them that moves a
 * checked byte pattern each way and closes.  Tests of loss recovery,
 * bottlenecks and stalls build on it; everything is deterministic (the
 * link's faults are seeded, time only moves when nothing is due). */
#ifndef TERN_TEST_TCP_PAIR_H
#define TERN_TEST_TCP_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "tern/phy.h"
#include "tern/stack.h"
#include "tern/tcp.h"

typedef struct tp_end {
    tern_tcp *t;
    int dir;                /* which pattern this end sends */
    uint64_t to_send, sent; /* bytes the application writes, and has written */
    uint64_t received, expect;
    bool bad_byte, got_fin, closed, err_seen;
    int err;
    uint32_t done_ms;       /* when the last expected byte arrived (0: not yet) */
    tern_tcp_info last;     /* the socket's counters when the application let go of it */
} tp_end;

typedef struct tcp_pair {
    uint32_t now_ms;
    tern_stack *sa, *sb;    /* a: client, b: server */
    tern_link *link;
    tern_tcp *listener;
    tp_end client, server;
    uint64_t steps;         /* loop iterations run (a bound on work done) */
    bool paused;            /* the applications neither write nor close */
    tern_pcap *pcap;        /* TERN_TEST_PCAP=file: the link's packets in file.N, for tshark */
    /* Called once per loop iteration when set (sampling, scripted events). */
    void (*on_step)(struct tcp_pair *tp, void *ctx);
    void *step_ctx;
} tcp_pair;

/* Sets up both stacks, the link (faults f) and a listener on b; ca and cb
 * are the TCP settings of a and b (NULL: defaults).  Nothing is sent yet. */
void tp_setup(tcp_pair *tp, const tern_fault_config *f, const tern_tcp_config *ca, const tern_tcp_config *cb);
/* The same, b's sockets in memory from alloc_b (tern_stack_set_tcp_allocator). */
void tp_setup_alloc(tcp_pair *tp, const tern_fault_config *f, const tern_tcp_config *ca, const tern_tcp_config *cb,
                    const tern_tcp_allocator *alloc_b);
/* The client connects; each side will send the given bytes. */
void tp_start(tcp_pair *tp, uint64_t client_to_server, uint64_t server_to_client);
/* Runs until both ends received everything and closed, or max_ms of
 * virtual time passed, or max_steps iterations ran (0: no bound).
 * Returns true when the transfer finished. */
bool tp_run(tcp_pair *tp, uint32_t max_ms, uint64_t max_steps);
/* Moves packets and timers for ms of virtual time more, finished or not
 * (the last FIN and ACK after both applications closed). */
void tp_settle(tcp_pair *tp, uint32_t ms);
/* A second connection after the first finished: both ends start afresh
 * (counters cleared) and the client gets a new socket, bound to
 * client_port when not 0.  tp_start then connects it. */
void tp_renew(tcp_pair *tp, uint16_t client_port);
/* The client's local port (bound or chosen at connect). */
uint16_t tp_client_port(const tcp_pair *tp);
/* Info of an end's live socket, or the last one it saw before closing. */
void tp_info(tcp_pair *tp, tp_end *e, tern_tcp_info *out);
void tp_teardown(tcp_pair *tp);

#endif
