/* bench/cost/peer.c: the synthetic TCP peer of the cost benchmark (see
 * peer.h).  Plain C on bytes; no stack header.  Byte order, checksums and
 * TCP options go through the test kit's codec (tests/kit/pkt.h); the peer
 * keeps only what makes it fast enough to drive millions of segments: the
 * headers written in place and the data block's sum computed once. */
#include "peer.h"

#include "pkt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_IP 0xC6128000u /* 198.18.128.0 */
#define PORTS_PER_IP 50000u
#define BASE_PORT 10000u

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

unsigned char peer_pattern[2 * PEER_PATTERN_PERIOD];
peer_stats peer_st;

static peer_conn *conns;
static size_t nconns;
static uint32_t stack_ip;
static uint16_t stack_port;
static int verify;
static int auto_close;
static uint32_t block_sum; /* unfolded 16-bit sum of the data block */
static uint16_t ip_id;

/* Control packets wait here; at most 20 + 28 bytes each. */
typedef struct ctrl_pkt {
    uint16_t len;
    unsigned char b[62];
} ctrl_pkt;
static ctrl_pkt *ring;
static size_t ring_cap, ring_head, ring_count;

/* Connections holding an odd segment not yet acknowledged. */
static size_t *owed;
static size_t owed_count;

static int seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static int seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

static void put16(unsigned char *p, uint32_t v) { pkt_put16(p, (uint16_t)v); }
static uint32_t get16(const unsigned char *p) { return pkt_get16(p); }
static uint32_t get32(const unsigned char *p) { return pkt_get32(p); }

int peer_init(uint32_t ip, uint16_t port, size_t n, int verify_payload)
{
    for (size_t i = 0; i < sizeof(peer_pattern); i++) {
        uint32_t o = (uint32_t)(i % PEER_PATTERN_PERIOD);
        peer_pattern[i] = (unsigned char)((o * 2654435761u) >> 13);
    }
    block_sum = pkt_sum(peer_pattern, PEER_MSS, 0);
    stack_ip = ip;
    stack_port = port;
    verify = verify_payload;
    nconns = n;
    conns = calloc(n, sizeof(*conns));
    owed = calloc(n, sizeof(*owed));
    ring_cap = 2 * n + 4096;
    ring = malloc(ring_cap * sizeof(*ring));
    if (!conns || !owed || !ring)
        return -1;
    for (size_t i = 0; i < n; i++) {
        conns[i].ip = BASE_IP + (uint32_t)(i / PORTS_PER_IP);
        conns[i].port = (uint16_t)(BASE_PORT + i % PORTS_PER_IP);
        conns[i].state = PC_IDLE;
    }
    memset(&peer_st, 0, sizeof(peer_st));
    return 0;
}

peer_conn *peer_conn_at(size_t i) { return &conns[i]; }
void peer_set_auto_close(int on) { auto_close = on; }

static ctrl_pkt *ring_push(void)
{
    if (ring_count == ring_cap) {
        /* Grow, unrolling the ring. */
        ctrl_pkt *n = malloc(2 * ring_cap * sizeof(*n));
        if (!n) {
            fprintf(stderr, "peer: out of memory\n");
            exit(2);
        }
        for (size_t i = 0; i < ring_count; i++)
            n[i] = ring[(ring_head + i) % ring_cap];
        free(ring);
        ring = n;
        ring_head = 0;
        ring_cap *= 2;
    }
    ctrl_pkt *k = &ring[(ring_head + ring_count) % ring_cap];
    ring_count++;
    return k;
}

static void build_ip(unsigned char *b, const peer_conn *c, uint32_t tot_len)
{
    b[0] = 0x45;
    b[1] = 0;
    put16(b + 2, tot_len);
    put16(b + 4, ip_id++);
    put16(b + 6, 0x4000); /* DF */
    b[8] = 64;
    b[9] = 6;
    put16(b + 10, 0);
    pkt_put32(b + 12, c->ip);
    pkt_put32(b + 16, stack_ip);
    put16(b + 10, pkt_fold(pkt_sum(b, 20, 0)));
}

