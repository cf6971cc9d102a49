/* tests/consumer/threads/lwipopts.h: the options of threads_like.c, a plain
 * NO_SYS program (not TUN2SOCKS: a datagram is delivered only when it is
 * addressed to the netif's own address) with no loopback interface, so a
 * thread's stack holds exactly the netif the thread added. */
#ifndef THREADS_LWIPOPTS_H
#define THREADS_LWIPOPTS_H

#define NO_SYS 1
#define LWIP_TIMERS 1
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 0
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

#endif
