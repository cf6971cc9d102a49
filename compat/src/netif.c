/* compat/src/netif.c: lwIP's netif API on tern interfaces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "netif_sync.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "tern/iface.h"
#include "tern/timer.h"

struct netif *netif_list;
struct netif *netif_default;
_Thread_local struct netif *tern__netif_list_own, *tern__netif_default_own;

/* Packets sent to a loopback interface wait here until netif_poll or the
 * next sys_check_timeouts delivers them, as lwIP's loopif does. */
typedef struct loop_entry {
    struct loop_entry *next;
    struct netif *netif;
    struct pbuf *p;
} loop_entry;

/* Per thread, as the stack is (tern/stack.h).  loop_tail points at
 * loop_head from lwip_init on (tern__compat_netif_reset): a thread-local
 * address is no constant initializer. */
TERN_COMPAT_VAR(loop_entry *, loop_head);
#define loop_head TERN_COMPAT_USE(loop_head)
TERN_COMPAT_VAR(loop_entry **, loop_tail);
#define loop_tail TERN_COMPAT_USE(loop_tail)
TERN_COMPAT_VAR(u8_t, netif_num);
#define netif_num TERN_COMPAT_USE(netif_num)
TERN_COMPAT_VAR(tern_timer, loop_timer);
#define loop_timer TERN_COMPAT_USE(loop_timer)
static void loop_deliver(tern_timer *t, void *arg);

struct netif *tern__compat_netif_of(const struct tern_iface *ifc)
{
    return ifc ? tern_iface_user(ifc) : NULL;
}

static int iface_output(tern_iface *ifc, tern_pbuf *pkt, const tern_addr *hop, void *user)
{
    (void)ifc;
    struct netif *n = user;
    struct pbuf *p = (struct pbuf *)pkt;
#if LWIP_IPV4
    if (hop->type == TERN_ADDR_V4) {
        if (!n->output)
            return ERR_IF;
        ip4_addr_t a;
        a.addr = hop->u.v4;
        return n->output(n, p, &a);
    }
#endif
#if LWIP_IPV6
    if (hop->type == TERN_ADDR_V6) {
        if (!n->output_ip6)
            return ERR_IF;
        ip6_addr_t a;
        memcpy(a.addr, hop->u.v6.w, 16);
        ip6_addr_clear_zone(&a);
        return n->output_ip6(n, p, &a);
    }
#endif
    return ERR_VAL;
}

/* What tern__compat_netif_sync last pushed (netif_sync.h).  netif_add and
 * netif_remove forget it, since a freed netif and its core interface may
 * come back at the same addresses. */
tern__netif_pushed tern__netif_pushed_shared;
_Thread_local tern__netif_pushed tern__netif_pushed_own;
#define pushed TERN_COMPAT_USE(tern__netif_pushed)

static void forget_pushed(void) { memset(&pushed, 0, sizeof(pushed)); }

/* Kept out of line, so the per-packet check stays a few compares. */
void tern__compat_netif_push(struct netif *n, tern_iface *ifc)
{
    pushed.netif = n;
    pushed.ifc = ifc;
    pushed.flags = n->flags;
    pushed.mtu = n->mtu;
    pushed.addr = tern__netif_v4(&n->ip_addr);
    pushed.mask = tern__netif_v4(&n->netmask);
    pushed.gw = tern__netif_v4(&n->gw);
    tern_iface_set_up(ifc, (n->flags & (NETIF_FLAG_UP | NETIF_FLAG_LINK_UP)) == (NETIF_FLAG_UP | NETIF_FLAG_LINK_UP));
    /* Programs set the pretend flags with netif_set_flags, a macro that
     * writes n->flags: every destination becomes local to the interface
     * (badvpn's and heiher's forks: "every host"), picked up here on each
     * packet as mtu is. */
    tern_iface_set_catch_all(ifc, tern__compat_tun2socks || netif_is_flag_set(n, NETIF_FLAG_PRETEND) ||
                                      netif_is_flag_set(n, NETIF_FLAG_PRETEND_ICMP));
    tern_iface_set_mtu(ifc, n->mtu);
#if LWIP_IPV4
    tern_iface_set_ipv4(ifc, ip_2_ip4(&n->ip_addr)->addr, ip_2_ip4(&n->netmask)->addr, ip_2_ip4(&n->gw)->addr);
#endif
}


