#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tcp-echo.py PORT [SECONDS [MONITOR]]: host side of tests/tools/tcpxfer.c.

Listens on 127.0.0.1:PORT only (a guest on -netdev user reaches it as
10.0.2.2:PORT) for at most SECONDS (default 300), one transfer per
connection:

  "GET BYTES SEED\\n"  -> BYTES of the pattern, then "CRC xxxxxxxx\\n"
  "PUT BYTES SEED\\n" + BYTES -> "CRC xxxxxxxx OK|BAD\\n" (OK: every byte
                              matched the pattern)
  "LINKCYCLE NIC SECONDS\n"  -> "OK\n", then through the QEMU monitor at the
                              unix socket MONITOR: set_link NIC off, wait
                              SECONDS, set_link NIC on

The pattern is a 65521-byte LCG block seeded with SEED, repeated; the CRC
is zlib's CRC-32 of the bytes that went over the wire. Logs one line per
transfer to stdout.
"""
import socket
import sys
import threading
import time
import zlib

PERIOD = 65521
MAX_BYTES = 1 << 30


def pattern(seed):
    out = bytearray(PERIOD)
    x = seed & 0xffffffff
    for i in range(PERIOD):
        x = (x * 1664525 + 1013904223) & 0xffffffff
        out[i] = x >> 24
    return bytes(out)


def stream(block, start, length):
    """length bytes of the repeated block, from offset start."""
    off = start % PERIOD
    rep = (block[off:] + block * ((length // PERIOD) + 2))[:length]
    return rep


def read_line(conn):
    line = b""
    while not line.endswith(b"\n"):
        c = conn.recv(1)
        if not c:
            raise ConnectionError("connection closed before the command")
        line += c
        if len(line) > 128:
            raise ValueError("command too long")
    return line.decode().split()


def monitor(path, commands):
    """Send HMP commands to the QEMU monitor at the unix socket path."""
    mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mon.settimeout(10)
    mon.connect(path)
    try:
        for c in commands:
            mon.sendall(c.encode() + b"\n")
            time.sleep(0.2)
    finally:
        mon.close()


def link_cycle(path, nic, seconds, addr):
    monitor(path, ["set_link %s off" % nic])
    print("%s LINKCYCLE: %s off" % (addr[0], nic), flush=True)
    time.sleep(seconds)
    monitor(path, ["set_link %s on" % nic])
    print("%s LINKCYCLE: %s on" % (addr[0], nic), flush=True)


def serve(conn, addr, mon_path):
    conn.settimeout(30)
    try:
        words = read_line(conn)
        if words and words[0] == "LINKCYCLE":
            nic, seconds = words[1], float(words[2])
            if not mon_path or not nic.isidentifier() or not 0 < seconds <= 30:
                raise ValueError("bad LINKCYCLE %r" % words)
            conn.sendall(b"OK\n")
            conn.close()
            link_cycle(mon_path, nic, seconds, addr)
            return
        cmd, nbytes, seed = words[0], int(words[1]), int(words[2])
        if cmd not in ("GET", "PUT") or not 0 <= nbytes <= MAX_BYTES:
            raise ValueError("bad command %r" % words)
        block = pattern(seed)
        crc, done, ok, t0 = 0, 0, True, time.monotonic()
        if cmd == "GET":
            chunk = 1 << 20
            while done < nbytes:
                data = stream(block, done, min(chunk, nbytes - done))
                conn.sendall(data)
                crc = zlib.crc32(data, crc)
                done += len(data)
            conn.sendall(b"CRC %08x\n" % crc)
        else:
            while done < nbytes:
                data = conn.recv(min(1 << 20, nbytes - done))
                if not data:
                    raise ConnectionError("PUT ended after %d of %d bytes" % (done, nbytes))
                if ok and data != stream(block, done, len(data)):
                    ok = False
                crc = zlib.crc32(data, crc)
                done += len(data)
            conn.sendall(b"CRC %08x %s\n" % (crc, b"OK" if ok else b"BAD"))
        dt = time.monotonic() - t0
        print("%s %s: %d bytes, crc %08x, %s, %.2fs" %
              (addr[0], cmd, done, crc, "pattern ok" if ok else "PATTERN BAD", dt), flush=True)
    except (OSError, ValueError, IndexError) as e:
        print("%s: %s" % (addr[0], e), flush=True)
    finally:
        conn.close()


def main():
    port = int(sys.argv[1])
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 300
    mon_path = sys.argv[3] if len(sys.argv) > 3 else None
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    print("listening on 127.0.0.1:%d for %gs" % (port, seconds), flush=True)
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        srv.settimeout(left)
        try:
            conn, addr = srv.accept()
        except socket.timeout:
            break
        threading.Thread(target=serve, args=(conn, addr, mon_path),
                         daemon=True).start()
    srv.close()


if __name__ == "__main__":
    main()
