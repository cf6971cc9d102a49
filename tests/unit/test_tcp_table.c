/* tests/unit/test_tcp_table.c: the connection hash table (socket/tcp_table.c).
 *
 * A wave of connections grows the table; every connection stays findable
 * by its 4-tuple through each regrowth (a socket keeps its tuple's hash and
 * rehashing uses it); as they leave, the table shrinks back to its minimum
 * of 256 buckets, still finding the ones left, so a closed wave leaves no
 * empty buckets behind.  Over IPv4 and IPv6.  Beside it, what else the
 * table keeps for its sockets: their classes (settings and callbacks),
 * and the memory they live in when an application gives it. */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "socket/tcp_impl.h"
#include "tcp_pair.h"
#include "unit_suite.h"

enum { WAVE = 5000, KEEP = 7 };

static uint32_t fixed_clock(void *arg)
{
    (void)arg;
    return 1000;
}

/* The i-th connection's tuple: 198.18.0.1:80 (or 2001:db8::1) towards
 * 198.19.x.y:port (or 2001:db8::2:x:y), ports and addresses varying. */
static void tuple(int i, bool v6, tern_addr *local, tern_addr *remote, uint16_t *rport)
{
    if (v6) {
        uint8_t l[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
        uint8_t r[16] = {0x20, 0x01, 0x0d, 0xb8, [13] = 2, [14] = (uint8_t)(i >> 8), [15] = (uint8_t)i};
        tern_addr_set_v6(local, l);
        tern_addr_set_v6(remote, r);
    } else {
        tern_addr_set_v4(local, htonl(0xc6120001u));
        tern_addr_set_v4(remote, htonl(0xc6130000u | (uint32_t)(i % 97)));
    }
    *rport = (uint16_t)(1024 + i);
}

static tern_tcp *find(tern_stack *s, int i, bool v6)
{
    tern_ip_meta m;
    memset(&m, 0, sizeof(m));
    uint16_t rport;
    tuple(i, v6, &m.dst, &m.src, &rport);
    tern_tcp *listener;
    uint32_t hash;
    return tern__tcp_lookup(s, &m, rport, 80, &listener, &hash);
}

static void wave(bool v6)
{
    tern_config cfg = {.clock = fixed_clock, .seed = 7};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    static tern_tcp *socks[WAVE];
    for (int i = 0; i < WAVE; i++) {
        tern_tcp *t = tern_tcp_new(s, v6 ? TERN_ADDR_V6 : TERN_ADDR_V4);
        CU_ASSERT_FATAL(t != NULL);
        tuple(i, v6, &t->local, &t->remote, &t->remote_port);
        t->local_port = 80;
        tern__tcp_hash_insert(t);
        socks[i] = t;
    }
    tern_tcp_table *tb = s->tcp;
    /* Grown: never more than two sockets per bucket on average, and not
     * one bucket per socket either (8 bytes a connection, not 16). */
    CU_ASSERT(tb->nbuckets * 2 >= WAVE);
    CU_ASSERT(tb->nbuckets < WAVE);
    CU_ASSERT_EQUAL(tb->nhashed, WAVE);
    int found = 0;
    for (int i = 0; i < WAVE; i++)
        found += find(s, i, v6) == socks[i];
    CU_ASSERT_EQUAL(found, WAVE);
    /* All but KEEP leave, odd ones first, so each shrink rehashes a mix. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = KEEP + pass; i < WAVE; i += 2) {
            tern_tcp_abort(socks[i]);
            socks[i] = NULL;
        }
    CU_ASSERT_EQUAL(tb->nhashed, KEEP);
    CU_ASSERT_EQUAL(tb->nbuckets, 256); /* back to the minimum */
    found = 0;
    int gone = 0;
    for (int i = 0; i < WAVE; i++) {
        tern_tcp *t = find(s, i, v6);
        if (i < KEEP)
            found += t == socks[i];
        else
            gone += t == NULL;
    }
    CU_ASSERT_EQUAL(found, KEEP);
    CU_ASSERT_EQUAL(gone, WAVE - KEEP);
    for (int i = 0; i < KEEP; i++)
        tern_tcp_abort(socks[i]);
    CU_ASSERT_EQUAL(tb->nhashed, 0);
    tern_stack_free(s);
}

static void test_wave_v4(void) { wave(false); }
static void test_wave_v6(void) { wave(true); }

/* Sockets share their settings: one class per distinct configuration, the
 * sockets made before a change keep theirs, and tern_tcp_set_cc changes
 * one socket only. */
static void test_shared_settings(void)
{
    tern_config cfg = {.clock = fixed_clock, .seed = 9};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    tern_tcp *a = tern_tcp_new(s, TERN_ADDR_V4), *b = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(a && b);
    CU_ASSERT_PTR_EQUAL(a->cls, b->cls);
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    c.rcv_buf = 12345;
    c.cc = TERN_TCP_CC_NEWRENO;
    tern_stack_set_tcp_config(s, &c);
    tern_tcp *d = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(d != NULL);
    CU_ASSERT_EQUAL(d->cls->cfg.rcv_buf, 12345);
    CU_ASSERT_EQUAL(d->rcv_buf, 12345);
    CU_ASSERT_EQUAL(d->cc, TERN_TCP_CC_NEWRENO);
    CU_ASSERT_NOT_EQUAL(a->cls->cfg.rcv_buf, 12345); /* made before: unchanged */
    /* The same settings again: the same copy, not a new one. */
    tern_tcp_config again = c;
    tern_stack_set_tcp_config(s, &again);
    tern_tcp *e = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(e != NULL);
    CU_ASSERT_PTR_EQUAL(e->cls, d->cls);
    /* Back to the defaults: the first copy. */
    tern_tcp_default_config(&c);
    tern_stack_set_tcp_config(s, &c);
    tern_tcp *f = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_PTR_EQUAL(f->cls, a->cls);
    unsigned classes = 0;
    for (tcp_class *k = s->tcp->classes; k; k = k->next)
        classes++;
    CU_ASSERT_EQUAL(classes, 2);
    tern_tcp_set_cc(e, TERN_TCP_CC_CUBIC);
    CU_ASSERT_EQUAL(e->cc, TERN_TCP_CC_CUBIC);
    CU_ASSERT_EQUAL(d->cc, TERN_TCP_CC_NEWRENO);
    tern_stack_free(s); /* frees the sockets and the copies (ASan: no leak) */
}

/* Callbacks live in tables shared through the stack: sockets given the
 * same functions point at one table, setting one callback keeps the
 * others, a caller's static table is used as is, and each abort reaches
 * the socket's own err callback (arg) and destroy hook (ctx). */
static int err_calls, hook_calls;
static void *err_arg, *hook_ctx_seen;
static tern_err err_code, hook_code;
static void on_err_a(void *arg, tern_err err)
{
    err_calls++;
    err_arg = arg;
    err_code = err;
}
static void on_err_b(void *arg, tern_err err)
{
    on_err_a(arg, err);
    err_calls += 100;
}
static void on_hook(void *ctx, tern_err err)
{
    hook_calls++;
    hook_ctx_seen = ctx;
    hook_code = err;
}
static tern_err on_poll(void *arg, tern_tcp *t)
{
    (void)arg;
    (void)t;
    return TERN_OK;
}

static unsigned handler_sets(tern_stack *s)
{
    unsigned n = 0;
    for (struct tcp_handler_set *p = s->tcp->handler_sets; p; p = *(struct tcp_handler_set **)p)
        n++;
    return n;
}

static void test_shared_handlers(void)
{
    tern_config cfg = {.clock = fixed_clock, .seed = 11};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    tern_tcp *a = tern_tcp_new(s, TERN_ADDR_V4), *b = tern_tcp_new(s, TERN_ADDR_V4), *c = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(a && b && c);
    CU_ASSERT_PTR_EQUAL(a->cls->h, &tern__tcp_no_handlers);
    int ka, kb, kc, hooka;
    tern_tcp_set_arg(a, &ka);
    tern_tcp_set_arg(b, &kb);
    tern_tcp_set_arg(c, &kc);
    CU_ASSERT_EQUAL(tern_tcp_set_callbacks(a, NULL, NULL, on_err_a), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_destroy_hook(a, on_hook, &hooka), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_callbacks(b, NULL, NULL, on_err_a), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_destroy_hook(b, on_hook, &hooka), TERN_OK);
    CU_ASSERT_PTR_EQUAL(a->cls->h, b->cls->h); /* the same functions: one table */
    CU_ASSERT_EQUAL(handler_sets(s), 2); /* {err} on the way, {err, hook} */
    /* One more callback keeps the others. */
    CU_ASSERT_EQUAL(tern_tcp_set_poll(b, on_poll, 4), TERN_OK);
    CU_ASSERT_PTR_NOT_EQUAL(a->cls->h, b->cls->h);
    CU_ASSERT_PTR_EQUAL(b->cls->h->err, on_err_a);
    CU_ASSERT_PTR_EQUAL(b->cls->h->on_destroy, on_hook);
    CU_ASSERT_PTR_EQUAL(b->cls->h->poll, on_poll);
    CU_ASSERT_EQUAL(b->poll_interval, 4);
    /* A static table of the caller's: used as it is, nothing added. */
    static const tern_tcp_handlers mine = {.err = on_err_b, .on_destroy = on_hook};
    unsigned before = handler_sets(s);
    tern_tcp_set_handlers(c, &mine, &kc);
    CU_ASSERT_PTR_EQUAL(c->cls->h, &mine);
    CU_ASSERT_EQUAL(tern_tcp_set_poll(c, NULL, 9), TERN_OK); /* the function it has: the interval only */
    CU_ASSERT_PTR_EQUAL(c->cls->h, &mine);
    CU_ASSERT_EQUAL(c->poll_interval, 9);
    CU_ASSERT_EQUAL(handler_sets(s), before);
    /* Each abort reaches that socket's callbacks with its arg and ctx. */
    tern_tcp_abort(a);
    CU_ASSERT_EQUAL(err_calls, 1);
    CU_ASSERT_PTR_EQUAL(err_arg, &ka);
    CU_ASSERT_EQUAL(err_code, TERN_ERR_ABRT);
    CU_ASSERT_EQUAL(hook_calls, 1);
    CU_ASSERT_PTR_EQUAL(hook_ctx_seen, &hooka);
    CU_ASSERT_EQUAL(hook_code, TERN_ERR_ABRT);
    tern_tcp_abort(c);
    CU_ASSERT_EQUAL(err_calls, 102);
    CU_ASSERT_PTR_EQUAL(err_arg, &kc);
    CU_ASSERT_EQUAL(hook_calls, 2);
    CU_ASSERT_PTR_EQUAL(hook_ctx_seen, &kc);
    /* No callbacks: the abort tells nobody. */
    tern_tcp_set_handlers(b, NULL, NULL);
    CU_ASSERT_PTR_EQUAL(b->cls->h, &tern__tcp_no_handlers);
    tern_tcp_abort(b);
    CU_ASSERT_EQUAL(err_calls, 102);
    CU_ASSERT_EQUAL(hook_calls, 2);
    tern_stack_free(s); /* frees the tables (ASan: no leak) */
}

/* The hooks' context costs a socket nothing when it is the socket's arg
 * (compat passes the same pointer for both); another one is kept in
 * tcp_rare, and an arg changed under hooks that used the old one leaves
 * them that one.  With no memory for it the setters refuse and change
 * nothing.  A listener takes no poll function (its counts share the
 * poll's bytes). */
extern _Thread_local unsigned tern__tcp_rare_fail_next;
static void test_hook_context(void)
{
    tern_config cfg = {.clock = fixed_clock, .seed = 12};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    tern_tcp *a = tern_tcp_new(s, TERN_ADDR_V4), *b = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(a && b);
    static const tern_tcp_handlers hooks = {.on_destroy = on_hook};
    int ka, kb, other;
    CU_ASSERT_EQUAL(tern_tcp_set_arg(a, &ka), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_handlers(a, &hooks, &ka), TERN_OK);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(a)); /* the arg: nothing kept */
    /* Another context: refused without memory, then kept in tcp_rare. */
    tern__tcp_rare_fail_next = 1;
    CU_ASSERT_EQUAL(tern_tcp_set_handlers(a, &hooks, &other), TERN_ERR_MEM);
    CU_ASSERT_PTR_EQUAL(tern__tcp_hook_ctx(a), &ka);
    CU_ASSERT_EQUAL(tern_tcp_set_handlers(a, &hooks, &other), TERN_OK);
    CU_ASSERT_PTR_NOT_NULL(tern__tcp_rare_of(a));
    CU_ASSERT_PTR_EQUAL(tern__tcp_hook_ctx(a), &other);
    CU_ASSERT_PTR_EQUAL(tern_tcp_get_arg(a), &ka);
    /* b: hooks on its arg, then the arg changes: the hooks keep the old. */
    CU_ASSERT_EQUAL(tern_tcp_set_arg(b, &kb), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_handlers(b, &hooks, &kb), TERN_OK);
    tern__tcp_rare_fail_next = 1;
    CU_ASSERT_EQUAL(tern_tcp_set_arg(b, &other), TERN_ERR_MEM);
    CU_ASSERT_PTR_EQUAL(tern_tcp_get_arg(b), &kb);
    CU_ASSERT_EQUAL(tern_tcp_set_arg(b, &other), TERN_OK);
    CU_ASSERT_PTR_EQUAL(tern_tcp_get_arg(b), &other);
    CU_ASSERT_PTR_EQUAL(tern__tcp_hook_ctx(b), &kb);
    hook_calls = 0;
    tern_tcp_abort(b);
    CU_ASSERT_EQUAL(hook_calls, 1);
    CU_ASSERT_PTR_EQUAL(hook_ctx_seen, &kb);
    tern_tcp_abort(a);
    CU_ASSERT_EQUAL(hook_calls, 2);
    CU_ASSERT_PTR_EQUAL(hook_ctx_seen, &other);
    /* The hooks given the new arg again (compat's listener, moved into a
     * slot of its own): nothing left to keep, tcp_rare goes back. */
    tern_tcp *m = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(m != NULL);
    CU_ASSERT_EQUAL(tern_tcp_set_arg(m, &ka), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_handlers(m, &hooks, &ka), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_arg(m, &kb), TERN_OK);
    CU_ASSERT_PTR_NOT_NULL(tern__tcp_rare_of(m));
    CU_ASSERT_PTR_EQUAL(tern__tcp_hook_ctx(m), &ka);
    CU_ASSERT_EQUAL(tern_tcp_set_handlers(m, &hooks, &kb), TERN_OK);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(m));
    CU_ASSERT_PTR_EQUAL(tern__tcp_hook_ctx(m), &kb);
    tern_tcp_abort(m);
    CU_ASSERT_EQUAL(hook_calls, 3);
    CU_ASSERT_PTR_EQUAL(hook_ctx_seen, &kb);
    /* A listener: no poll; its backlog stays what tern_tcp_listen set. */
    tern_tcp *l = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(l != NULL);
    CU_ASSERT_EQUAL(tern_tcp_set_poll(l, on_poll, 7), TERN_OK); /* before listening: a poll interval */
    CU_ASSERT_EQUAL(tern_tcp_bind(l, NULL, 7100), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_listen(l, 5), TERN_OK);
    CU_ASSERT_EQUAL(l->backlog, 5);
    CU_ASSERT_EQUAL(l->pending, 0);
    CU_ASSERT_EQUAL(l->half_open, 0);
    CU_ASSERT_EQUAL(tern_tcp_set_poll(l, on_poll, 200), TERN_ERR_VAL);
    CU_ASSERT_EQUAL(l->backlog, 5);
    CU_ASSERT_EQUAL(l->half_open, 0);
    tern__tcp_rare_fail_next = 0; /* (each refusal above consumed its one) */
    tern_stack_free(s);
}

