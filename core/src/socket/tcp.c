/* socket/tcp.c: the TCP socket API: creating, binding, listening,
 * connecting, writing, closing. */
#include <stdlib.h>
#include <string.h>

#include "socket/tcp_impl.h"

void tern_tcp_default_config(tern_tcp_config *c)
{
    *c = (tern_tcp_config){
        .rcv_buf = 256 * 1024,
        .rcv_buf_max = 4 * 1024 * 1024,
        .snd_buf = 256 * 1024,
        .snd_buf_max = 256 * 1024, /* send autotuning off unless asked for */
        .mss = 1460,
        .wscale = true,
        .timestamps = true,
        .sack = true,
        .pacing = true,
        .cc = TERN_TCP_CC_CUBIC,
        .rto_min_ms = 200,
        .rto_max_ms = 60000,
        .rto_initial_ms = 1000,
        .max_rtx = 12,
        .max_syn_rtx = 6,
        .delack_ms = 40,
        .ooo_max_segs = 1024,
        .time_wait_ms = 60000,
        .keep_idle_ms = 7200000, /* RFC 9293 3.8.4: no less than two hours */
        .keep_intvl_ms = 75000,
        .keep_cnt = 9,
    };
}

void tern_stack_set_tcp_config(tern_stack *s, const tern_tcp_config *c)
{
    tern_tcp_table *tb = tern__tcp_table(s);
    tcp_class *k = tb && c ? tern__tcp_class(tb, c, &tern__tcp_no_handlers) : NULL;
    if (k)
        tb->defaults = k;
}

