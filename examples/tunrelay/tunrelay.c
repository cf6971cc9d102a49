/* tunrelay: a tun2socks-style relay written only against lwIP 2.1's raw API.
 *
 * One source, two builds:
 *  - tunrelay-lwip: Debian's stock liblwip.  Stock lwIP only accepts what is
 *    addressed to its own netif, so this build serves the addresses and
 *    ports given with --listen and forwards to --upstream (or --socks5).
 *  - tunrelay-tern: tern's lwIP compat with TUN2SOCKS 1 (as go-tun2socks and
 *    netstack-lwip build lwIP): one listener on IP_ANY_TYPE port 0 accepts
 *    every SYN, the accepted pcb's local_ip/local_port are the original
 *    destination, and one UDP pcb receives every datagram.
 * `#if TUN2SOCKS` marks the only places where the two APIs differ.
 *
 * Structure: one thread, one epoll loop.  Packets read from the TUN (in
 * batches, each read straight into a pbuf) go to the netif's input; the
 * netif's output callbacks write packets to the TUN.  lwIP callbacks never
 * do socket I/O: they queue data and mark the connection for service; the
 * service pass, run after every batch of TUN packets, every epoll wake-up
 * and every timer run, moves bytes between pcbs and kernel sockets.  That
 * batches socket writes (one writev per connection per TUN batch) and keeps
 * tcp_abort out of lwIP callbacks.
 *
 * Back-pressure: client->server bytes stay in their pbufs until the kernel
 * socket took them; only then tcp_recved() opens lwIP's window (so at most
 * TCP_WND bytes wait per connection).  server->client: the socket is read
 * only when tcp_sndbuf() has room (EPOLLIN is off otherwise) and at most
 * what fits; the sent callback resumes reading. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "port/tun.h"

#ifndef TUN2SOCKS
#define TUN2SOCKS 0
#endif

/* <netinet/tcp.h> would clash with lwIP's TCP_MSS: its one constant we use */
#define SOCK_TCP_NODELAY 1

#define RELAY_BUF 65536        /* largest socket read */
#define TUN_BATCH 64           /* packets per TUN read batch */
#define MAX_IOV 128            /* pbufs per writev to a socket */
#define UDP_HASH 4096
/* Read from a server socket only when tcp_sndbuf() has this much room.
 * tcp_sndbuf() reports at most 0xffff (lwIP clamps it to 16 bits even with
 * window scaling), so the mark must stay below that. */
#define LOW_WATER_RAW (TCP_SND_BUF / 4 > TCP_MSS ? TCP_SND_BUF / 4 : TCP_MSS)
#define LOW_WATER (LOW_WATER_RAW < 0x8000 ? LOW_WATER_RAW : 0x8000)

/* ------------------------------------------------------------------ */
/* configuration                                                       */

#define MAX_LISTEN 16
#define MAX_PORTS 64

typedef struct listen_spec {
    ip_addr_t addr;
    u16_t ports[MAX_PORTS];
    int nports;
} listen_spec;

static struct {
    tern_tun_options tun;
    listen_spec listen[MAX_LISTEN];
    int nlisten;
    int have_upstream;
    struct sockaddr_storage upstream;
    socklen_t upstream_len;
    u16_t upstream_port; /* 0: the original port */
    int have_socks;
    struct sockaddr_storage socks;
    socklen_t socks_len;
    unsigned mark;
    const char *pcap;
    int stats;
    unsigned udp_timeout_ms;
    int verbose;
    int offload; /* -1 auto, 0 off, 1 on */
} cfg;

/* Kernel offloads on the TUN (virtio-net header): the kernel hands us TCP
 * packets up to 64 KiB with partial checksums.  A stack can take them only
 * when it does not verify received checksums (lwIP's CHECKSUM_CHECK_* 0,
 * which is how netstack-lwip builds it) and accepts segments longer than
 * its MSS (both lwIP and tern do).  "auto" turns them on exactly then. */
#if CHECKSUM_CHECK_IP == 0 && CHECKSUM_CHECK_TCP == 0 && CHECKSUM_CHECK_UDP == 0
#define STACK_TAKES_PARTIAL_CSUM 1
#else
#define STACK_TAKES_PARTIAL_CSUM 0
#endif
#define OFFLOAD_RX_MAX 65535 /* largest packet the kernel's TSO hands us */
#define OFFLOAD_RX_COPY 2048 /* packets up to this size are copied out of the big buffers */

/* ------------------------------------------------------------------ */
/* counters                                                            */

static struct {
    long conns_open, pcbs_live, fds_open, udp_open;
    unsigned long long conns_total, conns_failed, conns_reset, up_bytes, down_bytes;
    unsigned long long udp_total, udp_up, udp_down, udp_drops, tun_drops, input_drops;
} ctr;

static int proc_fds_baseline;

static int count_proc_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own fd */
}

/* ------------------------------------------------------------------ */
/* event sources                                                       */

enum { SRC_TUN = 1, SRC_SIG, SRC_CONN, SRC_UDP, SRC_DEAD };
typedef struct evsrc {
    int kind;
} evsrc;

static int epfd = -1;
static tern_tun *tun;
static struct netif *nif;
static evsrc tun_src = {SRC_TUN}, sig_src = {SRC_SIG};
static int sigfd = -1;
static volatile int quit;
static u8_t relay_buf[RELAY_BUF];

/* ------------------------------------------------------------------ */
/* pcap (LINKTYPE_RAW)                                                 */

static FILE *pcap_fp;

static void pcap_open(const char *path)
{
    pcap_fp = fopen(path, "wb");
    if (!pcap_fp) {
        fprintf(stderr, "tunrelay: cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
    setvbuf(pcap_fp, NULL, _IOFBF, 1 << 20);
    struct {
        uint32_t magic;
        uint16_t major, minor;
        int32_t zone;
        uint32_t sigfigs, snaplen, linktype;
    } h = {0xa1b2c3d4u, 2, 4, 0, 0, 65535, 101 /* LINKTYPE_RAW */};
    fwrite(&h, sizeof(h), 1, pcap_fp);
}

static void pcap_write(const struct iovec *iov, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += iov[i].iov_len;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    size_t cap = len > 65535 ? 65535 : len;
    uint32_t rec[4] = {(uint32_t)ts.tv_sec, (uint32_t)(ts.tv_nsec / 1000), (uint32_t)cap, (uint32_t)len};
    fwrite(rec, sizeof(rec), 1, pcap_fp);
    for (int i = 0; i < n && cap; i++) {
        size_t l = iov[i].iov_len < cap ? iov[i].iov_len : cap;
        fwrite(iov[i].iov_base, 1, l, pcap_fp);
        cap -= l;
    }
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
    if (pcap_fp)
        pcap_write(iov, cnt);
    if (tern_tun_write(tun, 0, iov, cnt, mp) < 0)
        ctr.tun_drops++;
    return ERR_OK;
}

static err_t tun_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    return tun_output(n, p);
}

static err_t tun_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
    (void)a;
    return tun_output(n, p);
}

