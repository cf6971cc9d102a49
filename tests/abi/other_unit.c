/* tests/abi/other_unit.c: a second source file of abi-conflict, compiled with
 * the older netif.h while option_matrix.c uses the current one.  Its only
 * effect is the layout its headers register: lwip_init must notice that the
 * program's files disagree about struct netif. */
#include "lwip/netif.h"