void tern__compat_netif_reset(void)
{
    forget_pushed(); /* (the new stack's interfaces come through netif_add, which forgets it too) */
    while (loop_head) {
        loop_entry *e = loop_head;
        loop_head = e->next;
        pbuf_free(e->p);
        free(e);
    }
    loop_tail = &loop_head;
    NETIF_LIST = NULL;
    NETIF_DEFAULT = NULL;
    netif_num = 0;
    tern_timer_init(&loop_timer, loop_deliver, NULL); /* the old stack's heap is gone */
}

void netif_init(void) {}

/* lwIP's numbering: the counter's value, bumped past numbers in use. */
static u8_t pick_num(void)
{
    u8_t num = netif_num;
    for (int tries = 0; tries < 256; tries++) {
        if (num == 255)
            num = 0;
        struct netif *n;
        for (n = NETIF_LIST; n; n = n->next)
            if (n->num == num)
                break;
        if (!n)
            break;
        num++;
    }
    return num;
}

static err_t null_output4(struct netif *n, struct pbuf *p, const ip4_addr_t *a)
{
    (void)n, (void)p, (void)a;
    return ERR_IF;
}

static err_t null_output6(struct netif *n, struct pbuf *p, const ip6_addr_t *a)
{
    (void)n, (void)p, (void)a;
    return ERR_IF;
}

struct netif *netif_add_noaddr(struct netif *netif, void *state, netif_init_fn init, netif_input_fn input)
{
#if LWIP_IPV4
    return netif_add(netif, NULL, NULL, NULL, state, init, input);
#else
    return netif_add(netif, state, init, input);
#endif
}

#if LWIP_IPV4
struct netif *netif_add(struct netif *netif, const ip4_addr_t *ipaddr, const ip4_addr_t *netmask,
                        const ip4_addr_t *gw, void *state, netif_init_fn init, netif_input_fn input)
#else
struct netif *netif_add(struct netif *netif, void *state, netif_init_fn init, netif_input_fn input)
#endif
{
    if (!netif || !init || !tern__compat_stack)
        return NULL;
    /* What lwIP resets; name, hwaddr and the rest stay as the caller set them. */
#if LWIP_IPV4
    ip_addr_set_zero_ip4(&netif->ip_addr);
    ip_addr_set_zero_ip4(&netif->netmask);
    ip_addr_set_zero_ip4(&netif->gw);
    netif->output = null_output4;
#endif
#if LWIP_IPV6
    for (int i = 0; i < TERN_IPV6_NUM_ADDRESSES_MAX; i++) {
        ip_addr_set_zero_ip6(&netif->ip6_addr[i]);
        netif->ip6_addr_state[i] = IP6_ADDR_INVALID;
        netif->ip6_addr_valid_life[i] = netif->ip6_addr_pref_life[i] = 0;
    }
    netif->output_ip6 = null_output6;
#endif
    netif->mtu = 0;
    netif->flags = 0;
    netif->ext_flags = 0;
    memset(netif->client_data, 0, sizeof(netif->client_data));
#if LWIP_NETIF_STATUS_CALLBACK
    netif->status_callback = NULL;
#endif
#if LWIP_NETIF_LINK_CALLBACK
    netif->link_callback = NULL;
#endif
    netif->state = state;
    netif->input = input;
    netif->next = NULL;
    forget_pushed();
    netif->tern_iface = tern_iface_add(tern__compat_stack, iface_output, netif);
    if (!netif->tern_iface)
        return NULL;
#if LWIP_IPV4
    netif_set_addr(netif, ipaddr, netmask, gw);
#endif
    if (init(netif) != ERR_OK) {
        forget_pushed();
        tern_iface_remove(netif->tern_iface);
        netif->tern_iface = NULL;
        return NULL;
    }
    netif->num = pick_num();
    netif_num = (u8_t)(netif->num == 254 ? 0 : netif->num + 1);
    /* CHECKSUM_CHECK_* 0: the program vouches for its device's checksums. */
    if (!tern__compat_opts.checksum_check_tcp && !tern__compat_opts.checksum_check_udp &&
        !tern__compat_opts.checksum_check_ip)
        tern_iface_set_rx_csum_trusted(netif->tern_iface, true);
    netif->next = NETIF_LIST; /* lwIP puts new interfaces first */
    NETIF_LIST = netif;
    tern__compat_netif_sync(netif);
    netif_invoke_ext_callback(netif, LWIP_NSC_NETIF_ADDED, NULL);
    return netif;
}

