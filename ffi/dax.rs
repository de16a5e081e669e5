// SPDX-License-Identifier: GPL-2.0

//! DAX regions and devices: `alloc_dax_region()` and `devm_create_dev_dax()`.
//!
//! The DAX core keeps every DAX region in one resource tree, so a second
//! driver asking for an overlapping range fails. `alloc_dax_region()` says
//! only "NULL" for that and for other failures; [`create`] tells them apart
//! and names the owner, so that a conflict is reported as -EBUSY, never as
//! -ENOMEM.

use super::bindings;
use crate::ownership::{claim, Holder, PhysRange, RegionError};
use kernel::{device::Device, prelude::*};

/// The alignment of DAX regions: PMD_SIZE, as the C drivers use.
pub(crate) const ALIGN: u64 = bindings::DAXO_PMD_SIZE as u64;

/// What a DAX region and its first device are made of.
pub(crate) struct RegionSpec {
    /// The region id (memregion id for hmem, region id for CXL).
    pub(crate) id: i32,
    /// The physical range.
    pub(crate) range: PhysRange,
    /// The NUMA node of the memory.
    pub(crate) nid: i32,
    /// Prefer dax_kmem for its devices (IORESOURCE_DAX_KMEM).
    pub(crate) kmem: bool,
    /// Size of the first device: the whole range, or 0 for an idle region.
    pub(crate) dev_size: u64,
    /// Put the memmap of hot-added memory on the memory itself.
    pub(crate) memmap_on_memory: bool,
}

/// Create the DAX region for `dev` and its first device.
///
/// `dev` must be bound to the calling driver and have no driver data: the
/// DAX core keeps the region there, and releases both through devres when
/// `dev` unbinds.
pub(crate) fn create(dev: &Device, spec: &RegionSpec) -> core::result::Result<(), RegionError> {
    let r = spec.range;
    if !claim::is_aligned(&r, ALIGN) {
        return Err(RegionError::Misaligned);
    }
    let me = super::raw_device(dev);
    if let Some((holder, held)) = holder_of(&r, me) {
        return Err(RegionError::Claimed(holder, held));
    }
    let mut range = bindings::range {
        start: r.start,
        end: r.end,
    };
    let flags = if spec.kmem {
        bindings::DAXO_IORESOURCE_DAX_KMEM
    } else {
        0
    };
    // SAFETY: `dev` is a valid, bound device with no driver data (caller's
    // duty); `range` is read during the call only.
    let region = unsafe {
        bindings::alloc_dax_region(
            super::raw_device(dev),
            spec.id,
            &mut range,
            spec.nid,
            ALIGN as u32,
            flags,
        )
    };
    if region.is_null() {
        // Lost a race with another claimant, or really out of memory.
        return Err(match holder_of(&r, me) {
            Some((holder, held)) => RegionError::Claimed(holder, held),
            None => RegionError::NoMemory,
        });
    }
    let mut data = bindings::dev_dax_data {
        dax_region: region,
        size: spec.dev_size,
        id: -1,
        memmap_on_memory: spec.memmap_on_memory,
        ..Default::default()
    };
    // SAFETY: `data` points at the region just allocated for `dev`; the
    // call copies what it needs.
    let dev_dax = unsafe { bindings::devm_create_dev_dax(&mut data) };
    // The device is devres-managed: on error the region goes with `dev`.
    kernel::error::from_err_ptr(dev_dax)
        .map(|_| ())
        .map_err(|_| RegionError::NoMemory)
}

/// Context of the bus walks in [`holder_of`].
struct Search {
    range: PhysRange,
    exclude: *mut bindings::device,
    found: Option<(Holder, PhysRange)>,
}

/// The device name's id after `prefix`, if it has that form.
fn id_after(name: &CStr, prefix: &[u8]) -> Option<i32> {
    let digits = name.to_bytes().strip_prefix(prefix)?;
    let text = core::str::from_utf8(digits).ok()?;
    text.parse().ok()
}

