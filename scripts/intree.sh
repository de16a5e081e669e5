#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The project inside a Linux 7.3 tree: the patch series of `make patches`
# (CXL-core helper, the drivers under drivers/dax/ownership/, the Kconfig
# and Makefile glue) applied to a copy of the pristine source, built in the
# four Kconfig variants of the matrix, the built-in one booted.
#
#   scripts/intree.sh tree            prints the in-tree source directory
#   scripts/intree.sh build VARIANT   prints the build directory of VARIANT
#   scripts/intree.sh check [--summary FILE]
#                                     every in-tree test, one TAP line each
#
# Variants (scripts/config/intree-VARIANT.config over base.config), built
# in this order ($DAXO_INTREE_VARIANTS):
#   y      CXL core =y, Rust drivers =y (and their KUnit tests); booted
#   ym     CXL core =y, Rust drivers =m
#   nocxl  no CXL at all, Rust dax_hmem =m alone
#   nosr   EFI_SOFT_RESERVE=n: no HMEM driver, Rust dax_cxl =m alone
#
# The source tree, $DAXO_CACHE/src/<name>-intree, is one hard-linked copy
# of the pristine tree; every file the series touches is replaced (never
# written through a link) by its patched version, and only when it changed,
# so builds stay incremental. Builds live in
# $DAXO_CACHE/build/<version>-intree-<variant>-<hash>; the hash covers the
# version, the config fragments and the series. A missing build starts as a
# copy of the newest in-tree build of the variant, else of any variant, else
# of the base kernel's build (scripts/kernel.sh): only what the config or
# the sources changed is rebuilt. For that, every in-tree make runs in a
# private mount namespace with the in-tree tree mounted over the base
# kernel's source tree, so that all these builds have the same command
# lines (Kbuild writes absolute source paths into them). Without the
# permission to do so (not root), make runs in the in-tree tree itself and
# a first build is a full one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$DAXO_TOP/scripts/intree/lib.sh"

VARIANTS=${DAXO_INTREE_VARIANTS-y ym nocxl nosr}

src=$(daxo_pristine)
name=$(basename "$src")
kver=$(make -s -C "$src" kernelversion)
tree=$DAXO_CACHE/src/$name-intree
series=$(mktemp -d)
scratch=$(mktemp -d)
trap 'rm -rf "$series" "$scratch"' EXIT

# One in-tree user of the tree and its builds at a time.
mkdir -p "$DAXO_CACHE/src"
exec 9> "$DAXO_CACHE/src/.$name-intree.lock"
flock 9

daxo_series "$src" "$series"
PATCHES=$(ls "$series"/0*.patch | grep -v /0000-)

# The tree: pristine + the series.
sync_tree() {
	local f stage=$scratch/stage files
	if [ ! -f "$tree/.daxo-intree" ]; then
		daxo_log "linking a copy of $name at $tree"
		rm -rf "$tree" "$tree.tmp"
		cp -al "$src" "$tree.tmp"
		touch "$tree.tmp/.daxo-intree-files"
		mv "$tree.tmp" "$tree"
		touch "$tree/.daxo-intree"
	fi
	files=$(sed -n 's|^+++ b/||p' $PATCHES | sort -u)
	rm -rf "$stage" && mkdir -p "$stage"
	for f in $files; do
		[ -f "$src/$f" ] && install -D -m644 "$src/$f" "$stage/$f"
	done
	for p in $PATCHES; do
		(cd "$stage" && git apply "$p") || daxo_die "$(basename "$p") does not apply"
	done
	# Files an earlier series touched and this one does not: pristine again.
	for f in $(comm -23 <(sort -u "$tree/.daxo-intree-files") <(echo "$files")); do
		rm -f "$tree/$f"
		# Newer than any build that had the series' version of it.
		[ -f "$src/$f" ] && cp "$src/$f" "$tree/$f"
	done
	for f in $files; do
		cmp -s "$stage/$f" "$tree/$f" && continue
		rm -f "$tree/$f"
		install -D -m644 "$stage/$f" "$tree/$f"
	done
	echo "$files" > "$tree/.daxo-intree-files"
}

frags() { echo "$DAXO_TOP/scripts/config/base.config $DAXO_TOP/scripts/config/intree-$1.config"; }

# The base kernel: its build seeds a variant's first build, and its source
# path is where the in-tree tree is mounted (see the top).
base_out=$("$DAXO_TOP/scripts/kernel.sh")
base_tree=$(readlink -f "$base_out/source")
if unshare --mount --propagation private -- \
		mount --bind "$src" "$base_tree" 2> /dev/null; then
	ktree=$base_tree
