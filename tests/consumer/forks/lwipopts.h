/* tests/consumer/forks/lwipopts.h: the options badvpn-tun2socks and
 * hev-socks5-tunnel build their lwIP forks with, as far as the API they use
 * depends on them: no OS, no lwIP timers (LWIP_TIMERS 0: the programs call
 * tcp_tmr, ip_reass_tmr, nd6_tmr and ip6_reass_tmr themselves), IPv4 and
 * IPv6 with reassembly, large windows. */
#ifndef FORKS_LWIPOPTS_H
#define FORKS_LWIPOPTS_H

#define NO_SYS 1
#define LWIP_TIMERS 0
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define IP_REASSEMBLY 1
#define LWIP_IPV6_REASS 1
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEM_SIZE (1024 * 1024)

#endif
