/* tunrelay: a tun2socks-style relay written only against lwIP 2.1's raw API
 * (main.c: options, stack setup, the event loop; relay.h lists the parts).
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
 * Structure: one thread per TUN queue (--queues N, IFF_MULTI_QUEUE; the
 * kernel's flow hash keeps each flow on one queue), each with its own
 * stack (lwip_init in that thread, after tern_lwip_set_per_thread(1)), its
 * own epoll loop and its own upstream sockets; they share nothing mutable
 * but the pcap file (locked).  The main thread only waits for signals and
 * gathers the threads' counters.  Within a thread:  Packets read from the TUN (in
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
#include "relay.h"

struct relay_config cfg;
_Thread_local struct relay_counters ctr;

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

_Thread_local int epfd = -1;
tern_tun *tun;
_Thread_local unsigned tun_q;
_Thread_local struct netif *nif;
static evsrc tun_src = {SRC_TUN}, wake_src = {SRC_WAKE}; /* read only */
static int sigfd = -1;
_Atomic int quit;
_Thread_local u8_t relay_buf[RELAY_BUF];

/* ------------------------------------------------------------------ */
/* setup                                                               */

static _Thread_local struct udp_pcb *udp_pcbs_mine[MAX_LISTEN * MAX_PORTS + 1];
static _Thread_local int n_udp_pcbs;
static _Thread_local struct tcp_pcb *listen_pcbs[MAX_LISTEN * MAX_PORTS + 1];
static _Thread_local int n_listen_pcbs;

void die(const char *what)
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
static _Thread_local struct netif tun_netif;

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
    nif = netif_find("lo0"); /* (netif_list is the process's list, not a thread's) */
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
    tcp_relay_close_all();
    udp_expire(1);
    for (int i = 0; i < n_listen_pcbs; i++)
        tcp_close(listen_pcbs[i]);
    for (int i = 0; i < n_udp_pcbs; i++)
        udp_remove(udp_pcbs_mine[i]);
    n_listen_pcbs = n_udp_pcbs = 0;
    tun_rx_release();
#ifdef TERN_HAVE_LWIP_RELEASE
    tern_lwip_release(); /* this thread's stack, pools and pbuf cache */
#endif
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
            "  --offload-uso on|off  with --offload: UDP segmentation offload on the TUN,\n"
            "                        UDP trains both ways (default on where the kernel has it)\n"
            "  --udp-segment on|off  UDP_SEGMENT: a flow's datagrams leave in one sendmsg (on)\n"
            "  --udp-gro on|off      UDP_GRO on the upstream sockets' receives (on)\n"
            "  --queues N            TUN queues (IFF_MULTI_QUEUE), one thread and stack each (1;\n"
            "                        the tern build only)\n"
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

static int on_off(const char *v, const char *opt)
{
    if (!strcmp(v, "on"))
        return 1;
    if (!strcmp(v, "off"))
        return 0;
    fprintf(stderr, "tunrelay: bad %s '%s' (on or off)\n", opt, v);
    exit(2);
}

static void parse_args(int argc, char **argv)
{
    enum { O_TUN = 256, O_ADDR, O_PEER, O_ADDR6, O_MTU, O_NOCONF, O_LISTEN, O_UP, O_SOCKS, O_MARK, O_UDPTO,
           O_PCAP, O_STATS, O_HELP, O_TXQ, O_OFFLOAD, O_USO, O_UDPSEG, O_UDPGRO, O_QUEUES };
    static const struct option opts[] = {
        {"tun", 1, 0, O_TUN},       {"tun-addr", 1, 0, O_ADDR},   {"tun-peer", 1, 0, O_PEER},
        {"tun-addr6", 1, 0, O_ADDR6}, {"mtu", 1, 0, O_MTU},       {"no-config", 0, 0, O_NOCONF},
        {"listen", 1, 0, O_LISTEN}, {"upstream", 1, 0, O_UP},     {"socks5", 1, 0, O_SOCKS},
        {"mark", 1, 0, O_MARK},     {"udp-timeout", 1, 0, O_UDPTO}, {"pcap", 1, 0, O_PCAP},
        {"txqueuelen", 1, 0, O_TXQ}, {"stats", 0, 0, O_STATS},   {"help", 0, 0, O_HELP},       {"offload", 1, 0, O_OFFLOAD},
        {"offload-uso", 1, 0, O_USO}, {"udp-segment", 1, 0, O_UDPSEG}, {"udp-gro", 1, 0, O_UDPGRO}, {"queues", 1, 0, O_QUEUES},
        {0, 0, 0, 0},
    };
    cfg.tun.name = "tern0";
    cfg.tun.up = 1;
    cfg.udp_timeout_ms = 60000;
    cfg.offload = -1;
    cfg.offload_uso = 1;
    cfg.udp_segment = 1;
    cfg.udp_gro = 1;
    cfg.queues = 1;
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
        case O_USO: cfg.offload_uso = on_off(optarg, "--offload-uso"); break;
        case O_UDPSEG: cfg.udp_segment = on_off(optarg, "--udp-segment"); break;
        case O_UDPGRO: cfg.udp_gro = on_off(optarg, "--udp-gro"); break;
        case O_QUEUES: {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (*end || n < 1 || n > TERN_TUN_MAX_QUEUES)
                die("bad --queues (1 to 16)");
            cfg.queues = (unsigned)n;
            break;
        }
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
#ifndef TERN_HAVE_LWIP_PER_THREAD
    if (cfg.queues > 1)
        die("--queues above 1 needs the tern build: lwIP keeps its stack in process-wide statics, so only one "
            "thread may run it (tern can keep one per thread: tern_lwip_set_per_thread)");
#endif
}


