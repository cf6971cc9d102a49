/* lwip/opt.h: the lwIP configuration options, with lwIP 2.1's defaults.
 *
 * A program configures lwIP with its own "lwipopts.h"; it is included first,
 * exactly as lwIP does, and every option it leaves undefined gets lwIP's
 * default below.  A program without a lwipopts.h gets
 * "lwip/tern_default_lwipopts.h" (dual-stack, large windows).
 *
 * What the options mean for tern:
 *  - libtern is compiled once; options do not change what the library does.
 *    They select which parts of the lwIP API the headers declare and the
 *    shape of the types the program sees (ip_addr_t follows LWIP_IPV4,
 *    LWIP_IPV6 and LWIP_IPV6_SCOPES exactly as in lwIP).
 *  - Only the callback API exists (LWIP_CALLBACK_API 1, LWIP_EVENT_API 0).
 *  - Raw pcbs are not implemented: LWIP_RAW may be set (programs often set
 *    it without using them) but including lwip/raw.h is an error.
 *  - The netconn and socket APIs are not provided: LWIP_NETCONN and
 *    LWIP_SOCKET default to 0 (lwIP's default is 1).
 *  - NO_SYS: tern runs in one thread, from the program's loop, whatever
 *    NO_SYS says.  NO_SYS 0 only makes lwip/sys.h declare its types and
 *    err.h declare err_to_errno(), so that programs written for a threaded
 *    lwIP still compile; no tcpip thread is started and LWIP_TCPIP_CORE_LOCKING
 *    defaults to 0.
 *  - Statistics are not kept: LWIP_STATS defaults to 0 (lwIP's default is 1).
 *  - LWIP_IPV6_NUM_ADDRESSES may be at most 6 (tern's per-interface limit).
 *    struct netif always has room for the maximum: no option changes a
 *    structure's layout (the ABI rule, lwip/priv/tern_opts.h). */
#ifndef LWIP_HDR_OPT_H
#define LWIP_HDR_OPT_H

/* The program's options come first. */
#if defined(__has_include)
#if __has_include("lwipopts.h")
#include "lwipopts.h"
#else
#include "lwip/tern_default_lwipopts.h"
#endif
#else
#include "lwipopts.h"
#endif
#include "lwip/debug.h"

/* ---- System ---- */
#ifndef NO_SYS
#define NO_SYS 0
#endif
#ifndef LWIP_TIMERS
#ifdef NO_SYS_NO_TIMERS
#define LWIP_TIMERS (!NO_SYS || (NO_SYS && !NO_SYS_NO_TIMERS))
#else
#define LWIP_TIMERS 1
#endif
#endif
#ifndef LWIP_TIMERS_CUSTOM
#define LWIP_TIMERS_CUSTOM 0
#endif
#ifndef MEMCPY
#define MEMCPY(dst, src, len) memcpy(dst, src, len)
#endif
#ifndef SMEMCPY
#define SMEMCPY(dst, src, len) memcpy(dst, src, len)
#endif
#ifndef MEMMOVE
#define MEMMOVE(dst, src, len) memmove(dst, src, len)
#endif
#ifndef LWIP_MPU_COMPATIBLE
#define LWIP_MPU_COMPATIBLE 0
#endif
#ifndef LWIP_TCPIP_CORE_LOCKING
#define LWIP_TCPIP_CORE_LOCKING 0 /* tern is single-threaded (lwIP's default is 1) */
#endif
#ifndef LWIP_TCPIP_CORE_LOCKING_INPUT
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0
#endif
#ifndef SYS_LIGHTWEIGHT_PROT
#define SYS_LIGHTWEIGHT_PROT 1
#endif
#ifndef LWIP_ASSERT_CORE_LOCKED
#define LWIP_ASSERT_CORE_LOCKED()
#endif
#ifndef LWIP_MARK_TCPIP_THREAD
#define LWIP_MARK_TCPIP_THREAD()
#endif
#ifndef TUN2SOCKS
#define TUN2SOCKS 0 /* go-tun2socks' patched lwIP tests this */
#endif

