/* addr.c: converting between text and ip_addr_t without the stack's own
 * conversion functions (those are tested in scenarios/addr.c). */
#include "stack.h"

#include <arpa/inet.h>
#include <string.h>

ip_addr_t h_ip(const char *text)
{
    pkt_addr w = pkt_addr_of(text);
    ip_addr_t a;
    memset(&a, 0, sizeof(a));
    if (w.v == 4) {
        IP_ADDR4(&a, w.a[0], w.a[1], w.a[2], w.a[3]);
    } else {
        u32_t words[4];
        memcpy(words, w.a, 16); /* ip6_addr_t words are in network order */
        IP_ADDR6(&a, words[0], words[1], words[2], words[3]);
    }
    return a;
}

const char *h_ipstr(const ip_addr_t *a, char *buf)
{
    uint8_t bytes[16];
    if (!a) {
        strcpy(buf, "NULL");
    } else if (IP_IS_ANY_TYPE_VAL(*a)) {
        strcpy(buf, "*");
    } else if (IP_IS_V6(a)) {
        memcpy(bytes, ip_2_ip6(a)->addr, 16);
        inet_ntop(AF_INET6, bytes, buf, 48);
    } else {
        memcpy(bytes, &ip_2_ip4(a)->addr, 4);
        inet_ntop(AF_INET, bytes, buf, 48);
    }
    return buf;
}

int h_ip_is(const ip_addr_t *a, const char *text)
{
    char buf[48];
    pkt_addr w = pkt_addr_of(text), got;
    h_ipstr(a, buf);
    return pkt_addr_parse(buf, &got) && pkt_addr_eq(&w, &got);
}
