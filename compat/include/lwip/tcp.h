/* lwip/tcp.h: TCP protocol control blocks (lwIP 2.1 raw API on tern).
 *
 * The callback model is lwIP's, with lwIP's err_t values:
 * - recv(arg, pcb, p, err): data in order, the callback owns p; p == NULL
 *   means the peer sent FIN.  Returning anything but ERR_OK (and not
 *   ERR_ABRT) refuses the data: it stays in pcb->refused_data and is offered
 *   again later (on the next segment, on a timer, or through
 *   tcp_process_refused_data).  The window reopens only through tcp_recved.
 * - A callback that called tcp_abort must return ERR_ABRT; the pcb is gone.
 * - err(arg, err) runs after the pcb is freed: ERR_RST (reset by the peer or
 *   connection refused), ERR_ABRT (tcp_abort, retransmission or keepalive
 *   timeout), ERR_CLSD (the peer closed after a tx-only shutdown).
 *
 * struct tcp_pcb has lwIP's public fields with lwIP's names and types, in
 * an order of tern's: the members only lwIP's engine uses share one word
 * (TERN_TCP_PCB_ENGINE_ONLY below).  The stack keeps the fields
 * applications read current after every API call and before every
 * callback (state, addresses and ports, snd_buf, snd_queuelen, mss,
 * rcv_wnd, refused_data, unsent/unacked being NULL or not, flags); the fields applications write (flags TF_NODELAY,
 * so_options SOF_KEEPALIVE/SOF_REUSEADDR, keep_idle/keep_intvl/keep_cnt,
 * ttl, tos, prio, callback_arg) take effect at the next API call or event.
 * Other lwIP fields exist so that code reading them compiles; tern fills
 * the ones it has a value for (rto, cwnd, ssthresh, snd_wnd, snd_scale,
 * rcv_scale) and leaves the rest 0.  unsent and unacked are markers to
 * compare with NULL, not segment lists.  No program has a reason to rely on
 * lwIP's order of the members: it compiles against these headers, and
 * lwip_init checks that it agrees with libtern (lwip/priv/tern_opts.h).
 *
 * tcp_listen returns a different object (a struct tcp_pcb_listen) and frees
 * the pcb it was given, as lwIP does: use the pointer it returns.
 *
 * Freed pcbs.  As with lwIP's static pools, a pcb pointer stays safe to pass
 * after the pcb was freed (closed, reset, aborted, tcp_listen's argument):
 * pcbs (listening ones too) and udp_pcbs live in pools whose memory is given
 * back only when lwip_init starts a new stack, so the pools hold at most the
 * peak number of pcbs in use at once.  Every function checks first whether
 * its pcb was freed and then answers as lwIP 2.1.3 does for a pcb in CLOSED
 * state, touching nothing else: tcp_close, tcp_output,
 * tcp_process_refused_data and tcp_shutdown(pcb, 1, x) return ERR_OK,
 * tcp_write and tcp_shutdown(pcb, 0, 1) ERR_CONN, tcp_bind and tcp_connect
 * ERR_CLSD (lwIP would reuse the freed pcb), tcp_listen NULL with ERR_CLSD,
 * tcp_tcp_get_tcp_addrinfo the last addresses; tcp_abort, tcp_recved,
 * tcp_arg and the other void functions do nothing.  A freed pcb reads as
 * state CLOSED, snd_buf 0, no callbacks.
 * The limit, as in lwIP: freed pcbs are reused oldest first, but once a new
 * connection reuses the memory, the old pointer names that connection and
 * calls through it act on it.  A program must still stop using a pcb once
 * its err callback ran or its close completed; the pools only turn the
 * mistake from a crash into a harmless error while the memory waits. */
#ifndef LWIP_HDR_TCP_H
#define LWIP_HDR_TCP_H

#include "lwip/opt.h"
#include "lwip/tcpbase.h"
#include "lwip/def.h"
#include "lwip/err.h"
#include "lwip/icmp.h"
#include "lwip/ip.h"
#include "lwip/ip6_addr.h"
#include "lwip/memp.h" /* lwIP's tcp.h reaches it too (programs call memp_free) */
#include "lwip/pbuf.h"
#include "lwip/priv/tern_opts.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tcp_pcb;
struct tcp_pcb_listen;
struct tcp_seg;
struct tern_tcp;