/* ---- Memory (tern allocates from the C heap; these only size the API) ---- */
#ifndef MEM_LIBC_MALLOC
#define MEM_LIBC_MALLOC 0
#endif
#ifndef MEMP_MEM_MALLOC
#define MEMP_MEM_MALLOC 0
#endif
#ifndef MEMP_MEM_INIT
#define MEMP_MEM_INIT 0
#endif
#ifndef MEM_ALIGNMENT
#define MEM_ALIGNMENT 1
#endif
#ifndef MEM_SIZE
#define MEM_SIZE 1600
#endif
#ifndef MEMP_OVERFLOW_CHECK
#define MEMP_OVERFLOW_CHECK 0
#endif
#ifndef MEMP_SANITY_CHECK
#define MEMP_SANITY_CHECK 0
#endif
#ifndef MEM_OVERFLOW_CHECK
#define MEM_OVERFLOW_CHECK 0
#endif
#ifndef MEM_SANITY_CHECK
#define MEM_SANITY_CHECK 0
#endif
#ifndef MEM_USE_POOLS
#define MEM_USE_POOLS 0
#endif
#ifndef MEM_USE_POOLS_TRY_BIGGER_POOL
#define MEM_USE_POOLS_TRY_BIGGER_POOL 0
#endif
#ifndef MEMP_USE_CUSTOM_POOLS
#define MEMP_USE_CUSTOM_POOLS 0
#endif
#ifndef LWIP_ALLOW_MEM_FREE_FROM_OTHER_CONTEXT
#define LWIP_ALLOW_MEM_FREE_FROM_OTHER_CONTEXT 0
#endif
#ifndef MEMP_NUM_PBUF
#define MEMP_NUM_PBUF 16
#endif
#ifndef MEMP_NUM_RAW_PCB
#define MEMP_NUM_RAW_PCB 4
#endif
#ifndef MEMP_NUM_UDP_PCB
#define MEMP_NUM_UDP_PCB 4
#endif
#ifndef MEMP_NUM_TCP_PCB
#define MEMP_NUM_TCP_PCB 5
#endif
#ifndef MEMP_NUM_TCP_PCB_LISTEN
#define MEMP_NUM_TCP_PCB_LISTEN 8
#endif
#ifndef MEMP_NUM_TCP_SEG
#define MEMP_NUM_TCP_SEG 16
#endif
#ifndef MEMP_NUM_ALTCP_PCB
#define MEMP_NUM_ALTCP_PCB MEMP_NUM_TCP_PCB
#endif
#ifndef MEMP_NUM_REASSDATA
#define MEMP_NUM_REASSDATA 5
#endif
#ifndef MEMP_NUM_FRAG_PBUF
#define MEMP_NUM_FRAG_PBUF 15
#endif
#ifndef MEMP_NUM_ARP_QUEUE
#define MEMP_NUM_ARP_QUEUE 30
#endif
#ifndef MEMP_NUM_IGMP_GROUP
#define MEMP_NUM_IGMP_GROUP 8
#endif
#ifndef LWIP_NUM_SYS_TIMEOUT_INTERNAL
#define LWIP_NUM_SYS_TIMEOUT_INTERNAL (LWIP_TCP + IP_REASSEMBLY + LWIP_ARP + (2 * LWIP_DHCP) + LWIP_AUTOIP + LWIP_IGMP + LWIP_DNS + (LWIP_IPV6 * (1 + LWIP_IPV6_REASS + LWIP_IPV6_MLD)))
#endif
#ifndef MEMP_NUM_SYS_TIMEOUT
#define MEMP_NUM_SYS_TIMEOUT LWIP_NUM_SYS_TIMEOUT_INTERNAL
#endif
#ifndef MEMP_NUM_NETBUF
#define MEMP_NUM_NETBUF 2
#endif
#ifndef MEMP_NUM_NETCONN
#define MEMP_NUM_NETCONN 4
#endif
#ifndef MEMP_NUM_SELECT_CB
#define MEMP_NUM_SELECT_CB 4
#endif
#ifndef MEMP_NUM_TCPIP_MSG_API
#define MEMP_NUM_TCPIP_MSG_API 8
#endif
#ifndef MEMP_NUM_TCPIP_MSG_INPKT
#define MEMP_NUM_TCPIP_MSG_INPKT 8
#endif
#ifndef MEMP_NUM_NETDB
#define MEMP_NUM_NETDB 1
#endif
#ifndef MEMP_NUM_LOCALHOSTLIST
#define MEMP_NUM_LOCALHOSTLIST 1
#endif
#ifndef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 16
#endif
#ifndef MEMP_NUM_API_MSG
#define MEMP_NUM_API_MSG MEMP_NUM_TCPIP_MSG_API
#endif
#ifndef MEMP_NUM_DNS_API_MSG
#define MEMP_NUM_DNS_API_MSG MEMP_NUM_TCPIP_MSG_API
#endif
#ifndef MEMP_NUM_SOCKET_SETGETSOCKOPT_DATA
#define MEMP_NUM_SOCKET_SETGETSOCKOPT_DATA MEMP_NUM_TCPIP_MSG_API
#endif
#ifndef MEMP_NUM_NETIFAPI_MSG
#define MEMP_NUM_NETIFAPI_MSG MEMP_NUM_TCPIP_MSG_API
#endif

/* ---- ARP and Ethernet ---- */
#ifndef LWIP_ARP
#define LWIP_ARP 1
#endif
#ifndef ARP_TABLE_SIZE
#define ARP_TABLE_SIZE 10
#endif
#ifndef ARP_MAXAGE
#define ARP_MAXAGE 300
#endif
#ifndef ARP_QUEUEING
#define ARP_QUEUEING 0
#endif
#ifndef ARP_QUEUE_LEN
#define ARP_QUEUE_LEN 3
#endif
#ifndef ETHARP_SUPPORT_VLAN
#define ETHARP_SUPPORT_VLAN 0
#endif
#ifndef LWIP_ETHERNET
#define LWIP_ETHERNET LWIP_ARP
#endif
#ifndef ETH_PAD_SIZE
#define ETH_PAD_SIZE 0
#endif
#ifndef ETHARP_SUPPORT_STATIC_ENTRIES
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#endif
#ifndef ETHARP_TABLE_MATCH_NETIF
#define ETHARP_TABLE_MATCH_NETIF !LWIP_SINGLE_NETIF
#endif

/* ---- IPv4 ---- */
#ifndef LWIP_IPV4
#define LWIP_IPV4 1
#endif
#ifndef IP_FORWARD
#define IP_FORWARD 0
#endif
#ifndef IP_REASSEMBLY
#define IP_REASSEMBLY 1
#endif
#ifndef IP_FRAG
#define IP_FRAG 1
#endif
#if !LWIP_IPV4
#undef IP_FORWARD
#define IP_FORWARD 0
#undef IP_REASSEMBLY
#define IP_REASSEMBLY 0
#undef IP_FRAG
#define IP_FRAG 0
#endif
#ifndef IP_OPTIONS_ALLOWED
#define IP_OPTIONS_ALLOWED 1
#endif
#ifndef IP_REASS_MAXAGE
#define IP_REASS_MAXAGE 15
#endif
#ifndef IP_REASS_MAX_PBUFS
#define IP_REASS_MAX_PBUFS 10
#endif
#ifndef IP_DEFAULT_TTL
#define IP_DEFAULT_TTL 255
#endif
#ifndef IP_SOF_BROADCAST
#define IP_SOF_BROADCAST 0
#endif
#ifndef IP_SOF_BROADCAST_RECV
#define IP_SOF_BROADCAST_RECV 0
#endif
#ifndef IP_FORWARD_ALLOW_TX_ON_RX_NETIF
#define IP_FORWARD_ALLOW_TX_ON_RX_NETIF 0
#endif

