// SPDX-License-Identifier: GPL-2.0

//! The resolution: gather the facts about every Soft Reserved range, let
//! [`decide`](crate::ownership::policy::decide) give every range an owner
//! in one pass, then act:
//! one `hmem.N` device per range HMEM owns.
//!
//! At every binding (the first after boot, a module reload, an
//! unbind/bind), ranges that meet a CXL window wait for CXL: a single work
//! item on the module's ordered queue waits for device probing to finish
//! (cxl_acpi and cxl_pci were requested at module load; cxl_pci probes
//! asynchronously, so a rebind can race region assembly), then decides all
//! ranges. Ranges that meet no CXL window are registered at once.
//!
//! Only Soft Reserved ranges take part: with ACPI HMAT the walk also lists
//! the memory ranges of every HMAT target, ordinary System RAM included.
//!
//! The strict policy never takes a range from a CXL region that is in use
//! (its DAX region bound, or some of its memory System RAM), nor one HMEM
//! could not use: CXL keeps those ([`Reason::KeptInUse`],
//! [`Reason::KeptUnusable`]), and each says so in one line.
//!
//! Every resolution, and the end of a binding, runs under the resolver's
//! own mutex (C serialises them with the device lock of `hmem_platform`).
//! Lockdep checks it against the locks taken under it (the CXL core's,
//! memory hotplug's, kernfs'), not against device locks, which it does not
//! track: the work item takes no device lock of `hmem_platform`, and
//! waits for device probe before it takes the mutex.

use crate::dax::{claim, region as dax};
use crate::glue;
use crate::hmem::{device::HmemDevice, walk::for_each_soft_reserved};
use crate::iomem::query as resource;
use crate::ownership::{Entry, Facts, Ledger, Owner, Policy, Reason};
use crate::probe;
use crate::region_teardown::{self, Region};
use crate::report;
use kernel::{
    device::Core,
    new_mutex, new_work, platform,
    prelude::*,
    sync::{aref::ARef, Arc, Mutex},
    workqueue::{Work, WorkItem},
};

/// The state of one binding of `hmem_platform`.
#[pin_data]
pub(crate) struct Resolver {
    pdev: ARef<platform::Device>,
    /// Held for a whole resolution, and while the binding ends.
    #[pin]
    state: Mutex<State>,
    #[pin]
    work: Work<Resolver>,
}

struct State {
    /// False once the binding ended: a late work item then does nothing.
    alive: bool,
    /// The `hmem.N` devices registered for ranges HMEM owns.
    devices: KVec<HmemDevice>,
}

kernel::impl_has_work! {
    impl HasWork<Self> for Resolver { self.work }
}

impl WorkItem for Resolver {
    type Pointer = Arc<Resolver>;

    fn run(this: Arc<Resolver>) {
        // Relies on cxl_acpi and cxl_pci having been requested at load
        // (or, built in, initialised): once probing is quiet, CXL windows
        // and committed regions exist.
        glue::wait_for_initcalls();
        probe::wait_for_device_probe();
        if let Err(f) = this.resolve(&mut this.state.lock(), Phase::Final) {
            f.say(this.pdev.as_ref());
        }
    }
}

