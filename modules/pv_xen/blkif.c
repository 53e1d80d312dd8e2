// SPDX-License-Identifier: GPL-2.0
/*
 * The blkif front-end: a xenbus driver for "vbd" devices, each of which
 * becomes a pv block device once connected to its backend (blkback).
 *
 * The xenbus handshake, as blkback expects it:
 *   backend InitWait   -> rings set up and published (ring-ref*,
 *                         event-channel, multi-queue, ring-page-order,
 *                         protocol, our feature-persistent offer)
 *                         -> Initialised
 *   backend Connected  -> disk parameters and features read, pv device
 *                         added -> Connected; later Connected events are
 *                         resizes ("sectors" changed)
 *   backend Closing/Closed -> pv device removed (in-flight I/O drains:
 *                         the backend answers until we are Closed), rings
 *                         freed -> Closed
 * Every state change runs in the xenwatch thread or in probe/remove, under
 * vbd->lock.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/xenbus.h>
#include <xen/interface/io/protocols.h>
#include "pv_xen.h"
#include "blkif.h"

static unsigned int max_queues;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues, "Most blkif rings (hardware queues) per disk; 0 means one per online CPU (default: 0)");

static unsigned int max_ring_page_order;
module_param(max_ring_page_order, uint, 0444);
MODULE_PARM_DESC(max_ring_page_order, "Largest blkif ring, as a page order 0-4: 32 requests per page (default: 0)");

static unsigned int max_indirect_segments = 32;
module_param(max_indirect_segments, uint, 0444);
MODULE_PARM_DESC(max_indirect_segments, "Most segments (pages) per indirect request, 0 or 12-4096; 0 disables indirect requests (default: 32)");

static bool persistent_grants = true;
module_param(persistent_grants, bool, 0444);
MODULE_PARM_DESC(persistent_grants, "Use persistent grants when the backend offers them: copy through pages granted once instead of granting each request's pages (default: true)");

/* Backend InitWait: set up the rings and tell the backend about them. */
static int xen_blkif_talk(struct xen_blkif_vbd *vbd)
{
	struct xenbus_device *xendev = vbd->xendev;
	const char *be = xendev->otherend;
	struct xenbus_transaction xbt;
	unsigned int be_order, be_queues;
	const char *what;
	int err;

	err = xen_xs_read_uint(xendev, be, "max-ring-page-order", 0, 0,
			       UINT_MAX, &be_order);
	if (!err)
		err = xen_xs_read_uint(xendev, be, "multi-queue-max-queues", 1,
				       0, UINT_MAX, &be_queues);
	if (err) {
		what = "reading the backend's ring limits";
		goto out_fatal;
	}
	vbd->ring_order = xen_blkif_ring_order(be_order, max_ring_page_order);
	vbd->nr_rings = xen_blkif_nr_rings(be_queues,
					   max_queues ?: num_online_cpus());

	err = xen_blkif_rings_alloc(vbd);
	if (err) {
		what = "allocating the rings";
		goto out_fatal;
	}

again:
	err = xenbus_transaction_start(&xbt);
	if (err) {
		what = "starting transaction";
		goto out_free;
	}
	err = xen_blkif_rings_publish(vbd, xbt);
	what = "writing ring nodes";
	if (!err) {
		err = xenbus_printf(xbt, xendev->nodename, "protocol", "%s",
				    XEN_IO_PROTO_ABI_NATIVE);
		what = "writing protocol";
	}
	if (!err) {
		/* Our offer; blkback says at connect whether it took it. */
		err = xenbus_printf(xbt, xendev->nodename, "feature-persistent",
				    "%u", persistent_grants);
		what = "writing feature-persistent";
	}
	if (err) {
		xenbus_transaction_end(xbt, 1);
		goto out_free;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	if (err) {
		what = "completing transaction";
		goto out_free;
	}
	return xenbus_switch_state(xendev, XenbusStateInitialised);

out_free:
	xen_blkif_rings_free(vbd);
	/*
	 * Tell the backend and move to Closing: without it the vbd stays in
	 * Initialising for ever, and so does blkback.
	 */
out_fatal:
	xenbus_dev_fatal(xendev, err, "%s", what);
	return err;
}

/* Read the disk's parameters as the backend wrote them at connect. */
static int xen_blkif_read_params(struct xen_blkif_vbd *vbd)
{
	struct xenbus_device *xendev = vbd->xendev;
	const char *be = xendev->otherend;
	unsigned int ind;
	int err;

	err = xen_xs_read_u64(xendev, be, "sectors", U64_MAX >> SECTOR_SHIFT,
			      &vbd->sectors);
	if (err == -ENOENT)
		dev_err(&xendev->dev, "backend wrote no sectors\n");
	if (err)
		return err;
	err = xen_xs_read_uint(xendev, be, "info", 0, 0, UINT_MAX, &vbd->info);
	if (!err)
		err = xen_xs_read_uint(xendev, be, "sector-size", 0, 0,
				       UINT_MAX, &vbd->sector_size);
	if (err)
		return err;
	if (!xen_blkif_sector_size_ok(vbd->sector_size)) {
		dev_err(&xendev->dev, "backend sector-size %u is not a power of two from 512 to %lu\n",
			vbd->sector_size, PAGE_SIZE);
		return -EINVAL;
	}
	err = xen_xs_read_uint(xendev, be, "physical-sector-size",
			       vbd->sector_size, vbd->sector_size, SZ_64K,
			       &vbd->physical_sector_size);
	if (err || !is_power_of_2(vbd->physical_sector_size))
		vbd->physical_sector_size = vbd->sector_size;

	/*
	 * blkback writes feature-persistent when it connects: set if it
	 * agreed to what we offered at InitWait.
	 */
	vbd->persistent = persistent_grants &&
			  xen_xs_read_feature(xendev, be, "feature-persistent");

	if (xen_xs_read_feature(xendev, be, "feature-flush-cache"))
		vbd->flush_op = BLKIF_OP_FLUSH_DISKCACHE;
	else if (xen_xs_read_feature(xendev, be, "feature-barrier"))
		vbd->flush_op = BLKIF_OP_WRITE_BARRIER;
	else
		vbd->flush_op = 0;

	vbd->discard = xen_xs_read_feature(xendev, be, "feature-discard");
	if (vbd->discard) {
		/* Optional refinements: a bad value only drops discard. */
		if (xen_xs_read_uint(xendev, be, "discard-granularity", 0, 0,
				     UINT_MAX, &vbd->discard_granularity) ||
		    xen_xs_read_uint(xendev, be, "discard-alignment", 0, 0,
				     UINT_MAX, &vbd->discard_alignment) ||
		    (vbd->discard_granularity &&
		     !is_power_of_2(vbd->discard_granularity)))
			vbd->discard = false;
		vbd->discard_secure = xen_xs_read_feature(xendev, be,
							  "discard-secure");
	}

	if (xen_xs_read_uint(xendev, be, "feature-max-indirect-segments", 0,
			     0, UINT_MAX, &ind))
		ind = 0;
	vbd->indirect_segs = xen_blkif_indirect_segs(ind, max_indirect_segments);
	vbd->max_segs = vbd->indirect_segs ?: BLKIF_MAX_SEGMENTS_PER_REQUEST;
	return 0;
}

static u64 xen_blkif_features(struct xen_blkif_vbd *vbd)
{
	u64 features = 0;

	if (vbd->info & VDISK_READONLY)
		features |= PV_BLK_F_RO;
	if (vbd->flush_op)
		features |= PV_BLK_F_FLUSH;
	if (vbd->discard)
		features |= PV_BLK_F_DISCARD;
	return features;
}

/* Backend Connected for the first time: the disk appears. */
static int xen_blkif_connect(struct xen_blkif_vbd *vbd)
{
	struct xenbus_device *xendev = vbd->xendev;
	struct pv_device *pdev;
	int err;

	err = xen_blkif_read_params(vbd);
	if (err)
		goto out_fatal;
	err = xen_blkif_slots_alloc(vbd);
	if (err)
		goto out_fatal;

	pdev = pv_device_alloc(&xen_hypervisor, PV_CLASS_BLK, &xendev->dev);
	if (IS_ERR(pdev)) {
		err = PTR_ERR(pdev);
		goto out_fatal;
	}
	pv_device_set_ops(pdev, &xen_blkif_blk_ops);
	pdev->features = xen_blkif_features(vbd);
	pdev->backend_priv = vbd;
	vbd->pdev = pdev;

	dev_info(&xendev->dev,
		 "connected to backend %s: %llu sectors of %u bytes%s, %u ring%s of %u pages (%u requests), %s grants, %s, flush %s, discard %s\n",
		 xendev->otherend, vbd->sectors, vbd->sector_size,
		 vbd->info & VDISK_READONLY ? ", read-only" : "",
		 vbd->nr_rings, vbd->nr_rings > 1 ? "s" : "",
		 1U << vbd->ring_order, vbd->ring_size,
		 vbd->persistent ? "persistent" : "per-request",
		 vbd->indirect_segs ? "indirect" : "direct",
		 vbd->flush_op == BLKIF_OP_FLUSH_DISKCACHE ? "cache" :
		 vbd->flush_op == BLKIF_OP_WRITE_BARRIER ? "barrier" : "none",
		 vbd->discard ? "yes" : "no");
	if (vbd->indirect_segs)
		dev_info(&xendev->dev, "indirect requests of up to %u segments\n",
			 vbd->indirect_segs);

	xenbus_switch_state(xendev, XenbusStateConnected);
	WRITE_ONCE(vbd->connected, true);
	err = pv_device_add(pdev);
	if (err) {
		WRITE_ONCE(vbd->connected, false);
		vbd->pdev = NULL;
		pv_device_put(pdev);
		goto out_fatal;
	}
	return 0;

out_fatal:
	xenbus_dev_fatal(xendev, err, "connecting to the backend");
	return err;
}

/* Backend Connected again: the only thing that changes is the size. */
static void xen_blkif_resize(struct xen_blkif_vbd *vbd)
{
	u64 sectors;

	if (xen_xs_read_u64(vbd->xendev, vbd->xendev->otherend, "sectors",
			    U64_MAX >> SECTOR_SHIFT, &sectors) ||
	    sectors == vbd->sectors)
		return;
	dev_info(&vbd->xendev->dev, "capacity changed from %llu to %llu sectors\n",
		 vbd->sectors, sectors);
	WRITE_ONCE(vbd->sectors, sectors);
	pv_device_config_changed(vbd->pdev);
}

/*
 * Tear the device down: the pv device goes first (pv_blk drains its queues
 * while the backend still answers), then the rings. Must hold vbd->lock.
 */
static void xen_blkif_disconnect(struct xen_blkif_vbd *vbd)
{
	struct pv_device *pdev = vbd->pdev;

	if (pdev) {
		/* Keep the structure until the interrupt handlers are gone. */
		get_device(&pdev->dev);
		pv_device_unregister(pdev);
	}
	WRITE_ONCE(vbd->connected, false);
	xen_blkif_rings_free(vbd);
	vbd->pdev = NULL;
	if (pdev)
		put_device(&pdev->dev);
}

static void xen_blkif_backend_changed(struct xenbus_device *xendev,
				      enum xenbus_state state)
{
	struct xen_blkif_vbd *vbd = dev_get_drvdata(&xendev->dev);

	mutex_lock(&vbd->lock);
	switch (state) {
	case XenbusStateInitWait:
		if (xendev->state != XenbusStateInitialising)
			break;
		if (xen_blkif_talk(vbd))
			dev_err(&xendev->dev, "cannot set up the rings\n");
		break;
	case XenbusStateConnected:
		if (vbd->connected) {
			xen_blkif_resize(vbd);
			break;
		}
		/* A backend may skip InitWait when it has nothing to offer. */
		if (xendev->state == XenbusStateInitialising &&
		    xen_blkif_talk(vbd))
			break;
		if (xendev->state == XenbusStateInitialised)
			xen_blkif_connect(vbd);
		break;
	case XenbusStateClosed:
		/*
		 * Still Closed from an earlier connection: blkback starts
		 * over (InitWait) once it sees us Initialising.
		 */
		if (xendev->state == XenbusStateInitialising)
			break;
		fallthrough;
	case XenbusStateClosing:
		if (xendev->state == XenbusStateClosed)
			break;
		dev_info(&xendev->dev, "backend %s is closing; removing the disk\n",
			 xendev->otherend);
		xen_blkif_disconnect(vbd);
		xenbus_frontend_closed(xendev);
		break;
	default:
		break;
	}
	mutex_unlock(&vbd->lock);
}

static int xen_blkif_probe(struct xenbus_device *xendev,
			   const struct xenbus_device_id *id)
{
	struct xen_blkif_vbd *vbd;
	unsigned int vdev;
	int err;

	err = xen_xs_read_uint(xendev, xendev->nodename, "virtual-device", 0,
			       1, UINT_MAX, &vdev);
	if (!err && !vdev)
		err = -ENOENT;
	if (err) {
		xenbus_dev_fatal(xendev, err, "reading virtual-device");
		return err;
	}

	vbd = kzalloc(sizeof(*vbd), GFP_KERNEL);
	if (!vbd)
		return -ENOMEM;
	vbd->xendev = xendev;
	vbd->handle = vdev;	/* blkif_vdev_t: the low 16 bits */
	mutex_init(&vbd->lock);
	dev_set_drvdata(&xendev->dev, vbd);

	/*
	 * After an unbind our node says Closed and blkback waits for the
	 * front-end to start over: say so, or it never offers the rings.
	 */
	err = xenbus_switch_state(xendev, XenbusStateInitialising);
	if (err) {
		dev_set_drvdata(&xendev->dev, NULL);
		kfree(vbd);
		return err;
	}
	return 0;
}

static void xen_blkif_remove(struct xenbus_device *xendev)
{
	struct xen_blkif_vbd *vbd = dev_get_drvdata(&xendev->dev);

	mutex_lock(&vbd->lock);
	xen_blkif_disconnect(vbd);
	mutex_unlock(&vbd->lock);
	dev_set_drvdata(&xendev->dev, NULL);
	kfree(vbd);
}

static const struct xenbus_device_id xen_blkif_ids[] = {
	{ "vbd" },
	{ "" }
};

/* Its own name: the default (the first id, "vbd") is xen-blkfront's. */
static struct xenbus_driver xen_blkif_driver = {
	.name			= "pv_xen_vbd",
	.ids			= xen_blkif_ids,
	.probe			= xen_blkif_probe,
	.remove			= xen_blkif_remove,
	.otherend_changed	= xen_blkif_backend_changed,
	.not_essential		= true,
};

/**
 * xen_blkif_register() - start driving the guest's vbd devices
 *
 * Validates the module parameters first. Process context.
 *
 * Return: 0 or a negative errno.
 */
int xen_blkif_register(void)
{
	if (max_ring_page_order > XEN_BLKIF_MAX_RING_ORDER) {
		pr_err("max_ring_page_order=%u: at most %u\n",
		       max_ring_page_order, XEN_BLKIF_MAX_RING_ORDER);
		return -EINVAL;
	}
	if (max_indirect_segments &&
	    (max_indirect_segments <= BLKIF_MAX_SEGMENTS_PER_REQUEST ||
	     max_indirect_segments > XEN_BLKIF_MAX_INDIRECT_SEGS)) {
		pr_err("max_indirect_segments=%u: 0, or %u to %lu\n",
		       max_indirect_segments,
		       BLKIF_MAX_SEGMENTS_PER_REQUEST + 1,
		       XEN_BLKIF_MAX_INDIRECT_SEGS);
		return -EINVAL;
	}
	if (max_queues > 64) {
		pr_err("max_queues=%u: at most 64\n", max_queues);
		return -EINVAL;
	}
	return xen_register_frontend(&xen_blkif_driver);
}

void xen_blkif_unregister(void)
{
	xenbus_unregister_driver(&xen_blkif_driver);
}
