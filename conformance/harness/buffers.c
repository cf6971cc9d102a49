/* buffers.c: pbufs and payloads as an application would make them. */
#include "stack.h"

#include <stdlib.h>

struct pbuf *h_pbuf(const void *data, size_t n)
{
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_RAM);
    if (!p) {
        abort();
    }
    if (n) {
        pbuf_take(p, data, (u16_t)n);
    }
    return p;
}

void h_pattern(uint8_t *buf, size_t n, unsigned seed)
{
    uint32_t x = seed * 2654435761u + 1;
    size_t i;
    for (i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
}
