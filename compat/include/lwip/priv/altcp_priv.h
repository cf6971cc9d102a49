/* lwip/priv/altcp_priv.h: what an altcp layer implements (lwIP 2.1 API):
 * the function table every altcp_pcb points at, and the defaults a layer
 * uses to pass a call through to its inner connection.
 *
 * The table has the same members whatever LWIP_TCP_KEEPALIVE and
 * LWIP_DEBUG say (libtern is compiled once): keepalive_* and
 * dbg_get_tcp_state are always there and may be NULL. */
#ifndef LWIP_HDR_ALTCP_PRIV_H
#define LWIP_HDR_ALTCP_PRIV_H

#include "lwip/opt.h"

#if LWIP_ALTCP

#include "lwip/altcp.h"
#include "lwip/ip_addr.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

TERN_API struct altcp_pcb *altcp_alloc(void);
TERN_API void altcp_free(struct altcp_pcb *conn);

typedef void (*altcp_set_poll_fn)(struct altcp_pcb *conn, u8_t interval);
typedef void (*altcp_recved_fn)(struct altcp_pcb *conn, u16_t len);
typedef err_t (*altcp_bind_fn)(struct altcp_pcb *conn, const ip_addr_t *ipaddr, u16_t port);
typedef err_t (*altcp_connect_fn)(struct altcp_pcb *conn, const ip_addr_t *ipaddr, u16_t port,
                                  altcp_connected_fn connected);
typedef struct altcp_pcb *(*altcp_listen_fn)(struct altcp_pcb *conn, u8_t backlog, err_t *err);
typedef void (*altcp_abort_fn)(struct altcp_pcb *conn);
typedef err_t (*altcp_close_fn)(struct altcp_pcb *conn);
typedef err_t (*altcp_shutdown_fn)(struct altcp_pcb *conn, int shut_rx, int shut_tx);
typedef err_t (*altcp_write_fn)(struct altcp_pcb *conn, const void *dataptr, u16_t len, u8_t apiflags);
typedef err_t (*altcp_output_fn)(struct altcp_pcb *conn);
typedef u16_t (*altcp_mss_fn)(struct altcp_pcb *conn);
typedef u16_t (*altcp_sndbuf_fn)(struct altcp_pcb *conn);
typedef u16_t (*altcp_sndqueuelen_fn)(struct altcp_pcb *conn);
typedef void (*altcp_nagle_disable_fn)(struct altcp_pcb *conn);
typedef void (*altcp_nagle_enable_fn)(struct altcp_pcb *conn);
typedef int (*altcp_nagle_disabled_fn)(struct altcp_pcb *conn);
typedef void (*altcp_setprio_fn)(struct altcp_pcb *conn, u8_t prio);
typedef void (*altcp_dealloc_fn)(struct altcp_pcb *conn);
typedef err_t (*altcp_get_tcp_addrinfo_fn)(struct altcp_pcb *conn, int local, ip_addr_t *addr, u16_t *port);
typedef ip_addr_t *(*altcp_get_ip_fn)(struct altcp_pcb *conn, int local);
typedef u16_t (*altcp_get_port_fn)(struct altcp_pcb *conn, int local);
typedef void (*altcp_keepalive_disable_fn)(struct altcp_pcb *conn);
typedef void (*altcp_keepalive_enable_fn)(struct altcp_pcb *conn, u32_t idle, u32_t intvl, u32_t count);
typedef enum tcp_state (*altcp_dbg_get_tcp_state_fn)(struct altcp_pcb *conn);

struct altcp_functions {
    altcp_set_poll_fn set_poll;
    altcp_recved_fn recved;
    altcp_bind_fn bind;
    altcp_connect_fn connect;
    altcp_listen_fn listen;
    altcp_abort_fn abort;
    altcp_close_fn close;
    altcp_shutdown_fn shutdown;
    altcp_write_fn write;
    altcp_output_fn output;
    altcp_mss_fn mss;
    altcp_sndbuf_fn sndbuf;
    altcp_sndqueuelen_fn sndqueuelen;
    altcp_nagle_disable_fn nagle_disable;
    altcp_nagle_enable_fn nagle_enable;
    altcp_nagle_disabled_fn nagle_disabled;
    altcp_setprio_fn setprio;
    altcp_dealloc_fn dealloc;
    altcp_get_tcp_addrinfo_fn addrinfo;
    altcp_get_ip_fn getip;
    altcp_get_port_fn getport;
    altcp_keepalive_disable_fn keepalive_disable;
    altcp_keepalive_enable_fn keepalive_enable;
    altcp_dbg_get_tcp_state_fn dbg_get_tcp_state;
};

/* Pass-throughs to conn->inner_conn, for layers that add nothing there. */
TERN_API void altcp_default_set_poll(struct altcp_pcb *conn, u8_t interval);
TERN_API void altcp_default_recved(struct altcp_pcb *conn, u16_t len);
TERN_API err_t altcp_default_bind(struct altcp_pcb *conn, const ip_addr_t *ipaddr, u16_t port);
TERN_API err_t altcp_default_shutdown(struct altcp_pcb *conn, int shut_rx, int shut_tx);
TERN_API err_t altcp_default_write(struct altcp_pcb *conn, const void *dataptr, u16_t len, u8_t apiflags);
TERN_API err_t altcp_default_output(struct altcp_pcb *conn);
TERN_API u16_t altcp_default_mss(struct altcp_pcb *conn);
TERN_API u16_t altcp_default_sndbuf(struct altcp_pcb *conn);
TERN_API u16_t altcp_default_sndqueuelen(struct altcp_pcb *conn);
TERN_API void altcp_default_nagle_disable(struct altcp_pcb *conn);
TERN_API void altcp_default_nagle_enable(struct altcp_pcb *conn);
TERN_API int altcp_default_nagle_disabled(struct altcp_pcb *conn);
TERN_API void altcp_default_setprio(struct altcp_pcb *conn, u8_t prio);
TERN_API void altcp_default_dealloc(struct altcp_pcb *conn);
TERN_API err_t altcp_default_get_tcp_addrinfo(struct altcp_pcb *conn, int local, ip_addr_t *addr, u16_t *port);
TERN_API ip_addr_t *altcp_default_get_ip(struct altcp_pcb *conn, int local);
TERN_API u16_t altcp_default_get_port(struct altcp_pcb *conn, int local);
TERN_API void altcp_default_keepalive_disable(struct altcp_pcb *conn);
TERN_API void altcp_default_keepalive_enable(struct altcp_pcb *conn, u32_t idle, u32_t intvl, u32_t count);
TERN_API enum tcp_state altcp_default_dbg_get_tcp_state(struct altcp_pcb *conn);

#ifdef __cplusplus
}
#endif

#endif /* LWIP_ALTCP */

#endif
