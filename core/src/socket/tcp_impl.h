/* socket/tcp_impl.h: TCP internals shared by the tcp_*.c files.
 *
 *   tcp.c         the API: create, bind, listen, connect, write, close
 *   tcp_table.c   finding the socket a segment belongs to
 *   tcp_input.c   segment arrival (RFC 9293 3.10.7), where received data starts
 *   tcp_output.c  building and sending segments, the send queue
 *   tcp_timer.c   retransmission, delayed ACK, persist, keepalive, TIME-WAIT
 *   tcp_cc.c      congestion control: NewReno (RFC 5681/6582), CUBIC (RFC 9438)
 *   tcp_ooo.c     the out-of-order queue and the SACK blocks it produces */
#ifndef TERN_TCP_IMPL_H
#define TERN_TCP_IMPL_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "iface/ip.h"
#include "stack/stack_impl.h"
#include "tern/tcp.h"
#include "tern/timer.h"
#include "wire/checksum.h"
#include "wire/wire.h"

/* Sequence-number comparisons modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)
#define SEQ_MAX(a, b) (SEQ_GT(a, b) ? (a) : (b))
#define SEQ_MIN(a, b) (SEQ_LT(a, b) ? (a) : (b))

#define TCP_SLOW_TICK_MS 500u   /* lwIP's coarse timer: poll intervals count these */
#define TCP_MAX_WSCALE 14u
#define TCP_DEFAULT_MSS 536u    /* RFC 9293 3.7.1: assumed when the peer sends none */
#define TCP_SYN_R2_MS 180000u   /* an active open gives up no sooner (RFC 9293 MUST-23) */

/* One segment of the send queue.  Its payload is a pbuf with headroom, so
 * headers are written in front of the data without copying it. */
typedef struct tcp_seg {
    struct tcp_seg *next;
    tern_pbuf *p;        /* payload (tot_len == len); NULL for SYN/FIN alone */
    uint32_t seq;
    uint32_t len;        /* payload bytes */
    uint32_t cap;        /* payload capacity of p, for appending small writes */
    uint32_t sent_ms;    /* time of the last transmission */
    tern_csum sum;       /* partial checksum of the payload, from the copy (if sum_ok) */
    uint8_t flags;       /* TERN_TCP_SYN, TERN_TCP_FIN, TERN_TCP_PSH */
    uint8_t rtx;         /* retransmissions of this segment */
    bool sacked;         /* the peer holds it (SACK) */
    uint32_t epoch;      /* recovery episode of its last retransmission */
    bool lost;           /* marked for retransmission by loss recovery */
    bool sum_ok;         /* sum is computed (not for data queued towards a TSO device) */
} tcp_seg;

/* The payload's partial checksum, computed now if the copy skipped it. */
static inline tern_csum tern__tcp_seg_sum(tcp_seg *seg)
{
    if (!seg->sum_ok) {
        seg->sum = seg->len ? tern__csum_pbuf(0, seg->p, 0, (uint16_t)seg->len) : 0;
        seg->sum_ok = true;
    }
    return seg->sum;
}

/* One out-of-order segment held for reassembly (also one refused
 * delivery, tcp_input.c).  Held segments form runs of contiguous data;
 * the first segment of each run also describes the run, so finding where
 * an arrival goes and building SACK blocks cost one step per run, not per
 * segment (a 3 MB window behind one hole holds 2000 segments). */
typedef struct tcp_ooo {
    struct tcp_ooo *next;
    tern_pbuf *p;
    uint32_t seq, len;
    bool fin;
    /* Valid in the first segment of a run only: */
    uint32_t run_end;          /* sequence number after the run */
    struct tcp_ooo *run_last;  /* the run's last segment */
    struct tcp_ooo *run_next;  /* first segment of the next run */
} tcp_ooo;

/* RACK (RFC 8985 6): losses are inferred from time, not from counting
 * duplicate ACKs: a segment is lost when a segment sent after it has been
 * delivered and more than an RTT plus a reordering window has passed. */
typedef struct tcp_rack {
    uint32_t xmit_ms;    /* send time of the most recently sent segment known delivered */
    uint32_t end_seq;    /* that segment's end */
    uint32_t rtt_ms;     /* its round-trip time */
    uint32_t fack;       /* highest sequence known delivered */
    uint32_t fack_before; /* fack before the ACK being processed */
    bool valid;          /* a delivered segment was seen */
    bool reord;          /* the peer reordered segments: use a reordering window */
} tcp_rack;

/* Tail loss probe (RFC 8985 7): one probe per episode, before the RTO. */
typedef struct tcp_tlp {
    uint32_t end_seq;    /* SND.MAX when the probe left */
    bool active;         /* a probe is outstanding */
    bool retrans;        /* the probe resent data (rather than new data) */
    bool armed;          /* the rtx timer runs as the probe timeout (PTO) */
} tcp_tlp;

/* HyStart++ (RFC 9406): slow start ends when the round trip grows, i.e.
 * when a queue starts to build, not when it overflows. */
typedef struct tcp_hystart {
    uint32_t window_end;   /* the current round ends when this is acknowledged */
    uint32_t last_min_rtt; /* minimum RTT of the previous round (UINT32_MAX: none) */
    uint32_t cur_min_rtt;  /* ... of this round */
    uint32_t css_baseline; /* cur_min_rtt when conservative slow start began */
    uint16_t samples;      /* RTT samples this round */
    uint8_t css_rounds;    /* rounds spent in conservative slow start */
    bool css;              /* in conservative slow start */
    bool round_open;       /* window_end is set */
} tcp_hystart;

/* Proportional Rate Reduction (RFC 6937): during fast recovery the data
 * sent follows the data delivered, so the flight falls smoothly to
 * ssthresh instead of stopping for half a window (NewReno) or bursting. */
typedef struct tcp_prr {
    uint32_t recover_fs; /* flight when recovery began (RecoverFS) */
    uint32_t delivered;  /* bytes the peer received since then (prr_delivered) */
    uint32_t out;        /* bytes sent since then (prr_out) */
    uint32_t dup_est;    /* without SACK: bytes credited to duplicate ACKs, not yet acknowledged */
} tcp_prr;

typedef struct tcp_cubic {
    uint32_t w_max;      /* cwnd (bytes) at the last reduction */
    uint32_t k_ms;       /* time to regain w_max */
    uint32_t epoch_ms;   /* start of this congestion-avoidance epoch; 0 = none */
    uint32_t w_est;      /* Reno-friendly estimate (bytes) */
    uint32_t ack_bytes;  /* acked bytes not yet turned into growth */
} tcp_cubic;

