/* trace.c: written with write(2), unbuffered, so that the lines before a
 * crash survive it. */
#include "trace.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stack.h"

static int fd = -1;

void trace_open(const char *path)
{
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

static void emit(int stamp, const char *fmt, va_list ap)
{
    char line[2048];
    int n = 0, m;
    if (fd < 0) {
        return;
    }
    if (stamp) {
        n = snprintf(line, sizeof(line), "t=%lu ", (unsigned long)h_now());
    }
    m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    if (m < 0) {
        return;
    }
    n += m;
    if (n > (int)sizeof(line) - 2) {
        n = (int)sizeof(line) - 2;
    }
    for (m = 0; m < n; m++) {
        if (line[m] == '\n' || line[m] == '\t') {
            line[m] = ' '; /* one event, one line */
        }
    }
    line[n++] = '\n';
    if (write(fd, line, (size_t)n) < 0) {
        /* nothing sensible to do: the parent reports a missing trace */
    }
}

void trace(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(1, fmt, ap);
    va_end(ap);
}

void trace_raw(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit(0, fmt, ap);
    va_end(ap);
}
