/* socket/tcp_input.c: where a TCP segment arrives (RFC 9293 3.10.7).
 *
 * tern__tcp_input validates the segment and finds its socket; the rest
 * follows the RFC's order for "SEGMENT ARRIVES": LISTEN, SYN-SENT, then
 * for synchronized states: sequence check (with PAWS), RST, SYN, ACK,
 * data, FIN.  Received data is handed to the application in the pbuf it
 * arrived in: no copy. */
#include <stdlib.h>

#include "socket/tcp_impl.h"

typedef struct segment {
    tern_tcp_repr h;
    tern_pbuf *p;   /* payload (after the header); owned until handed on */
    uint32_t len;   /* payload bytes */
    const tern_ip_meta *m;
    uint32_t tuple_hash; /* the 4-tuple's hash, from the lookup */
} segment;

static uint32_t seg_space(const segment *sg)
{
    return sg->len + ((sg->h.flags & TERN_TCP_SYN) ? 1u : 0u) + ((sg->h.flags & TERN_TCP_FIN) ? 1u : 0u);
}

static void drop(segment *sg)
{
    if (sg->p)
        tern_pbuf_free(sg->p);
    sg->p = NULL;
}

/* RFC 5961 7: challenge ACKs are rate limited stack-wide. */
static void challenge_ack(tern_tcp *t)
{
    tern_tcp_table *tb = t->cls->stack->tcp;
    uint32_t now = tern__stack_now(t->cls->stack);
    if (now - tb->challenge_window_ms >= 1000) {
        tb->challenge_window_ms = now;
        tb->challenge_count = 0;
    }
    if (tb->challenge_count++ >= 1000)
        return;
    TCP_COUNT_RARE(t, challenge_acks);
    tern__tcp_send_ack(t);
}

/* The peer's options from its SYN or SYN-ACK. */
void tern__tcp_take_syn_options(tern_tcp *t, const tern_tcp_repr *h, tern_iface *ifc)
{
    bool ws = t->cls->cfg.wscale && h->has_wscale, ts = t->cls->cfg.timestamps && h->has_ts;
    t->ws_ok = ws;
    if (ws) {
        t->snd_wscale = h->wscale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : h->wscale; /* RFC 7323 2.3 */
    } else {
        t->snd_wscale = 0;
        t->rcv_wscale = 0;
    }
    t->ts_ok = ts;
    if (ts)
        t->ts_recent = h->ts_val;
    t->sack_ok = t->cls->cfg.sack && h->sack_permitted;
    uint16_t dflt = t->remote.type == TERN_ADDR_V6 ? 1220 : TCP_DEFAULT_MSS;
    uint16_t peer_mss = h->has_mss && h->mss >= 64 ? h->mss : dflt;
    uint16_t ours = tern__tcp_mss_for(t, ifc);
    uint16_t mss = peer_mss < ours ? peer_mss : ours;
    if (ts)
        mss = (uint16_t)(mss - 12); /* room for the timestamp option */
    t->mss = mss;
}

/* ---- delivering data to the application ---- */

/* Keeps a payload the application refused, to offer it again.  Without
 * the memory for that the bytes would be lost to the application: the
 * connection is aborted instead (err ERR_ABRT, a RST to the peer) rather
 * than go on with a hole in the stream.  Returns false when it was. */
static bool refused_push(tern_tcp *t, tern_pbuf *p, bool front)
{
    tcp_rare *x = tern__tcp_rare(t);
    tcp_ooo *r = x ? malloc(sizeof(*r)) : NULL;
    if (!r) {
        tern_pbuf_free(p);
        tern_tcp_abort(t);
        return false;
    }
    r->p = p;
    r->len = p->tot_len;
    r->seq = 0;
    r->fin = false;
    if (front) {
        r->next = x->refused;
        x->refused = r;
        if (!x->refused_tail)
            x->refused_tail = r;
    } else {
        r->next = NULL;
        if (x->refused_tail)
            x->refused_tail->next = r;
        else
            x->refused = r;
        x->refused_tail = r;
    }
    tern__tcp_arm_slow(t); /* refused data is offered again on the tick (x->refused is set now) */
    return true;
}

void tern__tcp_refused_free(tern_tcp *t)
{
    tcp_rare *x = tern__tcp_rare_of(t);
    if (!x)
        return;
    tern__tcp_held_free(x->refused);
    x->refused = x->refused_tail = NULL;
    x->refused_fin = false;
}

/* Calls recv(p) (p == NULL: FIN).  Returns false when the socket died;
 * *refused tells whether the application declined. */
static bool call_recv(tern_tcp *t, tern_pbuf *p, bool *refused)
{
    *refused = false;
    if (!t->cls->h->recv) {
        /* No receiver (lwIP's tcp_recv_null): consume data, close on FIN. */
        if (p) {
            t->rcv_app_unread -= p->tot_len;
            tern_pbuf_free(p);
            return true;
        }
        tern_tcp_close(t);
        return !t->dead && t->state != TERN_TCP_CLOSED;
    }
    tcp_enter(t);
    int r = t->cls->h->recv(t->arg, t, p, TERN_OK);
    if (!tern__tcp_leave(t))
        return false;
    if (r != TERN_OK && r != TERN_ERR_ABRT)
        *refused = true;
    return true;
}

/* Hands an in-order payload to the application, or queues it behind data
 * it refused earlier.  Returns false when the socket died. */
static bool deliver(tern_tcp *t, tern_pbuf *p)
{
    uint32_t len = p->tot_len;
    t->rcv_app_unread += len;
    t->bytes_received += len;
    if (t->bytes_received < len)
        TCP_COUNT_RARE(t, received_wraps);
    if (tern__tcp_refusing(t))
        return refused_push(t, p, false);
    bool refused;
    if (!call_recv(t, p, &refused))
        return false;
    return !refused || refused_push(t, p, false);
}

/* The application refused the FIN (recv(NULL) returned an error): it is
 * offered again on the tick, from a flag in tcp_rare.  Without the memory
 * for that flag the FIN could never be offered again and the application
 * would wait for it forever: the connection is aborted instead (its err
 * callback says so).  Returns false when the socket died. */
static bool refuse_fin(tern_tcp *t)
{
    tcp_rare *x = tern__tcp_rare(t);
    if (!x) {
        tern_tcp_abort(t);
        return false;
    }
    x->refused_fin = true;
    tern__tcp_arm_slow(t);
    return true;
}

