/* udp_relay.c: UDP sessions (tunrelay): one connected kernel socket per
 * (client, destination) flow, found by hash, expired least recently used
 * first after --udp-timeout. */
#include "relay.h"

/* ------------------------------------------------------------------ */
/* UDP sessions                                                        */


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

void udp_readable(usess *s)
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

void udp_expire(int all)
{
    u32_t now = sys_now();
    while (lru_head && (all || (u32_t)(now - lru_head->last) >= cfg.udp_timeout_ms))
        usess_free(lru_head);
}
