// SPDX-License-Identifier: GPL-2.0

//! DAX regions: device-dax over a physical range, claimed through the DAX
//! core's shared region tree.
//!
//! C header: [`drivers/dax/bus.h`](srctree/drivers/dax/bus.h)

pub mod claim;
pub mod region;
