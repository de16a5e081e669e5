// SPDX-License-Identifier: GPL-2.0

//! The C glue of dax_hmem (`hmem/hmem_glue.c`, declared in
//! `hmem/hmem_glue.h`), behind safe functions.
//!
//! The glue holds only what the Linux 7.3 kernel crate cannot do: a
//! writable module parameter and one of custom `kernel_param_ops` (whose
//! parser and names are here, in Rust), an allocated ordered workqueue
//! (handed out under the glue's mutex, [`with_queue`]), a device
//! attribute, a late initcall, and `cxl_region_contains_resource()`,
//! which the CXL core exports to dax_hmem alone (a kernel crate wrapper
//! would hand it to every module) and makes a static inline stub without
//! CXL regions.

use crate::ownership::{PhysRange, Policy};
use kernel::bindings::workqueue_struct;
use kernel::{
    device::{Bound, Device},
    error::to_result,
    fmt::Write,
    page::PAGE_SIZE,
    prelude::*,
    str::{BStr, Formatter},
    workqueue::Queue,
};

mod raw {
    use super::workqueue_struct;
    // `struct device *` as `void *`: the bindgen type of `struct device`
    // trips the improper_ctypes lint.
    use kernel::ffi::c_void;

    extern "C" {
        pub(super) fn daxo_hmem_region_idle() -> bool;
        pub(super) fn daxo_hmem_policy() -> kernel::ffi::c_int;
        pub(super) fn daxo_hmem_wq_create() -> *mut workqueue_struct;
        pub(super) fn daxo_hmem_wq_destroy();
        pub(super) fn daxo_hmem_wq_lock() -> *mut workqueue_struct;
        pub(super) fn daxo_hmem_wq_unlock();
        pub(super) fn daxo_cxl_region_contains(start: u64, end: u64) -> bool;
        pub(super) fn daxo_hmem_wait_for_initcalls();
        pub(super) fn daxo_hmem_report_add(dev: *mut c_void) -> kernel::ffi::c_int;
    }
}

/// The `region_idle` parameter: create regions without devices, not for kmem.
pub(crate) fn region_idle() -> bool {
    // SAFETY: Reads a module parameter; no preconditions.
    unsafe { raw::daxo_hmem_region_idle() }
}

/// The default of the `ownership` parameter (Kconfig).
const DEFAULT_POLICY: Policy = if cfg!(CONFIG_DEV_DAX_HMEM_RUST_STRICT) {
    Policy::Strict
} else {
    Policy::PerRange
};

/// The glue's value of `policy`, as the parameter stores it.
const fn policy_value(policy: Policy) -> kernel::ffi::c_int {
    match policy {
        Policy::PerRange => 0,
        Policy::Strict => 1,
    }
}

/// The policy the glue's `value` stands for: -1, as never set, is the
/// default.
const fn policy_of(value: kernel::ffi::c_int) -> Policy {
    match value {
        0 => Policy::PerRange,
        1 => Policy::Strict,
        _ => DEFAULT_POLICY,
    }
}

/// The `ownership` parameter (read-only after load).
pub(crate) fn policy() -> Policy {
    // SAFETY: Reads a module parameter; no preconditions.
    policy_of(unsafe { raw::daxo_hmem_policy() })
}

/// `set()` of the `ownership` parameter: the value of the policy named
/// `val` (a trailing newline aside), or -EINVAL after one line saying so.
///
/// # Safety
///
/// `val` must be valid for reads of `len` bytes, as the parameter parser
/// passes.
#[no_mangle]
unsafe extern "C" fn daxo_hmem_policy_parse(val: *const u8, len: usize) -> kernel::ffi::c_int {
    // SAFETY: Caller's duty.
    let val = unsafe { core::slice::from_raw_parts(val, len) };
    let name = val.strip_suffix(b"\n").unwrap_or(val);
    match Policy::from_name(name) {
        Some(p) => policy_value(p),
        None => {
            pr_err!(
                "unknown ownership policy '{}': use 'per-range' or 'strict'\n",
                BStr::from_bytes(val)
            );
            EINVAL.to_errno()
        }
    }
}

