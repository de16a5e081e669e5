// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of `ownership/`: the decision over Soft Reserved ranges and
//! the ledger. The platform is a model (CXL windows and committed regions
//! as plain ranges), so every layout can be tried without hardware.

use kernel::prelude::*;

// In tree `PhysRange` is the kernel crate's, whose own suites test it
// (and `kernel::dax::claim`); out of tree this module compiles both files
// with their suites.
#[cfg(not(daxo_out_of_tree))]
use kernel::range;
#[cfg(daxo_out_of_tree)]
#[path = "../../rust/kernel"]
#[allow(unreachable_pub)]
mod abstractions {
    pub(crate) mod dax {
        pub(crate) mod claim;
    }
    pub(crate) mod range;
}
#[cfg(daxo_out_of_tree)]
use abstractions::range;

#[path = "../../ownership/mod.rs"]
mod ownership;

mod model;

mod bench;

#[path = "../../cxl_dax/node.rs"]
mod node;

#[path = "../../region_teardown/select.rs"]
mod teardown;

module! {
    type: OwnershipKunit,
    name: "dax_ownership_kunit",
    authors: ["dax-ownership developers"],
    description: "KUnit tests of the Soft Reserved ownership decision",
    license: "GPL v2",
}

struct OwnershipKunit;

impl kernel::Module for OwnershipKunit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(OwnershipKunit)
    }
}
