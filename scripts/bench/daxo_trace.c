// SPDX-License-Identifier: GPL-2.0
/*
 * daxo_trace: the event recorder of `make bench` (scripts/bench.py).
 *
 * Not part of the drivers: a guest-only helper that records, with the
 * printk clock (local_clock()), the events the benchmark times, the same
 * way for the C anchor and for the Rust modules:
 *
 *  - device added, probe started, bound, probe failed: every device on the
 *    CXL bus, and the hmem* platform devices (a bound hmem.N or
 *    dax_regionN also lists its DAX children and their drivers);
 *  - module coming (init about to run) and live (init returned);
 *  - start and end of every work item whose function lives in dax_hmem or
 *    dax_cxl (the end of dax_cxl's work is its cxl_driver registration,
 *    in C and in Rust alike), through the workqueue tracepoints;
 *  - marks written by the guest to <debugfs>/daxo_trace/mark;
 *  - once the mark "switches-on" is written, every context switch (for
 *    reading where the time goes; `make bench` does not turn it on);
 *  - the mark "delay-US" spins US microseconds after it is recorded: the
 *    benchmark starts each boot's loads at another phase of the timer tick.
 *
 * Events are kept in memory and read from <debugfs>/daxo_trace/events
 * ("<ns> <event>" per line), so recording prints nothing on the console
 * and costs the timed code next to nothing.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "drivers/cxl/cxl.h"

#define DAXO_EVENTS 8192
#define DAXO_TEXT 96

struct daxo_event {
	u64 ns;
	char text[DAXO_TEXT];
};

static struct daxo_event events[DAXO_EVENTS];
static unsigned int nr_events;
static unsigned int lost_events;
static DEFINE_RAW_SPINLOCK(events_lock);

/* The modules whose work items are timed; set while they are loaded. */
static struct module *watched[2];
static const char *const watched_names[2] = { "dax_hmem", "dax_cxl" };

static struct tracepoint *tp_start, *tp_end, *tp_switch;
static bool switches;
static struct dentry *dir;

static __printf(1, 2) void record(const char *fmt, ...)
{
	u64 ns = local_clock();
	char text[DAXO_TEXT];
	unsigned long flags;
	va_list args;

	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);

	raw_spin_lock_irqsave(&events_lock, flags);
	if (nr_events < DAXO_EVENTS) {
		events[nr_events].ns = ns;
		memcpy(events[nr_events++].text, text, sizeof(text));
	} else {
		lost_events++;
	}
	raw_spin_unlock_irqrestore(&events_lock, flags);
}

static int watched_index(const void *fn)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(watched); i++) {
		struct module *mod = READ_ONCE(watched[i]);

		if (mod && within_module((unsigned long)fn, mod))
			return i;
	}
	return -1;
}

static void probe_work_start(void *data, struct work_struct *work)
{
	int i = watched_index(work->func);

	if (i >= 0)
		record("work-start %s %ps", watched_names[i], work->func);
}

static void probe_work_end(void *data, struct work_struct *work, work_func_t fn)
{
	int i = watched_index(fn);

	if (i >= 0)
		record("work-end %s %ps", watched_names[i], fn);
}

static void probe_switch(void *data, bool preempt, struct task_struct *prev,
			 struct task_struct *next, unsigned int prev_state)
{
	if (READ_ONCE(switches))
		record("switch %s/%d %s/%d", prev->comm, prev->pid, next->comm,
		       next->pid);
}

static int module_event(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;
	int i;

	for (i = 0; i < ARRAY_SIZE(watched); i++) {
		if (strcmp(mod->name, watched_names[i]))
			continue;
		if (state == MODULE_STATE_COMING)
			WRITE_ONCE(watched[i], mod);
		else if (state == MODULE_STATE_GOING)
			WRITE_ONCE(watched[i], NULL);
	}
	if (state == MODULE_STATE_COMING)
		record("module-coming %s", mod->name);
	else if (state == MODULE_STATE_LIVE)
		record("module-live %s", mod->name);
	else if (state == MODULE_STATE_GOING)
		record("module-going %s", mod->name);
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = { .notifier_call = module_event };

/* " child:driver" for each DAX device below @dev, appended to @buf. */
static int append_child(struct device *child, void *data)
{
	char *buf = data;
	size_t len = strlen(buf);

	if (child->bus && !strcmp(child->bus->name, "dax"))
		snprintf(buf + len, DAXO_TEXT - len, " %s:%s", dev_name(child),
			 child->driver ? child->driver->name : "-");
	return 0;
}

static int device_event(const char *bus, unsigned long action, struct device *dev)
{
	const char *drv = dev->driver ? dev->driver->name : "-";
	char children[DAXO_TEXT] = "";

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		record("add %s %s", bus, dev_name(dev));
		break;
	case BUS_NOTIFY_BIND_DRIVER:
		record("probe %s %s %s", bus, dev_name(dev), drv);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		device_for_each_child(dev, children, append_child);
		record("bound %s %s %s%s", bus, dev_name(dev), drv, children);
		break;
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
		record("not-bound %s %s %s", bus, dev_name(dev), drv);
		break;
	}
	return NOTIFY_DONE;
}

