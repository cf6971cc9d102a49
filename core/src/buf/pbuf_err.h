/* buf/pbuf_err.h: the error values the pbuf copy functions return.
 *
 * They are lwIP's err_t numbers, so the compat layer hands them to lwIP
 * programs unchanged. */
#ifndef TERN_BUF_PBUF_ERR_H
#define TERN_BUF_PBUF_ERR_H

#define TERN_PBUF_OK 0
#define TERN_PBUF_ERR_MEM (-1)  /* destination too small (lwIP's ERR_MEM) */
#define TERN_PBUF_ERR_BUF (-2)  /* lwIP's ERR_BUF */
#define TERN_PBUF_ERR_VAL (-6)  /* a packet queue where one packet was expected */
#define TERN_PBUF_ERR_ARG (-16) /* NULL argument or length out of range */

#endif
