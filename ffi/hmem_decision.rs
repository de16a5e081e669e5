// SPDX-License-Identifier: GPL-2.0

//! Waiting for `dax_hmem`'s decision over the Soft Reserved ranges.
//!
//! C header: [`drivers/dax/bus.h`](srctree/drivers/dax/bus.h)

/// Wait until `dax_hmem` has decided who owns the Soft Reserved ranges
/// (`dax_hmem_flush_work()`); a no-op without an HMEM driver
/// (EFI_SOFT_RESERVE=n), where bus.h makes the call an inline stub.
pub(crate) fn wait() {
    #[cfg(any(CONFIG_DEV_DAX_HMEM_RUST, CONFIG_DEV_DAX_HMEM))]
    // SAFETY: No preconditions; it may sleep, as its callers may.
    unsafe {
        super::bindings::dax_hmem_flush_work()
    };
}