/* newpcb is NULL (and err ERR_MEM) when no pcb could be allocated for a
 * connection.  Return ERR_ABRT only after calling tcp_abort(newpcb). */
typedef err_t (*tcp_accept_fn)(void *arg, struct tcp_pcb *newpcb, err_t err);
typedef err_t (*tcp_recv_fn)(void *arg, struct tcp_pcb *tpcb, struct pbuf *p, err_t err);
/* len bytes were acknowledged (larger acknowledgments arrive in pieces of
 * at most 65535). */
typedef err_t (*tcp_sent_fn)(void *arg, struct tcp_pcb *tpcb, u16_t len);
typedef err_t (*tcp_poll_fn)(void *arg, struct tcp_pcb *tpcb);
/* The pcb is already freed when this runs. */
typedef void (*tcp_err_fn)(void *arg, err_t err);
typedef err_t (*tcp_connected_fn)(void *arg, struct tcp_pcb *tpcb, err_t err);

#if LWIP_WND_SCALE
#define RCV_WND_SCALE(pcb, wnd) (((wnd) >> (pcb)->rcv_scale))
#define SND_WND_SCALE(pcb, wnd) (((wnd) << (pcb)->snd_scale))
#define TCPWND16(x) ((u16_t)LWIP_MIN((x), 0xFFFF))
#define TCP_WND_MAX(pcb) ((tcpwnd_size_t)(((pcb)->flags & TF_WND_SCALE) ? TCP_WND : TCPWND16(TCP_WND)))
#else
#define RCV_WND_SCALE(pcb, wnd) (wnd)
#define SND_WND_SCALE(pcb, wnd) (wnd)
#define TCPWND16(x) (x)
#define TCP_WND_MAX(pcb) TCP_WND
#endif
#define TCP_WND_INC(wnd, inc)                                                                              \
    do {                                                                                                   \
        if ((tcpwnd_size_t)(wnd + inc) >= wnd) {                                                           \
            wnd = (tcpwnd_size_t)(wnd + inc);                                                              \
        } else {                                                                                           \
            wnd = (tcpwnd_size_t)-1;                                                                       \
        }                                                                                                  \
    } while (0)

#define TCP_SNDQUEUELEN_OVERFLOW (0xffffU - 3)

typedef u16_t tcpflags_t;
#define TCP_ALLFLAGS 0xffffU

/* pcb->flags (every bit is defined whatever the options). */
#define TF_ACK_DELAY 0x01U   /* delayed ACK (not reported by tern) */
#define TF_ACK_NOW 0x02U     /* immediate ACK (not reported by tern) */
#define TF_INFR 0x04U        /* in fast recovery (not reported by tern) */
#define TF_CLOSEPEND 0x08U   /* the FIN could not be queued yet: the stack retries */
#define TF_RXCLOSED 0x10U    /* rx closed by tcp_close or tcp_shutdown */
#define TF_FIN 0x20U         /* closed locally: FIN queued */
#define TF_NODELAY 0x40U     /* Nagle's algorithm off (application-written) */
#define TF_NAGLEMEMERR 0x80U /* the last tcp_write failed with ERR_MEM */
#define TF_WND_SCALE 0x0100U /* window scaling in use */
#define TF_BACKLOGPEND 0x0200U /* tcp_backlog_delayed holds a backlog slot */
#define TF_TIMESTAMP 0x0400U /* timestamps in use (tcp_mss subtracts their 12 bytes) */
#define TF_RTO 0x0800U       /* (not reported by tern) */
#define TF_SACK 0x1000U      /* selective acknowledgments in use */

/* The members lwIP's struct tcp_pcb_listen shares with struct tcp_pcb, at
 * the same offsets (state first: it fills the 4 bytes IP_PCB leaves before
 * a pointer).  lwIP's list link, next, is the listen pcb's own member here
 * and one of a connection pcb's engine-only members: tern keeps no lists
 * in pcbs.  type is lwIP's parameter, kept for code that names the macro. */
#define TCP_PCB_COMMON(type)                                                                               \
    enum tcp_state state;                                                                                  \
    void *callback_arg;                                                                                    \
    u16_t local_port; /* host byte order */                                                                \
    u8_t prio