const char *tern_tcp_state_name(tern_tcp_state s)
{
    static const char *const names[] = {"CLOSED",     "LISTEN",     "SYN_SENT",   "SYN_RCVD",
                                        "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
                                        "CLOSING",    "LAST_ACK",   "TIME_WAIT"};
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

tern_tcp *tern__tcp_alloc(tern_stack *s, uint8_t type)
{
    tern_tcp_table *tb = tern__tcp_table(s);
    if (!tb)
        return NULL;
    /* A layer's allocator gives zeroed memory (tern_tcp_allocator). */
    tern_tcp *t = tb->alloc.alloc ? tb->alloc.alloc(tb->alloc.ctx) : tcp_free_list_get(&tb->sock_cache, sizeof(*t));
    if (!t)
        return NULL;
    t->cls = tb->defaults; /* the stack's settings, no callbacks */
    s->stats.tcp_live++;
    t->type = type;
    t->local.type = type == TERN_ADDR_ANY ? TERN_ADDR_ANY : type;
    t->remote.type = t->local.type;
    t->cc = t->cls->cfg.cc == TERN_TCP_CC_CUBIC ? TERN_TCP_CC_CUBIC : TERN_TCP_CC_NEWRENO; /* (a bit) */
    t->ttl = s->cfg.ttl;
    t->mss = TCP_DEFAULT_MSS;
    t->rcv_buf = t->cls->cfg.rcv_buf;
    tern__tcp_timers_init(t);
    tern__tcp_rack_init(t);
    t->rttvar4 = -1; /* no RTT measured (tern__tcp_rto) */
    tern__tcp_table_link(t); /* so tern_stack_free finds even a socket never bound */
    return t;
}

tern_tcp *tern_tcp_new(tern_stack *s, uint8_t type)
{
    if (type != TERN_ADDR_V4 && type != TERN_ADDR_V6 && type != TERN_ADDR_ANY)
        return NULL;
    return tern__tcp_alloc(s, type);
}

void tern__tcp_set_state(tern_tcp *t, tern_tcp_state st)
{
    tern_tcp_state was = (tern_tcp_state)t->state;
    t->state = st;
    /* The timed states start their clock (the stamp autotuning shares:
     * tcp_impl.h). */
    if ((1u << st) & (1u << TERN_TCP_SYN_SENT | 1u << TERN_TCP_TIME_WAIT | 1u << TERN_TCP_FIN_WAIT_2) &&
        (st != TERN_TCP_FIN_WAIT_2 || t->rx_shut))
        t->state_since_ms = tern__stack_now(t->cls->stack);
    if (st == TERN_TCP_TIME_WAIT)
        tern__tcp_tune_release(t); /* nothing more to hold: the budget share goes back */
    /* The tick (tcp_timer.c slow_needed) depends on the state only when
     * leaving CLOSED or LISTEN (which never tick), entering TIME-WAIT or
     * FIN-WAIT-2, or entering a state where keepalive runs; otherwise it
     * is armed already when needed. */
    if (was <= TERN_TCP_LISTEN || st == TERN_TCP_TIME_WAIT || st == TERN_TCP_FIN_WAIT_2 ||
        (t->keepalive && (st == TERN_TCP_ESTABLISHED || st == TERN_TCP_CLOSE_WAIT)))
        tern__tcp_arm_slow(t);
    if (t->cls->h->on_state)
        t->cls->h->on_state(tern__tcp_hook_ctx(t), t);
}

/* A tcp_rare that holds nothing any more (a context or keepalive figures
 * of the socket's own, now the same as the arg's or the config's) goes
 * back: a socket that keeps one pays a lookup wherever it is read. */
static void rare_trim(tern_tcp *t, tcp_rare *x)
{
    static const tcp_rare none;
    if (!x->hook_own)
        x->hook_ctx = NULL;
    if (!x->keep_own)
        x->keep_idle = x->keep_intvl = x->keep_cnt = 0;
    if (!memcmp(x, &none, sizeof(none)))
        tern__tcp_rare_put(t);
}

/* The hooks keep ctx as a context of their own (tcp_rare). */
static tern_err keep_hook_ctx(tern_tcp *t, void *ctx)
{
    tcp_rare *r = tern__tcp_rare(t);
    if (!r)
        return TERN_ERR_MEM;
    r->hook_own = true;
    r->hook_ctx = ctx;
    return TERN_OK;
}

/* The hooks' context becomes ctx: nothing to keep when it is the arg. */
static tern_err set_hook_ctx(tern_tcp *t, void *ctx)
{
    if (ctx != tern__tcp_arg(t))
        return keep_hook_ctx(t, ctx);
    tcp_rare *x = tern__tcp_rare_of(t);
    if (x) {
        x->hook_own = false;
        rare_trim(t, x);
    }
    return TERN_OK;
}

tern_err tern_tcp_set_arg(tern_tcp *t, void *arg)
{
    /* A child is the application's from its accept on: before, its
     * argument is its listener's, and this word holds the listener. */
    if (t->child)
        return TERN_ERR_VAL;
    /* Hooks that shared the old arg keep it as their own context. */
    bool hooked = t->cls->h->on_state || t->cls->h->on_destroy;
    tcp_rare *x = tern__tcp_rare_of(t);
    if (arg != t->arg && hooked && !(x && x->hook_own) && keep_hook_ctx(t, t->arg) != TERN_OK)
        return TERN_ERR_MEM;
    t->arg = arg;
    x = tern__tcp_rare_of(t); /* (keep_hook_ctx may have made it) */
    if (x && x->hook_own && x->hook_ctx == arg) {
        x->hook_own = false; /* the same again: nothing to keep */
        rare_trim(t, x);
    }
    return TERN_OK;
}
void *tern_tcp_get_arg(const tern_tcp *t) { return tern__tcp_arg(t); }

/* t's callbacks become *want (a table shared through the stack). */
static tern_err use_handlers(tern_tcp *t, const tern_tcp_handlers *want)
{
    if (!memcmp(want, t->cls->h, sizeof(*want)))
        return TERN_OK;
    tern_tcp_table *tb = t->cls->stack->tcp;
    const tern_tcp_handlers *h = tern__tcp_handlers_intern(tb, want);
    tcp_class *k = h ? tern__tcp_class_with(tb, t->cls, h) : NULL;
    if (!k)
        return TERN_ERR_MEM;
    t->cls = k;
    return TERN_OK;
}

tern_err tern_tcp_set_handlers(tern_tcp *t, const tern_tcp_handlers *h, void *hook_ctx)
{
    tcp_class *k = tern__tcp_class_with(t->cls->stack->tcp, t->cls, h ? h : &tern__tcp_no_handlers);
    if (!k || set_hook_ctx(t, hook_ctx) != TERN_OK)
        return TERN_ERR_MEM;
    t->cls = k;
    if (t->cls->h->poll)
        tern__tcp_arm_slow(t); /* the tick calls it (state changes do not arm it) */
    return TERN_OK;
}

tern_err tern_tcp_set_callbacks(tern_tcp *t, tern_tcp_recv_fn recv, tern_tcp_sent_fn sent, tern_tcp_err_fn err)
{
    tern_tcp_handlers h = *t->cls->h;
    h.recv = recv;
    h.sent = sent;
    h.err = err;
    return use_handlers(t, &h);
}

tern_err tern_tcp_set_accept(tern_tcp *t, tern_tcp_accept_fn accept)
{
    tern_tcp_handlers h = *t->cls->h;
    h.accept = accept;
    return use_handlers(t, &h);
}

/* A hook changes, with the context both hooks share. */
static tern_err use_hooks(tern_tcp *t, tern_tcp_destroy_fn on_destroy, tern_tcp_state_fn on_state, void *ctx)
{
    tern_tcp_handlers h = *t->cls->h;
    h.on_destroy = on_destroy;
    h.on_state = on_state;
    void *was = tern__tcp_hook_ctx(t);
    tern_err e = set_hook_ctx(t, ctx);
    if (e == TERN_OK && (e = use_handlers(t, &h)) != TERN_OK)
        (void)set_hook_ctx(t, was); /* back as it was (the memory is there now) */
    return e;
}

tern_err tern_tcp_set_destroy_hook(tern_tcp *t, tern_tcp_destroy_fn fn, void *ctx)
{
    return use_hooks(t, fn, t->cls->h->on_state, ctx);
}

tern_err tern_tcp_set_state_hook(tern_tcp *t, tern_tcp_state_fn fn, void *ctx)
{
    return use_hooks(t, t->cls->h->on_destroy, fn, ctx);
}

tern_err tern_tcp_set_poll(tern_tcp *t, tern_tcp_poll_fn poll, uint8_t interval)
{
    if (t->state == TERN_TCP_LISTEN)
        return TERN_ERR_VAL; /* a listener is never polled (lwIP's tcp_poll refuses one too) */
    tern_tcp_handlers h = *t->cls->h;
    h.poll = poll;
    tern_err e = use_handlers(t, &h);
    if (e != TERN_OK)
        return e;
    t->poll_interval = interval;
    t->poll_ticks = 0;
    tern__tcp_arm_slow(t);
    return TERN_OK;
}

void tern_tcp_set_nodelay(tern_tcp *t, bool on) { t->nodelay = on; }
void tern_tcp_set_reuse(tern_tcp *t, bool on) { t->reuse = on; }
void tern_tcp_set_catch_all(tern_tcp *t, bool on) { t->catch_all = on; }
void tern_tcp_set_cc(tern_tcp *t, tern_tcp_cc cc)
{
    t->cc = cc == TERN_TCP_CC_CUBIC ? TERN_TCP_CC_CUBIC : TERN_TCP_CC_NEWRENO; /* (a bit: anything else is NewReno, as before) */
    if (t->fl)
        t->fl->cubic = (tcp_cubic){0};
}
void tern_tcp_set_ttl_tos(tern_tcp *t, uint8_t ttl, uint8_t tos)
{
    t->ttl = ttl;
    t->tos = tos;
}

void tern_tcp_get_options(const tern_tcp *t, tern_tcp_options *o)
{
    const tcp_rare *x = tern__tcp_rare_of(t); /* (one lookup for the three keepalive figures) */
    bool own = x && x->keep_own;
    const tern_tcp_config *c = &t->cls->cfg;
    *o = (tern_tcp_options){.nodelay = t->nodelay,
                            .keepalive = t->keepalive,
                            .reuse = t->reuse,
                            .ttl = t->ttl,
                            .tos = t->tos,
                            .keep_idle_ms = own ? x->keep_idle : c->keep_idle_ms,
                            .keep_intvl_ms = own ? x->keep_intvl : c->keep_intvl_ms,
                            .keep_cnt = own ? x->keep_cnt : c->keep_cnt};
}

tern_err tern__tcp_keep_set(tern_tcp *t, uint32_t idle_ms, uint32_t intvl_ms, uint32_t cnt)
{
    const tern_tcp_config *c = &t->cls->cfg;
    if (idle_ms == c->keep_idle_ms && intvl_ms == c->keep_intvl_ms && cnt == c->keep_cnt) {
        tcp_rare *x = tern__tcp_rare_of(t);
        if (x) {
            x->keep_own = false;
            rare_trim(t, x);
        }
        return TERN_OK;
    }
    tcp_rare *r = tern__tcp_rare(t);
    if (!r)
        return TERN_ERR_MEM;
    r->keep_own = true;
    r->keep_idle = idle_ms;
    r->keep_intvl = intvl_ms;
    r->keep_cnt = cnt;
    return TERN_OK;
}

tern_err tern_tcp_set_keepalive(tern_tcp *t, bool on, uint32_t idle_ms, uint32_t intvl_ms, uint32_t cnt)
{
    tern_err err = tern__tcp_keep_set(t, idle_ms ? idle_ms : tern__tcp_keep_idle(t),
                                 intvl_ms ? intvl_ms : tern__tcp_keep_intvl(t), cnt ? cnt : tern__tcp_keep_cnt(t));
    t->keepalive = on;
    tern__tcp_arm_slow(t);
    return err;
}

uint32_t tern__tcp_sndbuf(const tern_tcp *t)
{
    uint32_t limit = tern__tcp_snd_limit(t); /* cfg.snd_buf, or more with send autotuning */
    uint32_t queued = tern__tcp_snd_queued(t);
    return queued >= limit ? 0 : limit - queued;
}

tern_tcp_state tern_tcp_get_state(const tern_tcp *t) { return t->state; }

/* The send queue as the mirrors show it.  They are read after every
 * callback compat relays: a receiver with nothing queued, the common
 * case, skips the queue's accessors. */
#define QUEUE_FIGURES(t, o)                                                                                \
    do {                                                                                                   \
        if (!(t)->snd_q) {                                                                                 \
            (o)->snd_buf = tern__tcp_snd_limit(t);                                                         \
            (o)->snd_queuelen = 0;                                                                         \
            (o)->has_unsent = (o)->has_unacked = false;                                                    \
        } else {                                                                                           \
            (o)->snd_buf = tern__tcp_sndbuf(t);                                                            \
            (o)->snd_queuelen = tern__tcp_snd_queuelen(t);                                                 \
            const tcp_seg *next_ = tern__tcp_next_seg(t);                                                  \
            (o)->has_unsent = next_ != NULL;                                                               \
            (o)->has_unacked = (t)->snd_q != next_;                                                        \
        }                                                                                                  \
    } while (0)

void tern_tcp_get_live(const tern_tcp *t, tern_tcp_live *o)
{
    o->state = t->state;
    o->mss = t->mss;
    o->rcv_wnd = tern__tcp_rcv_wnd(t);
    o->snd_wnd = t->snd_wnd;
    o->cwnd = t->cwnd;
    o->ssthresh = t->ssthresh;
    o->rto_ms = tern__tcp_rto(t);
    QUEUE_FIGURES(t, o);
    const tcp_rare *x = tern__tcp_rare_of(t);
    o->refused_data = x && x->refused ? (const void *)x->refused->p : NULL;
    o->rcv_unread = t->rcv_app_unread;
    o->snd_queued = tern__tcp_snd_queued(t);
}

void tern_tcp_get_mirror(const tern_tcp *t, tern_tcp_mirror *o)
{
    QUEUE_FIGURES(t, o);
    o->rcv_wnd = tern__tcp_rcv_wnd(t);
    o->rcv_unread = t->rcv_app_unread;
    const tcp_rare *x = tern__tcp_rare_of(t);
    o->refused_data = x && x->refused ? (const void *)x->refused->p : NULL;
}

void tern_tcp_get_rcv(const tern_tcp *t, uint32_t *rcv_wnd, uint32_t *rcv_unread)
{
    *rcv_wnd = tern__tcp_rcv_wnd(t);
    *rcv_unread = t->rcv_app_unread;
}

void tern_tcp_get_tuple(const tern_tcp *t, tern_tcp_tuple *o)
{
    o->local = t->local;
    o->remote = t->remote;
    o->local_port = t->local_port;
    o->remote_port = t->remote_port;
    o->ts_ok = t->ts_ok;
    o->sack_ok = t->sack_ok;
    o->snd_wscale = t->snd_wscale;
    o->rcv_wscale = t->rcv_wscale;
}

void tern_tcp_get_info(const tern_tcp *t, tern_tcp_info *o)
{
    static const tcp_rare none;
    const tcp_rare *r = tern__tcp_rare_of(t);
    if (!r)
        r = &none;
    *o = (tern_tcp_info){
        .state = t->state,
        .local = t->local,
        .remote = t->remote,
        .local_port = t->local_port,
        .remote_port = t->remote_port,
        .snd_buf = tern__tcp_sndbuf(t),
        .snd_queuelen = tern__tcp_snd_queuelen(t),
        .mss = t->mss,
        .rcv_wnd = tern__tcp_rcv_wnd(t),
        .snd_wnd = t->snd_wnd,
        .cwnd = t->cwnd,
        .ssthresh = t->ssthresh,
        .srtt_ms = (uint32_t)(t->srtt8 >> 3),
        .rttvar_ms = t->rttvar4 < 0 ? 0 : (uint32_t)(t->rttvar4 >> 2),
        .rto_ms = tern__tcp_rto(t),
        .bytes_acked = tern__tcp_bytes_acked(t),
        .bytes_received = (uint64_t)r->received_wraps << 32 | t->bytes_received,
        .retransmits = r->retransmits,
        .fast_retransmits = r->fast_retransmits,
        .rto_timeouts = r->rto_timeouts,
        .sack_recoveries = r->sack_recoveries,
        .dupacks_in = r->dupacks_in,
        .challenge_acks = r->challenge_acks,
        .tlp_probes = r->tlp_probes,
        .rack_marked_lost = r->rack_marked_lost,
        .prr_sent = r->prr_sent + (t->fl ? t->fl->prr.out : 0),
        .has_refused_data = r->refused != NULL || r->refused_fin,
        .refused_data = r->refused ? r->refused->p : NULL,
        .has_unsent = tern__tcp_next_seg(t) != NULL,
        .has_unacked = t->snd_una != t->snd_max,
        .ts_ok = t->ts_ok,
        .sack_ok = t->sack_ok,
        .snd_wscale = t->snd_wscale,
        .rcv_wscale = t->rcv_wscale,
    };
}

static int pick_port(tern_tcp *t, const tern_addr *addr)
{
    tern_tcp_table *tb = tern__tcp_table(t->cls->stack);
    for (uint32_t tries = 0; tries < 0x4000u; tries++) {
        uint16_t cand = tb->next_port;
        tb->next_port = cand == 0xffff ? 0xc000 : (uint16_t)(cand + 1);
        if (!tern__tcp_port_in_use(t->cls->stack, t, addr, cand))
            return cand;
    }
    return 0;
}

int tern_tcp_bind(tern_tcp *t, const tern_addr *addr, uint16_t port)
{
    if (!t || t->state != TERN_TCP_CLOSED)
        return TERN_ERR_VAL;
    tern_addr any = {.type = t->type};
    if (!addr)
        addr = &any;
    if (t->type != TERN_ADDR_ANY && addr->type != t->type && addr->type != TERN_ADDR_ANY)
        return TERN_ERR_VAL;
    if (port == 0) {
        port = (uint16_t)pick_port(t, addr);
        if (!port)
            return TERN_ERR_BUF;
    } else if (tern__tcp_port_in_use(t->cls->stack, t, addr, port)) {
        return TERN_ERR_USE;
    }
    t->local = *addr;
    t->local_port = port;
    tern__tcp_table_link(t);
    return TERN_OK;
}

void tern_tcp_bind_iface(tern_tcp *t, tern_iface *ifc) { t->iface_index = ifc ? tern_iface_index(ifc) : 0; }

int tern_tcp_listen(tern_tcp *t, uint8_t backlog)
{
    if (!t)
        return TERN_ERR_VAL;
    if (t->state == TERN_TCP_LISTEN)
        return TERN_OK;
    if (t->state != TERN_TCP_CLOSED)
        return TERN_ERR_CONN;
    /* Binding kept twins apart unless both allow reuse; two listeners on
     * one address and port are still refused (lwIP's tcp_listen). */
    for (tern_tcp *o = t->cls->stack->tcp ? t->cls->stack->tcp->listeners : NULL; o; o = o->next)
        if (o != t && o->local_port == t->local_port && t->reuse && !t->catch_all &&
            tern_addr_eq(&o->local, &t->local))
            return TERN_ERR_USE;
    t->poll_interval = t->poll_ticks = t->keep_sent = t->persist_unanswered = 0; /* (the listener's counts) */
    t->backlog = backlog ? backlog : 1;
    tern__tcp_set_state(t, TERN_TCP_LISTEN);
    tern__tcp_table_listen(t);
    return TERN_OK;
}

/* An accepted child keeps no pointer to its listener: the one delaying the
 * backlog is found as its SYN found it (by its local address and port),
 * and kept in tcp_rare while the slot is held.  Without memory for that,
 * nothing is delayed. */
void tern_tcp_backlog_delayed(tern_tcp *t)
{
    if (!t || t->backlog_delayed || t->child || !t->accepted)
        return;
    tern_tcp *l = tern__tcp_listener_of_child(t);
    tcp_rare *r = l ? tern__tcp_rare(t) : NULL;
    if (r) {
        r->backlog_listener = l;
        t->backlog_delayed = true;
        l->pending++;
    }
}

/* The listener t holds a backlog slot of, which it gives back. */
static void backlog_release(tern_tcp *t)
{
    if (!t->backlog_delayed)
        return;
    t->backlog_delayed = false;
    tcp_rare *x = tern__tcp_rare_of(t);
    tern_tcp *l = x->backlog_listener;
    x->backlog_listener = NULL;
    if (l && l->pending)
        l->pending--;
}

void tern_tcp_backlog_accepted(tern_tcp *t)
{
    if (t)
        backlog_release(t);
}

int tern_tcp_connect(tern_tcp *t, const tern_addr *addr, uint16_t port, tern_tcp_connected_fn connected)
{
    if (!t || !addr)
        return TERN_ERR_VAL;
    if (t->state != TERN_TCP_CLOSED)
        return TERN_ERR_ISCONN;
    if (t->type != TERN_ADDR_ANY && addr->type != t->type)
        return TERN_ERR_VAL;
    tern_stack *s = t->cls->stack;
    tern_iface *ifc = t->iface_index ? tern_iface_by_index(s, t->iface_index) : tern__ip_route(s, addr);
    if (!ifc)
        return TERN_ERR_RTE;
    tern_addr local = t->local;
    if (tern_addr_is_any(&local) || local.type != addr->type) {
        if (!tern__ip_select_source(ifc, addr, &local))
            return TERN_ERR_RTE;
    }
    if (!t->local_port) {
        int port_ = pick_port(t, &local);
        if (!port_)
            return TERN_ERR_BUF;
        t->local_port = (uint16_t)port_;
    }
    /* The 4-tuple must be new (a TIME-WAIT twin included). */
    tern_tcp *twin = tern__tcp_find_tuple(s, &local, t->local_port, addr, port);
    if (twin && twin != t)
        return TERN_ERR_USE;
    tern_tcp_handlers h = *t->cls->h;
    h.connected = connected;
    if (use_handlers(t, &h) != TERN_OK)
        return TERN_ERR_MEM;
    t->local = local;
    t->remote = *addr;
    t->remote_port = port;
    t->mss = tern__tcp_mss_for(t, ifc);
    t->snd_una = t->snd_nxt = t->snd_max = t->iss = tern__tcp_pick_isn(t);
    t->snd_wnd = TCP_DEFAULT_MSS; /* until the SYN-ACK tells us */
    tern__tcp_cc_init(t);
    tern__tcp_table_link(t);
    tern__tcp_hash_insert(t);
    tern__tcp_set_state(t, TERN_TCP_SYN_SENT);
    int err = tern__tcp_send_syn(t);
    if (err) {
        tern__tcp_hash_remove(t);
        tern__tcp_set_state(t, TERN_TCP_CLOSED);
        return err;
    }
    return TERN_OK;
}

/* Copies data into the send queue: into the tail segment while it has
 * room, then into new MSS-sized segments.  The checksum of the data is
 * computed during the copy, so output never reads the payload again;
 * unless the route's device offloads TCP (tern_iface_set_tso): its bursts
 * carry the pseudo-header sum only, so the data is only copied, and a
 * segment that does leave alone is summed then (tern__tcp_seg_sum). */
static int queue_data(tern_tcp *t, const uint8_t *data, uint32_t len, bool push)
{
    if (!t->fl && !tern__tcp_flight_get(t))
        return TERN_ERR_MEM;
    tcp_seg *tail = tern__tcp_q_tail(t);
    uint32_t end = tern__tcp_snd_end(t), done = 0;
    tern_iface *ifc = t->iface_index ? tern_iface_by_index(t->cls->stack, t->iface_index) : tern__ip_route(t->cls->stack, &t->remote);
    bool sum = !(ifc && ifc->tso_max);
    if (tail && tail == tern__tcp_next_seg(t) && !(tail->flags & (TERN_TCP_SYN | TERN_TCP_FIN)) && tail->p &&
        tail->len < tail->cap) {
        /* Only a segment never sent may grow. */
        uint32_t n = tail->cap - tail->len;
        if (n > len)
            n = len;
        uint8_t *dst = (uint8_t *)tail->p->payload + tail->len;
        if (tail->sum_ok) {
            tern_csum piece = tern__csum_copy(0, dst, data, n);
            tail->sum += (tail->len & 1) ? tern__csum_shift(piece) : piece;
        } else {
            memcpy(dst, data, n);
        }
        tail->len += n;
        tail->p->len = (uint16_t)tail->len;
        tail->p->tot_len = (uint16_t)tail->len;
        done = n;
    } else {
        tail = NULL;
    }
    while (done < len) {
        uint32_t cap = t->mss;
        uint32_t n = len - done < cap ? len - done : cap;
        tcp_seg *seg = tern__tcp_seg_new(t);
        tern_pbuf *p = seg ? tern_pbuf_alloc(TERN_HEADROOM, (uint16_t)cap, TERN_PBUF_RAM) : NULL;
        if (!p) {
            free(seg);
            break;
        }
        seg->p = p;
        seg->cap = cap;
        seg->seq = end + done;
        if (sum)
            seg->sum = tern__csum_copy(0, p->payload, data + done, n);
        else
            memcpy(p->payload, data + done, n);
        seg->sum_ok = sum;
        seg->len = n;
        p->len = p->tot_len = (uint16_t)n;
        tern__tcp_seg_append(t, seg);
        tail = seg;
        done += n;
    }
    if (push && tail)
        tail->flags |= TERN_TCP_PSH;
    return done == len ? TERN_OK : TERN_ERR_MEM;
}

int tern_tcp_write(tern_tcp *t, const void *data, uint32_t len, unsigned flags)
{
    if (!t || (!data && len))
        return TERN_ERR_ARG;
    if (t->state != TERN_TCP_ESTABLISHED && t->state != TERN_TCP_CLOSE_WAIT && t->state != TERN_TCP_SYN_SENT &&
        t->state != TERN_TCP_SYN_RCVD)
        return TERN_ERR_CONN;
    if (t->fin_queued)
        return TERN_ERR_CONN;
    if (len == 0)
        return TERN_OK;
    if (len > tern__tcp_sndbuf(t))
        return TERN_ERR_MEM;
    /* All or nothing, as lwIP: a failed write queues no bytes. */
    tcp_seg *saved_tail = tern__tcp_q_tail(t);
    uint32_t saved_tail_len = saved_tail ? saved_tail->len : 0;
    tern_csum saved_sum = saved_tail ? saved_tail->sum : 0;
    int err = queue_data(t, data, len, !(flags & TERN_TCP_WRITE_MORE));
    if (err) {
        /* Roll back: drop segments added after the old tail, shrink it. */
        tcp_seg *extra = saved_tail ? saved_tail->next : t->snd_q;
        if (saved_tail) {
            saved_tail->next = NULL;
            saved_tail->len = saved_tail_len;
            saved_tail->sum = saved_sum;
            if (saved_tail->p)
                saved_tail->p->len = saved_tail->p->tot_len = (uint16_t)saved_tail_len;
        } else {
            t->snd_q = NULL;
        }
        while (extra) {
            tcp_seg *n = extra->next;
            if (tern__tcp_next_seg(t) == extra)
                tern__tcp_set_next_seg(t, NULL);
            tern__tcp_seg_free(t, extra);
            t->fl->snd_queuelen--; /* (data: a flight) */
            extra = n;
        }
        tern__tcp_set_q_tail(t, saved_tail);
    }
    tern__tcp_tune_snd(t); /* data queued past cfg.snd_buf counts in the budget (tcp_tune.c) */
    return err;
}

int tern_tcp_output(tern_tcp *t)
{
    if (!t)
        return TERN_ERR_ARG;
    if (t->state == TERN_TCP_LISTEN || t->state == TERN_TCP_CLOSED)
        return TERN_OK;
    return tern__tcp_send_queued(t);
}

void tern_tcp_recved(tern_tcp *t, uint32_t len)
{
    if (!t || t->state == TERN_TCP_LISTEN)
        return;
    if (len > t->rcv_app_unread)
        len = t->rcv_app_unread;
    t->rcv_app_unread -= len;
    t->autotune_bytes += len; /* what the application consumed (tcp_tune.c) */
    if (t->state < TERN_TCP_SYN_RCVD)
        return;
    /* A window update of its own only when the right edge would move a lot
     * (lwIP's threshold: min(buffer/4, 4 MSS)) or the window was nearly
     * shut; otherwise the next ACK (every second segment) carries it.  The
     * window compared is the one the header can carry: without window
     * scaling a 256 KiB buffer still shows as 65535, and comparing the raw
     * buffer would send an ACK for every tcp_recved. */
    uint32_t advertised = SEQ_GT(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
    uint32_t threshold = t->rcv_buf / 4 < 4u * t->mss ? t->rcv_buf / 4 : 4u * t->mss;
    /* The window to advertise is the free buffer or the edge already
     * advertised (tern__tcp_rcv_window_to_advertise): when the free buffer
     * is below the threshold, no update is due (the common case: a reader
     * keeping up frees a segment or two between ACKs). */
    if (threshold && tern__tcp_rcv_wnd(t) < advertised + threshold && advertised >= t->mss)
        return;
    uint32_t wnd = tern__tcp_rcv_window_to_advertise(t);
    uint32_t most = (uint32_t)0xffff << t->rcv_wscale;
    if (wnd > most)
        wnd = most;
    if (wnd < advertised + threshold && !(advertised < t->mss && wnd >= t->mss))
        return;
    if (t->busy) {
        /* Inside a callback (recv during segment processing, typically):
         * sending here would put an ACK between the segments being
         * processed (RFC 9293 MUST-59).  The caller sends it when the
         * callback returns (end of input, of the timer, of
         * tcp_process_refused_data). */
        t->ack_now = true;
        return;
    }
    tern__tcp_send_ack(t);
}

static bool synchronized(const tern_tcp *t)
{
    return t->state >= TERN_TCP_SYN_RCVD;
}

static void abort_children(tern_tcp *l)
{
    tern_tcp_table *tb = l->cls->stack->tcp;
    if (!tb)
        return;
    /* Destroying a child unlinks it only: the walk goes on from the next
     * (the buckets stay where they are until it ends). */
    tern__tcp_table_hold(tb);
    for (tern_tcp **head = tern__tcp_table_first(tb); head; head = tern__tcp_table_after(tb, head))
        for (tern_tcp *c = *head, *n; c; c = n) {
            n = c->next;
            tcp_rare *x = c->backlog_delayed ? tern__tcp_rare_of(c) : NULL;
            if (x && x->backlog_listener == l) {
                c->backlog_delayed = false;
                x->backlog_listener = NULL;
            }
            if (tern__tcp_listener(c) != l)
                continue;
            tern__tcp_half_open_done(c);
            tern__tcp_child_leave(c);
            tern__tcp_send_rst_for(c);
            tern__tcp_destroy(c, 0);
        }
    tern__tcp_table_release(tb);
}

void tern__tcp_half_open_done(tern_tcp *t)
{
    if (!t->half_open_counted)
        return;
    t->half_open_counted = false;
    tern_tcp *l = tern__tcp_listener(t);
    if (l && l->half_open)
        l->half_open--;
    if (t->cls->stack->tcp && t->cls->stack->tcp->half_open)
        t->cls->stack->tcp->half_open--;
}

void tern__tcp_destroy(tern_tcp *t, int code)
{
    if (t->dead)
        return;
    tern__tcp_half_open_done(t);
    if (t->state == TERN_TCP_LISTEN)
        abort_children(t);
    if (t->child) {
        tern__tcp_child_leave(t);
        code = 0; /* nobody knows a child never accepted */
    }
    backlog_release(t);
    tern__tcp_timers_stop(t);
    tern__tcp_tune_release(t); /* its share of the autotuning budget */
    tern__tcp_table_unlink(t);
    tern__tcp_free_queues(t);
    tern_tcp_err_fn errf = t->cls->h->err;
    void *arg = t->arg;
    tern_tcp_destroy_fn hook = t->cls->h->on_destroy;
    void *hook_ctx = tern__tcp_hook_ctx(t);
    bool notify = code != 0 && errf != NULL;
    t->state = TERN_TCP_CLOSED;
    t->cls->stack->stats.tcp_live--;
    if (t->busy)
        t->dead = true; /* freed by tern__tcp_leave when the callback returns */
    else
        tern__tcp_free_dead(t);
    if (hook)
        hook(hook_ctx, code); /* tern_tcp_set_destroy_hook: every destruction */
    if (notify)
        errf(arg, code);
}

/* Sockets a churning server frees and makes again: a few stay in the
 * table's cache instead of going back to malloc (bounded: 16 sockets, about
 * 10 KiB per stack, given back by tern_stack_free). */
#define TCP_SOCK_CACHE_MAX 16u
/* A socket is what every idle connection costs (compat's slot: an 8-byte
 * pool header and 8 of compat's, the socket and 136 bytes more of pcb:
 * 392 bytes on 64-bit, 1.47 times lwIP's pcb with the hash's share as the
 * cost bench measures it, where 1.5 is the most allowed): a field added means one moved to
 * tcp_flight or tcp_rare, computed, or packed. */
_Static_assert(sizeof(struct tern_tcp) <= 240, "struct tern_tcp grew: pack it");
_Static_assert(sizeof(struct tern_tcp) == TERN_TCP_SIZE, "TERN_TCP_SIZE (tern/tcp.h) is not the socket's size");
_Static_assert(offsetof(struct tern_tcp, remote) == offsetof(struct tern_tcp, local) + sizeof(tern_addr) &&
                   offsetof(struct tern_tcp, remote) + sizeof(tern_addr) == sizeof(struct tern_tcp),
               "a socket ends with its local and remote addresses (tern_stack_set_tcp_allocator)");
void tern__tcp_free_dead(tern_tcp *t)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    tern__tcp_flight_put(t);
    tern__tcp_rare_put(t);
    if (tb && tb->alloc.free)
        tb->alloc.free(tb->alloc.ctx, t);
    else if (tb)
        tcp_free_list_put(&tb->sock_cache, t, TCP_SOCK_CACHE_MAX);
    else
        free(t);
}

size_t tern_tcp_size(void) { return TERN_TCP_SIZE; }

tern_err tern_stack_set_tcp_allocator(tern_stack *s, const tern_tcp_allocator *a)
{
    if (!s || !a || !a->alloc || !a->free || s->stats.tcp_live)
        return TERN_ERR_VAL;
    tern_tcp_table *tb = tern__tcp_table(s);
    if (!tb)
        return TERN_ERR_MEM;
    tb->alloc = *a;
    tcp_free_list_drain(&tb->sock_cache); /* tern's own memory: not used from now on */
    return TERN_OK;
}

tern_err tern_tcp_move(tern_tcp *t, void *mem)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    if (!mem || !tb->alloc.free || t->busy || t->dead || t->hashed ||
        (t->state != TERN_TCP_CLOSED && t->state != TERN_TCP_LISTEN))
        return TERN_ERR_VAL;
    tern_tcp *n = mem;
    memcpy(n, t, sizeof(*n));
    /* What points at the socket, or finds it by its address: its list
     * link, the wheel's link, its tcp_rare, the children of a listener
     * (unhashed sockets are in no cache). */
    tern__tcp_rare_moved(t, n);
    if (n->pprev) {
        *n->pprev = n;
        if (n->next)
            n->next->pprev = &n->next;
    }
    if (n->wpprev) {
        *n->wpprev = n;
        if (n->wnext)
            n->wnext->wpprev = &n->wnext;
    }
    if (n->state == TERN_TCP_LISTEN)
        for (tern_tcp **head = tern__tcp_table_first(tb); head; head = tern__tcp_table_after(tb, head))
            for (tern_tcp *c = *head; c; c = c->next) {
                if (tern__tcp_listener(c) == t)
                    c->listener = n;
                tcp_rare *x = c->backlog_delayed ? tern__tcp_rare_of(c) : NULL;
                if (x && x->backlog_listener == t)
                    x->backlog_listener = n;
            }
    tb->alloc.free(tb->alloc.ctx, t);
    return TERN_OK;
}

