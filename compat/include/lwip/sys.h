/* lwip/sys.h: the operating-system interface tern needs: only a clock.
 *
 * sys_now() comes from tern's Linux port; a program that defines its own
 * u32_t sys_now(void) (a virtual clock for tests, say) replaces it. */
#ifndef LWIP_HDR_SYS_H
#define LWIP_HDR_SYS_H

#include "lwip/opt.h"
#include "lwip/arch.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

TERN_API u32_t sys_now(void);
/* Milliseconds as a 32-bit value that wraps, like sys_now (lwIP's sys_jiffies). */
TERN_API u32_t sys_jiffies(void);

/* tern runs in the caller's thread: the protection macros are empty. */
typedef int sys_prot_t;
#define SYS_ARCH_DECL_PROTECT(lev)
#define SYS_ARCH_PROTECT(lev)
#define SYS_ARCH_UNPROTECT(lev)
#define SYS_ARCH_INC(var, val) ((var) = (var) + (val))
#define SYS_ARCH_DEC(var, val) ((var) = (var) - (val))
#define SYS_ARCH_GET(var, ret) ((ret) = (var))
#define SYS_ARCH_SET(var, val) ((var) = (val))
#define LWIP_ASSERT_CORE_LOCKED()
#define LOCK_TCPIP_CORE()
#define UNLOCK_TCPIP_CORE()

#ifdef __cplusplus
}
#endif

#endif
