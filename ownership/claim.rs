// SPDX-License-Identifier: GPL-2.0

//! Claims on a range through the shared DAX-region tree: who holds one,
//! and how a refused claim is reported.

use super::range::PhysRange;
use kernel::prelude::*;

/// Which driver holds a DAX region.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Holder {
    /// An `hmem.<id>` device of dax_hmem.
    Hmem(i32),
    /// The `dax_region<id>` device of CXL region `region<id>` (dax_cxl).
    Cxl(i32),
}

impl Holder {
    /// The owner it stands for: "HMEM" or "CXL".
    pub(crate) const fn owner(&self) -> &'static str {
        match self {
            Self::Hmem(_) => "HMEM",
            Self::Cxl(_) => "CXL",
        }
    }
}

/// The holder's device name: `hmem.<id>` or `region<id>`.
impl kernel::fmt::Display for Holder {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        match self {
            Self::Hmem(id) => write!(f, "hmem.{id}"),
            Self::Cxl(id) => write!(f, "region{id}"),
        }
    }
}

/// Why no DAX region could be created.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RegionError {
    /// The range is empty or not aligned to the region alignment.
    Misaligned,
    /// Another driver's DAX region overlaps the range.
    Claimed(Holder, PhysRange),
    /// `alloc_dax_region()` failed for another reason than a rival: it
    /// says only NULL, which in practice means out of memory.
    NoMemory,
    /// `devm_create_dev_dax()` failed with this error.
    Device(Error),
}

impl RegionError {
    /// The errno a probe returns for it: a claimed range is busy, never
    /// "out of memory".
    pub(crate) fn to_error(self) -> Error {
        match self {
            Self::Misaligned => EINVAL,
            Self::Claimed(..) => EBUSY,
            Self::NoMemory => ENOMEM,
            Self::Device(e) => e,
        }
    }
}

/// Whether `range` can be a DAX region with alignment `align` (a power of
/// two): not empty, and aligned at both ends.
pub(crate) fn is_aligned(range: &PhysRange, align: u64) -> bool {
    range.is_valid() && range.start % align == 0 && range.size() % align == 0
}

/// KUnit tests, built only into `dax_ownership_kunit` (`--cfg daxo_kunit`,
/// DAX_OWNERSHIP_KUNIT_TEST); the model platform is `tests/kunit/model.rs`.
#[cfg(daxo_kunit)]
#[kernel::prelude::kunit_tests(dax_ownership_claim)]
mod tests {
    use crate::model::{mib, r, W0};
    use crate::ownership::{PhysRange, Reason};

    #[test]
    fn messages_name_owners_and_reasons() {
        use crate::ownership::Holder;
        assert_eq!(Holder::Hmem(1).owner(), "HMEM");
        assert_eq!(Holder::Cxl(0).owner(), "CXL");
        assert_eq!(
            Reason::OutsideCxlWindows.describe(),
            "outside every CXL window"
        );
        assert_eq!(
            Reason::ContainedByRegion.describe(),
            "contained by a committed CXL region"
        );
    }

    #[test]
    fn claims_map_to_errno() {
        use crate::ownership::{claim, Holder, RegionError};
        let held = r(W0, mib(512));
        // A range another driver holds is busy, never "out of memory".
        assert_eq!(
            RegionError::Claimed(Holder::Hmem(2), held).to_error(),
            kernel::error::code::EBUSY
        );
        assert_eq!(
            RegionError::Claimed(Holder::Cxl(0), held).to_error(),
            kernel::error::code::EBUSY
        );
        assert_eq!(
            RegionError::Misaligned.to_error(),
            kernel::error::code::EINVAL
        );
        assert_eq!(
            RegionError::NoMemory.to_error(),
            kernel::error::code::ENOMEM
        );
        // devm_create_dev_dax()'s errno passes through.
        assert_eq!(
            RegionError::Device(kernel::error::code::ENXIO).to_error(),
            kernel::error::code::ENXIO
        );
        assert!(claim::is_aligned(&r(W0, mib(256)), mib(2)));
        assert!(!claim::is_aligned(&r(0x4000_0000, mib(255)), mib(2)));
        assert!(!claim::is_aligned(&r(W0 + mib(1), mib(2)), mib(2)));
        assert!(!claim::is_aligned(&PhysRange::new(2, 1), mib(2)));
    }
}
