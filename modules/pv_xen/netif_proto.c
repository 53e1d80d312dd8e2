// SPDX-License-Identifier: GPL-2.0
/*
 * Checks of what a Xen network backend writes: ring responses and xenstore
 * values. See netif_proto.h. Nothing here keeps state between calls: the
 * caller passes what it posted (a view) and gets back a verdict.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/if_ether.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include "netif_proto.h"
#include "xs_proto.h"

/**
 * xen_netif_rsp_prod_ok() - is a ring's response producer plausible?
 * @rsp_prod: the producer index the backend published
 * @rsp_cons: responses the front-end consumed
 * @req_prod_pvt: requests the front-end produced
 *
 * The backend cannot answer more requests than were made: a producer index
 * that runs ahead of them (free-running 32-bit indexes, so compared as
 * distances from @rsp_cons) would make the front-end read slots it never
 * filled.
 *
 * Return: true when @rsp_prod lies between @rsp_cons and @req_prod_pvt.
 */
bool xen_netif_rsp_prod_ok(u32 rsp_prod, u32 rsp_cons, u32 req_prod_pvt)
{
	return rsp_prod - rsp_cons <= req_prod_pvt - rsp_cons;
}

/**
 * xen_netif_parse_tx_rsp() - check a tx response
 * @rsp: the response, copied out of the shared ring
 * @v: the tx ring's state
 * @out: the decoded response, written only when 0 is returned
 *
 * A response either completes a data slot (its id must be one in flight)
 * or answers an extra-info slot with XEN_NETIF_RSP_NULL (one must be
 * pending). The status of a data slot is OKAY, ERROR or DROPPED; anything
 * else is not in the protocol.
 *
 * Return: 0, or -EPROTO for a response the front-end cannot have asked for.
 */
int xen_netif_parse_tx_rsp(const struct xen_netif_tx_response *rsp,
			   const struct xen_netif_tx_view *v,
			   struct xen_netif_tx_done *out)
{
	struct xen_netif_tx_done d = { };

	if (!v->ring_size || !is_power_of_2(v->ring_size))
		return -EPROTO;
	switch (rsp->status) {
	case XEN_NETIF_RSP_NULL:
		if (!v->nulls_pending)
			return -EPROTO;
		d.null = true;
		*out = d;
		return 0;
	case XEN_NETIF_RSP_OKAY:
		break;
	case XEN_NETIF_RSP_ERROR:
	case XEN_NETIF_RSP_DROPPED:
		d.failed = true;
		break;
	default:
		return -EPROTO;
	}
	if (rsp->id >= v->ring_size || !test_bit(rsp->id, v->in_use))
		return -EPROTO;
	d.id = rsp->id;
	*out = d;
	return 0;
}

/**
 * xen_netif_rx_reset() - get ready for the next rx packet
 * @st: the parser state
 */
void xen_netif_rx_reset(struct xen_netif_rx_state *st)
{
	memset(st, 0, sizeof(*st));
}

/* An extra-info slot: only GSO is negotiated, once per packet. */
static int xen_netif_parse_rx_extra(struct xen_netif_rx_state *st,
				    const struct xen_netif_rx_response *rsp,
				    const struct xen_netif_rx_view *v)
{
	struct xen_netif_extra_info ex;

	BUILD_BUG_ON(sizeof(ex) != sizeof(*rsp));
	memcpy(&ex, rsp, sizeof(ex));
	if (ex.type != XEN_NETIF_EXTRA_TYPE_GSO)
		return -EPROTO;
	if (ex.flags & ~XEN_NETIF_EXTRA_FLAG_MORE)
		return -EPROTO;
	if (st->gso_size)
		return -EPROTO;
	if (ex.u.gso.type >= 32 || !(v->gso_types & BIT(ex.u.gso.type)))
		return -EPROTO;
	if (!ex.u.gso.size)
		return -EPROTO;
	st->gso_size = ex.u.gso.size;
	st->gso_type = ex.u.gso.type;
	st->expect_extra = ex.flags & XEN_NETIF_EXTRA_FLAG_MORE;
	return 0;
}

/**
 * xen_netif_parse_rx_slot() - check the next slot of an rx packet
 * @st: the packet parsed so far; zeroed (xen_netif_rx_reset()) for a new
 *	one
 * @rsp: the slot's response, copied out of the shared ring
 * @idx: the slot's ring index (free-running)
 * @v: what the front-end accepts
 * @out: what the slot holds, written only when 0 is returned
 *
 * A packet is a first data slot (checksum flags, extra_info, more_data),
 * the extra-info slots it announced, then one data slot per more_data.
 * Netback answers each request in its own slot, so a data slot's id is
 * its ring index. A slot in error (status ERROR or DROPPED) makes the
 * packet one to drop; any other negative status, an id of another slot,
 * data beyond the page, flags out of place, an extra of a type or GSO kind
 * that was not negotiated, a second GSO extra, a GSO size of zero or a
 * complete packet shorter than an Ethernet header is a protocol violation.
 * @st->done is set by the slot that completes the packet.
 *
 * Return: 0, or -EPROTO.
 */