/* ---- ICMP ---- */
#ifndef LWIP_ICMP
#define LWIP_ICMP 1
#endif
#ifndef ICMP_TTL
#define ICMP_TTL IP_DEFAULT_TTL
#endif
#ifndef LWIP_BROADCAST_PING
#define LWIP_BROADCAST_PING 0
#endif
#ifndef LWIP_MULTICAST_PING
#define LWIP_MULTICAST_PING 0
#endif

/* ---- Raw pcbs: not implemented by tern ---- */
/* go-tun2socks and netstack-lwip set LWIP_RAW 1 without using raw pcbs, so
 * the option itself is accepted; lwip/raw.h stops a program that uses them. */
#ifndef LWIP_RAW
#define LWIP_RAW 0
#endif
#ifndef RAW_TTL
#define RAW_TTL IP_DEFAULT_TTL
#endif

/* ---- DHCP, AutoIP, IGMP, DNS (not implemented by tern; kept for option tests) ---- */
#ifndef LWIP_DHCP
#define LWIP_DHCP 0
#endif
#ifndef DHCP_DOES_ARP_CHECK
#define DHCP_DOES_ARP_CHECK (LWIP_DHCP && LWIP_ARP)
#endif
#ifndef LWIP_DHCP_BOOTP_FILE
#define LWIP_DHCP_BOOTP_FILE 0
#endif
#ifndef LWIP_DHCP_GET_NTP_SRV
#define LWIP_DHCP_GET_NTP_SRV 0
#endif
#ifndef LWIP_DHCP_MAX_NTP_SERVERS
#define LWIP_DHCP_MAX_NTP_SERVERS 1
#endif
#ifndef LWIP_DHCP_MAX_DNS_SERVERS
#define LWIP_DHCP_MAX_DNS_SERVERS DNS_MAX_SERVERS
#endif
#ifndef LWIP_AUTOIP
#define LWIP_AUTOIP 0
#endif
#ifndef LWIP_DHCP_AUTOIP_COOP
#define LWIP_DHCP_AUTOIP_COOP 0
#endif
#ifndef LWIP_DHCP_AUTOIP_COOP_TRIES
#define LWIP_DHCP_AUTOIP_COOP_TRIES 9
#endif
#ifndef LWIP_IGMP
#define LWIP_IGMP 0
#endif
#if !LWIP_IPV4
#undef LWIP_DHCP
#define LWIP_DHCP 0
#undef LWIP_AUTOIP
#define LWIP_AUTOIP 0
#undef LWIP_IGMP
#define LWIP_IGMP 0
#endif
#ifndef LWIP_MIB2_CALLBACKS
#define LWIP_MIB2_CALLBACKS 0
#endif
#ifndef LWIP_MULTICAST_TX_OPTIONS
#define LWIP_MULTICAST_TX_OPTIONS ((LWIP_IGMP || LWIP_IPV6_MLD) && (LWIP_UDP || LWIP_RAW))
#endif
#ifndef LWIP_DNS
#define LWIP_DNS 0
#endif
#ifndef DNS_TABLE_SIZE
#define DNS_TABLE_SIZE 4
#endif
#ifndef DNS_MAX_NAME_LENGTH
#define DNS_MAX_NAME_LENGTH 256
#endif
#ifndef DNS_MAX_SERVERS
#define DNS_MAX_SERVERS 2
#endif
#ifndef DNS_MAX_RETRIES
#define DNS_MAX_RETRIES 4
#endif
#ifndef DNS_DOES_NAME_CHECK
#define DNS_DOES_NAME_CHECK 1
#endif
#define LWIP_DNS_SECURE_RAND_XID 1
#define LWIP_DNS_SECURE_NO_MULTIPLE_OUTSTANDING 2
#define LWIP_DNS_SECURE_RAND_SRC_PORT 4
#ifndef LWIP_DNS_SECURE
#define LWIP_DNS_SECURE (LWIP_DNS_SECURE_RAND_XID | LWIP_DNS_SECURE_NO_MULTIPLE_OUTSTANDING | LWIP_DNS_SECURE_RAND_SRC_PORT)
#endif
#ifndef DNS_LOCAL_HOSTLIST
#define DNS_LOCAL_HOSTLIST 0
#endif
#ifndef DNS_LOCAL_HOSTLIST_IS_DYNAMIC
#define DNS_LOCAL_HOSTLIST_IS_DYNAMIC 0
#endif
#ifndef LWIP_DNS_SUPPORT_MDNS_QUERIES
#define LWIP_DNS_SUPPORT_MDNS_QUERIES 0
#endif

/* ---- UDP ---- */
#ifndef LWIP_UDP
#define LWIP_UDP 1
#endif
#ifndef LWIP_UDPLITE
#define LWIP_UDPLITE 0
#endif
#ifndef UDP_TTL
#define UDP_TTL IP_DEFAULT_TTL
#endif
#ifndef LWIP_NETBUF_RECVINFO
#define LWIP_NETBUF_RECVINFO 0
#endif

