// SPDX-License-Identifier: GPL-2.0

//! DAX regions and devices: `alloc_dax_region()` and `devm_create_dev_dax()`.
//!
//! The DAX core keeps every DAX region in one resource tree, so a second
//! driver asking for an overlapping range fails. `alloc_dax_region()` says
//! only "NULL" for that and for other failures; [`create`] tells them apart
//! and names the owner, so that a conflict is reported as -EBUSY, never as
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
    let me: &Device = dev;
    // Only the rival's bus before (the usual conflict, said as -EBUSY
    // without the DAX core's error line); every bus after a failure.
    if let Some((holder, held)) = holder_of(&r, Some(me), Some(spec.rival)) {
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
        return Err(match holder_of(&r, Some(me), None) {
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

/// One device of a bus walk: when it is named `<prefix><id>`, is not the
/// excluded device, is bound and covers part of the search, record it.
///
/// # Safety
///
/// `dev` must be a valid device and `data` a `Search`, as the walk passes;
/// `range_of` must be safe to call on a bound device so named.
unsafe fn visit(
    dev: *mut bindings::device,
    data: *mut kernel::ffi::c_void,
    prefix: &[u8],
    holder: fn(i32) -> Holder,
    range_of: unsafe fn(*mut bindings::device) -> Option<PhysRange>,
) -> kernel::ffi::c_int {
    // SAFETY: bus_for_each_dev() passes our `Search` and a valid device,
    // referenced for the call.
    let (search, name) = unsafe {
        (
            &mut *data.cast::<Search>(),
            CStr::from_char_ptr(bindings::dev_name(dev)),
        )
    };
    let Some(id) = id_after(name, prefix) else {
        return 0;
    };
    // SAFETY: `dev` is valid; `range_of` suits devices so named.
    if dev == search.exclude || !unsafe { is_bound(dev) } {
        return 0;
    }
    // SAFETY: As above.
    match unsafe { range_of(dev) } {
        Some(range) if range.overlaps(&search.range) => {
            search.found = Some((holder(id), range));
            1
        }
        _ => 0,
    }
}

/// The range of an `hmem.N` device, from its `struct memregion_info`
/// (drivers/dax/hmem sets it before adding the device).
///
/// # Safety
///
/// `dev` must be a valid `hmem.N` platform device.
unsafe fn hmem_range(dev: *mut bindings::device) -> Option<PhysRange> {
    // SAFETY: Caller's duty; the data lives as long as the device.
    unsafe {
        let info = (*dev).platform_data.cast::<bindings::memregion_info>();
        (!info.is_null()).then(|| PhysRange::new((*info).range.start, (*info).range.end))
    }
}

/// The range of a `dax_regionN` device: its CXL region's HPA range.
///
/// # Safety
///
/// `dev` must be a valid `cxl_dax_region` device.
#[cfg(all(CONFIG_CXL_REGION, any(daxo_out_of_tree, CONFIG_CXL_BUS = "y")))]
unsafe fn cxl_range(dev: *mut bindings::device) -> Option<PhysRange> {
    // SAFETY: Caller's duty: to_cxl_dax_region() accepts the device, and
    // the result lives as long as it.
    unsafe {
        let cxlr_dax = bindings::to_cxl_dax_region(dev);
        (!cxlr_dax.is_null())
            .then(|| PhysRange::new((*cxlr_dax).hpa_range.start, (*cxlr_dax).hpa_range.end))
    }
}

/// `bus_for_each_dev()` callback on the platform bus: bound `hmem.N`.
///
/// # Safety
///
/// As for [`visit`].
unsafe extern "C" fn match_hmem(
    dev: *mut bindings::device,
    data: *mut kernel::ffi::c_void,
) -> kernel::ffi::c_int {
    // SAFETY: Platform devices named hmem.N are dax_hmem's.
    unsafe { visit(dev, data, b"hmem.", Holder::Hmem, hmem_range) }
}

/// `bus_for_each_dev()` callback on the CXL bus: bound `dax_regionN`.
///
/// # Safety
///
/// As for [`visit`].
#[cfg(all(CONFIG_CXL_REGION, any(daxo_out_of_tree, CONFIG_CXL_BUS = "y")))]
unsafe extern "C" fn match_cxl(
    dev: *mut bindings::device,
    data: *mut kernel::ffi::c_void,
) -> kernel::ffi::c_int {
    // SAFETY: CXL devices named dax_regionN are cxl_dax_region devices.
    unsafe { visit(dev, data, b"dax_region", Holder::Cxl, cxl_range) }
}

/// Which driver holds a DAX region over any part of `range`, if any,
/// other than device `exclude`: only `rival`, or either when `None`.
pub fn holder_of(
    range: &PhysRange,
    exclude: Option<&Device>,
    rival: Option<Rival>,
) -> Option<(Holder, PhysRange)> {
    let mut search = Search {
        range: *range,
        exclude: exclude.map_or(core::ptr::null_mut(), |d| d.as_raw()),
        found: None,
    };
    let data = (&raw mut search).cast();
    // SAFETY: The buses are static; `search` outlives the walks, whose
    // callbacks match these signatures.
    unsafe {
        if rival != Some(Rival::Cxl) {
            bindings::bus_for_each_dev(
                &bindings::platform_bus_type,
                core::ptr::null_mut(),
                data,
                Some(match_hmem),
            );
        }
        #[cfg(all(CONFIG_CXL_REGION, any(daxo_out_of_tree, CONFIG_CXL_BUS = "y")))]
        if search.found.is_none() && rival != Some(Rival::Hmem) {
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
