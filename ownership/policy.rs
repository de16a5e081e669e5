// SPDX-License-Identifier: GPL-2.0

//! The ownership policies and the decision over all ranges at once.

use super::range::PhysRange;
use kernel::prelude::*;

// Containment is the policy's question (dax_cxl, which compiles
// `range.rs` for its claims, never asks it).
impl PhysRange {
    /// Whether `other` lies entirely within this range.
    pub(crate) const fn contains(&self, other: &PhysRange) -> bool {
        self.is_valid() && other.is_valid() && self.start <= other.start && other.end <= self.end
    }
}

/// How Soft Reserved ranges that meet a CXL window are shared out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Policy {
    /// A committed CXL region that fully contains a range gets it; any
    /// other range goes to HMEM. Linux 7.3's behaviour and the default.
    PerRange,
    /// All or nothing (the seed patch's policy): if any range that meets a
    /// CXL window is not fully contained by a committed region, HMEM owns
    /// every range; otherwise CXL owns the ones in its regions.
    Strict,
}

impl Policy {
    /// The policy named `name` (`per-range` or `strict`).
    pub(crate) fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"per-range" => Some(Self::PerRange),
            b"strict" => Some(Self::Strict),
            _ => None,
        }
    }

    /// The name the module parameter uses.
    pub(crate) const fn name(&self) -> &'static str {
        match self {
            Self::PerRange => "per-range",
            Self::Strict => "strict",
        }
    }
}

/// The driver that ends up owning a range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Owner {
    /// `dax_cxl`, through the committed CXL region that contains it.
    Cxl,
    /// `dax_hmem`, through an `hmem.N` platform device.
    Hmem,
}

/// Why a range went to its owner.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Reason {
    /// It meets no CXL window, so no CXL region can ever claim it.
    OutsideCxlWindows,
    /// A committed CXL region contains all of it.
    ContainedByRegion,
    /// It meets a CXL window, but no committed region contains all of it.
    NotContained,
    /// Strict policy: this range is contained by a region, but `missed`
    /// is not, so HMEM takes every range.
    StrictFallback {
        /// The first range (in walk order) that no region contains.
        missed: PhysRange,
    },
    /// Strict policy: `missed` would make HMEM take this range too, but the
    /// CXL region that contains it is in use (its DAX region is bound, or
    /// its memory is online): it is never torn down, so CXL keeps it.
    KeptInUse {
        /// The first range (in walk order) that no region contains.
        missed: PhysRange,
    },
    /// Strict policy: `missed` would make HMEM take this range too, but
    /// HMEM cannot make a DAX region of it (not aligned to the DAX
    /// alignment): tearing its region down would leave it with no owner,
    /// so CXL keeps it.
    KeptUnusable {
        /// The first range (in walk order) that no region contains.
        missed: PhysRange,
    },
    /// Strict policy: `missed` would make HMEM take this range too, but its
    /// CXL region also holds a range CXL keeps (see above): the region is
    /// not torn down, so CXL keeps this one as well.
    KeptWithRegion {
        /// The first range (in walk order) that no region contains.
        missed: PhysRange,
    },
}

impl Reason {
    /// A short phrase for messages and the ownership report.
    pub(crate) const fn describe(&self) -> &'static str {
        match self {
            Self::OutsideCxlWindows => "outside every CXL window",
            Self::ContainedByRegion => "contained by a committed CXL region",
            Self::NotContained => "not fully contained by a committed CXL region",
            Self::StrictFallback { .. } => "strict policy: another range was not contained",
            Self::KeptInUse { .. } => {
                "strict policy: another range was not contained, but its CXL region is in use"
            }
            Self::KeptUnusable { .. } => {
                "strict policy: another range was not contained, but HMEM cannot use this one"
            }
            Self::KeptWithRegion { .. } => {
                "strict policy: another range was not contained, but its CXL region is kept"
            }
        }
    }

    /// The range whose miss triggered the strict policy's fallback, if
    /// that is why.
    pub(crate) const fn missed(&self) -> Option<PhysRange> {
        match self {
            Self::StrictFallback { missed }
            | Self::KeptInUse { missed }
            | Self::KeptUnusable { missed }
            | Self::KeptWithRegion { missed } => Some(*missed),
            _ => None,
        }
    }
}

