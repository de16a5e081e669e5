// SPDX-License-Identifier: GPL-2.0

//! CXL bus drivers of `cxl_dax_region` devices.
//!
//! C header: [`drivers/cxl/cxl.h`](srctree/drivers/cxl/cxl.h)
//!
//! The kernel crate has no CXL bus abstraction. This one is written as
//! `rust/kernel/platform.rs` is (a [`Driver`] trait, a callback adapter,
//! a registration undone on drop), for the one device type a DAX driver
//! binds, with two differences:
//!
//! - no `driver::Registration`: it attaches a post-unbind callback that
//!   takes the device's driver data for the Rust driver's, while the DAX
//!   core keeps its `struct dax_region` there (`alloc_dax_region()`). A
//!   [`Driver`] keeps nothing in driver data; what its probe sets up lives
//!   in devres;
//! - the owner chooses when to register ([`Registration::register`]), so
//!   that `dax_cxl` can wait for `dax_hmem`'s decision first.

use crate::bindings;
use crate::range::PhysRange;
use core::{
    marker::PhantomData,
    ptr::NonNull,
    sync::atomic::{AtomicU8, Ordering},
};
use kernel::{
    device::{Bound, Core, Device, DeviceContext, Normal},
    error::from_result,
    prelude::*,
    types::Opaque,
    ThisModule,
};

// A driver's module alias, MODULE_ALIAS_CXL(CXL_DEVICE_DAX_REGION), is
// spelled "cxl:t8*" in its `module!`.
const _: () = assert!(bindings::CXL_DEVICE_DAX_REGION == 8);

/// A `cxl_dax_region` device: the DAX face of a CXL RAM region.
///
/// `Ctx` is the context of its `struct device`, as for
/// [`platform::Device`](kernel::platform::Device): a driver's probe gets a
/// `&DaxRegion<Core<'_>>`, which derefs to the `Bound` and `Normal` ones.
///
/// # Invariants
///
/// A `DaxRegion` is the valid `struct cxl_dax_region` its address is, for
/// as long as the reference to it lives, and its device is in the context
/// `Ctx`. In a bound context (`Core`, `Bound`) the device is registered,
/// so its parent, the CXL region `cxlr` (whose reference device_del()
/// drops), is valid too. A `DaxRegion<Core<'_>>` is made only by
/// [`Registration`]'s probe callback, so it is bound to such a driver,
/// which keeps nothing in driver data (there is no conversion from a
/// [`Device`]).
#[repr(transparent)]
pub struct DaxRegion<Ctx: DeviceContext = Normal>(
    Opaque<bindings::cxl_dax_region>,
    PhantomData<Ctx>,
);

// SAFETY: `DaxRegion` is a transparent wrapper of `Opaque<cxl_dax_region>`,
// which does not depend on `Ctx`.
kernel::impl_device_context_deref!(unsafe { DaxRegion });

impl<Ctx: DeviceContext> DaxRegion<Ctx> {
    fn as_raw(&self) -> *mut bindings::cxl_dax_region {
        self.0.get()
    }

    /// The host physical address range of the CXL region (a copy the
    /// `cxl_dax_region` was made with).
    pub fn range(&self) -> PhysRange {
        // SAFETY: `self` is a valid `cxl_dax_region` (type invariant); the
        // range is fixed while it exists.
        let r = unsafe { (*self.as_raw()).hpa_range };
        PhysRange::new(r.start, r.end)
    }
}

impl DaxRegion<Bound> {
    /// The id of the CXL region (`regionN`).
    pub fn region_id(&self) -> i32 {
        // SAFETY: Bound, `self`'s region is valid (type invariant).
        unsafe { (*(*self.as_raw()).cxlr).id }
    }
}

impl<Ctx: DeviceContext> AsRef<Device<Ctx>> for DaxRegion<Ctx> {
    fn as_ref(&self) -> &Device<Ctx> {
        // SAFETY: `self` is a valid `cxl_dax_region` (type invariant), which
        // embeds its device.
        let dev = unsafe { &raw mut (*self.as_raw()).dev };
        // SAFETY: `dev` is a valid device, in the context `Ctx` (type
        // invariant), for as long as `self` lives.
        unsafe { Device::from_raw(dev) }
    }
}

// SAFETY: A `DaxRegion<Core>` is bound to a `Registration`'s driver, which
// keeps nothing in driver data (type invariant).
unsafe impl crate::dax::region::Host for DaxRegion<Core<'_>> {
    fn host(&self) -> &Device<Bound> {
        let dev: &Device<Core<'_>> = self.as_ref();
        dev
    }
}

/// A driver of `cxl_dax_region` devices (`CXL_DEVICE_DAX_REGION`).
///
/// It probes asynchronously and, as C's, has no `bind`/`unbind` files in
/// sysfs.
pub trait Driver {
    /// The driver's name.
    const NAME: &'static CStr;