tern_err tern_tcp_set_family(tern_tcp *t, uint8_t type)
{
    if ((type != TERN_ADDR_V4 && type != TERN_ADDR_V6 && type != TERN_ADDR_ANY) || t->state != TERN_TCP_CLOSED ||
        t->hashed)
        return TERN_ERR_VAL;
    /* A CLOSED socket's binding is its address and port alone: cleared
     * here, it binds no more. */
    t->type = type;
    memset(&t->local, 0, sizeof(t->local));
    memset(&t->remote, 0, sizeof(t->remote));
    t->local.type = t->remote.type = type;
    t->local_port = t->remote_port = 0;
    return TERN_OK;
}

/* The sender's state of a socket about to send its first data: a kept
 * one, or a new one (the same bound as sockets: with them it is freed and
 * made again by a churning server whose connections send). */
tcp_flight *tern__tcp_flight_get(tern_tcp *t)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    tcp_flight *f = tb ? tcp_free_list_get(&tb->flight_cache, sizeof(*f)) : calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    tern__tcp_cc_flight_init(f);
    f->rtt_next = t->snd_una; /* its first segment may be timed */
    /* The queue's ends, kept here from now on (a lone SYN or FIN at most
     * before: tern__tcp_q_tail). */
    f->q_tail = t->snd_q;
    f->next_seg = tern__tcp_next_seg(t);
    f->snd_queuelen = tern__tcp_snd_queuelen(t);
    t->fl = f;
    return f;
}

