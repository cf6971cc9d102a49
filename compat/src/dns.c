/* compat/src/dns.c: lwIP's DNS resolver API: A/AAAA queries over UDP
 * (RFC 1035), a small answer cache honouring TTLs, a static host list.
 * Retries run on the stack's timer heap (sys_timeout), so they happen from
 * sys_check_timeouts or, in LWIP_TIMERS 0 programs, from dns_tmr. */
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "lwip/dns.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#define MAX_PENDING 8
#define MAX_CACHE 16
#define RETRY_MS 1000
#define MAX_TRIES 4 /* per server */

const ip_addr_t dns_mquery_v4group = DNS_MQUERY_IPV4_GROUP_INIT;
const ip_addr_t dns_mquery_v6group = DNS_MQUERY_IPV6_GROUP_INIT;

typedef struct {
    bool used;
    char name[TERN_DNS_MAX_NAME_LENGTH + 1];
    dns_found_callback found;
    void *arg;
    u8_t addrtype;  /* what the caller asked for */
    bool want_v6;   /* the family being asked now */
    bool fell_back; /* the second family of a *_IPV4_IPV6 request */
    u16_t id;
    u8_t server;
    u8_t tries;
} pending_query;

typedef struct {
    char name[TERN_DNS_MAX_NAME_LENGTH + 1];
    ip_addr_t addr;
    u32_t expires; /* sys_now() value */
    bool used;
} cache_entry;

typedef struct host_entry {
    struct host_entry *next;
    ip_addr_t addr;
    char name[];
} host_entry;

/* The resolver's state (process-wide or per thread: compat.h).  pcb_stack
 * is the stack pcb belongs to (lwip_init makes a new one). */
TERN_COMPAT_VAR(ip_addr_t, servers, [TERN_DNS_MAX_SERVERS]);
#define servers TERN_COMPAT_USE(servers)
TERN_COMPAT_VAR(pending_query, pending, [MAX_PENDING]);
#define pending TERN_COMPAT_USE(pending)
TERN_COMPAT_VAR(cache_entry, cache, [MAX_CACHE]);
#define cache TERN_COMPAT_USE(cache)
TERN_COMPAT_VAR(host_entry *, hosts);
#define hosts TERN_COMPAT_USE(hosts)
TERN_COMPAT_VAR(struct udp_pcb *, pcb);
#define pcb TERN_COMPAT_USE(pcb)
TERN_COMPAT_VAR(tern_stack *, pcb_stack);
#define pcb_stack TERN_COMPAT_USE(pcb_stack)
TERN_COMPAT_VAR(bool, timer_armed);
#define timer_armed TERN_COMPAT_USE(timer_armed)
TERN_COMPAT_VAR(u16_t, next_id);
#define next_id TERN_COMPAT_USE(next_id)

static void retry_timer(void *arg);

void dns_setserver(u8_t numdns, const ip_addr_t *dnsserver)
{
    if (numdns >= TERN_DNS_MAX_SERVERS)
        return;
    if (dnsserver)
        ip_addr_copy(servers[numdns], *dnsserver);
    else
        ip_addr_set_zero(&servers[numdns]);
}

const ip_addr_t *dns_getserver(u8_t numdns)
{
    return numdns < TERN_DNS_MAX_SERVERS ? &servers[numdns] : IP4_ADDR_ANY;
}

void dns_tmr(void) { sys_check_timeouts(); }

static bool name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return *a == *b;
}

static bool family_ok(const ip_addr_t *a, u8_t addrtype)
{
    if (addrtype == LWIP_DNS_ADDRTYPE_IPV4)
        return IP_IS_V4(a);
    if (addrtype == LWIP_DNS_ADDRTYPE_IPV6)
        return IP_IS_V6(a);
    return true;
}

err_t dns_local_addhost(const char *hostname, const ip_addr_t *addr)
{
    if (!hostname || !addr || strlen(hostname) > TERN_DNS_MAX_NAME_LENGTH)
        return ERR_ARG;
    size_t n = strlen(hostname) + 1;
    host_entry *e = malloc(sizeof(*e) + n);
    if (!e)
        return ERR_MEM;
    memcpy(e->name, hostname, n);
    ip_addr_copy(e->addr, *addr);
    e->next = hosts;
    hosts = e;
    return ERR_OK;
}

