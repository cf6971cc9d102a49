#!/bin/bash
# tests/consumer/lwip_apps/run.sh BUILD_DIR
#
# lwIP 2.1.3's own applications (src/apps of Debian's lwip source package)
# against tern, as a user would build them: tern installed into a prefix,
# every app compiled unchanged with `pkg-config tern` and this directory's
# lwipopts.h, then five of them run on tern behind a TUN device in a network
# namespace made here (removed on exit), with the kernel on the other side:
#
#   namespace la$$: kernel 198.18.0.2/24 on TUN ta0  <->  apps_host (tern 198.18.0.1)
#     httpd    (over altcp_tcp, LWIP_ALTCP 1) GET /index.html byte-exact against lwIP's fs/index.html, 404 for /nope
#     lwiperf  100000 bytes up (server report must count them all), then
#              lwiperf's own client sends for 1 s (kernel count == its report)
#     tftp     put and get of 300 KB, byte-exact (UDP)
#     sntp     server found through lwIP's DNS API (our DNS server on the
#              kernel side), the time it sets == the time our NTP server sent
#     mdns     query to 224.0.0.251 answered: IGMP membership and client data;
#              to ff02::fb: MLD membership
#     dns      lwIP's DNS API: NXDOMAIN, a malformed answer, cache, numeric
#
# The lwIP source comes from LWIP_SRC (a directory with src/apps) or
# `apt-get source lwip` into BUILD_DIR/lwip-src (scripts/deps enables
# deb-src).  Prints one line per check and "lwip-apps: N passed, M failed".
set -u
if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
BUILD=$(realpath "$1")
HERE=$(dirname "$(realpath "$0")")
W=$BUILD/lwip-apps
TAG=la$$
NS=$TAG
PASS=0
FAIL=0
HOST_PID=
DNS_PID=

