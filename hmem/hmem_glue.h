/* SPDX-License-Identifier: GPL-2.0 */
/* The C glue of dax_hmem, as the Rust side (hmem/glue.rs) sees it. */
#ifndef DAXO_HMEM_GLUE_H
#define DAXO_HMEM_GLUE_H

#include <linux/types.h>

struct workqueue_struct;

bool daxo_hmem_region_idle(void);
int daxo_hmem_policy(void);
struct workqueue_struct *daxo_hmem_wq_create(void);
void daxo_hmem_wq_destroy(void);
struct workqueue_struct *daxo_hmem_wq_lock(void);
void daxo_hmem_wq_unlock(void);
bool daxo_cxl_region_contains(u64 start, u64 end);
void daxo_hmem_wait_for_initcalls(void);

struct device;
int daxo_hmem_report_add(struct device *dev);
/* In Rust (hmem/glue.rs): the report into one sysfs page. */
ssize_t daxo_hmem_ownership_show(const struct device *dev, char *buf);
/*
 * In Rust: the ownership parameter's value for a name (or -EINVAL, said),
 * and its name into a sysfs page.
 */
int daxo_hmem_policy_parse(const char *val, size_t len);
int daxo_hmem_policy_show(int policy, char *buf);

#endif /* DAXO_HMEM_GLUE_H */
