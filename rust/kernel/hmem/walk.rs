// SPDX-License-Identifier: GPL-2.0

//! The Soft Reserved ranges `device_hmem` collected at boot.

use crate::bindings;
#[cfg(daxo_out_of_tree)]
use crate::bindings::DeviceAsRaw as _;
use crate::range::PhysRange;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::prelude::*;

/// One Soft Reserved range from `walk_hmem_resources()`.
#[derive(Clone, Copy, Debug)]
pub struct SoftReserved {
    /// The range.
    pub range: PhysRange,
    /// The NUMA node firmware gave it (may be offline or NUMA_NO_NODE).
    pub target_nid: i32,
}

/// Where the walk callback puts what it finds: the vector of the one walk
/// in progress, or null (`walk_hmem_fn` has no data pointer of its own).
/// A walk takes it by swapping its own vector in for null, and gives it
/// back at its end.
static COLLECTOR: AtomicPtr<KVec<SoftReserved>> = AtomicPtr::new(core::ptr::null_mut());

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
    // alive for the whole walk, and no other walk runs until it gives
    // COLLECTOR back; the callback runs synchronously within that walk, so
    // nothing else uses the vector.
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
/// a mock one), each resolving on its own: one walk runs at a time, the
/// others sleep until COLLECTOR is free (a walk is short: a few ranges, at
/// the binding of such a device). It may sleep.
pub fn soft_reserved_ranges(host: &kernel::device::Device) -> Result<KVec<SoftReserved>> {
    let mut ranges = KVec::with_capacity(4, GFP_KERNEL)?;
    let mine: *mut KVec<SoftReserved> = &raw mut ranges;
    while COLLECTOR
        .compare_exchange(
            core::ptr::null_mut(),
            mine,
            Ordering::AcqRel,
            Ordering::Acquire,
        )
        .is_err()
    {
        kernel::time::delay::fsleep(kernel::time::Delta::from_millis(1));
    }
    // SAFETY: `host` is a valid device; `collect` matches walk_hmem_fn and
    // only uses COLLECTOR, this walk's until it is given back below.
    let rc = unsafe { bindings::walk_hmem_resources(host.as_raw(), Some(collect)) };
    COLLECTOR.store(core::ptr::null_mut(), Ordering::Release);
    kernel::error::to_result(rc)?;
    Ok(ranges)
}
