/* tests/hostile/hostile_fix.c: fixing the lengths and checksums of fuzzed
 * packets (hf_fix_packet, hf_fix_records; see hostile_drivers.h).  Apart
 * from the drivers because it uses no stack at all: the lwIP differential
 * fuzz targets (fuzz/lwip/) link it too, so both stacks' fuzzers share one
 * structure-aware mutator. */
#include "hostile_drivers.h"

#include <string.h>

#include "hpkt.h"

/* ---- fixing lengths and checksums ---- */

static void fix_l4(uint8_t *l4, size_t n, uint8_t proto, int ver, const uint8_t *ip)
{
    uint32_t s4, d4;
    memcpy(&s4, ip + 12, 4);
    memcpy(&d4, ip + 16, 4);
    switch (proto) {
    case HP_PROTO_TCP:
        if (n >= 20) {
            if (ver == 4)
                hp_l4_csum4(l4, n, s4, d4, HP_PROTO_TCP, 16);
            else
                hp_l4_csum6(l4, n, ip + 8, ip + 24, HP_PROTO_TCP, 16);
        }
        break;
    case HP_PROTO_UDP:
        if (n >= 8) {
            hp_w16(l4 + 4, (uint16_t)n);
            if (ver == 4 && hp_r16(l4 + 6) == 0)
                break; /* "no checksum" stays so */
            if (ver == 4)
                hp_l4_csum4(l4, n, s4, d4, HP_PROTO_UDP, 6);
            else
                hp_l4_csum6(l4, n, ip + 8, ip + 24, HP_PROTO_UDP, 6);
        }
        break;
    case HP_PROTO_ICMP:
        if (ver == 4 && n >= 4) {
            l4[2] = l4[3] = 0;
            hp_w16(l4 + 2, hp_fold(hp_sum(0, l4, n)));
        }
        break;
    case HP_PROTO_ICMP6:
        if (ver == 6 && n >= 4)
            hp_l4_csum6(l4, n, ip + 8, ip + 24, HP_PROTO_ICMP6, 2);
        break;
    default:
        break;
    }
}

void hf_fix_packet(uint8_t *b, size_t len)
{
    if (len < 1 || len > 0xffff)
        return;
    if ((b[0] >> 4) == 4 && len >= 20) {
        size_t hl = (size_t)(b[0] & 0x0f) * 4;
        if (hl < 20 || hl > len)
            return;
        hp_w16(b + 2, (uint16_t)len);
        hp_ip4_fix(b);
        uint16_t frag = hp_r16(b + 6);
        if ((frag & 0x3fffu) == 0)
            fix_l4(b + hl, len - hl, b[9], 4, b);
        else if ((frag & 0x1fffu) == 0 && b[9] == HP_PROTO_ICMP && len - hl >= 4) {
            /* A first fragment: its own checksum cannot be known. */
        }
    } else if ((b[0] >> 4) == 6 && len >= 40) {
        hp_w16(b + 4, (uint16_t)(len - 40));
        uint8_t nh = b[6];
        size_t off = 40;
        for (int i = 0; i < 8; i++) {
            if (nh == HP_NH_HOP || nh == HP_NH_ROUTING || nh == HP_NH_DSTOPTS) {
                if (len - off < 2)
                    return;
                size_t el = ((size_t)b[off + 1] + 1) * 8;
                if (el > len - off)
                    return;
                nh = b[off];
                off += el;
            } else if (nh == HP_NH_FRAG) {
                return;
            } else {
                break;
            }
        }
        fix_l4(b + off, len - off, nh, 6, b);
    }
}

/* Walks (b)'s records; calls fn on each packet record. */
static void for_records(uint8_t *d, size_t n, void (*fn)(uint8_t *pkt, size_t len, uint8_t dt))
{
    size_t i = 1; /* the configuration byte */
    while (i + 3 <= n) {
        uint8_t dt = d[i];
        uint16_t len = hp_r16(d + i + 1);
        i += 3;
        if (len & 0x8000u)
            continue;
        size_t k = len < n - i ? len : n - i;
        if (fn)
            fn(d + i, k, dt);
        i += k;
    }
}

static void fix_one(uint8_t *pkt, size_t len, uint8_t dt)
{
    (void)dt;
    hf_fix_packet(pkt, len);
}

void hf_fix_records(uint8_t *data, size_t size) { for_records(data, size, fix_one); }
