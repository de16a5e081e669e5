// SPDX-License-Identifier: GPL-2.0

//! "Soft Reserved" back in `/proc/iomem` while HMEM owns a range.
//!
//! At boot the kernel sets Soft Reserved ranges aside in a tree of their
//! own (`soft_reserve_resource`), out of `iomem_resource`; Linux 7.3's
//! dax_hmem leaves putting them back as a TODO. Without an entry, nothing
//! in `iomem_resource` says the range is taken, and the CXL core would
//! hand its HPA space to a new region. [`SoftReservedEntry`] puts the
//! range back (not busy, so DAX and kmem requests nest beneath it) for as
//! long as it lives.

use crate::bindings;
use crate::range::PhysRange;
use core::ptr::NonNull;
use kernel::prelude::*;

/// A "Soft Reserved" entry in `iomem_resource`, removed on drop.
///
/// # Invariants
///
/// `res` is a resource [`SoftReservedEntry::insert`] allocated (a leaked
/// `KBox`) and inserted into the iomem tree; it stays there until drop.
pub struct SoftReservedEntry {
    res: NonNull<bindings::resource>,
}

// SAFETY: The resource is only inserted and removed, under the resource
// tree's own lock, which any thread may do.
unsafe impl Send for SoftReservedEntry {}
// SAFETY: No method reads through the pointer.
unsafe impl Sync for SoftReservedEntry {}

impl SoftReservedEntry {
    /// Insert `[mem range] Soft Reserved` where it fits in the iomem tree,
    /// under the CXL window it lies in, if any.
    ///
    /// Fails with `EBUSY` when an existing entry overlaps part of the range
    /// (or is exactly the range), `ENOMEM` when out of memory.
    pub fn insert(range: &PhysRange) -> Result<Self> {
        let res = KBox::new(
            bindings::resource {
                start: range.start,
                end: range.end,
                name: c"Soft Reserved".as_char_ptr(),
                flags: bindings::IORESOURCE_MEM as kernel::ffi::c_ulong,
                desc: bindings::IORES_DESC_SOFT_RESERVED as kernel::ffi::c_ulong,
                ..Default::default()
            },
            GFP_KERNEL,
        )?;
        let res = NonNull::from(KBox::leak(res));
        // Inside a CXL window, under that window: a range exactly the size
        // of the window would otherwise become the window's parent, and the
        // window would still look free to the CXL core.
        let rc = match place_in_cxl_window(res.as_ptr()) {
            Some(rc) => rc,
            // SAFETY: `res` is a valid, unlinked resource with a static
            // name; iomem_resource is the static root, locked by the call.
            None => unsafe {
                bindings::insert_resource(&raw mut bindings::iomem_resource, res.as_ptr())
            },
        };
        if rc == 0 {
            // INVARIANT: `res` is the leaked box, inserted.
            return Ok(Self { res });
        }
        // SAFETY: `res` came from KBox::leak above and was not inserted.
        drop(unsafe { KBox::from_raw(res.as_ptr()) });
        Err(Error::from_errno(rc))
    }
}

/// Insert `entry` under the CXL window that contains it: the insertion's
/// result, or `None` when no window contains it.
#[cfg(any(all(daxo_out_of_tree, CONFIG_CXL_BUS), CONFIG_CXL_BUS = "y"))]
fn place_in_cxl_window(entry: *mut bindings::resource) -> Option<kernel::ffi::c_int> {
    let mut place = Placement { entry, rc: None };
    // SAFETY: The CXL bus is registered while the CXL core, whose symbols
    // this code uses, is there; `in_window` matches the callback type and
    // `place` outlives the walk.
    unsafe {
        bindings::bus_for_each_dev(
            &bindings::cxl_bus_type,
            core::ptr::null_mut(),
            (&raw mut place).cast(),
            Some(in_window),
        )
    };
    place.rc
}

/// Without the CXL core there is no CXL window.
#[cfg(not(any(all(daxo_out_of_tree, CONFIG_CXL_BUS), CONFIG_CXL_BUS = "y")))]
fn place_in_cxl_window(_entry: *mut bindings::resource) -> Option<kernel::ffi::c_int> {
    None
}

