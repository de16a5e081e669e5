#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`make bench`: settle time, registration time and size of the Rust
dax_hmem/dax_cxl against the kernel's C drivers (the C anchor).

Figures only: nothing here passes or fails on a time.

- Sizes: text/data/bss (`size`) of dax_hmem.ko and dax_cxl.ko, the C ones
  from the kernel's modroot, ours from next to the sources.
- KUnit: one boot of dax_ownership_kunit.ko; its dax_ownership_bench suite
  prints how long ownership::decide takes per range at 10..10000 ranges.
- Boots: scenarios a, c and e (scripts/scenarios.py), each booted RUNS
  times per implementation, alternating c and ours, one boot at a time.
  The guest loads the event recorder scripts/bench/daxo_trace.ko before
  CXL probes; it timestamps (printk clock) CXL-bus and hmem device events,
  module loads, the work items of dax_hmem and dax_cxl, and marks the guest
  writes right before each `modprobe`. From each boot:
    settle    = last DAX device registered - max(last CXL-core event before
                dax_cxl starts probing, load mark of dax_hmem): from the
                moment the DAX drivers are being loaded and CXL probing is
                quiet to the moment the probe that registers the last DAX
                device returns;
    register  = end of dax_cxl's registration work (cxl_driver_register
                done) - load mark of dax_hmem.
  Printed per scenario: medians for C and ours and the ratio ours/C; last
  line "worst settle-time ratio ours/C: X.XX".

