#!/bin/bash
# tests/relay/run.sh BUILD_DIR [lwip|tern|mq|socks5|all]  (mq: only the --queues 4
# suite; socks5: only tern's SOCKS5 echo of 50 connections, RELAY_TEST_REPEAT times)
#
# End-to-end tests of examples/tunrelay through a real TUN device, in two
# private network namespaces created here and removed on exit (trap):
#
#   namespace A ("client side")                namespace B ("servers")
#   ---------------------------                ---------------------
#   test clients (tests/relay/client.py)       tests/relay/servers.py
#        | routes / policy rules                 198.18.1.2, 198.18.1.3
#        v                                       fd00:1:1::2, fd00:1:1::3
#   TUN tr0 198.18.0.2 peer 198.18.0.1           ^
#           fd00:1::2/64                         |
#        | packets                               |
#   tunrelay (lwIP stack on the TUN) --kernel sockets, SO_MARK 1-- veth a0/b0
#                                               198.18.1.1/24 <-> 198.18.1.2/24
#
# tunrelay-lwip (stock lwIP) owns 198.18.0.1 / fd00:1::1 and serves a port
# list (--listen), forwarding to --upstream 198.18.1.2.  Clients connect to
# 198.18.0.1 or [fd00:1::1].
# tunrelay-tern (TUN2SOCKS catch-all) is reached by policy routing: unmarked
# traffic to 198.18.1.0/24 and fd00:1:1::/64 goes through tr0 (table 100),
# the relay's own sockets carry mark 1 and use the main table (veth).
# Clients connect to the servers' real addresses; the relay connects to the
# original destination.
#
# Environment: RELAY_TEST_MB (bulk transfer size, default 100),
# RELAY_TEST_CONNS (concurrent connections, default 500), RELAY_TEST_KEEP=1
# (keep logs and pcaps in the temporary directory), RELAY_TEST_REPEAT (how
# many times the socks5 section runs its echo, default 1).
# Prints one line per check and "relay: N passed, M failed"; exits non-zero
# on any failure.
set -u
if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [lwip|tern|mq|socks5|all]" >&2
    exit 2
fi
BUILD=$(realpath "$1")
WHICH=${2:-all}
HERE=$(dirname "$(realpath "$0")")
MB=${RELAY_TEST_MB:-100}
CONNS=${RELAY_TEST_CONNS:-500}
TAG=tr$$
NSA=${TAG}a
NSB=${TAG}b
TMP=$(mktemp -d /tmp/relaytest.XXXXXX)
PASS=0
FAIL=0
SERVER_PID=
RELAY_PID=

say() { echo "$@"; }

