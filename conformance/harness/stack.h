/* stack.h: the harness side that talks to the stack under test through the
 * lwIP 2.1 raw API: the scenario's netif with packet capture, injection,
 * the virtual clock, address helpers and a UDP receive recorder. */
#ifndef CONF_STACK_H
#define CONF_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/udp.h"

#include "pkt.h"

/* The scenario's world: one pure IP netif (no link layer), 198.18.0.1/15
 * and 2001:db8::1/64; peers live in the same prefixes. */
#define LOCAL4 "198.18.0.1"
#define PEER4 "198.19.0.2"
#define OTHER4 "198.19.0.3"
#define OFFLINK4 "203.0.113.9"  /* not on the netif's prefix */
#define LOCAL6 "2001:db8::1"
#define PEER6 "2001:db8::2"
#define OTHER6 "2001:db8::3"
#define NONLOCAL6 "2001:db8::99" /* on-link, not ours */

extern struct netif *h_netif;
/* Normalization state shared by the traces of packets in and out. */
extern struct pkt_ctx h_wire_ctx;

/* lwip_init() and the netif; run in the child before each scenario. */
void h_stack_start(void);

/* ---- virtual clock (sys_now) ---- */
u32_t h_now(void);
/* Advances time in 10 ms steps calling sys_check_timeouts() at each, like
 * a main loop would: lwIP's cyclic timers run once per call however late
 * they are, so one big jump would not age reassembly buffers. */
void h_advance(u32_t ms);
/* Moves the clock without running any timer (for overdue and wraparound
 * cases); the next sys_check_timeouts() sees the new time. */
void h_clock_jump(u32_t ms);

/* ---- capture of what the stack sends ---- */
struct cap {
    uint8_t *data;
    size_t len;
    u32_t t;
    struct pkt_info wi;    /* parsed by the harness's own parser */
    int nexthop_is_dst;     /* the output callback's address argument */
};
size_t cap_pending(void);            /* captured and not yet taken */
struct cap *cap_next(void);          /* oldest pending packet, or NULL */
/* Takes the next packet, REQUIRE-ing that there is one and that it parses
 * with valid checksums and consistent lengths. */
struct cap *cap_expect_(const char *file, int line);
#define cap_expect() cap_expect_(__FILE__, __LINE__)
void cap_expect_none_(const char *file, int line);
#define cap_expect_none() cap_expect_none_(__FILE__, __LINE__)
/* Packets the capture ignored: IPv6 neighbour discovery and MLD, which
 * lwIP's autoconfiguration emits on timers and which are not part of the
 * behaviour under test. */
unsigned cap_ignored(void);
/* Optional pcap of everything the stack sent (LINKTYPE_RAW). */
void cap_pcap_open(const char *path);

/* ---- injection of packets into the netif ---- */
enum inj_mode {
    INJ_REF,   /* exact-size buffer wrapped as a custom PBUF_REF pbuf */
    INJ_RAM,   /* a PBUF_RAM copy */
    INJ_CHAIN  /* two custom PBUF_REF pbufs split at a given offset */
};
err_t inject(const uint8_t *pkt, size_t n);  /* INJ_REF */
err_t inject_mode(const uint8_t *pkt, size_t n, enum inj_mode mode, size_t split);
/* Custom pbufs handed to the stack and not yet freed by it. */
int inject_outstanding(void);

/* ---- addresses ---- */
/* Text to ip_addr_t via the harness parser and the IP_ADDR4/IP_ADDR6 macros
 * (not the stack's ipaddr_aton, which is itself under test). */
ip_addr_t h_ip(const char *text);
/* ip_addr_t to text from the public struct fields; "*" for IPADDR_TYPE_ANY. */
const char *h_ipstr(const ip_addr_t *a, char *buf48);
int h_ip_is(const ip_addr_t *a, const char *text);

/* ---- pbufs ---- */
/* A PBUF_TRANSPORT PBUF_RAM pbuf holding data, as an application sends. */
struct pbuf *h_pbuf(const void *data, size_t n);
/* n bytes of a deterministic pattern seeded by seed. */
void h_pattern(uint8_t *buf, size_t n, unsigned seed);

/* ---- UDP receive recorder ---- */
struct rx {
    int tag;
    struct udp_pcb *pcb;
    size_t len;
    uint8_t *data;
    ip_addr_t addr;        /* callback argument */
    u16_t port;            /* callback argument */
    ip_addr_t cur_src;     /* ip_current_src_addr() inside the callback */
    ip_addr_t cur_dst;     /* ip_current_dest_addr() */
    int cur_netif_ok;      /* ip_current_netif() == h_netif */
    int cur_in_netif_ok;   /* ip_current_input_netif() == h_netif */
    int cur_v6;            /* ip_current_is_v6() */
};
/* Installs the recorder as pcb's receive callback; tag names it in traces. */
void h_udp_record(struct udp_pcb *pcb, int tag);
size_t rx_pending(void);
struct rx *rx_next(void);
struct rx *rx_expect_(const char *file, int line);
#define rx_expect() rx_expect_(__FILE__, __LINE__)
void rx_expect_none_(const char *file, int line);
#define rx_expect_none() rx_expect_none_(__FILE__, __LINE__)

#endif