/* RFC 9293 3.10.7.4 and RFC 6191: a SYN for a tuple in TIME-WAIT whose
 * sequence number (or timestamp) is past the old incarnation's opens a new
 * connection at once.  The server closes first, so its end of the tuple
 * waits in TIME-WAIT; the client connects again from the same port 50 ms
 * later.  Answered with an ACK instead (as if the SYN were a stray
 * segment of the old connection), the client would reset it and try again
 * only when its SYN's timer fires, a second later. */
static void test_time_wait_tuple_reopened(void)
{
    tcp_pair tp;
    tp_setup(&tp, NULL, NULL, NULL);
    CU_ASSERT_EQUAL(tern_tcp_bind(tp.client.t, NULL, 40000), 0);
    tp_start(&tp, 0, 3000); /* the server sends, then closes first */
    CU_ASSERT_TRUE_FATAL(tp_run(&tp, 5000, 100000));
    tp_settle(&tp, 20); /* the client's FIN, the server's ACK */
    tern_addr srv, cli;
    tern_addr_set_v4(&srv, 0x020012c6u);
    tern_addr_set_v4(&cli, 0x010012c6u);
    tern_tcp *old = tern__tcp_find_tuple(tp.sb, &srv, 5001, &cli, 40000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(old);
    CU_ASSERT_EQUAL(tern_tcp_get_state(old), TERN_TCP_TIME_WAIT);
    uint64_t resets = tern_stack_stats(tp.sb)->tcp_rst_out + tern_stack_stats(tp.sa)->tcp_rst_out;

    tp_settle(&tp, 30); /* 50 ms after the close */
    tp_renew(&tp, 40000);
    CU_ASSERT_EQUAL(tp_client_port(&tp), 40000);
    uint32_t start = tp.now_ms;
    tp_start(&tp, 2000, 2000);
    CU_ASSERT_TRUE(tp_run(&tp, 5000, 100000));
    CU_ASSERT_EQUAL(tp.client.received, 2000);
    CU_ASSERT_EQUAL(tp.server.received, 2000);
    CU_ASSERT_FALSE(tp.client.bad_byte || tp.server.bad_byte);
    /* At once: no SYN retransmission (its timer is a second), no reset. */
    CU_ASSERT(tp.now_ms - start < 500);
    CU_ASSERT_EQUAL(tern_stack_stats(tp.sb)->tcp_rst_out + tern_stack_stats(tp.sa)->tcp_rst_out, resets);
    tp_teardown(&tp);
}

/* An allocator that keeps count of the blocks it gave (tern_tcp_allocator). */
enum { BLOCKS = 64 };
typedef struct counting {
    void *live[BLOCKS];
    int allocs, frees;
    int cap; /* blocks out at once before it refuses (0: BLOCKS) */
} counting;

static void *count_alloc(void *ctx)
{
    counting *k = ctx;
    if (k->cap && k->allocs - k->frees >= k->cap)
        return NULL;
    for (int i = 0; i < BLOCKS; i++)
        if (!k->live[i]) {
            k->allocs++;
            return k->live[i] = calloc(1, tern_tcp_size());
        }
    return NULL;
}

static void count_free(void *ctx, void *mem)
{
    counting *k = ctx;
    for (int i = 0; i < BLOCKS; i++)
        if (k->live[i] == mem) {
            k->live[i] = NULL;
            k->frees++;
            free(mem);
            return;
        }
    CU_FAIL("freed a block the allocator never gave");
}

static bool counted(const counting *k, const void *p)
{
    for (int i = 0; i < BLOCKS; i++)
        if (k->live[i] == p)
            return true;
    return false;
}

/* A stack whose sockets live in memory its application gives: the
 * listener and the child its SYN made come from the allocator, the
 * connection works, an allocator set once sockets exist is refused, and
 * every block goes back when the stack is freed. */
static void test_sockets_in_given_memory(void)
{
    counting k = {0};
    tern_tcp_allocator a = {.alloc = count_alloc, .free = count_free, .ctx = &k};
    tcp_pair tp;
    tp_setup_alloc(&tp, NULL, NULL, NULL, &a);
    CU_ASSERT_EQUAL(k.allocs, 1);
    CU_ASSERT_TRUE(counted(&k, tp.listener));
    CU_ASSERT_EQUAL(tern_stack_set_tcp_allocator(tp.sb, &a), TERN_ERR_VAL);
    tp_start(&tp, 30000, 30000);
    CU_ASSERT_TRUE(tp_run(&tp, 10000, 1000000));
    CU_ASSERT_EQUAL(tp.client.received, 30000);
    CU_ASSERT_EQUAL(tp.server.received, 30000);
    CU_ASSERT_FALSE(tp.client.bad_byte || tp.server.bad_byte);
    CU_ASSERT_EQUAL(k.allocs, 2); /* the listener, the child */
    /* Only CLOSED or LISTEN sockets move. */
    tp_renew(&tp, 0);
    tp_start(&tp, 1000, 1000);
    for (int i = 0; i < 200 && !(tp.server.t && tern_tcp_get_state(tp.server.t) == TERN_TCP_ESTABLISHED); i++)
        tp_settle(&tp, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tp.server.t);
    CU_ASSERT_TRUE(counted(&k, tp.server.t));
    void *mem = count_alloc(&k);
    CU_ASSERT_EQUAL(tern_tcp_move(tp.server.t, mem), TERN_ERR_VAL);
    count_free(&k, mem);
    CU_ASSERT_TRUE(tp_run(&tp, 10000, 1000000));
    tp_settle(&tp, 70000); /* TIME-WAIT runs out */
    tp_teardown(&tp);
    CU_ASSERT_EQUAL(k.allocs, k.frees);
}

/* A SYN that finds no memory for its socket: dropped, and the listener's
 * accept hears of it (child NULL, TERN_ERR_MEM), once per SYN, as lwIP's
 * does; the client's retransmitted SYN connects once memory is back. */
static int mem_accepts, ok_accepts;
static tern_err short_accept(void *arg, tern_tcp *child, tern_err err)
{
    tcp_pair *tp = arg;
    if (!child) {
        CU_ASSERT_EQUAL(err, TERN_ERR_MEM);
        mem_accepts++;
        return err;
    }
    ok_accepts++;
    CU_ASSERT_PTR_EQUAL(tern_tcp_get_arg(child), arg); /* the listener's, until the application sets its own */
    tp->server.t = child;
    return TERN_OK;
}

static void test_syn_without_memory(void)
{
    counting k = {.cap = 1};
    tern_tcp_allocator a = {.alloc = count_alloc, .free = count_free, .ctx = &k};
    tcp_pair tp;
    tp_setup_alloc(&tp, NULL, NULL, NULL, &a);
    mem_accepts = ok_accepts = 0;
    CU_ASSERT_EQUAL(tern_tcp_set_accept(tp.listener, short_accept), TERN_OK);
    tp.paused = true; /* the applications neither write nor close */
    tp_start(&tp, 0, 0);
    tp_settle(&tp, 500);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tp.client.t);
    CU_ASSERT_EQUAL(mem_accepts, 1); /* the SYN, not yet retransmitted */
    CU_ASSERT_EQUAL(ok_accepts, 0);
    CU_ASSERT_EQUAL(tern_tcp_get_state(tp.client.t), TERN_TCP_SYN_SENT);
    k.cap = 0;
    tp_settle(&tp, 3000); /* the SYN again, after its RTO */
    CU_ASSERT_EQUAL(mem_accepts, 1);
    CU_ASSERT_EQUAL(ok_accepts, 1);
    CU_ASSERT_EQUAL(tern_tcp_get_state(tp.client.t), TERN_TCP_ESTABLISHED);
    tp_teardown(&tp);
    CU_ASSERT_EQUAL(k.allocs, k.frees);
}

