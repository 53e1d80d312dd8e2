/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pv_core: the hypervisor-ops interface.
 *
 * Three parties meet here:
 *  - a backend (pv_vmi, pv_xen, ...) registers one struct pv_hypervisor and
 *    then one struct pv_device per paravirtual device it found;
 *  - pv_core runs the "pv" bus, matches devices to drivers and exposes the
 *    state in sysfs (docs/sysfs-abi.md);
 *  - front-ends (pv_blk, pv_net, pv_clock) register struct pv_driver and talk
 *    to their device only through the class ops wrappers in <pv/blk.h>,
 *    <pv/net.h> and <pv/clock.h>.
 *
 * All exports are GPL-only and live in the PV_CORE symbol namespace: users
 * add PV_IMPORT_NS() to their module. docs/pv-abi.md describes every op.
 */
#ifndef _PV_PV_H
#define _PV_PV_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uuid.h>

/*
 * The pv ABI is MAJOR.MINOR (docs/pv-abi.md). A minor release only adds:
 * ops at the end of a table, callbacks at the end of theirs, feature bits,
 * classes, fields at the end of struct pv_device or in reserved space.
 * Anything else is a new major. A module built for M.n runs on every
 * pv_core M.m with m >= n; ops and callbacks beyond the table it was built
 * with read as absent.
 */
#define PV_ABI_MAJOR		3
#define PV_ABI_MINOR		3
#define PV_ABI(major, minor)	(((major) << 16) | (minor))
#define PV_ABI_VERSION		PV_ABI(PV_ABI_MAJOR, PV_ABI_MINOR)
#define PV_ABI_VERSION_MAJOR(v)	((v) >> 16)
#define PV_ABI_VERSION_MINOR(v)	((v) & 0xffff)

/*
 * PV_ABI_RESERVE(n): space a later minor release may use in a structure
 * that one party allocates and another reads. PV_ABI_USE(n, decl) puts a
 * new member there; its reader must treat zero as "not provided".
 * PV_ABI_EXTEND(decl) appends a member where the policy allows it (ops
 * and callback tables, struct pv_device).
 *
 * genksyms sees neither the new member nor the union around it, so the
 * MODVERSIONS CRCs of pv_core's exports stay those of the release that
 * introduced the major: a module built for M.0 still loads on Debian's
 * kernels (CONFIG_MODVERSIONS=y) next to a pv_core M.n. abi-check
 * (abi/README.md) keeps the layout itself honest.
 */
#define PV_ABI_RESERVE(n)	u64 pv_reserved##n;
#ifdef __GENKSYMS__
#define PV_ABI_USE(n, decl)	u64 pv_reserved##n;
#define PV_ABI_EXTEND(decl)
#else
#define PV_ABI_USE(n, decl)	union { decl; u64 pv_reserved##n; };
#define PV_ABI_EXTEND(decl)	decl;
#endif

/**
 * enum pv_class - what a pv device is
 * @PV_CLASS_BLK: a block device, ops in struct pv_blk_ops
 * @PV_CLASS_NET: a network interface, ops in struct pv_net_ops
 * @PV_CLASS_CLOCK: a clock counter, ops in struct pv_clock_ops
 * @PV_CLASS_MAX: number of classes + 1; not a class, and not part of the
 *	ABI: it grows when a minor release adds a class.
 *
 * Zero is not a class: it terminates id tables.
 */
enum pv_class {
	PV_CLASS_BLK = 1,
	PV_CLASS_NET,
	PV_CLASS_CLOCK,
	PV_CLASS_MAX,
};

#define PV_NAME_LEN		32

struct pv_hypervisor;
struct pv_device;

/**
 * struct pv_hypervisor_ops - what a backend can tell about its hypervisor
 * @get_version: write the hypervisor's version as a NUL-terminated string
 *	into @buf (at most @size bytes). Optional. Process context, may sleep.
 *	Returns 0 or a negative errno.
 * @get_product: like @get_version, for the product name ("VMware", "Xen").
 *	Optional.
 * @get_uuid: the virtual machine's UUID as the hypervisor reports it.
 *	Optional. Process context, may sleep. Returns 0, -ENODATA when the
 *	hypervisor has none, or another negative errno.
 * @get_tsc_khz: the TSC frequency the hypervisor reports, in kHz. Optional.
 *	Process context, may sleep. Returns 0, or -ENODATA when the hypervisor
 *	does not report one (callers then fall back to the kernel's
 *	calibration, tsc_khz).
 *
 * pv_core calls them for sysfs reads with its registry mutex held, so they
 * must not call back into the registry; front-ends call them through the
 * pv_hv_*() wrappers while bound to one of the hypervisor's devices. Either
 * way the hypervisor is registered throughout the call.
 */