static void run_service(void);

static struct pbuf *rx_pbufs[TUN_BATCH];

static int offload_on;

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
    if (pcap_fp) {
        struct iovec v = {p->payload, p->len};
        pcap_write(&v, 1);
    }
    if (nif->input(p, nif) != ERR_OK) {
        pbuf_free(p);
        ctr.input_drops++;
    }
}

/* With offloads, the batch reads into a few 64 KiB pbufs: a large packet
 * is handed over in its buffer (one syscall for up to 44 segments), a
 * small one (ACKs, requests) is copied into a pbuf of its size, so the
 * big buffers are reused and memory stays small. */
#define OFFLOAD_BATCH 8
static void tun_readable_offload(void)
{
    tern_tun_packet pk[OFFLOAD_BATCH];
    for (int round = 0; round < 64 && !quit; round++) {
        int have = 0;
        for (int i = 0; i < OFFLOAD_BATCH; i++) {
            if (!rx_pbufs[i])
                rx_pbufs[i] = pbuf_alloc(PBUF_RAW, OFFLOAD_RX_MAX, PBUF_RAM);
            if (!rx_pbufs[i])
                break;
            pk[i].data = rx_pbufs[i]->payload;
            pk[i].cap = OFFLOAD_RX_MAX;
            have++;
        }
        if (!have)
            return;
        int n = tern_tun_read_batch(tun, 0, pk, have);
        if (n < 0) {
            fprintf(stderr, "tunrelay: %s\n", tern_tun_last_error());
            return;
        }
        for (int i = 0; i < n; i++) {
            struct pbuf *p;
            if (pk[i].len <= OFFLOAD_RX_COPY) {
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
            }
            tun_deliver(p);
        }
        compact_rx(OFFLOAD_BATCH);
        run_service();
        if (n < have)
            return;
    }
}

static void tun_readable(void)
{
    if (offload_on) {
        tun_readable_offload();
        return;
    }
    tern_tun_packet pk[TUN_BATCH];
    u16_t cap = (u16_t)(tern_tun_mtu(tun) > 65535 ? 65535 : tern_tun_mtu(tun));
    for (int round = 0; round < 64 && !quit; round++) {
        int have = 0;
        for (int i = 0; i < TUN_BATCH; i++) {
            if (!rx_pbufs[i])
                rx_pbufs[i] = pbuf_alloc(PBUF_RAW, cap, PBUF_RAM);
            if (!rx_pbufs[i])
                break;
            pk[i].data = rx_pbufs[i]->payload;
            pk[i].cap = cap;
            have++;
        }
        if (!have)
            return;
        int n = tern_tun_read_batch(tun, 0, pk, have);
        if (n < 0) {
            fprintf(stderr, "tunrelay: %s\n", tern_tun_last_error());
            return;
        }
        for (int i = 0; i < n; i++) {
            struct pbuf *p = rx_pbufs[i];
            rx_pbufs[i] = NULL;
            pbuf_realloc(p, (u16_t)pk[i].len);
            tun_deliver(p);
        }
        compact_rx(TUN_BATCH);
        run_service();
        if (n < have)
            return;
    }
}

/* ------------------------------------------------------------------ */
/* address helpers                                                     */

static socklen_t ip_to_sockaddr(const ip_addr_t *ip, u16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (IP_IS_V6(ip)) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        memcpy(&s6->sin6_addr, ip_2_ip6(ip)->addr, 16);
        return sizeof(*s6);
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons(port);
    s4->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(ip));
    return sizeof(*s4);
}

static void set_port(struct sockaddr_storage *ss, u16_t port)
{
    if (ss->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)ss)->sin_port = htons(port);
}

static u16_t get_port(const struct sockaddr_storage *ss)
{
    return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
                                           : ((const struct sockaddr_in *)ss)->sin_port);
}

/* The kernel-side destination of a flow whose original destination is ip:port. */
static socklen_t flow_target(const ip_addr_t *ip, u16_t port, struct sockaddr_storage *ss)
{
    if (cfg.have_upstream) {
        *ss = cfg.upstream;
        set_port(ss, cfg.upstream_port ? cfg.upstream_port : port);
        return cfg.upstream_len;
    }
    return ip_to_sockaddr(ip, port, ss);
}

