/* Six IPv6 addresses per netif, scaled 256 KiB windows, two netif client
 * data slots, address lifetimes, 16-bit pbuf references, received
 * checksums trusted (CHECKSUM_CHECK_* 0, as tun2socks programs set them). */
#ifndef ABI_LWIPOPTS_H
#define ABI_LWIPOPTS_H
#define NO_SYS 1
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_NUM_ADDRESSES 6
#define LWIP_IPV6_ADDRESS_LIFETIMES 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 3
#define TCP_MSS 1460
#define TCP_WND (256 * 1024)
#define TCP_SND_BUF (64 * 1024)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define LWIP_NUM_NETIF_CLIENT_DATA 2
#define LWIP_PBUF_REF_T u16_t
#define LWIP_NETIF_HOSTNAME 1
#define CHECKSUM_CHECK_IP 0
#define CHECKSUM_CHECK_UDP 0
#define CHECKSUM_CHECK_TCP 0
#endif
