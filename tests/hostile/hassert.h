/* tests/hostile/hassert.h: CUnit assertions of the hostile suites that
 * print what they saw (CUnit's own print only the expression). */
#ifndef TERN_HOSTILE_HASSERT_H
#define TERN_HOSTILE_HASSERT_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "hostile.h"

static inline void h_assert_moved(const tern_stats *before, const char *expect, unsigned line, const char *file)
{
    const char *got = h_moved(before);
    char msg[768];
    snprintf(msg, sizeof(msg), "counters moved \"%s\", expected \"%s\"", got, expect);
    CU_assertImplementation(strcmp(got, expect) == 0 ? CU_TRUE : CU_FALSE, line, msg, file, "", CU_FALSE);
}

static inline void h_assert_eq(long long a, long long b, const char *ea, const char *eb, unsigned line,
                               const char *file)
{
    char msg[512];
    snprintf(msg, sizeof(msg), "%s == %s (%lld vs %lld)", ea, eb, a, b);
    CU_assertImplementation(a == b ? CU_TRUE : CU_FALSE, line, msg, file, "", CU_FALSE);
}

/* Exactly these counters moved (see h_stats_diff), e.g.
 * H_MOVED(s0, "ip_in+1 ip_drop_malformed+1"). */
#define H_MOVED(before, expect) h_assert_moved(&(before), (expect), __LINE__, __FILE__)
#define H_EQ(a, b) h_assert_eq((long long)(a), (long long)(b), #a, #b, __LINE__, __FILE__)
/* A clean drop: the counters named moved, nothing was sent, and the
 * input buffer went back to its owner (the stack holds no more input
 * buffers than at the snapshot). */
#define H_DROPPED(before, expect)                                                                          \
    do {                                                                                                   \
        H_MOVED(before, expect);                                                                           \
        H_EQ(h_ncap(), 0);                                                                                 \
        H_EQ(h_custom_live, before##_live);                                                                \
    } while (0)
/* Snapshot of the counters (and of the input buffers the stack holds). */
#define H_SNAP(name)                                                                                       \
    tern_stats name = *tern_stack_stats(h_stack);                                                          \
    uint64_t name##_live __attribute__((unused)) = h_custom_live
#define H_BEGIN(opts) CU_ASSERT_FATAL(h_setup(opts) == 0)
#define H_END() H_EQ(h_teardown(), 0)

#endif
