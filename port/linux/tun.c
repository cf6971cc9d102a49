/* port/linux/tun.c: Linux TUN devices (see port/tun.h).
 *
 * Plain ioctls only (no netlink): TUNSETIFF for the device, SIOCSIF* on an
 * AF_INET socket for the IPv4 address, peer, MTU and flags, and SIOCSIFADDR
 * with a struct in6_ifreq on an AF_INET6 socket for the IPv6 address. */
#define _GNU_SOURCE
#include "port/tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <endian.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Older uapi headers lack UDP segmentation offload (Linux 6.2). */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

struct tern_tun {
    char name[IFNAMSIZ];
    unsigned nqueues;
    int fds[TERN_TUN_MAX_QUEUES];
    unsigned mtu;
    uint32_t flags;
    int uso; /* the kernel took TUN_F_USO4|TUN_F_USO6 */
    tern_tun_stats st[TERN_TUN_MAX_QUEUES]; /* per queue: queues may be served by different threads */
};

static __thread char last_error[320];

const char *tern_tun_last_error(void) { return last_error[0] ? last_error : "no error"; }

__attribute__((format(printf, 2, 3))) static int fail(int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
    return -err;
}

#define KNOWN_FLAGS \
    (TERN_TUN_F_ATTACH_ONLY | TERN_TUN_F_NO_CONFIG | TERN_TUN_F_PERSIST | TERN_TUN_F_VNET_HDR | TERN_TUN_F_MULTI_QUEUE | \
     TERN_TUN_F_USO)

static int open_queue(const tern_tun_options *opt, char *name, int multi, int *uso, int *fd_out)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENODEV || e == ENXIO)
            return fail(e, "cannot open /dev/net/tun (%s): the TUN driver is missing; load it with "
                           "'modprobe tun', or in a container pass the device (e.g. --device /dev/net/tun)",
                        strerror(e));
        if (e == EACCES || e == EPERM)
            return fail(e, "cannot open /dev/net/tun (%s): no permission on the device node", strerror(e));
        return fail(e, "cannot open /dev/net/tun: %s", strerror(e));
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    if (opt->flags & TERN_TUN_F_VNET_HDR)
        ifr.ifr_flags |= IFF_VNET_HDR;
    if (multi)
        ifr.ifr_flags |= IFF_MULTI_QUEUE;
    if (name[0])
        memcpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        const char *n = name[0] ? name : "(new)";
        switch (e) {
        case EPERM:
        case EACCES:
            return fail(e, "TUNSETIFF %s: %s: creating a TUN device needs CAP_NET_ADMIN (run as root or "
                           "grant the capability), attaching needs a persistent device owned by this user/group",
                        n, strerror(e));
        case EBUSY:
            return fail(e, "TUNSETIFF %s: %s: the device is busy: another process holds it (a single-queue "
                           "device takes one fd), or its multi-queue setting differs",
                        n, strerror(e));
        case EINVAL:
            return fail(e, "TUNSETIFF %s: %s: a device of that name exists with other flags (TAP instead "
                           "of TUN, packet information, vnet header or multi-queue) or the name is invalid",
                        n, strerror(e));
        default:
            return fail(e, "TUNSETIFF %s: %s", n, strerror(e));
        }
    }
    if (!name[0])
        memcpy(name, ifr.ifr_name, IFNAMSIZ);
    name[IFNAMSIZ - 1] = 0;
    if (opt->flags & TERN_TUN_F_VNET_HDR) {
        /* Every packet is preceded by a struct virtio_net_hdr; the kernel
         * may then hand us TCP packets up to 64 KiB (TSO) with partial
         * checksums, and takes the same from us. */
        int hsz = (int)sizeof(struct virtio_net_hdr);
        if (ioctl(fd, TUNSETVNETHDRSZ, &hsz) < 0) {
            int e = errno;
            close(fd);
            return fail(e, "TUNSETVNETHDRSZ on %s: %s", name, strerror(e));
        }
        unsigned long base = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
        /* USO first when asked for; a kernel before 6.2 answers EINVAL to
         * the unknown bits, and the device then runs with TSO only. */
        if (*uso && ioctl(fd, TUNSETOFFLOAD, base | TUN_F_USO4 | TUN_F_USO6) < 0)
            *uso = 0;
        if (!*uso && ioctl(fd, TUNSETOFFLOAD, base) < 0) {
            int e = errno;
            close(fd);
            return fail(e, "TUNSETOFFLOAD on %s: %s: the kernel refuses checksum/TSO offloads on TUN", name,
                        strerror(e));
        }
    }
    *fd_out = fd;
    return 0;
}

