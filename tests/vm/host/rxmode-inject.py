#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send Ethernet frames to a guest NIC when the guest asks for them.

Usage: rxmode-inject.py WORK QEMU_PORT OWN_PORT SECONDS

The NIC's netdev is QEMU's UDP socket backend, one frame per datagram:
  -netdev socket,id=n0,udp=127.0.0.1:OWN_PORT,localaddr=127.0.0.1:QEMU_PORT
This script binds 127.0.0.1:OWN_PORT (loopback only) and sends to
127.0.0.1:QEMU_PORT.

It watches the VM's serial log ($PV_OUT/vm/<scenario>.log, next to WORK)
for lines

  PVTEST NOTE INJECT ROUND DST COUNT SENDER_IP TARGET_IP

and answers each ROUND once, in order: COUNT frames to the MAC address DST
(ethertype 0x88b5, the IEEE local experimental one, so no protocol in the
guest answers them), then a broadcast ARP request from SENDER_IP for
TARGET_IP. The guest's NIC delivers frames in order, so once the guest has
a neighbour entry for SENDER_IP the COUNT frames before it were delivered
or dropped: its interface's rx_packets, less one, says how many arrived.
Frames the guest sends are read and thrown away. Gives up after SECONDS.
"""
import os
import re
import socket
import struct
import sys
import time

work, qemu_port, own_port, seconds = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), float(sys.argv[4])
log = work[:-2] + '.log' if work.endswith('.d') else os.path.join(work, 'serial.log')
deadline = time.time() + seconds
SRC = bytes.fromhex('020000000001')
ETH_P_EXP = 0x88b5
request = re.compile(rb'PVTEST NOTE INJECT (\d+) ([0-9a-f:]{17}) (\d+) '
                     rb'([0-9.]+) ([0-9.]+)\r?\n')


def mac(text):
    return bytes.fromhex(text.replace(':', ''))


def ip4(text):
    return socket.inet_aton(text)


def frame(dst, ethertype, payload):
    f = dst + SRC + struct.pack('!H', ethertype) + payload
    return f + bytes(max(0, 60 - len(f)))


def arp_request(sender_ip, target_ip):
    body = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + SRC + ip4(sender_ip) + \
        bytes(6) + ip4(target_ip)
    return frame(b'\xff' * 6, 0x0806, body)


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', own_port))
sock.setblocking(False)
peer = ('127.0.0.1', qemu_port)
done = set()
print('rxmode-inject: listening on 127.0.0.1:%d, sending to 127.0.0.1:%d'
      % (own_port, qemu_port), flush=True)

while time.time() < deadline:
    try:
        while sock.recv(65536):
            pass
    except BlockingIOError:
        pass
    try:
        with open(log, 'rb') as f:
            text = f.read()
    except FileNotFoundError:
        text = b''
    for m in request.finditer(text):
        rnd = int(m.group(1))
        if rnd in done:
            continue
        done.add(rnd)
        dst, count = mac(m.group(2).decode()), int(m.group(3))
        for i in range(count):
            sock.sendto(frame(dst, ETH_P_EXP,
                              b'pvtest round %d frame %d' % (rnd, i)), peer)
        sock.sendto(arp_request(m.group(4).decode(), m.group(5).decode()), peer)
        print('round %d: %d frames to %s, then ARP from %s' %
              (rnd, count, m.group(2).decode(), m.group(4).decode()), flush=True)
    time.sleep(0.1)
