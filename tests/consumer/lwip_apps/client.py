#!/usr/bin/env python3
"""tests/consumer/lwip_apps/client.py: the kernel side of the lwIP-apps test.

Each subcommand talks to one of lwIP's apps running on tern behind the TUN
(apps_host at 198.18.0.1) and prints "PASS name: ..." or "FAIL name: ...".
Every socket has a timeout; nothing loops without a bound.

  http DIR        GET /index.html byte-exact against DIR/index.html; /nope gives 404
  iperf NBYTES    lwiperf server: NBYTES up, then (tradeoff) 1 s of data back;
                  prints the byte counts for run.sh to compare with apps_host's reports
  tftp DIR NAME   tftp put then get of DIR/NAME, byte-exact (RFC 1350, octet mode)
  dnsntp SECS     a DNS server (ntp.tern.test -> 198.18.0.2) and an NTP server
                  on 198.18.0.2 answering SNTP with a fixed time, for SECS seconds
  mdns            an mDNS query for ternapps.local sent to 224.0.0.251 (multicast),
                  answered with tern's address (legacy unicast reply, RFC 6762 6.7)
  mdns6 IFNAME    the same query to ff02::fb through IFNAME
"""
import socket
import struct
import sys
import time

TERN4 = "198.18.0.1"
NTP_TIME = 3900000000  # seconds since 1900 the NTP server answers with


def out(ok, name, msg):
    print(("PASS" if ok else "FAIL") + " %s: %s" % (name, msg), flush=True)
    return 0 if ok else 1


def http(d):
    want = open(d + "/index.html", "rb").read()
    s = socket.create_connection((TERN4, 80), timeout=5)
    s.sendall(b"GET /index.html HTTP/1.0\r\nHost: tern\r\n\r\n")
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    head, _, body = got.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.0 200") or body != want:
        return out(False, "httpd", "index.html: %r, %d body bytes, want %d" % (head[:40], len(body), len(want)))
    s = socket.create_connection((TERN4, 80), timeout=5)
    s.sendall(b"GET /nope HTTP/1.0\r\n\r\n")
    got = s.recv(65536)
    s.close()
    if not got.startswith(b"HTTP/1.0 404"):
        return out(False, "httpd", "/nope: %r" % got[:40])
    return out(True, "httpd", "index.html %d bytes byte-exact, /nope 404" % len(want))


def iperf(nbytes):
    back = socket.socket()
    back.settimeout(10)
    back.bind(("198.18.0.2", 0))
    back.listen(1)
    port = back.getsockname()[1]
    s = socket.create_connection((TERN4, 5001), timeout=10)
    # lwiperf's settings: flags (0x80000000 = answer with a test of our own
    # after this one), threads, port to answer to, buffer, window, amount
    # (negative: time in 1/100 s)
    hdr = struct.pack("!IIIIIi", 0x80000000, 1, port, 0, 0, -100)
    payload = bytes((i * 7 + 3) & 0xFF for i in range(65536))
    # As iperf 2 does: the settings alone, then again in front of the data.
    # lwiperf 2.1.3 takes the first segment as the settings and expects the
    # next one to repeat them; it also wants them again at every 128 KiB
    # boundary that falls on a segment start, so NBYTES stays below that.
    s.sendall(hdr)
    time.sleep(0.3)
    s.sendall(hdr)
    sent = len(hdr)
    while sent < nbytes:
        n = min(len(payload), nbytes - sent)
        s.sendall(payload[:n])
        sent += n
    s.shutdown(socket.SHUT_WR)
    s.settimeout(10)
    while s.recv(65536):
        pass
    s.close()
    c, _ = back.accept()
    c.settimeout(10)
    got = 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        got += len(b)
    c.close()
    print("IPERF sent=%d received=%d" % (sent + len(hdr), got), flush=True)
    if nbytes + 24 > 128 * 1024:
        print("FAIL lwiperf: NBYTES must stay below 128 KiB (see above)")
        return 1
    return 0


def tftp_req(s, op, name):
    s.sendto(struct.pack("!H", op) + name.encode() + b"\0octet\0", (TERN4, 69))


def tftp(d, name):
    data = open(d + "/" + name, "rb").read()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    # put as NAME.up: WRQ, then DATA blocks of 512 bytes each ACKed
    tftp_req(s, 2, name + ".up")
    pkt, peer = s.recvfrom(1024)
    if struct.unpack("!HH", pkt[:4]) != (4, 0):
        return out(False, "tftp", "WRQ answered %r" % pkt[:8])
    block = 1
    off = 0
    while True:
        chunk = data[off:off + 512]
        s.sendto(struct.pack("!HH", 3, block & 0xFFFF) + chunk, peer)
        pkt, _ = s.recvfrom(1024)
        if struct.unpack("!HH", pkt[:4]) != (4, block & 0xFFFF):
            return out(False, "tftp", "put block %d answered %r" % (block, pkt[:8]))
        off += 512
        block += 1
        if len(chunk) < 512:
            break
    # get it back: RRQ, DATA blocks, each ACKed
    s2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s2.settimeout(3)
    tftp_req(s2, 1, name + ".up")
    got = b""
    expect = 1
    for _ in range(100000):
        pkt, peer = s2.recvfrom(2048)
        op, blk = struct.unpack("!HH", pkt[:4])
        if op != 3 or blk != expect & 0xFFFF:
            return out(False, "tftp", "get: op %d block %d, want %d" % (op, blk, expect))
        got += pkt[4:]
        s2.sendto(struct.pack("!HH", 4, blk), peer)
        expect += 1
        if len(pkt) - 4 < 512:
            break
    if got != data:
        return out(False, "tftp", "got %d bytes back, sent %d (or different bytes)" % (len(got), len(data)))
    return out(True, "tftp", "put and get of %d bytes byte-exact" % len(data))


