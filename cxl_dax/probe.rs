// SPDX-License-Identifier: GPL-2.0

//! Probe of a `cxl_dax_region` device: a DAX region over the CXL region.

use crate::cxl::driver as cxl;
use crate::dax::region::{self as dax, RegionSpec, Rival};
use crate::node;
use crate::numa;
use kernel::{device::Core, prelude::*};

/// The driver of `cxl_dax_region` devices.
pub(crate) struct CxlDaxRegionDriver;

impl cxl::Driver for CxlDaxRegionDriver {
    const NAME: &'static CStr = c"cxl_dax_region";

    fn probe(region: &cxl::DaxRegion<Core<'_>>) -> Result {
        let range = region.range();
        let nid = node::choose(numa::target_node(range.start), || {
            numa::hotplug_node(range.start)
        });
        let spec = RegionSpec {
            id: region.region_id(),
            range,
            nid,
            kmem: true,
            dev_size: range.size(),
            memmap_on_memory: true,
            rival: Rival::Hmem,
        };
        dax::create_or_report(region, &spec)
    }
}
