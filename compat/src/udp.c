/* compat/src/udp.c: lwIP's UDP raw API on tern UDP sockets.
 *
 * struct udp_pcb mirrors its tern socket: fields the application may write
 * (ttl, tos, flags, so_options) are read before each operation, fields it
 * reads (addresses, ports, flags) are written back after.  lwIP's argument
 * checks (address family against the pcb's, the source against the
 * interface) live here; the socket itself lives in core/.
 *
 * Pcbs come from a type-stable pool (pool.h), as TCP's do: a pointer kept
 * after udp_remove finds a slot that says it is free, and every entry
 * point answers as it does for a NULL pcb without touching anything. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "netif_sync.h"
#include "lwip/udp.h"
#include "pool.h"
#include "tern/iface.h"
#include "tern/udp.h"

struct udp_pcb *udp_pcbs;
_Thread_local struct udp_pcb *tern__udp_pcbs_own;

/* pcbs created through the TUN2SOCKS variants call the 7-argument recv. */
typedef void (*udp_recv7_fn)(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port,
                             const ip_addr_t *dest_addr, u16_t dest_port);
typedef void (*udp_recv5_fn)(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port);

/* Private per-pcb state that lwIP's struct has no room for. */
typedef struct compat_udp {
    tern_pool_slot slot; /* says whether the pcb is live; survives free */
    struct udp_pcb pcb;
    bool tun2socks;
    bool flow_listener; /* heiher's fork: takes the new flows of a pretend netif */
    bool flow;          /* one such flow: its addresses are the pcb's own, not its socket's */
    tern_pool_links links; /* while the slot is free (the pcb stays readable) */
} compat_udp;

TERN_COMPAT_VAR(tern_pool, pool, = TERN_POOL_INIT(compat_udp, links));
#define pool TERN_COMPAT_USE(pool)

static compat_udp *of(const struct udp_pcb *pcb)
{
    return (compat_udp *)(void *)((char *)pcb - offsetof(compat_udp, pcb));
}

/* NULL or freed: the entry points' "invalid pcb". */
static bool invalid(const struct udp_pcb *pcb) { return !pcb || !tern__pool_owns_live(&pool, &of(pcb)->slot); }

static bool pcb_type_matches(const struct udp_pcb *pcb, const ip_addr_t *a)
{
    return IP_IS_ANY_TYPE_VAL(pcb->local_ip) || IP_GET_TYPE(&pcb->local_ip) == IP_GET_TYPE(a);
}

static void push(struct udp_pcb *pcb)
{
    tern_udp_set_reuse(pcb->tern, (pcb->so_options & SOF_REUSEADDR) != 0);
    tern_udp_set_ttl_tos(pcb->tern, pcb->ttl, pcb->tos);
    tern_udp_set_nochksum(pcb->tern, (pcb->flags & UDP_FLAGS_NOCHKSUM) != 0);
}

static void pull(struct udp_pcb *pcb)
{
    if (of(pcb)->flow)
        return;
    ip_addr_copy(pcb->local_ip, *tern__compat_ipaddr(tern_udp_local_addr(pcb->tern)));
    ip_addr_copy(pcb->remote_ip, *tern__compat_ipaddr(tern_udp_remote_addr(pcb->tern)));
    pcb->local_port = tern_udp_local_port(pcb->tern);
    pcb->remote_port = tern_udp_remote_port(pcb->tern);
    if (tern_udp_flags(pcb->tern) & TERN_UDP_CONNECTED)
        pcb->flags |= UDP_FLAGS_CONNECTED;
    else
        pcb->flags &= (u8_t)~UDP_FLAGS_CONNECTED;
}

static void list_add(struct udp_pcb *pcb)
{
    for (struct udp_pcb *q = UDP_PCBS; q; q = q->next)
        if (q == pcb)
            return;
    pcb->next = UDP_PCBS;
    UDP_PCBS = pcb;
}

