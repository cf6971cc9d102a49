/* Two IPv6 addresses, scaled windows with a small MSS, one client data
 * slot, the netif callbacks off. */
#ifndef ABI_LWIPOPTS_H
#define ABI_LWIPOPTS_H
#define NO_SYS 1
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_NUM_ADDRESSES 2
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 1
#define TCP_MSS 536
#define TCP_WND (100 * 1024)
#define TCP_SND_BUF (32 * 1024)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define LWIP_NUM_NETIF_CLIENT_DATA 1
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#endif
