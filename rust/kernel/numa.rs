// SPDX-License-Identifier: GPL-2.0

//! The NUMA node of physical memory (0 without NUMA, as the C stubs say).
//!
//! C header: [`include/linux/numa.h`](srctree/include/linux/numa.h)

#[cfg(CONFIG_NUMA)]
use crate::bindings;

/// The node firmware gave the memory at `addr` (ACPI SRAT), or
/// `NUMA_NO_NODE`.
#[cfg(CONFIG_NUMA)]
pub fn target_node(addr: u64) -> i32 {
    // SAFETY: A lookup in the NUMA tables; any address is valid.
    unsafe { bindings::phys_to_target_node(addr) }
}

/// The node firmware gave the memory at `addr`: 0 without NUMA.
#[cfg(not(CONFIG_NUMA))]
pub fn target_node(_addr: u64) -> i32 {
    0
}

/// The node memory hot-add would put the memory at `addr` on.
#[cfg(CONFIG_NUMA)]
pub fn hotplug_node(addr: u64) -> i32 {
    // SAFETY: As above.
    unsafe { bindings::memory_add_physaddr_to_nid(addr) }
}

/// The node memory hot-add would put the memory at `addr` on: 0 without
/// NUMA.
#[cfg(not(CONFIG_NUMA))]
pub fn hotplug_node(_addr: u64) -> i32 {
    0
}
