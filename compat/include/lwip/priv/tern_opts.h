/* lwip/priv/tern_opts.h: hands the program's lwipopts.h and structure
 * layouts to libtern.
 *
 * lwIP is compiled together with its options; libtern is compiled once.
 * The options that change run-time behaviour (TUN2SOCKS, LWIP_HAVE_LOOPIF,
 * TCP_WND, TCP_SND_BUF, TCP_MSS...) reach the library through this small
 * constructor, compiled into the program from the headers it includes, so
 * the program's own settings apply without any call it would not make
 * with lwIP.
 *
 * The ABI rule: no option changes the layout of a public structure.  Every
 * array in struct netif, struct pbuf, the pcbs and ip_addr_t has its largest
 * size whatever lwipopts.h says (TERN_IPV6_NUM_ADDRESSES_MAX IPv6 address
 * slots whatever LWIP_IPV6_NUM_ADDRESSES, TERN_NETIF_CLIENT_DATA_SLOTS
 * client data slots whatever LWIP_NUM_NETIF_CLIENT_DATA); the one
 * exception is struct tcp_pcb's window fields (u16_t or u32_t after
 * LWIP_WND_SCALE), which libtern lays out both ways.  Each public header registers the program's sizeof and
 * offsetof of its structures (TERN_LAYOUT_REGISTER below); lwip_init()
 * compares them with libtern's and, on any difference (headers of another
 * tern version, or edited ones), prints which structure, member and option
 * differ on stderr and calls abort(): lwip_init returns void, and carrying
 * on would read and write every later field at the wrong place.
 *
 * tern_compat_register_opts and tern_compat_register_layout are exported
 * from libtern for these constructors only; programs never call them. */
#ifndef LWIP_HDR_PRIV_TERN_OPTS_H
#define LWIP_HDR_PRIV_TERN_OPTS_H

#include <stddef.h>

#include "lwip/opt.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libtern is built dual-stack with IPv6 zones, and structures holding an
 * ip_addr_t (netif, pcbs) have that layout.  A single-family lwipopts.h
 * would compile against different structures: refuse it clearly. */
#if !(LWIP_IPV4 && LWIP_IPV6 && LWIP_IPV6_SCOPES)
#error "tern: set LWIP_IPV4 1, LWIP_IPV6 1 and LWIP_IPV6_SCOPES 1 in lwipopts.h: libtern's netif and pcb structures are dual-stack (single-family builds are not provided yet)"
#endif

struct tern_lwipopts {
    int abi;              /* TERN_LWIPOPTS_ABI */
    int have_loopif;
    int tun2socks;
    unsigned long tcp_wnd;
    unsigned long tcp_snd_buf;
    unsigned tcp_mss;
    unsigned tcp_snd_queuelen;
    int wnd_scale;
    int rcv_scale;
    int keepalive;
    unsigned long keep_idle, keep_intvl, keep_cnt;
    int checksum_check_ip, checksum_check_udp, checksum_check_tcp;
    unsigned tcp_ttl, udp_ttl, tcp_maxrtx, tcp_synmaxrtx;
    unsigned ipv6_num_addresses; /* slots of netif->ip6_addr[] in use */
    unsigned num_netif_client_data;
    int autotune;
    unsigned long autotune_max, autotune_budget;
};

#define TERN_LWIPOPTS_ABI 5

TERN_API void tern_compat_register_opts(const struct tern_lwipopts *opts);

/* ---- Structure layouts ---- */

/* One member of a registered structure, as the program's compiler laid it
 * out. */
struct tern_layout_member {
    unsigned short offset, size;
};

/* The structures a program allocates or reads. */
enum tern_layout_struct {
    TERN_LAYOUT_IP_ADDR,
    TERN_LAYOUT_PBUF,
    TERN_LAYOUT_NETIF,
    TERN_LAYOUT_UDP_PCB,
    TERN_LAYOUT_TCP_PCB,
    TERN_LAYOUT_TCP_PCB_LISTEN,
    TERN_LAYOUT_COUNT
};

TERN_API void tern_compat_register_layout(int which, size_t size, const struct tern_layout_member *members,
                                          unsigned count);

/* Each header lists its structure's members as X(type, member, "OPTION"),
 * OPTION naming what sized the member in older headers ("" for none), and
 * registers the list with TERN_LAYOUT_REGISTER(which, type, list) after the
 * definition.  libtern expands the same lists over its own structures. */
#define TERN_LAYOUT_MEMBER_(type, member, option) {offsetof(type, member), sizeof(((type *)0)->member)},
#ifndef TERN_COMPAT_BUILD
#define TERN_LAYOUT_REGISTER(which, type, list)                                                            \
    __attribute__((constructor, used)) static void tern_layout_register_##which##_(void)                   \
    {                                                                                                      \
        static const struct tern_layout_member members[] = {list(TERN_LAYOUT_MEMBER_, type)};              \
        tern_compat_register_layout(which, sizeof(type), members,                                          \
                                    (unsigned)(sizeof(members) / sizeof(members[0])));                      \
    }
#else
#define TERN_LAYOUT_REGISTER(which, type, list)
#endif

#ifndef TERN_COMPAT_BUILD
__attribute__((constructor, used)) static void tern_lwipopts_register_(void)
{
    static const struct tern_lwipopts opts = {
        TERN_LWIPOPTS_ABI, LWIP_HAVE_LOOPIF, TUN2SOCKS, TCP_WND, TCP_SND_BUF, TCP_MSS, TCP_SND_QUEUELEN,
        LWIP_WND_SCALE, TCP_RCV_SCALE, LWIP_TCP_KEEPALIVE, TCP_KEEPIDLE_DEFAULT, TCP_KEEPINTVL_DEFAULT,
        TCP_KEEPCNT_DEFAULT, CHECKSUM_CHECK_IP, CHECKSUM_CHECK_UDP, CHECKSUM_CHECK_TCP, TCP_TTL, UDP_TTL,
        TCP_MAXRTX, TCP_SYNMAXRTX, LWIP_IPV6_NUM_ADDRESSES, LWIP_NUM_NETIF_CLIENT_DATA,
        TERN_AUTOTUNE, TERN_AUTOTUNE_MAX, TERN_AUTOTUNE_BUDGET,
    };
    tern_compat_register_opts(&opts);
}
#endif

#ifdef __cplusplus
}
#endif

#endif
