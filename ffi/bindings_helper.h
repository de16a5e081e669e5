/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C declarations the Rust drivers call that the kernel crate does not
 * bind itself. bindgen reads this at build time (ffi/Kbuild.bindgen).
 */
#include <linux/dax.h>
#include <linux/memregion.h>
#include <linux/platform_device.h>
#include "drivers/dax/bus.h"
#include "drivers/cxl/cxl.h"

/*
 * Constants bindgen cannot evaluate from their macros (BIT(), shifts of
 * casts), as plain const objects. They come out as DAXO_* constants.
 */
const unsigned long DAXO_IORESOURCE_DAX_KMEM = IORESOURCE_DAX_KMEM;
const unsigned long DAXO_PMD_SIZE = PMD_SIZE;
