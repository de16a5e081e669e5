// SPDX-License-Identifier: GPL-2.0

//! Which CXL regions the strict policy tears down.
//!
//! Exactly the regions that overlap a Soft Reserved range HMEM now owns:
//! such a region can never get its DAX region (the shared DAX-region tree
//! refuses it), and it holds HPA space and decoders for nothing. A region
//! that overlaps no Soft Reserved range belongs to another device, is
//! innocent, and is never touched; nor is a region over a range CXL owns.
//!
//! Pure Rust: the module gathers the regions (name and range) from the CXL
//! bus, and asks the CXL core to tear down the chosen ones.

use crate::ownership::{Entry, Owner, PhysRange};
use kernel::prelude::*;

/// One region to tear down, and the HMEM-owned range that condemns it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Doomed {
    /// Index of the region in the caller's list.
    pub(crate) region: usize,
    /// The first Soft Reserved range HMEM owns that the region overlaps.
    pub(crate) because: PhysRange,
}

/// The regions (by index into `regions`) that overlap a range HMEM owns
/// according to `decided`, each with the first such range; never a region
/// that also overlaps a range CXL owns (tearing it down would leave that
/// range with no owner).
///
/// Quadratic in the worst case, over a handful of regions and ranges.
pub(crate) fn select(regions: &[PhysRange], decided: &[Entry]) -> Result<KVec<Doomed>> {
    let mut doomed = KVec::new();
    let owned_by = |e: &Entry, owner| matches!(e.verdict, Ok(d) if d.owner == owner);
    for (i, region) in regions.iter().enumerate() {
        if decided
            .iter()
            .any(|e| owned_by(e, Owner::Cxl) && e.range.overlaps(region))
        {
            continue;
        }
        let hit = decided
            .iter()
            .find(|e| owned_by(e, Owner::Hmem) && e.range.overlaps(region));
        if let Some(e) = hit {
            doomed.push(
                Doomed {
                    region: i,
                    because: e.range,
                },
                GFP_KERNEL,
            )?;
        }
    }
    Ok(doomed)
}
