/* port/random.h: random bytes from the operating system. */
#ifndef TERN_PORT_RANDOM_H
#define TERN_PORT_RANDOM_H

#include <stddef.h>

/* Fills buf; falls back to a clock-derived value if the OS has no entropy
 * to give (never fails). */
void tern__port_random(void *buf, size_t len);

#endif
