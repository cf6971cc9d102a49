/* fuzz/lwip/lwip_drivers.h: the differential fuzz targets' bodies for lwIP
 * 2.1.3 (built from source, see lwipopts.h), the counterparts of
 * tests/hostile/hostile_drivers.h's hf_ip_input. */
#ifndef FUZZ_LWIP_DRIVERS_H
#define FUZZ_LWIP_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

/* One IP packet, the whole input in an exact-size malloc'd buffer wrapped
 * in a PBUF_REF custom pbuf, into a netif like tern's harness (198.18.0.1/15
 * and 2001:db8::1, default route, no link layer) with a TCP listener on port
 * 80 and a UDP pcb on port 7 (both families); then 130 s of timers; then
 * every pcb aborted and the netif removed.  Returns 0, or nonzero with the
 * reason in hf_why. */
int hl_ip_input(const uint8_t *data, size_t size);

#endif
