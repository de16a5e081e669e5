// SPDX-License-Identifier: GPL-2.0

//! The NUMA node of a CXL region's memory.

/// `NUMA_NO_NODE`.
pub(crate) const NO_NODE: i32 = -1;

/// The node firmware gave the memory (`target`), or, when it gave none,
/// the node memory hot-add would use (`hotplug_node`, only asked then).
pub(crate) fn choose(target: i32, hotplug_node: impl FnOnce() -> i32) -> i32 {
    if target == NO_NODE {
        hotplug_node()
    } else {
        target
    }
}
