/* parse.c: parsing and verifying packets a stack emitted. */
#include "pkt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(struct pkt_info *wi, const char *why)
{
    snprintf(wi->err, sizeof(wi->err), "%s", why);
    wi->ok = 0;
    return 0;
}

int pkt_tcp_options_parse(const uint8_t *o, size_t n, struct pkt_tcp_opts *out)
{
    size_t i = 0;
    memset(out, 0, sizeof(*out));
    while (i < n) {
        uint8_t kind = o[i];
        uint8_t len;
        if (kind == 0) {
            break;
        }
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= n || (len = o[i + 1]) < 2 || i + len > n) {
            return 0;
        }
        if (kind == 2 && len == 4) {
            out->has_mss = 1;
            out->mss = pkt_get16(o + i + 2);
        } else if (kind == 3 && len == 3) {
            out->has_wscale = 1;
            out->wscale = o[i + 2];
        } else if (kind == 4 && len == 2) {
            out->sack_perm = 1;
        } else if (kind == 8 && len == 10) {
            out->has_ts = 1;
            out->tsval = pkt_get32(o + i + 2);
            out->tsecr = pkt_get32(o + i + 6);
        } else if (kind == 5 && len >= 10 && (len - 2) % 8 == 0) {
            int k;
            for (k = 0; k < (len - 2) / 8 && out->nsack < 4; k++) {
                out->sack[out->nsack][0] = pkt_get32(o + i + 2 + 8 * k);
                out->sack[out->nsack][1] = pkt_get32(o + i + 6 + 8 * k);
                out->nsack++;
            }
        }
        i += len;
    }
    return 1;
}

static void parse_tcp_options(struct pkt_info *wi, const uint8_t *o, size_t n)
{
    struct pkt_tcp_opts t;
    int whole = pkt_tcp_options_parse(o, n, &t);
    wi->tcp.mss = t.has_mss ? t.mss : -1;
    wi->tcp.wscale = t.has_wscale ? t.wscale : -1;
    wi->tcp.sack_perm = t.sack_perm;
    wi->tcp.ts = t.has_ts;
    wi->tcp.tsval = t.tsval;
    wi->tcp.tsecr = t.tsecr;
    wi->tcp.nsack = t.nsack;
    memcpy(wi->tcp.sack, t.sack, sizeof(t.sack));
    if (!whole) {
        fail(wi, "tcp option overruns header");
    }
}

/* Parses the upper layer at wi->l4_off; whole says the complete segment is
 * present so its checksum can be verified. */
