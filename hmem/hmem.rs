// SPDX-License-Identifier: GPL-2.0

//! HMEM DAX: direct access to "specific purpose" (Soft Reserved) memory.
//!
//! The Rust counterpart of `drivers/dax/hmem/hmem.c`, under the same module
//! name. Two drivers:
//!
//! - `hmem_platform` binds the one device `device_hmem` registers for all
//!   Soft Reserved ranges and decides, with [`ownership`], which of them
//!   HMEM owns (see [`resolver`]);
//! - `hmem` binds the `hmem.N` device created for each range HMEM owns and
//!   turns it into a DAX region (see [`dax_driver`]).
//!
//! `dax_cxl` waits for the decision through `dax_hmem_flush_work()`.

use kernel::{driver, platform, prelude::*};

#[allow(dead_code)]
#[path = "../ffi/mod.rs"]
mod ffi;

#[allow(dead_code)]
#[path = "../ownership/mod.rs"]
mod ownership;

#[path = "../region_teardown/mod.rs"]
mod region_teardown;

mod dax_driver;
mod glue;
mod platform_driver;
mod report;
mod resolver;

module! {
    type: DaxHmemModule,
    name: "dax_hmem",
    authors: ["dax-ownership developers"],
    description: "HMEM DAX: direct access to 'specific purpose' memory",
    license: "GPL v2",
    alias: ["platform:hmem*", "platform:hmem_platform*"],
    imports_ns: ["CXL"],
}

/// The module: its queue and its two drivers.
///
/// Fields drop in order: `hmem_platform` first (which unregisters every
/// `hmem.N` device), then `hmem`, then the queue (after a last flush).
#[pin_data]
struct DaxHmemModule {
    #[pin]
    hmem_platform: driver::Registration<platform::Adapter<platform_driver::HmemPlatformDriver>>,
    #[pin]
    hmem: ffi::platform_driver::RawPlatformDriver,
    queue: glue::HmemQueue,
}

impl kernel::InPlaceModule for DaxHmemModule {
    fn init(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        glue::request_cxl_modules();
        report::init();
        ffi::hmem::init();
        if glue::policy() == ownership::Policy::Strict {
            if region_teardown::AVAILABLE {
                pr_info!(
                    "strict ownership: CXL regions over Soft Reserved ranges HMEM owns will be \
                     torn down\n"
                );
            } else {
                pr_info!(
                    "strict ownership: no CXL region teardown in this build; CXL regions over \
                     Soft Reserved ranges HMEM owns stay inactive (their DAX claim fails with \
                     -EBUSY)\n"
                );
            }
        }
        try_pin_init!(Self {
            queue: glue::HmemQueue::new()?,
            hmem <- ffi::platform_driver::RawPlatformDriver::new(
                c"hmem",
                dax_driver::probe,
                module,
            ),
            hmem_platform <- driver::Registration::new(c"hmem_platform", module),
        })
    }
}