struct pv_hypervisor_ops {
	int (*get_version)(struct pv_hypervisor *hv, char *buf, size_t size);
	int (*get_product)(struct pv_hypervisor *hv, char *buf, size_t size);
	int (*get_uuid)(struct pv_hypervisor *hv, uuid_t *uuid);
	int (*get_tsc_khz)(struct pv_hypervisor *hv, u32 *khz);
};

/**
 * struct pv_hypervisor - a backend, as registered with pv_core
 * @name: short lower-case hypervisor name ("vmware", "xen"). Appears in
 *	sysfs and in device modaliases; [a-z0-9_] only, < PV_NAME_LEN.
 * @owner: the backend module; filled in by pv_hypervisor_register().
 * @detect: called once by pv_hypervisor_register() before anything else is
 *	done with the hypervisor. Returns 0 when the hypervisor is present,
 *	-ENODEV when it is not (the backend logs the one line that says why),
 *	or another negative errno. Process context, may sleep.
 * @ops: information queries; may be NULL when the backend answers none.
 * @abi_version: PV_ABI_VERSION the backend was built with; filled in by
 *	pv_hypervisor_register().
 * @ops_size: sizeof(struct pv_hypervisor_ops) as the backend was built;
 *	filled in by pv_hypervisor_register(). Ops beyond it are absent.
 * @priv: for the backend.
 *
 * Only one hypervisor is registered at a time. The backend must keep the
 * structure alive until pv_hypervisor_unregister() returns. The backend
 * allocates it and pv_core reads it, so it grows only into reserved space.
 */
struct pv_hypervisor {
	const char *name;
	struct module *owner;
	int (*detect)(struct pv_hypervisor *hv);
	const struct pv_hypervisor_ops *ops;
	u32 abi_version;
	u32 ops_size;
	void *priv;
	PV_ABI_RESERVE(1)
	PV_ABI_RESERVE(2)
};

/**
 * struct pv_device_id - what a front-end binds to
 * @class: an enum pv_class value; 0 terminates the table
 * @hypervisor: a hypervisor name, or NULL (or "") to match any
 */
struct pv_device_id {
	u32 class;
	const char *hypervisor;
};

struct pv_blk_ops;
struct pv_blk_callbacks;
struct pv_net_ops;
struct pv_net_callbacks;
struct pv_clock_ops;

/* Bits in pv_device::state_flags. */
#define PV_DEVICE_BROKEN	0	/* host misbehaved; see pv_device_mark_broken() */
#define PV_DEVICE_QUIESCED	1	/* front-end quiesced (pv ABI 3.3); see pv_device_quiesce() */

/**
 * struct pv_device - a paravirtual device on the pv bus
 * @dev: the driver-model device; its parent is the backend's device (a
 *	PCI function, a xenbus device) or NULL.
 * @hv: the hypervisor whose backend registered the device.
 * @class: enum pv_class value.
 * @index: number within the class, used in the device name (pvblk0, ...).
 * @features: class-specific PV_*_F_* bits: what the device can do. Set by
 *	the backend before pv_device_add(); later changes only through
 *	pv_device_set_features().
 * @ops: class ops table, set by the backend with pv_device_set_ops() before
 *	pv_device_add(); use the class wrappers, never call through it.
 * @ops_class: the class whose table pv_device_set_ops() was given;
 *	pv_device_add() refuses a device whose table is of another class.
 * @ops_size: sizeof() of that table as the backend was built: ops beyond it
 *	are absent (the backend was built for an older minor).
 * @cb: callbacks a front-end handed to the backend when it started the
 *	device (see the class headers); set by the wrappers.
 * @cb_size: sizeof() of that callback table as the front-end was built;
 *	callbacks beyond it are absent. Set by the wrappers.
 * @backend_priv: for the backend.
 * @frontend_priv: for the bound front-end.
 * @state_flags: PV_DEVICE_* bits, atomic.
 * @config_lock: protects @config_enabled and @config_pending against
 *	pv_device_config_changed() running concurrently with probe/remove.
 * @config_enabled: the bound driver wants config_changed() calls.
 * @config_pending: a change arrived while probe() ran; replayed to the
 *	driver once probe() returned 0. pv_core's, never the backend's.
 *
 * Allocated by pv_device_alloc() and freed by the driver core when the last
 * reference goes; backends never kfree() it. Only pv_core allocates it, so a
 * minor release may append members (PV_ABI_EXTEND).
 */