static int parse_l4(const uint8_t *p, struct pkt_info *wi, int whole)
{
    const uint8_t *l4 = p + wi->l4_off;
    size_t n = wi->l4_len;
    uint32_t pseudo = pkt_pseudo(&wi->src, &wi->dst, wi->proto, (uint32_t)n);

    wi->l4_csum = -1;
    switch (wi->proto) {
    case PKT_UDP:
    case PKT_UDPLITE:
        if (n < 8) {
            return whole ? fail(wi, "short udp header") : 1;
        }
        wi->sport = pkt_get16(l4);
        wi->dport = pkt_get16(l4 + 2);
        wi->ulen = pkt_get16(l4 + 4);
        wi->pl_off = wi->l4_off + 8;
        wi->pl_len = n - 8;
        if (whole) {
            if (pkt_get16(l4 + 6) == 0) {
                wi->l4_csum = 2;
            } else {
                wi->l4_csum = pkt_fold(pkt_sum(l4, n, pseudo)) == 0;
            }
            if (wi->ulen != n) {
                return fail(wi, "udp length field != ip payload");
            }
        }
        return 1;
    case PKT_ICMP:
    case PKT_ICMP6:
        if (n < 8) {
            return whole ? fail(wi, "short icmp header") : 1;
        }
        wi->type = l4[0];
        wi->code = l4[1];
        wi->echo_id = pkt_get16(l4 + 4);
        wi->echo_seq = pkt_get16(l4 + 6);
        wi->icmp_word = pkt_get32(l4 + 4);
        wi->pl_off = wi->l4_off + 8;
        wi->pl_len = n - 8;
        if (whole) {
            uint32_t acc = wi->proto == PKT_ICMP6 ? pseudo : 0;
            wi->l4_csum = pkt_fold(pkt_sum(l4, n, acc)) == 0;
        }
        return 1;
    case PKT_TCP: {
        size_t hlen;
        if (n < 20) {
            return whole ? fail(wi, "short tcp header") : 1;
        }
        wi->sport = pkt_get16(l4);
        wi->dport = pkt_get16(l4 + 2);
        wi->tcp.seq = pkt_get32(l4 + 4);
        wi->tcp.ack = pkt_get32(l4 + 8);
        wi->tcp.doff = l4[12] >> 4;
        wi->tcp.flags = l4[13];
        wi->tcp.win = pkt_get16(l4 + 14);
        wi->tcp.urp = pkt_get16(l4 + 18);
        hlen = (size_t)wi->tcp.doff * 4;
        if (hlen < 20 || hlen > n) {
            return whole ? fail(wi, "bad tcp data offset") : 1;
        }
        wi->tcp.optlen = hlen - 20;
        parse_tcp_options(wi, l4 + 20, hlen - 20);
        wi->pl_off = wi->l4_off + hlen;
        wi->pl_len = n - hlen;
        if (whole) {
            wi->l4_csum = pkt_fold(pkt_sum(l4, n, pseudo)) == 0;
        }
        return wi->ok;
    }
    default:
        wi->pl_off = wi->l4_off;
        wi->pl_len = n;
        return 1;
    }
}

static int parse_ip4(const uint8_t *p, size_t n, struct pkt_info *wi, int truncated_ok)
{
    size_t hlen, end;
    uint16_t frag;
    if (n < 20) {
        return fail(wi, "short ipv4 header");
    }
    hlen = (size_t)(p[0] & 0xf) * 4;
    if (hlen < 20 || hlen > n) {
        return fail(wi, "bad ipv4 header length");
    }
    wi->tos = p[1];
    wi->ip_len = pkt_get16(p + 2);
    wi->id = pkt_get16(p + 4);
    frag = pkt_get16(p + 6);
    wi->df = !!(frag & PKT_IP4_DF);
    wi->mf = !!(frag & PKT_IP4_MF);
    wi->frag_off = (uint32_t)(frag & 0x1fff) * 8;
    wi->is_frag = wi->mf || wi->frag_off;
    wi->ttl = p[8];
    wi->proto = p[9];
    wi->src.v = wi->dst.v = 4;
    memcpy(wi->src.a, p + 12, 4);
    memcpy(wi->dst.a, p + 16, 4);
    wi->ip_csum_ok = pkt_fold(pkt_sum(p, hlen, 0)) == 0;
    wi->ip_hlen = hlen;
    end = wi->ip_len;
    if (end != n) {
        if (!truncated_ok) {
            return fail(wi, "ipv4 total length != packet size");
        }
        end = end < n ? end : n; /* a quote is cut short on purpose */
    }
    if (end < hlen) {
        return fail(wi, "ipv4 total length < header");
    }
    wi->l4_off = hlen;
    wi->l4_len = end - hlen;
    if (wi->frag_off) {
        wi->pl_off = hlen;
        wi->pl_len = end - hlen;
        return 1;
    }
    return parse_l4(p, wi, !truncated_ok && !wi->is_frag);
}

