// SPDX-License-Identifier: GPL-2.0

#include <linux/pgtable.h>

__rust_helper unsigned long rust_helper_dax_pmd_size(void)
{
	return PMD_SIZE;
}
