// SPDX-License-Identifier: GPL-2.0

//! Questions about the iomem resource tree.

use crate::bindings;
use crate::range::PhysRange;
use kernel::ffi::{c_int, c_void};

/// Whether any resource with `flags` and `desc` in the iomem tree meets
/// `range` (region_intersects() is not REGION_DISJOINT).
fn meets(range: &PhysRange, flags: u32, desc: u32) -> bool {
    // SAFETY: region_intersects() only reads the resource tree, under its
    // own lock; any range is a valid argument.
    let rc = unsafe {
        bindings::region_intersects(
            range.start,
            range.size() as usize,
            flags as usize,
            desc as usize,
        )
    };
    rc != bindings::REGION_DISJOINT as i32
}

/// Whether `range` intersects any CXL window (`IORES_DESC_CXL`).
pub fn meets_cxl_window(range: &PhysRange) -> bool {
    meets(range, bindings::IORESOURCE_MEM, bindings::IORES_DESC_CXL)
}

/// Stops `walk_iomem_res_desc()` at the first resource it finds.
extern "C" fn found(_res: *mut bindings::resource, _arg: *mut c_void) -> c_int {
    1
}

/// Whether any of `range` is System RAM (memory onlined through dax_kmem
/// included, which may stay online after its DAX device is gone).
///
/// A walk for busy System RAM resources, the test the CXL region driver
/// makes before it adds a DAX region (and cxl_region_teardown() before a
/// teardown), not region_intersects(): the kernel's CXL test fixture wraps
/// that one (for dax_hmem's CXL window queries) and answers it whatever
/// the flags.
pub fn intersects_system_ram(range: &PhysRange) -> bool {
    let flags = bindings::IORESOURCE_SYSTEM_RAM | bindings::IORESOURCE_BUSY;
    // SAFETY: walk_iomem_res_desc() reads the resource tree under its own
    // lock and calls `found`, which touches nothing, with no argument.
    let rc = unsafe {
        bindings::walk_iomem_res_desc(
            bindings::IORES_DESC_NONE as usize,
            flags as usize,
            range.start,
            range.end,
            core::ptr::null_mut(),
            Some(found),
        )
    };
    rc > 0
}

/// Whether `range` is still Soft Reserved memory the kernel set aside.
pub fn is_soft_reserved(range: &PhysRange) -> bool {
    // SAFETY: As above, a read-only query of the soft reserve tree.
    let rc =
        unsafe { bindings::region_intersects_soft_reserve(range.start, range.size() as usize) };
    rc == bindings::REGION_INTERSECTS as i32
}