/* ---- TCP ---- */
#ifndef LWIP_TCP
#define LWIP_TCP 1
#endif
#ifndef TCP_TTL
#define TCP_TTL IP_DEFAULT_TTL
#endif
#ifndef TCP_MSS
#define TCP_MSS 536
#endif
#ifndef TCP_WND
#define TCP_WND (4 * TCP_MSS)
#endif
/* tern's buffer autotuning (README, "Window and buffer autotuning"): the
 * receive window grows from TCP_WND (the starting and the minimum window)
 * while the application drains quickly, with window scaling offered to
 * every peer, and tcp_sndbuf() grows from TCP_SND_BUF with the congestion
 * window; both up to TERN_AUTOTUNE_MAX bytes per connection and
 * TERN_AUTOTUNE_BUDGET bytes beyond the configured sizes for all
 * connections together.  On by default in TUN2SOCKS mode; 0 keeps lwIP's
 * fixed TCP_WND and TCP_SND_BUF.  tern_lwip_autotune() changes it at run
 * time, for connections made afterwards. */
#ifndef TERN_AUTOTUNE
#define TERN_AUTOTUNE TUN2SOCKS
#endif
#ifndef TERN_AUTOTUNE_MAX
#define TERN_AUTOTUNE_MAX (4UL * 1024 * 1024)
#endif
#ifndef TERN_AUTOTUNE_BUDGET
#define TERN_AUTOTUNE_BUDGET (64UL * 1024 * 1024)
#endif
#ifndef TCP_MAXRTX
#define TCP_MAXRTX 12
#endif
#ifndef TCP_SYNMAXRTX
#define TCP_SYNMAXRTX 6
#endif
#ifndef TCP_QUEUE_OOSEQ
#define TCP_QUEUE_OOSEQ LWIP_TCP
#endif
#ifndef LWIP_TCP_SACK_OUT
#define LWIP_TCP_SACK_OUT 0
#endif
#ifndef LWIP_TCP_MAX_SACK_NUM
#define LWIP_TCP_MAX_SACK_NUM 4
#endif
#ifndef TCP_CALCULATE_EFF_SEND_MSS
#define TCP_CALCULATE_EFF_SEND_MSS 1
#endif
#ifndef TCP_SND_BUF
#define TCP_SND_BUF (2 * TCP_MSS)
#endif
#ifndef TCP_SND_QUEUELEN
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
#endif
#ifndef TCP_SNDLOWAT
#define TCP_SNDLOWAT LWIP_MIN(LWIP_MAX(((TCP_SND_BUF) / 2), (2 * TCP_MSS) + 1), (TCP_SND_BUF)-1)
#endif
#ifndef TCP_SNDQUEUELOWAT
#define TCP_SNDQUEUELOWAT LWIP_MAX(((TCP_SND_QUEUELEN) / 2), 5)
#endif
#ifndef TCP_OOSEQ_MAX_BYTES
#define TCP_OOSEQ_MAX_BYTES 0
#endif
#ifndef TCP_OOSEQ_MAX_PBUFS
#define TCP_OOSEQ_MAX_PBUFS 0
#endif
#ifndef TCP_LISTEN_BACKLOG
#define TCP_LISTEN_BACKLOG 0
#endif
#ifndef TCP_DEFAULT_LISTEN_BACKLOG
#define TCP_DEFAULT_LISTEN_BACKLOG 0xff
#endif
#ifndef TCP_OVERSIZE
#define TCP_OVERSIZE TCP_MSS
#endif
#ifndef LWIP_TCP_TIMESTAMPS
#define LWIP_TCP_TIMESTAMPS 0
#endif
#ifndef TCP_WND_UPDATE_THRESHOLD
#define TCP_WND_UPDATE_THRESHOLD LWIP_MIN((TCP_WND / 4), (TCP_MSS * 4))
#endif
/* Only the callback API exists in tern. */
#if !defined(LWIP_EVENT_API) && !defined(LWIP_CALLBACK_API)
#define LWIP_EVENT_API 0
#define LWIP_CALLBACK_API 1
#else
#ifndef LWIP_EVENT_API
#define LWIP_EVENT_API 0
#endif
#ifndef LWIP_CALLBACK_API
#define LWIP_CALLBACK_API 0
#endif
#endif
#if LWIP_EVENT_API || !LWIP_CALLBACK_API
#error "tern implements only lwIP's callback API: set LWIP_CALLBACK_API 1 and LWIP_EVENT_API 0"
#endif
#ifndef LWIP_WND_SCALE
#define LWIP_WND_SCALE 0
#endif
#ifndef TCP_RCV_SCALE
#define TCP_RCV_SCALE 0
#endif
#ifndef LWIP_TCP_PCB_NUM_EXT_ARGS
#define LWIP_TCP_PCB_NUM_EXT_ARGS 0
#endif
#ifndef LWIP_ALTCP
#define LWIP_ALTCP 0
#endif
#ifndef LWIP_ALTCP_TLS
#define LWIP_ALTCP_TLS 0
#endif
#ifndef LWIP_TCP_KEEPALIVE
#define LWIP_TCP_KEEPALIVE 0
#endif
#ifndef TCP_KEEPIDLE_DEFAULT
#define TCP_KEEPIDLE_DEFAULT 7200000UL /* milliseconds before the first probe */
#endif
#ifndef TCP_KEEPINTVL_DEFAULT
#define TCP_KEEPINTVL_DEFAULT 75000UL /* milliseconds between probes */
#endif
#ifndef TCP_KEEPCNT_DEFAULT
#define TCP_KEEPCNT_DEFAULT 9U /* probes before the connection is dropped */
#endif

