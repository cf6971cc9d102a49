/* tests/unit/unit_suite.h: unit-test suites register themselves.
 *
 * A file of tests ends with one block, and nothing else has to be edited:
 *
 *     TERN_UNIT_SUITE(tcp_foo)
 *     {
 *         CU_pSuite s = CU_add_suite("tcp/foo", NULL, NULL);
 *         CU_add_test(s, "what it checks", test_something);
 *     }
 *
 * The macro defines tern_test_register_<name>() and records it from a
 * constructor (as conformance's SCENARIO does); main() creates the CUnit
 * registry and then calls every recorded function, sorted by name, so the
 * run order does not depend on the order the linker chose. */
#ifndef TERN_UNIT_SUITE_H
#define TERN_UNIT_SUITE_H

/* Records a function that adds CUnit suites; recording the same function
 * twice keeps one. */
void tern_unit_suite_record(const char *name, void (*add)(void));
/* Calls every recorded function once, in name order; returns how many. */
unsigned tern_unit_suites_add(void);

#define TERN_UNIT_SUITE(name_)                                                   \
    void tern_test_register_##name_(void);                                       \
    __attribute__((constructor)) static void tern_unit_record_##name_(void)     \
    {                                                                            \
        tern_unit_suite_record(#name_, tern_test_register_##name_);              \
    }                                                                            \
    void tern_test_register_##name_(void)

#endif
