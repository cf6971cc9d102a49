/* tests/unit/test_tcp_ack.c: the pure ACK a receiver sends for every second
 * full segment (socket/tcp_ack.c builds it without the general header
 * path).  Over IPv4 and IPv6, with and without timestamps, the ACK must be
 * well-formed to an independent parser (checksum included: the hostile
 * harness refuses any bad output at teardown), carry exactly the ACK flag,
 * the next byte expected, the stack's next sequence number, a window and,
 * with timestamps, NOP NOP TS echoing the peer's latest TSval (RFC 7323
 * 3.2, appendix A's layout).  The SYN and the SYN-ACK, written directly
 * too, must be the bytes the general path's tern__tcp_emit writes for the
 * options negotiated. */
#include <stdio.h>
#include <string.h>

#include "../hostile/hassert.h" /* the hostile harness: checked output */
#include "unit_suite.h"
#include "wire/wire.h" /* tern__tcp_emit: the general path's header writer */

static const uint8_t SYN_MSS[4] = {2, 4, 0x05, 0xb4};
/* MSS 1460, then NOP NOP TS (TSval 1000, TSecr 0). */
static const uint8_t SYN_MSS_TS[16] = {2, 4, 0x05, 0xb4, 1, 1, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0};

/* A listener on port 80 and a peer connected to it with the SYN options
 * given: false when the handshake failed. */
static bool peer_up(h_peer *P, uint32_t iss, bool v6, const uint8_t *opts, size_t optlen)
{
    if (!h_listen(80, 4))
        return false;
    h_peer_init(P, 80, iss);
    P->v6 = v6;
    return h_peer_connect(P, opts, optlen) == 0 && P->app != NULL && P->app->t != NULL;
}

/* Receive buffers of 30000 bytes: a window below 65535 (0xffff adds
 * nothing to a ones'-complement sum, so only a smaller window shows it is
 * summed). */
static h_opts window_30000(tern_tcp_config *c)
{
    tern_tcp_default_config(c);
    c->rcv_buf = c->rcv_buf_max = 30000;
    return (h_opts){.tcp = c};
}

/* The last segment the stack sent with exactly these flags: well-formed to
 * the independent parser, of the IP version the test uses. */
static bool last_segment(hp_pkt *r, bool v6, uint8_t flags)
{
    if (!h_last_tcp(r, flags))
        return false;
    H_EQ(h_bad_out, 0);
    H_EQ(r->ver, v6 ? 6 : 4);
    H_EQ(r->flags, flags);
    return true;
}