/* Nothing in flight or queued, no recovery open, no probing, for an RTO:
 * CUBIC's epoch, HyStart's round, RACK's last delivery, PRR and the pacing
 * credit all describe a flight that is over (an RTO of idleness is where
 * RFC 5681 4.1 ends a flight too).  What the next flight starts from stays
 * in the socket: cwnd, back to the restart window (RFC 5681 4.1), ssthresh,
 * SRTT and RACK's minimum RTT (CUBIC's new epoch starts from them).  The
 * recovery point goes too: nothing is left below it. */
void tern__tcp_flight_quiet(tern_tcp *t)
{
    if (!t->fl || t->snd_q || t->snd_una != t->snd_max || t->in_recovery || t->persist || t->fl->snd_grant)
        return;
    t->recovered = false;
    tern__tcp_cc_restart_after_idle(t);
    tern__tcp_prr_fold(t);
    tern__tcp_timer_clear(t, TCP_TIMER_RACK);
    tern__tcp_timer_clear(t, TCP_TIMER_PACE);
    tern__tcp_flight_put(t);
}

uint64_t tern__tcp_bytes_acked(const tern_tcp *t)
{
    /* Before our SYN is acknowledged SND.UNA is the ISS: nothing yet. */
    if (t->snd_una == t->iss)
        return 0;
    uint32_t low = tern__tcp_data_offset(t, t->snd_una);
    const tcp_rare *x = tern__tcp_rare_of(t);
    uint64_t wraps = x ? x->acked_wraps : 0;
    return wraps << 32 | low;
}

