// SPDX-License-Identifier: GPL-2.0
/*
 * The Xen netif front-end, xenbus side: a xenbus driver ("pv_xen_vif",
 * so it never clashes with xen-netfront over the "vif" device type) that
 * connects to the backend (netback) and offers each vif as a PV_CLASS_NET
 * device; pv_net puts the net_device and NAPI on top.
 *
 * Connection: on the backend's InitWait the front-end reads what the
 * backend offers, sets up one tx and one rx ring (one page each) per queue
 * pair with their event channels (one per ring with
 * feature-split-event-channels, one per queue otherwise), fills the rx
 * rings, publishes ring references and channels in one xenstore
 * transaction, switches to Connected and adds the pv device. The carrier
 * follows the backend: up while it is Connected. When the backend closes
 * (xl network-detach), or the device is removed, the pv device goes first,
 * then the rings; grants the backend still holds are ended, and their
 * pages freed, once it lets go.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/xenbus.h>
#include "pv_xen.h"
#include "netif.h"
#include "xs_proto.h"

static unsigned int netif_max_queues;
module_param(netif_max_queues, uint, 0444);
MODULE_PARM_DESC(netif_max_queues,
		 "Queue pairs per Xen network interface, at most 16, if the backend offers them (default: 0, one per online CPU)");

static bool netif_split_evtchn = true;
module_param(netif_split_evtchn, bool, 0444);
MODULE_PARM_DESC(netif_split_evtchn,
		 "Separate tx and rx event channels when the backend offers them (default: true)");

/* Transactions retried on -EAGAIN (xenstore saw a concurrent change). */
#define XEN_VIF_XS_TRIES	32
/* How long remove waits for the backend at each step of closing. */
#define XEN_VIF_CLOSE_MS	5000

/* ---- connection ---------------------------------------------------------- */

/* Read a backend node as a string; NULL when it does not exist. */
static char *xen_vif_read_be(struct xen_vif *vif, const char *node)
{
	char *s = xenbus_read(XBT_NIL, vif->xdev->otherend, node, NULL);

	return IS_ERR(s) ? NULL : s;
}

/* A feature flag; a malformed one is off, after a message. */
static bool xen_vif_be_feature(struct xen_vif *vif, const char *node)
{
	char *s = xen_vif_read_be(vif, node);
	bool on = false;

	if (xen_netif_parse_feature(s, &on))
		dev_warn(&vif->xdev->dev, "backend wrote %s/%s = \"%.32s\"; taken as 0\n",
			 vif->xdev->otherend, node, s);
	kfree(s);
	return on;
}