static void list_remove(struct udp_pcb *pcb)
{
    for (struct udp_pcb **pp = &UDP_PCBS; *pp; pp = &(*pp)->next) {
        if (*pp == pcb) {
            *pp = pcb->next;
            return;
        }
    }
}

static struct udp_pcb *pcb_new(u8_t type, bool tun2socks);
static void flow_input(compat_udp *l, struct pbuf *p, const tern_addr *src, uint16_t sport, const tern_addr *dst,
                       uint16_t dport);

static void on_recv(void *arg, tern_udp *u, tern_pbuf *tp, const tern_addr *src, uint16_t sport,
                    const tern_addr *dst, uint16_t dport)
{
    (void)u;
    compat_udp *c = arg;
    struct udp_pcb *pcb = &c->pcb;
    struct pbuf *p = (struct pbuf *)tp;
    if (c->flow_listener) {
        flow_input(c, p, src, sport, dst, dport);
        return;
    }
    if (!pcb->recv) {
        pbuf_free(p);
        return;
    }
    if (c->tun2socks)
        ((udp_recv7_fn)(void (*)(void))pcb->recv)(pcb->recv_arg, pcb, p, tern__compat_ipaddr(src), sport,
                                                  tern__compat_ipaddr(dst), dport);
    else
        ((udp_recv5_fn)(void (*)(void))pcb->recv)(pcb->recv_arg, pcb, p, tern__compat_ipaddr(src), sport);
}

static struct udp_pcb *pcb_new(u8_t type, bool tun2socks)
{
    if (!tern__compat_stack)
        return NULL;
    compat_udp *c = (compat_udp *)(void *)tern__pool_get(&pool);
    if (!c)
        return NULL;
    struct udp_pcb *pcb = &c->pcb;
    pcb->tern = tern_udp_new(tern__compat_stack, type);
    if (!pcb->tern) {
        tern__pool_put(&pool, &c->slot);
        return NULL;
    }
    c->tun2socks = tun2socks;
    pcb->ttl = (u8_t)tern__compat_opts.udp_ttl; /* the program's UDP_TTL */
    tern_udp_set_recv(pcb->tern, on_recv, c);
    if (tun2socks)
        tern_udp_set_catch_all(pcb->tern, true);
    pull(pcb);
    return pcb;
}

struct udp_pcb *udp_new(void)
{
    /* tun2socks programs create one pcb for every family. */
    return pcb_new(tern__compat_tun2socks ? IPADDR_TYPE_ANY : IPADDR_TYPE_V4, tern__compat_tun2socks);
}

struct udp_pcb *udp_new_ip_type(u8_t type) { return pcb_new(type, tern__compat_tun2socks); }

void udp_remove(struct udp_pcb *pcb)
{
    if (invalid(pcb))
        return;
    list_remove(pcb);
    tern_udp_free(pcb->tern);
    pcb->tern = NULL;
    pcb->recv = NULL;
    pcb->recv_arg = NULL;
    tern__pool_put(&pool, &of(pcb)->slot);
}

/* memp_free(MEMP_UDP_PCB, pcb) is lwIP's udp_remove without the list. */
void tern__compat_udp_memp_free(void *pcb) { udp_remove(pcb); }

/* heiher's fork: bound to a NETIF_FLAG_PRETEND_UDP netif, then to no
 * address and port 0 (see lwip/udp.h). */
static bool pretend_netif(const struct udp_pcb *pcb)
{
    struct netif *n = pcb->netif_idx != NETIF_NO_INDEX ? netif_get_by_index(pcb->netif_idx) : NULL;
    return n && netif_is_flag_set(n, NETIF_FLAG_PRETEND_UDP);
}

