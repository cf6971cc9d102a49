/* lwip/priv/tcp_priv.h: the parts of lwIP's TCP internals that
 * applications use (lwIP 2.1 API on tern): the timer entry points of
 * programs that drive TCP without lwIP's timeouts, sequence-number
 * comparisons and the refused-data entry points. */
#ifndef LWIP_HDR_TCP_PRIV_H
#define LWIP_HDR_TCP_PRIV_H

#include "lwip/opt.h"
#include "lwip/tcp.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Each runs every TCP timer that is due (tern's timers keep their own
 * deadlines: calling these more or less often than lwIP expects only
 * changes how late a timer fires, as sys_check_timeouts). */
TERN_API void tcp_tmr(void);
TERN_API void tcp_slowtmr(void);
TERN_API void tcp_fasttmr(void);

#define TCP_SEQ_LT(a, b) ((s32_t)((u32_t)(a) - (u32_t)(b)) < 0)
#define TCP_SEQ_LEQ(a, b) ((s32_t)((u32_t)(a) - (u32_t)(b)) <= 0)
#define TCP_SEQ_GT(a, b) ((s32_t)((u32_t)(a) - (u32_t)(b)) > 0)
#define TCP_SEQ_GEQ(a, b) ((s32_t)((u32_t)(a) - (u32_t)(b)) >= 0)
#define TCP_SEQ_BETWEEN(a, b, c) (TCP_SEQ_GEQ(a, b) && TCP_SEQ_LEQ(a, c))

#ifndef TCP_TMR_INTERVAL
#define TCP_TMR_INTERVAL 250 /* ms */
#endif
#ifndef TCP_FAST_INTERVAL
#define TCP_FAST_INTERVAL TCP_TMR_INTERVAL
#endif
#ifndef TCP_SLOW_INTERVAL
#define TCP_SLOW_INTERVAL (2 * TCP_TMR_INTERVAL)
#endif
#define TCP_FIN_WAIT_TIMEOUT 20000 /* ms */
#define TCP_SYN_RCVD_TIMEOUT 20000 /* ms */
#define TCP_MSL 60000UL            /* ms */

#define TCPWND_MIN16(x) ((u16_t)LWIP_MIN((x), 0xFFFF))

/* Declared by lwip/tcp.h as well (tun2socks programs expect them there). */
TERN_API err_t tcp_process_refused_data(struct tcp_pcb *pcb);
TERN_API err_t tcp_recv_null(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);

#ifdef __cplusplus
}
#endif

#endif
