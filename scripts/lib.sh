# SPDX-License-Identifier: GPL-2.0
# Shared settings for the project's scripts. Source it; it prints nothing.
#
# Every cache lives outside the repository, under $DAXO_CACHE.

DAXO_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DAXO_CACHE=${DAXO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dax-ownership}
DAXO_BINDGEN_VERSION=0.72.1
DAXO_BINDGEN=$DAXO_CACHE/bindgen-$DAXO_BINDGEN_VERSION/bin/bindgen
DAXO_RUSTC=/usr/bin/rustc
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}
DAXO_JOBS=${DAXO_JOBS:-$(nproc)}

# The kernel make flags every build in this project uses.
daxo_kmake_flags() {
	echo "RUSTC=$DAXO_RUSTC BINDGEN=$DAXO_BINDGEN HOSTRUSTC=$DAXO_RUSTC"
}

daxo_log() {
	printf '[%s] %s\n' "${0##*/}" "$*" >&2
}

daxo_die() {
	printf '[%s] error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# daxo_pristine: unpack Debian's linux-source-7.3 (else the newest 7.x, and
# say which) once under $DAXO_CACHE/src; print its directory.
daxo_pristine() {
	local tarball name src stamp
	tarball=/usr/src/linux-source-7.3.tar.xz
	[ -f "$tarball" ] ||
		tarball=$(ls /usr/src/linux-source-7.*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || daxo_die "no /usr/src/linux-source-7.*.tar.xz (run scripts/setup-host.sh)"
	[ "$tarball" = /usr/src/linux-source-7.3.tar.xz ] ||
		daxo_log "linux-source-7.3 is not available; using $(basename "$tarball")"
	name=$(basename "$tarball" .tar.xz)
	src=$DAXO_CACHE/src/$name
	stamp=$(stat -c '%s-%Y' "$tarball")
	if [ "$(cat "$src/.daxo-unpacked" 2>/dev/null)" != "$stamp" ]; then
		daxo_log "unpacking $tarball"
		rm -rf "$src.tmp" "$src"
		mkdir -p "$src.tmp"
		tar -xf "$tarball" -C "$src.tmp"
		mv "$src.tmp/$name" "$src"
		rmdir "$src.tmp"
		echo "$stamp" > "$src/.daxo-unpacked"
	fi
	readlink -f "$src"
}

# daxo_effective_config FRAGS...: the last value every option gets in the
# config fragments (a variant's fragment overrides base.config), sorted.
daxo_effective_config() {
	awk '/^CONFIG_[A-Za-z0-9_]+=/ { k = $0; sub(/=.*/, "", k); v[k] = $0 }
	     END { for (k in v) print v[k] }' "$@" | sort
}

# daxo_check_config DIR FRAGS...: every option the fragments set stuck.
daxo_check_config() {
	local dir=$1 line opt bad=0
	shift
	while IFS= read -r line; do
		opt=${line%%=*}
		case "$line" in
		*=n) if grep -q "^$opt=" "$dir/.config"; then
			daxo_log "$opt wanted off, got: $(grep "^$opt=" "$dir/.config")"; bad=1; fi ;;
		*) grep -qx "$line" "$dir/.config" ||
			{ daxo_log "$line did not stick (got: $(grep "^$opt=" "$dir/.config" || echo unset))"; bad=1; } ;;
		esac
	done < <(daxo_effective_config "$@")
	return $bad
}

# daxo_seed OUT TREE CANDIDATE...: start the build directory OUT from a
# copy of the first CANDIDATE that is a finished build of source tree TREE
# (Kbuild writes absolute source paths into its command lines, so only such
# a build is reusable: make then rebuilds only what changed). Prints the
# seed's directory, or nothing when no candidate fits (OUT is then empty).
daxo_seed() {
	local out=$1 tree=$2 d
	shift 2
	rm -rf "$out"
	for d in "$@"; do
		[ -f "$d/.daxo-built" ] && [ "$(readlink -f "$d/source")" = "$tree" ] || continue
		cp -a "$d" "$out"
		rm -rf "$out"/.daxo-built "$out"/.daxo-build-time "$out/modroot" "$out/daxo" \
			"$out"/daxo-*
		echo "$d"
		return 0
	done
	mkdir -p "$out"
}

# daxo_patched_tree SRC TREE PATCH...: TREE is SRC with the PATCHes
# applied, kept at one path across patch sets: when the set changes, the
# files the old set touched go back to SRC's, the new set is applied, and
# every file either set touches is made newer than any build, so that a
# build seeded from an older one (daxo_seed) rebuilds what they change.
daxo_patched_tree() {
	local src=$1 tree=$2 phash old new f stamp
	shift 2
	# The pristine tree's unpack stamp too: a new linux-source, a new copy.
	phash=$( (cat "$src/.daxo-unpacked"; cat "$@") | sha256sum | cut -c1-12)
	[ "$(head -n 1 "$tree/.daxo-patched" 2>/dev/null)" = "$phash" ] && return 0
	exec 8> "$tree.lock"
	flock 8
	[ "$(head -n 1 "$tree/.daxo-patched" 2>/dev/null)" = "$phash" ] && { exec 8>&-; return 0; }
	stamp="pristine $(cat "$src/.daxo-unpacked")"
	if [ -f "$tree/.daxo-patched" ] && [ "$(sed -n 2p "$tree/.daxo-patched")" = "$stamp" ]; then
		old=$(tail -n +3 "$tree/.daxo-patched")
	elif [ -f "$tree/.daxo-patched" ] && ! sed -n 2p "$tree/.daxo-patched" | grep -q '^pristine '; then
		# Written before the stamp was kept (the same pristine tree).
		old=$(tail -n +2 "$tree/.daxo-patched")
	else
		daxo_log "copying $(basename "$src") for the project's patches"
		rm -rf "$tree"
		cp -a "$src" "$tree"
		old=
	fi
	rm -f "$tree/.daxo-patched"
	for f in $old; do
		if [ -e "$src/$f" ]; then cp -p "$src/$f" "$tree/$f"; else rm -f "$tree/$f"; fi
	done
	new=$(sed -n 's|^+++ b/||p; s|^--- a/||p' "$@" | sort -u)
	for f in "$@"; do
		patch -s -p1 --no-backup-if-mismatch -d "$tree" < "$f" ||
			daxo_die "patch $f does not apply to $(basename "$src")"
	done
	# shellcheck disable=SC2086
	(cd "$tree" && touch -c $old $new)
	printf '%s\n' "$phash" "$stamp" $new > "$tree/.daxo-patched"
	exec 8>&-
}
