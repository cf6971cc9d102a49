# tests/kit/kit.cmake: the test kit as one static library, tern_test_kit
# (the packet codec pkt.h, the scripted TCP peer tcp_peer.h and the pcap
# writer pcap_file.h).  Included by
# every project that uses it: the top-level tests, conformance (also when
# built on its own) and the bench.  The kit includes no stack header, so
# the same objects serve Debian's lwIP and tern.
if(NOT TARGET tern_test_kit)
  add_library(tern_test_kit STATIC
    ${CMAKE_CURRENT_LIST_DIR}/pkt_bytes.c ${CMAKE_CURRENT_LIST_DIR}/pkt_build.c
    ${CMAKE_CURRENT_LIST_DIR}/pkt_parse.c ${CMAKE_CURRENT_LIST_DIR}/pkt_check.c
    ${CMAKE_CURRENT_LIST_DIR}/pkt_reass.c ${CMAKE_CURRENT_LIST_DIR}/tcp_peer.c
    ${CMAKE_CURRENT_LIST_DIR}/pcap_file.c)
  target_include_directories(tern_test_kit PUBLIC ${CMAKE_CURRENT_LIST_DIR})
  target_compile_options(tern_test_kit PRIVATE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes)
  target_compile_definitions(tern_test_kit PRIVATE _GNU_SOURCE)
  set_target_properties(tern_test_kit PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF
    POSITION_INDEPENDENT_CODE ON)
endif()