/* TCP header (and options) at t; payload_sum covers the payload after it. */
static void build_tcp(unsigned char *t, const peer_conn *c, uint32_t seq, unsigned flags,
                      const unsigned char *opt, unsigned optlen, uint32_t payload_len, uint32_t payload_sum)
{
    put16(t, c->port);
    put16(t + 2, stack_port);
    pkt_put32(t + 4, seq);
    pkt_put32(t + 8, (flags & F_ACK) ? c->rcv_nxt : 0);
    t[12] = (unsigned char)(((20 + optlen) / 4) << 4);
    t[13] = (unsigned char)flags;
    put16(t + 14, 65535);
    put16(t + 16, 0);
    put16(t + 18, 0);
    if (optlen)
        memcpy(t + 20, opt, optlen);
    uint32_t tcp_len = 20 + optlen + payload_len;
    uint32_t s = (c->ip >> 16) + (c->ip & 0xffff) + (stack_ip >> 16) + (stack_ip & 0xffff) + 6 + tcp_len;
    s = pkt_sum(t, 20 + optlen, s) + payload_sum;
    put16(t + 16, pkt_fold(s));
}

static void queue_ctrl(peer_conn *c, unsigned flags, const unsigned char *opt, unsigned optlen, uint32_t seq)
{
    ctrl_pkt *k = ring_push();
    k->len = (uint16_t)(40 + optlen);
    build_ip(k->b, c, k->len);
    build_tcp(k->b + 20, c, seq, flags, opt, optlen, 0, 0);
    if (flags == F_ACK)
        peer_st.acks_out++;
}

static void send_ack(peer_conn *c)
{
    c->unacked_segs = 0;
    queue_ctrl(c, F_ACK, NULL, 0, c->snd_nxt);
}

void peer_connect(size_t i)
{
    static const struct pkt_tcp_opts want = {.mss = PEER_MSS, .has_wscale = 1, .wscale = PEER_WS};
    unsigned char syn_opt[40];
    size_t syn_optlen = pkt_tcp_options(syn_opt, &want); /* 8 bytes: MSS, NOP, window scale */
    peer_conn *c = &conns[i];
    c->iss = 1000000u + (uint32_t)i * 7919u;
    c->snd_una = c->iss;
    c->snd_nxt = c->iss + 1;
    c->state = PC_SYN_SENT;
    queue_ctrl(c, F_SYN, syn_opt, (unsigned)syn_optlen, c->iss);
}

void peer_close(size_t i)
{
    peer_conn *c = &conns[i];
    c->unacked_segs = 0;
    queue_ctrl(c, F_FIN | F_ACK, NULL, 0, c->snd_nxt);
    c->snd_nxt++;
    c->fin_sent = 1;
}

void peer_flush_acks(void)
{
    for (size_t k = 0; k < owed_count; k++) {
        peer_conn *c = &conns[owed[k]];
        c->owed_listed = 0;
        if (c->unacked_segs)
            send_ack(c);
    }
    owed_count = 0;
}

size_t peer_ctrl_pending(void) { return ring_count; }
size_t peer_ctrl_next_len(void) { return ring_count ? ring[ring_head].len : 0; }

void peer_fill_ctrl(void *dst)
{
    ctrl_pkt *k = &ring[ring_head];
    memcpy(dst, k->b, k->len);
    ring_head = (ring_head + 1) % ring_cap;
    ring_count--;
    peer_st.pkts_out++;
}

uint32_t peer_data_room(size_t i, uint64_t limit)
{
    peer_conn *c = &conns[i];
    if (c->state != PC_ESTABLISHED || c->fin_sent || limit == 0)
        return 0;
    uint32_t len = limit < PEER_MSS ? (uint32_t)limit : PEER_MSS;
    int32_t room = (int32_t)(c->snd_edge - c->snd_nxt);
    return room >= (int32_t)len ? len : 0;
}

void peer_fill_data(size_t i, void *dst, uint32_t len)
{
    peer_conn *c = &conns[i];
    unsigned char *b = dst;
    build_ip(b, c, PEER_HDR + len);
    memcpy(b + PEER_HDR, peer_pattern, len);
    uint32_t psum = len == PEER_MSS ? block_sum : pkt_sum(peer_pattern, len, 0);
    build_tcp(b + 20, c, c->snd_nxt, F_ACK, NULL, 0, len, psum);
    c->unacked_segs = 0; /* the segment carries the ACK */
    c->snd_nxt += len;
    c->tx_bytes += len;
    peer_st.pkts_out++;
}

uint32_t peer_unacked(size_t i) { return conns[i].snd_nxt - conns[i].snd_una; }

static void check_payload(const peer_conn *c, uint32_t seq, const peer_iov *v, int n, size_t off, uint32_t len)
{
    uint64_t o = (uint32_t)(seq - c->irs - 1);
    for (int k = 0; k < n && len; k++) {
        if (off >= v[k].len) {
            off -= v[k].len;
            continue;
        }
        const unsigned char *p = (const unsigned char *)v[k].base + off;
        size_t m = v[k].len - off;
        if (m > len)
            m = len;
        for (size_t j = 0; j < m; j++, o++)
            if (p[j] != peer_pattern[o % PEER_PATTERN_PERIOD]) {
                peer_st.verify_errors++;
                return;
            }
        len -= (uint32_t)m;
        off = 0;
    }
}