    /// Bind `region`. What it sets up must live in devres of its device,
    /// which has no driver data of the Rust driver's.
    fn probe(region: &DaxRegion<Core<'_>>) -> Result;
}

/// Not registered.
const IDLE: u8 = 0;
/// A [`Registration::register`] is running.
const BUSY: u8 = 1;
/// Registered.
const REGISTERED: u8 = 2;

/// The `struct cxl_driver` of `T`, registered when its owner says so and
/// unregistered on drop.
///
/// # Invariants
///
/// `drv` is registered with the CXL bus exactly when `state` is
/// [`REGISTERED`]; it stays pinned for as long as it is.
#[pin_data(PinnedDrop)]
pub struct Registration<T: Driver> {
    #[pin]
    drv: Opaque<bindings::cxl_driver>,
    module: &'static ThisModule,
    modname: &'static CStr,
    state: AtomicU8,
    _driver: PhantomData<T>,
}

// SAFETY: The C structure is only handed to the CXL bus, whose
// registration and unregistration may run on any thread; `state` orders
// the two.
unsafe impl<T: Driver> Send for Registration<T> {}
// SAFETY: As above; `register` through a shared reference is serialised
// by `state`.
unsafe impl<T: Driver> Sync for Registration<T> {}

impl<T: Driver> Registration<T> {
    /// The driver of `module` (named `modname`), not registered yet.
    pub fn new(module: &'static ThisModule, modname: &'static CStr) -> impl PinInit<Self> {
        pin_init!(Self {
            drv <- Opaque::ffi_init(|ptr: *mut bindings::cxl_driver| {
                // SAFETY: `ffi_init` gives a pointer valid for writes.
                unsafe {
                    ptr.write(bindings::cxl_driver {
                        name: T::NAME.as_char_ptr(),
                        probe: Some(Self::probe_callback),
                        id: bindings::CXL_DEVICE_DAX_REGION as i32,
                        ..Default::default()
                    });
                    (*ptr).drv.suppress_bind_attrs = true;
                    (*ptr).drv.probe_type = bindings::probe_type_PROBE_PREFER_ASYNCHRONOUS;
                }
            }),
            module,
            modname,
            state: AtomicU8::new(IDLE),
            _driver: PhantomData,
        })
    }

    /// Register the driver; `EBUSY` if it is registered already.
    pub fn register(&self) -> Result {
        self.state
            .compare_exchange(IDLE, BUSY, Ordering::Acquire, Ordering::Relaxed)
            .map_err(|_| EBUSY)?;
        // SAFETY: `drv` is pinned in `self` and filled in by `new`; `BUSY`
        // keeps any other registration out, and `unregister` or the drop of
        // `self` unregisters it.
        let rc = unsafe {
            bindings::__cxl_driver_register(
                self.drv.get(),
                self.module.as_ptr(),
                self.modname.as_char_ptr(),
            )
        };
        // INVARIANT: `REGISTERED` only once the bus has the driver.
        let state = if rc == 0 { REGISTERED } else { IDLE };
        self.state.store(state, Ordering::Release);
        kernel::error::to_result(rc)
    }

    /// Unregister the driver if it is registered (its devices unbind).
    pub fn unregister(&self) {
        if self
            .state
            .compare_exchange(REGISTERED, BUSY, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            // SAFETY: Registered (type invariant); `BUSY` keeps any other
            // (un)registration out meanwhile.
            unsafe { bindings::cxl_driver_unregister(self.drv.get()) };
            // INVARIANT: No longer registered.
            self.state.store(IDLE, Ordering::Release);
        }
    }

    extern "C" fn probe_callback(dev: *mut bindings::device) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: cxl_bus_probe() passes the device really_probe()
            // probes: valid, and of type CXL_DEVICE_DAX_REGION (the
            // driver's `id` makes the bus match only those), which
            // to_cxl_dax_region() accepts.
            let raw = unsafe { bindings::to_cxl_dax_region(dev) };
            let raw = NonNull::new(raw).ok_or(ENODEV)?;
            // INVARIANT: A cxl_dax_region embeds its device, which the
            // driver core holds registered, locked and bound to this
            // driver for the call: the `Core` context, made here only.
            // SAFETY: `raw` is valid for the call, as just said; C may
            // write to it meanwhile, which `DaxRegion` allows (it wraps an
            // `Opaque`).
            let region = unsafe { raw.cast::<DaxRegion<Core<'_>>>().as_ref() };
            T::probe(region)?;
            Ok(0)
        })
    }
}

#[pinned_drop]
impl<T: Driver> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // No (un)registration runs: dropping takes the only reference.
        self.unregister();
    }
}
