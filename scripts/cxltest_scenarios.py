# SPDX-License-Identifier: GPL-2.0
"""Scenarios on the kernel's own CXL test fixture, tools/testing/cxl
("cxl_test"; built by scripts/cxltest.sh, guest helpers in
scripts/guest/cxltest.sh), judged by scripts/harness.py like every other
scenario (they join scenarios.SCENARIOS).

cxl_test mocks a CXL topology out of platform devices. With hmem_test=1 it
registers hmem_platform.1, whose one Soft Reserved range is the first half
of mock CXL window 0, and a region it auto-assembles covers that range;
fail_autoassemble=1 keeps that region from assembling. ndctl's acceptance
test of the feature (test/cxl-hmem... in ndctl) asserts, from `daxctl list
-R`: with hmem_test=1 a DAX region under cxl_acpi.0 and none under
hmem_platform.1; with fail_autoassemble=1 too, the reverse. Here both
implementations (the fixture's own C dax_hmem with the kernel's dax_cxl,
and ours) must pass those assertions and every check of harness.judge():
each Soft Reserved range (the mock one, and one memmap= range outside any
CXL window, which hmem_platform.0 holds) has exactly its expected owner.

The mock window's address is known only in the guest: the scenario's
`resolve` reads it from the snapshot and gives the judge concrete ranges.
"""

import json
import os
import re

M = 1 << 20
# A Soft Reserved range outside every CXL window (guest RAM, NUMA node 1):
# hmem_platform.0's, HMEM's in every case.
MEMMAP = (0x60000000, 256 * M)

ASSEMBLED = "hmem_test=1"
FAILED = "hmem_test=1 fail_autoassemble=1"
STRICT = "DAXO_MODPROBE_EXTRA='options dax_hmem ownership=strict'"


