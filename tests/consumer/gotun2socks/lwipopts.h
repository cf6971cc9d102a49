/* tests/consumer/gotun2socks/lwipopts.h: the options go-tun2socks builds
 * its bundled lwIP with (core/c/custom/lwipopts.h in its repository: a
 * TUN2SOCKS catch-all listener, the loopback netif, timestamps, a 32 KiB
 * window and send buffer, checksums unchecked), so the consumer test
 * compiles against tern as that program's C does. */
#ifndef GOTUN2SOCKS_LWIPOPTS_H
#define GOTUN2SOCKS_LWIPOPTS_H

#define TUN2SOCKS 1
#define NO_SYS 1
#define LWIP_TIMERS 1
#define IP_DEFAULT_TTL 64
#define LWIP_ARP 0
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_CALLBACK_API 1
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_IPV6 1
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_TCP 0
#define LWIP_CHECKSUM_ON_COPY 1
#define MEMP_NUM_TCP_PCB_LISTEN 1
#define MEMP_NUM_TCP_PCB 16
#define MEMP_NUM_UDP_PCB 1
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#define LWIP_TCP_TIMESTAMPS 1
#define TCP_MSS 1460
#define TCP_WND (32 * 1024)
#define TCP_SND_BUF (TCP_WND)
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

#endif
