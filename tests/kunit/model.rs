// SPDX-License-Identifier: GPL-2.0

//! A model platform for the tests: CXL windows and committed regions as
//! plain ranges, with the kernel's meaning of "meets" and "contains".

use crate::ownership::{
    policy::{decide, Decision, Verdict},
    Entry, Facts, Owner, PhysRange, Policy, Reason,
};
use kernel::prelude::*;

/// Where CXL window 0 starts in the QEMU scenarios.
pub(crate) const W0: u64 = 0x3_9000_0000;

/// `n` MiB in bytes.
pub(crate) const fn mib(n: u64) -> u64 {
    n << 20
}

/// The range of `size` bytes at `start`, or `None` when it is empty or
/// runs past the end of the address space.
pub(crate) fn with_size(start: u64, size: u64) -> Option<PhysRange> {
    let end = start.checked_add(size.checked_sub(1)?)?;
    Some(PhysRange::new(start, end))
}

/// The DAX alignment (PMD_SIZE on x86-64).
const DAX_ALIGN: u64 = mib(2);

/// CXL windows, the committed regions in them, and which of those regions
/// are in use (DAX region bound, or memory online).
pub(crate) struct Model<'a> {
    windows: &'a [PhysRange],
    regions: &'a [PhysRange],
    in_use: &'a [PhysRange],
}

impl<'a> Model<'a> {
    pub(crate) fn new(windows: &'a [PhysRange], regions: &'a [PhysRange]) -> Self {
        Self {
            windows,
            regions,
            in_use: &[],
        }
    }

    /// The same platform with the regions `in_use` in use.
    pub(crate) fn with_in_use(self, in_use: &'a [PhysRange]) -> Self {
        Self { in_use, ..self }
    }

    /// The entries the driver would gather for each range, not yet
    /// decided: a range meets a window when it overlaps one
    /// (region_intersects() is not DISJOINT); it is contained when one
    /// region holds all of it (cxl_region_contains_resource()); HMEM can
    /// use it when it is aligned to the DAX alignment.
    pub(crate) fn entries(&self, ranges: &[PhysRange]) -> Result<KVec<Entry>> {
        let mut out = KVec::with_capacity(ranges.len(), GFP_KERNEL)?;
        for range in ranges {
            let mut e = Entry::new(*range, -1);
            e.facts = Facts {
                meets_cxl_window: self.windows.iter().any(|w| w.overlaps(range)),
                contained_by_region: self.regions.iter().any(|g| g.contains(range)),
                region_in_use: self.in_use.iter().any(|g| g.overlaps(range)),
                hmem_usable: range.is_valid()
                    && range.start % DAX_ALIGN == 0
                    && range.size() % DAX_ALIGN == 0,
                region: self.regions.iter().find(|g| g.contains(range)).copied(),
            };
            out.push(e, GFP_KERNEL)?;
        }
        Ok(out)
    }
}

pub(crate) const CXL: Verdict = Ok(Decision {
    owner: Owner::Cxl,
    reason: Reason::ContainedByRegion,
});
pub(crate) const HMEM_MISS: Verdict = Ok(Decision {
    owner: Owner::Hmem,
    reason: Reason::NotContained,
});
pub(crate) const HMEM_OUTSIDE: Verdict = Ok(Decision {
    owner: Owner::Hmem,
    reason: Reason::OutsideCxlWindows,
});

pub(crate) fn r(start: u64, size: u64) -> PhysRange {
    with_size(start, size).unwrap()
}

/// The entries `decide` gives `sr` on a platform with one 4 GiB window at
/// W0 and `regions`, under `policy`, as the driver records them.
pub(crate) fn decided(sr: &[PhysRange], regions: &[PhysRange], policy: Policy) -> KVec<Entry> {
    let windows = [r(W0, 4096 * mib(1))];
    let mut entries = Model::new(&windows, regions).entries(sr).unwrap();
    decide(&mut entries, policy);
    entries
}

/// The verdicts of [`decided`], in the order of `sr`.
pub(crate) fn run(sr: &[PhysRange], regions: &[PhysRange], policy: Policy) -> KVec<Verdict> {
    let mut out = KVec::new();
    for e in decided(sr, regions, policy).iter() {
        out.push(e.verdict, GFP_KERNEL).unwrap();
    }
    out
}

/// As [`run`], under both policies, which must agree: with no miss
/// beside a hit, strict decides as per-range does.
pub(crate) fn run_both(sr: &[PhysRange], regions: &[PhysRange]) -> KVec<Verdict> {
    let per_range = run(sr, regions, Policy::PerRange);
    assert_eq!(&per_range[..], &run(sr, regions, Policy::Strict)[..]);
    per_range
}
