// SPDX-License-Identifier: GPL-2.0

//! The ownership policies and the decision over all ranges at once.

use crate::range::PhysRange;

/// How Soft Reserved ranges that meet a CXL window are shared out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Policy {
    /// A committed CXL region that fully contains a range gets it; any
    /// other range goes to HMEM. Linux 7.3's behaviour and the default.
    PerRange,
    /// All or nothing (the seed patch's policy): if any range that meets a
    /// CXL window is not fully contained by a committed region, HMEM owns
    /// every range; otherwise CXL owns the ones in its regions.
    Strict,
}

impl Policy {
    /// The policy named `name` (`per-range` or `strict`).
    pub(crate) fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"per-range" => Some(Self::PerRange),
            b"strict" => Some(Self::Strict),
            _ => None,
        }
    }

    /// The name the module parameter uses.
    pub(crate) const fn name(&self) -> &'static str {
        match self {
            Self::PerRange => "per-range",
            Self::Strict => "strict",
        }
    }
}

/// The driver that ends up owning a range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Owner {
    /// `dax_cxl`, through the committed CXL region that contains it.
    Cxl,
    /// `dax_hmem`, through an `hmem.N` platform device.
    Hmem,
}

impl Owner {
    /// The owner's name in messages: "CXL" or "HMEM".
    pub(crate) const fn name(&self) -> &'static str {
        match self {
            Self::Cxl => "CXL",
            Self::Hmem => "HMEM",
        }
    }
}

/// Why a range went to its owner.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Reason {
    /// It meets no CXL window, so no CXL region can ever claim it.
    OutsideCxlWindows,
    /// A committed CXL region contains all of it.
    ContainedByRegion,
    /// It meets a CXL window, but no committed region contains all of it.
    NotContained,
    /// Strict policy: this range is contained by a region, but `missed`
    /// is not, so HMEM takes every range.
    StrictFallback {
        /// The first range (in walk order) that no region contains.
        missed: PhysRange,
    },
    /// Strict policy: `missed` would make HMEM take this range too, but the
    /// CXL region that contains it is in use (its DAX region is bound, or
    /// its memory is online): it is never torn down, so CXL keeps it.
    KeptInUse {
        /// The first range (in walk order) that no region contains.
        missed: PhysRange,
    },
    /// Strict policy: `missed` would make HMEM take this range too, but
    /// HMEM cannot make a DAX region of it (not aligned to the DAX
    /// alignment): tearing its region down would leave it with no owner,
    /// so CXL keeps it.
    KeptUnusable {
        /// The first range (in walk order) that no region contains.
        missed: PhysRange,
    },
    /// Strict policy: `missed` would make HMEM take this range too, but its
    /// CXL region also holds a range CXL keeps (see above): the region is
    /// not torn down, so CXL keeps this one as well.
    KeptWithRegion {
        /// The first range (in walk order) that no region contains.
        missed: PhysRange,
    },
}

impl Reason {
    /// A short phrase for messages and the ownership report.
    pub(crate) const fn describe(&self) -> &'static str {
        match self {
            Self::OutsideCxlWindows => "outside every CXL window",
            Self::ContainedByRegion => "contained by a committed CXL region",
            Self::NotContained => "not fully contained by a committed CXL region",
            Self::StrictFallback { .. } => "strict policy: another range was not contained",
            Self::KeptInUse { .. } => {
                "strict policy: another range was not contained, but its CXL region is in use"
            }
            Self::KeptUnusable { .. } => {
                "strict policy: another range was not contained, but HMEM cannot use this one"
            }
            Self::KeptWithRegion { .. } => {
                "strict policy: another range was not contained, but its CXL region is kept"
            }
        }
    }

    /// The range whose miss triggered the strict policy's fallback, if
    /// that is why.
    pub(crate) const fn missed(&self) -> Option<PhysRange> {
        match self {
            Self::StrictFallback { missed }
            | Self::KeptInUse { missed }
            | Self::KeptUnusable { missed }
            | Self::KeptWithRegion { missed } => Some(*missed),
            _ => None,
        }
    }
}

