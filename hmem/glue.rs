// SPDX-License-Identifier: GPL-2.0

//! The C glue of this module (`hmem_glue.c`, declared in `hmem_glue.h`),
//! behind safe functions.

use crate::ownership::{PhysRange, Policy};
use kernel::workqueue::Queue;

mod raw {
    use kernel::bindings::workqueue_struct;

    extern "C" {
        pub(super) fn daxo_hmem_region_idle() -> bool;
        pub(super) fn daxo_hmem_policy() -> kernel::ffi::c_int;
        pub(super) fn daxo_hmem_wq_create() -> *mut workqueue_struct;
        pub(super) fn daxo_hmem_wq_destroy();
        pub(super) fn daxo_hmem_wq() -> *mut workqueue_struct;
        pub(super) fn daxo_hmem_request_cxl_modules();
        pub(super) fn daxo_hmem_cxl_enabled() -> bool;
        pub(super) fn daxo_cxl_region_contains(start: u64, end: u64) -> bool;
        pub(super) fn daxo_hmem_wait_for_cxl_probe();
    }
}

/// The `region_idle` parameter: create regions without devices, not for kmem.
pub(crate) fn region_idle() -> bool {
    // SAFETY: Reads a module parameter; no preconditions.
    unsafe { raw::daxo_hmem_region_idle() }
}

/// The `ownership` parameter (read-only after load; validated by the glue).
pub(crate) fn policy() -> Policy {
    // SAFETY: Reads a module parameter; no preconditions.
    match unsafe { raw::daxo_hmem_policy() } {
        1 => Policy::Strict,
        _ => Policy::PerRange,
    }
}

/// Whether a CXL DAX driver is configured, so that ranges meeting CXL
/// windows are worth waiting for.
pub(crate) fn cxl_enabled() -> bool {
    // SAFETY: A compile-time answer; no preconditions.
    unsafe { raw::daxo_hmem_cxl_enabled() }
}

/// Load cxl_acpi and cxl_pci, so that CXL discovery starts before the
/// Soft Reserved ranges are looked at.
pub(crate) fn request_cxl_modules() {
    // SAFETY: Called from module init, where request_module() may sleep.
    unsafe { raw::daxo_hmem_request_cxl_modules() }
}

/// Whether one committed CXL region contains all of `range`.
pub(crate) fn cxl_region_contains(range: &PhysRange) -> bool {
    // SAFETY: Takes the CXL region lock itself; any range is valid.
    unsafe { raw::daxo_cxl_region_contains(range.start, range.end) }
}

/// Wait until CXL has had its chance to probe: device probing quiet and,
/// built in, every initcall run first (drivers/cxl initialises after
/// drivers/dax, so its drivers are not even registered when this module's
/// work first runs).
pub(crate) fn wait_for_cxl_probe() {
    // SAFETY: Called from a work item, holding no lock; it may sleep.
    unsafe { raw::daxo_hmem_wait_for_cxl_probe() }
}

/// Ownership of the module's ordered workqueue, which
/// `dax_hmem_flush_work()` flushes; the glue keeps the pointer.
pub(crate) struct HmemQueue {
    _private: (),
}

impl HmemQueue {
    /// Allocate the queue (once, at module init).
    pub(crate) fn new() -> kernel::error::Result<Self> {
        // SAFETY: Called once, from module init.
        let wq = unsafe { raw::daxo_hmem_wq_create() };
        if wq.is_null() {
            return Err(kernel::error::code::ENOMEM);
        }
        Ok(Self { _private: () })
    }
}

/// The module's queue, to enqueue work items on.
///
/// # Safety
///
/// The caller is a callback of one of this module's drivers (a probe),
/// and does not keep the reference past its return. Such callbacks run
/// only while the drivers are registered, which is while the queue exists:
/// it is made before the drivers are registered and destroyed after they
/// are unregistered. Before module init and after exit the glue's pointer
/// is NULL.
pub(crate) unsafe fn queue() -> &'static Queue {
    // SAFETY: By the caller's promise the queue exists, and is not
    // destroyed before the caller returns.
    unsafe { Queue::from_raw(raw::daxo_hmem_wq()) }
}

impl Drop for HmemQueue {
    fn drop(&mut self) {
        // SAFETY: Destroys the queue `new` made, after flushing what is on
        // it; nothing enqueues after the drivers are unregistered.
        unsafe { raw::daxo_hmem_wq_destroy() };
    }
}
