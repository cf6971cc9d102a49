/* tests/unit/test_tcp_timers.c: a socket's deadlines share one place on
 * the stack's timing wheel (socket/tcp_timer.c, socket/tcp_wheel.c), and
 * the stack's socket lists (socket/tcp_table.c).
 *
 * A transfer under loss and reordering with pacing keeps retransmission,
 * delayed-ACK, RACK and pacing deadlines armed together; at every step of
 * it each stack's timing wheel holds each connection at most once, the
 * transfer completes byte for byte and the kinds were seen armed together
 * (so the multiplexing was exercised, not just an idle socket).
 *
 * Listeners sit on their own list: a SYN looks at listeners only, however
 * many connections exist, and a socket leaves either list without a walk
 * (its link's address is kept); connect refuses a 4-tuple already in use,
 * found through the hash. */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "socket/tcp_impl.h"
#include "tcp_pair.h"
#include "unit_suite.h"

typedef struct timer_watch {
    uint32_t worst;            /* most wheel places one socket held */
    uint32_t most_kinds;       /* most kinds one socket had armed at once */
    uint32_t kinds_seen;       /* union of the kinds seen armed */
} timer_watch;

static unsigned bits(unsigned v)
{
    unsigned n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* Places t holds on its stack's timing wheel (every slot and the late
 * list walked), and whether the wheel's stack timer is armed when t is on
 * it (a socket on the wheel with no timer to reach it would wait forever). */
static uint32_t wheel_entries_of(tern_stack *s, const tern_tcp *t)
{
    tcp_wheel *w = &s->tcp->wheel;
    uint32_t n = 0;
    for (tern_tcp *u = w->late; u; u = u->wnext)
        n += u == t;
    for (unsigned i = 0; i < TCP_WHEEL_ALL; i++)
        for (tern_tcp *u = w->slot[i]; u; u = u->wnext)
            n += u == t;
    if (n && !tern_timer_armed(&w->timer))
        n += 100;
    return n;
}

static void watch_step(tcp_pair *tp, void *ctx)
{
    timer_watch *w = ctx;
    tern_tcp *ends[2] = {tp->client.t, tp->server.t};
    tern_stack *stacks[2] = {tp->sa, tp->sb};
    for (int i = 0; i < 2; i++) {
        if (!ends[i])
            continue;
        uint32_t held = wheel_entries_of(stacks[i], ends[i]);
        if (held > w->worst)
            w->worst = held;
        unsigned n = bits(ends[i]->timers_armed);
        if (n > w->most_kinds)
            w->most_kinds = n;
        w->kinds_seen |= ends[i]->timers_armed;
    }
}

static void test_one_wheel_place_per_socket(void)
{
    static tcp_pair tp;
    static timer_watch w;
    w = (timer_watch){0};
    tern_fault_config f = {.delay_ms = 20, .loss_ppm = 20000, .reorder_ppm = 20000, .reorder_ms = 3, .seed = 5};
    tp_setup(&tp, &f, NULL, NULL);
    tp.on_step = watch_step;
    tp.step_ctx = &w;
    tp_start(&tp, 2u << 20, 1u << 20);
    CU_ASSERT_TRUE(tp_run(&tp, 120000, 0));
    CU_ASSERT_FALSE(tp.client.bad_byte);
    CU_ASSERT_FALSE(tp.server.bad_byte);
    CU_ASSERT_EQUAL(tp.server.received, 2u << 20);
    CU_ASSERT_EQUAL(tp.client.received, 1u << 20);
    CU_ASSERT_EQUAL(w.worst, 1);
    CU_ASSERT(w.most_kinds >= 2);
    CU_ASSERT(w.kinds_seen & (1u << TCP_TIMER_RTX));
    CU_ASSERT(w.kinds_seen & (1u << TCP_TIMER_ACK));
    CU_ASSERT(w.kinds_seen & (1u << TCP_TIMER_PACE));
    tp_teardown(&tp);
}

static uint32_t fixed_clock(void *arg)
{
    (void)arg;
    return 1000;
}

static unsigned list_len(const tern_tcp *t)
{
    unsigned n = 0;
    for (; t; t = t->next)
        n++;
    return n;
}