Usage: bench.py [--kdir KDIR] [--runs N] [--only a,c,e] [--jobs J]
Images (initramfs archives, logs) go to $DAXO_BENCH_IMAGES, by default
$DAXO_CACHE/bench-images: never the images `make check` uses.
"""

import argparse
import concurrent.futures
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import harness  # noqa: E402
import scenarios  # noqa: E402
from scenarios import M, W0, SR_REGION, SR_UNCOVERED  # noqa: E402

CACHE = os.environ.get("DAXO_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "dax-ownership")
IMAGES = os.environ.get("DAXO_BENCH_IMAGES") or os.path.join(CACHE, "bench-images")
# harness.images_dir() and scripts/initramfs.sh read this.
os.environ["DAXO_IMAGES"] = IMAGES

TRACE_KO = os.path.join(TOP, "scripts", "bench", "daxo_trace.ko")
# The guest clock: "icount" (default) counts guest instructions, 1 ns each
# (QEMU -icount shift=0,sleep=off): repeat boots agree closely and the
# host's load does not show, so boots may run two at a time; "tcg" is the
# host's wall clock (TCG translation and other host work included).
CLOCK = os.environ.get("DAXO_BENCH_CLOCK", "icount")
ICOUNT = ["-icount", "shift=0,sleep=off"]
# Console loglevel: 4 (errors and worse on the serial console, everything
# in the log buffer), as a production boot. At 8 every KERN_INFO/DEBUG
# line is written to the emulated UART while timing, and the two
# implementations do not print the same lines (the test kernel's Rust
# debug assertions turn dev_dbg!() on; C's dev_dbg() is compiled out).
LOGLEVEL = os.environ.get("DAXO_BENCH_LOGLEVEL", "4")
# Seconds of host time per boot. The figures count guest instructions, so
# a busy host only makes a boot take longer, not its figures change.
BOOT_TIMEOUT = int(os.environ.get("DAXO_BENCH_TIMEOUT", "600"))
KMAKE_FLAGS = ["RUSTC=/usr/bin/rustc", "HOSTRUSTC=/usr/bin/rustc",
               f"BINDGEN={CACHE}/bindgen-0.72.1/bin/bindgen"]

# ---------------------------------------------------------------- scenarios

# The guest steps around the loads: the recorder first (before udev_up, so
# it sees CXL probing); once CXL probing is quiet, no more mdev per uevent;
# marks before each modprobe; a fork-free wait for every DAX device before
# the snapshot.
TRACE = "bench_trace"
QUIET = "bench_quiet"
# Boot k of N spins k/N of a timer tick (4 ms at HZ=250) right before its
# timed part starts (the recorder's "delay-US" mark), the same k for both
# implementations.
# Under -icount a boot is deterministic, so without this every boot of a
# scenario would start the loads at the same phase of the tick, and
# whatever waits for a tick (an RCU grace period in the memory hot-add of
# the DAX device, on the one vCPU) would add the same 0-4 ms of
# quantisation to every boot of one implementation: C and ours differ by a
# millisecond before the probe, so the one whose wait falls just after a
# tick pays a whole tick more in all five boots.
TICK_US = 4000
# Expedited RCU grace periods (as the kernel itself uses until init runs):
# the memory hot-add of every DAX device waits for grace periods, which on
# an idle vCPU end only at timer ticks, whole ticks of waiting that have
# nothing to do with the driver under test. DAXO_BENCH_RCU="" boots
# without it.
RCU = os.environ.get("DAXO_BENCH_RCU", "rcupdate.rcu_expedited=1")
# DAXO_BENCH_SWITCHES=1: the recorder also logs every context switch from
# the first load on (to see where time goes; it slows both a little).
LOAD = ("bench_mark switches-on; " if os.environ.get("DAXO_BENCH_SWITCHES") == "1" else "") \
    + "bench_load dax_hmem dax_cxl"


def bench_two_stage(sr, ndax):
    """Stage 1 commits a 256 MiB region on mem0; stage 2 boots with `sr`."""
    s = scenarios.two_stage([(256 * M, ["mem0"])], sr,
                            [QUIET, LOAD, f"bench_wait_dax {ndax}", "snapshot final"])
    s["stage2"] = [TRACE] + s["stage2"]
    return s


# What the scenarios check about their own guest steps (their time bounds,
# the memory they online through kmem, their console counts): the bench
# boots its own steps, kmem blacklisted and the console at LOGLEVEL, so
# only the owners, the report and the invariants are judged.
OWN_STEPS = ("bounds", "dax_driver", "system_ram", "console_count")


def bench_of(name):
    """Scenario `name` without the checks of its own guest steps."""
    return {k: v for k, v in scenarios.SCENARIOS[name].items() if k not in OWN_STEPS}


BENCH = {
    "a": {**bench_of("a"),
          "stage1": [TRACE, scenarios.BRING_UP, "rd=$(root_decoder_at 0x%x)" % W0,
                     QUIET, LOAD, f"bench_region $rd {256 * M} mem0 || return",
                     "bench_wait_dax 1", "snapshot final"],
          "ndax": 1,
          # settle starts when the region is created, after the loads
          "phase_step": f"bench_region $rd {256 * M} mem0 || return"},
    "c": {**bench_of("c"), **bench_two_stage([SR_REGION], 1), "ndax": 1},
    "e": {**bench_of("e"), **bench_two_stage([SR_REGION, SR_UNCOVERED], 2),
          "ndax": 2},
}

KUNIT_BENCH = {
    "title": "KUnit: ownership::decide micro-benchmark",
    "topology": "one-hb",
    "sr": [],
    "stage1_cmdline": "",
    "stage1": ["kunit dax_ownership_kunit dax_ownership_bench"],
    "expect": {},
    "kunit": ["dax_ownership_bench"],
}

# ------------------------------------------------------------------- boots


def with_phase(scn, delay_us):
    """`scn` with a spin of `delay_us` right before its timed part starts:
    the loads, or its "phase_step" (see TICK_US)."""
    if not delay_us:
        return scn
    at = scn.get("phase_step", LOAD)
    out = dict(scn)
    for stage in ("stage1", "stage2"):
        if stage in scn:
            out[stage] = [f"bench_mark delay-{delay_us}; {step}" if step == at else step
                          for step in scn[stage]]
    assert out != scn, f"no step {at!r} to delay"
    return out


def boot(kdir, impl, name, scn, tag, loglevel=None):
    """Boot one scenario (with the recorder in its archive); return
    (problems, steps, snaps, console text, seconds)."""
    topo = scenarios.TOPOLOGIES[scn["topology"]]
    append = " ".join([
        "console=ttyS0", f"loglevel={loglevel or LOGLEVEL}", "panic=-1", "oops=panic",
        RCU,
        f"daxo.scenario={name}", f"daxo.impl={impl}", "daxo.stage=1",
        scn.get("stage1_cmdline", ""),
    ]).strip()
    console, results = harness.fresh_logs(os.path.join(IMAGES, "logs"), f"bench-{tag}")
    with open(TRACE_KO, "rb") as f:
        trace_ko = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        initrd = os.path.join(tmp, "initrd")
        with open(initrd, "wb") as out:
            for part in ("base", impl):
                with open(os.path.join(IMAGES, f"{part}.cpio.gz"), "rb") as f:
                    out.write(f.read())
            out.write(harness.cpio_archive({"daxo/scenario.sh": scenarios.guest_script(scn),
                                            "daxo/daxo_trace.ko": trace_ko}))
        cmd = harness.qemu_cmd(kdir, topo, initrd, append, console, results)
        if CLOCK == "icount":
            cmd += ICOUNT
        t0 = time.monotonic()
        try:
            subprocess.run(cmd, timeout=BOOT_TIMEOUT, check=False,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            pass
        secs = time.monotonic() - t0
    text = open(results, errors="replace").read() if os.path.exists(results) else ""
    con = open(console, errors="replace").read() if os.path.exists(console) else ""
    steps, snaps, done = harness.parse_results(text)
    problems = harness.judge(scn, impl, steps, snaps, done, con, {})
    return problems, steps, snaps, con, secs


def parse_events(lines):
    """[(ns, [words])] from the recorder's dump, in order."""
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit():
            out.append((int(parts[0]), parts[1:]))
    return out