/* ---- pbuf ---- */
#ifndef PBUF_LINK_HLEN
#ifdef LWIP_HOOK_VLAN_SET
#define PBUF_LINK_HLEN (18 + ETH_PAD_SIZE)
#else
#define PBUF_LINK_HLEN (14 + ETH_PAD_SIZE)
#endif
#endif
#ifndef PBUF_LINK_ENCAPSULATION_HLEN
#define PBUF_LINK_ENCAPSULATION_HLEN 0
#endif
#ifndef PBUF_POOL_BUFSIZE
#define PBUF_POOL_BUFSIZE LWIP_MEM_ALIGN_SIZE(TCP_MSS + PBUF_IP_HLEN + PBUF_TRANSPORT_HLEN + PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN) /* PBUF_IP_HLEN and PBUF_TRANSPORT_HLEN come from lwip/pbuf.h */
#endif
#ifndef LWIP_PBUF_REF_T
#define LWIP_PBUF_REF_T u8_t
#endif
/* LWIP_PBUF_CUSTOM_DATA: extra members appended to struct pbuf (empty by default). */
#ifndef LWIP_PBUF_CUSTOM_DATA
#define LWIP_PBUF_CUSTOM_DATA
#endif

/* ---- Network interfaces ---- */
#ifndef LWIP_SINGLE_NETIF
#define LWIP_SINGLE_NETIF 0
#endif
#ifndef LWIP_NETIF_HOSTNAME
#define LWIP_NETIF_HOSTNAME 0
#endif
#ifndef LWIP_NETIF_API
#define LWIP_NETIF_API 0
#endif
#ifndef LWIP_NETIF_STATUS_CALLBACK
#define LWIP_NETIF_STATUS_CALLBACK 0
#endif
#ifndef LWIP_NETIF_EXT_STATUS_CALLBACK
#define LWIP_NETIF_EXT_STATUS_CALLBACK 0
#endif
#ifndef LWIP_NETIF_LINK_CALLBACK
#define LWIP_NETIF_LINK_CALLBACK 0
#endif
#ifndef LWIP_NETIF_REMOVE_CALLBACK
#define LWIP_NETIF_REMOVE_CALLBACK 0
#endif
#ifndef LWIP_NETIF_HWADDRHINT
#define LWIP_NETIF_HWADDRHINT 0
#endif
#ifndef LWIP_NETIF_TX_SINGLE_PBUF
#define LWIP_NETIF_TX_SINGLE_PBUF 0
#endif
#ifndef LWIP_NUM_NETIF_CLIENT_DATA
#define LWIP_NUM_NETIF_CLIENT_DATA 0
#endif
#ifndef LWIP_NETIF_LOOPBACK
#define LWIP_NETIF_LOOPBACK 0
#endif
#ifndef LWIP_HAVE_LOOPIF
#define LWIP_HAVE_LOOPIF (LWIP_NETIF_LOOPBACK && !LWIP_SINGLE_NETIF)
#endif
#ifndef LWIP_LOOPIF_MULTICAST
#define LWIP_LOOPIF_MULTICAST 0
#endif
#ifndef LWIP_LOOPBACK_MAX_PBUFS
#define LWIP_LOOPBACK_MAX_PBUFS 0
#endif
#ifndef LWIP_NETIF_LOOPBACK_MULTITHREADING
#define LWIP_NETIF_LOOPBACK_MULTITHREADING (!NO_SYS)
#endif

/* ---- Threads (NO_SYS 0 only; tern starts no thread) ---- */
#ifndef TCPIP_THREAD_NAME
#define TCPIP_THREAD_NAME "tcpip_thread"
#endif
#ifndef TCPIP_THREAD_STACKSIZE
#define TCPIP_THREAD_STACKSIZE 0
#endif
#ifndef TCPIP_THREAD_PRIO
#define TCPIP_THREAD_PRIO 1
#endif
#ifndef TCPIP_MBOX_SIZE
#define TCPIP_MBOX_SIZE 0
#endif
#ifndef LWIP_TCPIP_THREAD_ALIVE
#define LWIP_TCPIP_THREAD_ALIVE()
#endif
#ifndef SLIPIF_THREAD_NAME
#define SLIPIF_THREAD_NAME "slipif_loop"
#endif
#ifndef SLIPIF_THREAD_STACKSIZE
#define SLIPIF_THREAD_STACKSIZE 0
#endif
#ifndef SLIPIF_THREAD_PRIO
#define SLIPIF_THREAD_PRIO 1
#endif
#ifndef DEFAULT_THREAD_NAME
#define DEFAULT_THREAD_NAME "lwIP"
#endif
#ifndef DEFAULT_THREAD_STACKSIZE
#define DEFAULT_THREAD_STACKSIZE 0
#endif
#ifndef DEFAULT_THREAD_PRIO
#define DEFAULT_THREAD_PRIO 1
#endif
#ifndef DEFAULT_RAW_RECVMBOX_SIZE
#define DEFAULT_RAW_RECVMBOX_SIZE 0
#endif
#ifndef DEFAULT_UDP_RECVMBOX_SIZE
#define DEFAULT_UDP_RECVMBOX_SIZE 0
#endif
#ifndef DEFAULT_TCP_RECVMBOX_SIZE
#define DEFAULT_TCP_RECVMBOX_SIZE 0
#endif
#ifndef DEFAULT_ACCEPTMBOX_SIZE
#define DEFAULT_ACCEPTMBOX_SIZE 0
#endif
#ifndef LWIP_TCPIP_TIMEOUT
#define LWIP_TCPIP_TIMEOUT 0
#endif

