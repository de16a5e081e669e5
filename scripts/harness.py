#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot scenarios in QEMU with emulated CXL Type-3 devices and judge them.

Each scenario (scripts/scenarios.py) names a topology, the Soft Reserved
ranges firmware would describe, a guest script per stage and the owner every
range must end with. The guest reports its own steps as KTAP and dumps raw
state (/proc/iomem, hmem devices, dax devices, CXL regions, `daxctl list`)
on a second serial port; this side decides who owns each range and fails
the scenario on any kernel WARNING, BUG, Oops or lockdep report.

Usage: harness.py --kdir KDIR --impl c|ours [--only a,b] [--list]
"""

import argparse
import concurrent.futures
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402
from debugkernel import DEBUG, judge_debug, read_debug_config, timeout_of  # noqa: E402
from debugkernel import cmdline as debugkernel_cmdline  # noqa: E402

BOOT_TIMEOUT = 150  # seconds for a whole scenario, both stages
# Any stack dump counts ("Call Trace:"): a dump_stack() or a WARN without
# the "WARNING:" line, as from a teardown of memory in use.
KERNEL_PROBLEMS = re.compile(
    r"(WARNING:|BUG:|Oops|Kernel panic|general protection fault|Call Trace:|"
    r"possible circular locking|possible recursive locking|"
    r"inconsistent lock state|suspicious RCU usage|"
    r"INFO: task .* blocked|rcu: INFO: |detected stalls? on CPU|UBSAN:|KASAN:)")
# (kmemleak's leaks are judged from its report: debugkernel.judge_debug().)


# ----------------------------------------------------------------- QEMU

def images_dir(kdir):
    """Where scripts/initramfs.sh put the archives: $DAXO_IMAGES, else
    KDIR/daxo."""
    return os.environ.get("DAXO_IMAGES") or os.path.join(kdir, "daxo")


def fresh_logs(logdir, stem):
    """(console, results): the two serial logs of one boot in `logdir`,
    named after `stem`, removed if an earlier boot left them."""
    os.makedirs(logdir, exist_ok=True)
    paths = tuple(os.path.join(logdir, f"{stem}.{kind}.log") for kind in ("console", "results"))
    for f in paths:
        if os.path.exists(f):
            os.unlink(f)
    return paths


GUEST_RAM = 2 * scenarios.G
# HMAT topologies: two NUMA nodes splitting the guest's RAM, node 0 with
# the CPUs (the one initiator), node 1 memory only; the latency (ns) and
# bandwidth QEMU's HMAT gives each initiator/target pair, local first.
HMAT_NODES = 2
HMAT_LB = {True: ("10", "10G"), False: ("20", "5G")}


def hmat_args(smp, hmat=True):
    """QEMU options of an HMAT topology (scenarios.TOPOLOGIES "hmat"): the
    nodes, each backed by its own RAM object, and an hmat-lb entry of
    each kind for every initiator/target pair (without `hmat`, the nodes
    alone: topology "numa")."""
    args, initiators = [], [0]
    for n in range(HMAT_NODES):
        args += ["-object", f"memory-backend-ram,id=numa{n},size={GUEST_RAM // HMAT_NODES}"]
        node = f"node,nodeid={n},memdev=numa{n}"
        cpus = "0" if smp == 1 else f"0-{smp - 1}"
        if n in initiators:
            node += f",cpus={cpus}"
        elif hmat:
            node += f",initiator={initiators[0]}"
        args += ["-numa", node]
    for i in initiators if hmat else []:
        for t in range(HMAT_NODES):
            latency, bandwidth = HMAT_LB[i == t]
            lb = f"hmat-lb,initiator={i},target={t},hierarchy=memory"
            args += ["-numa", f"{lb},data-type=access-latency,latency={latency}",
                     "-numa", f"{lb},data-type=access-bandwidth,bandwidth={bandwidth}"]
    return args


def qemu_cmd(kdir, topo, initrd, append, console, results):
    """The QEMU command line for a topology (see scenarios.TOPOLOGIES)."""
    # KVM only when asked for: here /dev/kvm exists but nested guests hang.
    accel = "kvm" if os.environ.get("DAXO_KVM") == "1" else "tcg"
    smp = int(os.environ.get("DAXO_SMP", "1"))
    cmd = [
        "qemu-system-x86_64",
        "-machine", f"q35,cxl=on,accel={accel}" + (",hmat=on" if topo.get("hmat") else ""),
        "-cpu", "max", "-smp", str(smp), "-m", f"{GUEST_RAM // scenarios.G}G,maxmem=8G,slots=4",
        "-display", "none", "-no-reboot", "-monitor", "none",
        "-kernel", os.path.join(kdir, "arch/x86/boot/bzImage"),
        "-initrd", initrd, "-append", append,
        "-serial", f"file:{console}", "-serial", f"file:{results}",
    ]
    if topo.get("hmat") or topo.get("numa"):
        cmd += hmat_args(smp, bool(topo.get("hmat")))
    bus_nr = 12
    fmw = []
    for h, devices in enumerate(topo["bridges"]):
        hb = f"cxl.{h + 1}"
        cmd += ["-device", f"pxb-cxl,bus_nr={bus_nr},bus=pcie.0,id={hb}"]
        bus_nr += 20
        # At least two root ports per host bridge: auto-assembly after
        # kexec fails with one.
        nports = max(2, len(devices))
        for p in range(nports):
            cmd += ["-device",
                    f"cxl-rp,port={p},bus={hb},id=rp{h}{p},chassis=0,slot={h * 8 + p + 2}"]
        for d, size in enumerate(devices):
            mem = f"cxlmem{h}{d}"
            cmd += ["-object", f"memory-backend-ram,id={mem},share=on,size={size}",
                    "-device", f"cxl-type3,bus=rp{h}{d},volatile-memdev={mem},id=cxl-vmem{h}{d}"]
        fmw.append(f"cxl-fmw.{h}.targets.0={hb},cxl-fmw.{h}.size={topo.get('window', '4G')}")
    # All windows in one -M: QEMU refuses cxl-fmw.* split over several.
    if fmw:
        cmd += ["-M", ",".join(fmw)]
    return cmd


def cpio_archive(files):
    """A gzip'ed newc cpio archive holding {path: text or bytes} (for the
    scenario)."""
    buf = io.BytesIO()
    ino = 1000

    def entry(name, data, mode):
        nonlocal ino
        ino += 1
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08X}" for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        buf.write(hdr.encode() + name_b)
        buf.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
        buf.write(data)
        buf.write(b"\0" * ((4 - len(data) % 4) % 4))

    for path, text in files.items():
        entry(path, text if isinstance(text, bytes) else text.encode(), 0o100644)
    entry("TRAILER!!!", b"", 0)
    return gzip.compress(buf.getvalue(), 1)


# ------------------------------------------------------------ the guest

def parse_results(text):
    """Split the results port into KTAP steps and state snapshots."""
    steps, snaps, done = [], {}, False
    snap, cur = None, None
    for line in text.splitlines():
        line = line.rstrip("\r")
        if line.startswith("@@ kunit "):
            snap = snaps.setdefault("kunit:" + line[9:].strip(), {})
            cur = snap.setdefault("results", [])
        elif line.startswith("@@ snap "):
            snap = snaps.setdefault(line[8:].strip(), {})
            cur = None
        elif line.startswith("@@ file ") and snap is not None:
            cur = snap.setdefault(line[8:].strip(), [])
        elif line == "@@ kmemleak":
            snap = snaps.setdefault("kmemleak:", {})
            cur = snap.setdefault("report", [])
        elif line == "@@ end":
            snap, cur = None, None
        elif line == "@@ done":
            done = True
        elif cur is not None:
            cur.append(line)
        else:
            m = re.match(r"^(not ok|ok) \d+ - (.*)$", line)
            if m:
                steps.append((m.group(1) == "ok", m.group(2)))
            elif line.startswith("# metric "):
                parts = line.split()
                if len(parts) == 4:
                    steps.append(("metric", parts[2], float(parts[3])))
            elif line.startswith("# "):
                steps.append((None, line[2:]))
    return steps, snaps, done


def parse_iomem(lines):
    """[(depth, start, end, name)] from /proc/iomem."""
    out = []
    for line in lines:
        m = re.match(r"^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$", line)
        if m:
            out.append((len(m.group(1)) // 2, int(m.group(2), 16),
                        int(m.group(3), 16), m.group(4)))
    return out


def owners(snap, start, size):
    """Who owns [start, start+size): a list of (kind, detail) claims.

    A claim is a dax device overlapping the range; its kind comes from its
    sysfs path: .../hmem_platform.0/hmem.N/... is HMEM, .../regionN/
    dax_regionN/... is CXL.
    """
    end = start + size - 1
    claims = []
    for line in snap.get("dax", []):
        parts = line.split()
        if len(parts) < 4:
            continue
        name, s, e, path = parts[0], int(parts[1], 16), int(parts[2], 16), parts[3]
        if e < start or s > end:
            continue
        if re.search(r"/hmem_platform\.\d+/hmem\.\d+/", path):
            claims.append(("hmem", name, s, e, path))
        elif re.search(r"/region\d+/dax_region\d+/", path):
            claims.append(("cxl", name, s, e, path))
        else:
            claims.append(("other", name, s, e, path))
    return claims


def daxctl_paths(snap):
    """{dax device name: region path} from `daxctl list -RDu`."""
    text = "\n".join(snap.get("daxctl", []))
    try:
        data = json.loads(text) if text.strip() else []
    except json.JSONDecodeError:
        return None
    if isinstance(data, dict):
        data = [data]
    paths = {}
    for region in data:
        for dev in region.get("devices", []):
            paths[dev.get("chardev")] = region.get("path", "")
    return paths


# Implementations whose dax_hmem is ours ("builtin": both Rust drivers
# built into the in-tree kernel of scripts/intree.sh).
RUST_HMEM = ("ours", "ours-hmem", "ours-noteardown", "ours-cfence", "ours-strictdef",
             "builtin")


def judge_range(snap, start, size, want):
    """Problems (strings) with the ownership of one range; [] when right."""
    problems = []
    rng = f"[{start:#x}-{start + size - 1:#x}]"
    claims = owners(snap, start, size)
    kinds = sorted({c[0] for c in claims})
    if want == "none":
        if claims:
            problems.append(f"{rng}: expected no owner, found {kinds}")
        return problems
    if kinds != [want]:
        problems.append(f"{rng}: expected owner {want}, found "
                        f"{kinds or 'none'} ({', '.join(c[1] for c in claims)})")
        return problems
    end = start + size - 1
    if not any(c[2] <= start and c[3] >= end for c in claims):
        problems.append(f"{rng}: {want} devices cover only part of it")
    # daxctl must agree with sysfs on the region the device hangs off.
    paths = daxctl_paths(snap)
    if paths is None:
        problems.append("daxctl list -RDu printed no valid JSON")
    else:
        for c in claims:
            p = paths.get(c[1])
            pat = r"/hmem\.\d+$" if want == "hmem" else r"/region\d+/dax_region\d+$"
            if p is None or not re.search(pat, p):
                problems.append(f"{rng}: daxctl shows {c[1]} under {p!r}, not {want}")
    # A claim counts only when its DAX region device is bound.
    problems += [f"{rng}: {p}" for c in claims for p in claim_parent_bound(snap, c)]
    # /proc/iomem: a CXL owner's range lies inside a CXL region entry.
    if want == "cxl":
        iomem = parse_iomem(snap.get("/proc/iomem", []))
        if not any(re.match(r"region\d+$", r[3]) and r[1] <= start and r[2] >= end
                   for r in iomem):
            problems.append(f"{rng}: no CXL region entry covers it in /proc/iomem")
    return problems


# The driver each kind of DAX region device must be bound to: an hmem.N
# platform device to dax_hmem's "hmem", a CXL region's dax_regionN to
# dax_cxl's "cxl_dax_region" (the same names for the C and Rust drivers).
REGION_DRIVER = {"hmem": "hmem", "cxl": "cxl_dax_region"}


def drivers_of(snap, section):
    """{device: driver, "" when unbound} from a snapshot section of
    "NAME driver=DRIVER" lines ("hmem", "dax-region")."""
    out = {}
    for line in snap.get(section, []):
        parts = line.split()
        if len(parts) >= 2 and parts[1].startswith("driver="):
            out[parts[0]] = parts[1][len("driver="):]
    return out


def claim_parent_bound(snap, claim):
    """Problems with the DAX region device a claim hangs off: hmem.N (for
    HMEM) or dax_regionN (for CXL) must be bound to its driver."""
    kind, name, _, _, path = claim
    m = re.search(r"/(hmem\.\d+)/" if kind == "hmem" else r"/(dax_region\d+)/", path)
    if kind not in REGION_DRIVER or not m:
        return []
    section = "hmem" if kind == "hmem" else "dax-region"
    got = drivers_of(snap, section).get(m.group(1))
    if got != REGION_DRIVER[kind]:
        return [f"{name} hangs off {m.group(1)}, which is "
                f"{'bound to ' + got if got else 'not bound' if got is not None else 'missing'}"
                f" (expected driver {REGION_DRIVER[kind]})"]
    return []


def judge_dax_drivers(label, snap, want):
    """Problems with the DAX devices' own drivers ("dax-node": name, node,
    driver). Every DAX device is bound to device_dax or kmem, or unbound
    while kmem is not loaded (the devices are kmem-typed and the guest keeps
    kmem out; device_dax takes only the devices daxctl hands it): with kmem
    loaded an unbound device is one whose probe failed. `want` {mapping
    start: driver} names the driver of the devices a scenario puts to use."""
    problems = []
    drivers = {}
    for line in snap.get("dax-node", []):
        parts = line.split()
        if len(parts) >= 2:
            drivers[parts[0]] = parts[2] if len(parts) > 2 else ""
    kmem = any(l.startswith("kmem ") for l in snap.get("modules", []))
    for dev, drv in sorted(drivers.items()):
        if drv and drv not in ("device_dax", "kmem"):
            problems.append(f"{label}: {dev} is bound to {drv}, not device_dax or kmem")
        elif not drv and kmem:
            problems.append(f"{label}: {dev} is not bound to a driver, with kmem loaded")
    for start, drv in sorted(want.items()):
        devs = [l.split()[0] for l in snap.get("dax", [])
                if len(l.split()) >= 4 and int(l.split()[1], 16) == start]
        if not devs:
            problems.append(f"{label}: no DAX device starts at {start:#x} (for its driver)")
        for dev in devs:
            if drivers.get(dev) != drv:
                problems.append(f"{label}: {dev} at {start:#x} is bound to "
                                f"{drivers.get(dev) or 'no driver'}, expected {drv}")
    return problems


def judge_region_state(label, snap, assembling=(), disabled=()):
    """Problems with the CXL regions' state: every region in /sys/bus/cxl
    is committed (commit 1) and bound to cxl_region, except those starting
    at an address in `assembling`: regions that cannot finish assembling
    (cxl_test's fail_autoassemble), uncommitted and unbound; and those in
    `disabled`: committed but never enabled (create_ram_region -n),
    unbound. (Which regions exist is judge_regions'.)"""
    problems = []
    for line in snap.get("cxl-regions", []):
        parts = line.split()
        if len(parts) < 5 or not parts[1].startswith("0x"):
            problems.append(f"{label}: CXL region line not understood: {line!r}")
            continue
        name, commit, driver = parts[0], parts[3], parts[4]
        start = int(parts[1], 16)
        want = ("0", "driver=") if start in assembling else \
            ("1", "driver=") if start in disabled else ("1", "driver=cxl_region")
        if commit != want[0]:
            problems.append(f"{label}: CXL region {name} commit is {commit}, expected {want[0]}")
        if driver != want[1]:
            problems.append(f"{label}: CXL region {name} {driver or 'driver='}, "
                            f"expected {want[1]}")
    return problems


def hmem_devices(snap):
    """(bound, unbound): the hmem.N platform devices bound to hmem, and the
    others (probe failed, or bound elsewhere)."""
    drivers = drivers_of(snap, "hmem")
    bound = sorted(d for d, drv in drivers.items() if drv == "hmem")
    return bound, sorted(d for d in drivers if d not in bound)


def cxl_regions(snap):
    """{(start, size)} of the CXL regions in /sys/bus/cxl and in /proc/iomem
    (a pair of sets: they must agree)."""
    sysfs = set()
    for line in snap.get("cxl-regions", []):
        parts = line.split()
        if len(parts) >= 3 and parts[1].startswith("0x"):
            sysfs.add((int(parts[1], 16), int(parts[2], 0)))
    iomem = {(r[1], r[2] - r[1] + 1) for r in parse_iomem(snap.get("/proc/iomem", []))
             if re.match(r"region\d+$", r[3])}
    return sysfs, iomem


def judge_regions(label, snap, want):
    """Problems with the set of CXL regions: exactly `want` [(start, size)]
    in both /sys/bus/cxl and /proc/iomem."""
    want = set(want)
    fmt = lambda rs: ", ".join(f"[{s:#x}-{s + n - 1:#x}]" for s, n in sorted(rs)) or "none"
    problems = []
    for where, got in zip(("/sys/bus/cxl", "/proc/iomem"), cxl_regions(snap)):
        if got != want:
            problems.append(f"{label}: CXL regions in {where}: {fmt(got)}, expected {fmt(want)}")
    return problems


def owner_id(claim):
    """The region a DAX claim hangs off: ("hmem", "hmem.N"), ("cxl",
    "regionN"), or the device itself for anything else."""
    kind, name, _, _, path = claim
    m = re.search(r"/(hmem\.\d+|region\d+)/", path)
    return (kind, m.group(1) if m else name)


# The -EBUSY line of a refused claim: the holder and the range it holds.
BUSY_LINE = re.compile(r"is owned by (HMEM|CXL) \((hmem\.\d+|region\d+), "
                       r"\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]\): not creating a DAX region")


def judge_busy_holders(label, snap, console):
    """Every -EBUSY line names the holder the snapshot shows: a DAX device
    of that kind, under that hmem.N or regionN, over the range named (the
    DAX core's region tree as the snapshot's sysfs has it)."""
    problems = []
    lines = list(BUSY_LINE.finditer(console))
    if not lines:
        problems.append(f"{label}: no -EBUSY line naming a holder")
    for m in lines:
        kind, dev = m.group(1).lower(), m.group(2)
        start, end = int(m.group(3), 16), int(m.group(4), 16)
        claims = owners(snap, start, end - start + 1)
        if not any(owner_id(c) == (kind, dev) and c[2] <= start and end <= c[3]
                   for c in claims):
            got = ", ".join(f"{owner_id(c)[1]} [{c[2]:#x}-{c[3]:#x}]" for c in claims) or "none"
            problems.append(f"{label}: the -EBUSY line names {dev} over "
                            f"[{start:#x}-{end:#x}], the snapshot shows {got}")
    return problems


def invariant(label, snap, sr, prev):
    """The invariant checked after every snapshot, whatever the scenario
    expects: no SR range has two owners (two DAX regions, of one driver or
    of both), and no DAX device outside the SR ranges changed (its range,
    or the region it hangs off) or went since the previous snapshot of the
    run (`prev`, or None); new ones may come. Returns (problems, the
    number of checks made: one per SR range, one per DAX device outside
    them that `prev` had)."""
    problems = []
    checks = len(sr)
    for start, size in sr:
        ids = sorted({owner_id(c) for c in owners(snap, start, size)})
        if len(ids) > 1:
            problems.append(f"{label}: invariant: [{start:#x}-{start + size - 1:#x}] has "
                            f"{len(ids)} owners: {', '.join(i[1] for i in ids)}")
    outside = outside_sr(snap, sr)
    if prev is not None:
        for dev, rng in sorted(outside_sr(prev, sr).items()):
            checks += 1
            if outside.get(dev) != rng:
                problems.append(f"{label}: invariant: DAX device {dev} outside the SR ranges "
                                f"changed: {rng} -> {outside.get(dev, 'gone')}")
    return problems, checks


def outside_sr(snap, sr):
    """{dax device: (start, end, sysfs path)} for the DAX devices that meet
    no SR range."""
    out = {}
    for line in snap.get("dax", []):
        parts = line.split()
        if len(parts) < 4:
            continue
        s, e = int(parts[1], 16), int(parts[2], 16)
        if not any(s <= a + n - 1 and a <= e for a, n in sr):
            out[parts[0]] = (hex(s), hex(e), parts[3])
    return out


def scenario_policy(scn):
    """The dax_hmem policy at a scenario's snapshots."""
    steps = " ".join(scn["stage1"] + scn.get("stage2", []))
    return scn.get("policy") or ("strict" if "ownership=strict" in steps else "per-range")


# The reasons of the Rust dax_hmem's ownership report (ownership/policy.rs,
# Reason::describe()), by the key scenarios name them with, and the owner
# each decides.
REASONS = {
    "outside": ("hmem", "outside every CXL window"),
    "contained": ("cxl", "contained by a committed CXL region"),
    "not-contained": ("hmem", "not fully contained by a committed CXL region"),
    "fallback": ("hmem", "strict policy: another range was not contained"),
    "kept-in-use": ("cxl", "strict policy: another range was not contained, "
                           "but its CXL region is in use"),
    "kept-unusable": ("cxl", "strict policy: another range was not contained, "
                             "but HMEM cannot use this one"),
    "kept-with-region": ("cxl", "strict policy: another range was not contained, "
                                "but its CXL region is kept"),
}


def meets_cxl_window(snap, start, size):
    """Whether [start, start+size) meets a "CXL Window N" of /proc/iomem."""
    end = start + size - 1
    return any(r[3].startswith("CXL Window") and r[1] <= end and start <= r[2]
               for r in parse_iomem(snap.get("/proc/iomem", [])))


def expected_reason(scn, label, snap, expect, start, size, want, policy):
    """The reason key (or (key, missed range)) the report must give for a
    range: the scenario's `reasons` where it names one; else derived where
    the owner and the policy decide it; else None. A range that meets no
    CXL window is "outside" whoever holds it; per-range, CXL's ranges are
    "contained" and HMEM's "not-contained"; strict, a CXL range is
    "contained" when every expected range in a window is CXL's (nothing
    missed). Anything else (a strict HMEM range in a window: missed or the
    fallback; a range with no owner) the scenario must name."""
    explicit = scn.get("reasons", {}).get(label, {}).get((start, size))
    if explicit:
        return explicit
    if not meets_cxl_window(snap, start, size):
        return "outside"
    if policy == "per-range":
        return {"cxl": "contained", "hmem": "not-contained"}.get(want)
    if want == "cxl" and all(w == "cxl" for s, n, w in expect
                             if meets_cxl_window(snap, s, n)):
        return "contained"
    return None


def reason_text(reason, want):
    """The report's reason column for a reason key (or (key, missed
    range)) of a range whose holder is `want`: the phrase, the missed range
    in parentheses, and "; handed back to CXL" where HMEM was given the
    range and a CXL region holds it now."""
    key, missed = reason if isinstance(reason, tuple) else (reason, None)
    owner, text = REASONS[key]
    if missed:
        text += f" ({missed[0]:#x}-{missed[0] + missed[1] - 1:#x})"
    if owner == "hmem" and want == "cxl":
        text += "; handed back to CXL"
    return text


def judge_report(label, snap, expect, policy, scn):
    """Problems with the Rust dax_hmem's ownership report
    (hmem_platform.0/ownership): one line per expected range, naming the
    right kind of holder, the policy and the reason (expected_reason)."""
    problems = []
    lines = [l.split(None, 3) for l in snap.get("ownership", [])]
    holder_re = {"cxl": r"region\d+$", "hmem": r"hmem\.\d+$", "none": r"none$"}
    for start, size, want in expect:
        rng = f"{start:#x}-{start + size - 1:#x}"
        line = [l for l in lines if l and l[0] == rng]
        if len(line) != 1:
            problems.append(f"{label}: ownership report has {len(line)} lines for {rng}")
            continue
        fields = line[0] + ["?"] * (4 - len(line[0]))
        if not re.match(holder_re[want], fields[1]):
            problems.append(f"{label}: ownership report says {rng} is held by {fields[1]}, "
                            f"expected {want}")
        if fields[2] != policy:
            problems.append(f"{label}: ownership report policy {fields[2]}, expected {policy}")
        reason = expected_reason(scn, label, snap, expect, start, size, want, policy)
        if reason is None:
            problems.append(f"{label}: no expected reason for {rng} ({want}, {policy}): "
                            f"the scenario must name it (reasons)")
        elif fields[3] != reason_text(reason, want):
            problems.append(f"{label}: ownership report gives {rng} the reason "
                            f"{fields[3]!r}, expected {reason_text(reason, want)!r}")
    return problems


def report_ranges(label, snap, sr):
    """Problems with the ranges the Rust dax_hmem's ownership report lists:
    exactly the scenario's SR ranges, each once. (Firmware's other HMEM
    resources, the HMAT memory targets, are DRAM: not Soft Reserved.)"""
    got = []
    for line in snap.get("ownership", []):
        m = re.match(r"^0x([0-9a-f]+)-0x([0-9a-f]+)\s", line + " ")
        if not m:
            return [f"{label}: ownership report line not understood: {line!r}"]
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        got.append((start, end - start + 1))
    if sorted(got) == sorted(sr):
        return []
    fmt = lambda rs: ", ".join(f"[{s:#x}-{s + n - 1:#x}]" for s, n in sorted(rs)) or "none"
    return [f"{label}: ownership report lists {fmt(got)}, expected exactly the SR ranges "
            f"{fmt(sr)}"]


def memory_blocks(snap):
    """(block size, {block index: (state, node)}) from the snapshot's
    "memory" section (lib.sh snapshot_memory); size None if absent."""
    bsize, blocks = None, {}
    for line in snap.get("memory", []):
        parts = line.split()
        if len(parts) == 2 and parts[0] == "block_size_bytes":
            bsize = int(parts[1], 16)
        elif len(parts) == 4 and parts[0].startswith("memory"):
            blocks[int(parts[1], 16)] = (parts[2], parts[3])
    return bsize, blocks


def judge_system_ram(label, snap, ranges):
    """Problems with ranges that must be System RAM (kmem): covered by
    "System RAM (kmem)" entries of /proc/iomem, every memory block online."""
    problems = []
    kmem = sorted((r[1], r[2]) for r in parse_iomem(snap.get("/proc/iomem", []))
                  if r[3] == "System RAM (kmem)")
    bsize, blocks = memory_blocks(snap)
    for start, size in ranges:
        end = start + size - 1
        rng = f"[{start:#x}-{end:#x}]"
        at = start
        for s, e in kmem:
            if s <= at <= e:
                at = e + 1
        if at <= end:
            problems.append(f"{label}: {rng}: not covered by 'System RAM (kmem)' in "
                            f"/proc/iomem (from {at:#x})")
        if not bsize:
            problems.append(f"{label}: {rng}: no memory block size in the snapshot")
            continue
        for idx in range(start // bsize, end // bsize + 1):
            state = blocks.get(idx, ("missing",))[0]
            if state != "online":
                problems.append(f"{label}: {rng}: memory block {idx} "
                                f"[{idx * bsize:#x}] is {state}, not online")
                break
    return problems


def judge_dax_node(label, snap, want):
    """Problems with DAX devices' NUMA nodes: {mapping start: node}."""
    problems = []
    nodes = {}
    for line in snap.get("dax-node", []):
        parts = line.split()
        if len(parts) >= 2:
            nodes[parts[0]] = parts[1]
    for start, node in sorted(want.items()):
        devs = [l.split()[0] for l in snap.get("dax", [])
                if len(l.split()) >= 4 and int(l.split()[1], 16) == start]
        if not devs:
            problems.append(f"{label}: no DAX device starts at {start:#x} (for its node)")
        for dev in devs:
            if nodes.get(dev) != str(node):
                problems.append(f"{label}: {dev} at {start:#x} has target_node "
                                f"{nodes.get(dev, '?')}, expected {node}")
    return problems


def judge_hmat(label, snap):
    """Problems with the NUMA view of an HMAT topology: nodes 0 and 1, each
    with memory, and an HMAT table."""
    problems = []
    numa = [l.split() for l in snap.get("numa", [])]
    nodes = {p[0]: int(p[1]) for p in numa if len(p) == 2 and p[0].startswith("node")}
    for n in range(HMAT_NODES):
        if nodes.get(f"node{n}", 0) <= 0:
            problems.append(f"{label}: HMAT topology: no node{n} with memory "
                            f"(nodes: {sorted(nodes) or 'none'})")
    tables = [p for p in numa if p and p[0] == "acpi-tables"]
    if not tables or "HMAT" not in tables[0][1:]:
        problems.append(f"{label}: HMAT topology: no /sys/firmware/acpi/tables/HMAT")
    return problems


def expected_soft_reserved(scn, impl, label):
    """The "Soft Reserved" entries /proc/iomem must show at a snapshot, as
    [(start, size)]: the scenario's soft_reserved_iomem where it names
    them for the Rust dax_hmem; else, with the Rust dax_hmem, exactly the
    ranges HMEM owns (it puts them back; no_soft_reserved_entry lists those
    no single iomem parent can take); with Linux 7.3's C dax_hmem none (it
    leaves them out of /proc/iomem, whoever owns them)."""
    if impl not in RUST_HMEM:
        return []
    if label in scn.get("soft_reserved_iomem", {}):
        return scn["soft_reserved_iomem"][label]
    return [(s, n) for s, n, want in scn["expect"][label]
            if want == "hmem" and (s, n) not in scn.get("no_soft_reserved_entry", [])]


def judge_soft_reserved(label, snap, want):
    """Problems with the "Soft Reserved" entries of /proc/iomem: exactly
    `want` [(start, size)], at any depth."""
    got = sorted((r[1], r[2] - r[1] + 1) for r in parse_iomem(snap.get("/proc/iomem", []))
                 if r[3] == "Soft Reserved")
    if got == sorted(want):
        return []
    fmt = lambda rs: ", ".join(f"[{s:#x}-{s + n - 1:#x}]" for s, n in rs) or "none"
    return [f"{label}: 'Soft Reserved' in /proc/iomem: {fmt(got)}, expected {fmt(sorted(want))}"]


def per_impl(spec, impl):
    """A list that applies to every implementation, or a dict of lists keyed
    by space-separated implementation names ("*" for all)."""
    if isinstance(spec, dict):
        out = []
        for impls, checks in spec.items():
            # "builtin" is ours, built in: it shares the checks of ours.
            if impls == "*" or impl in impls.split() or (
                    impl == "builtin" and "ours" in impls.split()):
                out += checks
        return out
    return spec


def judge(scn, impl, steps, snaps, done, console, counts):
    """All problems of one scenario run (and test counts into `counts`)."""
    problems = []
    if not done:
        problems.append("the guest did not finish (timeout or crash)")
    for ok, what, *rest in steps:
        if ok is True:
            # Reload cycles: a module removed (and loaded again), a driver
            # unbound (and bound again), N reloads in one step.
            m = re.search(r"reloaded (\d+) times", what)
            cycles = int(m.group(1)) if m else bool(re.match(r"(rmmod|unbind) ", what))
            counts["reload_cycles"] = counts.get("reload_cycles", 0) + cycles
        if ok is False:
            problems.append(f"guest step failed: {what}")
        elif ok == "metric" and what == "faults_injected":
            counts["faults_injected"] = counts.get("faults_injected", 0) + int(rest[0])
        elif ok == "metric":
            counts.setdefault("metrics", {})[what] = rest[0]
    prev = None
    for label, snap in snaps.items():
        if label.startswith(("kunit:", "kmemleak:")):
            continue
        # (Unless the scenario reconfigures DAX devices outside the SR
        # ranges on purpose: cxltest-regions.)
        found, checks = invariant(label, snap, scn["sr"],
                                  None if scn.get("outside_changes") else prev)
        problems += found
        counts["invariant_checks"] = counts.get("invariant_checks", 0) + checks
        prev = snap
    # Snapshots with no owner expectation of their own (the faulted states,
    # judged by judge_faults) still get the judges their labels are named
    # in: the System RAM, the CXL regions, the DAX devices' drivers.
    extra = {lbl for k in ("system_ram", "cxl_regions", "dax_driver")
             for lbl in scn.get(k, {})} - set(scn["expect"])
    for label in sorted(extra):
        snap = snaps.get(label)
        if snap is None:
            problems.append(f"no snapshot '{label}' from the guest")
            continue
        if label in scn.get("system_ram", {}):
            problems += judge_system_ram(label, snap, scn["system_ram"][label])
        if label in scn.get("cxl_regions", {}):
            problems += judge_regions(label, snap, scn["cxl_regions"][label])
        if label in scn.get("dax_driver", {}):
            problems += judge_dax_drivers(label, snap, scn["dax_driver"][label])
    for label, expect in scn["expect"].items():
        snap = snaps.get(label)
        if snap is None:
            problems.append(f"no snapshot '{label}' from the guest")
            continue
        hmem_wanted = 0
        for (start, size, want) in expect:
            problems += judge_range(snap, start, size, want)
            hmem_wanted += want == "hmem"
        loaded = impl == "builtin" or any(l.startswith("dax_hmem ")
                                          for l in snap.get("modules", []))
        # The report covers the SR ranges (not regions created elsewhere).
        # (report_owner: where the report's holder is not the DAX device's
        # owner, as with region_idle.)
        sr_expect = [(s, n, scn.get("report_owner", {}).get(label, {}).get((s, n), w))
                     for s, n, w in expect if (s, n) in scn["sr"]]
        if impl in RUST_HMEM and loaded and sr_expect:
            problems += judge_report(label, snap, sr_expect, scenario_policy(scn), scn)
        if impl in RUST_HMEM and loaded:
            problems += report_ranges(label, snap, scn["sr"])
        if label in scn.get("system_ram", {}):
            problems += judge_system_ram(label, snap, scn["system_ram"][label])
        if label in scn.get("dax_node", {}):
            problems += judge_dax_node(label, snap, scn["dax_node"][label])
        if scenarios.TOPOLOGIES[scn["topology"]].get("hmat"):
            problems += judge_hmat(label, snap)
        problems += judge_soft_reserved(label, snap, expected_soft_reserved(scn, impl, label))
        if label in scn.get("cxl_regions", {}):
            problems += judge_regions(label, snap, scn["cxl_regions"][label])
        problems += judge_region_state(label, snap,
                                       scn.get("regions_assembling", {}).get(label, ()),
                                       scn.get("regions_disabled", {}).get(label, ()))
        problems += judge_dax_drivers(label, snap, scn.get("dax_driver", {}).get(label, {}))
        if label in per_impl(scn.get("busy_holders", {}), impl):
            problems += judge_busy_holders(label, snap, console)
        if impl in RUST_HMEM and label in scn.get("kmem_nested", {}):
            problems += judge_kmem_nested(label, snap, scn["kmem_nested"][label])
        bound, unbound = hmem_devices(snap)
        hmem_wanted = scn.get("hmem_bound", {}).get(label, hmem_wanted)
        if len(bound) != hmem_wanted:
            problems.append(f"{label}: {len(bound)} bound hmem devices, expected {hmem_wanted}")
        if len(unbound) != scn.get("hmem_unbound", {}).get(label, 0):
            problems.append(f"{label}: hmem devices not bound to hmem: "
                            f"{', '.join(unbound) or 'none'}, expected "
                            f"{scn.get('hmem_unbound', {}).get(label, 0)}")
    for suite in scn.get("kunit", []):
        lines = snaps.get("kunit:" + suite, {}).get("results", [])
        cases = [re.match(r"^\s+(not ok|ok) \d+ (\S+)", l) for l in lines]
        cases = [m for m in cases if m]
        # The suite's own plan ("    1..N", indented: the subtest's).
        plan = [int(m.group(1)) for m in (re.match(r"^\s+1\.\.(\d+)$", l) for l in lines) if m]
        if not cases:
            problems.append(f"KUnit suite {suite}: no results")
        if not plan or plan[0] != len(cases):
            problems.append(f"KUnit suite {suite}: {len(cases)} cases ran, its plan declares "
                            f"{plan[0] if plan else 'none'}")
        counts["kunit_declared"] = counts.get("kunit_declared", 0) + (plan[0] if plan else 0)
        for m in cases:
            # A skipped case is not a pass: no case of ours may skip.
            kind = "skipped" if "# SKIP" in m.string else (
                "passed" if m.group(1) == "ok" else "failed")
            if kind != "passed":
                problems.append(f"KUnit {suite}.{m.group(2)} {kind}")
            counts[f"kunit_{kind}"] = counts.get(f"kunit_{kind}", 0) + 1
    for check, n in per_impl(scn.get("console_count", []), impl):
        got = len(re.findall(check, console))
        if got != n:
            problems.append(f"console has /{check}/ {got} times, expected {n}")
    for name, limit in scn.get("bounds", {}).items():
        # Scaled like the boot timeout on the debug (KASAN) kernel.
        limit = timeout_of({"timeout": limit * 100}, 0) / 100
        got = counts.get("metrics", {}).get(name)
        if got is None:
            problems.append(f"no figure {name} from the guest")
        elif got > limit:
            problems.append(f"{name} = {got} s, more than its bound of {limit} s")
    for check in per_impl(scn.get("console", []), impl):
        if not re.search(check, console):
            problems.append(f"console lacks /{check}/")
    for check in per_impl(scn.get("console_not", []), impl):
        m = re.search(check, console)
        if m:
            problems.append(f"console has /{check}/: {m.group(0)}")
    in_fault = False
    for line in console.splitlines():
        # An injected fault's own dump (fault_attr verbose=2) is asked for.
        if "FAULT_INJECTION: forcing a failure" in line:
            in_fault = True
        elif in_fault and "</TASK>" in line:
            in_fault = False
        elif KERNEL_PROBLEMS.search(line) and not (in_fault and "Call Trace:" in line):
            problems.append(f"kernel: {line.strip()}")
            break
    problems += judge_faults(scn, impl, steps, snaps)
    problems += judge_debug(scn, snaps, done, console)
    return problems


# An error path taken after an injected failure: a line of the arm's log
# (errors and warnings) that says something failed.
FAULT_EFFECT = re.compile(r"(?i)fail|error|cannot|out of memory|no ownership report|^userspace: ")


def judge_kmem_nested(label, snap, ranges):
    """Each range's "System RAM (kmem)" entry sits below its "Soft
    Reserved" entry in /proc/iomem."""
    problems = []
    entries = parse_iomem(snap.get("/proc/iomem", []))
    for start, size in ranges:
        end = start + size - 1
        stack, nested, found = [], False, False
        for depth, s, e, name in entries:
            del stack[depth:]
            stack.append(name)
            if name == "System RAM (kmem)" and start <= s and e <= end:
                found = True
                nested = nested or "Soft Reserved" in stack[:-1]
        if not found:
            problems.append(f"{label}: no System RAM (kmem) entry in [{start:#x}-{end:#x}]")
        elif not nested:
            problems.append(f"{label}: the System RAM (kmem) entry in [{start:#x}-{end:#x}] "
                            f"is not below a Soft Reserved entry")
    return problems


def judge_faults(scn, impl, steps, snaps):
    """Fault injection (scenario keys `faults` and `faulted`): every arm
    injected its one failure, from a stack through the module's code (and,
    for a work-item arm, in a work item); the faulted state, snapshotted
    before anything is repaired (f-LABEL), has every SR range with its
    expected owner, or with none and a line of the arm's kernel log naming
    the range or the step that failed (or, for a module load, modprobe's
    error); and no hmem.N sits unbound (half-registered)."""
    problems = []
    seen = {}
    for ok, what, *_ in steps:
        m = re.match(r"fault (\S+) fired=(\d+) inmod=(\d+) work=(\d+) at=(\d+)$", what) \
            if ok is None else None
        if m:
            seen[m.group(1)] = tuple(int(x) for x in m.groups()[1:])
    for label, need in scn.get("faults", {}).items():
        got = seen.get(label)
        if got is None:
            problems.append(f"fault {label}: the arm reported nothing")
            continue
        fired, inmod, work, at = got
        if fired != 1:
            problems.append(f"fault {label}: the arm never fired")
        elif inmod < 1:
            problems.append(f"fault {label}: fired, but not from a stack through "
                            f"{need['module']}'s code")
        elif need.get("work") and work < 1:
            problems.append(f"fault {label}: fired, but not in a work item")
        elif need.get("at") and at < 1:
            problems.append(f"fault {label}: fired, but not in {need['at']}()")
        elif need.get("effect", True) and not [
                l for l in snaps.get(f"f-{label}", {}).get("fault-log", [])
                if FAULT_EFFECT.search(l)]:
            # A failure the kernel tolerates (a uevent's, say) tests no
            # error path of ours: the arm must land where one is taken.
            problems.append(f"fault {label}: fired, but no error or warning followed: a "
                            f"failure the kernel tolerates")
    for label, expect in scn.get("faulted", {}).items():
        snap = snaps.get(label)
        if snap is None:
            problems.append(f"no snapshot '{label}' from the guest")
            continue
        # (Errors and warnings only: the log holds dmesg levels 0-4.)
        log = snap.get("fault-log", [])
        loaded = any(l.startswith("dax_hmem ") for l in snap.get("modules", []))
        for start, size, want in expect:
            if not judge_range(snap, start, size, want):
                continue
            rng = f"{start:#010x}-{start + size - 1:#010x}"
            if owners(snap, start, size):
                problems.append(f"{label}: [{rng}] has the wrong owner after the fault: "
                                + "; ".join(judge_range(snap, start, size, want)))
            elif not any(rng in l or "resolution failed while" in l or
                         "probe with driver hmem_platform failed" in l or
                         (l.startswith("userspace: ") and not loaded) for l in log):
                problems.append(f"{label}: [{rng}] has no owner and no error line of the "
                                f"fault's log names it or the step that failed")
        # An hmem.N whose probe failed stays registered, unbound (as C
        # leaves it; it can be bound again by hand): only with a line of
        # its own naming its range and the step.
        _, unbound = hmem_devices(snap)
        for dev in unbound:
            if not any(re.search(rf"^hmem {re.escape(dev)}: .*\[mem 0x", l) for l in log):
                problems.append(f"{label}: half-registered after the fault: {dev} not bound, "
                                f"and no line of its own says why")
    return problems


def owner_table(scn, snaps):
    """Rows a person reads: SR range, owner, device, for every snapshot."""
    rows = []
    for label, expect in scn["expect"].items():
        snap = snaps.get(label, {})
        for (start, size, want) in expect:
            claims = owners(snap, start, size)
            rng = f"{start:#x}-{start + size - 1:#x}"
            if not claims:
                rows.append((label, rng, "NONE", "-", want))
            for kind, name, _s, _e, path in claims:
                parent = re.search(r"/(hmem\.\d+|region\d+)/", path)
                dev = f"{name} ({parent.group(1) if parent else path})"
                rows.append((label, rng, kind.upper(), dev, want))
    return rows


def print_table(rows, out=sys.stdout):
    head = ("when", "Soft Reserved range", "owner", "device", "expected")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    for r in [head] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip(), file=out)


def run(kdir, impl, name, scn, logdir, table=False):
    """Boot one scenario; return (problems, seconds)."""
    topo = scenarios.TOPOLOGIES[scn["topology"]]
    script = scenarios.guest_script(scn)
    append = " ".join([
        "console=ttyS0", "loglevel=8", "panic=-1", "oops=panic",
        f"daxo.scenario={name}", f"daxo.impl={impl}", "daxo.stage=1",
        scn.get("stage1_cmdline", ""), *debugkernel_cmdline(),
        # Built in, the policy is a kernel parameter (stage 2 inherits it).
        "dax_hmem.ownership=strict"
        if impl == "builtin" and scenario_policy(scn) == "strict" else "",
    ]).strip()
    console, results = fresh_logs(logdir, f"{impl}-{name}")
    parts = ("base", scn.get("overlay", "{impl}").format(impl=impl))
    missing = [p for p in parts
               if not os.path.exists(os.path.join(images_dir(kdir), f"{p}.cpio.gz"))]
    if missing:
        return ([f"no guest image {p}.cpio.gz in {images_dir(kdir)} (its build failed?)"
                 for p in missing], 0.0, {}, "")
    with tempfile.TemporaryDirectory() as tmp:
        initrd = os.path.join(tmp, "initrd")
        with open(initrd, "wb") as out:
            # A scenario on the kernel's CXL test fixture boots the
            # fixture's overlay of that implementation (cxltest-IMPL).
            for part in parts:
                with open(os.path.join(images_dir(kdir), f"{part}.cpio.gz"), "rb") as f:
                    out.write(f.read())
            out.write(cpio_archive({"daxo/scenario.sh": script}))
        cmd = qemu_cmd(kdir, topo, initrd, append, console, results)
        t0 = time.monotonic()
        qemu_err = ""
        try:
            proc = subprocess.run(cmd, timeout=timeout_of(scn, BOOT_TIMEOUT), check=False,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
            qemu_err = proc.stderr.decode(errors="replace").strip()
        except subprocess.TimeoutExpired:
            qemu_err = f"timed out after {timeout_of(scn, BOOT_TIMEOUT)}s"
        secs = time.monotonic() - t0
    text = open(results, errors="replace").read() if os.path.exists(results) else ""
    con = open(console, errors="replace").read() if os.path.exists(console) else ""
    steps, snaps, done = parse_results(text)
    table_text = ""
    if table:
        buf = io.StringIO()
        print(f"# {impl}/{name}: {scn['title']}", file=buf)
        print_table(owner_table(scn, snaps), buf)
        table_text = buf.getvalue()
    counts = {}
    # A scenario whose ranges the guest finds out (the fixture's mock
    # window) gives the judge its concrete ranges, and its own checks.
    concrete = scn["resolve"](scn, snaps) if "resolve" in scn else scn
    problems = judge(concrete, impl, steps, snaps, done, con, counts)
    if "judge" in scn:
        problems += scn["judge"](concrete, impl, snaps)
    # What main() compares with the C anchor's run of the same scenario.
    if "signature" in scn:
        counts["signature"] = scn["signature"](snaps)
    if not done and qemu_err:
        problems.append(f"qemu: {qemu_err.splitlines()[-1]}")
    return problems, secs, counts, table_text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kdir", required=True)
    ap.add_argument("--impl", action="append", choices=["c", "ours", "ours-hmem", "ours-cxl",
                                                   "ours-noteardown", "ours-cfence",
                                                   "ours-strictdef", "builtin"])
    ap.add_argument("--only", default="")
    ap.add_argument("--logdir", default=None)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--table", action="store_true",
                    help="print the owner of every range, as a table")
    ap.add_argument("--summary", help="write 'passed failed xfailed' here")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("DAXO_JOBS_QEMU", "2")),
                    help="boots at a time (default 2, or $DAXO_JOBS_QEMU)")
    args = ap.parse_args()
    if args.list:
        for name, scn in scenarios.SCENARIOS.items():
            print(f"{name}: {scn['title']}")
        return 0
    read_debug_config(args.kdir)
    logdir = args.logdir or os.path.join(images_dir(args.kdir), "logs")
    only = [s for s in args.only.split(",") if s]
    passed = failed = xfailed = xpassed = 0
    kunit_passed = kunit_failed = kunit_skipped = kunit_declared = 0
    metrics = {}
    family = {"reload_cycles": 0, "invariant_checks": 0, "faults_injected": 0}
    n = 0
    todo = [(impl, name, scn) for impl in (args.impl or ["c"])
            for name, scn in scenarios.SCENARIOS.items()
            if (not only or name in only)
            and (impl in scn["impls"] or os.environ.get("DAXO_ANY_IMPL") == "1")
            and (not scn.get("debug_only") or DEBUG["kmemleak"])]
    print(f"TAP version 13\n1..{len(todo)}", flush=True)
    # Boots run `--jobs` at a time; results print in order.
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run, args.kdir, impl, name, scn, logdir, args.table)
                   for impl, name, scn in todo]
        signatures = {}
        for (impl, name, scn), fut in zip(todo, futures):
            n += 1
            problems, secs, counts, table = fut.result()
            # The C anchor runs first (implementations are the outer loop):
            # a scenario with a signature must give ours the same one.
            sig = counts.get("signature")
            if sig is not None and impl == "c":
                signatures[name] = sig
            elif sig is not None and name in signatures and sig != signatures[name]:
                problems.append("differs from the C anchor's run: ours only "
                                f"{sorted(set(sig) - set(signatures[name]))}, C only "
                                f"{sorted(set(signatures[name]) - set(sig))}")
            for metric, value in counts.get("metrics", {}).items():
                metrics.setdefault((name, metric), {})[impl] = value
            sys.stdout.write(table)
            for k in family:
                family[k] += counts.get(k, 0)
            kp, kf = counts.get("kunit_passed", 0), counts.get("kunit_failed", 0)
            ks, kd = counts.get("kunit_skipped", 0), counts.get("kunit_declared", 0)
            if kp or kf or ks or kd:
                print(f"# {impl}/{name}: KUnit {kp} passed, {kf} failed, {ks} skipped, "
                      f"{kd} declared")
                kunit_passed += kp
                kunit_failed += kf
                kunit_skipped += ks
                kunit_declared += kd
            xfail = scn.get("xfail", {}).get(impl)
            label = f"{impl}/{name} {scn['title']} ({secs:.0f}s)"
            if problems and xfail:
                xfailed += 1
                print(f"not ok {n} - {label} # TODO known failure of the {impl} "
                      f"implementation: {xfail}")
            elif problems:
                failed += 1
                print(f"not ok {n} - {label}")
            elif xfail:
                xpassed += 1
                failed += 1
                print(f"not ok {n} - {label} # expected to fail ({xfail}) but passed")
            else:
                passed += 1
                print(f"ok {n} - {label}")
            for p in problems:
                print(f"#   {p}")
            if problems and not xfail:
                print(f"#   logs: {logdir}/{impl}-{name}.{{console,results}}.log")
            sys.stdout.flush()
    print(f"# scenarios: {passed} passed, {failed} failed, {xfailed} known failures (XFAIL)")
    # The KUnit cases are their own family: each suite's scenario is one
    # test of the "N passed" line (and fails if any case does not pass).
    if kunit_passed or kunit_failed or kunit_skipped or kunit_declared:
        print(f"# family KUnit: {kunit_passed} cases passed, {kunit_failed} failed, "
              f"{kunit_skipped} skipped, of {kunit_declared} the suites declare")
    # Per-family counts of what ran.
    ran = [scn for _, _, scn in todo]
    # A layout: the topology, the SR ranges and the regions committed first.
    layouts = {(scn["topology"], tuple(scn["sr"]),
                tuple(s for s in scn["stage1"] if s.startswith("region_step")))
               for scn in ran if scn["expect"]}
    policies = {scenario_policy(scn) for scn in ran if scn["expect"]}
    print(f"# families: {len(layouts)} SR layouts, {len(policies)} policies "
          f"({', '.join(sorted(policies))}), {len({i for i, _, _ in todo})} implementations, "
          f"{family['reload_cycles']} reload cycles, {family['faults_injected']} faults injected, "
          f"{family['invariant_checks']} invariant checks")
    fixture = [scn for _, _, scn in todo if scn.get("fixture") == "cxl_test"]
    if fixture:
        print(f"# family cxl_test: {len(fixture)} runs of "
              f"{len({id(s) for s in fixture})} scenarios on the kernel's CXL test fixture, "
              f"{sum(len(s['owners']) for s in fixture)} cases (fixture loaded, judged, "
              f"unloaded)")
    # Figures, never judged: the same boot, each implementation.
    for (name, metric), by_impl in sorted(metrics.items()):
        print(f"# figure {name}/{metric}: " +
              ", ".join(f"{impl} {v:.2f}" for impl, v in sorted(by_impl.items())))
    if args.summary:
        with open(args.summary, "w") as f:
            f.write(f"{passed} {failed} {xfailed}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
