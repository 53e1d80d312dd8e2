/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks of what a Xen network backend (netback) writes: tx and rx ring
 * responses, the extra-info slots that carry GSO metadata, and the
 * "feature-*" and queue values in its xenstore directory. The backend is
 * another domain and is not trusted: every id, status, offset, length and
 * flag is checked against what the front-end posted before anything it
 * names is touched. Pure functions of their arguments, driven by KUnit
 * (tests/kunit/pv_xen_netif_test.c).
 */
#ifndef _PV_XEN_NETIF_PROTO_H
#define _PV_XEN_NETIF_PROTO_H

#include <linux/types.h>
#include <xen/interface/io/netif.h>

/* Grants and ring offsets are in Xen pages: 4 KiB on every architecture. */
#define XEN_NETIF_PAGE_SIZE	4096u

/* rx flags the front-end understands; gso_prefix is never negotiated. */
#define XEN_NETIF_RXF_KNOWN	(XEN_NETRXF_data_validated | \
				 XEN_NETRXF_csum_blank | \
				 XEN_NETRXF_more_data | XEN_NETRXF_extra_info)

/* The largest value multi-queue-max-queues may hold: 16 bits, as queue-N. */
#define XEN_NETIF_MAX_QUEUES_VALUE	65535

/**
 * struct xen_netif_tx_view - what the front-end knows about a tx ring
 * @ring_size: slots in the ring (a power of two); ids are below it
 * @in_use: bitmap of @ring_size bits: ids of data slots awaiting a response
 * @nulls_pending: extra-info slots awaiting their XEN_NETIF_RSP_NULL
 */
struct xen_netif_tx_view {
	u32 ring_size;
	const unsigned long *in_use;
	u32 nulls_pending;
};

/**
 * struct xen_netif_tx_done - a validated tx response
 * @id: the data slot it completes (not set for @null)
 * @null: the response of an extra-info slot
 * @failed: the backend reports the packet dropped or in error
 */
struct xen_netif_tx_done {
	u16 id;
	bool null;
	bool failed;
};

/**
 * struct xen_netif_rx_view - what the front-end accepts on an rx ring
 * @ring_size: slots in the ring (a power of two); a data slot's response
 *	carries the id of the request in the same slot, its ring index
 *	modulo @ring_size
 * @gso_types: bitmap of XEN_NETIF_GSO_TYPE_* values the front-end
 *	advertised (feature-gso-tcpv4/-tcpv6)
 * @max_data: data slots a packet may span before it is dropped as
 *	oversized (one skb fragment each)
 */
struct xen_netif_rx_view {
	u32 ring_size;
	u32 gso_types;
	u32 max_data;
};

/**
 * struct xen_netif_rx_state - a packet being parsed, slot by slot
 * @started: its first data slot was seen
 * @expect_extra: the next slot is an extra-info slot
 * @more: data slots follow (the last data slot said more_data)
 * @done: the packet is complete; reset before the next one
 * @error: the backend flagged a slot in error: drop the packet
 * @oversize: more than the view's max_data data slots: drop the packet
 * @csum_blank: the checksum is not computed (first slot's flags)
 * @data_validated: the checksum was verified (first slot's flags)
 * @nr_slots: slots consumed, extra-info slots included
 * @nr_data: data slots consumed
 * @len: bytes in the data slots so far
 * @gso_size: GSO segment size from the extra-info slot, 0 for none
 * @gso_type: its XEN_NETIF_GSO_TYPE_*
 */
struct xen_netif_rx_state {
	bool started;
	bool expect_extra;
	bool more;
	bool done;
	bool error;
	bool oversize;
	bool csum_blank;
	bool data_validated;
	u32 nr_slots;
	u32 nr_data;
	u32 len;
	u16 gso_size;
	u8 gso_type;
};

/**
 * struct xen_netif_rx_slot - what one validated rx slot holds
 * @data: a data slot (else an extra-info slot, whose buffer is unused)
 * @use: its bytes belong in the packet (a data slot, not in error, within
 *	max_data); @offset and @len are valid
 * @offset: where the backend put them in the page
 * @len: how many
 */
struct xen_netif_rx_slot {
	bool data;
	bool use;
	u16 offset;
	u16 len;
};

/**
 * struct xen_netif_backend_features - what the backend's directory says
 * @max_queues: multi-queue-max-queues, 1 when absent
 * @split_evtchn: feature-split-event-channels
 * @sg: feature-sg: takes tx packets in several slots with fragments
 * @gso_tcpv4: feature-gso-tcpv4: takes TCPv4 GSO packets
 * @gso_tcpv6: feature-gso-tcpv6
 * @ipv6_csum: feature-ipv6-csum-offload: completes IPv6 partial checksums
 * @no_csum: feature-no-csum-offload: completes no partial checksums
 * @rx_copy: feature-rx-copy: copies into the front-end's rx pages
 */
struct xen_netif_backend_features {
	unsigned int max_queues;
	bool split_evtchn;
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool ipv6_csum;
	bool no_csum;
	bool rx_copy;
};

/**
 * struct xen_netif_negotiated - what a connection will use
 * @nr_queues: queue pairs
 * @split_evtchn: one event channel for tx and one for rx per queue
 * @tx_csum: hand partial IPv4 TCP/UDP checksums to the backend
 * @tx_csum6: also IPv6 ones
 * @sg: tx packets with fragments
 * @tso: TCPv4 GSO
 * @tso6: TCPv6 GSO
 */
struct xen_netif_negotiated {
	unsigned int nr_queues;
	bool split_evtchn;
	bool tx_csum;
	bool tx_csum6;
	bool sg;
	bool tso;
	bool tso6;
};

bool xen_netif_rsp_prod_ok(u32 rsp_prod, u32 rsp_cons, u32 req_prod_pvt);
int xen_netif_parse_tx_rsp(const struct xen_netif_tx_response *rsp,
			   const struct xen_netif_tx_view *v,
			   struct xen_netif_tx_done *out);
void xen_netif_rx_reset(struct xen_netif_rx_state *st);
int xen_netif_parse_rx_slot(struct xen_netif_rx_state *st,
			    const struct xen_netif_rx_response *rsp, u32 idx,
			    const struct xen_netif_rx_view *v,
			    struct xen_netif_rx_slot *out);
unsigned int xen_netif_tx_slots(unsigned long offset, unsigned long len);
int xen_netif_parse_feature(const char *s, bool *on);
int xen_netif_parse_max_queues(const char *s, unsigned int *n);
void xen_netif_negotiate(const struct xen_netif_backend_features *be,
			 unsigned int want_queues, bool want_split,
			 struct xen_netif_negotiated *out);

#endif /* _PV_XEN_NETIF_PROTO_H */
