/* tests/unit/test_compat_tcp.c: lwIP's TCP raw API (lwip/tcp.h) on tern.
 *
 * The pcbs under test live in the compat layer's stack (lwip_init).  Their
 * peer is a second tern stack driven through tern's native API; a netif of
 * the compat stack and an interface of the peer are wired back to back
 * through two packet queues the test pumps, on one virtual clock, so every
 * connection goes through real handshakes, windows, retransmissions and
 * closes.  Expected behaviour is lwIP 2.1.3's (src/core/tcp.c, tcp_in.c,
 * tcp_out.c); places where tern differs on purpose say so. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "stack/stack_impl.h" /* to put the compat stack on the virtual clock */
#include "tern/iface.h"
#include "tern/stack.h"
#include "tern/tcp.h"

#include "pool.h"
#include "unit_suite.h"

/* Freed pcbs go back to their pool (the slot says so), not to malloc. */
#define FREED(p) (tern__compat_tcp_freed(p) != 0)
#define HAVE_FREED 1

/* ---- the virtual clock ---- */

static uint32_t vnow;
static uint32_t vclock(void *arg)
{
    (void)arg;
    return vnow;
}

/* ---- the wire between the two stacks ---- */

typedef struct pkt {
    struct pkt *next;
    tern_pbuf *p;
} pkt;

typedef struct queue {
    pkt *head, **tail;
    unsigned count;
} queue;

static queue to_peer, to_compat; /* compat -> peer, peer -> compat */
static bool blackhole;           /* drop everything both ways */
static unsigned sent_to_peer, rst_to_peer, data_segs_to_peer;
static uint8_t last_ttl_to_peer;

static struct netif nif;
static tern_stack *sb;
static tern_iface *ifb;

static void q_init(queue *q)
{
    q->head = NULL;
    q->tail = &q->head;
    q->count = 0;
}

static void q_push(queue *q, tern_pbuf *p)
{
    pkt *e = malloc(sizeof(*e));
    e->next = NULL;
    e->p = p;
    *q->tail = e;
    q->tail = &e->next;
    q->count++;
}

static tern_pbuf *q_pop(queue *q)
{
    pkt *e = q->head;
    if (!e)
        return NULL;
    q->head = e->next;
    if (!q->head)
        q->tail = &q->head;
    q->count--;
    tern_pbuf *p = e->p;
    free(e);
    return p;
}

static void q_clear(queue *q)
{
    tern_pbuf *p;
    while ((p = q_pop(q)) != NULL)
        tern_pbuf_free(p);
}

/* Looks at a packet the compat stack sends (IPv4 or IPv6, TCP). */
static void inspect(const tern_pbuf *p)
{
    uint8_t h[80];
    uint16_t n = tern_pbuf_copy_partial(p, h, sizeof(h), 0);
    if (n < 20)
        return;
    unsigned ihl, total;
    uint8_t proto, ttl;
    if ((h[0] >> 4) == 4) {
        ihl = (h[0] & 15u) * 4u;
        total = (unsigned)h[2] << 8 | h[3];
        proto = h[9];
        ttl = h[8];
    } else {
        ihl = 40;
        total = 40u + ((unsigned)h[4] << 8 | h[5]);
        proto = h[6];
        ttl = h[7];
    }
    if (proto != 6 || n < ihl + 20)
        return;
    last_ttl_to_peer = ttl;
    const uint8_t *t = h + ihl;
    unsigned doff = (t[12] >> 4) * 4u;
    if (t[13] & 0x04)
        rst_to_peer++;
    if (total > ihl + doff)
        data_segs_to_peer++;
}

static err_t nif_out(struct netif *n, struct pbuf *p)
{
    (void)n;
    sent_to_peer++;
    inspect((tern_pbuf *)p);
    if (blackhole)
        return ERR_OK;
    q_push(&to_peer, tern_pbuf_clone(0, TERN_PBUF_RAM, (tern_pbuf *)p));
    return ERR_OK;
}

static err_t nif_out4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    return nif_out(n, p);
}

static err_t nif_out6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
    (void)a;
    return nif_out(n, p);
}

static err_t nif_init(struct netif *n)
{
    n->name[0] = 't';
    n->name[1] = 'c';
    n->output = nif_out4;
    n->output_ip6 = nif_out6;
    n->mtu = 1500;
    return ERR_OK;
}

static int ifb_out(tern_iface *ifc, tern_pbuf *p, const tern_addr *hop, void *user)
{
    (void)ifc, (void)hop, (void)user;
    if (blackhole)
        return 0;
    q_push(&to_compat, tern_pbuf_clone(0, TERN_PBUF_RAM, p));
    return 0;
}

/* Delivers everything queued (and whatever that provokes). */
static void pump(void)
{
    for (unsigned guard = 0; guard < 1000000 && (to_peer.head || to_compat.head); guard++) {
        tern_pbuf *p = q_pop(&to_peer);
        if (p)
            tern_iface_input(ifb, p);
        p = q_pop(&to_compat);
        if (p && nif.input((struct pbuf *)p, &nif) != ERR_OK)
            tern_pbuf_free(p);
    }
}

static void (*feeder)(void); /* runs on every turn of run() */

/* Runs both stacks for ms of virtual time (jumping to the next timer when
 * nothing moves), or until *until becomes true. */
static void run_until(uint32_t ms, const bool *until)
{
    uint32_t end = vnow + ms;
    for (;;) {
        pump();
        sys_check_timeouts();
        tern_stack_poll(sb);
        if (feeder)
            feeder();
        pump();
        if (until && *until)
            return;
        if (to_peer.head || to_compat.head)
            continue;
        if ((int32_t)(vnow - end) >= 0)
            return;
        uint32_t na = sys_timeouts_sleeptime(), nb = tern_stack_next_timeout(sb);
        uint32_t step = na < nb ? na : nb;
        if (step == 0)
            step = 1;
        if (step > end - vnow)
            step = end - vnow;
        vnow += step;
    }
}

static void run(uint32_t ms) { run_until(ms, NULL); }

static const ip_addr_t *ip4(ip_addr_t *a, u8_t x, u8_t y, u8_t z, u8_t w)
{
    IP_ADDR4(a, x, y, z, w);
    return a;
}

static uint8_t v6_compat[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static uint8_t v6_peer[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static const ip_addr_t *ip6(ip_addr_t *a, const uint8_t bytes[16])
{
    memset(a, 0, sizeof(*a));
    memcpy(ip_2_ip6(a)->addr, bytes, 16);
    IP_SET_TYPE_VAL(*a, IPADDR_TYPE_V6);
    return a;
}

static const ip_addr_t *peer4(ip_addr_t *a) { return ip4(a, 10, 0, 0, 2); }
static const ip_addr_t *peer6(ip_addr_t *a) { return ip6(a, v6_peer); }

/* ---- the native peer ---- */

typedef struct peer {
    tern_tcp *t;
    uint64_t rx;         /* bytes received */
    uint8_t head[4096];  /* the first bytes received */
    bool bad;            /* a byte differed from the pattern */
    int pattern_dir;     /* -1: no pattern check */
    bool fin, err_seen, connected, hold_window;
    int err;
    uint64_t to_send, sent;
    int send_dir;
    bool close_when_done, closed;
} peer;

static peer pb;
static tern_tcp *b_listener;

static uint8_t pat(int dir, uint64_t i) { return (uint8_t)((i * 2654435761u >> 11) ^ (i >> 9) ^ (uint8_t)(dir * 77)); }

static int b_recv(void *arg, tern_tcp *t, tern_pbuf *p, int err)
{
    (void)err;
    peer *e = arg;
    if (!p) {
        e->fin = true;
        return 0;
    }
    for (tern_pbuf *q = p; q; q = q->next) {
        const uint8_t *b = q->payload;
        for (uint16_t k = 0; k < q->len; k++) {
            uint64_t i = e->rx + k;
            if (i < sizeof(e->head))
                e->head[i] = b[k];
            if (e->pattern_dir >= 0 && b[k] != pat(e->pattern_dir, i))
                e->bad = true;
        }
        e->rx += q->len;
    }
    if (!e->hold_window)
        tern_tcp_recved(t, p->tot_len);
    tern_pbuf_free(p);
    return 0;
}

static void b_pump_writes(peer *e)
{
    if (!e->t || e->closed)
        return;
    tern_tcp_info in;
    tern_tcp_get_info(e->t, &in);
    if (in.state != TERN_TCP_ESTABLISHED && in.state != TERN_TCP_CLOSE_WAIT)
        return;
    uint8_t buf[8192];
    while (e->sent < e->to_send) {
        tern_tcp_get_info(e->t, &in);
        uint64_t n = e->to_send - e->sent;
        if (n > sizeof(buf))
            n = sizeof(buf);
        if (n > in.snd_buf)
            n = in.snd_buf;
        if (n == 0)
            break;
        for (uint64_t k = 0; k < n; k++)
            buf[k] = pat(e->send_dir, e->sent + k);
        if (tern_tcp_write(e->t, buf, (uint32_t)n, 0) != 0)
            break;
        e->sent += n;
    }
    tern_tcp_output(e->t);
    if (e->close_when_done && e->sent == e->to_send && !e->closed) {
        if (tern_tcp_shutdown(e->t, false, true) == 0)
            e->closed = true;
    }
}

static int b_sent(void *arg, tern_tcp *t, uint32_t len)
{
    (void)t, (void)len;
    b_pump_writes(arg);
    return 0;
}

static void b_err(void *arg, int err)
{
    peer *e = arg;
    e->err_seen = true;
    e->err = err;
    e->t = NULL;
}

static int b_accept(void *arg, tern_tcp *child, int err)
{
    (void)arg;
    if (err)
        return err;
    pb.t = child;
    pb.connected = true;
    tern_tcp_set_arg(child, &pb);
    tern_tcp_set_callbacks(child, b_recv, b_sent, b_err);
    return 0;
}

static int b_connected(void *arg, tern_tcp *t, int err)
{
    (void)t, (void)err;
    peer *e = arg;
    e->connected = true;
    b_pump_writes(e);
    return 0;
}

static void peer_listen(uint16_t port)
{
    b_listener = tern_tcp_new(sb, TERN_ADDR_ANY);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_bind(b_listener, NULL, port), 0);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_listen(b_listener, 16), 0);
    tern_tcp_set_accept(b_listener, b_accept);
}

static void peer_connect(const ip_addr_t *dst, uint16_t port)
{
    pb.t = tern_tcp_new(sb, IP_GET_TYPE(dst));
    tern_tcp_set_arg(pb.t, &pb);
    tern_tcp_set_callbacks(pb.t, b_recv, b_sent, b_err);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_connect(pb.t, (const tern_addr *)(const void *)dst, port, b_connected), 0);
}

/* ---- the lwIP application ---- */

typedef enum action {
    ACT_NONE,
    ACT_ABORT_IN_RECV,
    ACT_ABORT_REUSE_IN_RECV, /* abort, then tcp_new 256 times or until the freed memory comes back */
    ACT_CLOSE_IN_RECV,    /* unread data: tcp_close resets and frees the pcb */
    ACT_CLOSE_IN_SENT,
    ACT_ABORT_IN_SENT,
    ACT_ABORT_IN_POLL,
    ACT_CLOSE_ON_FIN,
    ACT_SHUT_TX_ON_FIN,
} action;

typedef struct app {
    struct tcp_pcb *pcb;
    action act;
    struct tcp_pcb *reused;     /* ACT_ABORT_REUSE_IN_RECV: the new pcb in the old one's memory */
    struct tcp_pcb *spare[256]; /* ... and the others tcp_new gave first */
    int nspare;
    uint64_t rx;
    uint8_t head[4096];
    bool bad;
    int pattern_dir;
    int recv_calls, fin_calls;
    int refuse;          /* refuse this many deliveries with ERR_CONN */
    int refused;
    int refuse_fin;      /* ... and this many FINs (recv(NULL)) */
    bool no_recved;
    bool refused_seen_nonnull; /* refused_data was non-NULL after a refusal */
    uint64_t sent_total;
    int sent_calls;
    int err_calls;
    err_t err;
    void *err_arg;
    bool err_pcb_freed;
    int poll_calls;
    int connected_calls;
    err_t connected_err;
    uint64_t to_send, written;
    int send_dir;
    bool close_when_done, closed;
} app;

/* core/src/socket/tcp.c: the next this many tcp_rare allocations fail. */
extern _Thread_local unsigned tern__tcp_rare_fail_next;

static app A;

static void app_reset(app *a)
{
    memset(a, 0, sizeof(*a));
    a->pattern_dir = -1;
}

/* The congestion figures a program reads in its callbacks are the
 * socket's (a u16_t window field shows them clamped). */
static void check_cc_mirror(const struct tcp_pcb *pcb)
{
    tern_tcp_live lv;
    tern_tcp_get_live(tern_lwip_tcp_socket(pcb), &lv);
    uint32_t max = (tcpwnd_size_t)~0u;
    CU_ASSERT_EQUAL(pcb->cwnd, lv.cwnd > max ? max : lv.cwnd);
    CU_ASSERT_EQUAL(pcb->ssthresh, lv.ssthresh > max ? max : lv.ssthresh);
    CU_ASSERT_EQUAL(pcb->snd_wnd, lv.snd_wnd > max ? max : lv.snd_wnd);
    CU_ASSERT_EQUAL(pcb->rto, (s16_t)(lv.rto_ms / 500));
    /* lwIP's engine-only members share one word nothing writes: 0 after
     * data went both ways. */
    CU_ASSERT_PTR_NULL(pcb->ooseq);
    CU_ASSERT_EQUAL(pcb->snd_nxt, 0);
    CU_ASSERT_EQUAL(pcb->rcv_nxt, 0);
}

