/* relay.h: what the parts of tunrelay share (one program; with --queues N,
 * N threads, each with its own stack, epoll and sockets: the state below
 * marked _Thread_local is one thread's, the rest is set before the
 * threads start and only read after).
 *
 *  tun_io.c     TUN device <-> netif: packets in (batched reads into
 *               pbufs), packets out, the pcap writer
 *  sockets.c    kernel sockets and address conversion
 *  tcp_relay.c  one TCP connection per accepted pcb, moved to and from a
 *               kernel socket by the service pass
 *  socks5.c     the SOCKS5 CONNECT handshake (RFC 1928)
 *  udp_relay.c  UDP sessions: one connected kernel socket per flow
 *               (UDP_SEGMENT sends, UDP_GRO receives)
 *  udp_train.c  UDP segmentation offload trains on the TUN
 *  main.c       options, stack setup, the epoll loop, counters
 * tunrelay.c's opening comment (main.c) explains the design. */
#ifndef TUNRELAY_RELAY_H
#define TUNRELAY_RELAY_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* SOCK_NONBLOCK, signalfd, SO_MARK */
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
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
#include "lwip/sys.h" /* sys_now */
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "pcap_file.h" /* tests/kit: the project's one pcap writer */
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


struct relay_config {
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
    int offload_uso;  /* with offload: UDP trains on the TUN (TUN_F_USO4/6) */
    int udp_segment;  /* UDP_SEGMENT on the upstream sockets' sends */
    int udp_gro;      /* UDP_GRO on the upstream sockets' receives */
    unsigned queues;  /* TUN queues, one thread (and one stack) each */
};
extern struct relay_config cfg;

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

struct relay_counters {
    long conns_open, pcbs_live, fds_open, udp_open;
    unsigned long long conns_total, conns_failed, conns_reset, up_bytes, down_bytes;
    unsigned long long udp_total, udp_up, udp_down, udp_drops, tun_drops, input_drops;
    /* UDP offloads: trains read from / written to the TUN, UDP_SEGMENT
     * sendmsgs of more than one datagram, UDP_GRO reads of more than one */
    unsigned long long trains_in, trains_out, seg_sends, gro_reads;
};
extern _Thread_local struct relay_counters ctr; /* this thread's */

/* ------------------------------------------------------------------ */
/* event sources                                                       */

enum { SRC_TUN = 1, SRC_SIG, SRC_CONN, SRC_UDP, SRC_DEAD, SRC_WAKE };
typedef struct evsrc {
    int kind;
} evsrc;

extern _Thread_local int epfd;
extern tern_tun *tun;                /* shared: each thread uses its own queue */
extern _Thread_local unsigned tun_q; /* this thread's TUN queue */
extern _Thread_local struct netif *nif;
extern _Atomic int quit;
extern _Thread_local u8_t relay_buf[RELAY_BUF];

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

/* main.c */
void die(const char *what);

/* tun_io.c */
extern kit_pcap *pcap_out;
extern int offload_on;
void pcap_open(const char *path);
void pcap_flush(void);
err_t tun_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *a);
err_t tun_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *a);
void tun_readable(void);
void tun_rx_release(void);
void tun_write_raw(const struct iovec *iov, const tern_tun_meta *meta);
/* Writes what is gathered: UDP trains to the TUN, UDP_SEGMENT sends. */
void relay_flush(void);

/* udp_train.c */
extern int uso_on; /* the TUN hands and takes UDP trains (set before the threads) */
int train_split(const u8_t *pkt, size_t len, u16_t seg, void (*deliver)(struct pbuf *p));
int train_add(struct pbuf *p);
void train_flush(void);

/* sockets.c */
socklen_t ip_to_sockaddr(const ip_addr_t *ip, u16_t port, struct sockaddr_storage *ss);
u16_t get_port(const struct sockaddr_storage *ss);
socklen_t flow_target(const ip_addr_t *ip, u16_t port, struct sockaddr_storage *ss);
int new_socket(int family, int type);
void close_socket(int fd, int rst);

/* tcp_relay.c */
extern _Thread_local conn *conns;
void svc_mark(conn *c);
void run_service(void);
err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err);
void conn_abort(conn *c, const char *why);
void conn_free(conn *c);
void conn_reap(void);
void tcp_relay_close_all(void);

/* socks5.c */
int socks_send_request(conn *c);
int socks_read(conn *c);

/* udp_relay.c */
#if TUN2SOCKS
void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port,
            const ip_addr_t *dest_addr, u16_t dest_port);
#else
void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port);
#endif
void udp_readable(usess *s);
void udp_expire(int all);

#endif
