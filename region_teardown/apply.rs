// SPDX-License-Identifier: GPL-2.0

//! Carry out the teardown [`super::select`] chooses.

use super::{select::select, Outcome};
use crate::ffi::cxl_region::{self, InUse, Region};
use crate::ownership::{Entry, PhysRange};
use kernel::{device::Device, prelude::*};

/// A CXL region in use, which is never torn down.
pub(crate) struct Busy {
    region: Region,
    why: InUse,
}

impl Busy {
    /// The region's HPA range.
    pub(crate) fn range(&self) -> PhysRange {
        self.region.range()
    }

    /// The region's name.
    pub(crate) fn name(&self) -> &CStr {
        self.region.name()
    }

    /// Why it is in use.
    pub(crate) fn why(&self) -> InUse {
        self.why
    }
}

/// Every CXL region in use now: its DAX region bound, or some of its
/// memory System RAM.
pub(crate) fn regions_in_use() -> Result<KVec<Busy>> {
    let mut busy = KVec::new();
    for region in cxl_region::regions()? {
        if let Some(why) = region.in_use() {
            busy.push(Busy { region, why }, GFP_KERNEL)?;
        }
    }
    Ok(busy)
}

/// Tear down every CXL region that overlaps a Soft Reserved range HMEM owns
/// according to `decided`. `dev` is the device messages are about.
///
/// One `dev_dbg` per region torn down; a region the CXL core refuses to
/// tear down (decoders locked by firmware) gets a warning and stays
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
    };
    for d in doomed.iter() {
        let region = &regions[d.region];
        // Never under memory in use: looked at again right before, and
        // the CXL core refuses System RAM under its own lock (EBUSY).
        let in_use = region.in_use();
        let rc = match in_use {
            Some(_) => Err(EBUSY),
            None => cxl_region::teardown(region, &d.because),
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
            Err(e) if e == EBUSY => dev_info!(
                dev,
                "strict policy: {} {} is in use ({}): not torn down; it overlaps {}, which HMEM \
                 owns\n",
                region.name(),
                region.range(),
                in_use.unwrap_or(InUse::SystemRam),
                d.because
            ),
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
