// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pv_core: the hypervisor registry, the pv bus (match,
 * probe, remove, uevent), module pinning and the sysfs formatting helpers.
 *
 * A fake backend ("kunit" hypervisor, owned by this module) and fake
 * front-ends stand in for the real ones. Every test starts with an empty
 * registry and leaves one behind: the exit hook undoes whatever a failed
 * assertion left registered.
 */
#include <kunit/test.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <pv/blk.h>
#include <pv/clock.h>
#include <pv/net.h>

#define PV_TEST_MAX_DEVS	4

struct pv_test_ctx {
	struct pv_hypervisor hv;
	int detect_calls;
	int detect_ret;
	struct pv_driver drv;
	bool drv_registered;
	struct pv_device_id ids[3];
	int probe_calls;
	int probe_ret;
	int remove_calls;
	int config_calls;
	struct pv_device *devs[PV_TEST_MAX_DEVS];
	bool hv_registered;
};

/* Tests run one at a time; callbacks find their context here. */
static struct pv_test_ctx *pv_test_current;

static const struct pv_blk_ops pv_test_blk_ops;	/* never called */
static const struct pv_net_ops pv_test_net_ops;

static int pv_test_detect(struct pv_hypervisor *hv)
{
	pv_test_current->detect_calls++;
	return pv_test_current->detect_ret;
}

static int pv_test_probe(struct pv_device *pdev)
{
	pv_test_current->probe_calls++;
	return pv_test_current->probe_ret;
}

static void pv_test_remove(struct pv_device *pdev)
{
	pv_test_current->remove_calls++;
}

static void pv_test_config_changed(struct pv_device *pdev)
{
	pv_test_current->config_calls++;
}

static int pv_test_init(struct kunit *test)
{
	struct pv_test_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	ctx->hv.name = "kunit";
	ctx->hv.detect = pv_test_detect;
	ctx->drv.driver.name = "pv_kunit_fe";
	ctx->drv.id_table = ctx->ids;
	ctx->drv.probe = pv_test_probe;
	ctx->drv.remove = pv_test_remove;
	ctx->drv.config_changed = pv_test_config_changed;
	ctx->ids[0].class = PV_CLASS_BLK;
	test->priv = ctx;
	pv_test_current = ctx;
	return 0;
}

static void pv_test_exit(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	int i;

	if (ctx->drv_registered)
		pv_driver_unregister(&ctx->drv);
	for (i = 0; i < PV_TEST_MAX_DEVS; i++)
		if (ctx->devs[i])
			pv_device_unregister(ctx->devs[i]);
	if (ctx->hv_registered)
		pv_hypervisor_unregister(&ctx->hv);
	pv_test_current = NULL;
}

/* Helpers that record what they registered, for pv_test_exit(). */
static void pv_test_register_hv(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, pv_hypervisor_register(&ctx->hv), 0);
	ctx->hv_registered = true;
}

static void pv_test_unregister_hv(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	pv_hypervisor_unregister(&ctx->hv);
	ctx->hv_registered = false;
}

static struct pv_device *pv_test_add_dev(struct kunit *test, int slot,
					 u32 class)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *pdev;

	pdev = pv_device_alloc(&ctx->hv, class, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	if (class == PV_CLASS_NET)
		pv_device_set_ops(pdev, &pv_test_net_ops);
	else
		pv_device_set_ops(pdev, &pv_test_blk_ops);
	KUNIT_ASSERT_EQ(test, pv_device_add(pdev), 0);
	ctx->devs[slot] = pdev;
	return pdev;
}

static void pv_test_del_dev(struct kunit *test, int slot)
{
	struct pv_test_ctx *ctx = test->priv;

	pv_device_unregister(ctx->devs[slot]);
	ctx->devs[slot] = NULL;
}