/* Sockets not listening: the unhashed ones and every bucket's. */
static unsigned conns_len(tern_tcp_table *tb)
{
    unsigned n = 0;
    for (tern_tcp **list = tern__tcp_table_first(tb); list; list = tern__tcp_table_after(tb, list))
        if (list != &tb->listeners)
            n += list_len(*list);
    return n;
}

enum { CONNS = 300 };

static tern_err discard(tern_iface *ifc, tern_pbuf *pkt, const tern_addr *next_hop, void *user)
{
    (void)ifc, (void)pkt, (void)next_hop, (void)user;
    return TERN_OK; /* the caller frees the packet */
}

/* n connections on port 80 of 198.18.0.1 from 198.19.0.i:40000, in the
 * hash (out[i] each, when given); children of listener not yet accepted
 * when it is given. */
static void hash_conns(tern_stack *s, int n, tern_tcp *listener, tern_tcp **out)
{
    tern_addr local, remote;
    tern_addr_set_v4(&local, htonl(0xc6120001u));
    for (int i = 0; i < n; i++) {
        tern_tcp *t = tern_tcp_new(s, TERN_ADDR_V4);
        CU_ASSERT_FATAL(t != NULL);
        tern_addr_set_v4(&remote, htonl(0xc6130000u | (uint32_t)i));
        t->local = local;
        t->remote = remote;
        t->local_port = 80;
        t->remote_port = 40000;
        t->reuse = true;
        if (listener) { /* a child not yet accepted */
            t->listener = listener;
            t->child = true;
        }
        tern__tcp_hash_insert(t);
        if (out)
            out[i] = t;
    }
}

static void test_listeners_apart(void)
{
    tern_config cfg = {.clock = fixed_clock, .seed = 3};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    tern_tcp *l = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(l != NULL);
    l->reuse = true; /* the connections below share its port */
    CU_ASSERT_EQUAL(tern_tcp_bind(l, NULL, 80), 0);
    CU_ASSERT_EQUAL(tern_tcp_listen(l, 8), 0);
    static tern_tcp *conns[CONNS];
    hash_conns(s, CONNS, NULL, conns);
    tern_addr local;
    tern_addr_set_v4(&local, htonl(0xc6120001u));
    tern_tcp_table *tb = s->tcp;
    CU_ASSERT_PTR_EQUAL(tb->listeners, l);
    CU_ASSERT_PTR_NULL(l->next);
    CU_ASSERT_EQUAL(conns_len(tb), CONNS);

    /* A SYN from a new tuple: no connection, the listener. */
    tern_ip_meta m;
    memset(&m, 0, sizeof(m));
    m.dst = local;
    tern_addr_set_v4(&m.src, htonl(0xc613ff01u));
    tern_tcp *found_l = NULL;
    uint32_t found_hash = 0;
    CU_ASSERT_PTR_NULL(tern__tcp_lookup(s, &m, 40000, 80, &found_l, &found_hash));
    CU_ASSERT_PTR_EQUAL(found_l, l);
    /* The hash handed out for a new child is the one the table computes
     * for its tuple. */
    tern_tcp *child = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(child != NULL);
    child->local = local;
    child->remote = m.src;
    child->local_port = 80;
    child->remote_port = 40000;
    tern__tcp_hash_insert(child);
    CU_ASSERT_EQUAL(tern__tcp_tuple_hash_of(child), found_hash);
    /* Found, from the hit caches (the insertion filled its slot), twice;
     * once gone, not even from there (its memory stays in the socket
     * cache: a stale entry would still match). */
    uint32_t again = 0;
    CU_ASSERT_PTR_EQUAL(tern__tcp_lookup(s, &m, 40000, 80, &found_l, &again), child);
    CU_ASSERT_PTR_EQUAL(tern__tcp_lookup(s, &m, 40000, 80, &found_l, &again), child);
    tern_tcp_abort(child);
    CU_ASSERT_PTR_NULL(tern__tcp_lookup(s, &m, 40000, 80, &found_l, &again));
    CU_ASSERT_PTR_EQUAL(found_l, l);
    CU_ASSERT_EQUAL(again, found_hash);
    /* An existing tuple: its connection. */
    tern_addr_set_v4(&m.src, htonl(0xc6130000u | 17u));
    CU_ASSERT_PTR_EQUAL(tern__tcp_lookup(s, &m, 40000, 80, &found_l, &found_hash), conns[17]);
    CU_ASSERT_PTR_EQUAL(tern__tcp_find_tuple(s, &local, 80, &m.src, 40000), conns[17]);

    /* Connecting over a tuple in use is refused (the hash finds it). */
    tern_tcp *c = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(c != NULL);
    tern_iface *ifc = tern_iface_add(s, discard, NULL);
    CU_ASSERT_FATAL(ifc != NULL);
    tern_iface_set_ipv4(ifc, htonl(0xc6120001u), htonl(0xfffe0000u), 0);
    tern_iface_set_up(ifc, true);
    c->reuse = true; /* beside the connections on port 80 */
    CU_ASSERT_EQUAL(tern_tcp_bind(c, &local, 80), 0);
    CU_ASSERT_EQUAL(tern_tcp_connect(c, &m.src, 40000, NULL), TERN_ERR_USE);

    /* Sockets leave from anywhere in the list: every third, then the rest. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < CONNS; i++)
            if (conns[i] && (pass || i % 3 == 1)) {
                tern_tcp_abort(conns[i]);
                conns[i] = NULL;
                if (!pass)
                    CU_ASSERT_EQUAL(conns_len(tb), (unsigned)(CONNS + 1 - (i / 3 + 1)));
            }
    CU_ASSERT_EQUAL(conns_len(tb), 1); /* c */
    CU_ASSERT_PTR_EQUAL(tb->unhashed, c); /* bound, never connected: in no bucket */
    CU_ASSERT_PTR_NULL(c->next);
    CU_ASSERT_PTR_EQUAL(tb->listeners, l);
    tern_tcp_abort(l);
    CU_ASSERT_PTR_NULL(tb->listeners);
    tern_tcp_abort(c);
    CU_ASSERT_PTR_NULL(tb->unhashed);
    CU_ASSERT_EQUAL(conns_len(tb), 0);
    tern_stack_free(s);
}

