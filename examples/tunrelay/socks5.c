/* socks5.c: the client side of SOCKS5's CONNECT (RFC 1928, no
 * authentication): the request once the proxy chose "no authentication",
 * and the reply read byte-exactly so nothing past it is consumed. */
#include "relay.h"

int socks_send_request(conn *c)
{
    u8_t m[22];
    unsigned l = 0;
    m[l++] = 5;
    m[l++] = 1; /* CONNECT */
    m[l++] = 0;
    if (c->target.ss_family == AF_INET6) {
        m[l++] = 4;
        memcpy(m + l, &((struct sockaddr_in6 *)&c->target)->sin6_addr, 16);
        l += 16;
    } else {
        m[l++] = 1;
        memcpy(m + l, &((struct sockaddr_in *)&c->target)->sin_addr, 4);
        l += 4;
    }
    u16_t port = htons(get_port(&c->target));
    memcpy(m + l, &port, 2);
    l += 2;
    return send(c->fd, m, l, MSG_NOSIGNAL) == (ssize_t)l ? 0 : -1;
}

/* Reads SOCKS5 handshake bytes without reading past the reply.  1: done,
 * 0: need more, -1: failure. */
int socks_read(conn *c)
{
    for (;;) {
        ssize_t n = read(c->fd, c->sbuf + c->slen, c->sneed - c->slen);
        if (n < 0)
            return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
        if (n == 0)
            return -1;
        c->slen += (unsigned)n;
        if (c->state == C_SOCKS_REPLY && c->slen == 5 && c->sneed == 5) {
            if (c->sbuf[0] != 5 || c->sbuf[1] != 0)
                return -1;
            switch (c->sbuf[3]) {
            case 1: c->sneed = 4 + 4 + 2; break;
            case 4: c->sneed = 4 + 16 + 2; break;
            case 3: c->sneed = 4 + 1 + c->sbuf[4] + 2; break;
            default: return -1;
            }
        }
        if (c->slen == c->sneed)
            return 1;
    }
}
