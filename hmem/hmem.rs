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

use glue as hmem_glue;
use hmem::driver as hmem_driver;
use kernel::{driver, platform, prelude::*};

// The abstractions over the DAX, HMEM, CXL and iomem C APIs: in tree the
// kernel crate's (`rust/kernel/`, the series' `rust:` patches).
#[cfg(all(not(daxo_out_of_tree), daxo_region_teardown))]
use kernel::cxl;
#[cfg(not(daxo_out_of_tree))]
use kernel::{dax, driver::probe, hmem, iomem, kmod, range};

// Out of tree, the same files compiled into this module (out-of-tree
// modules cannot share a Rust crate), over bindings generated at build time
// (`rust/bindings/`).
#[cfg(daxo_out_of_tree)]
#[path = "../rust/bindings/bindings.rs"]
mod bindings;
/// The parts of `rust/kernel/` this module uses; their items are `pub` for
/// the kernel crate.
#[cfg(daxo_out_of_tree)]
#[path = "../rust/kernel"]
#[allow(unreachable_pub)]
mod abstractions {
    #[cfg(daxo_region_teardown)]
    pub(crate) mod cxl {
        pub(crate) mod region;
    }
    pub(crate) mod dax {
        pub(crate) mod claim;
        pub(crate) mod region;
    }
    pub(crate) mod driver {
        pub(crate) mod probe;
    }
    pub(crate) mod hmem {
        pub(crate) mod device;
        pub(crate) mod driver;
        pub(crate) mod walk;
    }
    pub(crate) mod iomem {
        pub(crate) mod query;
        pub(crate) mod soft_reserved;
    }
    pub(crate) mod kmod;
    pub(crate) mod range;
}
#[cfg(all(daxo_out_of_tree, daxo_region_teardown))]
use abstractions::cxl;
#[cfg(daxo_out_of_tree)]
use abstractions::{dax, driver::probe, hmem, iomem, kmod, range};

#[path = "../ownership/mod.rs"]
mod ownership;

#[path = "../region_teardown/mod.rs"]
mod region_teardown;

mod dax_driver;
mod glue;
mod platform_driver;
mod report;
mod resolver;

/// Whether a CXL DAX driver is configured (`IS_ENABLED()` of either), so
/// that ranges meeting CXL windows are worth waiting for.
const CXL_ENABLED: bool = cfg!(any(CONFIG_DEV_DAX_CXL, CONFIG_DEV_DAX_CXL_RUST));

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
        // Give cxl_acpi and cxl_pci a chance to start CXL topology
        // discovery before the Soft Reserved ranges are checked against
        // CXL windows, as the C driver does (built in too: modprobe then
        // finds them built in, or loads them once it can run).
        if CXL_ENABLED {
            let _ = kmod::request_module(c"cxl_acpi");
            let _ = kmod::request_module(c"cxl_pci");
        }
        report::init();
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