/* Walks over every socket that destroy some (a listener going takes its
 * children; a stack freed takes everything) while the connection hash
 * would shrink under them: the table keeps its size until the walk ends
 * (a shrink moves every bucket: ASan sees a walk that went on in the old
 * ones), then shrinks. */
enum { MANY = 3000 };


static void test_destroying_walks_hold_the_table(void)
{
    tern_config cfg = {.clock = fixed_clock, .seed = 4};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    tern_tcp *l = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(l != NULL);
    l->reuse = true;
    CU_ASSERT_EQUAL(tern_tcp_bind(l, NULL, 80), 0);
    CU_ASSERT_EQUAL(tern_tcp_listen(l, 8), 0);
    hash_conns(s, MANY, l, NULL);
    tern_tcp_table *tb = s->tcp;
    CU_ASSERT(tb->nbuckets >= 1024);
    CU_ASSERT_EQUAL(tb->nhashed, MANY);
    tern_tcp_abort(l); /* every child goes with it */
    CU_ASSERT_EQUAL(tb->nhashed, 0);
    CU_ASSERT_EQUAL(conns_len(tb), 0);
    CU_ASSERT_EQUAL(tb->nbuckets, 256); /* shrunk once the walk was over */
    hash_conns(s, MANY, NULL, NULL);
    CU_ASSERT_EQUAL(tb->nhashed, MANY);
    tern_stack_free(s); /* every connection, in a table that would shrink */
}

/* ---- the timing wheel against a model ----
 *
 * Closed sockets with deadlines armed directly (retransmission, delayed
 * ACK and the slow tick do nothing for a closed socket but clear their
 * kind when they fire): every deadline, from 0 ms to three days away,
 * must fire at the first poll at or after it and not before, across
 * cascades from every level, a clock that wraps past 2^32, steps from
 * 1 ms to hours, kinds cleared and re-armed earlier and later, and
 * sockets freed while on the wheel. */