/*
 * KUnit runs a module's suites before the module's own sysfs directory
 * exists (6.1 runs them from the MODULE_STATE_COMING notifier), so the fake
 * front-end is registered without an owner: the driver core would otherwise
 * try to link it under /sys/module/pv_core_test/drivers/.
 */
static void pv_test_register_drv(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, __pv_driver_register(&ctx->drv, NULL, NULL,
						   PV_ABI_VERSION), 0);
	ctx->drv_registered = true;
}

static void pv_test_unregister_drv(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	pv_driver_unregister(&ctx->drv);
	ctx->drv_registered = false;
}

static bool pv_test_bound(struct pv_device *pdev)
{
	return READ_ONCE(pdev->dev.driver) != NULL;
}

/* Registry */

static void pv_registry_accepts_backend(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	pv_test_register_hv(test);
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->hv.owner, THIS_MODULE);
	KUNIT_EXPECT_EQ(test, ctx->hv.abi_version, (unsigned int)PV_ABI_VERSION);
}

static void pv_registry_duplicate_name_is_eexist(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_hypervisor twin = { .name = "kunit", .detect = pv_test_detect };

	pv_test_register_hv(test);
	KUNIT_EXPECT_EQ(test, pv_hypervisor_register(&twin), -EEXIST);
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 1);
}

static int pv_test_detect_absent(struct pv_hypervisor *hv)
{
	pv_test_current->detect_calls++;
	return -ENODEV;
}

/* A second hypervisor that is present is refused while one is active. */
static void pv_registry_second_hypervisor_is_ebusy(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_hypervisor other = { .name = "other", .detect = pv_test_detect };

	pv_test_register_hv(test);
	KUNIT_EXPECT_EQ(test, pv_hypervisor_register(&other), -EBUSY);
	/* Asked, found present, and still refused. */
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 2);
}

/*
 * A backend whose hypervisor is absent says -ENODEV whichever backend is
 * active: modprobe pv_vmi in a Xen guest is "no VMware here", not "busy".
 */
static void pv_registry_absent_hypervisor_is_enodev_while_active(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_hypervisor other = { .name = "other",
				       .detect = pv_test_detect_absent };

	pv_test_register_hv(test);
	KUNIT_EXPECT_EQ(test, pv_hypervisor_register(&other), -ENODEV);
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 2);
	/* The active one is untouched. */
	KUNIT_EXPECT_EQ(test, pv_hypervisor_register(&ctx->hv), -EEXIST);
}

static int pv_test_register_abi(struct kunit *test, u32 abi_version)
{
	struct pv_test_ctx *ctx = test->priv;

	return __pv_hypervisor_register(&ctx->hv, THIS_MODULE, abi_version,
					sizeof(struct pv_hypervisor_ops));
}

/*
 * Another major, or a minor newer than pv_core's, is refused before the
 * hardware is touched; what it refuses leaves nothing registered.
 */
static void pv_registry_refuses_abi_mismatch(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, pv_test_register_abi(test, PV_ABI(PV_ABI_MAJOR,
							PV_ABI_MINOR + 1)),
			-ENOEXEC);
	KUNIT_EXPECT_EQ(test, pv_test_register_abi(test,
						   PV_ABI(PV_ABI_MAJOR + 1, 0)),
			-ENOEXEC);
	KUNIT_EXPECT_EQ(test, pv_test_register_abi(test,
						   PV_ABI(PV_ABI_MAJOR - 1,
							  PV_ABI_MINOR)),
			-ENOEXEC);
	/* The integer versions of releases before 3.0. */
	KUNIT_EXPECT_EQ(test, pv_test_register_abi(test, 2), -ENOEXEC);
	KUNIT_EXPECT_EQ(test, pv_test_register_abi(test, 0), -ENOEXEC);
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 0);
	/* A backend of this major and of any minor up to pv_core's gets in. */
	KUNIT_EXPECT_EQ(test, pv_test_register_abi(test, PV_ABI(PV_ABI_MAJOR,
							0)), 0);
	KUNIT_EXPECT_EQ(test, ctx->hv.abi_version, (u32)PV_ABI(PV_ABI_MAJOR, 0));
	pv_hypervisor_unregister(&ctx->hv);
	KUNIT_EXPECT_EQ(test, pv_test_register_abi(test, PV_ABI(PV_ABI_MAJOR,
							PV_ABI_MINOR)), 0);
	ctx->hv_registered = true;
	KUNIT_EXPECT_EQ(test, ctx->hv.abi_version, (u32)PV_ABI_VERSION);
}

