# SPDX-License-Identifier: GPL-2.0
"""The scenarios: layouts of Soft Reserved (SR) memory over CXL, and who must
own each range in the end.

A scenario has:
  title       one line for the report;
  topology    a key of TOPOLOGIES;
  sr          [(start, size)]: the SR ranges firmware describes in the boot
              that is judged (memmap=SIZE%START+0xefffffff);
  stage1      guest shell run at first boot; a two-stage scenario creates
              and commits regions here, then calls `kexec_stage2`, so the
              regions are committed at boot as firmware would leave them;
  stage2      guest shell for the kexec'ed boot (two-stage scenarios only);
  expect      {snapshot label: [(start, size, owner)]}, owner one of
              "cxl", "hmem", "none";
  cxl_regions {snapshot label: [(start, size)]}: exactly the CXL regions
              /sys/bus/cxl and /proc/iomem must show (optional); each
              committed and bound to cxl_region, but those starting at an
              address in regions_assembling {label: {start}} (uncommitted,
              unbound) or regions_disabled {label: {start}} (committed,
              never enabled: unbound);
  system_ram  {snapshot label: [(start, size)]}: ranges whose memory is
              online as System RAM (kmem);
  soft_reserved_iomem {snapshot label: [(start, size)]}: exactly the
              "Soft Reserved" entries /proc/iomem must show (optional;
              by default derived: harness.expected_soft_reserved);
  no_soft_reserved_entry [(start, size)]: HMEM ranges the Rust dax_hmem
              cannot show as "Soft Reserved" (no single iomem parent);
  reasons     {snapshot label: {(start, size): reason}}: the reason the
              Rust dax_hmem's ownership report gives a range, a key of
              harness.REASONS or (key, the missed range), where the owner
              and the policy do not decide it (harness.expected_reason);
  hmem_unbound {snapshot label: N}: hmem.N platform devices that are there
              but not bound to hmem (probe failed, or unbound on purpose);
              any other unbound one fails the scenario (default 0);
  dax_driver  {snapshot label: {mapping start: driver}}: the driver a DAX
              device a scenario puts to use must be bound to (kmem,
              device_dax);
  xfail       {implementation: why}: a known failure of that implementation,
              reported as XFAIL; the expectation itself is never weakened;
  console     regexes the kernel log must match;
  kunit       KUnit suites whose every case must pass;
  policy      the dax_hmem policy at the snapshots (default: strict if a
              step loads it so, else per-range);
  impls       implementations it runs against (default DRIVER_IMPLS);
  timeout     seconds for the whole boot (default harness.BOOT_TIMEOUT;
              scaled on a KASAN kernel);
  debug_only, kmemleak_expect   see scripts/debugkernel.py.
"""

import os

from cxltest_scenarios import CXLTEST_SCENARIOS

# Implementations the driver scenarios run against. The Rust modules join
# when they are more than skeletons.
#   c          the kernel's C dax_hmem and dax_cxl (the anchor);
#   ours       both Rust modules;
#   ours-hmem  the Rust dax_hmem beside the C dax_cxl;
#   ours-cxl   the C dax_hmem beside the Rust dax_cxl.
# Every scenario runs on the first two; each mixed pair runs where its Rust
# half is what the scenario exercises (HMEM reload and rebind, parameters;
# CXL registration, order and claims).
DRIVER_IMPLS = ["c", "ours"]
HMEM_IMPLS = DRIVER_IMPLS + ["ours-hmem"]
CXL_IMPLS = DRIVER_IMPLS + ["ours-cxl"]

M = 1 << 20
G = 1 << 30
W0 = 0x390000000  # CXL window 0 with -m 2G,maxmem=8G and one 4G window
W1 = 0x490000000  # CXL window 1 of the two-hb topology

# Host bridges, each a list of volatile Type-3 device sizes.
TOPOLOGIES = {
    "one-hb": {"bridges": [[256 * M, 256 * M]]},
    # Two host bridges (PCI buses 0x0c and 0x20), one device and one 4 GiB
    # window each: window 0 at W0, window 1 at W1.
    "two-hb": {"bridges": [[256 * M], [256 * M]]},
    # As one-hb with a 512 MiB window: SR_BIG fills it, so a region created
    # later can only get HPA space over that range.
    "one-hb-512M": {"bridges": [[256 * M, 256 * M]], "window": "512M"},
    # No CXL device: the kernel's CXL test fixture (scripts/cxltest.py)
    # mocks the topology; its memdevs want NUMA nodes 0 and 1.
    "cxltest": {"bridges": [], "numa": True},
}


def memmap(ranges):
    return " ".join(f"memmap={size // M}M%{start:#x}+0xefffffff"
                    for start, size in ranges)


def boot_sr(ranges):
    """Kernel command line for a boot that has these SR ranges."""
    return memmap(ranges)


# Guest snippets.
BRING_UP = "udev_up"
LOAD_HMEM_CXL = "load dax_hmem dax_cxl"


def online(*ranges):
    """Steps that online the memory of the DAX device at the start of each
    range as System RAM (lib.sh kmem_online: the blocks online, a "System
    RAM (kmem)" entry over it, memory allocated and touched on its node).
    kmem, loaded by name, binds every DAX device (the memory of the others
    added, offline: the kernel's default online policy here), so a claimed
    DAX device whose driver probe fails shows unbound
    (harness.judge_dax_drivers). Only ranges a committed region backs: in
    QEMU an SR range in a CXL window without a region has no memory behind
    it (writes are lost: daxmap "word 0 differs after writing"), so such a
    range is bound to kmem, never onlined."""
    return [f"kmem_online $(dax_at {start:#x})" for start, _ in ranges]


LOAD_KMEM = "load kmem"


def reasons(labels, by_range):
    """A scenario's `reasons`: the same {(start, size): reason} at every
    snapshot in `labels`."""
    return {label: dict(by_range) for label in labels}


def two_stage(regions, sr, then):
    """Stage 1 commits `regions` [(size, [memdevs])] in window 0; stage 2
    boots with the SR ranges and runs `then`."""
    s1 = [BRING_UP, "rd=$(root_decoder_at 0x%x)" % W0]
    for size, devs in regions:
        s1.append(f"region_step $rd {size} {' '.join(devs)} || return")
    s1.append(f'kexec_stage2 "{boot_sr(sr)}"')
    return {"stage1": s1, "stage2": [BRING_UP] + then}


SR_REGION = (W0, 256 * M)            # exactly the region committed on mem0
SR_BIG = (W0, 512 * M)               # larger than that region
SR_UNCOVERED = (W0 + 512 * M, 256 * M)  # in the window, no region; not adjacent
# A region on mem1 outside every SR range (the window's next free HPA
# space after region0): its DAX device must stay as it is through reloads
# and rebinds of the HMEM side (harness.invariant).
OUTSIDE = (W0 + 256 * M, 256 * M)
# Strict, layout (e): SR_UNCOVERED is missed, so HMEM takes SR_REGION too.
E_STRICT_REASONS = {SR_REGION: ("fallback", SR_UNCOVERED), SR_UNCOVERED: "not-contained"}