static void ack_case(bool v6, bool ts)
{
    tern_tcp_config c;
    h_opts ho = window_30000(&c);
    H_BEGIN(&ho);
    h_peer P;
    const uint8_t *opts = ts ? SYN_MSS_TS : SYN_MSS;
    size_t optlen = ts ? sizeof SYN_MSS_TS : sizeof SYN_MSS;
    CU_ASSERT_FATAL(peer_up(&P, 0x20000000u, v6, opts, optlen));
    H_EQ(P.tcp.ts_on != 0, ts);
    uint32_t stack_next = P.tcp.rcv_nxt; /* the stack's SND.NXT: it sent nothing yet */
    /* A TTL and TOS of the socket's own, to find in the IPv4 header. */
    tern_tcp_set_ttl_tos(P.app->t, 77, 0x28);
    static uint8_t data[2 * 1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7u);
    P.ts_val = 0x01020304u; /* every byte distinct: a misplaced echo shows */
    h_clear();
    /* Two segments without PSH: the second one is acknowledged at once. */
    for (int i = 0; i < 2; i++) {
        h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt, P.tcp.rcv_nxt, data + i * 1000, 1000);
        P.tcp.snd_nxt += 1000;
    }
    H_EQ(P.app->rxlen, sizeof data);
    hp_pkt r;
    CU_ASSERT_FATAL(last_segment(&r, v6, HP_TCP_ACK));
    H_EQ(r.dlen, 0);
    H_EQ(r.ack, P.tcp.snd_nxt);
    H_EQ(r.seq, stack_next);
    H_EQ(r.sport, 80);
    H_EQ(r.dport, P.tcp.port);
    H_EQ(r.win, 30000); /* the application took the bytes: the window is whole again */
    H_EQ(r.has_ts, ts);
    H_EQ(r.thl, ts ? 32 : 20);
    H_EQ(r.nsack, 0);
    if (ts) {
        H_EQ(r.tsecr, P.ts_val);         /* the peer's latest TSval, echoed */
        H_EQ(r.tsval, P.tcp.st_tsval);   /* the clock did not move since the SYN-ACK */
        const uint8_t *o = r.l4 + 20;
        H_EQ(o[0], 1);
        H_EQ(o[1], 1);
        H_EQ(o[2], 8);
        H_EQ(o[3], 10);
    }
    if (!v6) {
        /* The bytes tern__ipv4_emit writes (tcp_ack.c writes them field
         * by field): version/IHL, the socket's TOS and TTL, this packet's
         * length, no fragment flags or offset, TCP; addresses and header
         * checksum are checked by the harness (h_bad_out). */
        const uint8_t *ip = r.l4 - 20;
        H_EQ(ip[0], 0x45);
        H_EQ(ip[1], 0x28);
        H_EQ((ip[2] << 8) | ip[3], 20 + (ts ? 32 : 20));
        H_EQ(ip[6], 0);
        H_EQ(ip[7], 0);
        H_EQ(ip[8], 77);
        H_EQ(ip[9], 6);
        /* The next ACK takes the next identification. */
        uint16_t id = (uint16_t)((ip[4] << 8) | ip[5]);
        h_clear();
        for (int i = 0; i < 2; i++) {
            h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt, P.tcp.rcv_nxt, data + i * 1000, 1000);
            P.tcp.snd_nxt += 1000;
        }
        hp_pkt r2;
        CU_ASSERT_FATAL(h_last_tcp(&r2, HP_TCP_ACK));
        H_EQ(r2.ack, P.tcp.snd_nxt);
        H_EQ(r2.id, (uint16_t)(id + 1));
        H_EQ(h_bad_out, 0);
    }
    h_peer_free(&P);
    H_END();
}

/* The bare FIN (a close with nothing queued) leaves through the same
 * writer: FIN and ACK, the next sequence number, RCV.NXT, the window, the
 * timestamps, this socket's TOS and TTL, a checksum the harness accepts.
 * With a SACK block owed (out-of-order data held) the FIN takes the
 * general path instead and carries the block. */
static const uint8_t SYN_MSS_SACK_TS[20] = {2, 4, 0x05, 0xb4, 4, 2, 1, 1, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 1, 1};

static void fin_case(bool v6, bool ts, bool sack_owed)
{
    tern_tcp_config c;
    h_opts ho = window_30000(&c);
    H_BEGIN(&ho);
    h_peer P;
    const uint8_t *opts = sack_owed ? SYN_MSS_SACK_TS : ts ? SYN_MSS_TS : SYN_MSS;
    size_t optlen = sack_owed ? sizeof SYN_MSS_SACK_TS : ts ? sizeof SYN_MSS_TS : sizeof SYN_MSS;
    CU_ASSERT_FATAL(peer_up(&P, 0x30000000u, v6, opts, optlen));
    H_EQ(P.tcp.ts_on != 0, ts);
    uint32_t stack_next = P.tcp.rcv_nxt;
    tern_tcp_set_ttl_tos(P.app->t, 66, 0x48);
    static uint8_t data[500];
    if (sack_owed) {
        /* 500 bytes past a 500-byte hole: held out of order. */
        h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt + 500, P.tcp.rcv_nxt, data, sizeof data);
        H_EQ(P.app->rxlen, 0);
    }
    P.ts_val = 0x0a0b0c0du;
    if (ts) /* a segment that only updates TS.Recent, so the FIN echoes it */
        h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt, P.tcp.rcv_nxt, NULL, 0);
    h_clear();
    CU_ASSERT_EQUAL_FATAL(tern_tcp_close(P.app->t), TERN_OK);
    hp_pkt r;
    CU_ASSERT_FATAL(last_segment(&r, v6, HP_TCP_FIN | HP_TCP_ACK));
    H_EQ(r.dlen, 0);
    H_EQ(r.seq, stack_next);
    H_EQ(r.ack, P.tcp.snd_nxt);
    H_EQ(r.sport, 80);
    H_EQ(r.dport, P.tcp.port);
    H_EQ(r.has_ts, ts);
    H_EQ(r.nsack, sack_owed ? 1 : 0);
    if (sack_owed) {
        H_EQ(r.sack[0][0], P.tcp.snd_nxt + 500);
        H_EQ(r.sack[0][1], P.tcp.snd_nxt + 1000);
    } else {
        H_EQ(r.thl, ts ? 32 : 20);
    }
    H_EQ(r.win, 30000);
    if (ts) {
        H_EQ(r.tsecr, P.ts_val);
        H_EQ(r.tsval, P.tcp.st_tsval);
    }
    if (!v6) {
        const uint8_t *ip = r.l4 - 20;
        H_EQ(ip[1], 0x48);
        H_EQ(ip[8], 66);
        H_EQ((ip[2] << 8) | ip[3], 20 + r.thl);
    }
    h_peer_free(&P);
    H_END();
}

