#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs pieces for a kernel build directory.
#
#   scripts/initramfs.sh KDIR [OURS_DIR [NOTEARDOWN_DIR [CFENCE_DIR [CXLTEST_DIR
#                        [STRICTDEF_DIR]]]]]
#
# Writes into $DAXO_IMAGES, by default KDIR/daxo/ (harness.py reads the
# same variable):
#   base.cpio.gz   busybox, kmod, kexec, cxl, daxctl (+ their libraries),
#                  the guest scripts, daxmap (scripts/guest/daxmap.c, built
#                  static here), bzImage (for kexec) and the kernel's
#                  modules: this is the C anchor module set;
#   c.cpio.gz      (empty overlay: the C anchor as the kernel built it);
#   ours.cpio.gz   overlay replacing dax_hmem.ko and dax_cxl.ko by the
#                  project's modules from OURS_DIR, with modules.dep redone;
#   ours-hmem.cpio.gz  the same for dax_hmem.ko alone (C dax_cxl beside it);
#   ours-cxl.cpio.gz   the same for dax_cxl.ko alone (C dax_hmem beside it);
#   ours-noteardown.cpio.gz  as ours, with the dax_hmem.ko built without
#                  region teardown in NOTEARDOWN_DIR (when given);
#   ours-cfence.cpio.gz  as ours, with the dax_hmem.ko built without its own
#                  in-use checks in CFENCE_DIR (when given);
#   ours-strictdef.cpio.gz  as ours, with the dax_hmem.ko built with the
#                  strict policy as its default in STRICTDEF_DIR (when given);
#   cxltest-c.cpio.gz, cxltest-ours.cpio.gz  the kernel's CXL test fixture
#                  (scripts/cxltest.sh's output in CXLTEST_DIR, when given)
#                  in place of the kernel's CXL modules, with the fixture's
#                  C dax_hmem, or ours built for it and our dax_cxl.
# The kernel unpacks concatenated archives in order, so the initrd for a
# boot is base + one overlay + the scenario's own archive.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KDIR=$(cd "$1" && pwd)
OURS=${2:-}
NOTEARDOWN=${3:-}
CFENCE=${4:-}
CXLTEST=${5:-}
STRICTDEF=${6:-}
OUT=${DAXO_IMAGES:-$KDIR/daxo}
kver=$(cat "$KDIR/include/config/kernel.release")
mods=$KDIR/modroot/lib/modules/$kver

