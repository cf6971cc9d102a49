/* compat/src/ip_addr.c: lwIP's address constants and text conversions
 * (ip4addr_*, ip6addr_*, ipaddr_*), with lwIP 2.1's output formats.
 *
 * Output is byte-for-byte lwIP's: IPv4 dotted decimal; IPv6 in uppercase hex
 * without leading zeros, the FIRST run of two or more zero groups written as
 * "::" (lwIP's rule, not RFC 5952's longest run), and IPv4-mapped addresses
 * as "::FFFF:a.b.c.d".
 *
 * Input follows lwIP for every well-formed address and rejects malformed
 * text: IPv4 accepts inet_aton's forms (1 to 4 parts, decimal, 0-prefixed
 * octal or 0x hex, a trailing space ends it), refusing parts that overflow.
 * IPv6 accepts RFC 4291 text: 1 to 4 hex digits a group, at most one "::",
 * an optional dotted-quad IPv4 tail in the last 32 bits; it ends at NUL,
 * whitespace or a '%' zone suffix (ignored: the zone is left cleared, as
 * lwIP does). */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "lwip/ip_addr.h"
#include "tern/addr.h"

#if !TERN_IP_ADDR_NATIVE
#error "libtern is built with dual-stack, zoned addresses (lwip/tern_default_lwipopts.h)"
#endif

/* ip_addr_t and the core's tern_addr are one layout: the compatibility layer
 * converts between them with a cast. */
_Static_assert(sizeof(ip_addr_t) == sizeof(tern_addr), "ip_addr_t and tern_addr differ in size");
_Static_assert(offsetof(ip_addr_t, u_addr) == offsetof(tern_addr, u), "u_addr/u");
_Static_assert(offsetof(ip_addr_t, u_addr.ip6.addr) == offsetof(tern_addr, u.v6.w), "ip6.addr/v6.w");
_Static_assert(offsetof(ip_addr_t, u_addr.ip6.zone) == offsetof(tern_addr, u.v6.zone), "ip6.zone/v6.zone");
_Static_assert(offsetof(ip_addr_t, u_addr.ip4.addr) == offsetof(tern_addr, u.v4), "ip4.addr/v4");
_Static_assert(offsetof(ip_addr_t, type) == offsetof(tern_addr, type), "type");
_Static_assert(sizeof(((ip_addr_t *)0)->type) == sizeof(((tern_addr *)0)->type), "type size");
_Static_assert(IPADDR_TYPE_V4 == TERN_ADDR_V4 && IPADDR_TYPE_V6 == TERN_ADDR_V6 && IPADDR_TYPE_ANY == TERN_ADDR_ANY,
               "type values");
_Static_assert(sizeof(ip4_addr_t) == 4 && sizeof(ip6_addr_t) == 20 && sizeof(ip_addr_t) == 24, "lwIP sizes");

/* ---- constants ---- */

const ip_addr_t ip_addr_any = IPADDR4_INIT(IPADDR_ANY);
const ip_addr_t ip_addr_broadcast = IPADDR4_INIT(IPADDR_BROADCAST);
const ip_addr_t ip6_addr_any = IPADDR6_INIT(0ul, 0ul, 0ul, 0ul);
const ip_addr_t ip_addr_any_type = IPADDR_ANY_TYPE_INIT;

/* The layout a dual-stack program built with LWIP_IPV6_SCOPES 0 sees (its
 * ip_addr.h renames the entry points below to these).  An IPv4 address has
 * the same bytes in both layouts, so ip_addr_any and ip_addr_broadcast serve
 * both. */
typedef struct {
    union {
        struct {
            u32_t addr[4];
        } ip6;
        ip4_addr_t ip4;
    } u_addr;
    u8_t type;
} nozone_ip_addr_t;
_Static_assert(sizeof(nozone_ip_addr_t) == 20 && offsetof(nozone_ip_addr_t, type) == 16, "zoneless ip_addr_t");

extern const nozone_ip_addr_t tern_ip6_addr_any_nozone;
extern const nozone_ip_addr_t tern_ip_addr_any_type_nozone;
const nozone_ip_addr_t tern_ip6_addr_any_nozone = {{{{0, 0, 0, 0}}}, IPADDR_TYPE_V6};
const nozone_ip_addr_t tern_ip_addr_any_type_nozone = {{{{0, 0, 0, 0}}}, IPADDR_TYPE_ANY};

