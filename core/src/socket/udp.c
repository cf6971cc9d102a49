/* socket/udp.c: UDP (RFC 768) sockets: binding, demultiplexing, sending.
 *
 * Demultiplexing follows lwIP's rules, which consumers depend on: a
 * connected socket whose remote end matches wins, otherwise the first
 * unconnected socket bound to the port; a catch-all socket takes what no
 * socket claims; an unclaimed unicast datagram gets ICMP port unreachable. */
#include <stdlib.h>

#include "iface/ip.h"
#include "socket/udp_impl.h"
#include "wire/bytes.h"
#include "wire/wire.h"

tern_udp *tern_udp_new(tern_stack *s, uint8_t type)
{
    if (type != TERN_ADDR_V4 && type != TERN_ADDR_V6 && type != TERN_ADDR_ANY)
        return NULL;
    tern_udp *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    u->stack = s;
    u->local.type = type;
    u->remote.type = type;
    u->ttl = s->cfg.ttl;
    return u;
}

static void unlink_socket(tern_udp *u)
{
    if (!u->in_list)
        return;
    for (tern_udp **pp = &u->stack->udp_list; *pp; pp = &(*pp)->next) {
        if (*pp == u) {
            *pp = u->next;
            break;
        }
    }
    u->in_list = false;
}

void tern_udp_free(tern_udp *u)
{
    if (!u)
        return;
    unlink_socket(u);
    free(u);
}

void tern_udp_set_recv(tern_udp *u, tern_udp_recv_fn fn, void *arg)
{
    u->recv = fn;
    u->recv_arg = arg;
}

void tern_udp_set_catch_all(tern_udp *u, bool on) { u->catch_all = on; }
void tern_udp_set_reuse(tern_udp *u, bool on) { u->reuse_addr = on; }
void tern_udp_set_nochksum(tern_udp *u, bool on)
{
    if (on)
        u->flags |= TERN_UDP_NOCHKSUM;
    else
        u->flags &= (uint8_t)~TERN_UDP_NOCHKSUM;
}

void tern_udp_set_ttl_tos(tern_udp *u, uint8_t ttl, uint8_t tos)
{
    u->ttl = ttl;
    u->tos = tos;
}

/* Would binding (addr, port) for u collide with socket o?  lwIP's rule: the
 * same port with an overlapping address (equal, or either unspecified, or
 * either dual-stack) collides unless both sockets allow reuse. */
static bool bind_conflict(const tern_udp *u, const tern_udp *o, const tern_addr *addr, uint16_t port)
{
    if (o == u || o->local_port != port || (u->reuse_addr && o->reuse_addr))
        return false;
    if (o->local.type == TERN_ADDR_ANY || addr->type == TERN_ADDR_ANY)
        return true;
    return o->local.type == addr->type &&
           (tern_addr_eq(&o->local, addr) || tern_addr_is_any(addr) || tern_addr_is_any(&o->local));
}

static bool port_free(tern_stack *s, const tern_udp *u, const tern_addr *addr, uint16_t port)
{
    for (tern_udp *o = s->udp_list; o; o = o->next)
        if (bind_conflict(u, o, addr, port))
            return false;
    return true;
}

int tern_udp_bind(tern_udp *u, const tern_addr *addr, uint16_t port)
{
    tern_stack *s = u->stack;
    tern_addr any = {.type = u->local.type};
    if (!addr)
        addr = &any;
    /* As in lwIP, the address decides the socket's family from now on. */
    if (port == 0) {
        /* Ephemeral range 49152..65535 (RFC 6335), searched from a moving start. */
        for (uint32_t tries = 0; tries < 0x4000u; tries++) {
            uint16_t cand = s->udp_next_port;
            s->udp_next_port = cand == 0xffff ? 0xc000 : (uint16_t)(cand + 1);
            if (port_free(s, u, addr, cand)) {
                port = cand;
                break;
            }
        }
        if (port == 0)
            return TERN_ERR_USE;
    } else if (!port_free(s, u, addr, port)) {
        return TERN_ERR_USE;
    }
    u->local = *addr;
    u->local_port = port;
    if (!u->in_list) {
        u->next = s->udp_list;
        s->udp_list = u;
        u->in_list = true;
    }
    return TERN_OK;
}

