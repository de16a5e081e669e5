// SPDX-License-Identifier: GPL-2.0

//! The `hmem` driver: one DAX region per `hmem.N` device, that is per Soft
//! Reserved range HMEM owns.

use crate::ffi::{
    bindings,
    dax::{self, RegionSpec, Rival},
    soft_reserved::SoftReservedEntry,
};
use crate::glue;
use crate::ownership::PhysRange;
use kernel::{
    device::{Bound, Device, Normal},
    devres,
    prelude::*,
};

/// Probe `hmem.N`: a DAX region over its range, and the device in it.
///
/// # Safety
///
/// Called by the platform bus with a valid `hmem.N` device.
pub(crate) unsafe extern "C" fn probe(pdev: *mut bindings::platform_device) -> kernel::ffi::c_int {
    // SAFETY: The bus passes a valid device, alive for the call; its
    // platform data, when set, is the `struct memregion_info` the resolver
    // attached.
    let (dev, id, info) = unsafe {
        (
            Device::<Normal>::from_raw(&raw mut (*pdev).dev),
            (*pdev).id,
            (*pdev).dev.platform_data.cast::<bindings::memregion_info>(),
        )
    };
    if info.is_null() {
        dev_err!(dev, "no memregion_info: not an hmem device\n");
        return EINVAL.to_errno();
    }
    // SAFETY: Checked non-null; the data lives as long as the device.
    let (range, nid) = unsafe {
        (
            PhysRange::new((*info).range.start, (*info).range.end),
            (*info).target_node,
        )
    };
    // SAFETY: As above; in probe the device is bound to this driver.
    show_soft_reserved(
        unsafe { Device::<Bound>::from_raw(&raw mut (*pdev).dev) },
        &range,
    );
    // An administrative agent wants to partition the range itself: no
    // device, and not for dax_kmem.
    let idle = glue::region_idle();
    let spec = RegionSpec {
        id,
        range,
        nid,
        kmem: !idle,
        dev_size: if idle { 0 } else { range.size() },
        memmap_on_memory: false,
        rival: Rival::Cxl,
    };
    dax::create_or_report(dev, &spec)
}

/// Put `range` back in /proc/iomem as "Soft Reserved" while `dev` is bound
/// (devres removes it at unbind, after the DAX region, which nests in it).
///
/// Best effort: without the entry HMEM still owns the range, only
/// /proc/iomem does not show it, and the CXL core could hand its HPA space
/// to a new region; so say so.
fn show_soft_reserved(dev: &Device<Bound>, range: &PhysRange) {
    let rc = SoftReservedEntry::insert(range).and_then(|e| devres::register(dev, e, GFP_KERNEL));
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
