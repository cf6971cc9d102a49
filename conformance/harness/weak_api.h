/* weak_api.h: force-included (-include) into every harness and scenario
 * file of a CONF_WEAK_API build.  Each API function becomes a weak
 * reference: it resolves to the stack's definition when there is one and
 * to address 0 otherwise (see api_check.h).  #pragma weak may precede the
 * declaration, which comes later from the stack's own headers. */
#ifndef CONF_WEAK_API_H
#define CONF_WEAK_API_H

#define CONF_WEAK_PRAGMA_(x) _Pragma(#x)
#define API(name) CONF_WEAK_PRAGMA_(weak name)
#include "api_list.h"
#undef API

#endif
