/* tcp_peer.c: the test kit's scripted TCP peer (see tcp_peer.h). */
#include "tcp_peer.h"

#include <stdio.h>
#include <string.h>

void tcp_peer_init(struct tcp_peer *p, const char *addr, uint16_t port, const char *local,
                   uint16_t lport, uint32_t iss)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->addr, sizeof(p->addr), "%s", addr);
    snprintf(p->local, sizeof(p->local), "%s", local);
    p->port = port;
    p->lport = lport;
    p->iss = p->snd_nxt = iss;
    p->win = 65535;
    p->syn_opts.mss = 1460;
    p->st_mss = p->st_wscale = -1;
}

static uint32_t tsval_now(const struct tcp_peer *p)
{
    return p->tsval ? p->tsval() : 1000;
}

size_t tcp_peer_build(struct tcp_peer *p, uint8_t *out, uint32_t seq, uint32_t ack, uint8_t flags,
                      uint16_t win, const void *data, size_t n)
{
    uint8_t opt[40];
    struct pkt_tcp_opts o;
    struct pkt_tcp h;
    memset(&h, 0, sizeof(h));
    h.sport = p->port;
    h.dport = p->lport;
    h.seq = seq;
    h.ack = (flags & PKT_ACK) ? ack : 0;
    h.flags = flags;
    h.win = win;
    if (flags & PKT_SYN) {
        o = p->syn_opts;
        if (o.has_ts) {
            o.tsval = tsval_now(p);
            o.tsecr = (flags & PKT_ACK) ? p->st_tsval : 0;
        }
        h.optlen = pkt_tcp_options(opt, &o);
    } else if (p->ts_on) {
        /* RFC 7323 3.2: once both SYNs carried timestamps, every segment does */
        memset(&o, 0, sizeof(o));
        o.has_ts = 1;
        o.tsval = tsval_now(p);
        o.tsecr = p->st_tsval;
        h.optlen = pkt_tcp_options(opt, &o);
    }
    h.opt = opt;
    return pkt_tcp_packet(out, p->addr, p->local, &h, data, n);
}

uint32_t tcp_peer_advance(struct tcp_peer *p, uint8_t flags, size_t n)
{
    uint32_t seq = p->snd_nxt;
    p->snd_nxt += (uint32_t)n + ((flags & PKT_SYN) ? 1u : 0u) + ((flags & PKT_FIN) ? 1u : 0u);
    return seq;
}

int tcp_peer_ours(const struct tcp_peer *p, const struct pkt_info *pi)
{
    pkt_addr a = pkt_addr_of(p->addr), l = pkt_addr_of(p->local);
    return pi->proto == PKT_TCP && pkt_addr_eq(&pi->dst, &a) && pkt_addr_eq(&pi->src, &l) &&
           pi->dport == p->port && (p->lport == 0 || pi->sport == p->lport);
}

void tcp_peer_learn(struct tcp_peer *p, const struct pkt_info *pi)
{
    uint32_t seq = pi->tcp.seq;
    uint32_t len = (uint32_t)pi->pl_len;
    uint8_t fl = pi->tcp.flags;
    if (p->lport == 0) {
        p->lport = pi->sport;
    }
    if (pi->tcp.ts) {
        p->st_tsval = pi->tcp.tsval;
    }
    if (fl & PKT_RST) {
        return;
    }
    p->st_win = pi->tcp.win;
    if (fl & PKT_ACK) {
        p->st_ack = pi->tcp.ack;
        p->st_acked = 1;
    }
    if (fl & PKT_SYN) {
        if (!p->have_irs || p->irs != seq) {
            p->have_irs = 1;
            p->irs = seq;
            p->rcv_nxt = seq + 1;
        }
        p->st_mss = pi->tcp.mss;
        p->st_wscale = pi->tcp.wscale;
        p->st_sack = pi->tcp.sack_perm;
        p->st_ts = pi->tcp.ts;
        p->ts_on = p->syn_opts.has_ts && pi->tcp.ts;
        seq++;
    }
    /* In order (or overlapping what we have): take the new part, unless
     * the peer's window is closed (then it keeps nothing, as a receiver
     * with a full buffer). */
    if (p->win == 0 && !(fl & PKT_SYN)) {
        return;
    }
    if (p->have_irs && (int32_t)(seq - p->rcv_nxt) <= 0 &&
        (int32_t)(seq + len + ((fl & PKT_FIN) ? 1u : 0u) - p->rcv_nxt) > 0) {
        p->rcv_nxt = seq + len + ((fl & PKT_FIN) ? 1u : 0u);
    }
}

uint32_t tcp_peer_wnd(const struct tcp_peer *p)
{
    int scaled = p->syn_opts.has_wscale && p->st_wscale >= 0;
    return (uint32_t)p->st_win << (scaled ? p->st_wscale : 0);
}

uint32_t tcp_peer_room(const struct tcp_peer *p)
{
    uint32_t edge = p->st_ack + tcp_peer_wnd(p);
    return (int32_t)(edge - p->snd_nxt) > 0 ? edge - p->snd_nxt : 0;
}

void tcp_peer_stream_fill(uint8_t *buf, uint32_t off, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t k = off + (uint32_t)i;
        buf[i] = (uint8_t)(k * 7u + (k >> 8) * 13u + (k >> 16));
    }
}

int tcp_peer_stream_check(const uint8_t *buf, uint32_t off, size_t n)
{
    uint8_t want[4096];
    size_t done = 0;
    if (!buf) {
        return n == 0;
    }
    while (done < n) {
        size_t k = n - done < sizeof(want) ? n - done : sizeof(want);
        tcp_peer_stream_fill(want, off + (uint32_t)done, k);
        if (memcmp(buf + done, want, k) != 0) {
            return 0;
        }
        done += k;
    }
    return 1;
}
