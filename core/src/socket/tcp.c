/* socket/tcp.c: placeholder until the TCP state machine lands: segments
 * are counted and dropped. */
#include "iface/ip.h"

void tern_tcp_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m)
{
    (void)m;
    s->stats.tcp_in++;
    s->stats.tcp_drop_no_socket++;
    tern_pbuf_free(p);
}

void tern_tcp_stack_teardown(tern_stack *s) { (void)s; }