/* ---- small helpers ---- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Copy the NUL-terminated text into buf if it fits, lwIP's ntoa_r contract. */
static char *put(const char *text, size_t len, char *buf, int buflen)
{
    if (buf == NULL || buflen < 0 || (size_t)buflen < len + 1)
        return NULL;
    memcpy(buf, text, len + 1);
    return buf;
}

/* ---- IPv4 ---- */

u8_t ip4_addr_netmask_valid(u32_t netmask)
{
    u32_t host = lwip_htonl(netmask);
    /* Contiguous ones from the top: the complement plus one is a power of 2. */
    u32_t inv = ~host;
    return (u8_t)((inv & (inv + 1u)) == 0);
}

/* inet_aton(): host-order result in *out. */
static bool parse_ip4(const char *cp, u32_t *out)
{
    u32_t parts[4];
    int nparts = 0;
    const char *s = cp;

    for (;;) {
        if (!is_digit(*s))
            return false;
        u32_t base = 10, val = 0;
        if (*s == '0') {
            s++;
            if (*s == 'x' || *s == 'X') {
                base = 16;
                s++;
            } else {
                base = 8;
            }
        }
        for (;;) {
            int d = hex_value(*s);
            if (d < 0 || (u32_t)d >= base)
                break;
            if (val > (0xffffffffUL - (u32_t)d) / base)
                return false; /* overflows 32 bits */
            val = val * base + (u32_t)d;
            s++;
        }
        parts[nparts++] = val;
        if (*s != '.')
            break;
        if (nparts == 4)
            return false;
        s++;
    }
    if (*s != '\0' && !is_space(*s))
        return false;

    /* a, a.b (8.24 bits), a.b.c (8.8.16), a.b.c.d (8.8.8.8) */
    u32_t last = parts[nparts - 1];
    static const u32_t last_max[4] = {0xffffffffUL, 0xffffffUL, 0xffffUL, 0xffUL};
    if (last > last_max[nparts - 1])
        return false;
    u32_t val = last;
    for (int i = 0; i < nparts - 1; i++) {
        if (parts[i] > 0xff)
            return false;
        val |= parts[i] << (24 - 8 * i);
    }
    *out = val;
    return true;
}

int ip4addr_aton(const char *cp, ip4_addr_t *addr)
{
    u32_t host;
    if (cp == NULL || !parse_ip4(cp, &host))
        return 0;
    if (addr != NULL)
        ip4_addr_set_u32(addr, lwip_htonl(host));
    return 1;
}

u32_t ipaddr_addr(const char *cp)
{
    ip4_addr_t a;
    if (ip4addr_aton(cp, &a))
        return ip4_addr_get_u32(&a);
    return IPADDR_NONE;
}

/* Dotted decimal of a network-order address; returns the length. */
static size_t format_ip4(u32_t net, char *out)
{
    const u8_t *b = (const u8_t *)&net;
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100)
            out[n++] = (char)('0' + v / 100);
        if (v >= 10)
            out[n++] = (char)('0' + (v / 10) % 10);
        out[n++] = (char)('0' + v % 10);
        out[n++] = i < 3 ? '.' : '\0';
    }
    return n - 1;
}

char *ip4addr_ntoa_r(const ip4_addr_t *addr, char *buf, int buflen)
{
    char text[IP4ADDR_STRLEN_MAX];
    if (addr == NULL)
        return NULL;
    size_t len = format_ip4(ip4_addr_get_u32(addr), text);
    return put(text, len, buf, buflen);
}

char *ip4addr_ntoa(const ip4_addr_t *addr)
{
    static _Thread_local char str[IP4ADDR_STRLEN_MAX];
    return ip4addr_ntoa_r(addr, str, IP4ADDR_STRLEN_MAX);
}

/* ---- IPv6 ---- */

