#!/bin/sh
# tests/relay/tsan.sh [BUILD_DIR]: the relay's multi-queue suite
# (tests/relay/run.sh mq: --queues 4, 500 connections, a UDP flood, clean
# SIGTERM exit) on a ThreadSanitizer build of tunrelay-tern, configured
# and built here in BUILD_DIR (default build-tsan; only the relay and
# libtern, about 40 s on two cores).  ThreadSanitizer exits non-zero (66)
# on any report, which the suite's exit check fails on; the report is then
# printed from the relay's log.
set -u
build=${1:-build-tsan}
root=$(cd "$(dirname "$0")/../.." && pwd)
flags="-fsanitize=thread -fno-omit-frame-pointer"
if ! cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread >/dev/null ||
    ! cmake --build "$build" -j2 --target tunrelay-tern >/dev/null; then
    echo "FAIL tsan/build: could not build tunrelay-tern with -fsanitize=thread"
    echo "relay: 0 passed, 1 failed"
    exit 1
fi
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:exitcode=66}
exec bash "$root/tests/relay/run.sh" "$build" mq
