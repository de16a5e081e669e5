// SPDX-License-Identifier: GPL-2.0

//! The strict policy's CXL region teardown.
//!
//! When the strict policy gives every Soft Reserved range to HMEM, a CXL
//! region over one of those ranges can never get its DAX region. The
//! choice of such regions is pure Rust ([`select`], KUnit-tested); the
//! teardown itself ([`tear_down`]) asks the CXL core, through the helper the
//! project's kernel patch adds, to unregister each chosen region.
//!
//! Against a kernel without that helper nothing is torn down: the regions
//! stay inactive (their DAX claim fails with -EBUSY), as the module says
//! once at load ([`AVAILABLE`] is false).

// Without the helper only the KUnit tests use the choice.
#[cfg_attr(not(daxo_region_teardown), allow(dead_code))]
pub(crate) mod select;

#[cfg(daxo_region_teardown)]
mod apply;

#[cfg(daxo_region_teardown)]
pub(crate) use apply::{in_use, survey, tear_down, Region};

/// Whether this build can tear regions down (the kernel has
/// `cxl_region_teardown()`).
pub(crate) const AVAILABLE: bool = cfg!(daxo_region_teardown);

/// Without the CXL-core helper nothing is torn down, so the strict policy
/// needs no survey of the regions.
#[cfg(not(daxo_region_teardown))]
pub(crate) enum Region {}

#[cfg(not(daxo_region_teardown))]
impl Region {
    /// The region's HPA range (no value of this type exists).
    pub(crate) fn range(&self) -> crate::ownership::PhysRange {
        match *self {}
    }

    /// The region's name (no value of this type exists).
    pub(crate) fn name(&self) -> &kernel::str::CStr {
        match *self {}
    }
}

/// Whether `region` was in use when surveyed (no value of its type exists).
#[cfg(not(daxo_region_teardown))]
pub(crate) fn in_use(region: &Region) -> Option<&'static str> {
    match *region {}
}

/// Without the CXL-core helper: no region is surveyed.
#[cfg(not(daxo_region_teardown))]
pub(crate) fn survey() -> kernel::error::Result<kernel::alloc::KVec<Region>> {
    Ok(kernel::alloc::KVec::new())
}

/// Without the CXL-core helper: tear nothing down.
#[cfg(not(daxo_region_teardown))]
pub(crate) fn tear_down(
    _dev: &kernel::device::Device,
    _regions: &[Region],
    _decided: &mut [crate::ownership::Entry],
) -> Outcome {
    Outcome::default()
}

/// What [`tear_down`] did.
#[derive(Default)]
pub(crate) struct Outcome {
    /// Regions chosen (overlapping a range HMEM owns).
    pub(crate) chosen: usize,
    /// Of those, regions now gone.
    pub(crate) torn_down: usize,
}
