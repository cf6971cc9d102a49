/* compat/src/tcp.c: lwIP's TCP raw API on tern TCP sockets.
 *
 * A struct tcp_pcb mirrors its tern socket: fields the application writes
 * (flags TF_NODELAY, so_options, keep_*, ttl, tos) are pushed into the
 * socket before each operation and each callback, fields it reads (state,
 * addresses, snd_buf, ...) are pulled after each operation and before each
 * callback.  lwIP's argument checks and return codes live here; the
 * protocol lives in core/.
 *
 * Callbacks live in the pcb's own fields (recv, sent, errf, poll,
 * connected; a listen pcb's accept) and are read there at each dispatch,
 * as lwIP's TCP_EVENT_* macros do: a program that assigns pcb->recv
 * itself is honoured, and no second copy is kept.
 *
 * Lifetime.  The core tells this layer of every socket's destruction
 * (tern_tcp_set_destroy_hook), so the pcb is freed exactly when lwIP would
 * free it, before the application's err callback runs.  A pcb may die
 * inside a callback (tcp_abort, tcp_close): every dispatch pushes a frame
 * naming the pcb, the destruction marks its frames dead, and the dispatcher
 * touches nothing after its callback when its frame is dead.
 *
 * One allocation per connection.  The stack makes its sockets in this
 * layer's pool (tern_stack_set_tcp_allocator): a slot holds a header, the
 * pcb and the tern socket, so each finds the other by an offset, and a
 * listener's child has its slot from the SYN on (accepting it allocates
 * nothing).  The slot goes back when both are done: the pcb freed
 * (release) and the socket's memory given back (sock_free), in either
 * order.  tcp_listen moves the socket into the new listen pcb's slot.
 *
 * Type-stable pcbs.  Pcbs (listening ones too) live in a pool (pool.h): a
 * pointer the application kept after its pcb was freed still points at a
 * pcb-shaped slot that says it is free while its slab is held, and every
 * entry point checks first (dead()), answering as lwIP 2.1.3 answers for a
 * pcb in CLOSED state and touching nothing else.  dead() asks the pool's
 * slab registry before reading anything, so a pointer into a slab already
 * given back (the pool keeps a bounded cache of free slots, pool.h) is
 * dead without its memory being read.  Freed slots are reused oldest
 * first, so a stale pointer stays dead as long as the pool allows; once
 * its slot is reused, the pointer names the new connection (as in lwIP).
 *
 * Fields written between calls.  lwIP's timers read the pcb, so a program
 * may set so_options, keep_* or TF_NODELAY from anywhere and rely on the
 * next tick.  Nothing here walks all pcbs for that: a pcb's fields go to
 * its socket at every API call on it and at its own events (recv, sent,
 * poll, connected, accept), and a refresh watch looks at each connection
 * pcb 1 s after it connects or is accepted, then after intervals doubling
 * up to WATCH_MAX_MS, on its own socket's timer (tern_tcp_set_wakeup: no
 * list or timer of this layer's, nothing per pcb in the slot).  A timer
 * tick costs only the pcbs due; a write made outside any call reaches the
 * socket within about the pcb's age (at most WATCH_MAX_MS), or at its next
 * call or event.
 *
 * Layout.  libtern is compiled once but struct tcp_pcb's window fields are
 * u16_t or u32_t depending on the program's LWIP_WND_SCALE (lwIP's
 * tcpwnd_size_t): both layouts are declared below from the header's member
 * list, and each pcb remembers which one its program uses. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "netif_sync.h"
#include "lwip/priv/tcp_priv.h"
#include "pool.h"
#include "lwip/tcp.h"
#include "tern/iface.h"
#include "tern/tcp.h"
#include "tern/timer.h"

struct pcb_w16 {
    TERN_TCP_PCB_MEMBERS(u16_t);
};
struct pcb_w32 {
    TERN_TCP_PCB_MEMBERS(u32_t);
};

/* The members before the first window field sit at the same offsets in
 * both layouts (and the listen pcb shares the common ones). */
_Static_assert(offsetof(struct pcb_w16, rcv_wnd) == offsetof(struct pcb_w32, rcv_wnd), "tcp_pcb prefix");
_Static_assert(offsetof(struct pcb_w16, snd_queuelen) == offsetof(struct pcb_w32, snd_queuelen), "tcp_pcb prefix");
_Static_assert(offsetof(struct pcb_w16, flags) == offsetof(struct tcp_pcb, flags), "tcp_pcb prefix");
_Static_assert(offsetof(struct tcp_pcb_listen, local_port) == offsetof(struct tcp_pcb, local_port),
               "listen pcb prefix");
_Static_assert(offsetof(struct tcp_pcb_listen, callback_arg) == offsetof(struct tcp_pcb, callback_arg),
               "listen pcb prefix");
_Static_assert(offsetof(struct tcp_pcb_listen, state) == offsetof(struct tcp_pcb, state), "listen pcb prefix");
_Static_assert(sizeof(ip_addr_t) == sizeof(tern_addr), "ip_addr_t is tern_addr");

/* One callback dispatch in progress on a pcb.  Dispatches nest as calls
 * do, so the frames form one stack (frames_top below), not one per pcb: a
 * pcb's frames are those naming it, and no pcb spends a pointer on a list
 * that is empty but inside callbacks. */
typedef struct frame {
    struct frame *prev;
    struct compat_tcp *c;
    bool dead;       /* the pcb was freed during the callback */
    bool api;        /* tcp_close or tcp_shutdown: it pulls when the core returns */
    bool state_seen; /* the state changed meanwhile (core_state) */
} frame;
/* The innermost dispatch of this thread.  Per thread whatever the mode:
 * frames live on a thread's call stack, and callbacks run with the
 * program's lock held (lwIP's rule), so no other thread frees a pcb while
 * one of its dispatches is on this stack.  Initial-exec: a load from the
 * thread pointer, not a call, in the shared library too. */
static _Thread_local frame *frames_top __attribute__((tls_model("initial-exec")));

typedef struct compat_tcp {
    /* Says whether the pcb is live; survives free. */
    tern_pool_slot slot;
    /* What the tern socket was last told (push skips what did not change;
     * the keepalive figures are compared with the socket's own). */
    uint32_t ip_word;    /* netif_idx, so_options, tos, ttl of the pcb at the last push */
    bool wide;           /* the program's tcpwnd_size_t is u32_t */
    bool nodelay;        /* (read after every callback: a byte, not a bit) */
    bool listening : 1;  /* u holds a struct tcp_pcb_listen */
    bool stale : 1;      /* addresses, state or options changed: pull them all */
    bool pushed : 1;     /* nodelay, keepalive, reuse and ip_word hold what was pushed */
    uint8_t watch_level : 4; /* the refresh watch's next look: WATCH_BASE_MS << level after the last */
    bool port_zero : 1;     /* the application never asked for a port */
    bool from_listener : 1; /* created by accepting a connection */
    bool quiet_abort : 1;   /* lwIP calls no err callback for this death */
    bool cc_due : 1;        /* the congestion figures wait for the next pull */
    bool keepalive : 1, reuse : 1;
    uint8_t core_type : 2; /* address family the tern socket was created with (IPADDR_TYPE_*) */
    /* The slot also holds the tern socket (sock below), from the socket's
     * making to its freeing, which may be earlier (a child at its SYN) or
     * later (freed on return from a callback) than the pcb's life: the
     * slot is TERN_POOL_HELD while it holds a socket without the
     * program's pcb, TERN_POOL_LIVE while the pcb is the program's. */
    bool core_freed : 1; /* the socket's memory came back while the pcb lived */
    /* The tern socket (tern_stack_set_tcp_allocator makes every socket of
     * the stack here), less its last bytes, its addresses: they are the
     * first of the program's pcb below, whose IP_PCB begins with
     * local_ip and remote_ip (tern/tcp.h).  One allocation per
     * connection, the addresses held once, each side found from the other
     * by an offset. */
    _Alignas(8) unsigned char sock[TERN_TCP_SIZE - 2 * sizeof(ip_addr_t)];
    /* The program's pcb, in the layout its LWIP_WND_SCALE gives. */
    union {
        struct pcb_w32 w32;
        struct pcb_w16 w16;
        struct tcp_pcb_listen l;
        struct { /* a listen pcb and the listeners' list after it */
            struct tcp_pcb_listen l_;
            struct compat_tcp *next_listener;
        } lx;
    } u;
} compat_tcp;
/* On 64-bit: a 16-byte header, a 240-byte socket and 136 bytes more of
 * pcb: 392-byte slots.  A free slot's queue links lie in
 * sock (pool.h): the socket is gone then, the pcb still readable. */