SCENARIOS = {
    "a": {
        "title": "no SR; a region created from userspace after boot -> CXL",
        "impls": CXL_IMPLS,
        "topology": "one-hb",
        "sr": [],
        "stage1": [BRING_UP, LOAD_HMEM_CXL,
                   "rd=$(root_decoder_at 0x%x)" % W0,
                   f"region_step $rd {256 * M} mem0", "metric_dax_ready",
                   "snapshot final"],
        "expect": {"final": [(W0, 256 * M, "cxl")]},
        # "At once": no SR meets CXL, so dax_cxl waits for nothing.
        "bounds": {"dax_ready_s": 5},
    },
    "b": {
        "title": "SR over the window, no region -> HMEM",
        "impls": DRIVER_IMPLS,
        "topology": "one-hb",
        "sr": [SR_REGION],
        # No region: no memory behind the range (see online()).
        "stage1": [BRING_UP, LOAD_HMEM_CXL, LOAD_KMEM, "snapshot final"],
        "expect": {"final": [(*SR_REGION, "hmem")]},
        "dax_driver": {"final": {SR_REGION[0]: "kmem"}},
        # With ours, kmem's entry nests under the range's Soft Reserved one.
        "kmem_nested": {"final": [SR_REGION]},
    },
    "c": {
        "title": "SR equal to a committed region -> CXL",
        "impls": CXL_IMPLS,
        "topology": "one-hb",
        "sr": [SR_REGION],
        **two_stage([(256 * M, ["mem0"])], [SR_REGION],
                    [LOAD_HMEM_CXL, *online(SR_REGION), "snapshot final"]),
        "expect": {"final": [(*SR_REGION, "cxl")]},
        "dax_driver": {"final": {SR_REGION[0]: "kmem"}},
        "system_ram": {"final": [SR_REGION]},
    },
    "d": {
        "title": "SR larger than the committed region -> HMEM; the region's DAX claim fails",
        "impls": CXL_IMPLS,
        "topology": "one-hb",
        "sr": [SR_BIG],
        **two_stage([(256 * M, ["mem0"])], [SR_BIG],
                    [LOAD_HMEM_CXL, "snapshot final"]),
        "expect": {"final": [(*SR_BIG, "hmem")]},
        # Per-range tears nothing down: the region stays, without DAX.
        "cxl_regions": {"final": [(W0, 256 * M)]},
        # The shared DAX-region tree refuses the second claimant; the Rust
        # dax_cxl says so in one line, as -EBUSY (the C one says -ENOMEM).
        "console": {
            "*": [r"cxl_dax_region dax_region\d+: probe with driver "
                  r"cxl_dax_region failed with error -\d+"],
            "ours ours-cxl": [r"dax_region0: \[mem 0x390000000-0x39fffffff\] is owned by "
                     r"HMEM \(hmem\.\d+, \[mem 0x390000000-0x3afffffff\]\): "
                     r"not creating a DAX region \(-EBUSY\)",
                     r"probe with driver cxl_dax_region failed with error -16"],
        },
        "console_not": {"ours ours-cxl": [r"failed with error -12"]},
        # The holder it names is the one the snapshot shows (hmem.N and
        # its range, from the DAX core's region tree).
        "busy_holders": {"ours ours-cxl": ["final"]},
    },
    "e": {
        "title": "two SR ranges, one equal to a region, one uncovered -> CXL and HMEM",
        "impls": CXL_IMPLS,
        "topology": "one-hb",
        "sr": [SR_REGION, SR_UNCOVERED],
        **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                    [LOAD_HMEM_CXL, *online(SR_REGION), "snapshot final"]),
        "expect": {"final": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem")]},
        # SR_UNCOVERED, without a region, is bound but not onlined.
        "dax_driver": {"final": {SR_REGION[0]: "kmem", SR_UNCOVERED[0]: "kmem"}},
        "system_ram": {"final": [SR_REGION]},
        # One resolution: the summary once, the warning for the uncovered
        # range once.
        "console_count": {"ours": [(r"Soft Reserved ranges: \d+ to CXL", 1),
                                   (r"meets a CXL window but no committed CXL region", 1)]},
    },
    "f": {
        "title": "SR outside every CXL window -> HMEM at once",
        "impls": DRIVER_IMPLS,
        "topology": "one-hb",
        "sr": [(1 * G, 256 * M)],
        "stage1": [BRING_UP, f"metric_load_ready dax_hmem {1 * G:#x} hmem_ready_s",
                   "load dax_cxl", "snapshot final"],
        "expect": {"final": [(1 * G, 256 * M, "hmem")]},
        # "At once": no wait for CXL (the work item's wait_for_device_probe()
        # takes seconds after a load of the CXL stack).
        "bounds": {"hmem_ready_s": 15},
        # One resolution, one summary line, no warning.
        "console_count": {"ours ours-hmem": [(r"Soft Reserved ranges: \d+ to CXL", 1),
                                             (r"meets a CXL window but", 0)]},
    },
    # dax_cxl cannot load before dax_hmem (it links against
    # dax_hmem_flush_work(), so modprobe loads dax_hmem first: that order is
    # (r)). The other real order: dax_hmem before the CXL stack, which it
    # requests itself (cxl_acpi, cxl_pci) before it decides.
    "g": {
        "title": "as (e), dax_hmem loaded before the CXL stack (no coldplug: dax_hmem "
                 "requests cxl_acpi and cxl_pci), then dax_cxl",
        "impls": CXL_IMPLS,
        "topology": "one-hb",
        "sr": [SR_REGION, SR_UNCOVERED],
        **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED], []),
        "stage2": [BRING_UP + " --no-coldplug",
                   "step 'no CXL module before dax_hmem' "
                   "sh -c '! grep -q ^cxl_ /proc/modules'",
                   "load dax_hmem dax_cxl",
                   "step 'cxl_acpi and cxl_pci loaded' "
                   "sh -c 'grep -q ^cxl_acpi /proc/modules && grep -q ^cxl_pci /proc/modules'",
                   "snapshot final"],
        "expect": {"final": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem")]},
        "reasons": {"final": {SR_REGION: "contained", SR_UNCOVERED: "not-contained"}},
    },
    "h": {
        "title": "as (e) plus a region outside the SR ranges, then both modules unloaded "
                 "and reloaded",
        "impls": HMEM_IMPLS,
        "topology": "one-hb",
        "sr": [SR_REGION, SR_UNCOVERED],
        **two_stage([(256 * M, ["mem0"]), (256 * M, ["mem1"])], [SR_REGION, SR_UNCOVERED],
                    [LOAD_HMEM_CXL, "snapshot boot",
                     "unload dax_cxl dax_hmem", LOAD_HMEM_CXL,
                     "snapshot reload"]),
        "expect": {
            "boot": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem"), (*OUTSIDE, "cxl")],
            "reload": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem"), (*OUTSIDE, "cxl")],
        },
        "cxl_regions": {"boot": [SR_REGION, OUTSIDE], "reload": [SR_REGION, OUTSIDE]},
        "xfail": {"c": "Linux 7.3's dax_hmem loses the uncovered range on reload "
                       "(did_probe stays set, so the range is left to CXL)"},
    },
}

SCENARIOS["i"] = {
    "title": "as (e) plus a region outside the SR ranges, then hmem_platform.0 unbound "
             "and bound again",
    "impls": HMEM_IMPLS,
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"]), (256 * M, ["mem1"])], [SR_REGION, SR_UNCOVERED],
                [LOAD_HMEM_CXL, "snapshot boot", "rebind_hmem_platform",
                 "snapshot rebind"]),
    "expect": {
        "boot": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem"), (*OUTSIDE, "cxl")],
        "rebind": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem"), (*OUTSIDE, "cxl")],
    },
    "cxl_regions": {"boot": [SR_REGION, OUTSIDE], "rebind": [SR_REGION, OUTSIDE]},
    "xfail": {"c": "Linux 7.3's dax_hmem loses the uncovered range on rebind "
                   "(did_probe stays set, so the range is left to CXL)"},
}

# As (i), with the memory of the outside region and of the CXL owned range
# online as System RAM, each holding a pattern (ram_hold): the rebind keeps
# CXL's owners, so the memory stays online, on its node, its data intact
# (issue 17, item 1). Both ranges are in the one window, so on one node:
# the outside region's pattern is taken before the other range is online,
# so it lies in the outside region; the second one anywhere on the node.
# (A module reload cannot keep memory online: unloading dax_cxl removes the
# DAX devices under it, "stuck online".) Not for C: its rebind loses the
# uncovered range (as in i), and the XFAIL would hide these checks. Nor
# ours-hmem: i covers that pair; the time budget.
_ONLINE = [f"$(dax_at {a:#x})" for a in (OUTSIDE[0], SR_REGION[0])]
SCENARIOS["i-online"] = dict(
    SCENARIOS["i"],
    title="as (i), the memory of the CXL range and of the outside region online as System "
          "RAM and holding data through the rebind -> owners kept, memory online, data intact",
    **two_stage([(256 * M, ["mem0"]), (256 * M, ["mem1"])], [SR_REGION, SR_UNCOVERED],
                [LOAD_HMEM_CXL, "snapshot boot"]
                + [f"{s} {d}" for d in _ONLINE for s in ("kmem_online", "ram_hold")]
                + ["snapshot online", "rebind_hmem_platform", "snapshot rebind"]
                + [f"ram_release {d}" for d in _ONLINE] + ["snapshot final"]))
SCENARIOS["i-online"]["expect"] = {
    lbl: SCENARIOS["i"]["expect"]["boot"] for lbl in ("boot", "online", "rebind", "final")}
SCENARIOS["i-online"]["cxl_regions"] = {
    lbl: [SR_REGION, OUTSIDE] for lbl in ("boot", "online", "rebind", "final")}
SCENARIOS["i-online"]["dax_driver"] = {
    lbl: {SR_REGION[0]: "kmem", OUTSIDE[0]: "kmem"} for lbl in ("online", "rebind", "final")}
SCENARIOS["i-online"]["system_ram"] = {
    lbl: [SR_REGION, OUTSIDE] for lbl in ("online", "rebind", "final")}
SCENARIOS["i-online"]["console_not"] = [r"stuck online"]
SCENARIOS["i-online"]["impls"] = ["ours"]
del SCENARIOS["i-online"]["xfail"]

SCENARIOS["l"] = {
    "title": "two host bridges: SR equal to a region in window 0, a region "
             "without SR in window 1 -> both CXL",
    "topology": "two-hb",
    "sr": [SR_REGION],
    "stage1": [BRING_UP,
               "rd0=$(root_decoder_at 0x%x)" % W0, "rd1=$(root_decoder_at 0x%x)" % W1,
               f"region_step $rd0 {256 * M} $(memdev_on_bus 0c) || return",
               f"region_step $rd1 {256 * M} $(memdev_on_bus 20) || return",
               f'kexec_stage2 "{boot_sr([SR_REGION])}"'],
    "stage2": [BRING_UP, LOAD_HMEM_CXL, "snapshot final"],
    "expect": {"final": [(*SR_REGION, "cxl"), (W1, 256 * M, "cxl")]},
}

LOAD_STRICT = ["step 'modprobe dax_hmem ownership=strict' modprobe dax_hmem ownership=strict",
               "load dax_cxl"]