mkdir -p "$OUT"
# No archive of an earlier run survives (a build that failed this time
# must not leave its old overlay to be booted).
rm -f "$OUT"/*.cpio.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkcpio() { # dir archive
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet --reproducible) | gzip -1 > "$2.tmp"
	mv "$2.tmp" "$2"
}

copy_bin() { # binary dest-dir
	local bin=$1 dst=$2 lib
	install -D -m755 "$bin" "$work/root$dst/$(basename "$bin")"
	for lib in $(ldd "$bin" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}'); do
		[ -f "$work/root$lib" ] || install -D -m755 "$lib" "$work/root$lib"
	done
}

r=$work/root
mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,lib64,daxo}
install -m755 /bin/busybox "$r/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
done
copy_bin /usr/bin/kmod /usr/bin
ln -s /bin/busybox "$r/sbin/mdev"
for a in modprobe insmod rmmod lsmod modinfo depmod; do
	rm -f "$r/bin/$a"; ln -sf /usr/bin/kmod "$r/sbin/$a"
done
copy_bin /usr/sbin/kexec /usr/sbin
copy_bin /usr/bin/cxl /usr/bin
copy_bin /usr/bin/daxctl /usr/bin
mkdir -p "$r/etc/modprobe.d" "$r/etc/depmod.d"
install -m755 "$DAXO_TOP/scripts/guest/init" "$r/init"
install -m644 "$DAXO_TOP/scripts/guest/lib.sh" "$r/daxo/lib.sh"
install -m644 "$DAXO_TOP/scripts/guest/cxltest.sh" "$r/daxo/cxltest.sh"
# The mapping holder of dax_hold (static: the guest has no libc).
gcc -static -O2 -Wall -o "$work/daxmap" "$DAXO_TOP/scripts/guest/daxmap.c" ||
	daxo_die "cannot build scripts/guest/daxmap.c (gcc, libc6-dev)"
install -m755 "$work/daxmap" "$r/daxo/daxmap"
install -m644 "$KDIR/arch/x86/boot/bzImage" "$r/daxo/bzImage"
mkdir -p "$r/lib/modules"
cp -a "$mods" "$r/lib/modules/"
rm -f "$r/lib/modules/$kver"/{build,source}
mkcpio "$r" "$OUT/base.cpio.gz"

# The C anchor overlay: nothing to replace.
mkdir -p "$work/c"
mkcpio "$work/c" "$OUT/c.cpio.gz"

# overlay NAME MODULE[=KO]...: an archive that replaces the kernel's
# MODULEs by the project's (KO, or found under $OURS), with modules.dep
# redone. A MODULE given as +KO is added (under extra/).
overlay() {
	local name=$1 o=$work/$1 m f src_ko kunit keep
	shift
	mkdir -p "$o/lib/modules"
	cp -a "$mods" "$o/lib/modules/"
	rm -f "$o/lib/modules/$kver"/{build,source}
	keep=$work/$name.keep
	: > "$keep"
	# The KUnit tests of the ownership decision ride along.
	kunit=$(find "$OURS" -name dax_ownership_kunit.ko -not -path "*/.git/*" 2>/dev/null |
		head -n 1)
	for m in "$@" ${kunit:++$kunit}; do
		src_ko=
		case "$m" in
		+*)	src_ko=${m#+}
			f=$o/lib/modules/$kver/extra/$(basename "$src_ko")
			mkdir -p "${f%/*}" ;;
		*)	case "$m" in *=*) src_ko=${m#*=}; m=${m%%=*} ;; esac
			f=$(find "$o/lib/modules/$kver" -name "$m.ko")
			[ -n "$f" ] || daxo_die "the kernel has no $m.ko to replace" ;;
		esac
		[ -n "$src_ko" ] ||
			src_ko=$(find "$OURS" -name "$m.ko" -not -path "*/.git/*" | head -n 1)
		[ -n "$src_ko" ] || daxo_die "no $m.ko under $OURS (make modules first)"
		install -m644 "$src_ko" "$f"
		strip --strip-debug "$f"
		echo "$f" >> "$keep"
	done
	depmod -b "$o" "$kver"
	# Keep only what differs from the base archive.
	find "$o/lib/modules/$kver" -type f ! -name 'modules.*' | grep -vxFf "$keep" |
		xargs -r rm -f
	mkcpio "$o" "$OUT/$name.cpio.gz"
}

# The kernel's CXL test fixture (scripts/cxltest.sh output in $CXLTEST):
# its modules in place of the kernel's CXL ones and dax_hmem, the mock
# modules added; for ours, our dax_hmem built with the fixture's wraps and
# our dax_cxl.
cxltest_overlay() { # NAME DAX_HMEM_KO [MODULE=KO...]
	local name=$1 hmem=$2 mo=$CXLTEST/mo m args=()
	shift 2
	for m in cxl_acpi cxl_core cxl_mem cxl_port cxl_pmem; do
		args+=("$m=$mo/$m.ko")
	done
	for m in cxl_test cxl_mock cxl_mock_mem cxl_translate cxl_mock_accel; do
		args+=("+$mo/test/$m.ko")
	done
	overlay "$name" "${args[@]}" dax_hmem="$hmem" "$@"
}

if [ -n "$OURS" ]; then
	overlay ours dax_hmem dax_cxl		# both Rust modules
	overlay ours-hmem dax_hmem		# Rust dax_hmem beside the C dax_cxl
	overlay ours-cxl dax_cxl		# C dax_hmem beside the Rust dax_cxl
	[ -z "$NOTEARDOWN" ] ||			# strict without region teardown
		overlay ours-noteardown dax_hmem="$NOTEARDOWN/hmem/dax_hmem.ko" dax_cxl
	[ -z "$CFENCE" ] ||			# only the CXL core sees regions in use
		overlay ours-cfence dax_hmem="$CFENCE/hmem/dax_hmem.ko" dax_cxl
	[ -z "$STRICTDEF" ] ||			# strict by default (Kconfig)
		overlay ours-strictdef dax_hmem="$STRICTDEF/hmem/dax_hmem.ko" dax_cxl
fi
if [ -n "$CXLTEST" ]; then
	cxltest_overlay cxltest-c "$CXLTEST/mo/dax_hmem.ko"
	[ -z "$OURS" ] || cxltest_overlay cxltest-ours "$CXLTEST/ours/hmem/dax_hmem.ko" dax_cxl
fi
echo "$OUT"