err_t udp_bind(struct udp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port)
{
    if (invalid(pcb))
        return ERR_VAL;
    if (!ipaddr && port == 0 && pretend_netif(pcb)) {
        for (struct udp_pcb *q = UDP_PCBS; q; q = q->next)
            if (of(q)->flow_listener && q->netif_idx == pcb->netif_idx && q != pcb)
                return ERR_USE; /* one flow listener per netif, as the fork */
        /* The socket takes an ephemeral port so the stack lists it; the
         * pcb keeps port 0, as the fork's does. */
        err_t err = (err_t)tern_udp_bind(pcb->tern, tern__compat_addr(&pcb->local_ip), 0);
        if (err != ERR_OK)
            return err;
        of(pcb)->flow_listener = true;
        tern_udp_set_catch_all(pcb->tern, true);
        list_add(pcb);
        return ERR_OK;
    }
    if (!ipaddr)
        ipaddr = IP4_ADDR_ANY;
    /* lwIP 2.1 checks no family here: the address becomes the pcb's. */
    push(pcb);
    err_t err = (err_t)tern_udp_bind(pcb->tern, tern__compat_addr(ipaddr), port);
    if (err == ERR_OK)
        list_add(pcb);
    pull(pcb);
    return err;
}

void udp_bind_netif(struct udp_pcb *pcb, const struct netif *netif)
{
    if (invalid(pcb))
        return;
    pcb->netif_idx = netif ? netif_get_index(netif) : NETIF_NO_INDEX;
    tern_udp_bind_iface(pcb->tern, netif ? netif->tern_iface : NULL);
}

err_t udp_connect(struct udp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port)
{
    if (invalid(pcb) || !ipaddr)
        return ERR_ARG;
    push(pcb);
    err_t err = (err_t)tern_udp_connect(pcb->tern, tern__compat_addr(ipaddr), port);
    if (err == ERR_OK)
        list_add(pcb);
    pull(pcb);
    return err;
}

void udp_disconnect(struct udp_pcb *pcb)
{
    if (invalid(pcb))
        return;
    tern_udp_disconnect(pcb->tern);
    pcb->netif_idx = NETIF_NO_INDEX;
    pull(pcb);
}

void udp_recv(struct udp_pcb *pcb, udp_recv_fn recv, void *recv_arg)
{
    if (invalid(pcb))
        return;
    pcb->recv = recv;
    pcb->recv_arg = recv_arg;
}

/* The last step of every send: lwIP's udp_sendto_if_src. */
static err_t send_from(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst, u16_t dst_port,
                       struct netif *netif, const ip_addr_t *src, u16_t src_port)
{
    if (invalid(pcb) || !p || !dst || !netif || !src)
        return ERR_VAL;
    if (!pcb_type_matches(pcb, dst) || !pcb_type_matches(pcb, src))
        return ERR_VAL;
    push(pcb);
    if (pcb->mcast_ttl && ip_addr_ismulticast(dst)) /* LWIP_MULTICAST_TX_OPTIONS */
        tern_udp_set_ttl_tos(pcb->tern, pcb->mcast_ttl, pcb->tos);
    tern__compat_netif_sync(netif);
    err_t err = (err_t)tern_udp_send(pcb->tern, (tern_pbuf *)p, tern__compat_addr(dst), dst_port, netif->tern_iface,
                                     tern__compat_addr(src), src_port);
    if (pcb->local_port == 0 && tern_udp_local_port(pcb->tern) != 0)
        list_add(pcb); /* sending bound it to an ephemeral port */
    pull(pcb);
    return err;
}

err_t udp_sendto_if_src(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                        struct netif *netif, const ip_addr_t *src_ip)
{
    return send_from(pcb, p, dst_ip, dst_port, netif, src_ip, 0);
}

