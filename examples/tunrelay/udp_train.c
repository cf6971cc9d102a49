/* udp_train.c: UDP segmentation offload trains on the TUN (tunrelay).
 *
 * A train is one IPv4/IPv6 + UDP header followed by many datagrams' worth
 * of payload, with a virtio-net header saying "cut every gso_size bytes"
 * (VIRTIO_NET_HDR_GSO_UDP_L4; Linux's UDP GSO, the socket side of which is
 * UDP_SEGMENT).  Every datagram but the last has gso_size payload bytes;
 * the last may be shorter.  The IP and UDP length fields cover the whole
 * train and the UDP checksum field holds the pseudo-header sum only (the
 * cutter completes each datagram's checksum, RFC 768 / RFC 8200 8.1).
 *
 *  - train_split: a train read from the TUN -> one pbuf per datagram, each
 *    a well-formed packet (lengths, IPv4 id and header checksum, UDP
 *    checksum), handed to the stack;
 *  - train_add / train_flush: datagrams the stack sends to one client flow
 *    back to back, of one size (and at most one shorter one closing the
 *    run), are gathered into a train and written with one write. */
#include "relay.h"

int uso_on;

/* ------------------------------------------------------------------ */
/* checksums (RFC 1071)                                                */

/* The sum of p's big-endian 16-bit words added to s, folded to 32 bits.
 * Four bytes at a time: a big-endian 32-bit word is hi * 65536 + lo, and
 * 65536 = 1 modulo 65535, so summing 32-bit words and folding gives the
 * same ones'-complement sum (RFC 1071 2.(B)) for a quarter of the adds. */
static uint32_t sum16(uint32_t s, const u8_t *p, size_t n)
{
    uint64_t a = s;
    for (; n >= 4; n -= 4, p += 4)
        a += (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    for (; n > 1; n -= 2, p += 2)
        a += (uint32_t)p[0] << 8 | p[1];
    if (n)
        a += (uint32_t)p[0] << 8;
    while (a >> 32)
        a = (a & 0xffffffffu) + (a >> 32);
    return (uint32_t)a;
}

static u16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (u16_t)s;
}

static void put16(u8_t *p, u16_t v)
{
    p[0] = (u8_t)(v >> 8);
    p[1] = (u8_t)v;
}

static u16_t get16(const u8_t *p) { return (u16_t)(p[0] << 8 | p[1]); }

/* Pseudo-header sum of a UDP packet whose IP header starts at ip
 * (RFC 768; RFC 8200 8.1 for IPv6). */
static uint32_t pseudo_sum(const u8_t *ip, unsigned udp_len)
{
    uint32_t s = 17 + udp_len;
    if ((ip[0] >> 4) == 4)
        return sum16(s, ip + 12, 8);
    return sum16(s, ip + 8, 32);
}

/* Header length of a UDP packet we can cut or build trains of, or 0:
 * IPv4 unfragmented, IPv6 without extension headers. */
static unsigned udp_ip_hlen(const u8_t *ip, size_t len)
{
    if (len < 28)
        return 0;
    if ((ip[0] >> 4) == 4) {
        unsigned hl = (ip[0] & 15u) * 4u;
        if (hl < 20 || ip[9] != 17 || (get16(ip + 6) & 0x3fff) || len < hl + 8)
            return 0;
        return hl;
    }
    if ((ip[0] >> 4) == 6 && len >= 48 && ip[6] == 17)
        return 40;
    return 0;
}

/* Sets the lengths (and IPv4 header checksum) of a packet of total bytes. */
static void set_lengths(u8_t *ip, unsigned hl, unsigned total)
{
    if ((ip[0] >> 4) == 4) {
        put16(ip + 2, (u16_t)total);
        put16(ip + 10, 0);
        put16(ip + 10, (u16_t)~fold(sum16(0, ip, hl)));
    } else {
        put16(ip + 4, (u16_t)(total - 40));
    }
    put16(ip + hl + 4, (u16_t)(total - hl));
}

/* ------------------------------------------------------------------ */
/* TUN -> stack                                                        */