static int ifreq_ioctl(int sock, unsigned long req, struct ifreq *ifr, const char *what)
{
    if (ioctl(sock, req, ifr) < 0) {
        int e = errno;
        return fail(e, "%s on %s: %s%s", what, ifr->ifr_name, strerror(e),
                    (e == EPERM || e == EACCES) ? " (configuring an interface needs CAP_NET_ADMIN)" : "");
    }
    return 0;
}

static void set_sin(struct sockaddr *sa, const uint8_t a[4])
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    memcpy(&sin.sin_addr, a, 4);
    memcpy(sa, &sin, sizeof(sin));
}

/* The kernel's struct in6_ifreq (linux/ipv6.h clashes with netinet/in.h). */
struct tern_in6_ifreq {
    struct in6_addr addr;
    uint32_t prefixlen;
    int ifindex;
};

static int configure(tern_tun *t, const tern_tun_options *opt)
{
    int r = 0;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return fail(errno, "socket(AF_INET): %s", strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, t->name, IFNAMSIZ);

    if (opt->mtu) {
        ifr.ifr_mtu = (int)opt->mtu;
        if ((r = ifreq_ioctl(s, SIOCSIFMTU, &ifr, "setting the MTU")) < 0)
            goto out;
    }
    if (opt->txqueuelen) {
        ifr.ifr_qlen = (int)opt->txqueuelen;
        if ((r = ifreq_ioctl(s, SIOCSIFTXQLEN, &ifr, "setting the queue length")) < 0)
            goto out;
    }
    if (opt->addr4_set) {
        set_sin(&ifr.ifr_addr, opt->addr4);
        if ((r = ifreq_ioctl(s, SIOCSIFADDR, &ifr, "setting the IPv4 address")) < 0)
            goto out;
        uint8_t mask[4] = {0};
        unsigned pl = opt->prefix4 > 32 ? 32 : opt->prefix4;
        for (unsigned i = 0; i < pl; i++)
            mask[i / 8] |= (uint8_t)(0x80u >> (i % 8));
        set_sin(&ifr.ifr_netmask, mask);
        if ((r = ifreq_ioctl(s, SIOCSIFNETMASK, &ifr, "setting the IPv4 netmask")) < 0)
            goto out;
    }
    if (opt->peer4_set) {
        set_sin(&ifr.ifr_dstaddr, opt->peer4);
        if ((r = ifreq_ioctl(s, SIOCSIFDSTADDR, &ifr, "setting the IPv4 peer address")) < 0)
            goto out;
    }
    if (opt->up) {
        if ((r = ifreq_ioctl(s, SIOCGIFFLAGS, &ifr, "reading the interface flags")) < 0)
            goto out;
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if ((r = ifreq_ioctl(s, SIOCSIFFLAGS, &ifr, "bringing the interface up")) < 0)
            goto out;
    }
    if (opt->addr6_set) {
        int s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s6 < 0) {
            r = fail(errno, "socket(AF_INET6): %s (is IPv6 disabled?)", strerror(errno));
            goto out;
        }
        if ((r = ifreq_ioctl(s, SIOCGIFINDEX, &ifr, "reading the interface index")) < 0) {
            close(s6);
            goto out;
        }
        struct tern_in6_ifreq r6;
        memset(&r6, 0, sizeof(r6));
        memcpy(&r6.addr, opt->addr6, 16);
        r6.prefixlen = opt->prefix6 > 128 ? 128 : opt->prefix6;
        r6.ifindex = ifr.ifr_ifindex;
        if (ioctl(s6, SIOCSIFADDR, &r6) < 0 && errno != EEXIST) {
            int e = errno;
            r = fail(e, "setting the IPv6 address on %s: %s%s", t->name, strerror(e),
                     e == EACCES ? " (IPv6 disabled on the interface? see net.ipv6.conf.*.disable_ipv6)" : "");
            close(s6);
            goto out;
        }
        close(s6);
    }
out:
    if (r == 0) {
        memset(&ifr, 0, sizeof(ifr));
        memcpy(ifr.ifr_name, t->name, IFNAMSIZ);
        if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
            t->mtu = (unsigned)ifr.ifr_mtu;
    }
    close(s);
    return r;
}

