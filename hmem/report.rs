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

use crate::dax::{claim::Holder, region as dax};
use crate::glue as hmem_glue;
use crate::ownership::{Entry, Ledger, Owner, Rejection};
use kernel::{
    device::{Bound, Device},
    fmt::Write,
    prelude::*,
};

/// One device's last resolution, for readers of its attribute.
///
/// It lives here, not in the resolver's state: that is under the
/// resolver's mutex, which `show()` must not take (the binding ends under
/// it, and under the device lock, before the attribute is removed, and
/// removal waits for readers).
struct Snapshot {
    /// The `hmem_platform` device, as an address: only compared, never
    /// followed.
    dev: usize,
    ledger: Ledger,
}

kernel::sync::global_lock! {
    // SAFETY: Initialised in module init (`init()`) before use.
    unsafe(uninit) static CURRENT: Mutex<KVec<Snapshot>> = KVec::new();
}

/// The key of `dev` in CURRENT.
fn key(dev: &Device) -> usize {
    core::ptr::from_ref(dev) as usize
}

/// Initialise the report's lock. Call once, from module init.
pub(crate) fn init() {
    // SAFETY: Called once at module init, before any binding.
    unsafe { CURRENT.init() };
}

/// Publish the report as the `ownership` attribute of `dev` (the
/// `hmem_platform` device); it lists what [`record()`] last stored.
pub(crate) fn publish(dev: &Device<Bound>) -> Result {
    // Removed when `dev` unbinds (devres), after `withdraw()`.
    hmem_glue::add_report(dev)
}

/// Keep `ledger`, the last resolution of `dev`, for its report. If
/// there is no room for a first report of `dev`, it lists nothing, and a
/// line says so.
pub(crate) fn record(dev: &Device, ledger: Ledger) {
    let k = key(dev);
    let mut current = CURRENT.lock();
    let old = match current.iter_mut().find(|s| s.dev == k) {
        Some(s) => Some(core::mem::replace(&mut s.ledger, ledger)),
        None => {
            // On failure the new ledger is dropped, and the report of
            // `dev` lists nothing.
            if current
                .push(Snapshot { dev: k, ledger }, GFP_KERNEL)
                .is_err()
            {
                drop(current);
                dev_warn!(dev, "no ownership report: out of memory\n");
                return;
            }
            None
        }
    };
    // The old ledger is dropped after the lock is released.
    drop(current);
    drop(old);
}

/// Forget the report of `dev`, which unbinds: its attribute, removed just
/// after, reads empty meanwhile.
pub(crate) fn withdraw(dev: &Device) {
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

/// One report line for `entry`, decided under `policy`.
fn line(out: &mut impl Write, entry: &Entry, policy: &str) -> core::fmt::Result {
    let r = entry.range;
    write!(out, "{:#x}-{:#x} ", r.start, r.end)?;
    let holder = dax::holder_of(&r, None).map(|(h, _)| h);
    match holder {
        Some(h) => out.write_fmt(fmt!("{h}"))?,
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

/// The report of `dev` (a key from the `ownership` attribute's `show()`,
/// only compared), one line per range, into `out` until it is full.
pub(crate) fn show(dev: usize, out: &mut impl Write) {
    let current = CURRENT.lock();
    if let Some(snapshot) = current.iter().find(|s| s.dev == dev) {
        let policy = snapshot.ledger.policy().name();
        for e in snapshot.ledger.entries() {
            // Running out of room is the only failure, and a page holds
            // ~40 lines.
            if line(out, e, policy).is_err() {
                break;
            }
        }
    }
}
