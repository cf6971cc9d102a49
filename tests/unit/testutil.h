/* tests/unit/testutil.h: helpers the unit tests share. */
#ifndef TERN_TESTUTIL_H
#define TERN_TESTUTIL_H

#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* xorshift64*: seeded, so every run of a randomized test is the same run. */
static inline uint64_t test_rng(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* A copy in an exact-size heap block, so ASan sees any over-read. */
static inline uint8_t *test_exact(const void *src, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    CU_ASSERT_FATAL(p != NULL);
    if (n)
        memcpy(p, src, n);
    return p;
}

/* Hex text to a heap buffer (the caller frees it). */
static inline uint8_t *test_unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    uint8_t *p = malloc(n ? n : 1);
    CU_ASSERT_FATAL(p != NULL);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        CU_ASSERT_FATAL(sscanf(hex + 2 * i, "%2x", &v) == 1);
        p[i] = (uint8_t)v;
    }
    *len = n;
    return p;
}

#endif
