/* tests/consumer/lwip_apps/lwipopts.h: the options lwIP 2.1.3's own apps
 * (src/apps) are built with against tern: a NO_SYS raw-API program with
 * every app enabled, IGMP/MLD for mDNS, a DNS client for SNTP. */
#ifndef APPS_LWIPOPTS_H
#define APPS_LWIPOPTS_H

#include <stdlib.h>

#define NO_SYS 1
#define LWIP_TIMERS 1
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_IGMP 1
#define LWIP_IPV6_MLD 1
#define LWIP_DNS 1
#define LWIP_RAW 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#ifndef LWIP_ALTCP
#define LWIP_ALTCP 0 /* run.sh builds httpd with 1 as well */
#endif
#define LWIP_NUM_NETIF_CLIENT_DATA 1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_MDNS_RESPONDER 1
#define MDNS_MAX_SERVICES 1
#define MEMP_NUM_SYS_TIMEOUT 32
#define LWIP_RAND() ((u32_t)rand())
#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)

/* SNTP: the server by name (through lwIP's DNS API), no start-up delay,
 * and the time it sets reported to the test driver. */
#define SNTP_SERVER_DNS 1
#define SNTP_STARTUP_DELAY 0
void apps_host_sntp_set(unsigned long sec);
#define SNTP_SET_SYSTEM_TIME(sec) apps_host_sntp_set((unsigned long)(sec))

#endif
