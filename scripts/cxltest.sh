#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel's own CXL test fixture, tools/testing/cxl ("cxl_test"),
# and a dax_hmem of ours that sees its mock ranges.
#
#   scripts/cxltest.sh KDIR [OURS_DIR]    prints the output directory
#
# Output, in KDIR/daxo-cxltest (outside the repository, with the kernel):
#   mo/        the cxl_test modules (make M=tools/testing/cxl MO=...; a link
#              to tools/testing/cxl/, three levels down, as the fixture's
#              Kbuild names drivers/ by ../../../drivers): the
#              fixture's cxl_core (rebuilt from drivers/cxl of the kernel's
#              source tree, so with the project's CXL-core patch),
#              cxl_acpi, cxl_port, cxl_mem, cxl_pmem, the C dax_hmem linked
#              with --wrap=walk_hmem_resources,region_intersects,
#              region_intersects_soft_reserve, and test/cxl_test.ko,
#              cxl_mock.ko, cxl_mock_mem.ko, ...;
#   ours/      (with OURS_DIR) a copy of the project's sources built with
#              DAXO_CXL_TEST=1: dax_hmem.ko with the same three wraps,
#              resolved against the fixture's Module.symvers.
# The fixture is rebuilt only where its sources or the kernel changed (make
# decides); our copy is made afresh each time, from the files git tracks.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KDIR=$(cd "$1" && pwd)
OURS=${2:-}
OUT=$KDIR/daxo-cxltest
tree=$(readlink -f "$KDIR/source")
[ -d "$tree/tools/testing/cxl" ] || daxo_die "no tools/testing/cxl in $tree"
extra=$(cat "$KDIR/daxo-kmake-flags" 2>/dev/null || true)
# A kernel linked by ld.lld (the clang debug kernel): lld's --wrap also
# rewrites a module's references to a symbol it defines itself, its
# EXPORT_SYMBOL entry included, so the fixture's cxl_core would export
# __wrap_devm_cxl_add_rch_dport (modpost: ".export_symbol section
# references '__wrap_...', but it does not seem to be an export symbol").
# GNU ld rewrites only undefined references, as the fixture expects: the
# fixture's modules are linked with it (x86 passes the linker nothing of
# its own for modules).
fixture_ld=
if grep -q '^CONFIG_LD_IS_LLD=y' "$KDIR/.config"; then
	grep -q '^CONFIG_LTO_CLANG=y' "$KDIR/.config" &&
		daxo_die "cxl_test cannot be linked with GNU ld against $KDIR: it is built with LTO"
	command -v ld.bfd > /dev/null || daxo_die "cxl_test against $KDIR needs GNU ld (ld.bfd)"
	fixture_ld="LD=ld.bfd"
fi

mkdir -p "$OUT/tools/testing/cxl"
ln -sfn tools/testing/cxl "$OUT/mo"
# shellcheck disable=SC2046,SC2086
make -s -C "$KDIR" M="$tree/tools/testing/cxl" MO="$OUT/tools/testing/cxl" -j"$DAXO_JOBS" \
	$(daxo_kmake_flags) $extra $fixture_ld modules >&2 ||
	daxo_die "cxl_test does not build against $KDIR (see above)"

if [ -n "$OURS" ]; then
	rm -rf "$OUT/ours" && mkdir -p "$OUT/ours"
	(cd "$OURS" && git ls-files -z | xargs -0 cp --parents -t "$OUT/ours")
	make --no-print-directory -C "$OUT/ours" KDIR="$KDIR" DAXO_CXL_TEST=1 \
		KBUILD_EXTRA_SYMBOLS="$OUT/mo/Module.symvers" modules >&2 ||
		daxo_die "dax_hmem does not build with the cxl_test wraps (see above)"
fi
echo "$OUT"
