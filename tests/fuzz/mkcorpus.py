#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpora: tests/fuzz/corpus/<parser>/<name>, one small
valid input per function (and the reproducers under crashes/). Each input
is laid out as the harness (fuzz_<parser>.c) decodes it: the selector byte,
then the arguments, little-endian. Run it after changing a harness's input
layout; the files are committed."""
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
u8 = lambda v: struct.pack('<B', v & 0xff)
u16 = lambda v: struct.pack('<H', v & 0xffff)
u32 = lambda v: struct.pack('<I', v & 0xffffffff)
u64 = lambda v: struct.pack('<Q', v & 0xffffffffffffffff)
MAGIC = 0x564D5868

corpus = {
    'vmi_proto': {
        # selector, eax ebx ecx edx esi edi
        'version-esx': u8(0) + u32(6) + u32(MAGIC) + u32(2) + u32(0x5658) + u32(0) + u32(0),
        'hz-2ghz': u8(1) + u32(2000000000) + u32(0) + u32(66000000) + u32(0) * 3,
        'hz-unknown-tcg': u8(1) + u32(0xffffffff) * 3 + u32(0) * 3,
        'cpuid-timing': u8(2) + u32(2400000) + u32(66000),
        'uuid': u8(3) + u32(0x78563412) + u32(0xbc9a) + u32(0x01efcdab) + u32(0x67452301) + u32(0) * 2,
        'memsize-4g': u8(4) + u32(4096) + u32(0) * 5,
        'vcpu-info': u8(5) + u32(8) + u32(0) * 5,
        'product-ws': u8(6) + u32(4),
    },
    'pvscsi_proto': {
        'ring-index': u8(0) + u32(10) + u32(6) + u16(64),
        # nr_slots, max_len, cmp desc: context data_len sense_len host scsi pad
        'completion': u8(1) + u16(128) + u64(4096) + u64(3) + u64(4096) + u32(0) + u16(0) + u16(0) + u32(0) * 2,
        'status-ua-resized': u8(2) + u8(0) + u8(2) + u32(18) + u8(0) +
            bytes([0x70, 0, 6, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x2a, 0x09, 0, 0, 0, 0]),
        'status-busy': u8(2) + u8(0) + u8(8) + u32(0) + u8(0),
        'cdb-rw16': u8(3) + u8(0) + u64(123456) + u32(8) + u8(1) + u8(1),
        'cdb-unmap-params': u8(3) + u8(7) + u64(2048) + u32(16) + u8(0) + u8(0),
        'report-luns': u8(4) + u16(8) + u32(16) + u32(0) + bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
        'inquiry-disk': u8(5) + bytes([0, 0, 5, 2, 31]) + b'\0' * 31,
        'read-capacity16': u8(6) + struct.pack('>QI', 2097151, 512) + bytes([0, 3, 0x80, 0]) + b'\0' * 16,
        'mode-caching': u8(7) + bytes([0, 26, 0, 0x10, 0, 0, 0, 0, 0x08, 0x12, 0x04]) + b'\0' * 17,
    },
    'vmxnet3_proto': {
        'comp-ready': u8(0) + u32(1 << 31) + u8(1) + u8(0),
        # size next_to_clean in_flight bitmap(4 longs for 256) desc(w0..w3)
        'tx-comp': u8(1) + u16(256) + u16(10) + u16(4) + u8(0) + (u64(1 << 13) + u64(0) * 3) +
            u32(13) + u32(0) + u32(0) + u32(1 << 31),
        # nr_queues qid, per ring: size next (mod flag) buf_len; in_packet frags max_frags
        'rx-one-packet': u8(2) + u8(2) + u8(0) +
            u16(256) + u16(0) + u8(1) + u16(1536) + u16(256) + u16(0) + u8(1) + u16(4096) +
            u8(0) + u8(0) + u8(16) +
            u32((1 << 15) | (1 << 14)) + u32(0) + u32(60) + u32((1 << 18) | (1 << 16) | (1 << 21) | (1 << 19)),
        'rx-two-buffers': u8(2) + u8(1) + u8(0) +
            u16(256) + u16(0) + u8(1) + u16(1536) + u16(256) + u16(0) + u8(1) + u16(4096) +
            u8(0) + u8(0) + u8(16) +
            u32(1 << 15) + u32(0) + u32(1536) + u32(0) +
            u32((1 << 14) | (1 << 16)) + u32(0) + u32(100) + u32(0),
        'ring-size': u8(3) + u32(512) + u8(0),
        'link-10g': u8(4) + u32((10000 << 16) | 1),
    },
    'blkif_proto': {
        'window': u8(0) + u32(100) + u16(32) + u32(110) + u8(0),
        # ring_size, ops (0x7f.. free), id, (mod), operation, status, (small)
        'rsp-ok': u8(1) + u16(4) + bytes([0, 1, 0x80, 0x80]) + u64(1) + u8(0) + u8(1) + u16(0) + u8(0),
        'rsp-eopnotsupp': u8(1) + u16(4) + bytes([3, 0x80, 0x80, 0x80]) + u64(0) + u8(0) + u8(3) +
            u16(0xfffe) + u8(0),
        'segment': u8(2) + u32(512) + u32(3072) + u8(0),
        'ring-order': u8(3) + u32(4) + u32(2),
        'nr-rings': u8(4) + u32(8) + u32(4) + u8(0),
        'indirect-segs': u8(5) + u32(256) + u32(128) + u8(0),
        'sector-size': u8(6) + u32(4096) + u8(0),
        'indirect-pages': u8(7) + u32(1024) + u8(0),
    },
    'netif_proto': {
        'rsp-prod': u8(0) + u32(1000) + u16(16) + u32(1008) + u8(0),
        # pow2 ring (flag 0, order 8), nulls, bitmap 4 longs, id, (mod), status
        'tx-rsp': u8(1) + u8(0) + u8(8) + u8(0) + u64(1 << 5) + u64(0) * 3 + u16(5) + u8(0) + u8(0) + u8(2),
        # ring order 8, default gso types, max_data 17, idx; slot: id offset flags status, then the id flag
        'rx-packet': u8(2) + u8(0) + u8(8) + u8(0) + u8(17) + u32(5) +
            u16(5) + u16(0) + u16(0) + u16(1500) + u8(0),
        'rx-gso-two-slots': u8(2) + u8(0) + u8(8) + u8(0) + u8(17) + u32(5) +
            u16(5) + u16(0) + u16(0x1 | 0x4 | 0x8) + u16(1500) + u8(0) +
            u8(1) + u8(0) + u16(1448) + u8(0) + u8(0) + u16(0) +
            u16(7) + u16(0) + u16(0) + u16(2000) + u8(0),
        'tx-slots': u8(3) + u64(4000) + u32(200) + u8(0),
        'feature-1': u8(4) + u8(0) + b'1\0',
        'max-queues': u8(5) + u8(0) + b'4\0',
        'negotiate': u8(6) + u32(4) + u8(1) + u8(0x1f) + u8(0) + u8(8),
    },
    'xs_proto': {
        'u64': u8(0) + u64(1) + u64(1 << 40) + u8(0) + u8(0) + b'1048576\0',
        'uint-plus': u8(1) + u32(0) + u32(65535) + u8(0) + u8(0) + b'+512\0',
        'mac': u8(2) + u8(0) + b'00:16:3e:12:34:56\0',
        'vm-uuid': u8(3) + u8(0) + b'/vm/6ba7b810-9dad-11d1-80b4-00c04fd430c8\0',
    },
    'time_proto': {
        # mul shift op (small-shift flag) ...
        'tsc-khz': u32(0xa0000000) + u8(0xff) + u8(0) + u8(0),
        'scale': u32(0x80000000) + u8(1) + u8(1) + u8(0) + u64(1000000) + u64(2000000) + u8(0),
        'ns': u32(0xa0000000) + u8(0xff) + u8(2) + u8(0) + u64(1 << 33) + u64(10 ** 12) + u8(0) +
            u64((1 << 33) + 10 ** 6) + u64((1 << 33) + 2 * 10 ** 6) + u8(0),
    },
}

# Reproducers of what the harnesses found (see tests/fuzz/README.md).
crashes = {
    # ring of 256, index 5; one data slot, id 5, 10 bytes, no flags: a
    # complete packet shorter than ETH_HLEN. -EPROTO, but *out written.
    'netif_proto-rx-short-packet-writes-out': u8(2) + u8(0) + u8(8) + u8(0) + u8(17) + u32(5) +
        u16(5) + u16(0) + u16(0) + u16(10) + u8(0),
    # the same through the extra-info path: a 10-byte first slot announcing
    # an extra, then the GSO extra (TCPv4, size 1448) that completes it
    'netif_proto-rx-short-packet-writes-out-extra': u8(2) + u8(0) + u8(8) + u8(0) + u8(17) + u32(6) +
        u16(6) + u16(0) + u16(0x8) + u16(10) + u8(1) +
        u8(1) + u8(0) + u16(1448) + u8(1) + u8(0) + u16(0),
}


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


for parser, seeds in corpus.items():
    for name, data in seeds.items():
        write(os.path.join(here, 'corpus', parser), name, data)
for name, data in crashes.items():
    write(os.path.join(here, 'crashes'), name, data)
print(f"{sum(len(s) for s in corpus.values())} seeds, {len(crashes)} reproducers", file=sys.stderr)
