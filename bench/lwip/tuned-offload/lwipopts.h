/* bench/lwip/tuned-offload/lwipopts.h: the tuned options with transport
 * checksums left to the device (CHECKSUM_GEN_TCP/UDP 0), as a netif whose
 * driver offloads them would run lwIP; for the cost bench's "send with
 * checksum offload" figure.  The IPv4 header checksum stays the stack's
 * (a TUN's virtio-net header offloads transport checksums only), and lwIP
 * has no segmentation offload: it still builds one packet per segment. */
#ifndef BENCH_LWIPOPTS_OFFLOAD_H
#define BENCH_LWIPOPTS_OFFLOAD_H

#include "../tuned/lwipopts.h"

#define CHECKSUM_GEN_TCP 0
#define CHECKSUM_GEN_UDP 0

#endif