static int parse_ip6(const uint8_t *p, size_t n, struct pkt_info *wi, int truncated_ok)
{
    size_t off = 40, end;
    uint8_t nh;
    if (n < 40) {
        return fail(wi, "short ipv6 header");
    }
    wi->tos = (uint8_t)(pkt_get32(p) >> 20);
    wi->flow = pkt_get32(p) & 0xfffff;
    wi->ip_len = pkt_get16(p + 4);
    nh = p[6];
    wi->ttl = p[7];
    wi->src.v = wi->dst.v = 6;
    memcpy(wi->src.a, p + 8, 16);
    memcpy(wi->dst.a, p + 24, 16);
    wi->ip_csum_ok = 1;
    end = 40 + (size_t)wi->ip_len;
    if (end != n) {
        if (!truncated_ok) {
            return fail(wi, "ipv6 payload length != packet size");
        }
        end = end < n ? end : n;
    }
    while (nh == PKT_HOPOPT || nh == PKT_ROUTING || nh == PKT_DSTOPTS ||
           nh == PKT_FRAGMENT) {
        size_t len = nh == PKT_FRAGMENT ? 8 : ((size_t)p[off + 1] + 1) * 8;
        if (off + 2 > end || off + len > end) {
            return truncated_ok ? 1 : fail(wi, "ipv6 extension header overruns packet");
        }
        if (wi->n_ext < (int)sizeof(wi->ext)) {
            wi->ext[wi->n_ext++] = nh;
        }
        if (nh == PKT_FRAGMENT) {
            uint16_t f = pkt_get16(p + off + 2);
            wi->is_frag = 1;
            wi->frag_off = f & 0xfff8u;
            wi->mf = f & 1;
            wi->frag_ident = pkt_get32(p + off + 4);
        }
        nh = p[off];
        off += len;
    }
    wi->proto = nh;
    wi->ip_hlen = off;
    wi->l4_off = off;
    wi->l4_len = end - off;
    if (wi->is_frag && wi->frag_off) {
        wi->pl_off = off;
        wi->pl_len = end - off;
        return 1;
    }
    return parse_l4(p, wi, !truncated_ok && !wi->is_frag);
}

int pkt_parse(const uint8_t *p, size_t n, struct pkt_info *wi, int truncated_ok)
{
    memset(wi, 0, sizeof(*wi));
    wi->ok = 1;
    wi->l4_csum = -1;
    if (n < 1) {
        return fail(wi, "empty packet");
    }
    wi->v = p[0] >> 4;
    if (wi->v == 4) {
        return parse_ip4(p, n, wi, truncated_ok);
    }
    if (wi->v == 6) {
        return parse_ip6(p, n, wi, truncated_ok);
    }
    return fail(wi, "unknown ip version");
}

/* ---- description ---- */

struct out {
    char *buf;
    size_t cap, len;
};

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int r;
    if (o->len >= o->cap) {
        return;
    }
    va_start(ap, fmt);
    r = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (r > 0) {
        o->len += (size_t)r;
        if (o->len > o->cap) {
            o->len = o->cap;
        }
    }
}

static const char *csum_word(int c)
{
    switch (c) {
    case 1: return "ok";
    case 0: return "BAD";
    case 2: return "zero";
    default: return "n/a";
    }
}

static const char *icmp4_name(uint8_t t)
{
    switch (t) {
    case 0: return "echo-reply";
    case 3: return "unreach";
    case 5: return "redirect";
    case 8: return "echo-request";
    case 11: return "time-exceeded";
    case 12: return "param-problem";
    default: return "icmp";
    }
}

static const char *icmp6_name(uint8_t t)
{
    switch (t) {
    case 1: return "unreach";
    case 2: return "too-big";
    case 3: return "time-exceeded";
    case 4: return "param-problem";
    case 128: return "echo-request";
    case 129: return "echo-reply";
    case 133: return "router-solicit";
    case 134: return "router-advert";
    case 135: return "neighbor-solicit";
    case 136: return "neighbor-advert";
    default: return "icmp6";
    }
}

static void describe(struct out *o, const uint8_t *p, size_t n, int outbound,
                     struct pkt_ctx *ctx, int quoted);

/* A port as the trace shows it: dynamic-range ports by order of
 * appearance.  buf holds 16 bytes. */
