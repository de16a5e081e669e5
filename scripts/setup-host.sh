#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything the project needs on a Debian 12 host, idempotently.
#
#  - apt suites bookworm-backports (QEMU 10.0) and trixie-backports
#    (linux-source-7.x), pinned so that nothing else is upgraded;
#  - the Rust toolchain the kernel accepts (rustc-web + rust-web-src);
#  - bindgen-cli, built by cargo into the cache;
#  - clang-19, lld-19, llvm-19 for the debug kernel (LLVM=-19, KASAN).
#
# Fast when everything is in place: it checks before it installs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOURCES=/etc/apt/sources.list.d/dax-ownership-backports.sources
PIN=/etc/apt/preferences.d/dax-ownership

PKGS="rustc-web rust-web-src libclang-19-dev flex bison bc libelf-dev
libssl-dev cpio busybox-static kexec-tools ndctl daxctl xz-utils make gcc
rust-web-clippy rustfmt-web kmod
python3
clang-19 lld-19 llvm-19"

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

want_sources() {
	cat <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
}

want_pin() {
	cat <<'EOS'
# Managed by dax-ownership scripts/setup-host.sh: the backports suites
# provide only what the project asks for by name.
Package: *
Pin: release n=trixie-backports
Pin-Priority: 1

Package: linux-source-7.*
Pin: release n=trixie-backports
Pin-Priority: 500

Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100
EOS
}

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	daxo_log "apt-get update"
	$SUDO apt-get update -q >/dev/null
	apt_updated=1
}

if ! cmp -s <(want_sources) "$SOURCES" || ! cmp -s <(want_pin) "$PIN"; then
	want_sources | $SUDO tee "$SOURCES" >/dev/null
	want_pin | $SUDO tee "$PIN" >/dev/null
	apt_update
fi

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
m=$(missing $PKGS)
if [ -n "$m" ]; then
	apt_update
	daxo_log "installing:" $m
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $m >/dev/null
fi

# QEMU 10.0 from bookworm-backports (bookworm's 7.2 lacks the CXL pieces used).
if ! qemu-system-x86_64 --version 2>/dev/null | grep -q 'version \(1[0-9]\|9\)\.'; then
	apt_update
	daxo_log "installing qemu-system-x86 from bookworm-backports"
	$SUDO apt-get install -y -q --no-install-recommends \
		-t bookworm-backports qemu-system-x86 >/dev/null
fi

# The newest linux-source-7.* on offer (7.3 when present).
if ! ls /usr/src/linux-source-7.*.tar.xz >/dev/null 2>&1; then
	apt_update
	src=$(apt-cache search --names-only '^linux-source-7\.[0-9]+$' |
		awk '{print $1}' | sort -V | tail -n 1)
	[ -n "$src" ] || daxo_die "no linux-source-7.* package in the configured suites"
	daxo_log "installing $src from trixie-backports"
	$SUDO apt-get install -y -q --no-install-recommends "$src/trixie-backports" >/dev/null
fi

if [ ! -x "$DAXO_BINDGEN" ] ||
   ! "$DAXO_BINDGEN" --version 2>/dev/null | grep -q "$DAXO_BINDGEN_VERSION"; then
	daxo_log "cargo install bindgen-cli $DAXO_BINDGEN_VERSION"
	cargo install --locked --quiet "bindgen-cli@$DAXO_BINDGEN_VERSION" \
		--root "$(dirname "$(dirname "$DAXO_BINDGEN")")"
fi