cleanup() {
    [ -n "$RELAY_PID" ] && kill -KILL "$RELAY_PID" 2>/dev/null
    [ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null
    wait 2>/dev/null
    ip netns del "$NSA" 2>/dev/null
    ip netns del "$NSB" 2>/dev/null
    if [ -n "${RELAY_TEST_KEEP:-}" ]; then echo "relay: logs kept in $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { say "PASS $1: $2"; PASS=$((PASS + 1)); }
bad() { say "FAIL $1: $2"; FAIL=$((FAIL + 1)); }

# check NAME TIMEOUT client.py-subcommand args...  (runs in namespace A)
check() {
    local name=$1 to=$2
    shift 2
    local out
    out=$(timeout -k 5 "$to" ip netns exec "$NSA" python3 "$HERE/client.py" "$1" "$name" "${@:2}" 2>&1)
    local rc=$?
    [ -z "$out" ] && out="FAIL $name: no output (exit $rc${rc:+, 124 = timeout})"
    out=$(echo "$out" | tail -1)
    if [ $rc -eq 0 ] && [[ $out == PASS* ]]; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        [[ $out == PASS* ]] && out="FAIL $name: exit $rc"
    fi
    say "$out"
}

for tool in ip python3 timeout; do
    command -v $tool >/dev/null || { echo "relay: $tool missing"; echo "relay: 0 passed, 1 failed"; exit 1; }
done
if [ "$(id -u)" != 0 ]; then
    echo "FAIL setup: needs root (network namespaces, TUN)"
    echo "relay: 0 passed, 1 failed"
    exit 1
fi

# ---------------------------------------------------------------- network
setup_net() {
    ip netns add "$NSA" && ip netns add "$NSB" || return 1
    ip -n "$NSA" link set lo up
    ip -n "$NSB" link set lo up
    ip link add a0 netns "$NSA" type veth peer name b0 netns "$NSB" || return 1
    ip -n "$NSA" addr add 198.18.1.1/24 dev a0
    ip -n "$NSB" addr add 198.18.1.2/24 dev b0
    ip -n "$NSB" addr add 198.18.1.3/24 dev b0
    ip -n "$NSA" addr add fd00:1:1::1/64 dev a0 nodad
    ip -n "$NSB" addr add fd00:1:1::2/64 dev b0 nodad
    ip -n "$NSB" addr add fd00:1:1::3/64 dev b0 nodad
    ip -n "$NSA" link set a0 up
    ip -n "$NSB" link set b0 up
    ip netns exec "$NSA" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    # the relay's sockets (mark 1) use the main table; everything else may
    # be sent into the TUN by table 100 (filled while tunrelay-tern runs)
    ip -n "$NSA" rule add fwmark 1 lookup main pref 100
    ip -n "$NSA" rule add lookup 100 pref 200
    ip -n "$NSA" -6 rule add fwmark 1 lookup main pref 100
    ip -n "$NSA" -6 rule add lookup 100 pref 200
}

start_servers() {
    mkdir -p "$TMP/www"
    head -c $((MB * 1024 * 1024)) /dev/urandom >"$TMP/www/big.bin"
    head -c $((10 * 1024 * 1024)) /dev/urandom >"$TMP/www/small.bin"
    BIG_SHA=$(sha256sum "$TMP/www/big.bin" | cut -d' ' -f1)
    SMALL_SHA=$(sha256sum "$TMP/www/small.bin" | cut -d' ' -f1)
    ip netns exec "$NSB" bash -c "ulimit -n \$(ulimit -Hn); exec python3 '$HERE/servers.py' --dir '$TMP/www' --ready '$TMP/servers.ready'" \
        >"$TMP/servers.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do
        [ -f "$TMP/servers.ready" ] && return 0
        sleep 0.1
    done
    cat "$TMP/servers.log"
    return 1
}

# ---------------------------------------------------------------- relay
# start_relay BUILDNAME LOG extra-args...
start_relay() {
    local kind=$1 log=$2
    shift 2
    local bin=$BUILD/examples/tunrelay/tunrelay-$kind
    local args=(--tun tr0 --tun-addr 198.18.0.2/32 --tun-peer 198.18.0.1 --tun-addr6 fd00:1::2/64
        --mtu 1500 --mark 1 --udp-timeout 2 "$@")
    if [ "$kind" = lwip ]; then
        args+=(--listen 198.18.0.1:8080,40000,40001,40002,40003,40004,40005,40009,40010,53
            --listen "[fd00:1::1]:8080,40000,40001,40002,40003,40004,40005,40009,40010,53")
        args+=(--upstream 198.18.1.2)
    fi
    : >"$log"
    ip netns exec "$NSA" bash -c 'ulimit -n $(ulimit -Hn); exec "$@"' relay "$bin" "${args[@]}" 2>"$log" &
    RELAY_PID=$!
    for _ in $(seq 100); do
        grep -q ready "$log" && break
        kill -0 "$RELAY_PID" 2>/dev/null || break
        sleep 0.05
    done
    if ! grep -q ready "$log"; then
        cat "$log"
        return 1
    fi
    if [ "$kind" = tern ]; then
        ip -n "$NSA" route add 198.18.1.0/24 dev tr0 src 198.18.0.2 table 100
        ip -n "$NSA" -6 route add fd00:1:1::/64 dev tr0 src fd00:1::2 table 100
    fi
    return 0
}

# counters LOG -> the relay's latest "counters:" line (after SIGUSR1)
counters() {
    local log=$1 n
    n=$(grep -c '^counters:' "$log")
    kill -USR1 "$RELAY_PID" 2>/dev/null
    for _ in $(seq 50); do
        [ "$(grep -c '^counters:' "$log")" -gt "$n" ] && break
        sleep 0.05
    done
    grep '^counters:' "$log" | tail -1
}

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# leak_check NAME LOG [with_udp]: waits up to 15 s for every counter to return to zero
leak_check() {
    local name=$1 log=$2 udp=${3:-1} line
    for _ in $(seq 30); do
        line=$(counters "$log")
        if [ "$(field "$line" open_conns)" = 0 ] && [ "$(field "$line" open_fds)" = 0 ] &&
            [ "$(field "$line" live_pcbs)" = 0 ] &&
            { [ "$udp" = 0 ] || [ "$(field "$line" udp_sessions)" = 0 ]; } &&
            [ "$(field "$line" proc_fds)" = "$(field "$line" proc_fds_baseline)" ]; then
            ok "$name" "open_conns=0 open_fds=0 live_pcbs=0 udp_sessions=$(field "$line" udp_sessions) proc_fds=$(field "$line" proc_fds) (baseline) after $(field "$line" conns_total) connections"
            return
        fi
        sleep 0.5
    done
    bad "$name" "counters did not return to zero: ${line#counters: }"
}

# offload_counters NAME LOG KIND: with offloads (the tern build), trains
# crossed the TUN both ways and the upstream sockets sent with UDP_SEGMENT
# and read coalesced datagrams with UDP_GRO; without (lwip), no train
offload_counters() {
    local name=$1 log=$2 kind=$3 line ti to ss gr
    line=$(counters "$log")
    ti=$(field "$line" trains_in) to=$(field "$line" trains_out)
    ss=$(field "$line" seg_sends) gr=$(field "$line" gro_reads)
    if grep -q 'offloads with uso' "$log"; then
        if [ "${ti:-0}" -gt 0 ] && [ "${to:-0}" -gt 0 ] && [ "${ss:-0}" -gt 0 ] && [ "${gr:-0}" -gt 0 ]; then
            ok "$name" "trains_in=$ti trains_out=$to seg_sends=$ss gro_reads=$gr"
        else
            bad "$name" "an offload was not used: trains_in=$ti trains_out=$to seg_sends=$ss gro_reads=$gr"
        fi
    elif [ "$kind" = lwip ] || grep -q 'offload off' <<<"$name"; then
        if [ "${ti:-1}" = 0 ] && [ "${to:-1}" = 0 ]; then
            ok "$name" "no TUN offloads (stack checks checksums or --offload off): no trains on the TUN, seg_sends=$ss gro_reads=$gr"
        else
            bad "$name" "trains without USO: trains_in=$ti trains_out=$to"
        fi
    else
        bad "$name" "the tern build started without USO: $(grep ready "$log")"
    fi
}

# the tern build with every offload off: the same trains, cut by the kernel
offload_off_suite() {
    local log=$TMP/relay-tern-nooffload.log
    [ -x "$BUILD/examples/tunrelay/tunrelay-tern" ] || return
    if ! start_relay tern "$log" --offload off --udp-segment off --udp-gro off; then
        bad "tern/offload-off-start" "relay did not start: $(head -3 "$log" | tr '\n' ' ')"
        return
    fi
    check "tern/offload-off-udp-trains-v4" 60 udp-trains 198.18.1.2 40010
    check "tern/offload-off-udp-trains-v6" 60 udp-trains fd00:1:1::2 40010
    check "tern/offload-off-udp-echo-v4" 30 udp-echo 198.18.1.2 40000
    local line
    line=$(counters "$log")
    if [ "$(field "$line" trains_in)" = 0 ] && [ "$(field "$line" trains_out)" = 0 ] &&
        [ "$(field "$line" seg_sends)" = 0 ] && [ "$(field "$line" gro_reads)" = 0 ]; then
        ok "tern/offload-off-unused" "no train, no UDP_SEGMENT send, no UDP_GRO read"
    else
        bad "tern/offload-off-unused" "${line#counters: }"
    fi
    stop_relay "tern/offload-off-exit" "$log"
}

# The tern build with offloads but without USO (kernels before 6.2): a
# burst of small datagrams waits in the TUN's queue while the relay is
# stopped; woken, the relay must read them in rounds of up to 64 and send
# each round's datagrams upstream in large UDP_SEGMENT sends.  Rounds of 8
# (one per batch of 8 big receive buffers) made one sendmsg, and one
# wake-up of the server, per 8 datagrams.
burst_suite() {
    local log=$TMP/relay-tern-nouso.log line up0 ss0 dr0 up ss dr
    [ -x "$BUILD/examples/tunrelay/tunrelay-tern" ] || return
    if ! start_relay tern "$log" --offload-uso off; then
        bad "tern/no-uso-start" "relay did not start: $(head -3 "$log" | tr '\n' ' ')"
        return
    fi
    if ! grep -q 'offloads)' "$log"; then
        bad "tern/no-uso-start" "expected offloads without USO: $(grep ready "$log")"
        stop_relay "tern/no-uso-exit" "$log"
        return
    fi
    check "tern/no-uso-udp-echo-v4" 30 udp-echo 198.18.1.2 40000 # the flow's session exists
    line=$(counters "$log")
    up0=$(field "$line" udp_up) ss0=$(field "$line" seg_sends) dr0=$(field "$line" drops)
    kill -STOP "$RELAY_PID"
    check "tern/no-uso-burst-sent" 30 udp-burst 198.18.1.2 40000 256
    kill -CONT "$RELAY_PID"
    for _ in $(seq 50); do
        line=$(counters "$log")
        up=$(($(field "$line" udp_up) - up0)) ss=$(($(field "$line" seg_sends) - ss0))
        dr=$(($(field "$line" drops) - dr0))
        [ $((up + dr)) -ge 256 ] && break
        sleep 0.1
    done
    # 256 datagrams in rounds of 64, each round in sends of up to 54 (65000
    # bytes): 8 sends; rounds of 8 made 32
    if [ $((up + dr)) = 256 ] && [ "$up" -ge 128 ] && [ "$ss" -ge 1 ] && [ "$ss" -le 16 ]; then
        ok "tern/no-uso-burst-batched" "256 datagrams left in $ss UDP_SEGMENT sends ($up sent, $dr dropped)"
    else
        bad "tern/no-uso-burst-batched" "256 datagrams: $up sent in $ss sends, $dr dropped (want at most 16 sends)"
    fi
    stop_relay "tern/no-uso-exit" "$log"
}

# --queues 4 (tern build): one thread, stack and epoll per TUN queue; the
# kernel's flow hash spreads the flows, each must arrive byte-exact, and
# every thread must end cleanly on SIGTERM (the ASan build: no leak)
multiqueue_suite() {
    local log=$TMP/relay-tern-mq.log line used
    [ -x "$BUILD/examples/tunrelay/tunrelay-tern" ] || return
    say "--- tunrelay-tern --queues 4"
    if ! start_relay tern "$log" --queues 4; then
        bad "tern/mq-start" "relay did not start: $(head -3 "$log" | tr '\n' ' ')"
        return
    fi
    check "tern/mq-concurrent-$CONNS" 150 echo-many 198.18.1.2 "$CONNS" 65536
    check "tern/mq-download-v4" 120 download 198.18.1.2 big.bin "$BIG_SHA"
    check "tern/mq-upload-v6" 120 upload fd00:1:1::2 $((10 * 1024 * 1024))
    check "tern/mq-udp-flood-v4" 60 udp-flood 198.18.1.2 40000 64 50
    check "tern/mq-udp-flood-v6" 60 udp-flood fd00:1:1::2 40000 32 50
    check "tern/mq-udp-trains-v4" 60 udp-trains 198.18.1.2 40010
    line=$(counters "$log")
    used=$(field "$line" queues_used)
    # 500 connections and 96 UDP flows all hashed to one queue of 4: 4^-595
    if [ "$(field "$line" queues)" = 4 ] && [ "${used:-0}" -ge 2 ]; then
        ok "tern/mq-queues-used" "$used of 4 queues carried flows (conns_total=$(field "$line" conns_total) udp_total=$(field "$line" udp_total))"
    else
        bad "tern/mq-queues-used" "${line#counters: }"
    fi
    leak_check "tern/mq-no-leaks" "$log" 1
    stop_relay "tern/mq-exit" "$log"
}

# tern with a SOCKS5 upstream only: 50 concurrent echoes of 100000+ bytes,
# RELAY_TEST_REPEAT times against one relay (a focused rerun of the suite's
# socks5-concurrent-50), then its counters must return to zero
socks5_suite() {
    local log=$TMP/relay-tern-socks5.log i
    [ -x "$BUILD/examples/tunrelay/tunrelay-tern" ] || return
    say "--- tunrelay-tern --socks5"
    if ! start_relay tern "$log" --socks5 198.18.1.2:1080; then
        bad "tern/socks5-start" "relay did not start: $(head -3 "$log" | tr '\n' ' ')"
        return
    fi
    for i in $(seq "${RELAY_TEST_REPEAT:-1}"); do
        check "tern/socks5-concurrent-50.$i" 60 echo-many 198.18.1.2 50 100000
    done
    leak_check "tern/socks5-no-leaks" "$log" 1
    stop_relay "tern/socks5-exit" "$log"
}

stop_relay() {
    local name=$1 log=$2
    kill -TERM "$RELAY_PID" 2>/dev/null
    local rc=0
    for _ in $(seq 100); do
        kill -0 "$RELAY_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$RELAY_PID" 2>/dev/null; then
        kill -KILL "$RELAY_PID"
        wait "$RELAY_PID" 2>/dev/null
        bad "$name" "did not exit within 5 s of SIGTERM"
    else
        wait "$RELAY_PID"
        rc=$?
        local line
        line=$(grep '^exit:' "$log" | tail -1)
        if [ $rc = 0 ] && [ -n "$line" ] && [ "$(field "$line" open_fds)" = 0 ] &&
            [ "$(field "$line" live_pcbs)" = 0 ]; then
            ok "$name" "clean exit on SIGTERM (status 0, ${line#exit: })"
        else
            bad "$name" "exit status $rc; $(grep -E '^exit:|ERROR|Sanitizer|leak' "$log" | head -5 | tr '\n' ' ')"
        fi
    fi
    RELAY_PID=
}

# ---------------------------------------------------------------- suites
suite() {
    local kind=$1
    local log=$TMP/relay-$kind.log
    local v4 v6 up4 up6
    say "--- tunrelay-$kind"
    if [ ! -x "$BUILD/examples/tunrelay/tunrelay-$kind" ]; then
        bad "$kind/build" "$BUILD/examples/tunrelay/tunrelay-$kind not built"
        return
    fi
    if ! start_relay "$kind" "$log" --stats; then
        bad "$kind/start" "relay did not start: $(head -3 "$log" | tr '\n' ' ')"
        return
    fi
    if [ "$kind" = tern ]; then
        v4=198.18.1.2 v6=fd00:1:1::2
    else
        v4=198.18.0.1 v6=fd00:1::1
    fi
    check "$kind/download-v4" 120 download "$v4" big.bin "$BIG_SHA"
    check "$kind/download-v6" 120 download "$v6" big.bin "$BIG_SHA"
    check "$kind/upload-v4" 120 upload "$v4" $((MB * 1024 * 1024))
    check "$kind/upload-v6" 120 upload "$v6" $((MB * 1024 * 1024))
    check "$kind/concurrent-$CONNS" 150 echo-many "$v4" "$CONNS" 65536
    leak_check "$kind/conns-return-to-zero" "$log" 0
    check "$kind/concurrent-v6-50" 60 echo-many "$v6" 50 200000
    check "$kind/client-abort" 30 client-abort "$v4"
    check "$kind/server-abort" 30 server-abort "$v4"
    check "$kind/client-abort-v6" 30 client-abort "$v6"
    check "$kind/server-abort-v6" 30 server-abort "$v6"
    check "$kind/half-close-client-first" 30 half-c2s "$v4"
    check "$kind/half-close-server-first" 30 half-s2c "$v4"
    check "$kind/half-close-server-first-v6" 30 half-s2c "$v6"
    check "$kind/stalled-reader-no-spin" 30 slow-reader "$v4" "$RELAY_PID"
    check "$kind/udp-echo-v4" 30 udp-echo "$v4" 40000
    check "$kind/udp-echo-v6" 30 udp-echo "$v6" 40000
    check "$kind/dns-v4" 30 dns "$v4" 53
    check "$kind/dns-v6" 30 dns "$v6" 53
    # UDP trains (UDP_SEGMENT / UDP_GRO at both ends): datagram boundaries
    # and bytes kept; the tern build runs with the TUN's USO, lwIP's without
    check "$kind/udp-trains-v4" 60 udp-trains "$v4" 40010
    check "$kind/udp-trains-v6" 60 udp-trains "$v6" 40010
    offload_counters "$kind/udp-offloads-used" "$log" "$kind"
    if [ "$kind" = tern ]; then
        # catch-all: the original destination address and port reach the server
        check "$kind/original-dst-v4" 20 whoami 198.18.1.2 40003 "198.18.1.2 40003"
        check "$kind/original-dst-v4-other-addr" 20 whoami 198.18.1.3 40003 "198.18.1.3 40003"
        check "$kind/original-dst-v6" 20 whoami fd00:1:1::3 40003 "fd00:1:1::3 40003"
        check "$kind/udp-original-dst-v4" 30 udp-echo 198.18.1.3 40000
        check "$kind/udp-original-dst-v6" 30 udp-echo fd00:1:1::3 40000
    else
        check "$kind/upstream" 20 whoami 198.18.0.1 40003 "198.18.1.2 40003"
    fi
    if grep -q '^stats: ' "$log"; then
        ok "$kind/stats" "$(grep -c '^stats: ' "$log") lines, busiest: $(grep '^stats: ' "$log" | sort -t= -k6 -g | tail -1)"
    else
        bad "$kind/stats" "no stats line"
    fi
    leak_check "$kind/no-leaks" "$log" 1
    check "$kind/idle-cpu" 10 idle-cpu "$RELAY_PID"
    stop_relay "$kind/exit" "$log"

    # second run: SOCKS5 upstream and a pcap of everything crossing the TUN
    local plog=$TMP/relay-$kind-pcap.log pcap=$TMP/$kind.pcap
    if ! start_relay "$kind" "$plog" --socks5 198.18.1.2:1080 --pcap "$pcap"; then
        bad "$kind/socks5-start" "relay did not start: $(head -3 "$plog" | tr '\n' ' ')"
        return
    fi
    check "$kind/socks5-download" 60 download "$v4" small.bin "$SMALL_SHA"
    check "$kind/socks5-upload-v6" 60 upload "$v6" $((10 * 1024 * 1024))
    check "$kind/socks5-concurrent-50" 60 echo-many "$v4" 50 100000
    if [ "$kind" = tern ]; then
        check "$kind/socks5-original-dst" 20 whoami 198.18.1.3 40003 "198.18.1.3 40003"
    fi
    check "$kind/socks5-server-abort" 30 server-abort "$v4"
    check "$kind/pcap-udp" 30 udp-echo "$v6" 40000
    check "$kind/pcap-dns" 30 dns "$v4" 53
    leak_check "$kind/socks5-no-leaks" "$plog" 1
    stop_relay "$kind/socks5-exit" "$plog"
    if command -v tshark >/dev/null; then
        local npk malformed
        # Judged are the packets' IP, TCP, UDP and ICMP layers: the payloads
        # are random bytes, which tshark's application dissectors (chosen by
        # port or heuristic: an upload from an ephemeral port once showed as
        # "IRC") would call malformed at random.  tshark 4.0 takes no "ALL"
        # (it kept dissecting IRC on port 57000, HTTP, DNS, EtherCAT): every
        # TCP and UDP port is decoded as plain data instead.
        local l4=(--disable-protocol ALL --enable-protocol frame,raw,ip,ipv6,tcp,udp,icmp,icmpv6
            -d tcp.port==1-65535,data -d udp.port==1-65535,data)
        npk=$(tshark -r "$pcap" "${l4[@]}" 2>/dev/null | wc -l)
        # stderr too (a truncated file is reported there), minus the root warning
        malformed=$(tshark -r "$pcap" "${l4[@]}" -Y _ws.malformed 2>&1 | grep -v 'Running as user "root"')
        if [ -z "$malformed" ] && [ "$npk" -gt 1000 ]; then
            ok "$kind/pcap" "tshark read $npk packets, none malformed"
        else
            bad "$kind/pcap" "$npk packets; malformed: $(echo "$malformed" | head -3 | tr '\n' ' ')"
        fi
    else
        say "SKIP $kind/pcap: tshark not installed"
    fi
}

# tun_errors KIND: the TUN port's errors and attach mode, in namespace A
# expect_error NAME PATTERN command...: the relay must fail with a message matching PATTERN
expect_error() {
    local name=$1 pat=$2 out rc
    shift 2
    out=$(timeout 10 "$@" 2>&1)
    rc=$?
    out=$(echo "$out" | grep -v '^==' | head -2 | tr '\n' ' ')
    if [ $rc != 0 ] && [ $rc != 124 ] && echo "$out" | grep -qiE "$pat"; then
        ok "$name" "exit $rc: $out"
    else
        bad "$name" "exit $rc, expected /$pat/: $out"
    fi
}

tun_errors() {
    local kind=$1 bin=$BUILD/examples/tunrelay/tunrelay-$1
    [ -x "$bin" ] || return
    local a=(--listen 198.18.0.1:1 --upstream 198.18.1.2)
    # busy: a second single-queue open of a device another process holds
    ip netns exec "$NSA" "$bin" --tun trbusy "${a[@]}" 2>"$TMP/busy1" &
    local holder=$!
    for _ in $(seq 40); do grep -q ready "$TMP/busy1" && break; sleep 0.05; done
    expect_error "$kind/tun-error-busy" "busy" ip netns exec "$NSA" "$bin" --tun trbusy "${a[@]}"
    kill "$holder"
    wait "$holder" 2>/dev/null
    if [ "$kind" = lwip ]; then
        expect_error "lwip/queues-refused" "needs the tern build" ip netns exec "$NSA" "$bin" --tun trq --queues 2 "${a[@]}"
    fi
    # no /dev/net/tun (a private mount namespace hides it)
    expect_error "$kind/tun-error-no-device" "/dev/net/tun.*(missing|modprobe)" \
        ip netns exec "$NSA" unshare -m sh -c 'mount -t tmpfs none /dev/net && exec "$@"' sh "$bin" --tun trx "${a[@]}"
    # no permission on the device node
    expect_error "$kind/tun-error-no-permission" "permission" \
        ip netns exec "$NSA" setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" --tun trx "${a[@]}"
    # no CAP_NET_ADMIN
    expect_error "$kind/tun-error-no-cap" "CAP_NET_ADMIN" \
        ip netns exec "$NSA" setpriv --bounding-set=-net_admin "$bin" --tun trx "${a[@]}"
    # a TAP device of that name exists
    ip -n "$NSA" tuntap add trtap mode tap
    expect_error "$kind/tun-error-tap-exists" "other flags" ip netns exec "$NSA" "$bin" --tun trtap "${a[@]}"
    ip -n "$NSA" tuntap del trtap mode tap
    # attach to a persistent, already configured TUN without touching it
    ip -n "$NSA" tuntap add trpers mode tun
    ip -n "$NSA" addr add 198.18.0.6/32 peer 198.18.0.5 dev trpers
    ip -n "$NSA" link set trpers up
    ip netns exec "$NSA" "$bin" --tun trpers --no-config --listen 198.18.0.5:40003 --upstream 198.18.1.2 2>"$TMP/pers" &
    local p=$!
    for _ in $(seq 40); do grep -q ready "$TMP/pers" && break; sleep 0.05; done
    local out
    out=$(timeout 10 ip netns exec "$NSA" python3 "$HERE/client.py" whoami "$kind/tun-attach-persistent" 198.18.0.5 40003 "198.18.1.2 40003" 2>&1 | tail -1)
    kill "$p"
    wait "$p" 2>/dev/null
    if [[ $out == PASS* ]] && ip -n "$NSA" link show trpers >/dev/null 2>&1; then
        ok "$kind/tun-attach-persistent" "attached with --no-config, relayed, device kept after exit"
    else
        bad "$kind/tun-attach-persistent" "$out $(head -2 "$TMP/pers" | tr '\n' ' ')"
    fi
    ip -n "$NSA" tuntap del trpers mode tun
}

if ! setup_net; then
    bad setup "could not create namespaces"
elif ! start_servers; then
    bad setup "servers did not start"
else
    case $WHICH in
    lwip) suite lwip; tun_errors lwip ;;
    tern) suite tern; offload_off_suite; burst_suite; multiqueue_suite; tun_errors tern ;;
    mq) multiqueue_suite ;;
    socks5) socks5_suite ;;
    *) suite lwip; suite tern; offload_off_suite; burst_suite; multiqueue_suite; tun_errors lwip; tun_errors tern ;;
    esac
fi
echo "relay: $PASS passed, $FAIL failed"
[ $FAIL = 0 ]