_Static_assert(offsetof(compat_tcp, sock) == 16, "compat_tcp's header grew: pack it");
_Static_assert(offsetof(compat_tcp, u) == offsetof(compat_tcp, sock) + TERN_TCP_SIZE - 2 * sizeof(tern_addr),
               "the pcb begins at the socket's addresses");
_Static_assert(offsetof(struct tcp_pcb, remote_ip) == sizeof(ip_addr_t) && sizeof(ip_addr_t) == sizeof(tern_addr) &&
                   offsetof(struct tcp_pcb_listen, remote_ip) == sizeof(ip_addr_t),
               "a pcb begins with the socket's two addresses");
/* The socket in a slot, and the slot of a socket. */
#define T(c) ((tern_tcp *)(void *)(c)->sock)
static compat_tcp *of_sock(const tern_tcp *t)
{
    return (compat_tcp *)(void *)((char *)(uintptr_t)t - offsetof(compat_tcp, sock));
}

TERN_COMPAT_VAR(tern_pool, pool, = TERN_POOL_INIT(compat_tcp, sock));
#define pool TERN_COMPAT_USE(pool)

/* Listeners, for lwIP's SO_REUSE rule in tcp_listen. */
TERN_COMPAT_VAR(compat_tcp *, listeners);
#define listeners TERN_COMPAT_USE(listeners)
/* The refresh watch (top of this file): each connection pcb is looked at
 * on its own socket's timer (tern_tcp_set_wakeup), 1 s after it connects
 * or is accepted, then after intervals doubling up to WATCH_MAX_MS. */
#define WATCH_BASE_MS 1000u
#define WATCH_LEVELS 13 /* 1 s << 12: about 68 minutes */
#define WATCH_MAX_MS (WATCH_BASE_MS << (WATCH_LEVELS - 1))
_Static_assert(WATCH_LEVELS <= 16, "watch_level is 4 bits");
/* Pcbs the watch has looked at (tests count them: a tick's cost). */
_Thread_local unsigned long tern__compat_tcp_watch_visits;

/* A listener's next in the listeners' list. */
static compat_tcp *next_listener(const compat_tcp *c) { return c->u.lx.next_listener; }
static void set_next_listener(compat_tcp *c, compat_tcp *n) { c->u.lx.next_listener = n; }

/* The watch's first look at a connection pcb: 1 s on, when its socket
 * waits for its SYN's (or SYN-ACK's) retransmission timeout anyway (a
 * later deadline than the socket's next costs a store, tcp_timer.c). */
static void watch_start(compat_tcp *c)
{
    c->watch_level = 0;
    tern_tcp_set_wakeup(T(c), WATCH_BASE_MS);
}

/* What unsent and unacked point to when not NULL. */
static char queue_marker;
#define MARKER ((struct tcp_seg *)(void *)&queue_marker)

static compat_tcp *of(const void *pcb) { return (compat_tcp *)(void *)((char *)(uintptr_t)pcb - offsetof(compat_tcp, u)); }
static struct tcp_pcb *pcb_of(compat_tcp *c) { return (struct tcp_pcb *)(void *)&c->u; }


/* Members before rcv_wnd (and IP_PCB/common members of a listen pcb). */
#define P(c) (&(c)->u.w32)
/* Any member of a connection pcb whose type does not depend on the layout. */
#define F(c, f) (*((c)->wide ? &(c)->u.w32.f : &(c)->u.w16.f))
/* A pcb already freed (its slot's header says so: free, or held for a
 * socket whose pcb is not the program's): the caller answers as lwIP does
 * for a CLOSED pcb and touches nothing. */
static bool dead(const struct tcp_pcb *pcb) { return !tern__pool_owns_live(&pool, &of(pcb)->slot); }

/* What a freed connection pcb shows, in either layout (one test of the
 * layout, not one per field). */
#define CLEAR_CONN(w)                                                                                      \
    do {                                                                                                   \
        (w)->refused_data = NULL;                                                                          \
        (w)->unsent = (w)->unacked = NULL;                                                                 \
        (w)->recv = NULL;                                                                                  \
        (w)->sent = NULL;                                                                                  \
        (w)->errf = NULL;                                                                                  \
        (w)->poll = NULL;                                                                                  \
        (w)->connected = NULL;                                                                             \
        (w)->snd_buf = 0;                                                                                  \
    } while (0)

/* The pcb is freed; the slot goes back to the pool with its socket (now
 * when the socket's memory came back already).  What a program may still
 * read through a stale pointer says CLOSED, nothing queued, no
 * callbacks. */
static void release(compat_tcp *c)
{
    P(c)->state = CLOSED;
    if (c->listening) {
        c->u.l.accept = NULL;
    } else if (c->wide) {
        CLEAR_CONN(&c->u.w32);
    } else {
        CLEAR_CONN(&c->u.w16);
    }
    if (c->core_freed)
        tern__pool_put_live(&pool, &c->slot); /* (every caller holds a live pcb) */
    else
        c->slot.live = TERN_POOL_HELD; /* the socket's still: dead to the program */
}

/* The stack's socket allocator (tern_stack_set_tcp_allocator): a socket
 * lives in a pool slot, beside the pcb the program will get for it. */
static void *sock_alloc(void *ctx)
{
    (void)ctx;
    compat_tcp *c = (compat_tcp *)(void *)tern__pool_get(&pool); /* zeroed */
    if (!c)
        return NULL;
    c->slot.live = TERN_POOL_HELD; /* no pcb yet */
    return T(c);
}

static void sock_free(void *ctx, void *mem)
{
    (void)ctx;
    compat_tcp *c = of_sock(mem);
    if (c->slot.live == TERN_POOL_LIVE)
        c->core_freed = true; /* the pcb's release gives the slot back */
    else
        tern__pool_put_live(&pool, &c->slot);
}

int tern__compat_tcp_attach(tern_stack *s)
{
    static const tern_tcp_allocator a = {.alloc = sock_alloc, .free = sock_free};
    return tern_stack_set_tcp_allocator(s, &a) == TERN_OK; /* (a new stack: only memory can be short) */
}

static void enter(compat_tcp *c, frame *f)
{
    *f = (frame){.prev = frames_top, .c = c};
    frames_top = f;
}

/* False when the pcb died during the dispatch: do not touch it. */
static bool leave(frame *f)
{
    frames_top = f->prev;
    return !f->dead;
}

/* The innermost dispatch on c, or NULL (the stack is as deep as callbacks
 * nest: mostly empty when an event comes).  A dead frame may name the
 * same memory as c: a slot freed in a callback and reused in it. */
static frame *frame_of(const compat_tcp *c)
{
    for (frame *f = frames_top; f; f = f->prev)
        if (f->c == c && !f->dead)
            return f;
    return NULL;
}

/* c is freed: the dispatches on it must not touch it when they return. */
static void frames_dead(const compat_tcp *c)
{
    for (frame *f = frames_top; f; f = f->prev)
        if (f->c == c)
            f->dead = true;
}

