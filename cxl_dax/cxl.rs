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

/// The abstractions over the DAX and CXL C APIs (`ffi/`) this driver
/// uses. Out of tree each module compiles its own copy: modules cannot
/// share a Rust crate.
#[path = "../ffi"]
mod abstraction {
    pub(crate) mod bindings;
    pub(crate) mod cxl;
    pub(crate) mod dax;
    pub(crate) mod hmem_decision;
    pub(crate) mod numa;
    pub(crate) mod workqueue;

    use bindings::raw_device;
}

/// The part of `ownership/` a DAX-region claim needs.
#[path = "../ownership"]
mod ownership {
    pub(crate) mod claim;
    pub(crate) mod range;

    pub(crate) use claim::{Holder, RegionError};
    pub(crate) use range::PhysRange;
}

mod node;
mod probe;
mod registration;

module! {
    type: DaxCxlModule,
    name: "dax_cxl",
    authors: ["dax-ownership developers"],
    description: "CXL DAX: direct access to CXL regions",
    license: "GPL",
    // MODULE_ALIAS_CXL(CXL_DEVICE_DAX_REGION); checked in ffi/cxl.rs.
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
