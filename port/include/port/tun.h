/* port/tun.h: Linux TUN devices for tern (and for any program: no lwIP here).
 *
 * A tern_tun is one layer-3 TUN interface (IFF_TUN | IFF_NO_PI): every read
 * returns one whole IPv4 or IPv6 packet, every write sends one.  The handle
 * creates the device (or attaches to an existing, persistent one), can set
 * its addresses, MTU and up flag, and puts every queue in non-blocking mode.
 *
 * Shape chosen so that offloads and more queues can come without changing
 * consumers:
 *  - options are a struct with a flags word and a queue count; unknown
 *    flags are refused (EINVAL), so programs built today keep working;
 *  - every I/O call names a queue (0 .. tern_tun_queues()-1) and each queue
 *    has its own fd for epoll;
 *  - packets are described by tern_tun_packet, which carries per-packet
 *    metadata (GSO, checksum state) next to the data.  A consumer that reads
 *    with TERN_TUN_F_VNET_HDR unset sees `meta` zeroed and can ignore it.
 *
 * Errors: functions return 0 (or a count) on success and -errno on failure;
 * tern_tun_last_error() explains the last failure in words (which step
 * failed and the usual cause: no /dev/net/tun, no CAP_NET_ADMIN, device
 * busy, device exists with other flags...). */
#ifndef TERN_PORT_TUN_H
#define TERN_PORT_TUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* tern_tun_options.flags */
#define TERN_TUN_F_ATTACH_ONLY 0x0001u /* fail (ENODEV) instead of creating a new device */
#define TERN_TUN_F_NO_CONFIG 0x0002u   /* leave addresses, MTU and up state alone */
#define TERN_TUN_F_PERSIST 0x0004u     /* keep the device after close (TUNSETPERSIST) */
/* virtio-net header offloads: reads may return TCP packets up to 64 KiB
 * (the kernel's TSO, meta.gso_*) and packets whose transport checksum is
 * only partial (meta.flags & TERN_TUN_META_NEEDS_CSUM); writes may pass
 * the same (meta), so the kernel segments and checksums for us. */
#define TERN_TUN_F_VNET_HDR 0x0100u
#define TERN_TUN_F_MULTI_QUEUE 0x0200u /* IFF_MULTI_QUEUE; implied when queues > 1 */
/* With TERN_TUN_F_VNET_HDR: also UDP segmentation offload (TUN_F_USO4 and
 * TUN_F_USO6, Linux >= 6.2).  Reads may then return UDP "trains": one IP +
 * UDP header and up to 64 KiB of payload, cut by the reader into datagrams
 * of meta.gso_size bytes (the last one may be shorter); writes may pass
 * trains the same way (meta.gso_type TERN_TUN_GSO_UDP_L4).  Where the
 * kernel refuses USO the device opens without it: tern_tun_has_uso() says
 * which happened. */
#define TERN_TUN_F_USO 0x0400u

#define TERN_TUN_MAX_QUEUES 16

typedef struct tern_tun_options {
    const char *name;  /* device name ("tern%d" style patterns allowed); NULL: kernel picks tunN */
    uint32_t flags;    /* TERN_TUN_F_* */
    unsigned queues;   /* 0 or 1: one queue */
    unsigned mtu;      /* 0: leave as is */
    /* IPv4 address of the kernel side; prefix 0..32.  addr4_set 0: none. */
    int addr4_set;
    uint8_t addr4[4];
    unsigned prefix4;
    int peer4_set;     /* point-to-point peer (the stack behind the TUN) */
    uint8_t peer4[4];
    /* IPv6 address of the kernel side; prefix 0..128. */
    int addr6_set;
    uint8_t addr6[16];
    unsigned prefix6;
    int up;            /* 1: bring the link up (unless TERN_TUN_F_NO_CONFIG) */
    unsigned txqueuelen; /* packets the kernel queues for us to read (0: leave; Linux's TUN default is 500) */
    uint32_t reserved[8]; /* zero */
} tern_tun_options;

/* Offload metadata of one packet (all zero without TERN_TUN_F_VNET_HDR).
 * The values are virtio-net's (linux/virtio_net.h), in host order. */
