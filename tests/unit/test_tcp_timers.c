/* tests/unit/test_tcp_timers.c: a socket's deadlines share one stack timer
 * (socket/tcp_timer.c), and the stack's socket lists (socket/tcp_table.c).
 *
 * A transfer under loss and reordering with pacing keeps retransmission,
 * delayed-ACK, RACK and pacing deadlines armed together; at every step of
 * it each stack's timer heap holds at most one entry per connection, the
 * transfer completes byte for byte and the kinds were seen armed together
 * (so the multiplexing was exercised, not just an idle socket).
 *
 * Listeners sit on their own list: a SYN looks at listeners only, however
 * many connections exist, and a socket leaves either list without a walk
 * (its link's address is kept); connect refuses a 4-tuple already in use,
 * found through the hash. */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <string.h>

#include "socket/tcp_impl.h"
#include "tcp_pair.h"
#include "unit_suite.h"

typedef struct timer_watch {
    uint32_t worst;            /* most heap entries one socket held (the link has its own) */
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

/* Heap entries whose callback argument is t. */
static uint32_t heap_entries_of(tern_stack *s, const tern_tcp *t)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->heap_len; i++)
        n += s->heap[i]->arg == t;
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
        uint32_t held = heap_entries_of(stacks[i], ends[i]);
        if (held > w->worst)
            w->worst = held;
        unsigned n = bits(ends[i]->timers_armed);
        if (n > w->most_kinds)
            w->most_kinds = n;
        w->kinds_seen |= ends[i]->timers_armed;
    }
}

static void test_one_heap_entry_per_socket(void)
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

enum { CONNS = 300 };

static tern_err discard(tern_iface *ifc, tern_pbuf *pkt, const tern_addr *next_hop, void *user)
{
    (void)ifc, (void)pkt, (void)next_hop, (void)user;
    return TERN_OK; /* the caller frees the packet */
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
    tern_addr local, remote;
    tern_addr_set_v4(&local, htonl(0xc6120001u));
    for (int i = 0; i < CONNS; i++) {
        tern_tcp *t = tern_tcp_new(s, TERN_ADDR_V4);
        CU_ASSERT_FATAL(t != NULL);
        tern_addr_set_v4(&remote, htonl(0xc6130000u | (uint32_t)i));
        t->local = local;
        t->remote = remote;
        t->local_port = 80;
        t->remote_port = 40000;
        t->reuse = true;
        tern__tcp_hash_insert(t);
        conns[i] = t;
    }
    tern_tcp_table *tb = s->tcp;
    CU_ASSERT_PTR_EQUAL(tb->listeners, l);
    CU_ASSERT_PTR_NULL(l->next);
    CU_ASSERT_EQUAL(list_len(tb->all), CONNS);

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
    CU_ASSERT_EQUAL(child->hash, found_hash);
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
                    CU_ASSERT_EQUAL(list_len(tb->all), (unsigned)(CONNS + 1 - (i / 3 + 1)));
            }
    CU_ASSERT_EQUAL(list_len(tb->all), 1); /* c */
    CU_ASSERT_PTR_EQUAL(tb->all, c);
    CU_ASSERT_PTR_EQUAL(tb->listeners, l);
    tern_tcp_abort(l);
    CU_ASSERT_PTR_NULL(tb->listeners);
    tern_tcp_abort(c);
    CU_ASSERT_PTR_NULL(tb->all);
    tern_stack_free(s);
}

TERN_UNIT_SUITE(tcp_timers)
{
    CU_pSuite s = CU_add_suite("tcp/timers", NULL, NULL);
    CU_add_test(s, "loss, reordering, pacing: at most one heap entry per socket, transfer intact",
                test_one_heap_entry_per_socket);
    CU_add_test(s, "a SYN searches listeners only; sockets leave either list anywhere; connect sees a tuple in use",
                test_listeners_apart);
}
