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

/// KUnit tests, built only into `dax_ownership_kunit` (`--cfg daxo_kunit`,
/// DAX_OWNERSHIP_KUNIT_TEST); the model platform is `tests/kunit/model.rs`.
#[cfg(daxo_kunit)]
#[kernel::prelude::kunit_tests(dax_ownership_range)]
mod tests {
    use crate::model::{mib, r, W0};
    use crate::ownership::PhysRange;

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