/* What only a sender needs: congestion avoidance (CUBIC's state, Reno's
 * byte count), HyStart++, PRR, RACK-TLP and the SACK scoreboard's totals.
 * A socket gets it with its first byte of data to send (queue_data in
 * tcp.c) and gives it back once everything sent was acknowledged and an
 * RTO passed without more (tern__tcp_flight_quiet: cwnd goes back to the
 * restart window, RFC 5681 4.1; ssthresh stays in the socket, CUBIC starts
 * a new epoch from them); a connection that never sends data (a relay's
 * accepted connection waiting for its upstream, a flow that only receives,
 * a listener) holds none of it, and an idle one holds it no longer.  What must outlive it is elsewhere: the
 * loss counters in tcp_rare, the bytes acknowledged in the sequence
 * numbers (tern__tcp_bytes_acked).  SYNs and FINs alone need
 * none of it: code that runs for them reads t->fl == NULL as "no data was
 * ever sent" (their RTT still feeds SRTT and RACK's minimum RTT). */
typedef struct tcp_flight {
    tcp_cubic cubic;
    tcp_prr prr;
    tcp_hystart hystart;
    tcp_rack rack;
    tcp_tlp tlp;
    uint32_t recover;          /* NewReno/SACK recovery point (RFC 6582), once t->recovered is set */
    uint32_t recovery_epoch;   /* counts loss-recovery episodes */
    uint32_t sacked_bytes;     /* bytes of snd_q marked sacked */
    uint32_t high_sacked;      /* highest sequence a SACK block covered */
    /* Pacing (tcp_pace.c): a lone SYN or FIN is not paced. */
    bool pace_started;
    uint32_t pace_credit;      /* bytes that may leave now */
    uint32_t pace_stamp_ms;    /* when pace_credit was last refilled */
    uint32_t snd_grant;        /* send data queued past cfg.snd_buf, counted in the budget (tcp_tune.c) */
    /* The deadlines of the sender's own timers (TCP_TIMER_RACK and
     * TCP_TIMER_PACE: armed only while this struct is there). */
    uint32_t due_sender[2];
    /* Without timestamps, one RTT sample per round trip (RFC 6298 3): the
     * next comes from a segment sent from here on. */
    uint32_t rtt_next;
    /* The send queue's last segment and its first never sent (NULL: all
     * sent): tern__tcp_q_tail, tern__tcp_next_seg. */
    struct tcp_seg *q_tail, *next_seg;
    uint16_t snd_queuelen;     /* segments queued (tern__tcp_snd_queuelen) */
    uint8_t dupacks;           /* duplicate ACKs in a row (RFC 5681 2): only data has them */
} tcp_flight;

/* What few connections ever need: received data held back (ahead of a
 * hole, or refused by the application) and the counts of rare events.  A
 * socket gets it the first time one of them happens (tern__tcp_rare) and
 * keeps it until it is freed; a connection that never sees one (an idle
 * one, a clean transfer) holds none of it: 48 bytes less per socket. */
typedef struct tcp_rare {
    tcp_ooo *ooo;              /* held out of order, sorted (tcp_ooo.c) */
    tcp_ooo *refused, *refused_tail; /* data the application refused, oldest first */
    uint32_t ooo_count;
    uint32_t ooo_last;         /* start of the most recent out-of-order arrival */
    bool refused_fin;
    /* Counters (tern_tcp_info); a count the memory for this struct could
     * not be found for is lost, nothing else. */
    uint32_t retransmits, rto_timeouts, dupacks_in, challenge_acks;
    uint32_t fast_retransmits, sack_recoveries, tlp_probes, rack_marked_lost;
    uint32_t acked_wraps;      /* times the bytes acknowledged passed a multiple of 2^32 */
    uint32_t received_wraps;   /* times bytes_received passed a multiple of 2^32 */
    /* Keepalive figures of the socket's own (tern_tcp_set_keepalive), in
     * place of its config's while keep_own is set. */
    bool keep_own;
    uint32_t keep_idle, keep_intvl, keep_cnt;
    /* The hooks' context when it is not the socket's arg (a layer above
     * mostly passes the same pointer for both: compat does). */
    bool hook_own;
    void *hook_ctx;
    uint64_t prr_sent;         /* bytes sent in fast recovery, as PRR paced them (RFC 6937) */
    /* An accepted child that holds one of its listener's backlog slots
     * (tern_tcp_backlog_delayed): that listener. */
    struct tern_tcp *backlog_listener;
} tcp_rare;

/* What a socket waits for.  A socket holds one place on the table's
 * timing wheel, at the earliest deadline of these kinds (tcp_timer.c,
 * tcp_wheel.c), not one per kind. */
enum tcp_timer_kind {
    TCP_TIMER_RTX,  /* retransmission / persist / SYN / tail loss probe */
    TCP_TIMER_ACK,  /* delayed ACK */
    TCP_TIMER_SLOW, /* 500 ms tick: poll, keepalive, TIME-WAIT, FIN-WAIT-2, refused data */
    TCP_TIMER_WAKE, /* the layer above asked to hear from the socket (tern_tcp_set_wakeup) */
    TCP_TIMER_RACK, /* RACK reordering timeout (RFC 8985 6.2 step 5) */
    TCP_TIMER_PACE, /* the next paced segment may leave (tcp_pace.c) */
    TCP_TIMERS
};
_Static_assert(TCP_TIMERS - TCP_TIMER_RACK == 2, "tcp_flight.due_sender holds the kinds from TCP_TIMER_RACK on");

/* What sockets made alike share: their stack, their settings and their
 * callback table.  A socket points at one class (tcp_table.c keeps them,
 * one per distinct pair of settings and table, until the stack is freed):
 * one pointer where three were.  The settings are a copy, so that reading
 * one costs what it did through a pointer of its own. */
typedef struct tcp_class {
    struct tcp_class *next;    /* the table's list */
    tern_stack *stack;
    const tern_tcp_handlers *h; /* callbacks and hooks; never NULL (tern__tcp_no_handlers) */
    /* The class last asked for with other callbacks from this one: a
     * listener's children all take the same table at accept, and find
     * theirs with one comparison instead of a search. */
    const tern_tcp_handlers *memo_h;
    struct tcp_class *memo;
    tern_tcp_config cfg;
} tcp_class;

struct tern_tcp {
    tcp_class *cls;            /* stack, settings and callbacks (cls->stack, cls->cfg, cls->h) */
    /* The one list the socket is in (tcp_table.c): its hash bucket while
     * hashed, else the listeners or the stack's other sockets. */
    struct tern_tcp *next;
    struct tern_tcp **pprev;   /* the link pointing here: unlinking costs no walk */
    tcp_flight *fl;            /* the sender's state: NULL but while data is queued or in flight */
    /* The application's argument; a child holds its listener here until
     * it is accepted (its argument is the listener's until then:
     * tern__tcp_arg).  An accepted child that delays the backlog keeps its
     * listener in tcp_rare. */
    union {
        void *arg;
        struct tern_tcp *listener;
    };
    tcp_seg *snd_q;            /* every unacknowledged segment, in order (its tail: tcp_flight) */
    /* Timers (tcp_timer.c): one deadline per kind (due, below); the
     * earliest of them waits on the table's wheel (tcp_wheel.c). */
    struct tern_tcp *wnext;    /* the wheel slot's list */
    struct tern_tcp **wpprev;  /* the link pointing here; NULL when off the wheel */

