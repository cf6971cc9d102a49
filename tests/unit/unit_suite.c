/* tests/unit/unit_suite.c: the suites recorded by TERN_UNIT_SUITE, filled by
 * constructors before main. */
#include "unit_suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNIT_SUITES 256

struct recorded {
    const char *name;
    void (*add)(void);
};

static struct recorded list[MAX_UNIT_SUITES];
static unsigned count;

void tern_unit_suite_record(const char *name, void (*add)(void))
{
    for (unsigned i = 0; i < count; i++) {
        if (list[i].add == add)
            return;
        /* Two files with one name would silently replace each other's
         * tern_test_register_<name> only at link time; say so here. */
        if (strcmp(list[i].name, name) == 0) {
            fprintf(stderr, "unit: two suites named %s\n", name);
            abort();
        }
    }
    if (count == MAX_UNIT_SUITES) {
        fprintf(stderr, "unit: too many suites (raise MAX_UNIT_SUITES)\n");
        abort();
    }
    list[count].name = name;
    list[count].add = add;
    count++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct recorded *)a)->name, ((const struct recorded *)b)->name);
}

unsigned tern_unit_suites_add(void)
{
    qsort(list, count, sizeof(list[0]), by_name);
    for (unsigned i = 0; i < count; i++)
        list[i].add();
    return count;
}
