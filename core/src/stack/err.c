/* stack/err.c: descriptions of the tern_err codes (tern/err.h). */
#include "tern/err.h"

const char *tern_err_str(tern_err e)
{
    switch (e) {
    case TERN_OK: return "ok";
    case TERN_ERR_MEM: return "out of memory";
    case TERN_ERR_BUF: return "buffer error";
    case TERN_ERR_TIMEOUT: return "timeout";
    case TERN_ERR_RTE: return "no route";
    case TERN_ERR_INPROGRESS: return "operation in progress";
    case TERN_ERR_VAL: return "illegal value";
    case TERN_ERR_WOULDBLOCK: return "operation would block";
    case TERN_ERR_USE: return "address in use";
    case TERN_ERR_ALREADY: return "already connecting";
    case TERN_ERR_ISCONN: return "already connected";
    case TERN_ERR_CONN: return "not connected";
    case TERN_ERR_IF: return "interface error";
    case TERN_ERR_ABRT: return "connection aborted";
    case TERN_ERR_RST: return "connection reset";
    case TERN_ERR_CLSD: return "connection closed";
    case TERN_ERR_ARG: return "illegal argument";
    }
    return "unknown error";
}
