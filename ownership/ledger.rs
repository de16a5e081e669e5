// SPDX-License-Identifier: GPL-2.0

//! The record of what was decided, range by range.

use super::policy::{decide, Entry, Owner, Policy};
use kernel::prelude::*;

/// Counts for the one-line summary after a resolution.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct Summary {
    /// All ranges seen.
    pub(crate) ranges: usize,
    /// Ranges CXL owns.
    pub(crate) cxl: usize,
    /// Ranges HMEM owns.
    pub(crate) hmem: usize,
}

/// What the last resolution decided, under which policy.
pub(crate) struct Ledger {
    policy: Policy,
    entries: KVec<Entry>,
}

impl Ledger {
    /// The ledger of `entries` decided under `policy` ([`decide`]).
    pub(crate) fn decided(policy: Policy, mut entries: KVec<Entry>) -> Self {
        decide(&mut entries, policy);
        Self { policy, entries }
    }

    /// The policy the entries were decided under.
    pub(crate) const fn policy(&self) -> Policy {
        self.policy
    }

    /// The decided ranges, in walk order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The decided ranges, to change verdicts (a region the strict policy
    /// meant to tear down turned out to be in use).
    pub(crate) fn entries_mut(&mut self) -> &mut [Entry] {
        &mut self.entries
    }

    /// How many ranges went where (rejected ones count as ranges only).
    pub(crate) fn summary(&self) -> Summary {
        let mut s = Summary {
            ranges: self.entries.len(),
            ..Summary::default()
        };
        for e in self.entries.iter() {
            match e.verdict {
                Ok(d) if d.owner == Owner::Cxl => s.cxl += 1,
                Ok(_) => s.hmem += 1,
                Err(_) => {}
            }
        }
        s
    }
}

/// KUnit tests, built only into `dax_ownership_kunit` (`--cfg daxo_kunit`,
/// DAX_OWNERSHIP_KUNIT_TEST); the model platform is `tests/kunit/model.rs`.
#[cfg(daxo_kunit)]
#[kernel::prelude::kunit_tests(dax_ownership_ledger)]
mod tests {
    use crate::model::{decided, mib, r, HMEM_MISS, W0};
    use crate::ownership::{Ledger, PhysRange, Policy, Rejection};
    use kernel::prelude::*;

    #[test]
    fn ledger_summary() {
        let sr = [
            r(W0, mib(256)),
            r(W0 + mib(512), mib(256)),
            PhysRange::new(2, 1),
        ];
        let entries = decided(&sr, &[r(W0, mib(256))], Policy::PerRange);
        let ledger = Ledger::decided(Policy::PerRange, entries);
        let s = ledger.summary();
        assert_eq!((s.ranges, s.cxl, s.hmem), (3, 1, 1));
        assert_eq!(ledger.policy(), Policy::PerRange);
        assert_eq!(ledger.entries().len(), 3);
        assert_eq!(ledger.entries()[1].verdict, HMEM_MISS);
        assert_eq!(ledger.entries()[2].verdict, Err(Rejection::Degenerate));
        let empty = Ledger::decided(Policy::Strict, KVec::new());
        assert_eq!(empty.summary().ranges, 0);
    }
}