static int xen_vif_read_backend(struct xen_vif *vif,
				struct xen_netif_backend_features *be,
				bool *multi_queue)
{
	struct xenbus_device *xdev = vif->xdev;
	char *s;

	s = xen_vif_read_be(vif, "multi-queue-max-queues");
	*multi_queue = s;
	if (xen_netif_parse_max_queues(s, &be->max_queues)) {
		dev_warn(&xdev->dev, "backend wrote %s/multi-queue-max-queues = \"%.32s\"; using one queue\n",
			 xdev->otherend, s);
		be->max_queues = 1;
	}
	kfree(s);
	be->split_evtchn = xen_vif_be_feature(vif, "feature-split-event-channels");
	be->sg = xen_vif_be_feature(vif, "feature-sg");
	be->gso_tcpv4 = xen_vif_be_feature(vif, "feature-gso-tcpv4");
	be->gso_tcpv6 = xen_vif_be_feature(vif, "feature-gso-tcpv6");
	be->ipv6_csum = xen_vif_be_feature(vif, "feature-ipv6-csum-offload");
	be->no_csum = xen_vif_be_feature(vif, "feature-no-csum-offload");
	be->rx_copy = xen_vif_be_feature(vif, "feature-rx-copy");
	if (!be->rx_copy) {
		/* The only rx mode left in netback; flipping is long gone. */
		xenbus_dev_fatal(xdev, -EOPNOTSUPP,
				 "backend does not offer feature-rx-copy");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int xen_vif_publish_queue(struct xenbus_transaction xbt,
				 struct xen_vif *vif, struct xen_vif_queue *q,
				 const char **what)
{
	const char *node = vif->xdev->nodename;
	char *dir = NULL;
	int err;

	/* One queue: the keys at the top; several: in queue-N. */
	if (vif->nr_queues > 1) {
		dir = kasprintf(GFP_KERNEL, "%s/queue-%u", node, q->id);
		if (!dir)
			return -ENOMEM;
		node = dir;
	}
	*what = "tx-ring-ref";
	err = xenbus_printf(xbt, node, *what, "%u", q->tx_ring_ref);
	if (err)
		goto out;
	*what = "rx-ring-ref";
	err = xenbus_printf(xbt, node, *what, "%u", q->rx_ring_ref);
	if (err)
		goto out;
	if (vif->neg.split_evtchn) {
		*what = "event-channel-tx";
		err = xenbus_printf(xbt, node, *what, "%u", q->tx_evtchn);
		if (err)
			goto out;
		*what = "event-channel-rx";
		err = xenbus_printf(xbt, node, *what, "%u", q->rx_evtchn);
	} else {
		*what = "event-channel";
		err = xenbus_printf(xbt, node, *what, "%u", q->tx_evtchn);
	}
out:
	kfree(dir);
	return err;
}

/* What the front-end does, for the backend: all of it, always. */
static const char *const xen_vif_fe_features[] = {
	"request-rx-copy",		/* rx by copy into our pages */
	"feature-rx-notify",		/* we notify when we post rx buffers */
	"feature-sg",			/* rx packets may span slots */
	"feature-gso-tcpv4",		/* rx GSO packets with their extra */
	"feature-gso-tcpv6",
	"feature-ipv6-csum-offload",	/* rx IPv6 packets with blank checksums */
};

/*
 * Publish rings, channels and features in one transaction, so the backend
 * never sees half of them; retried when xenstore says another writer got
 * in between (-EAGAIN).
 */
static int xen_vif_publish(struct xen_vif *vif, bool multi_queue)
{
	struct xenbus_device *xdev = vif->xdev;
	struct xenbus_transaction xbt;
	unsigned int tries = XEN_VIF_XS_TRIES, i;
	const char *what;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err) {
		xenbus_dev_fatal(xdev, err, "starting transaction");
		return err;
	}
	if (multi_queue) {
		what = "multi-queue-num-queues";
		err = xenbus_printf(xbt, xdev->nodename, what, "%u",
				    vif->nr_queues);
		if (err)
			goto abort;
	}
	for (i = 0; i < vif->nr_queues; i++) {
		err = xen_vif_publish_queue(xbt, vif, &vif->queues[i], &what);
		if (err)
			goto abort;
	}
	for (i = 0; i < ARRAY_SIZE(xen_vif_fe_features); i++) {
		what = xen_vif_fe_features[i];
		err = xenbus_write(xbt, xdev->nodename, what, "1");
		if (err)
			goto abort;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN && --tries)
		goto again;
	if (err) {
		xenbus_dev_fatal(xdev, err, "completing transaction");
		return err;
	}
	return 0;

abort:
	xenbus_transaction_end(xbt, 1);
	xenbus_dev_fatal(xdev, err, "writing %s", what);
	return err;
}

static u64 xen_vif_pv_features(const struct xen_vif *vif)
{
	u64 f = PV_NET_F_RX_CSUM | PV_NET_F_MTU;

	if (vif->neg.tx_csum)
		f |= PV_NET_F_TX_CSUM;
	if (vif->neg.sg)
		f |= PV_NET_F_SG;
	if (vif->neg.tso)
		f |= PV_NET_F_TSO;
	if (vif->neg.tso6)
		f |= PV_NET_F_TSO6;
	if (vif->nr_queues > 1)
		f |= PV_NET_F_MQ;
	return f;
}

static int xen_vif_add_pdev(struct xen_vif *vif)
{
	struct pv_device *pdev;
	int err;

	pdev = pv_device_alloc(&xen_hypervisor, PV_CLASS_NET, &vif->xdev->dev);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	pv_device_set_ops(pdev, &xen_vif_net_ops);
	pdev->backend_priv = vif;
	pdev->features = xen_vif_pv_features(vif);
	/* pv_net may open the device before pv_device_add() returns. */
	vif->pdev = pdev;
	err = pv_device_add(pdev);
	if (err) {
		vif->pdev = NULL;
		pv_device_put(pdev);
	}
	return err;
}

/* The pv device goes (pv_net closes the interface), then the rings. */
static void xen_vif_disconnect(struct xen_vif *vif)
{
	unsigned int i, held = 0;

	xen_vif_set_link(vif, false);
	if (vif->pdev) {
		pv_device_unregister(vif->pdev);
		vif->pdev = NULL;
	}
	if (!vif->queues)
		return;
	for (i = 0; i < vif->nr_queues; i++)
		held += xen_vif_queue_teardown(&vif->queues[i]);
	kvfree(vif->queues);
	vif->queues = NULL;
	vif->nr_queues = 0;
	if (held)
		dev_info(&vif->xdev->dev, "disconnected; the backend still holds %u grants: ended when it lets go\n",
			 held);
	else
		dev_info(&vif->xdev->dev, "disconnected\n");
}

static const char *xen_vif_onoff(bool on)
{
	return on ? "on" : "off";
}

/* The backend waits in InitWait: set everything up and say Connected. */
static int xen_vif_connect(struct xen_vif *vif)
{
	struct xenbus_device *xdev = vif->xdev;
	struct xen_netif_backend_features be;
	unsigned int want, i;
	bool multi_queue;
	int err;

	err = xen_vif_read_backend(vif, &be, &multi_queue);
	if (err)
		return err;
	want = netif_max_queues ?: num_online_cpus();
	want = clamp(want, 1u, (unsigned int)XEN_VIF_MAX_QUEUES);
	xen_netif_negotiate(&be, want, netif_split_evtchn, &vif->neg);

	vif->queues = kvcalloc(vif->neg.nr_queues, sizeof(*vif->queues),
			       GFP_KERNEL);
	if (!vif->queues) {
		err = -ENOMEM;
		goto out_fatal;
	}
	for (i = 0; i < vif->neg.nr_queues; i++) {
		struct xen_vif_queue *q = &vif->queues[i];

		q->vif = vif;
		q->id = i;
		err = xen_vif_queue_setup(vif, q);
		if (err)
			goto out_teardown;
		vif->nr_queues = i + 1;
	}
	err = xen_vif_publish(vif, multi_queue);
	if (err)
		goto out_teardown;
	err = xenbus_switch_state(xdev, XenbusStateConnected);
	if (err)
		goto out_teardown;
	/* Netback looks at the rings on our Connected; wake it anyway. */
	for (i = 0; i < vif->nr_queues; i++) {
		notify_remote_via_irq(vif->queues[i].tx_irq);
		if (vif->queues[i].rx_irq != vif->queues[i].tx_irq)
			notify_remote_via_irq(vif->queues[i].rx_irq);
	}

	err = xen_vif_add_pdev(vif);
	if (err) {
		xenbus_dev_fatal(xdev, err, "adding the pv network device");
		xen_vif_disconnect(vif);
		return err;
	}
	dev_info(&xdev->dev, "%s: connected to %s: %u queue%s, %s event channels, csum %s%s, gso %s%s, sg %s, MAC %pM\n",
		 dev_name(&vif->pdev->dev), xdev->otherend, vif->nr_queues,
		 vif->nr_queues == 1 ? "" : "s",
		 vif->neg.split_evtchn ? "split" : "shared",
		 xen_vif_onoff(vif->neg.tx_csum),
		 vif->neg.tx_csum6 ? " (ipv4+ipv6)" : vif->neg.tx_csum ? " (ipv4)" : "",
		 vif->neg.tso || vif->neg.tso6 ? "on" : "off",
		 vif->neg.tso && vif->neg.tso6 ? " (tcpv4+tcpv6)" :
		 vif->neg.tso ? " (tcpv4)" : vif->neg.tso6 ? " (tcpv6)" : "",
		 xen_vif_onoff(vif->neg.sg), vif->mac);
	return 0;

out_teardown:
	for (i = 0; i < vif->nr_queues; i++)
		xen_vif_queue_teardown(&vif->queues[i]);
	kvfree(vif->queues);
	vif->queues = NULL;
	vif->nr_queues = 0;
out_fatal:
	/* Tells the backend and moves to Closing; the toolstack cleans up. */
	xenbus_dev_fatal(xdev, err, "connecting to the backend");
	return err;
}

static void xen_vif_backend_changed(struct xenbus_device *xdev,
				    enum xenbus_state state)
{
	struct xen_vif *vif = dev_get_drvdata(&xdev->dev);

	dev_dbg(&xdev->dev, "backend %s, we %s\n", xenbus_strstate(state),
		xenbus_strstate(xdev->state));
	switch (state) {
	case XenbusStateInitWait:
		if (xdev->state != XenbusStateInitialising)
			break;
		xen_vif_connect(vif);
		break;
	case XenbusStateConnected:
		if (xdev->state == XenbusStateConnected && vif->pdev)
			xen_vif_set_link(vif, true);
		break;
	case XenbusStateClosed:
		/*
		 * Probed again after an unbind, we said Initialising and the
		 * backend has yet to leave Closed for InitWait.
		 */
		if (xdev->state == XenbusStateInitialising ||
		    xdev->state == XenbusStateClosed)
			break;
		fallthrough;
	case XenbusStateClosing:
		xen_vif_disconnect(vif);
		xenbus_frontend_closed(xdev);
		break;
	default:
		break;
	}
}

/* ---- xenbus -------------------------------------------------------------- */

static int xen_vif_probe(struct xenbus_device *xdev,
			 const struct xenbus_device_id *id)
{
	struct xen_vif *vif;
	char *mac;
	int err;

	vif = kzalloc(sizeof(*vif), GFP_KERNEL);
	if (!vif)
		return -ENOMEM;
	vif->xdev = xdev;
	vif->rxcsum = true;
	spin_lock_init(&vif->link_lock);

	mac = xenbus_read(XBT_NIL, xdev->nodename, "mac", NULL);
	if (IS_ERR(mac)) {
		err = PTR_ERR(mac);
		dev_err(&xdev->dev, "no %s/mac: %d\n", xdev->nodename, err);
		goto out_free;
	}
	err = xen_parse_mac(mac, vif->mac);
	if (err)
		dev_err(&xdev->dev, "%s/mac = \"%.32s\" is not a unicast MAC address\n",
			xdev->nodename, mac);
	kfree(mac);
	if (err)
		goto out_free;

	dev_set_drvdata(&xdev->dev, vif);
	/*
	 * After an unbind the node says Closed and so does the backend, which
	 * re-attaches (InitWait) only when it sees Initialising again.
	 */
	err = xenbus_switch_state(xdev, XenbusStateInitialising);
	if (err)
		goto out_clear;
	return 0;

out_clear:
	dev_set_drvdata(&xdev->dev, NULL);
out_free:
	kfree(vif);
	return err;
}

/* Wait (bounded) until the backend is in one of @a, @b or Unknown. */
static bool xen_vif_wait_backend(struct xenbus_device *xdev,
				 enum xenbus_state a, enum xenbus_state b)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(XEN_VIF_CLOSE_MS);
	enum xenbus_state s;

	for (;;) {
		s = compat_xenbus_otherend_state(xdev);
		if (s == a || s == b || s == XenbusStateUnknown)
			return true;
		if (time_after(jiffies, timeout))
			return false;
		msleep(20);
	}
}