static int new_socket(int family, int type)
{
    int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (cfg.mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &cfg.mark, sizeof(cfg.mark)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    ctr.fds_open++;
    return fd;
}

static void close_socket(int fd, int rst)
{
    if (rst) {
        struct linger l = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    close(fd);
    ctr.fds_open--;
}

/* ------------------------------------------------------------------ */
/* TCP connections                                                     */

enum { C_CONNECTING, C_SOCKS_HELLO, C_SOCKS_REPLY, C_OPEN };

typedef struct conn {
    evsrc src;
    struct conn *prev, *next;     /* all connections */
    struct conn *svc_next;        /* service list */
    int in_svc;
    struct tcp_pcb *pcb;          /* NULL once freed by lwIP or handed back with tcp_close */
    int fd;                       /* kernel socket, -1 once closed */
    int state;
    uint32_t ev;                  /* epoll events seen since the last service */
    uint32_t mask;                /* events registered */
    unsigned client_fin : 1;      /* recv(NULL) seen */
    unsigned up_done : 1;         /* shutdown(SHUT_WR) done */
    unsigned server_eof : 1;      /* read() returned 0 */
    unsigned down_done : 1;       /* FIN queued with tcp_shutdown */
    unsigned pcb_reset : 1;       /* err callback: reset or aborted */
    unsigned want_pump : 1;
    unsigned hup : 1;             /* EPOLLHUP seen: fd taken out of epoll, read until EOF */
    /* client -> server: pbuf chains not yet written to the socket */
    struct pbuf **upq;
    int upq_head, upq_n, upq_cap;
    unsigned long up_queued;
    /* server -> client: bytes read that tcp_write refused (ERR_MEM) */
    u8_t *stash;
    u32_t stash_off, stash_len;
    /* SOCKS5 */
    u8_t sbuf[300];
    unsigned slen, sneed;
    struct sockaddr_storage target;
    socklen_t target_len;
} conn;

static conn *conns;
static conn *svc_head, **svc_tail = &svc_head;

static void svc_mark(conn *c)
{
    if (c->in_svc)
        return;
    c->in_svc = 1;
    c->svc_next = NULL;
    *svc_tail = c;
    svc_tail = &c->svc_next;
}

static void pcb_detach_callbacks(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
}

static void upq_free(conn *c)
{
    for (int i = c->upq_head; i < c->upq_n; i++)
        pbuf_free(c->upq[i]);
    free(c->upq);
    c->upq = NULL;
    c->upq_head = c->upq_n = c->upq_cap = 0;
    c->up_queued = 0;
}

/* Unlinks c; the memory is released by conn_reap() at the end of the loop
 * iteration, because the epoll batch being processed may still name it. */
static conn *graveyard;

static void conn_free(conn *c)
{
    upq_free(c);
    free(c->stash);
    c->stash = NULL;
    if (c->prev)
        c->prev->next = c->next;
    else
        conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    ctr.conns_open--;
    c->src.kind = SRC_DEAD;
    c->next = graveyard;
    graveyard = c;
}

static void conn_reap(void)
{
    while (graveyard) {
        conn *c = graveyard;
        graveyard = c->next;
        free(c);
    }
}

/* Resets both sides: RST to the client (tcp_abort) and to the server
 * (SO_LINGER 0).  Never called from inside an lwIP callback of c->pcb. */
static void conn_abort(conn *c, const char *why)
{
    if (cfg.verbose)
        fprintf(stderr, "tunrelay: connection %p reset: %s\n", (void *)c, why);
    ctr.conns_reset++;
    if (c->pcb) {
        pcb_detach_callbacks(c->pcb);
        tcp_abort(c->pcb);
        c->pcb = NULL;
        ctr.pcbs_live--;
    }
    if (c->fd >= 0) {
        close_socket(c->fd, 1);
        c->fd = -1;
    }
    c->state = -1; /* freed by the service pass */
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    conn *c = arg;
    (void)pcb;
    if (!c) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (err != ERR_OK && p) {
        pbuf_free(p);
        return ERR_OK;
    }
    if (!p) {
        c->client_fin = 1;
    } else {
        if (c->upq_n == c->upq_cap) {
            if (c->upq_head > 0) {
                memmove(c->upq, c->upq + c->upq_head, (size_t)(c->upq_n - c->upq_head) * sizeof(*c->upq));
                c->upq_n -= c->upq_head;
                c->upq_head = 0;
            } else {
                int ncap = c->upq_cap ? c->upq_cap * 2 : 16;
                struct pbuf **nq = realloc(c->upq, (size_t)ncap * sizeof(*nq));
                if (!nq)
                    return ERR_MEM; /* lwIP keeps p as refused data and retries */
                c->upq = nq;
                c->upq_cap = ncap;
            }
        }
        c->upq[c->upq_n++] = p;
        c->up_queued += p->tot_len;
    }
    svc_mark(c);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    conn *c = arg;
    (void)pcb;
    (void)len;
    if (c && (c->want_pump || c->stash_len || (c->server_eof && !c->down_done)))
        svc_mark(c);
    return ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    conn *c = arg;
    (void)pcb;
    if (c)
        svc_mark(c);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    conn *c = arg;
    if (!c)
        return;
    /* lwIP has freed the pcb already. */
    c->pcb = NULL;
    ctr.pcbs_live--;
    if (err == ERR_CLSD) { /* closed in order after our FIN: nothing lost */
        c->client_fin = 1;
        c->down_done = 1;
    } else {
        c->pcb_reset = 1;
    }
    svc_mark(c);
}

static void update_events(conn *c)
{
    c->want_pump = c->state == C_OPEN && c->pcb && !c->server_eof && !c->stash_len && c->fd >= 0 &&
                   tcp_sndbuf(c->pcb) < LOW_WATER; /* the sent callback resumes reading */
    if (c->fd < 0 || c->hup)
        return;
    uint32_t m = 0;
    switch (c->state) {
    case C_CONNECTING:
        m = EPOLLOUT;
        break;
    case C_SOCKS_HELLO:
    case C_SOCKS_REPLY:
        m = EPOLLIN;
        break;
    case C_OPEN:
        if (c->upq_head < c->upq_n)
            m |= EPOLLOUT;
        if (!c->server_eof && c->pcb && !c->stash_len && !c->want_pump)
            m |= EPOLLIN;
        break;
    }
    if (m != c->mask) {
        struct epoll_event ev = {.events = m, .data.ptr = &c->src};
        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        c->mask = m;
    }
}

static void tcp_recved_long(struct tcp_pcb *pcb, unsigned long n)
{
    while (n) {
        u16_t k = (u16_t)(n > 0xffff ? 0xffff : n);
        tcp_recved(pcb, k);
        n -= k;
    }
}

/* client -> server.  0, or -1 after aborting. */
static int flush_up(conn *c)
{
    unsigned long written = 0;
    while (c->upq_head < c->upq_n) {
        struct iovec iov[MAX_IOV];
        int cnt = 0;
        size_t want = 0;
        for (int i = c->upq_head; i < c->upq_n && cnt < MAX_IOV; i++)
            for (struct pbuf *q = c->upq[i]; q && cnt < MAX_IOV; q = q->next)
                if (q->len) {
                    iov[cnt++] = (struct iovec){q->payload, q->len};
                    want += q->len;
                }
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};
        ssize_t n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            conn_abort(c, "send to server failed");
            return -1;
        }
        written += (unsigned long)n;
        size_t left = (size_t)n;
        while (left) {
            struct pbuf *h = c->upq[c->upq_head];
            if (left >= h->tot_len) {
                left -= h->tot_len;
                pbuf_free(h);
                c->upq_head++;
            } else {
                c->upq[c->upq_head] = pbuf_free_header(h, (u16_t)left);
                left = 0;
            }
        }
        if ((size_t)n < want)
            break;
    }
    if (c->upq_head == c->upq_n)
        c->upq_head = c->upq_n = 0;
    if (written) {
        c->up_queued -= written;
        ctr.up_bytes += written;
        if (c->pcb)
            tcp_recved_long(c->pcb, written);
    }
    if (c->client_fin && !c->up_done && c->upq_head == c->upq_n) {
        shutdown(c->fd, SHUT_WR);
        c->up_done = 1;
    }
    return 0;
}