static void test_fin_v4(void) { fin_case(false, false, false); }
static void test_fin_v4_ts(void) { fin_case(false, true, false); }
static void test_fin_v6(void) { fin_case(true, false, false); }
static void test_fin_v6_ts(void) { fin_case(true, true, false); }
static void test_fin_sack_owed(void) { fin_case(false, true, true); }

/* A data segment over IPv4 gets its IP header written beside the TCP
 * header (tcp_output.c transmit): the socket's TOS and TTL, the packet's
 * length, no fragment bits, consecutive identifications, a header
 * checksum and a TCP checksum over the payload that the harness accepts;
 * the same over IPv6 through the general output. */
static void data_case(bool v6)
{
    h_opts ho = {0};
    H_BEGIN(&ho);
    h_peer P;
    CU_ASSERT_FATAL(peer_up(&P, 0x40000000u, v6, SYN_MSS_TS, sizeof SYN_MSS_TS));
    tern_tcp_set_ttl_tos(P.app->t, 55, 0x10);
    tern_tcp_set_nodelay(P.app->t, true);
    static uint8_t data[700];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 13u + 1u);
    uint32_t first = P.tcp.rcv_nxt;
    h_clear();
    CU_ASSERT_EQUAL_FATAL(tern_tcp_write(P.app->t, data, 300, 0), TERN_OK);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_output(P.app->t), TERN_OK);
    hp_pkt a;
    CU_ASSERT_FATAL(h_last_tcp(&a, HP_TCP_ACK));
    CU_ASSERT_EQUAL_FATAL(tern_tcp_write(P.app->t, data + 300, 400, 0), TERN_OK);
    CU_ASSERT_EQUAL_FATAL(tern_tcp_output(P.app->t), TERN_OK);
    hp_pkt b;
    CU_ASSERT_FATAL(h_last_tcp(&b, HP_TCP_ACK));
    H_EQ(h_bad_out, 0);
    H_EQ(a.ver, v6 ? 6 : 4);
    H_EQ(a.seq, first);
    H_EQ(a.dlen, 300);
    H_EQ(b.seq, first + 300);
    H_EQ(b.dlen, 400);
    CU_ASSERT_EQUAL(memcmp(a.data, data, 300), 0);
    CU_ASSERT_EQUAL(memcmp(b.data, data + 300, 400), 0);
    H_EQ(a.has_ts, true);
    if (!v6) {
        const uint8_t *ip = a.l4 - 20;
        H_EQ(ip[0], 0x45);
        H_EQ(ip[1], 0x10);
        H_EQ((ip[2] << 8) | ip[3], 20 + 32 + 300);
        H_EQ(ip[6], 0);
        H_EQ(ip[7], 0);
        H_EQ(ip[8], 55);
        H_EQ(ip[9], 6);
        H_EQ(b.id, (uint16_t)(a.id + 1));
    }
    h_peer_free(&P);
    H_END();
}

static void test_data_v4(void) { data_case(false); }
static void test_data_v6(void) { data_case(true); }

/* ---- SYN and SYN-ACK ---- */

enum { PO_MSS = 1, PO_SACK = 2, PO_TS = 4, PO_WS = 8 };

