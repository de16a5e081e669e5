// SPDX-License-Identifier: GPL-2.0

//! Carry out the teardown [`super::select`] chooses.

use super::{select::select, Outcome};
use crate::cxl::region::{self as cxl_region, InUse, Region};
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

/// A CXL region as the strict policy sees it before deciding: where it
/// is, and whether it is in use (a region in use is never torn down).
pub(crate) struct Surveyed {
    region: Region,
    in_use: Option<InUse>,
}

impl Surveyed {
    /// The region's HPA range.
    pub(crate) fn range(&self) -> PhysRange {
        self.region.range()
    }

    /// The region's name.
    pub(crate) fn name(&self) -> &CStr {
        self.region.name()
    }

    /// Whether it is in use, and why.
    pub(crate) fn in_use(&self) -> Option<InUse> {
        self.in_use
    }
}

/// Whether `region` is in use now ([`Region::in_use`]); never, in a test
/// build (DAXO_NO_RUST_INUSE=1, implementation ours-cfence) that leaves the
/// decision to the CXL core's own check, to show that it alone keeps memory
/// safe.
fn in_use(region: &Region) -> Option<InUse> {
    if cfg!(daxo_no_rust_in_use) {
        return None;
    }
    region.in_use()
}

/// Every CXL region with its range, and whether it is in use now: its DAX
/// region bound, or some of its memory System RAM.
pub(crate) fn survey() -> Result<KVec<Surveyed>> {
    let regions = cxl_region::regions()?;
    let mut out = KVec::with_capacity(regions.len(), GFP_KERNEL)?;
    for region in regions {
        let in_use = in_use(&region);
        out.push(Surveyed { region, in_use }, GFP_KERNEL)?;
    }
    Ok(out)
}

/// Tear down every CXL region that overlaps a Soft Reserved range HMEM owns
/// according to `decided`. `dev` is the device messages are about.
///
/// One `dev_dbg` per region torn down; one line per region left alone
/// because it is in use (the caller then gives its ranges back to CXL, see
/// [`Outcome::in_use`]); a region the CXL core refuses to tear down
/// otherwise (decoders locked by firmware) gets a warning and stays
/// inactive. The caller reports the count.
pub(crate) fn tear_down(dev: &Device, decided: &[Entry]) -> Result<Outcome> {
    let regions = cxl_region::regions()?;
    let mut ranges: KVec<PhysRange> = KVec::with_capacity(regions.len(), GFP_KERNEL)?;
    for r in regions.iter() {
        ranges.push(r.range(), GFP_KERNEL)?;
    }
    let doomed = select(&ranges, decided)?;
    let mut outcome = Outcome {
        chosen: doomed.len(),
        torn_down: 0,
        in_use: KVec::with_capacity(doomed.len(), GFP_KERNEL)?,
    };
    for d in doomed.iter() {
        let region = &regions[d.region];
        // Never under memory in use: looked at again right before; the
        // CXL core decides under the region's lock (EBUSY), and marks the
        // region dead so that nothing binds it before it is gone.
        let in_use = in_use(region);
        let rc = match in_use {
            Some(_) => Err(EBUSY),
            None => teardown(region, &d.because),
        };
        match rc {
            Ok(()) => {
                outcome.torn_down += 1;
                dev_dbg!(
                    dev,
                    "tore down {} {}: it overlaps {}, which HMEM owns\n",
                    region.name(),
                    region.range(),
                    d.because
                );
            }
            // Gone already, or moved off the range: nothing to do.
            Err(e) if e == ENODEV || e == ESTALE => {}
            Err(e) if e == EBUSY => {
                // CXL keeps the ranges HMEM took only for the strict
                // fallback; a range no region contains stays HMEM's.
                let fallback = decided.iter().any(|e| {
                    e.range == d.because
                        && matches!(e.verdict, Ok(v) if v.reason.missed().is_some())
                });
                dev_info!(
                    dev,
                    "strict policy: {} {} is in use ({}): not torn down; {} {}\n",
                    region.name(),
                    region.range(),
                    in_use.unwrap_or(InUse::Refused),
                    if fallback { "CXL keeps" } else { "HMEM still owns" },
                    d.because
                );
                // Within the capacity reserved above: cannot fail.
                let _ = outcome.in_use.push(region.range(), GFP_KERNEL);
            }
            Err(e) => dev_warn!(
                dev,
                "cannot tear down {} {} ({:?}); it overlaps {}, which HMEM owns, and stays inactive\n",
                region.name(),
                region.range(),
                e,
                d.because
            ),
        }
    }
    Ok(outcome)
}
