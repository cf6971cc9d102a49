/* compat/src/err.c: lwip_strerr() and err_to_errno(). */
#include <errno.h>

#include "lwip/err.h"
#include "tern/err.h"

/* The core's tern_err codes reach lwIP programs as err_t unchanged. */
#define SAME(code) ((int)TERN_##code == (int)code)
_Static_assert(SAME(ERR_MEM) && SAME(ERR_BUF) && SAME(ERR_TIMEOUT) && SAME(ERR_RTE) && SAME(ERR_INPROGRESS) &&
                   SAME(ERR_VAL) && SAME(ERR_WOULDBLOCK) && SAME(ERR_USE) && SAME(ERR_ALREADY) && SAME(ERR_ISCONN) &&
                   SAME(ERR_CONN) && SAME(ERR_IF) && SAME(ERR_ABRT) && SAME(ERR_RST) && SAME(ERR_CLSD) &&
                   SAME(ERR_ARG) && (int)TERN_OK == (int)ERR_OK,
               "tern_err codes are lwIP's err_t values");
#undef SAME

/* lwIP 2.1's texts, indexed by -err. */
static const char *const err_text[] = {
    "Ok.",                    /* ERR_OK */
    "Out of memory error.",   /* ERR_MEM */
    "Buffer error.",          /* ERR_BUF */
    "Timeout.",               /* ERR_TIMEOUT */
    "Routing problem.",       /* ERR_RTE */
    "Operation in progress.", /* ERR_INPROGRESS */
    "Illegal value.",         /* ERR_VAL */
    "Operation would block.", /* ERR_WOULDBLOCK */
    "Address in use.",        /* ERR_USE */
    "Already connecting.",    /* ERR_ALREADY */
    "Already connected.",     /* ERR_ISCONN */
    "Not connected.",         /* ERR_CONN */
    "Low-level netif error.", /* ERR_IF */
    "Connection aborted.",    /* ERR_ABRT */
    "Connection reset.",      /* ERR_RST */
    "Connection closed.",     /* ERR_CLSD */
    "Illegal argument.",      /* ERR_ARG */
};

/* The errno values lwIP's sockets layer maps them to. */
static const int err_errno[] = {
    0,            /* ERR_OK */
    ENOMEM,       /* ERR_MEM */
    ENOBUFS,      /* ERR_BUF */
    EWOULDBLOCK,  /* ERR_TIMEOUT */
    EHOSTUNREACH, /* ERR_RTE */
    EINPROGRESS,  /* ERR_INPROGRESS */
    EINVAL,       /* ERR_VAL */
    EWOULDBLOCK,  /* ERR_WOULDBLOCK */
    EADDRINUSE,   /* ERR_USE */
    EALREADY,     /* ERR_ALREADY */
    EISCONN,      /* ERR_ISCONN */
    ENOTCONN,     /* ERR_CONN */
    -1,           /* ERR_IF */
    ECONNABORTED, /* ERR_ABRT */
    ECONNRESET,   /* ERR_RST */
    ENOTCONN,     /* ERR_CLSD */
    EIO,          /* ERR_ARG */
};

_Static_assert(sizeof(err_text) / sizeof(err_text[0]) == 1 - ERR_ARG, "one text per err_t");
_Static_assert(sizeof(err_errno) / sizeof(err_errno[0]) == 1 - ERR_ARG, "one errno per err_t");

const char *lwip_strerr(err_t err)
{
    if (err > 0 || err < ERR_ARG)
        return "Unknown error.";
    return err_text[-err];
}

/* Declared by lwip/err.h only when NO_SYS is 0; always provided. */
TERN_API int err_to_errno(err_t err);

int err_to_errno(err_t err)
{
    if (err > 0 || err < ERR_ARG)
        return EIO;
    return err_errno[-err];
}
