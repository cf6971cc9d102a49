/* socket/tcp_ooo.c: segments that arrived ahead of a hole.
 *
 * The queue is sorted and never overlaps: a new segment is cut to the
 * gaps between what is held, so each byte is stored once and a hostile
 * peer cannot make the stack hold the same range twice.  Contiguous
 * segments form runs, described by each run's first segment (tcp_impl.h):
 * an arrival finds its place, and an ACK its SACK blocks, in one step per
 * run.  Its length is
 * bounded by the receive window (the segment was trimmed to it) and by a
 * segment count. */
#include <stdlib.h>

#include "socket/tcp_impl.h"

/* Frees a list of held segments and their data. */
void tern__tcp_held_free(tcp_ooo *o)
{
    for (tcp_ooo *n; o; o = n) {
        n = o->next;
        tern_pbuf_free(o->p);
        free(o);
    }
}

void tern__tcp_ooo_free(tern_tcp *t)
{
    tcp_rare *x = tern__tcp_rare_of(t);
    if (!x)
        return;
    tern__tcp_held_free(x->ooo);
    x->ooo = NULL;
    x->ooo_count = 0;
}

/* The bytes held are bounded by the receive window (segments are trimmed
 * to it); the count bounds the per-segment overhead a peer sending small
 * segments could make us hold.  It must not be below the full-sized
 * segments a window holds: a window of 3 MB behind one hole is ~2000
 * segments, and a fixed cap of 1024 dropped every later arrival, which the
 * sender (never told by SACK) sent again (at 1% loss and 20 ms, 9% of a
 * Linux sender's segments).  So: the configured count, or two per MSS of
 * the buffer, whichever is larger. */
bool tern__tcp_ooo_has_room(const tern_tcp *t)
{
    uint32_t mss = t->mss ? t->mss : TCP_DEFAULT_MSS;
    uint32_t window_segs = t->rcv_buf / mss * 2u;
    uint32_t cap = t->cls->cfg.ooo_max_segs > window_segs ? t->cls->cfg.ooo_max_segs : window_segs;
    const tcp_rare *x = tern__tcp_rare_of(t);
    return !x || x->ooo_count < cap;
}

/* Cuts [seq, seq+len) of p to the part before `limit`; NULL when empty. */
static tern_pbuf *cut_tail(tern_pbuf *p, uint32_t seq, uint32_t *len, uint32_t limit)
{
    if (SEQ_LEQ(seq + *len, limit))
        return p;
    if (SEQ_LEQ(limit, seq)) {
        tern_pbuf_free(p);
        return NULL;
    }
    *len = limit - seq;
    tern_pbuf_realloc(p, (uint16_t)*len);
    return p;
}

/* Makes o a run of its own: [o->seq, o->seq + o->len). */
static void run_single(tcp_ooo *o, tcp_ooo *next_run)
{
    o->run_end = o->seq + o->len;
    o->run_last = o;
    o->run_next = next_run;
}

void tern__tcp_ooo_insert(tern_tcp *t, tern_pbuf *p, uint32_t seq, bool fin)
{
    uint32_t len = p->tot_len;
    tcp_rare *x = tern__tcp_rare(t);
    if (!x) {
        tern_pbuf_free(p); /* as when the queue is full */
        return;
    }
    x->ooo_last = seq;
    /* r: the last run starting at or before seq (NULL: seq lies before
     * every run).  Arrivals are mostly at the top, one step per run. */
    tcp_ooo *r = NULL;
    for (tcp_ooo *o = x->ooo; o && SEQ_LEQ(o->seq, seq); o = o->run_next)
        r = o;
    if (r && SEQ_LT(seq, r->run_end)) {
        /* Starts inside a run, which has no gaps: keep only what lies past
         * its end. */
        uint32_t covered = r->run_end - seq;
        if (covered >= len) {
            if (fin && !r->run_last->fin && seq + len == r->run_end)
                r->run_last->fin = true;
            tern_pbuf_free(p);
            return;
        }
        p = tern_pbuf_free_header(p, (uint16_t)covered);
        seq += covered;
        len -= covered;
    }
    if (r && r->run_last->fin) {
        tern_pbuf_free(p); /* data past a FIN is bogus */
        return;
    }
    tcp_ooo *q = r ? r->run_next : x->ooo; /* the next run: starts after seq */
    if (q && fin && SEQ_GT(seq + len, q->seq))
        fin = false; /* a FIN inside held data is bogus: ignore it */
    if (q && !(p = cut_tail(p, seq, &len, q->seq)))
        return;
    tcp_ooo *o = malloc(sizeof(*o));
    if (!o) {
        tern_pbuf_free(p);
        return;
    }
    o->p = p;
    o->seq = seq;
    o->len = len;
    o->fin = fin;
    o->next = q;
    if (r)
        r->run_last->next = o;
    else
        x->ooo = o;
    x->ooo_count++;
    bool joins_prev = r && r->run_end == seq;
    bool joins_next = q && seq + len == q->seq;
    if (joins_prev) {
        /* o extends r, and bridges it to q when it fills the gap. */
        r->run_end = joins_next ? q->run_end : seq + len;
        r->run_last = joins_next ? q->run_last : o;
        r->run_next = joins_next ? q->run_next : q;
    } else {
        run_single(o, q);
        if (joins_next) {
            o->run_end = q->run_end;
            o->run_last = q->run_last;
            o->run_next = q->run_next;
        }
        if (r)
            r->run_next = o;
    }
}