static bool deliver_fin(tern_tcp *t)
{
    tcp_rare *x = tern__tcp_rare_of(t);
    if (x && x->refused) {
        x->refused_fin = true;
        return true;
    }
    bool refused;
    if (!call_recv(t, NULL, &refused))
        return false;
    return !refused || refuse_fin(t);
}

int tern__tcp_deliver_refused(tern_tcp *t)
{
    tcp_rare *x = tern__tcp_rare_of(t);
    if (!x)
        return TERN_OK;
    while (x->refused) {
        tcp_ooo *r = x->refused;
        x->refused = r->next;
        if (!x->refused)
            x->refused_tail = NULL;
        tern_pbuf *p = r->p;
        free(r);
        bool refused;
        if (!call_recv(t, p, &refused))
            return TERN_ERR_ABRT;
        if (refused)
            return refused_push(t, p, true) ? TERN_ERR_INPROGRESS : TERN_ERR_ABRT;
    }
    if (x->refused_fin) {
        x->refused_fin = false;
        bool refused;
        if (!call_recv(t, NULL, &refused))
            return TERN_ERR_ABRT;
        x->refused_fin = refused; /* (x lives as long as the socket) */
        if (refused)
            return TERN_ERR_INPROGRESS;
    }
    return TERN_OK;
}

int tern_tcp_process_refused(tern_tcp *t)
{
    if (!t)
        return TERN_ERR_ARG;
    int r = tern__tcp_deliver_refused(t);
    if (r != TERN_ERR_ABRT && t->ack_now && !t->busy)
        tern__tcp_send_ack(t); /* a window update tcp_recved asked for from recv */
    return r;
}

/* ---- the send side: acknowledgments ---- */

/* Marks queued segments the peer reports holding (RFC 2018).  Only data
 * is SACKed: without any ever sent (t->fl NULL) there is nothing to mark. */
static void take_sack(tern_tcp *t, const tern_tcp_repr *h)
{
    tcp_flight *f = t->fl;
    if (!f)
        return;
    for (uint8_t i = 0; i < h->sack_count; i++) {
        uint32_t l = h->sack[i].left, r = h->sack[i].right;
        /* Ignore blocks outside what we sent (RFC 2883 D-SACKs included). */
        if (!SEQ_LT(l, r) || SEQ_LEQ(r, t->snd_una) || SEQ_GT(r, t->snd_max))
            continue;
        for (tcp_seg *s = t->snd_q, *stop = tern__tcp_next_seg(t); s && s != stop; s = s->next) {
            if (SEQ_GEQ(s->seq, r))
                break;
            if (!s->sacked && s->len && SEQ_GEQ(s->seq, l) && SEQ_LEQ(s->seq + s->len, r)) {
                s->sacked = true;
                s->lost = false;
                f->sacked_bytes += s->len;
                tern__tcp_rack_delivered(t, s, h);
            }
        }
        if (SEQ_GT(r, f->high_sacked) || f->high_sacked == 0)
            f->high_sacked = r;
    }
}

/* RFC 6675 5 (simplified IsLost): unsacked segments below the highest
 * SACKed byte are presumed lost; without SACK the first segment is. */
static void mark_losses(tern_tcp *t)
{
    bool any = false;
    uint32_t sacked = tern__tcp_sacked_bytes(t);
    for (tcp_seg *s = t->snd_q, *stop = tern__tcp_next_seg(t); s && s != stop; s = s->next) {
        if (t->sack_ok && sacked && SEQ_GEQ(s->seq, t->fl->high_sacked))
            break;
        if (!s->sacked && s->epoch != t->fl->recovery_epoch) {
            s->lost = true;
            any = true;
            if (!t->sack_ok || !sacked)
                break;
        }
    }
    (void)any;
}

/* Without SACK: NewReno's fast retransmit on three duplicate ACKs.  A
 * socket that never sent data has only a SYN or FIN out: the RTO's. */
static void enter_recovery(tern_tcp *t)
{
    if (!t->fl)
        return;
    tern__tcp_cc_on_loss(t);
    t->in_recovery = true;
    t->fl->recovery_epoch++;
    t->fl->recover = t->snd_max;
    t->recovered = true;
    TCP_COUNT_RARE(t, fast_retransmits);
    if (t->sack_ok)
        TCP_COUNT_RARE(t, sack_recoveries);
    mark_losses(t);
    tern__tcp_prr_on_ack(t, 0, false); /* the fast retransmit, and what PRR allows beside it */
}

/* Processes the acknowledgment field.  Returns false when the socket died
 * (a sent callback closed it). */
