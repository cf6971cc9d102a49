/* bench/lwip/tuned-malloc/lwipopts.h: the tuned options with every pool and
 * the heap taken from malloc (MEM_LIBC_MALLOC, MEMP_MEM_MALLOC), so that the
 * memory benchmark can count lwIP's bytes per connection with the same
 * allocator statistics it uses for tern (and so that 10,000 connections fit:
 * the tuned build's static pool holds 1,024 pcbs).  Used only for the idle
 * connection memory figure. */
#ifndef BENCH_LWIPOPTS_MALLOC_H
#define BENCH_LWIPOPTS_MALLOC_H

#include "../tuned/lwipopts.h"

#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_USE_POOLS 0

#endif