#define TERN_TUN_META_NEEDS_CSUM 1u /* checksum field holds the pseudo-header sum only */
#define TERN_TUN_META_DATA_VALID 2u /* checksum already verified */
#define TERN_TUN_GSO_NONE 0u
#define TERN_TUN_GSO_TCPV4 1u
#define TERN_TUN_GSO_TCPV6 4u
#define TERN_TUN_GSO_UDP_L4 5u /* UDP datagrams of gso_size bytes, IPv4 or IPv6 */
typedef struct tern_tun_meta {
    uint8_t flags;      /* TERN_TUN_META_* */
    uint8_t gso_type;   /* TERN_TUN_GSO_* */
    uint16_t gso_size;  /* payload bytes per segment */
    uint16_t hdr_len;   /* IP + transport header bytes (a hint) */
    uint16_t csum_start;  /* where checksumming starts (transport header) */
    uint16_t csum_offset; /* of the checksum field from csum_start */
} tern_tun_meta;

/* iovec entries per tern_tun_write */
#define TERN_TUN_MAX_IOV 64

/* One packet for tern_tun_read_batch: the caller supplies data/cap (for
 * example a pbuf's payload, so the packet is read in place), the call sets
 * len and meta. */
typedef struct tern_tun_packet {
    void *data;
    size_t cap;
    size_t len;
    tern_tun_meta meta;
} tern_tun_packet;

typedef struct tern_tun tern_tun;

/* Creates or attaches the device described by opt and configures it.
 * 0 and *out set, or -errno (see tern_tun_last_error()). */
int tern_tun_open(const tern_tun_options *opt, tern_tun **out);
/* Closes every queue; a non-persistent device disappears with its last fd. */
void tern_tun_close(tern_tun *t);

const char *tern_tun_name(const tern_tun *t);
unsigned tern_tun_queues(const tern_tun *t);
/* The (non-blocking) fd of a queue, to wait on with epoll/poll. */
int tern_tun_fd(const tern_tun *t, unsigned queue);
/* 1 when the kernel accepted TERN_TUN_F_USO on every queue, else 0. */
int tern_tun_has_uso(const tern_tun *t);
/* The device MTU (read back from the kernel at open). */
unsigned tern_tun_mtu(const tern_tun *t);

/* Reads up to n packets from a queue, stopping early at EAGAIN.  Returns
 * the number read (0: nothing pending) or -errno.  A packet longer than
 * its buffer's cap is dropped (counted, not returned). */
int tern_tun_read_batch(tern_tun *t, unsigned queue, tern_tun_packet *pkts, int n);

/* Writes one packet given as an iovec (a pbuf chain, header + payload...).
 * meta may be NULL.  Returns bytes written or -errno (-EAGAIN when the
 * device queue is full: the packet is dropped, like a full NIC ring). */
ssize_t tern_tun_write(tern_tun *t, unsigned queue, const struct iovec *iov, int iovcnt,
                       const tern_tun_meta *meta);
/* Writes n single-buffer packets; returns how many were written (the first
 * failure stops the batch) or -errno if none was. */
int tern_tun_write_batch(tern_tun *t, unsigned queue, const tern_tun_packet *pkts, int n);

typedef struct tern_tun_stats {
    uint64_t rx_packets, rx_bytes, rx_truncated, rx_errors;
    uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
} tern_tun_stats;
/* The sum over every queue.  Each queue's counters are written by the
 * thread that reads and writes that queue: with one thread per queue, a
 * thread reads its own queue's with tern_tun_get_queue_stats, and the sum
 * only when no queue is busy (at exit). */
void tern_tun_get_stats(const tern_tun *t, tern_tun_stats *st);
void tern_tun_get_queue_stats(const tern_tun *t, unsigned queue, tern_tun_stats *st);

/* Explanation of the last failure of a tern_tun call in this thread. */
const char *tern_tun_last_error(void);

/* Helpers: parse "a.b.c.d[/n]" or "x:y::z[/n]" into opt fields (0 or -EINVAL). */
int tern_tun_parse_addr4(tern_tun_options *opt, const char *text);
int tern_tun_parse_addr6(tern_tun_options *opt, const char *text);

#ifdef __cplusplus
}
#endif

#endif
