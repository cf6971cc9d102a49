# The relay's sources, for examples/tunrelay/CMakeLists.txt and the bench
# (bench/CMakeLists.txt includes this file when it exists).  The TUN port
# (port/linux/tun.c) is not part of libtern: every build compiles it in.
set(TUNRELAY_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/main.c
  ${CMAKE_CURRENT_LIST_DIR}/tun_io.c
  ${CMAKE_CURRENT_LIST_DIR}/sockets.c
  ${CMAKE_CURRENT_LIST_DIR}/tcp_relay.c
  ${CMAKE_CURRENT_LIST_DIR}/socks5.c
  ${CMAKE_CURRENT_LIST_DIR}/udp_relay.c
  ${CMAKE_CURRENT_LIST_DIR}/udp_train.c
  ${CMAKE_CURRENT_LIST_DIR}/../../port/linux/tun.c
  ${CMAKE_CURRENT_LIST_DIR}/../../tests/kit/pcap_file.c)
set(TUNRELAY_INCLUDES ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_CURRENT_LIST_DIR}/../../port/include
  ${CMAKE_CURRENT_LIST_DIR}/../../tests/kit)
