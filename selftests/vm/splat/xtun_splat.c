// SPDX-License-Identifier: GPL-2.0
/*
 * A module that commits one kind of bug on purpose, for the harness's own
 * tests (check.sh --harness on the debug kernel): each checker the debug
 * kernel carries must turn its bug into a failed run.  Never built into
 * xtun, never installed.
 *
 *   modprobe xtun_splat bug=kasan     an out-of-bounds read of a heap object
 *   modprobe xtun_splat bug=lockdep   two mutexes taken in both orders
 *   modprobe xtun_splat bug=leak      heap objects nothing points to
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "which bug to commit: kasan, lockdep or leak");

static DEFINE_MUTEX(splat_lock_a);
static DEFINE_MUTEX(splat_lock_b);

static int splat_kasan(void)
{
	size_t len = 16;
	char *obj;
	char byte;

	obj = kmalloc(len, GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	/* Hide the length so the compiler cannot see the overflow coming. */
	OPTIMIZER_HIDE_VAR(len);
	byte = READ_ONCE(obj[len]);
	pr_info("xtun_splat: read %d past the end\n", byte);
	kfree(obj);
	return 0;
}

/* A lock-order inversion: no deadlock in one thread, but lockdep sees it. */
static int splat_lockdep(void)
{
	mutex_lock(&splat_lock_a);
	mutex_lock(&splat_lock_b);
	mutex_unlock(&splat_lock_b);
	mutex_unlock(&splat_lock_a);

	mutex_lock(&splat_lock_b);
	mutex_lock(&splat_lock_a);
	mutex_unlock(&splat_lock_a);
	mutex_unlock(&splat_lock_b);
	return 0;
}

/* Several objects, so a stale copy of one pointer cannot hide them all. */
static int splat_leak(void)
{
	int i;

	for (i = 0; i < 8; i++) {
		void *obj = kmalloc(128, GFP_KERNEL);

		if (!obj)
			return -ENOMEM;
		memset(obj, 0x5a, 128);
		OPTIMIZER_HIDE_VAR(obj);
	}
	return 0;
}

static int __init splat_init(void)
{
	if (!strcmp(bug, "kasan"))
		return splat_kasan();
	if (!strcmp(bug, "lockdep"))
		return splat_lockdep();
	if (!strcmp(bug, "leak"))
		return splat_leak();
	pr_err("xtun_splat: bug=%s: want kasan, lockdep or leak\n", bug);
	return -EINVAL;
}

static void __exit splat_exit(void)
{
}

module_init(splat_init);
module_exit(splat_exit);
MODULE_DESCRIPTION("Bugs on purpose, for xtun's test harness");
MODULE_LICENSE("GPL");