/* A listening pcb, as tcp_listen returns it (cast to struct tcp_pcb *). */
struct tcp_pcb_listen {
    IP_PCB;
    TCP_PCB_COMMON(struct tcp_pcb_listen);
    struct tcp_pcb_listen *next;
    tcp_accept_fn accept;
    u8_t backlog;
    u8_t accepts_pending;
};

/* Layouts checked by lwip_init (lwip/priv/tern_opts.h). */
#define TERN_LAYOUT_TCP_PCB_COMMON(X, T)                                                                   \
    TERN_LAYOUT_IP_PCB(X, T) X(T, next, "") X(T, callback_arg, "") X(T, state, "") X(T, prio, "")          \
    X(T, local_port, "")
#define TERN_LAYOUT_TCP_PCB_LISTEN(X, T)                                                                   \
    TERN_LAYOUT_TCP_PCB_COMMON(X, T) X(T, accept, "") X(T, backlog, "") X(T, accepts_pending, "")
TERN_LAYOUT_REGISTER(TERN_LAYOUT_TCP_PCB_LISTEN, struct tcp_pcb_listen, TERN_LAYOUT_TCP_PCB_LISTEN)

/* The members lwIP's own engine keeps (its timers, its sequence variables,
 * its round-trip estimator, its out-of-order queue, its pcb lists and the
 * backlog's link to the listener).  tern's engine has its own state and
 * gives them no meaning: they share one zeroed word, so code that reads
 * them compiles and reads 0 (a program that writes one reads what it wrote
 * through the others), at 8 bytes instead of lwIP's 108. */
#define TERN_TCP_PCB_ENGINE_ONLY(wnd_t)                                                                    \
    union {                                                                                                \
        u8_t polltmr, last_timer, nrtx, dupacks;                                                           \
        u8_t persist_cnt, persist_backoff, persist_probe, keep_cnt_sent;                                   \
        s16_t rtime, sa, sv;                                                                               \
        u16_t unsent_oversize;                                                                             \
        u32_t tmr, rcv_nxt, rcv_ann_right_edge, rttest, rtseq, lastack, rto_end;                           \
        u32_t snd_nxt, snd_wl1, snd_wl2, snd_lbb, ts_lastacksent, ts_recent;                               \
        wnd_t snd_wnd_max, bytes_acked;                                                                    \
        struct tcp_seg *ooseq;                                                                             \
        struct tcp_pcb *next;                                                                              \
        struct tcp_pcb_listen *listener;                                                                   \
    }

/* struct tcp_pcb's members with the window type as a parameter: libtern
 * lays the structure out both ways (wnd_t u16_t and u32_t) and uses the one
 * the program's LWIP_WND_SCALE selects.  Programs see a plain struct.  The
 * members whose type is the same in both layouts come first, up to the
 * first window, so that libtern reaches them without asking which. */
#define TERN_TCP_PCB_MEMBERS(wnd_t)                                                                        \
    IP_PCB;                                                                                                \
    TCP_PCB_COMMON(struct tcp_pcb);                                                                        \
    u8_t pollinterval; /* (in the byte after prio: no hole) */                                             \
    u16_t remote_port; /* host byte order */                                                               \
    tcpflags_t flags;                                                                                      \
    u8_t snd_scale;                                                                                        \
    u8_t rcv_scale;                                                                                        \
    u16_t mss; /* send MSS; tcp_mss() is what a segment carries */                                        \
    s16_t rto; /* retransmission timeout in 500 ms ticks */                                               \
    u16_t snd_queuelen; /* segments queued (tcp_write's limit is TCP_SND_QUEUELEN) */                      \
    u32_t keep_idle;  /* ms of idleness before keepalives (SOF_KEEPALIVE) */                               \
    u32_t keep_intvl; /* ms between keepalives */                                                          \
    u32_t keep_cnt;   /* unanswered keepalives before the connection is dropped */                         \
    /* compat reports the window available as the window announced (one \
     * value, written to both since the first release): one word, read   \
     * under either name. */                                              \
    union {                                                                                                \
        wnd_t rcv_wnd;     /* receive window available */                                                  \
        wnd_t rcv_ann_wnd; /* receive window announced */                                                  \
    };                                                                                                     \
    wnd_t cwnd;                                                                                            \
    wnd_t ssthresh;                                                                                        \
    wnd_t snd_wnd;                                                                                         \
    wnd_t snd_buf; /* bytes tcp_write accepts now */                                                       \
    TERN_TCP_PCB_ENGINE_ONLY(wnd_t);                                                                       \
    struct tcp_seg *unsent;  /* non-NULL while queued data was never sent */                               \
    struct tcp_seg *unacked; /* non-NULL while sent data is unacknowledged */                              \
    struct pbuf *refused_data; /* non-NULL while received data waits for the application */                \
    tcp_sent_fn sent;                                                                                      \
    tcp_recv_fn recv;                                                                                      \
    tcp_connected_fn connected;                                                                            \
    tcp_poll_fn poll;                                                                                      \
    tcp_err_fn errf