/* RFC 4291 text into four network-order words. */
static bool parse_ip6(const char *cp, u32_t words[4])
{
    u16_t groups[8];
    int ngroups = 0;
    int gap = -1; /* index in groups where "::" stands */
    const char *s = cp;

    if (s[0] == ':') {
        if (s[1] != ':')
            return false;
        gap = 0;
        s += 2;
    }
    while (*s != '\0' && *s != '%' && !is_space(*s)) {
        /* A group, or the IPv4 tail. */
        const char *start = s;
        u32_t v = 0;
        int nd = 0;
        int d;
        while ((d = hex_value(*s)) >= 0) {
            if (++nd > 4)
                break;
            v = (v << 4) | (u32_t)d;
            s++;
        }
        if (*s == '.') {
            /* Dotted-quad tail: four decimal parts, the last 32 bits. */
            u32_t v4 = 0;
            s = start;
            for (int part = 0; part < 4; part++) {
                unsigned p = 0;
                int pd = 0;
                while (is_digit(*s) && pd < 3) {
                    p = p * 10 + (unsigned)(*s - '0');
                    pd++;
                    s++;
                }
                if (pd == 0 || p > 255 || is_digit(*s))
                    return false;
                v4 = (v4 << 8) | p;
                if (part < 3) {
                    if (*s != '.')
                        return false;
                    s++;
                }
            }
            if (ngroups > 6)
                return false;
            groups[ngroups++] = (u16_t)(v4 >> 16);
            groups[ngroups++] = (u16_t)(v4 & 0xffff);
            if (*s != '\0' && *s != '%' && !is_space(*s))
                return false;
            break;
        }
        if (nd == 0 || nd > 4 || ngroups == 8)
            return false;
        groups[ngroups++] = (u16_t)v;
        if (*s == ':') {
            if (s[1] == ':') {
                if (gap >= 0)
                    return false; /* a second "::" */
                gap = ngroups;
                s += 2;
            } else {
                s++;
                if (hex_value(*s) < 0)
                    return false; /* "1:" then nothing, or ":::" */
            }
        } else if (*s != '\0' && *s != '%' && !is_space(*s)) {
            return false;
        }
    }

    u16_t full[8] = {0};
    if (gap < 0) {
        if (ngroups != 8)
            return false;
        memcpy(full, groups, sizeof(full));
    } else {
        if (ngroups > 7)
            return false;
        int tail = ngroups - gap;
        memcpy(full, groups, (size_t)gap * sizeof(u16_t));
        memcpy(full + 8 - tail, groups + gap, (size_t)tail * sizeof(u16_t));
    }
    for (int i = 0; i < 4; i++)
        words[i] = lwip_htonl(((u32_t)full[2 * i] << 16) | full[2 * i + 1]);
    return true;
}

/* Parse into the address words only (no zone): both ip6_addr_t layouts. */
static int ip6_aton_words(const char *cp, u32_t *addr_words)
{
    u32_t w[4];
    if (cp == NULL || !parse_ip6(cp, w))
        return 0;
    if (addr_words != NULL)
        memcpy(addr_words, w, sizeof(w));
    return 1;
}

int ip6addr_aton(const char *cp, ip6_addr_t *addr)
{
    if (!ip6_aton_words(cp, addr != NULL ? addr->addr : NULL))
        return 0;
    if (addr != NULL)
        ip6_addr_clear_zone(addr);
    return 1;
}

/* For programs without zones (16-byte ip6_addr_t). */
int tern_ip6addr_aton_nozone(const char *cp, void *addr);

int tern_ip6addr_aton_nozone(const char *cp, void *addr)
{
    return ip6_aton_words(cp, (u32_t *)addr);
}

static const char hex_upper[] = "0123456789ABCDEF";

static size_t format_group(unsigned g, char *out)
{
    size_t n = 0;
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned d = (g >> shift) & 0xf;
        if (d != 0 || started || shift == 0) {
            out[n++] = hex_upper[d];
            started = true;
        }
    }
    return n;
}

/* lwIP's text of four network-order words; returns the length. */
static size_t format_ip6(const u32_t words[4], char *out)
{
    size_t n = 0;
    if (words[0] == 0 && words[1] == 0 && words[2] == PP_HTONL(0x0000ffffUL)) {
        static const char head[] = "::FFFF:";
        memcpy(out, head, sizeof(head) - 1);
        return sizeof(head) - 1 + format_ip4(words[3], out + sizeof(head) - 1);
    }
    unsigned g[8];
    for (int i = 0; i < 4; i++) {
        u32_t h = lwip_htonl(words[i]);
        g[2 * i] = (unsigned)(h >> 16);
        g[2 * i + 1] = (unsigned)(h & 0xffff);
    }
    /* The first run of at least two zero groups becomes "::". */
    int run = -1, run_end = -1;
    for (int i = 0; i < 7; i++) {
        if (g[i] == 0 && g[i + 1] == 0) {
            run = i;
            for (run_end = i; run_end < 8 && g[run_end] == 0; run_end++) {
            }
            break;
        }
    }
    for (int i = 0; i < 8; i++) {
        if (i == run) {
            out[n++] = ':';
            out[n++] = ':';
            i = run_end - 1;
            continue;
        }
        if (i > 0 && i != run_end)
            out[n++] = ':';
        n += format_group(g[i], out + n);
    }
    out[n] = '\0';
    return n;
}

