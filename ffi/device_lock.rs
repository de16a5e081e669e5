// SPDX-License-Identifier: GPL-2.0

//! The device lock (`device_lock()`, C's `guard(device)`), as a proof that
//! it is held.
//!
//! The driver core holds a device's lock around its driver's probe and
//! remove; work items take it themselves. State that only those contexts
//! touch can be protected by it, as the C drivers do, without a lock of its
//! own: lockdep does not validate device locks, while every lock of its own
//! held across device registration would add dependency edges that lockdep
//! checks one by one.

use super::bindings;
use core::marker::PhantomData;
use kernel::device::Device;

/// Proof that the current context holds the device lock of a device.
///
/// At most one exists per device at a time (see [`DeviceLocked::held`]), so
/// what the lock protects may be handed out as `&mut` through a
/// `&mut DeviceLocked`.
pub(crate) struct DeviceLocked<'a> {
    dev: &'a Device,
    /// Whether this proof took the lock (and releases it on drop).
    taken: bool,
    /// Not `Send`: the lock is released by the task that holds it.
    _not_send: PhantomData<*mut ()>,
}

impl<'a> DeviceLocked<'a> {
    /// Take the lock of `dev` (sleeps); it is released on drop.
    ///
    /// Only from a context that holds no device lock of `dev` already, such
    /// as a work item.
    pub(crate) fn lock(dev: &'a Device) -> Self {
        // SAFETY: `dev` is valid for `'a`; its mutex is initialised with the
        // device. The matching unlock is in `drop`, on this task.
        unsafe { bindings::mutex_lock(&raw mut (*super::raw_device(dev)).mutex) };
        Self {
            dev,
            taken: true,
            _not_send: PhantomData,
        }
    }

    /// The lock the driver core already holds for `dev`.
    ///
    /// # Safety
    ///
    /// The caller runs in the probe or remove callback of `dev`'s driver (or
    /// in what they call synchronously), and no other `DeviceLocked` for
    /// `dev` exists while the returned one does.
    pub(crate) unsafe fn held(dev: &'a Device) -> Self {
        Self {
            dev,
            taken: false,
            _not_send: PhantomData,
        }
    }

    /// The locked device.
    pub(crate) fn device(&self) -> &'a Device {
        self.dev
    }
}

impl Drop for DeviceLocked<'_> {
    fn drop(&mut self) {
        if self.taken {
            // SAFETY: `lock` took the mutex on this task (the type is not
            // `Send`), and this is the one release.
            unsafe { bindings::mutex_unlock(&raw mut (*super::raw_device(self.dev)).mutex) };
        }
    }
}
