/* tests/consumer/gotun2socks_like.c: go-tun2socks' use of the raw API,
 * in C, under its own lwipopts.h (gotun2socks/lwipopts.h).
 *
 * What go-tun2socks does (its core/ package, read from its public source):
 * - listener: tcp_new, tcp_bind(IP_ADDR_ANY, 0) (memp_free(MEMP_TCP_PCB)
 *   when that fails), tcp_listen_with_backlog(TCP_DEFAULT_LISTEN_BACKLOG),
 *   one accept callback for every connection (TUN2SOCKS);
 * - one "lwIP thread" that injects packets and calls sys_check_timeouts,
 *   and handler goroutines that call tcp_write/tcp_output,
 *   tcp_process_refused_data, tcp_shutdown(pcb, 0, 1) and tcp_abort, every
 *   call under one global mutex;
 * - recv returns ERR_CONN while the handler is still connecting (the data
 *   stays refused until tcp_process_refused_data), and on ERR_CLSD from its
 *   pipe calls tcp_recved + tcp_shutdown(pcb, 1, 0) itself;
 * - closeInternal clears the callbacks and calls tcp_close; CloseWrite
 *   checks its state, releases its lock, then takes the global mutex and
 *   calls tcp_shutdown(pcb, 0, 1): by then the pcb may be gone (closed by
 *   closeInternal and acknowledged, or reset by the peer), and Abort's
 *   tcp_abort can come as late.
 *
 * Here thread A is the lwIP thread (it also plays the client, answering the
 * stack's packets), thread B the handlers.  Connections come in batches of
 * BATCH; each batch mixes five lives (by index % 5):
 *   0 echo, then the client's FIN, the handler's CloseWrite: graceful
 *   1 the same with data refused until the handler has connected
 *   2 echo, then the client resets; the handler's late tcp_shutdown and
 *     tcp_abort reach the freed pcb
 *   3 echo, the client's FIN, CloseWrite marks the connection closing and,
 *     before its tcp_shutdown, closeInternal closes the pcb on the lwIP
 *     thread and the client acknowledges the FIN (the pcb is freed); then
 *     the late tcp_shutdown(pcb, 0, 1) and tcp_abort
 *   4 the handler closed its read side: ERR_CLSD handling, then Abort, then
 *     a late tcp_shutdown(pcb, 0, 1)
 * The interleaving of the late calls is fixed (B waits for A to have freed
 * the pcb), so the outcome is the same on every run; a batch ends before
 * the next begins, so no late call can meet its slot reused.  Checks: no
 * crash, no sanitizer report, every echo byte-exact, the closes each life
 * expects (FIN or RST) and lwIP's answers to the late calls.  The exit
 * status counts failures. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#include "pkt.h" /* the test kit's packet codec (tests/kit) */

#define CONNS_DEFAULT 5000
#define BATCH 50
#define DATA_LEN 3000 /* more than one segment */
#define CLIENT_PORT0 20000
#define MSS 1460

static pthread_mutex_t lwip_mutex = PTHREAD_MUTEX_INITIALIZER; /* go-tun2socks' lwipMutex */
static pthread_mutex_t state_mutex = PTHREAD_MUTEX_INITIALIZER; /* its per-connection locks */
static pthread_cond_t state_cond = PTHREAD_COND_INITIALIZER;

static int failures;
static void fail(int conn, const char *what)
{
    if (failures < 20)
        printf("FAIL conn %d: %s\n", conn, what);
    failures++;
}

/* go-tun2socks' tcpConnState */
enum conn_state {
    C_NEW,
    C_CONNECTING,
    C_CONNECTED,
    C_WRITE_CLOSED,
    C_RECEIVE_CLOSED,
    C_CLOSING,
    C_ABORTING,
    C_CLOSED,
    C_ERRORED
};

