# SPDX-License-Identifier: GPL-2.0
# Shared by scripts/patches.sh and scripts/intree.sh (source after
# scripts/lib.sh): the pristine kernel source and the patch series.

# The project's files that go under drivers/dax/ownership/ in tree: every
# tracked file but the out-of-tree user commands and the scripts.
# (rust/ goes to the tree's rust/kernel/ in the `rust:` patches instead.)
daxo_driver_files() {
	git -C "$DAXO_TOP" ls-files |
		grep -Ev '^(scripts/|\.ci/|rust/|Makefile$|README\.md$|\.gitignore$)'
}

# daxo_intree_form FILE: FILE of the project as it is in tree: a Rust file
# without its out-of-tree lines (scripts/intree/intree_form.py), any other
# file as it is.
daxo_intree_form() {
	case $1 in
	*.rs) python3 "$DAXO_TOP/scripts/intree/intree_form.py" "$1" ;;
	*) cat "$1" ;;
	esac
}

# Who the series is from: the git identity of whoever runs it (user.name
# and user.email of the project's checkout), else a placeholder, said once.
daxo_identity() {
	[ -z "${DAXO_AUTHOR_NAME:-}" ] || return 0
	DAXO_AUTHOR_NAME=$(git -C "$DAXO_TOP" config user.name || true)
	DAXO_AUTHOR_EMAIL=$(git -C "$DAXO_TOP" config user.email || true)
	if [ -z "$DAXO_AUTHOR_NAME" ] || [ -z "$DAXO_AUTHOR_EMAIL" ]; then
		DAXO_AUTHOR_NAME="dax-ownership developers"
		DAXO_AUTHOR_EMAIL="dax-ownership@localhost"
		echo "[patches] no git user.name/user.email: the series is from" \
			"$DAXO_AUTHOR_NAME <$DAXO_AUTHOR_EMAIL>" >&2
	fi
	export DAXO_AUTHOR_NAME DAXO_AUTHOR_EMAIL
}

# That identity and fixed dates: the same sources, run by the same person,
# give the same series.
daxo_git() {
	daxo_identity
	GIT_AUTHOR_NAME=$DAXO_AUTHOR_NAME GIT_AUTHOR_EMAIL=$DAXO_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME=$DAXO_AUTHOR_NAME GIT_COMMITTER_EMAIL=$DAXO_AUTHOR_EMAIL \
	GIT_AUTHOR_DATE="2026-11-24T12:00:00+0000" GIT_COMMITTER_DATE="2026-11-24T12:00:00+0000" \
		git -c core.autocrlf=false -c commit.gpgsign=false -c format.signoff=false "$@"
}

# daxo_signoff: a commit message on stdin, its Signed-off-by lines that
# identity's.
daxo_signoff() {
	daxo_identity
	awk -v by="Signed-off-by: $DAXO_AUTHOR_NAME <$DAXO_AUTHOR_EMAIL>" \
		'/^Signed-off-by: /{ print by; next } { print }'
}

# daxo_am PATCH: commit a mail-format patch (Subject:, message, diff) like
# `git am`, as daxo_git's identity and dates (its own From: and
# Signed-off-by are placeholders).
daxo_am() {
	local info msg patch subject
	info=$(mktemp) msg=$(mktemp) patch=$(mktemp)
	git mailinfo "$msg" "$patch" < "$1" > "$info" &&
		git apply --index "$patch" &&
		subject=$(sed -n 's/^Subject: //p' "$info") &&
		{ echo "$subject"; echo; cat "$msg"; } | daxo_signoff |
		daxo_git commit -q -F - ||
		{ rm -f "$info" "$msg" "$patch"; return 1; }
	rm -f "$info" "$msg" "$patch"
}

