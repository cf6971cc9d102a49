/* fuzz/fuzz_ip_input.c: one IP packet, exact-size, into an interface
 * with a TCP listener (port 80) and a UDP socket (port 7). */
#define FUZZ_NAME "fuzz_ip_input"
#define FUZZ_RUN hf_ip_input
#define FUZZ_FIX hf_fix_packet
#include "fuzz_common.h"
