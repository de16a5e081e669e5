# SPDX-License-Identifier: GPL-2.0
# Guest-side helpers for the scenarios on the kernel's CXL test fixture,
# tools/testing/cxl ("cxl_test"; scripts/cxltest.py). Sourced after lib.sh
# by those scenarios' scripts.
#
# cxl_test builds a mock CXL topology out of platform devices: cxl_acpi.0
# with its CXL windows, host bridges, switches and memdevs. With
# hmem_test=1 it also registers hmem_platform.1, whose "Soft Reserved"
# range, the first half of mock CXL window 0, the fixture's wraps of
# walk_hmem_resources(), region_intersects() and
# region_intersects_soft_reserve() report to the dax_hmem built against it;
# a region cxl_test auto-assembles covers that range, unless
# fail_autoassemble=1 keeps one member's decoder uncommitted. None of the
# mock memory is backed: it is never onlined.

# cxltest_udev EARLY|LATE: EARLY: what udev does: every uevent runs mdev,
# which loads the module of its MODALIAS (kmem blacklisted, as in udev_up),
# so the DAX drivers load on their aliases as their devices appear, before
# cxl_test's auto-assembly is done. LATE: no uevent helper (the fixture's
# CXL drivers still load, by the CXL core's own request_module(); mdev's
# process per uevent costs 10 s a load under TCG); cxltest_dax loads the
# DAX drivers by name once the fixture has settled.
cxltest_udev() {
	{
		echo 'blacklist kmem'
		[ -z "${DAXO_MODPROBE_EXTRA:-}" ] || echo "$DAXO_MODPROBE_EXTRA" | tr ';' '\n'
	} > /etc/modprobe.d/daxo.conf
	if [ "$1" = EARLY ]; then
		echo '$MODALIAS=.* 0:0 0660 @modprobe -b "$MODALIAS"' > /etc/mdev.conf
		echo /sbin/mdev > /proc/sys/kernel/hotplug
		ok "udev: mdev loads the module of every MODALIAS, the DAX drivers' included"
	else
		echo > /proc/sys/kernel/hotplug
		ok "no uevent helper: the DAX drivers load late, by name"
	fi
}

# cxltest_load PARAM...: load the fixture as ndctl's cxl tests do
# (cxl_mock_mem, then cxl_test with PARAMs) and wait for probing to settle.
cxltest_load() {
	step "modprobe cxl_mock_mem" modprobe cxl_mock_mem &&
		step "modprobe cxl_test $*" modprobe cxl_test "$@" || return 1
	settle 20
}

# cxltest_dax: load the DAX drivers by name (the LATE order).
cxltest_dax() {
	load dax_hmem dax_cxl && settle 10
}

# cxltest_unload: unload the DAX drivers, the fixture and the CXL stack it
# pulled in, each module by itself (rmmod, in dependency order: ndctl's
# tests run `modprobe -r` and ignore its status), then check that none of
# them is left.
CXLTEST_STACK="dax_cxl dax_hmem cxl_mock_mem cxl_test cxl_pci cxl_acpi cxl_pmem cxl_mem"
CXLTEST_STACK="$CXLTEST_STACK cxl_port cxl_mock cxl_core"
cxltest_unload() {
	local m left
	for m in $CXLTEST_STACK; do
		grep -q "^$m " /proc/modules || continue
		rmmod "$m" || { notok "rmmod $m"; return 1; }
	done
	left=$(grep -E '^(cxl_|dax_hmem |dax_cxl )' /proc/modules | cut -d' ' -f1 | tr '\n' ' ')
	if [ -n "$left" ]; then
		notok "the CXL stack unloaded: left loaded: $left"
		return 1
	fi
	ok "rmmod $CXLTEST_STACK: the CXL stack unloaded"
}

# cxltest_settle: with the Rust dax_hmem, wait (up to 10 s) until every
# hmem_platform.N's ownership report lists a range (its work item done).
cxltest_settle() {
	local r i
	for r in /sys/bus/platform/devices/hmem_platform.*/ownership; do
		[ -e "$r" ] || continue
		for i in $(seq 100); do
			grep -q . "$r" 2>/dev/null && break
			sleep 0.1
		done
	done
}

# cxltest_snapshot LABEL: lib.sh's snapshot, plus what the fixture adds:
# the mock windows ("@@ file windows": "decoderX.Y START SIZE", in the
# order of their ids), every hmem_platform.N's ownership report ("@@ file
# ownership.N"), `daxctl list -R` as ndctl's test reads it, and every
# region's sysfs state.
cxltest_snapshot() {
	local d n
	cxltest_settle
	snapshot "$1"
	out "@@ snap $1"
	out "@@ file windows"
	for d in /sys/bus/cxl/devices/root*/decoder*; do
		[ -e "$d/start" ] || continue
		echo "${d##*/} $(cat $d/start) $(cat $d/size)" > $DAXO_OUT
	done
	for d in /sys/bus/platform/devices/hmem_platform.*; do
		[ -e "$d" ] || continue
		n=${d##*.}
		out "@@ file ownership.$n"
		cat "$d/ownership" > $DAXO_OUT 2>/dev/null
	done
	out "@@ file daxctl-R"
	daxctl list -R > $DAXO_OUT 2>&1
	out "@@ file region-state"
	for d in /sys/bus/cxl/devices/region*; do
		[ -e "$d" ] || continue
		echo "${d##*/} $(readlink -f $d) mode=$(cat $d/mode 2>/dev/null) commit=$(cat $d/commit) targets=$(cat $d/interleave_ways) driver=$(basename "$(readlink $d/driver 2>/dev/null)")" > $DAXO_OUT
	done
	out "@@ end"
}

# cxltest_case LABEL EARLY|LATE PARAM...: one acceptance case: the fixture
# loaded with PARAMs, the DAX drivers early or late, a snapshot, and the
# whole stack unloaded again.
cxltest_case() {
	local label=$1 when=$2
	shift 2
	cxltest_load "$@" || return 1
	[ "$when" = EARLY ] || cxltest_dax || return 1
	cxltest_snapshot "$label"
	cxltest_unload
}
