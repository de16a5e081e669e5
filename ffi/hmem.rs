// SPDX-License-Identifier: GPL-2.0

//! The Soft Reserved ranges `device_hmem` collected at boot, and the
//! `hmem_platform` device that stands for them.

use super::bindings;
use super::device_lock::DeviceLocked;
use crate::ownership::PhysRange;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::{device, platform, prelude::*};

/// One Soft Reserved range from `walk_hmem_resources()`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SoftReserved {
    /// The range.
    pub(crate) range: PhysRange,
    /// The NUMA node firmware gave it (may be offline or NUMA_NO_NODE).
    pub(crate) target_nid: i32,
}

/// Where the walk callback puts what it finds; set only during a walk,
/// under the device lock of the `hmem_platform` device.
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
    // alive for the whole walk, under the hmem_platform device lock; the
    // callback runs synchronously within that walk, so nothing else uses
    // the vector.
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

/// All Soft Reserved ranges, in the order `device_hmem` registered them.
///
/// `host` is the locked `hmem_platform` device. `device_hmem` registers that
/// one device for all ranges, so its lock serialises every walk, and with
/// them the use of COLLECTOR.
pub(crate) fn soft_reserved_ranges(host: &DeviceLocked<'_>) -> Result<KVec<SoftReserved>> {
    let host = host.device();
    let mut ranges = KVec::with_capacity(4, GFP_KERNEL)?;
    COLLECTOR.store(&raw mut ranges, Ordering::Release);
    // SAFETY: `host` is a valid device; `collect` matches walk_hmem_fn and
    // only uses COLLECTOR, set just above for the duration of the walk.
    let rc = unsafe { bindings::walk_hmem_resources(super::raw_device(host), Some(collect)) };
    COLLECTOR.store(core::ptr::null_mut(), Ordering::Release);
    kernel::error::to_result(rc)?;
    Ok(ranges)
}

/// The `struct hmem_platform_device` around the `hmem_platform` device.
///
/// `device_hmem` (built in) registers that device once, embedded in a
/// `struct hmem_platform_device` (drivers/dax/bus.h), and keeps it for the
/// life of the kernel: its `did_probe` survives `dax_hmem` unload and rebind.
fn hmem_platform_device<Ctx: device::DeviceContext>(
    pdev: &platform::Device<Ctx>,
) -> *mut bindings::hmem_platform_device {
    let raw = core::ptr::from_ref(pdev)
        .cast::<bindings::platform_device>()
        .cast_mut();
    // SAFETY: `platform::Device` is a transparent wrapper of `struct
    // platform_device`, and the `hmem_platform` device is the `pdev` field
    // of a `struct hmem_platform_device`: only that device has this name.
    unsafe { kernel::container_of!(raw, bindings::hmem_platform_device, pdev) }
}

/// Whether an initial resolution already completed, in this or an earlier
/// life of the module. `pdev` must be the `hmem_platform` device.
pub(crate) fn did_probe<Ctx: device::DeviceContext>(pdev: &platform::Device<Ctx>) -> bool {
    let hpdev = hmem_platform_device(pdev);
    // SAFETY: `hpdev` is valid while `pdev` is; a bool read races benignly
    // with the single writer, `set_did_probe()`.
    unsafe { core::ptr::read_volatile(&raw const (*hpdev).did_probe) }
}

/// Record that the initial resolution completed. `pdev` must be the
/// `hmem_platform` device.
pub(crate) fn set_did_probe<Ctx: device::DeviceContext>(pdev: &platform::Device<Ctx>) {
    let hpdev = hmem_platform_device(pdev);
    // SAFETY: As in `did_probe()`.
    unsafe { core::ptr::write_volatile(&raw mut (*hpdev).did_probe, true) };
}