struct pv_device {
	struct device dev;
	struct pv_hypervisor *hv;
	u32 class;
	int index;
	u64 features;
	union {
		const void *any;
		const struct pv_blk_ops *blk;
		const struct pv_net_ops *net;
		const struct pv_clock_ops *clock;
	} ops;
	u32 ops_class;
	u32 ops_size;
	union {
		const struct pv_blk_callbacks *blk;
		const struct pv_net_callbacks *net;
	} cb;
	u32 cb_size;
	void *backend_priv;
	void *frontend_priv;
	unsigned long state_flags;
	spinlock_t config_lock;
	bool config_enabled;
	bool config_pending;
};

#define to_pv_device(d)	container_of(d, struct pv_device, dev)

/**
 * struct pv_driver - a front-end
 * @id_table: devices this driver binds to, terminated by a zero class.
 * @probe: bind to a device. Process context, may sleep. Returns 0 or a
 *	negative errno.
 * @remove: unbind. Process context, may sleep. After it returns the driver
 *	makes no more calls into the device's ops and the backend makes no
 *	more callbacks.
 * @config_changed: the backend reports a change of configuration (capacity,
 *	link, ...). Optional. Called in atomic context with the device's
 *	config_lock held, never before probe() returned 0 nor after remove()
 *	started; schedule work for anything that sleeps. A change reported
 *	while probe() runs is delivered once, right after it returned 0.
 * @driver: the driver-model driver; set .name, leave the rest to pv_core.
 * @abi_version: PV_ABI_VERSION the front-end was built with; filled in by
 *	pv_driver_register().
 * @quiesce: stop using the device for a while, because the backend is
 *	about to stop it (system suspend, hibernation, shutdown or kexec):
 *	submit nothing more through the class ops, wait until the backend
 *	holds nothing of the front-end's (every request or packet completed
 *	or given back), and keep it so until @resume. Optional (since pv ABI
 *	3.3): without it a backend refuses to suspend the device
 *	(pv_device_quiesce() returns -EBUSY). Called only through
 *	pv_device_quiesce(), by the backend from its power management or
 *	shutdown callbacks, with the device bound and the pv device's lock
 *	held; process context, may sleep. Returns 0, or a negative errno
 *	with the front-end still running as before the call.
 * @resume: the backend has set the device up again (the same
 *	configuration, an empty ring) after @quiesce: submit again, restore
 *	what the device forgot (queues, address, filters). Optional (since
 *	pv ABI 3.3), present whenever @quiesce is. Called only through
 *	pv_device_resume(), with the pv device's lock held; process context,
 *	may sleep. Returns 0 or a negative errno (logged by the front-end,
 *	which then treats the device as it would a failed open).
 *
 * The front-end allocates it and pv_core reads it, so it grows only into
 * reserved space.
 */
struct pv_driver {
	const struct pv_device_id *id_table;
	int (*probe)(struct pv_device *pdev);
	void (*remove)(struct pv_device *pdev);
	void (*config_changed)(struct pv_device *pdev);
	struct device_driver driver;
	u32 abi_version;
	/* pv ABI 3.3 */
	PV_ABI_USE(1, int (*quiesce)(struct pv_device *pdev))
	PV_ABI_USE(2, int (*resume)(struct pv_device *pdev))
};

#define to_pv_driver(d)	container_of(d, struct pv_driver, driver)

/**
 * pv_device_quiesce() - make the bound front-end stop using a device
 * @pdev: a device of the calling backend
 *
 * For a backend's suspend, freeze, poweroff or shutdown callback, before it
 * stops or resets the device: calls the bound front-end's
 * pv_driver::quiesce(), after which the front-end submits nothing and the
 * backend holds nothing of it until pv_device_resume(). A device without a
 * front-end is quiesced trivially. A front-end built before pv ABI 3.3, or
 * one without the callback, cannot be quiesced: -EBUSY, with one line
 * naming it (a backend's suspend callback returns that, which aborts the
 * suspend; its shutdown callback stops the device anyway). Calling it on a
 * quiesced device does nothing. Takes the pv device's lock: process
 * context, may sleep, not from the pv device's own driver callbacks.
 *
 * Inline, not an export of pv_core: a backend that uses it still loads
 * into an older pv_core far enough to be refused with the ABI line.
 *
 * Return: 0, -EBUSY, or the front-end's error (it then runs on).
 */
