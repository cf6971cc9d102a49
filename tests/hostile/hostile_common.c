/* tests/hostile/hostile_common.c: the shared harness (see hostile.h). */
#include "hostile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socket/tcp_impl.h"

const uint8_t H_US6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
const uint8_t H_PEER6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

tern_stack *h_stack;
tern_iface *h_ifc;
uint32_t h_now;
uint64_t h_custom_live, h_custom_live_bytes;
uint64_t h_out_total, h_bad_out;
char h_bad_reason[128];
bool h_keep_output = true;
void (*h_output_hook)(const uint8_t *pkt, size_t len);
h_app *h_accepted;
int h_accept_count;

static struct {
    uint8_t *b;
    size_t len;
} caps[H_MAXCAP];
static int ncaps;
static h_app *apps;
static uint64_t pbufs_at_setup;

static uint32_t clock_fn(void *arg)
{
    (void)arg;
    return h_now;
}

/* ---- output ---- */

static int output_fn(tern_iface *ifc, tern_pbuf *p, const tern_addr *hop, void *user)
{
    (void)ifc, (void)hop, (void)user;
    /* Walk the chain by hand: the segment lengths must add up to tot_len. */
    size_t total = p->tot_len, got = 0;
    uint8_t *b = malloc(total ? total : 1);
    if (!b)
        abort();
    for (const tern_pbuf *q = p; q && got < total; q = q->next) {
        size_t n = q->len;
        if (n > total - got)
            n = total - got;
        if (n)
            memcpy(b + got, q->payload, n);
        got += n;
    }
    h_out_total++;
    hp_pkt pk;
    const char *why = got != total ? "pbuf chain shorter than tot_len" : hp_parse(b, total, &pk);
    if (why) {
        if (!h_bad_out)
            snprintf(h_bad_reason, sizeof(h_bad_reason), "%s", why);
        h_bad_out++;
    }
    if (h_output_hook)
        h_output_hook(b, total);
    if (h_keep_output && ncaps < H_MAXCAP) {
        caps[ncaps].b = b;
        caps[ncaps].len = total;
        ncaps++;
    } else {
        free(b);
    }
    return 0;
}

int h_ncap(void) { return ncaps; }

const uint8_t *h_cap(int i, size_t *len)
{
    if (i < 0 || i >= ncaps)
        return NULL;
    if (len)
        *len = caps[i].len;
    return caps[i].b;
}

bool h_cap_pkt(int i, hp_pkt *out)
{
    if (i < 0 || i >= ncaps)
        return false;
    return hp_parse(caps[i].b, caps[i].len, out) == NULL;
}

void h_clear(void)
{
    for (int i = 0; i < ncaps; i++)
        free(caps[i].b);
    ncaps = 0;
}

bool h_last_tcp(hp_pkt *out, uint8_t flags)
{
    for (int i = ncaps - 1; i >= 0; i--) {
        hp_pkt p;
        if (h_cap_pkt(i, &p) && p.proto == HP_PROTO_TCP && !p.is_frag && (p.flags & flags) == flags) {
            *out = p;
            return true;
        }
    }
    return false;
}

int h_count_proto(uint8_t proto)
{
    int n = 0;
    for (int i = 0; i < ncaps; i++) {
        hp_pkt p;
        h_cap_pkt(i, &p);
        if (!proto || p.proto == proto)
            n++;
    }
    return n;
}

/* ---- input ---- */

typedef struct h_custom {
    tern_pbuf_custom pc; /* first: the pbuf pointer is the record's */
    uint8_t *mem;
    size_t len;
} h_custom;

static void custom_free(tern_pbuf *p)
{
    h_custom *c = (h_custom *)(void *)p;
    h_custom_live--;
    h_custom_live_bytes -= c->len;
    free(c->mem);
    free(c);
}

void h_input_to(tern_iface *ifc, const void *pkt, size_t len)
{
    if (len == 0 || len > 0xffff)
        return; /* a pbuf cannot say either */
    h_custom *c = calloc(1, sizeof(*c));
    uint8_t *mem = malloc(len);
    if (!c || !mem)
        abort();
    memcpy(mem, pkt, len);
    c->mem = mem;
    c->len = len;
    c->pc.custom_free_function = custom_free;
    tern_pbuf *p = tern_pbuf_alloced_custom(0, (uint16_t)len, TERN_PBUF_REF, &c->pc, mem, (uint16_t)len);
    if (!p)
        abort();
    h_custom_live++;
    h_custom_live_bytes += len;
    tern_iface_input(ifc, p);
}

