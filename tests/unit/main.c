/* tests/unit/main.c: runs every CUnit suite of the unit tests. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_suite.h"

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    /* Suites register themselves (unit_suite.h). */
    tern_unit_suites_add();
    CU_basic_set_mode(argc > 1 && strcmp(argv[1], "-v") == 0 ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
    /* TERN_UNIT_SUITE=name runs one suite (e.g. "tcp/stall"). */
    const char *only = getenv("TERN_UNIT_SUITE");
    CU_pSuite one = only && *only ? CU_get_suite(only) : NULL;
    if (only && *only && !one) {
        fprintf(stderr, "unit: no suite named %s\n", only);
        CU_cleanup_registry();
        return 1;
    }
    if (one)
        CU_basic_run_suite(one);
    else
        CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (run == 0) {
        fprintf(stderr, "unit: no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
}