/* A CLOSED socket keeps its binding when it moves (the port stays taken,
 * the old memory goes back), listens where it moved, and moves again as
 * a listener; a socket's family changes only while CLOSED, unbinding it. */
static void test_move_and_family(void)
{
    counting k = {0};
    tern_tcp_allocator a = {.alloc = count_alloc, .free = count_free, .ctx = &k};
    tern_config cfg = {.clock = fixed_clock, .seed = 5};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(tern_stack_set_tcp_allocator(s, &a), TERN_OK);
    tern_tcp *t = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_EQUAL(tern_tcp_bind(t, NULL, 7000), TERN_OK);
    /* Keepalive figures of its own: a tcp_rare, found by the socket's
     * address, which the move changes. */
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(t, true, 1234, 0, 0), TERN_OK);
    CU_ASSERT_PTR_NOT_NULL(tern__tcp_rare_of(t));
    tern_tcp *m = count_alloc(&k);
    CU_ASSERT_EQUAL(tern_tcp_move(t, m), TERN_OK);
    CU_ASSERT_FALSE(counted(&k, t)); /* the old memory went back */
    CU_ASSERT_PTR_NOT_NULL_FATAL(tern__tcp_rare_of(m));
    CU_ASSERT_EQUAL(tern__tcp_rare_of(m)->keep_idle, 1234);
    CU_ASSERT_EQUAL(s->tcp->rare_count, 1);
    tern_tcp_options opt;
    tern_tcp_get_options(m, &opt);
    CU_ASSERT_EQUAL(opt.keep_idle_ms, 1234);
    /* A new socket at the old address holds none. */
    tern_tcp *again = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_FATAL(again != NULL);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(again));
    CU_ASSERT_EQUAL(tern_tcp_set_keepalive(again, true, 999, 0, 0), TERN_OK);
    CU_ASSERT_EQUAL(tern__tcp_rare_of(again)->keep_idle, 999);
    CU_ASSERT_EQUAL(tern__tcp_rare_of(m)->keep_idle, 1234);
    CU_ASSERT_EQUAL(s->tcp->rare_count, 2);
    tern_tcp_abort(again);
    tern_tcp_tuple tu;
    tern_tcp_get_tuple(m, &tu);
    CU_ASSERT_EQUAL(tu.local_port, 7000);
    tern_tcp *other = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_EQUAL(tern_tcp_bind(other, NULL, 7000), TERN_ERR_USE);
    CU_ASSERT_EQUAL(tern_tcp_listen(m, 4), TERN_OK);
    tern_tcp *m2 = count_alloc(&k);
    CU_ASSERT_EQUAL(tern_tcp_move(m, m2), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_get_state(m2), TERN_TCP_LISTEN);
    CU_ASSERT_EQUAL(tern_tcp_bind(other, NULL, 7000), TERN_ERR_USE);
    CU_ASSERT_EQUAL(tern_tcp_set_family(m2, TERN_ADDR_V6), TERN_ERR_VAL); /* listening */
    /* other: bound, then another family, unbound: the port is free again. */
    CU_ASSERT_EQUAL(tern_tcp_bind(other, NULL, 7001), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_family(other, TERN_ADDR_V6), TERN_OK);
    tern_tcp_get_tuple(other, &tu);
    CU_ASSERT_EQUAL(tu.local_port, 0);
    CU_ASSERT_EQUAL(tu.local.type, TERN_ADDR_V6);
    tern_tcp *third = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_EQUAL(tern_tcp_bind(third, NULL, 7001), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_set_family(other, 9), TERN_ERR_VAL);
    /* Without an allocator nothing moves. */
    tern_stack *s2 = tern_stack_new(&cfg);
    tern_tcp *plain = tern_tcp_new(s2, TERN_ADDR_V4);
    void *mem = calloc(1, tern_tcp_size());
    CU_ASSERT_EQUAL(tern_tcp_move(plain, mem), TERN_ERR_VAL);
    free(mem);
    tern_stack_free(s2);
    tern_stack_free(s);
    CU_ASSERT_EQUAL(k.allocs, k.frees);
}

