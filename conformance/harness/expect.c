/* expect.c: formatting failure messages for CUnit. */
#include "expect.h"

#include <stdarg.h>
#include <stdio.h>

#include "lwip/err.h"

void expect_record(int ok, int fatal, const char *file, int line, const char *fmt, ...)
{
    char msg[512];
    if (ok) {
        CU_assertImplementation(CU_TRUE, (unsigned)line, "", file, "", CU_FALSE);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* CUnit copies the condition string into its failure record. */
    CU_assertImplementation(CU_FALSE, (unsigned)line, msg, file, "", fatal ? CU_TRUE : CU_FALSE);
}

void expect_mem(const void *actual, const void *expected, size_t n, const char *what,
                const char *file, int line)
{
    const unsigned char *a = actual, *e = expected;
    size_t i;
    if (!a || !e) {
        expect_record(0, 0, file, line, "%s: null buffer", what);
        return;
    }
    for (i = 0; i < n; i++) {
        if (a[i] != e[i]) {
            expect_record(0, 0, file, line, "%s: byte %zu of %zu is 0x%02x, want 0x%02x",
                          what, i, n, a[i], e[i]);
            return;
        }
    }
    expect_record(1, 0, file, line, "%s", what);
}

/* Names from err.h; compiled against each backend's own header so the
 * numeric values come from the stack under test. */
const char *expect_errname(long e)
{
    switch (e) {
    case ERR_OK: return "ERR_OK";
    case ERR_MEM: return "ERR_MEM";
    case ERR_BUF: return "ERR_BUF";
    case ERR_TIMEOUT: return "ERR_TIMEOUT";
    case ERR_RTE: return "ERR_RTE";
    case ERR_INPROGRESS: return "ERR_INPROGRESS";
    case ERR_VAL: return "ERR_VAL";
    case ERR_WOULDBLOCK: return "ERR_WOULDBLOCK";
    case ERR_USE: return "ERR_USE";
    case ERR_ALREADY: return "ERR_ALREADY";
    case ERR_ISCONN: return "ERR_ISCONN";
    case ERR_CONN: return "ERR_CONN";
    case ERR_IF: return "ERR_IF";
    case ERR_ABRT: return "ERR_ABRT";
    case ERR_RST: return "ERR_RST";
    case ERR_CLSD: return "ERR_CLSD";
    case ERR_ARG: return "ERR_ARG";
    default: return "ERR_?";
    }
}