/// The owner of one range and why.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Decision {
    /// Who owns the range.
    pub(crate) owner: Owner,
    /// Why.
    pub(crate) reason: Reason,
}

/// Why a range could not be decided at all.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Rejection {
    /// `end < start`, or a size of zero: there is no memory to own.
    Degenerate,
}

/// The outcome for one range.
pub(crate) type Verdict = core::result::Result<Decision, Rejection>;

/// What the kernel says about one Soft Reserved range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Facts {
    /// The range as firmware described it.
    pub(crate) range: PhysRange,
    /// It intersects at least one CXL window (`IORES_DESC_CXL`).
    pub(crate) meets_cxl_window: bool,
    /// One committed CXL region contains all of it.
    pub(crate) contained_by_region: bool,
    /// A CXL region over it is in use: its DAX region is bound, or some of
    /// its memory is System RAM. Such a region is never torn down.
    pub(crate) region_in_use: bool,
    /// HMEM could make a DAX region of it (aligned to the DAX alignment).
    pub(crate) hmem_usable: bool,
    /// The committed CXL region that contains it, when known (the strict
    /// policy keeps or tears down a region as a whole).
    pub(crate) region: Option<PhysRange>,
}

impl Facts {
    /// Whether this range, if valid, can go to CXL on its own merits.
    const fn cxl_claims(&self) -> bool {
        self.meets_cxl_window && self.contained_by_region
    }

    /// Whether this range is a miss for the strict policy.
    const fn is_miss(&self) -> bool {
        self.range.is_valid() && self.meets_cxl_window && !self.contained_by_region
    }
}

/// Decide every range in one pass over all of them.
///
/// Returns one verdict per input, in the same order. Nothing is decided
/// range by range against a moving state: the strict policy looks at all
/// facts before it gives any verdict, so no order of ranges can leave one
/// of them with neither owner.
///
/// Linear in the number of ranges.
pub(crate) fn decide(facts: &[Facts], policy: Policy) -> Result<KVec<Verdict>> {
    let mut verdicts = KVec::with_capacity(facts.len(), GFP_KERNEL)?;
    let missed = match policy {
        Policy::PerRange => None,
        Policy::Strict => facts.iter().find(|f| f.is_miss()).map(|f| f.range),
    };
    // A range HMEM cannot use keeps its region, and with it every other
    // range of that region. Such ranges are rare: only then is there a
    // pass over the ranges for each.
    let unusable = |g: &Facts| g.range.is_valid() && g.cxl_claims() && !g.hmem_usable;
    let any_unusable = missed.is_some() && facts.iter().any(unusable);
    let kept_for = |f: &Facts| -> bool {
        any_unusable
            && f.region.is_some()
            && facts.iter().any(|g| g.region == f.region && unusable(g))
    };
    for f in facts {
        let verdict = if !f.range.is_valid() {
            Err(Rejection::Degenerate)
        } else if !f.meets_cxl_window {
            Ok(Decision {
                owner: Owner::Hmem,
                reason: Reason::OutsideCxlWindows,
            })
        } else if !f.cxl_claims() {
            Ok(Decision {
                owner: Owner::Hmem,
                reason: Reason::NotContained,
            })
        } else if let Some(missed) = missed {
            // Strict fallback, except where taking the range from CXL would
            // pull memory out from under the system or leave it unowned.
            let (owner, reason) = if f.region_in_use {
                (Owner::Cxl, Reason::KeptInUse { missed })
            } else if !f.hmem_usable {
                (Owner::Cxl, Reason::KeptUnusable { missed })
            } else if kept_for(f) {
                (Owner::Cxl, Reason::KeptWithRegion { missed })
            } else {
                (Owner::Hmem, Reason::StrictFallback { missed })
            };
            Ok(Decision { owner, reason })
        } else {
            Ok(Decision {
                owner: Owner::Cxl,
                reason: Reason::ContainedByRegion,
            })
        };
        verdicts.push(verdict, GFP_KERNEL)?;
    }
    Ok(verdicts)
}
