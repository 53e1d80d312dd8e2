// SPDX-License-Identifier: GPL-2.0
/*
 * Checks of what a VMXNET3 device writes back: completion descriptors and
 * command replies. Pure functions of their arguments, so KUnit can feed
 * them hostile values (tests/kunit/pv_vmi_vmxnet3_test.c). The host is not
 * trusted: every index, length and queue id is checked against what the
 * driver posted before anything is dereferenced.
 */
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/ethtool.h>
#include "vmxnet3_proto.h"

/**
 * vmx3_comp_ready() - does a completion descriptor belong to the driver?
 * @w3: the descriptor's last word, as read from the ring
 * @gen: the ring's current generation (0 or 1)
 *
 * The device owns a completion slot until it writes it with the ring's
 * current generation; a slot with the other generation is stale. Callers
 * read the rest of the descriptor only after this returned true and a
 * dma_rmb().
 */
bool vmx3_comp_ready(__le32 w3, u32 gen)
{
	return !!(le32_to_cpu(w3) & VMX3_CD_GEN) == !!gen;
}

/**
 * vmx3_parse_tx_comp() - check a tx completion
 * @cd: the completion descriptor, owned by the driver (vmx3_comp_ready())
 * @v: the tx ring's state
 * @ndesc: set to the number of descriptors it completes, from
 *	@v->next_to_clean up to and including its EOP descriptor
 *
 * A completion names the EOP descriptor of the last packet it completes.
 * That descriptor must be in flight and be an EOP one.
 *
 * Return: 0, or -EPROTO for a completion the driver cannot have asked for.
 */
int vmx3_parse_tx_comp(const struct vmx3_tx_comp *cd,
		       const struct vmx3_txq_view *v, u32 *ndesc)
{
	u32 w3 = le32_to_cpu(cd->w3);
	u32 idx = FIELD_GET(VMX3_TCD_TXIDX, le32_to_cpu(cd->w0));
	u32 span;

	if (FIELD_GET(VMX3_CD_TYPE, w3) != VMX3_CDTYPE_TXCOMP)
		return -EPROTO;
	if (!v->size || v->next_to_clean >= v->size || idx >= v->size)
		return -EPROTO;
	span = (idx + v->size - v->next_to_clean) % v->size + 1;
	if (span > v->in_flight)
		return -EPROTO;
	if (!test_bit(idx, v->eop_map))
		return -EPROTO;
	*ndesc = span;
	return 0;
}

/**
 * vmx3_parse_rx_comp() - check an rx completion and decode it
 * @cd: the completion descriptor, owned by the driver (vmx3_comp_ready())
 * @v: the rx queue's state
 * @out: the decoded completion, valid only when 0 is returned
 *
 * The device fills each ring in order; a packet starts (SOP) in a head
 * buffer of ring 0 and goes on (no SOP) in body buffers of ring 1, up to
 * the EOP. The device may pass over posted descriptors (the in-tree driver
 * copes with that too): an index ahead of the next one but within what is
 * posted is accepted, and the buffers skipped are reported in @out. Nothing
 * else is accepted: a queue id of another queue, an index beyond the ring
 * or outside the posted buffers (a replay of one handed back), a length beyond the
 * buffer, a SOP inside a packet or a continuation outside one, more
 * buffers than the driver allowed, an LRO completion (the driver does not
 * negotiate LRO) or any other completion type. Type 0 is taken as an rx
 * completion: QEMU's device model never sets the type.
 *
 * Return: 0, or -EPROTO.
 */
int vmx3_parse_rx_comp(const struct vmx3_rx_comp *cd,
		       const struct vmx3_rxq_view *v, struct vmx3_rx_cd *out)
{
	u32 w0 = le32_to_cpu(cd->w0);
	u32 w2 = le32_to_cpu(cd->w2);
	u32 w3 = le32_to_cpu(cd->w3);
	u32 rqid = FIELD_GET(VMX3_RCD_RQID, w0);
	struct vmx3_rx_cd c = { };
	u32 type;

	/* QEMU leaves the type 0; ESXi writes VMX3_CDTYPE_RXCOMP. */
	type = FIELD_GET(VMX3_CD_TYPE, w3);
	if (type != VMX3_CDTYPE_RXCOMP && type != 0)
		return -EPROTO;
	if (!v->nr_queues || v->qid >= v->nr_queues)
		return -EPROTO;
	if (rqid == v->qid)
		c.ring = 0;
	else if (rqid == v->qid + v->nr_queues)
		c.ring = 1;
	else
		return -EPROTO;

	c.idx = FIELD_GET(VMX3_RCD_RXIDX, w0);
	if (c.idx >= v->size[c.ring] || v->next[c.ring] >= v->size[c.ring])
		return -EPROTO;
	c.skipped = c.idx >= v->next[c.ring] ? c.idx - v->next[c.ring] :
		    c.idx + v->size[c.ring] - v->next[c.ring];
	if (c.skipped >= v->posted[c.ring])
		return -EPROTO;

	c.len = FIELD_GET(VMX3_RCD_LEN, w2);
	if (c.len > v->buf_len[c.ring])
		return -EPROTO;

	c.sop = w0 & VMX3_RCD_SOP;
	c.eop = w0 & VMX3_RCD_EOP;
	c.err = w2 & VMX3_RCD_ERR;
	if (c.sop == v->in_packet)
		return -EPROTO;
	/* Packets start in a head buffer and continue in body buffers. */
	if (c.sop != (c.ring == 0))
		return -EPROTO;
	if ((c.sop ? 0 : v->frags) + 1 > v->max_frags)
		return -EPROTO;
	/* Only an errored packet may end with nothing in its first buffer. */
	if (c.sop && !c.len && !(c.eop && c.err))
		return -EPROTO;

	if (c.eop && !c.err && !(w0 & VMX3_RCD_CNC)) {
		bool l4 = w3 & (VMX3_RCD_TCP | VMX3_RCD_UDP);
		bool v4 = w3 & VMX3_RCD_V4, v6 = w3 & VMX3_RCD_V6;

		c.csum_ok = l4 && (w3 & VMX3_RCD_TUC) && !(w3 & VMX3_RCD_FRG) &&
			    ((v4 && (w3 & VMX3_RCD_IPC)) || v6);
	}
	if (c.eop && (w2 & VMX3_RCD_TS)) {
		c.vlan_stripped = true;
		c.tci = w2 >> VMX3_RCD_TCI_SHIFT;
	}
	*out = c;
	return 0;
}

/**
 * vmx3_ring_size_valid() - can a ring have @size descriptors?
 * @size: descriptors
 *
 * Return: true for a non-zero multiple of 32 up to 4096.
 */
bool vmx3_ring_size_valid(u32 size)
{
	return size && size <= VMX3_RING_MAX && !(size % VMX3_RING_SIZE_ALIGN);
}

/**
 * vmx3_parse_link() - decode the reply to GET_LINK
 * @reply: what VMX3_REG_CMD read back
 * @up: carrier
 * @speed: Mb/s, or SPEED_UNKNOWN when the device reports none
 *
 * Bits 15:1 are reserved and ignored.
 */
void vmx3_parse_link(u32 reply, bool *up, u32 *speed)
{
	u32 mbps = reply >> VMX3_LINK_SPEED_SHIFT;

	*up = reply & VMX3_LINK_UP;
	*speed = mbps ? mbps : SPEED_UNKNOWN;
}
