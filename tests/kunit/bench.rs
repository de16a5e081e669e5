// SPDX-License-Identifier: GPL-2.0

//! Micro-benchmark of `ownership::policy::decide`: how long one decision takes per
//! Soft Reserved range, at 10, 100, 1000 and 10000 ranges, under both
//! policies.
//!
//! It prints its figures (`decide <policy>: <n> ranges: <x> ns/range`) and
//! checks that the verdicts are right; it never asserts anything about
//! time. `make bench` boots it once and prints the figures.

use kernel::prelude::*;

#[kunit_tests(dax_ownership_bench)]
mod tests {
    use crate::ownership::{policy::decide, Entry, Facts, Owner, PhysRange, Policy, Reason};
    use kernel::prelude::*;
    use kernel::time::{Instant, Monotonic};

    /// Where the model's ranges start (CXL window 0 in the QEMU scenarios).
    const BASE: u64 = 0x3_9000_0000;

    /// `n` ranges of 2 MiB, 4 MiB apart: every 4th (i % 4 == 3) meets no
    /// CXL window, the even ones are contained by a committed region, the
    /// rest (i % 4 == 1) meet a window without a region.
    fn entries(n: u64) -> KVec<Entry> {
        let mut out = KVec::with_capacity(n as usize, GFP_KERNEL).unwrap();
        for i in 0..n {
            let start = BASE + i * (4 << 20);
            let mut e = Entry::new(PhysRange::new(start, start + (2 << 20) - 1), -1);
            e.facts = Facts {
                meets_cxl_window: i % 4 != 3,
                contained_by_region: i % 2 == 0,
                region_in_use: false,
                hmem_usable: true,
                region: None,
            };
            out.push(e, GFP_KERNEL).unwrap();
        }
        out
    }

    /// How many ranges of `n` go to CXL under `policy` (the facts above).
    fn want_cxl(n: u64, policy: Policy) -> usize {
        match policy {
            // n >= 2 here, so range 1 is always a miss: strict gives HMEM all.
            Policy::Strict => 0,
            Policy::PerRange => n.div_ceil(2) as usize,
        }
    }

    /// Time `decide` over `n` ranges, repeated so that about 100000 ranges
    /// are decided, and print the time per range.
    fn bench(n: u64) {
        let mut entries = entries(n);
        let runs = (100_000 / n).max(1);
        for policy in [Policy::PerRange, Policy::Strict] {
            // Correct first: the time of a wrong answer means nothing.
            decide(&mut entries, policy);
            let cxl = entries
                .iter()
                .filter(|e| matches!(e.verdict, Ok(d) if d.owner == Owner::Cxl))
                .count();
            assert_eq!(cxl, want_cxl(n, policy));
            assert!(entries.iter().enumerate().all(|(i, e)| match e.verdict {
                Ok(d) if i % 4 == 3 => d.reason == Reason::OutsideCxlWindows,
                Ok(d) if i % 2 == 1 => d.reason == Reason::NotContained,
                Ok(_) => true,
                Err(_) => false,
            }));

            let start = Instant::<Monotonic>::now();
            for _ in 0..runs {
                decide(core::hint::black_box(&mut entries[..]), policy);
                core::hint::black_box(&entries);
            }
            let ns = start.elapsed().as_nanos();
            // Tenths of a nanosecond per range.
            let tenths = ns * 10 / (runs * n) as i64;
            pr_info!(
                "decide {}: {} ranges: {}.{} ns/range ({} runs, {} us)\n",
                policy.name(),
                n,
                tenths / 10,
                tenths % 10,
                runs,
                ns / 1000
            );
        }
    }

    #[test]
    fn decide_10_ranges() {
        bench(10);
    }

    #[test]
    fn decide_100_ranges() {
        bench(100);
    }

    #[test]
    fn decide_1000_ranges() {
        bench(1000);
    }

    #[test]
    fn decide_10000_ranges() {
        bench(10000);
    }
}