static uint32_t model_now;
static uint32_t model_clock(void *arg)
{
    (void)arg;
    return model_now;
}

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* A delay spread over every level of the wheel. */
static uint32_t rnd_delay(void)
{
    switch (rnd() % 6) {
    case 0: return rnd() % 4;                 /* now or nearly */
    case 1: return rnd() % 256;               /* level 0 */
    case 2: return 256 + rnd() % 16128;       /* level 1 */
    case 3: return 16384 + rnd() % 1032192;   /* level 2 */
    case 4: return (1u << 20) + rnd() % (63u << 20); /* level 3 */
    default: return (1u << 26) + rnd() % (1u << 28);   /* level 4: up to three days */
    }
}

enum { WHEEL_SOCKS = 64, WHEEL_KINDS = 3 };
static const enum tcp_timer_kind wheel_kinds[WHEEL_KINDS] = {TCP_TIMER_RTX, TCP_TIMER_ACK, TCP_TIMER_SLOW};

static void test_wheel_model(void)
{
    model_now = 0xffffffffu - 300000u; /* the clock wraps five minutes in */
    rng_state = 12345;
    tern_config cfg = {.clock = model_clock, .seed = 9};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    static tern_tcp *t[WHEEL_SOCKS];
    static bool armed[WHEEL_SOCKS][WHEEL_KINDS];
    static uint32_t due[WHEEL_SOCKS][WHEEL_KINDS];
    memset(armed, 0, sizeof(armed));
    for (int i = 0; i < WHEEL_SOCKS; i++) {
        t[i] = tern_tcp_new(s, TERN_ADDR_V4);
        CU_ASSERT_FATAL(t[i] != NULL);
    }
    unsigned fired = 0, early = 0, late = 0, wrong = 0, replaced = 0;
    for (int step = 0; step < 20000; step++) {
        /* A few changes at this instant. */
        for (int n = (int)(rnd() % 4); n > 0; n--) {
            int i = (int)(rnd() % WHEEL_SOCKS), k = (int)(rnd() % WHEEL_KINDS);
            switch (rnd() % 8) {
            case 0: /* cleared (the wheel keeps the place: found empty later) */
                tern__tcp_timer_clear(t[i], wheel_kinds[k]);
                armed[i][k] = false;
                break;
            case 1: /* the socket goes; a new one takes its index */
                tern_tcp_close(t[i]);
                t[i] = tern_tcp_new(s, TERN_ADDR_V4);
                CU_ASSERT_FATAL(t[i] != NULL);
                memset(armed[i], 0, sizeof(armed[i]));
                replaced++;
                break;
            default: {
                uint32_t d = rnd_delay();
                tern__tcp_timer_set(t[i], wheel_kinds[k], d);
                armed[i][k] = true;
                due[i][k] = model_now + d;
                break;
            }
            }
        }
        /* Time passes: mostly a little, sometimes hours. */
        uint32_t r = rnd() % 100, adv;
        if (r < 60)
            adv = rnd() % 5;
        else if (r < 90)
            adv = rnd() % 400;
        else if (r < 98)
            adv = rnd() % 70000;
        else
            adv = rnd() % (1u << 27);
        /* Not past a deadline by more than the step itself: polled at
         * every deadline on the way, as an event loop sleeping on
         * tern_stack_next_timeout would be. */
        uint32_t target = model_now + adv;
        for (int guard = 0; guard < 100000; guard++) {
            uint32_t next = tern_stack_next_timeout(s);
            uint32_t left = target - model_now;
            uint32_t stepby = next < left ? next : left;
            model_now += stepby;
            tern_stack_poll(s);
            for (int i = 0; i < WHEEL_SOCKS; i++)
                for (int k = 0; k < WHEEL_KINDS; k++) {
                    if (!armed[i][k])
                        continue;
                    bool still = tern__tcp_timer_armed(t[i], wheel_kinds[k]);
                    bool is_due = (int32_t)(model_now - due[i][k]) >= 0;
                    if (!still && !is_due)
                        early++;
                    if (still && is_due && late++ == 0)
                        fprintf(stderr, "late: step %d sock %d kind %d due %u now %u wdue %u on %d late %d cursor %u\n",
                                step, i, k, due[i][k], model_now, t[i]->wdue, tern__tcp_on_wheel(t[i]),
                                t[i]->wlate, s->tcp->wheel.now);
                    if (!still) {
                        fired++;
                        armed[i][k] = false;
                    }
                }
            if (model_now == target)
                break;
        }
        /* Each socket's wheel deadline is its earliest armed one, or
         * earlier (moved later lazily). */
        for (int i = 0; i < WHEEL_SOCKS; i++) {
            bool any = false;
            uint32_t first = 0;
            for (int k = 0; k < WHEEL_KINDS; k++)
                if (armed[i][k] && (!any || (int32_t)(due[i][k] - first) < 0)) {
                    first = due[i][k];
                    any = true;
                }
            if (any && (!tern__tcp_on_wheel(t[i]) || (int32_t)(t[i]->wdue - first) > 0))
                wrong++;
        }
    }
    CU_ASSERT_EQUAL(early, 0);
    CU_ASSERT_EQUAL(late, 0);
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT(fired > 10000);
    CU_ASSERT(replaced > 1000);
    /* The clock wrapped, and the top level was used and cascaded. */
    CU_ASSERT(model_now < 0xffffffffu - 300000u);
    for (int i = 0; i < WHEEL_SOCKS; i++)
        tern_tcp_close(t[i]);
    CU_ASSERT_EQUAL(s->tcp->wheel.count, 0);
    tern_stack_free(s);
}