static void listeners_remove(compat_tcp *c)
{
    for (compat_tcp *o = listeners, *prev = NULL; o; prev = o, o = next_listener(o)) {
        if (o == c) {
            if (prev)
                set_next_listener(prev, next_listener(c));
            else
                listeners = next_listener(c);
            return;
        }
    }
}

/* ---- mirroring ---- */

/* The four bytes IP_PCB ends with: netif_idx, so_options, tos, ttl. */
_Static_assert(offsetof(struct tcp_pcb, ttl) == offsetof(struct tcp_pcb, netif_idx) + 3, "IP_PCB's last bytes");
_Static_assert(offsetof(struct tcp_pcb, tos) == offsetof(struct tcp_pcb, netif_idx) + 2, "IP_PCB's last bytes");
static inline uint32_t ip_word(const compat_tcp *c)
{
    uint32_t w;
    memcpy(&w, &P(c)->netif_idx, sizeof w);
    return w;
}

/* The same word from its four values. */
static inline uint32_t ip_word_of(u8_t netif_idx, u8_t so_options, u8_t tos, u8_t ttl)
{
    uint8_t b[4] = {netif_idx, so_options, tos, ttl};
    uint32_t w;
    memcpy(&w, b, sizeof w);
    return w;
}

static __attribute__((noinline)) void push_changed(compat_tcp *c)
{
    u8_t so = P(c)->so_options;
    bool nodelay = !c->listening && (P(c)->flags & TF_NODELAY) != 0;
    bool keep = (so & SOF_KEEPALIVE) != 0;
    bool reuse = (so & SOF_REUSEADDR) != 0;
    uint32_t idle = c->listening ? (uint32_t)tern__compat_opts.keep_idle : F(c, keep_idle);
    uint32_t intvl = c->listening ? (uint32_t)tern__compat_opts.keep_intvl : F(c, keep_intvl);
    uint32_t cnt = c->listening ? (uint32_t)tern__compat_opts.keep_cnt : F(c, keep_cnt);
    u8_t ttl = P(c)->ttl, tos = P(c)->tos;
    uint8_t last[4]; /* as pushed: netif_idx, so_options, tos, ttl */
    memcpy(last, &c->ip_word, sizeof(last));
    if (!c->pushed || nodelay != c->nodelay)
        tern_tcp_set_nodelay(T(c), nodelay);
    bool keep_changed = !c->pushed || keep != c->keepalive;
    if (!keep_changed && keep) {
        /* A figure of 0 leaves the socket's as it is (tern_tcp_set_keepalive). */
        tern_tcp_options o;
        tern_tcp_get_options(T(c), &o);
        keep_changed = (idle && idle != o.keep_idle_ms) || (intvl && intvl != o.keep_intvl_ms) ||
                       (cnt && cnt != o.keep_cnt);
    }
    /* Figures not taken (no memory for them) are tried again at the next push. */
    bool taken = !keep_changed || tern_tcp_set_keepalive(T(c), keep, idle, intvl, cnt) == TERN_OK;
    if (!c->pushed || reuse != c->reuse)
        tern_tcp_set_reuse(T(c), reuse);
    if (!c->pushed || ttl != last[3] || tos != last[2])
        tern_tcp_set_ttl_tos(T(c), ttl, tos);
    c->nodelay = nodelay;
    c->keepalive = keep;
    c->reuse = reuse;
    c->ip_word = ip_word(c);
    c->pushed = taken;
}

/* Called after every callback: the common case, nothing written, is
 * decided inline on the one-byte fields (the keepalive figures matter only
 * while keepalive is, or was, on). */
static inline void push(compat_tcp *c)
{
    /* netif_idx, so_options, tos and ttl as one word: equal to the word
     * of the last push, and keepalive off, means none of them changed. */
    if (c->pushed && ip_word(c) == c->ip_word && !(P(c)->so_options & SOF_KEEPALIVE)) {
        /* Nagle is what a program changes most (tcp_nagle_disable in its
         * accept callback): a store, here. */
        bool nodelay = !c->listening && (P(c)->flags & TF_NODELAY) != 0;
        if (nodelay != c->nodelay) {
            tern_tcp_set_nodelay(T(c), nodelay);
            c->nodelay = nodelay;
        }
        return;
    }
    push_changed(c);
}

/* rcv_wnd and rcv_ann_wnd keep lwIP's meaning whatever autotuning does:
 * TCP_WND minus the bytes delivered and not yet tcp_recved (0 at the
 * least), and never more than the window the socket has room for.  The
 * window on the wire may be larger (autotuning, README); a program that
 * computes its unread bytes as TCP_WND - rcv_wnd still gets them right
 * while they are at most TCP_WND. */
static uint32_t mirror_rcv_wnd(uint32_t wnd, uint32_t unread)
{
    uint32_t tcp_wnd = (uint32_t)tern__compat_opts.tcp_wnd;
    if (!tcp_wnd)
        return wnd;
    uint32_t lwip = unread >= tcp_wnd ? 0 : tcp_wnd - unread;
    return wnd < lwip ? wnd : lwip;
}

/* The figures every pull writes, for one layout (w: struct pcb_w32 or
 * pcb_w16 pointer, CLAMP: the window type's clamp); lv is a
 * tern_tcp_live or tern_tcp_mirror.  Written once per layout so that
 * neither pays a branch per field. */
#define CLAMP32(v) (v)
#define CLAMP16(v) ((u16_t)((v) > 0xffffu ? 0xffffu : (v)))
#define PULL_MIRROR(w, lv, CLAMP)                                                                          \
    do {                                                                                                   \
        uint32_t rw_ = mirror_rcv_wnd((lv).rcv_wnd, (lv).rcv_unread);                                      \
        (w)->rcv_wnd = CLAMP(rw_); /* (rcv_ann_wnd) */                                                     \
        (w)->snd_buf = CLAMP((lv).snd_buf);                                                                \
        (w)->snd_queuelen = (lv).snd_queuelen;                                                             \
        (w)->unsent = (lv).has_unsent ? MARKER : NULL;                                                     \
        (w)->unacked = (lv).has_unacked ? MARKER : NULL;                                                   \
        (w)->refused_data = (struct pbuf *)(uintptr_t)(lv).refused_data;                                   \
    } while (0)
#define PULL_CC(w, lv, CLAMP)                                                                              \
    do {                                                                                                   \
        uint32_t rto_ = (lv).rto_ms / 500;                                                                 \
        (w)->rto = (s16_t)(rto_ > 0x7fff ? 0x7fff : rto_);                                                 \
        (w)->cwnd = CLAMP((lv).cwnd);                                                                      \
        (w)->ssthresh = CLAMP((lv).ssthresh);                                                              \
        (w)->snd_wnd = CLAMP((lv).snd_wnd);                                                                \
    } while (0)
/* Runs M (one of the PULL_ macros) on c's pcb in the program's layout. */
#define BY_LAYOUT(c, M, ...)                                                                               \
    do {                                                                                                   \
        if ((c)->wide)                                                                                     \
            M(&(c)->u.w32, __VA_ARGS__, CLAMP32);                                                          \
        else                                                                                               \
            M(&(c)->u.w16, __VA_ARGS__, CLAMP16);                                                          \
    } while (0)
#define PULL_FULL(w, lv, tu, CLAMP)                                                                        \
    do {                                                                                                   \
        /* lwIP's mss leaves the timestamp option in; tcp_mss() takes it out. */                           \
        (w)->mss = (u16_t)((lv).mss + ((tu).ts_ok ? 12 : 0));                                              \
        (w)->snd_scale = (tu).snd_wscale;                                                                  \
        (w)->rcv_scale = (tu).rcv_wscale;                                                                  \
        PULL_CC(w, lv, CLAMP);                                                                             \
        PULL_MIRROR(w, lv, CLAMP);                                                                         \
    } while (0)