/// The owner of one range and why.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Decision {
    /// Who owns the range.
    pub(crate) owner: Owner,
    /// Why.
    pub(crate) reason: Reason,
}

/// Why a range could not be decided at all.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Rejection {
    /// `end < start`, or a size of zero: there is no memory to own.
    Degenerate,
}

/// The outcome for one range.
pub(crate) type Verdict = core::result::Result<Decision, Rejection>;

/// What the kernel says about one Soft Reserved range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Facts {
    /// It intersects at least one CXL window (`IORES_DESC_CXL`).
    pub(crate) meets_cxl_window: bool,
    /// One committed CXL region contains all of it.
    pub(crate) contained_by_region: bool,
    /// A CXL region over it is in use: its DAX region is bound, or some of
    /// its memory is System RAM. Such a region is never torn down.
    pub(crate) region_in_use: bool,
    /// HMEM could make a DAX region of it (aligned to the DAX alignment).
    pub(crate) hmem_usable: bool,
    /// The committed CXL region that contains it, when known (the strict
    /// policy keeps or tears down a region as a whole).
    pub(crate) region: Option<PhysRange>,
}

impl Facts {
    /// What is assumed of a range until its facts are gathered: that CXL
    /// claims it and that its region is in use. A range decided on these
    /// alone (a bug) is left to CXL, never handed to HMEM.
    pub(crate) const UNKNOWN: Self = Self {
        meets_cxl_window: true,
        contained_by_region: true,
        region_in_use: true,
        hmem_usable: false,
        region: None,
    };
}

/// One Soft Reserved range: what the kernel says about it, and its
/// verdict once [`decide`] gave it one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Entry {
    /// The Soft Reserved range.
    pub(crate) range: PhysRange,
    /// The NUMA node firmware gave it (may be offline or NUMA_NO_NODE),
    /// for the `hmem.N` device if HMEM owns it.
    pub(crate) nid: i32,
    /// The facts the decision rests on.
    pub(crate) facts: Facts,
    /// Its owner and why, or why it was rejected.
    pub(crate) verdict: Verdict,
}

impl Entry {
    /// The range `range` on node `nid`, its facts [`Facts::UNKNOWN`] until
    /// they are gathered, its verdict that of such a range (CXL keeps it)
    /// until [`decide`] gives it its own.
    pub(crate) const fn new(range: PhysRange, nid: i32) -> Self {
        Self {
            range,
            nid,
            facts: Facts::UNKNOWN,
            verdict: Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::ContainedByRegion,
            }),
        }
    }

    /// Whether this range, if valid, can go to CXL on its own merits.
    const fn cxl_claims(&self) -> bool {
        self.facts.meets_cxl_window && self.facts.contained_by_region
    }

    /// Whether this range is a miss for the strict policy.
    const fn is_miss(&self) -> bool {
        self.range.is_valid() && self.facts.meets_cxl_window && !self.facts.contained_by_region
    }

    /// Whether CXL claims this range but HMEM could not use it: its region
    /// is then kept, with every range in it.
    const fn is_unusable_claim(&self) -> bool {
        self.range.is_valid() && self.cxl_claims() && !self.facts.hmem_usable
    }

    /// The verdict on this range, given the strict policy's miss (if any)
    /// and whether its region is kept for another range's sake.
    fn verdict(&self, missed: Option<PhysRange>, region_kept: bool) -> Verdict {
        let f = &self.facts;
        let (owner, reason) = if !self.range.is_valid() {
            return Err(Rejection::Degenerate);
        } else if !f.meets_cxl_window {
            (Owner::Hmem, Reason::OutsideCxlWindows)
        } else if !self.cxl_claims() {
            (Owner::Hmem, Reason::NotContained)
        } else if let Some(missed) = missed {
            // Strict fallback, except where taking the range from CXL would
            // pull memory out from under the system or leave it unowned.
            if f.region_in_use {
                (Owner::Cxl, Reason::KeptInUse { missed })
            } else if !f.hmem_usable {
                (Owner::Cxl, Reason::KeptUnusable { missed })
            } else if region_kept {
                (Owner::Cxl, Reason::KeptWithRegion { missed })
            } else {
                (Owner::Hmem, Reason::StrictFallback { missed })
            }
        } else {
            (Owner::Cxl, Reason::ContainedByRegion)
        };
        Ok(Decision { owner, reason })
    }
}

