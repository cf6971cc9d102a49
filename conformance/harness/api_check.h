/* api_check.h: which lwIP API functions the linked stack lacks.
 *
 * With CONF_WEAK_API (the tern build by default) every API function the
 * harness calls is declared weak (weak_api.h), so the binary links while
 * tern is still incomplete; a scenario that calls a missing function
 * crashes alone instead of the whole binary failing to link. */
#ifndef CONF_API_CHECK_H
#define CONF_API_CHECK_H

#include <stddef.h>
#include <stdio.h>

/* Prints the missing functions, if any, to out. */
void api_check_report(FILE *out);
/* Appends the list of missing functions to a crash message. */
void api_check_explain(char *msg, size_t cap);

#endif
