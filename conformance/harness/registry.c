/* registry.c: the list of scenarios, filled by constructors before main. */
#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCENARIOS 1024

static const struct scenario *list[MAX_SCENARIOS];
static size_t count;
static int sorted;

void scenario_register(const struct scenario *s)
{
    if (count == MAX_SCENARIOS) {
        fprintf(stderr, "harness: too many scenarios (raise MAX_SCENARIOS)\n");
        abort();
    }
    list[count++] = s;
    sorted = 0;
}

static const char *base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Constructors run in an order the linker chooses; sorting by place in the
 * source makes --list and the tables stable and readable. */
static int by_place(const void *a, const void *b)
{
    const struct scenario *x = *(const struct scenario *const *)a;
    const struct scenario *y = *(const struct scenario *const *)b;
    int c = strcmp(base(x->file), base(y->file));
    return c ? c : x->line - y->line;
}

static void sort_once(void)
{
    size_t i;
    if (sorted) {
        return;
    }
    qsort(list, count, sizeof(list[0]), by_place);
    for (i = 1; i < count; i++) {
        size_t j;
        for (j = 0; j < i; j++) {
            if (strcmp(list[i]->name, list[j]->name) == 0) {
                fprintf(stderr, "harness: duplicate scenario name %s\n", list[i]->name);
                abort();
            }
        }
    }
    sorted = 1;
}

size_t scenario_count(void)
{
    sort_once();
    return count;
}

const struct scenario *scenario_at(size_t i)
{
    sort_once();
    return i < count ? list[i] : NULL;
}
