/* lwip/tern_default_lwipopts.h: the options used when a program ships no
 * lwipopts.h (lwip/opt.h includes this file instead).
 *
 * A dual-stack, single-threaded configuration sized for a host: large
 * scaled windows and every callback the netif API offers.  Options not set
 * here keep lwIP's defaults from lwip/opt.h.  libtern itself is built with
 * this file. */
#ifndef LWIP_HDR_TERN_DEFAULT_LWIPOPTS_H
#define LWIP_HDR_TERN_DEFAULT_LWIPOPTS_H

#define NO_SYS 1

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_NUM_ADDRESSES 3
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_ICMP 1
#define LWIP_RAW 0

#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_STATS 0

/* TCP: 256 KiB windows need window scaling; 2^7 * 65535 covers them. */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 7
#define TCP_WND (256 * 1024)
#define TCP_SND_BUF (256 * 1024)
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#define LWIP_TCP_KEEPALIVE 1
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_PCB_LISTEN 64
#define MEMP_NUM_UDP_PCB 256

#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_REMOVE_CALLBACK 1

#endif /* LWIP_HDR_TERN_DEFAULT_LWIPOPTS_H */
