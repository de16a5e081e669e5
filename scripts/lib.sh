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