static err_t a_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    app *a = arg;
    CU_ASSERT_EQUAL(err, ERR_OK);
    CU_ASSERT_PTR_EQUAL(pcb, a->pcb);
    if (!p) {
        a->fin_calls++;
        if (a->fin_calls <= a->refuse_fin)
            return ERR_CONN; /* not ready for it: lwIP offers it again */
        /* CLOSE_WAIT, or CLOSING/TIME_WAIT after our own FIN */
        CU_ASSERT(pcb->state == CLOSE_WAIT || pcb->state == CLOSING || pcb->state == TIME_WAIT);
        check_cc_mirror(pcb); /* refreshed with the state change */
        if (a->act == ACT_CLOSE_ON_FIN) {
            CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
        } else if (a->act == ACT_SHUT_TX_ON_FIN) {
            CU_ASSERT_EQUAL(tcp_shutdown(pcb, 0, 1), ERR_OK);
        }
        return ERR_OK;
    }
    a->recv_calls++;
    if (a->act == ACT_ABORT_IN_RECV) {
        pbuf_free(p);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    if (a->act == ACT_ABORT_REUSE_IN_RECV) {
        pbuf_free(p);
        tcp_abort(pcb);
        while (!a->reused && a->nspare < (int)(sizeof(a->spare) / sizeof(a->spare[0]))) {
            struct tcp_pcb *n = tcp_new();
            if (!n)
                break;
            if (n == pcb)
                a->reused = n;
            else
                a->spare[a->nspare++] = n;
        }
        return ERR_ABRT;
    }
    if (a->refused < a->refuse) {
        a->refused++;
        return ERR_CONN; /* keep it, lwIP: offered again later */
    }
    for (struct pbuf *q = p; q; q = q->next) {
        const uint8_t *b = q->payload;
        for (u16_t k = 0; k < q->len; k++) {
            uint64_t i = a->rx + k;
            if (i < sizeof(a->head))
                a->head[i] = b[k];
            if (a->pattern_dir >= 0 && b[k] != pat(a->pattern_dir, i))
                a->bad = true;
        }
        a->rx += q->len;
    }
    u16_t n = p->tot_len;
    pbuf_free(p);
    if (a->act == ACT_CLOSE_IN_RECV) {
        CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
        return ERR_OK;
    }
    if (!a->no_recved)
        tcp_recved(pcb, n);
    return ERR_OK;
}

static void a_pump_writes(app *a)
{
    if (!a->pcb || a->closed || a->err_calls)
        return;
    struct tcp_pcb *pcb = a->pcb;
    if (pcb->state != ESTABLISHED && pcb->state != CLOSE_WAIT)
        return;
    uint8_t buf[8192];
    while (a->written < a->to_send) {
        uint64_t n = a->to_send - a->written;
        if (n > sizeof(buf))
            n = sizeof(buf);
        if (n > tcp_sndbuf(pcb))
            n = tcp_sndbuf(pcb);
        if (n == 0)
            break;
        for (uint64_t k = 0; k < n; k++)
            buf[k] = pat(a->send_dir, a->written + k);
        err_t e = tcp_write(pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (e == ERR_MEM)
            break;
        CU_ASSERT_EQUAL_FATAL(e, ERR_OK);
        a->written += n;
    }
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK);
    if (a->close_when_done && a->written == a->to_send && !a->closed) {
        /* tx only: tcp_close would reset the peer's data still coming */
        CU_ASSERT_EQUAL(tcp_shutdown(pcb, 0, 1), ERR_OK);
        a->closed = true;
    }
}

static err_t a_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    app *a = arg;
    CU_ASSERT_PTR_EQUAL(pcb, a->pcb);
    a->sent_calls++;
    a->sent_total += len;
    if (a->act == ACT_CLOSE_IN_SENT) {
        CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
        a->closed = true;
        return ERR_OK;
    }
    if (a->act == ACT_ABORT_IN_SENT) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    a_pump_writes(a);
    return ERR_OK;
}

static void a_err(void *arg, err_t err)
{
    app *a = arg;
    a->err_calls++;
    a->err = err;
    a->err_arg = arg;
    /* lwIP: the pcb is already freed when err runs. */
    a->err_pcb_freed = a->pcb && FREED(a->pcb);
    a->pcb = NULL;
}

static err_t a_poll(void *arg, struct tcp_pcb *pcb)
{
    app *a = arg;
    a->poll_calls++;
    if (a->act == ACT_ABORT_IN_POLL) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    return ERR_OK;
}

static err_t a_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    app *a = arg;
    CU_ASSERT_PTR_EQUAL(pcb, a->pcb);
    a->connected_calls++;
    a->connected_err = err;
    CU_ASSERT_EQUAL(pcb->state, ESTABLISHED);
    a_pump_writes(a);
    return ERR_OK;
}

static void a_setup(app *a, struct tcp_pcb *pcb)
{
    a->pcb = pcb;
    tcp_arg(pcb, a);
    tcp_recv(pcb, a_recv);
    tcp_sent(pcb, a_sent);
    tcp_err(pcb, a_err);
}

/* The listener side of the application. */
typedef struct lapp {
    int accept_calls;
    void *accept_arg;
    err_t accept_err;
    err_t ret;           /* what the accept callback returns */
    bool set_err_cb;     /* give the new pcb an err callback first */
    bool abort_in_accept;
    bool close_listener_in_accept;
    struct tcp_pcb *listener;
    struct tcp_pcb *newpcb;
    /* fields of the new pcb as the accept callback saw them */
    enum tcp_state state;
    u8_t prio, so_options;
    ip_addr_t local_ip, remote_ip;
    u16_t local_port, remote_port;
} lapp;

static lapp L;

static err_t l_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    lapp *l = arg;
    l->accept_calls++;
    l->accept_arg = arg;
    l->accept_err = err;
    l->newpcb = newpcb;
    if (!newpcb)
        return ERR_MEM;
    l->state = newpcb->state;
    l->prio = newpcb->prio;
    l->so_options = newpcb->so_options;
    ip_addr_copy(l->local_ip, newpcb->local_ip);
    ip_addr_copy(l->remote_ip, newpcb->remote_ip);
    l->local_port = newpcb->local_port;
    l->remote_port = newpcb->remote_port;
    CU_ASSERT_PTR_EQUAL(newpcb->callback_arg, arg); /* inherited */
    if (l->close_listener_in_accept) {
        CU_ASSERT_EQUAL(tcp_close(l->listener), ERR_OK);
        l->listener = NULL;
    }
    if (l->abort_in_accept) {
        tcp_abort(newpcb);
        return ERR_ABRT;
    }
    if (l->set_err_cb || l->ret == ERR_OK) {
        a_setup(&A, newpcb);
        tcp_arg(newpcb, &A);
    }
    return l->ret;
}

/* ---- per-test world ---- */

static struct tern_lwipopts saved_opts;

static void world_up(void)
{
    saved_opts = tern__compat_opts;
    lwip_init();
    /* The compat stack runs on the test's clock from here on. */
    vnow = sys_now();
    tern__compat_stack->cfg.clock = vclock;
    q_init(&to_peer);
    q_init(&to_compat);
    blackhole = false;
    sent_to_peer = rst_to_peer = data_segs_to_peer = 0;
    feeder = NULL;

    memset(&nif, 0, sizeof(nif));
    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 10, 0, 0, 1);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 0, 0, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(netif_add(&nif, &a, &m, &g, NULL, nif_init, ip_input));
    ip6_addr_t a6;
    memcpy(a6.addr, v6_compat, 16);
    ip6_addr_clear_zone(&a6);
    netif_ip6_addr_set(&nif, 0, &a6);
    netif_ip6_addr_set_state(&nif, 0, IP6_ADDR_PREFERRED);
    netif_set_link_up(&nif);
    netif_set_up(&nif);
    netif_set_default(&nif);

    tern_config cfg = {.clock = vclock, .seed = 7};
    sb = tern_stack_new(&cfg);
    ifb = tern_iface_add(sb, ifb_out, NULL);
    tern_iface_set_ipv4(ifb, a.addr ^ PP_HTONL(3u), m.addr, 0); /* 10.0.0.2 */
    tern_iface_set_ipv6(ifb, 0, v6_peer, TERN_IFACE_IPV6_PREFERRED);
    tern_iface_set_mtu(ifb, 1500);
    tern_iface_set_up(ifb, true);
    tern_stack_set_default_iface(sb, ifb);

    memset(&pb, 0, sizeof(pb));
    pb.pattern_dir = -1;
    b_listener = NULL;
    app_reset(&A);
    memset(&L, 0, sizeof(L));
}

static void world_down(void)
{
    q_clear(&to_peer);
    q_clear(&to_compat);
    tern_stack_free(sb);
    sb = NULL;
    /* The compat stack (and every pcb still alive) goes with the next
     * lwip_init; restore the program's options and mode. */
    netif_remove(&nif);
    tern__compat_opts = saved_opts;
    tern__compat_tun2socks = saved_opts.tun2socks;
}

/* A connection: the compat pcb is the client (active open). */
static struct tcp_pcb *connect_to_peer(uint16_t port)
{
    peer_listen(port);
    struct tcp_pcb *pcb = tcp_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(pcb);
    a_setup(&A, pcb);
    ip_addr_t dst;
    CU_ASSERT_EQUAL_FATAL(tcp_connect(pcb, peer4(&dst), port, a_connected), ERR_OK);
    CU_ASSERT_EQUAL(pcb->state, SYN_SENT);
    run(100);
    CU_ASSERT_EQUAL_FATAL(A.connected_calls, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pb.t);
    return pcb;
}

/* A connection: the compat pcb is accepted (passive open). */
static struct tcp_pcb *accept_from_peer(uint16_t port)
{
    struct tcp_pcb *pcb = tcp_new();
    CU_ASSERT_EQUAL_FATAL(tcp_bind(pcb, IP4_ADDR_ANY, port), ERR_OK);
    struct tcp_pcb *lpcb = tcp_listen(pcb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lpcb);
    L.listener = lpcb;
    tcp_arg(lpcb, &L);
    tcp_accept(lpcb, l_accept);
    ip_addr_t dst;
    peer_connect(ip4(&dst, 10, 0, 0, 1), port);
    run(100);
    CU_ASSERT_EQUAL_FATAL(L.accept_calls, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(A.pcb);
    return A.pcb;
}

/* A connection is one object: the pcb's addresses are its socket's own
 * (the socket's last bytes, tern/tcp.h), so they read what the stack has
 * with no copy made: the peer's address and port, ours, and a change the
 * stack makes shows at once. */
static void test_pcb_addresses_are_the_sockets(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8520);
    tern_tcp *t = tern_lwip_tcp_socket(pcb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_PTR_EQUAL((char *)&pcb->local_ip, (char *)t + TERN_TCP_SIZE - 2 * sizeof(tern_addr));
    tern_tcp_tuple tu;
    tern_tcp_get_tuple(t, &tu);
    CU_ASSERT_EQUAL(memcmp(&pcb->local_ip, &tu.local, sizeof(tu.local)), 0);
    CU_ASSERT_EQUAL(memcmp(&pcb->remote_ip, &tu.remote, sizeof(tu.remote)), 0);
    ip_addr_t them;
    CU_ASSERT_TRUE(ip_addr_cmp(&pcb->remote_ip, peer4(&them)));
    CU_ASSERT_EQUAL(pcb->local_port, 8520);
    /* A pcb that changes family shows it with no call in between. */
    struct tcp_pcb *n = tcp_new();
    CU_ASSERT_EQUAL(IP_GET_TYPE(&n->local_ip), IPADDR_TYPE_V4);
    CU_ASSERT_EQUAL(tern_tcp_set_family(tern_lwip_tcp_socket(n), TERN_ADDR_V6), TERN_OK);
    CU_ASSERT_EQUAL(IP_GET_TYPE(&n->local_ip), IPADDR_TYPE_V6);
    CU_ASSERT_EQUAL(IP_GET_TYPE(&n->remote_ip), IPADDR_TYPE_V6);
    tcp_abort(n);
    world_down();
}

/* ---- tests: the API without traffic ---- */

static void test_constants(void)
{
    CU_ASSERT_EQUAL(CLOSED, 0);
    CU_ASSERT_EQUAL(LISTEN, 1);
    CU_ASSERT_EQUAL(ESTABLISHED, 4);
    CU_ASSERT_EQUAL(TIME_WAIT, 10);
    CU_ASSERT_EQUAL(TF_ACK_DELAY, 0x01);
    CU_ASSERT_EQUAL(TF_NODELAY, 0x40);
    CU_ASSERT_EQUAL(TF_NAGLEMEMERR, 0x80);
    CU_ASSERT_EQUAL(TF_WND_SCALE, 0x100);
    CU_ASSERT_EQUAL(TF_BACKLOGPEND, 0x200);
    CU_ASSERT_EQUAL(TF_TIMESTAMP, 0x400);
    CU_ASSERT_EQUAL(TF_RTO, 0x800);
    CU_ASSERT_EQUAL(TF_SACK, 0x1000);
    CU_ASSERT_EQUAL(TCP_WRITE_FLAG_COPY, 1);
    CU_ASSERT_EQUAL(TCP_WRITE_FLAG_MORE, 2);
    CU_ASSERT_EQUAL(TCP_PRIO_MIN, 1);
    CU_ASSERT_EQUAL(TCP_PRIO_NORMAL, 64);
    CU_ASSERT_EQUAL(TCP_PRIO_MAX, 127);
    CU_ASSERT_EQUAL(sizeof(tcpflags_t), 2);
    CU_ASSERT_EQUAL(sizeof(tcpwnd_size_t), LWIP_WND_SCALE ? 4 : 2);
    CU_ASSERT_STRING_EQUAL(tcp_debug_state_str(CLOSED), "CLOSED");
    CU_ASSERT_STRING_EQUAL(tcp_debug_state_str(SYN_RCVD), "SYN_RCVD");
    CU_ASSERT_STRING_EQUAL(tcp_debug_state_str(FIN_WAIT_2), "FIN_WAIT_2");
    CU_ASSERT_STRING_EQUAL(tcp_debug_state_str(TIME_WAIT), "TIME_WAIT");
    /* IP_PCB first, as in lwIP (code may treat any pcb as a struct ip_pcb). */
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, local_ip), 0);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, remote_ip), sizeof(ip_addr_t));
    /* The members only lwIP's engine gives a meaning share one word (the
     * header's TERN_TCP_PCB_ENGINE_ONLY), so the pcb is about 100 bytes smaller
     * than lwIP's own; lwIP's list link, next, and the backlog's listener
     * are among them. */
    size_t word = offsetof(struct tcp_pcb, snd_nxt);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, rcv_nxt), word);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, lastack), word);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, ooseq), word);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, polltmr), word);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, keep_cnt_sent), word);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, bytes_acked), word);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, next), word);
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, listener), word);
    CU_ASSERT(offsetof(struct tcp_pcb, snd_buf) + sizeof(tcpwnd_size_t) <= word);
    /* The window announced is the window available: one word, two names. */
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb, rcv_ann_wnd), offsetof(struct tcp_pcb, rcv_wnd));
    CU_ASSERT(sizeof(struct tcp_pcb) <= (LWIP_WND_SCALE ? 184u : 176u));
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb_listen, state), offsetof(struct tcp_pcb, state));
    CU_ASSERT_EQUAL(offsetof(struct tcp_pcb_listen, local_port), offsetof(struct tcp_pcb, local_port));
}

