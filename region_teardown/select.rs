// SPDX-License-Identifier: GPL-2.0

//! Which CXL regions the strict policy tears down.
//!
//! Exactly the regions that overlap a Soft Reserved range HMEM now owns:
//! such a region can never get its DAX region (the shared DAX-region tree
//! refuses it), and it holds HPA space and decoders for nothing. A region
//! that overlaps no Soft Reserved range belongs to another device, is
//! innocent, and is never touched; nor is a region over a range CXL owns.
//!
//! Pure Rust: the module gathers the regions (name and range) from the CXL
//! bus, and asks the CXL core to tear down the chosen ones.

use crate::ownership::{Entry, Owner, PhysRange, Reason};

/// The index in `decided` of the first Soft Reserved range HMEM owns that
/// `region` overlaps, if the region is to be torn down because of it; never
/// for a region that also overlaps a range CXL owns (tearing it down would
/// leave that range with no owner), nor for one that overlaps a range
/// HMEM cannot have: one another region in use also lies on (the other
/// region holds part of it), or one HMEM cannot make a DAX region of (not
/// aligned). Tearing the region down would leave its part of the range
/// with no owner.
///
/// Linear in the number of ranges, for each of a handful of regions.
pub(crate) fn condemned(region: &PhysRange, decided: &[Entry]) -> Option<usize> {
    let owned_by = |e: &Entry, owner| matches!(e.verdict, Ok(d) if d.owner == owner);
    if decided.iter().any(|e| {
        e.range.overlaps(region)
            && (owned_by(e, Owner::Cxl) || e.facts.region_in_use || !e.facts.hmem_usable)
    }) {
        return None;
    }
    decided
        .iter()
        .position(|e| owned_by(e, Owner::Hmem) && e.range.overlaps(region))
}

/// `region` turned out to be in use and was not torn down: record that of
/// every range it overlaps (so that no other region over them is torn
/// down, [`condemned`]), and give every range HMEM was to own for the
/// strict fallback alone back to CXL. (Such a range is contained by a
/// region, so by `region` alone: CXL regions do not overlap.)
pub(crate) fn keep_for_cxl(entries: &mut [Entry], region: &PhysRange) {
    for e in entries.iter_mut() {
        if e.range.overlaps(region) {
            e.facts.region_in_use = true;
            if let Ok(d) = &mut e.verdict {
                if d.owner == Owner::Hmem {
                    if let Some(missed) = d.reason.missed() {
                        d.owner = Owner::Cxl;
                        d.reason = Reason::KeptInUse { missed };
                    }
                }
            }
        }
    }
}

/// Whether a region chosen for teardown is gone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Teardown {
    /// Torn down, or gone already: nothing over it is CXL's any more.
    Gone,
    /// Left alone because it is in use: CXL keeps what HMEM took from it
    /// for the strict fallback alone ([`keep_for_cxl`]).
    InUse,
    /// Left alone for another reason (decoders locked by firmware): it
    /// stays inactive, and HMEM keeps its ranges.
    Refused,
}

/// Go through `regions` in order: for each region (whose range `range`
/// gives) [`condemned`] by `decided`, ask `tear_down` to tear it down
/// (with the entry of the range that condemns it), and when it says the
/// region is in use, give that region's ranges back to CXL before the next
/// region is looked at. Returns how many regions were chosen.
///
/// A range given back lies in that region alone (it is contained by a
/// region, and CXL regions do not overlap), so giving it back can only
/// spare a later region, never condemn one; nor can a range the region in
/// use shares with later regions (they are spared). A region torn down
/// before another over the same range is found in use (in use since the
/// survey: the CXL core's check under its lock) stays torn down, its part
/// of the range without an owner; the survey's in-use facts make that a
/// race, never the rule.
pub(crate) fn tear_down_condemned<R>(
    regions: &[R],
    range: impl Fn(&R) -> PhysRange,
    decided: &mut [Entry],
    mut tear_down: impl FnMut(&R, &Entry) -> Teardown,
) -> usize {
    let mut chosen = 0;
    for region in regions {
        let r = range(region);
        let Some(at) = condemned(&r, decided) else {
            continue;
        };
        chosen += 1;
        if tear_down(region, &decided[at]) == Teardown::InUse {
            keep_for_cxl(decided, &r);
        }
    }
    chosen
}

/// KUnit tests, built only into `dax_ownership_kunit` (`--cfg daxo_kunit`,
/// DAX_OWNERSHIP_KUNIT_TEST); the model platform is `tests/kunit/model.rs`.
#[cfg(daxo_kunit)]
#[kernel::prelude::kunit_tests(dax_region_teardown)]
mod tests {
    use crate::model::{decided, mib, r, HMEM_MISS, W0};
    use crate::ownership::{policy::Decision, Ledger, Owner, Policy, Reason};
    use crate::teardown::{condemned, keep_for_cxl, tear_down_condemned, Teardown};
    use kernel::prelude::*;