/*
 * Close the connection the way netback expects: Closing, wait for its
 * Closing (it unmaps the rings), Closed, wait for its Closed. The watch
 * on the backend is gone by now, so this polls, and gives up after a
 * while: grants it still holds are ended once it lets go.
 */
static void xen_vif_bus_close(struct xenbus_device *xdev)
{
	enum xenbus_state s = compat_xenbus_otherend_state(xdev);

	if (s == XenbusStateClosed || s == XenbusStateUnknown ||
	    xdev->state == XenbusStateClosed)
		return;
	xenbus_switch_state(xdev, XenbusStateClosing);
	if (!xen_vif_wait_backend(xdev, XenbusStateClosing, XenbusStateClosed))
		dev_warn(&xdev->dev, "backend did not close within %u ms\n",
			 XEN_VIF_CLOSE_MS);
	xenbus_switch_state(xdev, XenbusStateClosed);
	if (!xen_vif_wait_backend(xdev, XenbusStateClosed, XenbusStateClosed))
		dev_warn(&xdev->dev, "backend did not reach Closed within %u ms\n",
			 XEN_VIF_CLOSE_MS);
}

static void xen_vif_remove(struct xenbus_device *xdev)
{
	struct xen_vif *vif = dev_get_drvdata(&xdev->dev);

	/* Stop the traffic, then the backend, then free what it used. */
	xen_vif_set_link(vif, false);
	if (vif->pdev) {
		pv_device_unregister(vif->pdev);
		vif->pdev = NULL;
	}
	xen_vif_bus_close(xdev);
	xen_vif_disconnect(vif);
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(vif);
}

