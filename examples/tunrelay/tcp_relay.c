/* tcp_relay.c: TCP connections (tunrelay).
 *
 * Each accepted pcb gets a kernel socket connected to the flow's target
 * (or to the SOCKS5 proxy).  lwIP callbacks only queue data and mark the
 * connection; the service pass (run_service) moves bytes: client->server
 * pbufs are written to the socket before tcp_recved opens the window,
 * server->client bytes are read only while tcp_sndbuf has room. */
#include "relay.h"

/* ------------------------------------------------------------------ */
/* TCP connections                                                     */


_Thread_local conn *conns;
/* svc_tail is NULL until the first svc_mark (a thread-local address is no
 * constant initializer). */
static _Thread_local conn *svc_head, **svc_tail;

void svc_mark(conn *c)
{
    if (c->in_svc)
        return;
    c->in_svc = 1;
    c->svc_next = NULL;
    if (!svc_tail)
        svc_tail = &svc_head;
    *svc_tail = c;
    svc_tail = &c->svc_next;
}

static void pcb_detach_callbacks(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
}

static void upq_free(conn *c)
{
    for (int i = c->upq_head; i < c->upq_n; i++)
        pbuf_free(c->upq[i]);
    free(c->upq);
    c->upq = NULL;
    c->upq_head = c->upq_n = c->upq_cap = 0;
    c->up_queued = 0;
}

/* Unlinks c; the memory is released by conn_reap() at the end of the loop
 * iteration, because the epoll batch being processed may still name it. */
static _Thread_local conn *graveyard;

void conn_free(conn *c)
{
    upq_free(c);
    free(c->stash);
    c->stash = NULL;
    if (c->prev)
        c->prev->next = c->next;
    else
        conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    ctr.conns_open--;
    c->src.kind = SRC_DEAD;
    c->next = graveyard;
    graveyard = c;
}

void conn_reap(void)
{
    while (graveyard) {
        conn *c = graveyard;
        graveyard = c->next;
        free(c);
    }
}

/* Resets both sides: RST to the client (tcp_abort) and to the server
 * (SO_LINGER 0).  Never called from inside an lwIP callback of c->pcb. */
void conn_abort(conn *c, const char *why)
{
    if (cfg.verbose)
        fprintf(stderr, "tunrelay: connection %p reset: %s\n", (void *)c, why);
    ctr.conns_reset++;
    if (c->pcb) {
        pcb_detach_callbacks(c->pcb);
        tcp_abort(c->pcb);
        c->pcb = NULL;
        ctr.pcbs_live--;
    }
    if (c->fd >= 0) {
        close_socket(c->fd, 1);
        c->fd = -1;
    }
    c->state = -1; /* freed by the service pass */
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    conn *c = arg;
    (void)pcb;
    if (!c) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (err != ERR_OK && p) {
        pbuf_free(p);
        return ERR_OK;
    }
    if (!p) {
        c->client_fin = 1;
    } else {
        if (c->upq_n == c->upq_cap) {
            if (c->upq_head > 0) {
                memmove(c->upq, c->upq + c->upq_head, (size_t)(c->upq_n - c->upq_head) * sizeof(*c->upq));
                c->upq_n -= c->upq_head;
                c->upq_head = 0;
            } else {
                int ncap = c->upq_cap ? c->upq_cap * 2 : 16;
                struct pbuf **nq = realloc(c->upq, (size_t)ncap * sizeof(*nq));
                if (!nq)
                    return ERR_MEM; /* lwIP keeps p as refused data and retries */
                c->upq = nq;
                c->upq_cap = ncap;
            }
        }
        c->upq[c->upq_n++] = p;
        c->up_queued += p->tot_len;
    }
    svc_mark(c);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    conn *c = arg;
    (void)pcb;
    (void)len;
    if (c && (c->want_pump || c->stash_len || (c->server_eof && !c->down_done)))
        svc_mark(c);
    return ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    conn *c = arg;
    (void)pcb;
    if (c)
        svc_mark(c);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    conn *c = arg;
    if (!c)
        return;
    /* lwIP has freed the pcb already. */
    c->pcb = NULL;
    ctr.pcbs_live--;
    if (err == ERR_CLSD) { /* closed in order after our FIN: nothing lost */
        c->client_fin = 1;
        c->down_done = 1;
    } else {
        c->pcb_reset = 1;
    }
    svc_mark(c);
}