def dns_answer(q):
    """An A answer for ntp.tern.test, a malformed one for bad.tern.test,
    NXDOMAIN for anything else."""
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    o = 12
    labels = []
    while q[o]:
        labels.append(q[o + 1:o + 1 + q[o]].decode())
        o += 1 + q[o]
    qtype, qclass = struct.unpack("!HH", q[o + 1:o + 5])
    question = q[12:o + 5]
    name = ".".join(labels)
    if name == "bad.tern.test":
        # an answer count of 5 but one truncated record: the resolver must
        # drop it (and give up after its retries), reading nothing past it
        return struct.pack("!HHHHHH", qid, 0x8180, 1, 5, 0, 0) + question + b"\xc0\x0c\x00\x01\x00", name, qtype
    if name != "ntp.tern.test" or qtype != 1:
        return struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + question, name, qtype
    ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("198.18.0.2")
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question + ans, name, qtype


def dnsntp(secs):
    d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    d.bind(("198.18.0.2", 53))
    n = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    n.bind(("198.18.0.2", 123))
    d.settimeout(0.1)
    n.settimeout(0.1)
    print("DNSNTP READY", flush=True)
    end = time.time() + secs
    queries = 0
    answered = 0
    while time.time() < end:
        try:
            q, peer = d.recvfrom(512)
            reply, name, qtype = dns_answer(q)
            queries += 1
            print("DNS query %s type %d" % (name, qtype), flush=True)
            d.sendto(reply, peer)
        except socket.timeout:
            pass
        try:
            q, peer = n.recvfrom(512)
            if len(q) >= 48 and (q[0] & 7) == 3:  # mode 3: client (RFC 4330 5)
                r = bytearray(48)
                r[0] = (0 << 6) | (4 << 3) | 4  # no warning, version 4, mode 4 (server)
                r[1] = 1  # stratum 1
                r[24:32] = q[40:48]  # originate = the client's transmit time
                for off in (16, 32, 40):  # reference, receive, transmit
                    r[off:off + 8] = struct.pack("!II", NTP_TIME, 0)
                n.sendto(bytes(r), peer)
                answered += 1
                print("NTP answered %d" % NTP_TIME, flush=True)
        except socket.timeout:
            pass
    return 0


def mdns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.18.0.2"))
    s.bind(("198.18.0.2", 0))
    s.settimeout(1)
    name = b"".join(bytes([len(l)]) + l for l in b"ternapps.local".split(b".")) + b"\0"
    q = struct.pack("!HHHHHH", 0x1234, 0, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1)
    # A group nobody joined must not reach the responder's pcb.
    s.sendto(q, ("224.0.0.250", 5353))
    try:
        r, peer = s.recvfrom(1500)
        return out(False, "mdns", "a query to 224.0.0.250 (not joined) was answered by %s" % peer[0])
    except socket.timeout:
        pass
    for _ in range(5):
        s.sendto(q, ("224.0.0.251", 5353))
        try:
            r, peer = s.recvfrom(1500)
        except socket.timeout:
            continue
        if socket.inet_aton(TERN4) in r and r[:2] == b"\x12\x34":
            return out(True, "mdns", "ternapps.local -> %s from %s (query to 224.0.0.251; 224.0.0.250, not joined, unanswered)" % (TERN4, peer[0]))
        return out(False, "mdns", "unexpected answer %r" % r[:40])
    return out(False, "mdns", "no answer to 5 queries")


def mdns6(ifname):
    """The same query over IPv6 to ff02::fb: MLD membership (mld6_joingroup)."""
    idx = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    s.bind(("fd00:18::2", 0))
    s.settimeout(1)
    name = b"".join(bytes([len(l)]) + l for l in b"ternapps.local".split(b".")) + b"\0"
    q = struct.pack("!HHHHHH", 0x4321, 0, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1)
    for _ in range(5):
        s.sendto(q, ("ff02::fb", 5353, 0, idx))
        try:
            r, peer = s.recvfrom(1500)
        except socket.timeout:
            continue
        if socket.inet_aton(TERN4) in r and r[:2] == b"\x43\x21":
            return out(True, "mdns6", "ternapps.local -> %s, query to ff02::fb answered from %s" % (TERN4, peer[0]))
        return out(False, "mdns6", "unexpected answer %r" % r[:40])
    return out(False, "mdns6", "no answer to 5 queries")


def main():
    cmd = sys.argv[1]
    if cmd == "http":
        return http(sys.argv[2])
    if cmd == "iperf":
        return iperf(int(sys.argv[2]))
    if cmd == "tftp":
        return tftp(sys.argv[2], sys.argv[3])
    if cmd == "dnsntp":
        return dnsntp(float(sys.argv[2]))
    if cmd == "mdns":
        return mdns()
    if cmd == "mdns6":
        return mdns6(sys.argv[2])
    print("unknown command " + cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main())