/* A hypervisor ops table shorter than release M.0's is malformed. */
static void pv_registry_refuses_short_hv_ops(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	static const struct pv_hypervisor_ops ops;

	ctx->hv.ops = &ops;
	KUNIT_EXPECT_EQ(test, __pv_hypervisor_register(&ctx->hv, THIS_MODULE,
				PV_ABI_VERSION,
				offsetof(struct pv_hypervisor_ops, get_tsc_khz)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 0);
	pv_test_register_hv(test);
	KUNIT_EXPECT_EQ(test, ctx->hv.ops_size,
			(u32)sizeof(struct pv_hypervisor_ops));
}

static void pv_registry_detect_failure_propagates(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	ctx->detect_ret = -ENODEV;
	KUNIT_EXPECT_EQ(test, pv_hypervisor_register(&ctx->hv), -ENODEV);
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 1);
	ctx->detect_ret = 0;
	pv_test_register_hv(test);
}

static void pv_registry_rejects_malformed(struct kunit *test)
{
	static const char *const bad_names[] = {
		"", "none", "Upper", "has space", "dash-ed",
		"this_name_is_much_too_long_for_pv_core",
	};
	struct pv_test_ctx *ctx = test->priv;
	struct pv_hypervisor hv = { .detect = pv_test_detect };
	int i;

	for (i = 0; i < ARRAY_SIZE(bad_names); i++) {
		hv.name = bad_names[i];
		KUNIT_EXPECT_EQ_MSG(test, pv_hypervisor_register(&hv), -EINVAL,
				    "name \"%s\"", bad_names[i]);
	}
	hv.name = NULL;
	KUNIT_EXPECT_EQ(test, pv_hypervisor_register(&hv), -EINVAL);
	hv.name = "nodetect";
	hv.detect = NULL;
	KUNIT_EXPECT_EQ(test, pv_hypervisor_register(&hv), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 0);
}

static void pv_registry_reregister_after_unregister(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	pv_test_register_hv(test);
	pv_test_unregister_hv(test);
	pv_test_register_hv(test);
	KUNIT_EXPECT_EQ(test, ctx->detect_calls, 2);
}

static void pv_registry_unregister_of_stranger_is_harmless(struct kunit *test)
{
	struct pv_hypervisor stranger = { .name = "stranger",
					  .detect = pv_test_detect };

	pv_test_register_hv(test);
	pv_hypervisor_unregister(&stranger);
	/* The real one is still registered. */
	KUNIT_EXPECT_EQ(test, pv_hypervisor_register(&stranger), -EBUSY);
}

/* Devices and the bus */

static void pv_bus_names_devices_by_class(struct kunit *test)
{
	struct pv_device *blk, *net;

	pv_test_register_hv(test);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	net = pv_test_add_dev(test, 1, PV_CLASS_NET);
	KUNIT_EXPECT_EQ(test, strncmp(dev_name(&blk->dev), "pvblk", 5), 0);
	KUNIT_EXPECT_EQ(test, strncmp(dev_name(&net->dev), "pvnet", 5), 0);
	KUNIT_EXPECT_PTR_EQ(test, blk->hv, &((struct pv_test_ctx *)test->priv)->hv);
	KUNIT_EXPECT_EQ(test, blk->class, (u32)PV_CLASS_BLK);
}

