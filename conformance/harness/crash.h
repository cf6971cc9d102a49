/* crash.h: making crashes inside the stack explainable. */
#ifndef CONF_CRASH_H
#define CONF_CRASH_H

#include <stddef.h>

/* SIGSEGV/SIGBUS/SIGABRT handlers that note in the trace whether the fault
 * hit the guard page behind an injected packet, print a backtrace to the
 * child's log, then let the signal kill the process as usual. */
void crash_handlers_install(void);
/* inject.c registers the guard pages of the buffers it hands out. */
void crash_guard_add(const void *start, size_t len, const void *buffer_end);
void crash_guard_remove(const void *start);

#endif