    /* The state, the modes and the flags: 28 bytes.  Bits where a value
     * fits: a bit costs a masked load or store more than a byte, and the
     * socket is what every idle connection costs (tcp.c's size check). */
    uint8_t state;             /* tern_tcp_state (a byte: read on every path) */
    uint8_t type : 6;          /* TERN_ADDR_V4 / V6 / ANY (0, 6, 46) */
    bool dead : 1;             /* destroyed inside a callback: freed on return */
    bool persist : 1;          /* zero-window probing */
    uint8_t iface_index;
    uint8_t ttl, tos;
    uint8_t busy;              /* nesting depth of application callbacks */
    uint16_t local_port, remote_port;
    bool in_table : 1;         /* linked into the stack's lists */
    bool hashed : 1;           /* in the connection hash */
    bool keepalive : 1;
    bool ws_ok : 1;
    bool recovered : 1;        /* a fast retransmit or an RTO set recover */
    bool child : 1;            /* a child not yet accepted: the union above holds its listener */
    bool fin_queued : 1;       /* FIN is in the send queue */
    bool close_pending : 1;    /* close wanted but no memory for the FIN yet */
    bool reuse : 1, catch_all : 1;
    bool accepted : 1;         /* a child the application has seen */
    bool backlog_delayed : 1;
    bool half_open_counted : 1; /* this child is counted in its listener's half_open */
    bool tuned : 1;            /* holds a share of the autotuning budget (tcp_tune.c) */
    bool wlate : 1;            /* on the wheel's late list (tcp_wheel.c) */
    bool rx_shut : 1;          /* shutdown(SHUT_RD): drop incoming data */
    uint8_t close_state : 4;   /* tern_tcp_state queueing the FIN moves to (close_pending) */
    bool has_rare : 1;         /* holds a tcp_rare (in the table's, tcp_rare.c) */
    bool nodelay : 1;
    bool ts_ok : 1, sack_ok : 1;
    uint8_t persist_backoff : 4; /* zero-window probes' backoff, at most 15 (the RTO bound comes first) */
    uint8_t cc : 1;            /* tern_tcp_cc: cfg's, or tern_tcp_set_cc's */
    bool in_recovery : 1;      /* fast recovery (congestion control) */
    bool fin_rcvd : 1;         /* FIN received in sequence */
    bool ack_now : 1;          /* an ACK is owed at once */
    uint8_t timers_armed;      /* bit k: timer kind k is armed (tcp_timer.c) */
    uint8_t unacked_segs;      /* full segments received since our last ACK */
    /* What only a listener counts and what only a connection does share
     * four bytes: a socket is one or the other for good (tern_tcp_listen
     * takes a CLOSED socket and clears them; the poll tick, keepalive and
     * zero-window probing run in synchronized states only). */
    union {
        struct {
            uint8_t backlog, pending; /* pending: accepted children the application delayed */
            uint16_t half_open;       /* children in SYN-RECEIVED */
        };
        struct {
            uint8_t poll_interval, poll_ticks;
            uint8_t keep_sent;          /* keepalive probes unanswered (at most 255, as lwIP's u8_t count) */
            uint8_t persist_unanswered; /* zero-window probes since the peer last sent an acceptable ACK */
        };
    };
    uint16_t mss;              /* effective send MSS (data bytes) */
    uint8_t snd_wscale : 4, rcv_wscale : 4; /* (at most 14: RFC 7323 2.3) */
    uint8_t nrtx;              /* consecutive timeouts */
    uint16_t rack_min_rtt_ms;  /* RACK's minimum RTT, handshake included (TCP_RTT16_NONE: none yet) */
    /* The largest window the peer offered (RFC 5961 5.2: MAX.SND.WND), as
     * its window field carries it: tern__tcp_max_snd_wnd scales it. */
    uint16_t max_snd_wnd_field;

    /* Send side (RFC 9293 3.3.1).  The queue's end, the bytes and
     * segments in it: tern__tcp_snd_end, _snd_queued, _snd_queuelen. */
    uint32_t snd_una, snd_nxt, snd_max; /* SND.UNA is the ISS until our SYN is acknowledged */
    uint32_t snd_wnd;          /* peer's window, scaled */
    uint32_t snd_wl1;          /* (SND.WL2 is implied: take_ack) */
    uint32_t iss;              /* our initial sequence number (tern__tcp_bytes_acked) */

    /* Congestion control. */
    uint32_t cwnd, ssthresh;   /* (recover and the recovery epoch: tcp_flight) */

    /* Round-trip time (RFC 6298), in milliseconds scaled by 8 and 4. */
    int32_t srtt8;
    int32_t rttvar4;           /* -1 until an RTT is measured (the RTO: tern__tcp_rto) */

    /* Timestamps (RFC 7323). */
    uint32_t ts_recent;        /* its age is last_rx_ms's: RFC 7323 5.5 ages it by idleness */
    uint32_t ts_offset;        /* per-connection random offset of our TSval */

    /* Receive side (the free window: tern__tcp_rcv_wnd). */
    uint32_t rcv_nxt;          /* the IRS + 1 while in SYN-RECEIVED */
    uint32_t rcv_buf;          /* current buffer size (autotuned) */
    uint32_t rcv_adv;          /* right edge advertised */
    uint32_t rcv_app_unread;   /* bytes delivered and not yet tern_tcp_recved */
    uint32_t bytes_received;   /* modulo 2^32: tcp_rare counts the wraps */
    uint32_t last_rx_ms;
    uint32_t autotune_bytes;   /* consumed in this autotuning round (tcp_tune.c) */
    /* One stamp for two clocks that never run together: autotuning's runs
     * while in-order data arrives (ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2 before
     * shutdown(SHUT_RD): data after that resets the connection), the
     * state's clock only in SYN-SENT (its 3-minute retry floor), TIME-WAIT
     * and FIN-WAIT-2 after shutdown(SHUT_RD) (their timeouts): entering
     * those (tern__tcp_set_state, tern_tcp_shutdown) starts it, nothing
     * else touches it. */
    union {
        uint32_t autotune_ms;    /* when the autotuning round began (tcp_tune.c) */
        uint32_t state_since_ms; /* when the timed state began (tcp_timer.c) */
    };

    uint32_t wdue;             /* the deadline the wheel holds (tcp_wheel.c) */
    uint32_t due[TCP_TIMER_RACK]; /* deadline of each kind, while armed; RACK's and pacing's in tcp_flight */

