#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: build what is needed, boot scenario (e) -- two Soft Reserved
# ranges, one exactly a committed CXL region, one with no region -- and
# print who owns each range.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXO_TOP"

# The C anchor until the Rust drivers are more than skeletons.
IMPL=${DAXO_DEMO_IMPL:-c}

scripts/setup-host.sh
kdir=$(scripts/kernel.sh)
ours=
if [ "$IMPL" = ours ]; then
	make --no-print-directory KDIR="$kdir" modules >/dev/null
	ours=$DAXO_TOP
fi
scripts/initramfs.sh "$kdir" "$ours" >/dev/null
echo "Booting scenario (e) with the ${IMPL/c/C anchor} drivers (Linux $(cat "$kdir/include/config/kernel.release"), QEMU CXL Type-3)..."
python3 scripts/harness.py --kdir "$kdir" --impl "$IMPL" --only e --table