def timings(events, ndax):
    """{settle_ms, register_ms, ...} from one boot's events, or a string
    saying what is missing."""
    def first(pred, after=0):
        return next((ns for ns, w in events if ns >= after and pred(w)), None)

    t_load = first(lambda w: w[:2] == ["mark", "load-dax_hmem"])
    t_cxl_load = first(lambda w: w[:2] == ["mark", "load-dax_cxl"])
    if t_load is None or t_cxl_load is None:
        return "no load marks"
    t_coming = first(lambda w: w[:2] == ["module-coming", "dax_cxl"], t_load)
    t_reg = first(lambda w: w[:2] == ["work-end", "dax_cxl"], t_coming or t_load)
    # A DAX device is settled when its creator's probe (hmem.N: hmem;
    # dax_regionN: cxl_dax_region) has returned with it registered: the
    # creator's "bound" event lists it. (It stays without a driver: with
    # kmem built, only kmem matches, and the guest blacklists kmem.)
    settled = []
    for ns, w in events:
        if w[0] == "bound" and len(w) >= 4 and w[3] in ("hmem", "cxl_dax_region"):
            kids = w[4:]
            if kids:
                settled.append((ns, w[2], kids))
    if len(settled) < ndax:
        return f"{len(settled)} DAX devices registered, expected {ndax}"
    t_end = settled[ndax - 1][0]
    # CXL probing by the CXL core: every CXL-bus event but dax_cxl's own,
    # up to the moment dax_cxl starts probing a region (after that, the
    # tail of the CXL core's region probe may run interleaved with it).
    t_dax = first(lambda w: w[:2] == ["probe", "cxl"] and w[3:4] == ["cxl_dax_region"],
                  t_load) or t_end
    cxl = [ns for ns, w in events
           if ns <= t_dax and len(w) >= 3 and w[1] == "cxl"
           and w[0] in ("add", "probe", "bound", "not-bound")
           and not (len(w) >= 4 and w[3] == "cxl_dax_region")]
    t_quiet = max([t_load] + cxl)
    out = {"settle_ms": (t_end - t_quiet) / 1e6}
    if t_reg is not None:
        out["register_ms"] = (t_reg - t_load) / 1e6
        out["register_from_dax_cxl_load_ms"] = (t_reg - t_cxl_load) / 1e6
    # A breakdown, for reading the logs.
    for key, pred in (
            ("hmem_work_start_ms", lambda w: w[:2] == ["work-start", "dax_hmem"]),
            ("hmem_work_end_ms", lambda w: w[:2] == ["work-end", "dax_hmem"]),
            ("hmem_live_ms", lambda w: w[:2] == ["module-live", "dax_hmem"]),
            ("cxl_coming_ms", lambda w: w[:2] == ["module-coming", "dax_cxl"]),
            ("cxl_live_ms", lambda w: w[:2] == ["module-live", "dax_cxl"])):
        t = first(pred, t_load)
        if t is not None:
            out[key] = (t - t_load) / 1e6
    # The module loader's share (modprobe mark -> module coming: reading
    # the file, relocating, resolving and recording symbols), for the
    # breakdown below the medians.
    hc = first(lambda w: w[:2] == ["module-coming", "dax_hmem"], t_load)
    if hc is not None and t_coming is not None:
        out["load_ms"] = (hc - t_load + t_coming - t_cxl_load) / 1e6
    out["settled"] = [(round((ns - t_load) / 1e6, 3), dev, kids) for ns, dev, kids in settled]
    out["quiet_ms"] = (t_quiet - t_load) / 1e6
    return out