void tern__tcp_flight_put(tern_tcp *t)
{
    tcp_flight *f = t->fl;
    if (!f)
        return;
    t->fl = NULL;
    tern_tcp_table *tb = t->cls->stack->tcp;
    if (tb)
        tcp_free_list_put(&tb->flight_cache, f, TCP_SOCK_CACHE_MAX);
    else
        free(f);
}

void tern__tcp_count_rare(tern_tcp *t, size_t offset)
{
    tcp_rare *x = tern__tcp_rare(t);
    if (x)
        (*(uint32_t *)(void *)((uint8_t *)x + offset))++;
}

void tern__tcp_prr_fold(tern_tcp *t)
{
    if (!t->fl->prr.out)
        return;
    tcp_rare *x = tern__tcp_rare(t);
    if (x)
        x->prr_sent += t->fl->prr.out;
    t->fl->prr.out = 0;
}

void tern__tcp_add_rare(tern_tcp *t, size_t offset, uint32_t n)
{
    tcp_rare *x = tern__tcp_rare(t);
    if (x)
        *(uint32_t *)(void *)((uint8_t *)x + offset) += n;
}

void tern_tcp_abort(tern_tcp *t)
{
    if (!t)
        return;
    if (synchronized(t) && t->state != TERN_TCP_TIME_WAIT)
        tern__tcp_send_rst_for(t);
    tern__tcp_destroy(t, TERN_ERR_ABRT);
}