TERN_UNIT_SUITE(tcp_table)
{
    CU_pSuite s = CU_add_suite("tcp/table", NULL, NULL);
    CU_add_test(s, "IPv4: a wave of 5000 connections found throughout, the table back to 256 buckets", test_wave_v4);
    CU_add_test(s, "IPv6: a wave of 5000 connections found throughout, the table back to 256 buckets", test_wave_v6);
    CU_add_test(s, "settings shared per distinct configuration; earlier sockets keep theirs; set_cc per socket",
                test_shared_settings);
    CU_add_test(s, "callbacks in tables shared per distinct combination; a static table used as is; each abort "
                   "reaches its own err and hook",
                test_shared_handlers);
    CU_add_test(s, "hook context: free when it is the arg, kept in tcp_rare otherwise; no poll on a listener",
                test_hook_context);
    CU_add_test(s, "sockets in memory the application gives: listener and children from it, all given back",
                test_sockets_in_given_memory);
    CU_add_test(s, "a CLOSED or LISTEN socket moves keeping its binding; set_family on CLOSED sockets unbinds",
                test_move_and_family);
    CU_add_test(s, "a SYN without memory for its socket: accept(NULL, ERR_MEM), the next SYN connects",
                test_syn_without_memory);
    CU_add_test(s, "a SYN past a TIME-WAIT tuple's old incarnation opens the new connection at once",
                test_time_wait_tuple_reopened);
}
