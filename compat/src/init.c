/* compat/src/init.c: lwip_init with the program's lwipopts.h (registered
 * through lwip/priv/tern_opts.h); it first refuses a program whose
 * structures are laid out differently from libtern's (compat/src/layout.c). */
#include <stdatomic.h>
#include <string.h>

#include "compat.h"
#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "tern/iface.h"
#include "tern/pbuf.h"
#include "layout.h"
#include "pool.h"
#include "platform.h"

int tern__compat_per_thread;
tern_stack *tern__compat_stack_shared;
_Thread_local tern_stack *tern__compat_stack_own;
int tern__compat_tun2socks_shared;
_Thread_local int tern__compat_tun2socks_own;

static uint32_t compat_clock(void *arg)
{
    (void)arg;
    return sys_now(); /* through the PLT: an application's sys_now wins */
}

TERN_COMPAT_VAR(struct netif, loop_netif);
#define loop_netif TERN_COMPAT_USE(loop_netif)

static err_t loopif_init(struct netif *netif)
{
    netif->name[0] = 'l';
    netif->name[1] = 'o';
    netif->output = NULL; /* set by netif_add_loopback below */
    netif->mtu = 0xffff;
    return ERR_OK;
}

static err_t loop_output4(struct netif *netif, struct pbuf *p, const ip4_addr_t *addr)
{
    (void)addr;
    return netif_loop_output(netif, p);
}

static err_t loop_output6(struct netif *netif, struct pbuf *p, const ip6_addr_t *addr)
{
    (void)addr;
    return netif_loop_output(netif, p);
}

static void add_loopif(void)
{
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 127, 0, 0, 1);
    IP4_ADDR(&mask, 255, 0, 0, 0);
    IP4_ADDR(&gw, 127, 0, 0, 1);
    memset(&loop_netif, 0, sizeof(loop_netif));
    netif_add(&loop_netif, &addr, &mask, &gw, NULL, loopif_init, ip_input);
    tern_iface_set_loopback(loop_netif.tern_iface, true);
    loop_netif.output = loop_output4;
    loop_netif.output_ip6 = loop_output6;
    ip6_addr_t lo6;
    IP6_ADDR(&lo6, 0, 0, 0, PP_HTONL(1));
    netif_ip6_addr_set(&loop_netif, 0, &lo6);
    netif_ip6_addr_set_state(&loop_netif, 0, IP6_ADDR_PREFERRED);
    netif_set_link_up(&loop_netif);
    netif_set_up(&loop_netif);
}

/* Frees the calling thread's stack and everything lwIP's API made in it. */
/* Stacks lwip_init made and tern_lwip_release has not ended, in every
 * thread: the mode may change only while there are none. */
static atomic_uint live_stacks;

static void release_stack(void)
{
    if (tern__compat_stack) {
        tern_stack_free(tern__compat_stack);
        tern__compat_stack = NULL;
        atomic_fetch_sub(&live_stacks, 1);
    }
    tern__compat_netif_reset();
    tern__compat_tcp_reset(); /* the pcb pools go with the old stack */
    tern__compat_udp_reset();
    tern__compat_timeouts_reset();
}

static void init(int loopif, int tun2socks)
{
    release_stack();
    tern_config cfg = {.clock = compat_clock};
    tern__port_random(&cfg.seed, sizeof(cfg.seed));
    tern__compat_stack = tern_stack_new(&cfg);
    if (tern__compat_stack && !tern__compat_tcp_attach(tern__compat_stack)) {
        tern_stack_free(tern__compat_stack); /* no memory: as if the stack could not be made */
        tern__compat_stack = NULL;
    }
    if (tern__compat_stack)
        atomic_fetch_add(&live_stacks, 1);
    tern__compat_tun2socks = tun2socks;
    if (loopif)
        add_loopif();
}

/* The program's lwipopts.h, registered by lwip/priv/tern_opts.h before
 * main; lwIP's defaults when nothing registered (a program that includes
 * no tern header at all, which cannot call lwip_init anyway). */
struct tern_lwipopts tern__compat_opts = {
    .abi = TERN_LWIPOPTS_ABI,
    .tcp_wnd = 4 * 1460,
    .tcp_snd_buf = 2 * 1460,
    .tcp_mss = 536,
    .tcp_snd_queuelen = 16,
    .keep_idle = 7200000,
    .keep_intvl = 75000,
    .keep_cnt = 9,
    .checksum_check_ip = 1,
    .checksum_check_udp = 1,
    .checksum_check_tcp = 1,
    .tcp_ttl = 255,
    .udp_ttl = 255,
    .tcp_maxrtx = 12,
    .tcp_synmaxrtx = 6,
    .ipv6_num_addresses = 3,
    .autotune_max = 4UL * 1024 * 1024,
    .autotune_budget = 64UL * 1024 * 1024,
};

void tern_compat_register_opts(const struct tern_lwipopts *opts)
{
    if (opts && opts->abi == TERN_LWIPOPTS_ABI)
        tern__compat_opts = *opts;
}

int tern_lwip_set_per_thread(int on)
{
    if (atomic_load(&live_stacks) != 0 || tern_pbuf_set_per_thread(on) != 0)
        return -1;
    tern__compat_per_thread = on != 0;
    return 0;
}

void tern_lwip_release(void)
{
    release_stack();
    dns_local_removehost(NULL, NULL);
    tern__compat_tun2socks = 0;
    tern_pbuf_trim();
}

void lwip_init(void)
{
    tern__compat_check_layouts(); /* aborts with a message on a mismatch */
    init(tern__compat_opts.have_loopif, tern__compat_opts.tun2socks);
}
