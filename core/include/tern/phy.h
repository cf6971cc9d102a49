/* tern/phy.h: devices that are not hardware: a simulated link between two
 * interfaces with fault injection, and a pcap writer.
 *
 * The link is how TCP is tested under loss, reordering, duplication,
 * corruption and delay: two stacks in one process, one clock, packets
 * moving only when the test pumps the link. */
#ifndef TERN_PHY_H
#define TERN_PHY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "tern/export.h"

#include "tern/iface.h"
#include "tern/pbuf.h"
#include "tern/stack.h"

typedef struct tern_link tern_link;

typedef struct tern_fault_config {
    uint32_t loss_ppm;      /* packets dropped, per million */
    uint32_t dup_ppm;       /* packets delivered twice */
    uint32_t reorder_ppm;   /* packets held back by reorder_ms */
    uint32_t corrupt_ppm;   /* packets with one byte flipped */
    uint32_t delay_ms;      /* one-way delay */
    uint32_t reorder_ms;
    uint32_t queue_max;     /* packets in flight per direction (tail drop); 0: 4096 */
    uint64_t seed;
    uint32_t tso_max;       /* segmentation offload on both interfaces (segmented on the link); 0: off */
    /* A drop-tail bottleneck in each direction, as a router's output port:
     * packets leave at rate_bytes_per_s (virtual time; 0: no limit) and at
     * most rate_queue_pkts wait or are being sent (0: 100); an arrival that
     * finds the queue full is dropped.  The delay is added after it. */
    uint32_t rate_bytes_per_s;
    uint32_t rate_queue_pkts;
} tern_fault_config;

typedef struct tern_link_stats {
    uint64_t sent, delivered, lost, duplicated, reordered, corrupted, queue_drops;
    uint64_t gso_bursts; /* offloaded packets the link cut into segments (each segment counts in sent) */
    uint64_t filtered;   /* dropped by the test's filter (tern_link_set_filter) */
    uint64_t rate_drops; /* tail drops at the bottleneck queue (rate_bytes_per_s) */
    uint64_t bytes_to[2]; /* IP bytes delivered to side 0 and to side 1 */
} tern_link_stats;

/* Joins two stacks: creates an interface on each, wired to the other.
 * Both stacks must run on the same clock.  Faults apply in both directions. */
TERN_API tern_link *tern_link_new(tern_stack *a, tern_stack *b, const tern_fault_config *faults);
TERN_API tern_iface *tern_link_iface(tern_link *l, int side); /* side 0: stack a, 1: stack b */
/* Delivers every packet whose time has come; returns how many. */
TERN_API unsigned tern_link_pump(tern_link *l);
/* Milliseconds until the next packet is due (UINT32_MAX: none queued). */
TERN_API uint32_t tern_link_next(const tern_link *l);
TERN_API void tern_link_get_stats(const tern_link *l, tern_link_stats *out);
/* A test's hand on the wire: fn sees every packet about to enter the link
 * (after segmentation offload, before the random faults), from side
 * from_side (0: stack a), as IP bytes, and returns true to drop it.  This
 * is how a test loses exactly the packets a scenario needs. */
typedef bool (*tern_link_filter_fn)(void *ctx, int from_side, const uint8_t *pkt, uint32_t len, uint32_t now_ms);
TERN_API void tern_link_set_filter(tern_link *l, tern_link_filter_fn fn, void *ctx);
typedef struct tern_pcap tern_pcap;
/* Records every packet put on the link (before faults) into pc. */
TERN_API void tern_link_set_pcap(tern_link *l, tern_pcap *pc);
TERN_API void tern_link_free(tern_link *l);

/* pcap files with raw IP packets (LINKTYPE_RAW), readable by tshark. */
TERN_API tern_pcap *tern_pcap_open(const char *path);
/* ts_us: microseconds since the epoch (or any origin). */
TERN_API int tern_pcap_write(tern_pcap *pc, const tern_pbuf *p, uint64_t ts_us);
TERN_API int tern_pcap_write_bytes(tern_pcap *pc, const void *data, uint32_t len, uint64_t ts_us);
TERN_API void tern_pcap_close(tern_pcap *pc);

#endif
