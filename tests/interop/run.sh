#!/bin/sh
# tests/interop/run.sh BUILD_DIR: a tern process and an lwIP process
# exchange IP packets over a socketpair and move data both ways, with each
# stack as server and as client.
set -u
build=${1:-build-asan}
bin="$build/tests/interop"
pass=0
fail=0
pair() {
    python3 - "$@" <<'PY'
import os, socket, subprocess, sys
srv, cli, nbytes = sys.argv[1], sys.argv[2], sys.argv[3]
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
for s in (a, b):
    s.setblocking(False)
ps = [subprocess.Popen([srv, "server", str(a.fileno()), nbytes], pass_fds=[a.fileno()]),
      subprocess.Popen([cli, "client", str(b.fileno()), nbytes], pass_fds=[b.fileno()])]
codes = []
for p in ps:
    try:
        codes.append(p.wait(timeout=90))
    except subprocess.TimeoutExpired:
        p.kill()
        codes.append(-1)
sys.exit(0 if codes == [0, 0] else 1)
PY
}
for combo in "lwip tern" "tern lwip" "tern tern" "lwip lwip"; do
    set -- $combo
    if [ ! -x "$bin/interop-peer-$1" ] || [ ! -x "$bin/interop-peer-$2" ]; then
        echo "FAIL $1 server, $2 client: binary missing"
        fail=$((fail + 1))
        continue
    fi
    if pair "$bin/interop-peer-$1" "$bin/interop-peer-$2" 4000000 2>/tmp/interop.$$; then
        echo "ok   $1 server, $2 client: 4 MB each way"
        pass=$((pass + 1))
    else
        echo "FAIL $1 server, $2 client"
        sed 's/^/     /' /tmp/interop.$$
        fail=$((fail + 1))
    fi
    rm -f /tmp/interop.$$
done
echo "interop: $pass passed, $fail failed"
[ "$fail" = 0 ]
