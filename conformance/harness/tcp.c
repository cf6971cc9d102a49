/* tcp.c: the scripted TCP peer, the callback recorder and the handshake
 * helpers (see tcp.h). */
#include "tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/ip.h"

#include "expect.h"
#include "trace.h"

/* ---- the peer ---- */

static uint32_t peer_tsval(void)
{
    return h_now() + 1000;
}

void h_peer_init(struct tcp_peer *p, const char *addr, uint16_t port, const char *local,
                 uint16_t lport, uint32_t iss)
{
    tcp_peer_init(p, addr, port, local, lport, iss);
    p->tsval = peer_tsval;
}

err_t h_peer_inject(struct tcp_peer *p, uint32_t seq, uint32_t ack, uint8_t flags, const void *data,
                    size_t n)
{
    static uint8_t pkt[PKT_MAX];
    size_t len = tcp_peer_build(p, pkt, seq, ack, flags, p->win, data, n);
    return inject(pkt, len);
}

err_t h_peer_send(struct tcp_peer *p, uint8_t flags, const void *data, size_t n)
{
    uint32_t seq = tcp_peer_advance(p, flags, n);
    return h_peer_inject(p, seq, p->rcv_nxt, flags, data, n);
}

err_t h_peer_ack(struct tcp_peer *p)
{
    return h_peer_send(p, PKT_ACK, NULL, 0);
}

struct cap *h_peer_recv_(const char *file, int line, struct tcp_peer *p)
{
    struct cap *c = cap_expect_(file, line);
    expect_record(c->wi.proto == PKT_TCP, 1, file, line, "expected a TCP segment, got protocol %u",
                  c->wi.proto);
    expect_record(tcp_peer_ours(p, &c->wi), 1, file, line, "segment of another connection (ports %u>%u)",
                  c->wi.sport, c->wi.dport);
    tcp_peer_learn(p, &c->wi);
    return c;
}

int h_peer_drain(struct tcp_peer *p)
{
    int n = 0;
    while (cap_pending()) {
        h_peer_recv(p);
        n++;
    }
    return n;
}

err_t h_peer_data(struct tcp_peer *p, uint32_t rel, size_t n, uint8_t flags)
{
    static uint8_t buf[65536];
    uint32_t seq = p->iss + rel;
    uint32_t end = seq + (uint32_t)n + ((flags & PKT_FIN) ? 1u : 0u);
    if (n > sizeof(buf)) {
        abort();
    }
    tcp_peer_stream_fill(buf, rel - 1, n);
    if ((int32_t)(end - p->snd_nxt) > 0) {
        p->snd_nxt = end;
    }
    return h_peer_inject(p, seq, p->rcv_nxt, (uint8_t)(flags | PKT_ACK), buf, n);
}

size_t h_peer_stream(struct tcp_peer *p, size_t n, size_t mss)
{
    static uint8_t buf[65536];
    size_t sent = 0;
    while (sent < n) {
        size_t k = n - sent;
        uint32_t room = tcp_peer_room(p);
        if (k > mss) {
            k = mss;
        }
        if (k > room) {
            k = room;
        }
        if (k == 0) {
            break;
        }
        tcp_peer_stream_fill(buf, p->snd_nxt - p->iss - 1, k);
        h_peer_send(p, PKT_ACK, buf, k);
        sent += k;
        h_peer_drain(p);
    }
    return sent;
}

uint32_t h_seq(const struct tcp_peer *p, const struct cap *c)
{
    return c->wi.tcp.seq - p->irs;
}

uint32_t h_ack(const struct tcp_peer *p, const struct cap *c)
{
    return c->wi.tcp.ack - p->iss;
}

static const char *flag_str(int fl, char *buf)
{
    static const char names[] = "FSRPAUEC";
    int i, k = 0;
    for (i = 0; i < 8; i++) {
        if (fl & (1 << i)) {
            buf[k++] = names[i];
        }
    }
    buf[k] = 0;
    return buf;
}