void netif_remove(struct netif *netif)
{
    if (!netif || !netif->tern_iface)
        return;
    netif_invoke_ext_callback(netif, LWIP_NSC_NETIF_REMOVED, NULL);
#if LWIP_NETIF_REMOVE_CALLBACK
    if (netif->remove_callback)
        netif->remove_callback(netif);
#endif
    tern__compat_multicast_netif_removed(netif);
    for (struct netif **pp = &NETIF_LIST; *pp; pp = &(*pp)->next) {
        if (*pp == netif) {
            *pp = netif->next;
            break;
        }
    }
    if (NETIF_DEFAULT == netif)
        netif_set_default(NULL);
    for (loop_entry **pp = &loop_head; *pp;) {
        loop_entry *e = *pp;
        if (e->netif == netif) {
            *pp = e->next;
            pbuf_free(e->p);
            free(e);
        } else {
            pp = &e->next;
        }
    }
    loop_tail = &loop_head;
    while (*loop_tail)
        loop_tail = &(*loop_tail)->next;
    forget_pushed();
    tern_iface_remove(netif->tern_iface);
    netif->tern_iface = NULL;
}

#if LWIP_IPV4
void netif_set_ipaddr(struct netif *netif, const ip4_addr_t *ipaddr)
{
    ip_addr_set_ip4_u32_val(netif->ip_addr, ipaddr ? ipaddr->addr : 0);
    tern__compat_netif_sync(netif);
}

void netif_set_netmask(struct netif *netif, const ip4_addr_t *netmask)
{
    ip_addr_set_ip4_u32_val(netif->netmask, netmask ? netmask->addr : 0);
    tern__compat_netif_sync(netif);
}

void netif_set_gw(struct netif *netif, const ip4_addr_t *gw)
{
    ip_addr_set_ip4_u32_val(netif->gw, gw ? gw->addr : 0);
    tern__compat_netif_sync(netif);
}

void netif_set_addr(struct netif *netif, const ip4_addr_t *ipaddr, const ip4_addr_t *netmask, const ip4_addr_t *gw)
{
    ip_addr_t old_addr = netif->ip_addr, old_mask = netif->netmask, old_gw = netif->gw;
    ip_addr_set_ip4_u32_val(netif->ip_addr, ipaddr ? ipaddr->addr : 0);
    ip_addr_set_ip4_u32_val(netif->netmask, netmask ? netmask->addr : 0);
    ip_addr_set_ip4_u32_val(netif->gw, gw ? gw->addr : 0);
    tern__compat_netif_sync(netif);
    netif_nsc_reason_t why = LWIP_NSC_NONE;
    if (!ip_addr_cmp(&old_addr, &netif->ip_addr))
        why |= LWIP_NSC_IPV4_ADDRESS_CHANGED;
    if (!ip_addr_cmp(&old_mask, &netif->netmask))
        why |= LWIP_NSC_IPV4_NETMASK_CHANGED;
    if (!ip_addr_cmp(&old_gw, &netif->gw))
        why |= LWIP_NSC_IPV4_GATEWAY_CHANGED;
    if (why != LWIP_NSC_NONE) {
        netif_ext_callback_args_t args;
        args.ipv4_changed.old_address = &old_addr;
        args.ipv4_changed.old_netmask = &old_mask;
        args.ipv4_changed.old_gw = &old_gw;
        netif_invoke_ext_callback(netif, (netif_nsc_reason_t)(why | LWIP_NSC_IPV4_SETTINGS_CHANGED), &args);
    }
}

u8_t ip4_addr_isbroadcast_u32(u32_t addr, const struct netif *netif)
{
    if (addr == IPADDR_ANY || addr == IPADDR_BROADCAST)
        return 1;
    if (!netif || (netif->flags & NETIF_FLAG_BROADCAST) == 0)
        return 0;
    u32_t mine = ip_2_ip4(&netif->ip_addr)->addr, mask = ip_2_ip4(&netif->netmask)->addr;
    if (addr == mine)
        return 0;
    return (addr & mask) == (mine & mask) && (addr & ~mask) == (IPADDR_BROADCAST & ~mask);
}
#endif

