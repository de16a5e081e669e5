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

use abstraction::{hmem_driver, hmem_glue};
use kernel::{driver, platform, prelude::*};

/// The abstractions over the DAX, HMEM and CXL C APIs (`ffi/`) this
/// driver uses. Out of tree each module compiles its own copy: modules
/// cannot share a Rust crate.
#[path = "../ffi"]
mod abstraction {
    pub(crate) mod bindings;
    #[cfg(daxo_region_teardown)]
    pub(crate) mod cxl_region;
    pub(crate) mod dax;
    pub(crate) mod hmem;
    pub(crate) mod hmem_device;
    pub(crate) mod hmem_driver;
    pub(crate) mod hmem_glue;
    pub(crate) mod resource;
    pub(crate) mod soft_reserved;

    use bindings::raw_device;
}

#[path = "../ownership/mod.rs"]
mod ownership;

#[path = "../region_teardown/mod.rs"]
mod region_teardown;

mod dax_driver;
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
    hmem: hmem_driver::Registration<dax_driver::HmemDaxDriver>,
    queue: hmem_glue::HmemQueue,
}

impl kernel::InPlaceModule for DaxHmemModule {
    fn init(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        hmem_glue::request_cxl_modules();
        report::init();
        abstraction::hmem::init();
        if hmem_glue::policy() == ownership::Policy::Strict {
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
            queue: hmem_glue::HmemQueue::new()?,
            hmem <- hmem_driver::Registration::new(module),
            hmem_platform <- driver::Registration::new(c"hmem_platform", module),
        })
    }
}