/* server -> client.  0, or -1 after aborting. */
static int pump_down(conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    int wrote = 0;
    if (!pcb || c->down_done)
        return 0;
    while (c->stash_len) {
        u32_t room = tcp_sndbuf(pcb);
        u32_t n = c->stash_len < room ? c->stash_len : room;
        if (n > 0xffff)
            n = 0xffff;
        if (!n)
            break;
        err_t e = tcp_write(pcb, c->stash + c->stash_off, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (e == ERR_MEM)
            break;
        if (e != ERR_OK) {
            conn_abort(c, "tcp_write failed");
            return -1;
        }
        c->stash_off += n;
        c->stash_len -= n;
        ctr.down_bytes += n;
        wrote = 1;
    }
    if (!c->stash_len && c->stash) {
        free(c->stash);
        c->stash = NULL;
        c->stash_off = 0;
    }
    while (!c->stash_len && !c->server_eof && c->fd >= 0) {
        u32_t room = tcp_sndbuf(pcb);
        if (room < LOW_WATER)
            break;
        size_t want = room < RELAY_BUF ? room : RELAY_BUF;
        ssize_t n = read(c->fd, relay_buf, want);
        if (n > 0) {
            size_t off = 0;
            while (off < (size_t)n) {
                size_t k = (size_t)n - off;
                if (k > 0xffff)
                    k = 0xffff;
                err_t e = tcp_write(pcb, relay_buf + off, (u16_t)k, TCP_WRITE_FLAG_COPY);
                if (e == ERR_MEM) {
                    c->stash = malloc((size_t)n - off);
                    if (!c->stash) {
                        conn_abort(c, "out of memory");
                        return -1;
                    }
                    memcpy(c->stash, relay_buf + off, (size_t)n - off);
                    c->stash_off = 0;
                    c->stash_len = (u32_t)((size_t)n - off);
                    break;
                }
                if (e != ERR_OK) {
                    conn_abort(c, "tcp_write failed");
                    return -1;
                }
                off += k;
                ctr.down_bytes += k;
            }
            wrote = 1;
            if ((size_t)n < want && !c->hup)
                break; /* drained: epoll says when there is more */
        } else if (n == 0) {
            c->server_eof = 1;
        } else {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            conn_abort(c, "read from server failed");
            return -1;
        }
    }
    if (c->server_eof && !c->stash_len && !c->down_done) {
        if (tcp_shutdown(pcb, 0, 1) == ERR_OK) {
            c->down_done = 1;
            wrote = 1;
        }
    }
    if (wrote)
        tcp_output(pcb);
    return 0;
}

static int socks_send_request(conn *c)
{
    u8_t m[22];
    unsigned l = 0;
    m[l++] = 5;
    m[l++] = 1; /* CONNECT */
    m[l++] = 0;
    if (c->target.ss_family == AF_INET6) {
        m[l++] = 4;
        memcpy(m + l, &((struct sockaddr_in6 *)&c->target)->sin6_addr, 16);
        l += 16;
    } else {
        m[l++] = 1;
        memcpy(m + l, &((struct sockaddr_in *)&c->target)->sin_addr, 4);
        l += 4;
    }
    u16_t port = htons(get_port(&c->target));
    memcpy(m + l, &port, 2);
    l += 2;
    return send(c->fd, m, l, MSG_NOSIGNAL) == (ssize_t)l ? 0 : -1;
}

/* Reads SOCKS5 handshake bytes without reading past the reply.  1: done,
 * 0: need more, -1: failure. */
static int socks_read(conn *c)
{
    for (;;) {
        ssize_t n = read(c->fd, c->sbuf + c->slen, c->sneed - c->slen);
        if (n < 0)
            return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
        if (n == 0)
            return -1;
        c->slen += (unsigned)n;
        if (c->state == C_SOCKS_REPLY && c->slen == 5 && c->sneed == 5) {
            if (c->sbuf[0] != 5 || c->sbuf[1] != 0)
                return -1;
            switch (c->sbuf[3]) {
            case 1: c->sneed = 4 + 4 + 2; break;
            case 4: c->sneed = 4 + 16 + 2; break;
            case 3: c->sneed = 4 + 1 + c->sbuf[4] + 2; break;
            default: return -1;
            }
        }
        if (c->slen == c->sneed)
            return 1;
    }
}

static void service_conn(conn *c)
{
    uint32_t ev = c->ev;
    c->ev = 0;
    if (c->state < 0)
        return;
    if (c->pcb_reset) { /* the client reset or lwIP aborted the pcb */
        conn_abort(c, "client reset");
        return;
    }
    if (c->fd >= 0 && (ev & EPOLLERR) && c->state != C_CONNECTING) {
        int e = 0;
        socklen_t l = sizeof(e);
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l);
        if (e) {
            conn_abort(c, "server socket error");
            return;
        }
    }
    if (c->fd >= 0 && (ev & EPOLLHUP) && c->state == C_OPEN && !c->hup) {
        /* Both directions of the socket ended.  EPOLLHUP cannot be masked:
         * leave epoll and let the sent callback drive the remaining reads. */
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        c->hup = 1;
        c->mask = 0;
    }
    if (c->state == C_CONNECTING) {
        if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            goto out;
        int e = 0;
        socklen_t l = sizeof(e);
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0 || e) {
            ctr.conns_failed++;
            conn_abort(c, "connect failed");
            return;
        }
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, SOCK_TCP_NODELAY, &one, sizeof(one));
        if (cfg.have_socks) {
            static const u8_t hello[3] = {5, 1, 0};
            if (send(c->fd, hello, 3, MSG_NOSIGNAL) != 3) {
                ctr.conns_failed++;
                conn_abort(c, "socks5 hello failed");
                return;
            }
            c->state = C_SOCKS_HELLO;
            c->slen = 0;
            c->sneed = 2;
            goto out;
        }
        c->state = C_OPEN;
        ev |= EPOLLIN | EPOLLOUT;
    }
    if (c->state == C_SOCKS_HELLO || c->state == C_SOCKS_REPLY) {
        if (!(ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
            goto out;
        int r = socks_read(c);
        if (r < 0) {
            ctr.conns_failed++;
            conn_abort(c, "socks5 handshake failed");
            return;
        }
        if (r == 0)
            goto out;
        if (c->state == C_SOCKS_HELLO) {
            if (c->sbuf[0] != 5 || c->sbuf[1] != 0 || socks_send_request(c) < 0) {
                ctr.conns_failed++;
                conn_abort(c, "socks5 method refused");
                return;
            }
            c->state = C_SOCKS_REPLY;
            c->slen = 0;
            c->sneed = 5;
            goto out;
        }
        c->state = C_OPEN;
    }
    if (c->state == C_OPEN) {
        if (c->fd >= 0 && flush_up(c) < 0)
            return;
        if (pump_down(c) < 0)
            return;
        /* the socket is no longer needed once both of its directions ended */
        if (c->fd >= 0 && c->up_done && c->server_eof) {
            close_socket(c->fd, 0);
            c->fd = -1;
        }
        /* the pcb is no longer needed once the client sent FIN and ours is queued */
        if (c->pcb && c->client_fin && c->down_done) {
            struct tcp_pcb *pcb = c->pcb;
            pcb_detach_callbacks(pcb);
            if (tcp_close(pcb) == ERR_OK) {
                c->pcb = NULL;
                ctr.pcbs_live--;
            } else { /* retry from the poll callback */
                tcp_arg(pcb, c);
                tcp_err(pcb, on_err);
                tcp_poll(pcb, on_poll, 2);
            }
        }
        if (c->fd < 0 && !c->pcb) {
            c->state = -1;
            return;
        }
    }
out:
    update_events(c);
}

static void run_service(void)
{
    while (svc_head) {
        conn *c = svc_head;
        svc_head = c->svc_next;
        if (!svc_head)
            svc_tail = &svc_head;
        c->in_svc = 0;
        service_conn(c);
        if (c->state < 0 && !c->in_svc)
            conn_free(c);
    }
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !newpcb)
        return ERR_VAL;
    conn *c = calloc(1, sizeof(*c));
    if (!c) {
        tcp_abort(newpcb);
        return ERR_ABRT;
    }
    c->src.kind = SRC_CONN;
    c->fd = -1;
    c->target_len = flow_target(&newpcb->local_ip, newpcb->local_port, &c->target);
    const struct sockaddr_storage *to = cfg.have_socks ? &cfg.socks : &c->target;
    socklen_t tolen = cfg.have_socks ? cfg.socks_len : c->target_len;
    int fd = new_socket(to->ss_family, SOCK_STREAM);
    if (fd < 0 || (connect(fd, (const struct sockaddr *)to, tolen) < 0 && errno != EINPROGRESS)) {
        if (cfg.verbose)
            fprintf(stderr, "tunrelay: connect: %s\n", strerror(errno));
        if (fd >= 0)
            close_socket(fd, 0);
        free(c);
        ctr.conns_failed++;
        tcp_abort(newpcb);
        return ERR_ABRT;
    }
    c->fd = fd;
    c->mask = EPOLLOUT;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = &c->src};
    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    c->pcb = newpcb;
    c->state = C_CONNECTING;
    tcp_arg(newpcb, c);
    tcp_recv(newpcb, on_recv);
    tcp_sent(newpcb, on_sent);
    tcp_err(newpcb, on_err);
    tcp_poll(newpcb, on_poll, 2);
    tcp_nagle_disable(newpcb);
    c->next = conns;
    if (conns)
        conns->prev = c;
    conns = c;
    ctr.conns_open++;
    ctr.conns_total++;
    ctr.pcbs_live++;
    return ERR_OK;
}

