#!/usr/bin/env python3
"""Test servers for tests/relay (run inside the "server" namespace).

Every TCP service listens on all IPv4 and IPv6 addresses; UDP services on
each address of --udp-addrs (replies leave from the address asked).
  HTTP  8080  GET /<file> from --dir (http.server), PUT /anything: replies the
              body's sha256 in hex (upload test)
  TCP   40000  echo
        40001  sink: "ID <id>\\n", then reads to EOF; records EOF:<n>:<sha> or
              RESET:<n> under id
        40002  abort: "ID <id> <n>\\n", sends n pattern bytes, then RST (SO_LINGER 0)
        40003  whoami: replies "<local ip> <local port>\\n" and closes
        40004  half-close (client first): reads to EOF, replies "<sha>\\n" and
              then 1 MiB pattern, closes
        40005  half-close (server first): "ID <id> <n>\\n", sends n pattern bytes,
              shuts down its write side, reads to EOF, records EOF:<n>:<sha>
        1080  SOCKS5 (no authentication, CONNECT only)
        40009  control: "RESULT <id>\\n" -> the record (or "NONE") after waiting up
              to 5 s for it
  UDP   40000  echo
        53    DNS: any A question gets 198.18.9.9, AAAA gets fd00:9::9
        40010  train echo: reads with UDP_GRO and sends every read back as it
              came: a train of datagrams (several equal ones, the last maybe
              shorter) leaves as one sendmsg with UDP_SEGMENT, so trains
              cross the relay both ways

Environment (for chasing a loss): RELAY_SERVERS_TRACE=1 logs, to stderr,
the bytes each echo and each SOCKS5 session (per direction) passed on and
how each ended; RELAY_SERVERS_GC_MS=N runs a full garbage collection every
N ms (a session that only the collector's timing kept alive dies at once).
"""
import argparse
import asyncio
import gc
import hashlib
import http.server
import os
import socket
import struct
import sys
import threading

results = {}
result_event = None
TRACE = bool(os.environ.get("RELAY_SERVERS_TRACE"))
# The event loop holds a task only weakly, and the protocol of a stream from
# asyncio.open_connection() holds its reader only weakly: a SOCKS5 session
# whose client side is idle (its EOF read, its writes flushed) while it
# waits for the destination's bytes is reachable from nothing, and the
# garbage collector, should it run then, destroys the session ("Task was
# destroyed but it is pending!"): its sockets are closed by the finalizers
# (a FIN to the relay) and the destination's bytes not yet passed on are
# lost.  Every handler's task is held here while it runs.
running = set()


def pinned(handler):
    async def run(reader, writer):
        task = asyncio.current_task()
        running.add(task)
        try:
            await handler(reader, writer)
        finally:
            running.discard(task)
    return run


def trace(*a):
    if TRACE:
        print(*a, file=sys.stderr, flush=True)


def pattern(seed, n):
    # deterministic bytes per (seed, length), cheap to regenerate on both sides
    import random
    return random.Random(seed).randbytes(n)


def set_linger0(writer):
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


async def read_line(reader):
    line = await reader.readline()
    return line.decode().split()


async def h_echo(reader, writer):
    n, end = 0, "cancelled"
    try:
        while True:
            d = await reader.read(65536)
            if not d:
                break
            n += len(d)
            writer.write(d)
            await writer.drain()
        writer.close()
        end = "eof"
    except (ConnectionError, OSError) as e:
        end = repr(e)
        writer.transport.abort()
    finally:
        trace("echo from %s: %d bytes, %s" % (writer.get_extra_info("peername"), n, end))


def record(key, value):
    results[key] = value
    result_event.set()


async def h_sink(reader, writer):
    parts = await read_line(reader)
    key = parts[1] if len(parts) > 1 else "?"
    h = hashlib.sha256()
    n = 0
    try:
        while True:
            d = await reader.read(65536)
            if not d:
                break
            h.update(d)
            n += len(d)
        record(key, "EOF:%d:%s" % (n, h.hexdigest()))
        writer.close()
    except (ConnectionError, OSError):
        record(key, "RESET:%d" % n)
        writer.transport.abort()


async def h_abort(reader, writer):
    parts = await read_line(reader)
    n = int(parts[2])
    data = pattern(parts[1], n)
    writer.write(data)
    await writer.drain()
    await asyncio.sleep(0.2)
    set_linger0(writer)
    writer.transport.abort()


async def h_whoami(reader, writer):
    sock = writer.get_extra_info("socket")
    addr = sock.getsockname()
    host = addr[0]
    if host.startswith("::ffff:"):
        host = host[7:]
    writer.write(("%s %d\n" % (host, addr[1])).encode())
    await writer.drain()
    writer.close()


async def h_half_c2s(reader, writer):
    h = hashlib.sha256()
    try:
        while True:
            d = await reader.read(65536)
            if not d:
                break
            h.update(d)
        writer.write((h.hexdigest() + "\n").encode())
        writer.write(pattern("c2s", 1 << 20))
        await writer.drain()
        writer.close()
    except (ConnectionError, OSError):
        writer.transport.abort()


async def h_half_s2c(reader, writer):
    parts = await read_line(reader)
    key, n = parts[1], int(parts[2])
    writer.write(pattern(key, n))
    await writer.drain()
    writer.write_eof()
    h = hashlib.sha256()
    m = 0
    try:
        while True:
            d = await reader.read(65536)
            if not d:
                break
            h.update(d)
            m += len(d)
        record(key, "EOF:%d:%s" % (m, h.hexdigest()))
        writer.close()
    except (ConnectionError, OSError):
        record(key, "RESET:%d" % m)
        writer.transport.abort()


