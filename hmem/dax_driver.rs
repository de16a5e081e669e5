// SPDX-License-Identifier: GPL-2.0

//! The `hmem` driver: one DAX region per `hmem.N` device, that is per Soft
//! Reserved range HMEM owns.

use crate::dax::region::{self as dax, RegionSpec, Rival};
use crate::glue as hmem_glue;
use crate::hmem::driver::{self as hmem_driver, HmemRange};
use crate::iomem::soft_reserved::SoftReservedEntry;
use crate::range::PhysRange;
use kernel::{
    device::{Bound, Device},
    devres,
    prelude::*,
};

/// The driver of `hmem.N` devices.
pub(crate) struct HmemDaxDriver;

impl hmem_driver::Driver for HmemDaxDriver {
    /// A DAX region over the device's range, and the device in it.
    fn probe(hmem: &HmemRange<'_>) -> Result {
        let range = hmem.range();
        show_soft_reserved(hmem.device(), range);
        // An administrative agent wants to partition the range itself: no
        // device, and not for dax_kmem.
        let idle = hmem_glue::region_idle();
        let spec = RegionSpec {
            id: hmem.id(),
            range,
            nid: hmem.target_node(),
            kmem: !idle,
            dev_size: if idle { 0 } else { range.size() },
            memmap_on_memory: false,
            rival: Rival::Cxl,
        };
        dax::create_or_report(hmem, &spec)
    }
}

/// Put `range` back in /proc/iomem as "Soft Reserved" while `dev` is bound
/// (devres removes it at unbind, after the DAX region, which nests in it).
///
/// Best effort: without the entry HMEM still owns the range, only
/// /proc/iomem does not show it, and the CXL core could hand its HPA space
/// to a new region; so say so.
fn show_soft_reserved(host: &Device<Bound>, range: PhysRange) {
    let rc = SoftReservedEntry::insert(&range).and_then(|e| devres::register(host, e, GFP_KERNEL));
    let dev: &Device = host;
    match rc {
        Ok(()) => {}
        Err(e) if e == EBUSY => dev_warn!(
            dev,
            "{} not shown as Soft Reserved in /proc/iomem: another entry overlaps it\n",
            range
        ),
        Err(e) => dev_warn!(
            dev,
            "{} not shown as Soft Reserved in /proc/iomem ({:?})\n",
            range,
            e
        ),
    }
}
