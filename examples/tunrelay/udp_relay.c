/* udp_relay.c: UDP sessions (tunrelay): one connected kernel socket per
 * (client, destination) flow, found by hash, expired least recently used
 * first after --udp-timeout. */
#include "relay.h"

/* <netinet/udp.h> would clash with lwIP's UDP names: its constants */
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* Linux 4.18 */
#endif
#ifndef UDP_GRO
#define UDP_GRO 104 /* Linux 5.0 */
#endif

/* ------------------------------------------------------------------ */
/* UDP sessions                                                        */


static _Thread_local usess *uhash[UDP_HASH]; /* this thread's sessions */
static _Thread_local usess *lru_head, *lru_tail;

static int ip_same(const ip_addr_t *a, const ip_addr_t *b)
{
    if (IP_IS_V6(a) != IP_IS_V6(b))
        return 0;
    if (IP_IS_V6(a))
        return memcmp(ip_2_ip6(a)->addr, ip_2_ip6(b)->addr, 16) == 0;
    return ip4_addr_get_u32(ip_2_ip4(a)) == ip4_addr_get_u32(ip_2_ip4(b));
}

static unsigned ip_hash(const ip_addr_t *a)
{
    if (IP_IS_V6(a)) {
        const u32_t *w = ip_2_ip6(a)->addr;
        return w[0] ^ w[1] ^ w[2] ^ w[3];
    }
    return ip4_addr_get_u32(ip_2_ip4(a));
}

static unsigned usess_hash(const ip_addr_t *ci, u16_t cp, const ip_addr_t *di, u16_t dp)
{
    unsigned h = ip_hash(ci) * 2654435761u ^ ip_hash(di) * 40503u ^ ((unsigned)cp << 16 | dp);
    h ^= h >> 15;
    return h % UDP_HASH;
}

static void lru_unlink(usess *s)
{
    if (s->lprev)
        s->lprev->lnext = s->lnext;
    else
        lru_head = s->lnext;
    if (s->lnext)
        s->lnext->lprev = s->lprev;
    else
        lru_tail = s->lprev;
    s->lprev = s->lnext = NULL;
}

static void lru_append(usess *s)
{
    s->lprev = lru_tail;
    s->lnext = NULL;
    if (lru_tail)
        lru_tail->lnext = s;
    else
        lru_head = s;
    lru_tail = s;
}

/* ------------------------------------------------------------------ */
/* client -> server: UDP_SEGMENT                                       */

/* Datagrams of one session that the stack delivers back to back, all of
 * one size but the last, leave in one sendmsg with UDP_SEGMENT (Linux's
 * UDP GSO): one syscall and one trip through the kernel's UDP stack for up
 * to UP_SEGS datagrams.  The segment size must fit the route's MTU (the
 * kernel answers EINVAL otherwise): then they go one by one. */
#define UP_SEGS 64
#define UP_MAX 65000u
#define UP_SEG_MAX 1452u /* IPv6 + UDP in a 1500-byte MTU */
static _Thread_local usess *up_s;
static _Thread_local u8_t up_buf[UP_MAX];
static _Thread_local unsigned up_len, up_seg, up_n;
static _Thread_local int up_closed;

