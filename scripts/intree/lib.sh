# SPDX-License-Identifier: GPL-2.0
# Shared by scripts/patches.sh and scripts/intree.sh (source after
# scripts/lib.sh): the pristine kernel source and the patch series.

# The project's files that go under drivers/dax/ownership/ in tree: every
# tracked file but the out-of-tree user commands and the scripts.
daxo_driver_files() {
	git -C "$DAXO_TOP" ls-files | grep -Ev '^(scripts/|\.ci/|Makefile$|README\.md$|\.gitignore$)'
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
# first): 0000 cover letter, the CXL-core helper (scripts/patches/), the
# drivers under drivers/dax/ownership/, the Kconfig/Makefile glue
# (scripts/intree/kconfig-glue.patch).
daxo_series() {
	local src=$1 out=$2 repo f kver
	local helpers glue
	daxo_identity
	helpers=$(ls "$DAXO_TOP"/scripts/patches/*.patch 2>/dev/null || true)
	glue=$DAXO_TOP/scripts/intree/kconfig-glue.patch
	kver=$(make -s -C "$src" kernelversion)
	repo=$(mktemp -d)
	# A small repository holding only the files the series changes, at
	# their pristine contents (same blobs as in the kernel's own git).
	for f in $(sed -n 's|^+++ b/||p' $helpers "$glue" | sort -u) MAINTAINERS; do
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
		mkdir -p drivers/dax/ownership
		daxo_driver_files | while read -r f; do
			install -D -m644 "$DAXO_TOP/$f" "drivers/dax/ownership/$f"
		done
		python3 - <<'PY'
import os
s = open("MAINTAINERS").read()
who = f"{os.environ['DAXO_AUTHOR_NAME']} <{os.environ['DAXO_AUTHOR_EMAIL']}>"
entry = ("DEVICE DIRECT ACCESS (DAX) [Rust dax_hmem, dax_cxl]\n"
         f"M:\t{who}\n"
         "L:\tnvdimm@lists.linux.dev\n"
         "L:\tlinux-cxl@vger.kernel.org\n"
         "L:\trust-for-linux@vger.kernel.org\n"
         "S:\tMaintained\n"
         "F:\tdrivers/dax/ownership/\n\n")
anchor = "F:\tdrivers/dax/fsdev.c\n\n"
assert anchor in s, "MAINTAINERS: no fsdev_dax entry to follow"
open("MAINTAINERS", "w").write(s.replace(anchor, anchor + entry, 1))
PY
		daxo_git add -A
		daxo_signoff <<'MSG' | daxo_git commit -q -F -
dax: add Rust implementations of dax_hmem and dax_cxl

Firmware on CXL platforms marks CXL memory Soft Reserved, and two
drivers can turn such a range into device-dax: dax_hmem, from the
firmware-described ranges, and dax_cxl, from committed CXL regions.
Every range must end with exactly one owner, at every boot, in every
module order, after reload and rebind, without losing memory.

Add Rust implementations of both drivers under drivers/dax/ownership/,
with the C drivers' module names:

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
   (DAX_OWNERSHIP_KUNIT_TEST); bindings to drivers/dax/bus.h and
   drivers/cxl/cxl.h are generated by bindgen at build time;

 - Documentation/dax-ownership.rst describes policies, parameters,
   messages, the report and the hand-back flow.

Nothing builds them yet; the next patch wires them into Kconfig.

Signed-off-by: dax-ownership developers <dax-ownership@localhost>
MSG
		daxo_am "$glue" || daxo_die "kconfig-glue.patch does not apply to $kver"
		rm -rf "$out" && mkdir -p "$out"
		daxo_git format-patch -q --cover-letter --no-thread -o "$out" base..HEAD
	) || { rm -rf "$repo"; return 1; }
	rm -rf "$repo"
	# The cover letter's blanks.
	python3 - "$out"/0000-cover-letter.patch "$kver" <<'PY'
import sys
p, kver = sys.argv[1], sys.argv[2]
s = open(p).read()
s = s.replace("*** SUBJECT HERE ***",
              "Rust dax_hmem and dax_cxl: one owner for every Soft Reserved range")
s = s.replace("*** BLURB HERE ***", f"""\
Rust implementations of the HMEM and CXL DAX drivers for Linux {kver},
selectable in menuconfig instead of the C drivers (same module names),
built in or as modules with the CXL core built in, modular or off.

Patch 1 adds cxl_region_teardown() to the CXL core for dax_hmem's strict
policy; patch 2 adds the drivers under drivers/dax/ownership/; patch 3
wires them into drivers/dax/Kconfig and Makefile.""")
open(p, "w").write(s)
PY
}
