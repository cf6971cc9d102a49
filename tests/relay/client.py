#!/usr/bin/env python3
"""Test clients for tests/relay (run in the namespace whose traffic goes
through the TUN).  Each subcommand prints one "PASS name: detail" or
"FAIL name: detail" line and exits 0 or 1."""
import asyncio
import hashlib
import http.client
import os
import random
import socket
import struct
import sys
import time
import uuid


def pattern(seed, n):
    return random.Random(seed).randbytes(n)


def result(ok, name, detail):
    print("%s %s: %s" % ("PASS" if ok else "FAIL", name, detail), flush=True)
    sys.exit(0 if ok else 1)


def conn(host, port, timeout=30):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def recv_all(s):
    chunks = []
    while True:
        d = s.recv(1 << 20)
        if not d:
            return b"".join(chunks)
        chunks.append(d)


def control(host, key):
    s = conn(host, 40009)
    s.sendall(("RESULT %s\n" % key).encode())
    r = recv_all(s).decode().strip()
    s.close()
    return r


def hostport(host, port):
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def cmd_download(name, host, path, expect_sha):
    t0 = time.time()
    c = http.client.HTTPConnection(host, 8080, timeout=60)
    c.request("GET", "/" + path)
    r = c.getresponse()
    h = hashlib.sha256()
    n = 0
    while True:
        d = r.read(1 << 20)
        if not d:
            break
        h.update(d)
        n += len(d)
    dt = time.time() - t0
    ok = r.status == 200 and h.hexdigest() == expect_sha
    result(ok, name, "%d bytes in %.2f s (%.0f Mbit/s), sha256 %s" %
           (n, dt, n * 8 / dt / 1e6, "matches" if ok else "MISMATCH " + h.hexdigest()))


def cmd_upload(name, host, size):
    size = int(size)
    h = hashlib.sha256()
    rnd = random.Random(1234)
    chunk = 1 << 20

    def body():
        left = size
        while left:
            d = rnd.randbytes(min(chunk, left))
            h.update(d)
            left -= len(d)
            yield d

    t0 = time.time()
    c = http.client.HTTPConnection(host, 8080, timeout=60)
    c.request("PUT", "/upload", body=body(), headers={"Content-Length": str(size)})
    r = c.getresponse()
    reply = r.read().decode().split()
    dt = time.time() - t0
    ok = r.status == 200 and reply[0] == h.hexdigest() and int(reply[1]) == size
    result(ok, name, "%d bytes in %.2f s (%.0f Mbit/s), server sha256 %s" %
           (size, dt, size * 8 / dt / 1e6, "matches" if ok else "MISMATCH " + " ".join(reply)))


def cmd_echo_many(name, host, n, size):
    n, size = int(n), int(size)

    async def one(i):
        data = pattern("echo%d" % i, size + i)  # distinct content and length
        r, w = await asyncio.open_connection(host, 40000)
        async def send():
            for off in range(0, len(data), 16384):
                w.write(data[off:off + 16384])
                await w.drain()
            w.write_eof()
        st = asyncio.ensure_future(send())
        got = await r.read(-1)
        await st
        w.close()
        if got == data:
            return True
        same = next((k for k, (x, y) in enumerate(zip(got, data)) if x != y), min(len(got), len(data)))
        return "#%d: EOF after %d of %d bytes, the first %d right" % (i, len(got), len(data), same)

    async def run():
        sem = asyncio.Semaphore(n)
        res = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True), 120)
        return res

    t0 = time.time()
    res = asyncio.run(run())
    good = sum(1 for x in res if x is True)
    errs = [repr(x) for x in res if x is not True][:3]
    result(good == n, name, "%d/%d connections echoed their own %d+ bytes in %.2f s %s" %
           (good, n, size, time.time() - t0, " ".join(errs)))


def cmd_client_abort(name, host):
    key = uuid.uuid4().hex
    s = conn(host, 40001)
    s.sendall(("ID %s\n" % key).encode())
    s.sendall(os.urandom(1 << 20))
    time.sleep(0.3)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()  # RST
    r = control(host, key)
    result(r.startswith("RESET"), name, "server saw %s" % r)


def cmd_server_abort(name, host):
    key = uuid.uuid4().hex
    n = 4 << 20
    s = conn(host, 40002)
    s.sendall(("ID %s %d\n" % (key, n)).encode())
    got = 0
    try:
        while True:
            d = s.recv(1 << 20)
            if not d:
                result(False, name, "clean EOF after %d bytes, expected a reset" % got)
            got += len(d)
    except ConnectionResetError:
        result(True, name, "connection reset after %d of %d bytes" % (got, n))
    except socket.timeout:
        result(False, name, "timeout after %d bytes" % got)


