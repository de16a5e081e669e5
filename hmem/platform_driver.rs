// SPDX-License-Identifier: GPL-2.0

//! The `hmem_platform` driver: binds the single device standing for all
//! Soft Reserved ranges and starts the resolution of who owns them.

use crate::report;
use crate::resolver::Resolver;
use kernel::{
    device::{Core, Device},
    platform,
    prelude::*,
    sync::{aref::ARef, Arc},
};

/// The driver of the `hmem_platform` device.
pub(crate) struct HmemPlatformDriver;

/// What a binding of `hmem_platform` holds: the resolver, shut down (every
/// `hmem.N` device unregistered) when the binding ends.
pub(crate) struct Binding {
    pdev: ARef<platform::Device>,
    resolver: Arc<Resolver>,
}

impl Drop for Binding {
    fn drop(&mut self) {
        // Shut down first: it waits for a resolution in flight (which
        // records a report) and makes any later one a no-op, so the report
        // withdrawn next cannot come back.
        self.resolver.shutdown();
        report::withdraw(self.pdev.as_ref());
    }
}

impl platform::Driver for HmemPlatformDriver {
    type IdInfo = ();
    type Data<'bound> = Binding;

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        _info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        let resolver = Resolver::new(pdev)?;
        // At every binding (boot, module reload, rebind): register what CXL
        // can never claim, defer the rest to one work item that waits for
        // CXL to probe.
        resolver.start()?;
        // The report is read-only and optional: a failure to publish it
        // is said, not fatal.
        if let Err(e) = report::publish(pdev.as_ref()) {
            let dev: &Device = pdev.as_ref();
            dev_warn!(dev, "no ownership report in sysfs: {:?}\n", e);
        }
        Ok(Binding {
            pdev: pdev.into(),
            resolver,
        })
    }
}
