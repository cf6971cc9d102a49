/* socket/tcp_ack.c: the pure ACK, the segment a receiver sends for every
 * second data segment (RFC 9293 3.10.7.4, RFC 1122 4.2.3.2's delayed ACK),
 * and the bare FIN every connection sends once (a churning server's every
 * other segment).
 *
 * The general path fills a tern_tcp_repr (SYN options, SACK blocks...),
 * sizes and emits the header from it and checksums the emitted bytes.  A
 * pure ACK's header is fixed but for seq, ack, window and the timestamps:
 * it is written here field by field and its checksum is the sum of those
 * same 16-bit words (RFC 1071: the sum of the big-endian words, so the
 * words can be added as numbers), which costs a third of the general
 * path.  The layout is the one tern__tcp_emit writes for such a segment:
 * the 20-byte header, then NOP, NOP, TS (RFC 7323 appendix A's layout)
 * when timestamps are in use.
 *
 * A SYN without data (the SYN-ACK a server sends for every connection,
 * a client's SYN) is written the same way (tern__tcp_send_syn_plain): its
 * options are fixed by what was negotiated, in tern__tcp_emit's order:
 * MSS; SACK-permitted and timestamps, or NOP NOP SACK-permitted, or NOP
 * NOP timestamps; NOP window scale. */
#include "socket/tcp_ack.h"

#include "wire/bytes.h"

#define ACK_OPT_NOP 1u
#define ACK_OPT_MSS 2u
#define ACK_OPT_WS 3u
#define ACK_OPT_SACK_PERM 4u
#define ACK_OPT_TS 8u
#define ACK_OPT_TS_LEN 10u

/* The 16-bit words of a 32-bit field, as the checksum adds them. */
static inline tern_csum words32(uint32_t v) { return (tern_csum)(v >> 16) + (v & 0xffffu); }

/* The pseudo header's words for a segment of t of hlen bytes, as numbers
 * too (an IPv4 pair summed in registers). */
static inline tern_csum pseudo_sum(const tern_tcp *t, uint16_t hlen)
{
    if (t->local.type == TERN_ADDR_V4)
        return words32(tern_rd32((const uint8_t *)&t->local.u.v4)) + words32(tern_rd32((const uint8_t *)&t->remote.u.v4)) +
               TERN_PROTO_TCP + hlen;
    return tern__csum_pseudo_v6(t->local.u.v6.w, t->remote.u.v6.w, TERN_PROTO_TCP, hlen);
}

/* Writes the 20-byte header at h (checksum and urgent pointer zero) and
 * returns its words' sum. */
static inline tern_csum put_header(uint8_t *h, const tern_tcp *t, uint32_t seq, uint32_t ack, uint16_t off_flags,
                                   uint16_t window)
{
    tern_wr16(h, t->local_port);
    tern_wr16(h + 2, t->remote_port);
    tern_wr32(h + 4, seq);
    tern_wr32(h + 8, ack);
    tern_wr16(h + 12, off_flags);
    tern_wr16(h + 14, window);
    tern_wr32(h + 16, 0); /* checksum (filled last) and urgent pointer */
    return (tern_csum)t->local_port + t->remote_port + words32(seq) + words32(ack) + off_flags + window;
}

int tern__tcp_send_plain(tern_tcp *t, tern_iface *ifc, uint32_t seq, uint8_t flags, uint16_t window)
{
    tern_stack *s = t->cls->stack;
    bool ts = t->ts_ok;
    uint16_t hlen = (uint16_t)(TERN_TCP_HLEN + (ts ? 12u : 0u));
    /* Over IPv4 the IP header is written here too (the same bytes
     * tern__ip_output writes), leaving the device the headroom it would
     * have after tern__ip_output's prepend.  The test and the write are
     * tern__tcp_direct_v4 and tern__tcp_output_v4 (tcp_ack.h) spelled out:
     * through them gcc spends 6 more instructions per ACK (callgrind,
     * receive 16 MiB: 14.87M -> 14.91M). */
    bool v4 = t->local.type == TERN_ADDR_V4 && t->local.u.v4 != 0 &&
              (!ifc->mtu || hlen + TERN_IPV4_HLEN <= ifc->mtu);
    uint16_t iph = v4 ? TERN_IPV4_HLEN : 0;
    tern_pbuf *p = tern_pbuf_alloc((uint16_t)(TERN_HEADROOM - iph), (uint16_t)(iph + hlen), TERN_PBUF_RAM);
    if (!p)
        return TERN_ERR_MEM;
    uint8_t *h = (uint8_t *)p->payload + iph;
    uint32_t ack = t->rcv_nxt;
    uint16_t off_flags = (uint16_t)(((hlen / 4u) << 12) | flags);
    tern_csum sum = put_header(h, t, seq, ack, off_flags, window);
    if (ts) {
        uint32_t val = tern__tcp_ts_now(t), ecr = t->ts_recent;
        h[20] = ACK_OPT_NOP;
        h[21] = ACK_OPT_NOP;
        h[22] = ACK_OPT_TS;
        h[23] = ACK_OPT_TS_LEN;
        tern_wr32(h + 24, val);
        tern_wr32(h + 28, ecr);
        sum += ((ACK_OPT_NOP << 8) | ACK_OPT_NOP) + ((ACK_OPT_TS << 8) | ACK_OPT_TS_LEN) + words32(val) + words32(ecr);
    }
    tern_wr16(h + 16, tern__csum_finish(sum + pseudo_sum(t, hlen)));
    int err;
    if (v4) {
        tern__ip_write_v4_header(p->payload, t->local.u.v4, t->remote.u.v4, TERN_PROTO_TCP, t->ttl, t->tos,
                                 (uint16_t)(iph + hlen), s->ip_id++, 0);
        err = tern__ip_output_built(s, p, &t->remote, ifc);
    } else {
        err = tern__ip_output(s, p, &t->local, &t->remote, TERN_PROTO_TCP, t->ttl, t->tos, ifc);
    }
    tern_pbuf_free(p);
    s->stats.tcp_out++;
    /* As transmit does for every ACK (every segment here carries one):
     * nothing is owed any more (the delayed-ACK timer is left to run out). */
    t->unacked_segs = 0;
    t->ack_now = false;
    return err;
}