static bool take_ack(tern_tcp *t, segment *sg)
{
    const tern_tcp_repr *h = &sg->h;
    uint32_t ack = h->ack;
    bool win_update = false;
    /* RFC 9293 3.10.7.4: an ACK in [SND.UNA, SND.NXT] updates the window
     * when SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK.
     * SND.WL2 is an ACK that was at least SND.UNA when it was taken, and
     * SND.UNA only grows: for an ACK not below SND.UNA the second test is
     * always true, so SND.WL2 is not kept (Linux's tcp_may_update_window
     * keeps no WL2 either).  An older ACK updates nothing. */
    if (SEQ_GEQ(ack, t->snd_una) && SEQ_LEQ(t->snd_wl1, h->seq)) {
        uint32_t wnd = (uint32_t)h->window << t->snd_wscale;
        win_update = wnd != t->snd_wnd;
        t->snd_wnd = wnd;
        t->snd_wl1 = h->seq;
        tern__tcp_offered(t, wnd);
        if (t->persist && wnd > 0) {
            t->persist = false;
            t->persist_backoff = 0;
            tern__tcp_timer_clear(t, TCP_TIMER_RTX);
        }
    }
    tern__tcp_rack_ack_begin(t);
    bool was_in_recovery = t->in_recovery, dupack = false;
    uint32_t sent_pending = 0; /* acked bytes for the sent() callback */
    uint32_t una_before = t->snd_una, sacked_before = tern__tcp_sacked_bytes(t);
    if (t->sack_ok && h->sack_count)
        take_sack(t, h);

    if (SEQ_GT(ack, t->snd_una)) {
        uint32_t data_acked = 0;
        uint32_t newest_rtt = UINT32_MAX;
        /* The RTO's sample without timestamps: the oldest segment this ACK
         * covers, sent once (Karn's rule, RFC 6298 3: which transmission a
         * retransmitted one's ACK answers is unknown), not in recovery (the
         * ACK of a filled hole times the hole, not this segment), one per
         * round trip (a SYN's or FIN's without a flight: each). */
        tcp_seg *seg = t->snd_q;
        bool timed = seg && !seg->rtx && !was_in_recovery &&
                     SEQ_LEQ(seg->seq + tern__tcp_seg_seqlen(seg), ack) && (!t->fl || SEQ_GEQ(seg->seq, t->fl->rtt_next));
        uint32_t oldest_sent = timed ? seg->sent_ms : 0;
        while ((seg = t->snd_q) && SEQ_LEQ(seg->seq + tern__tcp_seg_seqlen(seg), ack)) {
            t->snd_q = seg->next;
            if (!t->snd_q)
                tern__tcp_set_q_tail(t, NULL);
            if (tern__tcp_next_seg(t) == seg)
                tern__tcp_set_next_seg(t, seg->next);
            data_acked += seg->len;
            if (seg->sacked)
                t->fl->sacked_bytes -= seg->len; /* only data is SACKed (take_sack) */
            else
                tern__tcp_rack_delivered(t, seg, h);
            if (!seg->rtx && seg->len)
                newest_rtt = tern__stack_now(t->cls->stack) - seg->sent_ms; /* Karn: first transmissions only */
            if (t->fl)
                t->fl->snd_queuelen--; /* (else the lone SYN or FIN: tern__tcp_snd_queuelen) */
            tern__tcp_seg_free(t, seg);
        }
        if (seg && SEQ_GT(ack, seg->seq) && seg->len && seg->p) {
            /* Part of a segment (a peer with a smaller MSS, a middlebox). */
            uint32_t n = ack - seg->seq;
            if (n > seg->len)
                n = seg->len;
            tern_pbuf_remove_header(seg->p, n);
            seg->seq += n;
            seg->len -= n;
            seg->cap -= n;
            if (seg->sum_ok)
                seg->sum = tern__csum_pbuf(0, seg->p, 0, (uint16_t)seg->len);
            data_acked += n;
        }
        t->snd_una = ack;
        if (SEQ_LT(t->snd_nxt, ack))
            t->snd_nxt = ack;
        tern__tcp_tune_snd(t);
        if (data_acked) {
            /* The bytes acknowledged are the sequence numbers' (from the
             * ISS, SYN and FIN left out): only each 2^32 is counted. */
            if (tern__tcp_data_offset(t, ack) < data_acked)
                TCP_COUNT_RARE(t, acked_wraps);
        }
        sent_pending = data_acked;
        if (t->fl && SEQ_GT(ack, t->fl->high_sacked))
            t->fl->high_sacked = ack;

        /* Round-trip sample: timestamps when both sides use them, else
         * one timed segment at a time (Karn's rule in send_seg). */
        uint32_t now = tern__stack_now(t->cls->stack);
        if (t->ts_ok && h->has_ts && h->ts_ecr) {
            uint32_t rtt = tern__tcp_ts_now(t) - h->ts_ecr;
            if (rtt < 60000)
                tern__tcp_rtt_sample(t, rtt);
        } else if (timed) {
            tern__tcp_rtt_sample(t, now - oldest_sent);
            if (t->fl)
                t->fl->rtt_next = t->snd_max;
        }
        t->nrtx = 0;
        if (newest_rtt != UINT32_MAX)
            tern__tcp_cc_rtt_sample(t, newest_rtt);

        if (t->in_recovery) {
            if (SEQ_GEQ(ack, t->fl->recover)) {
                tern__tcp_cc_exit_recovery(t);
            } else if (!t->sack_ok) {
                /* Partial ACK (RFC 6582 3.2): the next hole goes now. */
                mark_losses(t);
            }
        } else {
            tern__tcp_cc_on_ack(t, data_acked);
        }
        if (t->fl)
            t->fl->dupacks = 0;
        tern__tcp_tlp_on_ack(t, h, true);
        tern__tcp_arm_rtx(t);
    } else if (ack == t->snd_una && sg->len == 0 && !(h->flags & (TERN_TCP_SYN | TERN_TCP_FIN)) &&
               !win_update && t->snd_una != t->snd_max) {
        /* A duplicate ACK (RFC 5681 2): outstanding data has a flight (a
         * lone SYN or FIN none, and no fast retransmit: enter_recovery). */
        if (t->fl && t->fl->dupacks < UINT8_MAX)
            t->fl->dupacks++;
        TCP_COUNT_RARE(t, dupacks_in);
        dupack = true;
        tern__tcp_tlp_on_ack(t, h, false);
        if (t->sack_ok || t->in_recovery) {
            /* RACK below decides (RFC 8985); in recovery PRR paces. */
        } else if (t->fl && t->fl->dupacks >= 3) {
            /* One fast retransmit per window (RFC 6582 4.1). */
            if (!t->recovered || SEQ_GT(t->snd_una, t->fl->recover))
                enter_recovery(t);
        }
    }
    /* With SACK, losses are RACK's to find, after every ACK (RFC 8985 6.2);
     * segments it marks go out from tern__tcp_send_queued. */
    if (t->sack_ok && t->state >= TERN_TCP_ESTABLISHED)
        tern__tcp_rack_recover(t);
    /* In fast recovery every ACK sets what may leave (RFC 6937):
     * DeliveredData = change in SND.UNA + change in SACKed bytes. */
    if (was_in_recovery && t->in_recovery)
        tern__tcp_prr_on_ack(t, (t->snd_una - una_before) + (tern__tcp_sacked_bytes(t) - sacked_before), dupack);

    if (sent_pending && t->cls->h->sent) {
        tcp_enter(t);
        t->cls->h->sent(t->arg, t, sent_pending);
        if (!tern__tcp_leave(t))
            return false;
    }
    return true;
}

/* ---- states ---- */

static void synchronized_input(tern_tcp *t, segment *sg);

static void enter_time_wait(tern_tcp *t)
{
    tern__tcp_set_state(t, TERN_TCP_TIME_WAIT);
    tern__tcp_timer_clear(t, TCP_TIMER_RTX);
    tern__tcp_ooo_free(t);
    tern__tcp_arm_slow(t);
}

