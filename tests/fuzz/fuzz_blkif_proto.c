// SPDX-License-Identifier: GPL-2.0
/*
 * modules/pv_xen/blkif_proto.c: blkif response checks and negotiation.
 *
 * Input: byte 0 picks the function. For xen_blkif_rsp_decode(): the ring
 * size (0..1024; pv_xen's largest ring has 512 slots), the inflight_op
 * table in an allocation of exactly ring_size bytes, then the response as
 * the backend wrote it (struct blkif_response, from the kernel's own
 * xen/interface/io/blkif.h). For the window check the driver's own indexes
 * keep at most 2^16 requests outstanding; the backend's producer is free.
 */
#include "fuzz.h"
#include <linux/errno.h>
#include <linux/kernel.h>
#include "blkif_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	unsigned int a, b, r;
	int rc;

	switch (fz_u8(&f) % 8) {
	case 0: {
		RING_IDX cons = fz_u32(&f), outstanding = fz_u16(&f), prod = fz_u32(&f);

		if (fz_bool(&f))
			prod = cons + fz_u16(&f) % 1024;
		rc = xen_blkif_rsp_window(prod, cons, cons + outstanding);
		CHECK(rc == -EPROTO || (rc >= 0 && (RING_IDX)rc <= outstanding), "rc %d outstanding %u", rc, outstanding);
		CHECK((rc == -EPROTO) == (prod - cons > outstanding), "rc %d prod %u cons %u", rc, prod, cons);
		if (rc >= 0)
			CHECK((RING_IDX)rc == prod - cons, "rc %d prod %u cons %u", rc, prod, cons);
		break;
	}
	case 1: {
		unsigned int ring_size = fz_u16(&f) % 1025;
		u8 *op = malloc(ring_size ? ring_size : 1);
		struct blkif_response rsp;
		struct xen_blkif_rsp out;
		unsigned int i;

		for (i = 0; i < ring_size; i++) {	/* mostly free, as a real ring */
			op[i] = fz_u8(&f);
			if (op[i] & 0x80)
				op[i] = XEN_BLKIF_ID_FREE;
		}
		rsp.id = fz_u64(&f);
		if (fz_bool(&f) && ring_size)
			rsp.id %= ring_size;
		rsp.operation = fz_u8(&f);
		rsp.status = fz_u16(&f);
		if (fz_bool(&f))
			rsp.status = (s16)(fz_u8(&f) % 4) - 2;	/* -2..1 */
		POISON_OUT(&out);
		rc = xen_blkif_rsp_decode(&rsp, ring_size, op, &out);
		CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
		if (rc == 0) {
			CHECK(rsp.id < ring_size && op[rsp.id] != XEN_BLKIF_ID_FREE, "id %llu", (unsigned long long)rsp.id);
			CHECK(rsp.operation == op[rsp.id], "operation %u for %u", rsp.operation, op[rsp.id]);
			CHECK(out.id == rsp.id, "out.id %u id %llu", out.id, (unsigned long long)rsp.id);
			if (rsp.status == BLKIF_RSP_OKAY)
				CHECK(out.status == BLK_STS_OK && !out.notsupp, "okay");
			else if (rsp.status == BLKIF_RSP_EOPNOTSUPP)
				CHECK(out.status == BLK_STS_NOTSUPP && out.notsupp, "eopnotsupp");
			else
				CHECK(out.status == BLK_STS_IOERR && !out.notsupp, "status %d", rsp.status);
		} else {
			CHECK(POISONED(&out), "out written on error");
			CHECK(rsp.id >= ring_size || op[rsp.id] == XEN_BLKIF_ID_FREE || rsp.operation != op[rsp.id],
			      "valid response rejected");
		}
		free(op);
		break;
	}
	case 2: {
		struct blkif_request_segment seg;
		unsigned int off = fz_u32(&f), len = fz_u32(&f);
		int ok;

		if (fz_bool(&f))
			off %= 8192, len %= 8192;
		POISON_OUT(&seg);
		rc = xen_blkif_segment(off, len, &seg);
		ok = len && off < XEN_PAGE_SIZE && (u64)off + len <= XEN_PAGE_SIZE && !(off % 512) && !(len % 512);
		CHECK(rc == (ok ? 0 : -EINVAL), "rc %d offset %u len %u", rc, off, len);
		CHECK(fz_poisoned(&seg.gref, sizeof(seg.gref)), "gref written");
		if (rc == 0) {
			CHECK(seg.first_sect == off / 512 && seg.last_sect == (off + len) / 512 - 1, "sectors %u-%u",
			      seg.first_sect, seg.last_sect);
			CHECK(seg.first_sect <= seg.last_sect && seg.last_sect < XEN_PAGE_SIZE / 512, "sectors %u-%u",
			      seg.first_sect, seg.last_sect);
		}
		break;
	}
	case 3:
		a = fz_u32(&f), b = fz_u32(&f);
		r = xen_blkif_ring_order(a, b);
		CHECK(r <= a && r <= b && r <= XEN_BLKIF_MAX_RING_ORDER, "order %u", r);
		CHECK(r == a || r == b || r == XEN_BLKIF_MAX_RING_ORDER, "order %u", r);
		break;
	case 4:
		a = fz_u32(&f), b = fz_u32(&f);
		if (fz_bool(&f))
			a %= 64, b %= 64;
		r = xen_blkif_nr_rings(a, b);
		CHECK(r >= 1 && r <= (b ? b : 1), "rings %u backend %u wanted %u", r, a, b);
		CHECK(r == (a < 1 ? 1 : a) || r == (b ? b : 1), "rings %u backend %u wanted %u", r, a, b);
		break;
	case 5:
		a = fz_u32(&f), b = fz_u32(&f);
		if (fz_bool(&f))
			a %= 8192, b %= 8192;
		r = xen_blkif_indirect_segs(a, b);
		CHECK(r == 0 || (r > BLKIF_MAX_SEGMENTS_PER_REQUEST && r <= XEN_BLKIF_MAX_INDIRECT_SEGS), "segs %u", r);
		CHECK(r <= a && r <= b, "segs %u backend %u wanted %u", r, a, b);
		if (r)
			CHECK(r == a || r == b || r == XEN_BLKIF_MAX_INDIRECT_SEGS, "segs %u", r);
		break;
	case 6:
		a = fz_u32(&f);
		if (fz_bool(&f))
			a %= 8193;
		CHECK(xen_blkif_sector_size_ok(a) == (a >= 512 && a <= XEN_PAGE_SIZE && !(a & (a - 1))), "size %u", a);
		break;
	case 7:
		a = fz_u32(&f);
		if (fz_bool(&f))
			a %= XEN_BLKIF_MAX_INDIRECT_SEGS + 2;
		r = xen_blkif_indirect_pages(a);
		CHECK((u64)r * XEN_BLKIF_SEGS_PER_INDIRECT_PAGE >= a, "pages %u for %u segments", r, a);
		CHECK(!r || (u64)(r - 1) * XEN_BLKIF_SEGS_PER_INDIRECT_PAGE < a, "pages %u for %u segments", r, a);
		if (a <= XEN_BLKIF_MAX_INDIRECT_SEGS)
			CHECK(r <= BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST, "pages %u", r);
		break;
	}
	return 0;
}