/// A resolution that failed: the step, and its error.
struct Failed(&'static str, Error);

impl Failed {
    /// Say in one line which step failed, and what is left undecided.
    fn say(&self, dev: &kernel::device::Device) {
        dev_err!(
            dev,
            "Soft Reserved resolution failed while {}: {:?}; ranges not yet decided stay \
             undecided, the last report stands, until hmem_platform binds again\n",
            self.0,
            self.1
        );
    }
}

/// Names the step of a fallible call in a resolution.
trait At<T> {
    /// The result, its error tagged with `step`.
    fn at(self, step: &'static str) -> core::result::Result<T, Failed>;
}

impl<T, E: Into<Error>> At<T> for core::result::Result<T, E> {
    fn at(self, step: &'static str) -> core::result::Result<T, Failed> {
        self.map_err(|e| Failed(step, e.into()))
    }
}

/// Which ranges a resolution decides.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Probe at first binding: only ranges that meet no CXL window.
    Early,
    /// All ranges.
    Final,
}

impl Resolver {
    /// A resolver for `pdev`, the `hmem_platform` device.
    pub(crate) fn new(pdev: &platform::Device<Core<'_>>) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Self {
                pdev: pdev.into(),
                state <- new_mutex!(
                    State {
                        alive: true,
                        devices: KVec::new(),
                    },
                    "dax_hmem::Resolver::state"
                ),
                work <- new_work!("dax_hmem::Resolver::work"),
            }),
            GFP_KERNEL,
        )
    }

    /// Register the ranges no CXL window meets, and queue the one work item
    /// that decides the others once CXL has probed. Called from the probe
    /// of `pdev`, at every binding.
    pub(crate) fn start(self: &Arc<Self>) -> Result {
        let deferred = self
            .resolve(&mut self.state.lock(), Phase::Early)
            .map_err(|f| {
                f.say(self.pdev.as_ref());
                f.1
            })?;
        if deferred {
            // Already queued is fine: one work item decides everything.
            let queued = glue::with_queue(|q| q.map(|q| q.enqueue(self.clone())));
            // The queue exists while the drivers are registered: this
            // cannot happen, and failing the probe now would leave the
            // ranges registered above without their binding.
            if queued.is_none() {
                dev_warn!(
                    self.pdev.as_ref(),
                    "no queue for the resolution: ranges meeting CXL windows stay undecided\n"
                );
            }
        }
        Ok(())
    }

    /// End of the binding: unregister every `hmem.N` device (freeing their
    /// ids) and make a pending work item a no-op. Called when `pdev`
    /// unbinds (its driver data is dropped in remove).
    pub(crate) fn shutdown(&self) {
        let mut state = self.state.lock();
        state.alive = false;
        state.devices.clear();
    }

    /// Gather facts, decide, act, on the locked `state`. Returns whether
    /// ranges were left for the final phase.
    fn resolve(&self, state: &mut State, phase: Phase) -> core::result::Result<bool, Failed> {
        let dev = self.pdev.as_ref();
        if !state.alive {
            return Ok(false);
        }
        let mut entries = KVec::new();
        for_each_soft_reserved(dev, |sr| {
            Ok(entries.push(Entry::new(sr.range, sr.target_nid), GFP_KERNEL)?)
        })
        .at("walking the Soft Reserved ranges")?;
        let cxl = crate::CXL_ENABLED;
        let policy = glue::policy();
        // The CXL regions, and which are in use: the strict policy never
        // takes a range from those (looked up once, only when it matters).
        let surveyed =
            phase == Phase::Final && policy == Policy::Strict && cxl && region_teardown::AVAILABLE;
        let regions = if surveyed {
            region_teardown::survey().at("surveying the CXL regions")?
        } else {
            KVec::new()
        };

        let mut deferred = false;
        entries.retain(|e| {
            let range = e.range;
            // HMAT lists System RAM targets too (C's
            // __hmem_register_device() skips them the same way).
            if range.is_valid() && !resource::is_soft_reserved(&range) {
                dev_dbg!(dev, "{} is not Soft Reserved: ignored\n", range);
                return false;
            }
            let meets = cxl && range.is_valid() && resource::meets_cxl_window(&range);
            if phase == Phase::Early && meets {
                dev_dbg!(dev, "await CXL probe: {}\n", range);
                deferred = true;
                return false;
            }
            let contained = meets && glue::cxl_region_contains(&range);
            let region = regions
                .iter()
                .find(|g| contained && g.range().contains(&range))
                .map(|g| g.range());
            e.facts = Facts {
                meets_cxl_window: meets,
                contained_by_region: contained,
                // A region the survey missed (created since) is not known
                // to be idle: left alone, as if in use.
                region_in_use: (surveyed && contained && region.is_none())
                    || regions.iter().any(|g| {
                        region_teardown::in_use(g).is_some() && g.range().overlaps(&range)
                    }),
                hmem_usable: claim::is_aligned(&range, dax::align()),
                region,
            };
            true
        });

        // Decide all, then act: tear down what the strict policy condemns,
        // and only then register hmem.N devices (whose DAX regions would
        // conflict with a live CXL one).
        let mut ledger = Ledger::decided(policy, entries);
        self.say_kept(ledger.entries(), &regions);
        if phase == Phase::Final && policy == Policy::Strict {
            self.tear_down_regions(&mut ledger, &regions);
        }
        // Act on the ledger's verdicts: the teardown may have given ranges
        // back to CXL.
        for e in ledger.entries() {
            self.act(&mut state.devices, e);
        }
        if phase == Phase::Final || !deferred {
            let s = ledger.summary();
            dev_info!(
                dev,
                "{} Soft Reserved ranges: {} to CXL, {} to HMEM ({} policy)\n",
                s.ranges,
                s.cxl,
                s.hmem,
                policy.name()
            );
        }
        // The report of this resolution replaces the last one whole.
        report::record(dev, ledger);
        Ok(deferred)
    }

    /// Strict policy: tear down the CXL regions over ranges HMEM now owns,
    /// and say once how many and which range made HMEM take everything.
    fn tear_down_regions(&self, ledger: &mut Ledger, regions: &[Region]) {
        let dev = self.pdev.as_ref();
        let Some(missed) = ledger.entries().iter().find_map(|e| match e.verdict {
            Ok(d) if d.reason == Reason::NotContained => Some(e.range),
            _ => None,
        }) else {
            // Every range that meets a CXL window is in a region: CXL owns
            // them, nothing to tear down.
            return;
        };
        // A region found in use keeps its ranges with CXL (said there, one
        // line per region).
        let o = region_teardown::tear_down(dev, regions, ledger.entries_mut());
        if o.torn_down == 0 {
            return;
        }
        let kept = ledger
            .entries()
            .iter()
            .any(|e| matches!(e.verdict, Ok(d) if d.owner == Owner::Cxl));
        dev_info!(
            dev,
            "strict policy: {} is not contained by a committed CXL region, so HMEM owns every \
             Soft Reserved range{}; tore down {} of {} CXL regions over them\n",
            missed,
            if kept { " CXL does not keep" } else { "" },
            o.torn_down,
            o.chosen
        );
    }

    /// Say why the strict policy left ranges to CXL: one line per region in
    /// use, one per range HMEM could not use or that shares such a region.
    fn say_kept(&self, entries: &[Entry], regions: &[Region]) {
        let dev = self.pdev.as_ref();
        let kept = |e: &Entry| match e.verdict {
            Ok(d) => d.reason,
            Err(_) => Reason::ContainedByRegion,
        };
        for g in regions.iter() {
            let Some(why) = region_teardown::in_use(g) else {
                continue;
            };
            // The first range it overlaps that CXL keeps because of it,
            // or that HMEM owns but cannot have while it is in use (the
            // range is not contained by it: no region over it is torn
            // down, [`region_teardown::select::condemned`]).
            let kept_in_use = |e: &Entry| matches!(kept(e), Reason::KeptInUse { .. });
            let Some(e) = entries.iter().find(|e| {
                e.range.overlaps(&g.range())
                    && (kept_in_use(e) || matches!(e.verdict, Ok(d) if d.owner == Owner::Hmem))
            }) else {
                continue;
            };
            dev_info!(
                dev,
                "strict policy: {} {} is in use ({}): not torn down; {} {}\n",
                g.name(),
                g.range(),
                why,
                if kept_in_use(e) {
                    "CXL keeps"
                } else {
                    "nor is any region over"
                },
                e.range
            );
        }
        for e in entries.iter() {
            match kept(e) {
                // Contained, or over a region that is therefore spared
                // (`region_teardown::select::condemned`).
                r @ (Reason::KeptUnusable { .. } | Reason::NotContained)
                    if !e.facts.hmem_usable
                        && (r != Reason::NotContained || !regions.is_empty()) =>
                {
                    let tail = if r == Reason::NotContained {
                        "no region over it is torn down"
                    } else {
                        "CXL keeps it, and its region is not torn down"
                    };
                    dev_info!(
                        dev,
                        "strict policy: {} is not aligned to {} KiB, so HMEM could not use it: \
                         {}\n",
                        e.range,
                        dax::align() >> 10,
                        tail
                    )
                }
                Reason::KeptInUse { .. } if e.facts.region.is_none() => dev_info!(
                    dev,
                    "strict policy: CXL keeps {}: its region is newer than the survey\n",
                    e.range
                ),
                Reason::KeptWithRegion { .. } => dev_info!(
                    dev,
                    "strict policy: CXL keeps {}: its region also holds a range HMEM could not \
                     use, and is not torn down\n",
                    e.range
                ),
                _ => {}
            }
        }
    }

    /// Carry out one verdict.
    fn act(&self, devices: &mut KVec<HmemDevice>, entry: &Entry) {
        let dev = self.pdev.as_ref();
        let range = entry.range;
        let decision = match entry.verdict {
            Ok(d) => d,
            Err(_) => {
                dev_err!(dev, "ignoring degenerate Soft Reserved range {}\n", range);
                return;
            }
        };
        dev_dbg!(
            dev,
            "{} -> {}: {}\n",
            range,
            decision.owner.name(),
            decision.reason.describe()
        );
        if decision.reason == Reason::NotContained {
            dev_warn!(
                dev,
                "{} meets a CXL window but no committed CXL region contains all of it; \
                 HMEM owns it. Please report this platform to linux-cxl@vger.kernel.org\n",
                range
            );
        }
        if decision.owner != Owner::Hmem || devices.iter().any(|d| d.range() == range) {
            return;
        }
        // Memory onlined earlier (through a DAX device since gone) may
        // still be System RAM: a DAX region over it would hand memory the
        // kernel uses to whoever maps the device.
        if resource::intersects_system_ram(&range) {
            dev_warn!(
                dev,
                "{} is System RAM already (memory onlined earlier is still online): no HMEM \
                 device for it\n",
                range
            );
            return;
        }
        // Room for the device first: once registered, kmem may online its
        // memory, so it must not be unregistered for want of a slot.
        if devices.reserve(1, GFP_KERNEL).is_err() {
            dev_err!(dev, "out of memory: no hmem device for {}\n", range);
            return;
        }
        match HmemDevice::register(dev, range, entry.nid) {
            Ok(hd) => {
                // Within the capacity reserved above: cannot fail.
                let _ = devices.push(hd, GFP_KERNEL);
            }
            Err((step, e)) => {
                dev_err!(dev, "{} failure for {}: {:?}\n", step.what(), range, e)
            }
        }
    }
}
