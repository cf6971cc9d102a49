/* api_check.c: deliberately includes no stack header, so each API name can
 * be declared here as a plain weak symbol whatever its real type is. */
#include "api_check.h"

#include <string.h>

#ifdef CONF_WEAK_API

#define API(name) extern char name[] __attribute__((weak));
#include "api_list.h"
#undef API

static const struct {
    const char *name;
    const void *addr;
} table[] = {
#define API(name) {#name, name},
#include "api_list.h"
#undef API
};

#define N_API (sizeof(table) / sizeof(table[0]))

void api_check_report(FILE *out)
{
    size_t i, missing = 0;
    for (i = 0; i < N_API; i++) {
        if (!table[i].addr) {
            fprintf(out, "%s %s", missing++ ? "," : "note: not in the stack's library:", table[i].name);
        }
    }
    if (missing) {
        fprintf(out, " (%zu of %zu lwIP API names; fine where its headers make them macros, "
                     "else scenarios using them crash)\n", missing, N_API);
    }
}

void api_check_explain(char *msg, size_t cap)
{
    size_t i, len = strlen(msg);
    const char *sep = " [not in the stack's library: ";
    int any = 0;
    for (i = 0; i < N_API && len + 1 < cap; i++) {
        if (!table[i].addr) {
            len += (size_t)snprintf(msg + len, cap - len, "%s%s", sep, table[i].name);
            len = len < cap ? len : cap - 1;
            sep = " ";
            any = 1;
        }
    }
    if (any && len + 2 < cap) {
        strcat(msg, "]");
    }
}

#else

void api_check_report(FILE *out)
{
    (void)out;
}

void api_check_explain(char *msg, size_t cap)
{
    (void)msg;
    (void)cap;
}

#endif