int xen_netif_parse_rx_slot(struct xen_netif_rx_state *st,
			    const struct xen_netif_rx_response *rsp, u32 idx,
			    const struct xen_netif_rx_view *v,
			    struct xen_netif_rx_slot *out)
{
	struct xen_netif_rx_slot s = { .data = true };
	u16 allowed;
	int err;

	if (st->done || !v->ring_size || !is_power_of_2(v->ring_size))
		return -EPROTO;
	/* A packet can never span more slots than the ring holds. */
	if (st->nr_slots >= v->ring_size)
		return -EPROTO;

	if (st->expect_extra) {
		err = xen_netif_parse_rx_extra(st, rsp, v);
		if (err)
			return err;
		/* An extra slot carries no data. */
		s = (struct xen_netif_rx_slot){ };
		st->nr_slots++;
		st->done = !st->expect_extra && !st->more;
		goto check_done;
	}

	if (rsp->id != (idx & (v->ring_size - 1)))
		return -EPROTO;
	allowed = st->started ? XEN_NETRXF_more_data : XEN_NETIF_RXF_KNOWN;
	if (rsp->flags & ~allowed)
		return -EPROTO;

	if (rsp->status < 0) {
		if (rsp->status != XEN_NETIF_RSP_ERROR &&
		    rsp->status != XEN_NETIF_RSP_DROPPED)
			return -EPROTO;
		st->error = true;
	} else {
		if (rsp->offset >= XEN_NETIF_PAGE_SIZE ||
		    rsp->offset + rsp->status > XEN_NETIF_PAGE_SIZE)
			return -EPROTO;
		s.offset = rsp->offset;
		s.len = rsp->status;
		st->len += s.len;
	}

	if (!st->started) {
		st->started = true;
		st->csum_blank = rsp->flags & XEN_NETRXF_csum_blank;
		st->data_validated = rsp->flags & XEN_NETRXF_data_validated;
		st->expect_extra = rsp->flags & XEN_NETRXF_extra_info;
	}
	st->more = rsp->flags & XEN_NETRXF_more_data;
	st->nr_slots++;
	if (++st->nr_data > v->max_data)
		st->oversize = true;
	s.use = !st->error && !st->oversize && s.len;
	st->done = !st->more && !st->expect_extra;

check_done:
	if (st->done && !st->error && !st->oversize && st->len < ETH_HLEN)
		return -EPROTO;
	*out = s;
	return 0;
}

/**
 * xen_netif_tx_slots() - tx slots a buffer takes
 * @offset: where it starts, relative to any page boundary
 * @len: its length
 *
 * A tx slot names one grant, so no slot may cross a Xen page: netback
 * refuses such a slot and disables the interface.
 *
 * Return: the number of Xen pages [@offset, @offset + @len) touches.
 */
unsigned int xen_netif_tx_slots(unsigned long offset, unsigned long len)
{
	offset %= XEN_NETIF_PAGE_SIZE;
	return DIV_ROUND_UP(offset + len, XEN_NETIF_PAGE_SIZE);
}

/**
 * xen_netif_parse_feature() - a "feature-*" flag in the backend's directory
 * @s: the value as read; NULL when the node does not exist
 * @on: the flag, written only on success (false for a missing node)
 *
 * Return: 0, or -EINVAL/-ERANGE for anything but "0" and "1".
 */
int xen_netif_parse_feature(const char *s, bool *on)
{
	unsigned int v;
	int err;

	if (!s) {
		*on = false;
		return 0;
	}
	err = xen_parse_uint(s, 0, 1, &v);
	if (err)
		return err;
	*on = v;
	return 0;
}

/**
 * xen_netif_parse_max_queues() - the backend's multi-queue-max-queues
 * @s: the value as read; NULL when the node does not exist
 * @n: the number, written only on success (1 for a missing node)
 *
 * Return: 0, or -EINVAL/-ERANGE for anything but 1..65535.
 */
int xen_netif_parse_max_queues(const char *s, unsigned int *n)
{
	if (!s) {
		*n = 1;
		return 0;
	}
	return xen_parse_uint(s, 1, XEN_NETIF_MAX_QUEUES_VALUE, n);
}

/**
 * xen_netif_negotiate() - what a connection uses
 * @be: what the backend offers
 * @want_queues: queue pairs the front-end would like, >= 1
 * @want_split: the front-end would like split event channels
 * @out: the result
 *
 * Offloads need each other: TCPv4 GSO needs scatter-gather and checksum
 * offload, TCPv6 GSO needs IPv6 checksum offload, which needs checksum
 * offload at all.
 */
void xen_netif_negotiate(const struct xen_netif_backend_features *be,
			 unsigned int want_queues, bool want_split,
			 struct xen_netif_negotiated *out)
{
	memset(out, 0, sizeof(*out));
	out->nr_queues = clamp(min(be->max_queues, want_queues), 1u,
			       (unsigned int)XEN_NETIF_MAX_QUEUES_VALUE);
	out->split_evtchn = be->split_evtchn && want_split;
	out->tx_csum = !be->no_csum;
	out->tx_csum6 = out->tx_csum && be->ipv6_csum;
	out->sg = be->sg;
	out->tso = out->sg && out->tx_csum && be->gso_tcpv4;
	out->tso6 = out->sg && out->tx_csum6 && be->gso_tcpv6;
}