TEARDOWN = (r"strict policy: \[mem 0x{:x}-0x{:x}\] is not contained by a committed CXL "
            r"region, so HMEM owns every Soft Reserved range; tore down {n} of {n} CXL "
            r"regions over them")
TEARDOWN_NOTICE = r"strict ownership: CXL regions over Soft Reserved ranges HMEM owns will be torn down"


def torn_down(region, because):
    """The dev_dbg line for one region torn down."""
    (rs, rn), (bs, bn) = region, because
    return (rf"tore down region\d+ \[mem 0x{rs:x}-0x{rs + rn - 1:x}\]: it overlaps "
            rf"\[mem 0x{bs:x}-0x{bs + bn - 1:x}\], which HMEM owns")


def teardown_line(missed, n):
    start, size = missed
    return TEARDOWN.format(start, start + size - 1, n=n)


SCENARIOS["e-strict"] = {
    "title": "as (e) under ownership=strict -> HMEM owns both ranges; the region is torn down",
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                LOAD_STRICT + ["snapshot final",
                               # Decoders reset and HPA space released: once
                               # HMEM lets go, a region on the same memdev
                               # commits at the same address.
                               "unbind_hmem", "rd=$(root_decoder_at 0x%x)" % W0,
                               f"region_step $rd {256 * M} mem0", "snapshot reuse"]),
    "expect": {"final": [(*SR_REGION, "hmem"), (*SR_UNCOVERED, "hmem")],
               "reuse": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "none")]},
    "reasons": {"final": E_STRICT_REASONS, "reuse": E_STRICT_REASONS},
    "soft_reserved_iomem": {"reuse": []},
    "hmem_unbound": {"reuse": 2},
    "cxl_regions": {"final": [], "reuse": [SR_REGION]},
    # The summary once, the teardown line once.
    "console_count": {"*": [(r"Soft Reserved ranges: \d+ to CXL", 1),
                            (r"tore down \d+ of \d+ CXL regions", 1)]},
    "console": [r"2 Soft Reserved ranges: 0 to CXL, 2 to HMEM \(strict policy\)",
                TEARDOWN_NOTICE, teardown_line(SR_UNCOVERED, 1),
                torn_down((W0, 256 * M), SR_REGION)],
    "impls": ["ours", "ours-hmem"],
}

# The Kconfig default (DEV_DAX_HMEM_RUST_STRICT=y, out of tree `make
# CONFIG_DEV_DAX_HMEM_RUST_STRICT=y`): strict with no parameter given.
SCENARIOS["e-strict-default"] = {
    **SCENARIOS["e-strict"],
    "title": "as (e-strict), dax_hmem built with the strict default policy (Kconfig) and "
             "loaded with no parameter -> HMEM owns both ranges; the region is torn down",
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                [LOAD_HMEM_CXL,
                 "step 'the ownership parameter reads strict' "
                 "[ \"$(cat /sys/module/dax_hmem/parameters/ownership)\" = strict ]",
                 "snapshot final", "unbind_hmem", "rd=$(root_decoder_at 0x%x)" % W0,
                 f"region_step $rd {256 * M} mem0", "snapshot reuse"]),
    "policy": "strict",
    "impls": ["ours-strictdef"],
}

SCENARIOS["e-strict-kept"] = {
    "title": "as (e-strict), dax_hmem built without the CXL-core teardown helper -> "
             "HMEM owns both ranges; the region stays, its DAX claim fails with -EBUSY",
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                LOAD_STRICT + ["snapshot final"]),
    "expect": {"final": [(*SR_REGION, "hmem"), (*SR_UNCOVERED, "hmem")]},
    "reasons": {"final": E_STRICT_REASONS},
    "cxl_regions": {"final": [(W0, 256 * M)]},
    # The notice once, at load.
    "console_count": {"*": [(r"no CXL region teardown in this build", 1)]},
    "console": [r"dax_hmem: strict ownership: no CXL region teardown in this build; CXL "
                r"regions over Soft Reserved ranges HMEM owns stay inactive",
                r"probe with driver cxl_dax_region failed with error -16"],
    "console_not": [r"tore down", r"failed with error -12"],
    "impls": ["ours-noteardown"],
}

SCENARIOS["d-strict"] = {
    "title": "as (d) under ownership=strict, the SR range filling a 512 MiB window -> "
             "HMEM; the region is torn down; a new region cannot get HPA space over the range",
    "topology": "one-hb-512M",
    "sr": [SR_BIG],
    **two_stage([(256 * M, ["mem0"])], [SR_BIG],
                LOAD_STRICT + ["snapshot final",
                               "rd=$(root_decoder_at 0x%x)" % W0,
                               f"region_hpa_busy $rd {256 * M} mem1"]),
    "expect": {"final": [(*SR_BIG, "hmem")]},
    "reasons": {"final": {SR_BIG: "not-contained"}},
    "cxl_regions": {"final": []},
    "console": [TEARDOWN_NOTICE, teardown_line(SR_BIG, 1), torn_down((W0, 256 * M), SR_BIG)],
    "console_not": [r"probe with driver cxl_dax_region failed"],
    "impls": ["ours", "ours-hmem"],
}

SCENARIOS["l-strict"] = {
    "title": "two host bridges under ownership=strict: SR equal to a region plus an uncovered "
             "SR range in window 0, an innocent region in window 1 -> HMEM owns window 0's "
             "ranges, its region is torn down; the innocent region keeps its DAX device",
    "topology": "two-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    "stage1": [BRING_UP,
               "rd0=$(root_decoder_at 0x%x)" % W0, "rd1=$(root_decoder_at 0x%x)" % W1,
               f"region_step $rd0 {256 * M} $(memdev_on_bus 0c) || return",
               f"region_step $rd1 {256 * M} $(memdev_on_bus 20) || return",
               f'kexec_stage2 "{boot_sr([SR_REGION, SR_UNCOVERED])}"'],
    "stage2": [BRING_UP] + LOAD_STRICT + ["snapshot final"],
    "expect": {"final": [(*SR_REGION, "hmem"), (*SR_UNCOVERED, "hmem"),
                         (W1, 256 * M, "cxl")]},
    "reasons": {"final": E_STRICT_REASONS},
    "cxl_regions": {"final": [(W1, 256 * M)]},
    "console": [teardown_line(SR_UNCOVERED, 1), torn_down((W0, 256 * M), SR_REGION)],
    "console_not": [r"tore down region\d+ \[mem 0x49"],
    "impls": ["ours", "ours-hmem"],
}

# Strict teardown beside memory in use (issue 17, items 1 and 4): as
# (l-strict), the innocent region's DAX device onlined as System RAM (kmem)
# and holding a pattern (ram_hold). A region is then committed again over
# SR_REGION (HMEM let go of it), not enabled (so it has no DAX region: not
# in use; cxl_dax_region, as in C, has no unbind in sysfs), and
# hmem_platform.0 rebound: strict tears it down again.
# The innocent region is never touched: bound, its memory online, the
# pattern intact. (It sits behind the other host bridge: behind the same
# one, the new region's decoder would have to come after its decoder in
# HPA order, and the CXL core refuses that attach, -EBUSY.)
_W1_DEV = f"$(dax_at {W1:#x})"
_L_ALL = ("boot", "online", "recommitted", "rebind", "final")
SCENARIOS["l-strict-online"] = dict(
    SCENARIOS["l-strict"],
    title="as (l-strict), the innocent region online as System RAM and holding data; a "
          "region committed again over window 0's first range, torn down again on rebind "
          "-> the innocent region stays bound and online, its data intact",
    stage2=[BRING_UP] + LOAD_STRICT + [
        "snapshot boot", f"kmem_online {_W1_DEV}", f"ram_hold {_W1_DEV}", "snapshot online",
        "unbind_hmem", "rd0=$(root_decoder_at 0x%x)" % W0,
        f"region_step -n $rd0 {256 * M} $(memdev_on_bus 0c)", "snapshot recommitted",
        "rebind_hmem_platform", "snapshot rebind", f"ram_release {_W1_DEV}", "snapshot final"],
    expect={
        **{lbl: SCENARIOS["l-strict"]["expect"]["final"] for lbl in _L_ALL},
        "recommitted": [(*SR_REGION, "none"), (*SR_UNCOVERED, "none"), (W1, 256 * M, "cxl")],
    },
    reasons={lbl: E_STRICT_REASONS for lbl in _L_ALL},
    cxl_regions={**{lbl: [(W1, 256 * M)] for lbl in _L_ALL},
                 "recommitted": [SR_REGION, (W1, 256 * M)]},
    hmem_unbound={"recommitted": 2},
    regions_disabled={"recommitted": {W0}},
    dax_driver={lbl: {W1: "kmem"} for lbl in _L_ALL[1:]},
    system_ram={lbl: [(W1, 256 * M)] for lbl in _L_ALL[1:]},
    console_count={"*": [(r"tore down \d+ of \d+ CXL regions", 2)]},
    console_not=[r"tore down region\d+ \[mem 0x49", r"stuck online", r"in use"],
    impls=["ours"])