void netif_set_default(struct netif *netif)
{
    NETIF_DEFAULT = netif;
    if (tern__compat_stack)
        tern_stack_set_default_iface(tern__compat_stack, netif ? netif->tern_iface : NULL);
}

void netif_set_up(struct netif *netif)
{
    if (!netif || (netif->flags & NETIF_FLAG_UP))
        return;
    netif->flags |= NETIF_FLAG_UP;
    tern__compat_netif_sync(netif);
#if LWIP_NETIF_STATUS_CALLBACK
    if (netif->status_callback)
        netif->status_callback(netif);
#endif
    netif_ext_callback_args_t args;
    args.status_changed.state = netif_is_up(netif);
    netif_invoke_ext_callback(netif, LWIP_NSC_STATUS_CHANGED, &args);
}

void netif_set_down(struct netif *netif)
{
    if (!netif || !(netif->flags & NETIF_FLAG_UP))
        return;
    netif->flags &= (u8_t)~NETIF_FLAG_UP;
    tern__compat_netif_sync(netif);
#if LWIP_NETIF_STATUS_CALLBACK
    if (netif->status_callback)
        netif->status_callback(netif);
#endif
    netif_ext_callback_args_t args;
    args.status_changed.state = netif_is_up(netif);
    netif_invoke_ext_callback(netif, LWIP_NSC_STATUS_CHANGED, &args);
}

void netif_set_link_up(struct netif *netif)
{
    if (!netif || (netif->flags & NETIF_FLAG_LINK_UP))
        return;
    netif->flags |= NETIF_FLAG_LINK_UP;
    tern__compat_netif_sync(netif);
#if LWIP_NETIF_LINK_CALLBACK
    if (netif->link_callback)
        netif->link_callback(netif);
#endif
    netif_ext_callback_args_t args;
    args.link_changed.state = netif_is_link_up(netif);
    netif_invoke_ext_callback(netif, LWIP_NSC_LINK_CHANGED, &args);
}

void netif_set_link_down(struct netif *netif)
{
    if (!netif || !(netif->flags & NETIF_FLAG_LINK_UP))
        return;
    netif->flags &= (u8_t)~NETIF_FLAG_LINK_UP;
    tern__compat_netif_sync(netif);
#if LWIP_NETIF_LINK_CALLBACK
    if (netif->link_callback)
        netif->link_callback(netif);
#endif
    netif_ext_callback_args_t args;
    args.link_changed.state = netif_is_link_up(netif);
    netif_invoke_ext_callback(netif, LWIP_NSC_LINK_CHANGED, &args);
}

#if LWIP_NETIF_STATUS_CALLBACK
void netif_set_status_callback(struct netif *netif, netif_status_callback_fn cb)
{
    if (netif)
        netif->status_callback = cb;
}
#endif
#if LWIP_NETIF_LINK_CALLBACK
void netif_set_link_callback(struct netif *netif, netif_status_callback_fn cb)
{
    if (netif)
        netif->link_callback = cb;
}
#endif
#if LWIP_NETIF_REMOVE_CALLBACK
void netif_set_remove_callback(struct netif *netif, netif_status_callback_fn cb)
{
    if (netif)
        netif->remove_callback = cb;
}
#endif

struct netif *netif_find(const char *name)
{
    if (!name || !name[0] || !name[1])
        return NULL;
    char *end;
    long num = strtol(name + 2, &end, 10);
    if (end == name + 2 || *end || num < 0 || num > 255)
        return NULL;
    for (struct netif *n = NETIF_LIST; n; n = n->next)
        if (n->num == num && n->name[0] == name[0] && n->name[1] == name[1])
            return n;
    return NULL;
}

struct netif *netif_get_by_index(u8_t idx)
{
    for (struct netif *n = NETIF_LIST; n; n = n->next)
        if (netif_get_index(n) == idx)
            return n;
    return NULL;
}

u8_t netif_name_to_index(const char *name)
{
    struct netif *n = netif_find(name);
    return n ? netif_get_index(n) : NETIF_NO_INDEX;
}

char *netif_index_to_name(u8_t idx, char *name)
{
    struct netif *n = netif_get_by_index(idx);
    if (!n || !name)
        return NULL;
    snprintf(name, NETIF_NAMESIZE, "%c%c%u", n->name[0], n->name[1], n->num);
    return name;
}