/* ---- Netconn and socket APIs: not provided by tern ---- */
#ifndef LWIP_NETCONN
#define LWIP_NETCONN 0 /* lwIP's default is 1 */
#endif
#ifndef LWIP_NETCONN_SEM_PER_THREAD
#define LWIP_NETCONN_SEM_PER_THREAD 0
#endif
#ifndef LWIP_NETCONN_FULLDUPLEX
#define LWIP_NETCONN_FULLDUPLEX 0
#endif
#ifndef LWIP_SOCKET
#define LWIP_SOCKET 0 /* lwIP's default is 1 */
#endif
#ifndef LWIP_COMPAT_SOCKETS
#define LWIP_COMPAT_SOCKETS 1
#endif
#ifndef LWIP_POSIX_SOCKETS_IO_NAMES
#define LWIP_POSIX_SOCKETS_IO_NAMES 1
#endif
#ifndef LWIP_SOCKET_OFFSET
#define LWIP_SOCKET_OFFSET 0
#endif
#ifndef LWIP_SOCKET_EXTERNAL_HEADERS
#define LWIP_SOCKET_EXTERNAL_HEADERS 0
#endif
#ifndef LWIP_SOCKET_OPEN_COUNT
#define LWIP_SOCKET_OPEN_COUNT 0
#endif
#ifndef LWIP_SO_SNDTIMEO
#define LWIP_SO_SNDTIMEO 0
#endif
#ifndef LWIP_SO_RCVTIMEO
#define LWIP_SO_RCVTIMEO 0
#endif
#ifndef LWIP_SO_SNDRCVTIMEO_NONSTANDARD
#define LWIP_SO_SNDRCVTIMEO_NONSTANDARD 0
#endif
#ifndef LWIP_SO_RCVBUF
#define LWIP_SO_RCVBUF 0
#endif
#ifndef LWIP_SO_LINGER
#define LWIP_SO_LINGER 0
#endif
#ifndef RECV_BUFSIZE_DEFAULT
#define RECV_BUFSIZE_DEFAULT INT_MAX
#endif
#ifndef LWIP_TCP_CLOSE_TIMEOUT_MS_DEFAULT
#define LWIP_TCP_CLOSE_TIMEOUT_MS_DEFAULT 20000
#endif
#ifndef SO_REUSE
#define SO_REUSE 0
#endif
#ifndef SO_REUSE_RXTOALL
#define SO_REUSE_RXTOALL 0
#endif
#ifndef LWIP_FIONREAD_LINUXMODE
#define LWIP_FIONREAD_LINUXMODE 0
#endif
#ifndef LWIP_SOCKET_SELECT
#define LWIP_SOCKET_SELECT 1
#endif
#ifndef LWIP_SOCKET_POLL
#define LWIP_SOCKET_POLL 1
#endif

/* ---- Statistics: not kept by tern ---- */
#ifndef LWIP_STATS
#define LWIP_STATS 0 /* lwIP's default is 1 */
#endif
#ifndef LWIP_STATS_DISPLAY
#define LWIP_STATS_DISPLAY 0
#endif
#if LWIP_STATS
#ifndef LINK_STATS
#define LINK_STATS 1
#endif
#ifndef ETHARP_STATS
#define ETHARP_STATS (LWIP_ARP)
#endif
#ifndef IP_STATS
#define IP_STATS 1
#endif
#ifndef IPFRAG_STATS
#define IPFRAG_STATS (IP_REASSEMBLY || IP_FRAG)
#endif
#ifndef ICMP_STATS
#define ICMP_STATS 1
#endif
#ifndef IGMP_STATS
#define IGMP_STATS (LWIP_IGMP)
#endif
#ifndef UDP_STATS
#define UDP_STATS (LWIP_UDP)
#endif
#ifndef TCP_STATS
#define TCP_STATS (LWIP_TCP)
#endif
#ifndef MEM_STATS
#define MEM_STATS ((MEM_LIBC_MALLOC == 0) && (MEM_USE_POOLS == 0))
#endif
#ifndef MEMP_STATS
#define MEMP_STATS (MEMP_MEM_MALLOC == 0)
#endif
#ifndef SYS_STATS
#define SYS_STATS (NO_SYS == 0)
#endif
#ifndef IP6_STATS
#define IP6_STATS (LWIP_IPV6)
#endif
#ifndef ICMP6_STATS
#define ICMP6_STATS (LWIP_IPV6 && LWIP_ICMP6)
#endif
#ifndef IP6_FRAG_STATS
#define IP6_FRAG_STATS (LWIP_IPV6 && (LWIP_IPV6_FRAG || LWIP_IPV6_REASS))
#endif
#ifndef MLD6_STATS
#define MLD6_STATS (LWIP_IPV6 && LWIP_IPV6_MLD)
#endif
#ifndef ND6_STATS
#define ND6_STATS (LWIP_IPV6)
#endif
#ifndef MIB2_STATS
#define MIB2_STATS 0
#endif
#else
#undef LINK_STATS
#define LINK_STATS 0
#undef ETHARP_STATS
#define ETHARP_STATS 0
#undef IP_STATS
#define IP_STATS 0
#undef IPFRAG_STATS
#define IPFRAG_STATS 0
#undef ICMP_STATS
#define ICMP_STATS 0
#undef IGMP_STATS
#define IGMP_STATS 0
#undef UDP_STATS
#define UDP_STATS 0
#undef TCP_STATS
#define TCP_STATS 0
#undef MEM_STATS
#define MEM_STATS 0
#undef MEMP_STATS
#define MEMP_STATS 0
#undef SYS_STATS
#define SYS_STATS 0
#undef LWIP_STATS_DISPLAY
#define LWIP_STATS_DISPLAY 0
#undef IP6_STATS
#define IP6_STATS 0
#undef ICMP6_STATS
#define ICMP6_STATS 0
#undef IP6_FRAG_STATS
#define IP6_FRAG_STATS 0
#undef MLD6_STATS
#define MLD6_STATS 0
#undef ND6_STATS
#define ND6_STATS 0
#undef MIB2_STATS
#define MIB2_STATS 0
#endif