# ------------------------------------------------------------------- build


def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def build(kdir):
    """Our modules, the recorder, and the bench's own initramfs images."""
    log = os.path.join(IMAGES, "build.log")
    os.makedirs(IMAGES, exist_ok=True)
    with open(log, "w") as f:
        try:
            run(["make", "--no-print-directory", f"KDIR={kdir}", "modules"], cwd=TOP,
                stdout=f, stderr=subprocess.STDOUT)
            run(["make", "--no-print-directory", "-C", kdir,
                 f"M={os.path.join(TOP, 'scripts', 'bench')}"] + KMAKE_FLAGS + ["modules"],
                stdout=f, stderr=subprocess.STDOUT)
            run([os.path.join(TOP, "scripts", "initramfs.sh"), kdir, TOP],
                stdout=f, stderr=subprocess.STDOUT)
        except subprocess.CalledProcessError:
            sys.stdout.write(open(log).read()[-4000:])
            raise


def module_sizes(kdir):
    """[(module, impl, text, data, bss)] from `size`."""
    kver = open(os.path.join(kdir, "include/config/kernel.release")).read().strip()
    modroot = os.path.join(kdir, "modroot/lib/modules", kver, "kernel")
    paths = {
        ("dax_hmem", "c"): os.path.join(modroot, "drivers/dax/hmem/dax_hmem.ko"),
        ("dax_hmem", "ours"): os.path.join(TOP, "hmem/dax_hmem.ko"),
        ("dax_cxl", "c"): os.path.join(modroot, "drivers/dax/dax_cxl.ko"),
        ("dax_cxl", "ours"): os.path.join(TOP, "cxl_dax/dax_cxl.ko"),
    }
    rows = []
    for (mod, impl), path in paths.items():
        out = subprocess.run(["size", path], check=True, capture_output=True,
                             text=True).stdout.splitlines()[1].split()
        rows.append((mod, impl, int(out[0]), int(out[1]), int(out[2])))
    return rows