/* What lwIP 2.1.3 does with a new pcb (its fields, tcp_close and tcp_abort
 * of an unused one) is conformance's tcp_new_defaults and
 * tcp_unused_close_and_abort; here what is tern's own: the core socket
 * behind the pcb, an unknown address type refused, the pcb freed before
 * err(ERR_ABRT) runs. */
static void test_new_defaults(void)
{
    world_up();
    struct tcp_pcb *pcb = tcp_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(pcb);
    CU_ASSERT_PTR_NOT_NULL(tern_lwip_tcp_socket(pcb));
    CU_ASSERT_PTR_NULL(tcp_new_ip_type(99));
    struct tcp_pcb *v6 = tcp_new_ip_type(IPADDR_TYPE_V6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v6);

    /* Closing an unused pcb frees it at once, without err. */
    tcp_err(pcb, a_err);
    tcp_arg(pcb, &A);
    A.pcb = pcb;
    CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
    CU_ASSERT_EQUAL(A.err_calls, 0);
    CU_ASSERT(FREED(pcb));
    CU_ASSERT_PTR_NULL(tern_lwip_tcp_socket(pcb)); /* no socket behind a freed pcb */
    CU_ASSERT_PTR_NULL(tern_lwip_tcp_socket(NULL));
    /* Aborting one calls err(ERR_ABRT) after freeing it (lwIP's tcp_abandon). */
    A.pcb = v6;
    tcp_arg(v6, &A);
    tcp_err(v6, a_err);
    tcp_abort(v6);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    CU_ASSERT_TRUE(A.err_pcb_freed);
    world_down();
}

static void test_argument_checks(void)
{
    world_up();
    err_t err = ERR_OK;
    ip_addr_t a;
    u8_t b = 0;
    CU_ASSERT_EQUAL(tcp_bind(NULL, IP4_ADDR_ANY, 1), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_connect(NULL, peer4(&a), 1, NULL), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_close(NULL), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_shutdown(NULL, 1, 1), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_write(NULL, &b, 1, 0), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_output(NULL), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_process_refused_data(NULL), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_recv_null(NULL, NULL, NULL, ERR_OK), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_tcp_get_tcp_addrinfo(NULL, 1, &a, NULL), ERR_VAL);
    CU_ASSERT_PTR_NULL(tcp_listen_with_backlog_and_err(NULL, 1, &err));
    CU_ASSERT_EQUAL(err, ERR_ARG);
    /* The setters ignore NULL, as lwIP's. */
    tcp_arg(NULL, NULL);
    tcp_recv(NULL, NULL);
    tcp_sent(NULL, NULL);
    tcp_err(NULL, NULL);
    tcp_accept(NULL, NULL);
    tcp_poll(NULL, NULL, 0);
    tcp_recved(NULL, 1);
    tcp_abort(NULL);
    tcp_setprio(NULL, 1);
    tcp_bind_netif(NULL, NULL);

    struct tcp_pcb *pcb = tcp_new();
    CU_ASSERT_EQUAL(tcp_connect(pcb, NULL, 1, NULL), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_write(pcb, NULL, 1, 0), ERR_ARG);
    CU_ASSERT_EQUAL(tcp_write(pcb, &b, 1, 0), ERR_CONN); /* CLOSED */
    CU_ASSERT_EQUAL(tcp_write(pcb, &b, 0, 0), ERR_CONN); /* the state is tested first */
    CU_ASSERT_EQUAL(tcp_shutdown(pcb, 0, 1), ERR_CONN);  /* not connected */
    CU_ASSERT_EQUAL(tcp_shutdown(pcb, 1, 0), ERR_OK);
    CU_ASSERT(pcb->flags & TF_RXCLOSED);
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK);
    CU_ASSERT_EQUAL(tcp_process_refused_data(pcb), ERR_OK);
    CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
    world_down();
}

static void test_bind_rules(void)
{
    world_up();
    ip_addr_t a;
    struct tcp_pcb *p1 = tcp_new();
    struct tcp_pcb *p2 = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(p1, NULL, 7000), ERR_OK); /* NULL: IPv4 any */
    CU_ASSERT_EQUAL(p1->local_port, 7000);
    CU_ASSERT_TRUE(ip_addr_isany(&p1->local_ip));
    CU_ASSERT_EQUAL(IP_GET_TYPE(&p1->local_ip), IPADDR_TYPE_V4);
    CU_ASSERT_EQUAL(tcp_bind(p2, IP4_ADDR_ANY, 7000), ERR_USE);
    CU_ASSERT_EQUAL(tcp_bind(p2, ip4(&a, 10, 0, 0, 1), 7000), ERR_USE); /* any covers it */
    CU_ASSERT_EQUAL(tcp_bind(p2, IP4_ADDR_ANY, 0), ERR_OK);             /* an ephemeral port */
    CU_ASSERT(p2->local_port >= 0xc000);

    /* SO_REUSEADDR on both: the same port again, but one listener each. */
    struct tcp_pcb *r1 = tcp_new(), *r2 = tcp_new();
    ip_set_option(r1, SOF_REUSEADDR);
    ip_set_option(r2, SOF_REUSEADDR);
    CU_ASSERT_EQUAL(tcp_bind(r1, IP4_ADDR_ANY, 7001), ERR_OK);
    CU_ASSERT_EQUAL(tcp_bind(r2, IP4_ADDR_ANY, 7001), ERR_OK);
    err_t err = ERR_VAL;
    struct tcp_pcb *l1 = tcp_listen_with_backlog_and_err(r1, 4, &err);
    CU_ASSERT_PTR_NOT_NULL(l1);
    CU_ASSERT_EQUAL(err, ERR_OK);
    CU_ASSERT_PTR_NULL(tcp_listen_with_backlog_and_err(r2, 4, &err));
    CU_ASSERT_EQUAL(err, ERR_USE);
    CU_ASSERT_EQUAL(r2->state, CLOSED); /* the pcb given is untouched */
    CU_ASSERT_EQUAL(tcp_close(r2), ERR_OK);

    /* A listening pcb: lwIP 2.1.3 answers ERR_CLSD (its CLOSED test comes first). */
    err = ERR_OK;
    CU_ASSERT_PTR_NULL(tcp_listen_with_backlog_and_err(l1, 4, &err));
    CU_ASSERT_EQUAL(err, ERR_CLSD);
    CU_ASSERT_EQUAL(tcp_bind(l1, IP4_ADDR_ANY, 7002), ERR_VAL);
    CU_ASSERT_EQUAL(tcp_connect(l1, peer4(&a), 80, NULL), ERR_ISCONN);
    CU_ASSERT_EQUAL(tcp_shutdown(l1, 0, 1), ERR_CONN);
    CU_ASSERT_EQUAL(l1->state, LISTEN);
    CU_ASSERT_EQUAL(l1->local_port, 7001);
    CU_ASSERT_EQUAL(((struct tcp_pcb_listen *)(void *)l1)->backlog, 4);
    CU_ASSERT_EQUAL(tcp_close(l1), ERR_OK);

    /* A failed bind leaves the pcb's family alone. */
    struct tcp_pcb *f = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(f, IP_ANY_TYPE, 7000), ERR_USE);
    CU_ASSERT_EQUAL(IP_GET_TYPE(&f->local_ip), IPADDR_TYPE_V4);
    CU_ASSERT_EQUAL(f->local_port, 0);
    CU_ASSERT_EQUAL(tcp_close(f), ERR_OK);

    /* IP_ANY_TYPE on an IPv4 pcb makes it dual-stack (lwIP takes the type). */
    struct tcp_pcb *d = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(d, IP_ANY_TYPE, 7003), ERR_OK);
    CU_ASSERT_EQUAL(IP_GET_TYPE(&d->local_ip), IPADDR_TYPE_ANY);
    /* An IPv6 address on an IPv4 pcb: lwIP takes it too. */
    struct tcp_pcb *e = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(e, ip6(&a, v6_compat), 7004), ERR_OK);
    CU_ASSERT_EQUAL(IP_GET_TYPE(&e->local_ip), IPADDR_TYPE_V6);
    CU_ASSERT_EQUAL(tcp_close(e), ERR_OK);
    CU_ASSERT_EQUAL(tcp_close(d), ERR_OK);

    /* Listening on a pcb never bound (lwIP allows it: port 0). */
    struct tcp_pcb *u = tcp_new();
    struct tcp_pcb *lu = tcp_listen(u);
    CU_ASSERT_PTR_NOT_NULL(lu);
    CU_ASSERT_EQUAL(lu->state, LISTEN);
    CU_ASSERT_EQUAL(lu->local_port, 0);
    CU_ASSERT_EQUAL(tcp_close(lu), ERR_OK);

    /* A bound pcb keeps its port until it is closed. */
    CU_ASSERT_EQUAL(tcp_close(p1), ERR_OK);
    struct tcp_pcb *p3 = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(p3, IP4_ADDR_ANY, 7000), ERR_OK);
    CU_ASSERT_EQUAL(tcp_close(p3), ERR_OK);
    CU_ASSERT_EQUAL(tcp_close(p2), ERR_OK);
    world_down();
}

/* tcp_listen moves the pcb's socket into the new listen pcb's slot; when
 * the stack then refuses to listen (a native listener of tern's API on the
 * same address and port, which compat's own SO_REUSE check does not see),
 * the socket moves back: ERR_USE, and the pcb given is still the
 * program's, bound, and closes normally. */