typedef struct conn {
    int id, life;
    struct tcp_pcb *pcb; /* as go-tun2socks keeps it: never cleared */
    enum conn_state state;
    bool read_closed;   /* the handler closed its pipe's read side */
    bool refused_once;  /* recv returned ERR_CONN at least once */
    bool handled;       /* the handler has connected */
    bool close_internal_req; /* life 3: B asks A to run closeInternal */
    bool pcb_gone;      /* life 2/3/4: A saw the pcb freed */
    bool late_done;
    int err_calls;
    err_t err;
    err_t late_shutdown; /* what the late tcp_shutdown(pcb, 0, 1) returned */
    unsigned char rx[DATA_LEN];
    int rx_len;        /* bytes the handler received */
    /* the client side */
    uint32_t c_iss, c_nxt, c_una;
    uint32_t s_iss, s_nxt; /* next byte expected from the stack */
    bool syn_acked, data_sent, fin_sent, fin_acked_by_stack, got_fin, got_rst, rst_sent;
    int echo_len;
    bool echo_bad;
} conn;

static conn *conns;
static int nconns;
/* How often the paths under test ran (printed; a run that never refused or
 * never retransmitted would not test what it claims). */
static int n_refused, n_process_refused, n_retransmits, n_late;

static unsigned char pattern(int id, int j) { return (unsigned char)(id * 131 + j * 7 + (j >> 8)); }

/* ---- the handler thread's work queue ---- */

enum action { ACT_HANDLE, ACT_ECHO, ACT_CLOSE, ACT_STALE, ACT_ABORT, ACT_QUIT };
typedef struct job {
    enum action a;
    int id, off, len;
} job;
#define QMAX 65536
static job queue[QMAX];
static int q_head, q_tail;
static int busy; /* jobs queued or running */

static void post(enum action a, int id, int off, int len)
{
    pthread_mutex_lock(&state_mutex);
    queue[q_tail % QMAX] = (job){a, id, off, len};
    q_tail++;
    busy++;
    pthread_cond_broadcast(&state_cond);
    pthread_mutex_unlock(&state_mutex);
}

/* ---- the client's packets ---- */

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

static const unsigned char client_ip[4] = {198, 18, 0, 1};
static const unsigned char server_ip[4] = {198, 19, 0, 80};

/* Injected packets wait here while a call into the stack is running. */
static struct pbuf *inject_q[4096];
static int ninject;

static void send_at(conn *c, uint32_t seq, uint8_t flags, const unsigned char *data, int len)
{
    /* built by the test kit's codec (tests/kit/pkt.h) */
    unsigned char b[40 + MSS];
    pkt_addr src = {.v = 4}, dst = {.v = 4};
    memcpy(src.a, client_ip, 4);
    memcpy(dst.a, server_ip, 4);
    struct pkt_tcp h = {.sport = (uint16_t)(CLIENT_PORT0 + c->id), .dport = 80, .seq = seq, .ack = c->s_nxt,
                        .flags = flags, .win = 0xffff};
    struct pkt_ip4 ip = {.src = src, .dst = dst, .proto = PKT_TCP, .ttl = 64};
    int tot = (int)pkt_ip4(b, &ip, b + 20, pkt_tcp(b + 20, &src, &dst, &h, data, (size_t)len));
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)tot, PBUF_RAM);
    if (!p || ninject >= 4096) {
        fail(c->id, "no memory for a client packet");
        if (p)
            pbuf_free(p);
        return;
    }
    pbuf_take(p, b, (u16_t)tot);
    inject_q[ninject++] = p;
}

static void send_seg(conn *c, uint8_t flags, const unsigned char *data, int len)
{
    send_at(c, c->c_nxt, flags, data, len);
    c->c_nxt += (uint32_t)len + ((flags & 0x03) ? 1u : 0u); /* SYN, FIN */
}

/* The request again from the first byte the stack has not acknowledged:
 * lwIP drops a data segment that arrives while earlier data is still
 * refused, and the client must retransmit it. */