/* ---- Checksums ---- */
#ifndef LWIP_CHECKSUM_CTRL_PER_NETIF
#define LWIP_CHECKSUM_CTRL_PER_NETIF 0
#endif
#ifndef CHECKSUM_GEN_IP
#define CHECKSUM_GEN_IP 1
#endif
#ifndef CHECKSUM_GEN_UDP
#define CHECKSUM_GEN_UDP 1
#endif
#ifndef CHECKSUM_GEN_TCP
#define CHECKSUM_GEN_TCP 1
#endif
#ifndef CHECKSUM_GEN_ICMP
#define CHECKSUM_GEN_ICMP 1
#endif
#ifndef CHECKSUM_GEN_ICMP6
#define CHECKSUM_GEN_ICMP6 1
#endif
#ifndef CHECKSUM_CHECK_IP
#define CHECKSUM_CHECK_IP 1
#endif
#ifndef CHECKSUM_CHECK_UDP
#define CHECKSUM_CHECK_UDP 1
#endif
#ifndef CHECKSUM_CHECK_TCP
#define CHECKSUM_CHECK_TCP 1
#endif
#ifndef CHECKSUM_CHECK_ICMP
#define CHECKSUM_CHECK_ICMP 1
#endif
#ifndef CHECKSUM_CHECK_ICMP6
#define CHECKSUM_CHECK_ICMP6 1
#endif
#ifndef LWIP_CHECKSUM_ON_COPY
#define LWIP_CHECKSUM_ON_COPY 0
#endif

/* ---- IPv6 ---- */
#ifndef LWIP_IPV6
#define LWIP_IPV6 0
#endif
#if !LWIP_IPV4 && !LWIP_IPV6
#error "lwipopts.h disables both LWIP_IPV4 and LWIP_IPV6"
#endif
#ifndef IPV6_REASS_MAXAGE
#define IPV6_REASS_MAXAGE 60
#endif
#ifndef LWIP_IPV6_SCOPES
#define LWIP_IPV6_SCOPES (LWIP_IPV6 && !LWIP_SINGLE_NETIF)
#endif
#ifndef LWIP_IPV6_SCOPES_DEBUG
#define LWIP_IPV6_SCOPES_DEBUG 0
#endif
#ifndef LWIP_IPV6_NUM_ADDRESSES
#define LWIP_IPV6_NUM_ADDRESSES 3
#endif
/* struct netif's ip6_addr[] has this many slots whatever the option. */
#define TERN_IPV6_NUM_ADDRESSES_MAX 6
#if LWIP_IPV6 && (LWIP_IPV6_NUM_ADDRESSES < 1 || LWIP_IPV6_NUM_ADDRESSES > TERN_IPV6_NUM_ADDRESSES_MAX)
#error "tern supports 1 to 6 IPv6 addresses per netif: set LWIP_IPV6_NUM_ADDRESSES to at most 6"
#endif
#ifndef LWIP_IPV6_FORWARD
#define LWIP_IPV6_FORWARD 0
#endif
#ifndef LWIP_IPV6_FRAG
#define LWIP_IPV6_FRAG 1
#endif
#ifndef LWIP_IPV6_REASS
#define LWIP_IPV6_REASS LWIP_IPV6
#endif
#ifndef LWIP_IPV6_SEND_ROUTER_SOLICIT
#define LWIP_IPV6_SEND_ROUTER_SOLICIT LWIP_IPV6
#endif
#ifndef LWIP_IPV6_AUTOCONFIG
#define LWIP_IPV6_AUTOCONFIG LWIP_IPV6
#endif
#ifndef LWIP_IPV6_ADDRESS_LIFETIMES
#define LWIP_IPV6_ADDRESS_LIFETIMES LWIP_IPV6_AUTOCONFIG
#endif
#ifndef LWIP_IPV6_DUP_DETECT_ATTEMPTS
#define LWIP_IPV6_DUP_DETECT_ATTEMPTS 1
#endif
#ifndef LWIP_ICMP6
#define LWIP_ICMP6 LWIP_IPV6
#endif
#ifndef LWIP_ICMP6_DATASIZE
#define LWIP_ICMP6_DATASIZE 0
#endif
#ifndef LWIP_ICMP6_HL
#define LWIP_ICMP6_HL 255
#endif
#ifndef LWIP_IPV6_MLD
#define LWIP_IPV6_MLD LWIP_IPV6
#endif
#ifndef MEMP_NUM_MLD6_GROUP
#define MEMP_NUM_MLD6_GROUP 4
#endif
#ifndef LWIP_ND6_QUEUEING
#define LWIP_ND6_QUEUEING LWIP_IPV6
#endif
#ifndef MEMP_NUM_ND6_QUEUE
#define MEMP_NUM_ND6_QUEUE 20
#endif
#ifndef LWIP_ND6_NUM_NEIGHBORS
#define LWIP_ND6_NUM_NEIGHBORS 10
#endif
#ifndef LWIP_ND6_NUM_DESTINATIONS
#define LWIP_ND6_NUM_DESTINATIONS 10
#endif
#ifndef LWIP_ND6_NUM_PREFIXES
#define LWIP_ND6_NUM_PREFIXES 5
#endif
#ifndef LWIP_ND6_NUM_ROUTERS
#define LWIP_ND6_NUM_ROUTERS 3
#endif
#ifndef LWIP_ND6_MAX_MULTICAST_SOLICIT
#define LWIP_ND6_MAX_MULTICAST_SOLICIT 3
#endif
#ifndef LWIP_ND6_MAX_UNICAST_SOLICIT
#define LWIP_ND6_MAX_UNICAST_SOLICIT 3
#endif
#ifndef LWIP_ND6_MAX_ANYCAST_DELAY_TIME
#define LWIP_ND6_MAX_ANYCAST_DELAY_TIME 1000
#endif
#ifndef LWIP_ND6_MAX_NEIGHBOR_ADVERTISEMENT
#define LWIP_ND6_MAX_NEIGHBOR_ADVERTISEMENT 3
#endif
#ifndef LWIP_ND6_REACHABLE_TIME
#define LWIP_ND6_REACHABLE_TIME 30000
#endif
#ifndef LWIP_ND6_RETRANS_TIMER
#define LWIP_ND6_RETRANS_TIMER 1000
#endif
#ifndef LWIP_ND6_DELAY_FIRST_PROBE_TIME
#define LWIP_ND6_DELAY_FIRST_PROBE_TIME 5000
#endif
#ifndef LWIP_ND6_ALLOW_RA_UPDATES
#define LWIP_ND6_ALLOW_RA_UPDATES 1
#endif
#ifndef LWIP_ND6_TCP_REACHABILITY_HINTS
#define LWIP_ND6_TCP_REACHABILITY_HINTS 1
#endif
#ifndef LWIP_ND6_RDNSS_MAX_DNS_SERVERS
#define LWIP_ND6_RDNSS_MAX_DNS_SERVERS 0
#endif
#ifndef LWIP_IPV6_DHCP6
#define LWIP_IPV6_DHCP6 0
#endif
#ifndef LWIP_IPV6_DHCP6_STATEFUL
#define LWIP_IPV6_DHCP6_STATEFUL 0
#endif
#ifndef LWIP_IPV6_DHCP6_STATELESS
#define LWIP_IPV6_DHCP6_STATELESS LWIP_IPV6_DHCP6
#endif
#ifndef LWIP_DHCP6_GET_NTP_SRV
#define LWIP_DHCP6_GET_NTP_SRV 0
#endif
#ifndef LWIP_DHCP6_MAX_NTP_SERVERS
#define LWIP_DHCP6_MAX_NTP_SERVERS 1
#endif
#ifndef LWIP_DHCP6_MAX_DNS_SERVERS
#define LWIP_DHCP6_MAX_DNS_SERVERS DNS_MAX_SERVERS
#endif

