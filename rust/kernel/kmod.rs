// SPDX-License-Identifier: GPL-2.0

//! Loading modules on demand.
//!
//! C header: [`include/linux/kmod.h`](srctree/include/linux/kmod.h)

use kernel::prelude::*;

/// Load the module `name` (or the module of that alias) through modprobe,
/// and wait for modprobe to exit (`request_module()`).
///
/// Sleeps. Fails with `ENOSYS` without module support, and with `ENOENT`
/// when modprobe fails; a module already loaded or built in is success.
pub fn request_module(name: &CStr) -> Result {
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
    match rc {
        0 => Ok(()),
        e if e < 0 => Err(Error::from_errno(e)),
        _ => Err(ENOENT),
    }
}
