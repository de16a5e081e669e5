// SPDX-License-Identifier: GPL-2.0

//! DAX regions and devices: `alloc_dax_region()` and `devm_create_dev_dax()`.
//!
//! The DAX core keeps every DAX region in one resource tree, so a second
//! driver asking for an overlapping range fails. `alloc_dax_region()` says
//! only "NULL" for that and for other failures; [`create`] asks the tree
//! who holds the range (`walk_dax_regions()`), so that a conflict with
//! dax_hmem or dax_cxl is reported as -EBUSY naming the holder, never as
//! -ENOMEM.

use crate::bindings;
#[cfg(daxo_out_of_tree)]
use crate::bindings::DeviceAsRaw as _;
use crate::dax::claim::{self, Holder, RegionError};
use crate::range::PhysRange;
use kernel::{
    device::{Bound, Device},
    prelude::*,
};

/// The alignment of DAX regions: `PMD_SIZE`, as the C drivers use (not a
/// constant on every architecture: book3s64 computes it at boot).
pub fn align() -> u64 {
    // Out of tree (x86-64 only) the bindings have it as a constant.
    #[cfg(daxo_out_of_tree)]
    let size = bindings::PMD_SIZE;
    // SAFETY: No preconditions.
    #[cfg(not(daxo_out_of_tree))]
    let size = unsafe { bindings::dax_pmd_size() };
    size as u64
}

/// The other driver that could hold a DAX region over a range: `dax_hmem`
/// for a CXL region, `dax_cxl` for an HMEM range (Soft Reserved ranges do
/// not overlap one another, nor CXL regions one another).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Rival {
    /// `dax_hmem`, through its `hmem.N` platform devices.
    Hmem,
    /// `dax_cxl`, through its `dax_regionN` CXL devices.
    Cxl,
}

/// What a DAX region and its first device are made of.
pub struct RegionSpec {
    /// The region id (memregion id for hmem, region id for CXL).
    pub id: i32,
    /// The physical range.
    pub range: PhysRange,
    /// The NUMA node of the memory.
    pub nid: i32,
    /// Prefer dax_kmem for its devices (IORESOURCE_DAX_KMEM).
    pub kmem: bool,
    /// Size of the first device: the whole range, or 0 for an idle region.
    pub dev_size: u64,
    /// Put the memmap of hot-added memory on the memory itself.
    pub memmap_on_memory: bool,
    /// Whose DAX region to look for before asking for one.
    pub rival: Rival,
}

/// A device a DAX region can be created for: bound, in its driver's probe,
/// and with no driver data, since the DAX core keeps the region there.
///
/// # Safety
///
/// [`Host::host`] returns a device bound to a driver that keeps nothing in
/// its driver data (no kernel crate `driver::Registration`, whose
/// post-unbind callback would take the DAX core's region for its own).
pub unsafe trait Host {
    /// The device.
    fn host(&self) -> &Device<Bound>;
}