char *ip6addr_ntoa_r(const ip6_addr_t *addr, char *buf, int buflen)
{
    char text[IP6ADDR_STRLEN_MAX];
    if (addr == NULL)
        return NULL;
    size_t len = format_ip6(addr->addr, text);
    return put(text, len, buf, buflen);
}

char *ip6addr_ntoa(const ip6_addr_t *addr)
{
    static _Thread_local char str[IP6ADDR_STRLEN_MAX];
    return ip6addr_ntoa_r(addr, str, IP6ADDR_STRLEN_MAX);
}

/* ---- either family ---- */

/* The ipaddr_* functions over the parts both ip_addr_t layouts share: the
 * words (IPv4 in the first), the zone byte if any, and the type byte. */
static char *ntoa_r_parts(const u32_t *words, u8_t type, char *buf, int buflen)
{
    char text[IPADDR_STRLEN_MAX];
    size_t len = type == IPADDR_TYPE_V6 ? format_ip6(words, text) : format_ip4(words[0], text);
    return put(text, len, buf, buflen);
}

/* 1 for IPv6 text (a ':' before any '.'), 0 for IPv4 text. */
static bool text_is_ip6(const char *cp)
{
    for (const char *c = cp; *c != '\0'; c++) {
        if (*c == ':')
            return true;
        if (*c == '.')
            return false;
    }
    return false;
}

/* Parse into words[4] and (when zone is not NULL) *zone, all cleared first;
 * with words NULL only validate.  *type is set from the text's family even
 * when parsing fails, as lwIP does. */
static int aton_parts(const char *cp, u32_t *words, u8_t *zone, u8_t *type)
{
    u32_t w[4] = {0, 0, 0, 0};
    bool ok;
    if (cp == NULL)
        return 0;
    bool v6 = text_is_ip6(cp);
    if (v6) {
        ok = parse_ip6(cp, w);
    } else {
        u32_t host;
        ok = parse_ip4(cp, &host);
        w[0] = ok ? lwip_htonl(host) : 0;
    }
    if (words == NULL)
        return ok;
    *type = v6 ? IPADDR_TYPE_V6 : IPADDR_TYPE_V4;
    if (ok) {
        memcpy(words, w, sizeof(w));
        if (zone != NULL)
            *zone = IP6_NO_ZONE;
    }
    return ok;
}

char *ipaddr_ntoa_r(const ip_addr_t *addr, char *buf, int buflen)
{
    if (addr == NULL)
        return NULL;
    return ntoa_r_parts(addr->u_addr.ip6.addr, addr->type, buf, buflen);
}

char *ipaddr_ntoa(const ip_addr_t *addr)
{
    if (addr == NULL)
        return NULL;
    return IP_IS_V6(addr) ? ip6addr_ntoa(ip_2_ip6(addr)) : ip4addr_ntoa(ip_2_ip4(addr));
}

int ipaddr_aton(const char *cp, ip_addr_t *addr)
{
    if (addr == NULL)
        return aton_parts(cp, NULL, NULL, NULL);
    return aton_parts(cp, addr->u_addr.ip6.addr, &addr->u_addr.ip6.zone, &addr->type);
}

char *tern_ipaddr_ntoa_r_nozone(const nozone_ip_addr_t *addr, char *buf, int buflen);
char *tern_ipaddr_ntoa_nozone(const nozone_ip_addr_t *addr);
int tern_ipaddr_aton_nozone(const char *cp, nozone_ip_addr_t *addr);

char *tern_ipaddr_ntoa_r_nozone(const nozone_ip_addr_t *addr, char *buf, int buflen)
{
    if (addr == NULL)
        return NULL;
    return ntoa_r_parts(addr->u_addr.ip6.addr, addr->type, buf, buflen);
}

char *tern_ipaddr_ntoa_nozone(const nozone_ip_addr_t *addr)
{
    static _Thread_local char str[IPADDR_STRLEN_MAX];
    return tern_ipaddr_ntoa_r_nozone(addr, str, IPADDR_STRLEN_MAX);
}

int tern_ipaddr_aton_nozone(const char *cp, nozone_ip_addr_t *addr)
{
    if (addr == NULL)
        return aton_parts(cp, NULL, NULL, NULL);
    return aton_parts(cp, addr->u_addr.ip6.addr, NULL, &addr->type);
}