static inline int pv_device_quiesce(struct pv_device *pdev)
{
	struct pv_driver *drv;
	int err = 0;

	might_sleep();
	device_lock(&pdev->dev);
	if (test_bit(PV_DEVICE_QUIESCED, &pdev->state_flags))
		goto out;
	if (pdev->dev.driver) {
		drv = to_pv_driver(pdev->dev.driver);
		if (!drv->quiesce || !drv->resume) {
			dev_warn(&pdev->dev, "front-end %s cannot be quiesced (built for pv ABI %u.%u): refusing to suspend\n",
				 drv->driver.name,
				 PV_ABI_VERSION_MAJOR(drv->abi_version),
				 PV_ABI_VERSION_MINOR(drv->abi_version));
			err = -EBUSY;
			goto out;
		}
		err = drv->quiesce(pdev);
		if (err)
			goto out;
	}
	set_bit(PV_DEVICE_QUIESCED, &pdev->state_flags);
out:
	device_unlock(&pdev->dev);
	return err;
}

/**
 * pv_device_resume() - let the front-end use a device again
 * @pdev: a device pv_device_quiesce() quiesced, set up again by its backend
 *
 * For the backend's resume, thaw or restore callback once the device works
 * again: calls the bound front-end's pv_driver::resume(). Does nothing on a
 * device that is not quiesced. Takes the pv device's lock: process
 * context, may sleep. Inline, as pv_device_quiesce().
 *
 * Return: 0, or the front-end's error (logged; the device is not quiesced
 * any more either way).
 */
static inline int pv_device_resume(struct pv_device *pdev)
{
	struct pv_driver *drv;
	int err = 0;

	might_sleep();
	device_lock(&pdev->dev);
	if (!test_and_clear_bit(PV_DEVICE_QUIESCED, &pdev->state_flags))
		goto out;
	if (pdev->dev.driver) {
		drv = to_pv_driver(pdev->dev.driver);
		if (drv->resume)
			err = drv->resume(pdev);
		if (err)
			dev_err(&pdev->dev, "front-end %s failed to resume: %d\n",
				drv->driver.name, err);
	}
out:
	device_unlock(&pdev->dev);
	return err;
}

/* Registry: backends. */
int __pv_hypervisor_register(struct pv_hypervisor *hv, struct module *owner,
			     u32 abi_version, u32 ops_size);
void pv_hypervisor_unregister(struct pv_hypervisor *hv);

/**
 * pv_hypervisor_register() - make a backend's hypervisor the active one
 * @hv: the backend's hypervisor; @hv->name and @hv->detect must be set.
 *
 * Checks the ABI version (-ENOEXEC for another major or a newer minor than
 * pv_core's, with one line naming both), refuses a second registration of
 * the same name
 * (-EEXIST), then calls @hv->detect: an absent hypervisor is -ENODEV (with
 * the backend's own log line) whichever backend is active; a present one is
 * refused with -EBUSY while another hypervisor is registered. Process
 * context. Returns 0 or a negative errno, which module init should return.
 */
#define pv_hypervisor_register(hv)					\
	__pv_hypervisor_register(hv, THIS_MODULE, PV_ABI_VERSION,	\
				 sizeof(struct pv_hypervisor_ops))

/*
 * pv_table_has() - does a table built as @size bytes have @member set?
 * @table: pointer to the ops or callbacks table (may be NULL)
 * @size: sizeof() of the table where it was built
 * @type: the table's type as this module sees it
 * @member: the op or callback
 *
 * What every wrapper of an optional op or callback asks: a table from a
 * module built for an older minor is shorter, and ops past its end are
 * absent. Any context.
 */
#define pv_table_has(table, size, type, member)				\
	((table) && offsetofend(type, member) <= (size) && (table)->member)

#define pv_hv_has(hv, op)						\
	pv_table_has((hv)->ops, (hv)->ops_size, struct pv_hypervisor_ops, op)

static inline int pv_hv_get_version(struct pv_hypervisor *hv, char *buf,
				    size_t size)
{
	might_sleep();
	if (!pv_hv_has(hv, get_version))
		return -EOPNOTSUPP;
	return hv->ops->get_version(hv, buf, size);
}