static void test_listen_refused_keeps_pcb(void)
{
    world_up();
    tern_tcp *native = tern_tcp_new(tern__compat_stack, TERN_ADDR_V4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(native);
    tern_tcp_set_reuse(native, true);
    CU_ASSERT_EQUAL(tern_tcp_bind(native, NULL, 8530), TERN_OK);
    CU_ASSERT_EQUAL(tern_tcp_listen(native, 4), TERN_OK);
    struct tcp_pcb *pcb = tcp_new();
    ip_set_option(pcb, SOF_REUSEADDR);
    CU_ASSERT_EQUAL(tcp_bind(pcb, IP4_ADDR_ANY, 8530), ERR_OK);
    err_t e = ERR_OK;
    CU_ASSERT_PTR_NULL(tcp_listen_with_backlog_and_err(pcb, 1, &e));
    CU_ASSERT_EQUAL(e, ERR_USE);
    CU_ASSERT_FALSE(FREED(pcb));
    CU_ASSERT_EQUAL(pcb->state, CLOSED);
    CU_ASSERT_EQUAL(pcb->local_port, 8530);
    tern_tcp_tuple tu;
    tern_tcp_get_tuple(tern_lwip_tcp_socket(pcb), &tu);
    CU_ASSERT_EQUAL(tu.local_port, 8530);
    CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
    CU_ASSERT(FREED(pcb));
    tern_tcp_close(native);
    world_down();
}

/* The settings a listener takes over are conformance's
 * tcp_listen_carries_settings; here tern's own: the pcb given is freed, and
 * the backlog field (TCP_LISTEN_BACKLOG, off in Debian's lwIP) of 0 means 1. */
static void test_listen_frees_pcb(void)
{
    world_up();
    struct tcp_pcb *pcb = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(pcb, IP4_ADDR_ANY, 7100), ERR_OK);
    struct tcp_pcb *l = tcp_listen_with_backlog(pcb, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    CU_ASSERT_PTR_NOT_EQUAL(l, pcb);
    CU_ASSERT(FREED(pcb)); /* as lwIP: the pcb given is gone */
    CU_ASSERT_EQUAL(((struct tcp_pcb_listen *)(void *)l)->backlog, 1); /* 0 means 1 */
    CU_ASSERT_EQUAL(tcp_close(l), ERR_OK);
    CU_ASSERT(FREED(l));
    world_down();
}

/* ---- tests: connections ---- */

static void test_active_open_and_data(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8000);
    CU_ASSERT_EQUAL(A.connected_err, ERR_OK);
    CU_ASSERT_EQUAL(pcb->state, ESTABLISHED);
    ip_addr_t a;
    CU_ASSERT_TRUE(ip_addr_cmp(&pcb->local_ip, ip4(&a, 10, 0, 0, 1)));
    CU_ASSERT_TRUE(ip_addr_cmp(&pcb->remote_ip, peer4(&a)));
    CU_ASSERT_EQUAL(pcb->remote_port, 8000);
    CU_ASSERT(pcb->local_port >= 0xc000);
    /* The peer uses timestamps: lwIP's mss keeps them, tcp_mss() does not. */
    CU_ASSERT_TRUE(tcp_is_flag_set(pcb, TF_TIMESTAMP));
    CU_ASSERT_EQUAL(pcb->mss, 1460);
    CU_ASSERT_EQUAL(tcp_mss(pcb), 1448);
    u16_t port;
    CU_ASSERT_EQUAL(tcp_tcp_get_tcp_addrinfo(pcb, 0, &a, &port), ERR_OK);
    CU_ASSERT_EQUAL(port, 8000);
    CU_ASSERT_TRUE(ip_addr_cmp(&a, peer4(&a)));
    CU_ASSERT_EQUAL(tcp_tcp_get_tcp_addrinfo(pcb, 1, &a, &port), ERR_OK);
    CU_ASSERT_EQUAL(port, pcb->local_port);

    /* compat -> peer */
    const char msg[] = "hello, lwIP world";
    CU_ASSERT_EQUAL(tcp_write(pcb, msg, sizeof(msg), TCP_WRITE_FLAG_COPY), ERR_OK);
    CU_ASSERT_PTR_NOT_NULL(pcb->unsent); /* queued, not yet sent */
    CU_ASSERT_EQUAL(pcb->snd_buf, TCP_SND_BUF - sizeof(msg));
    CU_ASSERT_EQUAL(pcb->snd_queuelen, 1);
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK);
    CU_ASSERT_PTR_NULL(pcb->unsent);
    CU_ASSERT_PTR_NOT_NULL(pcb->unacked);
    run(50);
    CU_ASSERT_EQUAL(pb.rx, sizeof(msg));
    CU_ASSERT_EQUAL(memcmp(pb.head, msg, sizeof(msg)), 0);
    CU_ASSERT_EQUAL(A.sent_total, sizeof(msg));
    CU_ASSERT_PTR_NULL(pcb->unacked);
    CU_ASSERT_EQUAL(pcb->snd_buf, TCP_SND_BUF);
    CU_ASSERT_EQUAL(pcb->snd_queuelen, 0);

    /* peer -> compat, the window held by the application; 8000 bytes is
     * past the window-update threshold, min(TCP_WND/4, 4*MSS) as lwIP's */
    A.no_recved = true;
    uint8_t buf[8000];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 7);
    CU_ASSERT_EQUAL(tern_tcp_write(pb.t, buf, sizeof(buf), 0), 0);
    tern_tcp_output(pb.t);
    run(50);
    CU_ASSERT_EQUAL(A.rx, sizeof(buf));
    CU_ASSERT_EQUAL(memcmp(A.head, buf, sizeof(A.head)), 0); /* head keeps the first 4 KiB */
    CU_ASSERT_EQUAL(pcb->rcv_wnd, TCP_WND - sizeof(buf));
    tcp_recved(pcb, sizeof(buf));
    CU_ASSERT_EQUAL(pcb->rcv_wnd, TCP_WND);
    /* The peer hears about the reopened window. */
    run(500);
    tern_tcp_info in;
    tern_tcp_get_info(pb.t, &in);
    CU_ASSERT(in.snd_wnd >= TCP_WND - 1460);
    CU_ASSERT_EQUAL(A.err_calls, 0);
    tcp_abort(pcb);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    run(50);
    CU_ASSERT_TRUE(pb.err_seen);
    CU_ASSERT_EQUAL(pb.err, ERR_RST);
    world_down();
}

static void test_connect_over_ipv6_from_ipv4_pcb(void)
{
    world_up();
    peer_listen(8001);
    /* lwIP lets an IPv4 pcb connect to an IPv6 address (it takes the
     * route's source address). */
    struct tcp_pcb *pcb = tcp_new();
    a_setup(&A, pcb);
    ip_addr_t dst, a;
    CU_ASSERT_EQUAL(tcp_connect(pcb, peer6(&dst), 8001, a_connected), ERR_OK);
    run(100);
    CU_ASSERT_EQUAL(A.connected_calls, 1);
    CU_ASSERT_EQUAL(IP_GET_TYPE(&pcb->local_ip), IPADDR_TYPE_V6);
    CU_ASSERT_TRUE(ip_addr_cmp_zoneless(&pcb->local_ip, ip6(&a, v6_compat)));
    CU_ASSERT_TRUE(ip_addr_cmp_zoneless(&pcb->remote_ip, &dst));
    CU_ASSERT_EQUAL(tcp_write(pcb, "six", 3, 0), ERR_OK);
    tcp_output(pcb);
    run(50);
    CU_ASSERT_EQUAL(pb.rx, 3);
    /* ...but not from a specific IPv4 address. */
    struct tcp_pcb *q = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(q, ip4(&a, 10, 0, 0, 1), 0), ERR_OK);
    CU_ASSERT_EQUAL(tcp_connect(q, &dst, 8001, NULL), ERR_VAL);
    CU_ASSERT_EQUAL(tcp_close(q), ERR_OK);
    /* A connected pcb: ERR_ISCONN. */
    CU_ASSERT_EQUAL(tcp_connect(pcb, &dst, 8001, NULL), ERR_ISCONN);
    tcp_abort(pcb);
    world_down();
}

static void test_connection_refused(void)
{
    world_up();
    struct tcp_pcb *pcb = tcp_new();
    a_setup(&A, pcb);
    ip_addr_t dst;
    CU_ASSERT_EQUAL(tcp_connect(pcb, peer4(&dst), 9, a_connected), ERR_OK);
    run(100);
    CU_ASSERT_EQUAL(A.connected_calls, 0);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_RST);
    CU_ASSERT_PTR_EQUAL(A.err_arg, &A);
    if (HAVE_FREED)
        CU_ASSERT_TRUE(A.err_pcb_freed);
    world_down();
}

static void test_passive_open_accept(void)
{
    world_up();
    struct tcp_pcb *pcb = tcp_new();
    ip_set_option(pcb, SOF_KEEPALIVE | SOF_REUSEADDR | SOF_BROADCAST);
    tcp_setprio(pcb, 99);
    CU_ASSERT_EQUAL(tcp_bind(pcb, IP4_ADDR_ANY, 8100), ERR_OK);
    struct tcp_pcb *lpcb = tcp_listen(pcb);
    L.listener = lpcb;
    tcp_arg(lpcb, &L);
    tcp_accept(lpcb, l_accept);
    ip_addr_t dst, a;
    peer_connect(ip4(&dst, 10, 0, 0, 1), 8100);
    /* SYN in, SYN-ACK out: no accept yet (lwIP accepts on the final ACK). */
    tern_pbuf *syn;
    for (int i = 0; i < 10 && !(syn = q_pop(&to_compat)); i++)
        tern_stack_poll(sb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(syn);
    nif.input((struct pbuf *)syn, &nif);
    CU_ASSERT_EQUAL(L.accept_calls, 0);
    CU_ASSERT_EQUAL(to_peer.count, 1); /* the SYN-ACK */
    run(50);
    CU_ASSERT_EQUAL(L.accept_calls, 1);
    CU_ASSERT_PTR_EQUAL(L.accept_arg, &L);
    CU_ASSERT_EQUAL(L.accept_err, ERR_OK);
    CU_ASSERT_EQUAL(L.state, ESTABLISHED);
    CU_ASSERT_EQUAL(L.prio, 99);
    CU_ASSERT_EQUAL(L.so_options, SOF_KEEPALIVE | SOF_REUSEADDR); /* SOF_INHERITED only */
    CU_ASSERT_TRUE(ip_addr_cmp(&L.local_ip, ip4(&a, 10, 0, 0, 1)));
    CU_ASSERT_TRUE(ip_addr_cmp(&L.remote_ip, peer4(&a)));
    CU_ASSERT_EQUAL(L.local_port, 8100);
    CU_ASSERT(L.remote_port >= 0xc000);
    CU_ASSERT_PTR_EQUAL(L.newpcb->recv, a_recv);
    /* Data both ways on the accepted pcb. */
    struct tcp_pcb *c = A.pcb;
    CU_ASSERT_EQUAL(tcp_write(c, "pong", 4, TCP_WRITE_FLAG_MORE), ERR_OK);
    CU_ASSERT_EQUAL(tcp_output(c), ERR_OK);
    CU_ASSERT_EQUAL(tern_tcp_write(pb.t, "ping", 4, 0), 0);
    tern_tcp_output(pb.t);
    run(100);
    CU_ASSERT_EQUAL(A.rx, 4);
    CU_ASSERT_EQUAL(memcmp(A.head, "ping", 4), 0);
    CU_ASSERT_EQUAL(pb.rx, 4);
    CU_ASSERT_EQUAL(memcmp(pb.head, "pong", 4), 0);
    /* Closing the listener leaves the accepted connection alone. */
    CU_ASSERT_EQUAL(tcp_close(lpcb), ERR_OK);
    CU_ASSERT_EQUAL(tcp_write(c, "more", 4, 0), ERR_OK);
    tcp_output(c);
    run(100);
    CU_ASSERT_EQUAL(pb.rx, 8);
    tcp_abort(c);
    world_down();
}

/* The congestion figures (cwnd, ssthresh, snd_wnd, rto) move with the
 * ACKs of the pcb's own data, and the mirror takes them at state changes:
 * in the recv(NULL) callback of the peer's FIN they are the socket's,
 * though the ACKs came after the last tcp_output. */
static void test_cc_mirror_at_fin(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8305);
    static uint8_t data[4000];
    CU_ASSERT_EQUAL(tcp_write(pcb, data, sizeof(data), TCP_WRITE_FLAG_COPY), ERR_OK);
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK);
    tcpwnd_size_t cwnd_at_output = pcb->cwnd;
    A.closed = true; /* no tcp_output from the sent callback (it would pull them) */
    run(100); /* the peer reads and acknowledges */
    CU_ASSERT_EQUAL(pb.rx, sizeof(data));
    tern_tcp_live lv;
    tern_tcp_get_live(tern_lwip_tcp_socket(pcb), &lv);
    CU_ASSERT(lv.cwnd > cwnd_at_output); /* slow start grew it: the mirror has to follow */
    CU_ASSERT_EQUAL(pcb->cwnd, cwnd_at_output); /* not yet: no state change, no tcp_output */
    tern_tcp_close(pb.t);
    pb.t = NULL;
    run(100);
    CU_ASSERT_EQUAL(A.fin_calls, 1); /* check_cc_mirror ran in it */
    CU_ASSERT_EQUAL(pcb->state, CLOSE_WAIT);
    CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
    run(1000);
    world_down();
}

/* tcp_output hands the program the congestion figures as they are now,
 * whatever ACKs moved them since the last call. */
static void test_cc_mirror_at_output(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8306);
    static uint8_t data[4000];
    CU_ASSERT_EQUAL(tcp_write(pcb, data, sizeof(data), TCP_WRITE_FLAG_COPY), ERR_OK);
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK);
    tcpwnd_size_t cwnd_at_output = pcb->cwnd;
    A.closed = true; /* no tcp_output from the sent callback */
    run(100); /* the peer reads and acknowledges */
    CU_ASSERT_EQUAL(pb.rx, sizeof(data));
    tern_tcp_live lv;
    tern_tcp_get_live(tern_lwip_tcp_socket(pcb), &lv);
    CU_ASSERT(lv.cwnd > cwnd_at_output);
    CU_ASSERT_EQUAL(pcb->cwnd, cwnd_at_output);
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK); /* nothing to send: still a pull */
    CU_ASSERT_EQUAL(pcb->cwnd, lv.cwnd);
    CU_ASSERT_EQUAL(pcb->ssthresh, lv.ssthresh);
    CU_ASSERT_EQUAL(pcb->snd_wnd, lv.snd_wnd);
    tcp_abort(pcb);
    world_down();
}