def cmd_half_c2s(name, host):
    data = os.urandom(3 << 20)
    s = conn(host, 40004)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    reply = recv_all(s)
    s.close()
    line, _, rest = reply.partition(b"\n")
    ok = line.decode() == hashlib.sha256(data).hexdigest() and rest == pattern("c2s", 1 << 20)
    result(ok, name, "client shut down its write side after %d bytes; got the server's sha256 %s and %d bytes after it"
           % (len(data), "match" if line.decode() == hashlib.sha256(data).hexdigest() else "MISMATCH", len(rest)))


def cpu_ticks(pid):
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])  # utime + stime


def cmd_slow_reader(name, host, relay_pid):
    """Client half-closes, then does not read for 2 s while the server sends
    1 MiB and closes: the relay holds a fully shut socket it cannot drain
    (the client's window is closed).  It must not spin meanwhile."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    s.settimeout(30)
    s.connect((host, 40004))
    data = os.urandom(1000)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    time.sleep(0.5)
    t0 = cpu_ticks(relay_pid)
    time.sleep(2)
    used = cpu_ticks(relay_pid) - t0
    reply = recv_all(s)
    s.close()
    line, _, rest = reply.partition(b"\n")
    ok = line.decode() == hashlib.sha256(data).hexdigest() and rest == pattern("c2s", 1 << 20)
    hz = os.sysconf("SC_CLK_TCK")
    result(ok and used < hz // 5, name, "relay used %d ms of CPU in 2 s while stalled; reply %s (%d bytes)" %
           (used * 1000 // hz, "complete" if ok else "WRONG", len(rest)))


def cmd_idle_cpu(name, relay_pid):
    t0 = cpu_ticks(relay_pid)
    time.sleep(3)
    used = cpu_ticks(relay_pid) - t0
    hz = os.sysconf("SC_CLK_TCK")
    result(used < hz // 10, name, "relay used %d ms of CPU in 3 s idle" % (used * 1000 // hz))


def cmd_half_s2c(name, host):
    key = uuid.uuid4().hex
    n = 2 << 20
    s = conn(host, 40005)
    s.sendall(("ID %s %d\n" % (key, n)).encode())
    got = recv_all(s)  # the server's FIN ends this
    ok1 = got == pattern(key, n)
    data = os.urandom(3 << 20)
    s.sendall(data)  # our direction is still open
    s.shutdown(socket.SHUT_WR)
    s.close()
    r = control(host, key)
    ok2 = r == "EOF:%d:%s" % (len(data), hashlib.sha256(data).hexdigest())
    result(ok1 and ok2, name, "server FIN after %d bytes (%s); then client sent %d bytes, server recorded %s" %
           (len(got), "match" if ok1 else "MISMATCH", len(data), "match" if ok2 else r))


def cmd_udp_echo(name, host, port):
    port = int(port)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(0.4)
    sizes = [1, 100, 512, 1200, 1400]
    ok = 0
    for i, sz in enumerate(sizes * 4):
        d = pattern("udp%d" % i, sz)
        for attempt in range(3):
            s.sendto(d, (host, port))
            try:
                r, a = s.recvfrom(65536)
                if r == d:
                    ok += 1
                    break
            except socket.timeout:
                pass
    total = len(sizes) * 4
    result(ok == total, name, "%d/%d datagrams echoed (sizes %s)" % (ok, total, sizes))



def cmd_udp_flood(name, host, port, flows, per_flow):
    """Many UDP flows at once (each its own source port, so the kernel's
    flow hash spreads them over the relay's TUN queues), each sending
    per_flow 1200-byte datagrams of its own content without waiting, to the
    echo.  Every datagram must come back byte-exact (sha256 of each, per
    flow: none corrupted, none from another flow); one lost on the way is
    sent again, up to 4 rounds, so a loaded machine's drops are not
    failures, but a datagram mangled or crossed between flows is."""
    port, flows, per_flow = int(port), int(flows), int(per_flow)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks = []
    want = []
    for f in range(flows):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.connect((host, port))
        s.setblocking(False)
        socks.append(s)
        want.append({hashlib.sha256(d).digest(): d for d in
                     (struct.pack("!HH", f, i) + pattern("flood%d.%d" % (f, i), 1196) for i in range(per_flow))})
    missing = [set(w) for w in want]
    bad = 0
    for rnd in range(4):
        for f, s in enumerate(socks):
            for h in missing[f]:
                try:
                    s.send(want[f][h])
                except BlockingIOError:
                    pass
        deadline = time.time() + 3
        while time.time() < deadline and any(missing):
            got = False
            for f, s in enumerate(socks):
                while True:
                    try:
                        d = s.recv(65536)
                    except BlockingIOError:
                        break
                    got = True
                    h = hashlib.sha256(d).digest()
                    if h in want[f]:
                        missing[f].discard(h)
                    else:
                        bad += 1
            if not got:
                time.sleep(0.01)
        if not any(missing):
            break
    lost = sum(len(m) for m in missing)
    result(bad == 0 and lost == 0, name, "%d flows x %d datagrams of 1200 bytes echoed byte-exact; %d not back "
           "after %d rounds, %d wrong" % (flows, per_flow, lost, rnd + 1, bad))


def cmd_udp_burst(name, host, port, n):
    """Sends n 1200-byte datagrams of one flow to the echo without waiting
    for anything (run.sh stops the relay meanwhile, so that they wait in
    the TUN's queue, and checks from the relay's counters how it sent them
    on); passes when the kernel took every one."""
    port, n = int(port), int(n)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((host, port))
    sent = sum(s.send(struct.pack("!I", i) + pattern("burst%d" % i, 1196)) == 1200 for i in range(n))
    result(sent == n, name, "%d/%d datagrams of 1200 bytes handed to the kernel" % (sent, n))


SOL_UDP, UDP_SEGMENT, UDP_GRO = 17, 103, 104
# (payload bytes per datagram, datagrams, bytes of the last one): full
# trains, trains closed by a short datagram (down to 1 byte), a lone one
TRAIN_SHAPES = [(1200, 10, 1200), (1200, 5, 333), (500, 30, 1), (1400, 40, 7), (1200, 1, 1200),
                (64, 64, 64), (1000, 3, 999)]


def cmd_udp_trains(name, host, port):
    """Sends trains of datagrams with UDP_SEGMENT (the kernel hands them to
    the TUN as one GSO packet when the relay takes USO) to the train echo,
    reads with UDP_GRO (cutting each read at the cmsg's segment size) and
    checks that every datagram comes back whole: same count, same lengths,
    same bytes (sha256 of each), the last short one included."""
    port = int(port)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(SOL_UDP, UDP_GRO, 1)
    s.connect((host, port))
    s.settimeout(1.0)
    good = total = grams = 0
    for t, (seg, n, last) in enumerate(TRAIN_SHAPES * 2):
        total += 1
        sent = []
        for i in range(n):
            sz = last if i == n - 1 else seg
            sent.append(struct.pack("!HH", t, i) + pattern("train%d.%d" % (t, i), sz)[4:] if sz >= 4 else
                        pattern("train%d.%d" % (t, i), sz))
        want = sorted(hashlib.sha256(d).digest() for d in sent)
        for attempt in range(3):
            buf = b"".join(sent)
            if n > 1:
                s.sendmsg([buf], [(SOL_UDP, UDP_SEGMENT, struct.pack("H", seg))])
            else:
                s.send(buf)
            got = []
            deadline = time.time() + 2
            try:
                while len(got) < n and time.time() < deadline:
                    data, anc, _, _ = s.recvmsg(65535, socket.CMSG_SPACE(4))
                    g = 0
                    for level, kind, val in anc:
                        if level == SOL_UDP and kind == UDP_GRO:
                            g = struct.unpack("i", val[:4])[0]
                    g = g or len(data) or 1
                    got += [data[o:o + g] for o in range(0, max(len(data), 1), g)]
            except socket.timeout:
                pass
            if sorted(hashlib.sha256(d).digest() for d in got) == want:
                good += 1
                grams += n
                break
            while True:  # drop late echoes of this attempt
                try:
                    s.setblocking(False)
                    s.recv(65535)
                except OSError:
                    break
                finally:
                    s.settimeout(1.0)
    result(good == total, name, "%d/%d trains (%d datagrams) came back datagram for datagram (shapes %s)" %
           (good, total, grams, TRAIN_SHAPES))


def cmd_dns(name, host, port):
    port = int(port)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(2)
    qid = random.randrange(65536)
    qname = b"".join(bytes([len(p)]) + p for p in b"relay.test.tern".split(b".")) + b"\0"
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 1, 1)
    for attempt in range(3):
        s.sendto(q, (host, port))
        try:
            r, a = s.recvfrom(512)
            break
        except socket.timeout:
            r = b""
    if len(r) < 12:
        result(False, name, "no answer")
    rid, flags, qd, an = struct.unpack("!HHHH", r[:8])
    addr = socket.inet_ntop(socket.AF_INET, r[-4:]) if an else "-"
    ok = rid == qid and an == 1 and addr == "198.18.9.9"
    result(ok, name, "A relay.test.tern -> %s (id %s)" % (addr, "ok" if rid == qid else "WRONG"))


def cmd_whoami(name, host, port, expect):
    s = conn(host, int(port))
    r = recv_all(s).decode().strip()
    s.close()
    result(r == expect, name, "server saw the connection arrive on %s (expected %s)" % (r, expect))


def main():
    cmd, name = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    fn = globals()["cmd_" + cmd.replace("-", "_")]
    try:
        fn(name, *args)
    except SystemExit:
        raise
    except BaseException as e:  # report, never hang
        result(False, name, "%s: %s" % (type(e).__name__, e))


if __name__ == "__main__":
    main()