int dns_local_removehost(const char *hostname, const ip_addr_t *addr)
{
    int removed = 0;
    for (host_entry **pp = &hosts; *pp;) {
        host_entry *e = *pp;
        if ((!hostname || name_eq(e->name, hostname)) && (!addr || ip_addr_cmp(&e->addr, addr))) {
            *pp = e->next;
            free(e);
            removed++;
        } else {
            pp = &e->next;
        }
    }
    return removed;
}

err_t dns_local_lookup(const char *hostname, ip_addr_t *addr, u8_t dns_addrtype)
{
    if (!hostname || !addr)
        return ERR_ARG;
    for (host_entry *e = hosts; e; e = e->next) {
        if (name_eq(e->name, hostname) && family_ok(&e->addr, dns_addrtype)) {
            ip_addr_copy(*addr, e->addr);
            return ERR_OK;
        }
    }
    return ERR_ARG;
}

size_t dns_local_iterate(dns_found_callback iterator_fn, void *iterator_arg)
{
    size_t n = 0;
    for (host_entry *e = hosts; e; e = e->next, n++)
        if (iterator_fn)
            iterator_fn(e->name, &e->addr, iterator_arg);
    return n;
}

static bool cache_lookup(const char *name, ip_addr_t *addr, u8_t addrtype)
{
    u32_t now = sys_now();
    for (int i = 0; i < MAX_CACHE; i++) {
        cache_entry *c = &cache[i];
        if (!c->used)
            continue;
        if ((s32_t)(c->expires - now) <= 0) {
            c->used = false;
            continue;
        }
        if (name_eq(c->name, name) && family_ok(&c->addr, addrtype)) {
            ip_addr_copy(*addr, c->addr);
            return true;
        }
    }
    return false;
}

static void cache_store(const char *name, const ip_addr_t *addr, u32_t ttl_s)
{
    int slot = 0;
    u32_t now = sys_now();
    for (int i = 0; i < MAX_CACHE; i++) {
        if (!cache[i].used) {
            slot = i;
            break;
        }
        if ((s32_t)(cache[i].expires - cache[slot].expires) < 0)
            slot = i; /* evict the one expiring first */
    }
    if (ttl_s > 7 * 24 * 3600)
        ttl_s = 7 * 24 * 3600; /* RFC 2181 8: cap absurd TTLs */
    cache_entry *c = &cache[slot];
    strcpy(c->name, name);
    ip_addr_copy(c->addr, *addr);
    c->expires = now + ttl_s * 1000;
    c->used = true;
}

/* QNAME from a dotted name (RFC 1035 3.1): false for an empty label or
 * one longer than 63 bytes. */
static int encode_name(u8_t *out, size_t room, const char *name)
{
    size_t o = 0;
    const char *label = name;
    for (;;) {
        const char *dot = strchr(label, '.');
        size_t len = dot ? (size_t)(dot - label) : strlen(label);
        if (len == 0 && !dot && o > 0)
            break; /* trailing dot */
        if (len == 0 || len > 63 || o + 1 + len + 1 > room)
            return -1;
        out[o++] = (u8_t)len;
        memcpy(out + o, label, len);
        o += len;
        if (!dot)
            break;
        label = dot + 1;
    }
    out[o++] = 0;
    return (int)o;
}

static bool have_server(void)
{
    for (int i = 0; i < TERN_DNS_MAX_SERVERS; i++)
        if (!ip_addr_isany(&servers[i]))
            return true;
    return false;
}

static int next_server(int from)
{
    for (int i = from; i < TERN_DNS_MAX_SERVERS; i++)
        if (!ip_addr_isany(&servers[i]))
            return i;
    return -1;
}

static void on_response(void *arg, struct udp_pcb *upcb, struct pbuf *p, const ip_addr_t *addr, u16_t port);

static bool ensure_pcb(void)
{
    if (pcb && pcb_stack == tern__compat_stack)
        return true;
    if (pcb_stack != tern__compat_stack) {
        /* lwip_init made a new stack: its pcbs and timeouts are gone. */
        memset(pending, 0, sizeof(pending));
        timer_armed = false;
        next_id = (u16_t)(sys_now() * 2654435761u >> 16); /* unpredictable-ish ids (RFC 5452 9.2) */
    }
    pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
    pcb_stack = tern__compat_stack;
    if (!pcb)
        return false;
    udp_bind(pcb, IP_ANY_TYPE, 0);
    udp_recv(pcb, on_response, NULL);
    return true;
}

