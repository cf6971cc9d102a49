/* socket/tcp_output.c: building segments and deciding what to send.
 *
 * Data segments carry their payload in a pbuf with headroom; the header
 * goes in front of it and the checksum combines the pseudo header, the
 * header and the payload sum computed when the data was copied in, so
 * sending never touches the payload bytes. */
#include <stdlib.h>
#include <string.h>

#include "socket/tcp_ack.h"
#include "socket/tcp_impl.h"
#include "wire/bytes.h"

uint32_t tern__tcp_ts_now(const tern_tcp *t) { return tern__stack_now(t->cls->stack) + t->ts_offset; }

uint16_t tern__tcp_mss_for(const tern_tcp *t, tern_iface *ifc)
{
    uint32_t overhead = (t->remote.type == TERN_ADDR_V6 ? TERN_IPV6_HLEN : TERN_IPV4_HLEN) + TERN_TCP_HLEN;
    uint32_t mtu = ifc ? ifc->mtu : 0;
    uint32_t mss = t->cls->cfg.mss;
    if (mtu > overhead && mtu - overhead < mss)
        mss = mtu - overhead;
    return (uint16_t)(mss < 64 ? 64 : mss);
}

#define TCP_SEG_CACHE_MAX 512u

tcp_seg *tern__tcp_seg_new(tern_tcp *t)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    return tb ? tcp_free_list_get(&tb->seg_cache, sizeof(tcp_seg)) : calloc(1, sizeof(tcp_seg));
}

void tern__tcp_seg_free(tern_tcp *t, tcp_seg *seg)
{
    if (seg->p)
        tern_pbuf_free(seg->p);
    tern_tcp_table *tb = t->cls->stack->tcp;
    if (tb)
        tcp_free_list_put(&tb->seg_cache, seg, TCP_SEG_CACHE_MAX);
    else
        free(seg);
}

void tern__tcp_free_queues(tern_tcp *t)
{
    for (tcp_seg *s = t->snd_q, *n; s; s = n) {
        n = s->next;
        tern__tcp_seg_free(t, s);
    }
    t->snd_q = NULL;
    tern__tcp_set_q_tail(t, NULL);
    tern__tcp_set_next_seg(t, NULL);
    if (t->fl)
        t->fl->snd_queuelen = 0;
    if (t->has_rare) {
        tern__tcp_ooo_free(t);
        tern__tcp_refused_free(t);
    }
}

/* The window to put in an outgoing header, in bytes.  It never moves the
 * right edge left (RFC 9293 3.8.6.2.2 / RFC 7323 2.4) and only moves it
 * right in steps of at least min(buffer/2, MSS) (receiver SWS avoidance). */