static const char *port_name(struct pkt_ctx *ctx, uint16_t port, char *buf)
{
    int i;
    if (!ctx || port < PKT_EPHEMERAL_MIN) {
        snprintf(buf, 16, "%u", port);
        return buf;
    }
    for (i = 0; i < ctx->n_eph && ctx->eph[i] != port; i++) {
    }
    if (i == ctx->n_eph && ctx->n_eph < (int)(sizeof(ctx->eph) / sizeof(ctx->eph[0]))) {
        ctx->eph[ctx->n_eph++] = port;
    }
    snprintf(buf, 16, "eph%d", i + 1);
    return buf;
}

static void describe_payload(struct out *o, const uint8_t *p, const struct pkt_info *wi)
{
    put(o, " data=%zu", wi->pl_len);
    if (wi->pl_len) {
        put(o, ":%08x", pkt_fnv(p + wi->pl_off, wi->pl_len));
    }
}

struct pkt_flow *pkt_flow_of(struct pkt_ctx *ctx, const struct pkt_info *wi,
                               int outbound, int create)
{
    const pkt_addr *peer = outbound ? &wi->dst : &wi->src;
    uint16_t lport = outbound ? wi->sport : wi->dport;
    uint16_t pport = outbound ? wi->dport : wi->sport;
    struct pkt_flow *f;
    int i;
    if (!ctx) {
        return NULL;
    }
    for (i = 0; i < ctx->n_flows; i++) {
        f = &ctx->flows[i];
        if (f->lport == lport && f->pport == pport && pkt_addr_eq(&f->peer, peer)) {
            return f;
        }
    }
    if (!create || ctx->n_flows == PKT_MAX_FLOWS) {
        return NULL;
    }
    f = &ctx->flows[ctx->n_flows++];
    memset(f, 0, sizeof(*f));
    f->peer = *peer;
    f->lport = lport;
    f->pport = pport;
    return f;
}

/* A sequence number of the stack's (local) or the peer's space. */
static void put_seq(struct out *o, const char *name, uint32_t v, const struct pkt_flow *f,
                    int local_space)
{
    if (f && (local_space ? f->have_local : f->have_peer)) {
        put(o, " %s=%u", name, v - (local_space ? f->local_isn : f->peer_isn));
    } else {
        put(o, " %s=abs:%u", name, v);
    }
}

static void describe_tcp(struct out *o, const struct pkt_info *wi, int outbound,
                         struct pkt_ctx *ctx, int quoted)
{
    static const char names[] = "FSRPAUEC";
    char flags[9], ps[16], pd[16];
    int i, k = 0;
    uint32_t seq = wi->tcp.seq, ack = wi->tcp.ack;
    struct pkt_flow *f;
    for (i = 0; i < 8; i++) {
        if (wi->tcp.flags & (1 << i)) {
            flags[k++] = names[i];
        }
    }
    flags[k] = 0;
    /* Learn ISNs from SYNs, never from a segment quoted in an ICMP error. */
    f = pkt_flow_of(ctx, wi, outbound, !quoted && (wi->tcp.flags & PKT_SYN));
    if (f && !quoted && (wi->tcp.flags & PKT_SYN)) {
        if (outbound && (!f->have_local || f->local_isn != seq)) {
            f->have_local = 1;
            f->local_isn = seq;
        } else if (!outbound && !f->have_peer) {
            f->have_peer = 1;
            f->peer_isn = seq;
        }
    }
    put(o, " tcp %s>%s [%s]", port_name(ctx, wi->sport, ps), port_name(ctx, wi->dport, pd), flags);
    put_seq(o, "seq", seq, f, outbound);
    if (wi->tcp.flags & PKT_ACK) {
        put_seq(o, "ack", ack, f, !outbound);
    }
    put(o, " win=%u", wi->tcp.win);
    if (wi->tcp.urp) {
        put(o, " urp=%u", wi->tcp.urp);
    }
    if (wi->tcp.mss >= 0) {
        put(o, " mss=%d", wi->tcp.mss);
    }
    if (wi->tcp.wscale >= 0) {
        put(o, " ws=%d", wi->tcp.wscale);
    }
    if (wi->tcp.sack_perm) {
        put(o, " sackok");
    }
    if (wi->tcp.ts) {
        put(o, " ts");
    }
    for (i = 0; i < wi->tcp.nsack; i++) {
        put_seq(o, "sack", wi->tcp.sack[i][0], f, !outbound);
        put(o, "-%u", wi->tcp.sack[i][1] - wi->tcp.sack[i][0]);
    }
}

