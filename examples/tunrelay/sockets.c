/* sockets.c: kernel sockets and addresses (tunrelay). */
#include "relay.h"

/* ------------------------------------------------------------------ */
/* address helpers                                                     */

socklen_t ip_to_sockaddr(const ip_addr_t *ip, u16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (IP_IS_V6(ip)) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        memcpy(&s6->sin6_addr, ip_2_ip6(ip)->addr, 16);
        return sizeof(*s6);
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons(port);
    s4->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(ip));
    return sizeof(*s4);
}

static void set_port(struct sockaddr_storage *ss, u16_t port)
{
    if (ss->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)ss)->sin_port = htons(port);
}

u16_t get_port(const struct sockaddr_storage *ss)
{
    return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
                                           : ((const struct sockaddr_in *)ss)->sin_port);
}

/* The kernel-side destination of a flow whose original destination is ip:port. */
socklen_t flow_target(const ip_addr_t *ip, u16_t port, struct sockaddr_storage *ss)
{
    if (cfg.have_upstream) {
        *ss = cfg.upstream;
        set_port(ss, cfg.upstream_port ? cfg.upstream_port : port);
        return cfg.upstream_len;
    }
    return ip_to_sockaddr(ip, port, ss);
}

int new_socket(int family, int type)
{
    int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (cfg.mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &cfg.mark, sizeof(cfg.mark)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    ctr.fds_open++;
    return fd;
}

void close_socket(int fd, int rst)
{
    if (rst) {
        struct linger l = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    close(fd);
    ctr.fds_open--;
}
