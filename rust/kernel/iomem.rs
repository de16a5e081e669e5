// SPDX-License-Identifier: GPL-2.0

//! The iomem resource tree: what it says of a physical range, and the
//! "Soft Reserved" entries put back into it.
//!
//! C header: [`include/linux/ioport.h`](srctree/include/linux/ioport.h)

pub mod query;
pub mod soft_reserved;