/* ------------------------------------------------------------------ */
/* UDP sessions                                                        */

typedef struct usess {
    evsrc src;
    struct usess *hnext;
    struct usess *lprev, *lnext; /* least recently used first */
    ip_addr_t cli_ip, dst_ip;
    u16_t cli_port, dst_port;
    struct udp_pcb *pcb;
    int fd;
    u32_t last;
} usess;

static usess *uhash[UDP_HASH];
static usess *lru_head, *lru_tail;

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

static void usess_free(usess *s)
{
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
    struct iovec iov[16];
    int cnt = 0;
    for (struct pbuf *q = p; q && cnt < 16; q = q->next)
        iov[cnt++] = (struct iovec){q->payload, q->len};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};
    if (sendmsg(s->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        ctr.udp_drops++;
    else
        ctr.udp_up++;
    s->last = sys_now();
    lru_unlink(s);
    lru_append(s);
    pbuf_free(p);
}

#if TUN2SOCKS
/* tun2socks lwIP: every datagram, with its original destination. */
static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port,
                   const ip_addr_t *dest_addr, u16_t dest_port)
{
    (void)arg;
    udp_from_client(pcb, p, addr, port, dest_addr, dest_port);
}
#else
/* stock lwIP: datagrams to one of our --listen addresses and ports. */
static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg;
    udp_from_client(pcb, p, addr, port, &pcb->local_ip, pcb->local_port);
}
#endif

