/* compat/src/inet_chksum.c: lwIP's checksum helpers on tern's checksum
 * code (RFC 1071; pseudo headers of RFC 768 and RFC 8200 section 8.1). */
#include "compat.h"
#include "lwip/inet_chksum.h"
#include "tern/checksum.h"

/* tern_csum_finish complements; lwIP's plain sums are the complement. */
static u16_t sum16(tern_csum s) { return (u16_t)~tern_csum_finish(s); }

/* Sums are of big-endian words; lwIP's are in network order in memory. */
static u16_t to_net(u16_t host) { return lwip_htons(host); }

u16_t lwip_standard_chksum(const void *dataptr, int len)
{
    return len > 0 ? to_net(sum16(tern_csum_add(0, dataptr, (size_t)len))) : 0;
}

u16_t inet_chksum(const void *dataptr, u16_t len) { return (u16_t)~lwip_standard_chksum(dataptr, len); }

u16_t inet_chksum_pbuf(struct pbuf *p)
{
    if (!p)
        return 0xffff;
    tern_csum s = tern_csum_pbuf(0, (const tern_pbuf *)p, 0, p->tot_len);
    return to_net(tern_csum_finish(s));
}

u16_t lwip_chksum_copy(void *dst, const void *src, u16_t len)
{
    return to_net(sum16(tern_csum_copy(0, dst, src, len)));
}

static u16_t finish_pbuf(tern_csum s, struct pbuf *p, u16_t len)
{
    if (p && len > p->tot_len)
        len = p->tot_len;
    if (p)
        s = tern_csum_pbuf(s, (const tern_pbuf *)p, 0, len);
    return to_net(tern_csum_finish(s));
}

u16_t inet_chksum_pseudo(struct pbuf *p, u8_t proto, u16_t proto_len, const ip4_addr_t *src, const ip4_addr_t *dest)
{
    return inet_chksum_pseudo_partial(p, proto, proto_len, proto_len, src, dest);
}

u16_t inet_chksum_pseudo_partial(struct pbuf *p, u8_t proto, u16_t proto_len, u16_t chksum_len,
                                 const ip4_addr_t *src, const ip4_addr_t *dest)
{
    if (!src || !dest)
        return 0;
    return finish_pbuf(tern_csum_pseudo_v4(src->addr, dest->addr, proto, proto_len), p, chksum_len);
}

u16_t ip6_chksum_pseudo(struct pbuf *p, u8_t proto, u16_t proto_len, const ip6_addr_t *src, const ip6_addr_t *dest)
{
    return ip6_chksum_pseudo_partial(p, proto, proto_len, proto_len, src, dest);
}

u16_t ip6_chksum_pseudo_partial(struct pbuf *p, u8_t proto, u16_t proto_len, u16_t chksum_len,
                                const ip6_addr_t *src, const ip6_addr_t *dest)
{
    if (!src || !dest)
        return 0;
    return finish_pbuf(tern_csum_pseudo_v6(src->addr, dest->addr, proto, proto_len), p, chksum_len);
}

u16_t ip_chksum_pseudo(struct pbuf *p, u8_t proto, u16_t proto_len, const ip_addr_t *src, const ip_addr_t *dest)
{
    return ip_chksum_pseudo_partial(p, proto, proto_len, proto_len, src, dest);
}

u16_t ip_chksum_pseudo_partial(struct pbuf *p, u8_t proto, u16_t proto_len, u16_t chksum_len,
                               const ip_addr_t *src, const ip_addr_t *dest)
{
    if (!src || !dest)
        return 0;
#if LWIP_IPV6
    if (IP_IS_V6(dest))
        return ip6_chksum_pseudo_partial(p, proto, proto_len, chksum_len, ip_2_ip6(src), ip_2_ip6(dest));
#endif
    return inet_chksum_pseudo_partial(p, proto, proto_len, chksum_len, ip_2_ip4(src), ip_2_ip4(dest));
}
