// SPDX-License-Identifier: GPL-2.0

//! Probe of a `cxl_dax_region` device: a DAX region over the CXL region.

use crate::ffi::{
    bindings,
    dax::{self, RegionSpec, Rival},
};
use crate::node;
use crate::ownership::PhysRange;
use kernel::{
    device::{Device, Normal},
    prelude::*,
};

/// The CXL driver's probe callback.
///
/// # Safety
///
/// Called by the CXL bus with a valid `cxl_dax_region` device (the driver
/// binds only devices of type CXL_DEVICE_DAX_REGION).
pub(crate) unsafe extern "C" fn cxl_dax_region_probe(
    dev: *mut bindings::device,
) -> kernel::ffi::c_int {
    // SAFETY: The bus passes a valid cxl_dax_region device, alive for the
    // call; its region outlives it.
    let (device, cxlr_dax) = unsafe {
        (
            Device::<Normal>::from_raw(dev),
            bindings::to_cxl_dax_region(dev),
        )
    };
    if cxlr_dax.is_null() {
        return ENODEV.to_errno();
    }
    // SAFETY: Checked non-null above; `cxlr` is the parent region.
    let (range, region_id) = unsafe {
        (
            PhysRange::new((*cxlr_dax).hpa_range.start, (*cxlr_dax).hpa_range.end),
            (*(*cxlr_dax).cxlr).id,
        )
    };
    // SAFETY: Pure lookups in the NUMA tables.
    let nid = node::choose(
        unsafe { bindings::phys_to_target_node(range.start) },
        || unsafe { bindings::memory_add_physaddr_to_nid(range.start) },
    );
    let spec = RegionSpec {
        id: region_id,
        range,
        nid,
        kmem: true,
        dev_size: range.size(),
        memmap_on_memory: true,
        rival: Rival::Hmem,
    };
    dax::create_or_report(device, &spec)
}