/// Create the DAX region for `host` and its first device; devres releases
/// both when the device unbinds.
pub fn create(host: &impl Host, spec: &RegionSpec) -> core::result::Result<(), RegionError> {
    let dev = host.host();
    let r = spec.range;
    let align = align();
    if !claim::is_aligned(&r, align) {
        return Err(RegionError::Misaligned);
    }
    // Only the rival before (the usual conflict, said as -EBUSY without
    // the DAX core's error line); either after a failure. (`dev` itself
    // holds no region: `Host`.)
    if let Some((holder, held)) = holder_of(&r, Some(spec.rival)) {
        return Err(RegionError::Claimed(holder, held));
    }
    let mut range = bindings::range {
        start: r.start,
        end: r.end,
    };
    let flags = if spec.kmem {
        bindings::IORESOURCE_DAX_KMEM
    } else {
        0
    };
    // SAFETY: `dev` is a valid, bound device with no driver data (`Host`);
    // `range` is read during the call only.
    let region = unsafe {
        bindings::alloc_dax_region(
            dev.as_raw(),
            spec.id,
            &mut range,
            spec.nid,
            align as u32,
            flags,
        )
    };
    if region.is_null() {
        // Lost a race with another claimant, or really out of memory.
        return Err(match holder_of(&r, None) {
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
        .map_err(RegionError::Device)
}

/// [`create`], for a probe: on failure one line says why, and the error is
/// [`RegionError::to_error`]'s.
pub fn create_or_report(host: &impl Host, spec: &RegionSpec) -> Result {
    create(host, spec).map_err(|e| {
        report(host.host(), &spec.range, e);
        e.to_error()
    })
}

/// Say in one line why `dev` got no DAX region over `range`.
pub fn report(dev: &Device, range: &PhysRange, e: RegionError) {
    let range = *range;
    match e {
        RegionError::Claimed(holder, held) => dev_info!(
            dev,
            "{} is owned by {} ({}, {}): not creating a DAX region (-EBUSY)\n",
            range,
            holder.owner(),
            holder,
            held
        ),
        RegionError::Misaligned => dev_err!(
            dev,
            "{} is not aligned to {} KiB: no DAX region\n",
            range,
            align() >> 10
        ),
        RegionError::NoMemory => {
            dev_err!(
                dev,
                "cannot create a DAX region for {}: out of memory\n",
                range
            )
        }
        RegionError::Device(e) => {
            dev_err!(dev, "cannot create the DAX device for {}: {:?}\n", range, e)
        }
    }
}

/// Context of the walk in [`holder_of`].
struct Search {
    rival: Option<Rival>,
    found: Option<(Holder, PhysRange)>,
}

/// Which driver holds the DAX region allocated for `dev`, told by its bus:
/// dax_hmem allocates them for its `hmem.N` platform devices (the only DAX
/// regions on the platform bus), dax_cxl for its `dax_regionN` CXL devices;
/// `id` is the region id they pass, N in both. `None` for other buses
/// (device-dax over persistent memory).
///
/// # Safety
///
/// `dev` must be a valid device.
unsafe fn holder(dev: *const bindings::device, id: i32) -> Option<Holder> {
    // SAFETY: Caller's duty; a device's bus is set before it is added and
    // never changes.
    let bus = unsafe { (*dev).bus };
    if core::ptr::eq(bus, &raw const bindings::platform_bus_type) {
        return Some(Holder::Hmem(id));
    }
    #[cfg(all(CONFIG_CXL_REGION, any(daxo_out_of_tree, CONFIG_CXL_BUS = "y")))]
    if core::ptr::eq(bus, &raw const bindings::cxl_bus_type) {
        return Some(Holder::Cxl(id));
    }
    None
}

/// The driver a holder is, as a [`Rival`] of the other.
fn rival(holder: Holder) -> Rival {
    match holder {
        Holder::Hmem(_) => Rival::Hmem,
        Holder::Cxl(_) => Rival::Cxl,
    }
}

/// `walk_dax_regions()` callback: record the first DAX region of the
/// holder sought, and stop there.
///
/// # Safety
///
/// As `walk_dax_regions()` calls it: `dev` and `range` valid for the call
/// (the DAX core's region tree lock is held), `data` our `Search`.
unsafe extern "C" fn visit(
    dev: *const bindings::device,
    id: kernel::ffi::c_int,
    range: *const bindings::range,
    data: *mut kernel::ffi::c_void,
) -> kernel::ffi::c_int {
    // SAFETY: `holder_of()` passes its `Search`; `range` is valid for the
    // call.
    let (search, range) = unsafe { (&mut *data.cast::<Search>(), &*range) };
    // SAFETY: `dev` is valid for the call.
    match unsafe { holder(dev, id) } {
        Some(h) if search.rival.is_none_or(|r| r == rival(h)) => {
            search.found = Some((h, PhysRange::new(range.start, range.end)));
            1
        }
        _ => 0,
    }
}

/// Which driver holds a DAX region over any part of `range`, if any: only
/// `rival`, or either when `None`; `None` for an empty range. The DAX
/// core's region tree answers (`walk_dax_regions()`): the device a region
/// in it was allocated for is probing or bound. Regions of other drivers
/// (device-dax over persistent memory) name no holder.
///
/// # Context
///
/// Process context: it takes the DAX core's region tree mutex, which
/// unbinding a region's device takes under that device's lock.
pub fn holder_of(range: &PhysRange, rival: Option<Rival>) -> Option<(Holder, PhysRange)> {
    if !range.is_valid() {
        return None;
    }
    let mut search = Search { rival, found: None };
    let r = bindings::range {
        start: range.start,
        end: range.end,
    };
    // SAFETY: `r` and `search` outlive the walk, whose callback matches
    // `dax_region_visit_fn` and takes `search` as its data.
    unsafe { bindings::walk_dax_regions(&r, Some(visit), (&raw mut search).cast()) };
    search.found
}
