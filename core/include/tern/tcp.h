/* tern/tcp.h: TCP sockets (RFC 9293) with RFC 7323 window scaling and
 * timestamps, SACK (RFC 2018/6675), RFC 6298 retransmission timing,
 * NewReno and CUBIC congestion control.
 *
 * The callback model is lwIP's raw API, because the programs tern serves
 * are written against it:
 * - recv(arg, t, p, err): data in order; p == NULL means the peer sent FIN.
 *   The callback owns p.  Returning anything but TERN_OK (and not
 *   TERN_ERR_ABRT) refuses the data: the stack keeps it and offers it
 *   again later (timer or tern_tcp_process_refused).  The receive window
 *   only reopens when the application calls tern_tcp_recved.
 * - A callback that aborted its socket returns TERN_ERR_ABRT; the stack
 *   then never touches the socket again.
 * - err(arg, err) runs after the socket is freed (reset, abort, timeout).
 * Errors are tern_err codes (tern/err.h), lwIP's err_t numbers. */
#ifndef TERN_TCP_H
#define TERN_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern/err.h"
#include "tern/export.h"

#include "tern/addr.h"
#include "tern/iface.h"
#include "tern/pbuf.h"
#include "tern/stack.h"

typedef struct tern_tcp tern_tcp;

/* RFC 9293 states, numbered as lwIP's enum tcp_state. */
typedef enum tern_tcp_state {
    TERN_TCP_CLOSED = 0,
    TERN_TCP_LISTEN = 1,
    TERN_TCP_SYN_SENT = 2,
    TERN_TCP_SYN_RCVD = 3,
    TERN_TCP_ESTABLISHED = 4,
    TERN_TCP_FIN_WAIT_1 = 5,
    TERN_TCP_FIN_WAIT_2 = 6,
    TERN_TCP_CLOSE_WAIT = 7,
    TERN_TCP_CLOSING = 8,
    TERN_TCP_LAST_ACK = 9,
    TERN_TCP_TIME_WAIT = 10,
} tern_tcp_state;

/* A listener's new connection (err TERN_OK), or, with child NULL and err
 * TERN_ERR_MEM, a SYN that found no memory for its socket and was dropped
 * (the peer sends it again), as lwIP's tcp_listen_input tells. */
typedef tern_err (*tern_tcp_accept_fn)(void *arg, tern_tcp *child, tern_err err);
typedef tern_err (*tern_tcp_connected_fn)(void *arg, tern_tcp *t, tern_err err);
typedef tern_err (*tern_tcp_recv_fn)(void *arg, tern_tcp *t, tern_pbuf *p, tern_err err);
typedef tern_err (*tern_tcp_sent_fn)(void *arg, tern_tcp *t, uint32_t len);
typedef tern_err (*tern_tcp_poll_fn)(void *arg, tern_tcp *t);
typedef void (*tern_tcp_err_fn)(void *arg, tern_err err);
typedef void (*tern_tcp_destroy_fn)(void *ctx, tern_err err);
typedef void (*tern_tcp_state_fn)(void *ctx, tern_tcp *t);

typedef enum tern_tcp_cc { TERN_TCP_CC_CUBIC = 0, TERN_TCP_CC_NEWRENO = 1 } tern_tcp_cc;

/* Per-socket settings; tern_tcp_default_config gives the defaults. */
typedef struct tern_tcp_config {
    uint32_t rcv_buf;     /* receive window the application is offered, bytes */
    uint32_t rcv_buf_max; /* autotuning cap for rcv_buf */
    uint32_t snd_buf;     /* bytes tern_tcp_write may queue */
    uint32_t snd_buf_max; /* autotuning cap for snd_buf (<= snd_buf: no send autotuning) */
    uint16_t mss;         /* our MSS before clamping to the interface MTU */
    bool wscale, timestamps, sack;
    bool pacing;          /* spread new data over the round trip (on by default) */
    tern_tcp_cc cc;
    uint32_t rto_min_ms, rto_max_ms, rto_initial_ms;
    uint8_t max_rtx;      /* R2: retransmissions of data before giving up */
    uint8_t max_syn_rtx;  /* retransmissions of SYN / SYN-ACK */
    uint32_t delack_ms;   /* delayed ACK timer (<= 200, RFC 9293 3.8.6.3) */
    uint32_t ooo_max_segs; /* out-of-order segments held */
    uint32_t time_wait_ms; /* 2 MSL */
    /* Keepalive figures (RFC 9293 3.8.4) of a socket with keepalive on,
     * unless tern_tcp_set_keepalive gives it its own. */
    uint32_t keep_idle_ms, keep_intvl_ms, keep_cnt;
} tern_tcp_config;