/* Everything: after a state change, a bind, a connect, a listen. */
static void pull_full(compat_tcp *c)
{
    tern_tcp_tuple tu;
    tern_tcp_live lv;
    tern_tcp_get_tuple(T(c), &tu);
    tern_tcp_get_live(T(c), &lv);
    P(c)->state = (enum tcp_state)lv.state;
    /* (local_ip and remote_ip are the socket's own.) */
    P(c)->local_port = tu.local_port;
    if (c->listening)
        return;
    P(c)->remote_port = tu.remote_port;
    tcpflags_t fl = (tcpflags_t)(P(c)->flags & ~(TF_WND_SCALE | TF_TIMESTAMP | TF_SACK | TF_FIN));
    if (tu.ts_ok)
        fl |= TF_TIMESTAMP;
    if (tu.sack_ok)
        fl |= TF_SACK;
    if (tu.snd_wscale || tu.rcv_wscale)
        fl |= TF_WND_SCALE;
    if (lv.state >= TERN_TCP_FIN_WAIT_1 && lv.state != TERN_TCP_CLOSE_WAIT)
        fl |= TF_FIN; /* our FIN is queued or sent */
    P(c)->flags = fl;
    BY_LAYOUT(c, PULL_FULL, lv, tu);
}

/* The per-segment figures only: what every data callback needs.  The rest
 * of the mirror changes only with the state (core_state pulls it all). */
static void pull(compat_tcp *c)
{
    if (c->stale || c->listening) {
        c->stale = false;
        c->cc_due = false;
        pull_full(c);
        return;
    }
    if (c->cc_due) {
        /* The congestion figures too: one getter gives both. */
        c->cc_due = false;
        tern_tcp_live lv;
        tern_tcp_get_live(T(c), &lv);
        BY_LAYOUT(c, PULL_CC, lv);
        BY_LAYOUT(c, PULL_MIRROR, lv);
        return;
    }
    /* What programs read between segments; congestion figures (cwnd,
     * ssthresh, snd_wnd, rto) follow at state changes and tcp_output. */
    tern_tcp_mirror lv;
    tern_tcp_get_mirror(T(c), &lv);
    BY_LAYOUT(c, PULL_MIRROR, lv);
}

/* After tcp_recved: only the receive window moved (the stack may have
 * sent a window update, which changes nothing else a program reads). */
static void pull_rcv(compat_tcp *c)
{
    if (c->stale) {
        pull(c);
        return;
    }
    uint32_t wnd, unread;
    tern_tcp_get_rcv(T(c), &wnd, &unread);
    uint32_t rw = mirror_rcv_wnd(wnd, unread);
    if (c->wide) {
        c->u.w32.rcv_wnd = rw; /* (rcv_ann_wnd) */
    } else {
        c->u.w16.rcv_wnd = (u16_t)(rw > 0xffff ? 0xffff : rw); /* (rcv_ann_wnd) */
    }
}

/* ---- events from the tern socket ---- */

static void core_destroyed(void *ctx, int err)
{
    compat_tcp *c = ctx;
    tcp_err_fn errf = c->listening ? NULL : F(c, errf);
    void *arg = P(c)->callback_arg;
    bool notify = err != 0 && errf != NULL && !c->quiet_abort;
    frames_dead(c);
    if (c->listening)
        listeners_remove(c);
    release(c);
    /* lwIP: "the corresponding pcb is already freed when this callback is called" */
    if (notify)
        errf(arg, (err_t)err);
}

static int core_recv(void *arg, tern_tcp *t, tern_pbuf *tp, int err)
{
    (void)t;
    compat_tcp *c = arg;
    struct pbuf *p = (struct pbuf *)tp;
    frame f;
    enter(c, &f);
    pull(c); /* what changed since the last event */
    err_t r;
    tcp_recv_fn recv = F(c, recv);
    if (recv)
        r = recv(P(c)->callback_arg, pcb_of(c), p, (err_t)err);
    else if (p)
        r = tcp_recv_null(NULL, pcb_of(c), p, (err_t)err);
    else
        r = ERR_OK;
    if (!leave(&f))
        return ERR_ABRT;
    /* What the callback wrote (TF_NODELAY...) before the stack acts on this
     * segment's aftermath (output of queued data). */
    push(c);
    /* API calls made inside the callback pulled what they changed. */
    /* A refused payload waits in the socket from now on. */
    if (r != ERR_OK && r != ERR_ABRT && p && !F(c, refused_data))
        F(c, refused_data) = p;
    return r;
}

static int core_sent(void *arg, tern_tcp *t, uint32_t len)
{
    (void)t;
    compat_tcp *c = arg;
    frame f;
    enter(c, &f);
    pull(c);
    /* lwIP reports at most 65535 bytes per call. */
    tcp_sent_fn sent;
    while (len && (sent = F(c, sent)) != NULL) {
        u16_t n = (u16_t)(len > 0xffffu ? 0xffffu : len);
        len -= n;
        err_t r = sent(P(c)->callback_arg, pcb_of(c), n);
        if (f.dead || r == ERR_ABRT)
            break;
    }
    if (!leave(&f))
        return ERR_ABRT;
    push(c); /* the stack sends queued data right after: TF_NODELAY counts */
    return ERR_OK;
}

static int core_poll(void *arg, tern_tcp *t)
{
    compat_tcp *c = arg;
    /* lwIP polls the pcbs on its active list only: a TIME_WAIT pcb (closed
     * by the application, waiting out 2 MSL) gets no poll callback. */
    if (tern_tcp_get_state(t) == TERN_TCP_TIME_WAIT)
        return ERR_OK;
    frame f;
    enter(c, &f);
    push(c);
    pull(c);
    tcp_poll_fn poll = F(c, poll);
    err_t r = poll ? poll(P(c)->callback_arg, pcb_of(c)) : ERR_OK;
    if (!leave(&f))
        return ERR_ABRT;
    push(c);
    pull(c);
    return r;
}

static int core_connected(void *arg, tern_tcp *t, int err)
{
    (void)t;
    compat_tcp *c = arg;
    frame f;
    enter(c, &f);
    push(c);
    pull(c);
    tcp_connected_fn connected = F(c, connected);
    err_t r = connected ? connected(P(c)->callback_arg, pcb_of(c), (err_t)err) : ERR_OK;
    if (!leave(&f))
        return ERR_ABRT;
    push(c);
    pull(c);
    return r;
}

/* Between callbacks the state changes on ACKs and timers alone (FIN_WAIT_2,
 * TIME_WAIT...): applications read pcb->state at any time. */
static void core_state(void *ctx, tern_tcp *t)
{
    compat_tcp *c = ctx;
    tern_tcp_state st = tern_tcp_get_state(t);
    /* From ESTABLISHED on to the closing states, of what pull_full copies
     * only the state and our FIN change: addresses, ports, options, MSS
     * and window scales were settled when the connection was established
     * (a churned connection passes here three times). */
    if (!c->stale && !c->listening && P(c)->state >= ESTABLISHED && st > TERN_TCP_ESTABLISHED) {
        P(c)->state = (enum tcp_state)st;
        if (st != TERN_TCP_CLOSE_WAIT)
            P(c)->flags |= TF_FIN; /* our FIN is queued or sent */
        frame *inner = frame_of(c);
        if (inner && inner->api) {
            /* Inside tcp_close or tcp_shutdown on this pcb, which pulls
             * all of it when the core returns (after the FIN left). */
            inner->state_seen = true;
            return;
        }
        if (st == TERN_TCP_CLOSE_WAIT) {
            /* The peer's FIN changes nothing else the mirror shows (data
             * the same segment acknowledged has its sent callback, which
             * pulls), and the recv(NULL) callback that follows pulls:
             * the congestion figures go with that pull. */
            c->cc_due = true;
            return;
        }
        c->cc_due = true; /* (one getter for both, in pull) */
        pull(c);
        return;
    }
    c->stale = true;
    pull(c);
}

