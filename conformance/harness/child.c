/* child.c: one scenario in its own process.  lwIP keeps all state in
 * globals and aborts on internal assertions, so every scenario gets a
 * fresh process, a fresh stack and a CUnit registry holding just itself. */
#include "child.h"

#include <CUnit/Basic.h>
#include <signal.h>
#include <string.h>

#include "crash.h"
#include "stack.h"
#include "trace.h"

static const char *base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int child_run(const struct scenario *s, const char *trace_path, const char *pcap_path)
{
    CU_pSuite suite;
    CU_pFailureRecord f;
    unsigned failures;

    trace_open(trace_path);
    crash_handlers_install();
    trace_raw("scenario %s", s->name);
    if (pcap_path) {
        cap_pcap_open(pcap_path);
    }
    h_stack_start();

    if (CU_initialize_registry() != CUE_SUCCESS) {
        trace_raw("harness: CUnit registry failed");
        return 2;
    }
    suite = CU_add_suite(s->name, NULL, NULL);
    if (!suite || !CU_add_test(suite, s->name, s->fn)) {
        trace_raw("harness: CUnit suite failed");
        return 2;
    }
    CU_basic_set_mode(CU_BRM_SILENT);
    CU_basic_run_tests();

    failures = CU_get_number_of_failures();
    for (f = CU_get_failure_list(); f; f = f->pNext) {
        trace_raw("failed: %s:%u: %s", base(f->strFileName ? f->strFileName : "?"),
                  f->uiLineNumber, f->strCondition ? f->strCondition : "");
    }
    trace_raw("result %s", failures ? "FAIL" : "pass");
    CU_cleanup_registry();
    return failures ? CHILD_ASSERT_FAILED : 0;
}
