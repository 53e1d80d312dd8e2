#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Drive the QEMU monitor when the guest asks for it.

Usage: monitor.py WORK 'MARKER::COMMAND' ...

Waits for each MARKER (a line 'PVTEST NOTE MARKER' in the VM's serial log,
$PV_OUT/vm/<scenario>.log, next to WORK) in turn and sends COMMAND to the
human monitor at WORK/mon.sock (-monitor unix:@WORK@/mon.sock,server=on,wait=off).
Bounded: gives up 300 s after start. Prints what it did.
"""
import os
import re
import socket
import sys
import time

work = sys.argv[1]
steps = [a.split('::', 1) for a in sys.argv[2:]]
log = work[:-2] + '.log' if work.endswith('.d') else os.path.join(work, 'serial.log')
sock_path = os.path.join(work, 'mon.sock')
deadline = time.time() + 300


def wait_for(marker):
    needle = ('PVTEST NOTE ' + marker).encode()
    while time.time() < deadline:
        try:
            with open(log, 'rb') as f:
                if needle in f.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.2)
    return False


def send(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    time.sleep(0.3)
    s.recv(65536)                       # banner and prompt
    s.sendall(cmd.encode() + b'\n')
    time.sleep(0.5)
    try:
        reply = s.recv(65536).decode(errors='replace')
    except socket.timeout:
        reply = ''
    s.close()
    return reply


for marker, cmd in steps:
    if not wait_for(marker):
        print('monitor: gave up waiting for', marker)
        sys.exit(1)
    reply = re.sub(r'\x1b\[[0-9;]*[A-Za-z]', '', send(cmd))
    # The monitor echoes the command; what follows it is the answer.
    answer = reply.split(cmd, 1)[-1].replace('(qemu)', '').strip()
    print('monitor: %s -> %s%s' % (marker, cmd, (': ' + answer) if answer else ''))
    sys.stdout.flush()