/* Every compat socket's callbacks, in two tables: with the poll callback
 * and without (a socket whose program set no poll has no tick to take).
 * One pointer per socket; the same functions for all. */
static int core_accept(void *arg, tern_tcp *child, int err);
static void core_wakeup(void *arg, tern_tcp *t);
static const tern_tcp_handlers core_handlers[2] = {
    {.accept = core_accept, .connected = core_connected, .recv = core_recv, .sent = core_sent,
     .on_destroy = core_destroyed, .on_state = core_state, .wakeup = core_wakeup},
    {.accept = core_accept, .connected = core_connected, .recv = core_recv, .sent = core_sent, .poll = core_poll,
     .on_destroy = core_destroyed, .on_state = core_state, .wakeup = core_wakeup},
};

/* The program's poll callback, on or off, and its interval in ticks. */
static void core_set_poll(compat_tcp *c, bool on, u8_t interval)
{
    tern_tcp_set_handlers(T(c), &core_handlers[on], c);
    /* The function is the table's already: this sets the interval (and
     * starts the tick) only. */
    if (on)
        tern_tcp_set_poll(T(c), core_poll, interval);
}

/* Connects a compat pcb to its tern socket. */
static void core_setup(compat_tcp *c)
{
    tern_tcp_set_arg(T(c), c);
    if (c->listening)
        tern_tcp_set_handlers(T(c), &core_handlers[0], c);
    else
        core_set_poll(c, F(c, poll) != NULL, F(c, pollinterval));
    c->pushed = false;
}

/* The program's pcb for the socket in c's slot (the slot is zeroed). */
static void pcb_take(compat_tcp *c)
{
    c->slot.live = TERN_POOL_LIVE;
    pool.seen = &c->slot; /* the program's next calls are on its new pcb (pool.h) */
    c->stale = true;
    c->wide = tern__compat_opts.wnd_scale != 0; /* (either layout fits: sock follows the larger) */
    /* lwIP's tcp_alloc defaults. */
    P(c)->prio = TCP_PRIO_NORMAL;
    P(c)->ttl = (u8_t)tern__compat_opts.tcp_ttl; /* the program's TCP_TTL */
    F(c, keep_idle) = (u32_t)tern__compat_opts.keep_idle;
    F(c, keep_intvl) = (u32_t)tern__compat_opts.keep_intvl;
    F(c, keep_cnt) = (u32_t)tern__compat_opts.keep_cnt;
    F(c, recv) = tcp_recv_null;
}

/* lwIP's timers read pcb fields directly, so an application may set
 * so_options or keep_idle from anywhere and rely on a later tick: the
 * watch hands each connection's fields to its socket on the socket's own
 * timer (see the top of this file), visiting only the pcbs due.  A slot
 * whose pcb the program no longer has (closed, its socket lingering)
 * takes no more looks. */
static void core_wakeup(void *arg, tern_tcp *t)
{
    (void)arg;
    compat_tcp *c = of_sock(t);
    if (c->slot.live != TERN_POOL_LIVE || c->listening)
        return;
    tern__compat_tcp_watch_visits++;
    push(c);
    if (c->watch_level + 1 < WATCH_LEVELS)
        c->watch_level++;
    tern_tcp_set_wakeup(t, WATCH_BASE_MS << c->watch_level);
}

static int core_accept(void *arg, tern_tcp *child, int err)
{
    compat_tcp *l = arg;
    tcp_accept_fn accept = l->u.l.accept;
    void *larg = P(l)->callback_arg;
    if (!child) {
        /* A SYN found no slot for its socket (lwIP: no pcb for it). */
        if (accept)
            accept(larg, NULL, (err_t)err);
        return err;
    }
    /* The child's slot has held its socket since the SYN: the pcb needs no
     * memory of its own. */
    compat_tcp *c = of_sock(child);
    pcb_take(c);
    watch_start(c);
    c->from_listener = true;
    /* Inherited as in lwIP's tcp_listen_input. */
    P(c)->callback_arg = larg;
    P(c)->prio = P(l)->prio;
    P(c)->so_options = (u8_t)(P(l)->so_options & SOF_INHERITED);
    P(c)->netif_idx = P(l)->netif_idx;
    core_setup(c);
    /* The child has its listener's options already: the pcb's are pushed
     * where they differ from those (by default they do not). */
    tern_tcp_options o;
    tern_tcp_get_options(child, &o);
    c->nodelay = o.nodelay;
    c->keepalive = o.keepalive;
    c->reuse = o.reuse;
    c->ip_word = ip_word_of(P(c)->netif_idx, P(c)->so_options, o.tos, o.ttl);
    c->pushed = true;
    push(c);
    pull(c);
    c->core_type = IP_GET_TYPE(&P(c)->local_ip);
    frame f;
    enter(c, &f);
    err_t r;
    if (accept) {
        r = accept(larg, pcb_of(c), ERR_OK);
    } else {
        /* lwIP's tcp_accept_null */
        tcp_abort(pcb_of(c));
        r = ERR_ABRT;
    }
    if (!leave(&f))
        return ERR_ABRT;
    /* What the callback wrote; API calls made in it pulled what they
     * changed, and a push changes nothing the mirror shows. */
    push(c);
    return r; /* anything but ERR_OK: the socket is aborted (err callback: ERR_ABRT) */
}

/* ---- creating ---- */

/* Buffer autotuning: -1 (lwipopts.h's TERN_AUTOTUNE) until
 * tern_lwip_autotune chooses. */
TERN_COMPAT_VAR(int, autotune_override, = -1);
#define autotune_override TERN_COMPAT_USE(autotune_override)

void tern_lwip_autotune(int on) { autotune_override = on < 0 ? -1 : on != 0; }

static bool autotune_on(void)
{
    return autotune_override >= 0 ? autotune_override != 0 : tern__compat_opts.autotune != 0;
}

/* The program's lwipopts.h sizes every new socket. */
static void apply_config(void)
{
    tern_tcp_config cfg;
    tern_tcp_default_config(&cfg);
    bool tune = autotune_on();
    uint32_t tune_max = (uint32_t)(tern__compat_opts.autotune_max ? tern__compat_opts.autotune_max : 4u << 20);
    if (tern__compat_opts.tcp_wnd) {
        /* TCP_WND is the starting and the minimum window.  Without
         * autotuning it is also the largest, as in lwIP; with it, the
         * window grows up to TERN_AUTOTUNE_MAX and window scaling is
         * offered for that size (RFC 7323), whatever LWIP_WND_SCALE says:
         * the mirror fields keep their lwIP meaning (mirror_rcv_wnd). */
        cfg.rcv_buf = (uint32_t)tern__compat_opts.tcp_wnd;
        cfg.rcv_buf_max = tune && tune_max > cfg.rcv_buf ? tune_max : cfg.rcv_buf;
    }
    if (tern__compat_opts.tcp_snd_buf)
        cfg.snd_buf = (uint32_t)tern__compat_opts.tcp_snd_buf;
    /* tcp_sndbuf() follows the congestion window up to TERN_AUTOTUNE_MAX
     * (a u16_t snd_buf field shows at most 0xffff of it per call). */
    cfg.snd_buf_max = tune && tune_max > cfg.snd_buf ? tune_max : cfg.snd_buf;
    if (tune)
        tern_stack_set_tcp_budget(tern__compat_stack, tern__compat_opts.autotune_budget);
    if (tern__compat_opts.tcp_mss)
        cfg.mss = (uint16_t)tern__compat_opts.tcp_mss;
    if (tern__compat_opts.tcp_maxrtx)
        cfg.max_rtx = (uint8_t)tern__compat_opts.tcp_maxrtx;
    if (tern__compat_opts.tcp_synmaxrtx)
        cfg.max_syn_rtx = (uint8_t)tern__compat_opts.tcp_synmaxrtx;
    /* The program's keepalive defaults are every socket's: a pcb keeps
     * figures of its own (tcp_rare's memory) only when it is given others. */
    if (tern__compat_opts.keep_idle)
        cfg.keep_idle_ms = (uint32_t)tern__compat_opts.keep_idle;
    if (tern__compat_opts.keep_intvl)
        cfg.keep_intvl_ms = (uint32_t)tern__compat_opts.keep_intvl;
    if (tern__compat_opts.keep_cnt)
        cfg.keep_cnt = (uint32_t)tern__compat_opts.keep_cnt;
    tern_stack_set_tcp_config(tern__compat_stack, &cfg);
}