static void retransmit(conn *c)
{
    uint32_t end = c->c_iss + 1 + DATA_LEN;
    if (!c->data_sent || c->rst_sent || (int32_t)(end - c->c_una) <= 0)
        return;
    unsigned char d[MSS];
    for (uint32_t seq = c->c_una; (int32_t)(end - seq) > 0;) {
        int off = (int)(seq - c->c_iss - 1);
        int n = DATA_LEN - off < MSS ? DATA_LEN - off : MSS;
        for (int j = 0; j < n; j++)
            d[j] = pattern(c->id, off + j);
        send_at(c, seq, F_ACK | F_PSH, d, n);
        n_retransmits++;
        seq += (uint32_t)n;
    }
}


/* Packets the stack sent, copied (the output callback may run on either
 * thread, always under lwip_mutex). */
typedef struct outpkt {
    int len;
    unsigned char b[40 + 64 + MSS];
} outpkt;
static outpkt *outq;
static int nout, outcap;

static err_t capture(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (nout == outcap) {
        outcap = outcap ? outcap * 2 : 256;
        outq = realloc(outq, (size_t)outcap * sizeof(*outq));
    }
    outpkt *o = &outq[nout++];
    o->len = pbuf_copy_partial(p, o->b, sizeof(o->b), 0);
    return ERR_OK;
}
static err_t out4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    return capture(n, p);
}
static err_t out6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
    (void)a;
    return capture(n, p);
}

static bool echo_done(const conn *c) { return c->echo_len == DATA_LEN; }

/* The client's answer to one packet from the stack. */
static void client_input(const unsigned char *b, int len)
{
    if (len < 40 || (b[0] >> 4) != 4 || b[9] != 6)
        return;
    int ihl = (b[0] & 15) * 4;
    const unsigned char *t = b + ihl;
    int thl = (t[12] >> 4) * 4;
    int plen = ((b[2] << 8) | b[3]) - ihl - thl;
    int dport = (t[2] << 8) | t[3];
    int id = dport - CLIENT_PORT0;
    if (id < 0 || id >= nconns || plen < 0)
        return;
    conn *c = &conns[id];
    uint32_t seq, ack;
    memcpy(&seq, t + 4, 4);
    memcpy(&ack, t + 8, 4);
    seq = ntohl(seq);
    ack = ntohl(ack);
    uint8_t fl = t[13];
    if (fl & F_RST) {
        c->got_rst = true;
        return;
    }
    if ((fl & F_SYN) && (fl & F_ACK)) {
        if (c->syn_acked)
            return;
        c->syn_acked = true;
        c->s_iss = seq;
        c->s_nxt = seq + 1;
        c->c_una = ack;
        send_seg(c, F_ACK, NULL, 0);
        /* the request, in two segments */
        unsigned char d[DATA_LEN];
        for (int j = 0; j < DATA_LEN; j++)
            d[j] = pattern(id, j);
        for (int off = 0; off < DATA_LEN; off += MSS) {
            int n = DATA_LEN - off < MSS ? DATA_LEN - off : MSS;
            send_seg(c, F_ACK | F_PSH, d + off, n);
        }
        c->data_sent = true;
        return;
    }
    if (!c->syn_acked)
        return;
    if (fl & F_ACK) {
        if ((int32_t)(ack - c->c_una) > 0)
            c->c_una = ack;
        if (c->fin_sent && ack == c->c_nxt)
            c->fin_acked_by_stack = true;
    }
    bool need_ack = false;
    if (plen > 0) {
        if (seq == c->s_nxt) {
            const unsigned char *d = t + thl;
            for (int j = 0; j < plen; j++) {
                int k = c->echo_len + j;
                if (k >= DATA_LEN || d[j] != pattern(id, k))
                    c->echo_bad = true;
            }
            c->echo_len += plen;
            c->s_nxt += (uint32_t)plen;
        }
        need_ack = true;
    }
    if ((fl & F_FIN) && seq + (uint32_t)plen == c->s_nxt) {
        c->s_nxt++;
        c->got_fin = true;
        need_ack = true;
    }
    if (need_ack)
        send_seg(c, F_ACK, NULL, 0);
}