tern_pbuf *tern__tcp_ooo_take(tern_tcp *t, bool *fin)
{
    tcp_rare *x = tern__tcp_rare_of(t);
    while (x && x->ooo && SEQ_LEQ(x->ooo->seq, t->rcv_nxt)) {
        tcp_ooo *o = x->ooo;
        /* The next segment heads what is left of o's run, or the next run. */
        if (o->run_last != o) {
            tcp_ooo *n = o->next;
            n->run_end = o->run_end;
            n->run_last = o->run_last;
            n->run_next = o->run_next;
        }
        x->ooo = o->next;
        x->ooo_count--;
        tern_pbuf *p = o->p;
        uint32_t end = o->seq + o->len;
        bool f = o->fin;
        free(o);
        if (SEQ_LEQ(end, t->rcv_nxt)) {
            tern_pbuf_free(p); /* already delivered from the in-order path */
            if (f && end == t->rcv_nxt) {
                *fin = true;
                return NULL; /* nothing is taken past a FIN */
            }
            continue;
        }
        uint32_t skip = t->rcv_nxt - (end - p->tot_len);
        if (skip)
            p = tern_pbuf_free_header(p, (uint16_t)skip);
        if (f)
            *fin = true;
        return p;
    }
    return NULL;
}

/* RFC 2018 4: the first block MUST be the run holding the segment that
 * triggered this ACK (the latest arrival), wherever it lies: a receiver
 * holding more runs than blocks that reported only the lowest ones would
 * never tell the sender about the data now arriving at the top, and the
 * sender would resend what is already here.  The other blocks SHOULD
 * repeat the most recently reported ones; new data arrives at the top, so
 * the highest runs below the first stand for those (descending order). */
uint8_t tern__tcp_ooo_sack_blocks(const tern_tcp *t, tern_tcp_sack_block *out, uint8_t max)
{
    tern_tcp_sack_block latest = {0, 0}, top[TERN_TCP_MAX_SACK];
    bool have_latest = false;
    uint8_t ntop = 0, head = 0; /* ring of the highest runs seen so far, not the latest one */
    const tcp_rare *x = tern__tcp_rare_of(t);
    uint32_t last = x ? x->ooo_last : 0;
    for (const tcp_ooo *r = tern__tcp_ooo_head(t); r; r = r->run_next) {
        tern_tcp_sack_block b = {r->seq, r->run_end};
        if (!have_latest && SEQ_LEQ(r->seq, last) && SEQ_LT(last, r->run_end)) {
            latest = b;
            have_latest = true;
            continue;
        }
        top[head] = b;
        head = (uint8_t)((head + 1) % TERN_TCP_MAX_SACK);
        if (ntop < TERN_TCP_MAX_SACK)
            ntop++;
    }
    uint8_t k = 0;
    if (have_latest && k < max)
        out[k++] = latest;
    for (uint8_t i = 0; i < ntop && k < max; i++)
        out[k++] = top[(head + TERN_TCP_MAX_SACK - 1 - i) % TERN_TCP_MAX_SACK];
    return k;
}