/* ---- Debugging (messages need LWIP_DEBUG defined as well) ---- */
#ifndef LWIP_DBG_MIN_LEVEL
#define LWIP_DBG_MIN_LEVEL LWIP_DBG_LEVEL_ALL
#endif
#ifndef LWIP_DBG_TYPES_ON
#define LWIP_DBG_TYPES_ON LWIP_DBG_ON
#endif
#ifndef ETHARP_DEBUG
#define ETHARP_DEBUG LWIP_DBG_OFF
#endif
#ifndef NETIF_DEBUG
#define NETIF_DEBUG LWIP_DBG_OFF
#endif
#ifndef PBUF_DEBUG
#define PBUF_DEBUG LWIP_DBG_OFF
#endif
#ifndef API_LIB_DEBUG
#define API_LIB_DEBUG LWIP_DBG_OFF
#endif
#ifndef API_MSG_DEBUG
#define API_MSG_DEBUG LWIP_DBG_OFF
#endif
#ifndef SOCKETS_DEBUG
#define SOCKETS_DEBUG LWIP_DBG_OFF
#endif
#ifndef ICMP_DEBUG
#define ICMP_DEBUG LWIP_DBG_OFF
#endif
#ifndef IGMP_DEBUG
#define IGMP_DEBUG LWIP_DBG_OFF
#endif
#ifndef INET_DEBUG
#define INET_DEBUG LWIP_DBG_OFF
#endif
#ifndef IP_DEBUG
#define IP_DEBUG LWIP_DBG_OFF
#endif
#ifndef IP_REASS_DEBUG
#define IP_REASS_DEBUG LWIP_DBG_OFF
#endif
#ifndef RAW_DEBUG
#define RAW_DEBUG LWIP_DBG_OFF
#endif
#ifndef MEM_DEBUG
#define MEM_DEBUG LWIP_DBG_OFF
#endif
#ifndef MEMP_DEBUG
#define MEMP_DEBUG LWIP_DBG_OFF
#endif
#ifndef SYS_DEBUG
#define SYS_DEBUG LWIP_DBG_OFF
#endif
#ifndef TIMERS_DEBUG
#define TIMERS_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_DEBUG
#define TCP_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_INPUT_DEBUG
#define TCP_INPUT_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_FR_DEBUG
#define TCP_FR_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_RTO_DEBUG
#define TCP_RTO_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_CWND_DEBUG
#define TCP_CWND_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_WND_DEBUG
#define TCP_WND_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_OUTPUT_DEBUG
#define TCP_OUTPUT_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_RST_DEBUG
#define TCP_RST_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCP_QLEN_DEBUG
#define TCP_QLEN_DEBUG LWIP_DBG_OFF
#endif
#ifndef UDP_DEBUG
#define UDP_DEBUG LWIP_DBG_OFF
#endif
#ifndef TCPIP_DEBUG
#define TCPIP_DEBUG LWIP_DBG_OFF
#endif
#ifndef SLIP_DEBUG
#define SLIP_DEBUG LWIP_DBG_OFF
#endif
#ifndef DHCP_DEBUG
#define DHCP_DEBUG LWIP_DBG_OFF
#endif
#ifndef AUTOIP_DEBUG
#define AUTOIP_DEBUG LWIP_DBG_OFF
#endif
#ifndef DNS_DEBUG
#define DNS_DEBUG LWIP_DBG_OFF
#endif
#ifndef IP6_DEBUG
#define IP6_DEBUG LWIP_DBG_OFF
#endif
#ifndef DHCP6_DEBUG
#define DHCP6_DEBUG LWIP_DBG_OFF
#endif
#ifndef LWIP_TESTMODE
#define LWIP_TESTMODE 0
#endif
#ifndef LWIP_PERF
#define LWIP_PERF 0
#endif

#endif /* LWIP_HDR_OPT_H */