/// Decide every range in one pass over all of them: give each entry its
/// verdict, from the facts of all.
///
/// Nothing is decided range by range against a moving state: the strict
/// policy looks at all facts before it gives any verdict, so no order of
/// ranges can leave one of them with neither owner.
///
/// Linear in the number of ranges.
pub(crate) fn decide(entries: &mut [Entry], policy: Policy) {
    let missed = match policy {
        Policy::PerRange => None,
        Policy::Strict => entries.iter().find(|e| e.is_miss()).map(|e| e.range),
    };
    // A range HMEM cannot use keeps its region, and with it every other
    // range of that region. Such ranges are rare: only then is there a
    // pass over the ranges for each.
    let any_unusable = missed.is_some() && entries.iter().any(Entry::is_unusable_claim);
    for i in 0..entries.len() {
        let e = &entries[i];
        let region_kept = any_unusable
            && e.facts.region.is_some()
            && entries
                .iter()
                .any(|g| g.facts.region == e.facts.region && g.is_unusable_claim());
        let verdict = e.verdict(missed, region_kept);
        entries[i].verdict = verdict;
    }
}

/// KUnit tests, built only into `dax_ownership_kunit` (`--cfg daxo_kunit`,
/// DAX_OWNERSHIP_KUNIT_TEST); the model platform is `tests/kunit/model.rs`.
#[cfg(daxo_kunit)]
#[kernel::prelude::kunit_tests(dax_ownership)]
mod tests {
    use crate::model::{
        decided, mib, r, run, run_both, with_size, Model, CXL, HMEM_MISS, HMEM_OUTSIDE, W0,
    };
    use crate::ownership::{
        policy::{decide, Decision},
        Entry, Owner, PhysRange, Policy, Reason, Rejection,
    };
    use crate::teardown::condemned;
    use kernel::prelude::*;

    #[test]
    fn owners_are_named() {
        assert_eq!(Owner::Cxl.name(), "CXL");
        assert_eq!(Owner::Hmem.name(), "HMEM");
    }