else
	daxo_log "no private mount namespace (not root?): in-tree builds do not start from the base build"
	ktree=$tree
fi

# shellcheck disable=SC2046
kmake() { # DIR ARGS...
	local dir=$1
	shift
	if [ "$ktree" = "$tree" ]; then
		make -s -C "$tree" O="$dir" -j"$DAXO_JOBS" $(daxo_kmake_flags) "$@"
		return
	fi
	unshare --mount --propagation private -- \
		sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' "$tree" "$ktree" \
		make -s -C "$ktree" O="$dir" -j"$DAXO_JOBS" $(daxo_kmake_flags) "$@"
}

# configure DIR VARIANT [FRAGMENT...]: tinyconfig + base.config + the
# variant's fragment (+ those fragments).
configure() {
	local dir=$1 v=$2
	shift 2
	kmake "$dir" tinyconfig > /dev/null
	# shellcheck disable=SC2046
	(cd "$dir" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$dir" .config $(frags "$v") \
		"$@" > /dev/null)
	kmake "$dir" olddefconfig > /dev/null
}

variant_dir() {
	local hash
	# shellcheck disable=SC2046
	hash=$( (echo "$kver $ktree"; cat $(frags "$1") $PATCHES) | sha256sum | cut -c1-12)
	echo "$DAXO_CACHE/build/$kver-intree-$1-$hash"
}

# build VARIANT: configure and build (incrementally from the newest in-tree
# build when there is one); print the build directory.
build() {
	local v=$1 out seed t0 d
	out=$(variant_dir "$v")
	if [ -f "$out/.daxo-built" ]; then echo "$out"; return 0; fi
	# The newest build of this variant (only the sources changed), else the
	# newest of any; only one made with the same command lines.
	# shellcheck disable=SC2012,SC2046
	seed=$(daxo_seed "$out" "$ktree" $(ls -td "$DAXO_CACHE/build/$kver-intree-$v-"* \
		"$DAXO_CACHE/build/$kver-intree-"* 2>/dev/null))
	if [ -z "$seed" ] && [ "$ktree" = "$base_tree" ]; then
		# The base build's objects are older than the files the series
		# replaced only if the tree was synced before the base build:
		# make them newer.
		# shellcheck disable=SC2046
		(cd "$tree" && touch $(cat .daxo-intree-files))
		seed=$(daxo_seed "$out" "$ktree" "$base_out")
	fi
	[ -z "$seed" ] || daxo_log "$v: starting from a copy of $(basename "$seed")"
	[ -n "$seed" ] && cp -p "$out/.config" "$scratch/seed.config"
	configure "$out" "$v"
	# The same configuration as the seed's: keep its time stamp, so that
	# Kbuild does not regenerate the configuration headers (which would
	# rebuild every Rust crate).
	if [ -n "$seed" ] && cmp -s "$out/.config" "$scratch/seed.config"; then
		cp -p "$scratch/seed.config" "$out/.config"
	fi
	# shellcheck disable=SC2046
	daxo_check_config "$out" $(frags "$v") || { daxo_log "$v: kernel configuration incomplete"; return 1; }
	daxo_log "$v: building $kver in $out"
	t0=$(date +%s)
	if ! kmake "$out" bzImage modules > "$out/daxo-build.log" 2>&1; then
		grep -E 'error|Error|undefined|ERROR' "$out/daxo-build.log" | head -n 20 >&2
		daxo_log "$v: build failed; log: $out/daxo-build.log"
		return 1
	fi
	echo "$(( $(date +%s) - t0 )) ${seed:+$(basename "$seed")}" > "$out/.daxo-build-time"
	kmake "$out" INSTALL_MOD_PATH="$out/modroot" INSTALL_MOD_STRIP=1 modules_install > /dev/null
	touch "$out/.daxo-built"
	# Older builds of this variant: keep the newest one besides this.
	# shellcheck disable=SC2012
	{ ls -td "$DAXO_CACHE/build/$kver-intree-$v-"* | grep -vx "$out" | tail -n +2 |
		while read -r d; do rm -rf "$d"; done; } || true
	echo "$out"
}

case "${1:-}" in
tree)
	sync_tree
	echo "$tree"
	;;
build)
	[ -n "${2:-}" ] && [ -f "$DAXO_TOP/scripts/config/intree-$2.config" ] ||
		daxo_die "usage: $0 build {${VARIANTS// /|}}"
	sync_tree
	build "$2"
	;;
check)
	shift
	. "$DAXO_TOP/scripts/intree/check.sh"
	;;
*)
	daxo_die "usage: $0 tree | build VARIANT | check [--summary FILE]"
	;;
esac
