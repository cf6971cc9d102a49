/* lwip/inet_chksum.h: the Internet checksum (RFC 1071) over buffers and
 * pbufs, with the pseudo headers of RFC 768/9293 (IPv4) and RFC 8200
 * section 8.1 (IPv6). */
#ifndef LWIP_HDR_INET_CHKSUM_H
#define LWIP_HDR_INET_CHKSUM_H

#include "lwip/opt.h"
#include "lwip/pbuf.h"
#include "lwip/ip_addr.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SWAP_BYTES_IN_WORD
#define SWAP_BYTES_IN_WORD(w) (((w) & 0xff) << 8) | (((w) & 0xff00) >> 8)
#endif
#ifndef FOLD_U32T
#define FOLD_U32T(u) ((u32_t)(((u) >> 16) + ((u) & 0x0000ffffUL)))
#endif

/* The ones'-complement sum of len bytes, not inverted (lwIP's
 * LWIP_CHKSUM). */
TERN_API u16_t lwip_standard_chksum(const void *dataptr, int len);
#ifndef LWIP_CHKSUM
#define LWIP_CHKSUM lwip_standard_chksum
#endif

/* The checksum to put in a header: the inverted sum. */
TERN_API u16_t inet_chksum(const void *dataptr, u16_t len);
TERN_API u16_t inet_chksum_pbuf(struct pbuf *p);
/* Copies len bytes and returns their (not inverted) sum. */
TERN_API u16_t lwip_chksum_copy(void *dst, const void *src, u16_t len);
#if LWIP_CHECKSUM_ON_COPY
#define LWIP_CHKSUM_COPY(dst, src, len) lwip_chksum_copy(dst, src, len)
#endif

TERN_API u16_t inet_chksum_pseudo(struct pbuf *p, u8_t proto, u16_t proto_len, const ip4_addr_t *src,
                                  const ip4_addr_t *dest);
TERN_API u16_t inet_chksum_pseudo_partial(struct pbuf *p, u8_t proto, u16_t proto_len, u16_t chksum_len,
                                          const ip4_addr_t *src, const ip4_addr_t *dest);
TERN_API u16_t ip6_chksum_pseudo(struct pbuf *p, u8_t proto, u16_t proto_len, const ip6_addr_t *src,
                                 const ip6_addr_t *dest);
TERN_API u16_t ip6_chksum_pseudo_partial(struct pbuf *p, u8_t proto, u16_t proto_len, u16_t chksum_len,
                                         const ip6_addr_t *src, const ip6_addr_t *dest);
TERN_API u16_t ip_chksum_pseudo(struct pbuf *p, u8_t proto, u16_t proto_len, const ip_addr_t *src,
                                const ip_addr_t *dest);
TERN_API u16_t ip_chksum_pseudo_partial(struct pbuf *p, u8_t proto, u16_t proto_len, u16_t chksum_len,
                                        const ip_addr_t *src, const ip_addr_t *dest);

#ifdef __cplusplus
}
#endif

#endif
