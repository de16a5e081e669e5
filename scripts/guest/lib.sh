# SPDX-License-Identifier: GPL-2.0
# Guest-side helpers for the scenarios. The scenario itself arrives as
# /daxo/scenario.sh (an archive the host appends to the initrd) and defines
# stage1() and, for two-stage scenarios, stage2().
#
# Output protocol on /dev/ttyS1, read by scripts/harness.py:
#   KTAP lines ("ok N - ...", "not ok N - ...") for every guest step;
#   "@@ snap LABEL" ... "@@ end" blocks carrying raw state to judge;
#   "@@ done" when the guest has finished.

DAXO_OUT=/dev/ttyS1
daxo_n=0
# The step count also lives in a file: a step may run in a command
# substitution's subshell ($(dax_at ADDR)), whose variables die with it.
DAXO_STEPS=/tmp/daxo.steps

out() { echo "$*" > $DAXO_OUT; }

cmdline_arg() { # name -> value of daxo.NAME= on the kernel command line
	tr ' ' '\n' < /proc/cmdline | sed -n "s/^daxo\.$1=//p" | tail -n 1
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }
next_step() { # daxo_n = the next step's number (no fork: read, echo)
	daxo_n=0
	[ -r $DAXO_STEPS ] && read -r daxo_n < $DAXO_STEPS
	daxo_n=$((daxo_n + 1))
	echo $daxo_n > $DAXO_STEPS
}
ok() { next_step; out "ok $daxo_n - $* [t=$(uptime_s)]"; }
notok() { next_step; out "not ok $daxo_n - $* [t=$(uptime_s)]"; }

# step DESCRIPTION COMMAND...: run a command, report it as one KTAP line.
step() {
	local what=$1 log
	shift
	if log=$("$@" 2>&1); then
		ok "$what"
	else
		notok "$what"
		echo "$log" | sed 's/^/# /' > $DAXO_OUT
		return 1
	fi
}

# expect_fail DESCRIPTION COMMAND...: the command must fail.
expect_fail() {
	local what=$1
	shift
	if "$@" > /dev/null 2>&1; then notok "$what (unexpectedly succeeded)"; return 1; fi
	ok "$what"
}

# settle [SECONDS]: wait until module loading and device probing are
# quiet: no modprobe or mdev running and no deferred probe pending, for
# 0.3 s in a row (at most SECONDS, default 5). A write to /sys/bus/cxl/flush
# first waits for the CXL port work.
settle() {
	local i quiet=0
	[ -e /sys/bus/cxl/flush ] && echo 1 > /sys/bus/cxl/flush 2>/dev/null
	for i in $(seq $(( ${1:-5} * 10 ))); do
		if pidof modprobe mdev > /dev/null 2>&1 ||
		   grep -q . /sys/kernel/debug/devices_deferred 2>/dev/null; then
			quiet=0
		else
			quiet=$((quiet + 1))
			[ $quiet -ge 3 ] && return 0
		fi
		sleep 0.1
	done
}

# builtin_module NAME: NAME is built into the kernel (the in-tree =y
# kernel of scripts/intree.sh).
builtin_module() {
	grep -q "/${1//-/_}\.ko\$" "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null
}

# modprobe, as the scenarios call it: for a built-in module it succeeds
# when every PARAM=VALUE asked for is already the module's value (given on
# the kernel command line), whatever the modprobe binary knows of
# modules.builtin. (mdev runs /sbin/modprobe itself.)
modprobe() {
	local m=$1 p v
	case "$m" in -*) command modprobe "$@"; return ;; esac
	if builtin_module "$m"; then
		shift
		for p in "$@"; do
			v=$(cat "/sys/module/$m/parameters/${p%%=*}" 2>/dev/null)
			[ "$v" = "${p#*=}" ] && continue
			echo "$m is built in and its ${p%%=*} is '$v', not '${p#*=}'" >&2
			return 1
		done
		return 0
	fi
	command modprobe "$@"
}

load() { # modules in order
	local m
	for m in "$@"; do
		step "modprobe $m" modprobe "$m" || return 1
	done
}

unload() {
	local m
	for m in "$@"; do
		step "rmmod $m" rmmod "$m" || return 1
	done
}

