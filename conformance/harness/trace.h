/* trace.h: the normalized per-scenario event log.
 *
 * One line per event, prefixed with the virtual time: packets in and out,
 * callbacks with their arguments, API results.  Values that legitimately
 * differ between stacks (IP ID, checksums, ephemeral port numbers) are
 * verified and then written in a normalized form, so the lwIP and tern
 * traces of a scenario can be compared line by line. */
#ifndef CONF_TRACE_H
#define CONF_TRACE_H

void trace_open(const char *path);
void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line without the time prefix (used for the result footer). */
void trace_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
