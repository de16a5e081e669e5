// SPDX-License-Identifier: GPL-2.0

//! Waiting for device probing to finish.
//!
//! C header: [`include/linux/device/driver.h`](srctree/include/linux/device/driver.h)

/// Wait until the deferred-probe work in flight has run, no device probe
/// is in progress, and every async callback (asynchronous probes among
/// them) has finished (`wait_for_device_probe()`).
///
/// It does not wait for deferred devices that no event retries. Sleeps.
/// It deadlocks when called from a probe (the caller's own probe is
/// counted) or from an `async_schedule()` callback, and the caller must
/// hold nothing a probe may take.
pub fn wait_for_device_probe() {
    kernel::task::might_sleep();
    // SAFETY: No preconditions beyond the caller's context above, which
    // is not a safety matter (a deadlock at worst).
    unsafe { crate::bindings::wait_for_device_probe() };
}
