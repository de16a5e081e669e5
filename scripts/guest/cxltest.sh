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
CXLTEST_STACK="$CXLTEST_STACK cxl_port cxl_mock cxl_core libnvdimm"
cxltest_unload() {
	local m left
	for m in $CXLTEST_STACK; do
		grep -q "^$m " /proc/modules || continue
		rmmod "$m" || { notok "rmmod $m"; return 1; }
	done
	left=$(grep -E '^(cxl_|dax_hmem |dax_cxl |libnvdimm )' /proc/modules | cut -d' ' -f1 |
		tr '\n' ' ')
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

# cxltest_memdev HB: the first memdev below the fixture's host bridge HB
# (cxl_host_bridge.HB) whose first endpoint decoder is free (memdev and
# port numbers follow probe order, so they are looked up).
cxltest_memdev() {
	local e p sz c=/sys/bus/cxl/devices
	for e in $c/endpoint*; do
		p=$(readlink -f $e | sed -n 's,.*/root0/\(port[0-9]*\)/.*,\1,p')
		[ -n "$p" ] || continue
		[ "$(basename "$(readlink -f $c/$p/uport)")" = "cxl_host_bridge.$1" ] || continue
		sz=$(cat $e/decoder*.0/dpa_size 2>/dev/null | head -n 1)
		[ -n "$sz" ] && [ $((sz)) = 0 ] || continue
		basename "$(readlink -f $e/uport)"
		return 0
	done
	echo "no free memdev below cxl_host_bridge.$1" >&2
	return 1
}

# cxltest_region ROOTDECODER SIZE HB...: a RAM region of SIZE in the window
# of ROOTDECODER, one free memdev below each host bridge HB in turn as its
# targets, created and committed through sysfs (lib.sh region_step).
cxltest_region() {
	local rd=$1 size=$2 h m mems=
	shift 2
	for h in "$@"; do
		m=$(cxltest_memdev $h) || { notok "no free memdev below host bridge $h"; return 1; }
		mems="$mems $m"
	done
	# shellcheck disable=SC2086
	region_step $rd $size $mems
}

# ---- The user flows ndctl's cxl and daxctl tests exercise on DAX regions
# (issue 16, item 5), on the fixture's regions (none of their memory is
# backed: system-ram mode is never onlined).

# cxltest_dax_of REGION: the DAX devices of a CXL region, by name.
cxltest_dax_of() {
	ls -d /sys/bus/cxl/devices/$1/dax_region*/dax*.* 2>/dev/null | sed 's,.*/,,'
}

# cxltest_kmem DAXDEV: DAXDEV's range (its mapping0) is System RAM (kmem)
# in /proc/iomem.
cxltest_kmem() {
	local r
	r=$(dax_range $1) || return 1
	set -- $r
	grep -q "^ *${1#0x}-${2#0x} : System RAM (kmem)\$" /proc/iomem
}

# cxltest_region_with ROOTDECODER WAYS: the region of that many ways in the
# window of ROOTDECODER.
cxltest_region_with() {
	local r
	for r in /sys/bus/cxl/devices/$1/region*; do
		[ "$(cat $r/interleave_ways 2>/dev/null)" = "$2" ] && { basename $r; return 0; }
	done
	return 1
}

# cxltest_flows REGION_X1 REGION_X2 (root decoder:ways each): reconfigure REGION_X1's DAX device
# devdax -> system-ram (offline) -> devdax; destroy it and create two
# 128 MiB devices in its place (sizes and mapping counts consistent);
# delete REGION_X1 with those devices in devdax mode, and REGION_X2 with
# its device in system-ram (offline) mode (kmem bound it at its load).
cxltest_flows() {
	local r1 r2 s1 s2 dev id d c=/sys/bus/cxl/devices
	r1=$(cxltest_region_with ${1%:*} ${1#*:}) && r2=$(cxltest_region_with ${2%:*} ${2#*:}) ||
		{ notok "no region $1 or $2"; return 1; }
	s1=$(cat $c/$r1/resource) && s2=$(cat $c/$r2/resource) || return 1
	# kmem binds every DAX device at once (offline: no memory backs them).
	step "modprobe kmem" modprobe kmem || return 1
	dev=$(cxltest_dax_of $r1 | head -n 1)
	[ -n "$dev" ] || { notok "no DAX device under $r1"; return 1; }
	id=$(ls -d $c/$r1/dax_region* | sed 's,.*dax_region,,')
	step "$dev: devdax -> system-ram, not onlined" \
		daxctl reconfigure-device -m system-ram --no-online "$dev" || return 1
	[ "$(dax_driver $dev)" = kmem ] && cxltest_kmem $dev && ! blocks_online $(dax_range $dev) \
		>/dev/null 2>&1 && ok "$dev bound to kmem, its range System RAM (kmem), offline" ||
		{ notok "$dev: driver $(dax_driver $dev), kmem $(cxltest_kmem $dev && echo yes)"; return 1; }
	step "$dev: system-ram -> devdax" daxctl reconfigure-device -m devdax -f "$dev" || return 1
	[ "$(dax_driver $dev)" = device_dax ] && ! cxltest_kmem $dev &&
		ok "$dev bound to device_dax, its range no longer System RAM" ||
		{ notok "$dev: driver $(dax_driver $dev), kmem $(cxltest_kmem $dev && echo yes)"; return 1; }
	# (The region's seed device cannot be destroyed: its size goes to 0.)
	step "$dev disabled, resized to 0" sh -c \
		"daxctl disable-device $dev && daxctl reconfigure-device -s 0 $dev" || return 1
	step "two 128 MiB devices created in dax_region$id" sh -c \
		"daxctl create-device -r $id -s 128M && daxctl create-device -r $id -s 128M" || return 1
	step "dax_region$id: two devices of 128 MiB, one mapping each, no space left" sh -c "
		n=0
		for d in /sys/bus/cxl/devices/$r1/dax_region$id/dax$id.*; do
			sz=\$((\$(cat \$d/size)))
			[ \$sz = 0 ] && continue	# the next seed
			[ \$sz = $((128 << 20)) ] || exit 1
			[ \$(ls -d \$d/mapping[0-9]* | wc -l) = 1 ] || exit 1
			n=\$((n + 1))
		done
		[ \$n = 2 ] && [ \$((\$(cat /sys/bus/cxl/devices/$r1/dax_region$id/dax_region/available_size))) = 0 ]" ||
		return 1
	cxltest_snapshot flows
	d=$(basename "$(readlink -f $c/$r1/..)")
	step "$r1 deleted under its devdax devices" wr $c/$d/delete_region $r1 || return 1
	dev=$(cxltest_dax_of $r2 | head -n 1)
	[ "$(dax_driver $dev)" = kmem ] && ok "$dev (of $r2) bound to kmem: system-ram, offline" ||
		{ notok "$dev (of $r2): driver $(dax_driver $dev)"; return 1; }
	d=$(basename "$(readlink -f $c/$r2/..)")
	step "$r2 deleted under its system-ram device" wr $c/$d/delete_region $r2 || return 1
	step "no region left but the auto-assembled one; $r1 and $r2 gone from /proc/iomem" sh -c \
		"[ \$(ls -d $c/region* | wc -l) = 1 ] &&
		 ! grep -Eq '^ *(${s1#0x}|${s2#0x})-.* : (region|System RAM)' /proc/iomem"
}

# cxltest_hb_port HB: the port of the fixture's host bridge HB
# (cxl_host_bridge.HB), below root0.
cxltest_hb_port() {
	local p
	for p in /sys/bus/cxl/devices/root0/port*; do
		[ "$(basename "$(readlink -f $p/uport)")" = "cxl_host_bridge.$1" ] &&
			{ basename $p; return 0; }
	done
	return 1
}

# cxltest_has_dax REGION: REGION has a DAX region with a device bound to
# a driver (kmem, or device_dax).
cxltest_has_dax() {
	local d
	for d in $(cxltest_dax_of $1); do
		[ -n "$(dax_driver $d)" ] && return 0
	done
	return 1
}

# cxltest_disable AUTO X2: with DAX regions up (their devices bound to
# kmem, in system-ram mode, offline), force off what ndctl's
# tests force off, with cxl-cli: the memdev below host bridge 1 of region
# X2 (root decoder:ways; `cxl disable-memdev --force`), then the port of
# host bridge 0, above the auto-assembled region AUTO (`cxl disable-port
# --force`), then the whole bus (`cxl disable-bus --force root0`); then the
# bus bound again through sysfs (cxl-cli 76 has no enable-bus). After each
# step: what it took down has no DAX device left, what it did not is
# intact, and a snapshot.
cxltest_disable() {
	local ra rx t ep mem port c=/sys/bus/cxl/devices
	ra=$(cxltest_region_with ${1%:*} ${1#*:}) && rx=$(cxltest_region_with ${2%:*} ${2#*:}) ||
		{ notok "no region $1 or $2"; return 1; }
	# kmem binds every DAX device (offline: no memory backs them).
	step "modprobe kmem" modprobe kmem || return 1
	cxltest_has_dax $ra && cxltest_has_dax $rx &&
		ok "$ra and $rx each have a DAX device bound to kmem" ||
		{ notok "$ra or $rx has no DAX device bound"; return 1; }
	cxltest_snapshot up
	t=$(cat $c/$rx/target1) && ep=$(basename "$(dirname "$(readlink -f $c/$t)")") &&
		mem=$(basename "$(readlink -f $c/$ep/uport)") ||
		{ notok "no memdev for $rx's target1"; return 1; }
	step "cxl disable-memdev --force $mem ($rx's target below host bridge 1)" \
		cxl disable-memdev --force $mem || return 1
	settle 10
	! cxltest_has_dax $rx && cxltest_has_dax $ra &&
		ok "$rx has no DAX device left; $ra's is intact" ||
		{ notok "after disabling $mem: $rx $(cxltest_dax_of $rx), $ra $(cxltest_dax_of $ra)"; return 1; }
	cxltest_snapshot memdev
	port=$(cxltest_hb_port 0) || { notok "no port for cxl_host_bridge.0"; return 1; }
	step "cxl disable-port --force $port (host bridge 0, above $ra)" \
		cxl disable-port --force $port || return 1
	settle 10
	! cxltest_has_dax $ra && ok "$ra has no DAX device left" ||
		{ notok "after disabling $port: $ra $(cxltest_dax_of $ra)"; return 1; }
	cxltest_snapshot port
	step "cxl disable-bus --force root0" cxl disable-bus --force root0 || return 1
	settle 10
	[ -z "$(ls -d $c/region* 2>/dev/null)" ] && ! grep -q ' : region[0-9]' /proc/iomem &&
		ok "no CXL region left, none in /proc/iomem" ||
		{ notok "after disable-bus: $(ls $c | tr '\n' ' ')"; return 1; }
	cxltest_snapshot bus
	step "cxl_acpi.0 bound again" wr /sys/bus/platform/drivers/cxl_acpi/bind cxl_acpi.0 ||
		return 1
	settle 20
	step "every memdev bound to cxl_mem again" sh -c '
		n=0
		for m in /sys/bus/cxl/devices/mem*; do
			[ "$(basename "$(readlink -f $m/driver)")" = cxl_mem ] || exit 1
			n=$((n + 1))
		done
		[ $n -gt 0 ]' || return 1
	cxltest_snapshot rebound
}
