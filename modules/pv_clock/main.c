// SPDX-License-Identifier: GPL-2.0
/*
 * pv_clock: a clocksource on a pv clock device.
 *
 * The backend supplies a counter and its frequency; this module registers
 * it as clocksource "pv-<hypervisor>". When the counter is the raw TSC
 * (PV_CLOCK_F_TSC) the vDSO reads it directly, so clock_gettime() stays in
 * user space. The clocksource's owner is this module, so timekeeping pins
 * it while it is the current clocksource.
 */
#include <linux/clocksource.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <pv/clock.h>

/* Above tsc (300) so a pv clock is preferred, below kvm-clock/xen (400). */
#define PV_CLOCK_DEFAULT_RATING	350

/*
 * Counters outside 1 MHz..100 GHz are a backend bug, not a clock: refuse
 * them rather than let timekeeping run at a rate nobody meant.
 */
#define PV_CLOCK_MIN_HZ		1000000ULL
#define PV_CLOCK_MAX_HZ		100000000000ULL

static unsigned int rating;
module_param(rating, uint, 0444);
MODULE_PARM_DESC(rating, "Clocksource rating; 0 uses the backend's suggestion, else 350 (default: 0)");

/**
 * struct pv_clock_dev - one registered clocksource
 * @cs: the clocksource; its read() finds us with container_of()
 * @pdev: the pv clock device
 * @name: "pv-<hypervisor>", the clocksource's name
 */
struct pv_clock_dev {
	struct clocksource cs;
	struct pv_device *pdev;
	char name[PV_NAME_LEN + 4];
};

static u64 notrace pv_clock_cs_read(struct clocksource *cs)
{
	struct pv_clock_dev *pcd = container_of(cs, struct pv_clock_dev, cs);

	return pv_clock_read(pcd->pdev);
}

static const char *pv_clock_freq_source(u64 features)
{
	if (features & PV_CLOCK_F_HV_FREQ)
		return "reported by the hypervisor";
	if (features & PV_CLOCK_F_CALIBRATED)
		return "calibrated by the kernel";
	return "from the backend";
}

static int pv_clock_probe(struct pv_device *pdev)
{
	struct pv_clock_config cfg;
	struct pv_clock_dev *pcd;
	int err;

	err = pv_clock_get_config(pdev, &cfg);
	if (err) {
		/* -ENODEV: the backend says the device is not for us. */
		if (err != -ENODEV)
			dev_err(&pdev->dev, "cannot read the clock configuration: %d\n",
				err);
		return err;
	}
	if (cfg.freq_hz < PV_CLOCK_MIN_HZ || cfg.freq_hz > PV_CLOCK_MAX_HZ ||
	    cfg.mask_bits < 32 || cfg.mask_bits > 64) {
		dev_err(&pdev->dev, "unusable clock: %llu Hz, %u bits\n",
			cfg.freq_hz, cfg.mask_bits);
		return -EINVAL;
	}

	pcd = kzalloc(sizeof(*pcd), GFP_KERNEL);
	if (!pcd)
		return -ENOMEM;
	pcd->pdev = pdev;
	snprintf(pcd->name, sizeof(pcd->name), "pv-%s", pdev->hv->name);
	pcd->cs.name = pcd->name;
	pcd->cs.rating = rating ?: cfg.rating ?: PV_CLOCK_DEFAULT_RATING;
	pcd->cs.read = pv_clock_cs_read;
	pcd->cs.mask = CLOCKSOURCE_MASK(cfg.mask_bits);
	pcd->cs.flags = CLOCK_SOURCE_IS_CONTINUOUS | CLOCK_SOURCE_VALID_FOR_HRES;
	pcd->cs.owner = THIS_MODULE;
	if (pdev->features & PV_CLOCK_F_TSC) {
		pcd->cs.vdso_clock_mode = VDSO_CLOCKMODE_TSC;
		/*
		 * The raw TSC is what the kernel's own tsc clocksource reads:
		 * it is checked by the watchdog exactly when tsc is (not on a
		 * TSC the kernel calls reliable, as on VMware), and so is never
		 * the watchdog that checks tsc against itself.
		 */
		if (!boot_cpu_has(X86_FEATURE_TSC_RELIABLE))
			pcd->cs.flags |= CLOCK_SOURCE_MUST_VERIFY;
	}

	/*
	 * clocksource_register_hz() takes a u32: a counter above 4.29 GHz
	 * (a TSC on a fast host) goes in by kHz, which loses at most 0.25 ppm.
	 */
	if (cfg.freq_hz <= U32_MAX)
		err = clocksource_register_hz(&pcd->cs, cfg.freq_hz);
	else
		err = clocksource_register_khz(&pcd->cs,
					       DIV_ROUND_CLOSEST_ULL(cfg.freq_hz, 1000));
	if (err) {
		dev_err(&pdev->dev, "cannot register clocksource %s: %d\n",
			pcd->name, err);
		goto out_free;
	}
	pdev->frontend_priv = pcd;

	dev_info(&pdev->dev, "clocksource %s: %llu.%06llu MHz (%s), rating %d%s\n",
		 pcd->name, cfg.freq_hz / 1000000, cfg.freq_hz % 1000000,
		 pv_clock_freq_source(pdev->features), pcd->cs.rating,
		 (pdev->features & PV_CLOCK_F_TSC) ? ", vDSO" : "");
	return 0;

out_free:
	kfree(pcd);
	return err;
}

static void pv_clock_remove(struct pv_device *pdev)
{
	struct pv_clock_dev *pcd = pdev->frontend_priv;
	int err;

	/* If it is current, timekeeping switches to the next best first. */
	err = clocksource_unregister(&pcd->cs);
	if (err) {
		/*
		 * Only possible when no other clocksource can take over, which
		 * on x86 (jiffies is always there) does not happen. Timekeeping
		 * keeps calling read(): keep everything it reaches alive for
		 * good - this memory, the pv device, this module and the
		 * backend's - rather than let it run through freed memory.
		 */
		dev_err(&pdev->dev, "cannot unregister clocksource %s (%d): keeping it, and pinning pv_clock and %s\n",
			pcd->name, err, module_name(pdev->hv->owner));
		get_device(&pdev->dev);
		__module_get(THIS_MODULE);
		__module_get(pdev->hv->owner);
		return;
	}
	dev_info(&pdev->dev, "clocksource %s unregistered\n", pcd->name);
	kfree(pcd);
}

static const struct pv_device_id pv_clock_ids[] = {
	{ .class = PV_CLASS_CLOCK },
	{ }
};

static struct pv_driver pv_clock_driver = {
	.driver.name	= "pv_clock",
	.id_table	= pv_clock_ids,
	.probe		= pv_clock_probe,
	.remove		= pv_clock_remove,
};
module_pv_driver(pv_clock_driver);

PV_MODULE_ALIAS_CLASS(clock);
PV_IMPORT_NS();
MODULE_AUTHOR("pv-drivers developers");
MODULE_DESCRIPTION("Clocksource for paravirtual clock devices");
MODULE_LICENSE("GPL");
MODULE_VERSION(PV_DRIVERS_VERSION);