static void describe(struct out *o, const uint8_t *p, size_t n, int outbound,
                     struct pkt_ctx *ctx, int quoted)
{
    struct pkt_info wi;
    char s[48], d[48], ps[16], pd[16];
    int i;
    pkt_parse(p, n, &wi, quoted);
    if (wi.v != 4 && wi.v != 6) {
        put(o, "unparsable len=%zu (%s)", n, wi.err);
        return;
    }
    if (wi.src.v == 0) {
        put(o, "ip%d truncated len=%zu (%s)", wi.v, n, wi.err);
        return;
    }
    pkt_addr_str(&wi.src, s);
    pkt_addr_str(&wi.dst, d);
    if (wi.v == 4) {
        put(o, "ip4 %s>%s ttl=%u tos=%u len=%u", s, d, wi.ttl, wi.tos, wi.ip_len);
        if (wi.df) {
            put(o, " DF");
        }
        if (!wi.ip_csum_ok) {
            put(o, " ipcsum=BAD");
        }
    } else {
        put(o, "ip6 %s>%s hlim=%u tc=%u flow=%u plen=%u", s, d, wi.ttl, wi.tos,
            wi.flow, wi.ip_len);
        for (i = 0; i < wi.n_ext; i++) {
            put(o, " ext=%u", wi.ext[i]);
        }
    }
    if (wi.is_frag) {
        put(o, " frag off=%u%s", wi.frag_off, wi.mf ? " MF" : "");
    }
    if (!wi.ok) {
        put(o, " MALFORMED(%s)", wi.err);
    }
    if (wi.is_frag && wi.frag_off) {
        put(o, " |");
        describe_payload(o, p, &wi);
        return;
    }
    switch (wi.proto) {
    case PKT_UDP:
        put(o, " | udp %s>%s ulen=%u csum=%s", port_name(ctx, wi.sport, ps),
            port_name(ctx, wi.dport, pd), wi.ulen, csum_word(wi.l4_csum));
        describe_payload(o, p, &wi);
        break;
    case PKT_ICMP:
    case PKT_ICMP6: {
        int echo = wi.proto == PKT_ICMP ? (wi.type == 0 || wi.type == 8)
                                         : (wi.type == 128 || wi.type == 129);
        put(o, " | %s %s code=%u csum=%s", wi.proto == PKT_ICMP ? "icmp" : "icmp6",
            wi.proto == PKT_ICMP ? icmp4_name(wi.type) : icmp6_name(wi.type), wi.code,
            csum_word(wi.l4_csum));
        if (echo) {
            put(o, " id=%u seq=%u", wi.echo_id, wi.echo_seq);
            describe_payload(o, p, &wi);
        } else if (!quoted && wi.l4_len >= 8) {
            /* an error message: describe the packet it quotes */
            if (wi.icmp_word) {
                put(o, " word=%u", wi.icmp_word);
            }
            put(o, " quote=%zu [", wi.pl_len);
            describe(o, p + wi.pl_off, wi.pl_len, 0, ctx, 1);
            put(o, "]");
        }
        break;
    }
    case PKT_TCP:
        put(o, " |");
        describe_tcp(o, &wi, outbound, ctx, quoted);
        put(o, " csum=%s", csum_word(wi.l4_csum));
        describe_payload(o, p, &wi);
        break;
    default:
        put(o, " | proto=%u", wi.proto);
        describe_payload(o, p, &wi);
        break;
    }
}

void pkt_describe(const uint8_t *p, size_t n, int outbound,
                   struct pkt_ctx *ctx, char *buf, size_t cap)
{
    struct out o = { buf, cap, 0 };
    buf[0] = 0;
    describe(&o, p, n, outbound, ctx, 0);
}
