/* tun_io.c: the TUN device and the netif (tunrelay).
 *
 * Packets the stack sends leave through tun_output (one writev per packet,
 * with the virtio-net header's GSO fields for the stack's TSO bursts);
 * packets read from the TUN go to the netif's input.  Optionally every
 * packet both ways is written to a pcap file. */
#include "relay.h"

/* ------------------------------------------------------------------ */
/* pcap (LINKTYPE_RAW)                                                 */

kit_pcap *pcap_out;

void pcap_open(const char *path)
{
    /* a large buffer: the main loop flushes once a second */
    pcap_out = kit_pcap_open(path, 1 << 20);
    if (!pcap_out) {
        fprintf(stderr, "tunrelay: cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
}

/* One file for every queue's thread: records are written whole under the lock. */
static pthread_mutex_t pcap_lock = PTHREAD_MUTEX_INITIALIZER;

static void pcap_write(const struct iovec *iov, int n)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    pthread_mutex_lock(&pcap_lock);
    kit_pcap_write(pcap_out, iov, n, (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
    pthread_mutex_unlock(&pcap_lock);
}

void pcap_flush(void)
{
    pthread_mutex_lock(&pcap_lock);
    kit_pcap_flush(pcap_out);
    pthread_mutex_unlock(&pcap_lock);
}

/* ------------------------------------------------------------------ */
/* TUN <-> netif                                                       */

static err_t tun_output(struct netif *n, struct pbuf *p)
{
    (void)n;
    struct iovec iov[TERN_TUN_MAX_IOV];
    int cnt = 0;
    struct pbuf *q;
    tern_tun_meta *mp = NULL;
#ifdef TERN_HAVE_TSO
    tern_tun_meta meta;
    u16_t gso = netif_tern_tx_gso_size(n);
    if (gso) {
        /* One TCP packet of many segments: the kernel cuts it (and
         * completes each checksum). */
        const u8_t *ip = p->payload;
        u16_t iphl = (ip[0] >> 4) == 4 ? (u16_t)((ip[0] & 15) * 4) : 40;
        memset(&meta, 0, sizeof(meta));
        meta.flags = TERN_TUN_META_NEEDS_CSUM;
        meta.gso_type = (ip[0] >> 4) == 4 ? TERN_TUN_GSO_TCPV4 : TERN_TUN_GSO_TCPV6;
        meta.gso_size = gso;
        meta.csum_start = iphl;
        meta.csum_offset = 16;
        meta.hdr_len = (u16_t)(iphl + (p->len > iphl + 12 ? (((const u8_t *)p->payload)[iphl + 12] >> 4) * 4 : 20));
        mp = &meta;
    }
#endif
    for (q = p; q && cnt < TERN_TUN_MAX_IOV; q = q->next)
        if (q->len)
            iov[cnt++] = (struct iovec){q->payload, q->len};
    if (q) { /* a very long chain: flatten it */
        u16_t l = pbuf_copy_partial(p, relay_buf, p->tot_len, 0);
        iov[0] = (struct iovec){relay_buf, l};
        cnt = 1;
    }
    if (pcap_out)
        pcap_write(iov, cnt);
    if (tern_tun_write(tun, tun_q, iov, cnt, mp) < 0)
        ctr.tun_drops++;
    return ERR_OK;
}

/* One packet (or UDP train) from udp_train.c. */
void tun_write_raw(const struct iovec *iov, const tern_tun_meta *meta)
{
    if (pcap_out)
        pcap_write(iov, 1);
    if (tern_tun_write(tun, tun_q, iov, 1, meta) < 0)
        ctr.tun_drops++;
}

/* With USO, UDP datagrams are gathered into trains (udp_train.c); any
 * other packet first writes the pending train, so the order on the TUN
 * stays the stack's. */
static err_t tun_output_any(struct netif *n, struct pbuf *p)
{
    if (uso_on) {
        const u8_t *ip = p->payload;
        int udp = p->len >= 10 && (((ip[0] >> 4) == 4 && ip[9] == 17) || ((ip[0] >> 4) == 6 && ip[6] == 17));
        if (udp && train_add(p))
            return ERR_OK;
        train_flush();
    }
    return tun_output(n, p);
}

err_t tun_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    return tun_output_any(n, p);
}

err_t tun_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
    (void)a;
    return tun_output_any(n, p);
}

static _Thread_local struct pbuf *rx_pbufs[TUN_BATCH]; /* this thread's queue's buffers */

int offload_on;

/* Keeps the receive buffers a batch did not use at the front of the ring. */
static void compact_rx(int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (rx_pbufs[i]) {
            struct pbuf *t = rx_pbufs[i];
            rx_pbufs[i] = NULL;
            rx_pbufs[k++] = t;
        }
}

/* A received packet, handed to the stack (which then owns p). */
static void tun_deliver(struct pbuf *p)
{
    if (pcap_out) {
        struct iovec v = {p->payload, p->len};
        pcap_write(&v, 1);
    }
    if (nif->input(p, nif) != ERR_OK) {
        pbuf_free(p);
        ctr.input_drops++;
    }
}

/* Reads the TUN straight into pbufs and hands each packet to the stack,
 * with the service pass after every read; a round ends with the flush of
 * what it made (relay_flush: a UDP flow's datagrams leave in one
 * sendmsg), and up to 64 rounds run per wake-up.
 * Without offloads, TUN_BATCH pbufs of the MTU's size take one packet each.
 * With offloads, OFFLOAD_BATCH 64 KiB pbufs: a large packet (a TSO burst
 * of up to 44 segments, a UDP train) is handed over in its buffer, a small
 * one (a datagram, an ACK, a request) is copied into a pbuf of its size and
 * the buffer is read into again.  A round takes TUN_BATCH packets, or
 * OFFLOAD_BATCH large ones, or what the TUN holds, whichever is fewer:
 * rounds of 8 small packets made a sendmsg, and a wake-up of the server,
 * per 8 datagrams, which cost the relay 2.3 times lwIP's CPU per datagram
 * on a TUN with offloads but without USO (kernels before 6.2). */
#define OFFLOAD_BATCH 8
/* Reads up to want packets into the first bufs receive buffers and hands
 * them to the stack.  Returns the packets read (-1 on a read error); *dry
 * says the TUN held fewer, *big counts the 64 KiB buffers handed over or
 * read as a UDP train (with offloads only). */
static int read_some(int bufs, int want, u16_t cap, size_t copy_max, int *big, int *dry)
{
    tern_tun_packet pk[TUN_BATCH];
    int have = 0;
    while (have < bufs && have < want) {
        if (!rx_pbufs[have])
            rx_pbufs[have] = pbuf_alloc(PBUF_RAW, cap, PBUF_RAM);
        if (!rx_pbufs[have])
            break;
        pk[have].data = rx_pbufs[have]->payload;
        pk[have].cap = cap;
        have++;
    }
    if (!have) {
        *dry = 1; /* no memory for a buffer: try again at the next wake-up */
        return 0;
    }
    int n = tern_tun_read_batch(tun, tun_q, pk, have);
    if (n < 0) {
        fprintf(stderr, "tunrelay: %s\n", tern_tun_last_error());
        return -1;
    }
    *dry = n < have;
    for (int i = 0; i < n; i++) {
        struct pbuf *p;
        if (pk[i].meta.gso_type == TERN_TUN_GSO_UDP_L4) {
            /* a UDP train: one pbuf per datagram, the buffer stays */
            if (train_split(pk[i].data, pk[i].len, pk[i].meta.gso_size, tun_deliver) < 0)
                ctr.input_drops++;
            else
                ctr.trains_in++;
            (*big)++;
            continue;
        }
        if (copy_max && pk[i].len <= copy_max) {
            p = pbuf_alloc(PBUF_RAW, (u16_t)pk[i].len, PBUF_RAM);
            if (!p) {
                ctr.input_drops++;
                continue;
            }
            memcpy(p->payload, pk[i].data, pk[i].len);
        } else {
            p = rx_pbufs[i];
            rx_pbufs[i] = NULL;
            pbuf_realloc(p, (u16_t)pk[i].len);
            if (copy_max)
                (*big)++;
        }
        tun_deliver(p);
    }
    compact_rx(bufs);
    return n;
}

void tun_readable(void)
{
    int bufs = offload_on ? OFFLOAD_BATCH : TUN_BATCH;
    u16_t cap = offload_on ? OFFLOAD_RX_MAX : (u16_t)(tern_tun_mtu(tun) > 65535 ? 65535 : tern_tun_mtu(tun));
    size_t copy_max = offload_on ? OFFLOAD_RX_COPY : 0;
    for (int round = 0; round < 64 && !quit; round++) {
        int got = 0, big = 0;
        int dry = 0;
        while (!dry && got < TUN_BATCH && big < OFFLOAD_BATCH) {
            int n = read_some(bufs, TUN_BATCH - got, cap, copy_max, &big, &dry);
            if (n < 0)
                return;
            got += n;
            /* TCP's service pass after every read: the send buffers the
             * ACKs just freed wait for it (one pass per 64 ACKs cost a
             * 1-stream download 2 to 4% of its speed) */
            run_service();
        }
        relay_flush();
        if (dry)
            return;
    }
}

/* Frees the receive buffers (at exit). */
void tun_rx_release(void)
{
    for (int i = 0; i < TUN_BATCH; i++)
        if (rx_pbufs[i]) {
            pbuf_free(rx_pbufs[i]);
            rx_pbufs[i] = NULL;
        }
}