err_t netif_input(struct pbuf *p, struct netif *inp) { return ip_input(p, inp); }

static void loop_deliver(tern_timer *t, void *arg)
{
    (void)t;
    (void)arg;
    netif_poll_all();
}

err_t netif_loop_output(struct netif *netif, struct pbuf *p)
{
    if (!netif || !p || !tern__compat_stack)
        return ERR_ARG;
    /* A copy: the sender keeps its buffer, as with any output. */
    struct pbuf *copy = pbuf_clone(PBUF_LINK, PBUF_RAM, p);
    loop_entry *e = copy ? malloc(sizeof(*e)) : NULL;
    if (!e) {
        if (copy)
            pbuf_free(copy);
        return ERR_MEM;
    }
    e->next = NULL;
    e->netif = netif;
    e->p = copy;
    *loop_tail = e;
    loop_tail = &e->next;
    if (!tern_timer_armed(&loop_timer))
        tern_timer_start(tern__compat_stack, &loop_timer, 0);
    return ERR_OK;
}

void netif_poll(struct netif *netif)
{
    /* Only what is queued now: deliveries may queue more for later. */
    loop_entry *batch = loop_head;
    loop_head = NULL;
    loop_tail = &loop_head;
    while (batch) {
        loop_entry *e = batch;
        batch = e->next;
        if (netif && e->netif != netif) {
            e->next = NULL;
            *loop_tail = e;
            loop_tail = &e->next;
            continue;
        }
        struct netif *n = e->netif;
        struct pbuf *p = e->p;
        free(e);
        if (n->input(p, n) != ERR_OK)
            pbuf_free(p);
    }
}

void netif_poll_all(void) { netif_poll(NULL); }

#if LWIP_IPV6
void netif_ip6_addr_set(struct netif *netif, s8_t idx, const ip6_addr_t *addr6)
{
    if (!netif || !addr6 || idx < 0 || idx >= tern__compat_ipv6_slots())
        return;
    ip_addr_copy_from_ip6(netif->ip6_addr[idx], *addr6);
    tern_iface_set_ipv6(netif->tern_iface, idx, (const uint8_t *)addr6->addr, netif->ip6_addr_state[idx]);
}

void netif_ip6_addr_set_parts(struct netif *netif, s8_t idx, u32_t i0, u32_t i1, u32_t i2, u32_t i3)
{
    ip6_addr_t a;
    IP6_ADDR(&a, i0, i1, i2, i3);
    netif_ip6_addr_set(netif, idx, &a);
}

void netif_ip6_addr_set_state(struct netif *netif, s8_t idx, u8_t state)
{
    if (!netif || idx < 0 || idx >= tern__compat_ipv6_slots())
        return;
    netif->ip6_addr_state[idx] = state;
    tern_iface_set_ipv6(netif->tern_iface, idx, (const uint8_t *)ip_2_ip6(&netif->ip6_addr[idx])->addr, state);
}

s8_t netif_get_ip6_addr_match(struct netif *netif, const ip6_addr_t *ip6addr)
{
    for (s8_t i = 0; i < tern__compat_ipv6_slots(); i++)
        if (!ip6_addr_isinvalid(netif_ip6_addr_state(netif, i)) &&
            ip6_addr_cmp_zoneless(netif_ip6_addr(netif, i), ip6addr))
            return i;
    return -1;
}

void netif_create_ip6_linklocal_address(struct netif *netif, u8_t from_mac_48bit)
{
    if (!netif)
        return;
    u8_t a[16] = {0xfe, 0x80};
    if (from_mac_48bit) {
        /* Modified EUI-64 (RFC 4291 appendix A). */
        a[8] = netif->hwaddr[0] ^ 0x02;
        a[9] = netif->hwaddr[1];
        a[10] = netif->hwaddr[2];
        a[11] = 0xff;
        a[12] = 0xfe;
        a[13] = netif->hwaddr[3];
        a[14] = netif->hwaddr[4];
        a[15] = netif->hwaddr[5];
    } else {
        for (int i = 0; i < 8 && i < netif->hwaddr_len; i++)
            a[15 - i] = netif->hwaddr[netif->hwaddr_len - i - 1];
    }
    ip6_addr_t ll;
    memcpy(ll.addr, a, 16);
    ip6_addr_clear_zone(&ll);
    netif_ip6_addr_set(netif, 0, &ll);
    netif_ip6_addr_set_state(netif, 0, IP6_ADDR_PREFERRED);
}

