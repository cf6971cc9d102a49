/* socket/udp_impl.h: UDP socket internals shared with the stack. */
#ifndef TERN_UDP_IMPL_H
#define TERN_UDP_IMPL_H

#include "stack/stack_impl.h"
#include "tern/udp.h"

struct tern_udp {
    tern_stack *stack;
    struct tern_udp *next;
    tern_addr local, remote;
    uint16_t local_port, remote_port;
    uint8_t flags;
    bool catch_all;
    bool reuse_addr;
    bool in_list;      /* bound: visible to demux and port checks */
    uint8_t iface_index; /* bound interface, 0 for any */
    uint8_t ttl, tos;
    tern_udp_recv_fn recv;
    void *recv_arg;
};

void tern__udp_iface_removed(tern_stack *s, tern_iface *ifc);
void tern__udp_stack_teardown(tern_stack *s);

#endif
