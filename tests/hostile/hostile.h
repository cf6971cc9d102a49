/* tests/hostile/hostile.h: the harness the hostile-input tests and the
 * fuzzers share (no CUnit in here, so the fuzzers link it too).
 *
 * One stack at a time ("the stack"), with a virtual clock and one
 * interface whose output is checked by an independent parser (hpkt.h) and
 * captured.  Every packet goes in through h_input as an exact-size buffer:
 * a custom pbuf over malloc'd memory of exactly the packet's length, so
 * AddressSanitizer reports any read past its end; the free callback keeps
 * count, so the tests see when the stack holds, frees or leaks input.
 *
 * A TCP peer is emulated with hand-built segments (h_peer_*); the stack's
 * side is the native API with an application (h_app) that records what it
 * receives. */
#ifndef TERN_HOSTILE_H
#define TERN_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpkt.h"
#include "tcp_peer.h"
#include "tern/iface.h"
#include "tern/pbuf.h"
#include "tern/stack.h"
#include "tern/tcp.h"
#include "tern/udp.h"

/* lwIP error values the native API returns. */
#define H_ERR_MEM (-1)
#define H_ERR_ABRT (-13)
#define H_ERR_RST (-14)
#define H_ERR_CLSD (-15)

/* Addresses: the stack is 198.18.0.1/15 and 2001:db8::1, the peer
 * 198.19.0.2 and 2001:db8::2 (both on-link). */
extern const uint8_t H_US6[16], H_PEER6[16];
#define H_US4 hp_v4(198, 18, 0, 1)
#define H_PEER4 hp_v4(198, 19, 0, 2)

typedef struct h_opts {
    uint32_t reass_max_bytes;     /* 0: stack default */
    uint16_t reass_max_datagrams; /* 0: stack default */
    uint32_t reass_timeout_ms;    /* 0: stack default */
    const tern_tcp_config *tcp;   /* NULL: stack defaults */
    bool default_route;           /* make the interface the default route */
} h_opts;

extern tern_stack *h_stack;
extern tern_iface *h_ifc;
extern uint32_t h_now;

/* Creates the stack (opts may be NULL).  Returns 0 on success. */
int h_setup(const h_opts *opts);
/* Frees the stack and every application record.  Returns 0 when nothing
 * leaked (custom input buffers all freed, live pbufs back to the count at
 * h_setup) and every packet the stack sent was well-formed; otherwise a
 * nonzero mask: 1 leaked input buffers, 2 leaked pbufs, 4 bad output. */
int h_teardown(void);

/* ---- time ---- */

/* Moves the clock forward by ms, running every timer at its due time. */
void h_advance(uint32_t ms);

/* ---- input ---- */

void h_input(const void *pkt, size_t len);
void h_input_to(tern_iface *ifc, const void *pkt, size_t len);
/* The same packet as a chain of up to ncuts + 1 exact-size segments, cut
 * at the given increasing offsets (as a device with small buffers hands
 * packets over: headers may straddle segments). */
void h_input_chain(const void *pkt, size_t len, const size_t *cuts, int ncuts);
/* Input buffers handed to a stack and not yet freed by it. */
extern uint64_t h_custom_live, h_custom_live_bytes;

/* ---- output ---- */

#define H_MAXCAP 4096
extern uint64_t h_out_total;    /* packets the stack sent since h_setup */
extern uint64_t h_bad_out;      /* ... that the independent parser refused */
extern char h_bad_reason[128];  /* the first refusal */
extern bool h_keep_output;      /* capture copies (default true) */
int h_ncap(void);
const uint8_t *h_cap(int i, size_t *len);
/* Parses captured packet i; false when i is out of range. */
bool h_cap_pkt(int i, hp_pkt *out);
void h_clear(void);
/* The last captured TCP segment (optionally with all of `flags` set);
 * false when there is none. */
bool h_last_tcp(hp_pkt *out, uint8_t flags);
/* Number of captured packets of protocol proto (0: any). */
int h_count_proto(uint8_t proto);

/* Delivers what the stack sent back to it, as a wire that loops a packet
 * to its sender would.  Returns the rounds until the stack went quiet, or
 * -1 if it still talked after max rounds; *sent counts the packets.
 * (H_DEBUG=1 in the environment prints them.) */
int h_loop_back(int max, uint64_t *sent);