/* The options a peer's SYN carries (mask of PO_*), in a common order. */
static size_t peer_syn_opts(uint8_t *o, unsigned mask)
{
    static const struct {
        unsigned bit;
        uint8_t len, bytes[12];
    } opt[] = {
        {PO_MSS, 4, {2, 4, 0x05, 0xb4}},
        {PO_SACK, 4, {1, 1, 4, 2}},
        {PO_TS, 12, {1, 1, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0}}, /* TSval 1000 */
        {PO_WS, 4, {1, 3, 3, 7}},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
        if (mask & opt[i].bit) {
            memcpy(o + n, opt[i].bytes, opt[i].len);
            n += opt[i].len;
        }
    return n;
}

/* The shift a SYN of this configuration offers (tern__tcp_send_syn's rule,
 * restated). */
static uint8_t wscale_for(const tern_tcp_config *c)
{
    uint8_t ws = 0;
    while (ws < 14 && (c->rcv_buf_max >> ws) > 0xffff)
        ws++;
    return ws;
}

/* The MSS a SYN offers on the harness's interface: the configured one,
 * or less when the MTU leaves less room. */
static uint32_t mss_for(const tern_tcp_config *c, bool v6)
{
    uint32_t mtu = tern_iface_mtu(h_ifc), room = mtu - (v6 ? 60u : 40u);
    return mtu && room < c->mss ? room : c->mss;
}

/* r's TCP header must be, byte for byte but the checksum (which the
 * harness checked), what tern__tcp_emit writes for the repr e. */
static void expect_emitted(const hp_pkt *r, const tern_tcp_repr *e)
{
    uint8_t want[60], got[60];
    uint16_t hlen = tern__tcp_emit(want, e);
    H_EQ(r->thl, hlen);
    if (r->thl != hlen || hlen > sizeof got)
        return;
    memcpy(got, r->l4, hlen);
    got[16] = got[17] = 0;
    CU_ASSERT_EQUAL(memcmp(got, want, hlen), 0);
}

/* The SYN-ACK answering a SYN with the options of peer_mask, from a
 * listener configured with c: flags, numbers and each option as the
 * negotiation decides, in the general path's bytes. */
static void synack_case(bool v6, unsigned peer_mask, const tern_tcp_config *c)
{
    h_opts ho = {.tcp = c};
    H_BEGIN(&ho);
    uint8_t opts[40], syn[128];
    size_t optlen = peer_syn_opts(opts, peer_mask);
    CU_ASSERT_FATAL(h_listen(80, 4) != NULL);
    h_peer P;
    h_peer_init(&P, 80, 0x40000000u);
    P.v6 = v6;
    if (v6) { /* (as h_peer_connect sets them) */
        snprintf(P.tcp.addr, sizeof(P.tcp.addr), "%s", "2001:db8::2");
        snprintf(P.tcp.local, sizeof(P.tcp.local), "%s", "2001:db8::1");
    }
    h_clear();
    h_input(syn, h_peer_build(&P, syn, HP_TCP_SYN, 0x40000000u, 0, NULL, 0, opts, optlen));
    hp_pkt r;
    CU_ASSERT_FATAL(last_segment(&r, v6, HP_TCP_SYN | HP_TCP_ACK));
    H_EQ(r.ack, 0x40000001u);
    H_EQ(r.dport, P.tcp.port);
    H_EQ(r.dlen, 0);
    bool ws = c->wscale && (peer_mask & PO_WS), sack = c->sack && (peer_mask & PO_SACK);
    bool ts = c->timestamps && (peer_mask & PO_TS);
    H_EQ(r.has_mss, 1);
    H_EQ(r.mss, mss_for(c, v6));
    H_EQ(r.has_ws, ws);
    H_EQ(r.sack_perm, sack);
    H_EQ(r.has_ts, ts);
    if (ws)
        H_EQ(r.ws, wscale_for(c));
    if (ts)
        H_EQ(r.tsecr, 1000); /* the peer's TSval */
    tern_tcp_repr e = {.src_port = 80,
                       .dst_port = P.tcp.port,
                       .seq = r.seq,
                       .ack = 0x40000001u,
                       .flags = TERN_TCP_SYN | TERN_TCP_ACK,
                       .window = r.win,
                       .has_mss = true,
                       .mss = r.mss,
                       .has_wscale = ws,
                       .wscale = wscale_for(c),
                       .sack_permitted = sack,
                       .has_ts = ts,
                       .ts_val = r.tsval,
                       .ts_ecr = 1000};
    expect_emitted(&r, &e);
    h_peer_free(&P);
    H_END();
}

static tern_tcp_config all_on(void)
{
    tern_tcp_config c;
    tern_tcp_default_config(&c);
    c.wscale = c.sack = c.timestamps = true;
    return c;
}

static void test_synack_v4(void)
{
    tern_tcp_config c = all_on();
    const unsigned masks[] = {0,      PO_MSS,          PO_MSS | PO_SACK, PO_MSS | PO_TS, PO_MSS | PO_SACK | PO_TS,
                              PO_MSS | PO_WS, PO_MSS | PO_SACK | PO_WS, PO_MSS | PO_SACK | PO_TS | PO_WS};
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++)
        synack_case(false, masks[i], &c);
}

