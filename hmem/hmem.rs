// SPDX-License-Identifier: GPL-2.0

//! HMEM DAX: direct access to "specific purpose" (Soft Reserved) memory.
//!
//! The Rust counterpart of `drivers/dax/hmem/hmem.c`. It decides, with
//! `dax_cxl`, which driver owns every Soft Reserved range.
//!
//! Skeleton: the drivers arrive with the dax_hmem issue; this crate already
//! builds against the generated DAX/CXL bindings.

use kernel::prelude::*;

#[path = "../ffi/bindings.rs"]
mod bindings;

module! {
    type: DaxHmem,
    name: "dax_hmem",
    authors: ["dax-ownership developers"],
    description: "HMEM DAX: direct access to 'specific purpose' memory (Rust)",
    license: "GPL v2",
}

struct DaxHmem;

impl kernel::Module for DaxHmem {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!(
            "skeleton; memregion_info is {} bytes\n",
            core::mem::size_of::<bindings::memregion_info>()
        );
        Ok(DaxHmem)
    }
}
