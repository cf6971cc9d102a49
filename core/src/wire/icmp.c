/* wire/icmp.c: the ICMPv4 and ICMPv6 header view (RFC 792, RFC 4443); both
 * share the same first eight bytes. */
#include "wire/bytes.h"
#include "wire/wire.h"

tern_wire_err tern__icmp_parse(const uint8_t *buf, size_t len, tern_icmp_repr *out)
{
    if (len < TERN_ICMP_HLEN)
        return TERN_WIRE_TRUNCATED;
    out->type = buf[0];
    out->code = buf[1];
    out->checksum = tern_rd16(buf + 2);
    out->rest = tern_rd32(buf + 4);
    return TERN_WIRE_OK;
}

void tern__icmp_emit(uint8_t *buf, const tern_icmp_repr *r)
{
    buf[0] = r->type;
    buf[1] = r->code;
    tern_wr16(buf + 2, r->checksum);
    tern_wr32(buf + 4, r->rest);
}
