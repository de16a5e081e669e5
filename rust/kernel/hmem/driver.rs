// SPDX-License-Identifier: GPL-2.0

//! The driver of `hmem.N` platform devices, one per Soft Reserved range
//! HMEM owns ([`super::device`]).
//!
//! Written as `rust/kernel/platform.rs` is, but without
//! `driver::Registration` and `platform::Driver`: they keep the Rust
//! driver's data in the device's driver data and take it back after
//! unbind, while the DAX core keeps its `struct dax_region` there
//! (`alloc_dax_region()`). A [`Driver`] keeps nothing in driver data; what
//! its probe sets up lives in devres.

use crate::bindings;
use crate::range::PhysRange;
use core::marker::PhantomData;
use kernel::{
    device::{Core, Device},
    error::from_result,
    prelude::*,
    str::CStr,
    types::Opaque,
    ThisModule,
};

/// The name of the driver and of its devices (`hmem.N`).
pub const NAME: &CStr = c"hmem";

/// An `hmem.N` device in its driver's probe, with the range it stands for.
pub struct HmemRange<'a> {
    dev: &'a Device<Core<'a>>,
    id: i32,
    range: PhysRange,
    target_node: i32,
}

impl<'a> HmemRange<'a> {
    /// The device, with the proof that its bus callback is running.
    pub fn device(&self) -> &'a Device<Core<'a>> {
        self.dev
    }

    /// The device's id, a memregion id (`hmem.<id>`).
    pub fn id(&self) -> i32 {
        self.id
    }

    /// The Soft Reserved range.
    pub fn range(&self) -> PhysRange {
        self.range
    }

    /// The NUMA node firmware gave the range.
    pub fn target_node(&self) -> i32 {
        self.target_node
    }
}

// SAFETY: `dev` is bound to a `Registration`'s driver, which keeps nothing
// in driver data (see the module documentation).
unsafe impl crate::dax::region::Host for HmemRange<'_> {
    fn host(&self) -> &Device<kernel::device::Bound> {
        self.dev
    }
}

/// A driver of `hmem.N` devices.
pub trait Driver {
    /// Bind `hmem`. What it sets up must live in devres of its device,
    /// which has no driver data of the Rust driver's.
    fn probe(hmem: &HmemRange<'_>) -> Result;
}

/// The registered `struct platform_driver` of `T`, unregistered on drop.
///
/// # Invariants
///
/// `drv` is registered with the platform bus, and pinned, for as long as
/// `self` exists.
#[pin_data(PinnedDrop)]
pub struct Registration<T: Driver> {
    #[pin]
    drv: Opaque<bindings::platform_driver>,
    _driver: PhantomData<T>,
}

// SAFETY: Registration and unregistration may happen on any thread, and no
// method gives access to the C structure.
unsafe impl<T: Driver> Send for Registration<T> {}
// SAFETY: As above.
unsafe impl<T: Driver> Sync for Registration<T> {}

impl<T: Driver> Registration<T> {
    /// Register the driver of `module`, binding `hmem.N` devices by name.
    pub fn new(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            drv <- Opaque::try_ffi_init(|ptr: *mut bindings::platform_driver| {
                // SAFETY: `try_ffi_init` gives a pointer valid for writes; the
                // structure stays pinned until `drop` unregisters it.
                unsafe {
                    ptr.write(bindings::platform_driver::default());
                    (*ptr).driver.name = NAME.as_char_ptr();
                    (*ptr).probe = Some(Self::probe_callback);
                    // INVARIANT: Registered on success, else `self` is not made.
                    kernel::error::to_result(bindings::__platform_driver_register(
                        ptr,
                        module.as_ptr(),
                        NAME.as_char_ptr(),
                    ))
                }
            }),
            _driver: PhantomData,
        })
    }

    extern "C" fn probe_callback(pdev: *mut bindings::platform_device) -> kernel::ffi::c_int {
        // SAFETY: platform_probe() passes the device really_probe() probes:
        // valid, its driver set to this one and its lock held by the driver
        // core for the duration of the call. Every platform device has a
        // name (a C string), and platform data or NULL.
        let (dev, name, id, info) = unsafe {
            (
                &*(&raw mut (*pdev).dev).cast::<Device<Core<'_>>>(),
                CStr::from_char_ptr((*pdev).name),
                (*pdev).id,
                (*pdev).dev.platform_data.cast::<bindings::memregion_info>(),
            )
        };
        from_result(|| {
            let plain: &Device = dev;
            // A device bound here through driver_override has another name.
            if name != NAME {
                dev_err!(plain, "not an hmem device\n");
                return Err(EINVAL);
            }
            if info.is_null() {
                dev_err!(plain, "no memregion_info: not an hmem device\n");
                return Err(EINVAL);
            }
            // SAFETY: Platform devices named `hmem` come from dax_hmem alone
            // (`HmemDevice::register`), with a `struct memregion_info` as
            // their data, which lives as long as the device.
            let (range, target_node) = unsafe {
                (
                    PhysRange::new((*info).range.start, (*info).range.end),
                    (*info).target_node,
                )
            };
            T::probe(&HmemRange {
                dev,
                id,
                range,
                target_node,
            })?;
            Ok(0)
        })
    }
}

#[pinned_drop]
impl<T: Driver> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: Registered (type invariant), and unregistered once.
        unsafe { bindings::platform_driver_unregister(self.drv.get()) };
    }
}
