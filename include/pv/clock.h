/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pv clock class: a free-running counter with a known frequency, which
 * pv_clock registers as a clocksource.
 *
 * VMware: the TSC, at the frequency the hypervisor reports. Xen: the per-vCPU
 * time info, read as nanoseconds. KVM: kvmclock.
 */
#ifndef _PV_CLOCK_H
#define _PV_CLOCK_H

#include <pv/pv.h>

/* pv_device::features bits of a clock device. */
#define PV_CLOCK_F_TSC		BIT_ULL(0)	/* read() returns the raw TSC: vDSO-readable */
#define PV_CLOCK_F_HV_FREQ	BIT_ULL(1)	/* frequency reported by the hypervisor */
#define PV_CLOCK_F_CALIBRATED	BIT_ULL(2)	/* frequency from the kernel's calibration */
#define PV_CLOCK_F_STABLE	BIT_ULL(3)	/* same counter on every CPU, never stops */

/**
 * struct pv_clock_config - a counter's parameters
 * @freq_hz: counter frequency in Hz
 * @mask_bits: width of the counter (64 for the TSC)
 * @rating: suggested clocksource rating; 0 lets the front-end choose
 *
 * A later minor adds members only in the reserved space.
 */
struct pv_clock_config {
	u64 freq_hz;
	u32 mask_bits;
	u32 rating;
	PV_ABI_RESERVE(1)
	PV_ABI_RESERVE(2)
};

/**
 * struct pv_clock_ops - clock class ops, implemented by a backend
 * @get_config: fill @cfg. Required. Process context, may sleep. -ENODEV
 *	makes the front-end decline the device without a message.
 * @read: the counter now. Required. Any context, including NMI and with
 *	interrupts off; no locks, no tracing (mark it notrace).
 *
 * Front-ends call these only through the wrappers below. A later minor
 * appends ops, absent beyond the backend's table (pv_device::ops_size).
 */
struct pv_clock_ops {
	int (*get_config)(struct pv_device *pdev, struct pv_clock_config *cfg);
	u64 (*read)(struct pv_device *pdev);
};

#define pv_clock_has_op(pdev, op)					\
	pv_table_has((pdev)->ops.clock, (pdev)->ops_size,		\
		     struct pv_clock_ops, op)

static inline int pv_clock_get_config(struct pv_device *pdev,
				      struct pv_clock_config *cfg)
{
	might_sleep();
	memset(cfg, 0, sizeof(*cfg));
	return pdev->ops.clock->get_config(pdev, cfg);
}

static __always_inline u64 pv_clock_read(struct pv_device *pdev)
{
	return pdev->ops.clock->read(pdev);
}

#endif /* _PV_CLOCK_H */
