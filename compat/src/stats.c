/* compat/src/stats.c: stats_display prints tern's stack counters (lwIP's
 * own per-protocol counters are not kept; see lwip/stats.h). */
#include <stdio.h>

#include "compat.h"
#include "lwip/stats.h"

void stats_display(void)
{
    if (!tern__compat_stack) {
        printf("tern: no stack (lwip_init not called)\n");
        return;
    }
    const tern_stats *s = tern_stack_stats(tern__compat_stack);
    printf("IP in %llu out %llu drop malformed %llu checksum %llu not-local %llu proto %llu nomem %llu\n",
           (unsigned long long)s->ip_in, (unsigned long long)s->ip_out, (unsigned long long)s->ip_drop_malformed,
           (unsigned long long)s->ip_drop_checksum, (unsigned long long)s->ip_drop_not_local,
           (unsigned long long)s->ip_drop_proto, (unsigned long long)s->ip_drop_nomem);
    printf("REASS ok %llu drop %llu timeout %llu\n", (unsigned long long)s->reass_ok,
           (unsigned long long)s->reass_drop, (unsigned long long)s->reass_timeout);
    printf("ICMP in %llu out %llu drop %llu\n", (unsigned long long)s->icmp_in, (unsigned long long)s->icmp_out,
           (unsigned long long)s->icmp_drop);
    printf("UDP in %llu out %llu drop checksum %llu malformed %llu no-socket %llu\n",
           (unsigned long long)s->udp_in, (unsigned long long)s->udp_out, (unsigned long long)s->udp_drop_checksum,
           (unsigned long long)s->udp_drop_malformed, (unsigned long long)s->udp_drop_no_socket);
    printf("TCP in %llu out %llu drop malformed %llu checksum %llu no-socket %llu rst %llu rexmit %llu live %llu\n",
           (unsigned long long)s->tcp_in, (unsigned long long)s->tcp_out, (unsigned long long)s->tcp_drop_malformed,
           (unsigned long long)s->tcp_drop_checksum, (unsigned long long)s->tcp_drop_no_socket,
           (unsigned long long)s->tcp_rst_out, (unsigned long long)s->tcp_retransmits,
           (unsigned long long)s->tcp_live);
}
