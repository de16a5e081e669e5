// SPDX-License-Identifier: GPL-2.0

//! The CXL driver's registration, deferred until ownership is resolved.
//!
//! Module init queues one work item on `system_long_wq`; it waits for
//! `dax_hmem_flush_work()` (Soft Reserved ownership decided; the symbol also
//! makes dax_hmem load first) and then registers the driver, with
//! asynchronous probing so that no probe waits in line of another. Nothing
//! returns -EPROBE_DEFER, and nothing waits inside wait_for_device_probe().
//! Module exit flushes that work item before the driver is unregistered,
//! as C's `flush_work()` does: once exit returns, no kworker runs any of
//! this module's code (the work's epilogue and the last `Arc` drop
//! included), so an immediate unload after load is safe.

use crate::cxl::driver as cxl;
use crate::decision;
use crate::probe::CxlDaxRegionDriver;
use crate::workqueue::flush::flush;
use kernel::{
    new_work,
    prelude::*,
    sync::Arc,
    workqueue::{self, Work, WorkItem},
};

/// The driver and the work item that registers it.
#[pin_data]
pub(crate) struct Registration {
    #[pin]
    driver: cxl::Registration<CxlDaxRegionDriver>,
    #[pin]
    work: Work<Registration>,
}

kernel::impl_has_work! {
    impl HasWork<Self> for Registration { self.work }
}

impl WorkItem for Registration {
    type Pointer = Arc<Registration>;

    fn run(this: Arc<Registration>) {
        // Soft Reserved ownership is stable from here on.
        decision::wait();
        if let Err(e) = this.driver.register() {
            pr_err!(
                "cannot register the cxl_dax_region driver: {}\n",
                e.to_errno()
            );
        }
    }
}

impl Registration {
    /// Build the driver and queue its registration on `system_long_wq`.
    pub(crate) fn start(module: &'static ThisModule) -> Result<Arc<Self>> {
        let this = Arc::pin_init(
            pin_init!(Self {
                driver <- cxl::Registration::new(
                    module,
                    <crate::DaxCxlModule as kernel::ModuleMetadata>::NAME,
                ),
                work <- new_work!("dax_cxl::Registration::work"),
            }),
            GFP_KERNEL,
        )?;
        // A fresh work item cannot be queued already.
        let _ = workqueue::system_long().enqueue(this.clone());
        Ok(this)
    }

    /// Wait until the registration work has finished running (it is never
    /// queued again), then unregister the driver if it registered.
    pub(crate) fn stop(&self) {
        flush(&self.work);
        self.driver.unregister();
    }
}
