// SPDX-License-Identifier: GPL-2.0
/*
 * modules/pv_xen/netif_proto.c: netif ring responses, rx packets slot by
 * slot, xenstore feature values and negotiation.
 *
 * Input: byte 0 picks the function. For the rx parser: the view (ring size,
 * a power of two most of the time, the GSO types advertised, max_data) and
 * the first ring index, then up to 64 rx responses (struct
 * xen_netif_rx_response from the kernel's xen/interface/io/netif.h, 8
 * bytes; an extra-info slot is the same 8 bytes read as struct
 * xen_netif_extra_info). Each packet is parsed from a reset state; after
 * a completed packet or a rejected slot the next packet starts. Strings
 * are NUL-terminated heap copies of exactly their length.
 */
#include "fuzz.h"
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/if_ether.h>
#include "netif_proto.h"

/* The xen_parse_uint() language: model_dec(), without overflow, in range. */
static int model_uint(const char *s, unsigned long long lo, unsigned long long hi, unsigned long long *v)
{
	unsigned long long x;
	int ovf;

	if (!model_dec(s, &x, &ovf) || ovf || x < lo || x > hi)
		return 0;
	*v = x;
	return 1;
}

static void rx_packets(struct fz *f)
{
	struct xen_netif_rx_view v;
	struct xen_netif_rx_state st;
	u32 idx, sum = 0, data_slots = 0, all = 0;
	int rc;

	v.ring_size = fz_bool(f) ? fz_u16(f) : 1u << (fz_u8(f) % 12);
	v.gso_types = fz_bool(f) ? fz_u32(f) : BIT(XEN_NETIF_GSO_TYPE_TCPV4) | BIT(XEN_NETIF_GSO_TYPE_TCPV6);
	v.max_data = fz_u8(f) % 20;
	idx = fz_u32(f);
	xen_netif_rx_reset(&st);
	CHECK(!st.started && !st.done && !st.nr_slots && !st.len && !st.gso_size, "reset");
	while (f->n && all++ < 64) {
		struct xen_netif_rx_response rsp;
		struct xen_netif_rx_slot out;
		bool was_extra = st.expect_extra;

		fz_bytes(f, &rsp, sizeof(rsp));
		if (!was_extra && fz_bool(f))	/* mostly the id netback uses */
			rsp.id = idx & (v.ring_size - 1);
		POISON_OUT(&out);
		rc = xen_netif_parse_rx_slot(&st, &rsp, idx, &v, &out);
		CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
		if (rc) {
			CHECK_KNOWN("rx-short-packet-writes-out", POISONED(&out), "slot %u: out written although -EPROTO is returned "
			      "(id %u offset %u flags %#x status %d; nr_slots %u len %u done %d)",
			      st.nr_slots, rsp.id, rsp.offset, rsp.flags, rsp.status, st.nr_slots, st.len, st.done);
			xen_netif_rx_reset(&st);
			sum = data_slots = 0;
			idx++;
			continue;
		}
		CHECK(v.ring_size && is_power_of_2(v.ring_size), "ring size %u accepted", v.ring_size);
		CHECK(st.nr_slots <= v.ring_size, "%u slots in a ring of %u", st.nr_slots, v.ring_size);
		if (was_extra) {
			CHECK(!out.data && !out.use && !out.len, "extra slot used as data");
		} else {
			CHECK(out.data, "data slot not data");
			CHECK(rsp.id == (idx & (v.ring_size - 1)), "id %u at index %u", rsp.id, idx);
			CHECK(out.offset < XEN_NETIF_PAGE_SIZE && out.offset + out.len <= XEN_NETIF_PAGE_SIZE,
			      "offset %u len %u beyond the page", out.offset, out.len);
			if (rsp.status >= 0)
				CHECK(out.len == rsp.status && out.offset == rsp.offset, "len %u status %d", out.len,
				      rsp.status);
			else
				CHECK(!out.len && (rsp.status == XEN_NETIF_RSP_ERROR || rsp.status == XEN_NETIF_RSP_DROPPED),
				      "status %d accepted", rsp.status);
			CHECK(!out.use || (out.len && !st.error && !st.oversize), "use %d len %u error %d oversize %d",
			      out.use, out.len, st.error, st.oversize);
			sum += out.len;
			data_slots++;
		}
		CHECK(st.len == sum && st.nr_data == data_slots && st.nr_data <= st.nr_slots, "len %u/%u data %u/%u",
		      st.len, sum, st.nr_data, data_slots);
		CHECK(st.oversize == (st.nr_data > v.max_data), "oversize %d with %u data slots, max %u", st.oversize,
		      st.nr_data, v.max_data);
		CHECK(!st.gso_size || (st.gso_type < 32 && (v.gso_types & BIT(st.gso_type))), "gso type %u",
		      st.gso_type);
		CHECK(!st.done || st.error || st.oversize || st.len >= ETH_HLEN, "complete packet of %u bytes", st.len);
		CHECK(st.done == (!st.more && !st.expect_extra), "done %d more %d extra %d", st.done, st.more,
		      st.expect_extra);
		if (st.done) {
			xen_netif_rx_reset(&st);
			sum = data_slots = 0;
		}
		idx++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	int rc;

	switch (fz_u8(&f) % 7) {
	case 0: {
		u32 cons = fz_u32(&f), pvt = cons + fz_u16(&f), prod = fz_u32(&f);

		if (fz_bool(&f))
			prod = cons + fz_u16(&f);
		CHECK(xen_netif_rsp_prod_ok(prod, cons, pvt) == (prod - cons <= pvt - cons), "prod %u cons %u pvt %u",
		      prod, cons, pvt);
		break;
	}
	case 1: {
		struct xen_netif_tx_response rsp;
		struct xen_netif_tx_view v;
		struct xen_netif_tx_done out;
		unsigned long *map;
		size_t nl;

		v.ring_size = fz_bool(&f) ? fz_u16(&f) : 1u << (fz_u8(&f) % 12);
		v.nulls_pending = fz_u8(&f) % 3;
		nl = BITS_TO_LONGS(v.ring_size);
		map = malloc(nl ? nl * sizeof(long) : 1);
		fz_bytes(&f, map, nl * sizeof(long));
		v.in_use = map;
		rsp.id = fz_u16(&f);
		if (fz_bool(&f) && v.ring_size)
			rsp.id %= v.ring_size;
		rsp.status = fz_bool(&f) ? (s16)fz_u16(&f) : (s16)(fz_u8(&f) % 4) - 2;	/* NULL..OKAY */
		POISON_OUT(&out);
		rc = xen_netif_parse_tx_rsp(&rsp, &v, &out);
		CHECK(rc == 0 || rc == -EPROTO, "rc %d", rc);
		if (rc == 0) {
			CHECK(v.ring_size && is_power_of_2(v.ring_size), "ring size %u", v.ring_size);
			if (out.null) {
				CHECK(rsp.status == XEN_NETIF_RSP_NULL && v.nulls_pending, "null");
			} else {
				CHECK(rsp.status == XEN_NETIF_RSP_OKAY || rsp.status == XEN_NETIF_RSP_ERROR ||
				      rsp.status == XEN_NETIF_RSP_DROPPED, "status %d", rsp.status);
				CHECK(out.id == rsp.id && rsp.id < v.ring_size && test_bit(rsp.id, map), "id %u", rsp.id);
				CHECK(out.failed == (rsp.status != XEN_NETIF_RSP_OKAY), "failed %d", out.failed);
			}
		} else {
			CHECK(POISONED(&out), "out written on error");
		}
		free(map);
		break;
	}
	case 2:
		rx_packets(&f);
		break;
	case 3: {
		unsigned long off = fz_u64(&f), len = fz_u32(&f);
		unsigned __int128 want;
		unsigned int n;

		if (fz_bool(&f))
			len %= 70000;
		n = xen_netif_tx_slots(off, len);
		/* callers never ask for an empty buffer (netif_tx.c) */
		if (len) {
			want = ((unsigned __int128)(off % XEN_NETIF_PAGE_SIZE) + len + XEN_NETIF_PAGE_SIZE - 1) /
			       XEN_NETIF_PAGE_SIZE;
			CHECK(n == want, "%u slots for offset %lu len %lu", n, off, len);
		}
		break;
	}
	case 4: {
		bool null = fz_u8(&f) == 0xff, on;
		char *s = null ? NULL : fz_str(&f);
		unsigned long long v;

		POISON_OUT(&on);
		rc = xen_netif_parse_feature(s, &on);
		CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE, "rc %d", rc);
		if (!s)
			CHECK(rc == 0 && on == false, "missing node");
		else if (model_uint(s, 0, 1, &v))
			CHECK(rc == 0 && on == v, "\"%s\": rc %d", s, rc);
		else
			CHECK(rc && POISONED(&on), "\"%s\": rc %d", s, rc);
		free(s);
		break;
	}
	case 5: {
		bool null = fz_u8(&f) == 0xff;
		char *s = null ? NULL : fz_str(&f);
		unsigned long long v;
		unsigned int n;

		POISON_OUT(&n);
		rc = xen_netif_parse_max_queues(s, &n);
		CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE, "rc %d", rc);
		if (!s)
			CHECK(rc == 0 && n == 1, "missing node");
		else if (model_uint(s, 1, XEN_NETIF_MAX_QUEUES_VALUE, &v))
			CHECK(rc == 0 && n == v, "\"%s\": rc %d n %u", s, rc, n);
		else
			CHECK(rc && POISONED(&n), "\"%s\": rc %d", s, rc);
		free(s);
		break;
	}
	case 6: {
		struct xen_netif_backend_features be;
		struct xen_netif_negotiated out;
		unsigned int want = fz_u32(&f) % 70000, m;
		bool split = fz_bool(&f);
		u8 bits = fz_u8(&f);

		be.max_queues = fz_bool(&f) ? fz_u32(&f) : fz_u8(&f);
		be.split_evtchn = bits & 1, be.sg = bits & 2, be.gso_tcpv4 = bits & 4, be.gso_tcpv6 = bits & 8;
		be.ipv6_csum = bits & 16, be.no_csum = bits & 32, be.rx_copy = bits & 64;
		if (!want)
			want = 1;	/* documented: >= 1 */
		POISON_OUT(&out);
		xen_netif_negotiate(&be, want, split, &out);
		m = be.max_queues < want ? be.max_queues : want;
		CHECK(out.nr_queues == (m < 1 ? 1 : m > 65535 ? 65535 : m), "queues %u backend %u want %u",
		      out.nr_queues, be.max_queues, want);
		CHECK(out.split_evtchn == (be.split_evtchn && split), "split");
		CHECK(out.tx_csum == !be.no_csum && out.tx_csum6 == (out.tx_csum && be.ipv6_csum), "csum");
		CHECK(out.sg == be.sg, "sg");
		CHECK(out.tso == (out.sg && out.tx_csum && be.gso_tcpv4), "tso");
		CHECK(out.tso6 == (out.sg && out.tx_csum6 && be.gso_tcpv6), "tso6");
		break;
	}
	}
	return 0;
}
