// SPDX-License-Identifier: GPL-2.0

//! Raw bindings to the DAX and CXL C APIs the drivers need.
//!
//! Generated at build time by bindgen from the kernel's own headers (see
//! `ffi/Kbuild.bindgen`); items the kernel crate already binds come from
//! [`kernel::bindings`], so pointers pass between the two without casts.
//! Only the safe wrappers next to this file use them.

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

/// The `struct device` behind a kernel crate [`Device`](kernel::device::Device).
pub(crate) fn raw_device<Ctx: kernel::device::DeviceContext>(
    dev: &kernel::device::Device<Ctx>,
) -> *mut device {
    // `Device` is a transparent wrapper around `struct device`.
    core::ptr::from_ref(dev).cast::<device>().cast_mut()
}