uint32_t tern__tcp_rcv_window_to_advertise(tern_tcp *t)
{
    uint32_t edge_left = SEQ_GT(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
    uint32_t wnd = tern__tcp_rcv_wnd(t);
    uint32_t step = t->rcv_buf / 2 < t->mss ? t->rcv_buf / 2 : t->mss;
    if (wnd < edge_left + step && wnd < t->rcv_buf)
        wnd = edge_left;
    return wnd;
}

static uint16_t window_field(tern_tcp *t, bool syn)
{
    uint32_t wnd = tern__tcp_rcv_window_to_advertise(t);
    uint32_t field;
    if (syn) {
        field = wnd > 0xffff ? 0xffff : wnd; /* never scaled in a SYN (RFC 7323 2.2) */
    } else {
        field = wnd >> t->rcv_wscale;
        /* Rounding down must not pull the edge back. */
        uint32_t edge_left = SEQ_GT(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
        if ((field << t->rcv_wscale) < edge_left)
            field = (edge_left + (1u << t->rcv_wscale) - 1) >> t->rcv_wscale;
        if (field > 0xffff)
            field = 0xffff;
    }
    uint32_t edge = t->rcv_nxt + (field << (syn ? 0 : t->rcv_wscale));
    if (SEQ_GT(edge, t->rcv_adv) || t->state < TERN_TCP_SYN_RCVD)
        t->rcv_adv = edge;
    return (uint16_t)field;
}

static tern_iface *out_iface(tern_tcp *t)
{
    if (t->iface_index)
        return tern_iface_by_index(t->cls->stack, t->iface_index);
    return tern__ip_route(t->cls->stack, &t->remote);
}

/* Fills the header fields every segment of t shares. */
static void base_repr(tern_tcp *t, tern_tcp_repr *r, uint32_t seq, uint8_t flags)
{
    memset(r, 0, sizeof(*r));
    r->src_port = t->local_port;
    r->dst_port = t->remote_port;
    r->seq = seq;
    r->flags = flags;
    if (flags & TERN_TCP_ACK)
        r->ack = t->rcv_nxt;
    bool syn = (flags & TERN_TCP_SYN) != 0;
    r->window = window_field(t, syn);
    if (syn) {
        r->has_mss = true;
        r->mss = tern__tcp_mss_for(t, out_iface(t));
        bool active = t->state == TERN_TCP_SYN_SENT;
        if (t->cls->cfg.wscale && (active || t->ws_ok)) {
            r->has_wscale = true;
            r->wscale = t->rcv_wscale;
        }
        r->sack_permitted = t->cls->cfg.sack && (active || t->sack_ok);
        if (t->cls->cfg.timestamps && (active || t->ts_ok)) {
            r->has_ts = true;
            r->ts_val = tern__tcp_ts_now(t);
            r->ts_ecr = (flags & TERN_TCP_ACK) ? t->ts_recent : 0;
        }
        return;
    }
    if (t->ts_ok) {
        r->has_ts = true;
        r->ts_val = tern__tcp_ts_now(t);
        r->ts_ecr = t->ts_recent;
    }
    if (t->sack_ok && tern__tcp_ooo_head(t) && (flags & TERN_TCP_ACK))
        r->sack_count = tern__tcp_ooo_sack_blocks(t, r->sack, TERN_TCP_MAX_SACK);
}

/* Sends one segment: header from r, payload from seg (or none).  The
 * payload pbuf is borrowed and comes back unchanged.  Over IPv4 from a
 * bound address, when the datagram fits the MTU, the IP header is written
 * here in the same headroom (the bytes tern__ip_output writes; tcp_ack.c
 * does the same), sparing the general output's route, source and size
 * checks and its second prepend. */
static int transmit(tern_tcp *t, tern_tcp_repr *r, tcp_seg *seg)
{
    tern_stack *s = t->cls->stack;
    tern_iface *ifc = out_iface(t);
    if (!ifc)
        return TERN_ERR_RTE;
    uint16_t hlen = tern__tcp_header_len(r);
    uint32_t len = hlen + (seg ? seg->len : 0);
    bool v4 = tern__tcp_direct_v4(t, ifc, len);
    uint16_t iph = v4 ? TERN_IPV4_HLEN : 0;
    uint16_t front = (uint16_t)(iph + hlen);
    tern_pbuf *p;
    bool borrowed = false;
    tern_csum payload_sum = 0;
    if (seg && seg->len) {
        p = seg->p;
        payload_sum = tern__tcp_seg_sum(seg);
        /* A device may still hold the previous transmission: then send a
         * copy rather than rewrite headers under it. */
        if (p->ref == 1 && tern_pbuf_add_header(p, front) == 0) {
            borrowed = true;
        } else {
            tern_pbuf *h = tern_pbuf_alloc((uint16_t)(TERN_HEADROOM - iph), front, TERN_PBUF_RAM);
            if (!h)
                return TERN_ERR_MEM;
            tern_pbuf_chain(h, p);
            p = h;
        }
    } else {
        p = tern_pbuf_alloc((uint16_t)(TERN_HEADROOM - iph), front, TERN_PBUF_RAM);
        if (!p)
            return TERN_ERR_MEM;
    }
    uint8_t *h = (uint8_t *)p->payload + iph;
    tern__tcp_emit(h, r);
    tern_csum sum;
    if (t->local.type == TERN_ADDR_V4)
        sum = tern__csum_pseudo_v4(t->local.u.v4, t->remote.u.v4, TERN_PROTO_TCP, (uint16_t)len);
    else
        sum = tern__csum_pseudo_v6(t->local.u.v6.w, t->remote.u.v6.w, TERN_PROTO_TCP, len);
    sum = tern__csum_header(sum, h, hlen) + payload_sum;
    tern_wr16(h + 16, tern__csum_finish(sum));
    int err;
    if (v4) {
        err = tern__tcp_output_v4(t, ifc, p, len);
    } else {
        err = tern__ip_output(s, p, &t->local, &t->remote, TERN_PROTO_TCP, t->ttl, t->tos, ifc);
    }
    if (borrowed)
        tern_pbuf_remove_header(p, front);
    else
        tern_pbuf_free(p);
    s->stats.tcp_out++;
    if (r->flags & TERN_TCP_ACK) {
        /* The delayed-ACK timer is left to run out: stopping and restarting
         * it for every second segment costs two timer-heap operations; a
         * firing that finds nothing owed does nothing (ack_fire). */
        t->unacked_segs = 0;
        t->ack_now = false;
    }
    return err;
}

/* A pure ACK carries the sequence number of the next new byte, SND.MAX,
 * not SND.NXT: after a retransmission timeout SND.NXT goes back to SND.UNA
 * (RFC 5681 3.1) and may lie below the peer's RCV.NXT, which then finds the
 * ACK unacceptable (RFC 9293 3.10.7.4), drops it unread and answers with an
 * ACK.  Two such senders answer each other forever and neither sees an
 * acknowledgment again.  (BSD's tcp_output does the same: "for ACK only
 * packets ... we want the sequence number of the next unsent octet".) */
void tern__tcp_send_ack(tern_tcp *t)
{
    if (!(t->sack_ok && tern__tcp_ooo_head(t))) {
        /* No SACK block owed: the header is fixed but for a few fields
         * (tcp_ack.c), the same bytes as base_repr + transmit below. */
        uint16_t window = window_field(t, false);
        tern_iface *ifc = out_iface(t);
        if (ifc)
            tern__tcp_send_plain(t, ifc, SEQ_MAX(t->snd_nxt, t->snd_max), TERN_TCP_ACK, window);
        return;
    }
    tern_tcp_repr r;
    base_repr(t, &r, SEQ_MAX(t->snd_nxt, t->snd_max), TERN_TCP_ACK);
    transmit(t, &r, NULL);
}

/* A keepalive (seq = SND.UNA - 1, RFC 9293 3.8.4) or a zero-window probe
 * (the same trick: the peer answers with its current window). */
void tern__tcp_send_probe(tern_tcp *t, bool keepalive)
{
    (void)keepalive;
    tern_tcp_repr r;
    base_repr(t, &r, t->snd_una - 1, TERN_TCP_ACK);
    transmit(t, &r, NULL);
}

void tern__tcp_send_stateless(tern_stack *s, tern_iface *ifc, const tern_addr *src, const tern_addr *dst,
                        const tern_tcp_repr *r)
{
    uint16_t hlen = tern__tcp_header_len(r);
    tern_pbuf *p = tern_pbuf_alloc(TERN_HEADROOM, hlen, TERN_PBUF_RAM);
    if (!p)
        return;
    uint8_t *h = p->payload;
    tern__tcp_emit(h, r);
    tern_csum sum = src->type == TERN_ADDR_V4 ? tern__csum_pseudo_v4(src->u.v4, dst->u.v4, TERN_PROTO_TCP, hlen)
                                              : tern__csum_pseudo_v6(src->u.v6.w, dst->u.v6.w, TERN_PROTO_TCP, hlen);
    tern_wr16(h + 16, tern__csum_finish(tern__csum_header(sum, h, hlen)));
    tern__ip_output(s, p, src, dst, TERN_PROTO_TCP, s->cfg.ttl, 0, ifc);
    tern_pbuf_free(p);
    s->stats.tcp_out++;
}

void tern__tcp_send_rst(tern_stack *s, tern_iface *ifc, const tern_addr *src, const tern_addr *dst, uint16_t sport,
                  uint16_t dport, uint32_t seq, uint32_t ack, bool with_ack)
{
    tern_tcp_repr r = {.src_port = sport,
                       .dst_port = dport,
                       .seq = seq,
                       .ack = with_ack ? ack : 0,
                       .flags = (uint8_t)(TERN_TCP_RST | (with_ack ? TERN_TCP_ACK : 0))};
    tern__tcp_send_stateless(s, ifc, src, dst, &r);
    s->stats.tcp_rst_out++;
}

/* SND.MAX for the same reason as a pure ACK: a reset sent when
 * retransmissions give up (SND.NXT back at SND.UNA) must still fall in the
 * peer's window, or RFC 5961 3.2 has the peer ignore it. */
void tern__tcp_send_rst_for(tern_tcp *t)
{
    tern__tcp_send_rst(t->cls->stack, out_iface(t), &t->local, &t->remote, t->local_port, t->remote_port,
                 SEQ_MAX(t->snd_nxt, t->snd_max), t->rcv_nxt, true);
}

void tern__tcp_seg_append(tern_tcp *t, tcp_seg *seg)
{
    tcp_flight *f = t->fl;
    if (f) {
        if (f->q_tail)
            f->q_tail->next = seg;
        else
            t->snd_q = seg;
        f->q_tail = seg;
        if (!f->next_seg)
            f->next_seg = seg;
        f->snd_queuelen++;
    } else {
        t->snd_q = seg; /* a lone SYN or FIN, unsent (tern__tcp_q_tail, _snd_queuelen) */
    }
}

/* Queues a SYN or FIN (FIN rides on the last unsent data segment when
 * there is one). */
int tern__tcp_queue_flags(tern_tcp *t, uint8_t flags)
{
    /* A second segment without data (a FIN behind an unacknowledged SYN)
     * needs the queue's pointers of tcp_flight (tern__tcp_q_tail). */
    if (!t->fl && t->snd_q && !tern__tcp_flight_get(t))
        return TERN_ERR_MEM;
    tcp_seg *tail = tern__tcp_q_tail(t);
    uint32_t end = tern__tcp_snd_end(t);
    if ((flags & TERN_TCP_FIN) && tail && tern__tcp_next_seg(t) && tail->len &&
        !(tail->flags & (TERN_TCP_SYN | TERN_TCP_FIN))) {
        tail->flags |= TERN_TCP_FIN;
    } else {
        tcp_seg *seg = tern__tcp_seg_new(t);
        if (!seg)
            return TERN_ERR_MEM;
        seg->seq = end;
        seg->flags = flags;
        tern__tcp_seg_append(t, seg);
    }
    if (flags & TERN_TCP_FIN)
        t->fin_queued = true;
    t->close_pending = false;
    return TERN_OK;
}

/* Bookkeeping of a segment about to leave: retransmission counters, the
 * time it left (RTT samples, RACK), the highest sequence sent, the timer. */
static void note_sent(tern_tcp *t, tcp_seg *seg, uint32_t now)
{
    bool again = SEQ_LT(seg->seq, t->snd_max);
    if (again) {
        seg->rtx++; /* Karn: no RTT sample from it any more (tcp_input.c) */
        t->cls->stack->stats.tcp_retransmits++;
    }
    seg->sent_ms = now;
    if (t->in_recovery) {
        t->fl->prr.out += tern__tcp_seg_seqlen(seg); /* prr_out (RFC 6937 3); recovery means a flight */
    }
    if (again)
        TCP_COUNT_RARE(t, retransmits); /* last: a jump (tcp_impl.h) */
}

static void after_sent(tern_tcp *t, uint32_t end)
{
    /* Nothing was in flight: the RTX timer holds at most the quiet
     * deadline (tern__tcp_arm_rtx), which must not time this flight, and
     * the flight's first segment arms the tail loss probe. */
    bool new_flight = t->snd_una == t->snd_max;
    if (SEQ_GT(end, t->snd_max))
        t->snd_max = end;
    /* A probe timeout restarts with every new transmission (RFC 8985 7.2). */
    if (new_flight || !tern__tcp_timer_armed(t, TCP_TIMER_RTX) || t->persist || tern__tcp_tlp_armed(t))
        tern__tcp_arm_rtx(t);
}

static void send_seg(tern_tcp *t, tcp_seg *seg)
{
    uint8_t flags = seg->flags & (TERN_TCP_SYN | TERN_TCP_FIN | TERN_TCP_PSH);
    if (t->state != TERN_TCP_SYN_SENT)
        flags |= TERN_TCP_ACK;
    if (flags == (TERN_TCP_FIN | TERN_TCP_ACK) && !seg->len && !(t->sack_ok && tern__tcp_ooo_head(t))) {
        /* A bare FIN: the pure ACK's fixed header with one more flag. */
        tern_iface *ifc = out_iface(t);
        uint16_t window = window_field(t, false);
        note_sent(t, seg, tern__stack_now(t->cls->stack));
        if (ifc)
            tern__tcp_send_plain(t, ifc, seg->seq, flags, window);
        after_sent(t, seg->seq + 1);
        return;
    }
    if ((flags & TERN_TCP_SYN) && !seg->len) {
        /* A SYN or SYN-ACK: options fixed by the negotiation (tcp_ack.c). */
        tern_iface *ifc = out_iface(t);
        uint16_t window = window_field(t, true);
        note_sent(t, seg, tern__stack_now(t->cls->stack));
        if (ifc)
            tern__tcp_send_syn_plain(t, ifc, seg->seq, flags, window, tern__tcp_mss_for(t, ifc));
        after_sent(t, seg->seq + 1);
        return;
    }
    tern_tcp_repr r;
    base_repr(t, &r, seg->seq, flags);
    note_sent(t, seg, tern__stack_now(t->cls->stack));
    transmit(t, &r, seg);
    after_sent(t, seg->seq + tern__tcp_seg_seqlen(seg));
}

/* Segmentation offload: n consecutive new segments, each exactly one MSS
 * of payload in one buffer, leave as one packet that the device cuts up.
 * The payload is referenced, not copied; the checksum field carries the
 * pseudo-header sum only (see tern_iface_set_tso). */
static void send_burst(tern_tcp *t, tern_iface *ifc, tcp_seg *first, unsigned n)
{
    tern_tcp_repr r;
    base_repr(t, &r, first->seq, TERN_TCP_ACK);
    uint16_t hlen = tern__tcp_header_len(&r);
    uint32_t now = tern__stack_now(t->cls->stack);
    tern_pbuf *h = tern_pbuf_alloc(TERN_HEADROOM, hlen, TERN_PBUF_RAM);
    if (!h)
        return; /* as a lost packet: the retransmission timer recovers */
    /* Every burst segment is exactly one MSS (burst_len), so each link of
     * the chain knows the bytes from it to the end. */
    uint32_t left = (uint32_t)n * first->len;
    h->tot_len = (uint16_t)(hlen + left);
    tern_pbuf *tail = h;
    tcp_seg *seg = first;
    for (unsigned i = 0; i < n; i++, seg = seg->next) {
        tern_pbuf *q = tern_pbuf_alloc_reference(seg->p->payload, (uint16_t)seg->len, TERN_PBUF_REF);
        if (!q) {
            tern_pbuf_free(h);
            return;
        }
        q->tot_len = (uint16_t)left;
        left -= seg->len;
        tail->next = q;
        tail = q;
        r.flags |= seg->flags & TERN_TCP_PSH;
        note_sent(t, seg, now);
    }
    uint8_t *hd = h->payload;
    tern__tcp_emit(hd, &r);
    uint32_t tcplen = h->tot_len;
    tern_csum sum = t->local.type == TERN_ADDR_V4
                        ? tern__csum_pseudo_v4(t->local.u.v4, t->remote.u.v4, TERN_PROTO_TCP, (uint16_t)tcplen)
                        : tern__csum_pseudo_v6(t->local.u.v6.w, t->remote.u.v6.w, TERN_PROTO_TCP, tcplen);
    tern_wr16(hd + 16, (uint16_t)~tern__csum_finish(sum));
    ifc->tx_gso_size = (uint16_t)first->len;
    tern__ip_output(t->cls->stack, h, &t->local, &t->remote, TERN_PROTO_TCP, t->ttl, t->tos, ifc);
    ifc->tx_gso_size = 0;
    tern_pbuf_free(h);
    t->cls->stack->stats.tcp_out++;
    t->unacked_segs = 0;
    t->ack_now = false; /* the delayed-ACK timer runs out (transmit) */
    after_sent(t, seg ? seg->seq : first->seq + (uint32_t)n * first->len);
}

/* How many segments from seg on can leave as one offloaded packet (1: no
 * offload).  Only new, full-sized data segments without SYN/FIN, inside
 * the window and the congestion window. */
static unsigned burst_len(tern_tcp *t, tern_iface *ifc, tcp_seg *seg, uint32_t wnd_end, uint32_t room)
{
    if (!ifc || !ifc->tso_max || !SEQ_GEQ(seg->seq, t->snd_max))
        return 1;
    uint32_t mss = t->mss, hdr = 60 + 60, total = 0;
    unsigned n = 0;
    for (tcp_seg *s = seg; s && n < 64; s = s->next, n++) {
        if (s->len != mss || (s->flags & (TERN_TCP_SYN | TERN_TCP_FIN)) || !s->p || s->p->len != s->len ||
            SEQ_GT(s->seq + s->len, wnd_end) || total + s->len > room || hdr + total + s->len > ifc->tso_max)
            break;
        total += s->len;
    }
    return n ? n : 1;
}

void tern__tcp_retransmit_seg(tern_tcp *t, tcp_seg *seg) { send_seg(t, seg); }

static bool split_seg(tern_tcp *t, tcp_seg *seg, uint32_t mss);

bool tern__tcp_send_one_new(tern_tcp *t)
{
    tcp_seg *seg = tern__tcp_next_seg(t);
    if (!seg || (seg->len > t->mss && !split_seg(t, seg, t->mss)))
        return false;
    if (SEQ_GT(seg->seq + seg->len, t->snd_una + t->snd_wnd))
        return false;
    send_seg(t, seg);
    tern__tcp_set_next_seg(t, seg->next);
    t->snd_nxt = seg->seq + tern__tcp_seg_seqlen(seg);
    return true;
}

int tern__tcp_send_syn(tern_tcp *t)
{
    if (t->cls->cfg.wscale && (t->state == TERN_TCP_SYN_SENT || t->ws_ok)) {
        /* The smallest shift that lets the largest buffer be advertised. */
        uint8_t ws = 0;
        while (ws < TCP_MAX_WSCALE && (t->cls->cfg.rcv_buf_max >> ws) > 0xffff)
            ws++;
        t->rcv_wscale = ws;
    }
    if (!t->snd_q) {
        int err = tern__tcp_queue_flags(t, TERN_TCP_SYN);
        if (err)
            return err;
    }
    send_seg(t, t->snd_q);
    tern__tcp_set_next_seg(t, t->snd_q->next);
    t->snd_nxt = t->snd_una + 1; /* SND.UNA is the ISS until the SYN is acknowledged */
    return TERN_OK;
}

/* Cuts seg so that it carries at most mss bytes; the tail becomes a new
 * segment right after it (the path MSS shrank after data was queued). */
static bool split_seg(tern_tcp *t, tcp_seg *seg, uint32_t mss)
{
    uint32_t rest = seg->len - mss;
    tcp_seg *n = tern__tcp_seg_new(t);
    tern_pbuf *p = n ? tern_pbuf_alloc(TERN_HEADROOM, (uint16_t)rest, TERN_PBUF_RAM) : NULL;
    if (!p) {
        free(n);
        return false;
    }
    tern_pbuf_copy_partial(seg->p, p->payload, (uint16_t)rest, (uint16_t)mss);
    n->p = p;
    n->cap = rest;
    n->len = rest;
    n->seq = seg->seq + mss;
    n->flags = seg->flags & (TERN_TCP_FIN | TERN_TCP_PSH);
    n->sum_ok = seg->sum_ok;
    if (n->sum_ok)
        n->sum = tern__csum_add(0, p->payload, rest);
    seg->flags &= (uint8_t)~(TERN_TCP_FIN | TERN_TCP_PSH);
    tern_pbuf_realloc(seg->p, (uint16_t)mss);
    seg->len = seg->cap = mss;
    if (seg->sum_ok)
        seg->sum = tern__csum_pbuf(0, seg->p, 0, (uint16_t)mss);
    n->next = seg->next;
    seg->next = n;
    if (tern__tcp_q_tail(t) == seg)
        tern__tcp_set_q_tail(t, n);
    t->fl->snd_queuelen++; /* (data: a flight) */
    return true;
}

/* Bytes in the network by RFC 6675's estimate when SACK recovery is on,
 * else everything sent and not acknowledged. */
uint32_t tern__tcp_flight(const tern_tcp *t)
{
    if (!(t->in_recovery && t->sack_ok))
        return t->snd_nxt - t->snd_una;
    uint32_t pipe = 0;
    for (const tcp_seg *s = t->snd_q, *stop = tern__tcp_next_seg(t); s && s != stop; s = s->next)
        if (!s->sacked && !s->lost)
            pipe += tern__tcp_seg_seqlen(s);
    return pipe;
}

int tern__tcp_send_queued(tern_tcp *t)
{
    /* A receiver's common case, and a closing connection's: nothing to
     * send but perhaps an ACK (what the rest below ends with when nothing
     * is queued in a synchronized state). */
    if (!tern__tcp_has_unsent(t) && !t->in_recovery && !t->close_pending && t->state >= TERN_TCP_ESTABLISHED) {
        if (t->ack_now || t->unacked_segs >= 2)
            tern__tcp_send_ack(t);
        return TERN_OK;
    }
    if (t->state == TERN_TCP_CLOSED || t->state == TERN_TCP_LISTEN || t->state == TERN_TCP_SYN_SENT)
        return TERN_OK;
    if (t->state == TERN_TCP_SYN_RCVD) {
        if (t->ack_now)
            tern__tcp_send_ack(t);
        return TERN_OK;
    }
    if (t->close_pending && !t->fin_queued && tern__tcp_queue_flags(t, TERN_TCP_FIN) == TERN_OK)
        tern__tcp_set_state(t, t->close_state);
    /* The close of a connection that never sent data (a relay's accepted
     * connection whose upstream failed, a request answered elsewhere): a
     * lone FIN, nothing in flight, no sender state.  The loop below sends
     * it the same way after checks that cannot hold it back: it carries
     * no data (no window, Nagle or burst applies), nothing is in flight
     * (no cwnd limit) and a socket without tcp_flight is not paced. */
    tcp_seg *fin = tern__tcp_next_seg(t);
    if (fin && !t->fl && !fin->next && !fin->len && fin->flags == TERN_TCP_FIN && t->snd_una == t->snd_max &&
        !t->in_recovery) {
        t->persist = false;
        send_seg(t, fin);
        tern__tcp_set_next_seg(t, NULL);
        t->snd_nxt = fin->seq + 1;
        return TERN_OK;
    }
    bool sent_any = false;
    uint32_t cwnd = t->cwnd;

    /* Loss recovery first: segments marked lost go again, inside cwnd. */
    if (t->in_recovery) {
        for (tcp_seg *s = t->snd_q, *stop = tern__tcp_next_seg(t); s && s != stop; s = s->next) {
            if (!s->lost)
                continue;
            if (sent_any && tern__tcp_flight(t) + tern__tcp_seg_seqlen(s) > cwnd)
                break;
            s->lost = false;
            s->epoch = t->fl->recovery_epoch;
            send_seg(t, s);
            sent_any = true;
        }
    }

    while (tern__tcp_next_seg(t)) {
        tcp_seg *seg = tern__tcp_next_seg(t);
        if (seg->len > t->mss && !split_seg(t, seg, t->mss))
            break;
        uint32_t len = tern__tcp_seg_seqlen(seg);
        uint32_t wnd_end = t->snd_una + t->snd_wnd;
        if (SEQ_GT(seg->seq + seg->len, wnd_end) && SEQ_GT(wnd_end, seg->seq) && seg->len > 1) {
            /* Part of the segment fits.  Sender SWS avoidance (RFC 9293
             * 3.8.6.2.1): send that part if it is at least half the
             * largest window the peer ever offered, or if nothing is in
             * flight (a peer with a window smaller than our MSS must
             * still get data). */
            uint32_t usable = wnd_end - seg->seq;
            if ((usable >= tern__tcp_max_snd_wnd(t) / 2 || t->snd_una == t->snd_max) && split_seg(t, seg, usable))
                continue;
        }
        if (SEQ_GT(seg->seq + seg->len, wnd_end)) {
            /* Receiver's window is full.  With nothing in flight, probe
             * so a lost window update cannot deadlock us (RFC 9293 3.8.6.1). */
            if (t->snd_una == t->snd_max && !t->persist) {
                t->persist = true;
                t->persist_backoff = 0;
                t->persist_unanswered = 0;
                tern__tcp_arm_rtx(t);
            }
            break;
        }
        if (tern__tcp_flight(t) + len > cwnd && t->snd_una != t->snd_max)
            break;
        /* Nagle (RFC 896): a small segment waits while data is unacknowledged,
         * unless it is the FIN or the application disabled the algorithm.
         * Only new data waits: after a timeout, a small segment sent before
         * goes again at once (it is what the peer is missing). */
        if (!t->nodelay && seg->len < t->mss && t->snd_una != t->snd_max && !(seg->flags & TERN_TCP_FIN) &&
            seg->next == NULL && SEQ_GEQ(seg->seq, t->snd_max))
            break;
        /* Pacing (tcp_pace.c); fast recovery's sending is PRR's. */
        uint32_t pace = t->in_recovery ? UINT32_MAX : tern__tcp_pace_room(t);
        if (pace < len) {
            tern__tcp_pace_wait(t, len);
            break;
        }
        t->persist = false;
        tern_iface *ifc = out_iface(t);
        uint32_t flight = tern__tcp_flight(t);
        uint32_t room = cwnd > flight ? cwnd - flight : 0;
        unsigned n = burst_len(t, ifc, seg, wnd_end, room < pace ? room : pace);
        if (n > 1) {
            tcp_seg *last = seg;
            for (unsigned i = 1; i < n; i++)
                last = last->next;
            send_burst(t, ifc, seg, n);
            tern__tcp_pace_sent(t, (uint32_t)n * seg->len);
            sent_any = true;
            tern__tcp_set_next_seg(t, last->next);
            t->snd_nxt = last->seq + last->len;
            continue;
        }
        if (pace != UINT32_MAX)
            tern__tcp_pace_sent(t, len);
        send_seg(t, seg);
        sent_any = true;
        tern__tcp_set_next_seg(t, seg->next);
        t->snd_nxt = seg->seq + len;
    }
    if (!sent_any && (t->ack_now || t->unacked_segs >= 2))
        tern__tcp_send_ack(t);
    return TERN_OK;
}
