// SPDX-License-Identifier: GPL-2.0

//! HMEM: the Soft Reserved ranges firmware describes, and the `hmem.N`
//! platform devices that hand them to device-dax.
//!
//! C header: [`include/linux/dax.h`](srctree/include/linux/dax.h)

pub mod device;
pub mod driver;
pub mod walk;