static const struct xenbus_device_id xen_vif_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver xen_vif_driver = {
	/* Its own name: the default, the first id, is xen-netfront's. */
	.name			= "pv_xen_vif",
	.ids			= xen_vif_ids,
	.probe			= xen_vif_probe,
	.remove			= xen_vif_remove,
	.otherend_changed	= xen_vif_backend_changed,
	/*
	 * Module load waits for our devices to connect: 30 s at most for a
	 * non-essential driver, 5 minutes otherwise.
	 */
	.not_essential		= true,
};

static bool xen_vif_registered;

/**
 * xen_netif_register() - drive the guest's vif devices
 *
 * Registers the xenbus front-end; vifs another driver (xen-netfront)
 * already has are left to it. Process context; returns once the vifs
 * connected, or after xenbus gave up waiting for them.
 *
 * Return: 0 or a negative errno.
 */
int xen_netif_register(void)
{
	int err;

	err = xen_register_frontend(&xen_vif_driver);
	if (err)
		return err;
	xen_vif_registered = true;
	return 0;
}

/**
 * xen_netif_unregister() - undo xen_netif_register()
 *
 * Xenbus pins the module while a vif is bound, so none is by now (unbind
 * them through the driver's sysfs first). Process context.
 */
void xen_netif_unregister(void)
{
	if (xen_vif_registered)
		xenbus_unregister_driver(&xen_vif_driver);
	xen_vif_registered = false;
}
