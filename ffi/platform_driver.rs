// SPDX-License-Identifier: GPL-2.0

//! A platform driver whose probe owns nothing in driver data.
//!
//! The DAX core stores its `struct dax_region` in the driver data of the
//! device that calls `alloc_dax_region()`, and the kernel crate's
//! `platform::Driver` stores the Rust driver's data there too (and frees it
//! after unbind). A DAX region driver therefore registers a plain
//! `struct platform_driver` with a C probe callback, through this type.

use super::bindings;
use kernel::{prelude::*, str::CStr, types::Opaque, ThisModule};

/// The probe callback: a valid platform device in, 0 or a -errno out.
pub(crate) type ProbeFn =
    unsafe extern "C" fn(*mut bindings::platform_device) -> kernel::ffi::c_int;

/// A registered `struct platform_driver`, unregistered on drop.
#[pin_data(PinnedDrop)]
pub(crate) struct RawPlatformDriver {
    #[pin]
    drv: Opaque<bindings::platform_driver>,
}

// SAFETY: Registration and unregistration may happen on any thread, and no
// method gives access to the C structure.
unsafe impl Send for RawPlatformDriver {}
// SAFETY: As above.
unsafe impl Sync for RawPlatformDriver {}

impl RawPlatformDriver {
    /// Register a driver called `name` that binds by device name.
    pub(crate) fn new(
        name: &'static CStr,
        probe: ProbeFn,
        module: &'static ThisModule,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            drv <- Opaque::try_ffi_init(|ptr: *mut bindings::platform_driver| {
                // SAFETY: `try_ffi_init` gives a pointer valid for writes; the
                // structure stays pinned until `drop` unregisters it.
                unsafe {
                    ptr.write(bindings::platform_driver::default());
                    (*ptr).driver.name = name.as_char_ptr();
                    (*ptr).probe = Some(probe);
                    kernel::error::to_result(bindings::__platform_driver_register(
                        ptr,
                        module.as_ptr(),
                        name.as_char_ptr(),
                    ))
                }
            }),
        })
    }
}

#[pinned_drop]
impl PinnedDrop for RawPlatformDriver {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: `self` exists only if registration succeeded.
        unsafe { bindings::platform_driver_unregister(self.drv.get()) };
    }
}