static void update_events(conn *c)
{
    c->want_pump = c->state == C_OPEN && c->pcb && !c->server_eof && !c->stash_len && c->fd >= 0 &&
                   tcp_sndbuf(c->pcb) < LOW_WATER; /* the sent callback resumes reading */
    if (c->fd < 0 || c->hup)
        return;
    uint32_t m = 0;
    switch (c->state) {
    case C_CONNECTING:
        m = EPOLLOUT;
        break;
    case C_SOCKS_HELLO:
    case C_SOCKS_REPLY:
        m = EPOLLIN;
        break;
    case C_OPEN:
        if (c->upq_head < c->upq_n)
            m |= EPOLLOUT;
        if (!c->server_eof && c->pcb && !c->stash_len && !c->want_pump)
            m |= EPOLLIN;
        break;
    }
    if (m != c->mask) {
        struct epoll_event ev = {.events = m, .data.ptr = &c->src};
        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        c->mask = m;
    }
}

static void tcp_recved_long(struct tcp_pcb *pcb, unsigned long n)
{
    while (n) {
        u16_t k = (u16_t)(n > 0xffff ? 0xffff : n);
        tcp_recved(pcb, k);
        n -= k;
    }
}

/* client -> server.  0, or -1 after aborting. */
static int flush_up(conn *c)
{
    unsigned long written = 0;
    while (c->upq_head < c->upq_n) {
        struct iovec iov[MAX_IOV];
        int cnt = 0;
        size_t want = 0;
        for (int i = c->upq_head; i < c->upq_n && cnt < MAX_IOV; i++)
            for (struct pbuf *q = c->upq[i]; q && cnt < MAX_IOV; q = q->next)
                if (q->len) {
                    iov[cnt++] = (struct iovec){q->payload, q->len};
                    want += q->len;
                }
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};
        ssize_t n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            conn_abort(c, "send to server failed");
            return -1;
        }
        written += (unsigned long)n;
        size_t left = (size_t)n;
        while (left) {
            struct pbuf *h = c->upq[c->upq_head];
            if (left >= h->tot_len) {
                left -= h->tot_len;
                pbuf_free(h);
                c->upq_head++;
            } else {
                c->upq[c->upq_head] = pbuf_free_header(h, (u16_t)left);
                left = 0;
            }
        }
        if ((size_t)n < want)
            break;
    }
    if (c->upq_head == c->upq_n)
        c->upq_head = c->upq_n = 0;
    if (written) {
        c->up_queued -= written;
        ctr.up_bytes += written;
        if (c->pcb)
            tcp_recved_long(c->pcb, written);
    }
    if (c->client_fin && !c->up_done && c->upq_head == c->upq_n) {
        shutdown(c->fd, SHUT_WR);
        c->up_done = 1;
    }
    return 0;
}

