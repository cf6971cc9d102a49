/* lwip/dns.h: lwIP's DNS resolver API on tern.
 *
 * dns_gethostbyname resolves over UDP (RFC 1035 section 4.2.1) through
 * the servers set with dns_setserver: it returns ERR_OK with the address
 * at once for a numeric address or a cached/local name, ERR_INPROGRESS
 * and later calls found(name, addr or NULL, arg), or ERR_ARG for a bad
 * name or when no server is set.  Queries are retried every second up to
 * DNS_MAX_RETRIES times on the stack's timers (sys_check_timeouts or, with
 * LWIP_TIMERS 0, dns_tmr). */
#ifndef LWIP_HDR_DNS_H
#define LWIP_HDR_DNS_H

#include <stddef.h>

#include "lwip/opt.h"
#include "lwip/ip_addr.h"
#include "lwip/err.h"
#include "lwip/prot/dns.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DNS_TMR_INTERVAL 1000

/* Address families to ask for (lwIP's values). */
#define LWIP_DNS_ADDRTYPE_IPV4 0
#define LWIP_DNS_ADDRTYPE_IPV6 1
#define LWIP_DNS_ADDRTYPE_IPV4_IPV6 2 /* IPv4 first, IPv6 if that fails */
#define LWIP_DNS_ADDRTYPE_IPV6_IPV4 3 /* IPv6 first, IPv4 if that fails */
#ifndef LWIP_DNS_ADDRTYPE_DEFAULT
#if LWIP_IPV4
#define LWIP_DNS_ADDRTYPE_DEFAULT LWIP_DNS_ADDRTYPE_IPV4_IPV6
#else
#define LWIP_DNS_ADDRTYPE_DEFAULT LWIP_DNS_ADDRTYPE_IPV6
#endif
#endif

/* tern's table sizes, fixed (one libtern for every lwipopts.h). */
#define TERN_DNS_MAX_SERVERS 4
#define TERN_DNS_MAX_NAME_LENGTH 255

struct local_hostlist_entry {
    const char *name;
    ip_addr_t addr;
    struct local_hostlist_entry *next;
};
#define DNS_LOCAL_HOSTLIST_ELEM(name, addr_init) {name, addr_init, NULL}

extern TERN_API const ip_addr_t dns_mquery_v4group;
extern TERN_API const ip_addr_t dns_mquery_v6group;

/* ipaddr is NULL when the name could not be resolved. */
typedef void (*dns_found_callback)(const char *name, const ip_addr_t *ipaddr, void *callback_arg);

#define dns_init()
TERN_API void dns_tmr(void);
/* numdns < TERN_DNS_MAX_SERVERS; NULL or ANY clears the slot. */
TERN_API void dns_setserver(u8_t numdns, const ip_addr_t *dnsserver);
/* The server in slot numdns, or IP_ADDR_ANY. */
TERN_API const ip_addr_t *dns_getserver(u8_t numdns);
TERN_API err_t dns_gethostbyname(const char *hostname, ip_addr_t *addr, dns_found_callback found,
                                 void *callback_arg);
TERN_API err_t dns_gethostbyname_addrtype(const char *hostname, ip_addr_t *addr, dns_found_callback found,
                                          void *callback_arg, u8_t dns_addrtype);
/* A static name -> address entry consulted before any query. */
TERN_API err_t dns_local_addhost(const char *hostname, const ip_addr_t *addr);
/* Removes entries for hostname (and addr, unless NULL); returns how many. */
TERN_API int dns_local_removehost(const char *hostname, const ip_addr_t *addr);
TERN_API err_t dns_local_lookup(const char *hostname, ip_addr_t *addr, u8_t dns_addrtype);
TERN_API size_t dns_local_iterate(dns_found_callback iterator_fn, void *iterator_arg);

#ifdef __cplusplus
}
#endif

#endif
