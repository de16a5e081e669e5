// SPDX-License-Identifier: GPL-2.0

//! CXL DAX: direct access to CXL RAM regions.
//!
//! The Rust counterpart of `drivers/dax/cxl.c`, under the same module name:
//! a CXL driver for `cxl_dax_region` devices that turns each committed CXL
//! RAM region into a DAX region. It registers only after `dax_hmem` has
//! decided who owns the Soft Reserved ranges ([`registration`]), so a probe
//! never waits and never defers for ownership reasons: a range HMEM owns is
//! refused by the shared DAX-region tree, reported as -EBUSY ([`probe`]).

use kernel::{prelude::*, sync::Arc};

// The abstractions over the DAX, CXL and NUMA C APIs: in tree the kernel
// crate's (`rust/kernel/`, the series' `rust:` patches).
#[cfg(not(daxo_out_of_tree))]
use kernel::{cxl, dax, numa, workqueue};

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
    pub(crate) mod cxl {
        pub(crate) mod driver;
    }
    pub(crate) mod dax {
        pub(crate) mod claim;
        pub(crate) mod region;
    }
    pub(crate) mod numa;
    pub(crate) mod range;
    pub(crate) mod workqueue {
        pub(crate) mod flush;
    }
}
#[cfg(daxo_out_of_tree)]
use abstractions::{cxl, dax, numa, range, workqueue};

mod decision;
mod node;
mod probe;
mod registration;

module! {
    type: DaxCxlModule,
    name: "dax_cxl",
    authors: ["dax-ownership developers"],
    description: "CXL DAX: direct access to CXL regions",
    license: "GPL",
    // MODULE_ALIAS_CXL(CXL_DEVICE_DAX_REGION); checked in rust/kernel/cxl/driver.rs.
    alias: ["cxl:t8*"],
    imports_ns: ["CXL"],
}

/// The module: the deferred registration of the CXL driver.
struct DaxCxlModule {
    registration: Arc<registration::Registration>,
}

impl kernel::Module for DaxCxlModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        Ok(Self {
            registration: registration::Registration::start(module)?,
        })
    }
}

impl Drop for DaxCxlModule {
    fn drop(&mut self) {
        self.registration.stop();
    }
}
