// SPDX-License-Identifier: GPL-2.0

//! The CXL driver's registration, deferred until ownership is resolved.
//!
//! Module init queues one work item on `system_long_wq`; it waits for
//! `dax_hmem_flush_work()` (Soft Reserved ownership decided; the symbol also
//! makes dax_hmem load first) and then registers the driver, with
//! asynchronous probing so that no probe waits in line of another. Nothing
//! returns -EPROBE_DEFER, and nothing waits inside wait_for_device_probe().
//! Module exit flushes that work item before it unregisters, as C's
//! `flush_work()` does: once exit returns, no kworker runs any of this
//! module's code (the work's epilogue and the last `Arc` drop included), so
//! an immediate unload after load is safe.

use crate::ffi::bindings;
use crate::probe;
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::{
    new_work,
    prelude::*,
    sync::Arc,
    types::Opaque,
    workqueue::{self, Work, WorkItem},
};

// The module alias in cxl.rs spells out this device type.
const _: () = assert!(bindings::CXL_DEVICE_DAX_REGION == 8);

/// The driver and where its registration stands.
#[pin_data]
pub(crate) struct Registration {
    #[pin]
    driver: Opaque<bindings::cxl_driver>,
    module: &'static ThisModule,
    /// Whether the driver is registered: written by the work, read at exit
    /// after flushing it (the flush orders the two; no lock is held across
    /// the registration).
    registered: AtomicBool,
    #[pin]
    work: Work<Registration>,
}

// SAFETY: The C driver structure is only touched by the registration work
// and by `stop()`, which waits for that work: never concurrently.
unsafe impl Send for Registration {}
// SAFETY: As above.
unsafe impl Sync for Registration {}

kernel::impl_has_work! {
    impl HasWork<Self> for Registration { self.work }
}

impl WorkItem for Registration {
    type Pointer = Arc<Registration>;

    fn run(this: Arc<Registration>) {
        // Soft Reserved ownership is stable from here on. Without an HMEM
        // driver (EFI_SOFT_RESERVE=n) there is no decision to wait for, and
        // bus.h makes dax_hmem_flush_work() an inline stub.
        #[cfg(any(CONFIG_DEV_DAX_HMEM_RUST, CONFIG_DEV_DAX_HMEM))]
        // SAFETY: No preconditions; called from a work item.
        unsafe {
            bindings::dax_hmem_flush_work()
        };
        // SAFETY: `driver` is pinned in `this` and filled in by `start()`;
        // it stays registered until `stop()` unregisters it.
        let rc = unsafe {
            bindings::__cxl_driver_register(
                this.driver.get(),
                this.module.as_ptr(),
                c"dax_cxl".as_char_ptr(),
            )
        };
        this.registered.store(rc == 0, Ordering::Release);
        if rc != 0 {
            pr_err!("cannot register the cxl_dax_region driver: {}\n", rc);
        }
    }
}

impl Registration {
    /// Build the driver and queue its registration on `system_long_wq`.
    pub(crate) fn start(module: &'static ThisModule) -> Result<Arc<Self>> {
        let this = Arc::pin_init(
            pin_init!(Self {
                driver <- Opaque::ffi_init(|ptr: *mut bindings::cxl_driver| {
                    // SAFETY: `ffi_init` gives a pointer valid for writes.
                    unsafe {
                        ptr.write(bindings::cxl_driver::default());
                        (*ptr).name = c"cxl_dax_region".as_char_ptr();
                        (*ptr).probe = Some(probe::cxl_dax_region_probe);
                        (*ptr).id = bindings::CXL_DEVICE_DAX_REGION as i32;
                        (*ptr).drv.suppress_bind_attrs = true;
                        (*ptr).drv.probe_type = bindings::probe_type_PROBE_PREFER_ASYNCHRONOUS;
                    }
                }),
                module,
                registered: AtomicBool::new(false),
                work <- new_work!("dax_cxl::Registration::work"),
            }),
            GFP_KERNEL,
        )?;
        // A fresh work item cannot be queued already.
        let _ = workqueue::system_long().enqueue(this.clone());
        Ok(this)
    }

    /// Wait until the registration work has finished running, then
    /// unregister if it registered.
    pub(crate) fn stop(&self) {
        // SAFETY: `work` is initialised and pinned in `self`, which outlives
        // the call; flush_work() waits for its last queueing to finish
        // executing, and it is never queued again.
        unsafe { bindings::flush_work(Work::raw_get(&self.work)) };
        if self.registered.load(Ordering::Acquire) {
            // SAFETY: Registered by the work, which has finished.
            unsafe { bindings::cxl_driver_unregister(self.driver.get()) };
        }
    }
}
