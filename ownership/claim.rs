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