# udev_up: what udev does at boot. The kernel runs mdev for every uevent
# (CONFIG_UEVENT_HELPER), which loads the module for each MODALIAS; a
# coldplug pass replays "add" for the devices that start the CXL stack:
# the CXL root (ACPI0017) and CXL memory devices (PCI class 0x050210).
# Everything after them (ports, memdevs, regions, dax) arrives as hotplug
# events. (Replaying every device, or `mdev -d` with its initial scan,
# costs seconds of process spawning under TCG.) The two DAX drivers under
# test (and kmem, which would online the memory) are blacklisted for alias
# loading: scenarios load them by name, in the order they test.
# DAXO_MODPROBE_EXTRA: more lines for the modprobe configuration, separated
# by ';'. (The scripts and mdev run BusyBox's modprobe, which knows
# "blacklist" but ignores "install"; the kernel's request_module() runs
# kmod's, which honours "install": "blacklist cxl_pci;install cxl_pci
# /bin/true" keeps cxl_pci from loading at all.)
# udev_up --no-coldplug: the uevent helper only, no coldplug pass: nothing
# loads the CXL stack until a module asks for it (dax_hmem requests
# cxl_acpi and cxl_pci itself).
udev_up() {
	local d c coldplug=1
	[ "${1:-}" != --no-coldplug ] || coldplug=0
	{
		printf '%s\n' 'blacklist dax_hmem' 'blacklist dax_cxl' 'blacklist kmem'
		[ -z "${DAXO_MODPROBE_EXTRA:-}" ] || echo "$DAXO_MODPROBE_EXTRA" | tr ';' '\n'
	} > /etc/modprobe.d/daxo.conf
	echo '$MODALIAS=.* 0:0 0660 @modprobe -b "$MODALIAS"' > /etc/mdev.conf
	echo /sbin/mdev > /proc/sys/kernel/hotplug
	if [ $coldplug = 0 ]; then
		ok "udev: no coldplug, $(wc -l < /proc/modules) modules loaded"
		return 0
	fi
	for d in /sys/bus/acpi/devices/ACPI0017:*; do
		[ -e "$d/uevent" ] && echo add > "$d/uevent"
	done
	for d in /sys/bus/pci/devices/*; do
		read -r c < "$d/class"
		[ "$c" = 0x050210 ] && echo add > "$d/uevent"
	done
	settle 10
	ok "udev: $(wc -l < /proc/modules) modules loaded"
}

# The first endpoint decoder of memdev $1 (e.g. mem0 -> decoder3.0): the
# endpoint port whose uport is that memdev.
endpoint_decoder() {
	local ep
	for ep in /sys/bus/cxl/devices/endpoint*; do
		[ "$(basename "$(readlink -f $ep/uport)")" = "$1" ] || continue
		basename "$(ls -d $ep/decoder*.0 | head -n 1)"
		return 0
	done
	return 1
}

# memdev_on_bus BUS: the memdev below PCI root bus BUS (hex, e.g. 0c), that
# is below that host bridge: memdev numbers follow probe order, buses don't.
memdev_on_bus() {
	local m i
	for i in $(seq 100); do
		for m in /sys/bus/cxl/devices/mem*; do
			case "$(readlink -f $m)" in
			*/pci0000:$1/*) basename $m; return 0 ;;
			esac
		done
		sleep 0.2
	done
	echo "no memdev below bus $1" >&2
	return 1
}

# The root decoder of the CXL window that starts at $1 (hex); waits up to
# 20 s for cxl_acpi to publish it.
root_decoder_at() {
	local d i
	for i in $(seq 100); do
		for d in /sys/bus/cxl/devices/root0/decoder0.*; do
			[ "$(cat $d/start 2>/dev/null)" = "$1" ] && { basename $d; return 0; }
		done
		sleep 0.2
	done
	echo "no root decoder at $1" >&2
	return 1
}

# wr FILE VALUE: write VALUE to a sysfs FILE; on failure say which write
# failed and why on stderr (the shell's own echo fails silently).
wr() {
	printf '%s\n' "$2" | dd of="$1" 2>/tmp/wr.err && return 0
	echo "write '$2' to $1: $(sed -n 's/^dd: .*: //p' /tmp/wr.err | tail -n 1)" >&2
	return 1
}

# create_ram_region [-n] ROOTDECODER SIZE MEMDEV...: create and commit a
# ram region through the sysfs ABI (cxl-cli 76 cannot create ram regions),
# and enable it (-n: not; committed, it then has no DAX region, so nothing
# is in use). Prints the region name.
create_ram_region() {
	local enable=1 rd size ways region ed i c=/sys/bus/cxl/devices
	[ "$1" = -n ] && { enable=; shift; }
	rd=$1 size=$2
	shift 2
	ways=$#
	region=$(cat $c/$rd/create_ram_region) || return 1
	wr $c/$rd/create_ram_region "$region" || return 1
	wr $c/$region/interleave_granularity 4096 || return 1
	wr $c/$region/interleave_ways $ways || return 1
	for m in "$@"; do
		for i in $(seq 100); do
			ed=$(endpoint_decoder $m) && break
			sleep 0.2
		done
		[ -n "$ed" ] || { echo "no endpoint decoder for $m" >&2; return 1; }
		wr $c/$ed/mode ram || return 1
		wr $c/$ed/dpa_size $(printf '0x%x' $((size / ways))) || return 1
	done
	wr $c/$region/size $(printf '0x%x' $size) || return 1
	i=0
	for m in "$@"; do
		ed=$(endpoint_decoder $m)
		wr $c/$region/target$i $ed || return 1
		i=$((i + 1))
	done
	wr $c/$region/commit 1 || return 1
	# What `cxl enable-region` does: attach the region driver, which
	# publishes the cxl_dax_region device.
	[ -z "$enable" ] || wr $c/../drivers/cxl_region/bind $region || return 1
	echo "$region"
}

# region_step [-n] ROOTDECODER SIZE MEMDEV...: create_ram_region as a KTAP
# step.
region_step() {
	local r
	if r=$(create_ram_region "$@" 2>/tmp/err); then
		ok "region $r committed: $(cat /sys/bus/cxl/devices/$r/resource) size $(cat /sys/bus/cxl/devices/$r/size)"
	else
		notok "create ram region ($*)"
		sed 's/^/# /' /tmp/err > $DAXO_OUT
		return 1
	fi
}

# region_hpa_busy ROOTDECODER SIZE MEMDEV...: creating a region must fail
# when its HPA space is requested (the size write: -ERANGE, no free space in
# the window), and leave no region behind.
region_hpa_busy() {
	local r c=/sys/bus/cxl/devices
	if r=$(create_ram_region "$@" 2>/tmp/err); then
		notok "region $r got HPA space $(cat $c/$r/resource) over a range HMEM owns"
		return 1
	fi
	if ! grep -q "/size: Numerical result out of range" /tmp/err; then
		notok "region creation failed, but not for want of HPA space"
		{ echo "args: $*"; cat /tmp/err; ls $c; } | sed 's/^/# /' > $DAXO_OUT
		return 1
	fi
	# Delete the half-made region (its name is the last one created).
	r=$(ls -d $c/region* 2>/dev/null | tail -n 1)
	[ -n "$r" ] && basename $r > $c/$1/delete_region
	ok "no HPA space for a new region over the range HMEM owns: $(sed 's/.*: //' /tmp/err | head -n 1)"
}

# snapshot LABEL: emit the raw state the host judges ownership from.
# hmem_settle: with the Rust dax_hmem, every binding of hmem_platform.0
# decides the ranges that meet a CXL window in a work item, after device
# probing; its report lists every Soft Reserved range once that is done.
# Wait (up to 10 s) until it lists as many ranges as the command line has
# memmap= Soft Reserved ranges (nothing to wait for without the report).
hmem_settle() {
	local r=/sys/bus/platform/devices/hmem_platform.0/ownership want i
	want=$(tr ' ' '\n' < /proc/cmdline | grep -c '^memmap=.*+0xefffffff$')
	for i in $(seq 100); do
		[ -e $r ] || return 0
		[ "$(grep -c . $r)" -ge "$want" ] && return 0
		sleep 0.1
	done
	out "# hmem_settle: the ownership report lists $(grep -c . $r) of $want ranges after 10 s"
}

snapshot() {
	local f d
	settle
	hmem_settle
	out "@@ snap $1"
	out "@@ file /proc/iomem"
	cat /proc/iomem > $DAXO_OUT
	out "@@ file hmem"
	for d in /sys/bus/platform/devices/hmem.*; do
		[ -e "$d" ] || continue
		echo "$(basename $d) driver=$(basename "$(readlink $d/driver 2>/dev/null)")" > $DAXO_OUT
	done
	out "@@ file dax"
	for d in /sys/bus/dax/devices/*; do
		[ -e "$d" ] || continue
		for f in $d/mapping[0-9]*; do
			[ -d "$f" ] || continue
			echo "$(basename $d) $(cat $f/start) $(cat $f/end) $(readlink -f $d)" > $DAXO_OUT
		done
	done
	out "@@ file dax-node"
	for d in /sys/bus/dax/devices/*; do
		[ -e "$d/target_node" ] || continue
		read -r f < $d/target_node
		echo "${d##*/} $f $(basename "$(readlink $d/driver 2>/dev/null)")" > $DAXO_OUT
	done
	snapshot_memory
	out "@@ file cxl-regions"
	for d in /sys/bus/cxl/devices/region*; do
		[ -e "$d" ] || continue
		echo "$(basename $d) $(cat $d/resource) $(cat $d/size) $(cat $d/commit) driver=$(basename "$(readlink $d/driver 2>/dev/null)")" > $DAXO_OUT
	done
	# The CXL regions' DAX regions ("dax_regionN driver=NAME", empty when
	# unbound): a CXL claim's DAX devices hang off one of them.
	out "@@ file dax-region"
	for d in /sys/bus/cxl/devices/dax_region*; do
		[ -e "$d" ] || continue
		echo "${d##*/} driver=$(basename "$(readlink $d/driver 2>/dev/null)")" > $DAXO_OUT
	done
	out "@@ file ownership"
	cat /sys/bus/platform/devices/hmem_platform.0/ownership > $DAXO_OUT 2>/dev/null
	out "@@ file daxctl"
	daxctl list -RDu > $DAXO_OUT 2>&1
	out "@@ file modules"
	cat /proc/modules > $DAXO_OUT
	out "@@ end"
}

