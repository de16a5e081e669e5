// SPDX-License-Identifier: GPL-2.0

//! Carry out the teardown [`super::select`] chooses.

use super::{select::select, Outcome};
use crate::ffi::cxl_region;
use crate::ownership::{Entry, PhysRange};
use kernel::{device::Device, prelude::*};

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
        match cxl_region::teardown(region, &d.because) {
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
