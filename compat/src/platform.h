/* compat/src/platform.h: what compat needs from the operating system port.
 *
 * compat may include only its own headers and the core's public ones (the
 * layers of CMakeLists.txt); as lwIP's sys.h declares sys_now for its ports
 * to define, this header declares the port functions compat calls.  The
 * port (port/linux) defines them; port/include/port/random.h declares them
 * for the port's side. */
#ifndef TERN_COMPAT_PLATFORM_H
#define TERN_COMPAT_PLATFORM_H

#include <stddef.h>

/* Fills buf with random bytes (port/linux/random.c). */
void tern__port_random(void *buf, size_t len);

#endif
