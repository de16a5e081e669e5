// SPDX-License-Identifier: GPL-2.0

//! Physical address ranges, inclusive at both ends like `struct resource`.

use kernel::fmt;

/// A physical address range `[start, end]`, both ends included.
///
/// It may be degenerate (`end < start`) when it comes from bad input; the
/// decision rejects such ranges instead of guessing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct PhysRange {
    /// First byte of the range.
    pub(crate) start: u64,
    /// Last byte of the range.
    pub(crate) end: u64,
}

impl PhysRange {
    /// The range `[start, end]`.
    pub(crate) const fn new(start: u64, end: u64) -> Self {
        Self { start, end }
    }

    /// Whether the range holds at least one byte.
    pub(crate) const fn is_valid(&self) -> bool {
        self.start <= self.end
    }

    /// Its size in bytes (0 for a degenerate range; saturates at `u64::MAX`
    /// for the whole address space).
    pub(crate) const fn size(&self) -> u64 {
        if self.is_valid() {
            (self.end - self.start).saturating_add(1)
        } else {
            0
        }
    }

    /// Whether the two ranges share at least one byte.
    pub(crate) const fn overlaps(&self, other: &PhysRange) -> bool {
        self.is_valid() && other.is_valid() && self.start <= other.end && other.start <= self.end
    }
}

impl fmt::Display for PhysRange {
    /// Printed as the kernel prints a memory resource: `[mem 0x...-0x...]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[mem {:#010x}-{:#010x}]", self.start, self.end)
    }
}
