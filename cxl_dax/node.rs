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

/// KUnit tests, built only into `dax_ownership_kunit` (`--cfg daxo_kunit`,
/// DAX_OWNERSHIP_KUNIT_TEST); the model platform is `tests/kunit/model.rs`.
#[cfg(daxo_kunit)]
#[kernel::prelude::kunit_tests(dax_cxl_node)]
mod tests {
    #[test]
    fn node_choice_falls_back_only_without_a_target() {
        use crate::node::{choose, NO_NODE};
        let mut asked = false;
        assert_eq!(
            choose(1, || {
                asked = true;
                0
            }),
            1
        );
        assert!(!asked);
        assert_eq!(choose(NO_NODE, || 3), 3);
        assert_eq!(choose(0, || 3), 0);
    }
}