struct tcp_pcb *tcp_new_ip_type(u8_t type)
{
    if (!tern__compat_stack)
        return NULL;
    if (type != IPADDR_TYPE_V4 && type != IPADDR_TYPE_V6 && type != IPADDR_TYPE_ANY)
        return NULL;
    apply_config();
    tern_tcp *t = tern_tcp_new(tern__compat_stack, type); /* in a slot of the pool (sock_alloc) */
    if (!t)
        return NULL;
    compat_tcp *c = of_sock(t);
    pcb_take(c);
    c->core_type = type;
    c->port_zero = true;
    core_setup(c);
    push(c);
    pull(c);
    return pcb_of(c);
}

struct tcp_pcb *tcp_new(void) { return tcp_new_ip_type(IPADDR_TYPE_V4); }

/* Gives an unconnected pcb's socket another family, unbound (lwIP pcbs
 * change family when bound or connected to an address of another). */
static err_t retype(compat_tcp *c, u8_t type)
{
    if (c->core_type == type)
        return ERR_OK;
    if (tern_tcp_set_family(T(c), type) != TERN_OK)
        return ERR_VAL; /* (callers hold a CLOSED pcb) */
    c->core_type = type;
    return ERR_OK;
}

/* ---- setting callbacks ---- */

void tcp_arg(struct tcp_pcb *pcb, void *arg)
{
    if (pcb && !dead(pcb))
        pcb->callback_arg = arg;
}

void tcp_recv(struct tcp_pcb *pcb, tcp_recv_fn recv)
{
    if (!pcb || dead(pcb) || of(pcb)->listening)
        return;
    compat_tcp *c = of(pcb);
    F(c, recv) = recv;
}

void tcp_sent(struct tcp_pcb *pcb, tcp_sent_fn sent)
{
    if (!pcb || dead(pcb) || of(pcb)->listening)
        return;
    compat_tcp *c = of(pcb);
    F(c, sent) = sent;
}

void tcp_err(struct tcp_pcb *pcb, tcp_err_fn err)
{
    if (!pcb || dead(pcb) || of(pcb)->listening)
        return;
    compat_tcp *c = of(pcb);
    F(c, errf) = err;
}

void tcp_accept(struct tcp_pcb *pcb, tcp_accept_fn accept)
{
    if (!pcb || dead(pcb) || !of(pcb)->listening)
        return;
    compat_tcp *c = of(pcb);
    c->u.l.accept = accept;
}

void tcp_poll(struct tcp_pcb *pcb, tcp_poll_fn poll, u8_t interval)
{
    if (!pcb || dead(pcb) || of(pcb)->listening)
        return;
    compat_tcp *c = of(pcb);
    F(c, poll) = poll;
    F(c, pollinterval) = interval;
    core_set_poll(c, poll != NULL, interval);
}

void tcp_setprio(struct tcp_pcb *pcb, u8_t prio)
{
    if (pcb && !dead(pcb))
        pcb->prio = prio;
}

/* ---- binding, listening, connecting ---- */

/* heiher's fork: a pcb bound to a netif with NETIF_FLAG_PRETEND_TCP, then
 * to no address and port 0, listens for every connection on that netif. */
static bool pretend_listener(struct tcp_pcb *pcb)
{
    struct netif *n = pcb->netif_idx != NETIF_NO_INDEX ? netif_get_by_index(pcb->netif_idx) : NULL;
    return n && netif_is_flag_set(n, NETIF_FLAG_PRETEND_TCP) && of(pcb)->port_zero && ip_addr_isany(&pcb->local_ip);
}

err_t tcp_bind(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port)
{
    /* The fork keeps the pcb's family for (NULL, 0) on a pretend netif. */
    if (!ipaddr)
        ipaddr = pcb && !dead(pcb) && port == 0 && pcb->netif_idx != NETIF_NO_INDEX ? &pcb->local_ip : IP4_ADDR_ANY;
    if (!pcb)
        return ERR_ARG;
    /* lwIP would bind a freed pcb (it is CLOSED); a dead one stays out of
     * every table here. */
    if (dead(pcb))
        return ERR_CLSD;
    compat_tcp *c = of(pcb);
    if (c->listening || tern_tcp_get_state(T(c)) != TERN_TCP_CLOSED)
        return ERR_VAL;
    /* lwIP takes the address, and with it the family, unless it is the
     * unspecified address of the pcb's own family. */
    ip_addr_t local;
    ip_addr_copy(local, P(c)->local_ip);
    if (!ip_addr_isany(ipaddr) || IP_GET_TYPE(ipaddr) != IP_GET_TYPE(&P(c)->local_ip))
        ip_addr_copy(local, *ipaddr);
    u8_t old_type = c->core_type;
    err_t err = retype(c, IP_GET_TYPE(&local));
    if (err != ERR_OK)
        return err;
    push(c);
    err = (err_t)tern_tcp_bind(T(c), tern__compat_addr(&local), port);
    c->stale = true;
    if (err == ERR_OK)
        c->port_zero = port == 0;
    else if (retype(c, old_type) == ERR_OK) /* a failed bind leaves the pcb as it was */
        push(c);
    pull(c);
    return err;
}

void tcp_bind_netif(struct tcp_pcb *pcb, const struct netif *netif)
{
    if (!pcb || dead(pcb))
        return;
    compat_tcp *c = of(pcb);
    P(c)->netif_idx = netif ? netif_get_index(netif) : NETIF_NO_INDEX;
    tern_tcp_bind_iface(T(c), netif ? netif->tern_iface : NULL);
}

