/* lwip/sio.h: lwIP's serial-port interface for SLIP and PPP.  tern has no
 * serial links: the sio_* functions a port provides are not used, and this
 * header declares nothing. */
#ifndef SIO_H
#define SIO_H

#include "lwip/arch.h"
#include "lwip/opt.h"

#endif