struct tcp_pcb {
    TERN_TCP_PCB_MEMBERS(tcpwnd_size_t);
};

/* Compared with libtern's u16_t or u32_t layout, after LWIP_WND_SCALE. */
#define TERN_LAYOUT_TCP_PCB(X, T)                                                                          \
    TERN_LAYOUT_TCP_PCB_COMMON(X, T) X(T, remote_port, "") X(T, flags, "") X(T, polltmr, "")              \
    X(T, pollinterval, "") X(T, last_timer, "") X(T, tmr, "") X(T, rcv_nxt, "")                            \
    X(T, rcv_wnd, "LWIP_WND_SCALE") X(T, rcv_ann_wnd, "LWIP_WND_SCALE") X(T, rcv_ann_right_edge, "")       \
    X(T, rtime, "") X(T, mss, "") X(T, rttest, "") X(T, rtseq, "") X(T, sa, "") X(T, sv, "") X(T, rto, "") \
    X(T, nrtx, "") X(T, dupacks, "") X(T, lastack, "") X(T, cwnd, "LWIP_WND_SCALE")                       \
    X(T, ssthresh, "LWIP_WND_SCALE") X(T, rto_end, "") X(T, snd_nxt, "") X(T, snd_wl1, "")                 \
    X(T, snd_wl2, "") X(T, snd_lbb, "") X(T, snd_wnd, "LWIP_WND_SCALE") X(T, snd_wnd_max, "LWIP_WND_SCALE") \
    X(T, snd_buf, "LWIP_WND_SCALE") X(T, snd_queuelen, "") X(T, unsent_oversize, "")                       \
    X(T, bytes_acked, "LWIP_WND_SCALE") X(T, unsent, "") X(T, unacked, "") X(T, ooseq, "")                 \
    X(T, refused_data, "") X(T, listener, "") X(T, sent, "") X(T, recv, "") X(T, connected, "")            \
    X(T, poll, "") X(T, errf, "") X(T, ts_lastacksent, "") X(T, ts_recent, "") X(T, keep_idle, "")        \
    X(T, keep_intvl, "") X(T, keep_cnt, "") X(T, persist_cnt, "") X(T, persist_backoff, "")                \
    X(T, persist_probe, "") X(T, keep_cnt_sent, "") X(T, snd_scale, "") X(T, rcv_scale, "")
TERN_LAYOUT_REGISTER(TERN_LAYOUT_TCP_PCB, struct tcp_pcb, TERN_LAYOUT_TCP_PCB)

/* Application program's interface. */
/* tern extension: buffer autotuning on (1) or off (0) for connections made
 * from now on, or back to lwipopts.h's TERN_AUTOTUNE (-1). */
TERN_API void tern_lwip_autotune(int on);
/* tern extension: the tern socket behind a pcb (connection or listener),
 * for tern_tcp_get_info and the rest of tern's API (tern/tcp.h); NULL once
 * the pcb is freed. */
TERN_API struct tern_tcp *tern_lwip_tcp_socket(const struct tcp_pcb *pcb);
TERN_API struct tcp_pcb *tcp_new(void);
TERN_API struct tcp_pcb *tcp_new_ip_type(u8_t type);

TERN_API void tcp_arg(struct tcp_pcb *pcb, void *arg);
TERN_API void tcp_recv(struct tcp_pcb *pcb, tcp_recv_fn recv);
TERN_API void tcp_sent(struct tcp_pcb *pcb, tcp_sent_fn sent);
TERN_API void tcp_err(struct tcp_pcb *pcb, tcp_err_fn err);
TERN_API void tcp_accept(struct tcp_pcb *pcb, tcp_accept_fn accept);
/* interval in 500 ms ticks */
TERN_API void tcp_poll(struct tcp_pcb *pcb, tcp_poll_fn poll, u8_t interval);

