// SPDX-License-Identifier: GPL-2.0

//! Who owns each Soft Reserved range: the decision and its record.
//!
//! Pure Rust, no FFI: the drivers gather the facts about each range from
//! the kernel (does it meet a CXL window, does a committed CXL region
//! contain it whole) and hand them here; [`policy::decide`] turns them into one
//! verdict per range, all at once, and the [`Ledger`] keeps what was
//! decided. KUnit tests it directly (`tests/kunit/`).

pub(crate) mod ledger;
pub(crate) mod policy;

pub(crate) use crate::range::PhysRange;
pub(crate) use ledger::Ledger;
pub(crate) use policy::{Entry, Facts, Owner, Policy, Reason, Rejection};