# snapshot_memory: the memory blocks ("@@ file memory": the block size,
# then "memoryN PHYS_INDEX STATE NODE", the index and size in hex as sysfs
# has them) and the NUMA view ("@@ file numa": "nodeN MEMTOTAL_KB", then
# "acpi-tables NAME..."), read without forking per block.
snapshot_memory() {
	local d n m pi st node k v tables=
	out "@@ file memory"
	{
		read -r v < /sys/devices/system/memory/block_size_bytes
		echo "block_size_bytes $v"
		for d in /sys/devices/system/memory/memory[0-9]*; do
			[ -e "$d/state" ] || continue
			read -r pi < $d/phys_index
			read -r st < $d/state
			node=-
			for n in $d/node[0-9]*; do
				[ -e "$n" ] && node=${n##*/node}
			done
			echo "${d##*/} $pi $st $node"
		done
	} > $DAXO_OUT 2>/dev/null
	out "@@ file numa"
	{
		for d in /sys/devices/system/node/node[0-9]*; do
			[ -e "$d/meminfo" ] || continue
			m=0
			while read -r _ _ k v _; do
				[ "$k" = MemTotal: ] && m=$v
			done < $d/meminfo
			echo "${d##*/} $m"
		done
		for d in /sys/firmware/acpi/tables/*; do
			[ -f "$d" ] && tables="$tables ${d##*/}"
		done
		echo "acpi-tables$tables"
	} > $DAXO_OUT
}

# unbind_hmem: unbind every hmem.N from the hmem driver (hand-back).
unbind_hmem() {
	local d
	for d in /sys/bus/platform/drivers/hmem/hmem.*; do
		[ -e "$d" ] || continue
		step "unbind $(basename $d)" sh -c "echo $(basename $d) > /sys/bus/platform/drivers/hmem/unbind" || return 1
	done
}

# region_of ADDR: the CXL region whose HPA range starts at ADDR.
region_of() {
	local d
	for d in /sys/bus/cxl/devices/region*; do
		[ "$(cat $d/resource 2>/dev/null)" = "$1" ] && { basename $d; return 0; }
	done
	echo "no region at $1" >&2
	return 1
}

# ---- Memory in use (scenarios inuse-*): a DAX device onlined as System
# RAM, or mapped by a process, while the ownership changes under it.

# dax_at ADDR: print the daxX.Y whose mapping starts at ADDR (hex, as
# 0x390000000), waiting up to 10 s for it; a KTAP step (it may run in
# $(...): the step count is kept in a file).
dax_at() {
	local d f i s
	for i in $(seq 50); do
		for d in /sys/bus/dax/devices/dax*; do
			for f in $d/mapping[0-9]*; do
				[ -e "$f/start" ] || continue
				read -r s < $f/start
				[ $((s)) = $(($1)) ] || continue
				ok "dax_at $1: ${d##*/}"
				echo "${d##*/}"
				return 0
			done
		done
		sleep 0.2
	done
	notok "dax_at $1: no DAX device has a mapping that starts there"
	return 1
}

