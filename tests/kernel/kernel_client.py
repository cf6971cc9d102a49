#!/usr/bin/env python3
"""The kernel's TCP as a client of an echo server behind a TUN: sends N
random bytes, checks the echo byte-exact, half-closes, expects the server's
FIN; then resets a connection mid-stream and checks the server still serves;
then a UDP echo."""
import os, socket, sys, time

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = os.urandom(n)

def echo_once(payload):
    s = socket.create_connection((host, port), timeout=20)
    s.settimeout(20)
    got = bytearray()
    sent = 0
    while sent < len(payload):
        sent += s.send(payload[sent:sent + 65536])
        s.setblocking(False)
        try:
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                got += chunk
        except BlockingIOError:
            pass
        s.setblocking(True)
        s.settimeout(20)
    s.shutdown(socket.SHUT_WR)          # half-close: our FIN
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:                   # the server's FIN after the echo
            break
        got += chunk
    s.close()
    return bytes(got)

got = echo_once(data)
if got != data:
    print(f"     echo mismatch: sent {len(data)} got {len(got)}")
    sys.exit(1)

# A reset in the middle of a transfer: the server must drop that connection
# and keep serving others.
s = socket.create_connection((host, port), timeout=20)
s.send(os.urandom(100000))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
s.close()
time.sleep(0.3)
if echo_once(b"after reset") != b"after reset":
    print("     server did not survive a client reset")
    sys.exit(1)

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(5)
u.sendto(b"udp ping", (host, port))
reply, _ = u.recvfrom(2048)
if reply != b"udp ping":
    print("     udp echo mismatch")
    sys.exit(1)
sys.exit(0)
