/* compat/src/timeouts.c: lwIP's sys_timeout family on tern's timer heap.
 *
 * Application timeouts share the heap with the stack's own timers, so
 * sys_check_timeouts runs both and sys_timeouts_sleeptime sees both. */
#include <stdlib.h>

#include "compat.h"
#include "lwip/timeouts.h"
#include "tern/timer.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/igmp.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6_frag.h"
#include "lwip/mld6.h"
#include "lwip/nd6.h"
#include "lwip/priv/tcp_priv.h"

typedef struct app_timeout {
    tern_timer timer;
    struct app_timeout *next;
    sys_timeout_handler handler;
    void *arg;
} app_timeout;

TERN_COMPAT_VAR(app_timeout *, pending);
#define pending TERN_COMPAT_USE(pending)
TERN_COMPAT_VAR(u32_t, last_check);
#define last_check TERN_COMPAT_USE(last_check)

static void unlink_timeout(app_timeout *t)
{
    for (app_timeout **pp = &pending; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            return;
        }
    }
}

static void fire(tern_timer *timer, void *arg)
{
    (void)timer;
    app_timeout *t = arg;
    sys_timeout_handler h = t->handler;
    void *a = t->arg;
    unlink_timeout(t);
    free(t);
    h(a); /* may re-arm itself: the entry is gone already */
}

void sys_timeout(u32_t msecs, sys_timeout_handler handler, void *arg)
{
    if (!handler || !tern__compat_stack)
        return;
    app_timeout *t = malloc(sizeof(*t));
    if (!t)
        return;
    tern_timer_init(&t->timer, fire, t);
    t->handler = handler;
    t->arg = arg;
    if (!tern_timer_start(tern__compat_stack, &t->timer, msecs)) {
        free(t);
        return;
    }
    t->next = pending;
    pending = t;
}

void sys_untimeout(sys_timeout_handler handler, void *arg)
{
    /* The earliest-due match goes, as in lwIP's sorted list. */
    app_timeout *best = NULL;
    for (app_timeout *t = pending; t; t = t->next) {
        if (t->handler != handler || t->arg != arg)
            continue;
        if (!best || (int32_t)(t->timer.deadline - best->timer.deadline) < 0 ||
            (t->timer.deadline == best->timer.deadline && t->timer.order < best->timer.order))
            best = t;
    }
    if (!best)
        return;
    tern_timer_stop(tern__compat_stack, &best->timer);
    unlink_timeout(best);
    free(best);
}

void sys_check_timeouts(void)
{
    if (!tern__compat_stack)
        return;
    last_check = sys_now();
    /* Due timers only: pcbs refresh on their own events and timers
     * (compat/src/tcp.c), so the cost does not grow with idle pcbs. */
    tern_stack_poll(tern__compat_stack);
}

void sys_restart_timeouts(void)
{
    if (!tern__compat_stack)
        return;
    u32_t now = sys_now();
    for (app_timeout *t = pending; t; t = t->next) {
        int32_t left = (int32_t)(t->timer.deadline - last_check);
        tern_timer_start(tern__compat_stack, &t->timer, left > 0 ? (u32_t)left : 0);
    }
    last_check = now;
}

u32_t sys_timeouts_sleeptime(void)
{
    return tern__compat_stack ? tern_stack_next_timeout(tern__compat_stack) : SYS_TIMEOUTS_SLEEPTIME_INFINITE;
}

void sys_timeouts_init(void) {}

void tern__compat_timeouts_reset(void)
{
    /* The old stack (and its heap) is freed by lwip_init. */
    while (pending) {
        app_timeout *t = pending;
        pending = t->next;
        free(t);
    }
    last_check = 0;
}

/* ---- the stack's periodic timers, for programs that drive time ----
 *
 * lwIP's programs with LWIP_TIMERS 0 call each module's timer at its
 * interval (badvpn-tun2socks: tcp_tmr every TCP_TMR_INTERVAL, then
 * ip_reass_tmr, nd6_tmr and ip6_reass_tmr every fourth tick).  tern's
 * timers keep their own deadlines on one heap, so each of these runs
 * whatever is due (reassembly expiry included), as sys_check_timeouts. */
void ip_reass_tmr(void) { sys_check_timeouts(); }
void ip6_reass_tmr(void) { sys_check_timeouts(); }
void nd6_tmr(void) { sys_check_timeouts(); }

const struct lwip_cyclic_timer lwip_cyclic_timers[] = {
    {TCP_TMR_INTERVAL, tcp_tmr},
    {IP_TMR_INTERVAL, ip_reass_tmr},
    {ARP_TMR_INTERVAL, etharp_tmr},
    {IGMP_TMR_INTERVAL, igmp_tmr},
    {DNS_TMR_INTERVAL, dns_tmr},
    {ND6_TMR_INTERVAL, nd6_tmr},
    {IP6_REASS_TMR_INTERVAL, ip6_reass_tmr},
    {MLD6_TMR_INTERVAL, mld6_tmr},
};
const int lwip_num_cyclic_timers = (int)(sizeof(lwip_cyclic_timers) / sizeof(lwip_cyclic_timers[0]));