/// Whether `dev` has a driver bound (its DAX region then exists).
///
/// # Safety
///
/// `dev` must be valid.
unsafe fn is_bound(dev: *mut bindings::device) -> bool {
    // SAFETY: Caller's duty; a racy read is fine for this advisory check.
    unsafe { !core::ptr::read_volatile(&raw const (*dev).driver).is_null() }
}

/// `bus_for_each_dev()` callback on the platform bus: finds a bound
/// `hmem.N` whose range overlaps the search.
///
/// # Safety
///
/// `dev` must be a valid device and `data` a `Search`, as the walk passes.
unsafe extern "C" fn match_hmem(
    dev: *mut bindings::device,
    data: *mut kernel::ffi::c_void,
) -> kernel::ffi::c_int {
    // SAFETY: bus_for_each_dev() passes our `Search` and a valid device,
    // referenced for the call.
    let (search, name) = unsafe {
        (
            &mut *data.cast::<Search>(),
            CStr::from_char_ptr(bindings::dev_name(dev)),
        )
    };
    let Some(id) = id_after(name, b"hmem.") else {
        return 0;
    };
    if dev == search.exclude {
        return 0;
    }
    // SAFETY: `hmem.N` platform devices carry a `struct memregion_info`
    // (drivers/dax/hmem), set before they are added.
    let (bound, info) = unsafe {
        (
            is_bound(dev),
            (*dev).platform_data.cast::<bindings::memregion_info>(),
        )
    };
    if !bound || info.is_null() {
        return 0;
    }
    // SAFETY: Checked non-null above; it lives as long as the device.
    let range = unsafe { PhysRange::new((*info).range.start, (*info).range.end) };
    if range.overlaps(&search.range) {
        search.found = Some((Holder::Hmem(id), range));
        return 1;
    }
    0
}

/// `bus_for_each_dev()` callback on the CXL bus: finds a bound
/// `dax_regionN` whose range overlaps the search.
///
/// # Safety
///
/// `dev` must be a valid device and `data` a `Search`, as the walk passes.
#[cfg(CONFIG_CXL_BUS)]
unsafe extern "C" fn match_cxl(
    dev: *mut bindings::device,
    data: *mut kernel::ffi::c_void,
) -> kernel::ffi::c_int {
    // SAFETY: As in `match_hmem`.
    let (search, name) = unsafe {
        (
            &mut *data.cast::<Search>(),
            CStr::from_char_ptr(bindings::dev_name(dev)),
        )
    };
    let Some(id) = id_after(name, b"dax_region") else {
        return 0;
    };
    if dev == search.exclude {
        return 0;
    }
    // SAFETY: `dev` is valid; devices named dax_regionN on the CXL bus are
    // cxl_dax_region devices, so to_cxl_dax_region() accepts it.
    let (bound, cxlr_dax) = unsafe { (is_bound(dev), bindings::to_cxl_dax_region(dev)) };
    if !bound || cxlr_dax.is_null() {
        return 0;
    }
    // SAFETY: Checked non-null; it lives as long as `dev`.
    let range = unsafe { PhysRange::new((*cxlr_dax).hpa_range.start, (*cxlr_dax).hpa_range.end) };
    if range.overlaps(&search.range) {
        search.found = Some((Holder::Cxl(id), range));
        return 1;
    }
    0
}

/// Which driver holds a DAX region over any part of `range`, if any,
/// other than device `exclude`.
pub(crate) fn holder_of(
    range: &PhysRange,
    exclude: *mut bindings::device,
) -> Option<(Holder, PhysRange)> {
    let mut search = Search {
        range: *range,
        exclude,
        found: None,
    };
    let data = (&raw mut search).cast();
    // SAFETY: The buses are static; `search` outlives the walks, whose
    // callbacks match these signatures.
    unsafe {
        bindings::bus_for_each_dev(
            &bindings::platform_bus_type,
            core::ptr::null_mut(),
            data,
            Some(match_hmem),
        );
        #[cfg(CONFIG_CXL_BUS)]
        if search.found.is_none() {
            bindings::bus_for_each_dev(
                &bindings::cxl_bus_type,
                core::ptr::null_mut(),
                data,
                Some(match_cxl),
            );
        }
    }
    search.found
}
