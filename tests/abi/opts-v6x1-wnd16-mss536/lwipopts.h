/* One IPv6 address per netif, 16-bit windows, the RFC 9293 default MSS,
 * every received checksum checked: an embedded-style lwIP build. */
#ifndef ABI_LWIPOPTS_H
#define ABI_LWIPOPTS_H
#define NO_SYS 1
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_NUM_ADDRESSES 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_WND_SCALE 0
#define TCP_MSS 536
#define TCP_WND (8 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN 16
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#endif