/// `get()` of the `ownership` parameter: the name of the policy `value`
/// stands for, into the page `buf`; its length.
///
/// # Safety
///
/// `buf` must be a writable page (PAGE_SIZE bytes), as sysfs passes.
#[no_mangle]
unsafe extern "C" fn daxo_hmem_policy_show(
    value: kernel::ffi::c_int,
    buf: *mut u8,
) -> kernel::ffi::c_int {
    // SAFETY: Caller's duty.
    let page = unsafe { core::slice::from_raw_parts_mut(buf, PAGE_SIZE) };
    let mut out = Formatter::new(&mut page[..PAGE_SIZE - 1]);
    // A name fits in a page.
    let _ = writeln!(out, "{}", policy_of(value).name());
    out.bytes_written() as kernel::ffi::c_int
}

/// Whether one committed CXL region contains all of `range`.
pub(crate) fn cxl_region_contains(range: &PhysRange) -> bool {
    // SAFETY: Takes the CXL region lock itself; any range is valid.
    unsafe { raw::daxo_cxl_region_contains(range.start, range.end) }
}

/// Built in, wait until every initcall has run (drivers/cxl initialises
/// after drivers/dax, so its drivers are not even registered when this
/// module's work first runs); loaded as a module, return at once.
pub(crate) fn wait_for_initcalls() {
    // SAFETY: No preconditions; it may sleep, as its callers may.
    unsafe { raw::daxo_hmem_wait_for_initcalls() }
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

/// Run `f` with the module's queue, locked against its destruction:
/// `None` before module init made it and after module exit began to
/// destroy it.
///
/// `f` runs under the glue's mutex, which probes take: it must not sleep
/// (queueing work does not) nor call `with_queue` again.
pub(crate) fn with_queue<R>(f: impl FnOnce(Option<&Queue>) -> R) -> R {
    // SAFETY: Takes the glue's lock; released below.
    let wq = unsafe { raw::daxo_hmem_wq_lock() };
    let queue = if wq.is_null() {
        None
    } else {
        // SAFETY: The queue is valid while the lock is held: the glue takes
        // it out of its pointer under the lock before destroying it. The
        // reference cannot outlive `f`'s call, for which `f` is generic
        // over its lifetime.
        Some(unsafe { Queue::from_raw(wq) })
    };
    let r = f(queue);
    // SAFETY: The lock taken above.
    unsafe { raw::daxo_hmem_wq_unlock() };
    r
}

impl Drop for HmemQueue {
    fn drop(&mut self) {
        // SAFETY: Destroys the queue `new` made, after flushing what is on
        // it. The glue takes it out of its pointer under the mutex that
        // `with_queue` holds, so no caller still uses it.
        unsafe { raw::daxo_hmem_wq_destroy() };
    }
}

/// Give `dev` the read-only `ownership` attribute until it unbinds
/// (devres removes it, waiting for its readers); its `show()` is
/// `crate::report::show()`.
pub(crate) fn add_report(dev: &Device<Bound>) -> Result {
    // `Device` is a transparent wrapper around `struct device`.
    let raw = core::ptr::from_ref(dev).cast::<kernel::ffi::c_void>();
    // SAFETY: `dev` is valid and bound, as devres needs. The attribute's
    // `show()` is in this module, and goes before it: devres removes the
    // attribute at unbind, and every device of this module's drivers
    // unbinds before module exit returns.
    to_result(unsafe { raw::daxo_hmem_report_add(raw.cast_mut()) })
}

/// `show()` of the `ownership` attribute (hmem_glue.c): the report of
/// `dev` (`crate::report::show()`) into the page `buf`; its length.
///
/// # Safety
///
/// `buf` must be a writable page (PAGE_SIZE bytes), as sysfs passes; `dev`
/// is only compared, never followed.
#[no_mangle]
unsafe extern "C" fn daxo_hmem_ownership_show(
    dev: *const kernel::ffi::c_void,
    buf: *mut u8,
) -> isize {
    // SAFETY: sysfs hands `show()` a zeroed, writable page (caller's duty).
    let page = unsafe { core::slice::from_raw_parts_mut(buf, PAGE_SIZE) };
    // sysfs warns when `show()` returns PAGE_SIZE or more.
    let mut out = Formatter::new(&mut page[..PAGE_SIZE - 1]);
    crate::report::show(dev as usize, &mut out);
    // What did not fit was counted but not written.
    out.bytes_written().min(PAGE_SIZE - 1) as isize
}