SCENARIOS["c-strict"] = {
    "title": "as (c) under ownership=strict: nothing missed -> CXL, nothing torn down",
    "topology": "one-hb",
    "sr": [SR_REGION],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION], LOAD_STRICT + ["snapshot final"]),
    "expect": {"final": [(*SR_REGION, "cxl")]},
    "cxl_regions": {"final": [(W0, 256 * M)]},
    "console": [r"1 Soft Reserved ranges: 1 to CXL, 0 to HMEM \(strict policy\)"],
    "console_not": [r"tore down"],
    "impls": ["ours"],
}

SCENARIOS["handback"] = {
    "title": "hand-back: SR over the window, no region -> HMEM; hmem.N unbound -> its "
             "Soft Reserved entry goes; a region created over the range -> CXL",
    "topology": "one-hb",
    "sr": [SR_REGION],
    "stage1": [BRING_UP, LOAD_HMEM_CXL, "snapshot boot", "unbind_hmem", "snapshot unbound",
               "rd=$(root_decoder_at 0x%x)" % W0, f"region_step $rd {256 * M} mem0",
               "snapshot handed"],
    "expect": {"boot": [(*SR_REGION, "hmem")], "unbound": [(*SR_REGION, "none")],
               "handed": [(*SR_REGION, "cxl")]},
    "soft_reserved_iomem": {"boot": [SR_REGION], "unbound": [], "handed": []},
    # The report keeps the decision (HMEM's); its holder follows the range.
    "reasons": reasons(["unbound", "handed"], {SR_REGION: "not-contained"}),
    "hmem_unbound": {"unbound": 1, "handed": 1},
    "cxl_regions": {"boot": [], "unbound": [], "handed": [SR_REGION]},
    "impls": ["ours"],
}

SCENARIOS["j"] = {
    "title": "dax_cxl unloaded and reloaded 20 times with a committed region; "
             "insmod then immediate rmmod",
    "topology": "one-hb",
    "sr": [SR_REGION],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION],
                [LOAD_HMEM_CXL, "snapshot boot", "cycle_dax_cxl 20",
                 "unload dax_cxl", "load_unload_at_once dax_cxl", "load dax_cxl",
                 "snapshot cycled"]),
    "impls": CXL_IMPLS,
    "expect": {
        "boot": [(*SR_REGION, "cxl")],
        "cycled": [(*SR_REGION, "cxl")],
    },
}

SCENARIOS["k"] = {
    "title": "SR not 2 MiB aligned beside an aligned one, outside CXL windows",
    "topology": "one-hb",
    "sr": [(1 * G, 255 * M), (1 * G + 512 * M, 256 * M)],
    "stage1": [BRING_UP, LOAD_HMEM_CXL, "snapshot final"],
    # The misaligned range cannot be a DAX region; the other is unaffected.
    "expect": {"final": [(1 * G, 255 * M, "none"), (1 * G + 512 * M, 256 * M, "hmem")]},
    # The misaligned range's hmem.N fails its probe (-EINVAL), unbound.
    "hmem_unbound": {"final": 1},
    "console": {"ours": [
        r"hmem\.\d+: \[mem 0x40000000-0x4fefffff\] is not aligned to 2048 KiB: "
        r"no DAX region"]},
    "console_not": {"ours": [r"hmem\.\d+: probe with driver hmem failed with error -12"]},
    "impls": DRIVER_IMPLS,
}

SCENARIOS["params"] = {
    "title": "dax_hmem parameters: unknown ownership policy refused, region_idle",
    "topology": "one-hb",
    "sr": [(1 * G, 256 * M)],
    "stage1": [BRING_UP,
               "expect_fail 'modprobe dax_hmem ownership=bogus is refused' "
               "modprobe dax_hmem ownership=bogus",
               "step 'modprobe dax_hmem ownership=strict' modprobe dax_hmem ownership=strict",
               "check_param dax_hmem ownership strict",
               "unload dax_hmem",
               "load dax_hmem", "check_param dax_hmem ownership per-range",
               "expect_fail 'the ownership parameter is read-only' "
               "sh -c 'p=/sys/module/dax_hmem/parameters/ownership; [ ! -e $p ] || "
               "echo strict > $p'",
               "check_param dax_hmem ownership per-range",
               "expect_fail 'the ownership report is read-only' "
               "sh -c 'p=/sys/bus/platform/devices/hmem_platform.0/ownership; [ ! -e $p ] || "
               "echo x > $p'",
               "check_param dax_hmem region_idle N", "snapshot final"],
    "expect": {"final": [(1 * G, 256 * M, "hmem")]},
    "policy": "per-range",  # at the final snapshot, after the reload
    "console": [r"dax_hmem: unknown ownership policy 'bogus': use 'per-range' or 'strict'"],
    # One line per refused load: BusyBox's modprobe tries twice
    # (finit_module(), then init_module()).
    "console_count": {"*": [(r"unknown ownership policy", 2)]},
    "impls": ["ours-hmem"],
}

# region_idle=Y (C's semantics): the hmem.N device gets its DAX region with
# a seed device of size 0 (no mapping: the range is left for an agent to
# partition); reloaded without it, the range has its device again.
SCENARIOS["idle"] = {
    "title": "dax_hmem region_idle=Y: hmem.N has a DAX region, its device of size 0; "
             "reloaded without it, a DAX device over the range",
    "topology": "one-hb",
    "sr": [(1 * G, 256 * M)],
    "stage1": [BRING_UP,
               "step 'modprobe dax_hmem region_idle=Y' modprobe dax_hmem region_idle=Y",
               "check_param dax_hmem region_idle Y",
               "step 'hmem.N has a DAX region whose one device is of size 0, no mapping' "
               "sh -c 'ls -d /sys/bus/platform/devices/hmem.*/dax_region && "
               "[ $(ls -d /sys/bus/dax/devices/dax* | wc -l) = 1 ] && "
               "[ $(cat /sys/bus/dax/devices/dax*/size) = 0 ] && "
               "! ls -d /sys/bus/dax/devices/dax*/mapping[0-9]* 2>/dev/null'",
               "snapshot idle", "unload dax_hmem", "load dax_hmem", "snapshot final"],
    "expect": {"idle": [(1 * G, 256 * M, "none")], "final": [(1 * G, 256 * M, "hmem")]},
    # HMEM holds the range (its DAX region), with no device over it.
    "hmem_bound": {"idle": 1},
    "report_owner": {"idle": {(1 * G, 256 * M): "hmem"}},
    "soft_reserved_iomem": {"idle": [(1 * G, 256 * M)]},
    "impls": ["c", "ours-hmem"],
}

# --- The matrix: more SR layouts (each under both policies where they
# differ), module sets and orders.

SR_TWO_REGIONS = (W0, 512 * M)             # two 256 MiB regions back to back
SR_STRADDLE = (W0 - 128 * M, 256 * M)      # across the window's start


def both_policies(name, scn, strict_expect, strict_extra=None):
    """Add scenario `name` (per-range, c and ours) and `name`-strict (ours)."""
    SCENARIOS[name] = scn
    strict = dict(scn, impls=["ours"], title=scn["title"] + ", ownership=strict")
    for key in ("stage1", "stage2"):
        if key in strict:
            strict[key] = [LOAD_STRICT[0] + "; load dax_cxl" if s == LOAD_HMEM_CXL else s
                           for s in strict[key]]
    strict["expect"] = strict_expect
    strict.pop("console", None)
    strict.pop("console_not", None)
    strict.pop("busy_holders", None)
    strict.update(strict_extra or {})
    SCENARIOS[name + "-strict"] = strict


both_policies("m", {
    "title": "SR straddling the start of the CXL window -> HMEM",
    "topology": "one-hb",
    "sr": [SR_STRADDLE],
    "stage1": [BRING_UP, LOAD_HMEM_CXL, "snapshot final"],
    "expect": {"final": [(*SR_STRADDLE, "hmem")]},
    # Half in the window, half out: no single iomem parent takes the
    # "Soft Reserved" entry; the Rust dax_hmem says so and owns it anyway.
    "no_soft_reserved_entry": [SR_STRADDLE],
    "console": {"ours": [r"\[mem 0x388000000-0x397ffffff\] not shown as Soft Reserved "
                         r"in /proc/iomem: another entry overlaps it"]},
    "impls": DRIVER_IMPLS,
}, {"final": [(*SR_STRADDLE, "hmem")]},
    {"reasons": {"final": {SR_STRADDLE: "not-contained"}}})

both_policies("n", {
    "title": "SR spanning two committed regions -> HMEM; both regions' DAX claims fail",
    "topology": "one-hb",
    "sr": [SR_TWO_REGIONS],
    **two_stage([(256 * M, ["mem0"]), (256 * M, ["mem1"])], [SR_TWO_REGIONS],
                [LOAD_HMEM_CXL, "snapshot final"]),
    "expect": {"final": [(*SR_TWO_REGIONS, "hmem")]},
    "cxl_regions": {"final": [(W0, 256 * M), (W0 + 256 * M, 256 * M)]},
    # Each region's -EBUSY line names the hmem.N the snapshot shows.
    "busy_holders": {"ours": ["final"]},
    "impls": DRIVER_IMPLS,
}, {"final": [(*SR_TWO_REGIONS, "hmem")]},
    {"cxl_regions": {"final": []},
     "reasons": {"final": {SR_TWO_REGIONS: "not-contained"}},
     "console": [teardown_line(SR_TWO_REGIONS, 2)]})

