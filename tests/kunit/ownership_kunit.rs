// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of `ownership/`: the decision over Soft Reserved ranges and
//! the ledger. The platform is a model (CXL windows and committed regions
//! as plain ranges), so every layout can be tried without hardware.

use kernel::prelude::*;

#[path = "../../ownership/mod.rs"]
mod ownership;

mod model;

mod bench;

#[path = "../../cxl_dax/node.rs"]
mod node;

#[path = "../../region_teardown/select.rs"]
mod teardown;

module! {
    type: OwnershipKunit,
    name: "dax_ownership_kunit",
    authors: ["dax-ownership developers"],
    description: "KUnit tests of the Soft Reserved ownership decision",
    license: "GPL v2",
}

struct OwnershipKunit;

impl kernel::Module for OwnershipKunit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(OwnershipKunit)
    }
}

#[kunit_tests(dax_ownership)]
mod tests {
    use super::model::{mib, with_size, Model, W0};
    use super::ownership::{
        decide, policy::Decision, Entry, Ledger, Owner, PhysRange, Policy, Reason, Rejection,
        Verdict,
    };
    use kernel::prelude::*;

    const CXL: Verdict = Ok(Decision {
        owner: Owner::Cxl,
        reason: Reason::ContainedByRegion,
    });
    const HMEM_MISS: Verdict = Ok(Decision {
        owner: Owner::Hmem,
        reason: Reason::NotContained,
    });
    const HMEM_OUTSIDE: Verdict = Ok(Decision {
        owner: Owner::Hmem,
        reason: Reason::OutsideCxlWindows,
    });

    fn r(start: u64, size: u64) -> PhysRange {
        with_size(start, size).unwrap()
    }

    /// Decide `sr` on a platform with one 4 GiB window at W0 and `regions`.
    fn run(sr: &[PhysRange], regions: &[PhysRange], policy: Policy) -> KVec<Verdict> {
        let windows = [r(W0, 4096 * mib(1))];
        let model = Model::new(&windows, regions);
        decide(&model.facts(sr).unwrap(), policy).unwrap()
    }

    /// As [`run`], under both policies, which must agree: with no miss
    /// beside a hit, strict decides as per-range does.
    fn run_both(sr: &[PhysRange], regions: &[PhysRange]) -> KVec<Verdict> {
        let per_range = run(sr, regions, Policy::PerRange);
        assert_eq!(&per_range[..], &run(sr, regions, Policy::Strict)[..]);
        per_range
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
        assert!(super::teardown::select(&regions, &entries)
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
        assert!(super::teardown::select(&[region], &entries)
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

    #[test]
    fn messages_name_owners_and_reasons() {
        use super::ownership::Holder;
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

    #[test]
    fn claims_map_to_errno() {
        use super::ownership::{claim, Holder, RegionError};
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

    #[test]
    fn node_choice_falls_back_only_without_a_target() {
        use super::node::{choose, NO_NODE};
        let mut asked = false;
        assert_eq!(
            choose(1, || {
                asked = true;
                0
            }),
            1
        );
        assert!(!asked);
        assert_eq!(choose(NO_NODE, || 3), 3);
        assert_eq!(choose(0, || 3), 0);
    }

    /// The ledger entries `decide` gives `sr` with `regions` (per-range or
    /// strict), as the driver records them.
    fn decided(sr: &[PhysRange], regions: &[PhysRange], policy: Policy) -> KVec<Entry> {
        let v = run(sr, regions, policy);
        let mut out = KVec::new();
        for (range, verdict) in sr.iter().zip(v.iter()) {
            out.push(
                Entry {
                    range: *range,
                    verdict: *verdict,
                },
                GFP_KERNEL,
            )
            .unwrap();
        }
        out
    }

    #[test]
    fn teardown_takes_regions_over_hmem_ranges_only() {
        use super::teardown::{select, Doomed};
        // Window 0: region A exactly SR 1; SR 2 uncovered. Region B lies
        // in the window but over no SR range: it is innocent.
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let a = r(W0, mib(256));
        let b = r(W0 + mib(1024), mib(256));
        let regions = [a, b];
        // Per-range: A's range goes to CXL, so nothing is torn down.
        let per_range = decided(&sr, &regions, Policy::PerRange);
        assert!(select(&regions, &per_range).unwrap().is_empty());
        // Strict: the miss flips SR 1 to HMEM; A goes, B stays.
        let strict = decided(&sr, &regions, Policy::Strict);
        let doomed = select(&regions, &strict).unwrap();
        assert_eq!(
            &doomed[..],
            &[Doomed {
                region: 0,
                because: sr[0],
            }]
        );
    }

    #[test]
    fn teardown_takes_a_region_partly_over_an_hmem_range() {
        use super::teardown::select;
        // SR larger than its region (scenario d): HMEM owns it, the region
        // inside it is torn down under either policy's verdict.
        let sr = [r(W0, mib(512))];
        let regions = [r(W0, mib(256))];
        for policy in [Policy::PerRange, Policy::Strict] {
            let d = decided(&sr, &regions, policy);
            assert_eq!(select(&regions, &d).unwrap().len(), 1);
        }
        // No regions, or no ranges: nothing to do.
        assert!(select(&[], &decided(&sr, &[], Policy::Strict))
            .unwrap()
            .is_empty());
        assert!(select(&regions, &[]).unwrap().is_empty());
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
