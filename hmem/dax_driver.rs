// SPDX-License-Identifier: GPL-2.0

//! The `hmem` driver: one DAX region per `hmem.N` device, that is per Soft
//! Reserved range HMEM owns.

use crate::ffi::{
    bindings,
    dax::{self, RegionSpec},
};
use crate::glue;
use crate::ownership::{PhysRange, RegionError};
use kernel::{
    device::{Device, Normal},
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
    };
    match dax::create(dev, &spec) {
        Ok(()) => 0,
        Err(e) => {
            report(dev, &range, e);
            e.to_error().to_errno()
        }
    }
}

/// One line saying why `range` got no DAX region.
fn report(dev: &Device, range: &PhysRange, e: RegionError) {
    match e {
        RegionError::Misaligned => dev_err!(
            dev,
            "{} is not aligned to {} KiB: no DAX region\n",
            range,
            dax::ALIGN >> 10
        ),
        RegionError::Claimed(holder, held) => dev_info!(
            dev,
            "{} is already owned by {} {}: not creating a DAX region (-EBUSY)\n",
            range,
            holder,
            held
        ),
        RegionError::NoMemory => {
            dev_err!(
                dev,
                "cannot create a DAX region for {}: out of memory\n",
                range
            )
        }
    }
}