static void test_fin_and_close(void)
{
    world_up();
    A.act = ACT_CLOSE_ON_FIN;
    struct tcp_pcb *pcb = accept_from_peer(8300);
    CU_ASSERT_EQUAL(tern_tcp_write(pb.t, "bye", 3, 0), 0);
    CU_ASSERT_EQUAL(tern_tcp_close(pb.t), 0);
    pb.t = NULL;
    run(100);
    CU_ASSERT_EQUAL(A.rx, 3);
    CU_ASSERT_EQUAL(A.fin_calls, 1); /* recv(NULL), once */
    /* tcp_close in CLOSE_WAIT with everything read: FIN, LAST_ACK, then the
     * pcb is freed quietly (rx was closed: no ERR_CLSD). */
    run(1000);
    CU_ASSERT_EQUAL(A.err_calls, 0);
    CU_ASSERT(FREED(pcb));
    world_down();
}

static void test_active_close_time_wait(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8320);
    A.act = ACT_NONE;
    CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
    CU_ASSERT_EQUAL(pcb->state, FIN_WAIT_1);
    CU_ASSERT(pcb->flags & TF_RXCLOSED);
    CU_ASSERT(pcb->flags & TF_FIN);
    CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK); /* again: nothing more to do */
    CU_ASSERT_EQUAL(tcp_write(pcb, "x", 1, 0), ERR_CONN);
    run(50);
    CU_ASSERT_EQUAL(pcb->state, FIN_WAIT_2);
    CU_ASSERT_TRUE(pb.fin);
    tern_tcp_close(pb.t);
    pb.t = NULL;
    run(50);
    CU_ASSERT_EQUAL(pcb->state, TIME_WAIT);
    CU_ASSERT_EQUAL(A.fin_calls, 0); /* rx closed: no recv(NULL) */
    /* TIME-WAIT ends quietly and the pcb goes with it. */
    run(130000);
    CU_ASSERT_EQUAL(A.err_calls, 0);
    CU_ASSERT(FREED(pcb));
    world_down();
}

static void test_peer_reset_gives_err_rst(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8330);
    tern_tcp_abort(pb.t);
    pb.t = NULL;
    run(50);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_RST);
    CU_ASSERT_PTR_EQUAL(A.err_arg, &A);
    CU_ASSERT(FREED(pcb));
    if (HAVE_FREED)
        CU_ASSERT_TRUE(A.err_pcb_freed);
    world_down();
}

static void test_retransmission_timeout_gives_err_abrt(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8340);
    blackhole = true;
    CU_ASSERT_EQUAL(tcp_write(pcb, "lost", 4, 0), ERR_OK);
    tcp_output(pcb);
    bool done = false;
    for (int i = 0; i < 2000 && !A.err_calls; i++)
        run_until(1000, &done);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    if (HAVE_FREED)
        CU_ASSERT_TRUE(A.err_pcb_freed);
    CU_ASSERT(sent_to_peer > 10); /* it tried */
    world_down();
}

static void test_lost_small_segment_retransmitted(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8345);
    /* Nagle is on; a small segment is lost.  The retransmission timer must
     * send it again (Nagle holds back new data only). */
    blackhole = true;
    CU_ASSERT_EQUAL(tcp_write(pcb, "ping", 4, 0), ERR_OK);
    tcp_output(pcb);
    run(100);
    blackhole = false;
    run(3000);
    CU_ASSERT_EQUAL(pb.rx, 4);
    CU_ASSERT_EQUAL(memcmp(pb.head, "ping", 4), 0);
    CU_ASSERT_EQUAL(A.sent_total, 4);
    CU_ASSERT_PTR_NULL(pcb->unacked);
    CU_ASSERT_EQUAL(A.err_calls, 0);
    tcp_abort(pcb);
    world_down();
}

static void test_keepalive_from_pcb_fields(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8350);
    /* What netstack-lwip and go-tun2socks write directly. */
    ip_set_option(pcb, SOF_KEEPALIVE);
    pcb->keep_idle = 2000;
    pcb->keep_intvl = 1000;
    pcb->keep_cnt = 3;
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK); /* the next call picks them up */
    blackhole = true;
    unsigned before = sent_to_peer;
    run(4500);
    CU_ASSERT(sent_to_peer - before >= 2); /* probes */
    CU_ASSERT_EQUAL(A.err_calls, 0);
    run(3000);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    world_down();
}

static void test_ttl_and_nodelay_pushed(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8360);
    pcb->ttl = 42;
    CU_ASSERT_EQUAL(tcp_write(pcb, "a", 1, 0), ERR_OK);
    tcp_output(pcb);
    CU_ASSERT_EQUAL(last_ttl_to_peer, 42);
    run(100);
    /* Nagle: a second small write waits while the first is unacknowledged,
     * unless TF_NODELAY is set (tcp_nagle_disable). */
    blackhole = true;
    unsigned segs = data_segs_to_peer;
    CU_ASSERT_EQUAL(tcp_write(pcb, "b", 1, 0), ERR_OK);
    tcp_output(pcb);
    CU_ASSERT_EQUAL(tcp_write(pcb, "c", 1, 0), ERR_OK);
    tcp_output(pcb);
    CU_ASSERT_EQUAL(data_segs_to_peer - segs, 1);
    tcp_nagle_disable(pcb);
    CU_ASSERT_EQUAL(tcp_write(pcb, "d", 1, 0), ERR_OK);
    tcp_output(pcb);
    CU_ASSERT_EQUAL(data_segs_to_peer - segs, 2);
    blackhole = false;
    tcp_abort(pcb);
    world_down();
}

static void test_refused_data(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8400);
    A.pattern_dir = 3;
    A.refuse = 1000000; /* the application is not ready */
    pb.send_dir = 3;
    pb.to_send = 20000;
    b_pump_writes(&pb);
    run(5);
    CU_ASSERT(A.refused >= 1);
    CU_ASSERT_EQUAL(A.rx, 0);
    CU_ASSERT_PTR_NOT_NULL(pcb->refused_data);
    CU_ASSERT(pcb->rcv_wnd < TCP_WND); /* refused bytes hold the window */
    /* Still refused: ERR_INPROGRESS; the data stays. */
    int before = A.refused;
    CU_ASSERT_EQUAL(tcp_process_refused_data(pcb), ERR_INPROGRESS);
    CU_ASSERT_EQUAL(A.refused, before + 1);
    CU_ASSERT_PTR_NOT_NULL(pcb->refused_data);
    /* The timer offers it again (two more refusals), then it is taken and
     * the rest flows: every byte once, in order. */
    A.refuse = A.refused + 2;
    run(3000);
    CU_ASSERT_EQUAL(A.refused, A.refuse);
    CU_ASSERT_EQUAL(A.rx, 20000);
    CU_ASSERT_FALSE(A.bad);
    CU_ASSERT_PTR_NULL(pcb->refused_data);
    CU_ASSERT_EQUAL(pcb->rcv_wnd, TCP_WND);

    /* Explicit redelivery: tcp_process_refused_data hands it over now. */
    A.refuse = A.refused + 1;
    pb.to_send += 1000;
    b_pump_writes(&pb);
    run(5);
    CU_ASSERT_PTR_NOT_NULL(pcb->refused_data);
    uint64_t rx = A.rx;
    CU_ASSERT_EQUAL(tcp_process_refused_data(pcb), ERR_OK);
    CU_ASSERT_PTR_NULL(pcb->refused_data);
    CU_ASSERT(A.rx > rx);
    run(1000);
    CU_ASSERT_EQUAL(A.rx, 21000);
    CU_ASSERT_FALSE(A.bad);

    /* A FIN behind refused data waits for it, and comes once. */
    A.refuse = A.refused + 1;
    pb.to_send += 10;
    pb.close_when_done = true;
    b_pump_writes(&pb);
    run(2000);
    CU_ASSERT_EQUAL(A.rx, 21010);
    CU_ASSERT_EQUAL(A.fin_calls, 1);
    CU_ASSERT_FALSE(A.bad);
    tcp_abort(pcb);
    world_down();
}

/* A FIN the application refuses is offered again on the tick, once
 * more per refusal, and the connection then closes normally. */
static void test_refused_fin(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8410);
    A.refuse_fin = 2;
    A.act = ACT_CLOSE_ON_FIN;
    pb.close_when_done = true;
    b_pump_writes(&pb);
    run(100);
    CU_ASSERT_EQUAL(A.fin_calls, 1);
    CU_ASSERT_FALSE(FREED(pcb));
    run(2000); /* two ticks of 500 ms at least */
    CU_ASSERT_EQUAL(A.fin_calls, 3);
    CU_ASSERT_EQUAL(A.err_calls, 0);
    CU_ASSERT_TRUE(FREED(pcb)); /* closed on the third offer, the peer's ACK came */
    CU_ASSERT_FALSE(pb.err_seen);
    world_down();
}

/* The peer's next segments reach an application that refuses what they
 * bring while tcp_rare cannot be allocated: the refusal cannot be kept,
 * so the connection must be aborted (err ERR_ABRT, a RST to the peer). */
static void run_refusal_without_memory(struct tcp_pcb *pcb)
{
    tern__tcp_rare_fail_next = 1;
    b_pump_writes(&pb);
    run(100);
    tern__tcp_rare_fail_next = 0;
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    CU_ASSERT_TRUE(FREED(pcb));
    CU_ASSERT_TRUE(pb.err_seen);
}

/* A refused FIN that cannot be remembered could never be offered again:
 * aborted, instead of the application waiting forever in CLOSE_WAIT. */
static void test_refused_fin_without_memory(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8420);
    A.refuse_fin = 1;
    pb.close_when_done = true;
    run_refusal_without_memory(pcb);
    CU_ASSERT_EQUAL(A.fin_calls, 1);
    world_down();
}

/* Refused data that cannot be kept: aborted, rather than going on with
 * those bytes missing from the stream. */
static void test_refused_data_without_memory(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8430);
    A.refuse = 1;
    pb.send_dir = 3;
    pb.to_send = 1000;
    run_refusal_without_memory(pcb);
    CU_ASSERT_EQUAL(A.refused, 1);
    CU_ASSERT_EQUAL(A.rx, 0);
    world_down();
}

/* An accepted pcb whose recv callback, on the peer's first data, does
 * act (an abort of some kind): the callback ran once and err(ERR_ABRT)
 * followed.  Returns the pcb. */
static struct tcp_pcb *abort_on_first_data(uint16_t port, action act)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(port);
    A.act = act;
    CU_ASSERT_EQUAL(tern_tcp_write(pb.t, "boom", 4, 0), 0);
    tern_tcp_output(pb.t);
    run(100);
    CU_ASSERT_EQUAL(A.recv_calls, 1);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    return pcb;
}

static void test_abort_inside_recv(void)
{
    struct tcp_pcb *pcb = abort_on_first_data(8500, ACT_ABORT_IN_RECV);
    CU_ASSERT(FREED(pcb));
    CU_ASSERT_TRUE(pb.err_seen);
    CU_ASSERT_EQUAL(pb.err, ERR_RST);
    world_down();
}

/* A pcb freed inside its own callback, and new pcbs made in the same
 * callback: none of them takes the freed pcb's memory (its slot holds the
 * stack's socket until the dispatch returns), and the dispatch, returning,
 * leaves them alone: each is a fresh pcb that works. */
static void test_abort_and_reuse_inside_recv(void)
{
    struct tcp_pcb *pcb = abort_on_first_data(8505, ACT_ABORT_REUSE_IN_RECV);
    CU_ASSERT_PTR_NULL(A.reused);
    CU_ASSERT_EQUAL(A.nspare, 256);
    CU_ASSERT(FREED(pcb));
    for (int i = 0; i < A.nspare; i++) {
        struct tcp_pcb *n = A.spare[i];
        CU_ASSERT_FALSE(FREED(n));
        CU_ASSERT_EQUAL(n->state, CLOSED);
        CU_ASSERT_PTR_EQUAL(n->recv, tcp_recv_null);
        CU_ASSERT_PTR_NULL(n->callback_arg);
    }
    CU_ASSERT_EQUAL(tcp_bind(A.spare[0], IP_ADDR_ANY, 8506), ERR_OK);
    CU_ASSERT_EQUAL(A.spare[0]->local_port, 8506);
    for (int i = 0; i < A.nspare; i++)
        CU_ASSERT_EQUAL(tcp_close(A.spare[i]), ERR_OK);
    CU_ASSERT(FREED(A.spare[0]));
    CU_ASSERT_TRUE(pb.err_seen);
    CU_ASSERT_EQUAL(pb.err, ERR_RST);
    world_down();
}