/* A second hook on output (NULL: none), for tests that loop packets back. */
extern void (*h_output_hook)(const uint8_t *pkt, size_t len);

/* ---- a UDP receiver ---- */

typedef struct h_udp_sink {
    tern_udp *u;
    int count;
    size_t bytes;
    uint8_t last[2048];
    size_t last_len;
    uint16_t last_sport;
} h_udp_sink;
extern h_udp_sink h_udp;
/* A dual-stack socket bound to port that records into h_udp (reset). */
tern_udp *h_udp_open(uint16_t port);

/* ---- the application on the stack's side of TCP ---- */

typedef struct h_app {
    struct h_app *next;
    tern_tcp *t;         /* NULL once the socket is gone */
    uint8_t *rx;
    size_t rxlen, rxcap;
    int fins;            /* recv(NULL) calls */
    int err;             /* err callback value, 0 if none */
    int errs;            /* err callback calls */
    bool refuse;         /* recv returns ERR_MEM (refuses the data) */
    bool no_recved;      /* do not call tern_tcp_recved */
    bool close_on_fin;   /* close (and forget the socket) on recv(NULL) */
    bool shut_rx, shut_tx; /* directions the application shut down */
    uint64_t acked;      /* sum of sent() lengths */
} h_app;

/* Listener on port (any address, both families) whose accept callback
 * attaches a fresh h_app to every child; h_accepted is the latest. */
tern_tcp *h_listen(uint16_t port, uint8_t backlog);
extern h_app *h_accepted;
extern int h_accept_count;
/* Wraps an existing socket (e.g. an active open) in an h_app. */
h_app *h_app_attach(tern_tcp *t);

/* ---- the emulated TCP peer ---- */

typedef struct h_peer {
    /* Sequence state and what the stack told it (the test kit's peer,
     * tests/kit/tcp_peer.h): tcp.port / tcp.lport (the peer's and the
     * stack's port), tcp.iss, tcp.snd_nxt, tcp.irs (the stack's ISS),
     * tcp.rcv_nxt (the stack's next byte), tcp.win (the window field the
     * peer advertises), tcp.ts_on and tcp.st_tsval (timestamps). */
    struct tcp_peer tcp;
    bool v6;
    uint32_t ts_val;      /* the peer's next TSval */
    h_app *app;           /* the stack's accepted socket */
    uint8_t *got;         /* stack -> peer stream, in order */
    size_t gotlen, gotcap;
    bool got_fin;
} h_peer;

/* Fills defaults (IPv4, ports 40000 -> lport, ISN isn, window 65535). */
void h_peer_init(h_peer *pr, uint16_t lport, uint32_t isn);
/* Sends a SYN with the given raw option bytes, reads the SYN-ACK, sends the
 * ACK.  Returns 0 when the stack accepted the connection. */
int h_peer_connect(h_peer *pr, const uint8_t *opts, size_t optlen);
/* Builds a packet from the peer into buf (at least 60 + 40 + len bytes);
 * adds a timestamp option when agreed and opts is NULL. */
size_t h_peer_build(h_peer *pr, uint8_t *buf, uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
                    size_t len, const uint8_t *opts, size_t optlen);
/* Builds and delivers one segment. */
void h_peer_send(h_peer *pr, uint8_t flags, uint32_t seq, uint32_t ack, const void *data, size_t len);
/* In-order data (ACK|PSH at pr->tcp.snd_nxt), advancing it. */
void h_peer_data(h_peer *pr, const void *data, size_t len);
/* Takes the stack's in-order data and FIN out of the captured packets
 * addressed to the peer (then clears the capture) and acknowledges it when
 * ack is true.  Returns the bytes taken. */
size_t h_peer_absorb(h_peer *pr, bool ack);

void h_peer_free(h_peer *pr);

/* Sockets of the stack (listeners included): internal, for bounds. */
unsigned h_tcp_socket_count(tern_stack *s);

/* ---- counters ---- */

/* Writes the counters that differ between a and b as "name+N name+N ..."
 * (in tern_stats order; "" when none), so a test states exactly which
 * counters a packet may move: h_stats_diff(&before, now, buf, n). */
const char *h_stats_diff(const tern_stats *a, const tern_stats *b, char *out, size_t outlen);
/* The same against a snapshot, with the stack's counters now. */
const char *h_moved(const tern_stats *before);

#endif
