// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of the Rust dax_hmem module.
 *
 * What the kernel crate cannot express (yet), and nothing more:
 *  - module parameters with sysfs permissions or custom ops (Rust module
 *    parameters are read-only and integer/bool only); the ownership
 *    parameter's parser and names are in Rust (hmem/glue.rs);
 *  - an allocated ordered workqueue that can be flushed (the workqueue
 *    crate only offers the system queues), and dax_hmem_flush_work()
 *    exported to dax_cxl alone; since the queue's pointer lives here, so
 *    does the mutex under which Rust queues work on it;
 *  - cxl_region_contains_resource(), which the CXL core exports to
 *    dax_hmem alone (through the kernel crate any module could call it)
 *    and makes a static inline stub without CXL regions;
 *  - the read-only "ownership" attribute of hmem_platform.N, whose text
 *    Rust writes (report.rs);
 *  - built in, a late initcall.
 *
 * The decisions all live in Rust (hmem.rs and ../ownership/).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>
#include <linux/ioport.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/device.h>
#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/init.h>
#include "drivers/cxl/cxl.h"
#include "drivers/dax/bus.h"
#include "hmem_glue.h"

static bool region_idle;
module_param_named(region_idle, region_idle, bool, 0644);
MODULE_PARM_DESC(region_idle,
		 "Create hmem DAX regions without devices (size 0) and not for kmem (default: N)");

/*
 * The policy as hmem/glue.rs encodes it; the names, the values and the
 * default (Kconfig) are defined there, once. -1: not set, the default.
 */
static int ownership_policy = -1;

static int ownership_set(const char *val, const struct kernel_param *kp)
{
	int policy = daxo_hmem_policy_parse(val, strlen(val));

	if (policy < 0)
		return policy;
	*(int *)kp->arg = policy;
	return 0;
}

static int ownership_get(char *buf, const struct kernel_param *kp)
{
	return daxo_hmem_policy_show(*(int *)kp->arg, buf);
}

static const struct kernel_param_ops ownership_ops = {
	.set = ownership_set,
	.get = ownership_get,
};

module_param_cb(ownership, &ownership_ops, &ownership_policy, 0444);
MODULE_PARM_DESC(ownership,
		 "Who owns Soft Reserved ranges that meet CXL: per-range or strict");

bool daxo_hmem_region_idle(void)
{
	return READ_ONCE(region_idle);
}

int daxo_hmem_policy(void)
{
	return READ_ONCE(ownership_policy);
}

/*
 * The module's queue, from init to exit. The pointer lives here, beside
 * dax_hmem_flush_work(), so Rust gets the queue from daxo_hmem_wq_lock(),
 * which returns with dax_hmem_wq_mutex held: work is queued under the
 * mutex, and the queue leaves the pointer under it before it is destroyed,
 * so a queue handed out is never destroyed while in use. (The one reader
 * without the mutex is dax_hmem_flush_work(), below.)
 */
static struct workqueue_struct *dax_hmem_wq;
static DEFINE_MUTEX(dax_hmem_wq_mutex);

struct workqueue_struct *daxo_hmem_wq_create(void)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("dax_hmem_wq", 0);

	if (!wq)
		return NULL;
	scoped_guard(mutex, &dax_hmem_wq_mutex) {
		/* One queue: a second one would be destroyed twice. */
		if (!dax_hmem_wq) {
			WRITE_ONCE(dax_hmem_wq, wq);
			return wq;
		}
	}
	destroy_workqueue(wq);
	return NULL;
}

struct workqueue_struct *daxo_hmem_wq_lock(void)
	__acquires(&dax_hmem_wq_mutex)
{
	mutex_lock(&dax_hmem_wq_mutex);
	return dax_hmem_wq;
}

void daxo_hmem_wq_unlock(void)
	__releases(&dax_hmem_wq_mutex)
{
	mutex_unlock(&dax_hmem_wq_mutex);
}

void daxo_hmem_wq_destroy(void)
{
	struct workqueue_struct *wq;

	scoped_guard(mutex, &dax_hmem_wq_mutex) {
		wq = dax_hmem_wq;
		WRITE_ONCE(dax_hmem_wq, NULL);
	}
	if (wq)
		destroy_workqueue(wq);
}

/**
 * dax_hmem_flush_work() - wait until Soft Reserved ownership is resolved
 *
 * dax_cxl calls this before it registers its driver, so that it only ever
 * probes regions after dax_hmem has decided who owns what. Calling it also
 * makes dax_hmem load before dax_cxl.
 */
void dax_hmem_flush_work(void)
{
	/*
	 * Unlocked: the queue the mutex guards is flushed, not queued on, and
	 * dax_cxl, which needs this symbol, keeps the module (and its queue)
	 * loaded. Built in, a dax_hmem whose init failed has no queue, while
	 * dax_cxl still runs: there is then nothing to wait for. (Under the
	 * mutex, a flush would wait for the work, which waits for probes,
	 * while a probe of hmem_platform waited for the mutex.)
	 */
	struct workqueue_struct *wq = READ_ONCE(dax_hmem_wq);

	if (wq)
		flush_workqueue(wq);
}
EXPORT_SYMBOL_FOR_MODULES(dax_hmem_flush_work, "dax_cxl");

#ifndef MODULE
/*
 * Built in, the resolution work may run before the CXL drivers (linked
 * after drivers/dax) have even registered, when no probe is pending yet:
 * it waits for the late initcalls, after every driver's registration.
 */
static DECLARE_COMPLETION(initcalls_done);

static int __init daxo_hmem_initcalls_done(void)
{
	complete_all(&initcalls_done);
	return 0;
}
late_initcall(daxo_hmem_initcalls_done);
#endif

void daxo_hmem_wait_for_initcalls(void)
{
#ifndef MODULE
	wait_for_completion(&initcalls_done);
#endif
}

bool daxo_cxl_region_contains(u64 start, u64 end)
{
	struct resource res = DEFINE_RES_MEM(start, end - start + 1);

	return cxl_region_contains_resource(&res);
}

static ssize_t ownership_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return daxo_hmem_ownership_show(dev, buf);
}
static DEVICE_ATTR_RO(ownership);

static struct attribute *report_attrs[] = {
	&dev_attr_ownership.attr,
	NULL,
};

static const struct attribute_group report_group = {
	.attrs = report_attrs,
};

/* Removed, waiting for its readers, when @dev unbinds (devres). */
int daxo_hmem_report_add(struct device *dev)
{
	return devm_device_add_group(dev, &report_group);
}
