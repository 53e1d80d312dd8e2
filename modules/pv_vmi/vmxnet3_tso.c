// SPDX-License-Identifier: GPL-2.0
/*
 * The packet headers a VMXNET3 device expects for TSO. Kept apart from
 * vmxnet3_proto.c, which parses only what the device writes and builds
 * without the network stack's headers (fuzzing, tests/fuzz).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip6_checksum.h>
#include <net/ip.h>
#include "vmxnet3_proto.h"

/**
 * vmx3_tso_prepare_headers() - seed the checksums of a TSO packet
 * @skb: a TCPv4 or TCPv6 GSO packet; its headers must be in the linear
 *	area and writable (pskb_may_pull(), skb_cow_head())
 *
 * The stack seeds the TCP checksum with the pseudo-header sum of the whole
 * super-packet, its length included. A VMXNET3 device adds each segment's
 * length itself, so (as the in-tree vmxnet3 and DPDK do) it is given the
 * pseudo-header sum without a length, and an IPv4 header checksum of 0,
 * which it fills in per segment. QEMU's model recomputes both and hides a
 * wrong seed; ESXi sends segments with bad checksums.
 */
void vmx3_tso_prepare_headers(struct sk_buff *skb)
{
	struct tcphdr *th = tcp_hdr(skb);

	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->check = 0;
		th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, 0,
					       IPPROTO_TCP, 0);
	} else {
		struct ipv6hdr *ip6 = ipv6_hdr(skb);

		th->check = ~csum_ipv6_magic(&ip6->saddr, &ip6->daddr, 0,
					     IPPROTO_TCP, 0);
	}
}