void h_seg_check_(const char *file, int line, const struct tcp_peer *p, const struct cap *c,
                  int flags, long long seq, long long ack, long long len)
{
    char a[9], b[9];
    if (flags >= 0) {
        expect_record(c->wi.tcp.flags == flags, 0, file, line, "segment flags [%s], want [%s]",
                      flag_str(c->wi.tcp.flags, a), flag_str(flags, b));
    }
    if (seq != H_ANY) {
        expect_record(h_seq(p, c) == (uint32_t)seq, 0, file, line, "segment seq %u, want %lld",
                      h_seq(p, c), seq);
    }
    if (ack != H_ANY) {
        expect_record((c->wi.tcp.flags & PKT_ACK) && h_ack(p, c) == (uint32_t)ack, 0, file, line,
                      "segment ack %u, want %lld", h_ack(p, c), ack);
    }
    if (len != H_ANY) {
        expect_record((long long)c->wi.pl_len == len, 0, file, line, "segment length %zu, want %lld",
                      c->wi.pl_len, len);
    }
}

/* ---- the application ---- */

#define MAX_CONNS 64

static struct h_conn conns[MAX_CONNS];
static int n_conns;
static struct h_conn *accepted[MAX_CONNS];
static int n_accepted, n_accepted_taken, n_accept_calls;
int h_accept_abort;
void (*h_accept_hook)(struct tcp_pcb *newpcb);

const char *h_state_name(int state)
{
    static const char *const names[] = {"CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RCVD",
                                        "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
                                        "CLOSING",     "LAST_ACK",   "TIME_WAIT"};
    return state >= 0 && state <= 10 ? names[state] : "?";
}

int h_state(struct h_conn *c)
{
    int st = c->pcb ? (int)c->pcb->state : -1;
    trace("tcp #%d state %s", c->tag, c->pcb ? h_state_name(st) : "(freed)");
    return st;
}

static uint32_t pbuf_fnv(const struct pbuf *p)
{
    static uint8_t buf[65536];
    u16_t n = pbuf_copy_partial(p, buf, p->tot_len, 0);
    return pkt_fnv(buf, n);
}