static void udp_readable(usess *s)
{
    for (int i = 0; i < 64; i++) {
        ssize_t n = recv(s->fd, relay_buf, sizeof(relay_buf), 0);
        if (n < 0)
            break; /* EAGAIN, or an ICMP error reported on the connected socket */
        if (n > 0xffff - 48)
            continue;
        struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
        if (!p) {
            ctr.udp_drops++;
            continue;
        }
        pbuf_take(p, relay_buf, (u16_t)n);
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
    s->last = sys_now();
    lru_unlink(s);
    lru_append(s);
}

static void udp_expire(int all)
{
    u32_t now = sys_now();
    while (lru_head && (all || (u32_t)(now - lru_head->last) >= cfg.udp_timeout_ms))
        usess_free(lru_head);
}

/* ------------------------------------------------------------------ */
/* setup                                                               */

static struct udp_pcb *udp_pcbs_mine[MAX_LISTEN * MAX_PORTS + 1];
static int n_udp_pcbs;
static struct tcp_pcb *listen_pcbs[MAX_LISTEN * MAX_PORTS + 1];
static int n_listen_pcbs;

static void die(const char *what)
{
    fprintf(stderr, "tunrelay: %s\n", what);
    exit(2);
}

#if !TUN2SOCKS
static void add_listener(const ip_addr_t *addr, u16_t port)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IP_GET_TYPE(addr));
    if (!pcb)
        die("tcp_new failed");
    if (tcp_bind(pcb, addr, port) != ERR_OK)
        die("tcp_bind failed");
    struct tcp_pcb *l = tcp_listen(pcb);
    if (!l)
        die("tcp_listen failed");
    tcp_accept(l, on_accept);
    listen_pcbs[n_listen_pcbs++] = l;

    struct udp_pcb *u = udp_new_ip_type(IP_GET_TYPE(addr));
    if (!u)
        die("udp_new failed");
    if (udp_bind(u, addr, port) != ERR_OK)
        die("udp_bind failed");
    udp_recv(u, on_udp, NULL);
    udp_pcbs_mine[n_udp_pcbs++] = u;
}
#endif

#if !LWIP_HAVE_LOOPIF
static struct netif tun_netif;

static err_t tunif_init(struct netif *n)
{
    n->name[0] = 't';
    n->name[1] = 'r';
    n->output = tun_output4;
    n->output_ip6 = tun_output6;
    n->mtu = (u16_t)tern_tun_mtu(tun);
    n->flags = 0; /* IP only: no ARP, no Ethernet */
    return ERR_OK;
}
#endif

static void stack_setup(void)
{
    lwip_init();
#if LWIP_HAVE_LOOPIF
    /* As netstack-lwip and go-tun2socks do: take over the loopback netif
     * lwip_init() created; with TUN2SOCKS every destination routes there. */
    nif = netif_list;
    nif->output = tun_output4;
    nif->output_ip6 = tun_output6;
    nif->mtu = (u16_t)tern_tun_mtu(tun);
#else
    ip4_addr_t a4, m4, g4;
    ip4_addr_set_zero(&a4);
    ip4_addr_set_zero(&g4);
    IP4_ADDR(&m4, 255, 255, 255, 255);
    for (int i = 0; i < cfg.nlisten; i++)
        if (!IP_IS_V6(&cfg.listen[i].addr)) {
            ip4_addr_copy(a4, *ip_2_ip4(&cfg.listen[i].addr));
            break;
        }
    nif = netif_add(&tun_netif, &a4, &m4, &g4, NULL, tunif_init, ip_input);
    if (!nif)
        die("netif_add failed");
    s8_t slot = 0;
    for (int i = 0; i < cfg.nlisten && slot < LWIP_IPV6_NUM_ADDRESSES; i++)
        if (IP_IS_V6(&cfg.listen[i].addr)) {
            netif_ip6_addr_set(nif, slot, ip_2_ip6(&cfg.listen[i].addr));
            netif_ip6_addr_set_state(nif, slot, IP6_ADDR_PREFERRED);
            slot++;
        }
    netif_set_default(nif);
    netif_set_link_up(nif);
    netif_set_up(nif);
#endif
#ifdef TERN_HAVE_TSO
    if (offload_on)
        netif_tern_set_tso(nif, 65535); /* the stack sends bursts of segments as one packet */
#endif

#if TUN2SOCKS
    /* catch-all: one listener and one UDP pcb for every destination */
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, 0) != ERR_OK)
        die("catch-all tcp_bind failed");
    struct tcp_pcb *l = tcp_listen(pcb);
    if (!l)
        die("tcp_listen failed");
    tcp_accept(l, on_accept);
    listen_pcbs[n_listen_pcbs++] = l;
    struct udp_pcb *u = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!u || udp_bind(u, IP_ANY_TYPE, 0) != ERR_OK)
        die("catch-all udp_bind failed");
    udp_recv(u, on_udp, NULL);
    udp_pcbs_mine[n_udp_pcbs++] = u;
#else
    for (int i = 0; i < cfg.nlisten; i++)
        for (int j = 0; j < cfg.listen[i].nports; j++)
            add_listener(&cfg.listen[i].addr, cfg.listen[i].ports[j]);
#endif
}

static void stack_teardown(void)
{
    while (conns) {
        conn *c = conns;
        conn_abort(c, "exit");
        conn_free(c);
    }
    svc_head = NULL;
    svc_tail = &svc_head;
    conn_reap();
    udp_expire(1);
    for (int i = 0; i < n_listen_pcbs; i++)
        tcp_close(listen_pcbs[i]);
    for (int i = 0; i < n_udp_pcbs; i++)
        udp_remove(udp_pcbs_mine[i]);
    n_listen_pcbs = n_udp_pcbs = 0;
    for (int i = 0; i < TUN_BATCH; i++)
        if (rx_pbufs[i]) {
            pbuf_free(rx_pbufs[i]);
            rx_pbufs[i] = NULL;
        }
}

/* ------------------------------------------------------------------ */
/* command line                                                        */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tunrelay-%s [options]\n"
            "  --tun NAME            TUN device to create or attach (default tern0)\n"
            "  --tun-addr A.B.C.D/N  IPv4 address of the kernel side of the TUN\n"
            "  --tun-peer A.B.C.D    point-to-point peer (the relay's address)\n"
            "  --tun-addr6 X::Y/N    IPv6 address of the kernel side\n"
            "  --mtu N               TUN MTU (default: leave as is)\n"
            "  --txqueuelen N        packets the kernel may queue for the relay (default 500)\n"
            "  --no-config           attach to a configured device, change nothing\n"
            "  --listen ADDR:P[,P..] address and ports the stack serves (required by the\n"
            "                        lwip build; the tern build catches every destination)\n"
            "  --upstream HOST[:P]   connect every flow here (port: the original one)\n"
            "  --socks5 HOST:P       reach TCP destinations through a SOCKS5 server\n"
            "  --mark N              SO_MARK for the relay's sockets (policy routing)\n"
            "  --udp-timeout SEC     idle UDP session lifetime (default 60)\n"
            "  --pcap FILE           record every packet crossing the TUN\n"
            "  --offload auto|on|off kernel TSO/checksum offloads on the TUN (auto: on when\n"
            "                        the stack leaves received checksums unchecked)\n"
            "  --stats               print a stats line every second\n"
            "  -v                    verbose\n"
            "signals: SIGUSR1 prints counters; SIGTERM/SIGINT exit cleanly\n",
            TUN2SOCKS ? "tern" : "lwip");
}