/* ---- go-tun2socks' callbacks (thread A, lwip_mutex held) ---- */

static conn *conn_of(void *arg) { return arg; }

static void close_internal(conn *c)
{
    tcp_arg(c->pcb, NULL);
    tcp_recv(c->pcb, NULL);
    tcp_sent(c->pcb, NULL);
    tcp_err(c->pcb, NULL);
    tcp_poll(c->pcb, NULL, 0);
    c->state = C_CLOSED;
    if (tcp_close(c->pcb) != ERR_OK)
        fail(c->id, "tcp_close in closeInternal");
}

/* checkState: closing goes through closeInternal. */
static err_t check_state(conn *c)
{
    pthread_mutex_lock(&state_mutex);
    enum conn_state s = c->state;
    if (s == C_CLOSING) {
        close_internal(c);
        pthread_mutex_unlock(&state_mutex);
        return ERR_OK;
    }
    if (s == C_ABORTING) {
        c->state = C_CLOSED;
        pthread_mutex_unlock(&state_mutex);
        tcp_abort(c->pcb);
        return ERR_ABRT;
    }
    pthread_mutex_unlock(&state_mutex);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    if (err != ERR_OK && err != ERR_ABRT)
        return err;
    conn *c = conn_of(arg);
    if (!c) {
        /* the connection does not exist (any more) */
        if (p)
            pbuf_free(p);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    if (!p) {
        /* LocalClosed: the peer's FIN */
        pthread_mutex_lock(&state_mutex);
        if (c->state == C_WRITE_CLOSED)
            c->state = C_CLOSING;
        else if (c->state < C_CLOSING)
            c->state = C_RECEIVE_CLOSED;
        pthread_mutex_unlock(&state_mutex);
        err_t r = check_state(c);
        if (r == ERR_OK && c->state == C_RECEIVE_CLOSED)
            post(ACT_CLOSE, c->id, 0, 0); /* the handler sees EOF and closes */
        return r;
    }
    pthread_mutex_lock(&state_mutex);
    enum conn_state s = c->state;
    bool rclosed = c->read_closed;
    if (s == C_NEW || s == C_CONNECTING) {
        c->refused_once = true;
        n_refused++;
        pthread_mutex_unlock(&state_mutex);
        if (c->life == 1)
            post(ACT_HANDLE, c->id, 0, 0); /* now the handler connects */
        return ERR_CONN; /* lwIP keeps the data as refused_data */
    }
    pthread_mutex_unlock(&state_mutex);
    if (rclosed) {
        /* ERR_CLSD from the pipe: go-tun2socks shuts rx itself */
        tcp_recved(pcb, p->tot_len);
        tcp_shutdown(pcb, 1, 0);
        pbuf_free(p);
        post(ACT_ABORT, c->id, 0, 0);
        return ERR_OK;
    }
    int n = p->tot_len;
    if (c->rx_len + n > DATA_LEN) {
        fail(c->id, "more data than the client sent");
        n = DATA_LEN - c->rx_len;
    }
    pbuf_copy_partial(p, c->rx + c->rx_len, (u16_t)n, 0);
    int off = c->rx_len;
    c->rx_len += n;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    post(ACT_ECHO, c->id, off, n);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    conn *c = conn_of(arg);
    if (!c) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    return check_state(c);
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    conn *c = conn_of(arg);
    if (!c) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    return check_state(c);
}

static void on_err(void *arg, err_t err)
{
    conn *c = conn_of(arg);
    if (!c)
        return;
    pthread_mutex_lock(&state_mutex);
    c->err_calls++;
    c->err = err;
    c->state = C_ERRORED;
    c->pcb_gone = true;
    pthread_cond_broadcast(&state_cond);
    pthread_mutex_unlock(&state_mutex);
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !newpcb)
        return ERR_VAL;
    int id = newpcb->remote_port - CLIENT_PORT0;
    if (id < 0 || id >= nconns) {
        tcp_abort(newpcb);
        return ERR_ABRT;
    }
    conn *c = &conns[id];
    c->pcb = newpcb;
    tcp_arg(newpcb, c);
    tcp_recv(newpcb, on_recv);
    tcp_sent(newpcb, on_sent);
    tcp_err(newpcb, on_err);
    tcp_poll(newpcb, on_poll, 8);
    pthread_mutex_lock(&state_mutex);
    c->state = C_CONNECTING;
    if (c->life == 4)
        c->read_closed = true; /* the handler closes its read side at once */
    pthread_mutex_unlock(&state_mutex);
    if (c->life != 1)
        post(ACT_HANDLE, id, 0, 0);
    return ERR_OK;
}