/// The entry being placed, and the result once a CXL window took it.
#[cfg(any(all(daxo_out_of_tree, CONFIG_CXL_BUS), CONFIG_CXL_BUS = "y"))]
struct Placement {
    entry: *mut bindings::resource,
    rc: Option<kernel::ffi::c_int>,
}

/// `bus_for_each_dev()` callback on the CXL bus: insert the entry under the
/// first CXL window (root decoder resource) that contains it.
///
/// A window belongs to cxl_acpi (its platform device is the parent of the
/// root port, the root decoders' parent), which frees it through devres
/// when it unbinds: the window is only looked at with that device locked
/// and bound, as the driver core holds the lock while it releases devres.
///
/// # Safety
///
/// `dev` must be a valid device of the CXL bus and `data` the
/// [`Placement`] of the walk in [`SoftReservedEntry::insert`].
#[cfg(any(all(daxo_out_of_tree, CONFIG_CXL_BUS), CONFIG_CXL_BUS = "y"))]
unsafe extern "C" fn in_window(
    dev: *mut bindings::device,
    data: *mut kernel::ffi::c_void,
) -> kernel::ffi::c_int {
    // SAFETY: `data` is the walk's placement, used by nothing else meanwhile.
    let place = unsafe { &mut *data.cast::<Placement>() };
    // SAFETY: `dev` is valid for the call (caller's duty).
    if !unsafe { bindings::is_root_decoder(dev) } {
        return 0;
    }
    // SAFETY: A root decoder's parent is its root port, whose parent is the
    // device that registered the root (cxl_acpi's); parents outlive their
    // children, which the walk's reference keeps alive.
    let host = unsafe {
        let port = (*dev).parent;
        if port.is_null() {
            return 0;
        }
        (*port).parent
    };
    if host.is_null() {
        return 0;
    }
    // SAFETY: `host` is valid (above); its mutex is initialised with it.
    // The matching unlock is below, on every path.
    unsafe { bindings::mutex_lock(&raw mut (*host).mutex) };
    // SAFETY: Read under the device lock, which the driver core holds
    // while it binds and unbinds (and releases devres).
    let rc = if unsafe { (*host).driver.is_null() } {
        // cxl_acpi is gone or going: its windows with it.
        0
    } else {
        // SAFETY: With cxl_acpi bound, the root decoder and its window
        // resource (devres of cxl_acpi) stay alive while the lock is held;
        // its bounds are fixed.
        unsafe { insert_under(place, (*bindings::to_cxl_root_decoder(dev)).res) }
    };
    // SAFETY: Locked above on this task.
    unsafe { bindings::mutex_unlock(&raw mut (*host).mutex) };
    rc
}

/// Insert `place.entry` under `window` if the window contains it; 1 when
/// done (the walk stops), 0 to go on.
///
/// # Safety
///
/// `window` must be null or a live resource in the iomem tree, and
/// `place.entry` a valid, unlinked resource.
#[cfg(any(all(daxo_out_of_tree, CONFIG_CXL_BUS), CONFIG_CXL_BUS = "y"))]
unsafe fn insert_under(place: &mut Placement, window: *mut bindings::resource) -> i32 {
    if window.is_null() {
        return 0;
    }
    // SAFETY: Both valid (caller's duty).
    let fits =
        unsafe { (*window).start <= (*place.entry).start && (*place.entry).end <= (*window).end };
    if !fits {
        return 0;
    }
    // SAFETY: As above; insert_resource() takes the resource lock.
    place.rc = Some(unsafe { bindings::insert_resource(window, place.entry) });
    1
}

impl Drop for SoftReservedEntry {
    fn drop(&mut self) {
        // SAFETY: `res` was inserted by `insert` and is removed once, here;
        // remove_resource() hands its children to its parent.
        unsafe { bindings::remove_resource(self.res.as_ptr()) };
        // SAFETY: `res` came from KBox::leak in `insert` and is unlinked.
        drop(unsafe { KBox::from_raw(self.res.as_ptr()) });
    }
}
