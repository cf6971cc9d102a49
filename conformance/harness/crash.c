/* crash.c: runs only when the child is about to die; it writes what it can
 * and re-raises.  Not strictly async-signal-safe (trace formats with
 * vsnprintf), which is acceptable for a process that is crashing anyway. */
#include "crash.h"

#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"

#define MAX_GUARDS 256

static struct {
    const uint8_t *start;
    size_t len;
    const uint8_t *buffer_end;
} guards[MAX_GUARDS];

void crash_guard_add(const void *start, size_t len, const void *buffer_end)
{
    int i;
    for (i = 0; i < MAX_GUARDS; i++) {
        if (!guards[i].start) {
            guards[i].start = start;
            guards[i].len = len;
            guards[i].buffer_end = buffer_end;
            return;
        }
    }
}

void crash_guard_remove(const void *start)
{
    int i;
    for (i = 0; i < MAX_GUARDS; i++) {
        if (guards[i].start == start) {
            guards[i].start = NULL;
        }
    }
}

/* Handlers that were there before ours (AddressSanitizer's, in a
 * sanitizer build): they get the fault after our note. */
static struct sigaction previous[3];
static const int signals[3] = {SIGSEGV, SIGBUS, SIGABRT};

static int chain(int sig)
{
    int i;
    for (i = 0; i < 3; i++) {
        if (signals[i] == sig && (previous[i].sa_flags & SA_SIGINFO) &&
            previous[i].sa_sigaction) {
            sigaction(sig, &previous[i], NULL);
            return 1;
        }
    }
    return 0;
}

static void on_crash(int sig, siginfo_t *info, void *ctx)
{
    static const char marker[] = "harness: backtrace:\n";
    const uint8_t *addr = info->si_addr;
    void *frames[32];
    int i, n;
    (void)ctx;

    for (i = 0; i < MAX_GUARDS; i++) {
        if (guards[i].start && addr >= guards[i].start &&
            addr < guards[i].start + guards[i].len) {
            trace("CRASH: access %zu byte(s) past the end of an injected exact-size buffer",
                  (size_t)(addr - guards[i].buffer_end) + 1);
            break;
        }
    }
    if (i == MAX_GUARDS && sig != SIGABRT && addr == NULL) {
        trace("CRASH: %s at address 0 (a NULL pointer, or an API function the stack lacks)",
              strsignal(sig));
    } else if (i == MAX_GUARDS) {
        trace("CRASH: %s", sig == SIGABRT ? "abort (assertion in the stack?)" : strsignal(sig));
    }
    if (sig != SIGABRT && chain(sig)) {
        return; /* the fault repeats into the previous handler */
    }
    if (write(2, marker, sizeof(marker) - 1) < 0) {
        /* ignore */
    }
    n = backtrace(frames, 32);
    backtrace_symbols_fd(frames, n, 2);
    /* SA_RESETHAND restored the default action: returning re-executes the
     * faulting access (SIGSEGV) or we raise again (SIGABRT). */
    if (sig == SIGABRT) {
        raise(sig);
    }
}

void crash_handlers_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    void *warm[1];
    int i;
    sigemptyset(&sa.sa_mask);
    /* backtrace() loads its unwinder on first use, which allocates: do it
     * now rather than inside a signal handler. */
    backtrace(warm, 1);
    for (i = 0; i < 3; i++) {
        sigaction(signals[i], &sa, &previous[i]);
    }
}
