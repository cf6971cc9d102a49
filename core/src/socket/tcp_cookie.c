/* socket/tcp_cookie.c: SYN cookies (RFC 4987 3.6).
 *
 * When a listener's half-open connections reach their bound, a SYN gets a
 * SYN-ACK whose sequence number carries what the stack needs to rebuild
 * the connection from the peer's final ACK, and nothing is stored:
 *
 *   ISN = t(5 bits) | MSS index(3 bits) | MAC(24 bits)
 *
 * t counts 64-second periods (a cookie is good for one to two of them),
 * the MAC is SipHash over the 4-tuple, the peer's ISN and t, keyed with
 * the stack's secret.  When the peer uses timestamps, the low 6 bits of
 * our TSval carry its window scale and SACK permission, as Linux does;
 * without timestamps the connection has neither (RFC 4987's known cost). */
#include <string.h>

#include "socket/tcp_impl.h"

#define HALF_OPEN_MAX 64u          /* per listener, before cookies start */
#define HALF_OPEN_STACK_MAX 1024u  /* all listeners together */
#define COOKIE_PERIOD_SHIFT 16u    /* 65.5 s */
#define TS_OPT_BITS 6u
#define TS_HAS_OPTS 0x20u
#define TS_SACK 0x10u
#define TS_NO_WSCALE 0x0fu

static const uint16_t mss_table[8] = {216, 536, 1024, 1220, 1360, 1400, 1440, 1460};

bool tern__tcp_cookie_needed(const tern_tcp *l)
{
    uint32_t limit = l->backlog < HALF_OPEN_MAX ? l->backlog : HALF_OPEN_MAX;
    return l->half_open >= limit || l->cls->stack->tcp->half_open >= HALF_OPEN_STACK_MAX;
}

static uint32_t mac(tern_stack *s, const tern_ip_meta *m, const tern_tcp_repr *h, uint32_t peer_isn, uint32_t t)
{
    return tern__tcp_keyed_hash(s, &m->dst, h->dst_port, &m->src, h->src_port, peer_isn, t);
}

static uint32_t period(tern_stack *s) { return tern__stack_now(s) >> COOKIE_PERIOD_SHIFT; }

void tern__tcp_cookie_send_synack(tern_tcp *l, const tern_tcp_repr *h, const tern_ip_meta *m)
{
    tern_stack *s = l->cls->stack;
    tern_tcp_table *tb = s->tcp;
    uint16_t peer_mss = h->has_mss ? h->mss : TCP_DEFAULT_MSS;
    uint8_t idx = 0;
    for (uint8_t i = 0; i < 8; i++)
        if (mss_table[i] <= peer_mss)
            idx = i;
    uint32_t t = period(s);
    uint32_t isn = ((t & 31u) << 27) | ((uint32_t)idx << 24) | (mac(s, m, h, h->seq, t) & 0xffffffu);

    tern_tcp_repr r = {.src_port = h->dst_port,
                       .dst_port = h->src_port,
                       .seq = isn,
                       .ack = h->seq + 1,
                       .flags = TERN_TCP_SYN | TERN_TCP_ACK,
                       .window = (uint16_t)(l->cls->cfg.rcv_buf > 0xffff ? 0xffff : l->cls->cfg.rcv_buf),
                       .has_mss = true,
                       .mss = mss_table[7]};
    if (l->cls->cfg.timestamps && h->has_ts) {
        uint32_t opts = TS_HAS_OPTS | (l->cls->cfg.sack && h->sack_permitted ? TS_SACK : 0) |
                        (l->cls->cfg.wscale && h->has_wscale ? (h->wscale > 14 ? 14u : h->wscale) : TS_NO_WSCALE);
        r.has_ts = true;
        r.ts_val = ((tern__stack_now(s) + tb->cookie_ts_offset) & ~((1u << TS_OPT_BITS) - 1)) | opts;
        r.ts_ecr = h->ts_val;
        r.sack_permitted = (opts & TS_SACK) != 0;
        if ((opts & TS_NO_WSCALE) != TS_NO_WSCALE) {
            r.has_wscale = true;
            uint8_t ws = 0;
            while (ws < TCP_MAX_WSCALE && (l->cls->cfg.rcv_buf_max >> ws) > 0xffff)
                ws++;
            r.wscale = ws;
        }
    }
    tern__tcp_send_stateless(s, m->iface, &m->dst, &m->src, &r);
    s->stats.tcp_cookies_sent++;
}

tern_tcp *tern__tcp_cookie_child(tern_tcp *l, const tern_tcp_repr *h, const tern_ip_meta *m)
{
    tern_stack *s = l->cls->stack;
    uint32_t cookie = h->ack - 1, peer_isn = h->seq - 1;
    uint32_t now_t = period(s);
    bool ok = false;
    for (uint32_t age = 0; age < 2 && !ok; age++) {
        uint32_t t = now_t - age;
        ok = (cookie >> 27) == (t & 31u) && (cookie & 0xffffffu) == (mac(s, m, h, peer_isn, t) & 0xffffffu);
    }
    if (!ok)
        return NULL;

    /* Rebuild what the SYN told us. */
    tern_tcp_repr syn = {.src_port = h->src_port,
                         .dst_port = h->dst_port,
                         .seq = peer_isn,
                         .window = h->window,
                         .has_mss = true,
                         .mss = mss_table[(cookie >> 24) & 7u]};
    if (h->has_ts && (h->ts_ecr & TS_HAS_OPTS)) {
        syn.has_ts = true;
        syn.ts_val = h->ts_val;
        syn.sack_permitted = (h->ts_ecr & TS_SACK) != 0;
        if ((h->ts_ecr & TS_NO_WSCALE) != TS_NO_WSCALE) {
            syn.has_wscale = true;
            syn.wscale = (uint8_t)(h->ts_ecr & TS_NO_WSCALE);
        }
    }
    tern_tcp *c = tern__tcp_new_child(l, &syn, m);
    if (!c)
        return NULL;
    tern__tcp_take_syn_options(c, &syn, m->iface);
    if (c->ws_ok) {
        uint8_t ws = 0;
        while (ws < TCP_MAX_WSCALE && (c->cls->cfg.rcv_buf_max >> ws) > 0xffff)
            ws++;
        c->rcv_wscale = ws;
    }
    c->snd_wnd = (uint32_t)h->window << c->snd_wscale;
    tern__tcp_offered(c, c->snd_wnd);
    c->snd_una = c->iss = cookie; /* the ISS */
    c->snd_nxt = c->snd_max = cookie + 1; /* our SYN-ACK, sent without state */
    /* TSvals must keep growing from the cookie's. */
    c->ts_offset = s->tcp->cookie_ts_offset + (1u << TS_OPT_BITS);
    /* What the SYN-ACK advertised, so the ACK's data is in the window. */
    c->rcv_adv = c->rcv_nxt + (c->cls->cfg.rcv_buf > 0xffff ? 0xffff : c->cls->cfg.rcv_buf);
    tern__tcp_cc_init(c);
    tern__tcp_table_link(c);
    tern__tcp_hash_insert(c);
    tern__tcp_set_state(c, TERN_TCP_SYN_RCVD);
    tern__tcp_arm_slow(c);
    s->stats.tcp_cookies_ok++;
    return c;
}
