#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`make mutants`: break the drivers on purpose and see the checks fail.

Each mutant is one small, deliberate defect in a copy of the sources
(under KDIR/daxo-mutants/NAME): a decision inverted, a check skipped, a
line no longer printed. The copy's modules are built, their initramfs
made, and the one scenario that covers the claim is run on them, as
make check would run it. The mutant is "killed" when that scenario fails,
and the check that caught it is named (the first problem the harness
printed). A mutant that survives is a check that cannot fail: "not ok".

    scripts/mutants.py --kdir KDIR [--only NAME,...] [--jobs N]

Ends with "mutants: N killed, M survived". Results go to the README's
claims table ("seen failing: mutant NAME").
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (claim, scenario, implementation, [(file, old, new), ...], caught).
# Each `old` must occur exactly once in its file (checked: a mutant that no
# longer applies fails, rather than silently testing the real driver).
# `caught` is a regular expression one of the scenario's printed problems
# must match: the mutant is killed by the assertion of its claim, not by
# whatever else it happens to break (a failure on another assertion only is
# "not ok", with what failed instead).
MUTANTS = {
    "all-in-window": (
        "a range that meets no CXL window goes to HMEM at once", "f", "ours",
        [("hmem/resolver.rs",
          "let meets = cxl && range.is_valid() && resource::meets_cxl_window(&range);",
          "let meets = cxl && range.is_valid();")],
        "reason 'not fully contained"),
    "slow-early": (
        "HMEM's ranges outside CXL windows at once (a bound in seconds)", "f", "ours",
        [("hmem/resolver.rs",
          "    pub(crate) fn start(self: &Arc<Self>) -> Result {\n",
          "    pub(crate) fn start(self: &Arc<Self>) -> Result {\n"
          "        kernel::time::delay::fsleep(kernel::time::Delta::from_secs(20));\n")],
        'hmem_ready_s = .* more than its bound'),
    "slow-cxl": (
        "user-created regions get DAX at once (a bound in seconds)", "a", "ours",
        [("cxl_dax/registration.rs",
          "        decision::wait();\n",
          "        decision::wait();\n"
          "        kernel::time::delay::fsleep(kernel::time::Delta::from_secs(20));\n")],
        'no DAX device under a CXL region|dax_ready_s = .* more than its bound'),
    "contained-false": (
        "per-range: a contained range goes to CXL", "c", "ours",
        [("hmem/resolver.rs",
          "let contained = meets && glue::cxl_region_contains(&range);",
          "let contained = false;")],
        "expected owner cxl, found \\['hmem'\\]"),
    "reason-text": (
        "the report's reason column is checked", "c", "ours",
        [("ownership/policy.rs",
          'Self::ContainedByRegion => "contained by a committed CXL region",',
          'Self::ContainedByRegion => "contained by a CXL region",')],
        "reason 'contained by a CXL region', expected"),
    "warn-contained": (
        "the 'meets a CXL window' warning exactly once", "e", "ours",
        [("hmem/resolver.rs",
          "if decision.reason == Reason::NotContained {",
          "if matches!(decision.reason, Reason::NotContained | Reason::ContainedByRegion) {")],
        'meets a CXL window but no committed CXL region/ 2 times, expected 1'),
    "no-sr-filter": (
        "only Soft Reserved ranges take part (HMAT)", "hmat-b", "ours",
        [("hmem/resolver.rs",
          "if range.is_valid() && !resource::is_soft_reserved(&range) {",
          "if false && !resource::is_soft_reserved(&range) {")],
        'ownership report lists .*expected exactly the SR ranges'),
    "no-defer": (
        "every binding waits for CXL probe", "reload-racing", "ours",
        [("hmem/resolver.rs",
          "if phase == Phase::Early && meets {",
          "if phase == Phase::Early && meets && false {")],
        "expected owner cxl, found \\['hmem'\\]"),
    "no-teardown": (
        "strict: the regions over HMEM's ranges are torn down", "e-strict", "ours",
        [("hmem/resolver.rs",
          "self.tear_down_regions(&mut ledger, &regions);",
          "let _ = (&mut ledger, &regions);")],
        'CXL regions in /sys/bus/cxl: \\[0x390000000-0x39fffffff\\], expected none'),
    "innocent": (
        "a region over no SR range is never touched", "l-strict", "ours",
        [("region_teardown/select.rs",
          ".position(|e| owned_by(e, Owner::Hmem) && e.range.overlaps(region))",
          ".position(|e| owned_by(e, Owner::Hmem))")],
        'console lacks /strict policy: .*tore down 1 of 1 CXL regions'),
    "rust-inuse-off": (
        "a region in use is never torn down; one line says why", "inuse-kmem", "ours",
        [("hmem/Kbuild",
          "ifeq ($(DAXO_NO_RUST_INUSE),1)",
          "ifeq (1,1)")],
        'console lacks /strict policy: region.*is in use \\\\\\(some of its memory is System RAM'),
    "misaligned": (
        "a contained range HMEM could not use stays with CXL", "misaligned-strict", "ours",
        [("hmem/resolver.rs",
          "hmem_usable: claim::is_aligned(&range, dax::align()),",
          "hmem_usable: true,")],
        'expected owner cxl, found none'),
    "register-all": (
        "every hmem.N counted: a rebind giving HMEM a range CXL holds fails", "i", "ours",
        [("hmem/resolver.rs",
          "if decision.owner != Owner::Hmem || devices",
          "if false || devices")],
        'bound hmem devices, expected 1'),
    "silent-failure": (
        "a failure in any step says which range and step", "fault", "ours",
        [("hmem/resolver.rs",
          'dev_err!(dev, "{} failure for {}: {:?}\\n", step.what(), range, e)',
          "let _ = (step, e);")],
        'fired, but no error or warning followed'),
    "sr-entry-stays": (
        "the Soft Reserved entries, an exact set; gone with hmem.N", "handback", "ours",
        [("rust/kernel/iomem/soft_reserved.rs",
          "unsafe { bindings::remove_resource(self.res.as_ptr()) };\n"
          "        // SAFETY: `res` came from KBox::leak in `insert` and is unlinked.\n"
          "        drop(unsafe { KBox::from_raw(self.res.as_ptr()) });",
          "let _ = &self.res;")],
        "'Soft Reserved' in /proc/iomem: \\[0x390000000-0x39fffffff\\], expected none"),
    "handback-text": (
        "hand-back: the report says 'handed back to CXL'", "handback", "ours",
        [("hmem/report.rs",
          'out.write_str("; handed back to CXL")?;',
          'out.write_str("")?;')],
        "expected '.*; handed back to CXL'"),
    "busy-line": (
        "a second claimant fails with -EBUSY in one line naming the holder", "d", "ours",
        [("rust/kernel/dax/region.rs",
          '"{} is owned by {} ({}, {}): not creating a DAX region (-EBUSY)\\n",',
          '"{} is owned by {} ({}, {}): not creating a DAX region\\n",')],
        'console lacks /dax_region0: .*not creating a DAX region \\\\\\(-EBUSY'),
    "holder-kind": (
        "the -EBUSY line names the holder the DAX core's region tree has", "d", "ours",
        [("rust/kernel/dax/region.rs",
          "        return Some(Holder::Hmem(id));",
          "        return Some(Holder::Cxl(id));")],
        'console lacks /dax_region0: .*is owned by HMEM'),
    "holder-id": (
        "the -EBUSY line names the hmem.N that holds the range", "d", "ours",
        [("rust/kernel/dax/region.rs",
          "        return Some(Holder::Hmem(id));",
          "        return Some(Holder::Hmem(id + 1));")],
        'the -EBUSY line names hmem\\.\\d+ over'),
    "policy-writable": (
        "`ownership` is read-only", "params", "ours-hmem",
        [("hmem/hmem_glue.c",
          "module_param_cb(ownership, &ownership_ops, &ownership_policy, 0444);",
          "module_param_cb(ownership, &ownership_ops, &ownership_policy, 0644);")],
        'the ownership parameter is read-only \\(unexpectedly succeeded\\)'),
    "idle-ignored": (
        "`region_idle=Y`: a DAX region whose one device has size 0", "idle", "ours-hmem",
        [("hmem/dax_driver.rs",
          "let idle = hmem_glue::region_idle();",
          "let idle = false;")],
        'hmem.N has a DAX region whose one device is of size 0'),
    "no-request-cxl": (
        "dax_hmem before the CXL stack requests it", "g", "ours",
        [("hmem/hmem.rs",
          '        if CXL_ENABLED {\n            let _ = kmod::request_module(c"cxl_acpi");',
          '        if false {\n            let _ = kmod::request_module(c"cxl_acpi");')],
        'guest step failed: cxl_acpi and cxl_pci loaded'),
    "no-keep": (
        "strict: a region found in use at teardown time gives its ranges back to CXL", "kunit",
        "ours",
        [("region_teardown/select.rs",
          "            keep_for_cxl(decided, &r);\n",
          "            let _ = &r;\n")],
        'KUnit dax_region_teardown.teardown_refused_in_use_gives_ranges_back_before_the_next_region '
        'failed'),
    "no-spare": (
        "strict: a region sharing an HMEM range with a region in use is spared",
        "inuse-spanning", "ours",
        [("region_teardown/select.rs",
          "owned_by(e, Owner::Cxl) || e.facts.region_in_use ||",
          "owned_by(e, Owner::Cxl) ||")],
        r'CXL regions in /sys/bus/cxl: \[0x390000000-0x39fffffff\], expected'),
    "no-spare-unusable": (
        "strict: a region over a range HMEM cannot use is spared", "misaligned-over-strict",
        "ours",
        [("region_teardown/select.rs",
          " || !e.facts.hmem_usable)",
          ")")],
        r'CXL regions in /sys/bus/cxl: none, expected'),
    "splat": (
        "any stack dump fails a scenario", "b", "ours",
        [("hmem/resolver.rs",
          "        let decision = match entry.verdict {",
          "        kernel::warn_on!(true);\n        let decision = match entry.verdict {")],
        'kernel: .*WARNING: hmem/resolver.rs'),
}


