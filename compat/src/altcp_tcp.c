/* compat/src/altcp_tcp.c: the altcp layer over a tcp_pcb (LWIP_ALTCP 1).
 * The tcp_pcb's arg is the altcp_pcb; its callbacks forward to the
 * application's callbacks kept there.  The altcp_pcb is freed with its
 * tcp_pcb: after a successful close, or when the err callback reports the
 * pcb gone (tern, like lwIP, calls err after freeing it). */
#define LWIP_ALTCP 1
#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/priv/altcp_priv.h"
#include "lwip/tcp.h"
#include "compat.h"

static const struct altcp_functions altcp_tcp_functions;

/* The program's struct tcp_pcb has u16_t or u32_t window fields after its
 * LWIP_WND_SCALE (libtern lays pcbs out both ways, see lwip/tcp.h): read
 * the members that follow the first window field through the program's
 * layout, never through the one this file is compiled with. */
struct pcb_w16 {
    TERN_TCP_PCB_MEMBERS(u16_t);
};
struct pcb_w32 {
    TERN_TCP_PCB_MEMBERS(u32_t);
};
#define WIDE() (tern__compat_opts.wnd_scale != 0)
#define FLD(pcb, f) (*(WIDE() ? &((struct pcb_w32 *)(void *)(pcb))->f : &((struct pcb_w16 *)(void *)(pcb))->f))
static u16_t sndbuf_of(struct tcp_pcb *p)
{
    u32_t v = WIDE() ? ((struct pcb_w32 *)(void *)p)->snd_buf : ((struct pcb_w16 *)(void *)p)->snd_buf;
    return (u16_t)(v > 0xffffu ? 0xffffu : v);
}
static u16_t mss_of(struct tcp_pcb *p) { return (u16_t)((p->flags & TF_TIMESTAMP) ? FLD(p, mss) - 12 : FLD(p, mss)); }

#define TPCB(conn) ((struct tcp_pcb *)(conn)->state)

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err);
static err_t on_connected(void *arg, struct tcp_pcb *tpcb, err_t err);
static err_t on_recv(void *arg, struct tcp_pcb *tpcb, struct pbuf *p, err_t err);
static err_t on_sent(void *arg, struct tcp_pcb *tpcb, u16_t len);
static err_t on_poll(void *arg, struct tcp_pcb *tpcb);
static void on_err(void *arg, err_t err);

static void setup(struct altcp_pcb *conn, struct tcp_pcb *tpcb)
{
    conn->state = tpcb;
    conn->fns = &altcp_tcp_functions;
    tcp_arg(tpcb, conn);
    tcp_recv(tpcb, on_recv);
    tcp_sent(tpcb, on_sent);
    tcp_err(tpcb, on_err);
    /* poll is set when the application asks (altcp_poll). */
}

static void detach(struct tcp_pcb *tpcb)
{
    tcp_arg(tpcb, NULL);
    tcp_recv(tpcb, NULL);
    tcp_sent(tpcb, NULL);
    tcp_err(tpcb, NULL);
    tcp_poll(tpcb, NULL, 0);
}

struct altcp_pcb *altcp_tcp_wrap(struct tcp_pcb *tpcb)
{
    if (!tpcb)
        return NULL;
    struct altcp_pcb *conn = altcp_alloc();
    if (conn)
        setup(conn, tpcb);
    return conn;
}

struct altcp_pcb *altcp_tcp_new_ip_type(u8_t ip_type)
{
    struct tcp_pcb *tpcb = tcp_new_ip_type(ip_type);
    if (!tpcb)
        return NULL;
    struct altcp_pcb *conn = altcp_tcp_wrap(tpcb);
    if (!conn)
        tcp_close(tpcb);
    return conn;
}

struct altcp_pcb *altcp_tcp_alloc(void *arg, u8_t ip_type)
{
    (void)arg;
    return altcp_tcp_new_ip_type(ip_type);
}