int tern_tun_open(const tern_tun_options *opt, tern_tun **out)
{
    last_error[0] = 0;
    if (!opt || !out)
        return fail(EINVAL, "tern_tun_open: NULL argument");
    *out = NULL;
    if (opt->flags & ~KNOWN_FLAGS)
        return fail(EINVAL, "tern_tun_open: unknown flags 0x%x", opt->flags & ~KNOWN_FLAGS);
    unsigned nq = opt->queues ? opt->queues : 1;
    if (nq > TERN_TUN_MAX_QUEUES)
        return fail(EINVAL, "tern_tun_open: %u queues (at most %d)", nq, TERN_TUN_MAX_QUEUES);
    int multi = nq > 1 || (opt->flags & TERN_TUN_F_MULTI_QUEUE);
    if (opt->name && strlen(opt->name) >= IFNAMSIZ)
        return fail(EINVAL, "tern_tun_open: device name '%s' longer than %d characters", opt->name, IFNAMSIZ - 1);
    if (opt->name && (opt->flags & TERN_TUN_F_ATTACH_ONLY) && !if_nametoindex(opt->name))
        return fail(ENODEV, "tern_tun_open: no device named '%s' to attach to", opt->name);

    tern_tun *t = calloc(1, sizeof(*t));
    if (!t)
        return fail(ENOMEM, "tern_tun_open: out of memory");
    t->flags = opt->flags;
    t->mtu = 1500;
    for (unsigned i = 0; i < TERN_TUN_MAX_QUEUES; i++)
        t->fds[i] = -1;
    if (opt->name)
        memcpy(t->name, opt->name, strlen(opt->name) + 1);
    int r = 0;
    t->uso = (opt->flags & TERN_TUN_F_VNET_HDR) && (opt->flags & TERN_TUN_F_USO);
    for (unsigned q = 0; q < nq; q++) {
        if ((r = open_queue(opt, t->name, multi, &t->uso, &t->fds[q])) < 0)
            goto err;
        t->nqueues = q + 1;
    }
    if (opt->flags & TERN_TUN_F_PERSIST) {
        if (ioctl(t->fds[0], TUNSETPERSIST, 1) < 0) {
            r = fail(errno, "TUNSETPERSIST on %s: %s", t->name, strerror(errno));
            goto err;
        }
    }
    if (!(opt->flags & TERN_TUN_F_NO_CONFIG)) {
        if ((r = configure(t, opt)) < 0)
            goto err;
    } else {
        int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s >= 0) {
            struct ifreq ifr;
            memset(&ifr, 0, sizeof(ifr));
            memcpy(ifr.ifr_name, t->name, IFNAMSIZ);
            if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
                t->mtu = (unsigned)ifr.ifr_mtu;
            close(s);
        }
    }
    *out = t;
    return 0;
err:
    tern_tun_close(t);
    return r;
}

void tern_tun_close(tern_tun *t)
{
    if (!t)
        return;
    for (unsigned q = 0; q < TERN_TUN_MAX_QUEUES; q++)
        if (t->fds[q] >= 0)
            close(t->fds[q]);
    free(t);
}

const char *tern_tun_name(const tern_tun *t) { return t->name; }
unsigned tern_tun_queues(const tern_tun *t) { return t->nqueues; }
int tern_tun_fd(const tern_tun *t, unsigned queue) { return queue < t->nqueues ? t->fds[queue] : -1; }
unsigned tern_tun_mtu(const tern_tun *t) { return t->mtu; }
int tern_tun_has_uso(const tern_tun *t) { return t->uso; }

int tern_tun_read_batch(tern_tun *t, unsigned queue, tern_tun_packet *pkts, int n)
{
    if (queue >= t->nqueues)
        return -EINVAL;
    int fd = t->fds[queue];
    int got = 0;
    while (got < n) {
        tern_tun_packet *pk = &pkts[got];
        struct virtio_net_hdr vh;
        ssize_t r;
        if (t->flags & TERN_TUN_F_VNET_HDR) {
            struct iovec v[2] = {{&vh, sizeof(vh)}, {pk->data, pk->cap}};
            r = readv(fd, v, 2);
            if (r >= 0 && (size_t)r < sizeof(vh)) {
                t->st[queue].rx_truncated++;
                continue;
            }
            if (r >= 0)
                r -= (ssize_t)sizeof(vh);
        } else {
            r = read(fd, pk->data, pk->cap);
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            t->st[queue].rx_errors++;
            if (got)
                break;
            return fail(errno, "reading %s: %s", t->name, strerror(errno));
        }
        if (r == 0) {
            t->st[queue].rx_truncated++;
            continue;
        }
        pk->len = (size_t)r;
        memset(&pk->meta, 0, sizeof(pk->meta));
        if (t->flags & TERN_TUN_F_VNET_HDR) {
            /* A packet longer than cap is cut short by readv: the IP
             * length field then disagrees and the stack drops it. */
            pk->meta.flags = vh.flags;
            pk->meta.gso_type = vh.gso_type;
            pk->meta.gso_size = le16toh(vh.gso_size);
            pk->meta.csum_start = le16toh(vh.csum_start);
            pk->meta.csum_offset = le16toh(vh.csum_offset);
        }
        t->st[queue].rx_packets++;
        t->st[queue].rx_bytes += (uint64_t)r;
        got++;
    }
    return got;
}