/* ---- the handler thread ---- */

static bool wait_gone(conn *c)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&state_mutex);
    while (!c->pcb_gone)
        if (pthread_cond_timedwait(&state_cond, &state_mutex, &until) != 0)
            break;
    bool gone = c->pcb_gone;
    pthread_mutex_unlock(&state_mutex);
    return gone;
}

/* The late calls: the pcb was freed before they run. */
static void late_calls(conn *c)
{
    pthread_mutex_lock(&lwip_mutex);
    c->late_shutdown = tcp_shutdown(c->pcb, 0, 1); /* CloseWrite */
    tcp_abort(c->pcb);                             /* Abort */
    tcp_recved(c->pcb, 10);
    tcp_arg(c->pcb, NULL);
    tcp_err(c->pcb, NULL);
    if (tcp_write(c->pcb, "x", 1, TCP_WRITE_FLAG_COPY) != ERR_CONN)
        fail(c->id, "tcp_write on a freed pcb is not ERR_CONN");
    if (tcp_close(c->pcb) != ERR_OK)
        fail(c->id, "tcp_close on a freed pcb is not ERR_OK");
    c->late_done = true;
    n_late++;
    pthread_mutex_unlock(&lwip_mutex);
}

static void run_job(const job *j)
{
    conn *c = &conns[j->id];
    switch (j->a) {
    case ACT_HANDLE:
        /* the remote connection is up */
        pthread_mutex_lock(&state_mutex);
        if (c->state != C_CONNECTING) {
            pthread_mutex_unlock(&state_mutex);
            break;
        }
        c->state = C_CONNECTED;
        c->handled = true;
        pthread_mutex_unlock(&state_mutex);
        pthread_mutex_lock(&lwip_mutex);
        if (c->pcb->refused_data != NULL) {
            n_process_refused++;
            tcp_process_refused_data(c->pcb);
        }
        pthread_mutex_unlock(&lwip_mutex);
        break;
    case ACT_ECHO: {
        /* writeCheck, then tcp_write capped at snd_buf, tcp_output */
        pthread_mutex_lock(&state_mutex);
        bool ok = c->state == C_CONNECTED || c->state == C_RECEIVE_CLOSED || c->state == C_CONNECTING;
        pthread_mutex_unlock(&state_mutex);
        if (!ok)
            break;
        pthread_mutex_lock(&lwip_mutex);
        if (j->len > (int)tcp_sndbuf(c->pcb)) {
            pthread_mutex_unlock(&lwip_mutex);
            post(ACT_ECHO, j->id, j->off, j->len); /* later */
            break;
        }
        err_t e = tcp_write(c->pcb, c->rx + j->off, (u16_t)j->len, TCP_WRITE_FLAG_COPY);
        if (e == ERR_OK)
            tcp_output(c->pcb);
        pthread_mutex_unlock(&lwip_mutex);
        if (e == ERR_MEM)
            post(ACT_ECHO, j->id, j->off, j->len);
        else if (e != ERR_OK)
            fail(c->id, "tcp_write of the echo");
        break;
    }
    case ACT_CLOSE: {
        /* Close: CloseRead, then CloseWrite */
        pthread_mutex_lock(&state_mutex);
        if (c->state >= C_CLOSING || c->state == C_WRITE_CLOSED) {
            pthread_mutex_unlock(&state_mutex);
            break;
        }
        c->state = c->state == C_RECEIVE_CLOSED ? C_CLOSING : C_WRITE_CLOSED;
        if (c->life == 3)
            c->close_internal_req = true; /* the lwIP thread gets there first */
        pthread_mutex_unlock(&state_mutex);
        if (c->life == 3) {
            if (wait_gone(c))
                late_calls(c);
            break;
        }
        pthread_mutex_lock(&lwip_mutex);
        err_t e = tcp_shutdown(c->pcb, 0, 1);
        pthread_mutex_unlock(&lwip_mutex);
        if (e != ERR_OK)
            fail(c->id, "CloseWrite's tcp_shutdown on a live pcb");
        break;
    }
    case ACT_STALE:
        if (wait_gone(c))
            late_calls(c);
        break;
    case ACT_ABORT:
        /* Abort: marks aborting, checkState aborts */
        pthread_mutex_lock(&state_mutex);
        if (c->state < C_ABORTING)
            c->state = C_ABORTING;
        pthread_mutex_unlock(&state_mutex);
        pthread_mutex_lock(&lwip_mutex);
        check_state(c); /* tcp_abort: err(ERR_ABRT) marks it gone */
        pthread_mutex_unlock(&lwip_mutex);
        post(ACT_STALE, c->id, 0, 0);
        break;
    case ACT_QUIT:
        break;
    }
}