/* ---- tcp callbacks -> the application's ---- */

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    struct altcp_pcb *listener = arg;
    if (!listener || !listener->accept)
        return ERR_ARG;
    struct altcp_pcb *conn = newpcb ? altcp_alloc() : NULL;
    if (!conn)
        return listener->accept(listener->arg, NULL, newpcb ? ERR_MEM : err);
    setup(conn, newpcb);
    err_t r = listener->accept(listener->arg, conn, err);
    /* ERR_ABRT: the application aborted conn (and with it newpcb). */
    return r;
}

static err_t on_connected(void *arg, struct tcp_pcb *tpcb, err_t err)
{
    (void)tpcb;
    struct altcp_pcb *conn = arg;
    if (conn && conn->connected)
        return conn->connected(conn->arg, conn, err);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *tpcb, struct pbuf *p, err_t err)
{
    struct altcp_pcb *conn = arg;
    if (conn && conn->recv)
        return conn->recv(conn->arg, conn, p, err);
    /* No application callback: lwIP's default, consume and ack. */
    if (p) {
        tcp_recved(tpcb, p->tot_len);
        pbuf_free(p);
    } else if (err == ERR_OK) {
        return tcp_close(tpcb);
    }
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *tpcb, u16_t len)
{
    (void)tpcb;
    struct altcp_pcb *conn = arg;
    return conn && conn->sent ? conn->sent(conn->arg, conn, len) : ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *tpcb)
{
    (void)tpcb;
    struct altcp_pcb *conn = arg;
    return conn && conn->poll ? conn->poll(conn->arg, conn) : ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct altcp_pcb *conn = arg;
    if (!conn)
        return;
    conn->state = NULL; /* the tcp_pcb is already gone */
    if (conn->err)
        conn->err(conn->arg, err);
    altcp_free(conn);
}

/* ---- the layer's functions ---- */

