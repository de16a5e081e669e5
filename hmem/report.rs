// SPDX-License-Identifier: GPL-2.0

//! The ownership report: `/sys/bus/platform/devices/hmem_platform.N/ownership`.
//!
//! One per `hmem_platform` device (the kernel's cxl_test registers a mock
//! `hmem_platform.1` beside `.0`), with one line per Soft Reserved range
//! the last resolution of that device decided:
//!
//! ```text
//! 0x390000000-0x39fffffff region0 per-range contained by a committed CXL region
//! 0x3b0000000-0x3bfffffff hmem.1 per-range not fully contained by a committed CXL region
//! ```
//!
//! that is: the range, who holds its DAX region now (`regionN` for a CXL
//! region's, `hmem.N` for HMEM's, `none`), the policy, and why the range
//! went to its owner. The holder is looked up when the file is read, so a
//! range handed back to CXL (`hmem.N` unbound, a region created over it)
//! shows its new holder.

use crate::ffi::{self, bindings};
use crate::ownership::{Entry, Holder, Ledger, Owner, Policy, Rejection};
use kernel::{device::Device, fmt::Write, prelude::*};

/// A copy of one device's last resolution, for readers of its attribute.
///
/// The resolver's own state lives under the `hmem_platform` device lock,
/// which `show()` must not take: the attribute is removed under that lock,
/// and removal waits for readers.
struct Snapshot {
    /// The `hmem_platform` device, as an address: only compared, never
    /// followed.
    dev: usize,
    policy: Policy,
    entries: KVec<Entry>,
}

kernel::sync::global_lock! {
    // SAFETY: Initialised in module init (`init()`) before use.
    unsafe(uninit) static CURRENT: Mutex<KVec<Snapshot>> = KVec::new();
}

/// The key of `dev` in CURRENT.
fn key(dev: &Device) -> usize {
    core::ptr::from_ref(dev) as usize
}

mod raw {
    // `struct device *`, passed through untouched (the bindgen type of
    // `struct device` trips the improper_ctypes lint).
    use kernel::ffi::{c_int, c_void};

    extern "C" {
        pub(super) fn daxo_hmem_report_add(dev: *mut c_void) -> c_int;
        pub(super) fn daxo_hmem_report_remove(dev: *mut c_void);
    }
}

/// Initialise the report's lock. Call once, from module init.
pub(crate) fn init() {
    // SAFETY: Called once at module init, before any binding.
    unsafe { CURRENT.init() };
}

/// Publish the report as the `ownership` attribute of `dev` (the
/// `hmem_platform` device); it lists what [`record()`] last stored.
pub(crate) fn publish(dev: &Device) -> Result {
    // SAFETY: `dev` is a valid, bound device; the attribute is removed in
    // `withdraw()` before the binding ends.
    let rc = unsafe { raw::daxo_hmem_report_add(ffi::raw_device(dev).cast()) };
    kernel::error::to_result(rc)
}

/// Store a copy of `ledger` for the report of `dev`. On allocation failure
/// the previous copy is dropped: the report then lists nothing rather than
/// something stale.
pub(crate) fn record(dev: &Device, ledger: &Ledger) {
    let mut entries = KVec::with_capacity(ledger.entries().len(), GFP_KERNEL).ok();
    if let Some(v) = entries.as_mut() {
        // Within capacity: cannot fail.
        let _ = v.extend_from_slice(ledger.entries(), GFP_KERNEL);
    }
    let k = key(dev);
    let mut current = CURRENT.lock();
    let old = current.iter().position(|s| s.dev == k);
    let _old = match (old, entries) {
        (Some(i), Some(entries)) => Some(core::mem::replace(&mut current[i].entries, entries)),
        (Some(i), None) => current.remove(i).ok().map(|s| s.entries),
        (None, Some(entries)) => {
            let snapshot = Snapshot {
                dev: k,
                policy: ledger.policy(),
                entries,
            };
            // On failure the report of `dev` lists nothing.
            let _ = current.push(snapshot, GFP_KERNEL);
            None
        }
        (None, None) => None,
    };
    // The old copy is dropped after the lock is released.
    drop(current);
}

/// Remove the attribute of `dev` (waiting for readers) and forget its
/// report.
pub(crate) fn withdraw(dev: &Device) {
    // SAFETY: As in `publish()`; removing an absent attribute is harmless.
    unsafe { raw::daxo_hmem_report_remove(ffi::raw_device(dev).cast()) };
    let k = key(dev);
    let mut current = CURRENT.lock();
    let old = current
        .iter()
        .position(|s| s.dev == k)
        .and_then(|i| current.remove(i).ok());
    // The static is never dropped: free the vector itself with its last
    // report, or module unload would leak it.
    let old_vec = current.is_empty().then(|| core::mem::take(&mut *current));
    drop(current);
    drop(old);
    drop(old_vec);
}

/// A `core::fmt::Write` into a sysfs page, truncating at its end.
struct Page<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Write for Page<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// One report line for `entry`, decided under `policy`.
fn line(out: &mut Page<'_>, entry: &Entry, policy: &str) -> core::fmt::Result {
    let r = entry.range;
    write!(out, "{:#x}-{:#x} ", r.start, r.end)?;
    let holder = ffi::dax::holder_of(&r, core::ptr::null_mut(), None).map(|(h, _)| h);
    match holder {
        Some(Holder::Hmem(id)) => write!(out, "hmem.{id}")?,
        Some(Holder::Cxl(id)) => write!(out, "region{id}")?,
        None => out.write_str("none")?,
    }
    write!(out, " {policy} ")?;
    match entry.verdict {
        Ok(d) => {
            out.write_str(d.reason.describe())?;
            if let Some(missed) = d.reason.missed() {
                write!(out, " ({:#x}-{:#x})", missed.start, missed.end)?;
            }
            if d.owner == Owner::Hmem && matches!(holder, Some(Holder::Cxl(_))) {
                out.write_str("; handed back to CXL")?;
            }
        }
        Err(Rejection::Degenerate) => out.write_str("degenerate range")?,
    }
    out.write_str("\n")
}

/// `show()` of the `ownership` attribute (hmem_glue.c): fill `buf` (one
/// page) with the report of `dev`; returns its length.
///
/// # Safety
///
/// `buf` must be a writable page (PAGE_SIZE bytes), as sysfs passes; `dev`
/// is only compared, never followed.
#[no_mangle]
pub(crate) unsafe extern "C" fn daxo_hmem_ownership_show(
    dev: *const kernel::ffi::c_void,
    buf: *mut u8,
) -> isize {
    // SAFETY: sysfs hands `show()` a zeroed, writable page (caller's duty).
    let buf = unsafe { core::slice::from_raw_parts_mut(buf, bindings::PAGE_SIZE) };
    let mut out = Page { buf, len: 0 };
    let current = CURRENT.lock();
    if let Some(snapshot) = current.iter().find(|s| s.dev == dev as usize) {
        let policy = snapshot.policy.name();
        for e in snapshot.entries.iter() {
            // Truncation is the only failure, and a page holds ~40 lines.
            if line(&mut out, e, policy).is_err() {
                break;
            }
        }
    }
    out.len as isize
}
