/* pcap.h: a minimal pcap writer (LINKTYPE_RAW: packets start at the IP
 * header), so tshark can dissect what a stack sent. */
#ifndef CONF_PCAP_H
#define CONF_PCAP_H

#include <stddef.h>
#include <stdint.h>

int pcap_open(const char *path);
void pcap_write(const uint8_t *data, size_t len, uint32_t t_ms);

/* Concatenates the pcap files in[0..n) into out, all written by this
 * module; counts[i] receives the number of packets taken from in[i]
 * (missing files count 0).  Lets tshark check a whole run in one go. */
int pcap_concat(const char *out, const char *const *in, size_t n, unsigned *counts);

#endif
