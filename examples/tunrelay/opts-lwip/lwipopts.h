/* lwipopts.h for tunrelay-lwip: Debian's liblwip was compiled with
 * /usr/include/lwip/lwipopts.h (the GNU Hurd's options: NO_SYS 0, dual
 * stack, TCP_WND 0xFFFF with window scaling, TCP_SND_BUF = TCP_WND, malloc
 * pools).  A program must see the same options as the library (structure
 * layouts depend on them), so this file only forwards to it.  The relay
 * drives that lwIP single-threaded: lwip_init() only, never tcpip_init(). */
#include_next <lwipopts.h>
