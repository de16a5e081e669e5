#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The `rust:` patches of the series: the abstractions under rust/kernel/.

    rust_patches.py list             the steps, one per line
    rust_patches.py mods STEP        the kernel crate modules STEP adds
    rust_patches.py touched          the kernel's own rust/kernel/ files the
                                     steps declare submodules in
    rust_patches.py maintainers F... add F: lines to the series' MAINTAINERS
                                     entry (made if need be)
    rust_patches.py apply STEP TOP   in the current directory (a kernel tree
                                     or the series' small repository): add
                                     STEP's files from TOP (the project), in
                                     their in-tree form, and wire them into
                                     rust/kernel/lib.rs, the bindings helper
                                     header and MAINTAINERS; print the commit
                                     message

Each step builds on its own (scripts/intree/check.sh builds the tree after
each patch). In tree the abstractions are the kernel crate's, so they exist
only when what they call is built in: lib.rs gates them on CONFIG_DAX=y and
CONFIG_CXL_BUS=y as it gates DRM, I2C and USB.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intree_form import intree_form  # noqa: E402

HEADER = "rust/bindings/bindings_helper.h"
ENTRY = "DEVICE DIRECT ACCESS (DAX) [Rust dax_hmem, dax_cxl]"

STEPS = {
    "kmod": {
        "files": ["kmod.rs"],
        "mods": [("kmod", None)],
        "entry": "MODULE SUPPORT",
        "subject": "rust: kmod: add request_module()",
        "body": """\
Add kernel::kmod::request_module(), which loads a module on demand
through modprobe as request_module() does. The C function is a variadic
macro over __request_module(), so the abstraction passes the name as
the one argument of a "%s" format. Without module support it fails
with -ENOSYS, as the C stub does. A positive return is modprobe's exit
status, not an errno: it is reported as -ENOEXEC.

The Rust dax_hmem driver of a later patch loads cxl_acpi and cxl_pci
with it, as the C driver does.
""",
    },
    "driver": {
        "files": ["driver/probe.rs"],
        "mods": [],
        "submods": [("driver.rs", "probe")],
        "entry": "DRIVER CORE, KOBJECTS, DEBUGFS AND SYSFS",
        "subject": "rust: driver: add wait_for_device_probe()",
        "body": """\
Add kernel::driver::probe::wait_for_device_probe(), which waits until
no device probe is in progress and every asynchronous probe has run,
as wait_for_device_probe() does.

The Rust dax_hmem driver of a later patch waits with it, from a work
item, for the CXL drivers to have probed before it decides who owns
the Soft Reserved ranges, as the C driver does.
""",
    },
    "base": {
        "files": ["range.rs", "iomem.rs", "iomem/query.rs", "iomem/soft_reserved.rs",
                  "numa.rs", "workqueue/flush.rs"],
        "mods": [("iomem", None), ("numa", None), ("range", None)],
        "submods": [("workqueue.rs", "flush")],
        # iomem/soft_reserved.rs finds CXL windows (root decoders).
        "header": ["#if IS_ENABLED(CONFIG_CXL_BUS)",
                   '#include "../../drivers/cxl/cxl.h"',
                   "#endif"],
        "subject": "rust: add physical ranges, iomem queries and NUMA lookups",
        "body": """\
Add the small pieces the Rust DAX drivers need beside the DAX, HMEM and
CXL abstractions of the next patches:

 - kernel::range::PhysRange, a physical address range inclusive at both
   ends, as struct range and struct resource are, with the arithmetic
   the drivers ask of it (size, containment, overlap) and KUnit tests;

 - kernel::iomem: what the iomem resource tree says of a range
   (region_intersects() for CXL windows and Soft Reserved memory, busy
   System RAM), and SoftReservedEntry, a "Soft Reserved" entry put back
   into iomem_resource, under the CXL window the range lies in, for as
   long as it lives;

 - kernel::numa: the node firmware gave an address, and the node memory
   hot-add would use (0 without NUMA, as the C stubs say);

 - kernel::workqueue::flush: waiting for a work item (flush_work()).

The CXL window lookup needs drivers/cxl/cxl.h in the bindings; it is
compiled only with the CXL core built in.
""",
    },
    "dax": {
        "files": ["dax.rs", "dax/claim.rs", "dax/region.rs",
                  "hmem.rs", "hmem/device.rs", "hmem/driver.rs", "hmem/walk.rs"],
        "mods": [("dax", 'CONFIG_DAX = "y"'),
                 ("hmem", 'all(CONFIG_DAX = "y", CONFIG_DEV_DAX_HMEM_DEVICES, CONFIG_MEMREGION)')],
        "header": ["#if IS_ENABLED(CONFIG_DAX)",
                   '#include "../../drivers/dax/bus.h"',
                   "#include <linux/dax.h>",
                   "#include <linux/memregion.h>",
                   "const unsigned long RUST_CONST_HELPER_IORESOURCE_DAX_KMEM = IORESOURCE_DAX_KMEM;",
                   "#endif"],
        # PMD_SIZE is not a constant on every architecture.
        "helpers": ["dax.c"],
        "subject": "rust: add DAX region and HMEM abstractions",
        "body": """\
Add the abstractions a Rust device-dax driver needs, over
drivers/dax/bus.h and include/linux/dax.h:

 - kernel::dax::region: create a DAX region and its first device for a
   bound device whose driver keeps no driver data (the DAX core keeps
   its region there), with a typed error that tells a range another
   driver holds (-EBUSY, naming the holder) from a misaligned range and
   from an errno passed through; and who holds a DAX region over a
   range, from the DAX core's region tree (walk_dax_regions(), an
   earlier patch);

 - kernel::dax::claim: those errors and holders, with KUnit tests;

 - kernel::hmem: a walk over the Soft Reserved ranges device_hmem
   collected at boot (walk_hmem_resources()) that calls a closure for
   each, the hmem.N platform device that hands one
   range to device-dax, and a driver of such devices that keeps nothing
   in driver data.

Both call into the DAX core, so they exist only when it is built in
(CONFIG_DAX=y), as the DRM, I2C and USB abstractions do for theirs.
""",
    },
    "cxl": {
        "files": ["cxl.rs", "cxl/driver.rs", "cxl/region.rs"],
        "mods": [("cxl", 'all(CONFIG_CXL_BUS = "y", CONFIG_CXL_REGION, CONFIG_DAX = "y")')],
        "subject": "rust: add CXL abstractions for DAX drivers",
        "body": """\
Add the CXL abstractions a Rust DAX driver needs, over drivers/cxl/cxl.h:

 - kernel::cxl::driver: a Driver trait and its registration for
   cxl_dax_region devices (CXL_DEVICE_DAX_REGION), written as the
   platform bus abstraction is, except that the driver keeps nothing in
   driver data (the DAX core keeps its region there) and that its owner
   chooses when to register it; probing is asynchronous;

 - kernel::cxl::region: the CXL regions with their HPA ranges and
   whether each is in use (its DAX region bound, or some of its memory
   System RAM), as they were when listed and now. The teardown,
   cxl_region_teardown() (an earlier patch), is exported to dax_hmem
   alone, which calls it itself.

They exist only with the CXL core and the DAX core built in.
""",
    },
}


def add_mod(lib, name, cfg):
    """Insert `pub mod NAME;` (under `#[cfg(CFG)]`) into lib.rs in order."""
    lines = lib.split("\n")
    entries = [(i, m.group(1)) for i, l in enumerate(lines)
               if (m := re.match(r"pub mod (\w+);$", l))]
    assert name not in [n for _, n in entries], name
    at = next((i for i, n in entries if n > name), entries[-1][0] + 1)
    while at > 0 and lines[at - 1].startswith("#["):
        at -= 1
    new = ([f"#[cfg({cfg})]"] if cfg else []) + [f"pub mod {name};"]
    return "\n".join(lines[:at] + new + lines[at:])


def add_submod(path, name):
    """Declare `pub mod NAME;` in PATH, before its first `use`."""
    s = open(path).read()
    i = s.index("\nuse ") + 1
    open(path, "w").write(s[:i] + f"pub mod {name};\n\n" + s[i:])


def add_include(path, name):
    """Insert `#include "NAME"` into the helpers' list in PATH, in order."""
    lines = open(path).read().split("\n")
    incs = [(i, m.group(1)) for i, l in enumerate(lines)
            if (m := re.match(r'#include "([^"]+)"$', l))]
    at = next((i for i, n in incs if n > name), incs[-1][0] + 1)
    lines.insert(at, f'#include "{name}"')
    open(path, "w").write("\n".join(lines))


def maintainers(files, entry=ENTRY):
    """ENTRY's F: lines, these added (the series' own entry made if need
    be; another entry must exist)."""
    s = open("MAINTAINERS").read()
    m = re.search(r"^" + re.escape(entry) + r"\n((?:[A-Z]:\t.*\n)+)", s, re.M)
    if not m:
        assert entry == ENTRY, f"MAINTAINERS: no entry {entry}"
        who = f"{os.environ['DAXO_AUTHOR_NAME']} <{os.environ['DAXO_AUTHOR_EMAIL']}>"
        anchor = "F:\tdrivers/dax/fsdev.c\n\n"
        assert anchor in s, "MAINTAINERS: no fsdev_dax entry to follow"
        entry = (f"{ENTRY}\nM:\t{who}\nL:\tnvdimm@lists.linux.dev\n"
                 "L:\tlinux-cxl@vger.kernel.org\nL:\trust-for-linux@vger.kernel.org\n"
                 "S:\tMaintained\n\n")
        s = s.replace(anchor, anchor + entry, 1)
        m = re.search(r"^" + re.escape(ENTRY) + r"\n((?:[A-Z]:\t.*\n)+)", s, re.M)
    body = m.group(1).splitlines()
    # Each new F: line before the first one that sorts after it; the
    # entry's own lines stay as they are.
    for f in files:
        line = f"F:\t{f}"
        if line in body:
            continue
        fl = [i for i, l in enumerate(body) if l.startswith("F:\t")]
        at = next((i for i in fl if body[i] > line), fl[-1] + 1 if fl else len(body))
        body.insert(at, line)
    s = s[:m.start(1)] + "\n".join(body) + "\n" + s[m.end(1):]
    open("MAINTAINERS", "w").write(s)


def apply(step, top):
    st = STEPS[step]
    for f in st["files"]:
        src = os.path.join(top, "rust/kernel", f)
        dst = os.path.join("rust/kernel", f)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        open(dst, "w").write(intree_form(open(src).read(), src))
    lib = open("rust/kernel/lib.rs").read()
    for name, cfg in st["mods"]:
        lib = add_mod(lib, name, cfg)
    open("rust/kernel/lib.rs", "w").write(lib)
    for path, name in st.get("submods", []):
        add_submod(os.path.join("rust/kernel", path), name)
    for f in st.get("helpers", []):
        open(os.path.join("rust/helpers", f), "w").write(
            open(os.path.join(top, "rust/helpers", f)).read())
        add_include("rust/helpers/helpers.c", f)
    if st.get("header"):
        h = open(HEADER).read().rstrip("\n")
        open(HEADER, "w").write(h + "\n\n" + "\n".join(st["header"]) + "\n")
    # Top-level files and whole directories, as MAINTAINERS lists them.
    # A submodule of a kernel file goes, whole directory, to that file's
    # entry; in the series' own entry it is the one file.
    parents = set(st["files"]) | ({path for path, _ in st.get("submods", [])}
                                  if "entry" in st else set())
    listed = sorted({"rust/kernel/" + (f.split("/")[0] + "/" if "/" in f and
                                       f.split("/")[0] + ".rs" in parents else f)
                     for f in st["files"]} |
                    {"rust/helpers/" + f for f in st.get("helpers", [])})
    maintainers(listed, st.get("entry", ENTRY))
    print(st["subject"])
    print()
    print(st["body"], end="")


if __name__ == "__main__":
    if sys.argv[1] == "list":
        print("\n".join(STEPS))
    elif sys.argv[1] == "apply":
        apply(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "touched":
        print("\n".join(sorted({"rust/kernel/" + path for st in STEPS.values()
                                 for path, _ in st.get("submods", [])})))
    elif sys.argv[1] == "mods":
        print(" ".join(name for name, _ in STEPS[sys.argv[2]]["mods"]))
    elif sys.argv[1] == "maintainers":
        maintainers(sys.argv[2:])
    else:
        sys.exit(__doc__)