/* A clock that leaps 25 days (more than 2^31 ms, beyond which deadlines
 * compare as wrapped, the limit tern's clock documents): the wheel stays
 * whole (nothing lost, nothing run twice) and a deadline armed after the
 * leap fires at its own millisecond. */
static void test_wheel_clock_leap(void)
{
    model_now = 5000;
    tern_config cfg = {.clock = model_clock, .seed = 9};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    tern_tcp *a = tern_tcp_new(s, TERN_ADDR_V4), *b = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(a && b);
    tern__tcp_timer_set(a, TCP_TIMER_RTX, 100);
    tern__tcp_timer_set(b, TCP_TIMER_ACK, 40000);
    model_now += 25u * 24 * 3600 * 1000;
    tern__tcp_timer_set(a, TCP_TIMER_ACK, 50); /* armed after the leap */
    tern_stack_poll(s);
    CU_ASSERT_TRUE(tern__tcp_timer_armed(a, TCP_TIMER_ACK));
    CU_ASSERT_EQUAL(s->tcp->wheel.count, 2);
    CU_ASSERT_TRUE(tern__tcp_on_wheel(a) && tern__tcp_on_wheel(b));
    CU_ASSERT_EQUAL(tern_stack_next_timeout(s), 50);
    model_now += 49;
    tern_stack_poll(s);
    CU_ASSERT_TRUE(tern__tcp_timer_armed(a, TCP_TIMER_ACK));
    model_now += 1;
    tern_stack_poll(s);
    CU_ASSERT_FALSE(tern__tcp_timer_armed(a, TCP_TIMER_ACK));
    tern_tcp_close(a);
    tern_tcp_close(b);
    CU_ASSERT_EQUAL(s->tcp->wheel.count, 0);
    tern_stack_free(s);
}

/* A poll function given with the whole callback table
 * (tern_tcp_set_handlers) on an established connection runs on the 500 ms
 * tick although no state change follows to arm it; the keepalive set
 * before connecting starts with the connection (the state change to
 * ESTABLISHED arms the tick). */
static unsigned polls_seen;
static tern_err count_poll(void *arg, tern_tcp *t)
{
    (void)arg, (void)t;
    polls_seen++;
    return TERN_OK;
}

static void test_tick_armed_without_state_change(void)
{
    static tcp_pair tp;
    tern_fault_config f = {.delay_ms = 5, .seed = 1};
    tp_setup(&tp, &f, NULL, NULL);
    tp.paused = true;
    tern_tcp_set_keepalive(tp.listener, true, 1000, 500, 3); /* the child inherits it */
    tp_start(&tp, 0, 0);
    tp_settle(&tp, 200);
    CU_ASSERT_FATAL(tp.client.t != NULL && tp.server.t != NULL);
    CU_ASSERT_EQUAL(tern_tcp_get_state(tp.server.t), TERN_TCP_ESTABLISHED);
    CU_ASSERT_TRUE(tern__tcp_timer_armed(tp.server.t, TCP_TIMER_SLOW));
    CU_ASSERT_EQUAL_FATAL(tern_tcp_get_state(tp.client.t), TERN_TCP_ESTABLISHED);
    CU_ASSERT_FALSE(tern__tcp_timer_armed(tp.client.t, TCP_TIMER_SLOW));
    static tern_tcp_handlers h;
    h = *tp.client.t->cls->h;
    h.poll = count_poll;
    polls_seen = 0;
    tern_tcp_set_handlers(tp.client.t, &h, tern__tcp_hook_ctx(tp.client.t));
    tp_settle(&tp, 2100);
    CU_ASSERT(polls_seen >= 4);
    /* The keepalive probes went out and were answered: still established. */
    CU_ASSERT_EQUAL(tern_tcp_get_state(tp.server.t), TERN_TCP_ESTABLISHED);
    CU_ASSERT_TRUE(tern__tcp_timer_armed(tp.server.t, TCP_TIMER_SLOW));
    tp_teardown(&tp);
}

