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

    /* Timers: a binary min-heap ordered by (deadline, arming order). */
    tern_timer **heap;
    uint32_t heap_len, heap_cap;
    uint64_t timer_seq;

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

#endif