TERN_API void tern_tcp_default_config(tern_tcp_config *c);
/* The settings new sockets of this stack start with. */
TERN_API void tern_stack_set_tcp_config(tern_stack *s, const tern_tcp_config *c);
/* Buffer autotuning's stack-wide budget: the bytes all sockets together may
 * hold beyond their configured rcv_buf and snd_buf (receive buffers grown
 * by autotuning, send data queued past snd_buf).  Growth stops when it is
 * used up; under pressure sockets holding more than an equal share shrink
 * back toward their configured sizes, never below.  Default
 * TERN_TCP_TUNE_BUDGET_DEFAULT. */
#define TERN_TCP_TUNE_BUDGET_DEFAULT (64u * 1024 * 1024)
TERN_API void tern_stack_set_tcp_budget(tern_stack *s, uint64_t bytes);
/* Bytes currently granted beyond the configured sizes, all sockets. */
TERN_API uint64_t tern_stack_tcp_budget_used(tern_stack *s);

TERN_API tern_tcp *tern_tcp_new(tern_stack *s, uint8_t type);

/* Where a stack's TCP sockets live.  By default tern allocates them; a
 * layer that keeps state of its own beside each socket (compat keeps the
 * program's tcp_pcb there: one allocation per connection) gives an
 * allocator before the stack has made any TCP socket.  alloc returns
 * tern_tcp_size() zeroed bytes aligned to 8, or NULL; free takes
 * back what alloc gave.  Every socket comes from alloc, those the stack
 * makes itself (a listener's children, at their SYN) included, and goes to
 * free once the stack is done with it: after its destroy hook when that
 * runs inside a callback of the socket, before it otherwise.
 *
 * A socket's last 2 * sizeof(tern_addr) bytes are its local and remote
 * addresses, in that order: a layer may lay a structure of its own over
 * them that continues past the socket in the memory it gave (compat's
 * tcp_pcb begins with lwIP's local_ip and remote_ip: the program reads the
 * socket's own). */
typedef struct tern_tcp_allocator {
    void *(*alloc)(void *ctx);
    void (*free)(void *ctx, void *mem);
    void *ctx;
} tern_tcp_allocator;
TERN_API size_t tern_tcp_size(void);
/* tern_tcp_size() as a constant, for a layer that lays out its memory at
 * compile time (checked when libtern is built: eight pointers and 176
 * bytes more). */
#define TERN_TCP_SIZE (176u + 8u * sizeof(void *))
/* TERN_ERR_VAL once the stack has sockets (or a or its functions NULL),
 * TERN_ERR_MEM without memory for the stack's TCP state. */
TERN_API tern_err tern_stack_set_tcp_allocator(tern_stack *s, const tern_tcp_allocator *a);
/* Moves a socket that is CLOSED (bound or not) or LISTEN, and in no
 * callback, into mem (tern_tcp_size() bytes from the stack's allocator):
 * the socket is the one at mem from then on, its old memory goes back to
 * the allocator.  TERN_ERR_VAL (nothing moved) for any other socket or
 * without an allocator. */
TERN_API tern_err tern_tcp_move(tern_tcp *t, void *mem);
/* Changes the address family of a CLOSED socket (TERN_ADDR_V4, V6 or
 * ANY, as tern_tcp_new takes), unbinding it; TERN_ERR_VAL for a socket in
 * any other state. */
TERN_API tern_err tern_tcp_set_family(tern_tcp *t, uint8_t type);
/* TERN_ERR_MEM (arg unchanged) only when hooks whose context was the old
 * arg must keep it and there is no memory for that. */
TERN_API tern_err tern_tcp_set_arg(tern_tcp *t, void *arg);
TERN_API void *tern_tcp_get_arg(const tern_tcp *t);
/* The single setters change one callback and keep the others.  A socket
 * points at a table of its callbacks (tern_tcp_handlers below); these
 * find the table with the wanted combination among the stack's, or add
 * it (kept until the stack is freed): TERN_ERR_MEM when that fails, and
 * the socket keeps the callbacks it had. */
TERN_API tern_err tern_tcp_set_callbacks(tern_tcp *t, tern_tcp_recv_fn recv, tern_tcp_sent_fn sent,
                                         tern_tcp_err_fn err);
TERN_API tern_err tern_tcp_set_accept(tern_tcp *t, tern_tcp_accept_fn accept);
TERN_API tern_err tern_tcp_set_poll(tern_tcp *t, tern_tcp_poll_fn poll, uint8_t interval_halfsec);