int train_split(const u8_t *pkt, size_t len, u16_t seg, void (*deliver)(struct pbuf *p))
{
    unsigned hl = udp_ip_hlen(pkt, len);
    if (!hl || !seg || len <= hl + 8u)
        return -1;
    size_t payload = len - hl - 8;
    u16_t id = (pkt[0] >> 4) == 4 ? get16(pkt + 4) : 0;
    int n = 0;
    for (size_t off = 0; off < payload; off += seg, n++) {
        size_t l = payload - off < seg ? payload - off : seg;
        unsigned total = hl + 8 + (unsigned)l;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)total, PBUF_RAM);
        if (!p) {
            ctr.input_drops++;
            continue;
        }
        u8_t *d = p->payload;
        memcpy(d, pkt, hl + 8);
        memcpy(d + hl + 8, pkt + hl + 8 + off, l);
        set_lengths(d, hl, total);
        if ((d[0] >> 4) == 4)
            put16(d + 4, (u16_t)(id + n)), put16(d + 10, 0), put16(d + 10, (u16_t)~fold(sum16(0, d, hl)));
        put16(d + hl + 6, 0);
#if CHECKSUM_CHECK_UDP
        /* each datagram gets its full checksum (0 is sent as 0xffff) */
        u16_t c = (u16_t)~fold(sum16(pseudo_sum(d, total - hl), d + hl, total - hl));
        put16(d + hl + 6, c ? c : 0xffff);
#else
        /* A stack built with CHECKSUM_CHECK_UDP 0 verifies no UDP checksum,
         * and the kernel handed a train whose datagrams were never summed
         * (a partial checksum).  Summing every byte here was three quarters
         * of the relay's instructions per datagram.  The field holds the
         * datagram's pseudo-header sum, as a partial checksum does (what
         * the train's field held for the train), and never 0: over IPv6 a
         * zero checksum is refused whatever the stack verifies (RFC 8200
         * 8.1). */
        u16_t c = fold(pseudo_sum(d, total - hl));
        put16(d + hl + 6, c ? c : 0xffff);
#endif
        deliver(p);
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* stack -> TUN                                                        */

#define TRAIN_MAX 65535u
#define TRAIN_SEGS 64u /* the kernel's per-train limit is at least this (UDP_MAX_SEGMENTS) */

static _Thread_local u8_t train_buf[TRAIN_MAX]; /* this thread's train */
static _Thread_local unsigned train_hl, train_len, train_seg, train_n;
static _Thread_local int train_closed; /* a shorter datagram ended the run */

static int same_flow(const u8_t *a, const u8_t *b, unsigned hl)
{
    if ((a[0] >> 4) == 4)
        return memcmp(a + 12, b + 12, 8) == 0 && memcmp(a + hl, b + hl, 4) == 0 && a[8] == b[8];
    return memcmp(a + 8, b + 8, 32) == 0 && memcmp(a + 40, b + 40, 4) == 0;
}

void train_flush(void)
{
    if (!train_n)
        return;
    struct iovec iov = {train_buf, train_len};
    if (train_n == 1) {
        tun_write_raw(&iov, NULL);
    } else {
        u8_t *ip = train_buf;
        set_lengths(ip, train_hl, train_len);
        /* the checksum field holds the pseudo-header sum over the whole
         * train; the kernel adjusts it for each datagram's length */
        put16(ip + train_hl + 6, fold(pseudo_sum(ip, train_len - train_hl)));
        tern_tun_meta m;
        memset(&m, 0, sizeof(m));
        m.flags = TERN_TUN_META_NEEDS_CSUM;
        m.gso_type = TERN_TUN_GSO_UDP_L4;
        m.gso_size = (u16_t)train_seg;
        m.hdr_len = (u16_t)(train_hl + 8);
        m.csum_start = (u16_t)train_hl;
        m.csum_offset = 6;
        tun_write_raw(&iov, &m);
        ctr.trains_out++;
    }
    train_n = 0;
}

int train_add(struct pbuf *p)
{
    u8_t hdr[68];
    u16_t hn = pbuf_copy_partial(p, hdr, sizeof(hdr) < p->tot_len ? (u16_t)sizeof(hdr) : p->tot_len, 0);
    unsigned hl = udp_ip_hlen(hdr, hn);
    if (!hl || hn < hl + 8) {
        train_flush();
        return 0;
    }
    unsigned seg = p->tot_len - hl - 8;
    if (!seg) {
        train_flush();
        return 0;
    }
    if (train_n && !train_closed && train_hl == hl && seg <= train_seg && train_n < TRAIN_SEGS &&
        train_len + seg <= TRAIN_MAX && same_flow(train_buf, hdr, hl)) {
        pbuf_copy_partial(p, train_buf + train_len, (u16_t)seg, (u16_t)(hl + 8));
        train_len += seg;
        train_n++;
        train_closed = seg < train_seg;
        return 1;
    }
    train_flush();
    pbuf_copy_partial(p, train_buf, p->tot_len, 0);
    train_hl = hl;
    train_len = p->tot_len;
    train_seg = seg;
    train_n = 1;
    train_closed = 0;
    return 1;
}
