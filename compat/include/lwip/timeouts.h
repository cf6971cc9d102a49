/* lwip/timeouts.h: one-shot timers and the stack's clock (lwIP 2.1 API). */
#ifndef LWIP_HDR_TIMEOUTS_H
#define LWIP_HDR_TIMEOUTS_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/sys.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LWIP_UINT32_MAX 0xffffffff
#define SYS_TIMEOUTS_SLEEPTIME_INFINITE 0xFFFFFFFF

typedef void (*sys_timeout_handler)(void *arg);

/* lwIP's table of the stack's periodic timers.  A program that drives time
 * itself (LWIP_TIMERS 0, or LWIP_TIMERS_CUSTOM) may call each handler every
 * interval_ms, or call the *_tmr functions directly (tcp_tmr, ip_reass_tmr,
 * ip6_reass_tmr, nd6_tmr, igmp_tmr, mld6_tmr, dns_tmr, etharp_tmr,
 * dhcp_coarse_tmr, dhcp_fine_tmr, autoip_tmr): every one of them runs the
 * stack's due timers (retransmission, delayed ACKs, reassembly expiry,
 * DNS retries...) against sys_now(), so how often each is called only
 * changes how late a timer can fire. */
typedef void (*lwip_cyclic_timer_handler)(void);
struct lwip_cyclic_timer {
    u32_t interval_ms;
    lwip_cyclic_timer_handler handler;
};
extern TERN_API const struct lwip_cyclic_timer lwip_cyclic_timers[];
extern TERN_API const int lwip_num_cyclic_timers;

/* Calls handler(arg) once, msecs from now, from sys_check_timeouts(). */
TERN_API void sys_timeout(u32_t msecs, sys_timeout_handler handler, void *arg);
/* Cancels the first pending timeout with this handler and argument. */
TERN_API void sys_untimeout(sys_timeout_handler handler, void *arg);
/* Runs every due timer: the application's and the stack's own (TCP
 * retransmission, delayed ACKs, reassembly...). */
TERN_API void sys_check_timeouts(void);
/* Moves pending timeouts so they keep their remaining time from now; call
 * after the program was not able to run timers for a while. */
TERN_API void sys_restart_timeouts(void);
/* Milliseconds until the next timer is due; SYS_TIMEOUTS_SLEEPTIME_INFINITE
 * when nothing is pending. */
TERN_API u32_t sys_timeouts_sleeptime(void);
/* lwIP's initialisation hook; lwip_init() already did it. */
TERN_API void sys_timeouts_init(void);

#ifdef __cplusplus
}
#endif

#endif
