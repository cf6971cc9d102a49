/* tern/err.h: the error codes of tern's API.
 *
 * Every public function that can fail returns a tern_err: TERN_OK (0) or one
 * of the negative TERN_ERR_* codes.  The numbers are lwIP's err_t values
 * (ERR_MEM is -1 ... ERR_ARG is -16), so the lwIP layer hands them to lwIP
 * programs unchanged.  As lwIP pairs err_enum_t with a fixed-size err_t,
 * the codes are an enum and tern_err is an int: its size in the ABI does
 * not depend on the compiler's choice for enums. */
#ifndef TERN_ERR_H
#define TERN_ERR_H

#include "tern/export.h"

enum tern_err_code {
    TERN_OK = 0,
    TERN_ERR_MEM = -1,         /* out of memory, or a send buffer full: try again later */
    TERN_ERR_BUF = -2,         /* buffer error */
    TERN_ERR_TIMEOUT = -3,     /* timed out */
    TERN_ERR_RTE = -4,         /* no route to the destination */
    TERN_ERR_INPROGRESS = -5,  /* operation in progress */
    TERN_ERR_VAL = -6,         /* illegal value */
    TERN_ERR_WOULDBLOCK = -7,  /* operation would block */
    TERN_ERR_USE = -8,         /* address in use */
    TERN_ERR_ALREADY = -9,     /* already connecting */
    TERN_ERR_ISCONN = -10,     /* already connected */
    TERN_ERR_CONN = -11,       /* not connected */
    TERN_ERR_IF = -12,         /* low-level interface error */
    TERN_ERR_ABRT = -13,       /* connection aborted */
    TERN_ERR_RST = -14,        /* connection reset */
    TERN_ERR_CLSD = -15,       /* connection closed */
    TERN_ERR_ARG = -16,        /* illegal argument */
};

typedef int tern_err;

/* A short English description of e ("out of memory"...; "unknown error"
 * for a value outside the enum). */
TERN_API const char *tern_err_str(tern_err e);

#endif
