// SPDX-License-Identifier: GPL-2.0

//! CXL DAX: direct access to CXL RAM regions.
//!
//! The Rust counterpart of `drivers/dax/cxl.c`: it turns committed CXL
//! regions into device-dax, once `dax_hmem` has decided which Soft Reserved
//! ranges CXL owns.
//!
//! Skeleton: the driver arrives with the dax_cxl issue; this crate already
//! builds against the generated DAX/CXL bindings.

use kernel::prelude::*;

#[path = "../ffi/bindings.rs"]
mod bindings;

module! {
    type: DaxCxl,
    name: "dax_cxl",
    authors: ["dax-ownership developers"],
    description: "CXL DAX: direct access to CXL regions (Rust)",
    license: "GPL",
}

struct DaxCxl;

impl kernel::Module for DaxCxl {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!(
            "skeleton; cxl_dax_region is {} bytes\n",
            core::mem::size_of::<bindings::cxl_dax_region>()
        );
        Ok(DaxCxl)
    }
}