static void test_close_inside_recv_with_unread_data(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8510);
    /* The callback frees p without tcp_recved and closes: lwIP resets
     * (data was not read) and frees the pcb inside the callback. */
    A.act = ACT_CLOSE_IN_RECV;
    CU_ASSERT_EQUAL(tern_tcp_write(pb.t, "unread", 6, 0), 0);
    tern_tcp_output(pb.t);
    run(100);
    CU_ASSERT_EQUAL(A.recv_calls, 1);
    CU_ASSERT_EQUAL(A.err_calls, 0);
    CU_ASSERT(FREED(pcb));
    CU_ASSERT_TRUE(pb.err_seen);
    CU_ASSERT_EQUAL(pb.err, ERR_RST);
    world_down();
}

/* tcp_abort inside sent is conformance's tcp_abort_in_sent; LAST-ACK after a
 * shutdown of the sending side, tcp_shutdown_tx_last_ack_err_clsd. */
static void test_close_inside_sent(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8520);
    A.act = ACT_CLOSE_IN_SENT;
    CU_ASSERT_EQUAL(tcp_write(pcb, "last words", 10, 0), ERR_OK);
    tcp_output(pcb);
    run(100);
    CU_ASSERT_EQUAL(A.sent_calls, 1);
    CU_ASSERT_EQUAL(A.sent_total, 10);
    CU_ASSERT_EQUAL(pb.rx, 10);
    CU_ASSERT_TRUE(pb.fin);
    tern_tcp_close(pb.t);
    pb.t = NULL;
    run(130000);
    CU_ASSERT(FREED(pcb));
    CU_ASSERT_EQUAL(A.err_calls, 0);
    world_down();
}

static void test_poll_interval(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8600);
    tcp_poll(pcb, a_poll, 4); /* every 2 s */
    run(10100);
    CU_ASSERT(A.poll_calls >= 4 && A.poll_calls <= 6);
    int n = A.poll_calls;
    tcp_poll(pcb, a_poll, 1); /* every 500 ms */
    run(5000);
    CU_ASSERT(A.poll_calls - n >= 9 && A.poll_calls - n <= 11);
    /* tcp_abort inside poll */
    A.act = ACT_ABORT_IN_POLL;
    run(1000);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    CU_ASSERT(FREED(pcb));
    world_down();
}

static void test_write_limits(void)
{
    world_up();
    /* A small send buffer and queue, as a program's lwipopts.h sets them. */
    tern__compat_opts.tcp_snd_buf = 4000;
    tern__compat_opts.tcp_snd_queuelen = 3;
    struct tcp_pcb *pcb = connect_to_peer(8700);
    CU_ASSERT_EQUAL(pcb->snd_buf, 4000);
    blackhole = true; /* nothing gets acknowledged */
    static uint8_t big[5000];
    CU_ASSERT_EQUAL(tcp_write(pcb, big, 4001, TCP_WRITE_FLAG_COPY), ERR_MEM);
    CU_ASSERT(pcb->flags & TF_NAGLEMEMERR);
    CU_ASSERT_EQUAL(pcb->snd_buf, 4000); /* all or nothing */
    CU_ASSERT_EQUAL(pcb->snd_queuelen, 0);
    CU_ASSERT_EQUAL(tcp_write(pcb, big, 1448, 0), ERR_OK);
    CU_ASSERT_EQUAL(tcp_write(pcb, big, 1448, 0), ERR_OK);
    CU_ASSERT_EQUAL(pcb->snd_queuelen, 2);
    CU_ASSERT_EQUAL(pcb->snd_buf, 4000 - 2 * 1448);
    /* Two more segments would pass TCP_SND_QUEUELEN (3). */
    CU_ASSERT_EQUAL(tcp_write(pcb, big, 1000, 0), ERR_OK);
    CU_ASSERT_EQUAL(pcb->snd_queuelen, 3);
    CU_ASSERT_EQUAL(tcp_write(pcb, big, 1, 0), ERR_MEM); /* queue full */
    CU_ASSERT_EQUAL(pcb->snd_buf, 4000 - 2 * 1448 - 1000);
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK);
    CU_ASSERT_FALSE(pcb->flags & TF_NAGLEMEMERR);
    /* len 0 is fine in a connected state. */
    CU_ASSERT_EQUAL(tcp_write(pcb, big, 0, 0), ERR_OK);
    blackhole = false;
    run(3000); /* retransmitted and acknowledged */
    CU_ASSERT_EQUAL(pb.rx, 2 * 1448 + 1000);
    CU_ASSERT_EQUAL(pcb->snd_buf, 4000);
    CU_ASSERT_EQUAL(pcb->snd_queuelen, 0);
    CU_ASSERT_PTR_NULL(pcb->unsent);
    CU_ASSERT_PTR_NULL(pcb->unacked);
    CU_ASSERT_EQUAL(A.sent_total, 2 * 1448 + 1000);
    /* After the tx side is shut: ERR_CONN. */
    CU_ASSERT_EQUAL(tcp_shutdown(pcb, 0, 1), ERR_OK);
    CU_ASSERT_EQUAL(tcp_write(pcb, big, 1, 0), ERR_CONN);
    CU_ASSERT_EQUAL(tcp_shutdown(pcb, 0, 1), ERR_CONN); /* FIN_WAIT_*: not again */
    tcp_abort(pcb);
    world_down();
}

static void warmup_feed(void) { a_pump_writes(&A); }

static void test_sent_splits_large_acks(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8750);
    tcp_nagle_disable(pcb);
    /* Open the congestion window with 1 MB. */
    A.to_send = 1024 * 1024;
    feeder = warmup_feed;
    for (int i = 0; i < 100 && pb.rx < A.to_send; i++)
        run(100);
    feeder = NULL;
    CU_ASSERT_EQUAL_FATAL(pb.rx, A.to_send);
    /* 200 KB in one go; the peer's ACKs are held and only the last
     * (cumulative) one is delivered. */
    static uint8_t chunk[16000];
    for (int i = 0; i < 13; i++)
        CU_ASSERT_EQUAL_FATAL(tcp_write(pcb, chunk, sizeof(chunk), 0), ERR_OK);
    tcp_output(pcb);
    queue held;
    q_init(&held);
    for (int round = 0; round < 1000 && (to_peer.head || to_compat.head); round++) {
        tern_pbuf *p;
        while ((p = q_pop(&to_peer)) != NULL)
            tern_iface_input(ifb, p);
        while ((p = q_pop(&to_compat)) != NULL)
            q_push(&held, p);
    }
    tern_pbuf *p, *last = NULL;
    while ((p = q_pop(&held)) != NULL) {
        if (last)
            tern_pbuf_free(last);
        last = p;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(last);
    uint64_t total0 = A.sent_total;
    int calls0 = A.sent_calls;
    nif.input((struct pbuf *)last, &nif);
    uint64_t acked = A.sent_total - total0;
    CU_ASSERT(acked > 0xffff);
    /* lwIP: at most 65535 per call, the rest in further calls. */
    CU_ASSERT_EQUAL((uint64_t)(A.sent_calls - calls0), (acked + 0xfffe) / 0xffff);
    run(2000);
    CU_ASSERT_EQUAL(A.sent_total, A.to_send + 13 * sizeof(chunk));
    CU_ASSERT_EQUAL(pb.rx, A.to_send + 13 * sizeof(chunk));
    tcp_abort(pcb);
    world_down();
}

static void test_backlog_delayed(void)
{
    world_up();
    struct tcp_pcb *pcb = accept_from_peer(8800);
    CU_ASSERT_FALSE(pcb->flags & TF_BACKLOGPEND);
    tcp_backlog_delayed(pcb);
    CU_ASSERT(pcb->flags & TF_BACKLOGPEND);
    tcp_backlog_delayed(pcb);
    tcp_backlog_accepted(pcb);
    CU_ASSERT_FALSE(pcb->flags & TF_BACKLOGPEND);
    tcp_backlog_accepted(pcb);
    tcp_abort(pcb);
    world_down();
}

/* tcp_backlog_delayed holds one of the listener's backlog slots until
 * tcp_backlog_accepted or the pcb's end (an accepted child keeps no
 * pointer to its listener: the stack finds it as the SYN did): with a
 * backlog of 1, a second SYN is dropped while the first child delays, and
 * connects once the slot is given back.  A listener closed while a child
 * holds a slot takes the slot with it: a new listener on the port has its
 * whole backlog, and the child's later calls touch nothing freed. */
static struct tcp_pcb *slot_pcbs[4];
static unsigned slot_accepts;
static err_t slot_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    CU_ASSERT_PTR_EQUAL(arg, &slot_accepts); /* the listener's argument */
    CU_ASSERT_EQUAL(err, ERR_OK);
    CU_ASSERT_PTR_EQUAL(newpcb->callback_arg, &slot_accepts); /* inherited, as in lwIP */
    if (slot_accepts < 4)
        slot_pcbs[slot_accepts] = newpcb;
    slot_accepts++;
    return ERR_OK;
}

static struct tcp_pcb *slot_listener(uint16_t port)
{
    struct tcp_pcb *pcb = tcp_new();
    ip_set_option(pcb, SOF_REUSEADDR); /* (beside the children of the one before: they inherit it) */
    CU_ASSERT_EQUAL_FATAL(tcp_bind(pcb, IP4_ADDR_ANY, port), ERR_OK);
    struct tcp_pcb *l = tcp_listen_with_backlog(pcb, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    tcp_arg(l, &slot_accepts);
    tcp_accept(l, slot_accept);
    return l;
}

static tern_tcp *slot_peer(uint16_t port)
{
    ip_addr_t dst;
    tern_tcp *t = tern_tcp_new(sb, TERN_ADDR_V4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_connect(t, (const tern_addr *)(const void *)ip4(&dst, 10, 0, 0, 1), port, NULL), 0);
    return t;
}

static void test_backlog_delayed_holds_a_slot(void)
{
    world_up();
    slot_accepts = 0;
    memset(slot_pcbs, 0, sizeof(slot_pcbs));
    struct tcp_pcb *l = slot_listener(8810);
    tern_tcp *p1 = slot_peer(8810);
    run(100);
    CU_ASSERT_EQUAL_FATAL(slot_accepts, 1);
    tcp_backlog_delayed(slot_pcbs[0]);
    tern_tcp *p2 = slot_peer(8810);
    run(100);
    CU_ASSERT_EQUAL(slot_accepts, 1); /* the backlog is full: the SYN dropped */
    CU_ASSERT_EQUAL(tern_tcp_get_state(p2), TERN_TCP_SYN_SENT);
    tcp_backlog_accepted(slot_pcbs[0]);
    run(3000); /* the SYN again, after its RTO */
    CU_ASSERT_EQUAL_FATAL(slot_accepts, 2);
    CU_ASSERT_EQUAL(tern_tcp_get_state(p2), TERN_TCP_ESTABLISHED);
    /* The second child delays, then its listener goes. */
    tcp_backlog_delayed(slot_pcbs[1]);
    CU_ASSERT_EQUAL(tcp_close(l), ERR_OK);
    l = slot_listener(8810);
    tern_tcp *p3 = slot_peer(8810);
    run(100);
    CU_ASSERT_EQUAL_FATAL(slot_accepts, 3); /* the new listener's slot is free */
    CU_ASSERT_EQUAL(tern_tcp_get_state(p3), TERN_TCP_ESTABLISHED);
    tcp_backlog_accepted(slot_pcbs[1]); /* the old listener's: nothing to give back */
    tcp_backlog_delayed(slot_pcbs[2]);
    tcp_abort(slot_pcbs[2]); /* its end gives the slot back (its RST ends p3) */
    tern_tcp *p4 = slot_peer(8810);
    run(100);
    CU_ASSERT_EQUAL(slot_accepts, 4);
    CU_ASSERT_EQUAL(tern_tcp_get_state(p4), TERN_TCP_ESTABLISHED);
    tcp_abort(slot_pcbs[0]);
    tcp_abort(slot_pcbs[1]);
    tcp_abort(slot_pcbs[3]);
    tcp_close(l);
    tern_tcp_abort(p1); /* (the RSTs just sent are not delivered yet) */
    tern_tcp_abort(p2);
    tern_tcp_abort(p4);
    world_down();
}

/* ---- a bulk transfer both ways ---- */

#define BULK (2u * 1024u * 1024u)

static void bulk_feed(void)
{
    a_pump_writes(&A);
    b_pump_writes(&pb);
}

static void test_bulk_both_ways(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(9000);
    A.pattern_dir = 2;
    A.to_send = BULK;
    A.send_dir = 1;
    A.close_when_done = true;
    pb.pattern_dir = 1;
    pb.to_send = BULK;
    pb.send_dir = 2;
    pb.close_when_done = true;
    A.act = ACT_CLOSE_ON_FIN;
    tcp_nagle_disable(pcb);
    feeder = bulk_feed;
    for (int i = 0; i < 600 && !(A.rx == BULK && pb.rx == BULK && A.fin_calls && pb.fin); i++)
        run(100);
    feeder = NULL;
    CU_ASSERT_EQUAL(A.rx, BULK);
    CU_ASSERT_EQUAL(pb.rx, BULK);
    CU_ASSERT_FALSE(A.bad);
    CU_ASSERT_FALSE(pb.bad);
    CU_ASSERT_EQUAL(A.written, BULK);
    CU_ASSERT_EQUAL(A.sent_total, BULK);
    CU_ASSERT_TRUE(pb.fin);
    CU_ASSERT_EQUAL(A.fin_calls, 1);
    CU_ASSERT_EQUAL(A.err_calls, 0);
    run(130000); /* both ends finish closing */
    CU_ASSERT(FREED(pcb));
    CU_ASSERT_EQUAL(A.err_calls, 0);
    world_down();
}

/* ---- TUN2SOCKS: one listener takes every connection ---- */

static void test_tun2socks_catch_all(void)
{
    world_up();
    netif_remove(&nif);
    tern__compat_tun2socks = 1; /* as lwip_init does for TUN2SOCKS programs */
    memset(&nif, 0, sizeof(nif));
    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 10, 0, 0, 1);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 0, 0, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(netif_add(&nif, &a, &m, &g, NULL, nif_init, ip_input));
    netif_set_link_up(&nif);
    netif_set_up(&nif);
    netif_set_default(&nif);