static void up_send_one(usess *s, const void *d, size_t l)
{
    if (send(s->fd, d, l, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        ctr.udp_drops++;
    else
        ctr.udp_up++;
}

static void up_flush(void)
{
    if (!up_n)
        return;
    usess *s = up_s;
    unsigned n = up_n;
    up_n = 0;
    up_s = NULL;
    if (n == 1) {
        up_send_one(s, up_buf, up_len);
        return;
    }
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof(u));
    struct iovec iov = {up_buf, up_len};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t seg = (uint16_t)up_seg;
    memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
    if (sendmsg(s->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) {
        ctr.udp_up += n;
        ctr.seg_sends++;
        return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
        ctr.udp_drops += n;
        return;
    }
    /* EINVAL (segment larger than the path MTU), EIO (no checksum offload
     * on the route's device): one by one */
    for (unsigned off = 0; off < up_len; off += up_seg)
        up_send_one(s, up_buf + off, up_len - off < up_seg ? up_len - off : up_seg);
}

static void up_queue(usess *s, struct pbuf *p)
{
    unsigned l = p->tot_len;
    if (up_n && up_s == s && !up_closed && l && l <= up_seg && up_n < UP_SEGS && up_len + l <= UP_MAX) {
        pbuf_copy_partial(p, up_buf + up_len, (u16_t)l, 0);
        up_len += l;
        up_n++;
        up_closed = l < up_seg;
        return;
    }
    up_flush();
    if (!l || l > UP_SEG_MAX) {
        u16_t c = pbuf_copy_partial(p, up_buf, (u16_t)(l < UP_MAX ? l : UP_MAX), 0);
        up_send_one(s, up_buf, c);
        return;
    }
    pbuf_copy_partial(p, up_buf, (u16_t)l, 0);
    up_s = s;
    up_len = up_seg = l;
    up_n = 1;
    up_closed = 0;
}

void relay_flush(void)
{
    up_flush();
    train_flush();
}

static void usess_free(usess *s)
{
    if (up_s == s)
        up_flush();
    unsigned h = usess_hash(&s->cli_ip, s->cli_port, &s->dst_ip, s->dst_port);
    for (usess **pp = &uhash[h]; *pp; pp = &(*pp)->hnext)
        if (*pp == s) {
            *pp = s->hnext;
            break;
        }
    lru_unlink(s);
    close_socket(s->fd, 0); /* also removes it from epoll */
    ctr.udp_open--;
    free(s);
}

static usess *usess_get(struct udp_pcb *pcb, const ip_addr_t *ci, u16_t cp, const ip_addr_t *di, u16_t dp)
{
    unsigned h = usess_hash(ci, cp, di, dp);
    for (usess *s = uhash[h]; s; s = s->hnext)
        if (s->cli_port == cp && s->dst_port == dp && ip_same(&s->cli_ip, ci) && ip_same(&s->dst_ip, di))
            return s;
    usess *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->src.kind = SRC_UDP;
    ip_addr_copy(s->cli_ip, *ci);
    ip_addr_copy(s->dst_ip, *di);
    s->cli_port = cp;
    s->dst_port = dp;
    s->pcb = pcb;
    struct sockaddr_storage to;
    socklen_t tolen = flow_target(di, dp, &to);
    s->fd = new_socket(to.ss_family, SOCK_DGRAM);
    if (s->fd < 0) {
        free(s);
        return NULL;
    }
    if (connect(s->fd, (struct sockaddr *)&to, tolen) < 0) {
        close_socket(s->fd, 0);
        free(s);
        return NULL;
    }
    /* Room for about 20 ms of a fast flow (1 MiB: some 450 datagrams of
     * 1200 bytes at the kernel's per-buffer overhead), like the 500
     * packets the TUN queues the other way: the default (about 200 KiB)
     * overflows whenever a loaded machine leaves the relay without a CPU
     * for a few milliseconds.  FORCE passes rmem_max (the relay has
     * CAP_NET_ADMIN for the TUN anyway); memory is charged only while
     * datagrams wait. */
    int rcv = 1 << 20;
    if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
        setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
    if (cfg.udp_gro) {
        /* the kernel may hand us several datagrams of one sender as one
         * read, their size in a cmsg (udp_readable cuts them again) */
        int on = 1;
        setsockopt(s->fd, SOL_UDP, UDP_GRO, &on, sizeof(on));
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &s->src};
    epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev);
    if (cfg.verbose) {
        char a[64], b[64];
        fprintf(stderr, "tunrelay: udp session %s:%u -> %s:%u\n", ipaddr_ntoa_r(ci, a, sizeof(a)), cp,
                ipaddr_ntoa_r(di, b, sizeof(b)), dp);
    }
    s->hnext = uhash[h];
    uhash[h] = s;
    lru_append(s);
    ctr.udp_open++;
    ctr.udp_total++;
    return s;
}

static void udp_from_client(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *ci, u16_t cp,
                            const ip_addr_t *di, u16_t dp)
{
    usess *s = usess_get(pcb, ci, cp, di, dp);
    if (!s) {
        ctr.udp_drops++;
        pbuf_free(p);
        return;
    }
    if (cfg.udp_segment) {
        up_queue(s, p);
    } else {
        struct iovec iov[16];
        int cnt = 0;
        for (struct pbuf *q = p; q && cnt < 16; q = q->next)
            iov[cnt++] = (struct iovec){q->payload, q->len};
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};
        if (sendmsg(s->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
            ctr.udp_drops++;
        else
            ctr.udp_up++;
    }
    s->last = sys_now();
    lru_unlink(s);
    lru_append(s);
    pbuf_free(p);
}

#if TUN2SOCKS
/* tun2socks lwIP: every datagram, with its original destination. */
void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port,
                   const ip_addr_t *dest_addr, u16_t dest_port)
{
    (void)arg;
    udp_from_client(pcb, p, addr, port, dest_addr, dest_port);
}
#else
/* stock lwIP: datagrams to one of our --listen addresses and ports. */
void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    udp_from_client(pcb, p, addr, port, &pcb->local_ip, pcb->local_port);
}
#endif