/* Sends our FIN after the queued data. */
static int send_fin(tern_tcp *t, tern_tcp_state next)
{
    if (!t->fin_queued) {
        int err = tern__tcp_queue_flags(t, TERN_TCP_FIN);
        if (err) {
            t->close_pending = true; /* tern__tcp_send_queued retries, then moves on */
            t->close_state = next;
            tern__tcp_arm_slow(t);
            return err;
        }
    }
    tern__tcp_set_state(t, next);
    tern__tcp_send_queued(t);
    return TERN_OK;
}

static int close_tx(tern_tcp *t)
{
    switch (t->state) {
    case TERN_TCP_SYN_RCVD:
    case TERN_TCP_ESTABLISHED:
        return send_fin(t, TERN_TCP_FIN_WAIT_1);
    case TERN_TCP_CLOSE_WAIT:
        return send_fin(t, TERN_TCP_LAST_ACK);
    default:
        return TERN_OK;
    }
}

/* The application reads no more: in FIN-WAIT-2 the peer's FIN now has a
 * deadline (tcp_timer.c), counted from here, which the tick keeps. */
static void stop_reading(tern_tcp *t)
{
    if (!t->rx_shut && t->state == TERN_TCP_FIN_WAIT_2)
        t->state_since_ms = tern__stack_now(t->cls->stack);
    t->rx_shut = true;
    tern__tcp_arm_slow(t);
}

