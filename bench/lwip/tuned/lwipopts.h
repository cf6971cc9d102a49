/* bench/lwip/tuned/lwipopts.h: lwIP 2.1 configured the way netstack-lwip
 * (eycorsican/netstack-lwip, src/lwip/custom/lwipopts.h) runs it on Linux,
 * minus its TUN2SOCKS source patches (Debian's source has none; the relay
 * listens on explicit addresses instead):
 *   NO_SYS 1, TCP_MSS 1460, TCP_WND 32*MSS (46,720 bytes, no window
 *   scaling), TCP_SND_BUF 16*MSS, MEM_SIZE 2 MiB, MEMP_NUM_TCP_PCB 1024,
 *   MEMP_NUM_TCP_SEG 4096, PBUF_POOL_SIZE 512, CHECKSUM_CHECK_* 0,
 *   LWIP_CHECKSUM_ON_COPY 1, LWIP_CHKSUM_ALGORITHM 3, IPv6 on, ICMP off,
 *   LWIP_TCP_KEEPALIVE 1 (the relay's keepalive fields).
 * Anything not set keeps lwIP's default (TCP_SND_QUEUELEN = 4*SND_BUF/MSS
 * = 64).  Assertions stay on, as in netstack-lwip. */
#ifndef BENCH_LWIPOPTS_H
#define BENCH_LWIPOPTS_H

#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_NETIF_API 0
#define LWIP_STATS 0
#define LWIP_STATS_DISPLAY 0
#define LWIP_PERF 0

#define IP_DEFAULT_TTL 64
#define LWIP_ARP 0
#define LWIP_ETHERNET 0
#define IP_FORWARD 0
#define LWIP_ICMP 0
#define LWIP_RAW 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_UDP 1
#define LWIP_UDPLITE 0
#define LWIP_TCP 1
#define LWIP_CALLBACK_API 1
#define LWIP_NETIF_LOOPBACK 0
/* netstack-lwip takes over the loopback netif (LWIP_HAVE_LOOPIF 1), which
 * only works with its TUN2SOCKS patches (every destination is local).  With
 * Debian's unpatched source the relay needs a netif of its own holding the
 * --listen address: the relay adds one when LWIP_HAVE_LOOPIF is 0. */
#define LWIP_HAVE_LOOPIF 0
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_MLD 0
#define LWIP_IPV6_AUTOCONFIG 1
#define IPV6_FRAG_COPYHEADER 1
#define LWIP_TCP_KEEPALIVE 1

#define MEMP_NUM_TCP_PCB 1024

#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_TCP 0
#define CHECKSUM_CHECK_ICMP 0
#define CHECKSUM_CHECK_ICMP6 0
#define LWIP_CHECKSUM_ON_COPY 1
#define LWIP_CHKSUM_ALGORITHM 3

#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define MEM_SIZE (2 * 1024 * 1024)
#define MEMP_NUM_TCP_SEG 4096
#define PBUF_POOL_SIZE 512

#endif
