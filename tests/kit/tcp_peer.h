/* tests/kit/tcp_peer.h: the test kit's scripted TCP peer, independent of
 * any stack: the remote end of one connection as sequence state plus the
 * test kit's codec.  It builds segments from its own state (pkt.h builders,
 * never the stack's code) and learns from the segments the stack sends what
 * a real receiver would: the stack's ISN and SYN options, its latest
 * acknowledgment, window and TSval, and the next in-order sequence number
 * (it keeps no out-of-order data).  How packets reach the stack and come
 * back is the user's business (conformance's harness injects them into
 * lwIP or tern and captures what they emit).
 *
 * Sequence numbers are absolute here; TCP_PEER_PSEQ / TCP_PEER_SSEQ turn
 * relative ones (1 = first data byte) into them. */
#ifndef TERN_KIT_TCP_PEER_H
#define TERN_KIT_TCP_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

struct tcp_peer {
    char addr[48], local[48];     /* the peer's and the stack's address */
    uint16_t port, lport;         /* lport 0: learned from the stack's first segment */
    uint32_t iss, snd_nxt;        /* the peer's sequence space */
    uint32_t irs, rcv_nxt;        /* the stack's: its ISN, next byte expected */
    int have_irs;
    uint16_t win;                 /* window field the peer sends */
    struct pkt_tcp_opts syn_opts; /* options on the peer's SYN or SYN-ACK */
    /* learned from the stack's SYN or SYN-ACK (-1 / 0 when absent) */
    int st_mss, st_wscale, st_sack, st_ts;
    uint32_t st_tsval;            /* the stack's latest TSval, echoed */
    int ts_on;                    /* both SYNs carried timestamps (RFC 7323 3.2) */
    uint16_t st_win;              /* latest window field from the stack */
    uint32_t st_ack;              /* latest acknowledgment from the stack (absolute) */
    int st_acked;                 /* one was seen */
    uint32_t (*tsval)(void);      /* the TSval the peer sends; NULL: 1000 */
};

#define TCP_PEER_PSEQ(p, rel) ((uint32_t)((p)->iss + (uint32_t)(rel)))   /* the peer's space */
#define TCP_PEER_SSEQ(p, rel) ((uint32_t)((p)->irs + (uint32_t)(rel)))   /* the stack's space */

/* A peer at addr:port talking to the stack's local:lport, ISN iss, window
 * 65535, MSS option 1460 and no other option on its SYN. */
void tcp_peer_init(struct tcp_peer *p, const char *addr, uint16_t port, const char *local,
                   uint16_t lport, uint32_t iss);
/* One whole IP packet from the peer into out (PKT_MAX bytes): explicit
 * (absolute) seq and ack (ack written only with PKT_ACK), flags, window
 * field; options: syn_opts on a SYN, a timestamp on others once agreed.
 * The peer's state does not change. */
size_t tcp_peer_build(struct tcp_peer *p, uint8_t *out, uint32_t seq, uint32_t ack, uint8_t flags,
                      uint16_t win, const void *data, size_t n);
/* The sequence number of the peer's next segment of n bytes with flags;
 * snd_nxt then covers the data, SYN and FIN. */
uint32_t tcp_peer_advance(struct tcp_peer *p, uint8_t flags, size_t n);

/* Whether a parsed packet is a TCP segment of this connection (from the
 * stack's address and port to the peer's). */
int tcp_peer_ours(const struct tcp_peer *p, const struct pkt_info *pi);
/* Learns from a segment of this connection the stack sent (lport too when
 * it was 0). */
void tcp_peer_learn(struct tcp_peer *p, const struct pkt_info *pi);

/* The stack's latest advertised window in bytes (scaled when both SYNs
 * carried a window scale, RFC 7323 2.3), and how many bytes the peer may
 * still send (right edge minus snd_nxt, 0 if negative). */
uint32_t tcp_peer_wnd(const struct tcp_peer *p);
uint32_t tcp_peer_room(const struct tcp_peer *p);

/* The peer's byte stream: byte k (k = 0 is sequence number ISN + 1) is a
 * fixed function of k, so data can be checked at any offset. */
void tcp_peer_stream_fill(uint8_t *buf, uint32_t off, size_t n);
int tcp_peer_stream_check(const uint8_t *buf, uint32_t off, size_t n);

#endif
