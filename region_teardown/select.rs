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

/// KUnit tests, built only into `dax_ownership_kunit` (`--cfg daxo_kunit`,
/// DAX_OWNERSHIP_KUNIT_TEST); the model platform is `tests/kunit/model.rs`.
#[cfg(daxo_kunit)]
#[kernel::prelude::kunit_tests(dax_region_teardown)]
mod tests {
    use crate::model::{decided, mib, r, W0};
    use crate::ownership::Policy;

    #[test]
    fn teardown_takes_regions_over_hmem_ranges_only() {
        use crate::teardown::{select, Doomed};
        // Window 0: region A exactly SR 1; SR 2 uncovered. Region B lies
        // in the window but over no SR range: it is innocent.
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let a = r(W0, mib(256));
        let b = r(W0 + mib(1024), mib(256));
        let regions = [a, b];
        // Per-range: A's range goes to CXL, so nothing is torn down.
        let per_range = decided(&sr, &regions, Policy::PerRange);
        assert!(select(&regions, &per_range).unwrap().is_empty());
        // Strict: the miss flips SR 1 to HMEM; A goes, B stays.
        let strict = decided(&sr, &regions, Policy::Strict);
        let doomed = select(&regions, &strict).unwrap();
        assert_eq!(
            &doomed[..],
            &[Doomed {
                region: 0,
                because: sr[0],
            }]
        );
    }

    #[test]
    fn teardown_takes_a_region_partly_over_an_hmem_range() {
        use crate::teardown::select;
        // SR larger than its region (scenario d): HMEM owns it, the region
        // inside it is torn down under either policy's verdict.
        let sr = [r(W0, mib(512))];
        let regions = [r(W0, mib(256))];
        for policy in [Policy::PerRange, Policy::Strict] {
            let d = decided(&sr, &regions, policy);
            assert_eq!(select(&regions, &d).unwrap().len(), 1);
        }
        // No regions, or no ranges: nothing to do.
        assert!(select(&[], &decided(&sr, &[], Policy::Strict))
            .unwrap()
            .is_empty());
        assert!(select(&regions, &[]).unwrap().is_empty());
    }
}
