/* lwip/priv/tern_opts.h: hands the program's lwipopts.h to libtern.
 *
 * lwIP is compiled together with its options; libtern is compiled once.
 * The options that change run-time behaviour (TUN2SOCKS, LWIP_HAVE_LOOPIF,
 * TCP_WND, TCP_SND_BUF, TCP_MSS...) reach the library through this small
 * constructor, compiled into the program from the headers it includes, so
 * the program's own settings apply without any call it would not make
 * with lwIP. */
#ifndef LWIP_HDR_PRIV_TERN_OPTS_H
#define LWIP_HDR_PRIV_TERN_OPTS_H

#include "lwip/opt.h"

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
};

#define TERN_LWIPOPTS_ABI 3

void tern_compat_register_opts(const struct tern_lwipopts *opts);

#ifndef TERN_COMPAT_BUILD
__attribute__((constructor, used)) static void tern_lwipopts_register_(void)
{
    static const struct tern_lwipopts opts = {
        TERN_LWIPOPTS_ABI, LWIP_HAVE_LOOPIF, TUN2SOCKS, TCP_WND, TCP_SND_BUF, TCP_MSS, TCP_SND_QUEUELEN,
        LWIP_WND_SCALE, TCP_RCV_SCALE, LWIP_TCP_KEEPALIVE, TCP_KEEPIDLE_DEFAULT, TCP_KEEPINTVL_DEFAULT,
        TCP_KEEPCNT_DEFAULT, CHECKSUM_CHECK_IP, CHECKSUM_CHECK_UDP, CHECKSUM_CHECK_TCP, TCP_TTL, UDP_TTL,
        TCP_MAXRTX, TCP_SYNMAXRTX,
    };
    tern_compat_register_opts(&opts);
}
#endif

#ifdef __cplusplus
}
#endif

#endif
