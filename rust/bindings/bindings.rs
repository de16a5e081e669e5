// SPDX-License-Identifier: GPL-2.0

//! Raw bindings to the DAX and CXL C APIs the drivers need.
//!
//! Out of tree only. In tree the abstractions under `rust/kernel/` use the
//! kernel crate's bindings, to which the series adds
//! `rust/bindings/bindings_helper.h`'s headers. Out of tree, bindgen
//! generates the same declarations at build time from the kernel's own
//! headers (see `rust/bindings/Kbuild.bindgen`), leaving out the items
//! [`kernel::bindings`] already has: those are glob-imported, so pointers
//! pass between the two without casts.

#![allow(
    unreachable_pub,
    missing_docs,
    dead_code,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    improper_ctypes,
    unsafe_op_in_unsafe_fn,
    clippy::all,
    clippy::ptr_as_ptr,
    clippy::ref_as_ptr,
    clippy::as_underscore,
    clippy::undocumented_unsafe_blocks
)]

#[allow(unused_imports)]
pub(crate) use kernel::bindings::*;
#[allow(unused_imports)]
use kernel::ffi;

include!(env!("DAXO_BINDINGS"));

/// What in tree the kernel crate's own abstractions get from the crate-private
/// `Device::as_raw()`: out of tree, the same files call this trait's method
/// instead (a private inherent method is not a candidate outside its crate).
pub(crate) trait DeviceAsRaw {
    /// The `struct device` behind a kernel crate [`Device`](kernel::device::Device).
    fn as_raw(&self) -> *mut device;
}

impl<Ctx: kernel::device::DeviceContext> DeviceAsRaw for kernel::device::Device<Ctx> {
    fn as_raw(&self) -> *mut device {
        // `Device` is a transparent wrapper around `struct device`.
        core::ptr::from_ref(self).cast::<device>().cast_mut()
    }
}