/* Keepalive figures: a socket's config holds them, so a socket with
 * keepalive on at those figures holds no memory for them; figures of its
 * own live in tcp_rare (a child gets its listener's), and with no memory
 * for them the call says so and changes only the switch. */
extern _Thread_local unsigned tern__tcp_rare_fail_next;
static void test_keepalive_figures(void)
{
    static tcp_pair tp;
    tern_fault_config f = {.delay_ms = 5, .seed = 2};
    tp_setup(&tp, &f, NULL, NULL);
    tern_tcp_config dflt;
    tern_tcp_default_config(&dflt);
    tern_tcp_options o;
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(tp.listener, true, 0, 0, 0), TERN_OK);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(tp.listener));
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(tp.listener, true, dflt.keep_idle_ms, dflt.keep_intvl_ms, dflt.keep_cnt), TERN_OK);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(tp.listener));
    tern_tcp_get_options(tp.listener, &o);
    CU_ASSERT_EQUAL(o.keep_idle_ms, dflt.keep_idle_ms);
    CU_ASSERT_EQUAL(o.keep_cnt, dflt.keep_cnt);
    /* No memory: TERN_ERR_MEM, the figures as they were, the switch set. */
    tern__tcp_rare_fail_next = 1;
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(tp.listener, false, 1000, 0, 0), TERN_ERR_MEM);
    tern_tcp_get_options(tp.listener, &o);
    CU_ASSERT_FALSE(o.keepalive);
    CU_ASSERT_EQUAL(o.keep_idle_ms, dflt.keep_idle_ms);
    /* Its own: 1000 ms idle, the rest as they were. */
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(tp.listener, true, 1000, 0, 0), TERN_OK);
    CU_ASSERT_PTR_NOT_NULL(tern__tcp_rare_of(tp.listener));
    tern_tcp_get_options(tp.listener, &o);
    CU_ASSERT_TRUE(o.keepalive);
    CU_ASSERT_EQUAL(o.keep_idle_ms, 1000);
    CU_ASSERT_EQUAL(o.keep_intvl_ms, dflt.keep_intvl_ms);
    CU_ASSERT_EQUAL(o.keep_cnt, dflt.keep_cnt);
    tp.paused = true;
    tp_start(&tp, 0, 0);
    tp_settle(&tp, 200);
    CU_ASSERT_FATAL(tp.client.t != NULL && tp.server.t != NULL);
    tern_tcp_get_options(tp.server.t, &o); /* the child's */
    CU_ASSERT_TRUE(o.keepalive);
    CU_ASSERT_EQUAL(o.keep_idle_ms, 1000);
    CU_ASSERT_EQUAL(o.keep_intvl_ms, dflt.keep_intvl_ms);
    /* The client's config figures: no memory for them. */
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(tp.client.t, true, 0, 0, 0), TERN_OK);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(tp.client.t));
    /* Back to the config's: the socket's own are no longer used, and its
     * tcp_rare, holding nothing else, goes back. */
    CU_ASSERT_PTR_NOT_NULL(tern__tcp_rare_of(tp.server.t));
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(tp.server.t, true, dflt.keep_idle_ms, 0, 0), TERN_OK);
    tern_tcp_get_options(tp.server.t, &o);
    CU_ASSERT_EQUAL(o.keep_idle_ms, dflt.keep_idle_ms);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(tp.server.t));
    /* One that counted something keeps it. */
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(tp.server.t, true, 1000, 0, 0), TERN_OK);
    TCP_COUNT_RARE(tp.server.t, challenge_acks);
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(tp.server.t, true, dflt.keep_idle_ms, 0, 0), TERN_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tern__tcp_rare_of(tp.server.t));
    CU_ASSERT_EQUAL(tern__tcp_rare_of(tp.server.t)->challenge_acks, 1);
    tp_teardown(&tp);
}