static void send_query(pending_query *q)
{
    u8_t buf[SIZEOF_DNS_HDR + TERN_DNS_MAX_NAME_LENGTH + 2 + 4];
    memset(buf, 0, SIZEOF_DNS_HDR);
    buf[0] = (u8_t)(q->id >> 8);
    buf[1] = (u8_t)q->id;
    buf[2] = DNS_FLAG1_RD;
    buf[5] = 1; /* one question */
    int n = encode_name(buf + SIZEOF_DNS_HDR, sizeof(buf) - SIZEOF_DNS_HDR - 4, q->name);
    if (n < 0)
        return;
    size_t o = SIZEOF_DNS_HDR + (size_t)n;
    u16_t type = q->want_v6 ? DNS_RRTYPE_AAAA : DNS_RRTYPE_A;
    buf[o++] = (u8_t)(type >> 8);
    buf[o++] = (u8_t)type;
    buf[o++] = 0;
    buf[o++] = DNS_RRCLASS_IN;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)o, PBUF_RAM);
    if (!p)
        return; /* the retry timer tries again */
    pbuf_take(p, buf, (u16_t)o);
    udp_sendto(pcb, p, &servers[q->server], DNS_SERVER_PORT);
    pbuf_free(p);
}

static void arm_timer(void)
{
    if (!timer_armed) {
        sys_timeout(RETRY_MS, retry_timer, NULL);
        timer_armed = true;
    }
}

static void finish(pending_query *q, const ip_addr_t *addr)
{
    q->used = false;
    if (q->found)
        q->found(q->name, addr, q->arg);
}

/* The first family failed: ask for the other one, or give up. */
static void fail(pending_query *q)
{
    if (!q->fell_back &&
        (q->addrtype == LWIP_DNS_ADDRTYPE_IPV4_IPV6 || q->addrtype == LWIP_DNS_ADDRTYPE_IPV6_IPV4)) {
        q->fell_back = true;
        q->want_v6 = !q->want_v6;
        q->tries = 0;
        q->server = (u8_t)next_server(0);
        q->id = next_id++;
        send_query(q);
        arm_timer();
        return;
    }
    finish(q, NULL);
}

static void retry_timer(void *arg)
{
    (void)arg;
    timer_armed = false;
    bool any = false;
    for (int i = 0; i < MAX_PENDING; i++) {
        pending_query *q = &pending[i];
        if (!q->used)
            continue;
        if (++q->tries >= MAX_TRIES) {
            int s = next_server(q->server + 1);
            if (s < 0) {
                fail(q);
                any = any || q->used;
                continue;
            }
            q->server = (u8_t)s;
            q->tries = 0;
        }
        if (!ensure_pcb()) {
            finish(q, NULL);
            continue;
        }
        send_query(q);
        any = true;
    }
    if (any)
        arm_timer();
}

static u16_t rd16(const u8_t *b) { return (u16_t)(b[0] << 8 | b[1]); }

/* Skips a (possibly compressed) name; the offset after it, or -1. */
static int skip_name(const u8_t *m, int len, int o)
{
    while (o < len) {
        u8_t l = m[o];
        if (l == 0)
            return o + 1;
        if ((l & 0xc0) == 0xc0)
            return o + 2 <= len ? o + 2 : -1;
        if (l & 0xc0)
            return -1;
        o += 1 + l;
    }
    return -1;
}

