/* tests/unit/suites.h: the list of unit-test suites; each file
 * test_<name>.c defines tern_test_register_<name>(). */
#ifndef TERN_UNIT_SUITES_H
#define TERN_UNIT_SUITES_H

#define TERN_UNIT_SUITES                                                                                   \
    SUITE(checksum)                                                                                        \
    SUITE(wire)                                                                                            \
    SUITE(pbuf)                                                                                            \
    SUITE(compat_addr)                                                                                     \
    SUITE(timer)                                                                                           \
    SUITE(ip)                                                                                              \
    SUITE(compat_tcp)                                                                                      \
    SUITE(compat_pool)                                                                                     \
    SUITE(tcp_link)                                                                                        \
    SUITE(tcp_stall)                                                                                       \
    SUITE(tcp_rack)                                                                                        \
    SUITE(tcp_bottleneck)                                                                                  \
    SUITE(tcp_autotune)                                                                                    \
    SUITE(hostile_ipv4)                                                                                    \
    SUITE(hostile_tcp)                                                                                     \
    SUITE(hostile_udp)                                                                                     \
    SUITE(hostile_ipv6)                                                                                    \
    SUITE(hostile_load)                                                                                    \
    SUITE(hostile_fuzzrepro)                                                                               \
    SUITE(hostile_split)

#define SUITE(name) void tern_test_register_##name(void);
TERN_UNIT_SUITES
#undef SUITE

#endif