# dax_range DAXDEV: print "START END" (hex) of its first mapping.
dax_range() {
	local s e
	read -r s < /sys/bus/dax/devices/$1/mapping0/start || return 1
	read -r e < /sys/bus/dax/devices/$1/mapping0/end || return 1
	echo "$s $e"
}

# dax_driver DAXDEV: print the driver DAXDEV is bound to (empty if none).
dax_driver() {
	local l
	l=$(readlink /sys/bus/dax/devices/$1/driver 2>/dev/null) && echo "${l##*/}"
}

# blocks_online START END: every memory block of [START, END] exists and
# is online; else print the first block that is not, and fail.
blocks_online() {
	local bs i st
	read -r bs < /sys/devices/system/memory/block_size_bytes
	bs=$((0x$bs))
	for i in $(seq $(($1 / bs)) $(($2 / bs))); do
		st=missing
		[ -e /sys/devices/system/memory/memory$i/state ] &&
			read -r st < /sys/devices/system/memory/memory$i/state
		[ "$st" = online ] || { echo "memory$i: $st"; return 1; }
	done
}

# kmem_covers START END: a "System RAM (kmem)" entry of /proc/iomem covers
# [START, END].
kmem_covers() {
	local r _
	grep ' : System RAM (kmem)$' /proc/iomem | while read -r r _; do
		[ $((0x${r%-*})) -le $(($1)) ] && [ $((0x${r#*-})) -ge $(($2)) ] && echo yes
	done | grep -q yes
}

# kmem_online DAXDEV: hand DAXDEV to kmem and online its memory as System
# RAM (`daxctl reconfigure-device -m system-ram`, which onlines the blocks,
# movable); ok when every memory block of its range is online and a
# "System RAM (kmem)" entry covers the range in /proc/iomem, and 2 MiB
# bound to its node take a pattern there (daxmap -n NODE). (Loaded by
# name, kmem also binds every other unbound DAX device: their memory is
# added, offline, as the kernel's default online policy here says.)
kmem_online() {
	local dev=$1 rng why node
	[ -n "$dev" ] || { notok "kmem_online: no DAX device given"; return 1; }
	step "modprobe kmem" modprobe kmem || return 1
	step "daxctl reconfigure-device -m system-ram $dev" \
		daxctl reconfigure-device -m system-ram "$dev" || return 1
	rng=$(dax_range "$dev") || { notok "kmem_online: $dev has no mapping0"; return 1; }
	set -- $rng
	if ! why=$(blocks_online $1 $2); then
		notok "$dev [$1-$2] as System RAM: $why, not online"
		daxctl list -d "$dev" 2>&1 | sed 's/^/# /' > $DAXO_OUT
		return 1
	fi
	if ! kmem_covers $1 $2; then
		notok "$dev [$1-$2] as System RAM: no 'System RAM (kmem)' entry covers it"
		grep -i 'kmem\|dax' /proc/iomem | sed 's/^/# /' > $DAXO_OUT
		return 1
	fi
	read -r node < /sys/bus/dax/devices/$dev/target_node
	if ! why=$(/daxo/daxmap -n "$node" 2>&1); then
		notok "$dev [$1-$2] online as System RAM, but not usable on node $node"
		echo "$why" | sed 's/^/# /' > $DAXO_OUT
		return 1
	fi
	ok "$dev [$1-$2] online as System RAM (driver $(dax_driver $dev), node $node; ${why#daxmap: })"
}

# hold_start NAME WHAT CMD...: start CMD (a daxmap that writes and checks
# a pattern, says READY in its READYFILE, the last argument, and sleeps
# until SIGTERM) in the background as holder NAME (files /tmp/hold.NAME.*).
# Ok when it is READY within 10 s.
hold_start() {
	local name=$1 what=$2 h=/tmp/hold.$1 i pid
	shift 2
	rm -f $h.ready $h.rc $h.rc.new $h.pid
	# (The exit status appears whole: written aside, then renamed.)
	("$@" $h.ready > $h.log 2>&1; echo $? > $h.rc.new; mv $h.rc.new $h.rc) &
	for i in $(seq 50); do
		[ -s $h.ready ] || [ -e $h.rc ] && break
		sleep 0.2
	done
	read -r _ pid 2>/dev/null < $h.ready
	if [ -z "$pid" ]; then
		notok "$what: daxmap not READY ($(cat $h.rc 2>/dev/null || echo running))"
		sed 's/^/# /' $h.log > $DAXO_OUT
		return 1
	fi
	echo "$pid" > $h.pid
	ok "$what: daxmap (pid $pid) holds it, pattern written and checked"
}

# hold_stop NAME: SIGTERM holder NAME and wait for it (10 s); ok only when
# it exited 0: the pattern intact, no SIGBUS.
hold_stop() {
	local h=/tmp/hold.$1 pid i rc
	read -r pid 2>/dev/null < $h.pid || { notok "release $1: no daxmap holds it"; return 1; }
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do
		[ -e $h.rc ] && break
		sleep 0.2
	done
	rc=$(cat $h.rc 2>/dev/null)
	rm -f $h.pid
	if [ "$rc" = 0 ]; then
		ok "release $1: daxmap exited 0: $(tail -n 1 $h.log)"
	else
		notok "release $1: daxmap exited ${rc:-"(still running after 10 s)"}"
		sed 's/^/# /' $h.log > $DAXO_OUT
		return 1
	fi
}

# dax_hold DAXDEV: map DAXDEV and keep it mapped (holder "dax"):
# reconfigures it to devdax if it is not bound to device_dax, then a
# daxmap maps 2 MiB of /dev/DAXDEV shared until dax_release.
dax_hold() {
	local dev=$1 i
	[ -n "$dev" ] || { notok "dax_hold: no DAX device given"; return 1; }
	step "modprobe device_dax" modprobe device_dax || return 1
	if [ "$(dax_driver $dev)" != device_dax ]; then
		step "daxctl reconfigure-device -m devdax -f $dev" \
			daxctl reconfigure-device -m devdax -f "$dev" || return 1
	fi
	for i in $(seq 25); do
		[ -c /dev/$dev ] && break
		sleep 0.2
	done
	hold_start dax "dax_hold $dev: 2 MiB of /dev/$dev mapped" /daxo/daxmap /dev/$dev || {
		# Without CONFIG_FS_DAX no inode is S_DAX: device-dax refuses
		# every mmap (-EINVAL).
		dmesg | grep -q 'vma is not DAX capable' &&
			out "# the kernel refuses device-dax mmap: 'vma is not DAX capable' (CONFIG_FS_DAX=y needed)"
		return 1
	}
}

# dax_release: the end of dax_hold's mapping; ok when its pattern is intact.
dax_release() {
	hold_stop dax
}

# ram_hold DAXDEV: (after kmem_online DAXDEV) 2 MiB of anonymous memory
# bound to DAXDEV's node, a pattern in it, held until ram_release DAXDEV.
ram_hold() {
	local node
	read -r node < /sys/bus/dax/devices/$1/target_node ||
		{ notok "ram_hold: no DAX device $1"; return 1; }
	hold_start "$1" "ram_hold $1: 2 MiB of node $node's System RAM" /daxo/daxmap -n "$node"
}

# ram_release DAXDEV: ok when ram_hold's memory kept its pattern and every
# page stayed on the node.
ram_release() {
	hold_stop "$1"
}

# delete_region REGION: delete a CXL region through its root decoder's
# delete_region (the region's parent in sysfs); ok when it is gone.
delete_region() {
	local r=$1 c=/sys/bus/cxl/devices rd i
	[ -n "$r" ] && [ -e $c/$r ] || { notok "delete_region: no region '$r'"; return 1; }
	rd=$(readlink -f $c/$r/..)
	rd=${rd##*/}
	if ! wr $c/$rd/delete_region "$r" 2>/tmp/err; then
		notok "delete_region $r (via $rd)"
		sed 's/^/# /' /tmp/err > $DAXO_OUT
		return 1
	fi
	for i in $(seq 50); do
		[ -e $c/$r ] || { ok "delete_region $r (via $rd): gone"; return 0; }
		sleep 0.2
	done
	notok "delete_region $r (via $rd): still there after 10 s"
	return 1
}

# wait_bound GLOB TENTHS: wait until a device matching GLOB has a driver.
wait_bound() {
	local i d
	for i in $(seq $2); do
		for d in $1; do
			[ -e "$d/driver" ] && return 0
		done
		sleep 0.2
	done
	return 1
}

# ---- Fault injection (scenarios fault and fault-strict). Each arm
# injects at most one failure; fault_disarm reports whether it fired and
# where (the kernel's own counter, and the verbose dump's stack), and the
# faulted state is snapshotted before anything is repaired.

# fault_arm FAULT MODULE SPACE TASKONLY: arm FAULT (failslab or
# fail_page_alloc, every order) for one fault in an allocation whose stack
# passes through MODULE's code ("modules": any module's, for a module not
# loaded yet; "-": anywhere),
# after SPACE bytes of other such allocations; TASKONLY=Y limits it to
# tasks that set /proc/self/make-it-fail. A mark in the kernel log starts
# the arm's part of it (fault_log). On a kernel with kmemleak, the
# allocations of its own metadata (__alloc_object(), called for every
# allocation; __GFP_NOWARN, so a failure there prints no dump and takes no
# error path of ours) are excluded: they would fail instead of ours, and
# they would count against SPACE.
# fault_reject: "START END" of the text to reject, "0 0" without kmemleak:
# __alloc_object() of mm/kmemleak.c, from its address to the next higher
# symbol's. Looked up once per boot; fails (with why) when kmemleak is there
# but not exactly one such symbol with an end is.
fault_reject() {
	[ -s /tmp/fault.reject ] && { cat /tmp/fault.reject; return 0; }
	if [ ! -e /sys/kernel/debug/kmemleak ]; then
		echo "0 0" > /tmp/fault.reject
	elif ! sort /proc/kallsyms | awk '
		a && $1 != a && !e { e = $1 }
		$3 == "__alloc_object" && NF == 3 { n++; a = $1 }
		END { if (n != 1 || !e) exit 1; printf "0x%s 0x%s\n", a, e }' > /tmp/fault.reject; then
		rm -f /tmp/fault.reject
		echo "kmemleak is on, but not one __alloc_object() with an end in /proc/kallsyms"
		return 1
	fi
	cat /tmp/fault.reject
}

fault_arm() {
	local f=/sys/kernel/debug/$1 s r
	if [ "$2" = - ]; then
		echo 0 > $f/require-start
		printf '0x%x\n' -1 > $f/require-end
	elif [ "$2" = modules ]; then
		# Any module's code: everything above the kernel's own text.
		s=$(sed -n 's/^\([0-9a-f]*\) . _etext$/\1/p' /proc/kallsyms)
		echo 0x$s > $f/require-start
		printf '0x%x\n' -1 > $f/require-end
	else
		s=$(cat /sys/module/$2/sections/.text)
		echo $s > $f/require-start
		printf '0x%x\n' $((s + $(cat /sys/module/$2/coresize))) > $f/require-end
	fi
	r=$(fault_reject) || { notok "fault_arm: $r"; return 1; }
	echo ${r% *} > $f/reject-start
	echo ${r#* } > $f/reject-end
	echo 32 > $f/stacktrace-depth
	echo $4 > $f/task-filter
	echo N > $f/ignore-gfp-wait
	[ -e $f/ignore-gfp-highmem ] && echo N > $f/ignore-gfp-highmem
	[ -e $f/min-order ] && echo 0 > $f/min-order
	echo 2 > $f/verbose
	echo 1 > $f/interval
	echo $3 > $f/space
	echo 1 > $f/times
	echo 100 > $f/probability
	daxo_fault=$((${daxo_fault:-0} + 1))
	echo "daxo: fault arm $daxo_fault" > /dev/kmsg
}

# fault_log: the kernel log since the last fault_arm.
fault_log() {
	dmesg | sed -n "/daxo: fault arm $daxo_fault\$/,\$p"
}

# fault_disarm FAULT MODULE LABEL [FUNCTION]: stop injecting; report
# "# metric faults_injected N" and "# fault LABEL fired=N inmod=N work=N
# at=N": how many failures the kernel's counter says it injected, how many
# dumps have a stack frame of MODULE ("[MODULE]" between "Call Trace:" and
# "</TASK>"), how many ran in a work item, and how many have a frame of
# FUNCTION.
fault_disarm() {
	local f=/sys/kernel/debug/$1 left
	echo 0 > $f/probability
	left=$(cat $f/times)
	echo 0 > $f/times
	out "# metric faults_injected $((1 - left))"
	fault_log | awk -v m="[$2]" -v l="$3" -v fn="${4:-}" -v fired=$((1 - left)) '
		/FAULT_INJECTION: forcing a failure/ { n++; inmod[n] = 0; work[n] = 0; at[n] = 0 }
		n && /Workqueue: / { work[n] = 1 }
		n && /Call Trace:/ { trace = 1; next }
		/<\/TASK>/ { trace = 0 }
		trace && index($0, m) { inmod[n] = 1 }
		trace && fn != "" && index($0, " " fn "+") { at[n] = 1 }
		END { for (i = 1; i <= n; i++) { a += inmod[i]; w += work[i]; t += at[i] }
		      printf "# fault %s fired=%d inmod=%d work=%d at=%d\n", l, fired, a, w, t }' \
		> $DAXO_OUT
}

# fault_wait: wait (up to 5 s) until the arm's log has dax_hmem's verdict
# on the binding: its summary line, or a failure (of the resolution, or of
# the probe): a faulted binding may leave no report to wait for.
fault_wait() {
	local i
	for i in $(seq 50); do
		fault_log | grep -q 'Soft Reserved ranges: \|resolution failed while\|probe with driver hmem_platform failed' &&
			return 0
		sleep 0.1
	done
}

# fault_snapshot LABEL: the faulted state, before anything is repaired:
# the snapshot "f-LABEL", with the arm's kernel log (section fault-log: its
# error and warning lines, dmesg levels 0-4, and userspace's errors).
fault_snapshot() {
	snapshot "f-$1"
	out "@@ snap f-$1"
	out "@@ file fault-log"
	dmesg -r | sed -n "/daxo: fault arm $daxo_fault\$/,\$p" | sed -n 's/^<[0-4]>\[[ 0-9.]*\] //p' |
		grep -v -e '^ ' -e '^FAULT_INJECTION' -e '^name ' -e '^CPU: ' -e '^Tainted: ' \
		-e '^Hardware name' -e '^Workqueue: ' -e '^Call Trace' -e '^<' > $DAXO_OUT
	[ ! -s /tmp/fault.err ] || sed 's/^/userspace: /' /tmp/fault.err > $DAXO_OUT
	out "@@ end"
}

# fault_hmem_bind FAULT SPACE TASKONLY LABEL: bind hmem_platform.0 again
# with one fault in dax_hmem's code: TASKONLY=Y in the binding task alone
# (its probe), N in any task (the work item that decides the ranges that
# meet a CXL window, after the probe, included). The bind may fail, nothing
# may crash. The faulted state is snapshotted (f-LABEL) once the work is
# done; then hmem_platform.0 is bound again cleanly, for the snapshot LABEL.
fault_hmem_bind() {
	local d=/sys/bus/platform/drivers/hmem_platform
	echo hmem_platform.0 > $d/unbind
	fault_arm $1 dax_hmem $2 $3
	sh -c "echo 1 > /proc/self/make-it-fail; echo hmem_platform.0 > $d/bind" 2>/tmp/fault.err
	settle
	fault_wait
	fault_disarm $1 dax_hmem $4
	fault_snapshot $4
	[ -e /sys/bus/platform/devices/hmem_platform.0/driver ] && echo hmem_platform.0 > $d/unbind
	step "hmem_platform.0 bound again after a $1 fault (space $2)" \
		sh -c "echo hmem_platform.0 > $d/bind"
}

# fault_hmem_load FAULT SPACE LABEL: dax_cxl and dax_hmem unloaded, then
# `modprobe dax_hmem` from a task that alone may fail, one fault in it from
# a stack through module code (in that task only dax_hmem's: its init and
# its first probe). The load may fail (modprobe's message goes into the
# fault log); the faulted state is snapshotted (with dax_cxl loaded where
# dax_hmem is); then the modules are loaded again cleanly.
fault_hmem_load() {
	unload dax_cxl dax_hmem || return 1
	fault_arm $1 modules $2 Y
	sh -c "echo 1 > /proc/self/make-it-fail; exec modprobe dax_hmem" 2>/tmp/fault.err
	settle
	fault_wait
	fault_disarm $1 dax_hmem $3
	# Loaded, dax_hmem is completed by dax_cxl (no fault armed): the state
	# the faulted load leaves for CXL's range too.
	! grep -q '^dax_hmem ' /proc/modules || load dax_cxl
	fault_snapshot $3
	unload_if_loaded dax_cxl dax_hmem
	load dax_hmem dax_cxl
}

# fault_strict_rebind FAULT SPACE LABEL: (strict, layout (e), the boot's
# teardown done) a region for the strict policy to tear down again:
# dax_cxl unloaded (so its DAX region is not in use), the hmem.N devices
# unbound (their Soft Reserved entries go), a region committed on mem0 at
# the start of window 0. Then hmem_platform.0 bound again with one fault
# in any task from a stack through dax_hmem's code: its probe, its work
# item, the teardown of that region (cxl_region_teardown()). The faulted
# state is snapshotted; then hmem_platform.0 is bound again twice cleanly
# (the first tears down what the fault left; the second decides with no
# region) and dax_cxl loaded.
fault_strict_rebind() {
	local rd
	unload dax_cxl && unbind_hmem || return 1
	rd=$(root_decoder_at 0x390000000) && region_step $rd $((256 << 20)) mem0 || return 1
	echo hmem_platform.0 > /sys/bus/platform/drivers/hmem_platform/unbind
	fault_arm $1 dax_hmem $2 N
	echo hmem_platform.0 2>/tmp/fault.err > /sys/bus/platform/drivers/hmem_platform/bind
	settle
	fault_wait
	fault_disarm $1 dax_hmem $3 cxl_region_teardown
	fault_snapshot $3
	[ -e /sys/bus/platform/devices/hmem_platform.0/driver ] ||
		step "bind hmem_platform.0" wr /sys/bus/platform/drivers/hmem_platform/bind hmem_platform.0
	rebind_hmem_platform && rebind_hmem_platform && load dax_cxl
}

# unload_if_loaded MODULE...: rmmod those of MODULE... that are loaded.
unload_if_loaded() {
	local m
	for m in "$@"; do
		grep -q "^$m " /proc/modules && unload $m
	done
	return 0
}

# fault_cxl_region FAULT SPACE REGION LABEL: rebind REGION (which recreates
# its dax_region, probed by dax_cxl in a worker) with one fault in
# dax_cxl's code, whichever task; snapshot the faulted state; then rebind
# cleanly.
fault_cxl_region() {
	local d=/sys/bus/cxl/drivers/cxl_region
	echo $3 > $d/unbind
	fault_arm $1 dax_cxl $2 N
	: > /tmp/fault.err
	echo $3 > $d/bind
	# dax_cxl probes in a worker: give it up to 3 s to bind (or fail).
	wait_bound "/sys/bus/cxl/devices/$3/dax_region*" 15
	settle
	fault_disarm $1 dax_cxl $4
	fault_snapshot $4
	echo $3 > $d/unbind
	step "$3 bound again after a $1 fault in dax_cxl (space $2)" sh -c "echo $3 > $d/bind" &&
		wait_bound "/sys/bus/cxl/devices/$3/dax_region*" 25
}

# rebind_hmem_platform: unbind and bind hmem_platform.0 through sysfs.
rebind_hmem_platform() {
	local d=/sys/bus/platform/drivers/hmem_platform
	step "unbind hmem_platform.0" sh -c "echo hmem_platform.0 > $d/unbind" &&
		step "bind hmem_platform.0" sh -c "echo hmem_platform.0 > $d/bind"
}

# check_param MODULE NAME VALUE: /sys/module/MODULE/parameters/NAME reads VALUE.
check_param() {
	local v
	v=$(cat /sys/module/$1/parameters/$2 2>&1)
	if [ "$v" = "$3" ]; then ok "$1.$2 = $3"; else notok "$1.$2 = '$v', expected '$3'"; fi
}

# cxl_dax_ready: a DAX device exists under a CXL region (waits up to 10 s).
cxl_dax_ready() {
	local i
	for i in $(seq 50); do
		ls -d /sys/bus/cxl/devices/dax_region*/dax*.* >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

# metric_dax_ready: report (not judge) how long after the last step the
# CXL region's DAX device appeared, as "# metric dax_ready_s <seconds>".
metric_dax_ready() {
	local t0=$(uptime_s)
	cxl_dax_ready || { notok "no DAX device under a CXL region"; return 1; }
	out "# metric dax_ready_s $(awk "BEGIN { print $(uptime_s) - $t0 }")"
}

# metric_load_ready MODULE ADDR NAME: modprobe MODULE and report (as "#
# metric NAME <seconds>") how long after the modprobe started a DAX device
# with a mapping at ADDR appeared (waits up to 30 s).
metric_load_ready() {
	local t0=$(uptime_s) d f s i
	step "modprobe $1" modprobe "$1" || return 1
	for i in $(seq 300); do
		for f in /sys/bus/dax/devices/dax*/mapping[0-9]*/start; do
			[ -e "$f" ] && read -r s < $f && [ $((s)) = $(($2)) ] || continue
			out "# metric $3 $(awk "BEGIN { print $(uptime_s) - $t0 }")"
			return 0
		done
		sleep 0.1
	done
	notok "no DAX device at $2 30 s after modprobe $1"
	return 1
}

# cycle_dax_cxl N: unload and reload dax_cxl N times; the CXL region's DAX
# device must come back every time.
cycle_dax_cxl() {
	local i bad=0
	for i in $(seq $1); do
		rmmod dax_cxl || { bad=$i; break; }
		modprobe dax_cxl || { bad=$i; break; }
		cxl_dax_ready || { bad=$i; break; }
	done
	if [ $bad = 0 ]; then ok "dax_cxl reloaded $1 times, DAX device back each time"
	else notok "dax_cxl reload cycle $bad"; fi
}

# load_unload_at_once MODULE [N]: load and unload at once (pending work),
# N times (default 1).
load_unload_at_once() {
	local i
	for i in $(seq ${2:-1}); do
		modprobe $1 && rmmod $1 && continue
		notok "modprobe $1; rmmod $1 at once (cycle $i of ${2:-1})"
		return 1
	done
	ok "modprobe $1; rmmod $1 at once, reloaded ${2:-1} times"
}

# kunit MODULE SUITE: load a KUnit test module (its suites run at load)
# and pass the suite's KTAP results on.
kunit() {
	step "modprobe $1" modprobe "$1" || return 1
	out "@@ kunit $2"
	cat /sys/kernel/debug/kunit/$2/results > $DAXO_OUT 2>&1
	out "@@ end"
}

# kexec_stage2 CMDLINE...: kexec into this same kernel and initramfs with
# the given extra command line (the Soft Reserved ranges, usually).
kexec_stage2() {
	local cmdline
	cmdline="$(sed 's/daxo.stage=[0-9]*//' /proc/cmdline) daxo.stage=2 $*"
	# The running root, repacked: -xdev keeps the mount points of /proc,
	# /sys, /dev and /tmp but not what is mounted there.
	# Not compressed: gzip costs seconds under TCG, memory is plenty.
	(cd / && find . -xdev | cpio -o -H newc > /tmp/initrd.cpio 2>/dev/null)
	step "kexec load" kexec -l /daxo/bzImage --initrd=/tmp/initrd.cpio \
		--command-line="$cmdline" || return 1
	out "# kexec into stage 2"
	sync
	kexec -e
	notok "kexec -e returned"
}

# kmemleak_check: on a kernel with kmemleak (the debug variant), scan for
# leaks once the scenario is done and pass the report on ("@@ kmemleak").
# kmemleak does not report objects younger than 5 s, nor objects whose
# contents changed since the previous scan (all of them, at the first): wait,
# then scan twice.
kmemleak_check() {
	local k=/sys/kernel/debug/kmemleak
	[ -e $k ] || return 0
	settle
	sleep 6
	step "kmemleak scan" sh -c "echo scan > $k && echo scan > $k" || return 1
	out "@@ kmemleak"
	cat $k > $DAXO_OUT
	out "@@ end"
}

daxo_main() {
	local stage
	stage=$(cmdline_arg stage)
	stage=${stage:-1}
	out "KTAP version 1"
	out "# daxo scenario $(cmdline_arg scenario) stage $stage impl $(cmdline_arg impl)"
	. /daxo/scenario.sh
	if [ "$stage" = 1 ]; then
		stage1
	else
		stage2
	fi
	kmemleak_check
	daxo_n=0
	[ -r $DAXO_STEPS ] && read -r daxo_n < $DAXO_STEPS
	out "1..$daxo_n"
	out "@@ done"
}

# ---- make bench (scripts/bench.py) ----
# The bench's event recorder (scripts/bench/daxo_trace.c, shipped in the
# scenario archive as /daxo/daxo_trace.ko) times driver events with the
# printk clock, without printing; these helpers drive and read it. During
# the timed part the guest forks nothing it can avoid: on the one vCPU a
# forked process (busybox under TCG: milliseconds each) would be timed
# along with the drivers.

# bench_trace: load the recorder (before udev_up, to see CXL probing), and
# open the fifo bench_nap sleeps on.
bench_trace() {
	mkfifo /tmp/bench.fifo && exec 9<>/tmp/bench.fifo
	step "modprobe cxl_core" modprobe cxl_core &&
		step "insmod daxo_trace" insmod /daxo/daxo_trace.ko
}

# bench_nap SECONDS: sleep without forking (a read, with a timeout, of a
# fifo nobody writes).
bench_nap() {
	read -t "$1" -u 9 _
}

# bench_quiet: stop running mdev for every uevent. Both implementations
# emit the same uevents; handling them is udev's time, not the drivers'.
# (The modules the timed part loads are loaded by name; kmem, which the
# DAX devices would ask for, is blacklisted anyway.)
bench_quiet() {
	settle
	echo > /proc/sys/kernel/hotplug
}

# bench_mark WORD: a timestamped mark in the recorder (a shell builtin
# write: nothing is forked).
bench_mark() {
	echo "$1" > /sys/kernel/debug/daxo_trace/mark
}

# bench_load MODULE...: load modules in order, each right after a mark
# "load-MODULE"; reported by bench_wait_dax, after the timed part.
bench_load() {
	local m
	for m in "$@"; do
		bench_mark "load-$m"
		if ! modprobe "$m" 2>/tmp/bench.err; then
			notok "modprobe $m"
			sed 's/^/# /' /tmp/bench.err > $DAXO_OUT
			return 1
		fi
	done
	echo "$*" > /tmp/bench.loaded
}

# bench_region ROOTDECODER SIZE MEMDEV...: create_ram_region, reported
# only after bench_wait_dax (nothing forked after the region is bound).
bench_region() {
	if ! create_ram_region "$@" > /tmp/bench.region 2>/tmp/err; then
		notok "create ram region ($*)"
		sed 's/^/# /' /tmp/err > $DAXO_OUT
		return 1
	fi
}

# bench_wait_dax N: wait (up to 20 s, without forking) until N DAX devices
# exist, give their probes 0.2 s to return, then report the loads (and the
# region) and dump the recorded events as snapshot "trace".
bench_wait_dax() {
	local i=0 n d
	while [ $i -lt 200 ]; do
		n=0
		for d in /sys/bus/dax/devices/*; do
			[ -e "$d" ] && n=$((n + 1))
		done
		[ "$n" -ge "$1" ] && break
		bench_nap 0.1
		i=$((i + 1))
	done
	bench_nap 0.2
	bench_mark dumped
	[ -s /tmp/bench.loaded ] && ok "modprobe $(cat /tmp/bench.loaded)"
	[ -s /tmp/bench.region ] && ok "region $(cat /tmp/bench.region) committed"
	if [ "$n" -ge "$1" ]; then ok "$n DAX devices"
	else notok "$n DAX devices, expected $1"; fi
	out "@@ snap trace"
	out "@@ file events"
	cat /sys/kernel/debug/daxo_trace/events > $DAXO_OUT
	out "@@ end"
}
