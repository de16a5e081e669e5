// SPDX-License-Identifier: GPL-2.0

//! Loading modules on demand.
//!
//! C header: [`include/linux/kmod.h`](srctree/include/linux/kmod.h)

use kernel::prelude::*;

/// Run modprobe for the module (or module alias) `name` and wait for it
/// to exit (`request_module()`).
///
/// Success means that modprobe exited with status 0, not that a module
/// was loaded: for a module built in or loaded already, modprobe answers
/// that itself. A non-zero exit status of modprobe is reported as
/// `ENOEXEC`; the kernel's own failures keep their errno (`ENOENT` with no
/// modprobe path set, `ENAMETOOLONG`, what the security module says).
/// Without module support it fails with `ENOSYS`, as the C stub does.
///
/// Sleeps. It must not be called from an `async_schedule()` callback (the
/// kernel warns: a module init may wait for every async callback), nor
/// with a lock held that a module's init may take.
pub fn request_module(name: &CStr) -> Result {
    kernel::task::might_sleep();
    #[cfg(CONFIG_MODULES)]
    // SAFETY: The format takes one string argument, which `name` is:
    // NUL-terminated, and valid for the call.
    let rc =
        unsafe { crate::bindings::__request_module(true, c"%s".as_char_ptr(), name.as_char_ptr()) };
    #[cfg(not(CONFIG_MODULES))]
    let rc = {
        let _ = name;
        ENOSYS.to_errno()
    };
    if rc > 0 {
        // modprobe's wait status, not an errno.
        return Err(ENOEXEC);
    }
    kernel::error::to_result(rc)
}
