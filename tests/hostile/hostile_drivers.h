/* tests/hostile/hostile_drivers.h: the fuzz targets' bodies, shared by the
 * libFuzzer/AFL++ entry points in fuzz/ and the fixed-bytes regression
 * tests in test_hostile_fuzzrepro.c (so a crash the fuzzer found replays
 * in the unit tests through exactly the same code).
 *
 * Each driver returns 0, or nonzero after writing the reason to
 * hf_why: a leak of input buffers or pbufs, a packet the stack sent that
 * the independent parser refuses, a pbuf that disagrees with its model.
 * Memory errors are the sanitizers' to report. */
#ifndef TERN_HOSTILE_DRIVERS_H
#define TERN_HOSTILE_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

extern char hf_why[256];

/* (a) One IP packet (the whole input, exact-size) into an interface with
 * a TCP listener on port 80 and a UDP socket on port 7 (both families);
 * then 130 s of timers.  One input in three arrives whole, the others as
 * chains of two or three exact-size segments (cut points from a hash of
 * the input). */
int hf_ip_input(const uint8_t *data, size_t size);

/* (b) A connection is set up first (listener on 80, the emulated peer
 * 198.19.0.2:40000 or 2001:db8::2, handshake options from the first input
 * byte), then records are replayed:
 *
 *   [dt u8][len u16 big-endian][...]
 *
 * dt: bit 7 = "relative": the packet is the connection's: the harness
 * writes the connection's addresses and ports into it and adds the peer's
 * SND.NXT to its sequence number and the stack's next byte to its
 * acknowledgment, then fixes the checksums.  Bits 0-5 are the time that
 * passes before the record, in units of 10 ms, or of 1 s when bit 6 is set.
 *
 * len <= 0x7fff: an IP packet of len bytes follows (cut at the input's end).
 * len >= 0x8000: an application action, (len >> 12) & 7 with argument
 * len & 0xfff: 0 write arg*16 bytes, 1 recved arg*16 bytes, 2 close,
 * 3 abort, 4 shutdown (arg bit 0 rx, bit 1 tx; once both directions are
 * shut, in one call or two, the application closes the socket and lets go
 * of it, as lwIP's rule has it), 5 output, 6 toggle
 * refusing data and offer refused data again, 7 the peer: send arg bytes
 * in order (arg < 0x800) or take the stack's data and acknowledge it with
 * window (arg & 0x7ff) << 5. */
int hf_tcp_stateful(const uint8_t *data, size_t size);

/* (c) pbuf API operation sequences checked against a flat byte model. */
int hf_pbuf(const uint8_t *data, size_t size);

/* Fixes, in place, the lengths and checksums of one IP packet (total or
 * payload length = len, UDP length, IPv4 header, TCP/UDP/ICMP/ICMPv6
 * checksums of unfragmented packets).  Used by the custom mutators. */
void hf_fix_packet(uint8_t *pkt, size_t len);
/* The same for every packet record of a (b) input. */
void hf_fix_records(uint8_t *data, size_t size);

#endif
