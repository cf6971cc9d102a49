/* scenario.h: declaring and registering scenarios.
 *
 * A scenario is one function plus one line:
 *
 *     SCENARIO(udp_echo_v4, "UDP datagram delivered to a bound pcb")
 *     {
 *         ... drive the stack, EXPECT_...() ...
 *     }
 *
 * The macro defines the function and registers it from a constructor, so no
 * table has to be edited.  SCENARIO_LWIP_DEVIATES() additionally records why
 * Debian's lwIP 2.1.3 is expected to fail it (tern must pass it anyway). */
#ifndef CONF_SCENARIO_H
#define CONF_SCENARIO_H

#include <stddef.h>

struct scenario {
    const char *name;
    const char *summary;
    const char *lwip_deviates; /* NULL, or why lwIP 2.1.3 fails this one */
    void (*fn)(void);
    const char *file;
    int line;
};

void scenario_register(const struct scenario *s);
/* Registered scenarios in a stable order (source file, then line). */
size_t scenario_count(void);
const struct scenario *scenario_at(size_t i);

#define SCENARIO_IMPL_(fn_, summary_, deviates_)                                 \
    static void fn_(void);                                                       \
    static const struct scenario fn_##_scenario_ = {                             \
        #fn_, summary_, deviates_, fn_, __FILE__, __LINE__};                     \
    __attribute__((constructor)) static void fn_##_register_(void)              \
    {                                                                            \
        scenario_register(&fn_##_scenario_);                                     \
    }                                                                            \
    static void fn_(void)

#define SCENARIO(name, summary) SCENARIO_IMPL_(name, summary, NULL)
#define SCENARIO_LWIP_DEVIATES(name, summary, reason) SCENARIO_IMPL_(name, summary, reason)

#endif
