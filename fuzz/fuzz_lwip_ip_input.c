/* fuzz/fuzz_lwip_ip_input.c: fuzz_ip_input's differential twin: the same
 * packet into lwIP 2.1.3 (built from source with ASan, see lwip/). */
#include "lwip/lwip_drivers.h"
#define FUZZ_NAME "fuzz_lwip_ip_input"
#define FUZZ_RUN hl_ip_input
#define FUZZ_FIX hf_fix_packet
#include "fuzz_common.h"
