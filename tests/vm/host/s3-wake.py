#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""s3-wake.py QMP SECONDS [SERVER ARGS...]: wake a guest that went to S3.

Polls QEMU's QMP socket QMP (-qmp unix:@WORK@/qmp.sock,server=on,wait=off)
with query-status for at most SECONDS; each time the guest is "suspended"
(it wrote mem to /sys/power/state and QEMU entered S3), waits a second and
sends system_wakeup. With SERVER ARGS, runs that command (e.g.
tcp-echo.py) alongside and stops it at the end. Prints one line per wake.
"""
import json
import socket
import subprocess
import sys
import time

qmp_path = sys.argv[1]
deadline = time.time() + float(sys.argv[2])
server = subprocess.Popen(sys.argv[3:]) if len(sys.argv) > 3 else None


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.f = self.s.makefile('rb')
        self.f.readline()                       # greeting
        self.cmd('qmp_capabilities')

    def cmd(self, name):
        self.s.sendall(json.dumps({'execute': name}).encode() + b'\n')
        while True:
            msg = json.loads(self.f.readline())
            if 'return' in msg or 'error' in msg:
                return msg


qmp = None
wakes = 0
try:
    while time.time() < deadline:
        try:
            if qmp is None:
                qmp = Qmp(qmp_path)
            status = qmp.cmd('query-status').get('return', {}).get('status')
        except (OSError, ValueError):
            qmp = None
            time.sleep(0.5)
            continue
        if status == 'suspended':
            time.sleep(1)
            reply = qmp.cmd('system_wakeup')
            wakes += 1
            print('s3-wake: guest suspended, system_wakeup %d: %s' %
                  (wakes, json.dumps(reply)))
            sys.stdout.flush()
        time.sleep(0.3)
finally:
    if server:
        server.terminate()
