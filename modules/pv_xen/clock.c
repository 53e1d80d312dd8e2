// SPDX-License-Identifier: GPL-2.0
/*
 * The Xen clock device: Xen system time, in nanoseconds, computed from the
 * per-vCPU time info Xen keeps up to date (time_proto.h).
 *
 * Xen writes each vCPU's time info into that vCPU's vcpu_info, which the
 * kernel does not export to modules; it also writes a secondary copy to one
 * area per vCPU that the guest registers with
 * VCPUOP_register_vcpu_time_memory_area. pv_xen reads such a copy:
 *  - when the kernel already registered vCPU 0's area for its vDSO (Xen
 *    said the TSC is stable, so one vCPU's info is right on every vCPU),
 *    that area, read-only, from every CPU;
 *  - otherwise its own per-CPU areas, registered as CPUs come online and
 *    unregistered before they are freed.
 */
#include <linux/atomic.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <asm/pvclock.h>
#include <asm/xen/hypercall.h>
#include <xen/interface/vcpu.h>
#include <xen/xen-ops.h>
#include <pv/clock.h>
#include "pv_xen.h"
#include "time_proto.h"

static bool clock = true;
module_param(clock, bool, 0444);
MODULE_PARM_DESC(clock, "Register Xen system time as a pv clock device (default: true)");

/*
 * Above the kernel's own "xen" clocksource (400): loading pv_xen is the
 * administrator's choice of pv_clock. pv_clock's rating= parameter
 * overrides it.
 */
#define XEN_CLOCK_RATING	410

/*
 * Where each CPU reads its time info. Set before the device is added and
 * cleared after it is gone; the read path needs no lock.
 */
static struct pvclock_vcpu_time_info *xen_clock_shared;	/* kernel's vCPU 0 area */
static struct pvclock_vcpu_time_info __percpu *xen_clock_areas;	/* ours */
static struct cpumask xen_clock_registered;	/* CPUs whose area Xen writes */
static DEFINE_MUTEX(xen_clock_lock);		/* xen_clock_registered */
static int xen_clock_hp_state = -1;

/* Without TSC_STABLE, vCPUs' clocks can be a little apart: never go back. */
static atomic64_t xen_clock_last = ATOMIC64_INIT(0);

static struct pv_device *xen_clock_dev;

static __always_inline const struct pvclock_vcpu_time_info *xen_clock_area(void)
{
	return xen_clock_shared ?: this_cpu_ptr(xen_clock_areas);
}

static u64 notrace xen_clock_read(struct pv_device *pdev)
{
	const struct pvclock_vcpu_time_info *ti;
	struct xen_time_snapshot s;
	u32 version;
	u64 tsc, ns, last;

	preempt_disable_notrace();
	ti = xen_clock_area();
	/*
	 * The hypervisor (unlike a backend domain) is trusted: it leaves the
	 * version odd only while it rewrites the info.
	 */
	do {
		version = READ_ONCE(ti->version);
		virt_rmb();
		s.tsc_timestamp = READ_ONCE(ti->tsc_timestamp);
		s.system_time = READ_ONCE(ti->system_time);
		s.mul = READ_ONCE(ti->tsc_to_system_mul);
		s.shift = READ_ONCE(ti->tsc_shift);
		s.flags = READ_ONCE(ti->flags);
		tsc = rdtsc_ordered();
		virt_rmb();
	} while ((version & 1) || READ_ONCE(ti->version) != version);
	preempt_enable_notrace();

	ns = xen_time_ns(&s, tsc);
	if (likely(s.flags & PVCLOCK_TSC_STABLE_BIT))
		return ns;
	last = atomic64_read(&xen_clock_last);
	do {
		if (ns <= last)
			return last;
	} while (!atomic64_try_cmpxchg(&xen_clock_last, &last, ns));
	return ns;
}

static int xen_clock_get_config(struct pv_device *pdev,
				struct pv_clock_config *cfg)
{
	cfg->freq_hz = NSEC_PER_SEC;
	cfg->mask_bits = 64;
	cfg->rating = XEN_CLOCK_RATING;
	return 0;
}

static const struct pv_clock_ops xen_clock_ops = {
	.get_config	= xen_clock_get_config,
	.read		= xen_clock_read,
};

static int xen_clock_set_area(unsigned int cpu,
			      struct pvclock_vcpu_time_info *area)
{
	struct vcpu_register_time_memory_area t = { .addr.v = area };

	return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area,
				  xen_vcpu_nr(cpu), &t);
}