#define tcp_set_flags(pcb, set_flags)                                                                      \
    do {                                                                                                   \
        (pcb)->flags = (tcpflags_t)((pcb)->flags | (set_flags));                                           \
    } while (0)
#define tcp_clear_flags(pcb, clr_flags)                                                                    \
    do {                                                                                                   \
        (pcb)->flags = (tcpflags_t)((pcb)->flags & (tcpflags_t)(~(clr_flags) & TCP_ALLFLAGS));             \
    } while (0)
#define tcp_is_flag_set(pcb, flag) (((pcb)->flags & (flag)) != 0)

#define tcp_mss(pcb) (((pcb)->flags & TF_TIMESTAMP) ? ((pcb)->mss - 12) : (pcb)->mss)
#define tcp_sndbuf(pcb) (TCPWND16((pcb)->snd_buf))
#define tcp_sndqueuelen(pcb) ((pcb)->snd_queuelen)
#define tcp_nagle_disable(pcb) tcp_set_flags(pcb, TF_NODELAY)
#define tcp_nagle_enable(pcb) tcp_clear_flags(pcb, TF_NODELAY)
#define tcp_nagle_disabled(pcb) tcp_is_flag_set(pcb, TF_NODELAY)

/* The backlog tcp_listen_with_backlog set is the one enforced; this macro
 * only updates the field (tern cannot change a listener's backlog). */
#define tcp_backlog_set(pcb, new_backlog)                                                                  \
    do {                                                                                                   \
        ((struct tcp_pcb_listen *)(pcb))->backlog = ((new_backlog) ? (new_backlog) : 1);                   \
    } while (0)
TERN_API void tcp_backlog_delayed(struct tcp_pcb *pcb);
TERN_API void tcp_backlog_accepted(struct tcp_pcb *pcb);
#define tcp_accepted(pcb)                                                                                  \
    do {                                                                                                   \
        LWIP_UNUSED_ARG(pcb);                                                                              \
    } while (0) /* compatibility define, not needed any more */

TERN_API void tcp_recved(struct tcp_pcb *pcb, u16_t len);
TERN_API err_t tcp_bind(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port);
TERN_API void tcp_bind_netif(struct tcp_pcb *pcb, const struct netif *netif);
TERN_API err_t tcp_connect(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port, tcp_connected_fn connected);

TERN_API struct tcp_pcb *tcp_listen_with_backlog_and_err(struct tcp_pcb *pcb, u8_t backlog, err_t *err);
TERN_API struct tcp_pcb *tcp_listen_with_backlog(struct tcp_pcb *pcb, u8_t backlog);
#define tcp_listen(pcb) tcp_listen_with_backlog(pcb, TCP_DEFAULT_LISTEN_BACKLOG)

TERN_API void tcp_abort(struct tcp_pcb *pcb);
TERN_API err_t tcp_close(struct tcp_pcb *pcb);
TERN_API err_t tcp_shutdown(struct tcp_pcb *pcb, int shut_rx, int shut_tx);

/* Always copies (TCP_WRITE_FLAG_COPY or not); all or nothing: ERR_MEM
 * queues no byte. */
TERN_API err_t tcp_write(struct tcp_pcb *pcb, const void *dataptr, u16_t len, u8_t apiflags);

TERN_API void tcp_setprio(struct tcp_pcb *pcb, u8_t prio);

TERN_API err_t tcp_output(struct tcp_pcb *pcb);

TERN_API err_t tcp_tcp_get_tcp_addrinfo(struct tcp_pcb *pcb, int local, ip_addr_t *addr, u16_t *port);

#define tcp_dbg_get_tcp_state(pcb) ((pcb)->state)

/* for compatibility with older implementation */
#define tcp_new_ip6() tcp_new_ip_type(IPADDR_TYPE_V6)

/* lwIP keeps these in lwip/priv/tcp_priv.h; tun2socks programs call them,
 * and their patched lwIP declares them here. */
TERN_API err_t tcp_process_refused_data(struct tcp_pcb *pcb);
TERN_API err_t tcp_recv_null(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);

#ifdef __cplusplus
}
#endif

#endif