ok() { echo "PASS $1: $2"; PASS=$((PASS + 1)); }
bad() { echo "FAIL $1: $2"; FAIL=$((FAIL + 1)); }
finish() {
    echo "lwip-apps: $PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
    exit $?
}
cleanup() {
    [ -n "$HOST_PID" ] && kill -TERM "$HOST_PID" 2>/dev/null
    [ -n "$DNS_PID" ] && kill -KILL "$DNS_PID" 2>/dev/null
    wait 2>/dev/null
    ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ lwIP source
find_src() {
    local d
    for d in "${LWIP_SRC:-}" "$BUILD"/lwip-src/lwip-2.1.3*; do
        [ -n "$d" ] && [ -d "$d/src/apps" ] && { echo "$d"; return 0; }
    done
    return 1
}
SRC=$(find_src)
if [ -z "$SRC" ]; then
    mkdir -p "$BUILD/lwip-src"
    (cd "$BUILD/lwip-src" && apt-get source -qq --download-only lwip >/dev/null 2>&1 &&
        dpkg-source --no-check -x lwip_*.dsc >/dev/null 2>&1)
    SRC=$(find_src)
fi
if [ -z "$SRC" ]; then
    bad source "no lwIP source: apt-get source lwip failed (deb-src enabled? scripts/deps does it)"
    finish
fi
APPS=$SRC/src/apps

# ------------------------------------------------------------ install tern
rm -rf "$W"
mkdir -p "$W/obj" "$W/inc/lwip" "$W/tftp"
if ! cmake --install "$BUILD" --prefix "$W/prefix" >"$W/install.log" 2>&1; then
    bad install "cmake --install failed: $(tail -1 "$W/install.log")"
    finish
fi
PC="pkg-config --define-variable=prefix=$W/prefix"
export PKG_CONFIG_PATH=$W/prefix/lib/pkgconfig:$W/prefix/lib64/pkgconfig:$W/prefix/lib/x86_64-linux-gnu/pkgconfig
CFLAGS_TERN=$($PC --cflags tern) || { bad pkg-config "tern.pc not found"; finish; }
LIBS_TERN=$($PC --libs tern)
LIBDIR=$($PC --variable=libdir tern)
SAN=
grep -q '^TERN_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null && SAN="-fsanitize=address,undefined"
# The apps' own headers only (lwip/apps/*.h): every other lwip/ header must
# come from tern.
cp -r "$SRC/src/include/lwip/apps" "$W/inc/lwip/"
CC=${CC:-cc}
CFLAGS="-g -O1 -fPIC -Wall -Werror=implicit-function-declaration $SAN -I$HERE -I$W/inc $CFLAGS_TERN"

# ------------------------------------------------------------ build every app
# name: sources (relative to src/apps) [extra flags]
build_app() {
    local name=$1 flags=$2
    shift 2
    local f log=$W/obj/$name.log
    for f in "$@"; do
        # shellcheck disable=SC2086
        if ! $CC -c $CFLAGS $flags -I"$APPS/http" "$APPS/$f" -o "$W/obj/$name-$(basename "$f" .c).o" >>"$log" 2>&1; then
            bad "build $name" "$(grep -m1 -E 'error' "$log")"
            return 1
        fi
    done
    # Every symbol the app uses must resolve in libtern (the stub is the
    # hook this lwipopts.h points SNTP_SET_SYSTEM_TIME at).
    # shellcheck disable=SC2086
    if ! $CC -shared $SAN -o "$W/obj/$name.so" "$W/obj/$name"-*.o "$W/obj/stub.o" $LIBS_TERN \
        -Wl,--no-undefined >>"$log" 2>&1; then
        bad "build $name" "link: $(grep -m1 -E 'undefined|error' "$log")"
        return 1
    fi
    ok "build $name" "$* compiled unchanged, every symbol resolved in libtern"
}
echo 'void apps_host_sntp_set(unsigned long sec) { (void)sec; }' >"$W/obj/stub.c"
$CC -c -fPIC "$W/obj/stub.c" -o "$W/obj/stub.o"
build_app lwiperf "" lwiperf/lwiperf.c
build_app httpd "" http/httpd.c http/fs.c
build_app http_client "" http/http_client.c
build_app sntp "" sntp/sntp.c
build_app tftp "" tftp/tftp_server.c
build_app netbiosns "" netbiosns/netbiosns.c
build_app mqtt "" mqtt/mqtt.c
build_app mdns "" mdns/mdns.c
build_app smtp "" smtp/smtp.c
# The SNMP agent without its MIB-II tables, which read lwIP's internal
# counters and pcb lists (see lwip/snmp.h).
SNMP_SRCS=()
for f in "$APPS"/snmp/*.c; do
    case $(basename "$f") in snmp_mib2*.c | snmpv3_mbedtls.c) continue ;; esac
    SNMP_SRCS+=("snmp/$(basename "$f")")
done
build_app snmp "-DLWIP_SNMP=1 -DSNMP_LWIP_MIB2=0" "${SNMP_SRCS[@]}"
# altcp (LWIP_ALTCP 1): httpd over tern's altcp_tcp layer (the one that
# runs below), and the proxy-connect layer.
build_app httpd_altcp "-DLWIP_ALTCP=1" http/httpd.c http/fs.c
build_app altcp_proxyconnect "-DLWIP_ALTCP=1" http/altcp_proxyconnect.c

# The driver links every app that runs below.
if ! $CC $CFLAGS -c "$HERE/apps_host.c" -o "$W/obj/apps_host.o" >"$W/obj/host.log" 2>&1 ||
    ! $CC $SAN -o "$W/apps_host" "$W/obj/apps_host.o" "$W"/obj/lwiperf-*.o "$W"/obj/httpd_altcp-*.o \
        "$W"/obj/tftp-*.o "$W"/obj/sntp-*.o "$W"/obj/mdns-*.o $LIBS_TERN -Wl,-rpath,"$LIBDIR" -lm \
        >>"$W/obj/host.log" 2>&1; then
    bad "link apps_host" "$(grep -m1 -E 'error|undefined' "$W/obj/host.log")"
    finish
fi
ok "link apps_host" "lwiperf, httpd (LWIP_ALTCP 1), tftp, sntp and mdns linked against -ltern"

# ------------------------------------------------------------ run them on a TUN
if [ "$(id -u)" != 0 ]; then
    bad run "needs root (network namespace, TUN)"
    finish
fi
ip netns add "$NS" || { bad run "ip netns add failed"; finish; }
ip -n "$NS" link set lo up
ip -n "$NS" tuntap add mode tun dev ta0 || { bad run "no TUN device"; finish; }
ip -n "$NS" addr add 198.18.0.2/24 dev ta0
ip -n "$NS" link set ta0 up
ip -n "$NS" route add 224.0.0.0/4 dev ta0
ip -n "$NS" addr add fd00:18::2/64 dev ta0 nodad
head -c 300000 /dev/urandom >"$W/tftp/blob.bin"

# Both bound their own run time; `ip netns exec` execs them, so the PIDs
# kept are theirs.
ip netns exec "$NS" python3 "$HERE/client.py" dnsntp 30 >"$W/dns.log" 2>&1 &
DNS_PID=$!
for _ in $(seq 50); do
    grep -q "DNSNTP READY" "$W/dns.log" && break
    sleep 0.1
done
ip netns exec "$NS" "$W/apps_host" ta0 "$W/tftp" 50 >"$W/host.log" 2>&1 &
HOST_PID=$!
for _ in $(seq 50); do
    grep -q READY "$W/host.log" && break
    sleep 0.1
done
grep -q READY "$W/host.log" || { bad run "apps_host did not start: $(head -3 "$W/host.log")"; finish; }

check() { # name timeout client.py args...
    local name=$1 to=$2 out rc
    shift 2
    out=$(ip netns exec "$NS" timeout -k 2 "$to" python3 "$HERE/client.py" "$@" 2>&1)
    rc=$?
    out=$(echo "$out" | tail -1)
    if [ $rc -eq 0 ] && [[ $out == PASS* ]]; then
        PASS=$((PASS + 1))
        echo "$out"
    else
        bad "$name" "${out:-no output} (exit $rc)"
    fi
}
check httpd 20 http "$APPS/http/fs"
check tftp 30 tftp "$W/tftp" blob.bin
check mdns 15 mdns
check mdns6 15 mdns6 ta0

out=$(ip netns exec "$NS" timeout -k 2 30 python3 "$HERE/client.py" iperf 100000 2>&1 | tail -1)
sent=$(echo "$out" | sed -n 's/^IPERF sent=\([0-9]*\) received=\([0-9]*\)$/\1/p')
recv=$(echo "$out" | sed -n 's/^IPERF sent=\([0-9]*\) received=\([0-9]*\)$/\2/p')
for _ in $(seq 30); do
    grep -q "LWIPERF type=1 " "$W/host.log" && break
    sleep 0.1
done
srv=$(sed -n 's/^LWIPERF type=0 bytes=\([0-9]*\)$/\1/p' "$W/host.log" | tail -1)
cli=$(sed -n 's/^LWIPERF type=1 bytes=\([0-9]*\)$/\1/p' "$W/host.log" | tail -1)
if [ -n "$sent" ] && [ "$sent" = "$srv" ] && [ -n "$recv" ] && [ "$recv" = "$cli" ] && [ "$recv" -gt 0 ]; then
    ok lwiperf "server counted all $sent bytes sent to it; its client sent $cli bytes in 1 s, kernel received $recv"
else
    bad lwiperf "kernel sent ${sent:-?}, server report ${srv:-none}; lwiperf client report ${cli:-none}, kernel received ${recv:-?} ($out)"
fi

# SNTP asked our DNS server for its server's name, then set the time our
# NTP server answered with (3900000000 s since 1900 = 1691011200 Unix).
for _ in $(seq 100); do
    grep -q "^SNTP sec=" "$W/host.log" && break
    sleep 0.1
done
if grep -q "^SNTP sec=1691011200$" "$W/host.log" && grep -q "DNS query ntp.tern.test type 1" "$W/dns.log"; then
    ok sntp "server name resolved through dns_gethostbyname, time set to 1691011200 as served"
else
    bad sntp "host: $(grep SNTP "$W/host.log" | head -1) dns: $(head -2 "$W/dns.log" | tr '\n' ' ')"
fi

# lwIP's DNS API itself: NXDOMAIN gives NULL, a malformed answer is
# dropped (NULL after the retries), a name SNTP resolved comes from the
# cache at once, a numeric name needs no query.
for _ in $(seq 150); do
    grep -q "^DNS bad.tern.test" "$W/host.log" && break
    sleep 0.1
done
if grep -q "^DNS nx.tern.test -> none$" "$W/host.log" && grep -q "^DNS bad.tern.test -> none$" "$W/host.log" &&
    grep -q "^DNS ntp.tern.test -> 198.18.0.2 (at once)$" "$W/host.log" &&
    grep -q "^DNS 198.18.0.7 -> 198.18.0.7 (at once)$" "$W/host.log"; then
    ok dns "NXDOMAIN and a malformed answer give NULL, cached and numeric names resolve at once"
else
    bad dns "$(grep '^DNS' "$W/host.log" | tr '\n' ' ')"
fi

kill -TERM "$HOST_PID" 2>/dev/null
wait "$HOST_PID" 2>/dev/null
rc=$?
HOST_PID=
if [ $rc -eq 0 ] && grep -q DONE "$W/host.log" && ! grep -q "ERROR: .*Sanitizer" "$W/host.log"; then
    ok shutdown "apps_host stopped cleanly (sanitizers quiet)"
else
    bad shutdown "exit $rc: $(grep -m1 -E 'Sanitizer|DONE' "$W/host.log")"
fi
finish