void h_input(const void *pkt, size_t len) { h_input_to(h_ifc, pkt, len); }

static tern_pbuf *custom_segment(const uint8_t *b, size_t len)
{
    h_custom *c = calloc(1, sizeof(*c));
    uint8_t *mem = malloc(len ? len : 1);
    if (!c || !mem)
        abort();
    if (len)
        memcpy(mem, b, len);
    c->mem = mem;
    c->len = len;
    c->pc.custom_free_function = custom_free;
    tern_pbuf *p = tern_pbuf_alloced_custom(0, (uint16_t)len, TERN_PBUF_REF, &c->pc, mem, (uint16_t)len);
    if (!p)
        abort();
    h_custom_live++;
    h_custom_live_bytes += len;
    return p;
}

void h_input_chain(const void *pkt, size_t len, const size_t *cuts, int ncuts)
{
    if (len == 0 || len > 0xffff)
        return;
    const uint8_t *b = pkt;
    tern_pbuf *head = NULL;
    size_t at = 0;
    for (int i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : len;
        if (end <= at || end > len)
            continue;
        tern_pbuf *seg = custom_segment(b + at, end - at);
        if (head)
            tern_pbuf_cat(head, seg);
        else
            head = seg;
        at = end;
    }
    tern_iface_input(h_ifc, head);
}

/* ---- setup ---- */

int h_setup(const h_opts *o)
{
    h_opts none = {0};
    if (!o)
        o = &none;
    h_now = 1000;
    tern_config cfg = {.clock = clock_fn,
                       .seed = 0x5eed,
                       .reass_max_bytes = o->reass_max_bytes,
                       .reass_max_datagrams = o->reass_max_datagrams,
                       .reass_timeout_ms = o->reass_timeout_ms};
    tern_pbuf_stats st;
    tern_pbuf_get_stats(&st);
    pbufs_at_setup = st.live_pbufs;
    h_stack = tern_stack_new(&cfg);
    if (!h_stack)
        return -1;
    if (o->tcp)
        tern_stack_set_tcp_config(h_stack, o->tcp);
    h_ifc = tern_iface_add(h_stack, output_fn, NULL);
    if (!h_ifc)
        return -1;
    tern_iface_set_ipv4(h_ifc, H_US4, hp_v4(255, 254, 0, 0), 0);
    tern_iface_set_ipv6(h_ifc, 0, H_US6, TERN_IFACE_IPV6_PREFERRED);
    tern_iface_set_up(h_ifc, true);
    if (o->default_route)
        tern_stack_set_default_iface(h_stack, h_ifc);
    h_out_total = h_bad_out = 0;
    h_bad_reason[0] = 0;
    h_keep_output = true;
    h_output_hook = NULL;
    h_accepted = NULL;
    h_accept_count = 0;
    ncaps = 0;
    return 0;
}

int h_teardown(void)
{
    int r = 0;
    tern_stack_free(h_stack);
    h_stack = NULL;
    h_ifc = NULL;
    for (h_app *a = apps, *n; a; a = n) {
        n = a->next;
        free(a->rx);
        free(a);
    }
    apps = NULL;
    h_accepted = NULL;
    h_clear();
    if (h_custom_live)
        r |= 1;
    tern_pbuf_stats st;
    tern_pbuf_get_stats(&st);
    if (st.live_pbufs != pbufs_at_setup)
        r |= 2;
    if (h_bad_out)
        r |= 4;
    if (r & 4)
        fprintf(stderr, "hostile: the stack sent %llu bad packet(s), first: %s\n", (unsigned long long)h_bad_out,
                h_bad_reason);
    if (r & 3)
        fprintf(stderr, "hostile: leak: %llu input buffers (%llu bytes) held, live pbufs %llu (was %llu)\n",
                (unsigned long long)h_custom_live, (unsigned long long)h_custom_live_bytes,
                (unsigned long long)st.live_pbufs, (unsigned long long)pbufs_at_setup);
    h_custom_live = h_custom_live_bytes = 0;
    return r;
}

void h_advance(uint32_t ms)
{
    uint32_t end = h_now + ms;
    for (int guard = 0; guard < 1000000; guard++) {
        tern_stack_poll(h_stack);
        uint32_t next = tern_stack_next_timeout(h_stack);
        uint32_t left = end - h_now;
        if (next == 0)
            continue;
        if (next >= left) {
            h_now = end;
            tern_stack_poll(h_stack);
            return;
        }
        h_now += next;
    }
}