void tern_udp_bind_iface(tern_udp *u, tern_iface *ifc) { u->iface_index = ifc ? ifc->index : 0; }

int tern_udp_connect(tern_udp *u, const tern_addr *addr, uint16_t port)
{
    if (!addr)
        return TERN_ERR_VAL;
    if (u->local_port == 0) {
        int err = tern_udp_bind(u, &u->local, 0);
        if (err)
            return err;
    }
    u->remote = *addr;
    u->remote_port = port;
    u->flags |= TERN_UDP_CONNECTED;
    return TERN_OK;
}

void tern_udp_disconnect(tern_udp *u)
{
    uint8_t type = u->local.type;
    u->remote = (tern_addr){.type = type};
    u->remote_port = 0;
    u->iface_index = 0;
    u->flags &= (uint8_t)~TERN_UDP_CONNECTED;
}

const tern_addr *tern_udp_local_addr(const tern_udp *u) { return &u->local; }
uint16_t tern_udp_local_port(const tern_udp *u) { return u->local_port; }
const tern_addr *tern_udp_remote_addr(const tern_udp *u) { return &u->remote; }
uint16_t tern_udp_remote_port(const tern_udp *u) { return u->remote_port; }
uint8_t tern_udp_flags(const tern_udp *u) { return u->flags; }

static bool local_match(const tern_udp *u, const tern_ip_meta *m)
{
    if (u->iface_index && u->iface_index != m->iface->index)
        return false;
    if (u->local.type == TERN_ADDR_ANY)
        return tern_addr_is_any(&u->local) || tern_addr_eq(&u->local, &m->dst);
    if (u->local.type != m->dst.type)
        return false;
    if (tern_addr_is_any(&u->local))
        return true;
    if (m->dst_is_broadcast && m->dst.type == TERN_ADDR_V4)
        return true; /* a broadcast reaches sockets bound to a unicast address too */
    return tern_addr_eq(&u->local, &m->dst);
}

static bool remote_match(const tern_udp *u, const tern_addr *src, uint16_t sport)
{
    return u->remote_port == sport && (tern_addr_is_any(&u->remote) || tern_addr_eq(&u->remote, src));
}

static tern_udp *demux(tern_stack *s, const tern_ip_meta *m, uint16_t sport, uint16_t dport)
{
    tern_udp *unconnected = NULL, *catch_all = NULL;
    for (tern_udp *u = s->udp_list; u; u = u->next) {
        if (u->catch_all && !catch_all)
            catch_all = u;
        if (u->local_port != dport || !local_match(u, m))
            continue;
        if (remote_match(u, &m->src, sport))
            return u;
        if (!(u->flags & TERN_UDP_CONNECTED) && !unconnected)
            unconnected = u;
    }
    return unconnected ? unconnected : catch_all;
}