struct tcp_pcb *tcp_listen_with_backlog_and_err(struct tcp_pcb *pcb, u8_t backlog, err_t *err)
{
    err_t res;
    compat_tcp *l = NULL;
    if (!pcb) {
        res = ERR_ARG;
        goto done;
    }
    compat_tcp *c = of(pcb);
    /* lwIP 2.1.3 tests for CLOSED first: a listening pcb gives ERR_CLSD too
     * (and so does a dead one here). */
    if (dead(pcb) || c->listening || tern_tcp_get_state(T(c)) != TERN_TCP_CLOSED) {
        res = ERR_CLSD;
        goto done;
    }
    if (P(c)->so_options & SOF_REUSEADDR) {
        /* lwIP's SO_REUSE rule: one listener per local address and port. */
        for (compat_tcp *o = listeners; o; o = next_listener(o)) {
            if (P(o)->local_port == P(c)->local_port && ip_addr_cmp(&P(o)->local_ip, &P(c)->local_ip)) {
                res = ERR_USE;
                goto done;
            }
        }
    }
    /* The listen pcb is a new one, as lwIP's is: a slot its socket moves
     * to once it listens. */
    l = (compat_tcp *)(void *)tern__pool_get(&pool);
    if (!l) {
        res = ERR_MEM;
        goto done;
    }
    l->slot.live = TERN_POOL_HELD; /* a socket's, not yet a pcb */
    push(c);
    /* The socket moves first (refused only inside a callback of its own),
     * and back if it cannot listen.  c's slot keeps the pcb meanwhile. */
    if (tern_tcp_move(T(c), T(l)) != TERN_OK) {
        tern__pool_put_live(&pool, &l->slot);
        l = NULL;
        res = ERR_VAL;
        goto done;
    }
    /* TUN2SOCKS: a listener on any address that never asked for a port
     * takes every connection (the original destination becomes the new
     * pcb's local address and port). */
    bool catch_all = (tern__compat_tun2socks && c->port_zero && ip_addr_isany(&P(c)->local_ip)) ||
                     pretend_listener(pcb);
    if (catch_all)
        tern_tcp_set_catch_all(T(l), true);
    res = (err_t)tern_tcp_listen(T(l), backlog);
    c->stale = true;
    if (res != ERR_OK) {
        if (catch_all)
            tern_tcp_set_catch_all(T(l), false);
        (void)tern_tcp_move(T(l), T(c)); /* CLOSED still: back (l's slot goes with its memory) */
        c->core_freed = false;
        l = NULL;
        goto done;
    }
    /* What lwIP copies into the listen pcb. */
    l->slot.live = TERN_POOL_LIVE;
    l->listening = true;
    l->wide = c->wide;
    l->core_type = c->core_type;
    l->port_zero = c->port_zero;
    P(l)->callback_arg = P(c)->callback_arg;
    P(l)->prio = P(c)->prio;
    P(l)->so_options = P(c)->so_options;
    P(l)->netif_idx = P(c)->netif_idx;
    P(l)->ttl = P(c)->ttl;
    P(l)->tos = P(c)->tos;
    l->u.l.backlog = backlog ? backlog : 1;
    core_setup(l); /* its table holds core_accept */
    push(l);
    pull(l);
    IP_SET_TYPE_VAL(P(l)->remote_ip, IP_GET_TYPE(&P(l)->local_ip));
    set_next_listener(l, listeners);
    listeners = l;
    /* The pcb given is freed, as lwIP frees it. */
    frames_dead(c);
    release(c); /* (the move gave the old socket's memory back: the slot goes) */
done:
    if (err)
        *err = res;
    return l ? (struct tcp_pcb *)(void *)&l->u.l : NULL;
}

struct tcp_pcb *tcp_listen_with_backlog(struct tcp_pcb *pcb, u8_t backlog)
{
    return tcp_listen_with_backlog_and_err(pcb, backlog, NULL);
}

err_t tcp_connect(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port, tcp_connected_fn connected)
{
    if (!pcb || !ipaddr)
        return ERR_ARG;
    if (dead(pcb))
        return ERR_CLSD;
    compat_tcp *c = of(pcb);
    if (c->listening || tern_tcp_get_state(T(c)) != TERN_TCP_CLOSED)
        return ERR_ISCONN;
    u8_t type = IP_GET_TYPE(ipaddr);
    if (c->core_type != IPADDR_TYPE_ANY && c->core_type != type) {
        /* A pcb of the other family still unbound, or bound to the
         * unspecified address, takes the destination's (lwIP picks the
         * local address from the route); a specific local address of the
         * other family cannot reach it. */
        if (!ip_addr_isany(&P(c)->local_ip))
            return ERR_VAL;
        u16_t bound = P(c)->local_port;
        err_t err = retype(c, type);
        if (err != ERR_OK)
            return err;
        push(c);
        if (bound) {
            tern_addr any = {.type = type};
            err = (err_t)tern_tcp_bind(T(c), &any, bound);
            c->stale = true;
            if (err != ERR_OK) {
                pull(c);
                return err;
            }
        }
    }
    for (struct netif *n = NETIF_LIST; n; n = n->next)
        tern__compat_netif_sync(n);
    F(c, connected) = connected;
    push(c);
    err_t err = (err_t)tern_tcp_connect(T(c), tern__compat_addr(ipaddr), port, core_connected);
    c->stale = true;
    /* lwIP polls a connecting pcb too (programs time out their connects
     * that way); tern arms the poll timer of open sockets only. */
    if (err == ERR_OK && F(c, poll))
        core_set_poll(c, true, F(c, pollinterval));
    if (err == ERR_OK)
        watch_start(c);
    pull(c);
    return err;
}

/* ---- the listen backlog ---- */

void tcp_backlog_delayed(struct tcp_pcb *pcb)
{
    if (!pcb || dead(pcb) || of(pcb)->listening)
        return;
    compat_tcp *c = of(pcb);
    if (c->from_listener && !(P(c)->flags & TF_BACKLOGPEND)) {
        tern_tcp_backlog_delayed(T(c));
        P(c)->flags |= TF_BACKLOGPEND;
    }
}

void tcp_backlog_accepted(struct tcp_pcb *pcb)
{
    if (!pcb || dead(pcb) || of(pcb)->listening)
        return;
    compat_tcp *c = of(pcb);
    if (P(c)->flags & TF_BACKLOGPEND) {
        tern_tcp_backlog_accepted(T(c));
        P(c)->flags &= (tcpflags_t)~TF_BACKLOGPEND;
    }
}

/* ---- data ---- */

err_t tcp_write(struct tcp_pcb *pcb, const void *dataptr, u16_t len, u8_t apiflags)
{
    if (!pcb || !dataptr)
        return ERR_ARG;
    compat_tcp *c = of(pcb);
    if (dead(pcb) || c->listening)
        return ERR_CONN; /* lwIP: not ESTABLISHED, CLOSE_WAIT, SYN_SENT or SYN_RCVD */
    tern_tcp_live in;
    tern_tcp_get_live(T(c), &in);
    if (in.state != TERN_TCP_ESTABLISHED && in.state != TERN_TCP_CLOSE_WAIT && in.state != TERN_TCP_SYN_SENT &&
        in.state != TERN_TCP_SYN_RCVD)
        return ERR_CONN;
    if (len == 0)
        return ERR_OK;
    /* lwIP's limits: the send buffer and the number of queued segments
     * (the segments a write needs are counted as if none of it fit in
     * the last queued one). */
    uint32_t q = tern__compat_opts.tcp_snd_queuelen ? tern__compat_opts.tcp_snd_queuelen : 0xffffu;
    /* With send autotuning the buffer may outgrow TCP_SND_BUF: the
     * segment limit grows in proportion (TCP_SND_QUEUELEN per TCP_SND_BUF
     * of buffer), so the larger buffer can be filled. */
    uint64_t limit = (uint64_t)in.snd_buf + in.snd_queued;
    uint64_t snd_buf_cfg = tern__compat_opts.tcp_snd_buf;
    if (snd_buf_cfg && limit > snd_buf_cfg && q < 0xffffu) {
        uint64_t scaled = (uint64_t)q * limit / snd_buf_cfg;
        q = scaled > 0xffffu ? 0xffffu : (uint32_t)scaled;
    }
    uint32_t q_now = q < TCP_SNDQUEUELEN_OVERFLOW + 1 ? q : TCP_SNDQUEUELEN_OVERFLOW + 1;
    uint32_t q_after = q < TCP_SNDQUEUELEN_OVERFLOW ? q : TCP_SNDQUEUELEN_OVERFLOW;
    uint32_t mss = in.mss ? in.mss : 536;
    if (len > in.snd_buf || in.snd_queuelen >= q_now || in.snd_queuelen + (len + mss - 1) / mss > q_after) {
        P(c)->flags |= TF_NAGLEMEMERR;
        pull(c);
        return ERR_MEM;
    }
    unsigned fl = (apiflags & TCP_WRITE_FLAG_MORE) ? TERN_TCP_WRITE_MORE : 0;
    err_t err = (err_t)tern_tcp_write(T(c), dataptr, len, fl | TERN_TCP_WRITE_COPY);
    if (err == ERR_MEM)
        P(c)->flags |= TF_NAGLEMEMERR;
    pull(c);
    return err;
}

