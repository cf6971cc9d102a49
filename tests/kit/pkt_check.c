/* pkt_check.c: the output oracle.  pkt_parse says whether a packet can be
 * read; pkt_check_emitted also holds the sender to the rules a stack must
 * follow when it emits a packet (every checksum right, no flag or option
 * combination a receiver must reject), so a test can require that every
 * packet a stack sends under hostile input is one a peer accepts. */
#include "pkt.h"

#include <string.h>

/* The TCP options of a segment the stack sent, with every known option's
 * length checked (RFC 9293 3.1 and 3.2: MSS 4, SACK-permitted 2; RFC 7323:
 * window scale 3 with a shift of at most 14, timestamps 10; RFC 2018: SACK
 * 2 + 8n). */
static const char *check_tcp_options(const uint8_t *o, size_t n, int syn)
{
    size_t i = 0;
    int syn_only = 0;
    while (i < n) {
        uint8_t kind = o[i], len;
        if (kind == 0) {
            break;
        }
        if (kind == 1) {
            i++;
            continue;
        }
        if (n - i < 2 || (len = o[i + 1]) < 2 || len > n - i) {
            return "tcp option length";
        }
        switch (kind) {
        case 2:
            if (len != 4) {
                return "tcp mss length";
            }
            syn_only = 1;
            break;
        case 3:
            if (len != 3) {
                return "tcp wscale length";
            }
            if (o[i + 2] > 14) {
                return "tcp wscale > 14";
            }
            syn_only = 1;
            break;
        case 4:
            if (len != 2) {
                return "tcp sack-permitted length";
            }
            syn_only = 1;
            break;
        case 5:
            if (len < 10 || (len - 2) % 8) {
                return "tcp sack length";
            }
            break;
        case 8:
            if (len != 10) {
                return "tcp timestamp length";
            }
            break;
        default:
            break;
        }
        i += len;
    }
    if (syn_only && !syn) {
        return "tcp syn-only option on a non-SYN";
    }
    return NULL;
}

static const char *check_tcp(const uint8_t *l4, const struct pkt_info *pi)
{
    uint8_t f = pi->tcp.flags;
    if (pi->l4_csum != 1) {
        return "tcp checksum";
    }
    if ((f & (PKT_SYN | PKT_FIN)) == (PKT_SYN | PKT_FIN)) {
        return "tcp syn+fin";
    }
    if ((f & (PKT_SYN | PKT_RST)) == (PKT_SYN | PKT_RST)) {
        return "tcp syn+rst";
    }
    if (!(f & (PKT_SYN | PKT_FIN | PKT_RST | PKT_ACK))) {
        return "tcp no flags";
    }
    if (pi->sport == 0 || pi->dport == 0) {
        return "tcp port 0";
    }
    const char *why = check_tcp_options(l4 + 20, pi->tcp.optlen, (f & PKT_SYN) != 0);
    if (why) {
        return why;
    }
    if ((f & PKT_RST) && pi->pl_len) {
        return "tcp rst with data"; /* RFC 9293 3.5.3: a RST carries no data a peer would read */
    }
    return NULL;
}

const char *pkt_check_emitted(const uint8_t *p, size_t n, struct pkt_info *pi)
{
    size_t frag_len;
    if (!pkt_parse(p, n, pi, 0)) {
        return pi->err;
    }
    if (pi->v == 4) {
        if (!pi->ip_csum_ok) {
            return "ipv4 header checksum";
        }
        if (pkt_get16(p + 6) & 0x8000u) {
            return "ipv4 reserved flag"; /* RFC 791: must be zero */
        }
        if (pi->ttl == 0) {
            return "ipv4 ttl 0";
        }
    } else {
        /* A stack may emit a Fragment header and nothing else in front of
         * the upper layer (it sends no options of its own). */
        for (int k = 0; k < pi->n_ext; k++) {
            if (pi->ext[k] != PKT_FRAGMENT) {
                return "unexpected ipv6 extension header sent";
            }
        }
    }
    frag_len = pi->l4_len;
    if (pi->is_frag) {
        if (pi->frag_off + frag_len > 65535u) {
            return "fragment past 64K";
        }
        if (pi->mf && (frag_len & 7)) {
            return "non-final fragment not a multiple of 8";
        }
        return NULL; /* the upper layer spans several packets */
    }
    const uint8_t *l4 = p + pi->l4_off;
    switch (pi->proto) {
    case PKT_TCP:
        return check_tcp(l4, pi);
    case PKT_UDP:
        if (pi->l4_csum == 2 && pi->v == 6) {
            return "udp zero checksum over ipv6"; /* RFC 8200 8.1 */
        }
        if (pi->l4_csum == 0) {
            return "udp checksum";
        }
        return NULL;
    case PKT_ICMP:
        if (pi->v != 4) {
            return "icmpv4 over ipv6";
        }
        return pi->l4_csum == 1 ? NULL : "icmp checksum";
    case PKT_ICMP6:
        if (pi->v != 6) {
            return "icmpv6 over ipv4";
        }
        if (pi->l4_csum != 1) {
            return "icmpv6 checksum";
        }
        if (pi->l4_len + 40 > 1280 && pi->type < 128) {
            return "icmpv6 error longer than 1280"; /* RFC 4443 2.4 (c) */
        }
        return NULL;
    default:
        return "unexpected protocol sent";
    }
}
