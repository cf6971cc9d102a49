/* fuzz/fuzz_tcp_stateful.c: an established connection, then records of
 * timed packets and application actions (format: hostile_drivers.h). */
#define FUZZ_NAME "fuzz_tcp_stateful"
#define FUZZ_RUN hf_tcp_stateful
#define FUZZ_FIX hf_fix_records
#include "fuzz_common.h"
