/* bench/cost/peer.h: a minimal TCP endpoint for the cost benchmark.
 *
 * The peer talks to the stack under test through its netif: the stack's
 * output function hands every IPv4 packet to peer_on_output(), and the
 * benchmark feeds the peer's packets to netif->input.  It includes no stack
 * header: it sees packets as bytes, so it is the same for every backend.
 *
 * What it does, and only that:
 *  - opens connections (SYN with MSS 1460 and window scale 7; no SACK, no
 *    timestamps, so both stacks run the same basic TCP),
 *  - acknowledges every second in-order data segment (and any out-of-order
 *    or duplicate one at once), plus whatever is left when the benchmark
 *    says the link went idle (peer_flush_acks: a delayed-ACK timer),
 *  - advertises a fixed window of 65535 << 7 bytes (65535 when the stack does
 *    not scale), never loses, reorders or duplicates anything,
 *  - sends full-size data segments (1460 bytes) whose payload is always the
 *    same block, so its checksum is computed once,
 *  - closes with FIN and acknowledges the stack's FIN.
 * Every checksum it writes is correct; it does not check the stack's. */
#ifndef BENCH_PEER_H
#define BENCH_PEER_H

#include <stddef.h>
#include <stdint.h>

/* A packet as the stack hands it out: its pbuf chain as pieces. */
typedef struct peer_iov {
    const void *base;
    size_t len;
} peer_iov;

#define PEER_MSS 1460
#define PEER_WS 7
#define PEER_HDR 40 /* IPv4 + TCP headers of a data segment */

/* The source pattern: the stack's application writes pattern[o % 65536] at
 * stream offset o (the array holds two periods, so any 64 KiB slice starting
 * below 65536 is contiguous); the peer sends block = pattern[0..1459]
 * in every segment, so the receiving application sees pattern[o % 1460]. */
#define PEER_PATTERN_PERIOD 65536
extern unsigned char peer_pattern[2 * PEER_PATTERN_PERIOD];

enum peer_state { PC_IDLE, PC_SYN_SENT, PC_ESTABLISHED, PC_DONE, PC_RESET };

typedef struct peer_conn {
    uint32_t ip;       /* the peer's address and port for this connection */
    uint16_t port;
    uint8_t state;
    uint8_t ws_ok;     /* both sides sent window scale */
    uint8_t stack_ws;  /* the stack's shift */
    uint8_t fin_sent, fin_acked, fin_rcvd, owed_listed;
    uint32_t iss, snd_una, snd_nxt, snd_edge; /* snd_edge: ack + scaled window */
    uint32_t irs, rcv_nxt;
    uint32_t unacked_segs;
    uint64_t rx_bytes;  /* in-order payload received from the stack */
    uint64_t tx_bytes;  /* payload sent to the stack */
} peer_conn;

typedef struct peer_stats {
    uint64_t pkts_in, pkts_out, data_segs_in, acks_out;
    uint64_t out_of_order, bad_packets, resets, verify_errors;
    uint64_t established, done;
} peer_stats;

extern peer_stats peer_st;

/* nconns connections, connection i from 198.18.128.0 + i / 50000, port
 * 10000 + i % 50000, to stack_ip:stack_port (host byte order).  verify:
 * check every payload byte the stack sends against the pattern. */
int peer_init(uint32_t stack_ip, uint16_t stack_port, size_t nconns, int verify);
peer_conn *peer_conn_at(size_t i);

void peer_connect(size_t i);  /* queue a SYN */
/* on: acknowledge the SYN-ACK and send FIN right behind it (churn). */
void peer_set_auto_close(int on);
void peer_close(size_t i);    /* queue a FIN */
void peer_flush_acks(void);   /* acknowledge everything received so far */

/* Called from the stack's netif output with each packet it sends.
 * gso_size > 0: the packet is a segmentation-offload burst (tern's TSO)
 * that a device would cut into segments of gso_size payload bytes; the
 * peer acknowledges it as those segments (an ACK every second one), so
 * the stack sees the ACKs it would see on a real link. */
void peer_on_output(const peer_iov *v, int n, uint32_t gso_size);

/* Control packets (SYN, ACK, FIN) wait in a queue until the benchmark hands
 * them to the stack: the peer never calls into the stack from its output. */
size_t peer_ctrl_pending(void);
size_t peer_ctrl_next_len(void);
void peer_fill_ctrl(void *dst); /* writes the next one (next_len bytes), dequeues it */

/* Data: how many payload bytes the next segment of connection i may carry
 * (0: window closed or nothing left, given `limit` bytes still to send);
 * peer_fill_data writes that segment (PEER_HDR + len bytes) and advances. */
uint32_t peer_data_room(size_t i, uint64_t limit);
void peer_fill_data(size_t i, void *dst, uint32_t len);

/* Bytes the peer is waiting on the stack to acknowledge. */
uint32_t peer_unacked(size_t i);

#endif
