// SPDX-License-Identifier: GPL-2.0

//! Waiting for device probing to finish.
//!
//! C header: [`include/linux/device/driver.h`](srctree/include/linux/device/driver.h)

/// Wait until no device probe is in progress or deferred for a retry
/// that is pending, and every asynchronous probe has run
/// (`wait_for_device_probe()`).
///
/// Sleeps; the caller must not hold a device lock, nor anything a probe
/// may take.
pub fn wait_for_device_probe() {
    // SAFETY: No preconditions beyond the caller's context above, which
    // is not a safety matter (a deadlock at worst).
    unsafe { crate::bindings::wait_for_device_probe() };
}
