// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs: /sys/bus/pv/{abi_version,hypervisor/} and the attributes of each
 * pv device. docs/sysfs-abi.md is the reference.
 */
#include <linux/module.h>
#include <linux/sysfs.h>
#include <pv/blk.h>
#include <pv/clock.h>
#include <pv/net.h>
#include "internal.h"

/* Bus attributes */

static ssize_t abi_version_show(compat_bus_attr_bus_t *bus, char *buf)
{
	return sysfs_emit(buf, "%u.%u\n", PV_ABI_MAJOR, PV_ABI_MINOR);
}
static BUS_ATTR_RO(abi_version);

static struct attribute *pv_bus_attrs[] = {
	&bus_attr_abi_version.attr,
	NULL,
};

static const struct attribute_group pv_bus_group = {
	.attrs = pv_bus_attrs,
};

/*
 * Every hypervisor/ attribute: with the registry locked, format what the
 * active hypervisor says, or an empty line (name: "none") without one.
 */
enum pv_hv_attr { PV_HV_NAME, PV_HV_BACKEND, PV_HV_VERSION, PV_HV_PRODUCT,
		  PV_HV_UUID, PV_HV_TSC_KHZ };

static ssize_t pv_hv_show(char *buf, enum pv_hv_attr what)
{
	struct pv_hypervisor *hv;
	char str[64];
	uuid_t uuid;
	u32 khz;
	ssize_t len = 0;

	mutex_lock(&pv_registry_lock);
	hv = pv_active_hv;
	if (!hv) {
		len = sysfs_emit(buf, "%s\n", what == PV_HV_NAME ? "none" : "");
		goto out;
	}

	switch (what) {
	case PV_HV_NAME:
		len = sysfs_emit(buf, "%s\n", hv->name);
		break;
	case PV_HV_BACKEND:
		len = sysfs_emit(buf, "%s\n",
				 hv->owner ? module_name(hv->owner) : "");
		break;
	case PV_HV_VERSION:
	case PV_HV_PRODUCT:
		str[0] = '\0';
		if (what == PV_HV_VERSION)
			pv_hv_get_version(hv, str, sizeof(str));
		else
			pv_hv_get_product(hv, str, sizeof(str));
		str[sizeof(str) - 1] = '\0';
		len = sysfs_emit(buf, "%s\n", str);
		break;
	case PV_HV_UUID:
		if (pv_hv_get_uuid(hv, &uuid))
			len = sysfs_emit(buf, "\n");
		else
			len = sysfs_emit(buf, "%pUb\n", &uuid);
		break;
	case PV_HV_TSC_KHZ:
		if (pv_hv_get_tsc_khz(hv, &khz))
			len = sysfs_emit(buf, "\n");
		else
			len = sysfs_emit(buf, "%u\n", khz);
		break;
	}
out:
	mutex_unlock(&pv_registry_lock);
	return len;
}

#define PV_HV_ATTR(_name, _what)					\
static ssize_t _name##_show(compat_bus_attr_bus_t *bus, char *buf)		\
{									\
	return pv_hv_show(buf, _what);					\
}									\
static BUS_ATTR_RO(_name)

PV_HV_ATTR(name, PV_HV_NAME);
PV_HV_ATTR(backend, PV_HV_BACKEND);
PV_HV_ATTR(version, PV_HV_VERSION);
PV_HV_ATTR(product, PV_HV_PRODUCT);
PV_HV_ATTR(uuid, PV_HV_UUID);
PV_HV_ATTR(tsc_khz, PV_HV_TSC_KHZ);

static struct attribute *pv_hv_attrs[] = {
	&bus_attr_name.attr,
	&bus_attr_backend.attr,
	&bus_attr_version.attr,
	&bus_attr_product.attr,
	&bus_attr_uuid.attr,
	&bus_attr_tsc_khz.attr,
	NULL,
};

static const struct attribute_group pv_hv_group = {
	.name = "hypervisor",
	.attrs = pv_hv_attrs,
};

const struct attribute_group *pv_bus_groups[] = {
	&pv_bus_group,
	&pv_hv_group,
	NULL,
};

/* Device attributes */

static const char *const pv_blk_feature_names[] = {
	"ro", "flush", "fua", "discard", "write_zeroes", "rotational",
};

static const char *const pv_net_feature_names[] = {
	"tx_csum", "rx_csum", "tso", "tso6", "lro", "sg", "mq", "mtu",
};

static const char *const pv_clock_feature_names[] = {
	"tsc", "hv_freq", "calibrated", "stable",
};

/**
 * pv_features_format() - spell out feature bits
 * @class: enum pv_class value
 * @features: PV_<class>_F_* bits
 * @buf: output, NUL-terminated, space-separated names
 * @size: bytes in @buf
 *
 * Unknown bits are printed as "bitN". Any context.
 *
 * Return: length written, excluding the NUL.
 */
int pv_features_format(u32 class, u64 features, char *buf, size_t size)
{
	const char *const *names = NULL;
	unsigned int nr_names = 0, bit;
	int len = 0;

	switch (class) {
	case PV_CLASS_BLK:
		names = pv_blk_feature_names;
		nr_names = ARRAY_SIZE(pv_blk_feature_names);
		break;
	case PV_CLASS_NET:
		names = pv_net_feature_names;
		nr_names = ARRAY_SIZE(pv_net_feature_names);
		break;
	case PV_CLASS_CLOCK:
		names = pv_clock_feature_names;
		nr_names = ARRAY_SIZE(pv_clock_feature_names);
		break;
	}

	buf[0] = '\0';
	for (bit = 0; bit < 64; bit++) {
		if (!(features & BIT_ULL(bit)))
			continue;
		if (bit < nr_names)
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? " " : "", names[bit]);
		else
			len += scnprintf(buf + len, size - len, "%sbit%u",
					 len ? " " : "", bit);
	}
	return len;
}
PV_EXPORT_SYMBOL(pv_features_format);

static ssize_t class_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", pv_class_name(to_pv_device(dev)->class));
}
static DEVICE_ATTR_RO(class);

static ssize_t hypervisor_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_pv_device(dev)->hv->name);
}
static DEVICE_ATTR_RO(hypervisor);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct pv_device *pdev = to_pv_device(dev);

	return sysfs_emit(buf, "pv:%s:%s\n", pv_class_name(pdev->class),
			  pdev->hv->name);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t features_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct pv_device *pdev = to_pv_device(dev);
	int len;

	len = pv_features_format(pdev->class, READ_ONCE(pdev->features), buf,
				 PAGE_SIZE - 1);
	buf[len++] = '\n';
	return len;
}
static DEVICE_ATTR_RO(features);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  pv_device_is_broken(to_pv_device(dev)) ? "broken" : "live");
}
static DEVICE_ATTR_RO(state);

static struct attribute *pv_dev_attrs[] = {
	&dev_attr_class.attr,
	&dev_attr_hypervisor.attr,
	&dev_attr_modalias.attr,
	&dev_attr_features.attr,
	&dev_attr_state.attr,
	NULL,
};

static const struct attribute_group pv_dev_group = {
	.attrs = pv_dev_attrs,
};

const struct attribute_group *pv_dev_groups[] = {
	&pv_dev_group,
	NULL,
};
