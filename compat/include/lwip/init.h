/* lwip/init.h: version and stack initialisation (lwIP 2.1 API on tern). */
#ifndef LWIP_HDR_INIT_H
#define LWIP_HDR_INIT_H

#include "lwip/opt.h"
#include "lwip/priv/tern_opts.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* tern implements the lwIP 2.1.3 raw API. */
#define LWIP_VERSION_MAJOR 2
#define LWIP_VERSION_MINOR 1
#define LWIP_VERSION_REVISION 3
#define LWIP_VERSION_RC 255
#define LWIP_RC_RELEASE 255
#define LWIP_RC_DEVELOPMENT 0
#define LWIP_VERSION_IS_RELEASE (LWIP_VERSION_RC == LWIP_RC_RELEASE)
#define LWIP_VERSION_IS_DEVELOPMENT (LWIP_VERSION_RC == LWIP_RC_DEVELOPMENT)
#define LWIP_VERSION_IS_RC ((LWIP_VERSION_RC != LWIP_RC_RELEASE) && (LWIP_VERSION_RC != LWIP_RC_DEVELOPMENT))
#define LWIP_VERSION                                                                                       \
    ((LWIP_VERSION_MAJOR) << 24 | (LWIP_VERSION_MINOR) << 16 | (LWIP_VERSION_REVISION) << 8 | (LWIP_VERSION_RC))
#define LWIP_VERSION_STRING "2.1.3"

/* Creates the stack (and, with LWIP_HAVE_LOOPIF, the loopback interface).
 * Calling it again discards the previous stack and everything in it.
 * First it compares the structure layouts the program's headers registered
 * with libtern's (the ABI rule, lwip/priv/tern_opts.h): on a difference it
 * names the structure, member and option on stderr and calls abort(). */
TERN_API void lwip_init(void);

/* tern's extension: ends the calling thread's stack.  Frees the stack
 * lwip_init made in this thread, every pcb, timeout and loopback packet of
 * it, the local host table (dns_local_addhost) and the thread's pbuf cache;
 * the netifs' own memory is the program's.  lwIP has no such call (its
 * pools are static): a program that runs one stack per thread
 * (tern/stack.h) calls it before the thread ends, after freeing the pbufs
 * it still holds.  Test TERN_HAVE_LWIP_RELEASE so the same source builds
 * against lwIP. */
TERN_API void tern_lwip_release(void);
#define TERN_HAVE_LWIP_RELEASE 1

/* tern's extension: where the lwIP layer's state lives.  0 (the default,
 * lwIP's contract): one stack per process, which any thread may call, one
 * call at a time (programs such as go-tun2socks call from whichever thread
 * holds their lock).  1: one stack per thread; each thread calls
 * lwip_init and the rest of the API for its own stack (tern/stack.h), and
 * lwIP's public lists (netif_list, netif_default, udp_pcbs) are no longer
 * maintained: use the pointers netif_add and udp_new return.  Call it
 * before the first lwip_init of the process: returns 0, or -1 (nothing
 * changed) when a stack already exists. */
TERN_API int tern_lwip_set_per_thread(int on);
#define TERN_HAVE_LWIP_PER_THREAD 1

#ifdef __cplusplus
}
#endif

#endif