/* ------------------------------------------------------------------ */
/* threads and counters                                                */

/* One per TUN queue.  The main thread reads a worker's counters only
 * through snap, which the worker fills under wlock when asked (snap_req
 * moved past snap_gen) and once more when it ends (done). */
typedef struct worker {
    pthread_t th;
    unsigned q;
    int wakefd; /* eventfd: the main thread asks for counters, or to quit */
    evsrc src;
    struct relay_counters snap;
    unsigned snap_gen;
    int ready, done;
} worker;

static worker workers[TERN_TUN_MAX_QUEUES];
static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wcond = PTHREAD_COND_INITIALIZER;
static _Atomic unsigned snap_req;

static void publish(worker *w, unsigned gen, int done)
{
    pthread_mutex_lock(&wlock);
    w->snap = ctr;
    w->snap_gen = gen;
    w->done |= done;
    pthread_cond_broadcast(&wcond);
    pthread_mutex_unlock(&wlock);
}

static void wake_all(void)
{
    uint64_t one = 1;
    for (unsigned q = 0; q < cfg.queues; q++)
        if (write(workers[q].wakefd, &one, sizeof(one)) < 0 && errno != EAGAIN)
            perror("tunrelay: eventfd");
}

/* Every worker's latest counters, summed; *used: queues that carried a flow. */
static struct relay_counters gather(int *used)
{
    unsigned gen = atomic_fetch_add(&snap_req, 1) + 1;
    wake_all();
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 2; /* a worker stuck for 2 s: report what it last published */
    struct relay_counters sum;
    memset(&sum, 0, sizeof(sum));
    pthread_mutex_lock(&wlock);
    for (unsigned q = 0; q < cfg.queues; q++)
        while (!workers[q].done && workers[q].snap_gen != gen &&
               pthread_cond_timedwait(&wcond, &wlock, &until) == 0)
            ;
    *used = 0;
    for (unsigned q = 0; q < cfg.queues; q++) {
        const struct relay_counters *c = &workers[q].snap;
        *used += c->conns_total + c->udp_total > 0;
        sum.conns_open += c->conns_open, sum.pcbs_live += c->pcbs_live, sum.fds_open += c->fds_open;
        sum.udp_open += c->udp_open, sum.conns_total += c->conns_total, sum.conns_failed += c->conns_failed;
        sum.conns_reset += c->conns_reset, sum.up_bytes += c->up_bytes, sum.down_bytes += c->down_bytes;
        sum.udp_total += c->udp_total, sum.udp_up += c->udp_up, sum.udp_down += c->udp_down;
        sum.udp_drops += c->udp_drops, sum.tun_drops += c->tun_drops, sum.input_drops += c->input_drops;
        sum.trains_in += c->trains_in, sum.trains_out += c->trains_out, sum.seg_sends += c->seg_sends;
        sum.gro_reads += c->gro_reads;
    }
    pthread_mutex_unlock(&wlock);
    return sum;
}

static void print_counters(const char *tag)
{
    int used;
    struct relay_counters c = gather(&used);
    fprintf(stderr,
            "%s: open_conns=%ld open_fds=%ld live_pcbs=%ld udp_sessions=%ld proc_fds=%d proc_fds_baseline=%d "
            "conns_total=%llu conns_failed=%llu conns_reset=%llu up_bytes=%llu down_bytes=%llu udp_total=%llu "
            "udp_up=%llu udp_down=%llu drops=%llu trains_in=%llu trains_out=%llu seg_sends=%llu gro_reads=%llu "
            "queues=%u queues_used=%d\n",
            tag, c.conns_open, c.fds_open, c.pcbs_live, c.udp_open, count_proc_fds(), proc_fds_baseline,
            c.conns_total, c.conns_failed, c.conns_reset, c.up_bytes, c.down_bytes, c.udp_total, c.udp_up,
            c.udp_down, c.udp_drops + c.tun_drops + c.input_drops, c.trains_in, c.trains_out, c.seg_sends,
            c.gro_reads, cfg.queues, used);
}