static void on_response(void *arg, struct udp_pcb *upcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    (void)arg, (void)upcb;
    u8_t m[512]; /* RFC 1035 4.2.1: UDP messages are at most 512 bytes */
    int len = p->tot_len > sizeof(m) ? (int)sizeof(m) : p->tot_len;
    pbuf_copy_partial(p, m, (u16_t)len, 0);
    pbuf_free(p);
    if (len < SIZEOF_DNS_HDR || port != DNS_SERVER_PORT || !(m[2] & DNS_FLAG1_RESPONSE))
        return;
    u16_t id = rd16(m);
    pending_query *q = NULL;
    for (int i = 0; i < MAX_PENDING; i++)
        if (pending[i].used && pending[i].id == id && ip_addr_cmp(addr, &servers[pending[i].server]))
            q = &pending[i];
    if (!q)
        return; /* not an answer to anything we asked (RFC 5452 9.1) */
    if ((m[3] & DNS_FLAG2_ERR_MASK) != DNS_FLAG2_ERR_NONE) {
        fail(q);
        return;
    }
    int o = SIZEOF_DNS_HDR;
    for (u16_t i = 0, n = rd16(m + 4); i < n; i++) {
        o = skip_name(m, len, o);
        if (o < 0 || o + 4 > len)
            return;
        o += 4;
    }
    u16_t want = q->want_v6 ? DNS_RRTYPE_AAAA : DNS_RRTYPE_A;
    for (u16_t i = 0, n = rd16(m + 6); i < n; i++) {
        o = skip_name(m, len, o);
        if (o < 0 || o + 10 > len)
            return;
        u16_t type = rd16(m + o), cls = rd16(m + o + 2), rdlen = rd16(m + o + 8);
        u32_t ttl = (u32_t)rd16(m + o + 4) << 16 | rd16(m + o + 6);
        o += 10;
        if (o + rdlen > len)
            return;
        if (type == want && cls == DNS_RRCLASS_IN && rdlen == (want == DNS_RRTYPE_A ? 4 : 16)) {
            ip_addr_t a;
            if (want == DNS_RRTYPE_A) {
                u32_t v;
                memcpy(&v, m + o, 4);
                ip_addr_set_ip4_u32_val(a, v);
            } else {
#if LWIP_IPV6
                ip6_addr_t a6;
                memcpy(a6.addr, m + o, 16);
                ip6_addr_clear_zone(&a6);
                ip_addr_copy_from_ip6(a, a6);
#else
                o += rdlen;
                continue;
#endif
            }
            cache_store(q->name, &a, ttl);
            finish(q, &a);
            return;
        }
        o += rdlen;
    }
    fail(q); /* no address of the family asked for (e.g. only a CNAME) */
}

err_t dns_gethostbyname_addrtype(const char *hostname, ip_addr_t *addr, dns_found_callback found,
                                 void *callback_arg, u8_t dns_addrtype)
{
    if (!hostname || !hostname[0] || !addr || strlen(hostname) > TERN_DNS_MAX_NAME_LENGTH ||
        dns_addrtype > LWIP_DNS_ADDRTYPE_IPV6_IPV4)
        return ERR_ARG;
    if (ipaddr_aton(hostname, addr) && family_ok(addr, dns_addrtype))
        return ERR_OK;
    if (dns_local_lookup(hostname, addr, dns_addrtype) == ERR_OK || cache_lookup(hostname, addr, dns_addrtype))
        return ERR_OK;
    u8_t scratch[TERN_DNS_MAX_NAME_LENGTH + 2];
    if (!have_server() || encode_name(scratch, sizeof(scratch), hostname) < 0 || !tern__compat_stack)
        return ERR_ARG;
    if (!ensure_pcb())
        return ERR_MEM;
    pending_query *q = NULL;
    for (int i = 0; i < MAX_PENDING && !q; i++)
        if (!pending[i].used)
            q = &pending[i];
    if (!q)
        return ERR_MEM;
    memset(q, 0, sizeof(*q));
    q->used = true;
    strcpy(q->name, hostname);
    q->found = found;
    q->arg = callback_arg;
    q->addrtype = dns_addrtype;
    q->want_v6 = dns_addrtype == LWIP_DNS_ADDRTYPE_IPV6 || dns_addrtype == LWIP_DNS_ADDRTYPE_IPV6_IPV4;
    q->server = (u8_t)next_server(0);
    q->id = next_id++;
    send_query(q);
    arm_timer();
    return ERR_INPROGRESS;
}

err_t dns_gethostbyname(const char *hostname, ip_addr_t *addr, dns_found_callback found, void *callback_arg)
{
    return dns_gethostbyname_addrtype(hostname, addr, found, callback_arg, LWIP_DNS_ADDRTYPE_DEFAULT);
}