err_t tcp_output(struct tcp_pcb *pcb)
{
    if (!pcb)
        return ERR_ARG;
    compat_tcp *c = of(pcb);
    if (dead(pcb) || c->listening)
        return ERR_OK; /* lwIP: nothing unsent, nothing to do */
    push(c);
    err_t err = (err_t)tern_tcp_output(T(c));
    P(c)->flags &= (tcpflags_t)~TF_NAGLEMEMERR;
    c->cc_due = true;
    pull(c);
    return err;
}

void tcp_recved(struct tcp_pcb *pcb, u16_t len)
{
    if (!pcb || dead(pcb) || of(pcb)->listening)
        return;
    compat_tcp *c = of(pcb);
    tern_tcp_recved(T(c), len);
    pull_rcv(c);
}

err_t tcp_process_refused_data(struct tcp_pcb *pcb)
{
    if (!pcb)
        return ERR_ARG;
    compat_tcp *c = of(pcb);
    if (dead(pcb) || c->listening)
        return ERR_OK; /* lwIP: no refused data */
    push(c);
    frame f;
    enter(c, &f);
    err_t err = (err_t)tern_tcp_process_refused(T(c));
    if (!leave(&f))
        return ERR_ABRT;
    pull(c);
    return err;
}

err_t tcp_recv_null(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    LWIP_UNUSED_ARG(arg);
    if (!pcb)
        return ERR_ARG;
    if (p) {
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
    } else if (err == ERR_OK) {
        return tcp_close(pcb);
    }
    return ERR_OK;
}

struct tern_tcp *tern_lwip_tcp_socket(const struct tcp_pcb *pcb)
{
    if (!pcb || dead(pcb))
        return NULL;
    return T(of(pcb));
}

/* ---- closing ---- */

/* What tcp_close and tcp_shutdown changed: the per-segment figures, and
 * the congestion figures too when the state moved (as core_state would). */
static void pull_after_close(compat_tcp *c, const frame *f)
{
    if (f->state_seen)
        c->cc_due = true;
    pull(c);
}

err_t tcp_close(struct tcp_pcb *pcb)
{
    if (!pcb)
        return ERR_ARG;
    /* lwIP closes a CLOSED pcb with ERR_OK (and would free it twice). */
    if (dead(pcb))
        return ERR_OK;
    compat_tcp *c = of(pcb);
    if (!c->listening)
        P(c)->flags |= TF_RXCLOSED;
    push(c);
    frame f;
    enter(c, &f);
    f.api = true;
    err_t err = (err_t)tern_tcp_close(T(c));
    if (!leave(&f))
        return ERR_OK; /* freed */
    if (err == ERR_MEM) {
        /* lwIP 2.1.3: the FIN is queued later (tern's timer retries). */
        P(c)->flags |= TF_CLOSEPEND;
        err = ERR_OK;
    }
    /* From here the pcb is the stack's: "the pcb is deallocated by the TCP
     * code after a call to tcp_close()" (lwIP's rawapi.txt), so the program
     * reads nothing more in it.  API calls made on it anyway (a shutdown or
     * an abort racing the close) find the state, which core_state kept
     * current, and ask the core the rest: no pull. */
    return err;
}

err_t tcp_shutdown(struct tcp_pcb *pcb, int shut_rx, int shut_tx)
{
    if (!pcb)
        return ERR_ARG;
    /* lwIP 2.1.3 on a CLOSED pcb: shutting tx alone is ERR_CONN, both
     * directions close it (ERR_OK), rx alone just sets a flag (ERR_OK). */
    if (dead(pcb))
        return shut_tx && !shut_rx ? ERR_CONN : ERR_OK;
    compat_tcp *c = of(pcb);
    if (c->listening)
        return ERR_CONN;
    if (shut_rx)
        P(c)->flags |= TF_RXCLOSED;
    push(c);
    frame f;
    enter(c, &f);
    f.api = true;
    err_t err = (err_t)tern_tcp_shutdown(T(c), shut_rx != 0, shut_tx != 0);
    if (!leave(&f))
        return ERR_OK; /* freed */
    if (err == ERR_MEM) {
        P(c)->flags |= TF_CLOSEPEND;
        err = ERR_OK;
    }
    pull_after_close(c, &f);
    return err;
}

void tcp_abort(struct tcp_pcb *pcb)
{
    if (!pcb || dead(pcb))
        return;
    compat_tcp *c = of(pcb);
    if (c->listening) {
        /* lwIP asserts; closing is the harmless reading. */
        tcp_close(pcb);
        return;
    }
    /* lwIP frees a TIME-WAIT pcb without calling err. */
    if (tern_tcp_get_state(T(c)) == TERN_TCP_TIME_WAIT)
        c->quiet_abort = true;
    tern_tcp_abort(T(c)); /* frees c and calls err(ERR_ABRT) */
}

/* ---- information ---- */

err_t tcp_tcp_get_tcp_addrinfo(struct tcp_pcb *pcb, int local, ip_addr_t *addr, u16_t *port)
{
    if (!pcb)
        return ERR_VAL;
    compat_tcp *c = of(pcb);
    if (dead(pcb)) {
        /* lwIP reads what the freed pcb still holds; so does this. */
        if (addr)
            *addr = local ? P(c)->local_ip : P(c)->remote_ip;
        if (port)
            *port = local ? P(c)->local_port : c->listening ? 0 : P(c)->remote_port;
        return ERR_OK;
    }
    pull(c);
    if (local) {
        if (addr)
            ip_addr_copy(*addr, P(c)->local_ip);
        if (port)
            *port = P(c)->local_port;
    } else {
        if (addr)
            ip_addr_copy(*addr, P(c)->remote_ip);
        if (port)
            *port = c->listening ? 0 : P(c)->remote_port;
    }
    return ERR_OK;
}

const char *tcp_debug_state_str(enum tcp_state s) { return tern_tcp_state_name((tern_tcp_state)s); }

/* ---- timers (programs that drive TCP without sys_check_timeouts) ---- */

void tcp_tmr(void)
{
    if (tern__compat_stack)
        tern_stack_poll(tern__compat_stack);
}

void tcp_slowtmr(void) { tcp_tmr(); }
void tcp_fasttmr(void) { tcp_tmr(); }

/* memp_free(MEMP_TCP_PCB, pcb): lwIP frees the memory; programs do it to a
 * pcb that never connected (go-tun2socks after a failed tcp_bind).  The
 * socket goes without callbacks: closed at once when CLOSED, otherwise
 * aborted (a RST if synchronized, as freeing a live lwIP pcb leaves the
 * peer to find out by one). */
void tern__compat_tcp_memp_free(void *mem)
{
    struct tcp_pcb *pcb = mem;
    if (dead(pcb))
        return;
    compat_tcp *c = of(pcb);
    c->quiet_abort = true;
    if (c->listening) {
        c->u.l.accept = NULL;
    } else {
        F(c, recv) = NULL;
        F(c, sent) = NULL;
        F(c, errf) = NULL;
        F(c, poll) = NULL;
        F(c, connected) = NULL;
    }
    if (c->listening || tern_tcp_get_state(T(c)) == TERN_TCP_CLOSED)
        tern_tcp_close(T(c)); /* freed at once; the destroy hook releases c */
    else
        tern_tcp_abort(T(c));
}

int tern__compat_tcp_freed(const void *pcb) { return dead(pcb); }

/* lwip_init starting over: every socket died with the old stack (their
 * destroy hooks gave the slots back), so the pool's memory can go. */
void tern__compat_tcp_reset(void)
{
    listeners = NULL;
    tern__pool_reset(&pool);
    /* A slot holds a header, a pcb of either layout and a socket (the
     * pool is empty). */
    pool.slot_size = sizeof(compat_tcp);
}