/* CPU hotplug: Xen starts writing a CPU's area once it is registered. */
static int xen_clock_cpu_online(unsigned int cpu)
{
	int err;

	mutex_lock(&xen_clock_lock);
	err = xen_clock_set_area(cpu, per_cpu_ptr(xen_clock_areas, cpu));
	if (!err)
		cpumask_set_cpu(cpu, &xen_clock_registered);
	mutex_unlock(&xen_clock_lock);
	if (err)
		pr_err("clock: Xen refused the time area of CPU %u: %d\n", cpu,
		       err);
	return err;
}

/*
 * Stop Xen writing into our areas. Returns false when Xen refused for some
 * CPU: then the memory must stay allocated (leaked) for good.
 */
static bool xen_clock_release_areas(void)
{
	unsigned int cpu;
	bool ok = true;

	mutex_lock(&xen_clock_lock);
	for_each_cpu(cpu, &xen_clock_registered) {
		int err = xen_clock_set_area(cpu, NULL);

		if (err) {
			pr_err("clock: cannot unregister the time area of CPU %u (%d); leaking it\n",
			       cpu, err);
			ok = false;
			continue;
		}
		cpumask_clear_cpu(cpu, &xen_clock_registered);
	}
	mutex_unlock(&xen_clock_lock);
	return ok;
}

static void xen_clock_put_areas(void)
{
	if (xen_clock_hp_state >= 0)
		cpuhp_remove_state(xen_clock_hp_state);
	xen_clock_hp_state = -1;
	if (xen_clock_areas && xen_clock_release_areas())
		free_percpu(xen_clock_areas);
	xen_clock_areas = NULL;
	xen_clock_shared = NULL;
}

static int xen_clock_get_areas(void)
{
	struct pvclock_vsyscall_time_info *kernel_area;
	int ret;

	kernel_area = pvclock_get_pvti_cpu0_va();
	if (kernel_area &&
	    (READ_ONCE(kernel_area->pvti.flags) & PVCLOCK_TSC_STABLE_BIT)) {
		xen_clock_shared = &kernel_area->pvti;
		return 0;
	}

	xen_clock_areas = alloc_percpu(struct pvclock_vcpu_time_info);
	if (!xen_clock_areas)
		return -ENOMEM;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "pv_xen/clock:online",
				xen_clock_cpu_online, NULL);
	if (ret < 0) {
		xen_clock_put_areas();
		return ret;
	}
	xen_clock_hp_state = ret;
	return 0;
}

/**
 * xen_clock_tsc_khz() - the TSC frequency Xen's time info describes
 *
 * Process context. Return: kHz, or 0 when there is no clock device or the
 * time info describes no usable frequency.
 */
u32 xen_clock_tsc_khz(void)
{
	const struct pvclock_vcpu_time_info *ti;
	u32 khz;

	if (!xen_clock_dev)
		return 0;
	preempt_disable();
	ti = xen_clock_area();
	khz = xen_time_tsc_khz(READ_ONCE(ti->tsc_to_system_mul),
			       READ_ONCE(ti->tsc_shift));
	preempt_enable();
	return khz;
}

/**
 * xen_clock_register() - offer Xen system time as a pv clock device
 *
 * Declines (returning 0) when disabled by the module parameter. Process
 * context.
 *
 * Return: 0 or a negative errno.
 */
int xen_clock_register(void)
{
	struct pv_device *pdev;
	u64 features = PV_CLOCK_F_HV_FREQ;
	int err;

	if (!clock)
		return 0;
	err = xen_clock_get_areas();
	if (err) {
		pr_err("clock: no Xen time info (%d); no clock device\n", err);
		return err;
	}
	preempt_disable();
	if (READ_ONCE(xen_clock_area()->flags) & PVCLOCK_TSC_STABLE_BIT)
		features |= PV_CLOCK_F_STABLE;
	preempt_enable();

	pdev = pv_device_alloc(&xen_hypervisor, PV_CLASS_CLOCK, NULL);
	if (IS_ERR(pdev)) {
		err = PTR_ERR(pdev);
		goto out_put_areas;
	}
	pv_device_set_ops(pdev, &xen_clock_ops);
	pdev->features = features;
	xen_clock_dev = pdev;
	err = pv_device_add(pdev);
	if (err) {
		xen_clock_dev = NULL;
		pv_device_put(pdev);
		goto out_put_areas;
	}
	pr_info("clock: Xen system time from %s time info, TSC %u kHz%s\n",
		xen_clock_shared ? "the kernel's vCPU 0" : "per-vCPU registered",
		xen_clock_tsc_khz(),
		features & PV_CLOCK_F_STABLE ? ", stable" : "");
	return 0;

out_put_areas:
	xen_clock_put_areas();
	return err;
}

void xen_clock_unregister(void)
{
	if (xen_clock_dev)
		pv_device_unregister(xen_clock_dev);
	xen_clock_dev = NULL;
	xen_clock_put_areas();
}
