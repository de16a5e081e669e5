// SPDX-License-Identifier: GPL-2.0

//! Claims on a range through the shared DAX-region tree: who holds one,
//! and how a refused claim is reported.

use crate::range::PhysRange;
use kernel::prelude::*;

/// Which driver holds a DAX region.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Holder {
    /// An `hmem.<id>` device of dax_hmem.
    Hmem(i32),
    /// The `dax_region<id>` device of CXL region `region<id>` (dax_cxl).
    Cxl(i32),
}

impl Holder {
    /// The owner it stands for: "HMEM" or "CXL".
    pub const fn owner(&self) -> &'static str {
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
pub enum RegionError {
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
    pub fn to_error(self) -> Error {
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
pub fn is_aligned(range: &PhysRange, align: u64) -> bool {
    range.is_valid() && range.start % align == 0 && range.size() % align == 0
}

/// KUnit tests.
// Out of tree they are built only into `dax_ownership_kunit` (`--cfg
// daxo_kunit`, DAX_OWNERSHIP_KUNIT_TEST), not into the drivers' copies.
#[cfg(any(daxo_kunit, not(daxo_out_of_tree)))]
#[kernel::prelude::kunit_tests(rust_kernel_dax_claim)]
mod tests {
    use super::{is_aligned, Holder, RegionError};
    use crate::range::PhysRange;
    use kernel::error::code::{EBUSY, EINVAL, ENOMEM, ENXIO};

    const MIB: u64 = 1 << 20;
    const W0: u64 = 0x3_9000_0000;

    fn r(start: u64, size: u64) -> PhysRange {
        PhysRange::new(start, start + size - 1)
    }

    #[test]
    fn holders_name_owners() {
        assert_eq!(Holder::Hmem(1).owner(), "HMEM");
        assert_eq!(Holder::Cxl(0).owner(), "CXL");
    }

    #[test]
    fn claims_map_to_errno() {
        let held = r(W0, 512 * MIB);
        // A range another driver holds is busy, never "out of memory".
        assert_eq!(
            RegionError::Claimed(Holder::Hmem(2), held).to_error(),
            EBUSY
        );
        assert_eq!(RegionError::Claimed(Holder::Cxl(0), held).to_error(), EBUSY);
        assert_eq!(RegionError::Misaligned.to_error(), EINVAL);
        assert_eq!(RegionError::NoMemory.to_error(), ENOMEM);
        // devm_create_dev_dax()'s errno passes through.
        assert_eq!(RegionError::Device(ENXIO).to_error(), ENXIO);
        assert!(is_aligned(&r(W0, 256 * MIB), 2 * MIB));
        assert!(!is_aligned(&r(0x4000_0000, 255 * MIB), 2 * MIB));
        assert!(!is_aligned(&r(W0 + MIB, 2 * MIB), 2 * MIB));
        assert!(!is_aligned(&PhysRange::new(2, 1), 2 * MIB));
    }
}