    #[test]
    fn teardown_takes_regions_over_hmem_ranges_only() {
        // Window 0: region A exactly SR 1; SR 2 uncovered. Region B lies
        // in the window but over no SR range: it is innocent.
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let a = r(W0, mib(256));
        let b = r(W0 + mib(1024), mib(256));
        let regions = [a, b];
        // Per-range: A's range goes to CXL, so nothing is torn down.
        let per_range = decided(&sr, &regions, Policy::PerRange);
        assert!(regions.iter().all(|g| condemned(g, &per_range).is_none()));
        // Strict: the miss flips SR 1 to HMEM; A goes, B stays.
        let strict = decided(&sr, &regions, Policy::Strict);
        assert_eq!(condemned(&a, &strict), Some(0));
        assert_eq!(condemned(&b, &strict), None);
    }

    #[test]
    fn teardown_takes_a_region_partly_over_an_hmem_range() {
        // SR larger than its region (scenario d): HMEM owns it, the region
        // inside it is torn down under either policy's verdict.
        let sr = [r(W0, mib(512))];
        let region = r(W0, mib(256));
        for policy in [Policy::PerRange, Policy::Strict] {
            let d = decided(&sr, &[region], policy);
            assert_eq!(condemned(&region, &d), Some(0));
        }
        // No ranges: nothing to do.
        assert_eq!(condemned(&region, &[]), None);
    }

    #[test]
    fn teardown_gives_a_region_in_use_back_to_cxl() {
        // Strict flipped both ranges to HMEM, then the CXL core refused to
        // tear region0 down (in use): its range goes back to CXL; the miss
        // itself stays HMEM's.
        let sr = [r(W0, mib(256)), r(W0 + mib(512), mib(256))];
        let entries = decided(&sr, &[r(W0, mib(256))], Policy::Strict);
        let mut ledger = Ledger::decided(Policy::Strict, entries);
        keep_for_cxl(ledger.entries_mut(), &r(W0, mib(256)));
        let missed = sr[1];
        assert_eq!(
            ledger.entries()[0].verdict,
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::KeptInUse { missed },
            })
        );
        assert_eq!(ledger.entries()[1].verdict, HMEM_MISS);
        let s = ledger.summary();
        assert_eq!((s.cxl, s.hmem), (1, 1));
    }

    #[test]
    fn teardown_refused_in_use_gives_ranges_back_before_the_next_region() {
        // Strict, a miss in window 0 beyond two regions A and B, each
        // exactly an SR range: both flipped to HMEM, both condemned. A is
        // found in use at teardown time: its range goes back to CXL, B is
        // still torn down, and the miss stays HMEM's.
        let a = r(W0, mib(256));
        let b = r(W0 + mib(512), mib(256));
        let sr = [a, b, r(W0 + mib(1024), mib(256))];
        let mut entries = decided(&sr, &[a, b], Policy::Strict);
        let mut asked = KVec::new();
        let chosen = tear_down_condemned(
            &[a, b],
            |g| *g,
            &mut entries,
            |g, because| {
                asked.push((*g, because.range), GFP_KERNEL).unwrap();
                if *g == a {
                    Teardown::InUse
                } else {
                    Teardown::Gone
                }
            },
        );
        assert_eq!(chosen, 2);
        assert_eq!(&asked[..], &[(a, a), (b, b)]);
        let missed = sr[2];
        assert_eq!(
            entries[0].verdict,
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::KeptInUse { missed },
            })
        );
        assert_eq!(
            entries[1].verdict,
            Ok(Decision {
                owner: Owner::Hmem,
                reason: Reason::StrictFallback { missed },
            })
        );
        assert_eq!(entries[2].verdict, HMEM_MISS);
        // Refused otherwise: HMEM keeps the range, the region stays.
        let mut entries = decided(&sr, &[a, b], Policy::Strict);
        tear_down_condemned(&[a], |g| *g, &mut entries, |_, _| Teardown::Refused);
        assert_eq!(entries[0].verdict.unwrap().owner, Owner::Hmem);
    }

    #[test]
    fn teardown_spares_a_region_sharing_a_range_with_one_in_use() {
        // One SR range over two regions (scenario inuse-spanning): HMEM
        // owns it, not contained. If either region is in use, HMEM cannot
        // have the range: neither is torn down.
        let a = r(W0, mib(256));
        let b = r(W0 + mib(256), mib(256));
        let sr = [r(W0, mib(512))];
        let mut entries = decided(&sr, &[a, b], Policy::Strict);
        assert_eq!(condemned(&b, &entries), Some(0));
        // In use when surveyed (the range's facts say so).
        entries[0].facts.region_in_use = true;
        assert_eq!(
            (condemned(&a, &entries), condemned(&b, &entries)),
            (None, None)
        );
        // Found in use at teardown time: the regions after it are spared,
        // and the range stays HMEM's (it is no region's to give back).
        let mut entries = decided(&sr, &[a, b], Policy::Strict);
        let mut asked = KVec::new();
        let chosen = tear_down_condemned(
            &[a, b],
            |g| *g,
            &mut entries,
            |g, _| {
                asked.push(*g, GFP_KERNEL).unwrap();
                Teardown::InUse
            },
        );
        assert_eq!((chosen, &asked[..]), (1, &[a][..]));
        assert_eq!(entries[0].verdict, HMEM_MISS);
        // A range HMEM cannot use (257 MiB, scenario misaligned-over) over
        // a region: tearing the region down would give HMEM nothing.
        let over = decided(&[r(W0, mib(257))], &[a], Policy::Strict);
        assert_eq!(over[0].verdict, HMEM_MISS);
        assert_eq!(condemned(&a, &over), None);
    }
}