    /* Last, and in this order (tern_stack_set_tcp_allocator): a layer
     * that places its own structure over them reads them there (compat's
     * tcp_pcb begins with lwIP's local_ip and remote_ip). */
    tern_addr local, remote;
};

#define TCP_RTT16_NONE UINT16_MAX

/* The retransmission timeout (RFC 6298 2), from SRTT and RTTVAR within the
 * settings' bounds; the initial one until an RTT is measured. */
static inline uint32_t tern__tcp_rto(const tern_tcp *t)
{
    const tern_tcp_config *c = &t->cls->cfg;
    if (t->rttvar4 < 0)
        return c->rto_initial_ms; /* RFC 6298 2.1 */
    uint32_t rto = (uint32_t)((t->srtt8 >> 3) + (t->rttvar4 > 4 ? t->rttvar4 : 4));
    return rto < c->rto_min_ms ? c->rto_min_ms : rto > c->rto_max_ms ? c->rto_max_ms : rto;
}

/* The free window: the buffer less what the application holds (data
 * delivered and not yet tern_tcp_recved), none when it holds more (a
 * buffer autotuning shrank, data the peer sent up to an edge advertised
 * before). */
static inline uint32_t tern__tcp_rcv_wnd(const tern_tcp *t)
{
    return t->rcv_buf > t->rcv_app_unread ? t->rcv_buf - t->rcv_app_unread : 0;
}

/* MAX.SND.WND (RFC 5961 5.2), in bytes. */
static inline uint32_t tern__tcp_max_snd_wnd(const tern_tcp *t)
{
    return (uint32_t)t->max_snd_wnd_field << t->snd_wscale;
}
/* The peer offered wnd bytes (scaled): MAX.SND.WND grows to it, rounded up
 * to the scale's unit (a SYN's unscaled window too). */
static inline void tern__tcp_offered(tern_tcp *t, uint32_t wnd)
{
    uint32_t f = (wnd + (1u << t->snd_wscale) - 1) >> t->snd_wscale;
    if (f > 0xffff)
        f = 0xffff;
    if (f > t->max_snd_wnd_field)
        t->max_snd_wnd_field = (uint16_t)f;
}

/* Freed objects of one size kept for reuse, up to a bound: the first
 * pointer-sized bytes of a kept object link it to the next. */
typedef struct tcp_free_list {
    void *head;
    uint32_t count;
} tcp_free_list;

/* Zeroes size bytes at o.  gcc makes a memset of a few hundred bytes a
 * rep stos, whose start-up costs more cycles than the 16-byte stores it
 * replaces (a socket of tern's own memory is 240 bytes, one per
 * connection: 15 stores).  Unrolled, so
 * that gcc does not see a memset in it; unaligned stores, so that no
 * allocator's alignment is assumed. */
static inline void tcp_zero(void *o, size_t size)
{
    typedef uint8_t v16 __attribute__((vector_size(16), aligned(1), may_alias));
    if (size < 16 || size % 8 != 0) {
        memset(o, 0, size);
        return;
    }
#pragma GCC unroll 32
    for (size_t i = 0; i < size / 16; i++)
        *(v16 *)(void *)((uint8_t *)o + 16 * i) = (v16){0};
    if (size % 16) /* the last 16 bytes, half of them again */
        *(v16 *)(void *)((uint8_t *)o + size - 16) = (v16){0};
}

/* A zeroed object of size bytes: a kept one, or a new one (NULL when out of
 * memory). */
static inline void *tcp_free_list_get(tcp_free_list *fl, size_t size)
{
    void *o = fl->head;
    if (!o)
        return calloc(1, size);
    memcpy(&fl->head, o, sizeof(void *));
    fl->count--;
    tcp_zero(o, size);
    return o;
}

/* Keeps o for reuse, or frees it when max are kept already. */
static inline void tcp_free_list_put(tcp_free_list *fl, void *o, uint32_t max)
{
    if (fl->count >= max) {
        free(o);
        return;
    }
    memcpy(o, &fl->head, sizeof(void *));
    fl->head = o;
    fl->count++;
}

/* Gives everything kept back to malloc. */
static inline void tcp_free_list_drain(tcp_free_list *fl)
{
    while (fl->head) {
        void *o = fl->head;
        memcpy(&fl->head, o, sizeof(void *));
        free(o);
    }
    fl->count = 0;
}

#define TCP_HIT_SLOTS 16u

/* The sockets' deadlines (tcp_wheel.c): level 0 holds the next 256 ms in
 * 1-ms slots (slots 0-255), the upper levels 64 slots each of 2^8, 2^14,
 * 2^20 and 2^26 ms (256 ms, 16.4 s, 17.5 min, 18.6 h; slots 256-511). */
#define TCP_WHEEL_L0_SLOTS 256u
#define TCP_WHEEL_SLOTS 64u
#define TCP_WHEEL_UPPER 4u
#define TCP_WHEEL_ALL (TCP_WHEEL_L0_SLOTS + TCP_WHEEL_UPPER * TCP_WHEEL_SLOTS)
typedef struct tcp_wheel {
    tern_tcp *slot[TCP_WHEEL_ALL];
    tern_tcp *late;            /* deadlines already past when armed: run at the next turn */
    uint64_t map[TCP_WHEEL_ALL / 64]; /* bit per occupied slot */
    uint32_t now;              /* the cursor: every millisecond before it is handled */
    uint32_t count;            /* sockets on the wheel */
    tern_stack *stack;
    tern_timer timer;          /* the stack timer at the wheel's next event */
} tcp_wheel;

