# SPDX-License-Identifier: GPL-2.0
"""What scripts/harness.py judges on the debug kernel (scripts/config/
debug.config: clang-19, KASAN, kmemleak, lockdep): that KASAN and kmemleak
are really on, the kmemleak report the guest takes at the end of every
scenario (scripts/guest/lib.sh kmemleak_check), and longer timeouts.
Nothing here applies to the base kernel."""

import os
import re

# What the kernel under test has, from KDIR/.config (harness main()).
DEBUG = {"kasan": False, "kmemleak": False}
KASAN_TIMEOUT_SCALE = 4  # KASAN under TCG: boots take about 2-3 times longer


def read_debug_config(kdir):
    try:
        config = open(os.path.join(kdir, ".config")).read()
    except OSError:
        config = ""
    DEBUG["kasan"] = "\nCONFIG_KASAN=y\n" in config
    DEBUG["kmemleak"] = "\nCONFIG_DEBUG_KMEMLEAK=y\n" in config


def cmdline():
    """Kernel command line words for the kernel under test. On a KASAN
    kernel: no5lvl. With 5-level paging (QEMU's -cpu max has LA57), an
    interrupt that lands in identify_cpu() between its memset of
    x86_capability and the CPUID re-read sees pgtable_l5_enabled() false, so
    KASAN takes every direct-map address (0xff11...) for a wild access:
    "BUG: KASAN: wild-memory-access in do_raw_spin_lock" from handle_edge_irq
    in start_kernel (seen here, at first boot and after kexec, in 2 of the
    first 8 scenario runs); lockdep is then off for the
    rest of the boot. Nothing of ours is involved."""
    return ["no5lvl"] if DEBUG["kasan"] else []


def timeout_of(scn, default):
    """Seconds for a whole boot: the scenario's, scaled on a KASAN kernel
    (or by $DAXO_TIMEOUT_SCALE)."""
    scale = float(os.environ.get("DAXO_TIMEOUT_SCALE") or
                  (KASAN_TIMEOUT_SCALE if DEBUG["kasan"] else 1))
    return int(scn.get("timeout", default) * scale)


def kmemleak_leaks(lines):
    """[(modules, summary)] for every object of a kmemleak report: the
    modules its allocation backtrace passes through ("[name]"), and one line
    naming the object and the first frames outside the allocator."""
    leaks, cur = [], None
    for line in lines:
        m = re.match(r"^unreferenced object (0x[0-9a-f]+) \(size (\d+)\):", line)
        if m:
            cur = [set(), f"{m.group(1)} size {m.group(2)}", []]
            leaks.append(cur)
        elif cur is not None:
            f = re.match(r"^\s+(\S+\+0x[0-9a-f]+/0x[0-9a-f]+)(?: \[(\w+)\])?", line)
            if f:
                if f.group(2):
                    cur[0].add(f.group(2))
                if not re.match(r"(kmemleak_alloc\b|__kmalloc|kmalloc_|__kvmalloc|kvmalloc|"
                                r"kmem_cache_alloc|krealloc|__kmem_cache|"
                                r"slab_|__alloc_pages|alloc_pages)", f.group(1)):
                    cur[2].append(f.group(1) + (f" [{f.group(2)}]" if f.group(2) else ""))
            c = re.match(r'^\s+comm "([^"]*)"', line)
            if c:
                cur[1] += f' comm "{c.group(1)}"'
    return [(mods, f"{summary}: {' < '.join(frames[:4])}") for mods, summary, frames in leaks]


# Leaks of Linux 7.3 itself that a fault scenario provokes, each with the
# console evidence it needs (the injected failure at that place) and why.
# Only these, and only with that evidence, are not failures.
KNOWN_KERNEL_LEAKS = [
    # __devm_create_dev_dax(): when device_add() fails, kill_dev_dax() and
    # put_device() run, but not free_dev_dax_ranges(), and
    # dev_dax_release() does not free dev_dax->ranges (drivers/dax/bus.c):
    # the 32-byte range array of alloc_dev_dax_range() leaks. The fault
    # arms in dax_cxl's probe (and in hmem.N's) can fail that device_add().
    (re.compile(r"alloc_dev_dax_range\+\S+ < __devm_create_dev_dax\+"),
     re.compile(r"\]\s+device_add\+0x\w+/0x\w+\n(?:[^\n]*\]\s+\? [^\n]*\n)*"
                r"[^\n]*\]\s+__devm_create_dev_dax\+"),
     "Linux 7.3 leaks dev_dax->ranges when device_add() fails in __devm_create_dev_dax()"),
]


def known_kernel_leak(what, console):
    """The reason, if the leak `what` is a known Linux 7.3 one that this
    boot's console shows was provoked; else None."""
    for leak, evidence, why in KNOWN_KERNEL_LEAKS:
        if leak.search(what) and evidence.search(console):
            return why
    return None


def judge_debug(scn, snaps, done, console):
    """On the debug kernel: KASAN and kmemleak are really on, and the
    guest's kmemleak scan at the end of the scenario found no leak (but
    the one the scenario asks for: its positive control)."""
    problems = []
    if DEBUG["kasan"] and "KernelAddressSanitizer initialized" not in console:
        problems.append("debug kernel: no 'KernelAddressSanitizer initialized' line")
    if not DEBUG["kmemleak"]:
        return problems
    m = re.search(r"kmemleak: .*(disabled|Cannot allocate).*", console)
    if m:
        problems.append(f"debug kernel: {m.group(0).strip()}")
    report = snaps.get("kmemleak:")
    if report is None:
        if done:
            problems.append("no kmemleak report from the guest")
        return problems
    leaks = kmemleak_leaks(report.get("report", []))
    want = scn.get("kmemleak_expect")
    if want and not any(want in mods for mods, _ in leaks):
        problems.append(f"kmemleak reported no leak from [{want}] (positive control)")
    for mods, what in leaks:
        if want and want in mods:
            continue
        if known_kernel_leak(what, console) is None:
            problems.append(f"kmemleak: {what}")
    return problems
