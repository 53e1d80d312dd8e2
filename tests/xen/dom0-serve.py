#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""dom0-serve.py ADDR PORT [SECONDS]: dom0's server for the domU's checks.

The transfers of tests/tools/tcpxfer.c (GET/PUT, served by the code of
tests/vm/host/tcp-echo.py, which only binds 127.0.0.1), on ADDR:PORT, plus

  "TIME\\n"  ->  "TIME <dom0 CLOCK_MONOTONIC in ns>\\n"

the reference the domU measures its clocksource's rate against.
"""
import importlib.util
import os
import socket
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
# In dom0 it sits next to us; in the repository in tests/vm/host.
src = [p for p in (os.path.join(here, "tcp-echo.py"), os.path.join(here, "../vm/host/tcp-echo.py"))
       if os.path.exists(p)][0]
spec = importlib.util.spec_from_file_location("tcp_echo", src)
echo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(echo)


class Replay:
    """A socket whose first bytes (the command line we read) are replayed."""

    def __init__(self, conn, head):
        self.conn, self.head = conn, head

    def recv(self, n):
        if self.head:
            out, self.head = self.head[:n], self.head[n:]
            return out
        return self.conn.recv(n)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def handle(conn, addr):
    conn.settimeout(30)
    try:
        line = b""
        while not line.endswith(b"\n") and len(line) < 128:
            c = conn.recv(1)
            if not c:
                return
            line += c
        if line.strip() == b"TIME":
            conn.sendall(b"TIME %d\n" % time.monotonic_ns())
            conn.close()
            return
        echo.serve(Replay(conn, line), addr, None)
    except OSError as e:
        print("%s: %s" % (addr[0], e), flush=True)


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 600
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(8)
    print("listening on %s:%d for %gs" % (addr, port, seconds), flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        srv.settimeout(max(end - time.monotonic(), 0.1))
        try:
            conn, peer = srv.accept()
        except socket.timeout:
            break
        threading.Thread(target=handle, args=(conn, peer), daemon=True).start()


if __name__ == "__main__":
    main()