static void pv_bus_refuses_bad_device_alloc(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *pdev;

	/* No hypervisor registered yet. */
	pdev = pv_device_alloc(&ctx->hv, PV_CLASS_BLK, NULL);
	KUNIT_EXPECT_TRUE(test, IS_ERR(pdev));
	KUNIT_EXPECT_EQ(test, PTR_ERR(pdev), -EINVAL);

	pv_test_register_hv(test);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pv_device_alloc(&ctx->hv, 0, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pv_device_alloc(&ctx->hv, PV_CLASS_MAX, NULL)),
			-EINVAL);

	/* A device without ops is never added. */
	pdev = pv_device_alloc(&ctx->hv, PV_CLASS_BLK, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	KUNIT_EXPECT_EQ(test, pv_device_add(pdev), -EINVAL);
	pv_device_put(pdev);
}

static void pv_bus_matches_by_class(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *blk, *net;

	pv_test_register_hv(test);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	net = pv_test_add_dev(test, 1, PV_CLASS_NET);
	pv_test_register_drv(test);	/* binds to blk only */

	KUNIT_EXPECT_EQ(test, ctx->probe_calls, 1);
	KUNIT_EXPECT_TRUE(test, pv_test_bound(blk));
	KUNIT_EXPECT_FALSE(test, pv_test_bound(net));
}

static void pv_bus_matches_by_hypervisor_name(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *blk;

	ctx->ids[0].hypervisor = "someone_else";
	pv_test_register_hv(test);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	pv_test_register_drv(test);
	KUNIT_EXPECT_EQ(test, ctx->probe_calls, 0);
	KUNIT_EXPECT_FALSE(test, pv_test_bound(blk));
	pv_test_unregister_drv(test);

	ctx->ids[0].hypervisor = "kunit";
	pv_test_register_drv(test);
	KUNIT_EXPECT_EQ(test, ctx->probe_calls, 1);
	KUNIT_EXPECT_TRUE(test, pv_test_bound(blk));
}

static void pv_bus_probes_device_added_after_driver(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *blk;

	pv_test_register_hv(test);
	pv_test_register_drv(test);
	KUNIT_EXPECT_EQ(test, ctx->probe_calls, 0);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	KUNIT_EXPECT_EQ(test, ctx->probe_calls, 1);
	KUNIT_EXPECT_TRUE(test, pv_test_bound(blk));
}

static void pv_bus_binding_pins_backend(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	int refs;

	pv_test_register_hv(test);
	refs = module_refcount(THIS_MODULE);
	pv_test_add_dev(test, 0, PV_CLASS_BLK);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	pv_test_register_drv(test);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 1);
	pv_test_add_dev(test, 1, PV_CLASS_BLK);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 2);
	pv_test_del_dev(test, 0);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs + 1);
	pv_test_unregister_drv(test);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	KUNIT_EXPECT_EQ(test, ctx->remove_calls, 2);
}

static void pv_bus_failed_probe_leaves_unbound(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *blk;
	int refs;

	ctx->probe_ret = -EIO;
	pv_test_register_hv(test);
	refs = module_refcount(THIS_MODULE);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	pv_test_register_drv(test);
	KUNIT_EXPECT_EQ(test, ctx->probe_calls, 1);
	KUNIT_EXPECT_FALSE(test, pv_test_bound(blk));
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	pv_test_unregister_drv(test);
	KUNIT_EXPECT_EQ(test, ctx->remove_calls, 0);
}

static void pv_bus_device_unregister_removes_driver(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	pv_test_register_hv(test);
	pv_test_register_drv(test);
	pv_test_add_dev(test, 0, PV_CLASS_BLK);
	pv_test_del_dev(test, 0);
	KUNIT_EXPECT_EQ(test, ctx->remove_calls, 1);
}

