// SPDX-License-Identifier: GPL-2.0

//! What `kernel::workqueue` lacks in Linux 7.3: waiting for a work item.

use kernel::workqueue::Work;

/// Wait until the last queueing of `work` has finished executing
/// (`flush_work()`).
///
/// Sleeps; the caller must not hold anything the work item takes.
pub fn flush<T: ?Sized, const ID: u64>(work: &Work<T, ID>) {
    // SAFETY: A `Work` exists only pinned and initialised (its
    // constructor is a pin initialiser), so its `work_struct` is valid for
    // the call.
    unsafe { crate::bindings::flush_work(Work::raw_get(work)) };
}
