/* compat/src/ip.c: ip_input and the ip_current_* accessors. */
#include "compat.h"
#include "netif_sync.h"
#include "lwip/ip.h"
#include "tern/iface.h"

/* A packet arriving after the program changed its netif: the fields are
 * pushed first.  Out of line, so that the common path below makes no call
 * before the stack's and keeps nothing across one. */
static __attribute__((noinline)) void input_after_push(struct pbuf *p, struct netif *inp)
{
    tern__compat_netif_push(inp, inp->tern_iface);
    p->if_idx = netif_get_index(inp);
    tern_iface_input(inp->tern_iface, (tern_pbuf *)p);
}

err_t ip_input(struct pbuf *p, struct netif *inp)
{
    if (!p)
        return ERR_ARG;
    tern_iface *ifc = inp ? inp->tern_iface : NULL;
    if (!ifc) {
        pbuf_free(p);
        return ERR_OK;
    }
    /* Applications write mtu and flags directly (tun2socks programs
     * overwrite the loopback's mtu): picked up on every packet. */
    if (!tern__compat_netif_in_sync(inp, ifc)) {
        input_after_push(p, inp);
        return ERR_OK;
    }
    p->if_idx = netif_get_index(inp);
    tern_iface_input(ifc, (tern_pbuf *)p);
    return ERR_OK;
}

#if LWIP_IPV4
err_t ip4_input(struct pbuf *p, struct netif *inp) { return ip_input(p, inp); }
#endif
#if LWIP_IPV6
err_t ip6_input(struct pbuf *p, struct netif *inp) { return ip_input(p, inp); }
#endif

static const tern_ip_current *current(void)
{
    return tern__compat_stack ? tern_ip_current_get(tern__compat_stack) : NULL;
}

struct netif *ip_current_netif(void)
{
    const tern_ip_current *c = current();
    return c ? tern__compat_netif_of(c->iface) : NULL;
}

struct netif *ip_current_input_netif(void) { return ip_current_netif(); }

const ip_addr_t *ip_current_src_addr(void)
{
    const tern_ip_current *c = current();
    return c ? tern__compat_ipaddr(&c->src) : NULL;
}

const ip_addr_t *ip_current_dest_addr(void)
{
    const tern_ip_current *c = current();
    return c ? tern__compat_ipaddr(&c->dst) : NULL;
}

u16_t ip_current_header_tot_len(void)
{
    const tern_ip_current *c = current();
    return c ? c->header_len : 0;
}

int ip_current_is_v6(void)
{
    const tern_ip_current *c = current();
    return c && c->src.type == TERN_ADDR_V6;
}

const void *tern_ip_current_header(void)
{
    const tern_ip_current *c = current();
    return c ? c->header : NULL;
}
