/* fuzz/fuzz_common.h: what every fuzz target shares: the AFL++/standalone
 * main() (built with -DTERN_FUZZ_STANDALONE), and the structure-aware
 * mutator that keeps IP/TCP/UDP lengths and checksums valid.
 *
 * Each target defines FUZZ_NAME and FUZZ_RUN(data, size) (returns 0 or
 * nonzero with the reason in hf_why) before including this file, and
 * FUZZ_FIX(data, size) when it wants the custom mutator. */
#ifndef TERN_FUZZ_COMMON_H
#define TERN_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostile_drivers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (FUZZ_RUN(data, size) != 0) {
        fprintf(stderr, "%s: %s\n", FUZZ_NAME, hf_why);
        abort();
    }
    return 0;
}

#if defined(FUZZ_FIX) && !defined(TERN_FUZZ_STANDALONE)
/* libFuzzer's own mutations, then lengths and checksums made right again
 * (so mutations reach past the parsers), except in TERN_FUZZ_RAW=1 mode
 * and for one mutation in 16, which stay broken so the length checks are
 * still exercised. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    static int raw = -1;
    if (raw < 0) {
        const char *e = getenv("TERN_FUZZ_RAW");
        raw = e && *e && strcmp(e, "0") != 0;
    }
    size = LLVMFuzzerMutate(data, size, max_size);
    if (!raw && (seed & 15u) != 0)
        FUZZ_FIX(data, size);
    return size;
}
#endif

#ifdef TERN_FUZZ_STANDALONE
/* Replays files (or every file of directories) given as arguments, or one
 * input from standard input: what AFL++ (afl-clang-fast, persistent mode
 * when available) and plain crash reproduction need. */
#include <dirent.h>
#include <sys/stat.h>

static int run_buf(const uint8_t *d, size_t n)
{
    return LLVMFuzzerTestOneInput(d, n);
}

static uint8_t *slurp(FILE *f, size_t *n)
{
    size_t cap = 65536, len = 0;
    uint8_t *b = malloc(cap);
    if (!b)
        abort();
    for (;;) {
        if (len == cap) {
            cap *= 2;
            b = realloc(b, cap);
            if (!b)
                abort();
        }
        size_t k = fread(b + len, 1, cap - len, f);
        if (k == 0)
            break;
        len += k;
    }
    *n = len;
    return b;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (!dir)
            return 1;
        struct dirent *e;
        int r = 0;
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char sub[4096];
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            r |= run_path(sub);
        }
        closedir(dir);
        return r;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t n;
    uint8_t *b = slurp(f, &n);
    fclose(f);
    run_buf(b, n);
    free(b);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        int r = 0;
        for (int i = 1; i < argc; i++)
            r |= run_path(argv[i]);
        return r;
    }
#ifdef __AFL_LOOP
    while (__AFL_LOOP(10000)) {
        size_t n;
        uint8_t *b = slurp(stdin, &n);
        run_buf(b, n);
        free(b);
    }
#else
    size_t n;
    uint8_t *b = slurp(stdin, &n);
    run_buf(b, n);
    free(b);
#endif
    return 0;
}
#endif

#endif