static void *handler_thread(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&state_mutex);
        while (q_head == q_tail)
            pthread_cond_wait(&state_cond, &state_mutex);
        job j = queue[q_head % QMAX];
        q_head++;
        pthread_mutex_unlock(&state_mutex);
        if (j.a == ACT_QUIT)
            return NULL;
        run_job(&j);
        pthread_mutex_lock(&state_mutex);
        busy--;
        pthread_cond_broadcast(&state_cond);
        pthread_mutex_unlock(&state_mutex);
    }
}

/* ---- thread A ---- */

/* Runs the client against everything the stack sent; lwip_mutex held. */
static int pump(void)
{
    int work = 0;
    for (int round = 0; round < 64 && (nout || ninject); round++) {
        for (int i = 0; i < nout; i++) {
            outpkt o = outq[i];
            client_input(o.b, o.len);
        }
        work += nout;
        nout = 0;
        /* inject after the loop: an injected packet may make the stack
         * send more (captured into outq) */
        int n = ninject;
        struct pbuf *batch[4096];
        memcpy(batch, inject_q, (size_t)n * sizeof(batch[0]));
        ninject = 0;
        for (int i = 0; i < n; i++)
            netif_list->input(batch[i], netif_list);
        work += n;
    }
    return work;
}

/* What the client does next in each life, once the exchange allows. */
static int drive(int first, int last)
{
    int work = 0;
    for (int i = first; i < last; i++) {
        conn *c = &conns[i];
        if (!c->data_sent || !echo_done(c) || c->fin_sent || c->rst_sent)
            continue;
        if (c->life == 2) {
            send_seg(c, F_RST | F_ACK, NULL, 0);
            c->rst_sent = true;
            post(ACT_STALE, c->id, 0, 0);
            work++;
        } else if (c->life != 4) {
            send_seg(c, F_FIN | F_ACK, NULL, 0);
            c->fin_sent = true;
            work++;
        }
    }
    /* life 3: closeInternal on the lwIP thread, as checkState would run it
     * from the next callback; the client's ACK of the FIN frees the pcb */
    for (int i = first; i < last; i++) {
        conn *c = &conns[i];
        pthread_mutex_lock(&state_mutex);
        bool req = c->close_internal_req;
        c->close_internal_req = false;
        pthread_mutex_unlock(&state_mutex);
        if (req) {
            pthread_mutex_lock(&state_mutex);
            close_internal(c);
            pthread_mutex_unlock(&state_mutex);
            work++;
        }
        if (c->life == 3 && c->state == C_CLOSED && c->got_fin && !c->pcb_gone) {
            /* our ACK of its FIN went in with the last pump: LAST_ACK done */
            pthread_mutex_lock(&state_mutex);
            c->pcb_gone = true;
            pthread_cond_broadcast(&state_cond);
            pthread_mutex_unlock(&state_mutex);
        }
    }
    return work;
}