tern_tcp *tern__tcp_new_child(tern_tcp *l, const tern_tcp_repr *h, const tern_ip_meta *m)
{
    tern_stack *s = l->cls->stack;
    tern_tcp *c = tern__tcp_alloc(s, m->dst.type);
    if (!c)
        return NULL;
    c->local = m->dst;
    c->local_port = h->dst_port;
    c->remote = m->src;
    c->remote_port = h->src_port;
    c->iface_index = l->iface_index;
    /* The listener's settings; no callbacks until the application takes
     * the child (a memo of the listener's class: no search per SYN). */
    tcp_class *k = tern__tcp_class_with(s->tcp, l->cls, &tern__tcp_no_handlers);
    if (!k) {
        tern__tcp_destroy(c, 0);
        return NULL;
    }
    c->cls = k;
    c->cc = l->cc;
    c->nodelay = l->nodelay;
    c->reuse = l->reuse;
    c->keepalive = l->keepalive;
    const tcp_rare *lx = tern__tcp_rare_of(l);
    if (lx && lx->keep_own && tern__tcp_keep_set(c, lx->keep_idle, lx->keep_intvl, lx->keep_cnt) != TERN_OK) {
        tern__tcp_destroy(c, 0); /* no memory for the listener's figures: no child */
        return NULL;
    }
    c->listener = l; /* (its argument is the listener's until it is accepted) */
    c->child = true;
    c->ttl = l->ttl;
    c->tos = l->tos;
    c->rcv_buf = c->cls->cfg.rcv_buf;
    c->rcv_nxt = h->seq + 1;
    c->rcv_adv = c->rcv_nxt;
    c->snd_wnd = h->window; /* a SYN's window is never scaled */
    /* (MAX.SND.WND waits for the handshake's ACK: until then the scale is
     * not the SYN window's, and the RFC 5961 check takes 65535.) */
    c->snd_wl1 = h->seq;
    c->last_rx_ms = tern__stack_now(s);
    return c;
}

static void listen_input(tern_tcp *l, segment *sg)
{
    tern_stack *s = l->cls->stack;
    const tern_tcp_repr *h = &sg->h;
    const tern_ip_meta *m = sg->m;
    if (h->flags & TERN_TCP_RST)
        return drop(sg);
    if (h->flags & TERN_TCP_ACK) {
        /* Either the end of a SYN-cookie handshake, or nothing of ours. */
        if (!(h->flags & TERN_TCP_SYN) && l->pending < l->backlog) {
            tern_tcp *c = tern__tcp_cookie_child(l, h, m);
            if (c)
                return synchronized_input(c, sg);
        }
        tern__tcp_send_rst(s, m->iface, &m->dst, &m->src, h->dst_port, h->src_port, h->ack, 0, false);
        return drop(sg);
    }
    if (!(h->flags & TERN_TCP_SYN) || (h->flags & TERN_TCP_FIN) || m->dst_is_broadcast)
        return drop(sg);
    if (tern__tcp_cookie_needed(l)) {
        /* Half-open connections are at their bound: answer without state. */
        drop(sg);
        tern__tcp_cookie_send_synack(l, h, m);
        return;
    }
    if (l->pending >= l->backlog) {
        s->stats.tcp_drop_backlog++;
        return drop(sg);
    }
    tern_tcp *c = tern__tcp_new_child(l, h, m);
    if (!c) {
        drop(sg);
        /* No memory for the child: the listener hears of it, as lwIP's
         * tcp_listen_input tells it (accept(NULL, ERR_MEM)). */
        if (l->cls->h->accept) {
            tcp_enter(l);
            (void)l->cls->h->accept(l->arg, NULL, TERN_ERR_MEM);
            (void)tern__tcp_leave(l);
        }
        return;
    }
    tern__tcp_take_syn_options(c, h, m->iface);
    c->snd_una = c->snd_nxt = c->snd_max = c->iss = tern__tcp_pick_isn(c);
    tern__tcp_cc_init(c);
    tern__tcp_table_link(c);
    tern__tcp_hash_insert_known(c, sg->tuple_hash);
    tern__tcp_set_state(c, TERN_TCP_SYN_RCVD);
    c->half_open_counted = true;
    l->half_open++;
    s->tcp->half_open++;
    tern__tcp_arm_slow(c);
    drop(sg); /* data on a SYN is not kept; the peer sends it again */
    if (tern__tcp_send_syn(c) != TERN_OK)
        tern__tcp_destroy(c, 0);
}

static void syn_sent_input(tern_tcp *t, segment *sg)
{
    const tern_tcp_repr *h = &sg->h;
    bool has_ack = (h->flags & TERN_TCP_ACK) != 0;
    if (has_ack && (SEQ_LEQ(h->ack, t->snd_una) || SEQ_GT(h->ack, t->snd_max))) { /* SND.UNA is the ISS */
        if (!(h->flags & TERN_TCP_RST))
            tern__tcp_send_rst(t->cls->stack, sg->m->iface, &t->local, &t->remote, t->local_port, t->remote_port, h->ack, 0,
                         false);
        return drop(sg);
    }
    if (h->flags & TERN_TCP_RST) {
        drop(sg);
        if (has_ack)
            tern__tcp_destroy(t, TERN_ERR_RST); /* connection refused */
        return;
    }
    if (!(h->flags & TERN_TCP_SYN))
        return drop(sg);
    t->rcv_nxt = h->seq + 1;
    t->rcv_adv = t->rcv_nxt;
    tern__tcp_take_syn_options(t, h, sg->m->iface);
    drop(sg);
    if (!has_ack) {
        /* Simultaneous open (RFC 9293 3.5): answer with SYN-ACK. */
        tern__tcp_set_state(t, TERN_TCP_SYN_RCVD);
        t->snd_wnd = h->window;
        t->snd_wl1 = h->seq;
        tern__tcp_retransmit_seg(t, t->snd_q);
        return;
    }
    /* Our SYN is acknowledged. */
    tcp_seg *syn = t->snd_q;
    if (syn && syn->rtx == 0) /* (Karn) */
        tern__tcp_rtt_sample(t, tern__stack_now(t->cls->stack) - syn->sent_ms);
    t->snd_q = syn->next;
    if (!t->snd_q)
        tern__tcp_set_q_tail(t, NULL);
    if (tern__tcp_next_seg(t) == syn)
        tern__tcp_set_next_seg(t, syn->next);
    if (t->fl)
        t->fl->snd_queuelen--;
    tern__tcp_seg_free(t, syn);
    t->snd_una = h->ack;
    t->snd_wnd = h->window;
    t->max_snd_wnd_field = 0; /* (a SYN-ACK's window is never scaled) */
    tern__tcp_offered(t, t->snd_wnd);
    t->snd_wl1 = h->seq;
    t->nrtx = 0;
    tern__tcp_timer_clear(t, TCP_TIMER_RTX);
    tern__tcp_set_state(t, TERN_TCP_ESTABLISHED);
    t->last_rx_ms = tern__stack_now(t->cls->stack);
    tern__tcp_arm_slow(t);
    t->ack_now = true;
    if (t->cls->h->connected) {
        tcp_enter(t);
        t->cls->h->connected(t->arg, t, TERN_OK);
        if (!tern__tcp_leave(t))
            return;
    }
    tern__tcp_send_queued(t);
}

