/* lwip/ip4_addr.h: IPv4 addresses (ip4_addr_t), as in lwIP 2.1.
 *
 * An ip4_addr_t holds the address in network byte order.  Everything here
 * exists only when LWIP_IPV4 is enabled. */
#ifndef LWIP_HDR_IP4_ADDR_H
#define LWIP_HDR_IP4_ADDR_H

#include "lwip/opt.h"
#include "lwip/def.h"
#include "tern/export.h"

#if LWIP_IPV4

#ifdef __cplusplus
extern "C" {
#endif

struct ip4_addr {
    u32_t addr; /* network byte order */
};
typedef struct ip4_addr ip4_addr_t;

struct netif;

/* Host-order constants. */
#define IPADDR_NONE ((u32_t)0xffffffffUL)      /* ipaddr_addr()'s error value */
#define IPADDR_LOOPBACK ((u32_t)0x7f000001UL)  /* 127.0.0.1 */
#define IPADDR_ANY ((u32_t)0x00000000UL)       /* 0.0.0.0 */
#define IPADDR_BROADCAST ((u32_t)0xffffffffUL) /* 255.255.255.255 */

/* Classful addressing, on host-order values. */
#define IP_CLASSA(a) ((((u32_t)(a)) & 0x80000000UL) == 0)
#define IP_CLASSA_NET 0xff000000
#define IP_CLASSA_NSHIFT 24
#define IP_CLASSA_HOST (0xffffffff & ~IP_CLASSA_NET)
#define IP_CLASSA_MAX 128

#define IP_CLASSB(a) ((((u32_t)(a)) & 0xc0000000UL) == 0x80000000UL)
#define IP_CLASSB_NET 0xffff0000
#define IP_CLASSB_NSHIFT 16
#define IP_CLASSB_HOST (0xffffffff & ~IP_CLASSB_NET)
#define IP_CLASSB_MAX 65536

#define IP_CLASSC(a) ((((u32_t)(a)) & 0xe0000000UL) == 0xc0000000UL)
#define IP_CLASSC_NET 0xffffff00
#define IP_CLASSC_NSHIFT 8
#define IP_CLASSC_HOST (0xffffffff & ~IP_CLASSC_NET)

#define IP_CLASSD(a) (((u32_t)(a)&0xf0000000UL) == 0xe0000000UL)
#define IP_CLASSD_NET 0xf0000000
#define IP_CLASSD_NSHIFT 28
#define IP_CLASSD_HOST 0x0fffffff
#define IP_MULTICAST(a) IP_CLASSD(a)

#define IP_EXPERIMENTAL(a) (((u32_t)(a)&0xf0000000UL) == 0xf0000000UL)
#define IP_BADCLASS(a) (((u32_t)(a)&0xf0000000UL) == 0xf0000000UL)

#define IP_LOOPBACKNET 127

/* Set an address from its four dotted-quad parts: IP4_ADDR(&a, 192,168,0,1). */
#define IP4_ADDR(ipaddr, a, b, c, d) (ipaddr)->addr = PP_HTONL(LWIP_MAKEU32(a, b, c, d))

/* Copy by value (dest and src are ip4_addr_t, not pointers). */
#define ip4_addr_copy(dest, src) ((dest).addr = (src).addr)
/* Copy through pointers; a NULL src gives 0.0.0.0. */
#define ip4_addr_set(dest, src) ((dest)->addr = ((src) == NULL ? 0 : (src)->addr))
#define ip4_addr_set_zero(ipaddr) ((ipaddr)->addr = 0)
#define ip4_addr_set_any(ipaddr) ((ipaddr)->addr = IPADDR_ANY)
#define ip4_addr_set_loopback(ipaddr) ((ipaddr)->addr = PP_HTONL(IPADDR_LOOPBACK))
#define ip4_addr_isloopback(ipaddr)                                                                        \
    (((ipaddr)->addr & PP_HTONL(IP_CLASSA_NET)) == PP_HTONL(((u32_t)IP_LOOPBACKNET) << 24))
#define ip4_addr_set_hton(dest, src) ((dest)->addr = ((src) == NULL ? 0 : lwip_htonl((src)->addr)))
#define ip4_addr_set_u32(dest_ipaddr, src_u32) ((dest_ipaddr)->addr = (src_u32))
#define ip4_addr_get_u32(src_ipaddr) ((src_ipaddr)->addr)

#define ip4_addr_get_network(target, host, netmask)                                                        \
    do {                                                                                                   \
        ((target)->addr = ((host)->addr) & ((netmask)->addr));                                             \
    } while (0)
/* Non-zero when addr1 and addr2 are in the same network under mask. */
#define ip4_addr_netcmp(addr1, addr2, mask)                                                                \
    (((addr1)->addr & (mask)->addr) == ((addr2)->addr & (mask)->addr))
#define ip4_addr_cmp(addr1, addr2) ((addr1)->addr == (addr2)->addr)
#define ip4_addr_isany_val(addr1) ((addr1).addr == IPADDR_ANY)
#define ip4_addr_isany(addr1) ((addr1) == NULL || ip4_addr_isany_val(*(addr1)))

/* Broadcast test against the netif's address and netmask (NULL netif: only
 * 0.0.0.0 and 255.255.255.255 are broadcast).  Implemented in netif.c. */
#define ip4_addr_isbroadcast(addr1, netif) ip4_addr_isbroadcast_u32((addr1)->addr, netif)
TERN_API u8_t ip4_addr_isbroadcast_u32(u32_t addr, const struct netif *netif);

/* Non-zero when netmask (network byte order) is a contiguous prefix. */
#define ip_addr_netmask_valid(netmask) ip4_addr_netmask_valid((netmask)->addr)
TERN_API u8_t ip4_addr_netmask_valid(u32_t netmask);

#define ip4_addr_ismulticast(addr1) (((addr1)->addr & PP_HTONL(0xf0000000UL)) == PP_HTONL(0xe0000000UL))
#define ip4_addr_islinklocal(addr1) (((addr1)->addr & PP_HTONL(0xffff0000UL)) == PP_HTONL(0xa9fe0000UL))

#define ip4_addr_debug_print_parts(debug, a, b, c, d)                                                      \
    LWIP_DEBUGF(debug, ("%" U16_F ".%" U16_F ".%" U16_F ".%" U16_F, a, b, c, d))
#define ip4_addr_debug_print(debug, ipaddr)                                                                \
    ip4_addr_debug_print_parts(debug, (u16_t)((ipaddr) != NULL ? ip4_addr1_16(ipaddr) : 0),                \
                               (u16_t)((ipaddr) != NULL ? ip4_addr2_16(ipaddr) : 0),                       \
                               (u16_t)((ipaddr) != NULL ? ip4_addr3_16(ipaddr) : 0),                       \
                               (u16_t)((ipaddr) != NULL ? ip4_addr4_16(ipaddr) : 0))
#define ip4_addr_debug_print_val(debug, ipaddr)                                                            \
    ip4_addr_debug_print_parts(debug, ip4_addr1_16_val(ipaddr), ip4_addr2_16_val(ipaddr),                  \
                               ip4_addr3_16_val(ipaddr), ip4_addr4_16_val(ipaddr))

/* The four parts of a dotted quad: ip4_addr1 is the first ("a" of a.b.c.d).
 * The _val forms take an ip4_addr_t by value; note that lwIP defines them by
 * shifting the stored word, so on a little-endian host they give the parts
 * in the same order as the pointer forms. */
#define ip4_addr_get_byte(ipaddr, idx) (((const u8_t *)(&(ipaddr)->addr))[idx])
#define ip4_addr1(ipaddr) ip4_addr_get_byte(ipaddr, 0)
#define ip4_addr2(ipaddr) ip4_addr_get_byte(ipaddr, 1)
#define ip4_addr3(ipaddr) ip4_addr_get_byte(ipaddr, 2)
#define ip4_addr4(ipaddr) ip4_addr_get_byte(ipaddr, 3)
#define ip4_addr_get_byte_val(ipaddr, idx) ((u8_t)(((ipaddr).addr >> (idx * 8)) & 0xff))
#define ip4_addr1_val(ipaddr) ip4_addr_get_byte_val(ipaddr, 0)
#define ip4_addr2_val(ipaddr) ip4_addr_get_byte_val(ipaddr, 1)
#define ip4_addr3_val(ipaddr) ip4_addr_get_byte_val(ipaddr, 2)
#define ip4_addr4_val(ipaddr) ip4_addr_get_byte_val(ipaddr, 3)
/* The same as u16_t, convenient as printf arguments with U16_F. */
#define ip4_addr1_16(ipaddr) ((u16_t)ip4_addr1(ipaddr))
#define ip4_addr2_16(ipaddr) ((u16_t)ip4_addr2(ipaddr))
#define ip4_addr3_16(ipaddr) ((u16_t)ip4_addr3(ipaddr))
#define ip4_addr4_16(ipaddr) ((u16_t)ip4_addr4(ipaddr))
#define ip4_addr1_16_val(ipaddr) ((u16_t)ip4_addr1_val(ipaddr))
#define ip4_addr2_16_val(ipaddr) ((u16_t)ip4_addr2_val(ipaddr))
#define ip4_addr3_16_val(ipaddr) ((u16_t)ip4_addr3_val(ipaddr))
#define ip4_addr4_16_val(ipaddr) ((u16_t)ip4_addr4_val(ipaddr))

/* Longest text form, "255.255.255.255" and its NUL. */
#define IP4ADDR_STRLEN_MAX 16

#define ip_ntoa(ipaddr) ipaddr_ntoa(ipaddr)

/* Parse like inet_addr(): returns the address in network byte order, or
 * IPADDR_NONE when cp is not an address. */
TERN_API u32_t ipaddr_addr(const char *cp);
/* Parse like inet_aton() (dotted forms with 1 to 4 parts, each decimal, octal
 * with a leading 0 or hex with 0x); returns 1 and sets *addr (when not NULL)
 * on success, 0 otherwise. */
TERN_API int ip4addr_aton(const char *cp, ip4_addr_t *addr);
/* Dotted-decimal text in a static buffer (not reentrant). */
TERN_API char *ip4addr_ntoa(const ip4_addr_t *addr);
/* Dotted-decimal text in buf; NULL when buflen is too small. */
TERN_API char *ip4addr_ntoa_r(const ip4_addr_t *addr, char *buf, int buflen);

#ifdef __cplusplus
}
#endif

#endif /* LWIP_IPV4 */

#endif /* LWIP_HDR_IP4_ADDR_H */