/* The stack's TCP state. */
typedef struct tern_tcp_table {
    /* Each socket is in one list: a bucket of the connection hash while
     * hashed, else the listeners' or the others' (tern__tcp_table_first
     * walks them all). */
    tern_tcp *unhashed;        /* every socket neither hashed nor listening */
    tern_tcp *listeners;       /* sockets in LISTEN: a SYN searches these only */
    tern_tcp **buckets;        /* connection hash */
    uint32_t nbuckets, nhashed;
    uint32_t walks;            /* walks that destroy sockets under way: the hash keeps its size */
    /* Recently found connections: the last one (a bulk flow's every
     * segment), and one per slot of a cheap unkeyed index of the ports
     * (tcp_table.c hit_slot: the next segment of a young connection among
     * many).  Both skip the keyed hash; both are only caches: a collision
     * an attacker aims costs a hash lookup, nothing more. */
    tern_tcp *last_hit;
    tern_tcp *hit[TCP_HIT_SLOTS];
    uint16_t next_port;
    uint32_t secret[4];        /* ISN and hash secret (RFC 6528) */
    /* The class new sockets get (the stack's settings, no callbacks),
     * and every class ever made: sockets point at one of these instead of
     * holding a copy.  Kept until the stack is freed; a program that sets
     * the same settings or callbacks again finds them in the list. */
    tcp_class *defaults;
    tcp_class *classes;
    /* Callback tables the single setters made (tern__tcp_handlers_intern):
     * one per distinct combination, kept until the stack is freed. */
    struct tcp_handler_set *handler_sets;
    uint32_t challenge_window_ms, challenge_count; /* RFC 5961 7 rate limit */
    uint32_t half_open;        /* SYN-RECEIVED children, all listeners */
    uint32_t cookie_ts_offset; /* TSval clock of SYN cookie SYN-ACKs */
    /* Autotuning's budget (tcp_tune.c): bytes granted beyond the
     * configured buffers, the sockets holding some, the last time a
     * growth was refused. */
    bool tune_budget_set;
    uint64_t tune_budget, tune_granted;
    uint32_t tune_count, tune_pressure_ms;
    bool tune_pressure;
    /* Freed send-queue segments kept for reuse (at most TCP_SEG_CACHE_MAX,
     * tcp_output.c): a bulk sender makes and frees one per MSS.  Freed
     * sockets (at most TCP_SOCK_CACHE_MAX, tcp.c): a churning server skips
     * malloc and free for each connection. */
    tcp_free_list seg_cache, sock_cache, flight_cache;
    /* Each socket's tcp_rare, by the socket's address (tcp_rare.c): open
     * addressing, at most half full, no array while none is held. */
    struct tcp_rare_slot *rare_slots;
    uint32_t rare_cap, rare_count;
    /* Where sockets live when a layer above gives them a place
     * (tern_stack_set_tcp_allocator); sock_cache is unused then. */
    tern_tcp_allocator alloc;
    tcp_wheel wheel;
} tern_tcp_table;

tern_tcp_table *tern__tcp_table(tern_stack *s);

/* tcp_wheel.c */
void tern__tcp_wheel_init(tcp_wheel *w, tern_stack *s);
void tern__tcp_wheel_stop(tcp_wheel *w);
/* Puts t's deadline at due (on the wheel or moved on it). */
void tern__tcp_wheel_set(tern_tcp *t, uint32_t due);
void tern__tcp_wheel_remove(tern_tcp *t);
static inline bool tern__tcp_on_wheel(const tern_tcp *t) { return t->wpprev != NULL; }
/* tcp_timer.c: runs t's kinds that are due (the wheel took t off first). */
void tern__tcp_timers_run(tern_tcp *t, uint32_t now);
/* The table's class of settings c and callbacks h (found or made); NULL
 * when out of memory. */
tcp_class *tern__tcp_class(tern_tcp_table *tb, const tern_tcp_config *c, const tern_tcp_handlers *h);
tcp_class *tern__tcp_class_search(tern_tcp_table *tb, tcp_class *from, const tern_tcp_handlers *h);
/* from's settings with callbacks h: from itself when they are its, the
 * memo when it was asked for before (a child at accept), else a search. */
static inline tcp_class *tern__tcp_class_with(tern_tcp_table *tb, tcp_class *from, const tern_tcp_handlers *h)
{
    if (from->h == h)
        return from;
    if (from->memo_h == h)
        return from->memo;
    return tern__tcp_class_search(tb, from, h);
}
void tern__tcp_classes_free(tern_tcp_table *tb);
/* A socket with no callbacks points here. */
extern const tern_tcp_handlers tern__tcp_no_handlers;
/* The table's copy of h (found or made), tern__tcp_no_handlers for an
 * empty one; NULL when out of memory. */
const tern_tcp_handlers *tern__tcp_handlers_intern(tern_tcp_table *tb, const tern_tcp_handlers *h);
void tern__tcp_table_link(tern_tcp *t);
void tern__tcp_table_unlink(tern_tcp *t);
/* t now listens: moves it to the listeners' list. */
void tern__tcp_table_listen(tern_tcp *t);
/* The table's lists, to walk every socket: the unhashed, each bucket, the
 * listeners last.  A list may change while it is walked (a socket
 * destroyed leaves its own); _after gives NULL after the last. */
static inline tern_tcp **tern__tcp_table_first(tern_tcp_table *tb) { return &tb->unhashed; }
tern_tcp **tern__tcp_table_after(tern_tcp_table *tb, tern_tcp **list);
/* A walk that destroys sockets holds the hash's size from _hold to
 * _release (a shrink would move the buckets it walks); the hash shrinks
 * then if it is due. */
static inline void tern__tcp_table_hold(tern_tcp_table *tb) { tb->walks++; }
void tern__tcp_table_release(tern_tcp_table *tb);
/* The listener a SYN to t's local address and port would find now (for an
 * accepted child, which keeps no pointer to its own), or NULL. */
tern_tcp *tern__tcp_listener_of_child(const tern_tcp *t);
/* The socket holding this 4-tuple (TIME-WAIT included), or NULL. */
tern_tcp *tern__tcp_find_tuple(tern_stack *s, const tern_addr *la, uint16_t lp, const tern_addr *ra, uint16_t rp);
void tern__tcp_hash_insert(tern_tcp *t);
/* The same, with the tuple's hash a lookup already computed. */
void tern__tcp_hash_insert_known(tern_tcp *t, uint32_t hash);
/* The hash of t's tuple, as a lookup computes it (the table keeps none:
 * it hashes again when it resizes). */
uint32_t tern__tcp_tuple_hash_of(const tern_tcp *t);
void tern__tcp_hash_remove(tern_tcp *t);
/* The connection a segment belongs to, or NULL and the best listener.
 * *hash is the tuple's hash whenever a listener is returned (for
 * tern__tcp_hash_insert_known). */
tern_tcp *tern__tcp_lookup(tern_stack *s, const tern_ip_meta *m, uint16_t sport, uint16_t dport, tern_tcp **listener,
                     uint32_t *hash);
/* The listener a SYN to dport (at m's destination) goes to, or NULL. */
tern_tcp *tern__tcp_listener_for(tern_stack *s, const tern_ip_meta *m, uint16_t dport);
bool tern__tcp_port_in_use(tern_stack *s, const tern_tcp *self, const tern_addr *addr, uint16_t port);
/* The ISS for t's 4-tuple (RFC 6528); sets t->ts_offset. */
uint32_t tern__tcp_pick_isn(tern_tcp *t);
/* A keyed hash of a 4-tuple and two more words (SYN cookie MACs). */
uint32_t tern__tcp_keyed_hash(tern_stack *s, const tern_addr *la, uint16_t lp, const tern_addr *ra, uint16_t rp,
                        uint32_t extra1, uint32_t extra2);

/* tcp.c */
void tern__tcp_set_state(tern_tcp *t, tern_tcp_state st);
/* Frees the socket and calls err(code) when code != 0. */
void tern__tcp_destroy(tern_tcp *t, int code);
tern_tcp *tern__tcp_alloc(tern_stack *s, uint8_t type);
uint32_t tern__tcp_sndbuf(const tern_tcp *t);

