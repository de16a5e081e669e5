#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make patches`: the project as a git-format patch series against the
# pristine Linux 7.3 tree (cover letter, the CXL- and DAX-core helpers, the
# rust: abstractions, the drivers under drivers/dax/ownership/, the
# Kconfig/Makefile glue).
#
#   scripts/patches.sh [OUTDIR]    default out/patches (ignored by git);
#                                  prints OUTDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$DAXO_TOP/scripts/intree/lib.sh"

out=${1:-$DAXO_TOP/out/patches}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
src=$(daxo_pristine)
daxo_series "$src" "$out"
ls "$out" | sed 's/^/  /' >&2
echo "$out"
