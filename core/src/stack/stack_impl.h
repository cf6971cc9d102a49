/* stack/stack_impl.h: the inside of a tern_stack (internal). */
#ifndef TERN_STACK_IMPL_H
#define TERN_STACK_IMPL_H

#include "tern/err.h"
#include "tern/iface.h"
#include "tern/stack.h"
#include "tern/timer.h"

struct tern_reass;
struct tern_udp;
struct tern_tcp_table;

struct tern_stack {
    tern_config cfg;
    tern_stats stats;

    /* While a packet is processed (tern_iface_input) or timers run
     * (tern_stack_poll), the clock is read once and every reading inside
     * sees that time, as Linux stamps a segment once: an ACK used to read
     * the clock four times (RTT, RACK, congestion control, output). */
    uint32_t now_held;
    uint32_t clock_holds; /* nesting depth: a callback may send, and loopback deliver */

    /* Timers: a binary min-heap ordered by (deadline, arming order). */
    tern_timer **heap;
    uint32_t heap_len, heap_cap;
    uint64_t timer_seq;
    /* Armed while pbufs are cached: gives them back after an interval
     * without packets (buf/pbuf_cache.h). */
    tern_timer pbuf_decay;
    uint64_t decay_packets; /* ip_in + ip_out when it was armed or last fired */

    /* Interfaces, in the order they were added. */
    tern_iface *ifaces;
    tern_iface *default_iface;
    /* Bumped by every change to the interfaces, their addresses, flags or
     * groups (iface/iface.c, iface/groups.c); keys v4_accepted. */
    uint32_t iface_gen;
    /* The last IPv4 (source, destination) pair that passed the address
     * checks of iface/ip_input.c on `ifc` under generation `gen`: the
     * segments of one flow skip the walks over every interface. */
    struct {
        const tern_iface *ifc;
        uint32_t gen, src, dst;
        bool valid, broadcast;
    } v4_accepted;

    /* The packet being delivered (lwIP's ip_current_*). */
    tern_ip_current current;

    struct tern_reass *reass;
    struct tern_udp *udp_list;
    uint16_t udp_next_port;
    struct tern_tcp_table *tcp;
    uint16_t ip_id;
};

/* tern_stack_now, inline for the stack's own use. */
static inline uint32_t tern__stack_now(const tern_stack *s)
{
    return s->clock_holds ? s->now_held : s->cfg.clock(s->cfg.clock_arg);
}

/* The pbuf decay timer's handler (stack/timer.c). */
void tern__stack_pbuf_decay(tern_timer *t, void *arg);

/* Holds the clock for the event being processed (see now_held). */
static inline void tern__stack_clock_hold(tern_stack *s)
{
    if (s->clock_holds++ == 0)
        s->now_held = s->cfg.clock(s->cfg.clock_arg);
}
static inline void tern__stack_clock_release(tern_stack *s) { s->clock_holds--; }

#endif