static void rx_append(struct h_conn *c, struct pbuf *p)
{
    size_t n = p->tot_len;
    if (c->rx_len + n > c->rx_cap) {
        size_t cap = c->rx_cap ? c->rx_cap : 4096;
        while (cap < c->rx_len + n) {
            cap *= 2;
        }
        c->rx = realloc(c->rx, cap);
        if (!c->rx) {
            abort();
        }
        c->rx_cap = cap;
    }
    pbuf_copy_partial(p, c->rx + c->rx_len, p->tot_len, 0);
    c->rx_len += n;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct h_conn *c = arg;
    if (!c) {
        trace("tcp recv on a pcb without recorder");
        if (p) {
            pbuf_free(p);
        }
        return ERR_OK;
    }
    expect_record(pcb == c->pcb, 0, __FILE__, __LINE__, "recv: pcb argument is not the connection's");
    expect_record(err == ERR_OK, 0, __FILE__, __LINE__, "recv: err argument %s", expect_errname(err));
    if (c->abort_in_recv) {
        c->abort_in_recv = 0;
        trace("tcp recv #%d %s%zu -> tcp_abort, ERR_ABRT", c->tag, p ? "len=" : "FIN",
              p ? (size_t)p->tot_len : (size_t)0);
        if (p) {
            pbuf_free(p);
        }
        c->pcb = NULL;
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    if (c->refuse) {
        if (c->refuse > 0) {
            c->refuse--;
        }
        c->refused++;
        if (p) {
            trace("tcp recv #%d len=%u data=%08x -> ERR_CONN (refused)", c->tag, p->tot_len,
                  pbuf_fnv(p));
        } else {
            trace("tcp recv #%d FIN -> ERR_CONN (refused)", c->tag);
        }
        return ERR_CONN;
    }
    if (!p) {
        c->fin++;
        trace("tcp recv #%d FIN", c->tag);
        if (c->close_on_fin) {
            err_t e = tcp_close(pcb);
            trace("tcp #%d tcp_close -> %s", c->tag, expect_errname(e));
        }
        return ERR_OK;
    }
    {
        size_t before = c->rx_len;
        rx_append(c, p);
        c->recv_calls++;
        trace("tcp recv #%d len=%u data=%08x (total %zu)", c->tag, p->tot_len,
              pkt_fnv(c->rx + before, p->tot_len), c->rx_len);
    }
    if (!c->no_recved) {
        tcp_recved(pcb, p->tot_len);
    }
    pbuf_free(p);
    if (c->close_in_recv) {
        c->close_in_recv = 0;
        err_t e = tcp_close(pcb);
        trace("tcp #%d tcp_close in recv -> %s", c->tag, expect_errname(e));
    }
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct h_conn *c = arg;
    (void)pcb;
    if (!c) {
        return ERR_OK;
    }
    c->sent += len;
    c->sent_calls++;
    trace("tcp sent #%d len=%u (total %lu)", c->tag, len, c->sent);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct h_conn *c = arg;
    if (!c) {
        trace("tcp err on a pcb without recorder: %s", expect_errname(err));
        return;
    }
    c->err_calls++;
    c->err = err;
    c->pcb = NULL;
    trace("tcp err #%d %s", c->tag, expect_errname(err));
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    struct h_conn *c = arg;
    if (!c) {
        return ERR_OK;
    }
    c->poll_calls++;
    trace("tcp poll #%d (%d)", c->tag, c->poll_calls);
    if (c->close_in_poll) {
        err_t e;
        c->close_in_poll = 0;
        e = tcp_close(pcb);
        trace("tcp #%d tcp_close in poll -> %s", c->tag, expect_errname(e));
    }
    return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct h_conn *c = arg;
    char a[48], port[16];
    if (!c) {
        return ERR_OK;
    }
    c->connected_calls++;
    c->connected_err = err;
    if (pcb->local_port >= PKT_EPHEMERAL_MIN) {
        snprintf(port, sizeof(port), "eph");
    } else {
        snprintf(port, sizeof(port), "%u", pcb->local_port);
    }
    trace("tcp connected #%d %s local=%s:%s state=%s", c->tag, expect_errname(err),
          h_ipstr(&pcb->local_ip, a), port, h_state_name(pcb->state));
    return ERR_OK;
}

void h_conn_poll(struct h_conn *c, u8_t interval)
{
    trace("tcp_poll #%d interval=%u", c->tag, interval);
    tcp_poll(c->pcb, on_poll, interval);
}

struct h_conn *h_conn_attach(struct tcp_pcb *pcb)
{
    struct h_conn *c;
    if (n_conns == MAX_CONNS) {
        abort();
    }
    c = &conns[n_conns++];
    memset(c, 0, sizeof(*c));
    c->tag = n_conns;
    c->pcb = pcb;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    return c;
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    struct h_conn *c;
    char l[48], r[48];
    (void)arg;
    n_accept_calls++;
    if (!newpcb || err != ERR_OK) {
        trace("tcp accept err=%s pcb=%s", expect_errname(err), newpcb ? "set" : "NULL");
        return ERR_VAL;
    }
    c = h_conn_attach(newpcb);
    trace("tcp accept #%d err=%s local=%s:%u remote=%s:%u state=%s", c->tag, expect_errname(err),
          h_ipstr(&newpcb->local_ip, l), newpcb->local_port, h_ipstr(&newpcb->remote_ip, r),
          newpcb->remote_port, h_state_name(newpcb->state));
    if (h_accept_hook) {
        h_accept_hook(newpcb);
    }
    if (h_accept_abort) {
        h_accept_abort = 0;
        c->pcb = NULL;
        tcp_abort(newpcb);
        trace("tcp accept #%d -> tcp_abort, ERR_ABRT", c->tag);
        return ERR_ABRT;
    }
    if (n_accepted < MAX_CONNS) {
        accepted[n_accepted++] = c;
    }
    return ERR_OK;
}

struct h_conn *h_accepted(void)
{
    return n_accepted_taken < n_accepted ? accepted[n_accepted_taken++] : NULL;
}

int h_accept_calls(void)
{
    return n_accept_calls;
}

struct tcp_pcb *h_listen(uint16_t port, u8_t backlog)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    struct tcp_pcb *l;
    err_t e;
    REQUIRE(pcb != NULL);
    e = tcp_bind(pcb, IP_ANY_TYPE, port);
    expect_record(e == ERR_OK, 1, __FILE__, __LINE__, "tcp_bind(any, %u): %s", port,
                  expect_errname(e));
    l = tcp_listen_with_backlog(pcb, backlog);
    REQUIRE(l != NULL);
    tcp_accept(l, on_accept);
    trace("tcp listen port=%u backlog=%u", port, backlog);
    return l;
}

