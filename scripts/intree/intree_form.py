#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The in-tree form of a Rust source file of the project.

    intree_form.py FILE    print it

Out of tree each module compiles the abstractions (rust/kernel/) into
itself, under `--cfg daxo_out_of_tree`; in tree they are the kernel
crate's. The series (scripts/intree/lib.sh) puts every .rs file in tree
without what only the out-of-tree build needs:

  - an item under `#[cfg(daxo_out_of_tree)]` or
    `#[cfg(all(daxo_out_of_tree, ...))]`, with its doc comment and other
    attributes (the copies of the abstractions, the `DeviceAsRaw` import);
  - a `// Out of tree ...` comment paragraph, and the
    `#[cfg_attr(daxo_out_of_tree, ...)]` or
    `#[cfg(any(daxo_kunit, not(daxo_out_of_tree)))]` attribute it explains;
  - the out-of-tree half of a condition: `#[cfg(not(daxo_out_of_tree))]`
    goes, `all(not(daxo_out_of_tree), X)` and `any(daxo_out_of_tree, X)`
    are X.

What is left must not mention daxo_out_of_tree, and an abstraction
(rust/kernel/) no daxo_ cfg at all: the kernel crate has none.
"""
import re
import sys


def skip_item(lines, i):
    """Index past the item starting at lines[i] (after its attributes):
    to the line where its braces balance and it ends (`;` or `}`)."""
    while lines[i].strip().startswith("#["):
        i += 1
    depth = 0
    while True:
        code = lines[i].split("//")[0]
        depth += code.count("{") - code.count("}")
        if depth == 0 and code.rstrip().endswith((";", "}")):
            return i + 1
        i += 1


def intree_form(text, name):
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s == "#[cfg(daxo_out_of_tree)]" or s.startswith("#[cfg(all(daxo_out_of_tree,"):
            while out and out[-1].strip().startswith("///"):
                out.pop()
            i = skip_item(lines, i + 1)
            continue
        if s.startswith("// Out of tree"):
            while i < len(lines) and lines[i].strip().startswith("//") \
                    and not lines[i].strip().startswith("///"):
                i += 1
            continue
        if s.startswith("#[cfg_attr(daxo_out_of_tree,") or s in (
                "#[cfg(any(daxo_kunit, not(daxo_out_of_tree)))]",
                "#[cfg(not(daxo_out_of_tree))]"):
            i += 1
            continue
        line = line.replace('any(all(daxo_out_of_tree, CONFIG_CXL_BUS), CONFIG_CXL_BUS = "y")',
                            'CONFIG_CXL_BUS = "y"')
        line = re.sub(r"any\(daxo_out_of_tree, ([^()]+(?:\([^()]*\))?)\)", r"\1", line)
        line = re.sub(r"all\(not\(daxo_out_of_tree\), ([^()]+)\)", r"\1", line)
        bad = "daxo_" if "rust/kernel/" in name else "daxo_out_of_tree"
        if bad in line:
            sys.exit(f"{name}:{i + 1}: out-of-tree only code the in-tree form cannot drop: {s}")
        # A line dropped between two blank ones leaves one blank line.
        if not (line.strip() == "" and out and out[-1].strip() == ""):
            out.append(line)
        i += 1
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(intree_form(open(sys.argv[1]).read(), sys.argv[1]))