static void pv_bus_unregister_hv_removes_leftovers(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *blk;
	int refs;

	pv_test_register_hv(test);
	refs = module_refcount(THIS_MODULE);
	pv_test_register_drv(test);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	get_device(&blk->dev);		/* keep it to look at afterwards */
	ctx->devs[0] = NULL;		/* the backend "forgets" it */

	pv_test_unregister_hv(test);
	KUNIT_EXPECT_EQ(test, ctx->remove_calls, 1);
	KUNIT_EXPECT_FALSE(test, device_is_registered(&blk->dev));
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), refs);
	put_device(&blk->dev);
}

static void pv_bus_uevent_carries_modalias(struct kunit *test)
{
	struct kobj_uevent_env *env;
	struct pv_device *net;
	bool modalias = false, cls = false, hv = false;
	int i;

	env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, env);
	pv_test_register_hv(test);
	net = pv_test_add_dev(test, 0, PV_CLASS_NET);

	KUNIT_ASSERT_EQ(test, pv_bus_type.uevent(&net->dev, env), 0);
	for (i = 0; i < env->envp_idx; i++) {
		modalias |= !strcmp(env->envp[i], "MODALIAS=pv:net:kunit");
		cls |= !strcmp(env->envp[i], "PV_CLASS=net");
		hv |= !strcmp(env->envp[i], "PV_HYPERVISOR=kunit");
	}
	KUNIT_EXPECT_EQ(test, env->envp_idx, 3);
	KUNIT_EXPECT_TRUE(test, modalias);
	KUNIT_EXPECT_TRUE(test, cls);
	KUNIT_EXPECT_TRUE(test, hv);
}

static void pv_bus_config_changed_only_while_bound(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *blk;

	pv_test_register_hv(test);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	pv_device_config_changed(blk);
	KUNIT_EXPECT_EQ(test, ctx->config_calls, 0);

	pv_test_register_drv(test);
	pv_device_config_changed(blk);
	KUNIT_EXPECT_EQ(test, ctx->config_calls, 1);

	pv_test_unregister_drv(test);
	pv_device_config_changed(blk);
	KUNIT_EXPECT_EQ(test, ctx->config_calls, 1);
}

static int pv_test_probe_sees_change(struct pv_device *pdev)
{
	pv_test_current->probe_calls++;
	/* The backend reports a change while the front-end is probing. */
	pv_device_config_changed(pdev);
	return 0;
}

/* A change that arrives during probe() reaches the driver once, after it. */
static void pv_bus_config_change_during_probe_is_replayed(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *blk;

	pv_test_register_hv(test);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	ctx->drv.probe = pv_test_probe_sees_change;
	pv_test_register_drv(test);
	KUNIT_EXPECT_EQ(test, ctx->probe_calls, 1);
	KUNIT_EXPECT_EQ(test, ctx->config_calls, 1);
	/* Once: not again on the next change's behalf. */
	pv_device_config_changed(blk);
	KUNIT_EXPECT_EQ(test, ctx->config_calls, 2);
}

static void pv_bus_broken_device_is_not_probed(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *blk;

	pv_test_register_hv(test);
	blk = pv_test_add_dev(test, 0, PV_CLASS_BLK);
	KUNIT_EXPECT_FALSE(test, pv_device_is_broken(blk));
	pv_device_mark_broken(blk, "kunit says so");
	pv_device_mark_broken(blk, "twice");
	KUNIT_EXPECT_TRUE(test, pv_device_is_broken(blk));
	pv_test_register_drv(test);
	KUNIT_EXPECT_EQ(test, ctx->probe_calls, 0);
	KUNIT_EXPECT_FALSE(test, pv_test_bound(blk));
}

