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

/// The closure of the one walk in progress, or null (`walk_hmem_fn` has no
/// data pointer of its own). A walk takes it by swapping its own closure in
/// for null, and gives it back at its end.
static VISITOR: AtomicPtr<Visitor<'static>> = AtomicPtr::new(core::ptr::null_mut());

/// What a walk calls for each range.
type Visitor<'a> = &'a mut dyn FnMut(SoftReserved) -> Result;

/// `walk_hmem_fn` that hands each range to the closure in VISITOR; its
/// error stops the walk.
///
/// # Safety
///
/// Only for [`for_each_soft_reserved`], which sets VISITOR around the walk;
/// `res` must be valid.
unsafe extern "C" fn visit(
    _host: *mut bindings::device,
    target_nid: kernel::ffi::c_int,
    res: *const bindings::resource,
) -> kernel::ffi::c_int {
    // SAFETY: walk_hmem_resources() passes a valid resource that stays
    // valid for the call, under its hmem_resource_lock.
    let (start, end) = unsafe { ((*res).start, (*res).end) };
    let f = VISITOR.load(Ordering::Acquire);
    debug_assert!(!f.is_null());
    // SAFETY: `for_each_soft_reserved()` stores a pointer to its own
    // closure, alive for the whole walk, and no other walk through `visit`
    // runs until it gives VISITOR back; this runs synchronously within
    // that walk, so nothing else uses the closure.
    let f = unsafe { &mut *f };
    let sr = SoftReserved {
        range: PhysRange::new(start, end),
        target_nid,
    };
    match f(sr) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Call `f` for each range `walk_hmem_resources()` lists for `host` (an
/// `hmem_platform` device), in the order they were registered; the first
/// error `f` returns ends the walk, and is returned.
///
/// `f` runs under the HMEM resource lock, which registering a range takes:
/// it must not register one, nor walk again (it would wait for its own
/// walk forever), and should only record what it is given. A walk that
/// never ends (`f` panics) leaves every later walk waiting.
///
/// There may be several `hmem_platform` devices (the kernel's cxl_test adds
/// a mock one), each resolving on its own: one walk runs at a time, the
/// others sleep until VISITOR is free (a walk is short: a few ranges, at
/// the binding of such a device). It may sleep.
pub fn for_each_soft_reserved(
    host: &kernel::device::Device,
    mut f: impl FnMut(SoftReserved) -> Result,
) -> Result {
    let mut f: Visitor<'_> = &mut f;
    // The lifetime is erased: VISITOR holds the pointer only until the walk
    // below returns, while `f` is alive.
    let mine = (&raw mut f).cast::<Visitor<'static>>();
    while VISITOR
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
    // SAFETY: `host` is a valid device; `visit` matches walk_hmem_fn and
    // only uses VISITOR, this walk's until it is given back below.
    let rc = unsafe { bindings::walk_hmem_resources(host.as_raw(), Some(visit)) };
    VISITOR.store(core::ptr::null_mut(), Ordering::Release);
    kernel::error::to_result(rc)
}