/* ---- application ---- */

static int app_recv(void *arg, tern_tcp *t, tern_pbuf *p, int err)
{
    (void)err;
    h_app *a = arg;
    if (!p) {
        a->fins++;
        if (a->close_on_fin && a->t == t) {
            a->t = NULL; /* the application lets go of it */
            if (tern_tcp_close(t) != 0) {
                tern_tcp_abort(t);
                return H_ERR_ABRT;
            }
            return 0;
        }
        return 0;
    }
    if (a->refuse)
        return H_ERR_MEM;
    size_t n = p->tot_len;
    if (a->rxlen + n > a->rxcap) {
        size_t cap = a->rxcap ? a->rxcap : 4096;
        while (cap < a->rxlen + n)
            cap *= 2;
        uint8_t *nb = realloc(a->rx, cap);
        if (!nb)
            abort();
        a->rx = nb;
        a->rxcap = cap;
    }
    size_t got = 0;
    for (const tern_pbuf *q = p; q && got < n; q = q->next) {
        size_t k = q->len < n - got ? q->len : n - got;
        memcpy(a->rx + a->rxlen + got, q->payload, k);
        got += k;
    }
    a->rxlen += n;
    tern_pbuf_free(p);
    if (!a->no_recved)
        tern_tcp_recved(t, (uint32_t)n);
    return 0;
}

static int app_sent(void *arg, tern_tcp *t, uint32_t len)
{
    (void)t;
    h_app *a = arg;
    a->acked += len;
    return 0;
}

static void app_err(void *arg, int err)
{
    h_app *a = arg;
    a->err = err;
    a->errs++;
    a->t = NULL;
}

h_app *h_app_attach(tern_tcp *t)
{
    h_app *a = calloc(1, sizeof(*a));
    if (!a)
        abort();
    a->t = t;
    a->next = apps;
    apps = a;
    tern_tcp_set_arg(t, a);
    tern_tcp_set_callbacks(t, app_recv, app_sent, app_err);
    return a;
}

static int app_accept(void *arg, tern_tcp *child, int err)
{
    (void)arg;
    if (err)
        return err;
    h_accepted = h_app_attach(child);
    h_accept_count++;
    return 0;
}

tern_tcp *h_listen(uint16_t port, uint8_t backlog)
{
    tern_tcp *l = tern_tcp_new(h_stack, TERN_ADDR_ANY);
    if (!l)
        return NULL;
    if (tern_tcp_bind(l, NULL, port) != 0 || tern_tcp_listen(l, backlog) != 0) {
        tern_tcp_close(l);
        return NULL;
    }
    tern_tcp_set_accept(l, app_accept);
    return l;
}

/* ---- the peer ---- */

void h_peer_init(h_peer *pr, uint16_t lport, uint32_t isn)
{
    memset(pr, 0, sizeof(*pr));
    tcp_peer_init(&pr->tcp, "198.19.0.2", 40000, "198.18.0.1", lport, isn);
    pr->ts_val = 1000;
}

size_t h_peer_build(h_peer *pr, uint8_t *buf, uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
                    size_t len, const uint8_t *opts, size_t optlen)
{
    uint8_t tsopt[12];
    if (!opts && pr->tcp.ts_on) {
        struct pkt_tcp_opts o = {.has_ts = 1, .tsval = pr->ts_val, .tsecr = pr->tcp.st_tsval};
        optlen = pkt_tcp_options(tsopt, &o); /* NOP NOP TS (RFC 7323 appendix A) */
        opts = tsopt;
    }
    hp_tcp t = {.sport = pr->tcp.port,
                .dport = pr->tcp.lport,
                .seq = seq,
                .ack = ack,
                .flags = flags,
                .win = pr->tcp.win,
                .opts = opts,
                .optlen = optlen,
                .data = data,
                .dlen = len};
    return pr->v6 ? hp_tcp6(buf, H_PEER6, H_US6, &t) : hp_tcp4(buf, H_PEER4, H_US4, &t);
}

void h_peer_send(h_peer *pr, uint8_t flags, uint32_t seq, uint32_t ack, const void *data, size_t len)
{
    uint8_t *buf = malloc(len + 128);
    if (!buf)
        abort();
    size_t n = h_peer_build(pr, buf, flags, seq, ack, data, len, NULL, 0);
    h_input(buf, n);
    free(buf);
}

