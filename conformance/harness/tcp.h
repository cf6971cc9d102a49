/* tcp.h: what TCP scenarios add to the harness.
 *
 * - A scripted remote end, struct tcp_peer: it builds segments from its own
 *   sequence state (wire builders, not the stack's code), injects them, and
 *   takes what the stack sends for its connection, learning the stack's ISN,
 *   options and next sequence number as a real receiver would (in order
 *   only: it keeps no out-of-order data).
 * - A recorder of the raw API's callbacks, struct h_conn: one per pcb,
 *   installed by the handshake helpers (or h_conn_attach), with switches
 *   for the behaviours scenarios need (refusing data, aborting inside recv,
 *   closing on FIN, not calling tcp_recved).
 * - Handshake helpers: a listener, a passive open and an active open, each
 *   checking the handshake on the wire.
 *
 * Sequence numbers given to and shown by the checks are relative: the
 * stack's to its ISN, the peer's to the peer's ISN (so the first data byte
 * of either side is 1, as in the trace). */
#ifndef CONF_TCP_H
#define CONF_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/tcp.h"

#include "stack.h"
#include "pkt.h"
#include "tcp_peer.h"

/* ---- the peer: the test kit's scripted peer (tests/kit/tcp_peer.h) ---- */

/* tcp_peer_init plus the harness clock for the TSval the peer sends. */
void h_peer_init(struct tcp_peer *p, const char *addr, uint16_t port, const char *local,
                 uint16_t lport, uint32_t iss);
/* Injects a segment with explicit (absolute) seq and ack; the peer's state
 * does not change. */
err_t h_peer_inject(struct tcp_peer *p, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
                    size_t n);
/* Sends from the peer's state: seq = snd_nxt, ack = rcv_nxt; snd_nxt then
 * covers the data, SYN and FIN. */
err_t h_peer_send(struct tcp_peer *p, uint8_t flags, const void *data, size_t n);
/* A bare ACK of everything received in order. */
err_t h_peer_ack(struct tcp_peer *p);
/* Relative forms of absolute numbers. */
#define H_PSEQ(p, rel) TCP_PEER_PSEQ(p, rel)   /* the peer's space */
#define H_SSEQ(p, rel) TCP_PEER_SSEQ(p, rel)   /* the stack's space */

/* Injects n bytes of the peer's stream starting at relative sequence
 * number rel (1 = first byte), with ACK (of rcv_nxt) and flags; snd_nxt
 * moves forward if the segment ends past it. */
err_t h_peer_data(struct tcp_peer *p, uint32_t rel, size_t n, uint8_t flags);
/* Sends up to n bytes of the peer's stream (from snd_nxt on) in segments of at most mss bytes, never past the stack's
 * advertised window; takes what the stack sends after each segment.
 * Returns the bytes sent. */
size_t h_peer_stream(struct tcp_peer *p, size_t n, size_t mss);

/* Takes the next packet the stack sent, REQUIRE-ing a well-formed TCP
 * segment of this connection; the peer learns from it. */
struct cap *h_peer_recv_(const char *file, int line, struct tcp_peer *p);
#define h_peer_recv(p) h_peer_recv_(__FILE__, __LINE__, p)
/* Takes every pending packet of the connection; returns how many. */
int h_peer_drain(struct tcp_peer *p);

/* Field checks on a captured segment.  seq is relative to the stack's ISN,
 * ack to the peer's; H_ANY skips a check. */
#define H_ANY (-1LL)
void h_seg_check_(const char *file, int line, const struct tcp_peer *p, const struct cap *c,
                  int flags, long long seq, long long ack, long long len);
#define EXPECT_SEG(c, p, flags, seq, ack, len) \
    h_seg_check_(__FILE__, __LINE__, p, c, flags, seq, ack, len)
/* Relative numbers of a captured segment. */
uint32_t h_seq(const struct tcp_peer *p, const struct cap *c);
uint32_t h_ack(const struct tcp_peer *p, const struct cap *c);

/* ---- the application ---- */

struct h_conn {
    int tag;                      /* #n in traces */
    struct tcp_pcb *pcb;          /* NULL once the err callback ran or after h_close/abort */
    /* behaviour */
    int no_recved;                /* do not call tcp_recved for delivered data */
    int refuse;                   /* refuse this many deliveries (ERR_CONN); -1: all */
    int abort_in_recv;            /* tcp_abort at the next delivery, return ERR_ABRT */
    int close_on_fin;             /* tcp_close at recv(NULL) */
    int close_in_recv;            /* tcp_close after tcp_recved, inside the data delivery */
    int close_in_poll;            /* tcp_close in the poll callback */
    /* record */
    uint8_t *rx;                  /* every byte accepted, in order */
    size_t rx_len, rx_cap;
    int recv_calls;               /* data deliveries accepted */
    int refused;                  /* deliveries refused */
    int fin;                      /* recv(NULL) accepted */
    unsigned long sent;           /* bytes reported by sent callbacks */
    int sent_calls;
    int err_calls;
    err_t err;
    int poll_calls;
    int connected_calls;
    err_t connected_err;
};

/* The callbacks of a pcb the scenario made itself. */
struct h_conn *h_conn_attach(struct tcp_pcb *pcb);
/* Installs the poll recorder (interval in 500 ms ticks). */
void h_conn_poll(struct h_conn *c, u8_t interval);
/* Connections the listener accepted and the scenario has not taken. */
struct h_conn *h_accepted(void);
int h_accept_calls(void);
/* What the accept callback returns next: ERR_OK, or (after tcp_abort)
 * ERR_ABRT when abort is set. */
extern int h_accept_abort;
/* Called inside the accept callback with the new pcb (NULL: none): where
 * applications set pcb fields such as so_options and keep_idle. */
extern void (*h_accept_hook)(struct tcp_pcb *newpcb);

/* A dual-stack listener on port with the accept recorder. */
struct tcp_pcb *h_listen(uint16_t port, u8_t backlog);

/* The peer's SYN (its syn_opts) and the stack's answer, checked to be a
 * SYN-ACK of it (seq 0, ack 1 relative to the peer's numbering); the
 * captured SYN-ACK. */
struct cap *h_peer_syn(struct tcp_peer *p);

/* The full three-way handshake, checked on the wire: the peer's SYN (its
 * syn_opts), the stack's SYN-ACK (flags, ack, an MSS option), the final ACK
 * and the accept callback.  REQUIREs success. */
struct h_conn *h_passive_open(struct tcp_peer *p);
/* Listener on p->lport plus a passive open. */
struct h_conn *h_established(struct tcp_peer *p);
/* tcp_new_ip_type + tcp_connect to the peer, checked on the wire: the
 * stack's SYN, the peer's SYN-ACK, the stack's ACK and the connected
 * callback. */
struct h_conn *h_active_open(struct tcp_peer *p);

/* tcp_write plus a trace line; returns its result. */
err_t h_write(struct h_conn *c, const void *data, size_t n, u8_t flags);
err_t h_output(struct h_conn *c);
err_t h_close(struct h_conn *c);
err_t h_shutdown(struct h_conn *c, int rx, int tx);
void h_abort(struct h_conn *c);
void h_recved(struct h_conn *c, u16_t n);

const char *h_state_name(int state);
/* The pcb's state (from the public field), traced. */
int h_state(struct h_conn *c);

#endif