int tern_tcp_close(tern_tcp *t)
{
    if (!t)
        return TERN_ERR_ARG;
    switch (t->state) {
    case TERN_TCP_CLOSED:
    case TERN_TCP_LISTEN:
    case TERN_TCP_SYN_SENT:
        tern__tcp_destroy(t, 0);
        return TERN_OK;
    default:
        break;
    }
    stop_reading(t);
    /* Closing with data the application never read: reset instead of a
     * graceful close, so the peer learns the data was lost (RFC 9293
     * 3.10.4, RFC 2525 2.17), as lwIP does. */
    if ((t->state == TERN_TCP_ESTABLISHED || t->state == TERN_TCP_CLOSE_WAIT) &&
        (t->rcv_app_unread || tern__tcp_refused_data(t))) {
        tern__tcp_send_rst_for(t);
        tern__tcp_destroy(t, 0);
        return TERN_OK;
    }
    return close_tx(t);
}

int tern_tcp_shutdown(tern_tcp *t, bool shut_rx, bool shut_tx)
{
    if (!t)
        return TERN_ERR_ARG;
    if (t->state == TERN_TCP_LISTEN)
        return TERN_ERR_CONN;
    if (shut_rx) {
        stop_reading(t);
        if (shut_tx)
            return tern_tcp_close(t);
        tern__tcp_refused_free(t);
    }
    if (shut_tx) {
        if (t->state != TERN_TCP_SYN_RCVD && t->state != TERN_TCP_ESTABLISHED && t->state != TERN_TCP_CLOSE_WAIT)
            return TERN_ERR_CONN;
        return close_tx(t);
    }
    return TERN_OK;
}

void tern__tcp_stack_teardown(tern_stack *s)
{
    tern_tcp_table *tb = s->tcp;
    if (!tb)
        return;
    /* Every connection first, then the listeners (the buckets stay where
     * they are: the table goes after). */
    tern__tcp_table_hold(tb);
    for (tern_tcp **head = tern__tcp_table_first(tb); head; head = tern__tcp_table_after(tb, head))
        while (*head) {
            tern_tcp *t = *head;
            if (t->child) { /* its listener is no concern any more */
                t->child = false;
                t->arg = NULL;
            }
            t->backlog_delayed = false;
            tern__tcp_destroy(t, 0); /* quietly: no err callback */
        }
    tern__tcp_wheel_stop(&tb->wheel);
    tcp_free_list_drain(&tb->seg_cache);
    tcp_free_list_drain(&tb->sock_cache);
    tcp_free_list_drain(&tb->flight_cache);
    tern__tcp_classes_free(tb);
    tern__tcp_rare_table_free(tb);
    free(tb->buckets);
    free(tb);
    s->tcp = NULL;
}