async def h_control(reader, writer):
    parts = await read_line(reader)
    key = parts[1] if len(parts) > 1 else "?"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    while key not in results and loop.time() < deadline:
        result_event.clear()
        try:
            await asyncio.wait_for(result_event.wait(), 0.1)
        except asyncio.TimeoutError:
            pass
    writer.write((results.get(key, "NONE") + "\n").encode())
    await writer.drain()
    writer.close()


async def h_socks(reader, writer):
    try:
        hello = await reader.readexactly(2)
        await reader.readexactly(hello[1])
        writer.write(b"\x05\x00")
        req = await reader.readexactly(4)
        if req[3] == 1:
            host = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4))
        elif req[3] == 4:
            host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
        else:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        port = struct.unpack("!H", await reader.readexactly(2))[0]
        r2, w2 = await asyncio.open_connection(host, port)
        writer.write(b"\x05\x00\x00\x01" + bytes(6))
        await writer.drain()

        passed = {"up": [0, "cancelled"], "down": [0, "cancelled"]}

        async def pipe(r, w, way):
            try:
                while True:
                    d = await r.read(65536)
                    if not d:
                        break
                    passed[way][0] += len(d)
                    w.write(d)
                    await w.drain()
                w.write_eof()
                passed[way][1] = "eof"
            except (ConnectionError, OSError) as e:
                passed[way][1] = repr(e)
                set_linger0(w)  # pass a reset on as a reset
                w.transport.abort()

        try:
            await asyncio.gather(pipe(reader, w2, "up"), pipe(r2, writer, "down"))
        finally:
            trace("socks from %s to %s:%d: up %d bytes, %s; down %d bytes, %s" %
                  ((writer.get_extra_info("peername"), host, port) + tuple(passed["up"] + passed["down"])))
        writer.close()
        w2.close()
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        writer.transport.abort()


class UdpEcho(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.t = transport

    def datagram_received(self, data, addr):
        self.t.sendto(data, addr)


SOL_UDP, UDP_SEGMENT, UDP_GRO = 17, 103, 104


def train_echo(sock):
    sock.setblocking(True)
    sock.setsockopt(SOL_UDP, UDP_GRO, 1)
    while True:
        data, anc, _, addr = sock.recvmsg(65535, socket.CMSG_SPACE(4))
        seg = 0
        for level, kind, val in anc:
            if level == SOL_UDP and kind == UDP_GRO:
                seg = struct.unpack("i", val[:4])[0]
        if seg and seg < len(data):
            sock.sendmsg([data], [(SOL_UDP, UDP_SEGMENT, struct.pack("H", seg))], 0, addr)
        else:
            sock.sendto(data, addr)


class Dns(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.t = transport

    def datagram_received(self, data, addr):
        if len(data) < 12:
            return
        qid, flags, qd = struct.unpack("!HHH", data[:6])
        # walk the question name
        i = 12
        while i < len(data) and data[i]:
            i += 1 + data[i]
        qend = i + 5
        if qd != 1 or qend > len(data):
            return
        qtype = struct.unpack("!H", data[i + 1:i + 3])[0]
        question = data[12:qend]
        answers = b""
        an = 0
        if qtype == 1:
            answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_pton(socket.AF_INET, "198.18.9.9")
            an = 1
        elif qtype == 28:
            answers = b"\xc0\x0c" + struct.pack("!HHIH", 28, 1, 60, 16) + socket.inet_pton(socket.AF_INET6, "fd00:9::9")
            an = 1
        hdr = struct.pack("!HHHHHH", qid, 0x8180, 1, an, 0, 0)
        self.t.sendto(hdr + question + answers, addr)


def udp_socket(addr, port):
    # one socket per address: a wildcard socket would answer from whichever
    # source address the kernel picks, and a connected client (the relay's
    # session socket) drops replies from another address
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    return s


class Http(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_PUT(self):
        n = int(self.headers.get("Content-Length", "0"))
        h = hashlib.sha256()
        left = n
        while left:
            d = self.rfile.read(min(left, 1 << 20))
            if not d:
                break
            h.update(d)
            left -= len(d)
        body = (h.hexdigest() + " %d\n" % (n - left)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Http6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    request_queue_size = 128

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


async def main(args):
    global result_event
    result_event = asyncio.Event()
    handler = lambda *a, **k: Http(*a, directory=args.dir, **k)
    httpd = Http6(("::", 8080), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    servers = []
    for port, h in ((40000, h_echo), (40001, h_sink), (40002, h_abort), (40003, h_whoami), (40004, h_half_c2s),
                    (40005, h_half_s2c), (40009, h_control), (1080, h_socks)):
        servers.append(await asyncio.start_server(pinned(h), host=["0.0.0.0", "::"], port=port, backlog=1024,
                                                  reuse_address=True))
    loop = asyncio.get_running_loop()
    for addr in args.udp_addrs.split(","):
        await loop.create_datagram_endpoint(UdpEcho, sock=udp_socket(addr, 40000))
        await loop.create_datagram_endpoint(Dns, sock=udp_socket(addr, 53))
        threading.Thread(target=train_echo, args=(udp_socket(addr, 40010),), daemon=True).start()
    gc_ms = float(os.environ.get("RELAY_SERVERS_GC_MS", "0"))
    if gc_ms:
        async def collect():
            while True:
                await asyncio.sleep(gc_ms / 1000)
                gc.collect()
        running.add(asyncio.ensure_future(collect()))
    open(args.ready, "w").write("ready\n")
    await asyncio.Event().wait()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--udp-addrs", default="198.18.1.2,198.18.1.3,fd00:1:1::2,fd00:1:1::3")
    asyncio.run(main(ap.parse_args()))
