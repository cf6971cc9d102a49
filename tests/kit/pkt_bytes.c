/* bytes.c: addresses, network-order access and the Internet checksum. */
#include "pkt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pkt_addr_parse(const char *text, pkt_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, text, out->a) == 1) {
        out->v = 4;
        return 1;
    }
    if (inet_pton(AF_INET6, text, out->a) == 1) {
        out->v = 6;
        return 1;
    }
    return 0;
}

pkt_addr pkt_addr_of(const char *text)
{
    pkt_addr a;
    if (!pkt_addr_parse(text, &a)) {
        fprintf(stderr, "harness bug: bad address literal '%s'\n", text);
        abort();
    }
    return a;
}

const char *pkt_addr_str(const pkt_addr *a, char *buf)
{
    if (!inet_ntop(a->v == 4 ? AF_INET : AF_INET6, a->a, buf, 48)) {
        strcpy(buf, "?");
    }
    return buf;
}

int pkt_addr_eq(const pkt_addr *a, const pkt_addr *b)
{
    return a->v == b->v && memcmp(a->a, b->a, a->v == 4 ? 4 : 16) == 0;
}

uint16_t pkt_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

const uint8_t *pkt_ip4_tcp(const uint8_t *p, size_t n, size_t *seg_len)
{
    if (n < 40 || (p[0] >> 4) != 4 || p[9] != 6)
        return NULL;
    size_t ihl = (p[0] & 15u) * 4u, tot = pkt_get16(p + 2);
    if (ihl < 20 || tot > n || ihl + 20 > tot)
        return NULL;
    if (seg_len)
        *seg_len = tot - ihl;
    return p + ihl;
}

uint32_t pkt_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void pkt_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void pkt_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Byte-wise on purpose: no alignment or endianness assumptions, and a
 * different algorithm from the stacks' word-at-a-time implementations. */
uint32_t pkt_sum(const void *data, size_t len, uint32_t acc)
{
    const uint8_t *p = data;
    uint64_t sum = acc;
    size_t i;
    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    }
    if (len & 1) {
        sum += (uint32_t)p[len - 1] << 8;
    }
    while (sum >> 32) {
        sum = (sum & 0xffffffffu) + (sum >> 32);
    }
    return (uint32_t)sum;
}

uint16_t pkt_fold(uint32_t acc)
{
    while (acc >> 16) {
        acc = (acc & 0xffffu) + (acc >> 16);
    }
    return (uint16_t)~acc;
}

uint32_t pkt_pseudo(const pkt_addr *src, const pkt_addr *dst, uint8_t proto, uint32_t len)
{
    uint32_t acc = 0;
    size_t alen = src->v == 4 ? 4 : 16;
    acc = pkt_sum(src->a, alen, acc);
    acc = pkt_sum(dst->a, alen, acc);
    acc += proto;
    acc += len >> 16;
    acc += len & 0xffffu;
    return acc;
}

uint32_t pkt_fnv(const void *data, size_t n)
{
    const uint8_t *p = data;
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}