both_policies("o", {
    "title": "SR equal to a 2-way interleaved region across two devices -> CXL",
    "topology": "one-hb",
    "sr": [SR_TWO_REGIONS],
    **two_stage([(512 * M, ["mem0", "mem1"])], [SR_TWO_REGIONS],
                [LOAD_HMEM_CXL, "snapshot final"]),
    "expect": {"final": [(*SR_TWO_REGIONS, "cxl")]},
    "cxl_regions": {"final": [SR_TWO_REGIONS]},
    "impls": DRIVER_IMPLS,
}, {"final": [(*SR_TWO_REGIONS, "cxl")]})

SCENARIOS["p"] = {
    "title": "no CXL modules at all (cxl_acpi and cxl_pci blacklisted): SR over the "
             "would-be window -> HMEM",
    "topology": "one-hb",
    "sr": [SR_REGION],
    "stage1": [BRING_UP, "load dax_hmem", "snapshot final"],
    "extra_cmdline": "module_blacklist=cxl_acpi,cxl_pci",
    "expect": {"final": [(*SR_REGION, "hmem")]},
    "impls": DRIVER_IMPLS,
}

SCENARIOS["q"] = {
    "title": "dax_hmem alone with SR equal to a committed region -> nobody until dax_cxl "
             "loads, then CXL",
    "topology": "one-hb",
    "sr": [SR_REGION],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION],
                ["load dax_hmem", "snapshot alone", "load dax_cxl", "snapshot final"]),
    "expect": {"alone": [(*SR_REGION, "none")], "final": [(*SR_REGION, "cxl")]},
    # dax_hmem alone already decides for CXL; no DAX region holds it yet.
    "reasons": {"alone": {SR_REGION: "contained"}},
    "impls": DRIVER_IMPLS,
}

SCENARIOS["r"] = {
    "title": "only dax_cxl requested (it pulls dax_hmem in), layout (e) -> CXL and HMEM",
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                ["load dax_cxl", "snapshot final"]),
    "expect": {"final": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem")]},
    "impls": DRIVER_IMPLS,
}

# --- Safety (issue 15): every resolution waits for CXL; no teardown of a
# range HMEM cannot use; dax_cxl's exit.

# Layout (e), then the whole CXL stack unloaded and dax_cxl loaded again,
# CYCLES times. Unloading cxl_acpi tears region0 down and resets its
# decoders, so no region comes back: every range must go to HMEM.
RELOAD_STACK_CYCLES = 5
_stack = [LOAD_HMEM_CXL, "snapshot boot"]
for _i in range(RELOAD_STACK_CYCLES):
    _stack += ["unload dax_cxl dax_hmem cxl_pci cxl_acpi", "load dax_cxl", f"snapshot s{_i}"]
_ALL_HMEM = [(*SR_REGION, "hmem"), (*SR_UNCOVERED, "hmem")]
SCENARIOS["reload-stack"] = {
    "title": f"layout (e), then dax_cxl, dax_hmem, cxl_pci and cxl_acpi unloaded and dax_cxl "
             f"loaded again, {RELOAD_STACK_CYCLES} times: the region is gone (decoders reset), "
             f"so HMEM owns both ranges each time",
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED], _stack),
    "expect": {"boot": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem")],
               **{f"s{i}": _ALL_HMEM for i in range(RELOAD_STACK_CYCLES)}},
    "cxl_regions": {f"s{i}": [] for i in range(RELOAD_STACK_CYCLES)},
    "xfail": {"c": "Linux 7.3's dax_hmem gives both ranges to nobody once the CXL stack is "
                   "reloaded (did_probe stays set: ranges that meet a CXL window are left to "
                   "a CXL whose region is gone)"},
    "impls": HMEM_IMPLS,
    # 105 s alone; it timed out at 150 s beside other work.
    "timeout": 300,
}
# Strict: layout (e) gives HMEM both ranges from the start (region0 torn
# down); dax_hmem is loaded strict again before dax_cxl in every cycle.
_stack = LOAD_STRICT + ["snapshot boot"]
for _i in range(RELOAD_STACK_CYCLES):
    _stack += ["unload dax_cxl dax_hmem cxl_pci cxl_acpi"] + LOAD_STRICT + [f"snapshot s{_i}"]
SCENARIOS["reload-stack-strict"] = dict(
    SCENARIOS["reload-stack"],
    title=SCENARIOS["reload-stack"]["title"] + ", ownership=strict",
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED], _stack),
    expect={lbl: _ALL_HMEM for lbl in ["boot"] + [f"s{i}" for i in range(RELOAD_STACK_CYCLES)]},
    cxl_regions={lbl: [] for lbl in ["boot"] + [f"s{i}" for i in range(RELOAD_STACK_CYCLES)]},
    # Region0 is there at boot only: then SR_REGION is the fallback's;
    # in every cycle after, no region contains either range.
    reasons={"boot": E_STRICT_REASONS,
             **reasons([f"s{i}" for i in range(RELOAD_STACK_CYCLES)],
                       {SR_REGION: "not-contained", SR_UNCOVERED: "not-contained"})},
    impls=["ours"])

# dax_hmem reloaded while CXL probing is still in flight: stage 2 starts
# with cxl_pci kept from loading (blacklist and install lines), so the first
# binding sees no region and gives the range to HMEM; then dax_hmem is
# unloaded and, with cxl_pci allowed, loaded again: its init requests
# cxl_pci, whose asynchronous probe (async_probe=1, so that modprobe does
# not wait for it: the module loader otherwise synchronises async work at
# the end of init) assembles region0 right while hmem_platform.0 binds.
# The contained range must still go to CXL.
SCENARIOS["reload-racing"] = {
    "title": "dax_hmem reloaded while cxl_pci probes (region0 assembling) -> the "
             "contained range goes to CXL",
    "topology": "one-hb",
    "sr": [SR_REGION],
    "stage1": two_stage([(256 * M, ["mem0"])], [SR_REGION], [])["stage1"],
    "stage2": ["DAXO_MODPROBE_EXTRA='blacklist cxl_pci;install cxl_pci /bin/true' udev_up",
               "load cxl_mem", "load dax_hmem", "snapshot early",
               "unload dax_hmem",
               "step 'allow cxl_pci' sed -i '/cxl_pci/d' /etc/modprobe.d/daxo.conf",
               "echo 'options cxl_pci async_probe=1' >> /etc/modprobe.d/daxo.conf",
               "load dax_hmem", "load dax_cxl", "snapshot final"],
    "expect": {"early": [(*SR_REGION, "hmem")], "final": [(*SR_REGION, "cxl")]},
    "cxl_regions": {"early": [], "final": [SR_REGION]},
    "impls": HMEM_IMPLS,
}

# Strict with a contained range HMEM cannot use (255 MiB: not 2 MiB
# aligned) beside an uncovered one: the fallback would tear region0 down
# and then fail hmem.N with -EINVAL, leaving the range with no owner.
SR_REGION_255 = (W0, 255 * M)
both_policies("misaligned", {
    "title": "SR 255 MiB inside a committed 256 MiB region beside an uncovered SR range -> "
             "CXL and HMEM",
    "topology": "one-hb",
    "sr": [SR_REGION_255, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION_255, SR_UNCOVERED],
                [LOAD_HMEM_CXL, "snapshot final"]),
    "expect": {"final": [(*SR_REGION_255, "cxl"), (*SR_UNCOVERED, "hmem")]},
    "cxl_regions": {"final": [(W0, 256 * M)]},
    "impls": DRIVER_IMPLS,
}, {"final": [(*SR_REGION_255, "cxl"), (*SR_UNCOVERED, "hmem")]},
    {"cxl_regions": {"final": [(W0, 256 * M)]},
     "reasons": {"final": {SR_REGION_255: ("kept-unusable", SR_UNCOVERED),
                           SR_UNCOVERED: "not-contained"}},
     "console": [r"strict policy: \[mem 0x390000000-0x39fefffff\] is not aligned to 2048 KiB, "
                 r"so HMEM could not use it: CXL keeps it, and its region is not torn down",
                 r"2 Soft Reserved ranges: 1 to CXL, 1 to HMEM \(strict policy\)"],
     "console_not": [r"tore down", r"probe with driver hmem failed"]})

# Strict with a range HMEM cannot use (257 MiB: not 2 MiB aligned) that no
# region contains, over a committed 256 MiB region: HMEM gets no DAX
# region of it, so tearing the region down would leave all of it with no
# owner; the region keeps its DAX region.
SR_OVER_257 = (W0, 257 * M)
_OVER_EXPECT = {"final": [(W0, 256 * M, "cxl"), (W0 + 256 * M, 1 * M, "none")]}
both_policies("misaligned-over", {
    "title": "SR 257 MiB (not 2 MiB aligned) over a committed 256 MiB region -> HMEM cannot "
             "use it; the region keeps its DAX region",
    "topology": "one-hb",
    "sr": [SR_OVER_257],
    **two_stage([(256 * M, ["mem0"])], [SR_OVER_257], [LOAD_HMEM_CXL, "snapshot final"]),
    "expect": _OVER_EXPECT,
    "cxl_regions": {"final": [(W0, 256 * M)]},
    # hmem.N's probe fails: no DAX region of a range not 2 MiB aligned.
    "hmem_unbound": {"final": 1},
    "impls": DRIVER_IMPLS,
}, _OVER_EXPECT,
    {"cxl_regions": {"final": [(W0, 256 * M)]},
     "hmem_unbound": {"final": 1},
     "console": [r"strict policy: \[mem 0x390000000-0x3a00fffff\] is not aligned to 2048 KiB, "
                 r"so HMEM could not use it: no region over it is torn down"],
     "console_not": [r"tore down"]})

