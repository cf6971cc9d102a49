/* lwipopts.h for tunrelay-tern: netstack-lwip's settings, with TUN2SOCKS.
 *
 * These are the options netstack-lwip (and, close to it, go-tun2socks)
 * compile their patched lwIP 2.1 with; with tern they reach libtern at
 * start-up (see lwip/priv/tern_opts.h).  tern additionally requires a
 * dual-stack build with IPv6 scopes (its netif and pcb layouts). */
#ifndef TUNRELAY_TERN_LWIPOPTS_H
#define TUNRELAY_TERN_LWIPOPTS_H

#define TUN2SOCKS 1 /* catch-all listener, 7-argument UDP callback, udp_sendto from any source */

#define NO_SYS 1
#define LWIP_TIMERS 1
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_SCOPES 1
#define LWIP_ICMP 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_ARP 0
#define LWIP_ETHERNET 0
#define LWIP_HAVE_LOOPIF 1 /* the relay takes over the loopback netif, as netstack-lwip does */
#define LWIP_NETIF_LOOPBACK 1
#define IP_FORWARD 0
#define LWIP_STATS 0

#define MEM_ALIGNMENT 8
#define MEM_SIZE (2 * 1024 * 1024)
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_SEG 4096
#define MEMP_NUM_UDP_PCB 64
#define PBUF_POOL_SIZE 512

#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)

#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_TCP 0
#define CHECKSUM_CHECK_ICMP 0
#define CHECKSUM_CHECK_ICMP6 0
#define LWIP_CHECKSUM_ON_COPY 1

#endif
