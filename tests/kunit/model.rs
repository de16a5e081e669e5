// SPDX-License-Identifier: GPL-2.0

//! A model platform for the tests: CXL windows and committed regions as
//! plain ranges, with the kernel's meaning of "meets" and "contains".

use super::ownership::{Facts, PhysRange};
use kernel::prelude::*;

/// Where CXL window 0 starts in the QEMU scenarios.
pub(crate) const W0: u64 = 0x3_9000_0000;

/// `n` MiB in bytes.
pub(crate) const fn mib(n: u64) -> u64 {
    n << 20
}

/// CXL windows and the committed regions in them.
pub(crate) struct Model<'a> {
    windows: &'a [PhysRange],
    regions: &'a [PhysRange],
}

impl<'a> Model<'a> {
    pub(crate) fn new(windows: &'a [PhysRange], regions: &'a [PhysRange]) -> Self {
        Self { windows, regions }
    }

    /// The facts the driver would gather for each range: it meets a window
    /// when it overlaps one (region_intersects() is not DISJOINT); it is
    /// contained when one region holds all of it
    /// (cxl_region_contains_resource()).
    pub(crate) fn facts(&self, ranges: &[PhysRange]) -> Result<KVec<Facts>> {
        let mut out = KVec::with_capacity(ranges.len(), GFP_KERNEL)?;
        for range in ranges {
            out.push(
                Facts {
                    range: *range,
                    meets_cxl_window: self.windows.iter().any(|w| w.overlaps(range)),
                    contained_by_region: self.regions.iter().any(|g| g.contains(range)),
                },
                GFP_KERNEL,
            )?;
        }
        Ok(out)
    }
}