/* Kept sockets, segments and flights come back zeroed whatever their
 * previous life wrote, every byte (tcp_zero's 16-byte stores, the last
 * one overlapping the one before for an odd multiple of 8; memset for the
 * rest). */
static void test_free_list_zeroes(void)
{
    const size_t sizes[] = {sizeof(tern_tcp), sizeof(tcp_seg), sizeof(tcp_flight), sizeof(tcp_rare), 48, 40, 24, 20};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        tcp_free_list fl = {0};
        size_t n = sizes[k];
        uint8_t *o = tcp_free_list_get(&fl, n); /* a new one (calloc) */
        CU_ASSERT_PTR_NOT_NULL_FATAL(o);
        memset(o, 0xa5, n);
        tcp_free_list_put(&fl, o, 4);
        CU_ASSERT_EQUAL(fl.count, 1);
        uint8_t *again = tcp_free_list_get(&fl, n);
        CU_ASSERT_PTR_EQUAL(again, o);
        size_t dirty = 0;
        for (size_t i = 0; i < n; i++)
            dirty += again[i] != 0;
        CU_ASSERT_EQUAL(dirty, 0);
        free(again);
        tcp_free_list_drain(&fl);
    }
}

/* tern_tcp_set_wakeup: the handlers' wakeup once, at the first poll at or
 * after its deadline, with the socket's arg; a new request replaces the
 * old one (earlier or later); 0 cancels; nothing after the socket is
 * gone (ASan: no read of it). */
static unsigned wakes;
static tern_tcp *woken;
static void count_wake(void *arg, tern_tcp *t)
{
    CU_ASSERT_PTR_EQUAL(arg, &wakes);
    woken = t;
    wakes++;
}

static void wake_at(tern_stack *s, uint32_t ms)
{
    model_now = ms;
    tern_stack_poll(s);
}

static void test_wakeup(void)
{
    model_now = 1000;
    tern_config cfg = {.clock = model_clock, .seed = 3};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    tern_tcp *t = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(t != NULL);
    static const tern_tcp_handlers h = {.wakeup = count_wake};
    CU_ASSERT_EQUAL(tern_tcp_set_arg(t, &wakes), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_handlers(t, &h, &wakes), TERN_OK);
    wakes = 0;
    tern_tcp_set_wakeup(t, 100);
    wake_at(s, 1099);
    CU_ASSERT_EQUAL(wakes, 0);
    wake_at(s, 1100);
    CU_ASSERT_EQUAL(wakes, 1);
    CU_ASSERT_PTR_EQUAL(woken, t);
    wake_at(s, 5000);
    CU_ASSERT_EQUAL(wakes, 1); /* once */
    /* Replaced by an earlier one: at 50 ms, not again at 200. */
    tern_tcp_set_wakeup(t, 200);
    tern_tcp_set_wakeup(t, 50);
    wake_at(s, 5050);
    CU_ASSERT_EQUAL(wakes, 2);
    wake_at(s, 5300);
    CU_ASSERT_EQUAL(wakes, 2);
    /* Replaced by a later one: not at 100 ms, at 300. */
    tern_tcp_set_wakeup(t, 100);
    tern_tcp_set_wakeup(t, 300);
    wake_at(s, 5450);
    CU_ASSERT_EQUAL(wakes, 2);
    wake_at(s, 5600);
    CU_ASSERT_EQUAL(wakes, 3);
    /* Cancelled. */
    tern_tcp_set_wakeup(t, 100);
    tern_tcp_set_wakeup(t, 0);
    wake_at(s, 9000);
    CU_ASSERT_EQUAL(wakes, 3);
    /* The socket goes with a wakeup pending: none comes. */
    tern_tcp_set_wakeup(t, 100);
    tern_tcp_abort(t);
    wake_at(s, 20000);
    CU_ASSERT_EQUAL(wakes, 3);
    tern_stack_free(s);
}