# dax_cxl's exit must not return while its registration work still runs
# module code: load and unload at once, many times (KASAN would see a
# kworker in freed module text).
CXL_EXIT_CYCLES = 50
SCENARIOS["cxl-exit"] = {
    "title": f"modprobe dax_cxl; rmmod dax_cxl at once, {CXL_EXIT_CYCLES} times, with a "
             f"committed region -> CXL after each reload",
    "topology": "one-hb",
    "sr": [SR_REGION],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION],
                [LOAD_HMEM_CXL, "snapshot boot", "unload dax_cxl",
                 f"load_unload_at_once dax_cxl {CXL_EXIT_CYCLES}", "load dax_cxl",
                 "snapshot cycled"]),
    "expect": {"boot": [(*SR_REGION, "cxl")], "cycled": [(*SR_REGION, "cxl")]},
    "impls": CXL_IMPLS,
    # 120 s alone; it timed out at 150 s beside other work.
    "timeout": 300,
}

# Built in, a bad policy on the kernel command line cannot refuse the load:
# the one line says so and the default policy stays.
SCENARIOS["builtin-bad-policy"] = {
    "title": "built in, dax_hmem.ownership=bogus on the kernel command line -> one line, "
             "the default policy stays; SR outside every window -> HMEM",
    "topology": "one-hb",
    "sr": [(1 * G, 256 * M)],
    "stage1": [BRING_UP, "check_param dax_hmem ownership per-range", LOAD_HMEM_CXL,
               "snapshot final"],
    "extra_cmdline": "dax_hmem.ownership=bogus",
    "expect": {"final": [(1 * G, 256 * M, "hmem")]},
    "console": [r"dax_hmem: unknown ownership policy 'bogus': use 'per-range' or 'strict'"],
    # Built in, the parameter is parsed once: one line.
    "console_count": {"*": [(r"unknown ownership policy", 1)]},
    "impls": ["builtin"],
}

# --- Reliability: reload stress and fault injection.

# Fewer on the debug kernel in `make check` (scripts/check-debug.sh --ci).
# One load order: `modprobe dax_cxl` loads dax_hmem first (the symbol
# dependency), so "dax_cxl, then dax_hmem" is the same order.
STRESS_CYCLES = int(os.environ.get("DAXO_STRESS_CYCLES", "20"))
_stress = []
for _i in range(STRESS_CYCLES):
    _stress += ["unload dax_cxl dax_hmem", LOAD_HMEM_CXL, f"snapshot hc{_i}"]
for _i in range(STRESS_CYCLES):
    _stress += ["rebind_hmem_platform", f"snapshot rb{_i}"]
_E = [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem")]
SCENARIOS["stress"] = {
    "title": f"layout (e): {STRESS_CYCLES} rmmod/modprobe cycles of both modules, "
             f"{STRESS_CYCLES} unbind/bind cycles of hmem_platform.0; owners after each",
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                [LOAD_HMEM_CXL] + _stress),
    "expect": {f"{p}{i}": _E for p in ("hc", "rb") for i in range(STRESS_CYCLES)},
    "impls": ["ours"],
    "timeout": 900,
}

# Fault injection (issue 17, item 3). Each arm injects one failslab failure
# (fail_page_alloc too where it could land), after SPACE bytes of
# allocations through the module's code; every arm must fire
# there (harness.judge_faults), so each series' spaces are ones seen to land
# (scripts/guest/lib.sh fault_*):
#   h  hmem_platform.0 bound from a task that alone may fail: its probe;
#   w  the same bind, any task: the spaces reach past the probe into the
#      work item that decides the ranges meeting a CXL window;
#   i  `modprobe dax_hmem` from a task that alone may fail: module load,
#      dax_hmem's init and its first probe;
#   c  a CXL region rebound: dax_cxl's probe of its dax_region, in a worker.
# Every arm's faulted state is snapshotted (f-LABEL) before the clean
# rebind (LABEL).
FAULT_KINDS = ("failslab", "fail_page_alloc")
# Measured (spaces from 0 to 32 KiB, both kinds): failslab reaches each
# path at these spaces, and an error path follows each (but the init's and
# the teardown's, below); fail_page_alloc never fires with a stack through
# our code (our paths allocate no pages), so it has no arm. The teardown's
# (t) spaces were measured again on 2026-12-04 (12288 to 16384 by 512:
# up to 13824 in cxl_region_teardown(), from 14336 after it), when the
# resolution's allocations changed.
FAULT_SERIES = {
    "h": {"failslab": [0, 256, 512]},
    "w": {"failslab": [1536, 2048, 2560, 3072]},
    "i": {"failslab": [320, 1536, 6144, 12288]},
    "c": {"failslab": [0, 1024, 4096]},
    "t": {"failslab": [9216, 10240, 11264, 12288, 13312, 13824]},
    "u": {"failslab": [16384, 24576]},
}

# Per series: the guest step, the module whose code the stack must pass
# through, whether the failure must be in a work item, a function that must
# be on the stack, and whether an error path must follow (an error or
# warning line; harness.judge_faults). The teardown's (t) failures need
# none: cxl_region_teardown() allocates nothing but the uevents of the
# devices it removes, which the kernel sends best effort; those arms show
# that such a failure changes nothing (the region still goes). Nor do the
# init's (i): at every space tried (32 B to 16 KiB) the failure hit an
# allocation the kernel tolerates (request_module()'s helper, uevents, the
# workqueue's internals), never one that fails the load.
FAULT_STEP = {
    "h": ("fault_hmem_bind {f} {s} Y {label}", "dax_hmem", False, None, True),
    "w": ("fault_hmem_bind {f} {s} N {label}", "dax_hmem", True, None, True),
    "i": ("fault_hmem_load {f} {s} {label}", "dax_hmem", False, None, False),
    "c": (f"fault_cxl_region {{f}} {{s}} $(region_of 0x{W0:x}) {{label}}", "dax_cxl", False,
          None, True),
    "t": ("fault_strict_rebind {f} {s} {label}", "dax_hmem", True, "cxl_region_teardown",
          False),
    # After the teardown: the registration of HMEM's device for the range.
    "u": ("fault_strict_rebind {f} {s} {label}", "dax_hmem", True, None, True),
}


def fault_arms(series, kinds=FAULT_KINDS):
    """[(label, guest step, module, in a work item, function, effect)] of
    the series."""
    arms = []
    for k in series:
        step, module, work, at, effect = FAULT_STEP[k]
        for f in kinds:
            for sp in FAULT_SERIES[k].get(f, []):
                label = f"{k}-{f}-{sp}"
                arms.append((label, step.format(f=f, s=sp, label=label), module, work, at,
                             effect))
    return arms


_arms = fault_arms("hwic")
SCENARIOS["fault"] = {
    "title": "layout (e) with one failslab failure at a time in dax_hmem's "
             "probe, work item and init and in dax_cxl's probe: each fires in our code; the "
             "faulted state has every range owned or a line naming it; after a clean rebind, "
             "owners are back",
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                [LOAD_HMEM_CXL, "snapshot boot"]
                + [x for label, step, *_ in _arms for x in (step, f"snapshot {label}")]),
    "expect": {lbl: _E for lbl in ["boot"] + [a[0] for a in _arms]},
    "faulted": {f"f-{a[0]}": _E for a in _arms},
    "faults": {a[0]: {"module": a[2], "work": a[3], "at": a[4], "effect": a[5]}
               for a in _arms},
    "impls": ["ours"],
    "timeout": 900,
}

# As (fault)'s rebind arms (h, w), with a CXL region outside the SR ranges
# whose memory is online as System RAM and holds a pattern (issue 17, item
# 4): no failure in dax_hmem's probe or work item may touch it. Before and
# after every arm, and in every faulted state, the outside region is CXL's,
# bound to kmem and online; at the end its pattern is intact, on its node.
# (The i arms reload dax_hmem, which unloads dax_cxl: not with memory
# online.)
_o_arms = fault_arms("hw")
_EO = _E + [(*OUTSIDE, "cxl")]
_O_LABELS = ["online"] + [a[0] for a in _o_arms] + [f"f-{a[0]}" for a in _o_arms] + ["final"]
SCENARIOS["fault-online"] = {
    "title": "as (fault)'s rebind arms, a region outside the SR ranges online as System RAM "
             "and holding data -> it stays CXL's, bound and online through every fault, its "
             "data intact",
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"]), (256 * M, ["mem1"])], [SR_REGION, SR_UNCOVERED],
                [LOAD_HMEM_CXL, "snapshot boot", f"kmem_online {_ONLINE[0]}",
                 f"ram_hold {_ONLINE[0]}", "snapshot online"]
                + [x for label, step, *_ in _o_arms for x in (step, f"snapshot {label}")]
                + [f"ram_release {_ONLINE[0]}", "snapshot final"]),
    "expect": {lbl: _EO for lbl in ["boot", "online"] + [a[0] for a in _o_arms] + ["final"]},
    "faulted": {f"f-{a[0]}": _EO for a in _o_arms},
    "faults": {a[0]: {"module": a[2], "work": a[3], "at": a[4], "effect": a[5]}
               for a in _o_arms},
    "cxl_regions": {lbl: [SR_REGION, OUTSIDE] for lbl in ["boot"] + _O_LABELS},
    "dax_driver": {lbl: {OUTSIDE[0]: "kmem"} for lbl in _O_LABELS},
    "system_ram": {lbl: [OUTSIDE] for lbl in _O_LABELS},
    "console_not": [r"stuck online"],
    "impls": ["ours"],
    "timeout": 900,
}