static void pv_bus_refuses_malformed_driver(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, __pv_driver_register(&ctx->drv, NULL, NULL,
						   PV_ABI_VERSION + 1),
			-ENOEXEC);
	KUNIT_EXPECT_EQ(test, __pv_driver_register(&ctx->drv, NULL, NULL,
						   PV_ABI(PV_ABI_MAJOR + 1, 0)),
			-ENOEXEC);
	KUNIT_EXPECT_EQ(test, __pv_driver_register(&ctx->drv, NULL, NULL, 2),
			-ENOEXEC);
	ctx->drv.probe = NULL;
	KUNIT_EXPECT_EQ(test, __pv_driver_register(&ctx->drv, NULL, NULL,
						   PV_ABI_VERSION), -EINVAL);
	ctx->drv.probe = pv_test_probe;
	ctx->drv.id_table = NULL;
	KUNIT_EXPECT_EQ(test, __pv_driver_register(&ctx->drv, NULL, NULL,
						   PV_ABI_VERSION), -EINVAL);
}

/* A front-end of this major and of any minor up to pv_core's gets in. */
static void pv_bus_accepts_older_minor_driver(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	u32 minor;

	for (minor = 0; minor <= PV_ABI_MINOR; minor++) {
		/* ASSERT: a refused driver must not be unregistered. */
		KUNIT_ASSERT_EQ(test, __pv_driver_register(&ctx->drv, NULL, NULL,
					PV_ABI(PV_ABI_MAJOR, minor)), 0);
		KUNIT_EXPECT_EQ(test, ctx->drv.abi_version,
				(u32)PV_ABI(PV_ABI_MAJOR, minor));
		pv_driver_unregister(&ctx->drv);
	}
}

/* The ABI: table sizes */