/* tcp_tune.c: receive and send buffer autotuning under the stack budget. */
void tern__tcp_autotune(tern_tcp *t, uint32_t now); /* after in-order data */
void tern__tcp_tune_snd(tern_tcp *t);        /* after snd_queued changed */
/* The send buffer's size now: cfg.snd_buf, or up to twice the flight
 * the windows allow (at most cfg.snd_buf_max) while the budget has room.
 * Inline up to the common answer, cfg.snd_buf. */
uint32_t tern__tcp_snd_limit_grown(const tern_tcp *t, uint64_t want);
static inline uint32_t tern__tcp_snd_limit(const tern_tcp *t)
{
    uint32_t base = t->cls->cfg.snd_buf;
    if (t->cls->cfg.snd_buf_max <= base)
        return base;
    uint32_t flight = t->cwnd < t->snd_wnd ? t->cwnd : t->snd_wnd;
    uint64_t want = 2ull * flight;
    if (want > t->cls->cfg.snd_buf_max)
        want = t->cls->cfg.snd_buf_max;
    return want <= base ? base : tern__tcp_snd_limit_grown(t, want);
}
void tern__tcp_tune_release(tern_tcp *t);    /* the socket is freed */

/* Application callbacks may close or abort the socket they are given;
 * wrap each call so the memory outlives it.  tern__tcp_leave returns false when
 * the socket died during the call (the caller must not touch it). */
static inline void tcp_enter(tern_tcp *t) { t->busy++; }
void tern__tcp_free_dead(tern_tcp *t);
static inline bool tern__tcp_leave(tern_tcp *t)
{
    if (--t->busy == 0 && t->dead) {
        tern__tcp_free_dead(t);
        return false;
    }
    return !t->dead;
}

/* A child leaves SYN-RECEIVED (or dies in it): uncount it. */
void tern__tcp_half_open_done(tern_tcp *t);

/* tcp_input.c */
void tern__tcp_take_syn_options(tern_tcp *t, const tern_tcp_repr *h, tern_iface *ifc);
/* Offers refused data (and a refused FIN) to the application again;
 * TERN_ERR_ABRT when the socket died. */
int tern__tcp_deliver_refused(tern_tcp *t);

/* tcp_output.c */
/* Sends what the windows allow.  (Not "tcp_output": that symbol is lwIP's
 * API, which compat exports.) */
int tern__tcp_send_queued(tern_tcp *t);
void tern__tcp_send_ack(tern_tcp *t);
void tern__tcp_send_rst(tern_stack *s, tern_iface *ifc, const tern_addr *src, const tern_addr *dst, uint16_t sport,
                  uint16_t dport, uint32_t seq, uint32_t ack, bool with_ack);
void tern__tcp_send_rst_for(tern_tcp *t);
/* Sends a segment that belongs to no socket (RST, SYN cookie SYN-ACK). */
void tern__tcp_send_stateless(tern_stack *s, tern_iface *ifc, const tern_addr *src, const tern_addr *dst,
                        const tern_tcp_repr *r);
int tern__tcp_send_syn(tern_tcp *t);
int tern__tcp_queue_flags(tern_tcp *t, uint8_t flags);
void tern__tcp_retransmit_seg(tern_tcp *t, tcp_seg *seg);
/* Sends the first unsent segment if the peer's window allows, whatever
 * the congestion window (a tail loss probe); false when it cannot. */
bool tern__tcp_send_one_new(tern_tcp *t);
void tern__tcp_send_probe(tern_tcp *t, bool keepalive);
/* A zeroed segment, from the stack's cache or malloc; NULL when out of memory. */
tcp_seg *tern__tcp_seg_new(tern_tcp *t);
/* Frees the payload and keeps the segment for reuse (or frees it). */
void tern__tcp_seg_free(tern_tcp *t, tcp_seg *seg);
/* Puts seg at the end of the send queue (and of the unsent part). */
void tern__tcp_seg_append(tern_tcp *t, tcp_seg *seg);
void tern__tcp_free_queues(tern_tcp *t);
uint32_t tern__tcp_flight(const tern_tcp *t);
uint32_t tern__tcp_rcv_window_to_advertise(tern_tcp *t);
uint32_t tern__tcp_ts_now(const tern_tcp *t);
uint16_t tern__tcp_mss_for(const tern_tcp *t, tern_iface *ifc);

/* tcp_timer.c */
void tern__tcp_timers_init(tern_tcp *t);
void tern__tcp_timers_stop(tern_tcp *t);
/* Arms (or re-arms) kind to fire delay_ms from now. */
void tern__tcp_timer_set(tern_tcp *t, enum tcp_timer_kind kind, uint32_t delay_ms);
/* Disarms kind.  The stack timer is left to fire at its deadline and find
 * nothing due: cheaper than a heap removal per ACK. */
static inline void tern__tcp_timer_clear(tern_tcp *t, enum tcp_timer_kind kind)
{
    t->timers_armed = (uint8_t)(t->timers_armed & ~(1u << kind));
}
static inline bool tern__tcp_timer_armed(const tern_tcp *t, enum tcp_timer_kind kind)
{
    return (t->timers_armed >> kind) & 1u;
}
/* Handlers of the kinds kept outside tcp_timer.c. */
void tern__tcp_rack_timer_fire(tern_tcp *t);
void tern__tcp_pace_fire(tern_tcp *t);
void tern__tcp_arm_rtx(tern_tcp *t);
void tern__tcp_arm_delack(tern_tcp *t);
void tern__tcp_arm_slow(tern_tcp *t);
void tern__tcp_rtt_sample(tern_tcp *t, uint32_t rtt_ms);

/* tcp.c: the sender's state, made with its first data (NULL when out of
 * memory), given back with the socket. */
tcp_flight *tern__tcp_flight_get(tern_tcp *t);
void tern__tcp_flight_put(tern_tcp *t);
/* The SACK scoreboard's total: 0 before any data. */
static inline uint32_t tern__tcp_sacked_bytes(const tern_tcp *t) { return t->fl ? t->fl->sacked_bytes : 0; }

/* The send queue's last segment, and its first never sent (NULL when all
 * were sent).  Both live in tcp_flight: a socket without one holds at most
 * one segment, a SYN or a FIN (data brings tcp_flight, and so does a
 * second segment: tern__tcp_queue_flags), which is then the last, and
 * unsent while SND.NXT has not passed it.  The setters store where the
 * flight is; without it the queue and SND.NXT say it already. */
