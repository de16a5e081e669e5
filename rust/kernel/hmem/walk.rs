// SPDX-License-Identifier: GPL-2.0

//! The Soft Reserved ranges `device_hmem` collected at boot.

use crate::bindings;
#[cfg(daxo_out_of_tree)]
use crate::bindings::DeviceAsRaw as _;
use crate::range::PhysRange;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use kernel::prelude::*;

/// One Soft Reserved range from `walk_hmem_resources()`.
#[derive(Clone, Copy, Debug)]
pub struct SoftReserved {
    /// The range.
    pub range: PhysRange,
    /// The NUMA node firmware gave it (may be offline or NUMA_NO_NODE).
    pub target_nid: i32,
}

/// Where the walk callback puts what it finds; set only during a walk, by
/// the holder of WALK (`walk_hmem_fn` has no data pointer of its own).
static COLLECTOR: AtomicPtr<KVec<SoftReserved>> = AtomicPtr::new(core::ptr::null_mut());

kernel::sync::global_lock! {
    // SAFETY: Initialised by `init()`, whose callers make it before any
    // walk.
    unsafe(uninit) static WALK: Mutex<()> = ();
}

/// Whether WALK is initialised: built in, the first `init()` does it, and a
/// module loaded again must not do it twice.
static WALK_READY: AtomicBool = AtomicBool::new(false);

/// Make [`soft_reserved_ranges`] ready: initialise its lock, the first
/// time only.
///
/// # Safety
///
/// Called before any [`soft_reserved_ranges`], and never concurrently with
/// it or with another `init()` (a module init does it, before it registers
/// the drivers that walk).
pub unsafe fn init() {
    if !WALK_READY.swap(true, Ordering::AcqRel) {
        // SAFETY: The first call (WALK_READY), before any walk and alone
        // (caller's duty): WALK is initialised once, and before any use.
        unsafe { WALK.init() };
    }
}

/// `walk_hmem_fn` that appends each range to the vector in COLLECTOR.
///
/// # Safety
///
/// Only for `soft_reserved_ranges()`, which sets COLLECTOR around the walk;
/// `res` must be valid.
unsafe extern "C" fn collect(
    _host: *mut bindings::device,
    target_nid: kernel::ffi::c_int,
    res: *const bindings::resource,
) -> kernel::ffi::c_int {
    // SAFETY: walk_hmem_resources() passes a valid resource that stays
    // valid for the call, under its hmem_resource_lock.
    let (start, end) = unsafe { ((*res).start, (*res).end) };
    let out = COLLECTOR.load(Ordering::Acquire);
    // SAFETY: `soft_reserved_ranges()` stores a pointer to its own vector,
    // alive for the whole walk, while it holds WALK; the callback runs
    // synchronously within that walk, so nothing else uses the vector.
    let out = unsafe { &mut *out };
    let sr = SoftReserved {
        range: PhysRange::new(start, end),
        target_nid,
    };
    match out.push(sr, GFP_KERNEL) {
        Ok(()) => 0,
        Err(_) => ENOMEM.to_errno(),
    }
}

/// The ranges `walk_hmem_resources()` lists for `host` (an `hmem_platform`
/// device), in the order they were registered.
///
/// There may be several `hmem_platform` devices (the kernel's cxl_test adds
/// a mock one), each resolving on its own: WALK serialises their walks, and
/// with them the use of COLLECTOR.
pub fn soft_reserved_ranges(host: &kernel::device::Device) -> Result<KVec<SoftReserved>> {
    let mut ranges = KVec::with_capacity(4, GFP_KERNEL)?;
    let _walk = WALK.lock();
    COLLECTOR.store(&raw mut ranges, Ordering::Release);
    // SAFETY: `host` is a valid device; `collect` matches walk_hmem_fn and
    // only uses COLLECTOR, set just above for the duration of the walk.
    let rc = unsafe { bindings::walk_hmem_resources(host.as_raw(), Some(collect)) };
    COLLECTOR.store(core::ptr::null_mut(), Ordering::Release);
    kernel::error::to_result(rc)?;
    Ok(ranges)
}
