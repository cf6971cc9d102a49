/* lwip/err.h: lwIP's error codes.
 *
 * lwip_strerr() is always a function in tern (lwIP makes it return "" unless
 * LWIP_DEBUG is defined); err_to_errno() is declared, as in lwIP, only when
 * NO_SYS is 0, but libtern always provides it. */
#ifndef LWIP_HDR_ERR_H
#define LWIP_HDR_ERR_H

#include "lwip/opt.h"
#include "lwip/arch.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ERR_OK = 0,           /* No error, everything OK. */
    ERR_MEM = -1,         /* Out of memory error. */
    ERR_BUF = -2,         /* Buffer error. */
    ERR_TIMEOUT = -3,     /* Timeout. */
    ERR_RTE = -4,         /* Routing problem. */
    ERR_INPROGRESS = -5,  /* Operation in progress. */
    ERR_VAL = -6,         /* Illegal value. */
    ERR_WOULDBLOCK = -7,  /* Operation would block. */
    ERR_USE = -8,         /* Address in use. */
    ERR_ALREADY = -9,     /* Already connecting. */
    ERR_ISCONN = -10,     /* Conn already established. */
    ERR_CONN = -11,       /* Not connected. */
    ERR_IF = -12,         /* Low-level netif error. */
    ERR_ABRT = -13,       /* Connection aborted. */
    ERR_RST = -14,        /* Connection reset. */
    ERR_CLSD = -15,       /* Connection closed. */
    ERR_ARG = -16         /* Illegal argument. */
} err_enum_t;

#ifdef LWIP_ERR_T
typedef LWIP_ERR_T err_t;
#else
typedef s8_t err_t;
#endif
/* libtern passes err_t as a signed byte: LWIP_ERR_T may only rename it. */
typedef char tern_err_t_check[(sizeof(err_t) == 1 && (err_t)-1 < 0) ? 1 : -1];

/* lwIP's text for an error code ("Out of memory error." ...); "Unknown error."
 * for values outside the table. */
TERN_API const char *lwip_strerr(err_t err);

#if !NO_SYS
/* The errno value lwIP's sockets layer reports for an err_t (0 for ERR_OK). */
TERN_API int err_to_errno(err_t err);
#endif

#ifdef __cplusplus
}
#endif

#endif /* LWIP_HDR_ERR_H */