static bool batch_done(int first, int last)
{
    for (int i = first; i < last; i++) {
        conn *c = &conns[i];
        switch (c->life) {
        case 0:
        case 1:
            if (!c->got_fin || !c->fin_acked_by_stack || c->err_calls == 0)
                return false;
            break;
        case 2:
        case 3:
        case 4:
            if (!c->late_done)
                return false;
            break;
        }
    }
    pthread_mutex_lock(&state_mutex);
    bool idle = busy == 0;
    pthread_mutex_unlock(&state_mutex);
    return idle;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check_conn(const conn *c)
{
    if (c->life != 4 && (c->echo_bad || c->echo_len != DATA_LEN))
        fail(c->id, "echo not byte-exact");
    switch (c->life) {
    case 0:
    case 1:
        if (!c->got_fin || c->got_rst)
            fail(c->id, "graceful close: no FIN, or a RST");
        /* lwIP: the FIN of a LAST_ACK pcb acknowledged, rx still open: err(ERR_CLSD) */
        if (c->err_calls != 1 || c->err != ERR_CLSD)
            fail(c->id, "graceful close: err(ERR_CLSD) once");
        if (c->life == 1 && !c->refused_once)
            fail(c->id, "data was never refused");
        break;
    case 2:
        if (c->err_calls != 1 || c->err != ERR_RST)
            fail(c->id, "peer reset: err(ERR_RST) once");
        if (c->late_shutdown != ERR_CONN)
            fail(c->id, "tcp_shutdown(pcb, 0, 1) after reset: not ERR_CONN");
        break;
    case 3:
        if (!c->got_fin || c->got_rst)
            fail(c->id, "closeInternal: no FIN, or a RST");
        if (c->err_calls != 0)
            fail(c->id, "closeInternal cleared err, yet it ran");
        if (c->late_shutdown != ERR_CONN)
            fail(c->id, "tcp_shutdown(pcb, 0, 1) after closeInternal: not ERR_CONN");
        break;
    case 4:
        if (!c->got_rst)
            fail(c->id, "Abort sent no RST");
        if (c->err_calls != 1 || c->err != ERR_ABRT)
            fail(c->id, "Abort: err(ERR_ABRT) once");
        if (c->late_shutdown != ERR_CONN)
            fail(c->id, "tcp_shutdown(pcb, 0, 1) after abort: not ERR_CONN");
        break;
    }
}

int main(int argc, char **argv)
{
    nconns = argc > 1 ? atoi(argv[1]) : CONNS_DEFAULT;
    if (nconns < BATCH || nconns > 30000)
        nconns = CONNS_DEFAULT;
    conns = calloc((size_t)nconns, sizeof(*conns));
    for (int i = 0; i < nconns; i++) {
        conns[i].id = i;
        conns[i].life = i % 5;
        conns[i].c_iss = conns[i].c_nxt = 1000u + (uint32_t)i * 7919u;
    }

    lwip_init();
    netif_list->mtu = 1500;
    netif_list->output = out4;
    netif_list->output_ip6 = out6;

    /* NewLWIPStack */
    struct tcp_pcb *pcb = tcp_new();
    err_t e = tcp_bind(pcb, IP_ADDR_ANY, 0);
    if (e != ERR_OK) {
        memp_free(MEMP_TCP_PCB, pcb);
        fail(-1, "tcp_bind");
        return 1;
    }
    struct tcp_pcb *listener = tcp_listen_with_backlog(pcb, TCP_DEFAULT_LISTEN_BACKLOG);
    if (!listener) {
        fail(-1, "tcp_listen_with_backlog");
        return 1;
    }
    tcp_accept(listener, on_accept);


    pthread_t th;
    pthread_create(&th, NULL, handler_thread, NULL);

    double start = now_s();
    int idle = 0;
    for (int first = 0; first < nconns && failures == 0; first += BATCH) {
        int last = first + BATCH < nconns ? first + BATCH : nconns;
        pthread_mutex_lock(&lwip_mutex);
        for (int i = first; i < last; i++)
            send_seg(&conns[i], F_SYN, NULL, 0);
        pthread_mutex_unlock(&lwip_mutex);
        double bstart = now_s();
        for (;;) {
            pthread_mutex_lock(&lwip_mutex);
            int work = pump();
            work += drive(first, last);
            work += pump();
            sys_check_timeouts();
            pthread_mutex_unlock(&lwip_mutex);
            if (batch_done(first, last))
                break;
            if (now_s() - bstart > 30) {
                fail(first, "batch did not finish in 30 s");
                for (int i = first; i < last; i++) {
                    conn *c = &conns[i];
                    if (failures < 40)
                        printf("  conn %d life %d state %d echo %d fin %d/%d rst %d err %d/%d late %d gone %d\n", i,
                               c->life, c->state, c->echo_len, c->got_fin, c->fin_acked_by_stack, c->got_rst,
                               c->err_calls, c->err, c->late_done, c->pcb_gone);
                }
                break;
            }
            if (work) {
                idle = 0;
                continue;
            }
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
            if (++idle % 10 == 0) {
                pthread_mutex_lock(&lwip_mutex);
                for (int i = first; i < last; i++)
                    retransmit(&conns[i]);
                pthread_mutex_unlock(&lwip_mutex);
            }
        }
        for (int i = first; i < last; i++)
            check_conn(&conns[i]);
    }
    post(ACT_QUIT, 0, 0, 0);
    pthread_join(th, NULL);

    /* memp_free after a failed tcp_bind: a second pcb on the listener's
     * port with no SO_REUSE is refused, and freed through the pool */
    pthread_mutex_lock(&lwip_mutex);
    struct tcp_pcb *extra = tcp_new();
    ip_addr_t any;
    ip_addr_set_zero_ip4(&any);
    tcp_bind(extra, &any, 80);
    struct tcp_pcb *clash = tcp_new();
    if (tcp_bind(clash, &any, 80) == ERR_OK)
        fail(-1, "a second bind to port 80 succeeded");
    memp_free(MEMP_TCP_PCB, clash);
    memp_free(MEMP_TCP_PCB, clash); /* twice: the second finds it free */
    if (tcp_close(clash) != ERR_OK)
        fail(-1, "tcp_close after memp_free is not ERR_OK");
    memp_free(MEMP_TCP_PCB, extra);
    pthread_mutex_unlock(&lwip_mutex);

    pthread_mutex_lock(&lwip_mutex);
    tcp_accept(listener, NULL);
    tcp_close(listener);
    pthread_mutex_unlock(&lwip_mutex);
    free(outq);
    free(conns);
    int per_life = nconns / 5;
    printf("%s %d connections (%d graceful, %d refused first, %d reset then late calls, %d closeInternal then "
           "late calls, %d ERR_CLSD then abort) in %.1f s: %d failures\n",
           failures ? "FAIL" : "ok  ", nconns, per_life, per_life, per_life, per_life, per_life, now_s() - start,
           failures);
    printf("     %d refusals, %d tcp_process_refused_data, %d client retransmissions, %d pcbs given late calls\n",
           n_refused, n_process_refused, n_retransmits, n_late);
    if (n_late != 3 * per_life || n_refused < per_life) {
        printf("FAIL the late calls or refusals did not all happen\n");
        failures++;
    }
    return failures ? 1 : 0;
}