err_t udp_sendto_if(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                    struct netif *netif)
{
    if (invalid(pcb) || !dst_ip || !netif)
        return ERR_VAL;
    /* The source is the pcb's address, which must belong to netif, or the
     * interface's own address when the pcb is unbound (lwIP's rule). */
    ip_addr_t src;
#if LWIP_IPV6
    if (IP_IS_V6(dst_ip)) {
        if (ip_addr_isany(&pcb->local_ip)) {
            tern_addr chosen;
            if (!tern_iface_source_for(netif->tern_iface, tern__compat_addr(dst_ip), &chosen))
                return ERR_RTE;
            memcpy(&src, &chosen, sizeof(src));
        } else {
            if (netif_get_ip6_addr_match(netif, ip_2_ip6(&pcb->local_ip)) < 0)
                return ERR_RTE;
            ip_addr_copy(src, pcb->local_ip);
        }
        return send_from(pcb, p, dst_ip, dst_port, netif, &src, 0);
    }
#endif
#if LWIP_IPV4
    if (ip_addr_isany(&pcb->local_ip) || ip4_addr_ismulticast(ip_2_ip4(&pcb->local_ip))) {
        ip_addr_copy(src, netif->ip_addr);
    } else {
        if (!ip4_addr_cmp(ip_2_ip4(&pcb->local_ip), netif_ip4_addr(netif)))
            return ERR_RTE;
        ip_addr_copy(src, pcb->local_ip);
    }
    return send_from(pcb, p, dst_ip, dst_port, netif, &src, 0);
#else
    return ERR_VAL;
#endif
}

static struct netif *route(const struct udp_pcb *pcb, const ip_addr_t *dst)
{
    if (pcb->netif_idx != NETIF_NO_INDEX)
        return netif_get_by_index(pcb->netif_idx);
    if (pcb->mcast_ifindex != NETIF_NO_INDEX && ip_addr_ismulticast(dst))
        return netif_get_by_index(pcb->mcast_ifindex);
    for (struct netif *n = NETIF_LIST; n; n = n->next)
        tern__compat_netif_sync(n);
    return tern__compat_netif_of(tern_stack_route(tern__compat_stack, tern__compat_addr(dst)));
}

err_t udp_sendto(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port)
{
    if (invalid(pcb) || !dst_ip || !pcb_type_matches(pcb, dst_ip))
        return ERR_VAL;
    struct netif *netif = route(pcb, dst_ip);
    if (!netif)
        return ERR_RTE;
    return udp_sendto_if(pcb, p, dst_ip, dst_port, netif);
}

/* TUN2SOCKS: send from any address and port, out of the first interface. */
static err_t t2s_sendto(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                        const ip_addr_t *src_ip, u16_t src_port)
{
    if (invalid(pcb) || !dst_ip || !src_ip || !NETIF_LIST)
        return ERR_VAL;
    return send_from(pcb, p, dst_ip, dst_port, NETIF_LIST, src_ip, src_port);
}

/* udp.h binds the 6-argument udp_sendto of TUN2SOCKS programs here
 * (exported: programs call it under udp_sendto's name). */
TERN_API err_t tern_t2s_udp_sendto(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                          const ip_addr_t *src_ip, u16_t src_port);
err_t tern_t2s_udp_sendto(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst_ip, u16_t dst_port,
                          const ip_addr_t *src_ip, u16_t src_port)
{
    return t2s_sendto(pcb, p, dst_ip, dst_port, src_ip, src_port);
}

err_t udp_send(struct udp_pcb *pcb, struct pbuf *p)
{
    if (invalid(pcb) || IP_IS_ANY_TYPE_VAL(pcb->remote_ip))
        return ERR_VAL;
    if (tern__compat_tun2socks)
        return t2s_sendto(pcb, p, &pcb->remote_ip, pcb->remote_port, &pcb->local_ip, pcb->local_port);
    return udp_sendto(pcb, p, &pcb->remote_ip, pcb->remote_port);
}

void udp_init(void) {}

void tern__compat_udp_reset(void)
{
    /* The sockets died with the old stack; the pcbs are the application's
     * to forget, as after lwIP's re-initialisation. */
    UDP_PCBS = NULL;
    tern__pool_reset(&pool);
}

/* ---- heiher's fork: one pcb per UDP flow ----
 *
 * A flow is a source address and port seen on the listener's netif; its
 * pcb is connected to that source.  The listener's callback learns of a
 * new flow with the datagram (UDP header included) and the destination;
 * the datagram itself then goes to the flow's pcb, as later ones do. */

