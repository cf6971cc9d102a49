/* lwip/tcpbase.h: TCP types shared by lwip/tcp.h and lwIP's other headers
 * (lwIP 2.1 API on tern). */
#ifndef LWIP_HDR_TCPBASE_H
#define LWIP_HDR_TCPBASE_H

#include "lwip/opt.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Window sizes and counts.  libtern serves programs built either way: it
 * reads the program's LWIP_WND_SCALE (lwip/priv/tern_opts.h) and writes
 * struct tcp_pcb's window fields at the program's width. */
#if LWIP_WND_SCALE
typedef u32_t tcpwnd_size_t;
#else
typedef u16_t tcpwnd_size_t;
#endif

enum tcp_state {
    CLOSED = 0,
    LISTEN = 1,
    SYN_SENT = 2,
    SYN_RCVD = 3,
    ESTABLISHED = 4,
    FIN_WAIT_1 = 5,
    FIN_WAIT_2 = 6,
    CLOSE_WAIT = 7,
    CLOSING = 8,
    LAST_ACK = 9,
    TIME_WAIT = 10
};
/* Depends on the numbering above, as in lwIP. */
#define TCP_STATE_IS_CLOSING(state) ((state) >= FIN_WAIT_1)

/* tcp_write's apiflags.  tern always copies the data (COPY or not), so the
 * caller may reuse its buffer as soon as tcp_write returns. */
#define TCP_WRITE_FLAG_COPY 0x01
#define TCP_WRITE_FLAG_MORE 0x02

#define TCP_PRIO_MIN 1
#define TCP_PRIO_NORMAL 64
#define TCP_PRIO_MAX 127

/* "CLOSED", "LISTEN", ... "TIME_WAIT" (lwIP's names). */
TERN_API const char *tcp_debug_state_str(enum tcp_state s);

#ifdef __cplusplus
}
#endif

#endif