TERN_API tern_err tern_tcp_bind(tern_tcp *t, const tern_addr *addr, uint16_t port);
TERN_API void tern_tcp_bind_iface(tern_tcp *t, tern_iface *ifc);
/* Turns t into a listener (t stays the same object).  backlog bounds
 * connections not yet accepted plus handshakes in progress. */
TERN_API tern_err tern_tcp_listen(tern_tcp *t, uint8_t backlog);
/* Listener that accepts SYNs to any address and port (catch-all). */
TERN_API void tern_tcp_set_catch_all(tern_tcp *t, bool on);
TERN_API void tern_tcp_backlog_delayed(tern_tcp *t);
TERN_API void tern_tcp_backlog_accepted(tern_tcp *t);
TERN_API tern_err tern_tcp_connect(tern_tcp *t, const tern_addr *addr, uint16_t port, tern_tcp_connected_fn connected);

#define TERN_TCP_WRITE_COPY 0x01u
#define TERN_TCP_WRITE_MORE 0x02u
/* Queues len bytes (always copied).  TERN_ERR_MEM when the send buffer or
 * queue is full: try again from the sent callback. */
TERN_API tern_err tern_tcp_write(tern_tcp *t, const void *data, uint32_t len, unsigned flags);
TERN_API tern_err tern_tcp_output(tern_tcp *t);
TERN_API void tern_tcp_recved(tern_tcp *t, uint32_t len);
TERN_API tern_err tern_tcp_process_refused(tern_tcp *t);
/* Graceful close: FIN after queued data.  TERN_ERR_MEM means "try again". */
TERN_API tern_err tern_tcp_close(tern_tcp *t);
TERN_API tern_err tern_tcp_shutdown(tern_tcp *t, bool shut_rx, bool shut_tx);
/* Sends RST (when synchronized), frees t, calls err(TERN_ERR_ABRT). */
TERN_API void tern_tcp_abort(tern_tcp *t);

/* For a layer that keeps state of its own per socket (the lwIP
 * compatibility layer): fn(ctx, err) runs exactly once when t is freed,
 * whatever the reason, before the err callback.  err is the code err()
 * gets, or 0 when the socket ended quietly (close completed, TIME-WAIT
 * over, tern_stack_free) and err() is not called.  t must not be used
 * from fn on.  Children of a listener do not inherit the hook.  The two
 * hooks share one context (one layer above): the last one given. */
TERN_API tern_err tern_tcp_set_destroy_hook(tern_tcp *t, tern_tcp_destroy_fn fn, void *ctx);
/* Same use: fn(ctx, t) runs after every change of t's state, so a mirror
 * of the socket's fields stays current between callbacks.  fn may read t
 * (tern_tcp_get_info) but must not call anything that changes it. */
TERN_API tern_err tern_tcp_set_state_hook(tern_tcp *t, tern_tcp_state_fn fn, void *ctx);

/* Every callback of a socket, as one table: a socket holds a pointer to
 * one instead of eight pointers.  A layer that gives all its sockets the
 * same functions passes a static table of its own (no lookup, nothing
 * allocated); the single setters above share tables among the stack's
 * sockets.  Callbacks get the socket's arg, the hooks their context (the
 * arg, unless tern_tcp_set_handlers or a hook setter gave another). */
typedef struct tern_tcp_handlers {
    tern_tcp_accept_fn accept;
    tern_tcp_connected_fn connected;
    tern_tcp_recv_fn recv;
    tern_tcp_sent_fn sent;
    tern_tcp_poll_fn poll;
    tern_tcp_err_fn err;
    tern_tcp_destroy_fn on_destroy;
    tern_tcp_state_fn on_state;
    /* The wakeup tern_tcp_set_wakeup asked for (with the socket's arg). */
    void (*wakeup)(void *arg, tern_tcp *t);
} tern_tcp_handlers;
/* h (NULL: no callbacks) must outlive every socket using it.  The poll
 * interval is tern_tcp_set_poll's (which, given the poll function t
 * already has, only sets the interval).  A hook context other than the
 * socket's arg takes a little memory: TERN_ERR_MEM (nothing changed) when
 * there is none. */
TERN_API tern_err tern_tcp_set_handlers(tern_tcp *t, const tern_tcp_handlers *h, void *hook_ctx);

/* Calls the handlers' wakeup once, delay_ms from now (an earlier request
 * is replaced; 0 cancels it), in any state until the socket is freed: a
 * layer above checks on a socket on the socket's own timer, with no timer
 * or list of its own (compat hands fields a program wrote between calls
 * to the socket this way).  Costs nothing per segment; a deadline later
 * than the socket's next one is a store. */
TERN_API void tern_tcp_set_wakeup(tern_tcp *t, uint32_t delay_ms);