def sh(cmd, log, **kw):
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n")
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kw).returncode


def prepare(kdir, name, edits, root):
    """Copy the tracked sources, apply the edits, build modules and images.
    Returns (directory, error or None)."""
    d = os.path.join(root, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    log = os.path.join(d, "build.log")
    files = subprocess.run(["git", "-C", TOP, "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode().split("\0")
    for f in filter(None, files):
        os.makedirs(os.path.dirname(os.path.join(d, f)) or d, exist_ok=True)
        shutil.copy2(os.path.join(TOP, f), os.path.join(d, f))
    for path, old, new in edits:
        p = os.path.join(d, path)
        text = open(p).read()
        n = text.count(old)
        if n != 1:
            return d, f"{path}: the text to mutate occurs {n} times, not once"
        open(p, "w").write(text.replace(old, new))
    if sh(["make", "--no-print-directory", "-C", d, f"KDIR={kdir}", "modules"], log):
        return d, f"the mutant does not build (see {log})"
    env = dict(os.environ, DAXO_IMAGES=os.path.join(d, "img"))
    if sh([os.path.join(TOP, "scripts/initramfs.sh"), kdir, d, "", "", ""], log, env=env):
        return d, f"its initramfs failed (see {log})"
    return d, None


def run(kdir, name, scenario, impl, d, caught):
    """Run the scenario on the mutant: (killed, the problem that caught it,
    or why it was not caught)."""
    env = dict(os.environ, DAXO_IMAGES=os.path.join(d, "img"))
    summary = os.path.join(d, "summary")
    out = subprocess.run(
        [sys.executable, os.path.join(TOP, "scripts/harness.py"), "--kdir", kdir,
         "--impl", impl, "--only", scenario, "--jobs", "1", "--summary", summary,
         "--logdir", os.path.join(d, "logs")],
        env=env, capture_output=True, text=True, errors="replace").stdout
    open(os.path.join(d, "harness.log"), "w").write(out)
    try:
        passed, failed, _ = open(summary).read().split()
    except (OSError, ValueError):
        return False, "the harness wrote no summary"
    if int(passed) + int(failed) == 0:
        return False, f"no scenario {scenario} for {impl}"
    problems = [m.group(1) for m in re.finditer(r"^#   (?!logs:)(.*)$", out, re.M)]
    if not problems:
        return False, "no problem printed"
    # A guest that did not finish proves nothing about the check: the
    # mutant must be caught by an assertion of a finished run.
    if any(p.startswith(("the guest did not finish", "qemu: ")) for p in problems):
        return False, f"inconclusive: {problems[0][:160]}"
    hit = next((p for p in problems if re.search(caught, p)), None)
    if int(failed) == 0:
        return False, "the scenario passed"
    if hit is None:
        return False, f"failed, but not on /{caught}/: {problems[0][:160]}"
    return True, hit[:200]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kdir")
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        for name, (claim, scn, impl, _, _) in MUTANTS.items():
            print(f"{name}: {impl}/{scn}: {claim}")
        return 0
    if not args.kdir:
        ap.error("--kdir is required")
    kdir = os.path.abspath(args.kdir)
    only = [s for s in args.only.split(",") if s]
    todo = [n for n in MUTANTS if not only or n in only]
    unknown = set(only) - set(MUTANTS)
    if unknown:
        print(f"unknown mutants: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    root = os.path.join(kdir, "daxo-mutants")
    print(f"TAP version 13\n1..{len(todo)}", flush=True)
    # Every build first (each uses every core), then the boots, `--jobs`
    # at a time: a boot slowed by a build could time out, which would
    # "kill" a mutant for the wrong reason.
    built = {}
    for name in todo:
        built[name] = prepare(kdir, name, MUTANTS[name][3], root)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {name: pool.submit(run, kdir, name, MUTANTS[name][1], MUTANTS[name][2], d,
                                     MUTANTS[name][4])
                   for name, (d, err) in built.items() if err is None}
        killed = survived = 0
        for i, name in enumerate(todo, 1):
            claim, scn, impl, _, _ = MUTANTS[name]
            if built[name][1] is not None:
                ok, why = False, built[name][1]
            else:
                try:
                    ok, why = futures[name].result()
                except Exception as e:  # pylint: disable=broad-except
                    ok, why = False, f"the run failed: {e!r}"[:200]
            killed += ok
            survived += not ok
            verdict = "killed" if ok else "SURVIVED"
            print(f"{'ok' if ok else 'not ok'} {i} - mutant {name} ({claim}): "
                  f"{impl}/{scn} {verdict}: {why}", flush=True)
    print(f"# mutants: {killed} killed, {survived} survived")
    return 0 if survived == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