# The strict teardown, faulted: layout (e) under strict (SR_UNCOVERED is
# missed, so a region over SR_REGION is torn down). After the boot's
# teardown, each arm commits a new region there (dax_cxl unloaded, so it is
# not in use) and binds hmem_platform.0 again with one failure, in its
# probe, its work item or the teardown (lib.sh fault_strict_rebind). The
# faulted state; after clean rebinds, both ranges HMEM's and no region.
_t_arms = fault_arms("tu")
_T = [(*SR_REGION, "hmem"), (*SR_UNCOVERED, "hmem")]
SCENARIOS["fault-strict"] = {
    "title": "strict, layout (e): a region torn down again and again, each time with one "
             "failslab failure in the work item's teardown; the faulted state, then after "
             "clean rebinds every range HMEM's",
    "topology": "one-hb",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                LOAD_STRICT + ["snapshot boot"]
                + [x for label, step, *_ in _t_arms for x in (step, f"snapshot {label}")]),
    "policy": "strict",
    "expect": {lbl: _T for lbl in ["boot"] + [a[0] for a in _t_arms]},
    "reasons": {"boot": E_STRICT_REASONS,
                **{a[0]: {SR_REGION: "not-contained", SR_UNCOVERED: "not-contained"}
                   for a in _t_arms}},
    "cxl_regions": {lbl: [] for lbl in ["boot"] + [a[0] for a in _t_arms]},
    "faulted": {f"f-{a[0]}": _T for a in _t_arms},
    "faults": {a[0]: {"module": a[2], "work": a[3], "at": a[4], "effect": a[5]}
               for a in _t_arms},
    "impls": ["ours"],
    "timeout": 900,
}

# --- Safety (issue 15): HMAT and memory in use

# HMAT topologies: the guest's RAM split over two NUMA nodes (node 1 memory
# only, its initiator node 0) with an HMAT giving every initiator/target
# pair a latency and a bandwidth (harness.hmat_args). The kernel then also
# registers HMAT's memory targets, DRAM, as HMEM resources: dax_hmem must
# neither own nor report them (harness.report_ranges), nor count them.
TOPOLOGIES["one-hb-hmat"] = dict(TOPOLOGIES["one-hb"], hmat=True)
TOPOLOGIES["two-hb-hmat"] = dict(TOPOLOGIES["two-hb"], hmat=True)

# The node the HMEM range's DAX device gets with HMAT (the CXL window's
# own node, from its CFMWS): what the C anchor gives, ours must too.
HMAT_WINDOW_NODE = 2


def summary(n, cxl, hmem, policy):
    """dax_hmem's one line per resolution, and a console_not pattern for
    any such line that counts other than `n` ranges."""
    return (rf"hmem_platform\.0: {n} Soft Reserved ranges: {cxl} to CXL, {hmem} to HMEM "
            rf"\({policy} policy\)",
            rf"hmem_platform\.0: (?!{n} )\d+ Soft Reserved ranges: ")


_SUM_B, _NOT_B = summary(1, 0, 1, "per-range")
_SUM_BS, _ = summary(1, 0, 1, "strict")
both_policies("hmat-b", {
    "title": "HMAT (two NUMA nodes): SR over the window, no region -> HMEM; only the SR "
             "range in the ownership report",
    "topology": "one-hb-hmat",
    "sr": [SR_REGION],
    "stage1": [BRING_UP, LOAD_HMEM_CXL, "snapshot final"],
    "expect": {"final": [(*SR_REGION, "hmem")]},
    "dax_node": {"final": {W0: HMAT_WINDOW_NODE}},
    "console": {"ours": [_SUM_B]},
    "console_not": {"ours": [_NOT_B]},
    "impls": DRIVER_IMPLS,
}, {"final": [(*SR_REGION, "hmem")]},
    {"console": [_SUM_BS], "console_not": [_NOT_B],
     "reasons": {"final": {SR_REGION: "not-contained"}}})

_SUM_E, _NOT_E = summary(2, 1, 1, "per-range")
_SUM_ES, _ = summary(2, 0, 2, "strict")
both_policies("hmat-e", {
    "title": "HMAT (two NUMA nodes): as (e), SR equal to a region plus an uncovered SR "
             "range -> CXL, HMEM; only the SR ranges in the ownership report",
    "topology": "one-hb-hmat",
    "sr": [SR_REGION, SR_UNCOVERED],
    **two_stage([(256 * M, ["mem0"])], [SR_REGION, SR_UNCOVERED],
                [LOAD_HMEM_CXL, "snapshot final"]),
    "expect": {"final": [(*SR_REGION, "cxl"), (*SR_UNCOVERED, "hmem")]},
    "dax_node": {"final": {SR_UNCOVERED[0]: HMAT_WINDOW_NODE}},
    "console": {"ours": [_SUM_E]},
    "console_not": {"ours": [_NOT_E]},
    "impls": DRIVER_IMPLS,
}, {"final": [(*SR_REGION, "hmem"), (*SR_UNCOVERED, "hmem")]},
    {"title": "HMAT (two NUMA nodes): as (e-strict) -> HMEM, HMEM, the region torn down; "
              "only the SR ranges in the ownership report",
     "cxl_regions": {"final": []},
     "reasons": {"final": E_STRICT_REASONS},
     "console": [_SUM_ES, teardown_line(SR_UNCOVERED, 1), torn_down((W0, 256 * M), SR_REGION)],
     "console_not": [_NOT_E]})

# Memory in use: two host bridges, an SR range equal to a region in each
# window, strict policy. Window 0's region is put to use (its DAX device
# onlined as System RAM, or mapped by a process); then window 1's region
# is deleted and hmem_platform.0 rebound: window 1's range is no longer
# contained by a region, so strict wants every range for HMEM and window
# 0's region torn down. A region in use must not be torn down: CXL keeps
# it, and says so.
SR_W1 = (W1, 256 * M)
INUSE_SR = [SR_REGION, SR_W1]
INUSE_STAGE1 = [BRING_UP,
                "rd0=$(root_decoder_at 0x%x)" % W0, "rd1=$(root_decoder_at 0x%x)" % W1,
                f"region_step $rd0 {256 * M} $(memdev_on_bus 0c) || return",
                f"region_step $rd1 {256 * M} $(memdev_on_bus 20) || return",
                f'kexec_stage2 "{boot_sr(INUSE_SR)}"']
IN_USE = (r"strict policy: region\d+ \[mem 0x390000000-0x39fffffff\] is in use \({}\): "
          r"not torn down; CXL keeps \[mem 0x390000000-0x39fffffff\]")
IN_USE_RAM = IN_USE.format(r"some of its memory is System RAM")
IN_USE_DAX = IN_USE.format(r"its DAX region dax_region\d+ is bound")
# ours-cfence (dax_hmem without its own in-use checks): the CXL core's
# cxl_region_teardown() refuses the region under its lock.
IN_USE_CORE = IN_USE.format(r"the CXL core found it in use")
_BOTH_CXL = [(*SR_REGION, "cxl"), (*SR_W1, "cxl")]
# The report after window 1's region is deleted (the boot's decision, both
# contained), and after the rebind (window 1 missed; region0 in use).
INUSE_DELETED = {SR_REGION: "contained", SR_W1: "contained"}
INUSE_REBIND = {SR_REGION: ("kept-in-use", SR_W1), SR_W1: "not-contained"}


# The driver each way of putting a DAX device to use binds it to.
USE_DRIVER = {"kmem_online": "kmem", "dax_hold": "device_dax"}


def inuse(title, use, label, after=(), why=IN_USE_RAM, hold=()):
    """An in-use scenario: `use` (then the steps `hold`) puts window 0's
    DAX device to use after the boot snapshot (then snapshot `label`);
    `after` runs after the rebind snapshot."""
    return {
        "title": "strict, SR equal to a region in each of two windows; " + title,
        "topology": "two-hb",
        "sr": INUSE_SR,
        "stage1": INUSE_STAGE1,
        "stage2": [BRING_UP] + LOAD_STRICT + [
            "snapshot boot", f"{use} $(dax_at {W0:#x})", *hold, f"snapshot {label}",
            f"delete_region $(region_of {W1:#x})", "snapshot deleted",
            "rebind_hmem_platform", "snapshot rebind"] + list(after),
        "expect": {
            "boot": _BOTH_CXL, label: _BOTH_CXL,
            "deleted": [(*SR_REGION, "cxl"), (*SR_W1, "none")],
            "rebind": [(*SR_REGION, "cxl"), (*SR_W1, "hmem")],
        },
        "reasons": {"deleted": INUSE_DELETED, "rebind": INUSE_REBIND},
        # Window 0's DAX device, put to use, stays bound to its driver.
        "dax_driver": {lbl: {W0: USE_DRIVER[use]} for lbl in (label, "deleted", "rebind")},
        "cxl_regions": {"boot": INUSE_SR, "deleted": [SR_REGION], "rebind": [SR_REGION]},
        "console": {"ours": [why], "ours-cfence": [IN_USE_CORE]},
        "console_not": [r"stuck online", r"tore down"],
        "impls": ["ours", "ours-cfence"],
    }


