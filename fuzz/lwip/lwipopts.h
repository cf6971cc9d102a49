/* fuzz/lwip/lwipopts.h: lwIP 2.1.3 built from source for the differential
 * fuzz targets.  The protocol options are Debian's liblwip-dev ones
 * (/usr/include/lwip/lwipopts.h: IPv4+IPv6, UDP-Lite, IGMP, MLD, IPv6
 * autoconfiguration, forwarding, window scaling, every pool from malloc so
 * AddressSanitizer sees each allocation); only the threading differs:
 * NO_SYS 1, driven from one thread with a virtual clock (sys_now). */
#ifndef FUZZ_LWIPOPTS_H
#define FUZZ_LWIPOPTS_H

#define NO_SYS 1
#define LWIP_TIMERS 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define SYS_LIGHTWEIGHT_PROT 0

#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_USE_POOLS 0
#define MEM_ALIGNMENT 8
#define LWIP_NETIF_TX_SINGLE_PBUF 1
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
#define ARP_QUEUEING 1
#define ARP_QUEUE_LEN 10
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 0
#define IP_FORWARD 1
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_FORWARD 1
#define MEMP_NUM_MLD6_GROUP 16
#define LWIP_IPV6_NUM_ADDRESSES 6
#define TCP_MSS 1460
#define TCP_WND 0xFFFF
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 0x1
#define TCP_SND_BUF TCP_WND
#define LWIP_CHECKSUM_ON_COPY 1
#define LWIP_STATS 0
#define LWIP_TCP_KEEPALIVE 1
#define SO_REUSE 1
#define LWIP_MULTICAST_TX_OPTIONS 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_IPV4 1
#define LWIP_ICMP 1
#define LWIP_IGMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_UDPLITE 1
#define LWIP_TCP 1
#define LWIP_IPV6 1
#define LWIP_ICMP6 1
#define LWIP_IPV6_MLD 1
#define LWIP_NOASSERT_ON_ERROR 1
/* 64-bit pointers do not fit the fragment header (lwIP asserts at init). */
#define IPV6_FRAG_COPYHEADER 1

#endif