/* Options and state. */
TERN_API void tern_tcp_set_nodelay(tern_tcp *t, bool on);
/* A figure of 0 leaves the socket's as it is.  Figures other than its
 * config's take a little memory (TERN_ERR_MEM when there is none: then
 * nothing changed but the switch). */
TERN_API tern_err tern_tcp_set_keepalive(tern_tcp *t, bool on, uint32_t idle_ms, uint32_t intvl_ms, uint32_t cnt);
TERN_API void tern_tcp_set_reuse(tern_tcp *t, bool on);
TERN_API void tern_tcp_set_cc(tern_tcp *t, tern_tcp_cc cc);
TERN_API void tern_tcp_set_ttl_tos(tern_tcp *t, uint8_t ttl, uint8_t tos);

/* What the setters above set (a child has its listener's). */
typedef struct tern_tcp_options {
    bool nodelay, keepalive, reuse;
    uint8_t ttl, tos;
    uint32_t keep_idle_ms, keep_intvl_ms, keep_cnt;
} tern_tcp_options;
TERN_API void tern_tcp_get_options(const tern_tcp *t, tern_tcp_options *out);

typedef struct tern_tcp_info {
    tern_tcp_state state;
    tern_addr local, remote;
    uint16_t local_port, remote_port;
    uint32_t snd_buf;      /* bytes tern_tcp_write accepts now */
    uint16_t snd_queuelen; /* segments queued */
    uint16_t mss;          /* effective send MSS */
    uint32_t rcv_wnd;      /* receive window available */
    uint32_t snd_wnd, cwnd, ssthresh;
    uint32_t srtt_ms, rttvar_ms, rto_ms;
    uint64_t bytes_acked, bytes_received;
    uint32_t retransmits, fast_retransmits, rto_timeouts, sack_recoveries;
    uint32_t dupacks_in, challenge_acks;
    uint32_t tlp_probes;       /* tail loss probes sent (RFC 8985 7) */
    uint32_t rack_marked_lost; /* segments RACK deemed lost (RFC 8985 6) */
    uint64_t prr_sent;         /* bytes sent in fast recovery, paced by PRR (RFC 6937) */
    bool has_refused_data;
    const tern_pbuf *refused_data; /* oldest payload the application refused (the stack's) */
    bool has_unsent;       /* queued data, SYN or FIN never sent */
    bool has_unacked;      /* sent and not yet acknowledged */
    bool ts_ok, sack_ok;
    uint8_t snd_wscale, rcv_wscale;
} tern_tcp_info;

TERN_API void tern_tcp_get_info(const tern_tcp *t, tern_tcp_info *out);

/* The endpoints and what the handshake settled: what a layer that mirrors
 * the socket copies when its state changes (tern_tcp_get_info has it too,
 * with every counter). */
typedef struct tern_tcp_tuple {
    tern_addr local, remote;
    uint16_t local_port, remote_port;
    bool ts_ok, sack_ok;
    uint8_t snd_wscale, rcv_wscale;
} tern_tcp_tuple;
TERN_API void tern_tcp_get_tuple(const tern_tcp *t, tern_tcp_tuple *out);

/* The figures that change with every segment, cheaply (for layers that
 * mirror them after each event, as the lwIP compatibility layer does). */
typedef struct tern_tcp_live {
    tern_tcp_state state;
    uint32_t snd_buf, rcv_wnd, snd_wnd, cwnd, ssthresh, rto_ms;
    uint16_t snd_queuelen, mss;
    bool has_unsent, has_unacked;
    const void *refused_data;
    uint32_t rcv_unread; /* bytes delivered and not yet tern_tcp_recved */
    uint32_t snd_queued; /* bytes written and not yet acknowledged */
} tern_tcp_live;

TERN_API void tern_tcp_get_live(const tern_tcp *t, tern_tcp_live *out);
/* The part of tern_tcp_live a data callback's mirror needs (the lwIP
 * compatibility layer refreshes it before every recv and sent callback). */
typedef struct tern_tcp_mirror {
    uint32_t snd_buf, rcv_wnd, rcv_unread;
    uint16_t snd_queuelen;
    bool has_unsent, has_unacked;
    const void *refused_data;
} tern_tcp_mirror;
TERN_API void tern_tcp_get_mirror(const tern_tcp *t, tern_tcp_mirror *out);
/* The receive side of tern_tcp_live alone (free window, unread bytes):
 * what tern_tcp_recved changes. */
TERN_API void tern_tcp_get_rcv(const tern_tcp *t, uint32_t *rcv_wnd, uint32_t *rcv_unread);
TERN_API tern_tcp_state tern_tcp_get_state(const tern_tcp *t);
TERN_API const char *tern_tcp_state_name(tern_tcp_state s);

#endif
