// SPDX-License-Identifier: GPL-2.0

//! Physical address ranges, inclusive at both ends like `struct resource`.

use kernel::fmt;

/// A physical address range `[start, end]`, both ends included.
///
/// It may be degenerate (`end < start`) when it comes from bad input; the
/// decision rejects such ranges instead of guessing.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PhysRange {
    /// First byte of the range.
    pub start: u64,
    /// Last byte of the range.
    pub end: u64,
}

impl PhysRange {
    /// The range `[start, end]`.
    pub const fn new(start: u64, end: u64) -> Self {
        Self { start, end }
    }

    /// Whether the range holds at least one byte.
    pub const fn is_valid(&self) -> bool {
        self.start <= self.end
    }

    /// Its size in bytes (0 for a degenerate range; saturates at `u64::MAX`
    /// for the whole address space).
    pub const fn size(&self) -> u64 {
        if self.is_valid() {
            (self.end - self.start).saturating_add(1)
        } else {
            0
        }
    }

    /// Whether `other` lies entirely within this range.
    // Out of tree, dax_cxl's copy of this file never asks (nor for
    // `overlaps()`: the DAX core's region walk does that for it).
    #[cfg_attr(daxo_out_of_tree, allow(dead_code))]
    pub const fn contains(&self, other: &PhysRange) -> bool {
        self.is_valid() && other.is_valid() && self.start <= other.start && other.end <= self.end
    }

    /// Whether the two ranges share at least one byte.
    #[cfg_attr(daxo_out_of_tree, allow(dead_code))]
    pub const fn overlaps(&self, other: &PhysRange) -> bool {
        self.is_valid() && other.is_valid() && self.start <= other.end && other.start <= self.end
    }
}

impl fmt::Display for PhysRange {
    /// Printed as the kernel prints a memory resource: `[mem 0x...-0x...]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[mem {:#010x}-{:#010x}]", self.start, self.end)
    }
}

/// KUnit tests.
// Out of tree they are built only into `dax_ownership_kunit` (`--cfg
// daxo_kunit`, DAX_OWNERSHIP_KUNIT_TEST), not into the drivers' copies.
#[cfg(any(daxo_kunit, not(daxo_out_of_tree)))]
#[kernel::prelude::kunit_tests(rust_kernel_range)]
mod tests {
    use super::PhysRange;

    const MIB: u64 = 1 << 20;
    const W0: u64 = 0x3_9000_0000;

    fn r(start: u64, size: u64) -> PhysRange {
        PhysRange::new(start, start + size - 1)
    }

    fn mib(n: u64) -> u64 {
        n * MIB
    }

    #[test]
    fn range_arithmetic() {
        let a = r(W0, mib(256));
        assert_eq!(a.size(), mib(256));
        assert!(a.contains(&a));
        assert!(!a.contains(&r(W0, mib(257))));
        assert!(a.overlaps(&r(W0 + mib(255), mib(2))));
        assert!(!a.overlaps(&r(W0 + mib(256), mib(2))));
        assert_eq!(PhysRange::new(0, u64::MAX).size(), u64::MAX);
        assert_eq!(PhysRange::new(5, 4).size(), 0);
    }
}