ssize_t tern_tun_write(tern_tun *t, unsigned queue, const struct iovec *iov, int iovcnt, const tern_tun_meta *meta)
{
    if (queue >= t->nqueues || iovcnt < 1 || iovcnt > TERN_TUN_MAX_IOV)
        return -EINVAL;
    struct iovec v[TERN_TUN_MAX_IOV + 1];
    struct virtio_net_hdr vh;
    int vnet = (t->flags & TERN_TUN_F_VNET_HDR) != 0;
    if (vnet) {
        memset(&vh, 0, sizeof(vh));
        if (meta) {
            vh.flags = meta->flags;
            vh.gso_type = meta->gso_type;
            vh.gso_size = htole16(meta->gso_size);
            vh.hdr_len = htole16(meta->hdr_len);
            vh.csum_start = htole16(meta->csum_start);
            vh.csum_offset = htole16(meta->csum_offset);
        }
        v[0] = (struct iovec){&vh, sizeof(vh)};
        memcpy(v + 1, iov, (size_t)iovcnt * sizeof(*iov));
        iov = v;
        iovcnt++;
    } else if (meta && (meta->flags || meta->gso_type)) {
        return -EINVAL; /* offload metadata needs TERN_TUN_F_VNET_HDR */
    }
    for (;;) {
        ssize_t r = iovcnt == 1 ? write(t->fds[queue], iov[0].iov_base, iov[0].iov_len)
                                : writev(t->fds[queue], iov, iovcnt);
        if (r >= 0) {
            if (vnet)
                r -= (ssize_t)sizeof(vh);
            t->st[queue].tx_packets++;
            t->st[queue].tx_bytes += (uint64_t)r;
            return r;
        }
        if (errno == EINTR)
            continue;
        int e = errno;
        if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS)
            t->st[queue].tx_dropped++;
        else
            t->st[queue].tx_errors++;
        return -e;
    }
}

int tern_tun_write_batch(tern_tun *t, unsigned queue, const tern_tun_packet *pkts, int n)
{
    int done = 0;
    for (; done < n; done++) {
        struct iovec iov = {pkts[done].data, pkts[done].len};
        ssize_t r = tern_tun_write(t, queue, &iov, 1, NULL);
        if (r < 0)
            return done ? done : (int)r;
    }
    return done;
}

void tern_tun_get_stats(const tern_tun *t, tern_tun_stats *st)
{
    memset(st, 0, sizeof(*st));
    for (unsigned q = 0; q < t->nqueues; q++) {
        const tern_tun_stats *s = &t->st[q];
        st->rx_packets += s->rx_packets, st->rx_bytes += s->rx_bytes, st->rx_truncated += s->rx_truncated;
        st->rx_errors += s->rx_errors, st->tx_packets += s->tx_packets, st->tx_bytes += s->tx_bytes;
        st->tx_dropped += s->tx_dropped, st->tx_errors += s->tx_errors;
    }
}

void tern_tun_get_queue_stats(const tern_tun *t, unsigned queue, tern_tun_stats *st)
{
    if (queue < t->nqueues)
        *st = t->st[queue];
    else
        memset(st, 0, sizeof(*st));
}

static int parse_prefix(const char *slash, unsigned max, unsigned *out)
{
    if (!slash) {
        *out = max;
        return 0;
    }
    char *end;
    unsigned long v = strtoul(slash + 1, &end, 10);
    if (end == slash + 1 || *end || v > max)
        return -EINVAL;
    *out = (unsigned)v;
    return 0;
}

int tern_tun_parse_addr4(tern_tun_options *opt, const char *text)
{
    char buf[64];
    if (!text || strlen(text) >= sizeof(buf))
        return -EINVAL;
    strcpy(buf, text);
    char *slash = strchr(buf, '/');
    unsigned pl;
    if (parse_prefix(slash, 32, &pl) < 0)
        return -EINVAL;
    if (slash)
        *slash = 0;
    struct in_addr a;
    if (inet_pton(AF_INET, buf, &a) != 1)
        return -EINVAL;
    memcpy(opt->addr4, &a, 4);
    opt->prefix4 = pl;
    opt->addr4_set = 1;
    return 0;
}

int tern_tun_parse_addr6(tern_tun_options *opt, const char *text)
{
    char buf[96];
    if (!text || strlen(text) >= sizeof(buf))
        return -EINVAL;
    strcpy(buf, text);
    char *slash = strchr(buf, '/');
    unsigned pl;
    if (parse_prefix(slash, 128, &pl) < 0)
        return -EINVAL;
    if (slash)
        *slash = 0;
    struct in6_addr a;
    if (inet_pton(AF_INET6, buf, &a) != 1)
        return -EINVAL;
    memcpy(opt->addr6, &a, 16);
    opt->prefix6 = pl;
    opt->addr6_set = 1;
    return 0;
}
