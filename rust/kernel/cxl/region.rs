// SPDX-License-Identifier: GPL-2.0

//! CXL regions, as a teardown sees them: each region device on the CXL bus
//! with a snapshot of its HPA range, and whether it is in use.
//!
//! The teardown itself, `cxl_region_teardown()`, is exported to `dax_hmem`
//! alone; that driver calls it, not this crate, whose functions any module
//! may call.

use crate::{
    bindings,
    dax::{claim::Holder, region as dax},
    iomem::query,
    range::PhysRange,
};
use kernel::{device::Device, prelude::*, sync::aref::ARef};

/// Why a CXL region is in use, and so never torn down.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InUse {
    /// Its DAX region (`dax_region<id>`) is bound: its DAX devices may be
    /// mapped, or their memory online.
    DaxRegion(i32),
    /// Some of its memory is System RAM (onlined through dax_kmem; it may
    /// stay online after its DAX device is gone).
    SystemRam,
    /// The CXL core found it in use under the region's lock
    /// (cxl_region_teardown() said EBUSY).
    Refused,
}

impl kernel::fmt::Display for InUse {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        match self {
            Self::DaxRegion(id) => write!(f, "its DAX region dax_region{id} is bound"),
            Self::SystemRam => f.write_str("some of its memory is System RAM"),
            Self::Refused => f.write_str("the CXL core found it in use"),
        }
    }
}

/// One CXL region: a reference to its device, and its HPA range and use as
/// they were when [`regions`] looked.
///
/// # Invariants
///
/// `dev` is the device of a `struct cxl_region` (is_cxl_region() said so),
/// referenced.
pub struct Region {
    dev: ARef<Device>,
    range: PhysRange,
    in_use: Option<InUse>,
}

impl Region {
    /// The region's name (`regionN`).
    pub fn name(&self) -> &CStr {
        self.dev.name()
    }

    /// The region's device.
    pub fn device(&self) -> &Device {
        &self.dev
    }

    /// Its HPA range when it was listed.
    pub fn range(&self) -> PhysRange {
        self.range
    }

    /// Whether it was in use when [`regions`] listed it, and why (see
    /// [`Region::in_use_now`]).
    pub fn in_use_when_listed(&self) -> Option<InUse> {
        self.in_use
    }

    /// Whether the region is in use now, and why.
    ///
    /// Advisory, as of the call: a region may come into use right after.
    /// cxl_region_teardown() checks System RAM again under the region lock.
    pub fn in_use_now(&self) -> Option<InUse> {
        if query::intersects_system_ram(&self.range) {
            return Some(InUse::SystemRam);
        }
        match dax::holder_of(&self.range, Some(dax::Rival::Cxl)) {
            Some((Holder::Cxl(id), _)) => Some(InUse::DaxRegion(id)),
            _ => None,
        }
    }
}

/// Where [`collect`] puts what it finds, and the first error.
struct Collector {
    regions: KVec<Region>,
    error: Option<Error>,
}

/// `bus_for_each_dev()` callback on the CXL bus: every region that has
/// HPA space.
///
/// # Safety
///
/// `dev` must be a valid device of the CXL bus and `data` the
/// [`Collector`] of the walk in [`regions`].
unsafe extern "C" fn collect(
    dev: *mut bindings::device,
    data: *mut kernel::ffi::c_void,
) -> kernel::ffi::c_int {
    // SAFETY: `data` is the walk's collector, used by nothing else meanwhile.
    let out = unsafe { &mut *data.cast::<Collector>() };
    // SAFETY: `dev` is a valid device (caller's duty).
    if !unsafe { bindings::is_cxl_region(dev) } {
        return 0;
    }
    // The range is read without the CXL region lock: a snapshot, stale if
    // userspace reconfigures the region meanwhile; cxl_region_teardown()
    // checks it again under the lock.
    // SAFETY: is_cxl_region() said `dev` is the `dev` member of a `struct
    // cxl_region`, which the bus walk keeps alive for the call.
    let hpa = unsafe {
        let cxlr = kernel::container_of!(dev, bindings::cxl_region, dev);
        core::ptr::read_volatile(&raw const (*cxlr).hpa_range)
    };
    // An unsized region has no range yet ({0, 0}) or none any more ({0, -1}).
    if hpa.start == 0 || hpa.start > hpa.end || hpa.end == u64::MAX {
        return 0;
    }
    // INVARIANT: is_cxl_region() said `dev` is a region's; the new reference
    // keeps it.
    let region = Region {
        // SAFETY: `dev` is valid; the new reference keeps it so.
        dev: unsafe { Device::get_device(dev) },
        range: PhysRange::new(hpa.start, hpa.end),
        // Looked at by `regions()`, after the bus walk.
        in_use: None,
    };
    match out.regions.push(region, GFP_KERNEL) {
        Ok(()) => 0,
        Err(e) => {
            out.error = Some(e.into());
            1
        }
    }
}

/// Every CXL region with an HPA range, in bus order, and whether it is in
/// use.
pub fn regions() -> Result<KVec<Region>> {
    let mut out = Collector {
        regions: KVec::new(),
        error: None,
    };
    // SAFETY: The CXL bus is registered while the CXL core is loaded, which
    // this module's use of its symbols guarantees; `collect` matches the
    // callback type and `out` outlives the walk.
    unsafe {
        bindings::bus_for_each_dev(
            &bindings::cxl_bus_type,
            core::ptr::null_mut(),
            (&raw mut out).cast(),
            Some(collect),
        )
    };
    if let Some(e) = out.error {
        return Err(e);
    }
    for region in out.regions.iter_mut() {
        region.in_use = region.in_use_now();
    }
    Ok(out.regions)
}