static int cxl_event(struct notifier_block *nb, unsigned long action, void *data)
{
	return device_event("cxl", action, data);
}

static int platform_event(struct notifier_block *nb, unsigned long action, void *data)
{
	struct device *dev = data;

	if (strncmp(dev_name(dev), "hmem", 4))
		return NOTIFY_DONE;
	return device_event("platform", action, dev);
}

static struct notifier_block cxl_nb = { .notifier_call = cxl_event };
static struct notifier_block platform_nb = { .notifier_call = platform_event };

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "workqueue_execute_start"))
		tp_start = tp;
	else if (!strcmp(tp->name, "workqueue_execute_end"))
		tp_end = tp;
	else if (!strcmp(tp->name, "sched_switch"))
		tp_switch = tp;
}

static int events_show(struct seq_file *m, void *v)
{
	unsigned int i, n;

	raw_spin_lock_irq(&events_lock);
	n = nr_events;
	raw_spin_unlock_irq(&events_lock);
	/* Entries below n are complete and never rewritten. */
	for (i = 0; i < n; i++)
		seq_printf(m, "%llu %s\n", events[i].ns, events[i].text);
	if (lost_events)
		seq_printf(m, "%llu lost %u\n", local_clock(), lost_events);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(events);

static ssize_t mark_write(struct file *file, const char __user *ubuf, size_t len,
			  loff_t *ppos)
{
	char buf[DAXO_TEXT - 8], *mark;
	size_t n = min(len, sizeof(buf) - 1);

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = 0;
	mark = strim(buf);
	record("mark %s", mark);
	/* "delay-US": spin US microseconds (shifts what follows in the tick) */
	if (!strncmp(mark, "delay-", 6)) {
		unsigned int us;

		if (kstrtouint(mark + 6, 10, &us) || us > 100000)
			return -EINVAL;
		mdelay(us / 1000);
		udelay(us % 1000);
	}
	if (!strcmp(mark, "switches-on") && tp_switch &&
	    !tracepoint_probe_register(tp_switch, probe_switch, NULL))
		WRITE_ONCE(switches, true);
	return len;
}

static const struct file_operations mark_fops = {
	.owner = THIS_MODULE,
	.write = mark_write,
};

static int __init daxo_trace_init(void)
{
	int rc;

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	if (!tp_start || !tp_end)
		return -ENOENT;
	rc = register_module_notifier(&module_nb);
	if (rc)
		return rc;
	rc = bus_register_notifier(&cxl_bus_type, &cxl_nb);
	if (rc)
		goto err_cxl;
	rc = bus_register_notifier(&platform_bus_type, &platform_nb);
	if (rc)
		goto err_platform;
	rc = tracepoint_probe_register(tp_start, probe_work_start, NULL);
	if (rc)
		goto err_start;
	rc = tracepoint_probe_register(tp_end, probe_work_end, NULL);
	if (rc)
		goto err_end;
	dir = debugfs_create_dir("daxo_trace", NULL);
	debugfs_create_file("events", 0444, dir, NULL, &events_fops);
	debugfs_create_file("mark", 0200, dir, NULL, &mark_fops);
	record("mark trace-start");
	return 0;

err_end:
	tracepoint_probe_unregister(tp_start, probe_work_start, NULL);
err_start:
	bus_unregister_notifier(&platform_bus_type, &platform_nb);
err_platform:
	bus_unregister_notifier(&cxl_bus_type, &cxl_nb);
err_cxl:
	unregister_module_notifier(&module_nb);
	return rc;
}

static void __exit daxo_trace_exit(void)
{
	debugfs_remove(dir);
	if (switches)
		tracepoint_probe_unregister(tp_switch, probe_switch, NULL);
	tracepoint_probe_unregister(tp_end, probe_work_end, NULL);
	tracepoint_probe_unregister(tp_start, probe_work_start, NULL);
	tracepoint_synchronize_unregister();
	bus_unregister_notifier(&platform_bus_type, &platform_nb);
	bus_unregister_notifier(&cxl_bus_type, &cxl_nb);
	unregister_module_notifier(&module_nb);
}

module_init(daxo_trace_init);
module_exit(daxo_trace_exit);

MODULE_DESCRIPTION("dax-ownership benchmark: driver event recorder");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("CXL");
