/* bench/impair/impair_core.h: one direction of an impaired link, as a pure
 * model on virtual time (no I/O, no clock): packets go in with their arrival
 * time and come out at the time the link delivers them.
 *
 * What happens to a packet on arrival, in this order:
 *  1. random loss: dropped with probability `loss`;
 *  2. duplication: with probability `dup` a second copy follows it;
 *  3. the bottleneck (when rate_Bps > 0): a drop-tail queue of queue_pkts
 *     packets (the one being serialised included) drained at rate_Bps bytes
 *     per second; a packet that finds it full is dropped (tail drop), as a
 *     router's FIFO does;
 *  4. propagation: delivered delay_ns after it left the bottleneck; with
 *     probability `reorder` it is held reorder_ns longer, so packets behind
 *     it overtake it.
 * The random draws come from a generator seeded by the caller, three draws
 * per arriving packet whatever the settings, so a seed gives the same loss
 * pattern with or without duplication and reordering. */
#ifndef BENCH_IMPAIR_CORE_H
#define BENCH_IMPAIR_CORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct impair_params {
    uint64_t delay_ns;   /* one-way propagation delay */
    double loss;         /* 0..1 */
    double dup;          /* 0..1 */
    double reorder;      /* 0..1 */
    uint64_t reorder_ns; /* extra delay of a reordered packet */
    uint64_t rate_Bps;   /* bottleneck rate, bytes per second; 0: no bottleneck */
    uint32_t queue_pkts; /* bottleneck queue in packets (with rate_Bps > 0); >= 1 */
    uint32_t limit_pkts; /* packets held in all (a memory bound); 0: 1 << 20 */
} impair_params;

typedef struct impair_stats {
    uint64_t in, in_bytes;     /* packets that arrived */
    uint64_t lost;             /* random loss */
    uint64_t dups;             /* copies added */
    uint64_t reordered;        /* packets held back */
    uint64_t tail_drops;       /* bottleneck queue full */
    uint64_t overflow;         /* limit_pkts reached */
    uint64_t out, out_bytes;   /* packets delivered (popped) */
} impair_stats;

typedef struct impair_pkt {
    uint64_t release_ns; /* when the link delivers it */
    uint64_t order;      /* arrival order, breaks ties */
    uint32_t len;
    unsigned char data[];
} impair_pkt;

typedef struct impair_dir {
    impair_params p;
    uint64_t rng;
    impair_pkt **heap; /* min-heap on (release_ns, order) */
    size_t n, cap;
    uint64_t *departs; /* ring: departure times of packets in the bottleneck */
    size_t dhead, dcount;
    uint64_t last_depart;
    uint64_t order;
    impair_stats st;
} impair_dir;

/* What became of an arriving packet (its copy aside). */
enum impair_verdict { IMPAIR_QUEUED, IMPAIR_LOST, IMPAIR_TAIL_DROP, IMPAIR_OVERFLOW, IMPAIR_NOMEM };

/* 0, or -1 on bad parameters or no memory. */
int impair_dir_init(impair_dir *d, const impair_params *p, uint64_t seed);
void impair_dir_free(impair_dir *d);
enum impair_verdict impair_dir_push(impair_dir *d, const void *pkt, size_t len, uint64_t now_ns);
/* Release time of the next packet, UINT64_MAX when none is held. */
uint64_t impair_dir_next(const impair_dir *d);
/* The next packet due at now_ns (caller frees it with free()), or NULL. */
impair_pkt *impair_dir_pop(impair_dir *d, uint64_t now_ns);

/* The seeded generator the model uses: uniform in [0, 1). */
double impair_rand(uint64_t *state);

#endif
