/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C declarations the abstractions under rust/kernel/ need beyond what
 * the kernel crate binds. In tree the series appends the lines below this
 * comment to the kernel crate's bindings helper header; out of tree
 * bindgen reads this file at build time (rust/bindings/Kbuild.bindgen).
 */

#include "../../drivers/cxl/cxl.h"
#include "../../drivers/dax/bus.h"
#include <linux/dax.h>
#include <linux/memregion.h>

const unsigned long RUST_CONST_HELPER_IORESOURCE_DAX_KMEM = IORESOURCE_DAX_KMEM;
const unsigned long RUST_CONST_HELPER_PMD_SIZE = PMD_SIZE;