void h_peer_data(h_peer *pr, const void *data, size_t len)
{
    h_peer_send(pr, HP_TCP_ACK | HP_TCP_PSH, pr->tcp.snd_nxt, pr->tcp.rcv_nxt, data, len);
    pr->tcp.snd_nxt += (uint32_t)len;
}

/* Captured packet i as a segment from the stack to this peer (the strict
 * output oracle must accept it). */
static bool peer_segment(const h_peer *pr, int i, struct pkt_info *pi)
{
    return pkt_check_emitted(caps[i].b, caps[i].len, pi) == NULL && pi->proto == PKT_TCP && !pi->is_frag &&
           pi->dport == pr->tcp.port && pi->sport == pr->tcp.lport;
}

int h_peer_connect(h_peer *pr, const uint8_t *opts, size_t optlen)
{
    uint8_t buf[128];
    h_clear();
    if (pr->v6) {
        snprintf(pr->tcp.addr, sizeof(pr->tcp.addr), "%s", "2001:db8::2");
        snprintf(pr->tcp.local, sizeof(pr->tcp.local), "%s", "2001:db8::1");
    }
    /* What the SYN offers decides what the peer uses once the stack agrees
     * (RFC 7323 2.2, 3.2: window scale and timestamps need both SYNs). */
    pkt_tcp_options_parse(opts, optlen, &pr->tcp.syn_opts);
    size_t n = h_peer_build(pr, buf, HP_TCP_SYN, pr->tcp.iss, 0, NULL, 0, opts, optlen);
    h_input(buf, n);
    struct pkt_info sa;
    int found = -1;
    for (int i = ncaps - 1; i >= 0 && found < 0; i--)
        if (peer_segment(pr, i, &sa) && (sa.tcp.flags & (PKT_SYN | PKT_ACK)) == (PKT_SYN | PKT_ACK))
            found = i;
    if (found < 0 || sa.tcp.ack != pr->tcp.iss + 1)
        return -1;
    pr->tcp.snd_nxt = pr->tcp.iss + 1;
    tcp_peer_learn(&pr->tcp, &sa);
    h_clear();
    int before = h_accept_count;
    h_peer_send(pr, HP_TCP_ACK, pr->tcp.snd_nxt, pr->tcp.rcv_nxt, NULL, 0);
    if (h_accept_count != before + 1)
        return -2;
    pr->app = h_accepted;
    return 0;
}

size_t h_peer_absorb(h_peer *pr, bool ack)
{
    size_t taken = 0;
    bool any = false;
    for (int i = 0; i < ncaps; i++) {
        struct pkt_info p;
        if (!peer_segment(pr, i, &p))
            continue;
        any = true;
        uint32_t seq = p.tcp.seq, before = pr->tcp.rcv_nxt;
        tcp_peer_learn(&pr->tcp, &p);
        /* the bytes the peer took in order: [before, rcv_nxt) of this segment */
        uint32_t end = pr->tcp.rcv_nxt;
        if ((p.tcp.flags & PKT_FIN) && end == seq + (uint32_t)p.pl_len + 1u && end != before) {
            pr->got_fin = true;
            end--;
        }
        /* only bytes of this segment's data (a SYN, a new incarnation,
         * moves rcv_nxt without data to copy) */
        uint32_t ds = seq + ((p.tcp.flags & PKT_SYN) ? 1u : 0u);
        size_t k = 0;
        if ((int32_t)(before - ds) >= 0 && (int32_t)(end - before) > 0 &&
            (int32_t)(end - (ds + (uint32_t)p.pl_len)) <= 0)
            k = end - before;
        if (k) {
            if (pr->gotlen + k > pr->gotcap) {
                size_t cap = pr->gotcap ? pr->gotcap : 65536;
                while (cap < pr->gotlen + k)
                    cap *= 2;
                uint8_t *nb = realloc(pr->got, cap);
                if (!nb)
                    abort();
                pr->got = nb;
                pr->gotcap = cap;
            }
            memcpy(pr->got + pr->gotlen, caps[i].b + p.pl_off + (before - ds), k);
            pr->gotlen += k;
            taken += k;
        }
    }
    h_clear();
    if (ack && any) {
        pr->ts_val++;
        h_peer_send(pr, HP_TCP_ACK, pr->tcp.snd_nxt, pr->tcp.rcv_nxt, NULL, 0);
    }
    return taken;
}

