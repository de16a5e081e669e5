#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: build what is needed, boot scenario (e) -- two Soft Reserved
# ranges, one exactly a committed CXL region, one with no region -- and
# print who owns each range.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$DAXO_TOP"

# Our Rust modules; DAXO_DEMO_IMPL=c shows the kernel's C drivers instead.
IMPL=${DAXO_DEMO_IMPL:-ours}

scripts/setup-host.sh
kdir=$(scripts/kernel.sh)
make --no-print-directory KDIR="$kdir" modules >/dev/null
scripts/initramfs.sh "$kdir" "$DAXO_TOP" >/dev/null
case $IMPL in
c) what="the kernel's C dax_hmem and dax_cxl" ;;
*) what="the Rust dax_hmem and dax_cxl" ;;
esac
echo "Booting scenario (e) with $what (Linux $(cat "$kdir/include/config/kernel.release"), QEMU CXL Type-3)..."
python3 scripts/harness.py --kdir "$kdir" --impl "$IMPL" --only e --table
