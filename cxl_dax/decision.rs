// SPDX-License-Identifier: GPL-2.0

//! Waiting for `dax_hmem`'s decision over the Soft Reserved ranges.
//!
//! C header: [`drivers/dax/bus.h`](srctree/drivers/dax/bus.h)
//!
//! The one unsafe call of this driver, made here and not through a kernel
//! crate abstraction: `dax_hmem_flush_work()` is exported by the `dax_hmem`
//! module, which code built into the kernel (the kernel crate) cannot call.

#[cfg(any(CONFIG_DEV_DAX_HMEM_RUST, CONFIG_DEV_DAX_HMEM))]
extern "C" {
    fn dax_hmem_flush_work();
}

/// Wait until `dax_hmem` has decided who owns the Soft Reserved ranges
/// (`dax_hmem_flush_work()`); a no-op without an HMEM driver
/// (EFI_SOFT_RESERVE=n), where bus.h makes the call an inline stub.
pub(crate) fn wait() {
    #[cfg(any(CONFIG_DEV_DAX_HMEM_RUST, CONFIG_DEV_DAX_HMEM))]
    // SAFETY: No preconditions; it may sleep, as its callers may.
    unsafe {
        dax_hmem_flush_work()
    };
}