int tern__tcp_send_syn_plain(tern_tcp *t, tern_iface *ifc, uint32_t seq, uint8_t flags, uint16_t window, uint16_t mss)
{
    bool active = t->state == TERN_TCP_SYN_SENT;
    const tern_tcp_config *cfg = &t->cls->cfg;
    bool ws = cfg->wscale && (active || t->ws_ok);
    bool sack = cfg->sack && (active || t->sack_ok);
    bool ts = cfg->timestamps && (active || t->ts_ok);
    uint16_t hlen = (uint16_t)(TERN_TCP_HLEN + 4u + (ts ? 12u : sack ? 4u : 0u) + (ws ? 4u : 0u));
    bool v4 = tern__tcp_direct_v4(t, ifc, hlen);
    uint16_t iph = v4 ? TERN_IPV4_HLEN : 0;
    tern_pbuf *p = tern_pbuf_alloc((uint16_t)(TERN_HEADROOM - iph), (uint16_t)(iph + hlen), TERN_PBUF_RAM);
    if (!p)
        return TERN_ERR_MEM;
    uint8_t *h = (uint8_t *)p->payload + iph;
    bool with_ack = (flags & TERN_TCP_ACK) != 0;
    uint32_t ack = with_ack ? t->rcv_nxt : 0;
    uint16_t off_flags = (uint16_t)(((hlen / 4u) << 12) | flags);
    tern_csum sum = put_header(h, t, seq, ack, off_flags, window);
    h[20] = ACK_OPT_MSS;
    h[21] = 4;
    tern_wr16(h + 22, mss);
    sum += ((ACK_OPT_MSS << 8) | 4u) + mss;
    uint8_t *o = h + 24;
    if (ts) {
        uint32_t val = tern__tcp_ts_now(t), ecr = with_ack ? t->ts_recent : 0;
        uint16_t w0 = sack ? (uint16_t)((ACK_OPT_SACK_PERM << 8) | 2u) : (uint16_t)((ACK_OPT_NOP << 8) | ACK_OPT_NOP);
        tern_wr16(o, w0);
        o[2] = ACK_OPT_TS;
        o[3] = ACK_OPT_TS_LEN;
        tern_wr32(o + 4, val);
        tern_wr32(o + 8, ecr);
        sum += w0 + ((ACK_OPT_TS << 8) | ACK_OPT_TS_LEN) + words32(val) + words32(ecr);
        o += 12;
    } else if (sack) {
        o[0] = ACK_OPT_NOP;
        o[1] = ACK_OPT_NOP;
        o[2] = ACK_OPT_SACK_PERM;
        o[3] = 2;
        sum += ((ACK_OPT_NOP << 8) | ACK_OPT_NOP) + ((ACK_OPT_SACK_PERM << 8) | 2u);
        o += 4;
    }
    if (ws) {
        o[0] = ACK_OPT_NOP;
        o[1] = ACK_OPT_WS;
        o[2] = 3;
        o[3] = t->rcv_wscale;
        sum += ((ACK_OPT_NOP << 8) | ACK_OPT_WS) + ((3u << 8) | t->rcv_wscale);
    }
    tern_wr16(h + 16, tern__csum_finish(sum + pseudo_sum(t, hlen)));
    int err = v4 ? tern__tcp_output_v4(t, ifc, p, hlen)
                 : tern__ip_output(t->cls->stack, p, &t->local, &t->remote, TERN_PROTO_TCP, t->ttl, t->tos, ifc);
    tern_pbuf_free(p);
    t->cls->stack->stats.tcp_out++;
    if (with_ack) {
        t->unacked_segs = 0;
        t->ack_now = false;
    }
    return err;
}