static inline tcp_seg *tern__tcp_q_tail(const tern_tcp *t) { return t->fl ? t->fl->q_tail : t->snd_q; }
/* Segments queued: without tcp_flight, the lone SYN or FIN if any. */
static inline uint16_t tern__tcp_snd_queuelen(const tern_tcp *t)
{
    return t->fl ? t->fl->snd_queuelen : (uint16_t)(t->snd_q != NULL);
}
/* The sequence numbers a queued segment takes: its data, SYN and FIN. */
static inline uint32_t tern__tcp_seg_seqlen(const tcp_seg *s)
{
    return s->len + ((s->flags & TERN_TCP_SYN) ? 1u : 0u) + ((s->flags & TERN_TCP_FIN) ? 1u : 0u);
}
/* The sequence number after the last queued byte (SYN and FIN included):
 * the queue's last segment's end, or SND.MAX when all was acknowledged
 * (or, for a child of a SYN cookie, sent without a segment). */
static inline uint32_t tern__tcp_snd_end(const tern_tcp *t)
{
    const tcp_seg *q = tern__tcp_q_tail(t);
    return q ? q->seq + tern__tcp_seg_seqlen(q) : t->snd_max;
}
/* Bytes of data queued, unacknowledged included: SND.UNA to the end of
 * the queue, less our SYN while it is unacknowledged (it heads the queue
 * until then) and our FIN (queued last; acknowledged when SND.UNA reaches
 * the end). */
static inline uint32_t tern__tcp_snd_queued(const tern_tcp *t)
{
    if (!t->snd_q)
        return 0; /* (all acknowledged: SND.MAX is SND.UNA) */
    uint32_t n = tern__tcp_snd_end(t) - t->snd_una;
    if (t->snd_q && (t->snd_q->flags & TERN_TCP_SYN))
        n--;
    if (t->fin_queued && n)
        n--;
    return n;
}
static inline tcp_seg *tern__tcp_next_seg(const tern_tcp *t)
{
    if (t->fl)
        return t->fl->next_seg;
    tcp_seg *s = t->snd_q;
    return s && s->seq == t->snd_nxt ? s : NULL;
}
/* Whether something queued was never sent: the empty queue (a receiver's)
 * answers without reading further. */
static inline bool tern__tcp_has_unsent(const tern_tcp *t) { return t->snd_q && tern__tcp_next_seg(t); }
static inline void tern__tcp_set_q_tail(tern_tcp *t, tcp_seg *s)
{
    if (t->fl)
        t->fl->q_tail = s;
}
static inline void tern__tcp_set_next_seg(tern_tcp *t, tcp_seg *s)
{
    if (t->fl)
        t->fl->next_seg = s;
}

/* tcp_rare.c: the held data and rare counts, made on first need (NULL
 * when out of memory), given back with the socket; kept in the stack's
 * table of them, found by the socket's address. */
tcp_rare *tern__tcp_rare(tern_tcp *t);
tcp_rare *tern__tcp_rare_find(const tern_tcp *t);
/* The socket's tcp_rare, or NULL while nothing rare happened. */
static inline tcp_rare *tern__tcp_rare_of(const tern_tcp *t) { return t->has_rare ? tern__tcp_rare_find(t) : NULL; }
/* The listener of a child not yet accepted, else NULL. */
static inline tern_tcp *tern__tcp_listener(const tern_tcp *t) { return t->child ? t->listener : NULL; }
/* The application's argument: a child's is its listener's until it is
 * accepted (a listener is never a child). */
static inline void *tern__tcp_arg(const tern_tcp *t) { return t->child ? t->listener->arg : t->arg; }
/* A child is accepted, or its listener goes: from here its argument is its
 * own (the listener's, as it was). */
static inline void tern__tcp_child_leave(tern_tcp *t)
{
    if (t->child) {
        void *arg = t->listener->arg;
        t->child = false;
        t->arg = arg;
    }
}
/* The context the hooks get: their own, or the socket's arg. */
static inline void *tern__tcp_hook_ctx(const tern_tcp *t)
{
    const tcp_rare *x = tern__tcp_rare_of(t);
    return x && x->hook_own ? x->hook_ctx : tern__tcp_arg(t);
}
/* Keepalive figures in force: the socket's own, or its config's. */
static inline uint32_t tern__tcp_keep_idle(const tern_tcp *t)
{
    const tcp_rare *x = tern__tcp_rare_of(t);
    return x && x->keep_own ? x->keep_idle : t->cls->cfg.keep_idle_ms;
}
static inline uint32_t tern__tcp_keep_intvl(const tern_tcp *t)
{
    const tcp_rare *x = tern__tcp_rare_of(t);
    return x && x->keep_own ? x->keep_intvl : t->cls->cfg.keep_intvl_ms;
}
static inline uint32_t tern__tcp_keep_cnt(const tern_tcp *t)
{
    const tcp_rare *x = tern__tcp_rare_of(t);
    return x && x->keep_own ? x->keep_cnt : t->cls->cfg.keep_cnt;
}
/* Sets them (the config's: no memory); TERN_ERR_MEM when tcp_rare could not
 * be had. */
tern_err tern__tcp_keep_set(tern_tcp *t, uint32_t idle_ms, uint32_t intvl_ms, uint32_t cnt);
void tern__tcp_rare_drop(tern_tcp *t);
/* The socket at from now lives at to (tern_tcp_move): its tcp_rare is
 * found by the new address. */
void tern__tcp_rare_moved(const tern_tcp *from, tern_tcp *to);
/* Gives the socket's tcp_rare back, if it has one (the held data is freed
 * first: tern__tcp_free_queues). */
static inline void tern__tcp_rare_put(tern_tcp *t)
{
    if (t->has_rare)
        tern__tcp_rare_drop(t);
}
void tern__tcp_rare_table_free(tern_tcp_table *tb); /* (every socket gone) */
/* Tests: the next this many tcp_rare allocations fail. */
extern _Thread_local unsigned tern__tcp_rare_fail_next;
/* The first segment held out of order (NULL: none). */
static inline tcp_ooo *tern__tcp_ooo_head(const tern_tcp *t)
{
    const tcp_rare *x = tern__tcp_rare_of(t);
    return x ? x->ooo : NULL;
}
/* Data or a FIN the application refused waits to be offered again. */
static inline bool tern__tcp_refusing(const tern_tcp *t)
{
    const tcp_rare *x = tern__tcp_rare_of(t);
    return x && (x->refused || x->refused_fin);
}
/* Data (not only a FIN) the application refused waits. */
static inline bool tern__tcp_refused_data(const tern_tcp *t)
{
    const tcp_rare *x = tern__tcp_rare_of(t);
    return x && x->refused;
}
/* Received data is held back, of either kind. */
static inline bool tern__tcp_holds(const tern_tcp *t)
{
    const tcp_rare *x = tern__tcp_rare_of(t);
    return x && (x->ooo || x->refused || x->refused_fin);
}
/* tcp.c: counts one rare event in tcp_rare's counter at `offset` (lost
 * when tcp_rare cannot be had).  Out of line: a caller that is otherwise
 * a leaf (note_sent) calls it last, as a jump, and saves no registers. */
