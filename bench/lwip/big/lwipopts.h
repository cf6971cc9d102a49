/* bench/lwip/big/lwipopts.h: "the best lwIP 2.1 can be" for bulk TCP.
 * The tuned (netstack-lwip) options, plus window scaling and windows and
 * buffers large enough that lwIP's own limits never cap a 10 Gbit/s path
 * with a sub-millisecond RTT:
 *   TCP_WND 1 MiB with LWIP_WND_SCALE 1 and TCP_RCV_SCALE 6 (the field
 *   covers up to 4 MiB), TCP_SND_BUF 1 MiB, TCP_SND_QUEUELEN 4*SND_BUF/MSS
 *   (2,873 segments), TCP_SNDLOWAT 32*MSS, MEMP_NUM_TCP_SEG 32768, MEM_SIZE 64 MiB and
 *   PBUF_POOL_SIZE 8192 (enough for 8 connections with full windows). */
#ifndef BENCH_LWIPOPTS_BIG_H
#define BENCH_LWIPOPTS_BIG_H

#include "../tuned/lwipopts.h"

#undef TCP_WND
#undef TCP_SND_BUF
#undef MEM_SIZE
#undef MEMP_NUM_TCP_SEG
#undef PBUF_POOL_SIZE

#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 6
#define TCP_WND (1024 * 1024)
#define TCP_SND_BUF (1024 * 1024)
#define TCP_SND_QUEUELEN ((4 * (TCP_SND_BUF) + (TCP_MSS - 1)) / (TCP_MSS))
/* lwIP keeps the send low-water mark in 16 bits: its default (half the
 * send buffer) does not fit, so it is set to the tuned build's window. */
#define TCP_SNDLOWAT (32 * TCP_MSS)
#define MEMP_NUM_TCP_SEG 32768
#define MEM_SIZE (64 * 1024 * 1024)
#define PBUF_POOL_SIZE 8192

#endif
