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

#[allow(dead_code)]
#[path = "../ffi/mod.rs"]
mod ffi;

#[allow(dead_code)]
#[path = "../ownership/mod.rs"]
mod ownership;

mod node;
mod probe;
mod registration;

module! {
    type: DaxCxlModule,
    name: "dax_cxl",
    authors: ["dax-ownership developers"],
    description: "CXL DAX: direct access to CXL regions",
    license: "GPL",
    // MODULE_ALIAS_CXL(CXL_DEVICE_DAX_REGION); checked in registration.rs.
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