struct cap *h_peer_syn(struct tcp_peer *p)
{
    struct cap *c;
    h_peer_send(p, PKT_SYN, NULL, 0);
    c = h_peer_recv(p);
    EXPECT_SEG(c, p, PKT_SYN | PKT_ACK, 0, 1, 0);
    return c;
}

struct h_conn *h_passive_open(struct tcp_peer *p)
{
    struct cap *c;
    struct h_conn *conn;
    int calls = n_accept_calls;
    c = h_peer_syn(p);
    REQUIRE(c->wi.tcp.flags == (PKT_SYN | PKT_ACK));
    EXPECT(c->wi.tcp.mss > 0);
    cap_expect_none();
    REQUIRE(n_accept_calls == calls); /* not before the handshake completes */
    h_peer_ack(p);
    REQUIRE(n_accept_calls == calls + 1);
    conn = h_accepted();
    REQUIRE(conn != NULL);
    return conn;
}

struct h_conn *h_established(struct tcp_peer *p)
{
    h_listen(p->lport, 8);
    return h_passive_open(p);
}

struct h_conn *h_active_open(struct tcp_peer *p)
{
    ip_addr_t dst = h_ip(p->addr);
    struct tcp_pcb *pcb = tcp_new_ip_type(IP_GET_TYPE(&dst));
    struct h_conn *conn;
    struct cap *c;
    err_t e;
    REQUIRE(pcb != NULL);
    conn = h_conn_attach(pcb);
    if (p->lport) {
        e = tcp_bind(pcb, IP_ANY_TYPE, p->lport);
        EXPECT_ERR(e, ERR_OK);
    }
    e = tcp_connect(pcb, &dst, p->port, on_connected);
    trace("tcp_connect #%d -> %s", conn->tag, expect_errname(e));
    REQUIRE(e == ERR_OK);
    c = h_peer_recv(p);
    REQUIRE(c->wi.tcp.flags == PKT_SYN);
    EXPECT_EQ(c->wi.pl_len, 0);
    EXPECT(c->wi.tcp.mss > 0);
    cap_expect_none();
    EXPECT_EQ(conn->connected_calls, 0);
    h_peer_send(p, PKT_SYN | PKT_ACK, NULL, 0);
    REQUIRE(conn->connected_calls == 1);
    EXPECT_ERR(conn->connected_err, ERR_OK);
    c = h_peer_recv(p);
    EXPECT_SEG(c, p, PKT_ACK, 1, 1, 0);
    cap_expect_none();
    return conn;
}

/* ---- traced API calls ---- */

err_t h_write(struct h_conn *c, const void *data, size_t n, u8_t flags)
{
    err_t e = tcp_write(c->pcb, data, (u16_t)n, flags);
    trace("tcp_write #%d len=%zu%s%s -> %s", c->tag, n, (flags & TCP_WRITE_FLAG_COPY) ? " COPY" : "",
          (flags & TCP_WRITE_FLAG_MORE) ? " MORE" : "", expect_errname(e));
    return e;
}

err_t h_output(struct h_conn *c)
{
    err_t e = tcp_output(c->pcb);
    trace("tcp_output #%d -> %s", c->tag, expect_errname(e));
    return e;
}

err_t h_close(struct h_conn *c)
{
    err_t e = tcp_close(c->pcb);
    trace("tcp_close #%d -> %s", c->tag, expect_errname(e));
    return e;
}

err_t h_shutdown(struct h_conn *c, int rx, int tx)
{
    err_t e = tcp_shutdown(c->pcb, rx, tx);
    trace("tcp_shutdown #%d rx=%d tx=%d -> %s", c->tag, rx, tx, expect_errname(e));
    return e;
}

void h_abort(struct h_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    trace("tcp_abort #%d", c->tag);
    tcp_abort(pcb);
}

void h_recved(struct h_conn *c, u16_t n)
{
    trace("tcp_recved #%d %u", c->tag, n);
    tcp_recved(c->pcb, n);
}