void tern__tcp_count_rare(tern_tcp *t, size_t offset);
#define TCP_COUNT_RARE(t, counter) tern__tcp_count_rare((t), offsetof(tcp_rare, counter))
/* Adds n to a 32-bit counter of tcp_rare. */
void tern__tcp_add_rare(tern_tcp *t, size_t offset, uint32_t n);
#define TCP_ADD_RARE(t, counter, n) tern__tcp_add_rare((t), offsetof(tcp_rare, counter), (n))
/* PRR's bytes of the last recovery episode (t->fl->prr.out) into the
 * total in tcp_rare (tern_tcp_info's prr_sent is the two together). */
void tern__tcp_prr_fold(tern_tcp *t);
/* Data bytes the peer acknowledged, from the sequence numbers. */
uint64_t tern__tcp_bytes_acked(const tern_tcp *t);
/* Where una lies in the data (modulo 2^32): the SYN and an acknowledged
 * FIN left out. */
static inline uint32_t tern__tcp_data_offset(const tern_tcp *t, uint32_t una)
{
    return una - t->iss - 1 - (t->fin_queued && SEQ_GEQ(una, tern__tcp_snd_end(t)) ? 1u : 0u);
}
/* The sender's state goes back when nothing is in flight or queued and no
 * recovery is open (tcp_timer.c: an RTO after the last acknowledgment). */
void tern__tcp_flight_quiet(tern_tcp *t);

/* tcp_rack.c: RACK-TLP (RFC 8985), for connections with SACK. */
void tern__tcp_rack_init(tern_tcp *t);
/* An ACK is about to be processed (before its SACK blocks). */
static inline void tern__tcp_rack_ack_begin(tern_tcp *t)
{
    if (t->fl)
        t->fl->rack.fack_before = t->fl->rack.fack;
}
/* A tail loss probe's timeout runs as the rtx timer. */
static inline bool tern__tcp_tlp_armed(const tern_tcp *t) { return t->fl && t->fl->tlp.armed; }
/* A segment was newly acknowledged or SACKed by the segment h. */
void tern__tcp_rack_delivered(tern_tcp *t, const tcp_seg *seg, const tern_tcp_repr *h);
/* Marks segments RACK deems lost; returns how many were newly marked and
 * arms the reordering timer for those not yet due. */
uint32_t tern__tcp_rack_detect(tern_tcp *t);
/* How long the rtx timer waits as a probe timeout, or 0 when no probe is
 * allowed now (RFC 8985 7.2). */
uint32_t tern__tcp_tlp_timeout(const tern_tcp *t);
/* The probe timeout fired: send one probe (RFC 8985 7.3). */
void tern__tcp_tlp_fire(tern_tcp *t);
/* An ACK arrived: does it end the probe's episode, and was a loss
 * repaired by it (RFC 8985 7.4)? */
void tern__tcp_tlp_on_ack(tern_tcp *t, const tern_tcp_repr *h, bool advanced);
/* Loss recovery by RACK: enters recovery when a loss is newly marked. */
void tern__tcp_rack_recover(tern_tcp *t);

/* tcp_cc.c */
void tern__tcp_cc_init(tern_tcp *t);
/* Nothing sent for an RTO (tern__tcp_flight_quiet): back to the restart window. */
void tern__tcp_cc_restart_after_idle(tern_tcp *t);
/* A new sender's state: no CUBIC epoch, HyStart++ before its first round. */
void tern__tcp_cc_flight_init(tcp_flight *f);
void tern__tcp_cc_on_ack(tern_tcp *t, uint32_t acked);
void tern__tcp_cc_on_loss(tern_tcp *t);     /* fast retransmit: enter recovery */
void tern__tcp_cc_on_timeout(tern_tcp *t);  /* RTO */
void tern__tcp_cc_exit_recovery(tern_tcp *t);
/* An ACK arrived in fast recovery: delivered is what it newly acknowledged
 * (cumulatively and by SACK), dupack whether it was a duplicate.  Sets cwnd
 * to what PRR allows to leave now (RFC 6937 3). */
void tern__tcp_prr_on_ack(tern_tcp *t, uint32_t delivered, bool dupack);
/* An RTT sample from this ACK (one per ACK, for HyStart++). */
void tern__tcp_cc_rtt_sample(tern_tcp *t, uint32_t rtt_ms);

/* tcp_pace.c: send pacing at a rate from cwnd and SRTT. */
bool tern__tcp_pace_active(const tern_tcp *t);
/* Bytes new data may send now (UINT32_MAX: pacing is off). */
uint32_t tern__tcp_pace_room(tern_tcp *t);
void tern__tcp_pace_sent(tern_tcp *t, uint32_t len);
/* A segment of len bytes is held back: send again when it may leave. */
void tern__tcp_pace_wait(tern_tcp *t, uint32_t len);

/* tcp_cookie.c: SYN cookies (RFC 4987 3.6) once half-open connections
 * reach their bound, so a SYN flood costs no memory. */
bool tern__tcp_cookie_needed(const tern_tcp *l);
void tern__tcp_cookie_send_synack(tern_tcp *l, const tern_tcp_repr *h, const tern_ip_meta *m);
/* Validates the ACK completing a cookie handshake and builds the child in
 * SYN-RECEIVED (its SYN-ACK acknowledged by this very segment); NULL when
 * the cookie is not ours. */
tern_tcp *tern__tcp_cookie_child(tern_tcp *l, const tern_tcp_repr *h, const tern_ip_meta *m);
/* Shared by the cookie and the normal path: a child of l for this SYN. */
tern_tcp *tern__tcp_new_child(tern_tcp *l, const tern_tcp_repr *h, const tern_ip_meta *m);

/* tcp_ooo.c */
/* Queues an out-of-order segment (p payload = data); consumes p. */
void tern__tcp_ooo_insert(tern_tcp *t, tern_pbuf *p, uint32_t seq, bool fin);
/* May one more segment be held? */
bool tern__tcp_ooo_has_room(const tern_tcp *t);
/* Takes the segments now in order (chain of payloads, total bytes, FIN). */
tern_pbuf *tern__tcp_ooo_take(tern_tcp *t, bool *fin);
void tern__tcp_ooo_free(tern_tcp *t);
/* tcp_ooo.c: frees a list of held segments (out of order, or refused). */
void tern__tcp_held_free(tcp_ooo *o);
/* tcp_input.c: drops the data the application refused (and its FIN). */
void tern__tcp_refused_free(tern_tcp *t);
/* SACK blocks for an ACK: the block holding `latest` first (RFC 2018 4). */
uint8_t tern__tcp_ooo_sack_blocks(const tern_tcp *t, tern_tcp_sack_block *out, uint8_t max);

#endif
