/* tests/unit/test_tcp_rare.c: the stack's table of tcp_rare
 * (socket/tcp_rare.c): each socket finds its own, whatever the order the
 * others came and went in; the table is given back with the last; a
 * socket whose tcp_rare could not be made has none and says so. */
#include <CUnit/Basic.h>
#include <stdlib.h>
#include "socket/tcp_impl.h"
#include "unit_suite.h"

static uint32_t clock_0(void *arg)
{
    (void)arg;
    return 0;
}

#define N 3000

static void test_each_finds_its_own(void)
{
    tern_config cfg = {.clock = clock_0, .seed = 7};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    static tern_tcp *t[N];
    static uint32_t order[N];
    for (uint32_t i = 0; i < N; i++) {
        t[i] = tern_tcp_new(s, TERN_ADDR_V4);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t[i]);
        CU_ASSERT_PTR_NULL(tern__tcp_rare_of(t[i])); /* none until needed */
        order[i] = i;
    }
    /* Every other socket gets one; each keeps a mark of its own. */
    for (uint32_t i = 0; i < N; i += 2) {
        tcp_rare *x = tern__tcp_rare(t[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(x);
        x->retransmits = i + 1;
        CU_ASSERT_PTR_EQUAL(tern__tcp_rare(t[i]), x); /* made once */
    }
    CU_ASSERT_EQUAL(s->tcp->rare_count, N / 2);
    CU_ASSERT(s->tcp->rare_cap >= 2 * s->tcp->rare_count); /* at most half full */
    for (uint32_t i = 0; i < N; i++) {
        tcp_rare *x = tern__tcp_rare_of(t[i]);
        if (i % 2) {
            CU_ASSERT_PTR_NULL(x);
        } else {
            CU_ASSERT_PTR_NOT_NULL_FATAL(x);
            CU_ASSERT_EQUAL(x->retransmits, i + 1);
        }
    }
    /* They go in a shuffled order (deletions move entries back): the rest
     * still find theirs after each. */
    srand(11);
    for (uint32_t i = N - 1; i > 0; i--) {
        uint32_t j = (uint32_t)rand() % (i + 1), k = order[i];
        order[i] = order[j];
        order[j] = k;
    }
    uint32_t gone = 0, wrong = 0;
    for (uint32_t n = 0; n < N; n++) {
        uint32_t i = order[n];
        if (i % 2)
            continue;
        tern__tcp_rare_put(t[i]);
        CU_ASSERT_PTR_NULL(tern__tcp_rare_of(t[i]));
        if (++gone % 97 == 0)
            for (uint32_t m = n + 1; m < N; m++) {
                uint32_t k = order[m];
                tcp_rare *x = tern__tcp_rare_of(t[k]);
                if (k % 2 == 0 && (!x || x->retransmits != k + 1))
                    wrong++;
            }
    }
    CU_ASSERT_EQUAL(wrong, 0);
    /* The last one gone: the table too. */
    CU_ASSERT_EQUAL(s->tcp->rare_count, 0);
    CU_ASSERT_EQUAL(s->tcp->rare_cap, 0);
    CU_ASSERT_PTR_NULL(s->tcp->rare_slots);
    /* Sockets freed with theirs held give them back (the stack's free
     * under ASan: no leak). */
    for (uint32_t i = 0; i < N; i += 3)
        CU_ASSERT_PTR_NOT_NULL(tern__tcp_rare(t[i]));
    for (uint32_t i = 0; i < N; i += 6)
        tern_tcp_abort(t[i]);
    CU_ASSERT_EQUAL(s->tcp->rare_count, N / 6);
    tern_stack_free(s);
}

static void test_no_memory_no_rare(void)
{
    tern_config cfg = {.clock = clock_0, .seed = 7};
    tern_stack *s = tern_stack_new(&cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    tern_tcp *t = tern_tcp_new(s, TERN_ADDR_V4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    tern__tcp_rare_fail_next = 1;
    CU_ASSERT_PTR_NULL(tern__tcp_rare(t));
    CU_ASSERT_FALSE(t->has_rare);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(t));
    /* A count without memory is lost, nothing else. */
    tern__tcp_rare_fail_next = 1;
    TCP_COUNT_RARE(t, retransmits);
    CU_ASSERT_PTR_NULL(tern__tcp_rare_of(t));
    TCP_COUNT_RARE(t, retransmits);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tern__tcp_rare_of(t));
    CU_ASSERT_EQUAL(tern__tcp_rare_of(t)->retransmits, 1);
    tern_stack_free(s);
}

TERN_UNIT_SUITE(tcp_rare)
{
    CU_pSuite s = CU_add_suite("tcp/rare", NULL, NULL);
    CU_add_test(s, "each socket finds its own tcp_rare; the table goes with the last", test_each_finds_its_own);
    CU_add_test(s, "without memory a socket has no tcp_rare, and counts are lost", test_no_memory_no_rare);
}