# daxo_series SRC OUTDIR: write the series against SRC into OUTDIR (emptied
# first): 0000 cover letter; the CXL- and DAX-core helpers (scripts/patches/); the
# abstractions as `rust:` patches under rust/kernel/
# (scripts/intree/rust_patches.py); the drivers under drivers/dax/ownership/;
# the Kconfig/Makefile glue (scripts/intree/kconfig-glue.patch).
daxo_series() {
	local src=$1 out=$2 repo f kver step n
	local helpers glue
	daxo_identity
	helpers=$(ls "$DAXO_TOP"/scripts/patches/*.patch 2>/dev/null || true)
	glue=$DAXO_TOP/scripts/intree/kconfig-glue.patch
	kver=$(make -s -C "$src" kernelversion)
	repo=$(mktemp -d)
	# A small repository holding only the files the series changes, at
	# their pristine contents (same blobs as in the kernel's own git).
	for f in $(sed -n 's|^+++ b/||p' $helpers "$glue" | sort -u) MAINTAINERS \
			rust/kernel/lib.rs $(python3 "$DAXO_TOP/scripts/intree/rust_patches.py" touched) \
			rust/bindings/bindings_helper.h rust/helpers/helpers.c; do
		[ -f "$src/$f" ] && install -D -m644 "$src/$f" "$repo/$f"
	done
	(
		cd "$repo"
		daxo_git init -q
		daxo_git add -A
		daxo_git commit -q -m "Linux $kver"
		daxo_git tag base
		for f in $helpers; do
			daxo_am "$f" || daxo_die "$(basename "$f") does not apply to $kver"
		done
		for step in $(python3 "$DAXO_TOP/scripts/intree/rust_patches.py" list); do
			python3 "$DAXO_TOP/scripts/intree/rust_patches.py" apply "$step" "$DAXO_TOP" \
				> "$repo.msg" || daxo_die "rust: patch $step"
			printf '\nSigned-off-by: placeholder\n' >> "$repo.msg"
			daxo_git add -A
			daxo_signoff < "$repo.msg" | daxo_git commit -q -F -
		done
		rm -f "$repo.msg"
		mkdir -p drivers/dax/ownership
		daxo_driver_files | while read -r f; do
			mkdir -p "$(dirname "drivers/dax/ownership/$f")"
			daxo_intree_form "$DAXO_TOP/$f" > "drivers/dax/ownership/$f" ||
				daxo_die "$f: no in-tree form"
		done
		python3 "$DAXO_TOP/scripts/intree/rust_patches.py" maintainers drivers/dax/ownership/
		daxo_git add -A
		daxo_signoff <<'MSG' | daxo_git commit -q -F -
dax: add Rust implementations of dax_hmem and dax_cxl

Firmware on CXL platforms marks CXL memory Soft Reserved, and two
drivers can turn such a range into device-dax: dax_hmem, from the
firmware-described ranges, and dax_cxl, from committed CXL regions.
Every range must end with exactly one owner, at every boot, in every
module order, after reload and rebind, without losing memory.

Add Rust implementations of both drivers under drivers/dax/ownership/,
with the C drivers' module names, over the kernel crate's DAX, HMEM,
CXL and iomem abstractions (the previous patches):

 - dax_hmem decides, once CXL devices have probed, who owns every Soft
   Reserved range, in one pass: the per-range policy (the default and
   the C driver's behaviour) gives a range to CXL when one committed
   region contains it whole; the strict policy gives every range to HMEM
   when any range that meets a CXL window is not contained, and tears
   the overlapping CXL regions down with cxl_region_teardown(). The
   decision survives module reload and hmem_platform rebind. While HMEM
   owns a range it is shown as "Soft Reserved" in /proc/iomem, and
   hmem_platform.0/ownership reports the owner of every range;

 - dax_cxl registers its driver after dax_hmem_flush_work() and names
   the holder, returning -EBUSY, when HMEM owns a region's range;

 - the decision logic is pure Rust with KUnit tests
   (DAX_OWNERSHIP_KUNIT_TEST, .kunitconfig); a little C glue
   (hmem/hmem_glue.c) holds what the kernel crate cannot do yet: a
   writable and a custom module parameter, an ordered workqueue, a
   device attribute and a late initcall;

 - Documentation/dax-ownership.rst describes policies, parameters,
   messages, the report and the hand-back flow.

The same sources also build out of tree, where each module compiles its
own copy of the abstractions (under cfg daxo_out_of_tree). Nothing
builds them in tree yet; the next patch wires them into Kconfig.

Signed-off-by: dax-ownership developers <dax-ownership@localhost>
MSG
		daxo_am "$glue" || daxo_die "kconfig-glue.patch does not apply to $kver"
		rm -rf "$out" && mkdir -p "$out"
		daxo_git format-patch -q --cover-letter --no-thread -o "$out" base..HEAD
	) || { rm -rf "$repo" "$repo.msg"; return 1; }
	rm -rf "$repo"
	n=$(ls "$out"/0*.patch | grep -vc /0000-)
	# The cover letter's blanks.
	python3 - "$out"/0000-cover-letter.patch "$kver" "$n" <<'PY'
import sys
p, kver, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = open(p).read()
s = s.replace("*** SUBJECT HERE ***",
              "Rust dax_hmem and dax_cxl: one owner for every Soft Reserved range")
s = s.replace("*** BLURB HERE ***", f"""\
Rust implementations of the HMEM and CXL DAX drivers for Linux {kver},
selectable in menuconfig instead of the C drivers (same module names),
built in or as modules with the DAX core and the CXL core built in (or
the CXL core off).

Patch 1 adds cxl_region_teardown() to the CXL core for dax_hmem's strict
policy; patch 2 adds walk_dax_regions() to the DAX core, so that a
driver refused a DAX region can name who holds it; patches 3-{n - 2}
add the kernel crate abstractions the drivers use (rust/kernel/: module
requests, waiting for device probe, physical ranges, iomem queries,
NUMA nodes, work flushing, DAX regions, HMEM, CXL), each building on
its own; patch {n - 1} adds the drivers under drivers/dax/ownership/;
patch {n} wires them into drivers/dax/Kconfig and Makefile.""")
open(p, "w").write(s)
PY
}
