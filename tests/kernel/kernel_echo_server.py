#!/usr/bin/env python3
"""A kernel TCP echo server for the stack-as-client test: echoes each
connection until its FIN, then closes."""
import socket, sys, threading

port = int(sys.argv[1])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", port))
srv.listen(8)

def serve(c):
    with c:
        while True:
            b = c.recv(1 << 20)
            if not b:
                break
            c.sendall(b)

while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
