// SPDX-License-Identifier: GPL-2.0
/*
 * pvtest_modmap: records where each module loaded after it lives in memory,
 * so that the debug phase's kmemleak check (kmemleak_check in
 * tests/vm/lib-guest.sh) can attribute the raw addresses in a leak's
 * backtrace to a module that has been unloaded since: kallsyms forgets a
 * module's symbols when it goes, and the leaks we look for show up exactly
 * then. Test-only; built against the debug kernel (6.1's module layout) by
 * scripts/debug-kernel.sh --modroot, loaded by tests/vm/init with
 * pvtest_kmemleak=1 before anything else.
 *
 * One line per module load, recorded at MODULE_STATE_COMING (before its
 * init runs, so a module whose init fails is mapped too), in
 * /sys/kernel/debug/pvtest_modmap (not the kernel log, which scenarios
 * grep):
 *   pvtest-modmap: NAME core BASE SIZE init BASE SIZE
 * with the bases as 16 hex digits and the sizes in decimal.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>

#define PVTEST_MODMAP_MAX 1024

struct pvtest_modmap_entry {
	char name[MODULE_NAME_LEN];
	unsigned long core, init;
	unsigned int core_size, init_size;
};

/* pvtest_modmap_lock protects pvtest_modmap[] and pvtest_modmap_n. */
static DEFINE_MUTEX(pvtest_modmap_lock);
static struct pvtest_modmap_entry pvtest_modmap[PVTEST_MODMAP_MAX];
static unsigned int pvtest_modmap_n;
static struct dentry *pvtest_modmap_file;

static int pvtest_modmap_notify(struct notifier_block *nb, unsigned long action,
				void *data)
{
	struct module *mod = data;
	struct pvtest_modmap_entry *e;

	if (action != MODULE_STATE_COMING)
		return NOTIFY_DONE;
	mutex_lock(&pvtest_modmap_lock);
	if (pvtest_modmap_n < PVTEST_MODMAP_MAX) {
		e = &pvtest_modmap[pvtest_modmap_n++];
		strscpy(e->name, mod->name, sizeof(e->name));
		e->core = (unsigned long)mod->core_layout.base;
		e->core_size = mod->core_layout.size;
		e->init = (unsigned long)mod->init_layout.base;
		e->init_size = mod->init_layout.size;
	}
	mutex_unlock(&pvtest_modmap_lock);
	return NOTIFY_DONE;
}

static struct notifier_block pvtest_modmap_nb = {
	.notifier_call = pvtest_modmap_notify,
};

static int pvtest_modmap_show(struct seq_file *m, void *v)
{
	unsigned int i;

	mutex_lock(&pvtest_modmap_lock);
	for (i = 0; i < pvtest_modmap_n; i++)
		seq_printf(m, "pvtest-modmap: %s core %016lx %u init %016lx %u\n",
			   pvtest_modmap[i].name, pvtest_modmap[i].core,
			   pvtest_modmap[i].core_size, pvtest_modmap[i].init,
			   pvtest_modmap[i].init_size);
	mutex_unlock(&pvtest_modmap_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pvtest_modmap);

static int __init pvtest_modmap_init(void)
{
	pvtest_modmap_file = debugfs_create_file("pvtest_modmap", 0400, NULL, NULL,
						 &pvtest_modmap_fops);
	return register_module_notifier(&pvtest_modmap_nb);
}

static void __exit pvtest_modmap_exit(void)
{
	unregister_module_notifier(&pvtest_modmap_nb);
	debugfs_remove(pvtest_modmap_file);
}

module_init(pvtest_modmap_init);
module_exit(pvtest_modmap_exit);
MODULE_DESCRIPTION("Record module load addresses for the debug phase's kmemleak check");
MODULE_LICENSE("GPL");
