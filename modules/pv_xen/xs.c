// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the backend's xenstore nodes. The backend is another domain and
 * untrusted: a value that does not parse or lies outside what the protocol
 * allows is reported once, on the device, and the caller gets an error
 * rather than a clamped guess.
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <xen/xenbus.h>
#include "pv_xen.h"
#include "xs_proto.h"

/**
 * xen_xs_read_u64() - read a bounded decimal node
 * @dev: the device the node belongs to (for messages)
 * @dir: its directory (usually dev->otherend)
 * @node: its name
 * @max: largest acceptable value
 * @val: the value, written only on success
 *
 * Process context, may sleep.
 *
 * Return: 0, -ENOENT when the node does not exist, or -EINVAL/-ERANGE
 * (logged) when the backend wrote something unacceptable.
 */
int xen_xs_read_u64(struct xenbus_device *dev, const char *dir,
		    const char *node, u64 max, u64 *val)
{
	char *s;
	int err;

	s = xenbus_read(XBT_NIL, dir, node, NULL);
	if (IS_ERR(s))
		return -ENOENT;
	err = xen_parse_u64(s, 0, max, val);
	if (err)
		dev_err(&dev->dev, "backend wrote %s/%s = \"%.32s\": %s\n", dir,
			node, s, err == -ERANGE ? "out of range" : "not a number");
	kfree(s);
	return err;
}

/**
 * xen_xs_read_uint() - read a bounded decimal node, with a default
 * @dev: the device the node belongs to
 * @dir: its directory
 * @node: its name
 * @def: the value when the node does not exist
 * @min: smallest acceptable value
 * @max: largest acceptable value
 * @val: the value (or @def), written only on success
 *
 * Process context, may sleep.
 *
 * Return: 0, or -EINVAL/-ERANGE (logged) for a bad value.
 */
int xen_xs_read_uint(struct xenbus_device *dev, const char *dir,
		     const char *node, unsigned int def, unsigned int min,
		     unsigned int max, unsigned int *val)
{
	char *s;
	int err;

	s = xenbus_read(XBT_NIL, dir, node, NULL);
	if (IS_ERR(s)) {
		*val = def;
		return 0;
	}
	err = xen_parse_uint(s, min, max, val);
	if (err)
		dev_err(&dev->dev,
			"backend wrote %s/%s = \"%.32s\": %s (allowed %u..%u)\n",
			dir, node, s,
			err == -ERANGE ? "out of range" : "not a number",
			min, max);
	kfree(s);
	return err;
}

/**
 * xen_xs_read_feature() - is a "feature-*" flag set?
 * @dev: the device
 * @dir: the directory
 * @node: the flag's name
 *
 * A missing node means "no"; so does a malformed one, after a message: an
 * optional feature is never worth failing the device for.
 *
 * Return: true when the node reads "1".
 */
bool xen_xs_read_feature(struct xenbus_device *dev, const char *dir,
			 const char *node)
{
	unsigned int v;

	if (xen_xs_read_uint(dev, dir, node, 0, 0, 1, &v))
		return false;
	return v;
}
