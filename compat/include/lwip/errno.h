/* lwip/errno.h: errno values.  tern uses the C library's (lwIP's
 * LWIP_PROVIDE_ERRNO is for systems without one). */
#ifndef LWIP_HDR_ERRNO_H
#define LWIP_HDR_ERRNO_H

#include <errno.h>

#endif
