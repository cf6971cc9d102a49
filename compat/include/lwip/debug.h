/* lwip/debug.h: assertions and debug messages of the lwIP API.
 *
 * LWIP_ASSERT calls LWIP_PLATFORM_ASSERT unless LWIP_NOASSERT is defined.
 * LWIP_ERROR(msg, cond, handler) runs handler when cond is false (and prints
 * msg when LWIP_DEBUG is defined).  LWIP_DEBUGF(flags, (fmt, ...)) prints
 * only when LWIP_DEBUG is defined and flags enable it. */
#ifndef LWIP_HDR_DEBUG_H
#define LWIP_HDR_DEBUG_H

#include "lwip/arch.h"
#include "lwip/opt.h"

/* Severity levels, the low two bits of a debug flag word. */
#define LWIP_DBG_LEVEL_ALL 0x00
#define LWIP_DBG_LEVEL_WARNING 0x01
#define LWIP_DBG_LEVEL_SERIOUS 0x02
#define LWIP_DBG_LEVEL_SEVERE 0x03
#define LWIP_DBG_MASK_LEVEL 0x03
#define LWIP_DBG_LEVEL_OFF LWIP_DBG_LEVEL_ALL

/* Flags: ON/OFF enable a message class; the others qualify a message. */
#define LWIP_DBG_ON 0x80U
#define LWIP_DBG_OFF 0x00U
#define LWIP_DBG_TRACE 0x40U
#define LWIP_DBG_STATE 0x20U
#define LWIP_DBG_FRESH 0x10U
#define LWIP_DBG_HALT 0x08U

#ifndef LWIP_NOASSERT
#define LWIP_ASSERT(message, assertion)                                                                    \
    do {                                                                                                   \
        if (!(assertion)) {                                                                                \
            LWIP_PLATFORM_ASSERT(message);                                                                 \
        }                                                                                                  \
    } while (0)
#else
#define LWIP_ASSERT(message, assertion)
#endif

#ifndef LWIP_ERROR
#ifdef LWIP_DEBUG
#define LWIP_PLATFORM_ERROR(message) LWIP_PLATFORM_DIAG((message))
#else
#define LWIP_PLATFORM_ERROR(message)
#endif
#define LWIP_ERROR(message, expression, handler)                                                           \
    do {                                                                                                   \
        if (!(expression)) {                                                                               \
            LWIP_PLATFORM_ERROR(message);                                                                  \
            handler;                                                                                       \
        }                                                                                                  \
    } while (0)
#endif

#ifdef LWIP_DEBUG
#define LWIP_DEBUGF(debug, message)                                                                        \
    do {                                                                                                   \
        if (((debug)&LWIP_DBG_ON) && ((debug)&LWIP_DBG_TYPES_ON) &&                                        \
            ((s16_t)((debug)&LWIP_DBG_MASK_LEVEL) >= LWIP_DBG_MIN_LEVEL)) {                                \
            LWIP_PLATFORM_DIAG(message);                                                                   \
            if ((debug)&LWIP_DBG_HALT) {                                                                   \
                while (1) {                                                                                \
                }                                                                                          \
            }                                                                                              \
        }                                                                                                  \
    } while (0)
#else
#define LWIP_DEBUGF(debug, message)
#endif

#endif /* LWIP_HDR_DEBUG_H */
