/* compat/src/altcp.c: lwIP's altcp API (LWIP_ALTCP 1): each call goes to
 * the connection's layer through its function table; the callbacks are
 * the application's, kept in the altcp_pcb for the layer to call. */
#define LWIP_ALTCP 1
#include <stdlib.h>

#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/priv/altcp_priv.h"
#include "lwip/tcp.h"

struct altcp_pcb *altcp_alloc(void) { return calloc(1, sizeof(struct altcp_pcb)); }

void altcp_free(struct altcp_pcb *conn)
{
    if (!conn)
        return;
    if (conn->fns && conn->fns->dealloc)
        conn->fns->dealloc(conn);
    free(conn);
}

struct altcp_pcb *altcp_new_ip_type(altcp_allocator_t *allocator, u8_t ip_type)
{
    if (!allocator)
        return altcp_tcp_new_ip_type(ip_type);
    return allocator->alloc ? allocator->alloc(allocator->arg, ip_type) : NULL;
}

struct altcp_pcb *altcp_new_ip6(altcp_allocator_t *allocator) { return altcp_new_ip_type(allocator, IPADDR_TYPE_V6); }
struct altcp_pcb *altcp_new(altcp_allocator_t *allocator) { return altcp_new_ip_type(allocator, IPADDR_TYPE_V4); }

void altcp_arg(struct altcp_pcb *conn, void *arg)
{
    if (conn)
        conn->arg = arg;
}
void altcp_accept(struct altcp_pcb *conn, altcp_accept_fn accept)
{
    if (conn)
        conn->accept = accept;
}
void altcp_recv(struct altcp_pcb *conn, altcp_recv_fn recv)
{
    if (conn)
        conn->recv = recv;
}
void altcp_sent(struct altcp_pcb *conn, altcp_sent_fn sent)
{
    if (conn)
        conn->sent = sent;
}
void altcp_err(struct altcp_pcb *conn, altcp_err_fn err)
{
    if (conn)
        conn->err = err;
}

void altcp_poll(struct altcp_pcb *conn, altcp_poll_fn poll, u8_t interval)
{
    if (!conn)
        return;
    conn->poll = poll;
    conn->pollinterval = interval;
    if (conn->fns && conn->fns->set_poll)
        conn->fns->set_poll(conn, interval);
}

/* A layer without the function answers as lwIP's dispatcher does. */
#define CALL(conn, fn, none, ...) ((conn) && (conn)->fns && (conn)->fns->fn ? (conn)->fns->fn(__VA_ARGS__) : (none))
#define CALLV(conn, fn, ...)                                                                               \
    do {                                                                                                   \
        if ((conn) && (conn)->fns && (conn)->fns->fn)                                                      \
            (conn)->fns->fn(__VA_ARGS__);                                                                  \
    } while (0)

void altcp_recved(struct altcp_pcb *conn, u16_t len) { CALLV(conn, recved, conn, len); }
err_t altcp_bind(struct altcp_pcb *conn, const ip_addr_t *ipaddr, u16_t port)
{
    return CALL(conn, bind, ERR_VAL, conn, ipaddr, port);
}
err_t altcp_connect(struct altcp_pcb *conn, const ip_addr_t *ipaddr, u16_t port, altcp_connected_fn connected)
{
    return CALL(conn, connect, ERR_VAL, conn, ipaddr, port, connected);
}
struct altcp_pcb *altcp_listen_with_backlog_and_err(struct altcp_pcb *conn, u8_t backlog, err_t *err)
{
    if (!conn || !conn->fns || !conn->fns->listen) {
        if (err)
            *err = ERR_VAL;
        return NULL;
    }
    return conn->fns->listen(conn, backlog, err);
}
void altcp_abort(struct altcp_pcb *conn) { CALLV(conn, abort, conn); }
err_t altcp_close(struct altcp_pcb *conn) { return CALL(conn, close, ERR_VAL, conn); }
err_t altcp_shutdown(struct altcp_pcb *conn, int shut_rx, int shut_tx)
{
    return CALL(conn, shutdown, ERR_VAL, conn, shut_rx, shut_tx);
}
err_t altcp_write(struct altcp_pcb *conn, const void *dataptr, u16_t len, u8_t apiflags)
{
    return CALL(conn, write, ERR_VAL, conn, dataptr, len, apiflags);
}
err_t altcp_output(struct altcp_pcb *conn) { return CALL(conn, output, ERR_VAL, conn); }
u16_t altcp_mss(struct altcp_pcb *conn) { return CALL(conn, mss, 0, conn); }
u16_t altcp_sndbuf(struct altcp_pcb *conn) { return CALL(conn, sndbuf, 0, conn); }
u16_t altcp_sndqueuelen(struct altcp_pcb *conn) { return CALL(conn, sndqueuelen, 0, conn); }
void altcp_nagle_disable(struct altcp_pcb *conn) { CALLV(conn, nagle_disable, conn); }
void altcp_nagle_enable(struct altcp_pcb *conn) { CALLV(conn, nagle_enable, conn); }
int altcp_nagle_disabled(struct altcp_pcb *conn) { return CALL(conn, nagle_disabled, 0, conn); }
void altcp_setprio(struct altcp_pcb *conn, u8_t prio) { CALLV(conn, setprio, conn, prio); }
err_t altcp_get_tcp_addrinfo(struct altcp_pcb *conn, int local, ip_addr_t *addr, u16_t *port)
{
    return CALL(conn, addrinfo, ERR_VAL, conn, local, addr, port);
}
ip_addr_t *altcp_get_ip(struct altcp_pcb *conn, int local) { return CALL(conn, getip, NULL, conn, local); }
u16_t altcp_get_port(struct altcp_pcb *conn, int local) { return CALL(conn, getport, 0, conn, local); }
void altcp_keepalive_disable(struct altcp_pcb *conn) { CALLV(conn, keepalive_disable, conn); }
void altcp_keepalive_enable(struct altcp_pcb *conn, u32_t idle, u32_t intvl, u32_t count)
{
    CALLV(conn, keepalive_enable, conn, idle, intvl, count);
}
enum tcp_state altcp_dbg_get_tcp_state(struct altcp_pcb *conn) { return CALL(conn, dbg_get_tcp_state, CLOSED, conn); }

