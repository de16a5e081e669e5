#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch, configure and build the kernel the scenarios boot.
#
#   scripts/kernel.sh [VARIANT]    prints the build directory (KDIR)
#   scripts/kernel.sh --if-built [VARIANT]
#                                  the same, but builds nothing: fails if
#                                  that build is not in the cache
#
# The source is Debian's linux-source-7.3 (else the newest 7.x there, and we
# say so), unpacked once under $DAXO_CACHE/src. The build lives in
# $DAXO_CACHE/build/<version>-<variant>-<hash>, where the hash covers the
# config fragments and the project's kernel patches: it is rebuilt only when
# one of those, or the version, changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if_built=
if [ "${1:-}" = --if-built ]; then if_built=1; shift; fi
VARIANT=${1:-base}
FRAGS="$DAXO_TOP/scripts/config/base.config"
[ "$VARIANT" = base ] || FRAGS="$FRAGS $DAXO_TOP/scripts/config/$VARIANT.config"
PATCHES=$(ls "$DAXO_TOP"/scripts/patches/*.patch 2>/dev/null || true)

# Unpack (once per tarball contents).
src=$(daxo_pristine)
name=$(basename "$src")
kver=$(make -s -C "$src" kernelversion)

# The patched source tree: one path for every patch set (the pristine tree
# stays pristine for `make patches` and for KDIR users), so that a build
# for a new patch set or configuration starts from the last build of this
# variant and recompiles only what changed. (Made to match the patches
# before a cached build is returned: KDIR/source is this tree.)
tree=$src
if [ -n "$PATCHES" ]; then
	tree=$DAXO_CACHE/src/$name-patched
	# shellcheck disable=SC2086
	daxo_patched_tree "$src" "$tree" $PATCHES
fi
hash=$( (echo "$kver"; cat $FRAGS $PATCHES) | sha256sum | cut -c1-12)
out=$DAXO_CACHE/build/$kver-$VARIANT-$hash
if [ -f "$out/.daxo-built" ]; then
	echo "$out"
	exit 0
fi
[ -z "$if_built" ] || exit 1

# shellcheck disable=SC2012,SC2046
seed=$(daxo_seed "$out" "$tree" $(ls -td "$DAXO_CACHE/build/$kver-$VARIANT-"* 2>/dev/null))
[ -z "$seed" ] || daxo_log "starting from a copy of $(basename "$seed")"

# Extra make flags a fragment asks for ("# daxo-kmake: LLVM=-19" in
# debug.config); kept in $out/daxo-kmake-flags for the module builds.
extra=$(sed -n 's/^# daxo-kmake: //p' $FRAGS | tr '\n' ' ')
# shellcheck disable=SC2046,SC2086
kmake() { make -s -C "$tree" O="$out" -j"$DAXO_JOBS" $(daxo_kmake_flags) $extra "$@"; }

daxo_log "configuring $kver ($VARIANT) in $out"
[ -z "$seed" ] || cp -p "$out/.config" "$out/.daxo-seed.config"
kmake tinyconfig >/dev/null
kmake rustavailable >&2 || daxo_die "the Rust toolchain is not usable for $kver (see above)"
# shellcheck disable=SC2086
(cd "$out" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$out" .config $FRAGS >/dev/null)
kmake olddefconfig >/dev/null
# The seed's configuration unchanged: keep its time stamp, so that Kbuild
# does not regenerate the configuration headers (and rebuild every crate).
if [ -n "$seed" ] && cmp -s "$out/.config" "$out/.daxo-seed.config"; then
	cp -p "$out/.daxo-seed.config" "$out/.config"
fi
rm -f "$out/.daxo-seed.config"

# Every requested option must have survived olddefconfig.
# shellcheck disable=SC2086
daxo_check_config "$out" $FRAGS || daxo_die "kernel configuration incomplete"

daxo_log "building $kver ($VARIANT): bzImage modules"
kmake bzImage modules >&2
rm -rf "$out/modroot"
kmake INSTALL_MOD_PATH="$out/modroot" INSTALL_MOD_STRIP=1 modules_install >/dev/null
echo "$extra" > "$out/daxo-kmake-flags"
touch "$out/.daxo-built"
echo "$out"
