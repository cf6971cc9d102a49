/* expect.h: assertions for scenarios, built on CUnit's assertion machinery.
 *
 * Plain CU_ASSERT*() work too; these variants put the actual and expected
 * values into the failure message, which ends up in the trace and in the
 * result table.  REQUIRE() stops the scenario (CUnit's fatal assertion). */
#ifndef CONF_EXPECT_H
#define CONF_EXPECT_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <string.h>

/* Records one CUnit assertion; on failure the message is printf-formatted. */
void expect_record(int ok, int fatal, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void expect_mem(const void *actual, const void *expected, size_t n, const char *what,
                const char *file, int line);
const char *expect_errname(long e);

#define EXPECT(cond) expect_record(!!(cond), 0, __FILE__, __LINE__, "%s", #cond)
#define REQUIRE(cond) expect_record(!!(cond), 1, __FILE__, __LINE__, "%s", #cond)

#define EXPECT_EQ(actual, expected)                                                  \
    do {                                                                             \
        long long a_ = (long long)(actual), e_ = (long long)(expected);              \
        expect_record(a_ == e_, 0, __FILE__, __LINE__, "%s == %s: got %lld, want %lld", \
                      #actual, #expected, a_, e_);                                   \
    } while (0)

#define EXPECT_NE(actual, unexpected)                                                \
    do {                                                                             \
        long long a_ = (long long)(actual), e_ = (long long)(unexpected);            \
        expect_record(a_ != e_, 0, __FILE__, __LINE__, "%s != %s: both %lld",        \
                      #actual, #unexpected, a_);                                     \
    } while (0)

/* err_t results, shown by name. */
#define EXPECT_ERR(actual, expected)                                                 \
    do {                                                                             \
        long a_ = (long)(actual), e_ = (long)(expected);                             \
        expect_record(a_ == e_, 0, __FILE__, __LINE__, "%s: got %s, want %s",        \
                      #actual, expect_errname(a_), expect_errname(e_));              \
    } while (0)

#define EXPECT_STR(actual, expected)                                                 \
    do {                                                                             \
        const char *a_ = (actual), *e_ = (expected);                                 \
        expect_record(a_ && e_ && strcmp(a_, e_) == 0, 0, __FILE__, __LINE__,        \
                      "%s: got \"%s\", want \"%s\"", #actual, a_ ? a_ : "(null)", e_); \
    } while (0)

#define EXPECT_MEM(actual, expected, n) \
    expect_mem((actual), (expected), (n), #actual, __FILE__, __LINE__)

#endif