unsigned h_tcp_socket_count(tern_stack *s)
{
    unsigned n = 0;
    if (!s->tcp)
        return 0;
    for (tern_tcp **list = tern__tcp_table_first(s->tcp); list; list = tern__tcp_table_after(s->tcp, list))
        for (tern_tcp *t = *list; t; t = t->next)
            n++;
    return n;
}

void h_peer_free(h_peer *pr)
{
    free(pr->got);
    pr->got = NULL;
    pr->gotlen = pr->gotcap = 0;
}

#define H_STATS_FIELDS                                                                                     \
    F(ip_in) F(ip_out) F(ip_drop_malformed) F(ip_drop_checksum) F(ip_drop_not_local) F(ip_drop_proto)     \
    F(ip_drop_nomem) F(reass_ok) F(reass_drop) F(reass_timeout) F(icmp_in) F(icmp_out) F(icmp_drop)       \
    F(udp_in) F(udp_out) F(udp_drop_checksum) F(udp_drop_malformed) F(udp_drop_no_socket) F(tcp_in)       \
    F(tcp_out) F(tcp_drop_malformed) F(tcp_drop_checksum) F(tcp_drop_no_socket) F(tcp_rst_out)           \
    F(tcp_retransmits) F(tcp_drop_backlog)

const char *h_stats_diff(const tern_stats *a, const tern_stats *b, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = 0;
#define F(f)                                                                                               \
    if (a->f != b->f && n < outlen)                                                                        \
        n += (size_t)snprintf(out + n, outlen - n, "%s%s%+lld", n ? " " : "", #f,                         \
                              (long long)(b->f - a->f));
    H_STATS_FIELDS
#undef F
    return out;
}

const char *h_moved(const tern_stats *before)
{
    static char buf[512];
    return h_stats_diff(before, tern_stack_stats(h_stack), buf, sizeof(buf));
}

h_udp_sink h_udp;

static void udp_sink_rx(void *arg, tern_udp *u, tern_pbuf *p, const tern_addr *src, uint16_t sport,
                        const tern_addr *dst, uint16_t dport)
{
    (void)arg, (void)u, (void)src, (void)dst, (void)dport;
    h_udp.count++;
    h_udp.bytes += p->tot_len;
    h_udp.last_len = 0;
    for (const tern_pbuf *q = p; q && h_udp.last_len < sizeof(h_udp.last); q = q->next) {
        size_t k = q->len;
        if (k > sizeof(h_udp.last) - h_udp.last_len)
            k = sizeof(h_udp.last) - h_udp.last_len;
        memcpy(h_udp.last + h_udp.last_len, q->payload, k);
        h_udp.last_len += k;
    }
    h_udp.last_sport = sport;
    tern_pbuf_free(p);
}

tern_udp *h_udp_open(uint16_t port)
{
    memset(&h_udp, 0, sizeof(h_udp));
    tern_udp *u = tern_udp_new(h_stack, TERN_ADDR_ANY);
    if (!u || tern_udp_bind(u, NULL, port) != 0)
        return NULL;
    tern_udp_set_recv(u, udp_sink_rx, NULL);
    h_udp.u = u;
    return u;
}

/* Delivers what the stack sent back to it, as a wire that loops a packet
 * to its sender would.  Returns the rounds until the stack went quiet, or
 * -1 if it still talked after max rounds; *sent counts the packets. */
int h_loop_back(int max, uint64_t *sent)
{
    static uint8_t *q[H_MAXCAP];
    static size_t ql[H_MAXCAP];
    *sent = 0;
    for (int round = 0; round < max; round++) {
        int n = h_ncap();
        if (n == 0)
            return round;
        for (int i = 0; i < n; i++) {
            size_t len;
            const uint8_t *b = h_cap(i, &len);
            q[i] = malloc(len ? len : 1);
            if (!q[i])
                abort();
            memcpy(q[i], b, len);
            ql[i] = len;
        }
        h_clear();
        *sent += (uint64_t)n;
        if (getenv("H_DEBUG"))
            for (int i = 0; i < n; i++) {
                hp_pkt d;
                const char *w = hp_parse(q[i], ql[i], &d);
                fprintf(stderr, "round %d: %s proto %d %u->%u flags %02x seq %u ack %u win %u len %zu type %d\n", round,
                        w ? w : "ok", d.proto, d.sport, d.dport, d.flags, d.seq, d.ack, d.win, d.dlen, d.itype);
            }
        for (int i = 0; i < n; i++) {
            h_input(q[i], ql[i]);
            free(q[i]);
        }
    }
    return h_ncap() ? -1 : max;
}