    /* go-tun2socks: tcp_new, tcp_bind(IP_ADDR_ANY, 0), tcp_listen. */
    struct tcp_pcb *pcb = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(pcb, IP_ADDR_ANY, 0), ERR_OK);
    struct tcp_pcb *lpcb = tcp_listen_with_backlog(pcb, TCP_DEFAULT_LISTEN_BACKLOG);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lpcb);
    L.listener = lpcb;
    tcp_arg(lpcb, &L);
    tcp_accept(lpcb, l_accept);
    ip_addr_t dst, x;
    peer_connect(ip4(&dst, 93, 184, 216, 34), 443);
    run(100);
    CU_ASSERT_EQUAL_FATAL(L.accept_calls, 1);
    CU_ASSERT_TRUE(ip_addr_cmp(&L.local_ip, &dst)); /* the original destination */
    CU_ASSERT_EQUAL(L.local_port, 443);
    CU_ASSERT_TRUE(ip_addr_cmp(&L.remote_ip, peer4(&x)));
    struct tcp_pcb *c = A.pcb;
    CU_ASSERT_EQUAL(tcp_write(c, "from 93.184.216.34", 18, TCP_WRITE_FLAG_COPY), ERR_OK);
    tcp_output(c);
    run(100);
    CU_ASSERT_EQUAL(pb.rx, 18);
    tcp_abort(c);

    /* Another destination and port, IPv6 this time. */
    memset(&pb, 0, sizeof(pb));
    pb.pattern_dir = -1;
    app_reset(&A);
    uint8_t d6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34};
    peer_connect(ip6(&dst, d6), 8443);
    run(100);
    CU_ASSERT_EQUAL(L.accept_calls, 2);
    CU_ASSERT_TRUE(ip_addr_cmp_zoneless(&L.local_ip, &dst));
    CU_ASSERT_EQUAL(L.local_port, 8443);
    CU_ASSERT_TRUE(ip_addr_cmp_zoneless(&L.remote_ip, peer6(&x)));
    tcp_abort(A.pcb);
    CU_ASSERT_EQUAL(tcp_close(lpcb), ERR_OK);
    world_down();
}

/* ---- programs built without LWIP_WND_SCALE: 16-bit window fields ---- */

struct pcb16 {
    TERN_TCP_PCB_MEMBERS(u16_t);
};

static void test_narrow_window_layout(void)
{
    world_up();
    tern__compat_opts.wnd_scale = 0;
    tern__compat_opts.tcp_wnd = 46720; /* netstack-lwip's */
    tern__compat_opts.tcp_snd_buf = 23360;
    peer_listen(9100);
    struct tcp_pcb *raw = tcp_new();
    struct pcb16 *pcb = (struct pcb16 *)(void *)raw;
    CU_ASSERT_EQUAL(pcb->snd_buf, 23360);
    CU_ASSERT_EQUAL(pcb->rcv_wnd, 46720);
    CU_ASSERT_EQUAL(pcb->mss, 536);
    CU_ASSERT_PTR_EQUAL(pcb->recv, tcp_recv_null);
    CU_ASSERT_EQUAL(pcb->keep_idle, TCP_KEEPIDLE_DEFAULT);
    CU_ASSERT_PTR_NOT_NULL(tern_lwip_tcp_socket(raw));
    A.pcb = raw;
    tcp_arg(raw, &A);
    tcp_recv(raw, a_recv);
    tcp_err(raw, a_err);
    CU_ASSERT_PTR_EQUAL(pcb->recv, a_recv);
    CU_ASSERT_PTR_EQUAL(pcb->errf, a_err);
    ip_addr_t dst;
    CU_ASSERT_EQUAL(tcp_connect(raw, peer4(&dst), 9100, NULL), ERR_OK);
    run(100);
    CU_ASSERT_EQUAL(pcb->state, ESTABLISHED);
    CU_ASSERT_EQUAL(tcp_write(raw, "narrow", 6, 0), ERR_OK);
    CU_ASSERT_EQUAL(pcb->snd_buf, 23360 - 6);
    CU_ASSERT_EQUAL(pcb->snd_queuelen, 1);
    CU_ASSERT_PTR_NOT_NULL(pcb->unsent);
    tcp_output(raw);
    CU_ASSERT_PTR_NULL(pcb->unsent);
    CU_ASSERT_PTR_NOT_NULL(pcb->unacked);
    run(100);
    CU_ASSERT_EQUAL(pb.rx, 6);
    CU_ASSERT_PTR_NULL(pcb->unacked);
    CU_ASSERT_EQUAL(pcb->snd_buf, 23360);
    /* keep_* written at the 16-bit layout's offsets reach the socket. */
    pcb->so_options |= SOF_KEEPALIVE;
    pcb->keep_idle = 1000;
    pcb->keep_intvl = 500;
    pcb->keep_cnt = 2;
    tcp_output(raw);
    blackhole = true;
    run(3000);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    world_down();
}

/* Buffer autotuning in a program without LWIP_WND_SCALE: tcp_sndbuf()
 * follows the congestion window past TCP_SND_BUF in the socket, while the
 * program's u16_t snd_buf shows at most 0xffff per call; the segment limit
 * grows with the buffer; every byte written arrives. */
static void test_autotune_narrow_sndbuf(void)
{
    world_up();
    tern__compat_opts.wnd_scale = 0;
    tern__compat_opts.tcp_wnd = 46720;
    tern__compat_opts.tcp_snd_buf = 23360;
    tern__compat_opts.tcp_mss = 1460;
    tern__compat_opts.tcp_snd_queuelen = 64; /* 4 x TCP_SND_BUF / TCP_MSS, netstack-lwip's */
    tern__compat_opts.autotune = 1;
    tern__compat_opts.autotune_max = 4u << 20;
    tern__compat_opts.autotune_budget = 64u << 20;
    peer_listen(9150);
    struct tcp_pcb *raw = tcp_new();
    struct pcb16 *pcb = (struct pcb16 *)(void *)raw;
    A.pcb = raw;
    tcp_arg(raw, &A);
    tcp_err(raw, a_err);
    ip_addr_t dst;
    CU_ASSERT_EQUAL_FATAL(tcp_connect(raw, peer4(&dst), 9150, NULL), ERR_OK);
    run(100);
    CU_ASSERT_EQUAL_FATAL(pcb->state, ESTABLISHED);
    static uint8_t buf[65535];
    memset(buf, 'a', sizeof(buf));
    uint64_t written = 0;
    uint32_t most_room = 0, most_segs = 0;
    bool u16_ok = true;
    for (int i = 0; i < 400 && written < (8u << 20); i++) {
        u16_t room;
        while ((room = pcb->snd_buf) > 0) { /* tcp_sndbuf() at this layout */
            if (tcp_write(raw, buf, room, TCP_WRITE_FLAG_COPY) != ERR_OK)
                break;
            written += room;
            if (pcb->snd_queuelen > most_segs)
                most_segs = pcb->snd_queuelen;
        }
        run(5);
        tcp_output(raw); /* the mirror is pulled here */
        tern_tcp_info in;
        tern_tcp_get_info(tern_lwip_tcp_socket(raw), &in);
        if (in.snd_buf > most_room)
            most_room = in.snd_buf;
        /* The u16_t field is the socket's room, clamped to 0xffff. */
        if (pcb->snd_buf != (in.snd_buf > 0xffff ? 0xffff : in.snd_buf))
            u16_ok = false;
    }
    run(1000);
    CU_ASSERT_TRUE(u16_ok);
    CU_ASSERT_TRUE(written > (1u << 20));
    CU_ASSERT_EQUAL(pb.rx, written); /* every byte arrived */
    /* The socket offered more than 0xffff at once: the clamp was used. */
    CU_ASSERT_TRUE(most_room > 0xffff);
    /* TCP_SND_QUEUELEN grew with the buffer (per TCP_SND_BUF of it). */
    CU_ASSERT_TRUE(most_segs > 64);
    tcp_abort(raw);
    world_down();
}

/* The switch: with autotuning the SYN offers window scaling for
 * TERN_AUTOTUNE_MAX (shift 7 for 4 MiB) although TCP_WND fits 16 bits;
 * tern_lwip_autotune(0) keeps lwIP's fixed window (shift 0). */
static void test_autotune_switch(void)
{
    for (int on = 1; on >= 0; on--) {
        world_up();
        tern__compat_opts.tcp_wnd = 46720;
        tern__compat_opts.autotune = 1;
        tern__compat_opts.autotune_max = 4u << 20;
        tern__compat_opts.autotune_budget = 64u << 20;
        tern_lwip_autotune(on);
        struct tcp_pcb *pcb = connect_to_peer((uint16_t)(9160 + on));
        CU_ASSERT_EQUAL(pcb->state, ESTABLISHED);
        CU_ASSERT_EQUAL(pcb->rcv_scale, on ? 7 : 0);
        CU_ASSERT_EQUAL(pcb->rcv_wnd, 46720); /* lwIP's meaning either way */
        tern_tcp_info in;
        tern_tcp_get_info(pb.t, &in);
        CU_ASSERT_EQUAL(in.snd_wscale, on ? 7 : 0); /* what the peer read in our SYN */
        tcp_abort(pcb);
        tern_lwip_autotune(-1);
        world_down();
    }
}

/* ---- freed pcbs: type-stable pools ---- */

/* A pcb the peer's reset freed, used again the way go-tun2socks does:
 * every call answers as lwIP does for a CLOSED pcb and runs no callback. */
static void test_freed_pcb_answers_as_closed(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8500);
    tcp_poll(pcb, a_poll, 1);
    tern_tcp_abort(pb.t); /* the peer resets */
    pb.t = NULL;
    run(100);
    CU_ASSERT_EQUAL_FATAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_RST);
    CU_ASSERT(FREED(pcb));
    CU_ASSERT_EQUAL(pcb->state, CLOSED);
    CU_ASSERT_PTR_NULL(pcb->errf);
    unsigned sent = sent_to_peer;
    CU_ASSERT_EQUAL(tcp_shutdown(pcb, 0, 1), ERR_CONN);
    CU_ASSERT_EQUAL(tcp_shutdown(pcb, 1, 0), ERR_OK);
    CU_ASSERT_EQUAL(tcp_shutdown(pcb, 1, 1), ERR_OK);
    CU_ASSERT_EQUAL(tcp_write(pcb, "x", 1, TCP_WRITE_FLAG_COPY), ERR_CONN);
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK);
    CU_ASSERT_EQUAL(tcp_process_refused_data(pcb), ERR_OK);
    tcp_recved(pcb, 100);
    tcp_arg(pcb, NULL);
    tcp_err(pcb, a_err);
    tcp_poll(pcb, a_poll, 1);
    tcp_abort(pcb);
    CU_ASSERT_EQUAL(tcp_close(pcb), ERR_OK);
    ip_addr_t dst;
    CU_ASSERT_EQUAL(tcp_bind(pcb, IP4_ADDR_ANY, 8501), ERR_CLSD);
    CU_ASSERT_EQUAL(tcp_connect(pcb, peer4(&dst), 8500, NULL), ERR_CLSD);
    err_t e = ERR_OK;
    CU_ASSERT_PTR_NULL(tcp_listen_with_backlog_and_err(pcb, 1, &e));
    CU_ASSERT_EQUAL(e, ERR_CLSD);
    run(2000);
    CU_ASSERT_EQUAL(sent_to_peer, sent); /* nothing reached the wire */
    CU_ASSERT_EQUAL(A.err_calls, 1);      /* no callback ran again */
    CU_ASSERT_EQUAL(A.poll_calls, 0);
    CU_ASSERT(FREED(pcb));
    /* The port is free for a new pcb, which works normally. */
    struct tcp_pcb *n = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(n, IP4_ADDR_ANY, 8501), ERR_OK);
    struct tcp_pcb *l = tcp_listen(n);
    CU_ASSERT_PTR_NOT_NULL(l);
    CU_ASSERT(FREED(n)); /* tcp_listen frees the pcb it was given */
    CU_ASSERT_EQUAL(tcp_close(n), ERR_OK);
    CU_ASSERT_EQUAL(l->state, LISTEN); /* untouched by the call on n */
    CU_ASSERT_EQUAL(tcp_close(l), ERR_OK);
    CU_ASSERT(FREED(l));
    world_down();
}