/* server -> client.  0, or -1 after aborting. */
static int pump_down(conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    int wrote = 0;
    if (!pcb || c->down_done)
        return 0;
    while (c->stash_len) {
        u32_t room = tcp_sndbuf(pcb);
        u32_t n = c->stash_len < room ? c->stash_len : room;
        if (n > 0xffff)
            n = 0xffff;
        if (!n)
            break;
        err_t e = tcp_write(pcb, c->stash + c->stash_off, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (e == ERR_MEM)
            break;
        if (e != ERR_OK) {
            conn_abort(c, "tcp_write failed");
            return -1;
        }
        c->stash_off += n;
        c->stash_len -= n;
        ctr.down_bytes += n;
        wrote = 1;
    }
    if (!c->stash_len && c->stash) {
        free(c->stash);
        c->stash = NULL;
        c->stash_off = 0;
    }
    while (!c->stash_len && !c->server_eof && c->fd >= 0) {
        u32_t room = tcp_sndbuf(pcb);
        if (room < LOW_WATER)
            break;
        size_t want = room < RELAY_BUF ? room : RELAY_BUF;
        ssize_t n = read(c->fd, relay_buf, want);
        if (n > 0) {
            size_t off = 0;
            while (off < (size_t)n) {
                size_t k = (size_t)n - off;
                if (k > 0xffff)
                    k = 0xffff;
                err_t e = tcp_write(pcb, relay_buf + off, (u16_t)k, TCP_WRITE_FLAG_COPY);
                if (e == ERR_MEM) {
                    c->stash = malloc((size_t)n - off);
                    if (!c->stash) {
                        conn_abort(c, "out of memory");
                        return -1;
                    }
                    memcpy(c->stash, relay_buf + off, (size_t)n - off);
                    c->stash_off = 0;
                    c->stash_len = (u32_t)((size_t)n - off);
                    break;
                }
                if (e != ERR_OK) {
                    conn_abort(c, "tcp_write failed");
                    return -1;
                }
                off += k;
                ctr.down_bytes += k;
            }
            wrote = 1;
            if ((size_t)n < want && !c->hup)
                break; /* drained: epoll says when there is more */
        } else if (n == 0) {
            c->server_eof = 1;
        } else {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            conn_abort(c, "read from server failed");
            return -1;
        }
    }
    if (c->server_eof && !c->stash_len && !c->down_done) {
        if (tcp_shutdown(pcb, 0, 1) == ERR_OK) {
            c->down_done = 1;
            wrote = 1;
        }
    }
    if (wrote)
        tcp_output(pcb);
    return 0;
}

static void service_conn(conn *c)
{
    uint32_t ev = c->ev;
    c->ev = 0;
    if (c->state < 0)
        return;
    if (c->pcb_reset) { /* the client reset or lwIP aborted the pcb */
        conn_abort(c, "client reset");
        return;
    }
    if (c->fd >= 0 && (ev & EPOLLERR) && c->state != C_CONNECTING) {
        int e = 0;
        socklen_t l = sizeof(e);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l);
        if (e) {
            conn_abort(c, "server socket error");
            return;
        }
    }
    if (c->fd >= 0 && (ev & EPOLLHUP) && c->state == C_OPEN && !c->hup) {
        /* Both directions of the socket ended.  EPOLLHUP cannot be masked:
         * leave epoll and let the sent callback drive the remaining reads. */
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        c->hup = 1;
        c->mask = 0;
    }
    if (c->state == C_CONNECTING) {
        if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            goto out;
        int e = 0;
        socklen_t l = sizeof(e);
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0 || e) {
            ctr.conns_failed++;
            conn_abort(c, "connect failed");
            return;
        }
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, SOCK_TCP_NODELAY, &one, sizeof(one));
        if (cfg.have_socks) {
            static const u8_t hello[3] = {5, 1, 0};
            if (send(c->fd, hello, 3, MSG_NOSIGNAL) != 3) {
                ctr.conns_failed++;
                conn_abort(c, "socks5 hello failed");
                return;
            }
            c->state = C_SOCKS_HELLO;
            c->slen = 0;
            c->sneed = 2;
            goto out;
        }
        c->state = C_OPEN;
        ev |= EPOLLIN | EPOLLOUT;
    }
    if (c->state == C_SOCKS_HELLO || c->state == C_SOCKS_REPLY) {
        if (!(ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
            goto out;
        int r = socks_read(c);
        if (r < 0) {
            ctr.conns_failed++;
            conn_abort(c, "socks5 handshake failed");
            return;
        }
        if (r == 0)
            goto out;
        if (c->state == C_SOCKS_HELLO) {
            if (c->sbuf[0] != 5 || c->sbuf[1] != 0 || socks_send_request(c) < 0) {
                ctr.conns_failed++;
                conn_abort(c, "socks5 method refused");
                return;
            }
            c->state = C_SOCKS_REPLY;
            c->slen = 0;
            c->sneed = 5;
            goto out;
        }
        c->state = C_OPEN;
    }
    if (c->state == C_OPEN) {
        if (c->fd >= 0 && flush_up(c) < 0)
            return;
        if (pump_down(c) < 0)
            return;
        /* the socket is no longer needed once both of its directions ended */
        if (c->fd >= 0 && c->up_done && c->server_eof) {
            close_socket(c->fd, 0);
            c->fd = -1;
        }
        /* the pcb is no longer needed once the client sent FIN and ours is queued */
        if (c->pcb && c->client_fin && c->down_done) {
            struct tcp_pcb *pcb = c->pcb;
            pcb_detach_callbacks(pcb);
            if (tcp_close(pcb) == ERR_OK) {
                c->pcb = NULL;
                ctr.pcbs_live--;
            } else { /* retry from the poll callback */
                tcp_arg(pcb, c);
                tcp_err(pcb, on_err);
                tcp_poll(pcb, on_poll, 2);
            }
        }
        if (c->fd < 0 && !c->pcb) {
            c->state = -1;
            return;
        }
    }
out:
    update_events(c);
}

void run_service(void)
{
    while (svc_head) {
        conn *c = svc_head;
        svc_head = c->svc_next;
        if (!svc_head)
            svc_tail = &svc_head;
        c->in_svc = 0;
        service_conn(c);
        if (c->state < 0 && !c->in_svc)
            conn_free(c);
    }
}

err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !newpcb)
        return ERR_VAL;
    conn *c = calloc(1, sizeof(*c));
    if (!c) {
        tcp_abort(newpcb);
        return ERR_ABRT;
    }
    c->src.kind = SRC_CONN;
    c->fd = -1;
    c->target_len = flow_target(&newpcb->local_ip, newpcb->local_port, &c->target);
    const struct sockaddr_storage *to = cfg.have_socks ? &cfg.socks : &c->target;
    socklen_t tolen = cfg.have_socks ? cfg.socks_len : c->target_len;
    int fd = new_socket(to->ss_family, SOCK_STREAM);
    if (fd < 0 || (connect(fd, (const struct sockaddr *)to, tolen) < 0 && errno != EINPROGRESS)) {
        if (cfg.verbose)
            fprintf(stderr, "tunrelay: connect: %s\n", strerror(errno));
        if (fd >= 0)
            close_socket(fd, 0);
        free(c);
        ctr.conns_failed++;
        tcp_abort(newpcb);
        return ERR_ABRT;
    }
    c->fd = fd;
    c->mask = EPOLLOUT;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = &c->src};
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    c->pcb = newpcb;
    c->state = C_CONNECTING;
    tcp_arg(newpcb, c);
    tcp_recv(newpcb, on_recv);
    tcp_sent(newpcb, on_sent);
    tcp_err(newpcb, on_err);
    tcp_poll(newpcb, on_poll, 2);
    tcp_nagle_disable(newpcb);
    c->next = conns;
    if (conns)
        conns->prev = c;
    conns = c;
    ctr.conns_open++;
    ctr.conns_total++;
    ctr.pcbs_live++;
    return ERR_OK;
}

/* Resets every connection and frees it (at exit). */
void tcp_relay_close_all(void)
{
    while (conns) {
        conn *c = conns;
        conn_abort(c, "exit");
        conn_free(c);
    }
    svc_head = NULL;
    svc_tail = &svc_head;
    conn_reap();
}
