/* wire/checksum_api.c: tern/checksum.h, the public face of wire/checksum.c
 * (the stack calls the tern__ functions directly). */
#include "tern/checksum.h"
#include "wire/checksum.h"

tern_csum tern_csum_add(tern_csum sum, const void *data, size_t len) { return tern__csum_add(sum, data, len); }

tern_csum tern_csum_copy(tern_csum sum, void *dst, const void *src, size_t len)
{
    return tern__csum_copy(sum, dst, src, len);
}

tern_csum tern_csum_pbuf(tern_csum sum, const tern_pbuf *p, uint16_t offset, uint16_t len)
{
    return tern__csum_pbuf(sum, p, offset, len);
}

tern_csum tern_csum_pseudo_v4(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint16_t len)
{
    return tern__csum_pseudo_v4(src_be, dst_be, proto, len);
}

tern_csum tern_csum_pseudo_v6(const void *src16, const void *dst16, uint8_t next_header, uint32_t len)
{
    return tern__csum_pseudo_v6(src16, dst16, next_header, len);
}

uint16_t tern_csum_finish(tern_csum sum) { return tern__csum_finish(sum); }