def mock_range(snaps):
    """The mock Soft Reserved range, the first half of mock CXL window 0
    (root decoder X.0, the fixture's first CFMWS), from any snapshot's
    "windows" section; None if no snapshot has it."""
    for snap in snaps.values():
        for line in snap.get("windows", []):
            parts = line.split()
            if len(parts) == 3 and re.match(r"decoder\d+\.0$", parts[0]):
                return (int(parts[1], 16), int(parts[2], 0) // 2)
    return None


def join_reports(snaps):
    """Join each snapshot's per-device ownership reports (ownership.N) into
    the one "ownership" section harness.judge() reads."""
    for snap in snaps.values():
        reports = [v for k, v in sorted(snap.items()) if k.startswith("ownership.")]
        if reports:
            snap["ownership"] = [line for r in reports for line in r]


def resolve(scn, snaps):
    """The scenario with concrete ranges: the mock range and MEMMAP, each
    label's owners, and the per-device ownership reports joined into the
    one "ownership" section harness.judge() reads."""
    mock = mock_range(snaps) or (0, 1)
    join_reports(snaps)
    return dict(scn, sr=[mock, MEMMAP],
                expect={label: [(*mock, owner), (*MEMMAP, "hmem")]
                        for label, owner in scn["owners"].items()},
                # The fixture's one auto-assembled region, over the mock
                # range: gone only where strict tore it down.
                cxl_regions={label: [] if region_state(scn, owner) == "none" else [mock]
                             for label, owner in scn["owners"].items()},
                # Left half-assembled (per-range): uncommitted, unbound.
                regions_assembling={label: {mock[0]}
                                    for label, owner in scn["owners"].items()
                                    if region_state(scn, owner) == "assembling"},
                # Strict: the missed range is the one not contained.
                reasons={label: {mock: "not-contained"}
                         for label, owner in scn["owners"].items()
                         if owner == "hmem" and scn.get("strict")})


def region_state(scn, owner):
    """What becomes of the auto-assembled region: "committed" (and bound to
    cxl_region) when it assembled; when it could not (fail_autoassemble),
    "assembling" (uncommitted, unbound: left alone) under per-range, "none"
    under strict, which tears it down."""
    if owner == "cxl":
        return "committed"
    return "none" if scn.get("strict") else "assembling"


def report_lists(snap, name, want):
    """Problems with one hmem_platform device's report: exactly `want`."""
    got = []
    for line in snap.get(f"ownership.{name}", []):
        m = re.match(r"^0x([0-9a-f]+)-0x([0-9a-f]+)\s", line + " ")
        if m:
            got.append((int(m.group(1), 16), int(m.group(2), 16) - int(m.group(1), 16) + 1))
    if got == [want]:
        return []
    return [f"hmem_platform.{name}'s ownership report lists "
            f"{[f'{s:#x}+{n:#x}' for s, n in got]}, expected only {want[0]:#x}+{want[1]:#x}"]


def judge(scn, impl, snaps):
    """ndctl's acceptance assertions, and one report per hmem_platform
    device for ours."""
    problems = []
    mock = scn["sr"][0]
    if mock == (0, 1):
        problems.append("no snapshot shows mock CXL window 0")
    for label, owner in scn["owners"].items():
        snap = snaps.get(label)
        if snap is None:
            continue
        try:
            regions = json.loads("\n".join(snap.get("daxctl-R", [])) or "[]")
        except json.JSONDecodeError:
            problems.append(f"{label}: daxctl list -R printed no valid JSON")
            continue
        if isinstance(regions, dict):
            regions = [regions]
        paths = [r.get("path", "") for r in regions]
        cxl = [p for p in paths if "cxl_acpi.0" in p]
        hmem = [p for p in paths if "hmem_platform.1" in p]
        if owner == "cxl" and (not cxl or hmem):
            problems.append(f"{label}: daxctl list -R: {len(cxl)} DAX regions under "
                            f"cxl_acpi.0, {len(hmem)} under hmem_platform.1; expected "
                            f"some and none")
        if owner == "hmem" and (cxl or not hmem):
            problems.append(f"{label}: daxctl list -R: {len(cxl)} DAX regions under "
                            f"cxl_acpi.0, {len(hmem)} under hmem_platform.1; expected "
                            f"none and some")
        if impl != "c":
            problems += [f"{label}: {p}" for p in report_lists(snap, "1", mock)]
            problems += [f"{label}: {p}" for p in report_lists(snap, "0", MEMMAP)]
    return problems


def scenario(title, cases, when="EARLY", strict=False, impls=("c", "ours"), timeout=None):
    """A scenario of `cases` [(label, cxl_test parameters, owner of the
    mock range)], the DAX drivers loaded `when` (EARLY: on their aliases,
    as udev would; LATE: by name once the fixture has settled)."""
    stage1 = [". /daxo/cxltest.sh"] + ([STRICT] if strict else [])
    stage1 += [f"cxltest_udev {when}"]
    stage1 += [f"cxltest_case {label} {when} {params}" for label, params, _ in cases]
    scn = {
        "title": title,
        "impls": list(impls),
        "topology": "cxltest",
        "overlay": "cxltest-{impl}",
        # The boot's memmap= (scenarios.py); resolve() adds the mock range.
        "sr": [MEMMAP],
        "stage1": stage1,
        "owners": {label: owner for label, _, owner in cases},
        "expect": {label: [] for label, _, _ in cases},
        "resolve": resolve,
        "judge": judge,
        "fixture": "cxl_test",
        "strict": strict,
    }
    # A load of the fixture under mdev takes 13-30 s under TCG (more beside
    # other boots): more than harness.BOOT_TIMEOUT for the early ones.
    scn["timeout"] = timeout or 400
    return scn


ACCEPTANCE = [("assembled", ASSEMBLED, "cxl"), ("failed", FAILED, "hmem")]
# Cycles of cxltest-cycles (fewer on the debug kernel: check-debug.sh).
CYCLES = int(os.environ.get("DAXO_CXLTEST_CYCLES", "20"))

CXLTEST_SCENARIOS = {
    "cxltest-early": scenario(
        "cxl_test: ndctl's acceptance cases, DAX drivers loaded by udev as the fixture "
        "comes up: assembled -> CXL, fail_autoassemble -> HMEM", ACCEPTANCE),
    "cxltest-late": scenario(
        "cxl_test: the acceptance cases, DAX drivers loaded after the fixture settled",
        ACCEPTANCE, when="LATE"),
    "cxltest-strict": scenario(
        "cxl_test: the acceptance cases under ownership=strict", ACCEPTANCE,
        strict=True, impls=("ours",)),
    "cxltest-cycles": scenario(
        f"cxl_test: {CYCLES} cycles of the whole stack loaded (DAX drivers late) and "
        "unloaded, the two cases alternating", [(f"cycle{i}-{label}", params, owner)
                              for i in range(1, CYCLES + 1)
                              for label, params, owner in [ACCEPTANCE[(i - 1) % 2]]],
        when="LATE", timeout=900),
}


# ---- Regions in each of the fixture's RAM window kinds (issue 16, item 4):
# the region cxl_test auto-assembles (window 0, 2 ways below host bridge
# 0), and RAM regions created through sysfs: a single-target one in window
# 0 (one memdev below host bridge 0) and one interleaved across host bridges
# 0 and 1 in window 1. (The fixture's XOR windows, interleave_arithmetic=1,
# are PMEM-only: no RAM region can be made in one.) Each must get its DAX
# region from dax_cxl, ours exactly as C's: `daxctl list -RDu` and the
# regions' sysfs state, ids aside, are compared with the C anchor's run.
REGIONS = [("decoder0.0", 512 * M, 2, "auto-assembled"),
           ("decoder0.0", 256 * M, 1, "sysfs, single target"),
           ("decoder0.1", 512 * M, 2, "sysfs, interleaved across host bridges 0 and 1")]


def regions_of(snap):
    """[(root decoder, start, size, ways)] of the CXL regions, from the
    region-state section (path .../root0/decoderX.Y/regionN)."""
    out = []
    starts = {l.split()[0]: l.split() for l in snap.get("cxl-regions", []) if len(l.split()) >= 3}
    for line in snap.get("region-state", []):
        parts = line.split()
        m = re.search(r"/(decoder\d+\.\d+)/region\d+$", parts[1]) if len(parts) > 1 else None
        ways = re.search(r"targets=(\d+)", line)
        if m and ways and parts[0] in starts:
            out.append((m.group(1), int(starts[parts[0]][1], 16), int(starts[parts[0]][2], 0),
                        int(ways.group(1))))
    return out


def resolve_regions(scn, snaps):
    """Every region of REGIONS CXL's (and nothing else in the windows),
    MEMMAP HMEM's."""
    regs = {label: regions_of(snaps.get(label, {})) for label in ("regions", "after")}
    return dict(scn, sr=[MEMMAP],
                expect={label: [(s, n, "cxl") for _, s, n, _ in r] + [(*MEMMAP, "hmem")]
                        for label, r in regs.items()},
                cxl_regions={label: [(s, n) for _, s, n, _ in r] for label, r in regs.items()})


def judge_regions(scn, impl, snaps):
    """Exactly the regions of REGIONS, by window, size and ways."""
    problems = []
    for label, regions in (("regions", REGIONS), ("after", REGIONS[:1])):
        got = sorted((d, n, w) for d, _, n, w in regions_of(snaps.get(label, {})))
        want = sorted((d, n, w) for d, n, w, _ in regions)
        if got != want:
            problems.append(f"{label}: CXL regions (window, size, ways) {got}, expected {want}")
    return problems


def signature(snaps):
    """`daxctl list -RDu` and the regions' sysfs state, ids aside, at each
    snapshot: what ours must show exactly as C does."""
    return sorted(f"{label}: {line}" for label in ("regions", "flows", "after")
                  for line in snapshot_signature(snaps.get(label, {})))


def snapshot_signature(snap):
    """One snapshot's part of the signature."""
    norm = lambda t: re.sub(r"(region|dax_region|hmem\.|dax|mem|port|endpoint)\d+(\.\d+)?",
                            r"\1N", t)
    try:
        data = json.loads("\n".join(snap.get("daxctl", [])) or "[]")
    except json.JSONDecodeError:
        return ["daxctl list -RDu: no valid JSON"]
    data = [data] if isinstance(data, dict) else data
    out = []
    for r in data:
        devs = sorted(f"{d.get('size')} node={d.get('target_node')} align={d.get('align')} "
                      f"mode={d.get('mode')}" for d in r.get("devices", []))
        out.append(f"{norm(r.get('path', ''))} size={r.get('size')} align={r.get('align')} "
                   f"devices={devs}")
    out += [norm(" ".join(l.split()[1:])) for l in snap.get("region-state", [])]
    return sorted(out)


CXLTEST_SCENARIOS["cxltest-regions"] = dict(
    scenario("cxl_test: the auto-assembled region and RAM regions created through sysfs "
             "(single target; interleaved across host bridges) -> CXL, as with C; then "
             "devdax/system-ram reconfiguration, devices re-created, regions deleted",
             [], when="LATE"),
    stage1=[". /daxo/cxltest.sh", "cxltest_udev LATE", "cxltest_load || return",
            "cxltest_dax || return"] +
    [f"cxltest_region {d} {n} {' '.join(str(h) for h in range(w))}" if d == "decoder0.0"
     else f"cxltest_region {d} {n} 0 1"
     for d, n, w, how in REGIONS if how != "auto-assembled"] +
    ["cxltest_snapshot regions", "cxltest_flows decoder0.0:1 decoder0.1:2",
     "cxltest_snapshot after", "cxltest_unload"],
    owners={}, expect={"regions": [], "after": []},
    resolve=resolve_regions, judge=judge_regions, signature=signature,
    # It reconfigures, re-creates and deletes them: compared with C instead.
    outside_changes=True)


# ---- Force-disable with DAX regions up (issue 16, item 5, last part): a
# memdev, a host bridge's port, then the whole bus, as ndctl's tests force
# them off (cxl-cli's --force), then the bus bound again. Each step takes
# down exactly the DAX regions below it (the x2 region's, then the
# auto-assembled region's over the mock SR range), with no kernel warning;
# ours must leave the same state as C at every snapshot (signature).
# Forced off by the user, the mock range is left with no DAX owner, by C
# as by ours: nothing re-decides it (the report keeps its boot decision).
DISABLE_STEPS = ["up", "memdev", "port", "bus", "rebound"]


def resolve_disable(scn, snaps):
    """Concrete ranges: the mock range CXL's until its port goes, the x2
    region in window 1 CXL's until its memdev goes, MEMMAP HMEM's."""
    mock = mock_range(snaps) or (0, 1)
    join_reports(snaps)
    x2 = [(s, n) for d, s, n, w in regions_of(snaps.get("up", {})) if d == "decoder0.1"]
    x2 = x2[0] if x2 else (0, 1)
    expect = {}
    for i, label in enumerate(DISABLE_STEPS):
        expect[label] = [(*mock, "cxl" if i < 2 else "none"), (*MEMMAP, "hmem"),
                         (*x2, "cxl" if i < 1 else "none")]
    # What a forced disable leaves: the regions below it stay, uncommitted
    # and unbound, until the bus goes (then none is left).
    return dict(scn, sr=[mock, MEMMAP], expect=expect,
                reasons={label: {mock: "contained"} for label in DISABLE_STEPS[2:]},
                cxl_regions={"up": [mock, x2], "memdev": [mock, x2], "port": [mock, x2],
                             "bus": []},
                regions_assembling={"memdev": {x2[0]}, "port": {mock[0], x2[0]}})


def judge_disable(scn, impl, snaps):
    """The x2 region and the mock one are found at the start."""
    problems = []
    if scn["sr"][0] == (0, 1):
        problems.append("no snapshot shows mock CXL window 0")
    if scn["expect"]["up"][2][:2] == (0, 1):
        problems.append("up: no x2 region in window 1 (decoder0.1)")
    return problems


def signature_disable(snaps):
    """`daxctl list -RDu` and the regions' sysfs state at each step."""
    return sorted(f"{label}: {line}" for label in DISABLE_STEPS
                  for line in snapshot_signature(snaps.get(label, {})))


CXLTEST_SCENARIOS["cxltest-disable"] = dict(
    scenario("cxl_test: with DAX regions up, a memdev, a host bridge's port and the bus "
             "force-disabled (cxl-cli --force), then the bus bound again: exactly the DAX "
             "regions below each go, no warning, as with C", [], when="LATE"),
    stage1=[". /daxo/cxltest.sh", "cxltest_udev LATE",
            f"cxltest_load {ASSEMBLED} || return", "cxltest_dax || return",
            f"cxltest_region decoder0.1 {512 * M} 0 1 || return",
            "cxltest_disable decoder0.0:2 decoder0.1:2 || return", "cxltest_unload"],
    owners={}, expect={label: [] for label in DISABLE_STEPS},
    resolve=resolve_disable, judge=judge_disable, signature=signature_disable,
    # It takes the x2 region's DAX device down on purpose.
    outside_changes=True)