SCENARIOS["inuse-kmem"] = dict(
    inuse("window 0's DAX device online as System RAM (kmem); window 1's region deleted, "
          "hmem_platform.0 rebound -> HMEM takes window 1; window 0's region, in use, is "
          "not torn down: CXL keeps it, its memory online, its data intact", "kmem_online",
          "online", [f"ram_release $(dax_at {W0:#x})"], hold=[f"ram_hold $(dax_at {W0:#x})"]),
    system_ram={"online": [SR_REGION], "deleted": [SR_REGION], "rebind": [SR_REGION]})

SCENARIOS["inuse-devdax"] = inuse(
    "window 0's DAX device mapped by a process (daxmap); window 1's region deleted, "
    "hmem_platform.0 rebound -> HMEM takes window 1; window 0's region, in use, is not "
    "torn down: CXL keeps it, the mapping and its data survive", "dax_hold", "held",
    ["dax_release"], why=IN_USE_DAX)

# As inuse-kmem, then dax_cxl unloaded: kmem cannot offline the memory
# ("stuck online", allowed here), the region is left without a DAX device
# but its memory is System RAM: still in use, so still not torn down.
SCENARIOS["inuse-stuck"] = {
    "title": "strict, SR equal to a region in each of two windows; window 0's DAX device "
             "online as System RAM, then dax_cxl unloaded (the memory stays online); window "
             "1's region deleted, hmem_platform.0 rebound -> HMEM takes window 1; window 0's "
             "region, its memory System RAM, is not torn down",
    "topology": "two-hb",
    "sr": INUSE_SR,
    "stage1": INUSE_STAGE1,
    "stage2": [BRING_UP] + LOAD_STRICT + [
        "snapshot boot", f"kmem_online $(dax_at {W0:#x})", "snapshot online",
        "unload dax_cxl", "snapshot unloaded",
        f"delete_region $(region_of {W1:#x})", "rebind_hmem_platform", "snapshot rebind"],
    "expect": {
        "boot": _BOTH_CXL, "online": _BOTH_CXL,
        "unloaded": [(*SR_REGION, "none"), (*SR_W1, "none")],
        "rebind": [(*SR_REGION, "none"), (*SR_W1, "hmem")],
    },
    "reasons": {"unloaded": INUSE_DELETED, "rebind": INUSE_REBIND},
    "dax_driver": {"online": {W0: "kmem"}},
    "system_ram": {"online": [SR_REGION], "unloaded": [SR_REGION], "rebind": [SR_REGION]},
    "cxl_regions": {"boot": INUSE_SR, "unloaded": INUSE_SR, "rebind": [SR_REGION]},
    "console": {"ours": [IN_USE_RAM], "ours-cfence": [IN_USE_CORE],
                "*": [r"stuck online until reboot"]},
    "console_not": [r"tore down"],
    "impls": ["ours", "ours-cfence"],
}

# One SR range over two regions, the first in use: tearing down the second
# would give HMEM nothing (its DAX region still collides with the first's)
# and would destroy a region for no owner. Both are left alone.
_N_A, _N_B = (W0, 256 * M), (W0 + 256 * M, 256 * M)
_N_ALL = ("handed", "online", "rebind", "final")
SCENARIOS["inuse-spanning"] = {
    "title": "strict, SR spanning two 256 MiB slots: HMEM hands it back, a region is "
             "created in each slot, the first online as System RAM, the second not enabled; "
             "hmem_platform.0 rebound -> neither region is torn down (the range cannot be "
             "HMEM's while the first is in use), and no hmem.N over the System RAM",
    "topology": "one-hb",
    "sr": [SR_TWO_REGIONS],
    "stage1": [BRING_UP] + LOAD_STRICT + [
        "snapshot boot", "unbind_hmem", "rd=$(root_decoder_at 0x%x)" % W0,
        f"region_step $rd {256 * M} mem0", f"region_step -n $rd {256 * M} mem1",
        "snapshot handed", f"kmem_online $(dax_at {W0:#x})", f"ram_hold $(dax_at {W0:#x})",
        "snapshot online", "rebind_hmem_platform", "snapshot rebind",
        f"ram_release $(dax_at {W0:#x})", "snapshot final"],
    "expect": {"boot": [(*SR_TWO_REGIONS, "hmem")],
               **{lbl: [(*_N_A, "cxl"), (*_N_B, "none")] for lbl in _N_ALL}},
    "cxl_regions": {"boot": [], **{lbl: [_N_A, _N_B] for lbl in _N_ALL}},
    "regions_disabled": {lbl: {_N_B[0]} for lbl in _N_ALL},
    # hmem.N unbound by the hand-back; after the rebind, none: the range is
    # partly System RAM ("no HMEM device for it").
    "hmem_unbound": {"handed": 1, "online": 1},
    "reasons": {"boot": {SR_TWO_REGIONS: "not-contained"}},
    "dax_driver": {lbl: {W0: "kmem"} for lbl in _N_ALL[1:]},
    "system_ram": {lbl: [_N_A] for lbl in _N_ALL[1:]},
    "console": {"ours": [r"strict policy: region\d+ \[mem 0x390000000-0x39fffffff\] is in use "
                         r"\(some of its memory is System RAM\): not torn down; nor is any "
                         r"region over \[mem 0x390000000-0x3afffffff\]"],
                "ours-cfence": [IN_USE_CORE.split(": not torn down")[0]
                                + r": not torn down; HMEM still owns "
                                  r"\[mem 0x390000000-0x3afffffff\]"]},
    "console_not": [r"tore down", r"stuck online"],
    "impls": ["ours", "ours-cfence"],
}

# The suites sit next to the code they test: ownership/policy.rs and
# ledger.rs, region_teardown/select.rs, cxl_dax/node.rs, and the
# abstractions' rust/kernel/range.rs and dax/claim.rs (in tree the kernel
# crate's suites, rust_kernel_*; out of tree in dax_ownership_kunit too).
KUNIT_SUITES = ["dax_ownership", "dax_ownership_ledger", "dax_region_teardown",
                "dax_cxl_node", "rust_kernel_range", "rust_kernel_dax_claim"]
SCENARIOS["kunit"] = {
    "title": "KUnit: the ownership decision and ledger, the teardown's choice, the node",
    "topology": "one-hb",
    "sr": [],
    "stage1": [f"kunit dax_ownership_kunit {s}" for s in KUNIT_SUITES],
    "expect": {},
    "kunit": KUNIT_SUITES,
    "impls": ["ours"],
}

# The in-tree kernel with both Rust drivers built in (scripts/intree.sh,
# implementation "builtin") boots the scenarios that need no module
# unloaded or loaded with parameters (the policy is then a kernel
# parameter); unbind and bind through sysfs are fine.
BUILTIN = ["a", "b", "c", "d", "e", "i", "l", "handback", "e-strict", "l-strict", "kunit"]
for _name in BUILTIN:
    SCENARIOS[_name]["impls"] = SCENARIOS[_name].get("impls", DRIVER_IMPLS) + ["builtin"]

# The debug kernel's positive control (harness: debugkernel.py): kmemleak's
# sample module leaks on purpose at load; the scan at the end must report
# those leaks, as it would fail any other scenario on a leak.
SCENARIOS["kmemleak-selftest"] = {
    "title": "debug kernel: the kmemleak check reports samples/kmemleak's deliberate leaks",
    "topology": "one-hb",
    "sr": [],
    "stage1": ["load kmemleak-test"],
    "expect": {},
    "kmemleak_expect": "kmemleak_test",
    "debug_only": True,
    "impls": ["ours"],
}

# On the kernel's own CXL test fixture (scripts/cxltest_scenarios.py).
SCENARIOS.update(CXLTEST_SCENARIOS)

# Single-stage scenarios boot directly with their SR ranges.
for _scn in SCENARIOS.values():
    _scn.setdefault("impls", DRIVER_IMPLS)
    if "stage2" not in _scn:
        _scn["stage1_cmdline"] = (boot_sr(_scn["sr"]) + " " + _scn.get("extra_cmdline", "")).strip()


def guest_script(scn):
    """The /daxo/scenario.sh for a scenario."""
    out = ["# generated by scripts/scenarios.py", "stage1() {"]
    out += [f"\t{line}" for line in scn["stage1"]]
    out += ["}", "stage2() {"]
    out += [f"\t{line}" for line in scn.get("stage2", ["notok 'no stage 2'"])]
    out += ["}", ""]
    return "\n".join(out)
