#!/bin/sh
# tests/kernel/run.sh BUILD_DIR: the echo example, on tern and on Debian's
# lwIP, talks to the Linux kernel's TCP through a TUN in a private network
# namespace: the kernel as client (echo byte-exact, half-close, RST) and
# the stack as client (tern connects out to a kernel echo server).
# Addresses: 198.18.0.1 kernel side, 198.18.0.2 the stack.
set -u
build=${1:-build-asan}
here=$(cd "$(dirname "$0")" && pwd)
ns="tern-kern-$$"
pids=""
pass=0
fail=0

cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT INT TERM

check() {
    if [ "$2" = 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
    echo "kernel: needs root and /dev/net/tun"
    echo "kernel: 0 passed, 1 failed"
    exit 1
fi
ip netns add "$ns" || exit 1
ip netns exec "$ns" ip link set lo up

wait_dev() {
    for _ in $(seq 50); do
        ip netns exec "$ns" ip addr show dev "$1" 2>/dev/null | grep -q 198.18.0.1 && return 0
        sleep 0.1
    done
    return 1
}

for stack in tern lwip; do
    bin="$build/examples/echo/echo-$stack"
    if [ ! -x "$bin" ]; then
        check "$stack: echo-$stack built" 1
        continue
    fi
    ip netns exec "$ns" timeout 120 "$bin" --tun tk0 --addr 198.18.0.2 2>"/tmp/echo-$stack.$$" &
    srv=$!
    pids="$pids $srv"
    wait_dev tk0
    check "$stack: TUN up" $?
    ip netns exec "$ns" timeout 60 python3 "$here/kernel_client.py" 198.18.0.2 7 2000000
    check "$stack: kernel client, 2 MB echoed byte-exact, half-close, RST, UDP" $?
    kill "$srv" 2>/dev/null
    wait "$srv" 2>/dev/null
    rm -f "/tmp/echo-$stack.$$"

    # The stack as client: a kernel echo server on the TUN's kernel side.
    ip netns exec "$ns" timeout 120 python3 "$here/kernel_echo_server.py" 9000 &
    ks=$!
    pids="$pids $ks"
    # Wait until it listens (python's start-up takes seconds on a loaded machine).
    for _ in $(seq 100); do
        ip netns exec "$ns" ss -Htln 'sport = :9000' 2>/dev/null | grep -q . && break
        sleep 0.1
    done
    ip netns exec "$ns" timeout 90 "$bin" --tun tk1 --addr 198.18.0.2 --connect 198.18.0.1:9000 \
        --bytes 2000000 2>"/tmp/echoc.$$"
    rc=$?
    sed "s/^/     /" "/tmp/echoc.$$"; rm -f "/tmp/echoc.$$"
    check "$stack: stack as client, 2 MB echoed by the kernel" "$rc"
    kill "$ks" 2>/dev/null
    wait "$ks" 2>/dev/null
done
echo "kernel: $pass passed, $fail failed"
[ "$fail" = 0 ]
