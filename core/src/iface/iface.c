/* iface/iface.c: adding, configuring and removing interfaces; deciding
 * which addresses are ours and which interface reaches a destination. */
#include <stdlib.h>
#include <string.h>

#include "iface/ip.h"
#include "socket/udp_impl.h"

tern_iface *tern_iface_add(tern_stack *s, tern_iface_output_fn output, void *user)
{
    uint8_t index = 1;
    /* Indices are 1-based and reused after removal, as lwIP's netif_num. */
    for (bool taken = true; taken;) {
        taken = false;
        for (tern_iface *i = s->ifaces; i; i = i->next) {
            if (i->index == index) {
                taken = true;
                if (index == 255)
                    return NULL;
                index++;
            }
        }
    }
    tern_iface *ifc = calloc(1, sizeof(*ifc));
    if (!ifc)
        return NULL;
    ifc->stack = s;
    ifc->output = output;
    ifc->user = user;
    ifc->index = index;
    ifc->mtu = 1500;
    tern_iface **tail = &s->ifaces;
    while (*tail)
        tail = &(*tail)->next;
    *tail = ifc;
    s->iface_gen++;
    return ifc;
}

void tern_iface_remove(tern_iface *ifc)
{
    if (!ifc)
        return;
    tern_stack *s = ifc->stack;
    for (tern_iface **pp = &s->ifaces; *pp; pp = &(*pp)->next) {
        if (*pp == ifc) {
            *pp = ifc->next;
            break;
        }
    }
    if (s->default_iface == ifc)
        s->default_iface = NULL;
    s->iface_gen++;
    tern__udp_iface_removed(s, ifc);
    free(ifc);
}

void *tern_iface_user(const tern_iface *ifc) { return ifc->user; }
uint8_t tern_iface_index(const tern_iface *ifc) { return ifc->index; }

tern_iface *tern_iface_by_index(tern_stack *s, uint8_t index)
{
    for (tern_iface *i = s->ifaces; i; i = i->next)
        if (i->index == index)
            return i;
    return NULL;
}

/* Every setter that changes which addresses are ours bumps iface_gen. */
void tern_iface_set_up(tern_iface *ifc, bool up)
{
    ifc->up = up;
    ifc->stack->iface_gen++;
}
bool tern_iface_is_up(const tern_iface *ifc) { return ifc->up; }
void tern_iface_set_mtu(tern_iface *ifc, uint16_t mtu) { ifc->mtu = mtu; }
uint16_t tern_iface_mtu(const tern_iface *ifc) { return ifc->mtu; }
void tern_iface_set_catch_all(tern_iface *ifc, bool on)
{
    ifc->catch_all = on;
    ifc->stack->iface_gen++;
}
void tern_iface_set_rx_csum_trusted(tern_iface *ifc, bool on) { ifc->rx_csum_trusted = on; }
void tern_iface_set_tso(tern_iface *ifc, uint32_t max_bytes) { ifc->tso_max = max_bytes > 65535 ? 65535 : max_bytes; }
uint16_t tern_iface_tx_gso_size(const tern_iface *ifc) { return ifc->tx_gso_size; }
void tern_iface_set_loopback(tern_iface *ifc, bool on)
{
    ifc->loopback = on;
    ifc->stack->iface_gen++;
}

void tern_stack_set_default_iface(tern_stack *s, tern_iface *ifc) { s->default_iface = ifc; }

void tern_iface_set_ipv4(tern_iface *ifc, uint32_t addr_be, uint32_t mask_be, uint32_t gw_be)
{
    ifc->v4_addr = addr_be;
    ifc->v4_mask = mask_be;
    ifc->v4_gw = gw_be;
    ifc->stack->iface_gen++;
}

void tern_iface_set_ipv6(tern_iface *ifc, int slot, const uint8_t addr[16], uint8_t state)
{
    if (slot < 0 || slot >= TERN_IFACE_MAX_IPV6)
        return;
    if (addr)
        memcpy(ifc->v6_addr[slot], addr, 16);
    ifc->v6_state[slot] = state;
    ifc->stack->iface_gen++;
}

static bool v6_valid(uint8_t state)
{
    return (state & TERN_IFACE_IPV6_DEPRECATED) != 0; /* preferred or deprecated */
}

static bool v4_is_local(const tern_iface *i, uint32_t dst, bool *bcast)
{
    if (i->v4_addr == 0)
        return false;
    if (dst == i->v4_addr)
        return true;
    const uint8_t *b = (const uint8_t *)&dst;
    if ((b[0] & 0xf0) == 0xe0) { /* 224.0.0.0/4 */
        static const uint8_t all_hosts[4] = {224, 0, 0, 1};
        tern_addr g;
        tern_addr_set_v4(&g, dst);
        *bcast = true;
        return memcmp(b, all_hosts, 4) == 0 || tern__iface_in_group(i, &g);
    }
    /* Directed broadcast of the interface's subnet (not for /31 and /32). */
    uint32_t host = ~i->v4_mask;
    if (host > 1 && (dst & i->v4_mask) == (i->v4_addr & i->v4_mask) && (dst & host) == host) {
        *bcast = true;
        return true;
    }
    return false;
}

