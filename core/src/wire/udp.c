/* wire/udp.c: the UDP header view (RFC 768). */
#include "wire/bytes.h"
#include "wire/wire.h"

tern_wire_err tern__udp_parse(const uint8_t *buf, size_t len, tern_udp_repr *out)
{
    if (len < TERN_UDP_HLEN)
        return TERN_WIRE_TRUNCATED;
    uint16_t length = tern_rd16(buf + 4);
    if (length < TERN_UDP_HLEN)
        return TERN_WIRE_BAD_LENGTH;
    if (length > len)
        return TERN_WIRE_TRUNCATED;
    out->src_port = tern_rd16(buf);
    out->dst_port = tern_rd16(buf + 2);
    out->length = length;
    out->checksum = tern_rd16(buf + 6);
    return TERN_WIRE_OK;
}

void tern__udp_emit(uint8_t *buf, const tern_udp_repr *r)
{
    tern_wr16(buf, r->src_port);
    tern_wr16(buf + 2, r->dst_port);
    tern_wr16(buf + 4, r->length);
    tern_wr16(buf + 6, 0);
}
