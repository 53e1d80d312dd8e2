// SPDX-License-Identifier: GPL-2.0
/*
 * modules/pv_vmi/vmxnet3_proto.c: VMXNET3 completion descriptors and
 * command replies.
 *
 * Input: byte 0 picks the function. The tx ring view (size up to 8192,
 * next_to_clean, in_flight, the EOP bitmap in an allocation of exactly
 * BITS_TO_LONGS(size) longs) and the rx queue view (qid, nr_queues, ring
 * sizes, next indexes, buffer lengths, packet state) come from the input,
 * then the 16-byte descriptor. The rx case parses up to 32 completions in
 * a row, updating the view as the driver does after each accepted one, so
 * multi-buffer packets are reached.
 */
#include "fuzz.h"
#include <linux/errno.h>
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/ethtool.h>
#include "vmxnet3_proto.h"

static void rx_one(struct fz *f, struct vmx3_rxq_view *v)
{
	struct vmx3_rx_comp cd;
	struct vmx3_rx_cd c;
	u32 w0, w2, w3, type;
	int rc;

	fz_bytes(f, &cd, sizeof(cd));
	w0 = le32_to_cpu(cd.w0), w2 = le32_to_cpu(cd.w2), w3 = le32_to_cpu(cd.w3);
	type = FIELD_GET(VMX3_CD_TYPE, w3);
	rc = vmx3_parse_rx_comp(&cd, v, &c);
	CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
	if (rc)
		return;
	CHECK(type == 0 || type == VMX3_CDTYPE_RXCOMP, "type %u accepted", type);
	CHECK(v->nr_queues && v->qid < v->nr_queues, "qid %u of %u", v->qid, v->nr_queues);
	CHECK(c.ring <= 1, "ring %u", c.ring);
	CHECK(FIELD_GET(VMX3_RCD_RQID, w0) == v->qid + c.ring * v->nr_queues, "rqid for ring %u", c.ring);
	/* Ahead of the next one by what the device skipped, within what is posted. */
	CHECK(c.idx < v->size[c.ring] && v->next[c.ring] < v->size[c.ring] &&
	      c.skipped < v->posted[c.ring] &&
	      (v->next[c.ring] + c.skipped) % v->size[c.ring] == c.idx,
	      "idx %u skipped %u of ring %u (size %u next %u posted %u)", c.idx, c.skipped,
	      c.ring, v->size[c.ring], v->next[c.ring], v->posted[c.ring]);
	CHECK(c.len <= v->buf_len[c.ring] && c.len == FIELD_GET(VMX3_RCD_LEN, w2), "len %u buf %u", c.len,
	      v->buf_len[c.ring]);
	CHECK(c.sop == (c.ring == 0) && c.sop != v->in_packet, "sop %d ring %u in_packet %d", c.sop, c.ring,
	      v->in_packet);
	CHECK((c.sop ? 0 : v->frags) + 1 <= v->max_frags, "frags %u max %u", v->frags, v->max_frags);
	CHECK(!c.sop || c.len || (c.eop && c.err), "empty head buffer accepted");
	CHECK(c.eop == !!(w0 & VMX3_RCD_EOP) && c.err == !!(w2 & VMX3_RCD_ERR), "eop/err");
	CHECK(!c.csum_ok || (c.eop && !c.err && !(w0 & VMX3_RCD_CNC) && (w3 & VMX3_RCD_TUC) &&
			     !(w3 & VMX3_RCD_FRG) && (w3 & (VMX3_RCD_TCP | VMX3_RCD_UDP))), "csum_ok");
	CHECK(!c.vlan_stripped || (c.eop && (w2 & VMX3_RCD_TS) && c.tci == (u16)(w2 >> 16)), "vlan");
	/* what the driver does with it */
	v->next[c.ring] = (c.idx + 1) % v->size[c.ring];
	v->posted[c.ring] -= c.skipped + 1;
	v->frags = c.sop ? 1 : v->frags + 1;
	v->in_packet = !c.eop;
	if (c.eop)
		v->frags = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	int rc, i;

	switch (fz_u8(&f) % 5) {
	case 0: {
		u32 w3 = fz_u32(&f), gen = fz_u8(&f) & 1;

		if (fz_bool(&f))
			gen = fz_u32(&f);
		CHECK(vmx3_comp_ready(cpu_to_le32(w3), gen) == (!!(w3 & VMX3_CD_GEN) == !!gen), "w3 %#x gen %u", w3,
		      gen);
		break;
	}
	case 1: {
		struct vmx3_txq_view v;
		struct vmx3_tx_comp cd;
		unsigned long *map;
		u32 ndesc = 0xa5a5a5a5, idx, w3;
		size_t nl;

		v.size = fz_u16(&f) % 8193;
		v.next_to_clean = fz_u16(&f);
		if (v.size && fz_bool(&f))
			v.next_to_clean %= v.size;
		v.in_flight = fz_u16(&f);
		nl = BITS_TO_LONGS(v.size);
		map = malloc(nl ? nl * sizeof(long) : 1);
		fz_bytes(&f, map, nl * sizeof(long));
		v.eop_map = map;
		fz_bytes(&f, &cd, sizeof(cd));
		idx = FIELD_GET(VMX3_TCD_TXIDX, le32_to_cpu(cd.w0));
		w3 = le32_to_cpu(cd.w3);
		rc = vmx3_parse_tx_comp(&cd, &v, &ndesc);
		CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
		if (rc == 0) {
			CHECK(FIELD_GET(VMX3_CD_TYPE, w3) == VMX3_CDTYPE_TXCOMP, "type");
			CHECK(idx < v.size && v.next_to_clean < v.size && test_bit(idx, map), "idx %u", idx);
			CHECK(ndesc >= 1 && ndesc <= v.size && ndesc <= v.in_flight, "ndesc %u size %u in flight %u",
			      ndesc, v.size, v.in_flight);
			CHECK((v.next_to_clean + ndesc - 1) % v.size == idx, "ndesc %u does not end at %u", ndesc, idx);
		}
		free(map);
		break;
	}
	case 2: {
		struct vmx3_rxq_view v = { };

		v.nr_queues = fz_u8(&f) % 18;
		v.qid = fz_u8(&f) % 18;
		for (i = 0; i < 2; i++) {
			v.size[i] = fz_u16(&f) % 4097;
			v.next[i] = fz_u16(&f);
			if (v.size[i] && fz_bool(&f))
				v.next[i] %= v.size[i];
			v.posted[i] = fz_u16(&f);
			if (fz_bool(&f))
				v.posted[i] %= v.size[i] + 1;
			v.buf_len[i] = fz_u16(&f) % 16385;
		}
		v.in_packet = fz_bool(&f);
		v.frags = fz_u8(&f) % 20;
		v.max_frags = fz_u8(&f) % 20;
		for (i = 0; i < 32 && f.n; i++)
			rx_one(&f, &v);
		break;
	}
	case 3: {
		u32 s = fz_u32(&f);

		if (fz_bool(&f))
			s %= 8192;
		CHECK(vmx3_ring_size_valid(s) == (s && s <= VMX3_RING_MAX && !(s % VMX3_RING_SIZE_ALIGN)), "size %u", s);
		break;
	}
	case 4: {
		u32 reply = fz_u32(&f), speed = 0x5a5a5a5a;
		bool up = false;

		vmx3_parse_link(reply, &up, &speed);
		CHECK(up == (reply & 1), "up %d reply %#x", up, reply);
		CHECK(speed == ((reply >> 16) ? reply >> 16 : (u32)SPEED_UNKNOWN), "speed %u reply %#x", speed, reply);
		break;
	}
	}
	return 0;
}
