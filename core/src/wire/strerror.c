/* wire/strerror.c: names for drop reasons, for logs and counters. */
#include "wire/wire.h"

const char *tern__wire_strerror(tern_wire_err e)
{
    switch (e) {
    case TERN_WIRE_OK: return "ok";
    case TERN_WIRE_TRUNCATED: return "truncated";
    case TERN_WIRE_BAD_VERSION: return "bad IP version";
    case TERN_WIRE_BAD_HLEN: return "bad header length";
    case TERN_WIRE_BAD_LENGTH: return "bad length field";
    case TERN_WIRE_BAD_CHECKSUM: return "bad checksum";
    case TERN_WIRE_BAD_OPTION: return "bad option or extension header";
    case TERN_WIRE_UNSUPPORTED: return "unsupported";
    }
    return "unknown wire error"; /* a value outside the enum */
}