/* SYN-RECEIVED -> ESTABLISHED: tell the listener's application. */
static bool established_from_syn_rcvd(tern_tcp *t)
{
    tern__tcp_set_state(t, TERN_TCP_ESTABLISHED);
    tern__tcp_half_open_done(t);
    tern_tcp *l = tern__tcp_listener(t);
    if (!l) {
        /* Simultaneous open of an active socket. */
        if (t->cls->h->connected) {
            tcp_enter(t);
            t->cls->h->connected(t->arg, t, TERN_OK);
            return tern__tcp_leave(t);
        }
        return true;
    }
    tern__tcp_child_leave(t);
    t->accepted = true;
    if (!l->cls->h->accept) {
        tern_tcp_abort(t);
        return false;
    }
    tcp_enter(t);
    int r = l->cls->h->accept(l->arg, t, TERN_OK);
    if (!tern__tcp_leave(t))
        return false;
    if (r != TERN_OK) {
        tern_tcp_abort(t);
        return false;
    }
    return true;
}

/* The receive window still open: the advertised right edge minus RCV.NXT
 * (never negative: the edge does not move back, RFC 9293 3.8.6). */
static uint32_t rcv_window_left(const tern_tcp *t)
{
    return SEQ_GT(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
}

static bool seq_acceptable(const tern_tcp *t, const segment *sg, uint32_t wnd)
{
    uint32_t seq = sg->h.seq, space = seg_space(sg);
    /* A bare ACK may sit at the right edge itself: a peer that filled our
     * window sends its ACKs with SEQ = RCV.NXT + RCV.WND while its data is
     * still on the way.  RFC 9293's test (SEG.SEQ < RCV.NXT + RCV.WND)
     * would drop them unread and answer with an ACK; two peers that both
     * filled each other's windows would do that to each other forever.
     * BSD and Linux accept the edge (SEG.SEQ <= RCV.NXT + RCV.WND). */
    if (space == 0)
        return wnd == 0 ? seq == t->rcv_nxt : SEQ_GEQ(seq, t->rcv_nxt) && SEQ_LEQ(seq, t->rcv_nxt + wnd);
    if (wnd == 0)
        return false;
    return (SEQ_GEQ(seq, t->rcv_nxt) && SEQ_LT(seq, t->rcv_nxt + wnd)) ||
           (SEQ_GEQ(seq + space - 1, t->rcv_nxt) && SEQ_LT(seq + space - 1, t->rcv_nxt + wnd));
}

/* Cuts the payload to [rcv_nxt, right edge).  Returns false if nothing is left. */
static void trim(tern_tcp *t, segment *sg, uint32_t wnd)
{
    tern_tcp_repr *h = &sg->h;
    if (SEQ_LT(h->seq, t->rcv_nxt)) {
        uint32_t cut = t->rcv_nxt - h->seq;
        if (h->flags & TERN_TCP_SYN) {
            h->flags &= (uint8_t)~TERN_TCP_SYN;
            cut--;
            h->seq++;
        }
        if (cut >= sg->len) {
            h->seq += sg->len;
            sg->len = 0;
        } else {
            sg->p = tern_pbuf_free_header(sg->p, (uint16_t)cut);
            sg->len -= cut;
            h->seq += cut;
        }
    }
    uint32_t room = wnd - (h->seq - t->rcv_nxt);
    if (SEQ_GT(h->seq + sg->len, t->rcv_nxt + wnd)) {
        sg->len = SEQ_GT(h->seq, t->rcv_nxt + wnd) ? 0 : room;
        h->flags &= (uint8_t)~TERN_TCP_FIN; /* the FIN lies beyond the window */
    }
    if (sg->len == 0) {
        drop(sg);
    } else if (sg->p->tot_len != sg->len) {
        tern_pbuf_realloc(sg->p, (uint16_t)sg->len);
    }
}

/* ---- synchronized states, in RFC 9293 3.10.7.4's order ---- */

/* SYN-RECEIVED and the peer repeats its SYN: our SYN-ACK was lost. */
static bool syn_repeated(tern_tcp *t, segment *sg)
{
    const tern_tcp_repr *h = &sg->h;
    if (t->state != TERN_TCP_SYN_RCVD || !(h->flags & TERN_TCP_SYN) || (h->flags & TERN_TCP_ACK) ||
        h->seq != t->rcv_nxt - 1) /* the IRS: nothing else is received in SYN-RECEIVED */
        return false;
    drop(sg);
    tern__tcp_retransmit_seg(t, t->snd_q);
    return true;
}

/* First: PAWS (RFC 7323 5.3) and the sequence number.  Returns false when
 * the segment was dropped (answered with an ACK where the RFC says so);
 * *wnd is the receive window the segment was judged against. */
static bool check_sequence(tern_tcp *t, segment *sg, uint32_t now, uint32_t *wnd)
{
    tern_tcp_repr *h = &sg->h;
    /* An old timestamp means an old duplicate. */
    if (t->ts_ok && h->has_ts && !(h->flags & TERN_TCP_RST) && SEQ_LT(h->ts_val, t->ts_recent) &&
        now - t->last_rx_ms < 24u * 24 * 3600 * 1000) {
        drop(sg);
        tern__tcp_send_ack(t);
        return false;
    }
    *wnd = rcv_window_left(t);
    if (seq_acceptable(t, sg, *wnd))
        return true;
    bool zero_window_probe = *wnd == 0 && h->seq == t->rcv_nxt && (h->flags & TERN_TCP_ACK);
    if (!zero_window_probe) {
        bool rst = (h->flags & TERN_TCP_RST) != 0;
        if (t->state == TERN_TCP_TIME_WAIT && (h->flags & TERN_TCP_FIN))
            t->state_since_ms = now; /* a repeated FIN restarts 2MSL */
        drop(sg);
        if (!rst)
            tern__tcp_send_ack(t);
        return false;
    }
    /* Accept the ACK of a probe into a closed window, not its data. */
    drop(sg);
    sg->len = 0;
    h->flags &= (uint8_t)~TERN_TCP_FIN;
    t->ack_now = true;
    return true;
}

/* Second: RST (RFC 5961 3.2: only the exact sequence number resets). */
static void rst_arrives(tern_tcp *t, segment *sg)
{
    drop(sg);
    if (sg->h.seq != t->rcv_nxt) {
        challenge_ack(t);
        return;
    }
    /* No err callback where lwIP has none: a handshake the application
     * never saw, and TIME-WAIT, which the application left when it
     * closed (lwIP keeps TIME-WAIT pcbs without callbacks). */
    bool silent = (t->state == TERN_TCP_SYN_RCVD && t->child) || t->state == TERN_TCP_TIME_WAIT;
    tern__tcp_destroy(t, silent ? 0 : TERN_ERR_RST);
}

/* Fifth: the ACK field.  Returns false when the segment is done with (the
 * socket may be gone). */
static bool ack_arrives(tern_tcp *t, segment *sg, uint32_t now)
{
    const tern_tcp_repr *h = &sg->h;
    /* RFC 5961 5.2: acceptable ACKs lie in [SND.UNA - MAX.SND.WND, SND.MAX]. */
    if (SEQ_GT(h->ack, t->snd_max) || SEQ_LT(h->ack, t->snd_una - (t->max_snd_wnd_field ? tern__tcp_max_snd_wnd(t) : 65535))) {
        drop(sg);
        if (t->state == TERN_TCP_SYN_RCVD)
            tern__tcp_send_rst(t->cls->stack, sg->m->iface, &t->local, &t->remote, t->local_port, t->remote_port, h->ack, 0,
                         false);
        else
            challenge_ack(t);
        return false;
    }
    if (t->ts_ok && h->has_ts && SEQ_LEQ(h->seq, t->rcv_nxt))
        t->ts_recent = h->ts_val;
    t->last_rx_ms = now;
    t->keep_sent = 0;
    t->persist_unanswered = 0;

    bool was_syn_rcvd = t->state == TERN_TCP_SYN_RCVD;
    if (was_syn_rcvd) {
        if (!SEQ_GT(h->ack, t->snd_una)) {
            drop(sg);
            tern__tcp_send_rst(t->cls->stack, sg->m->iface, &t->local, &t->remote, t->local_port, t->remote_port, h->ack, 0,
                         false);
            return false;
        }
        t->snd_wnd = (uint32_t)h->window << t->snd_wscale;
        t->max_snd_wnd_field = 0;
        tern__tcp_offered(t, t->snd_wnd);
        t->snd_wl1 = h->seq;
        tern__tcp_set_state(t, TERN_TCP_ESTABLISHED);
    } else if (t->state == TERN_TCP_LAST_ACK && t->fin_queued && t->snd_una + 1 == tern__tcp_snd_end(t) &&
               SEQ_GEQ(h->ack, t->snd_una + 1)) {
        /* The ACK of our FIN, with only the FIN outstanding (every
         * passive close ends so): the TCB goes (RFC 9293 3.10.7.4,
         * LAST-ACK).  No data is acknowledged, so there is no sent
         * callback; the rest of take_ack (window, RTT, congestion state,
         * timers) would update a socket about to be freed. */
        drop(sg);
        tern__tcp_destroy(t, t->rx_shut ? 0 : TERN_ERR_CLSD);
        return false;
    }
    if (!take_ack(t, sg)) {
        drop(sg);
        return false;
    }
    if (was_syn_rcvd && !established_from_syn_rcvd(t)) {
        drop(sg);
        return false;
    }

    /* Our FIN acknowledged: the closing states move on. */
    bool fin_acked = t->fin_queued && SEQ_GEQ(t->snd_una, tern__tcp_snd_end(t));
    switch (t->state) {
    case TERN_TCP_FIN_WAIT_1:
        if (fin_acked)
            tern__tcp_set_state(t, TERN_TCP_FIN_WAIT_2);
        break;
    case TERN_TCP_CLOSING:
        if (fin_acked) {
            drop(sg);
            enter_time_wait(t);
            return false;
        }
        break;
    case TERN_TCP_LAST_ACK:
        if (fin_acked) {
            drop(sg);
            tern__tcp_destroy(t, t->rx_shut ? 0 : TERN_ERR_CLSD);
            return false;
        }
        break;
    default:
        break;
    }
    return true;
}

static void fin_taken(tern_tcp *t);

/* Seventh: the segment text.  In order, it goes to the application with
 * whatever the out-of-order queue now joins to it; ahead of a hole, it
 * waits in that queue.  Returns false when the socket died; *fin tells
 * whether a FIN is now in order. */
static bool text_arrives(tern_tcp *t, segment *sg, uint32_t wnd, uint32_t now, bool *fin)
{
    tern_tcp_repr *h = &sg->h;
    *fin = false;
    if (sg->len || (h->flags & TERN_TCP_FIN)) {
        if (t->state != TERN_TCP_ESTABLISHED && t->state != TERN_TCP_FIN_WAIT_1 &&
            t->state != TERN_TCP_FIN_WAIT_2) {
            drop(sg); /* the peer's FIN was already seen */
            sg->len = 0;
            h->flags &= (uint8_t)~TERN_TCP_FIN;
        } else if (sg->len && t->rx_shut) {
            /* Data for an application that closed its receive side: lwIP resets. */
            drop(sg);
            tern_tcp_abort(t);
            return false;
        }
    }
    if (!sg->len && !(h->flags & TERN_TCP_FIN))
        return true;
    trim(t, sg, wnd);
    if (h->seq != t->rcv_nxt) {
        if (sg->len || (h->flags & TERN_TCP_FIN)) {
            /* Out of order: hold it and send a duplicate ACK with SACK. */
            if (sg->p && tern__tcp_ooo_has_room(t)) {
                tern__tcp_ooo_insert(t, sg->p, h->seq, (h->flags & TERN_TCP_FIN) != 0);
                sg->p = NULL;
            }
            drop(sg);
            t->ack_now = true;
        }
        return true;
    }
    bool had_ooo = tern__tcp_ooo_head(t) != NULL;
    t->rcv_nxt += sg->len;
    *fin = (h->flags & TERN_TCP_FIN) != 0;
    if (sg->len)
        t->unacked_segs++;
    tern_pbuf *p = sg->p;
    sg->p = NULL;
    if (*fin && had_ooo) {
        /* Nothing follows a FIN: data held beyond it is bogus. */
        tern__tcp_ooo_free(t);
        had_ooo = false;
    }
    if (*fin)
        fin_taken(t);
    if (p && !deliver(t, p))
        return false;
    if (had_ooo) {
        bool ooo_fin = false;
        tern_pbuf *more;
        while (!ooo_fin && (more = tern__tcp_ooo_take(t, &ooo_fin)) != NULL) {
            t->rcv_nxt += more->tot_len;
            if (ooo_fin) {
                *fin = true;
                tern__tcp_ooo_free(t); /* anything held past the FIN */
                fin_taken(t);
            }
            if (!deliver(t, more))
                return false;
        }
        if (ooo_fin && !*fin) { /* a FIN held alone */
            *fin = true;
            tern__tcp_ooo_free(t);
            fin_taken(t);
        }
        t->ack_now = true; /* a hole filled: tell the sender now (RFC 5681 4.2) */
    }
    /* Receive-buffer autotuning (tcp_tune.c) measures delivered bytes: a
     * FIN alone delivers none (and no data follows it to need room). */
    if (sg->len || had_ooo)
        tern__tcp_autotune(t, now);
    if (h->flags & TERN_TCP_PSH && t->unacked_segs)
        t->ack_now = t->ack_now || t->unacked_segs >= 2;
    return true;
}

/* Eighth: a FIN in order, taken: RCV.NXT past it and the state moved on.
 * Done before the text it came with is delivered, as lwIP does (its
 * tcp_process moves to CLOSE_WAIT before any recv callback): a tcp_close
 * made inside that delivery then sends FIN+ACK acknowledging the peer's
 * FIN from CLOSE_WAIT (LAST_ACK follows, no TIME_WAIT), not a FIN that
 * acknowledges the data only and turns the close into a simultaneous
 * one. */
static void fin_taken(tern_tcp *t)
{
    t->rcv_nxt++;
    t->fin_rcvd = true;
    t->ack_now = true;
    switch (t->state) {
    case TERN_TCP_ESTABLISHED:
        tern__tcp_set_state(t, TERN_TCP_CLOSE_WAIT);
        break;
    case TERN_TCP_FIN_WAIT_1:
        if (t->fin_queued && SEQ_GEQ(t->snd_una, tern__tcp_snd_end(t)))
            enter_time_wait(t);
        else
            tern__tcp_set_state(t, TERN_TCP_CLOSING);
        break;
    case TERN_TCP_FIN_WAIT_2:
        enter_time_wait(t);
        break;
    default:
        break;
    }
}

/* The FIN taken (fin_taken), told to the application unless it closed
 * its receive side.  The ACK waits for the application's answer to the
 * FIN, so a close in the callback sends FIN+ACK as one segment.  Returns
 * false when the socket died. */
static bool fin_arrives(tern_tcp *t)
{
    return t->rx_shut || deliver_fin(t);
}

/* Sends what the segment's processing owes: an ACK now (every second
 * full segment, a PSH, a filled hole), else the delayed-ACK timer; and
 * whatever queued data the windows now allow. */
static void input_done(tern_tcp *t)
{
    if (t->unacked_segs >= 2)
        t->ack_now = true;
    else if (t->unacked_segs)
        tern__tcp_arm_delack(t);
    tern__tcp_send_queued(t);
}

/* Header prediction (Van Jacobson's; Linux's tcp_rcv_established fast
 * path): the next in-order data segment of an ESTABLISHED connection that
 * acknowledges nothing new, with nothing of ours in flight, the peer's
 * window unchanged, no SACK blocks, nothing held out of order or refused.
 * For such a segment every step of RFC 9293 3.10.7.4 has a known outcome:
 * the sequence number is acceptable (it is RCV.NXT and fits the window),
 * PAWS passes (checked here), RST/SYN are absent, the ACK changes nothing
 * but SND.WL1/WL2 and the timestamp to echo, and the text is delivered
 * whole.  So it is delivered and acknowledged directly, with the same
 * effects as the general path.  False: nothing was done, the general path
 * judges the segment. */
static bool predicted_input(tern_tcp *t, segment *sg)
{
    const tern_tcp_repr *h = &sg->h;
    if (t->state != TERN_TCP_ESTABLISHED || (h->flags & (uint8_t)~TERN_TCP_PSH) != TERN_TCP_ACK ||
        h->seq != t->rcv_nxt || h->ack != t->snd_una || t->snd_una != t->snd_max || sg->len == 0 ||
        h->sack_count || tern__tcp_holds(t) || t->rx_shut || t->persist || t->in_recovery ||
        ((uint32_t)h->window << t->snd_wscale) != t->snd_wnd)
        return false;
    if (sg->len > rcv_window_left(t))
        return false;
    uint32_t now = tern__stack_now(t->cls->stack);
    if (t->ts_ok) {
        /* PAWS (RFC 7323 5.3): an older TSval takes the general path. */
        if (!h->has_ts || SEQ_LT(h->ts_val, t->ts_recent))
            return false;
        t->ts_recent = h->ts_val;
    }
    /* The ACK (SND.UNA itself): a window update in all but value (RFC 9293
     * 3.10.7.4, take_ack). */
    if (SEQ_LEQ(t->snd_wl1, h->seq))
        t->snd_wl1 = h->seq;
    tern__tcp_rack_ack_begin(t);
    t->last_rx_ms = now;
    t->keep_sent = 0;
    t->persist_unanswered = 0;
    /* The text. */
    t->rcv_nxt += sg->len;
    t->unacked_segs++;
    tern_pbuf *p = sg->p;
    sg->p = NULL;
    if (!deliver(t, p))
        return true;
    tern__tcp_autotune(t, now);
    if (h->flags & TERN_TCP_PSH)
        t->ack_now = t->ack_now || t->unacked_segs >= 2;
    input_done(t);
    return true;
}

static void synchronized_input(tern_tcp *t, segment *sg)
{
    tern_tcp_repr *h = &sg->h;
    if (predicted_input(t, sg))
        return;
    uint32_t now = tern__stack_now(t->cls->stack);
    uint32_t wnd;

    if (syn_repeated(t, sg))
        return;
    if (tern__tcp_refusing(t) && tern__tcp_deliver_refused(t) == TERN_ERR_ABRT)
        return drop(sg);
    if (!check_sequence(t, sg, now, &wnd))
        return;
    if (h->flags & TERN_TCP_RST)
        return rst_arrives(t, sg);
    /* (Third, security and precedence, does not apply.)  Fourth: a SYN
     * here is answered with a challenge ACK (RFC 5961 4.2). */
    if (h->flags & TERN_TCP_SYN) {
        drop(sg);
        challenge_ack(t);
        return;
    }
    if (!(h->flags & TERN_TCP_ACK))
        return drop(sg);
    if (!ack_arrives(t, sg, now))
        return;
    /* (Sixth, the URG bit, is ignored: lwIP delivers urgent data inline.) */
    bool fin_in_order;
    if (!text_arrives(t, sg, wnd, now, &fin_in_order))
        return;
    if (fin_in_order && !fin_arrives(t))
        return;
    input_done(t);
}

/* A SYN for a connection in TIME-WAIT may start a new incarnation when
 * its sequence number (or timestamp) is past the old one (RFC 9293 3.10.7.4,
 * RFC 6191). */
static bool time_wait_reusable(const tern_tcp *t, const tern_tcp_repr *h)
{
    if ((h->flags & (TERN_TCP_SYN | TERN_TCP_ACK | TERN_TCP_RST)) != TERN_TCP_SYN)
        return false;
    if (t->ts_ok && h->has_ts)
        return SEQ_GT(h->ts_val, t->ts_recent);
    return SEQ_GT(h->seq, t->rcv_nxt);
}

void tern__tcp_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m)
{
    s->stats.tcp_in++;
    /* The header is parsed where it lies when the first buffer holds all
     * of it (every packet but a deliberately split one); else from a copy. */
    uint8_t copy[TERN_TCP_MAX_HLEN];
    const uint8_t *hdr = p->payload;
    uint16_t n = p->len;
    if (n < TERN_TCP_HLEN || n < (uint16_t)((hdr[12] >> 4) * 4u)) {
        n = tern_pbuf_copy_partial(p, copy, sizeof(copy), 0);
        hdr = copy;
    }
    /* sg.h is filled by the parser (which clears it first): no second
     * clearing of the header view per segment. */
    segment sg;
    sg.p = p;
    sg.len = 0;
    sg.m = m;
    if (m->dst_is_broadcast || tern__tcp_parse(hdr, n, &sg.h) != TERN_WIRE_OK ||
        sg.h.dst_port == 0 || sg.h.src_port == 0 || sg.h.hlen > p->tot_len) {
        s->stats.tcp_drop_malformed++;
        return drop(&sg);
    }
    if (!m->csum_trusted && tern__ip_transport_csum(p, TERN_PROTO_TCP, &m->src, &m->dst) != 0) {
        s->stats.tcp_drop_checksum++;
        return drop(&sg);
    }
    tern_tcp_repr *h = &sg.h;
    /* Combinations no stack sends (SYN+FIN, SYN+RST, no flags at all). */
    if ((h->flags & (TERN_TCP_SYN | TERN_TCP_FIN)) == (TERN_TCP_SYN | TERN_TCP_FIN) ||
        (h->flags & (TERN_TCP_SYN | TERN_TCP_RST)) == (TERN_TCP_SYN | TERN_TCP_RST) ||
        !(h->flags & (TERN_TCP_SYN | TERN_TCP_FIN | TERN_TCP_RST | TERN_TCP_ACK))) {
        s->stats.tcp_drop_malformed++;
        return drop(&sg);
    }
    sg.len = p->tot_len - h->hlen;
    if (h->hlen < p->len) {
        /* The header ends inside the first buffer (every packet but a
         * deliberately split one): tern_pbuf_free_header, in place. */
        p->payload = (uint8_t *)p->payload + h->hlen;
        p->len = (uint16_t)(p->len - h->hlen);
        p->tot_len = (uint16_t)(p->tot_len - h->hlen);
        sg.p = p;
    } else if (h->hlen == p->len && !p->next) {
        /* A header alone in one buffer (a SYN, an ACK, a bare FIN): done
         * with it. */
        tern_pbuf_free(p);
        sg.p = NULL;
    } else {
        sg.p = tern_pbuf_free_header(p, h->hlen); /* NULL when only a header came */
    }

    tern_tcp *listener;
    tern_tcp *t = tern__tcp_lookup(s, m, h->src_port, h->dst_port, &listener, &sg.tuple_hash);
    if (t && t->state == TERN_TCP_TIME_WAIT && time_wait_reusable(t, h) &&
        (listener = tern__tcp_listener_for(s, m, h->dst_port)) != NULL) {
        /* A new incarnation of the tuple: the old one makes way, as at the
         * end of TIME-WAIT (tcp_timer.c slow_fire: quietly, unless the
         * application still holds refused data). */
        sg.tuple_hash = tern__tcp_tuple_hash_of(t);
        tern__tcp_destroy(t, tern__tcp_refusing(t) ? TERN_ERR_ABRT : 0);
        t = NULL;
    }
    if (t) {
        if (t->state == TERN_TCP_SYN_SENT)
            return syn_sent_input(t, &sg);
        return synchronized_input(t, &sg);
    }
    if (listener)
        return listen_input(listener, &sg);

    /* No socket: RST per RFC 9293 3.10.7.1, never in reply to a RST. */
    s->stats.tcp_drop_no_socket++;
    if (!(h->flags & TERN_TCP_RST)) {
        if (h->flags & TERN_TCP_ACK)
            tern__tcp_send_rst(s, m->iface, &m->dst, &m->src, h->dst_port, h->src_port, h->ack, 0, false);
        else
            tern__tcp_send_rst(s, m->iface, &m->dst, &m->src, h->dst_port, h->src_port, 0, h->seq + seg_space(&sg), true);
    }
    drop(&sg);
}
