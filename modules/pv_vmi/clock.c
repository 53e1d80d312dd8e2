// SPDX-License-Identifier: GPL-2.0
/*
 * The VMware clock device: the TSC, at the frequency the hypervisor reports
 * (CPUID 0x40000010 or GETHZ) or, when it reports none (QEMU under TCG),
 * at the kernel's calibrated tsc_khz. pv_clock turns it into a clocksource
 * the vDSO can read.
 */
#include <linux/module.h>
#include <asm/tsc.h>
#include <pv/clock.h>
#include "pv_vmi.h"

static bool clock = true;
module_param(clock, bool, 0444);
MODULE_PARM_DESC(clock, "Register the TSC as a pv clock device (default: true)");

static struct pv_device *vmi_clock_dev;

static int vmi_clock_get_config(struct pv_device *pdev,
				struct pv_clock_config *cfg)
{
	cfg->freq_hz = vmi.tsc_hz ?: (u64)tsc_khz * 1000;
	cfg->mask_bits = 64;
	return 0;
}

static u64 notrace vmi_clock_read(struct pv_device *pdev)
{
	return rdtsc_ordered();
}

static const struct pv_clock_ops vmi_clock_ops = {
	.get_config	= vmi_clock_get_config,
	.read		= vmi_clock_read,
};

/**
 * vmi_clock_register() - offer the TSC as a pv clock device
 *
 * Declines (returning 0) when disabled by the module parameter or when the
 * kernel does not trust the TSC. Process context.
 *
 * Return: 0 or a negative errno.
 */
int vmi_clock_register(void)
{
	struct pv_device *pdev;
	u64 features = PV_CLOCK_F_TSC | PV_CLOCK_F_STABLE;
	int err;

	if (!clock)
		return 0;
	if (!boot_cpu_has(X86_FEATURE_CONSTANT_TSC) || check_tsc_unstable() ||
	    !tsc_khz) {
		pr_info("TSC not usable as a clock (unstable or uncalibrated); no clock device\n");
		return 0;
	}

	pdev = pv_device_alloc(&vmi_hypervisor, PV_CLASS_CLOCK, NULL);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	pv_device_set_ops(pdev, &vmi_clock_ops);
	features |= vmi.tsc_hz ? PV_CLOCK_F_HV_FREQ : PV_CLOCK_F_CALIBRATED;
	pdev->features = features;
	err = pv_device_add(pdev);
	if (err) {
		pv_device_put(pdev);
		return err;
	}
	vmi_clock_dev = pdev;

	if (vmi.tsc_hz)
		pr_info("clock: TSC at %llu kHz (%s)\n", vmi.tsc_hz / 1000,
			vmi.tsc_hz_source);
	else
		pr_info("clock: TSC at %u kHz (hypervisor reports no frequency: using the kernel's calibration)\n",
			tsc_khz);
	return 0;
}

void vmi_clock_unregister(void)
{
	if (vmi_clock_dev)
		pv_device_unregister(vmi_clock_dev);
	vmi_clock_dev = NULL;
}