# ------------------------------------------------------------------ report


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt_ratio(ours, c):
    return f"{ours / c:.2f}" if c and c == c and ours == ours else "n/a"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kdir")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("DAXO_BENCH_RUNS", "5")),
                    help="boots per scenario and implementation (default 5)")
    ap.add_argument("--only", default=os.environ.get("DAXO_BENCH_ONLY", "a,c,e"))
    ap.add_argument("--jobs", type=int,
                    default=int(os.environ.get("DAXO_BENCH_JOBS",
                                               "2" if CLOCK == "icount" else "1")),
                    help="boots at a time (default 2 with the icount clock, else 1)")
    ap.add_argument("--no-build", action="store_true", help="reuse the built images")
    ap.add_argument("--no-kunit", action="store_true")
    args = ap.parse_args()
    t_start = time.monotonic()

    kdir = args.kdir
    if not kdir:
        run([os.path.join(TOP, "scripts", "setup-host.sh")], stdout=subprocess.DEVNULL)
        kdir = subprocess.run([os.path.join(TOP, "scripts", "kernel.sh"), "bench"], check=True,
                              capture_output=True, text=True).stdout.strip()
    if not args.no_build:
        build(kdir)
    clock = ("guest clock = instruction count, 1 ns per instruction (QEMU -icount)"
             if CLOCK == "icount" else "guest clock = host wall clock (plain TCG)")
    print(f"# make bench: Linux {open(os.path.join(kdir, 'include/config/kernel.release')).read().strip()}"
          f", QEMU TCG, {clock}; {args.runs} boots per scenario and implementation, "
          f"{args.jobs} at a time; images in {IMAGES}", flush=True)

    # Sizes.
    print("\n## module sizes (bytes, `size`: text data bss)")
    sizes = module_sizes(kdir)
    print(f"{'module':10} {'impl':5} {'text':>7} {'data':>6} {'bss':>5}")
    by = {}
    for mod, impl, t, d, b in sizes:
        by[(mod, impl)] = (t, d, b)
        print(f"{mod:10} {impl:5} {t:7} {d:6} {b:5}")
    for mod in ("dax_hmem", "dax_cxl"):
        print(f"# {mod} text ours/C: {by[(mod, 'ours')][0] / by[(mod, 'c')][0]:.1f}x")
    sys.stdout.flush()

    # KUnit micro-benchmark.
    if not args.no_kunit:
        print("\n## ownership::decide (KUnit suite dax_ownership_bench, one boot)", flush=True)
        # KUnit prints its figures at KERN_INFO: on the console at 8.
        problems, _steps, _snaps, con, _secs = boot(kdir, "ours", "kunit-bench", KUNIT_BENCH,
                                                     "ours-kunit", loglevel=8)
        for p in problems:
            print(f"# problem: {p}")
        found = False
        for line in con.splitlines():
            m = re.search(r"dax_ownership_kunit: (decide .*)$", line)
            if m:
                print(m.group(1))
                found = True
        if not found:
            print("# no figures in the console (see logs/bench-ours-kunit.console.log)")
        sys.stdout.flush()

    # Boots.
    only = [s for s in args.only.split(",") if s]
    print(f"\n## boots ({', '.join(only)}); per boot: settle, register (ms)", flush=True)
    todo = []
    for name in only:
        for rep in range(args.runs):
            order = ("c", "ours") if rep % 2 == 0 else ("ours", "c")
            for impl in order:
                todo.append((name, rep, impl))
    results = {}
    records = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futs = [pool.submit(boot, kdir, impl, name,
                            with_phase(BENCH[name], rep * TICK_US // args.runs),
                            f"{impl}-{name}-{rep}")
                for name, rep, impl in todo]
        for (name, rep, impl), fut in zip(todo, futs):
            problems, _steps, snaps, _con, secs = fut.result()
            ev = parse_events(snaps.get("trace", {}).get("events", []))
            t = timings(ev, BENCH[name]["ndax"])
            if isinstance(t, str):
                problems = problems + [t]
                t = {}
            records.append({"scenario": name, "rep": rep, "impl": impl,
                            "problems": problems, **t})
            if not problems:
                for k in ("settle_ms", "register_ms", "load_ms"):
                    if k in t:
                        results.setdefault((name, impl, k), []).append(t[k])
            line = (f"{name} {impl:4} #{rep + 1}: settle {t.get('settle_ms', float('nan')):8.1f}"
                    f"  register {t.get('register_ms', float('nan')):8.1f}  ({secs:.0f}s)")
            if problems:
                line += "  NOT COUNTED: " + "; ".join(problems[:3])
            print(line, flush=True)
    with open(os.path.join(IMAGES, "logs", "bench-timings.json"), "w") as f:
        json.dump(records, f, indent=1)

    print("\n## medians (ms); settle: CXL quiet or DAX modules loaded -> last DAX device "
          "registered; register: dax_hmem load -> dax_cxl's cxl_driver registered")
    print(f"{'scenario':8} {'settle C':>9} {'ours':>9} {'ratio':>6}   "
          f"{'register C':>10} {'ours':>9} {'ratio':>6}")
    worst = None
    for name in only:
        row = [name]
        for k in ("settle_ms", "register_ms"):
            c = median(results.get((name, "c", k), []))
            o = median(results.get((name, "ours", k), []))
            row += [c, o, fmt_ratio(o, c)]
            if k == "settle_ms" and c == c and o == o and c:
                worst = o / c if worst is None else max(worst, o / c)
        print(f"{row[0]:8} {row[1]:9.1f} {row[2]:9.1f} {row[3]:>6}   "
              f"{row[4]:10.1f} {row[5]:9.1f} {row[6]:>6}")
    print("\n## of which the module loader (modprobe -> module init, both modules; "
          "medians, ms)")
    for name in only:
        c = median(results.get((name, "c", "load_ms"), []))
        o = median(results.get((name, "ours", "load_ms"), []))
        sc = median(results.get((name, "c", "settle_ms"), []))
        so = median(results.get((name, "ours", "settle_ms"), []))
        inside = name != "a"  # in a, settle starts after the loads
        line = f"{name:8} load C {c:5.2f}  ours {o:5.2f}  (+{o - c:.2f})"
        if inside:
            line += (f"; settle without it: C {sc - c:5.1f}  ours {so - o:5.1f}  "
                     f"ratio {fmt_ratio(so - o, sc - c)}")
        print(line)
    print(f"# {time.monotonic() - t_start:.0f}s; per-boot timelines in "
          f"{os.path.join(IMAGES, 'logs', 'bench-timings.json')}")
    print(f"worst settle-time ratio ours/C: {worst:.2f}" if worst is not None
          else "worst settle-time ratio ours/C: n/a")
    return 0


if __name__ == "__main__":
    sys.exit(main())
