#!/bin/sh
# tests/abi/run.sh BUILD_DIR: the ABI tests.
#  - every abi-<variant> program (tests/abi/option_matrix.c built with
#    tests/abi/opts-<variant>/lwipopts.h) runs its UDP and TCP echoes against
#    the one libtern and must exit 0;
#  - abi-mismatch (the same program compiled with an older netif.h whose
#    IPv6 arrays followed LWIP_IPV6_NUM_ADDRESSES) must be stopped by
#    lwip_init with SIGABRT and a message naming struct netif and
#    LWIP_IPV6_NUM_ADDRESSES, before any packet moves;
#  - abi-conflict (two source files, one compiled with that older netif.h)
#    must be stopped the same way: its files registered different layouts.
set -u
build=${1:-build-asan}
dir=$build/tests/abi
failed=0
found=0
for prog in "$dir"/abi-*; do
    [ -x "$prog" ] || continue
    name=${prog##*/}
    case $name in abi-mismatch | abi-conflict) continue ;; esac
    found=$((found + 1))
    if out=$("$prog" 2>&1); then
        echo "ok   $name: $(echo "$out" | tail -n 1)"
    else
        echo "$out" | grep -v '^ok '
        echo "FAIL $name"
        failed=$((failed + 1))
    fi
done
if [ "$found" -lt 3 ]; then
    echo "FAIL only $found option variants built in $dir"
    failed=$((failed + 1))
fi

err=$(mktemp)
"$dir/abi-mismatch" >/dev/null 2>"$err"
status=$?
msg=$(cat "$err")
rm -f "$err"
# 134 = 128 + SIGABRT, as the shell reports a process killed by abort().
if [ "$status" -eq 134 ] && echo "$msg" | grep -q 'struct netif' &&
    echo "$msg" | grep -q 'member ip6_addr' && echo "$msg" | grep -q 'option LWIP_IPV6_NUM_ADDRESSES'; then
    echo "ok   abi-mismatch: refused by lwip_init (status $status): $msg"
else
    echo "FAIL abi-mismatch: status $status, stderr: $msg"
    failed=$((failed + 1))
fi
refused() { # refused NAME PATTERN...: NAME exits by abort() with every PATTERN on stderr
    name=$1
    shift
    err=$(mktemp)
    "$dir/$name" >/dev/null 2>"$err"
    status=$?
    msg=$(cat "$err")
    rm -f "$err"
    ok=1
    [ "$status" -eq 134 ] || ok=0
    for pat in "$@"; do
        echo "$msg" | grep -q "$pat" || ok=0
    done
    if [ "$ok" = 1 ]; then
        echo "ok   $name: refused by lwip_init (status $status): $msg"
    else
        echo "FAIL $name: status $status, stderr: $msg"
        failed=$((failed + 1))
    fi
}
refused abi-conflict 'struct netif' 'registered different layouts'
[ "$failed" -eq 0 ]