void peer_on_output(const peer_iov *v, int n, uint32_t gso_size)
{
    unsigned char copy[120];
    size_t total = 0;
    for (int k = 0; k < n; k++)
        total += v[k].len;
    const unsigned char *h = v[0].base;
    if (v[0].len < 60 && v[0].len < total) {
        size_t got = 0;
        for (int k = 0; k < n && got < sizeof(copy); k++) {
            size_t m = v[k].len < sizeof(copy) - got ? v[k].len : sizeof(copy) - got;
            memcpy(copy + got, v[k].base, m);
            got += m;
        }
        h = copy;
    }
    peer_st.pkts_in++;
    if (total < 40 || (h[0] >> 4) != 4 || h[9] != 6) {
        peer_st.bad_packets++;
        return;
    }
    uint32_t ihl = (h[0] & 15u) * 4;
    uint32_t tot = get16(h + 2);
    uint32_t dst = get32(h + 16);
    const unsigned char *t = h + ihl;
    uint32_t dport = get16(t + 2);
    uint32_t seq = get32(t + 4), ack = get32(t + 8);
    uint32_t doff = (uint32_t)(t[12] >> 4) * 4;
    unsigned flags = t[13];
    uint32_t win = get16(t + 14);
    if (tot > total || ihl + doff > tot || dst < BASE_IP || dport < BASE_PORT) {
        peer_st.bad_packets++;
        return;
    }
    size_t idx = (size_t)(dst - BASE_IP) * PORTS_PER_IP + (dport - BASE_PORT);
    if (idx >= nconns || conns[idx].port != dport) {
        peer_st.bad_packets++;
        return;
    }
    peer_conn *c = &conns[idx];
    uint32_t len = tot - ihl - doff;

    if (flags & F_RST) {
        c->state = PC_RESET;
        peer_st.resets++;
        return;
    }
    if (flags & F_SYN) {
        if (c->state == PC_SYN_SENT && (flags & F_ACK) && ack == c->iss + 1) {
            struct pkt_tcp_opts seen; /* options: window scale */
            pkt_tcp_options_parse(t + 20, doff > 20 ? doff - 20 : 0, &seen);
            if (seen.has_wscale) {
                c->ws_ok = 1;
                c->stack_ws = seen.wscale > 14 ? 14 : seen.wscale; /* RFC 7323 2.3 */
            }
            c->irs = seq;
            c->rcv_nxt = seq + 1;
            c->snd_una = ack;
            c->snd_edge = ack + win; /* a SYN's window is never scaled */
            c->state = PC_ESTABLISHED;
            peer_st.established++;
            send_ack(c);
            if (auto_close)
                peer_close(idx);
            return;
        }
        send_ack(c);
        return;
    }
    if (c->state != PC_ESTABLISHED) {
        peer_st.bad_packets++;
        return;
    }
    if (flags & F_ACK) {
        if (seq_lt(c->snd_una, ack) && seq_le(ack, c->snd_nxt))
            c->snd_una = ack;
        if (c->fin_sent && ack == c->snd_nxt)
            c->fin_acked = 1;
        c->snd_edge = ack + (win << (c->ws_ok ? c->stack_ws : 0));
    }
    if (len) {
        if (seq == c->rcv_nxt) {
            if (verify)
                check_payload(c, seq, v, n, ihl + doff, len);
            /* One segment, or the segments of an offloaded burst, each
             * counted (and acknowledged) as the device would deliver it. */
            uint32_t seg = gso_size && len > gso_size ? gso_size : len;
            for (uint32_t done = 0; done < len; done += seg) {
                uint32_t m = len - done < seg ? len - done : seg;
                c->rcv_nxt += m;
                c->rx_bytes += m;
                peer_st.data_segs_in++;
                if (++c->unacked_segs >= 2)
                    send_ack(c);
            }
            if (c->unacked_segs && !c->owed_listed) {
                c->owed_listed = 1;
                owed[owed_count++] = idx;
            }
        } else {
            peer_st.out_of_order++;
            send_ack(c);
        }
    }
    if (flags & F_FIN) {
        if (seq + len == c->rcv_nxt && !c->fin_rcvd) {
            c->rcv_nxt++;
            c->fin_rcvd = 1;
        }
        send_ack(c);
    }
    if (c->fin_rcvd && c->fin_acked) {
        c->state = PC_DONE;
        peer_st.done++;
    }
}