static inline int pv_hv_get_product(struct pv_hypervisor *hv, char *buf,
				    size_t size)
{
	might_sleep();
	if (!pv_hv_has(hv, get_product))
		return -EOPNOTSUPP;
	return hv->ops->get_product(hv, buf, size);
}

static inline int pv_hv_get_uuid(struct pv_hypervisor *hv, uuid_t *uuid)
{
	might_sleep();
	if (!pv_hv_has(hv, get_uuid))
		return -EOPNOTSUPP;
	return hv->ops->get_uuid(hv, uuid);
}

static inline int pv_hv_get_tsc_khz(struct pv_hypervisor *hv, u32 *khz)
{
	might_sleep();
	if (!pv_hv_has(hv, get_tsc_khz))
		return -EOPNOTSUPP;
	return hv->ops->get_tsc_khz(hv, khz);
}

/* Devices: backends. */
struct pv_device *pv_device_alloc(struct pv_hypervisor *hv, u32 class,
				  struct device *parent);

#define __pv_ops_class(table) _Generic((table),			\
	const struct pv_blk_ops *:	PV_CLASS_BLK,			\
	const struct pv_net_ops *:	PV_CLASS_NET,			\
	const struct pv_clock_ops *:	PV_CLASS_CLOCK)

/**
 * pv_device_set_ops() - give a device its class ops table
 * @pdev: from pv_device_alloc(), not yet added
 * @table: a const struct pv_blk_ops, pv_net_ops or pv_clock_ops pointer
 *
 * Records the table's class and its size as this backend was built, so
 * that a front-end built for a later minor sees the ops this backend does
 * not know of as absent. pv_device_add() refuses a device without ops or
 * whose ops are of another class. Process context.
 */
#define pv_device_set_ops(pdev, table)					\
	__pv_device_set_ops(pdev, __pv_ops_class(table), table,		\
			    sizeof(*(table)))

static inline void __pv_device_set_ops(struct pv_device *pdev, u32 class,
				       const void *table, u32 size)
{
	pdev->ops.any = table;
	pdev->ops_class = class;
	pdev->ops_size = size;
}

int pv_device_add(struct pv_device *pdev);
void pv_device_unregister(struct pv_device *pdev);
void pv_device_put(struct pv_device *pdev);
void pv_device_set_features(struct pv_device *pdev, u64 features);
void pv_device_config_changed(struct pv_device *pdev);
void pv_device_mark_broken(struct pv_device *pdev, const char *why);

/**
 * pv_device_is_broken() - has the host misbehaved on this device?
 * @pdev: the device
 *
 * Any context. Front-ends fail new I/O on a broken device.
 */
static inline bool pv_device_is_broken(const struct pv_device *pdev)
{
	return test_bit(PV_DEVICE_BROKEN, &pdev->state_flags);
}

/* Drivers: front-ends. */
int __pv_driver_register(struct pv_driver *drv, struct module *owner,
			 const char *mod_name, u32 abi_version);
void pv_driver_unregister(struct pv_driver *drv);

/**
 * pv_driver_register() - register a front-end with the pv bus
 * @drv: the driver; @drv->driver.name and @drv->id_table must be set
 *
 * Refuses a front-end built for another major or a newer minor than
 * pv_core's (-ENOEXEC, one line naming both). Process context. Returns 0
 * or a negative errno.
 */
#define pv_driver_register(drv) \
	__pv_driver_register(drv, THIS_MODULE, KBUILD_MODNAME, PV_ABI_VERSION)

/**
 * module_pv_driver() - a module whose init/exit only (un)register @drv
 * @drv: struct pv_driver
 */
#define module_pv_driver(drv) \
	module_driver(drv, pv_driver_register, pv_driver_unregister)

/**
 * PV_MODULE_ALIAS_CLASS() - let a backend's device autoload this front-end
 * @cls: class name as in the modalias: blk, net or clock
 *
 * Device uevents carry MODALIAS=pv:<class>:<hypervisor>; a front-end that
 * serves every hypervisor declares the wildcard alias.
 */
#define PV_MODULE_ALIAS_CLASS(cls)	MODULE_ALIAS("pv:" #cls ":*")

const char *pv_class_name(u32 class);
int pv_features_format(u32 class, u64 features, char *buf, size_t size);

extern struct bus_type pv_bus_type;

#endif /* _PV_PV_H */