/* "1.2.3.4:80", "[::1]:80", "::1" (no port), "1.2.3.4" */
static int parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *len, u16_t *port, int need_port)
{
    char host[128];
    const char *ps = NULL;
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || (size_t)(e - s - 1) >= sizeof(host))
            return -1;
        memcpy(host, s + 1, (size_t)(e - s - 1));
        host[e - s - 1] = 0;
        if (e[1] == ':')
            ps = e + 2;
        else if (e[1])
            return -1;
    } else {
        const char *c = strchr(s, ':');
        if (c && !strchr(c + 1, ':')) {
            if ((size_t)(c - s) >= sizeof(host))
                return -1;
            memcpy(host, s, (size_t)(c - s));
            host[c - s] = 0;
            ps = c + 1;
        } else {
            if (strlen(s) >= sizeof(host))
                return -1;
            strcpy(host, s);
        }
    }
    *port = 0;
    if (ps) {
        char *end;
        unsigned long p = strtoul(ps, &end, 10);
        if (*end || p == 0 || p > 65535)
            return -1;
        *port = (u16_t)p;
    }
    if (need_port && !*port)
        return -1;
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons(*port);
        *len = sizeof(*s4);
    } else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(*port);
        *len = sizeof(*s6);
    } else {
        return -1;
    }
    return 0;
}

static int parse_listen(const char *s, listen_spec *l)
{
    const char *ports;
    char host[128];
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || e[1] != ':' || (size_t)(e - s - 1) >= sizeof(host))
            return -1;
        memcpy(host, s + 1, (size_t)(e - s - 1));
        host[e - s - 1] = 0;
        ports = e + 2;
    } else {
        const char *c = strrchr(s, ':');
        if (!c || (size_t)(c - s) >= sizeof(host))
            return -1;
        memcpy(host, s, (size_t)(c - s));
        host[c - s] = 0;
        ports = c + 1;
    }
    if (!ipaddr_aton(host, &l->addr))
        return -1;
    l->nports = 0;
    while (*ports) {
        char *end;
        unsigned long p = strtoul(ports, &end, 10);
        if (end == ports || p == 0 || p > 65535 || l->nports == MAX_PORTS)
            return -1;
        l->ports[l->nports++] = (u16_t)p;
        ports = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return l->nports ? 0 : -1;
}