/* FIN-WAIT-2 has a deadline once the application stops reading (lwIP's
 * TCP_FIN_WAIT_TIMEOUT, 20 s), counted from that shutdown: a socket still
 * reading there may wait for the peer's FIN as long as the peer likes,
 * and the data it reads meanwhile (autotuning's rounds, whose stamp the
 * state's clock shares) does not move the deadline. */
static void test_fin_wait_2_deadline_from_shutdown(void)
{
    static tcp_pair tp;
    static uint8_t data[4000];
    tp_setup(&tp, NULL, NULL, NULL);
    tp.paused = true; /* the applications neither write nor close */
    tp_start(&tp, 0, 0);
    tp_settle(&tp, 50);
    tern_tcp *ct = tp.client.t;
    CU_ASSERT_PTR_NOT_NULL_FATAL(ct);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tp.server.t);
    CU_ASSERT_EQUAL(tern_tcp_shutdown(ct, false, true), TERN_OK);
    tp_settle(&tp, 50);
    CU_ASSERT_EQUAL(tern_tcp_get_state(ct), TERN_TCP_FIN_WAIT_2);
    /* The peer (CLOSE-WAIT) sends 4000 bytes over 10 s; the client reads them. */
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(tern_tcp_write(tp.server.t, data, 1000, 0), TERN_OK);
        CU_ASSERT_EQUAL(tern_tcp_output(tp.server.t), TERN_OK);
        tp_settle(&tp, 2500);
    }
    CU_ASSERT_EQUAL(tp.client.received, 4000);
    tp_settle(&tp, 15000); /* 25 s in FIN-WAIT-2, reading all along */
    CU_ASSERT_EQUAL(tern_tcp_get_state(ct), TERN_TCP_FIN_WAIT_2);
    uint64_t live = tern_stack_stats(tp.sa)->tcp_live;
    CU_ASSERT_EQUAL(tern_tcp_shutdown(ct, true, false), TERN_OK);
    tp_settle(&tp, 19000);
    CU_ASSERT_EQUAL(tern_tcp_get_state(ct), TERN_TCP_FIN_WAIT_2); /* 19 s after the shutdown */
    CU_ASSERT_EQUAL(tern_stack_stats(tp.sa)->tcp_live, live);
    tp_settle(&tp, 2000);
    CU_ASSERT_EQUAL(tern_stack_stats(tp.sa)->tcp_live, live - 1); /* gone, quietly, by 21 s */
    CU_ASSERT_FALSE(tp.client.err_seen);
    tp.client.t = NULL;
    tp_teardown(&tp);
}

TERN_UNIT_SUITE(tcp_timers)
{
    CU_pSuite s = CU_add_suite("tcp/timers", NULL, NULL);
    CU_add_test(s, "kept sockets, segments and flights come back zeroed", test_free_list_zeroes);
    CU_add_test(s, "loss, reordering, pacing: at most one wheel place per socket, transfer intact",
                test_one_wheel_place_per_socket);
    CU_add_test(s, "a SYN searches listeners only; sockets leave either list anywhere; connect sees a tuple in use",
                test_listeners_apart);
    CU_add_test(s, "timing wheel: every deadline at its first poll, every level, a wrapping clock (model)",
                test_wheel_model);
    CU_add_test(s, "walks that destroy sockets (a listener's children, a stack's end) hold the hash's size",
                test_destroying_walks_hold_the_table);
    CU_add_test(s, "tern_tcp_set_wakeup: once at its deadline, replaced, cancelled, none after the socket",
                test_wakeup);
    CU_add_test(s, "a poll function set with the whole callback table ticks with no state change after",
                test_tick_armed_without_state_change);
    CU_add_test(s, "keepalive figures: the config's cost nothing, a socket's own live in tcp_rare",
                test_keepalive_figures);
    CU_add_test(s, "FIN-WAIT-2's deadline counts from shutdown(SHUT_RD), not from reading before it",
                test_fin_wait_2_deadline_from_shutdown);
    CU_add_test(s, "timing wheel: a clock leaping 25 days keeps the wheel whole and new deadlines exact",
                test_wheel_clock_leap);
}