/* Freed pcbs are reused oldest first, after memory never used.  Fewer
 * pcbs than the pool's cache (TERN_POOL_CACHE_SLOTS), so no slab goes back
 * to the allocator: a slab given back and a later one placed at the same
 * address by malloc would put a new slot where an old pointer points, an
 * equality that says nothing about the reuse order (pool.h).  Slabs grow by
 * an eighth of what the pool holds (memp.c): 46 pcbs leave 4 slots never
 * used, which go first. */
static void test_pool_reuse_is_fifo(void)
{
    world_up();
    enum { N = 46 };
    struct tcp_pcb *old[N], *fresh[N];
    for (int i = 0; i < N; i++)
        old[i] = tcp_new();
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL(tcp_close(old[i]), ERR_OK); /* CLOSED: freed at once */
    int last = -1, reused = 0;
    bool in_order = true;
    for (int i = 0; i < N; i++) {
        fresh[i] = tcp_new();
        for (int j = 0; j < N; j++) {
            if (fresh[i] == old[j]) {
                if (j <= last)
                    in_order = false;
                last = j;
                reused++;
            }
        }
    }
    CU_ASSERT(in_order);
    CU_ASSERT(reused > 0 && reused < N); /* unused memory went first */
    for (int i = 0; i < N; i++)
        tcp_abort(fresh[i]);
    world_down();
}

/* go-tun2socks: memp_free(MEMP_TCP_PCB, pcb) after a failed tcp_bind. */
static void test_memp_free_tcp_and_udp(void)
{
    world_up();
    struct tcp_pcb *a = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(a, IP4_ADDR_ANY, 8510), ERR_OK);
    struct tcp_pcb *b = tcp_new();
    CU_ASSERT_EQUAL(tcp_bind(b, IP4_ADDR_ANY, 8510), ERR_USE);
    memp_free(MEMP_TCP_PCB, b);
    CU_ASSERT(FREED(b));
    memp_free(MEMP_TCP_PCB, b); /* twice: nothing */
    memp_free(MEMP_TCP_PCB, a); /* a bound pcb: its port goes too */
    CU_ASSERT(FREED(a));
    struct tcp_pcb *c = memp_malloc(MEMP_TCP_PCB);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(tcp_bind(c, IP4_ADDR_ANY, 8510), ERR_OK);
    tcp_close(c);
    CU_ASSERT_PTR_NULL(memp_malloc(MEMP_TCP_PCB_LISTEN));
    CU_ASSERT_PTR_NULL(memp_malloc(MEMP_MAX));
    struct pbuf *p = memp_malloc(MEMP_PBUF);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->tot_len, 0); /* zeroed */
    memp_free(MEMP_PBUF_POOL, p); /* the wrong type: kept */
    memp_free(MEMP_PBUF, p);
    void *t = memp_malloc(MEMP_SYS_TIMEOUT);
    CU_ASSERT_PTR_NOT_NULL(t);
    memp_free(MEMP_SYS_TIMEOUT, t);

    struct udp_pcb *u = udp_new();
    CU_ASSERT_EQUAL(udp_bind(u, IP4_ADDR_ANY, 8520), ERR_OK);
    memp_free(MEMP_UDP_PCB, u);
    /* a freed udp_pcb answers as a NULL one */
    CU_ASSERT_EQUAL(udp_bind(u, IP4_ADDR_ANY, 8521), ERR_VAL);
    ip_addr_t dst;
    struct pbuf *q = pbuf_alloc(PBUF_TRANSPORT, 4, PBUF_RAM);
    CU_ASSERT_EQUAL(udp_sendto(u, q, peer4(&dst), 9), ERR_VAL);
    pbuf_free(q);
    udp_recv(u, NULL, NULL);
    udp_disconnect(u);
    udp_remove(u);
    struct udp_pcb *v = udp_new();
    CU_ASSERT_EQUAL(udp_bind(v, IP4_ADDR_ANY, 8520), ERR_OK); /* the port was released */
    udp_remove(v);
    world_down();
}

/* ---- fields written between calls, without a walk over every pcb ---- */

/* Keepalive switched on, and its timing, written by the application with
 * no API call and no event on the connection afterwards: lwIP's timers
 * read the pcb, so the probes and the abort must still come. */
static void test_keepalive_written_between_calls(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8370);
    run(1000); /* idle: no timer of its own runs */
    pcb->so_options |= SOF_KEEPALIVE;
    pcb->keep_idle = 1000;
    pcb->keep_intvl = 500;
    pcb->keep_cnt = 2;
    blackhole = true;
    unsigned before = sent_to_peer;
    run(8000);
    CU_ASSERT(sent_to_peer - before >= 2); /* probes, then the RST */
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    world_down();
}

/* keep_idle lowered between calls on a connection whose keepalive is
 * already on (a 10-minute idle time pushed by tcp_output): the new value
 * takes effect long before the old one would have. */
static void test_keep_idle_changed_between_calls(void)
{
    world_up();
    struct tcp_pcb *pcb = connect_to_peer(8380);
    pcb->so_options |= SOF_KEEPALIVE;
    pcb->keep_idle = 600000;
    pcb->keep_intvl = 1000;
    pcb->keep_cnt = 2;
    CU_ASSERT_EQUAL(tcp_output(pcb), ERR_OK);
    run(1000);
    pcb->keep_idle = 1000; /* no call after this */
    blackhole = true;
    run(10000);
    CU_ASSERT_EQUAL(A.err_calls, 1);
    CU_ASSERT_EQUAL(A.err, ERR_ABRT);
    world_down();
}

/* Runs an hour of 250 ms sys_check_timeouts ticks (go-tun2socks' rate)
 * over n idle established connections and counts the pcbs the refresh
 * watch visits: the old code pushed every pcb on every tick (14 400 n
 * visits in the hour); the watch visits each pcb once per doubling of its
 * age, whatever the tick rate. */
static void idle_hour(unsigned n, unsigned long *visits, unsigned *busy_ticks, unsigned long *last_10min)
{
    world_up();
    peer_listen(8390);
    struct tcp_pcb **pcbs = calloc(n, sizeof(*pcbs));
    ip_addr_t dst;
    for (unsigned i = 0; i < n; i++) {
        pcbs[i] = tcp_new();
        CU_ASSERT_PTR_NOT_NULL_FATAL(pcbs[i]);
        CU_ASSERT_EQUAL(tcp_connect(pcbs[i], peer4(&dst), 8390, NULL), ERR_OK);
    }
    pump();
    unsigned established = 0;
    for (unsigned i = 0; i < n; i++)
        established += pcbs[i]->state == ESTABLISHED;
    CU_ASSERT_EQUAL(established, n);
    unsigned long start = tern__compat_tcp_watch_visits, mark = start;
    *busy_ticks = 0;
    for (unsigned tick = 0; tick < 3600u * 4u; tick++) {
        if (tick == 3000u * 4u)
            mark = tern__compat_tcp_watch_visits;
        unsigned long v = tern__compat_tcp_watch_visits;
        vnow += 250;
        sys_check_timeouts();
        tern_stack_poll(sb);
        pump();
        if (tern__compat_tcp_watch_visits != v)
            (*busy_ticks)++;
    }
    *visits = tern__compat_tcp_watch_visits - start;
    *last_10min = tern__compat_tcp_watch_visits - mark;
    for (unsigned i = 0; i < n; i++)
        CU_ASSERT_EQUAL(pcbs[i]->state, ESTABLISHED);
    for (unsigned i = 0; i < n; i++)
        tcp_abort(pcbs[i]);
    free(pcbs);
    world_down();
}

static void test_timer_cost_independent_of_idle_pcbs(void)
{
    unsigned long v_small, v_large, l_small, l_large;
    unsigned b_small, b_large;
    idle_hour(20, &v_small, &b_small, &l_small);
    idle_hour(400, &v_large, &b_large, &l_large);
    printf("\n    idle hour, 14400 ticks: 20 pcbs %lu visits on %u ticks (last 10 min %lu), 400 pcbs %lu visits "
           "on %u ticks (last 10 min %lu)\n",
           v_small, b_small, l_small, v_large, b_large, l_large);
    /* Each pcb once per doubling of its age: at most 14 in an hour (the
     * old walk: 14 400 each). */
    CU_ASSERT(v_small >= 20 && v_small <= 20 * 14);
    CU_ASSERT(v_large >= 400 && v_large <= 400 * 14);
    /* The ticks that visit anything are the same few, however many pcbs:
     * every other tick visits none. */
    CU_ASSERT(b_small <= 2 * 14);
    CU_ASSERT(b_large <= 2 * 14);
    /* At an hour old each pcb is looked at no more than once in 10 min. */
    CU_ASSERT(l_small <= 20);
    CU_ASSERT(l_large <= 400);
}

TERN_UNIT_SUITE(compat_tcp)
{
    CU_pSuite s = CU_add_suite("compat_tcp", NULL, NULL);
    CU_add_test(s, "constants and layout", test_constants);
    CU_add_test(s, "tcp_new defaults, close and abort unused pcbs", test_new_defaults);
    CU_add_test(s, "argument checks", test_argument_checks);
    CU_add_test(s, "bind and listen rules", test_bind_rules);
    CU_add_test(s, "tcp_listen returns a new pcb, frees the old", test_listen_frees_pcb);
    CU_add_test(s, "tcp_listen refused by the stack: ERR_USE, the pcb given kept and working",
                test_listen_refused_keeps_pcb);
    CU_add_test(s, "a pcb's addresses are its socket's own: one object per connection",
                test_pcb_addresses_are_the_sockets);
    CU_add_test(s, "active open, data, recved, sent", test_active_open_and_data);
    CU_add_test(s, "IPv4 pcb connects over IPv6", test_connect_over_ipv6_from_ipv4_pcb);
    CU_add_test(s, "connection refused: err ERR_RST", test_connection_refused);
    CU_add_test(s, "passive open: accept and inheritance", test_passive_open_accept);
    CU_add_test(s, "recv(NULL) on FIN, close in CLOSE_WAIT", test_fin_and_close);
    CU_add_test(s, "recv(NULL) on FIN sees the congestion figures the ACKs of our data moved", test_cc_mirror_at_fin);
    CU_add_test(s, "congestion figures in the mirror after tcp_output", test_cc_mirror_at_output);
    CU_add_test(s, "active close through TIME_WAIT", test_active_close_time_wait);
    CU_add_test(s, "peer reset: err ERR_RST", test_peer_reset_gives_err_rst);
    CU_add_test(s, "retransmission timeout: err ERR_ABRT", test_retransmission_timeout_gives_err_abrt);
    CU_add_test(s, "a lost small segment is retransmitted", test_lost_small_segment_retransmitted);
    CU_add_test(s, "keepalive from pcb fields", test_keepalive_from_pcb_fields);
    CU_add_test(s, "ttl and TF_NODELAY pushed", test_ttl_and_nodelay_pushed);
    CU_add_test(s, "refused data kept and redelivered", test_refused_data);
    CU_add_test(s, "a refused FIN offered again on the tick", test_refused_fin);
    CU_add_test(s, "refused data without memory to keep it: aborted, no hole in the stream",
                test_refused_data_without_memory);
    CU_add_test(s, "a refused FIN without memory to keep it: aborted, not left waiting",
                test_refused_fin_without_memory);
    CU_add_test(s, "tcp_abort inside recv", test_abort_inside_recv);
    CU_add_test(s, "tcp_abort inside recv, then tcp_new there: the memory waits for the return", test_abort_and_reuse_inside_recv);
    CU_add_test(s, "tcp_close inside recv with unread data", test_close_inside_recv_with_unread_data);
    CU_add_test(s, "tcp_close inside sent", test_close_inside_sent);
    CU_add_test(s, "poll interval", test_poll_interval);
    CU_add_test(s, "tcp_write limits", test_write_limits);
    CU_add_test(s, "sent splits acknowledgments above 64 KB", test_sent_splits_large_acks);
    CU_add_test(s, "backlog delayed and accepted", test_backlog_delayed);
    CU_add_test(s, "a delayed child holds a backlog slot until accepted, its end or its listener's",
                test_backlog_delayed_holds_a_slot);
    CU_add_test(s, "2 MB each way, byte-exact", test_bulk_both_ways);
    CU_add_test(s, "TUN2SOCKS catch-all listener", test_tun2socks_catch_all);
    CU_add_test(s, "16-bit window layout (no LWIP_WND_SCALE)", test_narrow_window_layout);
    CU_add_test(s, "autotuning with 16-bit windows: snd_buf shows at most 0xffff", test_autotune_narrow_sndbuf);
    CU_add_test(s, "autotuning switch: scaling offered when on, lwIP's window when off", test_autotune_switch);
    CU_add_test(s, "a freed pcb answers as a CLOSED one", test_freed_pcb_answers_as_closed);
    CU_add_test(s, "freed pcbs are reused oldest first", test_pool_reuse_is_fifo);
    CU_add_test(s, "memp_free of tcp and udp pcbs, memp_malloc", test_memp_free_tcp_and_udp);
    CU_add_test(s, "keepalive written between calls takes effect", test_keepalive_written_between_calls);
    CU_add_test(s, "keep_idle changed between calls takes effect", test_keep_idle_changed_between_calls);
    CU_add_test(s, "timer ticks cost the same with 20 or 400 idle pcbs", test_timer_cost_independent_of_idle_pcbs);
}