static void test_synack_v6(void)
{
    tern_tcp_config c = all_on();
    synack_case(true, PO_MSS, &c);
    synack_case(true, PO_MSS | PO_TS, &c);
    synack_case(true, PO_MSS | PO_SACK | PO_TS | PO_WS, &c);
}

/* A listener that refuses an option the peer offers does not echo it. */
static void test_synack_refused_options(void)
{
    const unsigned all = PO_MSS | PO_SACK | PO_TS | PO_WS;
    tern_tcp_config c = all_on();
    c.timestamps = false;
    synack_case(false, all, &c);
    c = all_on();
    c.sack = false;
    synack_case(false, all, &c);
    c = all_on();
    c.wscale = false;
    synack_case(false, all, &c);
    c = all_on();
    c.sack = c.timestamps = false;
    synack_case(true, all, &c);
}

/* An active open's SYN: the options of its configuration, no ACK. */
static void syn_case(bool v6, const tern_tcp_config *c)
{
    h_opts ho = {.tcp = c};
    H_BEGIN(&ho);
    tern_tcp *t = tern_tcp_new(h_stack, v6 ? TERN_ADDR_V6 : TERN_ADDR_V4);
    CU_ASSERT_FATAL(t != NULL);
    tern_addr a;
    if (v6)
        tern_addr_set_v6(&a, H_PEER6);
    else
        tern_addr_set_v4(&a, H_PEER4);
    h_clear();
    CU_ASSERT_EQUAL_FATAL(tern_tcp_connect(t, &a, 40000, NULL), TERN_OK);
    hp_pkt r;
    CU_ASSERT_FATAL(last_segment(&r, v6, HP_TCP_SYN));
    H_EQ(r.ack, 0);
    H_EQ(r.dport, 40000);
    H_EQ(r.mss, mss_for(c, v6));
    H_EQ(r.has_ws, c->wscale);
    H_EQ(r.sack_perm, c->sack);
    H_EQ(r.has_ts, c->timestamps);
    if (c->timestamps)
        H_EQ(r.tsecr, 0);
    tern_tcp_repr e = {.src_port = r.sport,
                       .dst_port = 40000,
                       .seq = r.seq,
                       .flags = TERN_TCP_SYN,
                       .window = r.win,
                       .has_mss = true,
                       .mss = r.mss,
                       .has_wscale = c->wscale,
                       .wscale = wscale_for(c),
                       .sack_permitted = c->sack,
                       .has_ts = c->timestamps,
                       .ts_val = r.tsval};
    expect_emitted(&r, &e);
    tern_tcp_abort(t);
    H_END();
}

static void test_syn_active(void)
{
    tern_tcp_config c = all_on();
    syn_case(false, &c);
    syn_case(true, &c);
    c.timestamps = false;
    syn_case(false, &c);
    c = all_on();
    c.sack = c.wscale = false;
    syn_case(false, &c);
}

/* ---- LAST-ACK: the ACK of our FIN ends the connection ---- */

/* The peer closes first, the application answers with its close (after
 * writing `data` bytes unless 0), and the peer acknowledges up to `upto`
 * (relative to our FIN: 0 is the FIN itself, -1 the byte before it).
 * What the application sees: sent() lengths, the err callback, whether
 * the socket lives on. */