static void pv_abi_device_refuses_missing_or_foreign_ops(struct kunit *test)
{
	struct pv_test_ctx *ctx = test->priv;
	struct pv_device *pdev;

	pv_test_register_hv(test);
	pdev = pv_device_alloc(&ctx->hv, PV_CLASS_BLK, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	/* No ops at all. */
	KUNIT_EXPECT_EQ(test, pv_device_add(pdev), -EINVAL);
	/* A net table on a block device. */
	pv_device_set_ops(pdev, &pv_test_net_ops);
	KUNIT_EXPECT_EQ(test, pv_device_add(pdev), -EINVAL);
	/* A block table shorter than release M.0's. */
	__pv_device_set_ops(pdev, PV_CLASS_BLK, &pv_test_blk_ops,
			    offsetof(struct pv_blk_ops, timeout));
	KUNIT_EXPECT_EQ(test, pv_device_add(pdev), -EINVAL);
	/* The right one. */
	pv_device_set_ops(pdev, &pv_test_blk_ops);
	KUNIT_EXPECT_EQ(test, pdev->ops_size, (u32)sizeof(struct pv_blk_ops));
	KUNIT_EXPECT_EQ(test, pdev->ops_class, (u32)PV_CLASS_BLK);
	KUNIT_ASSERT_EQ(test, pv_device_add(pdev), 0);
	ctx->devs[0] = pdev;
}

static int pv_test_commit_calls;

static void pv_test_commit(struct pv_device *pdev, u16 queue)
{
	pv_test_commit_calls++;
}

static enum pv_blk_timeout_action pv_test_timeout(struct pv_device *pdev,
						  struct pv_blk_req *req)
{
	return PV_BLK_TIMEOUT_DONE;
}

/*
 * A wrapper treats an op past the end of the backend's table as absent, so
 * a front-end built for a later minor never reads beyond an older
 * backend's table: here the table claims to end before commit.
 */
static void pv_abi_op_beyond_table_is_absent(struct kunit *test)
{
	static const struct pv_blk_ops ops = {
		.commit		= pv_test_commit,
		.timeout	= pv_test_timeout,
	};
	struct pv_device *pdev;

	pdev = kunit_kzalloc(test, sizeof(*pdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	pv_test_commit_calls = 0;

	__pv_device_set_ops(pdev, PV_CLASS_BLK, &ops,
			    offsetof(struct pv_blk_ops, commit));
	pv_blk_commit(pdev, 0);
	KUNIT_EXPECT_EQ(test, pv_test_commit_calls, 0);
	KUNIT_EXPECT_EQ(test, pv_blk_timeout(pdev, NULL),
			PV_BLK_TIMEOUT_RESET_TIMER);

	__pv_device_set_ops(pdev, PV_CLASS_BLK, &ops,
			    offsetof(struct pv_blk_ops, timeout));
	pv_blk_commit(pdev, 0);
	KUNIT_EXPECT_EQ(test, pv_test_commit_calls, 1);
	KUNIT_EXPECT_EQ(test, pv_blk_timeout(pdev, NULL),
			PV_BLK_TIMEOUT_RESET_TIMER);

	pv_device_set_ops(pdev, &ops);
	KUNIT_EXPECT_EQ(test, pv_blk_timeout(pdev, NULL), PV_BLK_TIMEOUT_DONE);
}

static int pv_test_get_product(struct pv_hypervisor *hv, char *buf,
			       size_t size)
{
	return strscpy(buf, "kunit", size) < 0 ? -E2BIG : 0;
}

static int pv_test_get_uuid(struct pv_hypervisor *hv, uuid_t *uuid)
{
	return -ENODATA;
}

/* Likewise for the hypervisor ops and for the callbacks of a front-end. */
static void pv_abi_hv_op_and_callback_beyond_table_are_absent(struct kunit *test)
{
	static const struct pv_hypervisor_ops ops = {
		.get_product	= pv_test_get_product,
		.get_uuid	= pv_test_get_uuid,
	};
	static const struct pv_blk_callbacks cb;
	struct pv_hypervisor hv = { .ops = &ops };
	struct pv_device *pdev;
	char buf[8];
	uuid_t uuid;

	hv.ops_size = offsetofend(struct pv_hypervisor_ops, get_product);
	KUNIT_EXPECT_EQ(test, pv_hv_get_product(&hv, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, pv_hv_get_uuid(&hv, &uuid), -EOPNOTSUPP);
	hv.ops_size = sizeof(ops);
	KUNIT_EXPECT_EQ(test, pv_hv_get_uuid(&hv, &uuid), -ENODATA);
	KUNIT_EXPECT_EQ(test, pv_hv_get_version(&hv, buf, sizeof(buf)),
			-EOPNOTSUPP);

	pdev = kunit_kzalloc(test, sizeof(*pdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	pdev->cb.blk = &cb;
	pdev->cb_size = 0;
	KUNIT_EXPECT_FALSE(test, pv_blk_has_cb(pdev, complete));
	pdev->cb_size = sizeof(cb);
	/* In the table, but not set. */
	KUNIT_EXPECT_FALSE(test, pv_blk_has_cb(pdev, complete));
}

/* Formatting helpers */

static void pv_format_class_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, pv_class_name(PV_CLASS_BLK), "blk");
	KUNIT_EXPECT_STREQ(test, pv_class_name(PV_CLASS_NET), "net");
	KUNIT_EXPECT_STREQ(test, pv_class_name(PV_CLASS_CLOCK), "clock");
	KUNIT_EXPECT_STREQ(test, pv_class_name(0), "unknown");
	KUNIT_EXPECT_STREQ(test, pv_class_name(PV_CLASS_MAX), "unknown");
	KUNIT_EXPECT_STREQ(test, pv_class_name(~0u), "unknown");
}

static void pv_format_feature_names(struct kunit *test)
{
	char buf[64];

	pv_features_format(PV_CLASS_BLK, PV_BLK_F_FLUSH | PV_BLK_F_DISCARD,
			   buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "flush discard");
	pv_features_format(PV_CLASS_NET, PV_NET_F_TSO | BIT_ULL(40), buf,
			   sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "tso bit40");
	pv_features_format(PV_CLASS_CLOCK, PV_CLOCK_F_TSC | PV_CLOCK_F_HV_FREQ,
			   buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "tsc hv_freq");
	pv_features_format(PV_CLASS_BLK, 0, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "");
	/* Truncates, never overruns. */
	KUNIT_EXPECT_LT(test, pv_features_format(PV_CLASS_BLK, ~0ULL, buf, 8), 8);
	KUNIT_EXPECT_EQ(test, strlen(buf), (size_t)7);
}

static struct kunit_case pv_registry_cases[] = {
	KUNIT_CASE(pv_registry_accepts_backend),
	KUNIT_CASE(pv_registry_duplicate_name_is_eexist),
	KUNIT_CASE(pv_registry_second_hypervisor_is_ebusy),
	KUNIT_CASE(pv_registry_absent_hypervisor_is_enodev_while_active),
	KUNIT_CASE(pv_registry_refuses_abi_mismatch),
	KUNIT_CASE(pv_registry_refuses_short_hv_ops),
	KUNIT_CASE(pv_registry_detect_failure_propagates),
	KUNIT_CASE(pv_registry_rejects_malformed),
	KUNIT_CASE(pv_registry_reregister_after_unregister),
	KUNIT_CASE(pv_registry_unregister_of_stranger_is_harmless),
	{}
};

static struct kunit_suite pv_registry_suite = {
	.name = "pv_core_registry",
	.init = pv_test_init,
	.exit = pv_test_exit,
	.test_cases = pv_registry_cases,
};

static struct kunit_case pv_bus_cases[] = {
	KUNIT_CASE(pv_bus_names_devices_by_class),
	KUNIT_CASE(pv_bus_refuses_bad_device_alloc),
	KUNIT_CASE(pv_bus_matches_by_class),
	KUNIT_CASE(pv_bus_matches_by_hypervisor_name),
	KUNIT_CASE(pv_bus_probes_device_added_after_driver),
	KUNIT_CASE(pv_bus_binding_pins_backend),
	KUNIT_CASE(pv_bus_failed_probe_leaves_unbound),
	KUNIT_CASE(pv_bus_device_unregister_removes_driver),
	KUNIT_CASE(pv_bus_unregister_hv_removes_leftovers),
	KUNIT_CASE(pv_bus_uevent_carries_modalias),
	KUNIT_CASE(pv_bus_config_changed_only_while_bound),
	KUNIT_CASE(pv_bus_config_change_during_probe_is_replayed),
	KUNIT_CASE(pv_bus_broken_device_is_not_probed),
	KUNIT_CASE(pv_bus_refuses_malformed_driver),
	KUNIT_CASE(pv_bus_accepts_older_minor_driver),
	{}
};

static struct kunit_suite pv_bus_suite = {
	.name = "pv_core_bus",
	.init = pv_test_init,
	.exit = pv_test_exit,
	.test_cases = pv_bus_cases,
};

static struct kunit_case pv_abi_cases[] = {
	KUNIT_CASE(pv_abi_device_refuses_missing_or_foreign_ops),
	KUNIT_CASE(pv_abi_op_beyond_table_is_absent),
	KUNIT_CASE(pv_abi_hv_op_and_callback_beyond_table_are_absent),
	{}
};

static struct kunit_suite pv_abi_suite = {
	.name = "pv_core_abi",
	.init = pv_test_init,
	.exit = pv_test_exit,
	.test_cases = pv_abi_cases,
};

static struct kunit_case pv_format_cases[] = {
	KUNIT_CASE(pv_format_class_names),
	KUNIT_CASE(pv_format_feature_names),
	{}
};

static struct kunit_suite pv_format_suite = {
	.name = "pv_core_format",
	.test_cases = pv_format_cases,
};

kunit_test_suites(&pv_registry_suite, &pv_bus_suite, &pv_abi_suite,
		  &pv_format_suite);

PV_IMPORT_NS();
MODULE_DESCRIPTION("KUnit tests for pv_core");
MODULE_LICENSE("GPL");