static bool v6_is_local(const tern_iface *i, const uint8_t *dst, bool *mcast)
{
    static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
    if (memcmp(dst, all_nodes, 16) == 0) {
        *mcast = true;
        return true;
    }
    if (dst[0] == 0xff) {
        tern_addr g = {.type = TERN_ADDR_V6};
        memcpy(g.u.v6.w, dst, 16);
        if (tern__iface_in_group(i, &g)) {
            *mcast = true;
            return true;
        }
    }
    for (int k = 0; k < TERN_IFACE_MAX_IPV6; k++) {
        if (!v6_valid(i->v6_state[k]))
            continue;
        if (memcmp(dst, i->v6_addr[k], 16) == 0)
            return true;
        /* Solicited-node multicast ff02::1:ffXX:XXXX of one of our addresses. */
        static const uint8_t sn_prefix[13] = {0xff, 0x02, [11] = 1, [12] = 0xff};
        if (memcmp(dst, sn_prefix, 13) == 0 && memcmp(dst + 13, i->v6_addr[k] + 13, 3) == 0) {
            *mcast = true;
            return true;
        }
    }
    return false;
}

bool tern__ip_is_local(tern_stack *s, tern_iface *in, const tern_addr *dst, bool *broadcast)
{
    *broadcast = false;
    if (in->catch_all)
        return true;
    if (dst->type == TERN_ADDR_V4) {
        uint32_t d = dst->u.v4;
        if (d == 0xffffffffu) {
            *broadcast = true;
            return true;
        }
        for (tern_iface *i = s->ifaces; i; i = i->next)
            if (i->up && v4_is_local(i, d, broadcast))
                return true;
        return false;
    }
    const uint8_t *d6 = (const uint8_t *)dst->u.v6.w;
    for (tern_iface *i = s->ifaces; i; i = i->next)
        if (i->up && v6_is_local(i, d6, broadcast))
            return true;
    return false;
}

tern_iface *tern__ip_route(tern_stack *s, const tern_addr *dst)
{
    if (dst->type == TERN_ADDR_V4) {
        for (tern_iface *i = s->ifaces; i; i = i->next)
            if (i->up && i->v4_addr && (dst->u.v4 & i->v4_mask) == (i->v4_addr & i->v4_mask))
                return i;
    } else {
        const uint8_t *d6 = (const uint8_t *)dst->u.v6.w;
        /* On-link: an interface holding an address in the same /64. */
        for (tern_iface *i = s->ifaces; i; i = i->next) {
            if (!i->up)
                continue;
            for (int k = 0; k < TERN_IFACE_MAX_IPV6; k++)
                if (v6_valid(i->v6_state[k]) && memcmp(i->v6_addr[k], d6, 8) == 0)
                    return i;
        }
    }
    if (s->default_iface && s->default_iface->up)
        return s->default_iface;
    /* A catch-all interface answers for everything, so it routes everything. */
    for (tern_iface *i = s->ifaces; i; i = i->next)
        if (i->up && i->catch_all)
            return i;
    return NULL;
}

bool tern__ip_select_source(const tern_iface *ifc, const tern_addr *dst, tern_addr *src)
{
    if (dst->type == TERN_ADDR_V4) {
        if (!ifc->v4_addr)
            return false;
        tern_addr_set_v4(src, ifc->v4_addr);
        return true;
    }
    const uint8_t *d6 = (const uint8_t *)dst->u.v6.w;
    bool dst_link_local = d6[0] == 0xfe && (d6[1] & 0xc0) == 0x80;
    int best = -1, best_score = -1;
    for (int k = 0; k < TERN_IFACE_MAX_IPV6; k++) {
        if (!v6_valid(ifc->v6_state[k]))
            continue;
        const uint8_t *a = ifc->v6_addr[k];
        bool link_local = a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
        /* RFC 6724 in brief: same scope first, then preferred over
         * deprecated, then the longest shared prefix (by /64). */
        int score = (link_local == dst_link_local) * 4 +
                    ((ifc->v6_state[k] & TERN_IFACE_IPV6_PREFERRED) == TERN_IFACE_IPV6_PREFERRED) * 2 +
                    (memcmp(a, d6, 8) == 0);
        if (score > best_score) {
            best_score = score;
            best = k;
        }
    }
    if (best < 0)
        return false;
    tern_addr_set_v6(src, ifc->v6_addr[best]);
    return true;
}

tern_iface *tern_stack_route(tern_stack *s, const tern_addr *dst) { return tern__ip_route(s, dst); }

bool tern_iface_source_for(const tern_iface *ifc, const tern_addr *dst, tern_addr *src)
{
    return tern__ip_select_source(ifc, dst, src);
}

bool tern__ip_is_own_address(tern_stack *s, const tern_addr *a)
{
    for (tern_iface *i = s->ifaces; i; i = i->next) {
        if (a->type == TERN_ADDR_V4) {
            if (i->v4_addr && i->v4_addr == a->u.v4)
                return true;
            continue;
        }
        for (int k = 0; k < TERN_IFACE_MAX_IPV6; k++)
            if (v6_valid(i->v6_state[k]) && memcmp(i->v6_addr[k], a->u.v6.w, 16) == 0)
                return true;
    }
    return false;
}