static void t_set_poll(struct altcp_pcb *conn, u8_t interval)
{
    if (TPCB(conn))
        tcp_poll(TPCB(conn), conn->poll ? on_poll : NULL, interval);
}
static void t_recved(struct altcp_pcb *conn, u16_t len)
{
    if (TPCB(conn))
        tcp_recved(TPCB(conn), len);
}
static err_t t_bind(struct altcp_pcb *conn, const ip_addr_t *ipaddr, u16_t port)
{
    return TPCB(conn) ? tcp_bind(TPCB(conn), ipaddr, port) : ERR_VAL;
}
static err_t t_connect(struct altcp_pcb *conn, const ip_addr_t *ipaddr, u16_t port, altcp_connected_fn connected)
{
    if (!TPCB(conn))
        return ERR_VAL;
    conn->connected = connected;
    return tcp_connect(TPCB(conn), ipaddr, port, on_connected);
}
static struct altcp_pcb *t_listen(struct altcp_pcb *conn, u8_t backlog, err_t *err)
{
    if (!TPCB(conn)) {
        if (err)
            *err = ERR_VAL;
        return NULL;
    }
    struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(TPCB(conn), backlog, err);
    if (!lpcb)
        return NULL;
    /* tcp_listen freed the pcb it was given; conn now stands for lpcb. */
    conn->state = lpcb;
    tcp_arg(lpcb, conn);
    tcp_accept(lpcb, on_accept);
    return conn;
}
static void t_abort(struct altcp_pcb *conn)
{
    if (TPCB(conn))
        tcp_abort(TPCB(conn)); /* on_err frees conn */
}
static err_t t_close(struct altcp_pcb *conn)
{
    struct tcp_pcb *tpcb = TPCB(conn);
    if (tpcb) {
        detach(tpcb);
        err_t err = tcp_close(tpcb);
        if (err != ERR_OK) {
            setup(conn, tpcb); /* still open: the caller may retry */
            t_set_poll(conn, conn->pollinterval);
            return err;
        }
        conn->state = NULL;
    }
    altcp_free(conn);
    return ERR_OK;
}
static err_t t_shutdown(struct altcp_pcb *conn, int shut_rx, int shut_tx)
{
    if (shut_rx && shut_tx)
        return t_close(conn);
    return TPCB(conn) ? tcp_shutdown(TPCB(conn), shut_rx, shut_tx) : ERR_VAL;
}
static err_t t_write(struct altcp_pcb *conn, const void *dataptr, u16_t len, u8_t apiflags)
{
    return TPCB(conn) ? tcp_write(TPCB(conn), dataptr, len, apiflags) : ERR_VAL;
}
static err_t t_output(struct altcp_pcb *conn) { return TPCB(conn) ? tcp_output(TPCB(conn)) : ERR_VAL; }
static u16_t t_mss(struct altcp_pcb *conn) { return TPCB(conn) ? mss_of(TPCB(conn)) : 0; }
static u16_t t_sndbuf(struct altcp_pcb *conn) { return TPCB(conn) ? sndbuf_of(TPCB(conn)) : 0; }
static u16_t t_sndqueuelen(struct altcp_pcb *conn) { return TPCB(conn) ? (u16_t)FLD(TPCB(conn), snd_queuelen) : 0; }
static void t_nagle_disable(struct altcp_pcb *conn)
{
    if (TPCB(conn))
        tcp_nagle_disable(TPCB(conn));
}
static void t_nagle_enable(struct altcp_pcb *conn)
{
    if (TPCB(conn))
        tcp_nagle_enable(TPCB(conn));
}
static int t_nagle_disabled(struct altcp_pcb *conn) { return TPCB(conn) ? tcp_nagle_disabled(TPCB(conn)) : 0; }
static void t_setprio(struct altcp_pcb *conn, u8_t prio)
{
    if (TPCB(conn))
        tcp_setprio(TPCB(conn), prio);
}
static void t_dealloc(struct altcp_pcb *conn)
{
    /* altcp_free without a close: let go of the pcb's callbacks. */
    if (TPCB(conn)) {
        detach(TPCB(conn));
        conn->state = NULL;
    }
}
static err_t t_addrinfo(struct altcp_pcb *conn, int local, ip_addr_t *addr, u16_t *port)
{
    return TPCB(conn) ? tcp_tcp_get_tcp_addrinfo(TPCB(conn), local, addr, port) : ERR_VAL;
}
static ip_addr_t *t_getip(struct altcp_pcb *conn, int local)
{
    struct tcp_pcb *p = TPCB(conn);
    return p ? (local ? &p->local_ip : &p->remote_ip) : NULL;
}
static u16_t t_getport(struct altcp_pcb *conn, int local)
{
    struct tcp_pcb *p = TPCB(conn);
    return p ? (local ? p->local_port : p->remote_port) : 0;
}
static void t_keepalive_disable(struct altcp_pcb *conn)
{
    if (TPCB(conn))
        ip_reset_option(TPCB(conn), SOF_KEEPALIVE);
}
static void t_keepalive_enable(struct altcp_pcb *conn, u32_t idle, u32_t intvl, u32_t count)
{
    struct tcp_pcb *p = TPCB(conn);
    if (!p)
        return;
    ip_set_option(p, SOF_KEEPALIVE);
    if (idle)
        FLD(p, keep_idle) = idle;
    if (intvl)
        FLD(p, keep_intvl) = intvl;
    if (count)
        FLD(p, keep_cnt) = count;
}
static enum tcp_state t_state(struct altcp_pcb *conn) { return TPCB(conn) ? TPCB(conn)->state : CLOSED; }

static const struct altcp_functions altcp_tcp_functions = {
    t_set_poll, t_recved, t_bind, t_connect, t_listen, t_abort, t_close, t_shutdown,
    t_write, t_output, t_mss, t_sndbuf, t_sndqueuelen, t_nagle_disable, t_nagle_enable, t_nagle_disabled,
    t_setprio, t_dealloc, t_addrinfo, t_getip, t_getport, t_keepalive_disable, t_keepalive_enable, t_state,
};