/* One datagram from the server to the client, through the stack. */
static void udp_to_client(usess *s, const u8_t *d, size_t n)
{
    if (n > 0xffff - 48)
        return;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
    if (!p) {
        ctr.udp_drops++;
        return;
    }
    pbuf_take(p, d, (u16_t)n);
#if TUN2SOCKS
    err_t e = udp_sendto(s->pcb, p, &s->cli_ip, s->cli_port, &s->dst_ip, s->dst_port);
#else
    err_t e = udp_sendto(s->pcb, p, &s->cli_ip, s->cli_port);
#endif
    pbuf_free(p);
    if (e == ERR_OK)
        ctr.udp_down++;
    else
        ctr.udp_drops++;
}

/* server -> client: recvmmsg reads up to UDP_RX_BATCH datagrams (or
 * UDP_GRO trains) per syscall instead of one; each buffer holds a whole
 * GRO train (up to 64 KiB), so nothing is cut short.  Thread-local, as
 * every thread serves its own sessions. */
#define UDP_RX_BATCH 16
#define UDP_RX_ROUNDS 4 /* at most 64 reads per wake-up, as before: other sources get their turn */
#define UDP_RX_BUF 65536
static _Thread_local u8_t udp_rx_buf[UDP_RX_BATCH][UDP_RX_BUF];

/* The datagram size of a UDP_GRO read of n bytes (n itself when the
 * kernel coalesced nothing). */
static size_t gro_segment(struct msghdr *mh, size_t n)
{
    size_t seg = n;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
        if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
            int g;
            memcpy(&g, CMSG_DATA(cm), sizeof(g));
            if (g > 0 && (size_t)g < n) {
                seg = (size_t)g; /* several datagrams of g bytes, the last maybe shorter */
                ctr.gro_reads++;
            }
        }
    return seg;
}

void udp_readable(usess *s)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } cbuf[UDP_RX_BATCH];
    struct iovec iov[UDP_RX_BATCH];
    struct mmsghdr mm[UDP_RX_BATCH];
    for (int round = 0; round < UDP_RX_ROUNDS; round++) {
        for (int i = 0; i < UDP_RX_BATCH; i++) {
            iov[i] = (struct iovec){udp_rx_buf[i], UDP_RX_BUF};
            mm[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = cbuf[i].buf,
                                            .msg_controllen = sizeof(cbuf[i].buf)};
            mm[i].msg_len = 0;
        }
        int got = recvmmsg(s->fd, mm, UDP_RX_BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0)
            break; /* EAGAIN, or an ICMP error reported on the connected socket */
        for (int i = 0; i < got; i++) {
            size_t n = mm[i].msg_len;
            if (n == 0) {
                udp_to_client(s, udp_rx_buf[i], 0);
                continue;
            }
            size_t seg = gro_segment(&mm[i].msg_hdr, n);
            for (size_t off = 0; off < n; off += seg)
                udp_to_client(s, udp_rx_buf[i] + off, n - off < seg ? n - off : seg);
        }
        if (got < UDP_RX_BATCH)
            break; /* drained: epoll says when there is more */
    }
    s->last = sys_now();
    lru_unlink(s);
    lru_append(s);
}

void udp_expire(int all)
{
    relay_flush();
    u32_t now = sys_now();
    while (lru_head && (all || (u32_t)(now - lru_head->last) >= cfg.udp_timeout_ms))
        usess_free(lru_head);
}