static void parse_args(int argc, char **argv)
{
    enum { O_TUN = 256, O_ADDR, O_PEER, O_ADDR6, O_MTU, O_NOCONF, O_LISTEN, O_UP, O_SOCKS, O_MARK, O_UDPTO,
           O_PCAP, O_STATS, O_HELP, O_TXQ, O_OFFLOAD };
    static const struct option opts[] = {
        {"tun", 1, 0, O_TUN},       {"tun-addr", 1, 0, O_ADDR},   {"tun-peer", 1, 0, O_PEER},
        {"tun-addr6", 1, 0, O_ADDR6}, {"mtu", 1, 0, O_MTU},       {"no-config", 0, 0, O_NOCONF},
        {"listen", 1, 0, O_LISTEN}, {"upstream", 1, 0, O_UP},     {"socks5", 1, 0, O_SOCKS},
        {"mark", 1, 0, O_MARK},     {"udp-timeout", 1, 0, O_UDPTO}, {"pcap", 1, 0, O_PCAP},
        {"txqueuelen", 1, 0, O_TXQ}, {"stats", 0, 0, O_STATS},   {"help", 0, 0, O_HELP},       {"offload", 1, 0, O_OFFLOAD},
        {0, 0, 0, 0},
    };
    cfg.tun.name = "tern0";
    cfg.tun.up = 1;
    cfg.udp_timeout_ms = 60000;
    cfg.offload = -1;
    int o;
    while ((o = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        u16_t port;
        switch (o) {
        case O_TUN: cfg.tun.name = optarg; break;
        case O_ADDR:
            if (tern_tun_parse_addr4(&cfg.tun, optarg) < 0)
                die("bad --tun-addr");
            break;
        case O_PEER: {
            tern_tun_options t = {0};
            if (tern_tun_parse_addr4(&t, optarg) < 0)
                die("bad --tun-peer");
            memcpy(cfg.tun.peer4, t.addr4, 4);
            cfg.tun.peer4_set = 1;
            break;
        }
        case O_ADDR6:
            if (tern_tun_parse_addr6(&cfg.tun, optarg) < 0)
                die("bad --tun-addr6");
            break;
        case O_MTU: cfg.tun.mtu = (unsigned)atoi(optarg); break;
        case O_TXQ: cfg.tun.txqueuelen = (unsigned)atoi(optarg); break;
        case O_NOCONF: cfg.tun.flags |= TERN_TUN_F_NO_CONFIG; break;
        case O_OFFLOAD:
            if (!strcmp(optarg, "auto"))
                cfg.offload = -1;
            else if (!strcmp(optarg, "on"))
                cfg.offload = 1;
            else if (!strcmp(optarg, "off"))
                cfg.offload = 0;
            else
                die("bad --offload (auto, on or off)");
            break;
        case O_LISTEN:
            if (cfg.nlisten == MAX_LISTEN || parse_listen(optarg, &cfg.listen[cfg.nlisten]) < 0)
                die("bad --listen (ADDR:PORT[,PORT...], IPv6 as [ADDR]:PORT)");
            cfg.nlisten++;
            break;
        case O_UP:
            if (parse_hostport(optarg, &cfg.upstream, &cfg.upstream_len, &cfg.upstream_port, 0) < 0)
                die("bad --upstream (HOST[:PORT], IPv6 as [ADDR]:PORT)");
            cfg.have_upstream = 1;
            break;
        case O_SOCKS:
            if (parse_hostport(optarg, &cfg.socks, &cfg.socks_len, &port, 1) < 0)
                die("bad --socks5 (HOST:PORT)");
            cfg.have_socks = 1;
            break;
        case O_MARK: cfg.mark = (unsigned)strtoul(optarg, NULL, 0); break;
        case O_UDPTO: cfg.udp_timeout_ms = (unsigned)(atof(optarg) * 1000); break;
        case O_PCAP: cfg.pcap = optarg; break;
        case O_STATS: cfg.stats = 1; break;
        case 'v': cfg.verbose = 1; break;
        case 'h':
        case O_HELP: usage(stdout); exit(0);
        default: usage(stderr); exit(2);
        }
    }
    if (optind < argc) {
        usage(stderr);
        exit(2);
    }
#if !TUN2SOCKS
    if (!cfg.nlisten)
        die("the lwip build needs --listen ADDR:PORT[,PORT...] (stock lwIP cannot catch every destination)");
    if (!cfg.have_upstream)
        die("the lwip build needs --upstream HOST[:PORT] (the original destination is the relay itself)");
#endif
}

/* ------------------------------------------------------------------ */
/* main loop                                                           */

static void print_counters(const char *tag)
{
    fprintf(stderr,
            "%s: open_conns=%ld open_fds=%ld live_pcbs=%ld udp_sessions=%ld proc_fds=%d proc_fds_baseline=%d "
            "conns_total=%llu conns_failed=%llu conns_reset=%llu up_bytes=%llu down_bytes=%llu udp_total=%llu "
            "udp_up=%llu udp_down=%llu drops=%llu\n",
            tag, ctr.conns_open, ctr.fds_open, ctr.pcbs_live, ctr.udp_open, count_proc_fds(), proc_fds_baseline,
            ctr.conns_total, ctr.conns_failed, ctr.conns_reset, ctr.up_bytes, ctr.down_bytes, ctr.udp_total,
            ctr.udp_up, ctr.udp_down, ctr.udp_drops + ctr.tun_drops + ctr.input_drops);
}

static void print_stats(void)
{
    static unsigned long long last_up, last_down;
    tern_tun_stats ts;
    tern_tun_get_stats(tun, &ts);
    fprintf(stderr,
            "stats: conns=%ld total=%llu up_bytes=%llu down_bytes=%llu up_mbps=%.1f down_mbps=%.1f udp=%ld "
            "tun_rx=%llu tun_tx=%llu drops=%llu\n",
            ctr.conns_open, ctr.conns_total, ctr.up_bytes, ctr.down_bytes, (double)(ctr.up_bytes - last_up) * 8 / 1e6,
            (double)(ctr.down_bytes - last_down) * 8 / 1e6, ctr.udp_open, (unsigned long long)ts.rx_packets,
            (unsigned long long)ts.tx_packets,
            ctr.udp_drops + ctr.tun_drops + ctr.input_drops + (unsigned long long)ts.rx_truncated);
    last_up = ctr.up_bytes;
    last_down = ctr.down_bytes;
}

static void handle_signals(void)
{
    struct signalfd_siginfo si;
    while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGUSR1)
            print_counters("counters");
        else
            quit = 1;
    }
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    offload_on = cfg.offload < 0 ? STACK_TAKES_PARTIAL_CSUM : cfg.offload;
    if (offload_on)
        cfg.tun.flags |= TERN_TUN_F_VNET_HDR; /* netif_tern_set_tso follows once the netif exists */
    int r = tern_tun_open(&cfg.tun, &tun);
    if (r < 0) {
        fprintf(stderr, "tunrelay: %s\n", tern_tun_last_error());
        return 1;
    }
    if (cfg.pcap)
        pcap_open(cfg.pcap);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    sigset_t ss;
    sigemptyset(&ss);
    sigaddset(&ss, SIGINT);
    sigaddset(&ss, SIGTERM);
    sigaddset(&ss, SIGUSR1);
    sigprocmask(SIG_BLOCK, &ss, NULL);
    sigfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &tun_src};
    epoll_ctl(epfd, EPOLL_CTL_ADD, tern_tun_fd(tun, 0), &ev);
    ev.data.ptr = &sig_src;
    epoll_ctl(epfd, EPOLL_CTL_ADD, sigfd, &ev);

    stack_setup();
    proc_fds_baseline = count_proc_fds();
    fprintf(stderr, "tunrelay-%s: ready on %s mtu %u (%s%s) proc_fds=%d\n", TUN2SOCKS ? "tern" : "lwip",
            tern_tun_name(tun), tern_tun_mtu(tun), TUN2SOCKS ? "catch-all" : "listen",
            offload_on ? ", offloads" : "", proc_fds_baseline);

    u32_t next_tick = sys_now() + 1000;
    struct epoll_event evs[256];
    while (!quit) {
        u32_t now = sys_now();
        u32_t sleep = sys_timeouts_sleeptime();
        u32_t tick = (s32_t)(next_tick - now) > 0 ? next_tick - now : 0;
        if (sleep > tick)
            sleep = tick;
        int n = epoll_wait(epfd, evs, 256, (int)sleep);
        if (n < 0 && errno != EINTR)
            die("epoll_wait failed");
        for (int i = 0; i < n; i++) {
            evsrc *s = evs[i].data.ptr;
            switch (s->kind) {
            case SRC_TUN: tun_readable(); break;
            case SRC_SIG: handle_signals(); break;
            case SRC_CONN: {
                conn *c = (conn *)s;
                c->ev |= evs[i].events;
                svc_mark(c);
                break;
            }
            case SRC_UDP: udp_readable((usess *)s); break;
            default: break; /* SRC_DEAD: a connection freed earlier in this batch */
            }
        }
        sys_check_timeouts();
        run_service();
        conn_reap();
        now = sys_now();
        if ((s32_t)(now - next_tick) >= 0) {
            next_tick = now + 1000;
            udp_expire(0);
            if (cfg.stats)
                print_stats();
            if (pcap_fp)
                fflush(pcap_fp);
        }
    }

    stack_teardown();
    if (pcap_fp)
        fclose(pcap_fp);
    print_counters("exit");
    tern_tun_close(tun);
    close(epfd);
    close(sigfd);
    return 0;
}
