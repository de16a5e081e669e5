// SPDX-License-Identifier: GPL-2.0

//! The `hmem.N` platform device that hands one Soft Reserved range to the
//! `hmem` driver, and the memregion id that names it.

use crate::bindings;
#[cfg(daxo_out_of_tree)]
use crate::bindings::DeviceAsRaw as _;
use crate::range::PhysRange;
use core::ptr::NonNull;
use kernel::{device::Device, prelude::*};

/// A memregion id, freed on drop.
///
/// # Invariants
///
/// The id came from `memregion_alloc()` and is not freed before drop.
struct MemRegionId(i32);

impl MemRegionId {
    fn new() -> Result<Self> {
        // SAFETY: memregion_alloc() has no preconditions.
        let id = unsafe { bindings::memregion_alloc(bindings::GFP_KERNEL) };
        if id < 0 {
            return Err(ENOMEM);
        }
        // INVARIANT: A fresh id from memregion_alloc().
        Ok(Self(id))
    }
}

impl Drop for MemRegionId {
    fn drop(&mut self) {
        // SAFETY: The id came from memregion_alloc() and is freed once.
        unsafe { bindings::memregion_free(self.0) };
    }
}

/// A registered `hmem.N` platform device for one range; unregistered (and
/// its id freed) on drop.
///
/// # Invariants
///
/// `pdev` is the platform device [`HmemDevice::register`] added, named by
/// `_id`, and not unregistered before drop.
pub struct HmemDevice {
    pdev: NonNull<bindings::platform_device>,
    range: PhysRange,
    // Dropped after `pdev` is unregistered: the id names the device.
    _id: MemRegionId,
}

// SAFETY: The device pointer is only used to unregister it, which may be
// done from any thread.
unsafe impl Send for HmemDevice {}
// SAFETY: No method reads through the pointer.
unsafe impl Sync for HmemDevice {}

/// What failed while creating an `hmem.N` device.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// memregion_alloc().
    MemRegion,
    /// platform_device_alloc().
    Alloc,
    /// platform_device_add_data().
    AddData,
    /// platform_device_add().
    Add,
}

impl Step {
    /// What the step allocates or does, for the error message.
    pub const fn what(&self) -> &'static str {
        match self {
            Self::MemRegion => "memregion allocation",
            Self::Alloc => "device allocation",
            Self::AddData => "memregion_info allocation",
            Self::Add => "device registration",
        }
    }
}

impl HmemDevice {
    /// Create `hmem.<id>` under `parent` for `range` on `target_nid`.
    ///
    /// On failure everything done so far is undone; the error says which
    /// step failed.
    pub fn register(
        parent: &Device,
        range: PhysRange,
        target_nid: i32,
    ) -> core::result::Result<Self, (Step, Error)> {
        let id = MemRegionId::new().map_err(|e| (Step::MemRegion, e))?;

        // SAFETY: The name is a valid C string; the id is ours.
        let pdev = unsafe {
            bindings::platform_device_alloc(crate::hmem::driver::NAME.as_char_ptr(), id.0)
        };
        let pdev = NonNull::new(pdev).ok_or((Step::Alloc, ENOMEM))?;
        let put = |step, err| {
            // SAFETY: `pdev` was allocated above and not added.
            unsafe { bindings::platform_device_put(pdev.as_ptr()) };
            (step, err)
        };

        let info = bindings::memregion_info {
            target_node: target_nid,
            range: bindings::range {
                start: range.start,
                end: range.end,
            },
        };
        // SAFETY: `pdev` is a valid, not yet added platform device; `parent`
        // outlives it (the device is unregistered before its parent
        // unbinds); platform_device_add_data() copies `info`.
        let rc = unsafe {
            let p = pdev.as_ptr();
            (*p).dev.parent = parent.as_raw();
            // numa_map_to_online_node() is an inline of this.
            (*p).dev.numa_node =
                bindings::numa_nearest_node(target_nid, bindings::node_states_N_ONLINE);
            bindings::platform_device_add_data(
                p,
                (&raw const info).cast(),
                core::mem::size_of_val(&info),
            )
        };
        if rc < 0 {
            return Err(put(Step::AddData, Error::from_errno(rc)));
        }

        // SAFETY: `pdev` is valid and fully set up.
        let rc = unsafe { bindings::platform_device_add(pdev.as_ptr()) };
        if rc < 0 {
            return Err(put(Step::Add, Error::from_errno(rc)));
        }
        // INVARIANT: `pdev` was added just above, named by `id`.
        Ok(Self {
            pdev,
            range,
            _id: id,
        })
    }

    /// The range the device hands to the `hmem` driver.
    pub fn range(&self) -> PhysRange {
        self.range
    }
}

impl Drop for HmemDevice {
    fn drop(&mut self) {
        // SAFETY: The device was added by `register` and is unregistered
        // once, here.
        unsafe { bindings::platform_device_unregister(self.pdev.as_ptr()) };
    }
}
