/* reass.c: reassembly for checking fragmented output.  Simple and strict:
 * the harness only needs to accept well-formed fragment sets. */
#include "pkt.h"

#include <string.h>

static uint8_t covered[65536];

size_t pkt_reassemble(uint8_t *out, const uint8_t *const *frags, const size_t *lens, int k)
{
    struct pkt_info wi;
    size_t hlen = 0, total = 0, i;
    int v = 0, have_first = 0, have_last = 0;

    memset(covered, 0, sizeof(covered));
    for (i = 0; i < (size_t)k; i++) {
        const uint8_t *data;
        size_t n, off, j;
        if (!pkt_parse(frags[i], lens[i], &wi, 0)) {
            return 0;
        }
        if (!wi.is_frag || (v && wi.v != v)) {
            return 0;
        }
        v = wi.v;
        off = wi.frag_off;
        /* fragment data starts after the IP header (v4) or the fragment
         * header, which the parser counted into ip_hlen (v6) */
        data = frags[i] + wi.ip_hlen;
        n = lens[i] - wi.ip_hlen;
        if (off == 0) {
            have_first = 1;
            if (v == 4) {
                hlen = wi.ip_hlen;
                memcpy(out, frags[i], hlen);
            } else {
                hlen = 40;
                memcpy(out, frags[i], 40);
                out[6] = frags[i][40]; /* next header from the fragment header */
            }
        }
        if (!wi.mf) {
            have_last = 1;
            total = off + n;
        }
        if (off + n > 65535) {
            return 0;
        }
        for (j = off; j < off + n; j++) {
            if (covered[j]) {
                return 0;
            }
            covered[j] = 1;
        }
        memcpy(out + 60 + off, data, n); /* staged after the largest header */
    }
    if (!have_first || !have_last) {
        return 0;
    }
    for (i = 0; i < total; i++) {
        if (!covered[i]) {
            return 0;
        }
    }
    memmove(out + hlen, out + 60, total);
    if (v == 4) {
        pkt_put16(out + 2, (uint16_t)(hlen + total));
        pkt_put16(out + 6, 0);
        pkt_ip4_fix_csum(out);
    } else {
        pkt_put16(out + 4, (uint16_t)total);
    }
    return hlen + total;
}
