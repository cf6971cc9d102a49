/* tests/kit/pcap_file.h: the test kit's pcap writer, independent of any
 * stack (it is compiled into the conformance harness for lwIP and tern and
 * into the relay for both), so every capture the project writes has one
 * format: classic pcap, host byte order (the magic tells readers which),
 * snaplen 65535, LINKTYPE_RAW (packets start at the IPv4/IPv6 header), the
 * format tshark and Wireshark read.  libtern's own tern_pcap_* (tern/phy.h)
 * writes the same bytes for programs that use the library. */
#ifndef TERN_KIT_PCAP_FILE_H
#define TERN_KIT_PCAP_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct kit_pcap kit_pcap;

/* Creates path and writes the file header; buffer_bytes > 0 gives stdio a
 * buffer of that size (the relay writes many packets between flushes).
 * NULL (errno set) if the file cannot be written. */
kit_pcap *kit_pcap_open(const char *path, size_t buffer_bytes);
/* One record: the packet gathered from iov[0..n), stamped ts_us
 * microseconds; more than the snaplen (65535) is cut there, the record
 * keeping the packet's real length.  0, or -1 on a write error. */
int kit_pcap_write(kit_pcap *pc, const struct iovec *iov, int n, uint64_t ts_us);
/* The same for one contiguous packet. */
int kit_pcap_write_bytes(kit_pcap *pc, const void *data, size_t len, uint64_t ts_us);
int kit_pcap_flush(kit_pcap *pc);
/* Flushes and closes; NULL is ignored. */
void kit_pcap_close(kit_pcap *pc);

/* Concatenates the pcap files in[0..n) (written by this module) into out;
 * counts[i] receives the number of packets taken from in[i] (a missing file
 * counts 0, a record cut short by a crash ends its file).  0, or -1. */
int kit_pcap_concat(const char *out, const char *const *in, size_t n, unsigned *counts);

#endif