void tern__udp_input(tern_stack *s, tern_pbuf *p, const tern_ip_meta *m)
{
    s->stats.udp_in++;
    uint8_t h[TERN_UDP_HLEN];
    tern_udp_repr udp;
    if (tern_pbuf_copy_partial(p, h, sizeof(h), 0) != sizeof(h) ||
        tern__udp_parse(h, p->tot_len, &udp) != TERN_WIRE_OK) {
        s->stats.udp_drop_malformed++;
        tern_pbuf_free(p);
        return;
    }
    if (udp.length < p->tot_len)
        tern_pbuf_realloc(p, udp.length);
    /* A zero checksum means "none" over IPv4 and is forbidden over IPv6
     * (RFC 8200 8.1). */
    bool need_csum = udp.checksum != 0 || m->src.type == TERN_ADDR_V6;
    if (need_csum && (udp.checksum == 0 ||
                      (!m->csum_trusted && tern__ip_transport_csum(p, TERN_PROTO_UDP, &m->src, &m->dst) != 0))) {
        s->stats.udp_drop_checksum++;
        tern_pbuf_free(p);
        return;
    }
    tern_udp *u = demux(s, m, udp.src_port, udp.dst_port);
    if (!u) {
        s->stats.udp_drop_no_socket++;
        if (!m->dst_is_broadcast) {
            tern_pbuf_add_header_force(p, m->ip_hlen);
            if (m->src.type == TERN_ADDR_V4)
                tern__icmp4_send_error(s, p, m->iface, TERN_ICMP_DEST_UNREACH, TERN_ICMP_UNREACH_PORT);
            else
                tern__icmp6_send_error(s, p, m->iface, TERN_ICMP6_DEST_UNREACH, TERN_ICMP6_UNREACH_PORT, 0);
        }
        tern_pbuf_free(p);
        return;
    }
    /* The UDP header may end a segment of its own: drop emptied segments. */
    if (p->len > TERN_UDP_HLEN || p->tot_len == TERN_UDP_HLEN)
        tern_pbuf_remove_header(p, TERN_UDP_HLEN); /* an empty datagram stays a pbuf */
    else
        p = tern_pbuf_free_header(p, TERN_UDP_HLEN);
    if (!u->recv) {
        tern_pbuf_free(p);
        return;
    }
    u->recv(u->recv_arg, u, p, &m->src, udp.src_port, &m->dst, udp.dst_port);
}

int tern_udp_send(tern_udp *u, tern_pbuf *p, const tern_addr *dst, uint16_t dst_port, tern_iface *ifc,
                  const tern_addr *src, uint16_t src_port)
{
    tern_stack *s = u->stack;
    if (!p || !dst)
        return TERN_ERR_ARG;
    if (u->local.type != TERN_ADDR_ANY && dst->type != u->local.type)
        return TERN_ERR_VAL;
    if ((uint32_t)p->tot_len + TERN_UDP_HLEN > 0xffffu)
        return TERN_ERR_MEM;
    if (!src_port) {
        if (!u->local_port && tern_udp_bind(u, &u->local, 0) != TERN_OK)
            return TERN_ERR_USE;
        src_port = u->local_port;
    }
    if (!ifc && u->iface_index)
        ifc = tern_iface_by_index(s, u->iface_index);
    if (!ifc)
        ifc = tern__ip_route(s, dst);
    if (!ifc)
        return TERN_ERR_RTE;
    tern_addr chosen;
    if (!src || tern_addr_is_any(src)) {
        if (!tern__ip_select_source(ifc, dst, &chosen))
            return TERN_ERR_RTE;
        src = &chosen;
    }

    tern_pbuf *q = p;
    if (tern_pbuf_add_header(p, TERN_UDP_HLEN) != 0) {
        q = tern_pbuf_alloc(TERN_HEADROOM, TERN_UDP_HLEN, TERN_PBUF_RAM);
        if (!q)
            return TERN_ERR_MEM;
        tern_pbuf_chain(q, p);
    }
    tern_udp_repr r = {.src_port = src_port, .dst_port = dst_port, .length = q->tot_len};
    uint8_t *h = q->payload;
    tern__udp_emit(h, &r);
    if (dst->type == TERN_ADDR_V6 || !(u->flags & TERN_UDP_NOCHKSUM)) {
        uint16_t c = tern__ip_transport_csum(q, TERN_PROTO_UDP, src, dst);
        tern_wr16(h + 6, c ? c : 0xffff); /* 0 would mean "no checksum" */
    }
    int err = tern__ip_output(s, q, src, dst, TERN_PROTO_UDP, u->ttl, u->tos, ifc);
    if (err == TERN_OK)
        s->stats.udp_out++;
    if (q != p)
        tern_pbuf_free(q);
    else
        tern_pbuf_remove_header(p, TERN_UDP_HLEN);
    return err;
}

void tern__udp_iface_removed(tern_stack *s, tern_iface *ifc)
{
    for (tern_udp *u = s->udp_list; u; u = u->next)
        if (u->iface_index == ifc->index)
            u->iface_index = 0;
}

void tern__udp_stack_teardown(tern_stack *s)
{
    while (s->udp_list) {
        tern_udp *u = s->udp_list;
        s->udp_list = u->next;
        free(u);
    }
}
