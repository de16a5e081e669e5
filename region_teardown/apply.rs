// SPDX-License-Identifier: GPL-2.0

//! Carry out the teardown [`super::select`] chooses.

use super::{
    select::{tear_down_condemned, Teardown},
    Outcome,
};
pub(crate) use crate::cxl::region::Region;
use crate::cxl::region::{self as cxl_region, InUse};
use crate::ownership::{Entry, PhysRange};
use kernel::{device::Device, prelude::*};

// The CXL-core helper of the series' first patch (the project's kernel
// patch out of tree). It is exported to `dax_hmem` alone
// (EXPORT_SYMBOL_FOR_MODULES), so this driver calls it itself: through the
// kernel crate, whose functions any module may call, the export's
// restriction would be lost. (The declaration is bindgen's, whose
// `struct device` the lint cannot see into, as the kernel crate's bindings
// allow.)
#[allow(improper_ctypes)]
extern "C" {
    fn cxl_region_teardown(
        dev: *mut kernel::bindings::device,
        overlap: *const kernel::bindings::range,
    ) -> kernel::ffi::c_int;
}

/// Tear `region` down (decoders reset, HPA space released), provided it
/// still overlaps `because`, the Soft Reserved range HMEM owns.
///
/// Errors: `EPERM` for a region whose decoders firmware locked, `ESTALE`
/// if it no longer overlaps `because`, `ENODEV` if it is gone already,
/// `EBUSY` if some of its memory is System RAM.
fn teardown(region: &Region, because: &PhysRange) -> Result {
    let overlap = kernel::bindings::range {
        start: because.start,
        end: because.end,
    };
    // `Device` is a transparent wrapper around `struct device`.
    let dev = core::ptr::from_ref(region.device()).cast::<kernel::bindings::device>();
    // SAFETY: `dev` is a device `region` holds a reference on; the helper
    // checks that it is a region and takes the CXL locks itself; `overlap`
    // is only read.
    kernel::error::to_result(unsafe { cxl_region_teardown(dev.cast_mut(), &overlap) })
}

/// Whether `region` was in use when [`survey`] listed it
/// ([`Region::in_use_when_listed`]); never, in a test build
/// (DAXO_NO_RUST_INUSE=1, implementation ours-cfence) that leaves the
/// decision to the CXL core's own check, to show that it alone keeps
/// memory safe.
pub(crate) fn in_use(region: &Region) -> Option<InUse> {
    if cfg!(daxo_no_rust_in_use) {
        return None;
    }
    region.in_use_when_listed()
}

/// As [`in_use`], but now ([`Region::in_use_now`]).
fn in_use_now(region: &Region) -> Option<InUse> {
    if cfg!(daxo_no_rust_in_use) {
        return None;
    }
    region.in_use_now()
}

/// Every CXL region with its range, and whether it is in use: its DAX
/// region bound, or some of its memory System RAM.
pub(crate) fn survey() -> Result<KVec<Region>> {
    cxl_region::regions()
}

/// Tear down every CXL region of `regions` (the survey) that overlaps a
/// Soft Reserved range HMEM owns according to `decided`
/// ([`condemned`](super::select::condemned)). `dev` is the device messages
/// are about. (A region created since the survey is not torn down, and
/// the ranges it contains were left to CXL.)
///
/// One `dev_dbg` per region torn down; one line per region left alone
/// because it is in use, whose ranges HMEM took for the strict fallback
/// alone go back to CXL ([`tear_down_condemned`]); a region the CXL core
/// refuses to tear down otherwise (decoders locked by firmware) gets a
/// warning and stays inactive. The caller reports the count.
pub(crate) fn tear_down(dev: &Device, regions: &[Region], decided: &mut [Entry]) -> Outcome {
    let mut torn_down = 0;
    let chosen = tear_down_condemned(regions, Region::range, decided, |region, entry| {
        let because = entry.range;
        // Never under memory in use: looked at again right before; the
        // CXL core decides under the region's lock (EBUSY), and marks
        // the region dead so that nothing binds it before it is gone.
        let in_use = in_use_now(region);
        let rc = match in_use {
            Some(_) => Err(EBUSY),
            None => teardown(region, &because),
        };
        match rc {
            Ok(()) => {
                torn_down += 1;
                dev_dbg!(
                    dev,
                    "tore down {} {}: it overlaps {}, which HMEM owns\n",
                    region.name(),
                    region.range(),
                    because
                );
                Teardown::Gone
            }
            // Gone already, or moved off the range: nothing to do.
            Err(e) if e == ENODEV || e == ESTALE => Teardown::Gone,
            Err(e) if e == EBUSY => {
                // CXL keeps the ranges HMEM took only for the strict
                // fallback; a range no region contains stays HMEM's.
                let fallback = matches!(entry.verdict, Ok(v) if v.reason.missed().is_some());
                dev_info!(
                    dev,
                    "strict policy: {} {} is in use ({}): not torn down; {} {}\n",
                    region.name(),
                    region.range(),
                    in_use.unwrap_or(InUse::Refused),
                    if fallback {
                        "CXL keeps"
                    } else {
                        "HMEM still owns"
                    },
                    because
                );
                Teardown::InUse
            }
            Err(e) => {
                dev_warn!(
                    dev,
                    "cannot tear down {} {} ({:?}); it overlaps {}, which HMEM owns, and stays inactive\n",
                    region.name(),
                    region.range(),
                    e,
                    because
                );
                Teardown::Refused
            }
        }
    });
    Outcome { chosen, torn_down }
}
