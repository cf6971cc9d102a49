/* tests/consumer/lwipopts.h: the options netstack-lwip builds lwIP with
 * (see the project notes), so this test compiles against tern exactly as
 * that program's sources would. */
#ifndef CONSUMER_LWIPOPTS_H
#define CONSUMER_LWIPOPTS_H

#define TUN2SOCKS 1
#define NO_SYS 1
#define LWIP_TIMERS 1
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ICMP 0
#define LWIP_RAW 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEM_SIZE (2 * 1024 * 1024)
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_SEG 4096
#define PBUF_POOL_SIZE 512
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_TCP 0
#define LWIP_CHECKSUM_ON_COPY 1
#define LWIP_TCP_KEEPALIVE 1
#define TCP_TTL 64
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

#endif