err_t netif_add_ip6_address(struct netif *netif, const ip6_addr_t *ip6addr, s8_t *chosen_idx)
{
    s8_t i = netif_get_ip6_addr_match(netif, ip6addr);
    if (i >= 0) {
        if (chosen_idx)
            *chosen_idx = i;
        return ERR_OK;
    }
    for (i = 1; i < tern__compat_ipv6_slots(); i++) {
        if (ip6_addr_isinvalid(netif_ip6_addr_state(netif, i))) {
            netif_ip6_addr_set(netif, i, ip6addr);
            netif_ip6_addr_set_state(netif, i, IP6_ADDR_PREFERRED);
            if (chosen_idx)
                *chosen_idx = i;
            return ERR_OK;
        }
    }
    if (chosen_idx)
        *chosen_idx = -1;
    return ERR_VAL;
}
#endif

void netif_tern_set_tso(struct netif *netif, u32_t max_bytes)
{
    if (netif && netif->tern_iface)
        tern_iface_set_tso(netif->tern_iface, max_bytes);
}

u16_t netif_tern_tx_gso_size(const struct netif *netif)
{
    return netif && netif->tern_iface ? tern_iface_tx_gso_size(netif->tern_iface) : 0;
}

/* ---- client data, extended callbacks, forks' pretend flag ---- */

TERN_COMPAT_VAR(u8_t, client_data_ids, = LWIP_NETIF_CLIENT_DATA_INDEX_MAX);
#define client_data_ids TERN_COMPAT_USE(client_data_ids)

u8_t netif_alloc_client_data_id(void)
{
    /* lwIP hands out ids for the life of the process, as here. */
    if (client_data_ids >= TERN_NETIF_CLIENT_DATA_SLOTS)
        return 0xff;
    return client_data_ids++;
}

void netif_set_pretend_tcp(struct netif *netif, u8_t pretend)
{
    if (!netif)
        return;
    if (pretend)
        netif_set_flags(netif, NETIF_FLAG_PRETEND_TCP);
    else
        netif_clear_flags(netif, NETIF_FLAG_PRETEND_TCP);
    tern__compat_netif_sync(netif);
}

TERN_COMPAT_VAR(netif_ext_callback_t *, ext_callbacks);
#define ext_callbacks TERN_COMPAT_USE(ext_callbacks)

void netif_add_ext_callback(netif_ext_callback_t *callback, netif_ext_callback_fn fn)
{
    if (!callback || !fn)
        return;
    for (netif_ext_callback_t *c = ext_callbacks; c; c = c->next)
        if (c == callback)
            return; /* lwIP asserts; adding twice would loop the list */
    callback->callback_fn = fn;
    callback->next = ext_callbacks;
    ext_callbacks = callback;
}

void netif_remove_ext_callback(netif_ext_callback_t *callback)
{
    for (netif_ext_callback_t **pp = &ext_callbacks; *pp; pp = &(*pp)->next) {
        if (*pp == callback) {
            *pp = callback->next;
            return;
        }
    }
}

void netif_invoke_ext_callback(struct netif *netif, netif_nsc_reason_t reason, const netif_ext_callback_args_t *args)
{
    netif_ext_callback_t *c = ext_callbacks;
    while (c) {
        netif_ext_callback_t *next = c->next; /* the callback may remove itself */
        c->callback_fn(netif, reason, args);
        c = next;
    }
}

err_t tcp_bind_to_netif(struct tcp_pcb *pcb, const char ifname[3])
{
    if (!pcb || !ifname || pcb->state != CLOSED)
        return ERR_VAL;
    struct netif *n;
    for (n = NETIF_LIST; n; n = n->next)
        if (n->name[0] == ifname[0] && n->name[1] == ifname[1] && ifname[2] == (char)('0' + n->num))
            break;
    if (!n)
        return ERR_VAL;
    /* Bound to the netif first: the address (none) and port (0) then make
     * the listener take every connection on it (tcp.c's pretend rule). */
    tcp_bind_netif(pcb, n);
    return tcp_bind(pcb, NULL, 0);
}
