// SPDX-License-Identifier: GPL-2.0

//! The ownership policies and the decision over all ranges at once.

use crate::range::PhysRange;
use kernel::prelude::*;

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
    /// The range as firmware described it.
    pub(crate) range: PhysRange,
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
    /// Whether this range, if valid, can go to CXL on its own merits.
    const fn cxl_claims(&self) -> bool {
        self.meets_cxl_window && self.contained_by_region
    }

    /// Whether this range is a miss for the strict policy.
    const fn is_miss(&self) -> bool {
        self.range.is_valid() && self.meets_cxl_window && !self.contained_by_region
    }
}

/// Decide every range in one pass over all of them.
///
/// Returns one verdict per input, in the same order. Nothing is decided
/// range by range against a moving state: the strict policy looks at all
/// facts before it gives any verdict, so no order of ranges can leave one
/// of them with neither owner.
///
/// Linear in the number of ranges.
pub(crate) fn decide(facts: &[Facts], policy: Policy) -> Result<KVec<Verdict>> {
    let mut verdicts = KVec::with_capacity(facts.len(), GFP_KERNEL)?;
    let missed = match policy {
        Policy::PerRange => None,
        Policy::Strict => facts.iter().find(|f| f.is_miss()).map(|f| f.range),
    };
    // A range HMEM cannot use keeps its region, and with it every other
    // range of that region. Such ranges are rare: only then is there a
    // pass over the ranges for each.
    let unusable = |g: &Facts| g.range.is_valid() && g.cxl_claims() && !g.hmem_usable;
    let any_unusable = missed.is_some() && facts.iter().any(unusable);
    let kept_for = |f: &Facts| -> bool {
        any_unusable
            && f.region.is_some()
            && facts.iter().any(|g| g.region == f.region && unusable(g))
    };
    for f in facts {
        let verdict = if !f.range.is_valid() {
            Err(Rejection::Degenerate)
        } else if !f.meets_cxl_window {
            Ok(Decision {
                owner: Owner::Hmem,
                reason: Reason::OutsideCxlWindows,
            })
        } else if !f.cxl_claims() {
            Ok(Decision {
                owner: Owner::Hmem,
                reason: Reason::NotContained,
            })
        } else if let Some(missed) = missed {
            // Strict fallback, except where taking the range from CXL would
            // pull memory out from under the system or leave it unowned.
            let (owner, reason) = if f.region_in_use {
                (Owner::Cxl, Reason::KeptInUse { missed })
            } else if !f.hmem_usable {
                (Owner::Cxl, Reason::KeptUnusable { missed })
            } else if kept_for(f) {
                (Owner::Cxl, Reason::KeptWithRegion { missed })
            } else {
                (Owner::Hmem, Reason::StrictFallback { missed })
            };
            Ok(Decision { owner, reason })
        } else {
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::ContainedByRegion,
            })
        };
        verdicts.push(verdict, GFP_KERNEL)?;
    }
    Ok(verdicts)
}

/// KUnit tests, built only into `dax_ownership_kunit` (`--cfg daxo_kunit`,
/// DAX_OWNERSHIP_KUNIT_TEST); the model platform is `tests/kunit/model.rs`.
#[cfg(daxo_kunit)]
#[kernel::prelude::kunit_tests(dax_ownership)]
mod tests {
    use crate::model::{mib, r, run, run_both, with_size, Model, CXL, HMEM_MISS, HMEM_OUTSIDE, W0};
    use crate::ownership::{
        decide, policy::Decision, Entry, Owner, PhysRange, Policy, Reason, Rejection,
    };
    use kernel::prelude::*;

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
        let facts = model.facts(&sr).unwrap();
        let v = decide(&facts, Policy::Strict).unwrap();
        let missed = sr[1];
        assert_eq!(
            v[0],
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::KeptInUse { missed },
            })
        );
        assert_eq!(v[1], HMEM_MISS);
        let p = decide(&facts, Policy::PerRange).unwrap();
        assert_eq!(p[0], CXL);
        assert_eq!(p[1], HMEM_MISS);
        let entries = [
            Entry {
                range: sr[0],
                verdict: v[0],
            },
            Entry {
                range: sr[1],
                verdict: v[1],
            },
        ];
        assert!(crate::teardown::select(&regions, &entries)
            .unwrap()
            .is_empty());
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
        let mut entries = KVec::new();
        for (range, verdict) in sr.iter().zip(v.iter()) {
            entries
                .push(
                    Entry {
                        range: *range,
                        verdict: *verdict,
                    },
                    GFP_KERNEL,
                )
                .unwrap();
        }
        assert!(crate::teardown::select(&[region], &entries)
            .unwrap()
            .is_empty());
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
