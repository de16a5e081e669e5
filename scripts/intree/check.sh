# SPDX-License-Identifier: GPL-2.0
# `scripts/intree.sh check` (sourced by scripts/intree.sh, which has made
# the series, taken the lock and defined sync_tree, build, configure):
# every in-tree test as one TAP line "ok - ..." / "not ok - ...":
#   the patch series (format, applies in order on a pristine copy, is what
#   the builds use, checkpatch --strict), Kconfig (menuconfig's prompts
#   and help, C/Rust exclusion and CXL_BUS dependencies over the whole
#   CXL_BUS x request matrix), the four builds, and the built-in kernel
#   booting the scenarios of the "builtin" implementation.
# Ends with "# in-tree: N passed, M failed" (written to --summary FILE as
# "N M"; without it, also the bare "N passed, M failed" line).

# Every test runs, whatever failed before it.
set +e
summary_file=
[ "${1:-}" = --summary ] && summary_file=$2
t_start=$(date +%s)
passed=0 failed=0
tap() { # rc description [log]
	if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "ok - $2"
	else failed=$((failed + 1)); echo "not ok - $2"
		[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/#   /' "$3" | head -n 30; fi
	return 0
}
log=$scratch/log

# --- The series: the CXL- and DAX-core helpers, the rust: patches, the
# drivers, the Kconfig glue.
NPATCHES=$(( $(ls "$DAXO_TOP"/scripts/patches/*.patch | wc -l) +
	$(python3 "$DAXO_TOP/scripts/intree/rust_patches.py" list | wc -l) + 2 ))
rc=0
: > "$log"
for p in $PATCHES; do
	n=$(basename "$p" | cut -c1-4)
	grep -q '^From: ' "$p" && grep -q "^Subject: \[PATCH ${n#000}/$NPATCHES\] " "$p" &&
		grep -q '^Signed-off-by: ' "$p" && grep -q '^diff --git ' "$p" ||
		{ echo "$(basename "$p"): no From/Subject [PATCH n/$NPATCHES]/Signed-off-by/diff" >> "$log"; rc=1; }
done
[ "$(echo "$PATCHES" | wc -l)" = "$NPATCHES" ] && [ -f "$series/0000-cover-letter.patch" ] ||
	{ echo "expected a cover letter and $NPATCHES patches: $(ls "$series")" >> "$log"; rc=1; }
# The kernel helpers first, then the rust: abstractions.
first_rust=$(( $(ls "$DAXO_TOP"/scripts/patches/*.patch | wc -l) + 1 ))
grep -q "^Subject: \[PATCH $first_rust/.*\] rust: " "$series"/"$(printf %04d "$first_rust")"-*.patch ||
	{ echo "patch $first_rust is not a rust: patch" >> "$log"; rc=1; }
tap $rc "make patches: cover letter + $NPATCHES git-format patches (From, Subject [PATCH n/$NPATCHES], Signed-off-by; rust: abstractions from patch $first_rust)" "$log"

# In order, on a pristine copy (hard links broken before any file is
# written); then the result must be the source the builds use.
rc=0
: > "$log"
cp -al "$src" "$scratch/pristine"
for p in $PATCHES; do
	for f in $(sed -n 's|^+++ b/||p' "$p"); do
		[ -f "$scratch/pristine/$f" ] || continue
		cp -p "$scratch/pristine/$f" "$scratch/pristine/$f.tmp"
		mv "$scratch/pristine/$f.tmp" "$scratch/pristine/$f"
	done
	(cd "$scratch/pristine" && git apply --check "$p" && git apply "$p") >> "$log" 2>&1 ||
		{ echo "$(basename "$p") does not apply" >> "$log"; rc=1; break; }
done
tap $rc "the series applies in order to a pristine $name (git apply --check, then git apply)" "$log"
sync_tree
rc=0
: > "$log"
for f in $(cat "$tree/.daxo-intree-files"); do
	cmp -s "$scratch/pristine/$f" "$tree/$f" || { echo "$f differs" >> "$log"; rc=1; }
done
daxo_driver_files | while read -r f; do
	daxo_intree_form "$DAXO_TOP/$f" | cmp -s - "$tree/drivers/dax/ownership/$f" ||
		echo "$f not as in the project"
done >> "$log"
for f in $(git -C "$DAXO_TOP" ls-files 'rust/kernel/*.rs'); do
	daxo_intree_form "$DAXO_TOP/$f" | cmp -s - "$tree/$f" || echo "$f not as in the project"
done >> "$log"
[ -s "$log" ] && rc=1
tap $rc "the in-tree source is exactly pristine $name + the series ($(wc -l < "$tree/.daxo-intree-files") files)" "$log"
rm -rf "$scratch/pristine"

# The in-tree forms are as rustfmt-clean as the project's files (what the
# transform drops must not leave, say, two blank lines): the tree's own
# rustfmt configuration, each file on its own (stdin: no module is followed).
rc=0
: > "$log"
for f in $(sed -n 's|^+++ b/||p' $PATCHES | grep '\.rs$' | sort -u); do
	"${RUSTFMT:-/usr/bin/rustfmt}" --edition 2021 --config-path "$src/.rustfmt.toml" --check \
		< "$tree/$f" > "$log.f" 2>&1 || { echo "$f:"; head -n 20 "$log.f"; } >> "$log"
done
rm -f "$log.f"
[ -s "$log" ] && rc=1
tap $rc "rustfmt clean: every Rust file of the series, in tree" "$log"

for p in $PATCHES; do
	perl "$src/scripts/checkpatch.pl" --strict --root="$src" "$p" > "$log" 2>&1
	rc=$?
	grep -E '^(WARNING|ERROR|CHECK)' -A4 "$log" > "$log.w" || true
	mv "$log.w" "$log"
	tap $rc "checkpatch --strict clean: $(basename "$p")" "$log"
done

# --- Kconfig, in a scratch build directory (configuration only).
kc=$scratch/kconfig
mkdir -p "$kc"
# kconf FRAGMENT-LINES...: tinyconfig + base.config + these lines.
kconf() {
	printf '%s\n' "$@" > "$kc/req.config"
	kmake "$kc" tinyconfig > /dev/null 2>&1
	(cd "$kc" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$kc" .config \
		"$DAXO_TOP/scripts/config/base.config" "$kc/req.config" > /dev/null 2>&1)
	kmake "$kc" olddefconfig > /dev/null 2>&1
}
val() { sed -n "s/^CONFIG_$1=//p" "$kc/.config"; }

# What menuconfig shows for the Rust options: helpnewconfig prints the
# same help screen (prompt, help text, location) for symbols not yet set.
rc=0
: > "$log"
kconf CONFIG_CXL_BUS=y CONFIG_CXL_ACPI=y CONFIG_CXL_PCI=y CONFIG_CXL_MEM=y CONFIG_CXL_PORT=y \
	CONFIG_CXL_PMEM=n CONFIG_DEV_DAX_HMEM=n CONFIG_DEV_DAX_CXL=n
sed -i '/DEV_DAX_HMEM_RUST\|DEV_DAX_CXL_RUST\|DAX_OWNERSHIP_KUNIT_TEST/d' "$kc/.config"
kmake "$kc" helpnewconfig > "$kc/help" 2>&1 || true
for want in 'Prompt: HMEM DAX in Rust' 'Prompt: CXL DAX in Rust' \
	'The Rust implementation of the HMEM DAX driver' \
	'The Rust implementation of the CXL DAX driver' \
	'-> DAX: direct access to differentiated memory' \
	'Prompt: KUnit tests of the Soft Reserved ownership decision'; do
	grep -qF -- "$want" "$kc/help" || { echo "helpnewconfig lacks: $want" >> "$log"; rc=1; }
done
[ $rc = 0 ] || head -n 40 "$kc/help" >> "$log"
tap $rc "menuconfig offers 'HMEM DAX in Rust' and 'CXL DAX in Rust' with help, under DAX" "$log"

# With CXL_BUS=m the Rust prompts do not show; the C drivers' help says
# when they would.
rc=0
: > "$log"
kconf CONFIG_CXL_BUS=m CONFIG_CXL_ACPI=m CONFIG_CXL_PCI=m CONFIG_CXL_MEM=m CONFIG_CXL_PORT=m \
	CONFIG_CXL_PMEM=n CONFIG_DEV_DAX=y
sed -i '/DEV_DAX_HMEM\|DEV_DAX_CXL/d' "$kc/.config"
kmake "$kc" helpnewconfig > "$kc/help" 2>&1 || true
for want in 'A Rust implementation, DEV_DAX_HMEM_RUST, can replace this' \
	'A Rust implementation, DEV_DAX_CXL_RUST, can replace this driver'; do
	grep -qF -- "$want" "$kc/help" || { echo "helpnewconfig lacks: $want" >> "$log"; rc=1; }
done
for gone in 'Prompt: HMEM DAX in Rust' 'Prompt: CXL DAX in Rust'; do
	grep -qF -- "$gone" "$kc/help" && { echo "with CXL_BUS=m helpnewconfig shows: $gone" >> "$log"; rc=1; }
done
[ $rc = 0 ] || head -n 60 "$kc/help" >> "$log"
tap $rc "menuconfig, CXL_BUS=m: no Rust prompt; the C drivers' help says when the Rust ones are offered" "$log"

# Mutual exclusion and CXL_BUS dependencies: for every CXL_BUS setting and
# request, no C and Rust driver of the same name, no built-in user of a
# modular CXL core, and what is asked for where it is possible.
for cxl in n m y; do
	rc=0
	: > "$log"
	for req in m y; do
		# (CXL_ACPI depends on CXL_PMEM || !CXL_PMEM: base.config's
		# CXL_PMEM=m would hold it at =m.)
		kconf CONFIG_CXL_BUS=$cxl CONFIG_CXL_ACPI=$cxl CONFIG_CXL_PCI=$cxl \
			CONFIG_CXL_MEM=$cxl CONFIG_CXL_PORT=$cxl CONFIG_CXL_PMEM=n CONFIG_DEV_DAX=y \
			CONFIG_DEV_DAX_HMEM=y CONFIG_DEV_DAX_CXL=y \
			CONFIG_DEV_DAX_HMEM_RUST=$req CONFIG_DEV_DAX_CXL_RUST=$req
		h=$(val DEV_DAX_HMEM_RUST) c=$(val DEV_DAX_CXL_RUST) bus=$(val CXL_BUS)
		want_h=$req want_c=$req
		# The kernel crate's abstractions need the CXL core built in.
		[ "$cxl" = m ] && want_h= want_c=
		[ "$cxl" = n ] && want_c=
		got="CXL_BUS=${bus:-n} DEV_DAX_HMEM_RUST=${h:-n} DEV_DAX_CXL_RUST=${c:-n} DEV_DAX_HMEM=$(val DEV_DAX_HMEM) DEV_DAX_CXL=$(val DEV_DAX_CXL) DEV_DAX_HMEM_DEVICES=$(val DEV_DAX_HMEM_DEVICES)"
		bad=
		[ "${bus:-n}" = "$cxl" ] || bad="CXL_BUS did not stick"
		[ -n "$h" ] && [ -n "$(val DEV_DAX_HMEM)" ] && bad="C DEV_DAX_HMEM beside the Rust one"
		[ -n "$c" ] && [ -n "$(val DEV_DAX_CXL)" ] && bad="C DEV_DAX_CXL beside the Rust one"
		[ "$h" = y ] && [ "$bus" = m ] && bad="Rust dax_hmem built in, CXL core modular"
		[ "$c" = y ] && [ "$bus" != y ] && bad="Rust dax_cxl built in, CXL core not"
		[ "$c" = y ] && [ "$h" = m ] && bad="Rust dax_cxl built in, dax_hmem modular"
		[ "$(val DEV_DAX_HMEM_DEVICES)" = y ] || bad="no DEV_DAX_HMEM_DEVICES"
		[ "$h" = "$want_h" ] && [ "$c" = "$want_c" ] ||
			bad="${bad:-asked for =$req, expected DEV_DAX_HMEM_RUST=$want_h DEV_DAX_CXL_RUST=${want_c:-n}}"
		[ -z "$bad" ] || { echo "asked for =$req: $bad: $got" >> "$log"; rc=1; }
	done
	case $cxl in
	n) what="Rust dax_hmem alone (no dax_cxl), C drivers off" ;;
	m) what="Rust drivers refused (no kernel-crate CXL abstractions), the C ones as asked" ;;
	y) what="Rust drivers =y or =m as asked, C drivers off" ;;
	esac
	tap $rc "Kconfig, CXL_BUS=$cxl, Rust drivers asked =m and =y: $what" "$log"
done
# The mixed pairs: the C dax_cxl may run beside the Rust dax_hmem; the
# Rust dax_cxl not beside the C dax_hmem (which defers to C dax_cxl only).
rc=0
: > "$log"
kconf CONFIG_CXL_BUS=y CONFIG_CXL_ACPI=y CONFIG_CXL_PCI=y CONFIG_CXL_MEM=y CONFIG_CXL_PORT=y \
	CONFIG_CXL_PMEM=n CONFIG_DEV_DAX=y CONFIG_DEV_DAX_HMEM_RUST=y CONFIG_DEV_DAX_CXL=m
[ "$(val DEV_DAX_HMEM_RUST)" = y ] && [ "$(val DEV_DAX_CXL)" = m ] && [ -z "$(val DEV_DAX_HMEM)" ] ||
	{ echo "Rust dax_hmem=y + C dax_cxl=m: got DEV_DAX_HMEM_RUST=$(val DEV_DAX_HMEM_RUST) DEV_DAX_CXL=$(val DEV_DAX_CXL) DEV_DAX_HMEM=$(val DEV_DAX_HMEM)" >> "$log"; rc=1; }
kconf CONFIG_DEV_DAX=y CONFIG_DEV_DAX_HMEM=m CONFIG_DEV_DAX_CXL_RUST=m
[ "$(val DEV_DAX_HMEM)" = m ] && [ -z "$(val DEV_DAX_CXL_RUST)" ] ||
	{ echo "C dax_hmem=m + Rust dax_cxl=m: got DEV_DAX_HMEM=$(val DEV_DAX_HMEM) DEV_DAX_CXL_RUST=$(val DEV_DAX_CXL_RUST)" >> "$log"; rc=1; }
tap $rc "Kconfig, mixed pairs: C dax_cxl beside Rust dax_hmem allowed; Rust dax_cxl beside C dax_hmem refused" "$log"

# A modular DAX core: no kernel-crate DAX abstractions, no Rust driver.
# (FS_DAX, a bool, would select DAX=y.)
rc=0
: > "$log"
kconf CONFIG_CXL_BUS=y CONFIG_CXL_ACPI=y CONFIG_CXL_PCI=y CONFIG_CXL_MEM=y CONFIG_CXL_PORT=y \
	CONFIG_CXL_PMEM=n CONFIG_FS_DAX=n CONFIG_LIBNVDIMM=m CONFIG_DAX=m CONFIG_DEV_DAX=m CONFIG_DEV_DAX_HMEM_RUST=m CONFIG_DEV_DAX_CXL_RUST=m
[ "$(val DAX)" = m ] && [ -z "$(val DEV_DAX_HMEM_RUST)" ] && [ -z "$(val DEV_DAX_CXL_RUST)" ] ||
	{ echo "DAX=m: got DAX=$(val DAX) DEV_DAX_HMEM_RUST=$(val DEV_DAX_HMEM_RUST) DEV_DAX_CXL_RUST=$(val DEV_DAX_CXL_RUST)" >> "$log"; rc=1; }
tap $rc "Kconfig, DAX=m: the Rust drivers refused (the kernel crate's DAX abstractions need DAX=y)" "$log"

# --- The built-in kernel boots the scenarios of the "builtin" implementation
# (right after it is built, so that its results come early).
boot_builtin() {
	local kdir=$1 images hsum=$scratch/harness.summary p f x
	images=$(DAXO_IMAGES='' scripts/initramfs.sh "$kdir" 2> "$log") && rc=0 || rc=$?
	[ $rc = 0 ] && cp "$images/c.cpio.gz" "$images/builtin.cpio.gz"
	tap $rc "initramfs for the built-in kernel" "$log"
	[ $rc = 0 ] || return 0
	DAXO_IMAGES=$images python3 scripts/harness.py --kdir "$kdir" --impl builtin --summary "$hsum" \
		${DAXO_ONLY:+--only "$DAXO_ONLY"} || true
	read -r p f x < "$hsum" || { p=0; f=1; }
	passed=$((passed + p)) failed=$((failed + f))
}

# --- The builds.
# modules_of DIR: the module files installed, relative to lib/modules/VER.
mods_of() { (cd "$1"/modroot/lib/modules/* && find . -name '*.ko' | sed 's|^\./||'); }
dep_of() { modinfo -F depends "$(ls "$1"/modroot/lib/modules/*/"$2")" 2>/dev/null; }
builtin_of() { cat "$1"/modroot/lib/modules/*/modules.builtin; }

# verify VARIANT DIR: what the variant must have produced.
verify() {
	local v=$1 d=$2 m b o=kernel/drivers/dax/ownership
	m=$(mods_of "$d")
	b=$(builtin_of "$d")
	# No compiler warning in the series' files (rustc names the file on
	# the lines after "warning:", gcc on the same line).
	grep -E -A4 '^warning' "$d/daxo-build.log" | grep -E -- \
		'--> .*(drivers/dax/ownership/|rust/kernel/(dax|cxl|hmem|iomem|range|numa|kmod|driver/probe|workqueue/flush))' |
		sed 's/^/a warning: /'
	grep -E 'drivers/dax/ownership/.*warning:' "$d/daxo-build.log" | sed 's/^/a warning: /'
	grep -qx 'kernel/drivers/dax/hmem/dax_hmem.ko' <<< "$m$b" && echo "the C dax_hmem was built"
	grep -qx 'kernel/drivers/dax/dax_cxl.ko' <<< "$m$b" && echo "the C dax_cxl was built"
	case $v in
	ym)
		for k in hmem/dax_hmem cxl_dax/dax_cxl tests/kunit/dax_ownership_kunit; do
			grep -qx "$o/$k.ko" <<< "$m" || echo "no $o/$k.ko"
		done
		grep -qx kernel/drivers/cxl/core/cxl_core.ko <<< "$b" || echo "cxl_core not built in"
		grep -qw dax_hmem <<< "$(dep_of "$d" $o/cxl_dax/dax_cxl.ko)" ||
			echo "dax_cxl.ko does not depend on dax_hmem.ko" ;;
	y)
		for k in hmem/dax_hmem cxl_dax/dax_cxl tests/kunit/dax_ownership_kunit; do
			grep -qx "$o/$k.ko" <<< "$b" || echo "$o/$k.ko not in modules.builtin"
		done
		for s in dax_hmem_flush_work cxl_region_teardown cxl_region_contains_resource; do
			grep -qw "$s" "$d/System.map" || echo "$s not in System.map"
		done ;;
	nocxl)
		grep -qx "$o/hmem/dax_hmem.ko" <<< "$m" || echo "no dax_hmem.ko"
		grep -q 'dax_cxl.ko\|cxl_core.ko' <<< "$m$b" && echo "a CXL module was built"
		[ -z "$(dep_of "$d" $o/hmem/dax_hmem.ko | grep cxl)" ] || echo "dax_hmem.ko depends on CXL" ;;
	nosr)
		grep -qx "$o/cxl_dax/dax_cxl.ko" <<< "$m" || echo "no dax_cxl.ko"
		grep -q 'dax_hmem.ko' <<< "$m$b" && echo "a dax_hmem was built"
		[ -z "$(dep_of "$d" $o/cxl_dax/dax_cxl.ko | grep dax_hmem)" ] ||
			echo "dax_cxl.ko depends on dax_hmem" ;;
	esac
}

declare -A title=([ym]="CXL=y, ours=m" [y]="CXL=y, ours=y"
	[nocxl]="CXL=n, dax_hmem only" [nosr]="EFI_SOFT_RESERVE=n, dax_cxl only")
for v in $VARIANTS; do
	t0=$(date +%s)
	d=$(build "$v" 2> "$log") && rc=0 || rc=$?
	if [ $rc = 0 ]; then
		verify "$v" "$d" > "$log"
		[ -s "$log" ] && rc=1
		read -r secs seed < "$d/.daxo-build-time" || true
		if [ -n "${seed:-}" ]; then how="${secs}s, incremental from $seed"
		else how="${secs}s, full build"; fi
		[ "$(( $(date +%s) - t0 ))" -lt "$(( ${secs:-0} / 2 ))" ] && how="cached: $how"
	else
		how="build failed"
	fi
	tap $rc "in-tree build ($v: ${title[$v]}): vmlinux, bzImage, modules, modpost ($how)" "$log"
	if [ $v = y ]; then
		if [ $rc = 0 ]; then boot_builtin "$d"
		else tap 1 "the built-in kernel boots the scenarios (no built-in kernel)"; fi
	fi
done

# --- Bisectability: the tree after each patch but the last builds, in the
# y variant's configuration (after the last patch it is the y build
# above). In its own tree ($DAXO_CACHE/src/NAME-bisect, pristine and the
# first patches) and build directory ($DAXO_CACHE/build/VERSION-intree-
# bisect, first a copy of the y build), each step building incrementally:
# every file the series touches is made newer first, so that make rebuilds
# what any of them changes. One TAP line per patch; a series already
# bisected (same patches, same configuration) is not built again.
# DAXO_INTREE_NO_BISECT=1 skips it.
if [ -z "${DAXO_INTREE_NO_BISECT:-}" ]; then
	bdir=$DAXO_CACHE/build/$kver-intree-bisect
	btree=$DAXO_CACHE/src/$name-bisect
	# shellcheck disable=SC2046
	bstamp=$( (echo "$kver $ktree CONFIG_DEV_DAX_HMEM=y"; cat $(frags y) $PATCHES) |
		sha256sum | cut -c1-12)
	touched=$(sed -n 's|^+++ b/||p' $PATCHES | sort -u)
	ydir=$(variant_dir y)
	rm -rf "$btree"
	cp -al "$src" "$btree"
	# Every file the series touches is a file of its own, before any is
	# written or touched: the others stay links into the pristine tree.
	for f in $touched; do
		[ -f "$btree/$f" ] || continue
		cp -p "$btree/$f" "$btree/$f.tmp" && mv "$btree/$f.tmp" "$btree/$f"
	done
	# Before the Kconfig glue the Rust drivers' symbols do not exist: the C
	# dax_hmem keeps DEV_DAX_HMEM_DEVICES on, which kernel::hmem needs.
	printf '%s\n' CONFIG_DEV_DAX_HMEM=y > "$scratch/bisect-extra.config"
	# Marks of another series or configuration are stale.
	find "$bdir" -maxdepth 1 -name '.daxo-bisected-*' ! -name ".daxo-bisected-$bstamp-*" \
		-delete 2>/dev/null || true
	# The lib.rs gates of the kernel crate modules each rust: patch adds.
	mapfile -t steps < <(python3 "$DAXO_TOP/scripts/intree/rust_patches.py" list)
	nhelp=$(ls "$DAXO_TOP"/scripts/patches/*.patch | wc -l)
	k=0
	for p in $PATCHES; do
		k=$((k + 1))
		[ "$k" = "$NPATCHES" ] && break
		t0=$(date +%s)
		rc=0
		: > "$log"
		(cd "$btree" && git apply "$p") >> "$log" 2>&1 || rc=1
		# The modules this patch adds to the kernel crate, if a rust: one.
		mods=
		s=$((k - nhelp - 1))
		if [ "$s" -ge 0 ] && [ "$s" -lt "${#steps[@]}" ]; then
			mods=$(python3 "$DAXO_TOP/scripts/intree/rust_patches.py" mods "${steps[$s]}")
		fi
		if [ -f "$bdir/.daxo-bisected-$bstamp-$k" ]; then
			how=cached
		elif [ $rc = 0 ] && [ -f "$ydir/.daxo-built" ]; then
			if [ ! -f "$bdir/.daxo-bisect" ]; then
				rm -rf "$bdir"
				cp -a "$ydir" "$bdir" && touch "$bdir/.daxo-bisect"
			fi
			(cd "$btree" && touch $(for f in $touched; do [ -f "$f" ] && echo "$f"; done))
			# shellcheck disable=SC2030,SC2031
			# The same configuration as before: keep its time stamp (see
			# build() in scripts/intree.sh).
			cp -p "$bdir/.config" "$scratch/bisect.config"
			# shellcheck disable=SC2030,SC2031
			(tree=$btree; configure "$bdir" y "$scratch/bisect-extra.config" &&
				{ ! cmp -s "$bdir/.config" "$scratch/bisect.config" ||
					cp -p "$scratch/bisect.config" "$bdir/.config"; } &&
				kmake "$bdir" bzImage modules) >> "$log" 2>&1 || rc=1
			how="$(( $(date +%s) - t0 ))s"
			# Each module the patch adds was compiled into the kernel crate
			# (its lib.rs gate held in this configuration).
			# (Into a file: grep -q would end nm with SIGPIPE, a failure
			# under pipefail.)
			[ $rc = 0 ] || { grep -E 'error|Error|undefined|ERROR' "$log" | head -n 20 > "$log.e"
				mv "$log.e" "$log"; }
			nm "$bdir/rust/kernel.o" > "$scratch/kernel.syms" 2>/dev/null || true
			for m in $mods; do
				grep -q "6kernel${#m}$m" "$scratch/kernel.syms" ||
					{ echo "kernel::$m not in rust/kernel.o: its lib.rs gate is off" >> "$log"; rc=1; }
			done
			[ $rc = 0 ] && touch "$bdir/.daxo-bisected-$bstamp-$k"
		else
			[ $rc = 0 ] && echo "no y build to start from" >> "$log"
			rc=1 how="not built"
		fi
		tap $rc "bisectable: the tree after patch $k of $NPATCHES builds (y configuration; $how)${mods:+, compiling kernel::${mods// /, kernel::}}: $(sed -n 's/^Subject: \[PATCH [0-9/]*\] //p' "$p")" "$log"
	done
	rm -rf "$btree"
fi

# --- KUnit the tree's way: kunit.py with the series' .kunitconfig
# (drivers/dax/ownership/.kunitconfig) builds its own small x86_64 kernel
# (kept, and rebuilt incrementally, in $DAXO_CACHE/build/VERSION-kunit)
# and runs the suites in QEMU. Every suite of scripts/scenarios.py's
# KUNIT_SUITES must have run, and every case passed: none failed, none
# skipped. DAXO_INTREE_NO_KUNIT=1 skips it.
if [ -z "${DAXO_INTREE_NO_KUNIT:-}" ]; then
	t0=$(date +%s)
	kbuild=$DAXO_CACHE/build/$kver-kunit
	mkdir -p "$kbuild"
	kopts=()
	for o in $(daxo_kmake_flags); do kopts+=(--make_options "$o"); done
	rm -f "$scratch/kunit.json"
	# kunit.py asks QEMU for KVM first (-accel kvm -accel hvf -accel tcg),
	# and a KVM guest hangs on this machine (see DAXO_KVM): unless
	# DAXO_KVM=1, its QEMU is a wrapper that drops "-accel kvm".
	qbin=$scratch/kunit-qemu
	mkdir -p "$qbin"
	if [ "${DAXO_KVM:-}" != 1 ]; then
		cat > "$qbin/qemu-system-x86_64" <<-EOF
		#!/usr/bin/env python3
		import os, sys
		a = sys.argv[1:]
		out = []
		while a:
		    if a[:2] == ["-accel", "kvm"]:
		        a = a[2:]
		        continue
		    out.append(a.pop(0))
		os.execv("$(command -v qemu-system-x86_64)", ["qemu-system-x86_64"] + out)
		EOF
		chmod +x "$qbin/qemu-system-x86_64"
	fi
	(cd "$tree" && PATH=$qbin:$PATH python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--kunitconfig=drivers/dax/ownership --build_dir="$kbuild" --jobs="$(nproc)" \
		--timeout=900 \
		"${kopts[@]}" --json="$scratch/kunit.json") > "$log" 2>&1
	rc=$?
	# PASS count, other count, suites of KUNIT_SUITES that did not run.
	got=$(python3 - "$scratch/kunit.json" <<-'EOF' 2>> "$log"
	import json, sys
	sys.path.insert(0, "scripts")
	from scenarios import KUNIT_SUITES
	n, seen = {"PASS": 0}, set()
	def walk(g):
	    seen.add(g.get("name"))
	    for t in g.get("test_cases", []):
	        n[t["status"]] = n.get(t["status"], 0) + 1
	    for s in g.get("sub_groups", []):
	        walk(s)
	walk(json.load(open(sys.argv[1])))
	print(n["PASS"], sum(n.values()) - n["PASS"],
	      ",".join(s for s in KUNIT_SUITES if s not in seen) or "-")
	EOF
	) || got="0 ? all"
	read -r kp kother kmissing <<< "$got"
	# (kunit.py itself fails when a suite runs other than its plan's count.)
	[ $rc = 0 ] && [ "$kp" -gt 0 ] && [ "$kother" = 0 ] && [ "$kmissing" = - ] || rc=1
	[ $rc = 0 ] || { tail -n 30 "$log" > "$log.t"; mv "$log.t" "$log"; }
	tap $rc "kunit.py run --arch=x86_64 --kunitconfig=drivers/dax/ownership: $kp cases passed, $kother failed or skipped, suites missing: $kmissing ($(( $(date +%s) - t0 ))s)" "$log"
fi

echo "# in-tree: $passed passed, $failed failed ($(( $(date +%s) - t_start ))s)"
if [ -n "$summary_file" ]; then
	echo "$passed $failed" > "$summary_file"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