/* One line a second per thread: its own counters and its queue's. */
static void print_stats(void)
{
    static _Thread_local unsigned long long last_up, last_down;
    tern_tun_stats ts;
    tern_tun_get_queue_stats(tun, tun_q, &ts);
    fprintf(stderr,
            "stats: conns=%ld total=%llu up_bytes=%llu down_bytes=%llu up_mbps=%.1f down_mbps=%.1f udp=%ld "
            "tun_rx=%llu tun_tx=%llu drops=%llu queue=%u\n",
            ctr.conns_open, ctr.conns_total, ctr.up_bytes, ctr.down_bytes, (double)(ctr.up_bytes - last_up) * 8 / 1e6,
            (double)(ctr.down_bytes - last_down) * 8 / 1e6, ctr.udp_open, (unsigned long long)ts.rx_packets,
            (unsigned long long)ts.tx_packets,
            ctr.udp_drops + ctr.tun_drops + ctr.input_drops + (unsigned long long)ts.rx_truncated, tun_q);
    last_up = ctr.up_bytes;
    last_down = ctr.down_bytes;
}

/* ------------------------------------------------------------------ */
/* one queue's loop                                                    */

static void *worker_main(void *arg)
{
    worker *w = arg;
    tun_q = w->q;
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        die("epoll_create1 failed");
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &tun_src};
    epoll_ctl(epfd, EPOLL_CTL_ADD, tern_tun_fd(tun, tun_q), &ev);
    ev.data.ptr = &wake_src;
    epoll_ctl(epfd, EPOLL_CTL_ADD, w->wakefd, &ev);
    stack_setup();
    publish(w, 0, 0);
    pthread_mutex_lock(&wlock);
    w->ready = 1;
    pthread_cond_broadcast(&wcond);
    pthread_mutex_unlock(&wlock);

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
            case SRC_WAKE: {
                uint64_t v;
                if (read(w->wakefd, &v, sizeof(v)) < 0 && errno != EAGAIN)
                    die("eventfd read failed");
                break;
            }
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
        relay_flush();
        conn_reap();
        now = sys_now();
        if ((s32_t)(now - next_tick) >= 0) {
            next_tick = now + 1000;
            udp_expire(0);
            if (cfg.stats)
                print_stats();
            if (pcap_out)
                pcap_flush();
        }
        unsigned req = atomic_load(&snap_req);
        if (req != w->snap_gen)
            publish(w, req, 0);
    }
    stack_teardown();
    close(epfd);
    publish(w, atomic_load(&snap_req), 1);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* main: signals                                                       */

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
    if (offload_on && cfg.offload_uso)
        cfg.tun.flags |= TERN_TUN_F_USO;
    cfg.tun.queues = cfg.queues;
    int r = tern_tun_open(&cfg.tun, &tun);
    if (r < 0) {
        fprintf(stderr, "tunrelay: %s\n", tern_tun_last_error());
        return 1;
    }
    uso_on = tern_tun_has_uso(tun);
    if (cfg.pcap)
        pcap_open(cfg.pcap);

    /* Blocked before the threads start, so every thread inherits the mask
     * and the signals wait for the main thread's signalfd. */
    sigset_t ss;
    sigemptyset(&ss);
    sigaddset(&ss, SIGINT);
    sigaddset(&ss, SIGTERM);
    sigaddset(&ss, SIGUSR1);
    sigprocmask(SIG_BLOCK, &ss, NULL);
    sigfd = signalfd(-1, &ss, SFD_CLOEXEC);
#ifdef TERN_HAVE_LWIP_PER_THREAD
    /* One stack per worker thread; lwIP's default is one per process. */
    if (cfg.queues > 1 && tern_lwip_set_per_thread(1) != 0)
        die("tern_lwip_set_per_thread failed");
#endif
    for (unsigned q = 0; q < cfg.queues; q++) {
        worker *w = &workers[q];
        w->q = q;
        w->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (sigfd < 0 || w->wakefd < 0)
            die("signalfd/eventfd failed");
        if (pthread_create(&w->th, NULL, worker_main, w) != 0)
            die("pthread_create failed");
    }
    pthread_mutex_lock(&wlock);
    for (unsigned q = 0; q < cfg.queues; q++)
        while (!workers[q].ready)
            pthread_cond_wait(&wcond, &wlock);
    pthread_mutex_unlock(&wlock);
    proc_fds_baseline = count_proc_fds();
    char queues[32] = "";
    if (cfg.queues > 1)
        snprintf(queues, sizeof(queues), ", %u queues", cfg.queues);
    fprintf(stderr, "tunrelay-%s: ready on %s mtu %u (%s%s%s) proc_fds=%d\n", TUN2SOCKS ? "tern" : "lwip",
            tern_tun_name(tun), tern_tun_mtu(tun), TUN2SOCKS ? "catch-all" : "listen",
            offload_on ? (uso_on ? ", offloads with uso" : ", offloads") : "", queues, proc_fds_baseline);

    struct signalfd_siginfo si;
    while (!quit) {
        ssize_t n = read(sigfd, &si, sizeof(si));
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof(si))
            die("signalfd read failed");
        if (si.ssi_signo == SIGUSR1)
            print_counters("counters");
        else
            quit = 1;
    }
    wake_all();
    for (unsigned q = 0; q < cfg.queues; q++)
        pthread_join(workers[q].th, NULL);
    kit_pcap_close(pcap_out);
    print_counters("exit");
    for (unsigned q = 0; q < cfg.queues; q++)
        close(workers[q].wakefd);
    tern_tun_close(tun);
    close(sigfd);
    return 0;
}
