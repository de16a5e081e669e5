#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Style checks of the project's sources, each printed as one TAP line:
#   rustfmt (the kernel's .rustfmt.toml), clippy (the kernel's lint set, via
#   CLIPPY=1), checkpatch --strict on the C glue and the Rust files.
#
#   scripts/lint.sh KDIR     (exit status: number of failed checks)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXO_TOP"

kdir=$1
src=$(readlink -f "$kdir/source" 2>/dev/null || echo "$kdir")
failed=0
report() { # name rc [log]
	if [ "$2" = 0 ]; then echo "ok - $1"
	else echo "not ok - $1"; [ -n "${3:-}" ] && sed 's/^/#   /' "$3" | head -n 30
		failed=$((failed + 1)); fi
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# shellcheck disable=SC2046
/usr/bin/rustfmt --check --color never --edition 2021 --config-path "$src/.rustfmt.toml" \
	$(git ls-files '*.rs') > "$log" 2>&1
report "rustfmt clean" $? "$log"

# A clippy build of all three modules; any warning fails.
make --no-print-directory KDIR="$kdir" modules CLIPPY=1 \
	CLIPPY_DRIVER=/usr/bin/clippy-driver > "$log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -qE '^(warning|error)' "$log"; then rc=1; fi
grep -E '^(warning|error)' -A6 "$log" > "$log.w"; mv "$log.w" "$log"
report "clippy clean (CLIPPY=1 build of dax_hmem, dax_cxl, dax_ownership_kunit)" $rc "$log"

# shellcheck disable=SC2046
perl "$src/scripts/checkpatch.pl" --no-tree --strict --quiet -f \
	$(git ls-files '*.c' '*.h') > "$log" 2>&1
report "checkpatch --strict clean (C glue)" $? "$log"

# What checkpatch says of the Rust files in the series (line length among
# it: rustfmt leaves comments alone).
# shellcheck disable=SC2046
perl "$src/scripts/checkpatch.pl" --no-tree --strict --quiet -f \
	$(git ls-files '*.rs' | grep -v '^scripts/') > "$log" 2>&1
report "checkpatch --strict clean (Rust)" $? "$log"

exit $failed
