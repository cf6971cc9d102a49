/* lwip/tcpip.h: lwIP's tcpip thread.  tern runs in the caller's thread,
 * whatever NO_SYS says: there is no tcpip thread, so tcpip_init,
 * tcpip_callback and tcpip_input are not declared (a program calling them
 * fails to build, by name).  The core-locking macros come from lwip/sys.h
 * and are empty. */
#ifndef LWIP_HDR_TCPIP_H
#define LWIP_HDR_TCPIP_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"

#endif
