/* lwip/timeouts.h: one-shot timers and the stack's clock (lwIP 2.1 API). */
#ifndef LWIP_HDR_TIMEOUTS_H
#define LWIP_HDR_TIMEOUTS_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/sys.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LWIP_UINT32_MAX 0xffffffff
#define SYS_TIMEOUTS_SLEEPTIME_INFINITE 0xFFFFFFFF

typedef void (*sys_timeout_handler)(void *arg);

/* Calls handler(arg) once, msecs from now, from sys_check_timeouts(). */
void sys_timeout(u32_t msecs, sys_timeout_handler handler, void *arg);
/* Cancels the first pending timeout with this handler and argument. */
void sys_untimeout(sys_timeout_handler handler, void *arg);
/* Runs every due timer: the application's and the stack's own (TCP
 * retransmission, delayed ACKs, reassembly...). */
void sys_check_timeouts(void);
/* Moves pending timeouts so they keep their remaining time from now; call
 * after the program was not able to run timers for a while. */
void sys_restart_timeouts(void);
/* Milliseconds until the next timer is due; SYS_TIMEOUTS_SLEEPTIME_INFINITE
 * when nothing is pending. */
u32_t sys_timeouts_sleeptime(void);
/* lwIP's initialisation hook; lwip_init() already did it. */
void sys_timeouts_init(void);

#ifdef __cplusplus
}
#endif

#endif