/* ---- defaults: pass the call to the inner connection ---- */
void altcp_default_set_poll(struct altcp_pcb *conn, u8_t interval)
{
    if (conn)
        altcp_poll(conn->inner_conn, conn->inner_conn ? conn->inner_conn->poll : NULL, interval);
}
void altcp_default_recved(struct altcp_pcb *conn, u16_t len)
{
    if (conn)
        altcp_recved(conn->inner_conn, len);
}
err_t altcp_default_bind(struct altcp_pcb *conn, const ip_addr_t *ipaddr, u16_t port)
{
    return conn ? altcp_bind(conn->inner_conn, ipaddr, port) : ERR_VAL;
}
err_t altcp_default_shutdown(struct altcp_pcb *conn, int shut_rx, int shut_tx)
{
    if (!conn)
        return ERR_VAL;
    if (shut_rx && shut_tx && conn->fns && conn->fns->close)
        return conn->fns->close(conn); /* lwIP: both halves is a close */
    return altcp_shutdown(conn->inner_conn, shut_rx, shut_tx);
}
err_t altcp_default_write(struct altcp_pcb *conn, const void *dataptr, u16_t len, u8_t apiflags)
{
    return conn ? altcp_write(conn->inner_conn, dataptr, len, apiflags) : ERR_VAL;
}
err_t altcp_default_output(struct altcp_pcb *conn) { return conn ? altcp_output(conn->inner_conn) : ERR_VAL; }
u16_t altcp_default_mss(struct altcp_pcb *conn) { return conn ? altcp_mss(conn->inner_conn) : 0; }
u16_t altcp_default_sndbuf(struct altcp_pcb *conn) { return conn ? altcp_sndbuf(conn->inner_conn) : 0; }
u16_t altcp_default_sndqueuelen(struct altcp_pcb *conn) { return conn ? altcp_sndqueuelen(conn->inner_conn) : 0; }
void altcp_default_nagle_disable(struct altcp_pcb *conn)
{
    if (conn)
        altcp_nagle_disable(conn->inner_conn);
}
void altcp_default_nagle_enable(struct altcp_pcb *conn)
{
    if (conn)
        altcp_nagle_enable(conn->inner_conn);
}
int altcp_default_nagle_disabled(struct altcp_pcb *conn) { return conn ? altcp_nagle_disabled(conn->inner_conn) : 0; }
void altcp_default_setprio(struct altcp_pcb *conn, u8_t prio)
{
    if (conn)
        altcp_setprio(conn->inner_conn, prio);
}
void altcp_default_dealloc(struct altcp_pcb *conn) { (void)conn; }
err_t altcp_default_get_tcp_addrinfo(struct altcp_pcb *conn, int local, ip_addr_t *addr, u16_t *port)
{
    return conn ? altcp_get_tcp_addrinfo(conn->inner_conn, local, addr, port) : ERR_VAL;
}
ip_addr_t *altcp_default_get_ip(struct altcp_pcb *conn, int local)
{
    return conn ? altcp_get_ip(conn->inner_conn, local) : NULL;
}
u16_t altcp_default_get_port(struct altcp_pcb *conn, int local)
{
    return conn ? altcp_get_port(conn->inner_conn, local) : 0;
}
void altcp_default_keepalive_disable(struct altcp_pcb *conn)
{
    if (conn)
        altcp_keepalive_disable(conn->inner_conn);
}
void altcp_default_keepalive_enable(struct altcp_pcb *conn, u32_t idle, u32_t intvl, u32_t count)
{
    if (conn)
        altcp_keepalive_enable(conn->inner_conn, idle, intvl, count);
}
enum tcp_state altcp_default_dbg_get_tcp_state(struct altcp_pcb *conn)
{
    return conn ? altcp_dbg_get_tcp_state(conn->inner_conn) : CLOSED;
}