    #[test]
    fn reasons_are_described() {
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
    fn no_ranges() {
        assert!(run(&[], &[r(W0, mib(256))], Policy::PerRange).is_empty());
        assert!(run(&[], &[], Policy::Strict).is_empty());
    }

    #[test]
    fn outside_every_window_is_hmem() {
        let v = run_both(&[r(0x4000_0000, mib(256))], &[]);
        assert_eq!(v[0], HMEM_OUTSIDE);
    }

    #[test]
    fn in_window_disjoint_from_region_is_hmem() {
        let v = run_both(&[r(W0 + mib(512), mib(256))], &[r(W0, mib(256))]);
        assert_eq!(v[0], HMEM_MISS);
    }

    #[test]
    fn exact_region_is_cxl() {
        let v = run_both(&[r(W0, mib(256))], &[r(W0, mib(256))]);
        assert_eq!(v[0], CXL);
    }

    #[test]
    fn inside_larger_region_is_cxl() {
        let v = run_both(&[r(W0 + mib(64), mib(64))], &[r(W0, mib(256))]);
        assert_eq!(v[0], CXL);
    }

    #[test]
    fn larger_than_region_is_hmem() {
        let v = run_both(&[r(W0, mib(512))], &[r(W0, mib(256))]);
        assert_eq!(v[0], HMEM_MISS);
    }

    #[test]
    fn partial_overlap_at_start_is_hmem() {
        // The range starts before the region and ends inside it.
        let v = run_both(&[r(W0, mib(256))], &[r(W0 + mib(128), mib(256))]);
        assert_eq!(v[0], HMEM_MISS);
    }

    #[test]
    fn partial_overlap_at_end_is_hmem() {
        // The range starts inside the region and ends after it.
        let v = run_both(&[r(W0 + mib(128), mib(256))], &[r(W0, mib(256))]);
        assert_eq!(v[0], HMEM_MISS);
    }

    #[test]
    fn straddling_the_window_end_is_hmem() {
        let end = W0 + 4096 * mib(1);
        let v = run_both(&[r(end - mib(128), mib(256))], &[]);
        assert_eq!(v[0], HMEM_MISS);
    }

    #[test]
    fn two_ranges_one_covered() {
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let v = run(&sr, &[r(W0, mib(256))], Policy::PerRange);
        assert_eq!(v[0], CXL);
        assert_eq!(v[1], HMEM_MISS);
    }

    #[test]
    fn adjacent_regions_do_not_contain_together() {
        // Two regions back to back cover the range, but neither contains
        // it whole: a range has one owner, so it goes to HMEM.
        let regions = [r(W0, mib(256)), r(W0 + mib(256), mib(256))];
        let v = run_both(&[r(W0 + mib(128), mib(256))], &regions);
        assert_eq!(v[0], HMEM_MISS);
    }

    #[test]
    fn many_ranges() {
        // 1024 ranges of 2 MiB, every other one exactly a region.
        let mut sr = KVec::new();
        let mut regions = KVec::new();
        for i in 0..1024u64 {
            let range = r(W0 + i * mib(4), mib(2));
            sr.push(range, GFP_KERNEL).unwrap();
            if i % 2 == 0 {
                regions.push(range, GFP_KERNEL).unwrap();
            }
        }
        let v = run(&sr, &regions, Policy::PerRange);
        assert_eq!(v.len(), 1024);
        for (i, verdict) in v.iter().enumerate() {
            assert_eq!(*verdict, if i % 2 == 0 { CXL } else { HMEM_MISS });
        }
    }

    #[test]
    fn degenerate_ranges_are_rejected() {
        let sr = [
            PhysRange::new(W0 + mib(8), W0 + mib(4)), // end < start
            r(W0, mib(256)),
        ];
        let v = run_both(&sr, &[r(W0, mib(256))]);
        assert_eq!(v[0], Err(Rejection::Degenerate));
        assert_eq!(v[1], CXL);
        assert!(with_size(W0, 0).is_none());
        assert!(with_size(u64::MAX, 2).is_none());
    }

    #[test]
    fn strict_one_miss_flips_all() {
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let v = run(&sr, &[r(W0, mib(256))], Policy::Strict);
        let missed = sr[1];
        assert_eq!(
            v[0],
            Ok(Decision {
                owner: Owner::Hmem,
                reason: Reason::StrictFallback { missed },
            })
        );
        assert_eq!(v[1], HMEM_MISS);
    }

    #[test]
    fn strict_one_miss_among_many_hits_flips_all() {
        // 1024 ranges, each exactly a region, but one (in the middle) not;
        // plus one outside every window, which the flip leaves alone.
        let mut sr = KVec::new();
        let mut regions = KVec::new();
        for i in 0..1024u64 {
            let range = r(W0 + i * mib(4), mib(2));
            sr.push(range, GFP_KERNEL).unwrap();
            if i != 500 {
                regions.push(range, GFP_KERNEL).unwrap();
            }
        }
        sr.push(r(0x4000_0000, mib(256)), GFP_KERNEL).unwrap();
        let missed = sr[500];
        let per_range = run(&sr, &regions, Policy::PerRange);
        assert_eq!(per_range.iter().filter(|v| **v == CXL).count(), 1023);
        let v = run(&sr, &regions, Policy::Strict);
        for (i, verdict) in v.iter().enumerate() {
            let want = match i {
                500 => HMEM_MISS,
                1024 => HMEM_OUTSIDE,
                _ => Ok(Decision {
                    owner: Owner::Hmem,
                    reason: Reason::StrictFallback { missed },
                }),
            };
            assert_eq!(*verdict, want);
        }
    }

    #[test]
    fn strict_keeps_a_region_in_use() {
        // A miss beside a range whose region is in use (DAX region bound,
        // memory online): that range stays CXL's, its region is never a
        // teardown candidate; per-range is unaffected.
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let regions = [r(W0, mib(256))];
        let windows = [r(W0, 4096 * mib(1))];
        let model = Model::new(&windows, &regions).with_in_use(&regions);
        let mut entries = model.entries(&sr).unwrap();
        decide(&mut entries, Policy::Strict);
        let missed = sr[1];
        assert_eq!(
            entries[0].verdict,
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::KeptInUse { missed },
            })
        );
        assert_eq!(entries[1].verdict, HMEM_MISS);
        assert!(condemned(&regions[0], &entries).is_none());
        decide(&mut entries, Policy::PerRange);
        assert_eq!(entries[0].verdict, CXL);
        assert_eq!(entries[1].verdict, HMEM_MISS);
    }

    #[test]
    fn strict_keeps_a_range_hmem_cannot_use() {
        // A contained range HMEM could not make a DAX region of (not 2 MiB
        // aligned): the fallback would tear its region down and leave it
        // with no owner, so CXL keeps it.
        let sr = [r(W0, mib(255)), r(W0 + mib(512), mib(256))];
        let v = run(&sr, &[r(W0, mib(256))], Policy::Strict);
        let missed = sr[1];
        assert_eq!(
            v[0],
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::KeptUnusable { missed },
            })
        );
        assert_eq!(v[1], HMEM_MISS);
        assert_eq!(v[0].unwrap().reason.missed(), Some(missed));
    }

    #[test]
    fn strict_keeps_a_region_with_a_range_hmem_cannot_use() {
        // One 512 MiB region holds an aligned and a misaligned range; a
        // third range misses. The region must stay (the misaligned range
        // would lose its owner), so CXL keeps both of its ranges, and the
        // teardown chooses nothing.
        let region = r(W0, mib(512));
        let sr = [
            r(W0, mib(256)),
            r(W0 + mib(256), mib(255)),
            r(W0 + mib(1024), mib(256)),
        ];
        let v = run(&sr, &[region], Policy::Strict);
        let missed = sr[2];
        assert_eq!(
            v[0],
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::KeptWithRegion { missed },
            })
        );
        assert_eq!(
            v[1],
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::KeptUnusable { missed },
            })
        );
        assert_eq!(v[2], HMEM_MISS);
        let entries = decided(&sr, &[region], Policy::Strict);
        assert_eq!(entries[0].verdict, v[0]);
        assert!(condemned(&region, &entries).is_none());
    }

    #[test]
    fn unknown_facts_leave_a_range_to_cxl() {
        // An entry whose facts were never gathered is never HMEM's, under
        // either policy, decided or not.
        let mut entries = [Entry::new(r(W0, mib(256)), 0)];
        assert_eq!(entries[0].verdict, CXL);
        for policy in [Policy::PerRange, Policy::Strict] {
            decide(&mut entries, policy);
            assert_eq!(entries[0].verdict.unwrap().owner, Owner::Cxl);
        }
    }

    #[test]
    fn strict_all_contained_is_cxl() {
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let v = run(&sr, &sr, Policy::Strict);
        assert_eq!(v[0], CXL);
        assert_eq!(v[1], CXL);
    }

    #[test]
    fn strict_flip_leaves_outside_ranges_alone() {
        let sr = [r(0x4000_0000, mib(256)), r(W0, mib(512))];
        let v = run(&sr, &[r(W0, mib(256))], Policy::Strict);
        assert_eq!(v[0], HMEM_OUTSIDE);
        assert_eq!(v[1], HMEM_MISS);
    }

    #[test]
    fn strict_order_does_not_matter() {
        // The miss comes first or last: the outcome is the same.
        let a = [r(W0 + mib(512), mib(256)), r(W0, mib(256))];
        let b = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let regions = [r(W0, mib(256))];
        for sr in [&a, &b] {
            let v = run(sr, &regions, Policy::Strict);
            assert!(v
                .iter()
                .all(|d| matches!(d, Ok(d) if d.owner == Owner::Hmem)));
        }
    }

    #[test]
    fn policy_names() {
        assert_eq!(Policy::from_name(b"per-range"), Some(Policy::PerRange));
        assert_eq!(Policy::from_name(b"strict"), Some(Policy::Strict));
        assert_eq!(Policy::from_name(b"Strict"), None);
        assert_eq!(Policy::from_name(b""), None);
        assert_eq!(Policy::Strict.name(), "strict");
    }
}