static struct udp_pcb *find_flow(u8_t netif_idx, const ip_addr_t *src, u16_t sport)
{
    for (struct udp_pcb *q = UDP_PCBS; q; q = q->next)
        if (of(q)->flow && q->netif_idx == netif_idx && q->remote_port == sport && ip_addr_cmp(&q->remote_ip, src))
            return q;
    return NULL;
}

/* The datagram as the fork hands it to the listener: header in front. */
static struct pbuf *with_header(struct pbuf *p, uint16_t sport, uint16_t dport)
{
    u16_t len = (u16_t)(p->tot_len + UDP_HLEN);
    struct pbuf *q = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);
    if (!q)
        return NULL;
    struct udp_hdr h;
    h.src = lwip_htons(sport);
    h.dest = lwip_htons(dport);
    h.len = lwip_htons(len);
    h.chksum = 0;
    memcpy(q->payload, &h, UDP_HLEN);
    pbuf_copy_partial(p, (u8_t *)q->payload + UDP_HLEN, p->tot_len, 0);
    return q;
}

static void deliver_flow(struct udp_pcb *f, struct pbuf *p, const ip_addr_t *src, u16_t sport,
                         const ip_addr_t *dst, u16_t dport)
{
    if (!f->recv) {
        pbuf_free(p);
        return;
    }
    ip_addr_copy(f->local_ip, *dst); /* where this datagram was going */
    f->local_port = dport;
    ((udp_recv5_fn)(void (*)(void))f->recv)(f->recv_arg, f, p, src, sport);
}

static void flow_input(compat_udp *l, struct pbuf *p, const tern_addr *src, uint16_t sport, const tern_addr *dst,
                       uint16_t dport)
{
    struct udp_pcb *lp = &l->pcb;
    const ip_addr_t *s = tern__compat_ipaddr(src), *d = tern__compat_ipaddr(dst);
    /* The datagram's arrival interface must be the listener's. */
    const tern_ip_current *cur = tern_ip_current_get(tern__compat_stack);
    if (lp->netif_idx != NETIF_NO_INDEX && cur && cur->iface && tern_iface_index(cur->iface) != lp->netif_idx) {
        pbuf_free(p);
        return;
    }
    struct udp_pcb *f = find_flow(lp->netif_idx, s, sport);
    if (f) {
        deliver_flow(f, p, s, sport, d, dport);
        return;
    }
    if (!lp->recv) {
        pbuf_free(p);
        return;
    }
    f = pcb_new(IP_GET_TYPE(d), false);
    struct pbuf *whole = f ? with_header(p, sport, dport) : NULL;
    if (!whole) {
        if (f)
            udp_remove(f);
        pbuf_free(p);
        return;
    }
    of(f)->flow = true;
    ip_addr_copy(f->remote_ip, *s);
    f->remote_port = sport;
    ip_addr_copy(f->local_ip, *d);
    f->local_port = dport;
    f->flags |= UDP_FLAGS_CONNECTED;
    f->netif_idx = lp->netif_idx;
    list_add(f);
    ((udp_recv5_fn)(void (*)(void))lp->recv)(lp->recv_arg, f, whole, d, dport);
    pbuf_free(whole); /* the stack's, as in the fork: the callback does not free it */
    if (invalid(f) || !of(f)->flow) { /* removed inside the callback */
        pbuf_free(p);
        return;
    }
    deliver_flow(f, p, s, sport, d, dport);
}

err_t udp_sendfrom(struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *src_ip, u16_t src_port)
{
    if (invalid(pcb) || !p || !src_ip || IP_IS_ANY_TYPE_VAL(pcb->remote_ip))
        return ERR_VAL;
    struct netif *netif = route(pcb, &pcb->remote_ip);
    if (!netif)
        return ERR_RTE;
    /* Copies: src_ip may point into the pcb (hev passes &pcb->local_ip). */
    ip_addr_t dst = pcb->remote_ip, src = *src_ip;
    return send_from(pcb, p, &dst, pcb->remote_port, netif, &src, src_port);
}
