/* child.h: what runs inside the forked process of one scenario. */
#ifndef CONF_CHILD_H
#define CONF_CHILD_H

#include "scenario.h"

/* Exit status of a child whose scenario ran to the end with failed
 * assertions (0 means all passed; anything else is abnormal). */
#define CHILD_ASSERT_FAILED 3

/* Runs s against a fresh stack; returns the exit status for the child. */
int child_run(const struct scenario *s, const char *trace_path, const char *pcap_path);

#endif