static void last_ack_case(size_t data, int upto)
{
    H_BEGIN(NULL);
    h_peer P;
    CU_ASSERT_FATAL(peer_up(&P, 0x50000000u, false, SYN_MSS, sizeof SYN_MSS));
    h_app *A = P.app;
    tern_tcp *t = A->t;
    uint32_t iss1 = P.tcp.rcv_nxt; /* our next sequence number */
    h_peer_send(&P, HP_TCP_ACK | HP_TCP_FIN, P.tcp.snd_nxt, P.tcp.rcv_nxt, NULL, 0);
    P.tcp.snd_nxt += 1;
    H_EQ(A->fins, 1);
    H_EQ(tern_tcp_get_state(t), TERN_TCP_CLOSE_WAIT);
    static uint8_t bytes[3000];
    if (data)
        CU_ASSERT_EQUAL_FATAL(tern_tcp_write(t, bytes, (uint32_t)data, 0), TERN_OK);
    h_clear();
    CU_ASSERT_EQUAL_FATAL(tern_tcp_close(t), TERN_OK);
    H_EQ(tern_tcp_get_state(t), TERN_TCP_LAST_ACK);
    hp_pkt r;
    CU_ASSERT_FATAL(h_last_tcp(&r, HP_TCP_FIN));
    uint32_t fin_seq = iss1 + (uint32_t)data;
    H_EQ(r.seq + r.dlen, fin_seq);
    uint64_t live = tern_stack_stats(h_stack)->tcp_live;
    h_peer_send(&P, HP_TCP_ACK, P.tcp.snd_nxt, fin_seq + 1 + (uint32_t)upto, NULL, 0);
    H_EQ(A->acked, data); /* sent() for the data acknowledged, if any */
    H_EQ(A->errs, 0);     /* closed for reading: no err callback (lwIP's TF_RXCLOSED) */
    if (upto >= 0) {
        /* Everything acknowledged: the socket is gone. */
        H_EQ(tern_stack_stats(h_stack)->tcp_live, live - 1);
    } else {
        /* The FIN still outstanding: the connection waits in LAST-ACK. */
        H_EQ(tern_stack_stats(h_stack)->tcp_live, live);
        H_EQ(tern_tcp_get_state(t), TERN_TCP_LAST_ACK);
        tern_tcp_abort(t);
    }
    h_peer_free(&P);
    H_END();
}

static void test_last_ack_fin_only(void) { last_ack_case(0, 0); }
static void test_last_ack_data_and_fin(void) { last_ack_case(1000, 0); }
static void test_last_ack_data_not_fin(void) { last_ack_case(1000, -1); }

static void test_ack_v4(void) { ack_case(false, false); }
static void test_ack_v4_ts(void) { ack_case(false, true); }
static void test_ack_v6(void) { ack_case(true, false); }
static void test_ack_v6_ts(void) { ack_case(true, true); }

TERN_UNIT_SUITE(tcp_ack)
{
    CU_pSuite s = CU_add_suite("tcp/ack", NULL, NULL);
    CU_add_test(s, "pure ACK over IPv4", test_ack_v4);
    CU_add_test(s, "pure ACK over IPv4 with timestamps", test_ack_v4_ts);
    CU_add_test(s, "pure ACK over IPv6", test_ack_v6);
    CU_add_test(s, "pure ACK over IPv6 with timestamps", test_ack_v6_ts);
    CU_add_test(s, "bare FIN over IPv4", test_fin_v4);
    CU_add_test(s, "bare FIN over IPv4 with timestamps", test_fin_v4_ts);
    CU_add_test(s, "bare FIN over IPv6", test_fin_v6);
    CU_add_test(s, "bare FIN over IPv6 with timestamps", test_fin_v6_ts);
    CU_add_test(s, "FIN owing a SACK block: the general path, the block carried", test_fin_sack_owed);
    CU_add_test(s, "data segment over IPv4: IP header written with the TCP header", test_data_v4);
    CU_add_test(s, "data segment over IPv6", test_data_v6);
    CU_add_test(s, "SYN-ACK over IPv4: each option offered, the general path's bytes", test_synack_v4);
    CU_add_test(s, "SYN-ACK over IPv6", test_synack_v6);
    CU_add_test(s, "SYN-ACK of a listener refusing options", test_synack_refused_options);
    CU_add_test(s, "active SYN: its configuration's options", test_syn_active);
    CU_add_test(s, "LAST-ACK: the ACK of the FIN alone ends it, no sent()", test_last_ack_fin_only);
    CU_add_test(s, "LAST-ACK: data and FIN acknowledged, sent() then the end", test_last_ack_data_and_fin);
    CU_add_test(s, "LAST-ACK: data acknowledged, FIN not: sent(), still LAST-ACK", test_last_ack_data_not_fin);
}
