// SPDX-License-Identifier: GPL-2.0

//! The record of what was decided, range by range.

use super::policy::{Owner, Policy, Reason, Verdict};
use crate::range::PhysRange;
use kernel::prelude::*;

/// One decided range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Entry {
    /// The Soft Reserved range.
    pub(crate) range: PhysRange,
    /// Its owner and why, or why it was rejected.
    pub(crate) verdict: Verdict,
}

/// Counts for the one-line summary after a resolution.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct Summary {
    /// All ranges seen.
    pub(crate) ranges: usize,
    /// Ranges CXL owns.
    pub(crate) cxl: usize,
    /// Ranges HMEM owns.
    pub(crate) hmem: usize,
    /// Ranges rejected as degenerate.
    pub(crate) rejected: usize,
}

/// What the last resolution decided, under which policy.
pub(crate) struct Ledger {
    policy: Policy,
    entries: KVec<Entry>,
}

impl Ledger {
    /// An empty ledger for `policy`.
    pub(crate) const fn new(policy: Policy) -> Self {
        Self {
            policy,
            entries: KVec::new(),
        }
    }

    /// The policy the entries were decided under.
    pub(crate) const fn policy(&self) -> Policy {
        self.policy
    }

    /// Record one decided range.
    pub(crate) fn record(&mut self, range: PhysRange, verdict: Verdict) -> Result {
        self.entries.push(Entry { range, verdict }, GFP_KERNEL)?;
        Ok(())
    }

    /// The decided ranges, in walk order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry of the range exactly `range`, if decided.
    pub(crate) fn find(&self, range: &PhysRange) -> Option<&Entry> {
        self.entries.iter().find(|e| e.range == *range)
    }

    /// Give every range HMEM was to own that overlaps `region` back to
    /// CXL: the region turned out to be in use and was not torn down.
    pub(crate) fn keep_for_cxl(&mut self, region: &PhysRange) {
        for e in self.entries.iter_mut() {
            if let Ok(d) = &mut e.verdict {
                if d.owner == Owner::Hmem && e.range.overlaps(region) {
                    if let Some(missed) = d.reason.missed() {
                        d.owner = Owner::Cxl;
                        d.reason = Reason::KeptInUse { missed };
                    }
                }
            }
        }
    }

    /// How many ranges went where.
    pub(crate) fn summary(&self) -> Summary {
        let mut s = Summary {
            ranges: self.entries.len(),
            ..Summary::default()
        };
        for e in self.entries.iter() {
            match e.verdict {
                Ok(d) if d.owner == Owner::Cxl => s.cxl += 1,
                Ok(_) => s.hmem += 1,
                Err(_) => s.rejected += 1,
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
    use crate::model::{mib, r, run, HMEM_MISS, W0};
    use crate::ownership::{policy::Decision, Ledger, Owner, PhysRange, Policy, Reason};

    #[test]
    fn ledger_summary_and_lookup() {
        let sr = [
            r(W0, mib(256)),
            r(W0 + mib(512), mib(256)),
            PhysRange::new(2, 1),
        ];
        let v = run(&sr, &[r(W0, mib(256))], Policy::PerRange);
        let mut ledger = Ledger::new(Policy::PerRange);
        for (range, verdict) in sr.iter().zip(v.iter()) {
            ledger.record(*range, *verdict).unwrap();
        }
        let s = ledger.summary();
        assert_eq!((s.ranges, s.cxl, s.hmem, s.rejected), (3, 1, 1, 1));
        assert_eq!(ledger.policy(), Policy::PerRange);
        assert_eq!(ledger.entries().len(), 3);
        assert_eq!(ledger.find(&sr[1]).map(|e| e.verdict), Some(v[1]));
        assert!(ledger.find(&sr[0]).is_some());
        assert!(ledger.find(&r(W0 + mib(300), mib(2))).is_none());
    }

    #[test]
    fn ledger_gives_a_region_in_use_back_to_cxl() {
        // Strict flipped both ranges to HMEM, then the CXL core refused to
        // tear region0 down (in use): its range goes back to CXL; the miss
        // itself stays HMEM's.
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let v = run(&sr, &[r(W0, mib(256))], Policy::Strict);
        let mut ledger = Ledger::new(Policy::Strict);
        for (range, verdict) in sr.iter().zip(v.iter()) {
            ledger.record(*range, *verdict).unwrap();
        }
        ledger.keep_for_cxl(&r(W0, mib(256)));
        let missed = sr[1];
        assert_eq!(
            ledger.find(&sr[0]).unwrap().verdict,
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::KeptInUse { missed },
            })
        );
        assert_eq!(ledger.find(&sr[1]).unwrap().verdict, HMEM_MISS);
        let s = ledger.summary();
        assert_eq!((s.cxl, s.hmem), (1, 1));
    }
}
