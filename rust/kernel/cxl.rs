// SPDX-License-Identifier: GPL-2.0

//! CXL: drivers of CXL DAX-region devices, and CXL regions.
//!
//! C header: [`drivers/cxl/cxl.h`](srctree/drivers/cxl/cxl.h)

pub mod driver;
pub mod region;
