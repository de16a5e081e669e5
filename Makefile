# SPDX-License-Identifier: GPL-2.0
#
# dax-ownership: Rust dax_hmem and dax_cxl for Linux 7.3.
#
#   make [KDIR=...]     build dax_hmem.ko and dax_cxl.ko out of tree
#   make check          set up, build, and run every test in QEMU
#   make check-debug    every scenario on the debug kernel (clang-19,
#                       KASAN, kmemleak, lockdep)
#   make demo           boot the mixed scenario and print who owns what
#   make bench          settle time, registration time and sizes against
#                       the C anchor (figures only, ~12 min)
#   make patches        the git-format patch series against Linux 7.3, in
#                       out/patches (or PATCHES_DIR)
#   make intree         the in-tree tests alone: series, Kconfig, the four
#                       in-tree builds, the built-in kernel's scenarios
#
# Without KDIR the project's own kernel is used (built on first use, cached
# under $(DAXO_CACHE)). KDIR must be a configured and built 7.3 tree (or its
# O= build directory) with CONFIG_RUST=y and the source of drivers/dax and
# drivers/cxl available.

RUSTC ?= /usr/bin/rustc
DAXO_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/dax-ownership
BINDGEN ?= $(DAXO_CACHE)/bindgen-0.72.1/bin/bindgen
LIBCLANG_PATH ?= /usr/lib/llvm-19/lib
export DAXO_CACHE LIBCLANG_PATH

# A project kernel built with clang (the debug variant) names its extra
# flags (LLVM=-19) in daxo-kmake-flags; modules build with the same ones.
KMAKE = $(MAKE) -C "$$kdir" M=$(CURDIR) RUSTC=$(RUSTC) HOSTRUSTC=$(RUSTC) \
	BINDGEN=$(BINDGEN) $$(cat "$$kdir/daxo-kmake-flags" 2>/dev/null)
# The kernel directory: KDIR, or the project's kernel (built if needed).
GETKDIR = kdir="$(KDIR)"; \
	if [ -z "$$kdir" ]; then scripts/setup-host.sh && \
		kdir=$$(scripts/kernel.sh) || exit 1; fi

.PHONY: all modules clean check check-debug demo bench setup kernel patches intree mutants

all: modules

modules:
	@$(GETKDIR); $(KMAKE) modules

clean:
	@$(GETKDIR); $(KMAKE) clean

setup:
	@scripts/setup-host.sh

kernel: setup
	@scripts/kernel.sh

check:
	@scripts/check.sh

check-debug:
	@scripts/check-debug.sh

demo:
	@scripts/demo.sh

bench:
	@scripts/bench.py $(if $(KDIR),--kdir "$(KDIR)")

mutants: setup
	@scripts/mutants.py --kdir "$$(scripts/kernel.sh)" $(if $(MUTANTS),--only "$(MUTANTS)")

patches:
	@scripts/patches.sh $(PATCHES_DIR)

intree: setup
	@scripts/intree.sh check
