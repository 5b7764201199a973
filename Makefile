# SPDX-License-Identifier: GPL-2.0
#
# Thin wrapper: the module is built by the kernel's build system from Kbuild
# and kmod/Kbuild; xtunctl by tools/tunctl/Makefile.  See README.md.

# The kernel to build for.  Defaults to the running one, or, when it has no
# headers installed (a build host, or this project's CI), to the newest kernel
# whose headers are.
KERNELRELEASE ?= $(shell r=$$(uname -r); \
	if [ -d /lib/modules/$$r/build ]; then echo $$r; else \
	ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | sort -V | tail -n1; fi)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
PREFIX ?= /usr
# XTUN_DEBUG=1 builds a module that runs its self-tests at load time.
XTUN_DEBUG ?=
DESTDIR ?=
VERSION := $(shell sed -n 's/^\#define XTUN_VERSION "\(.*\)"/\1/p' uapi/linux/xtun_version.h)
DKMS_SRC := $(DESTDIR)/usr/src/xtun-$(VERSION)
# What DKMS needs to build the module, and nothing else.
DKMS_FILES := dkms.conf Kbuild Makefile uapi/linux/xtun.h uapi/linux/xtun_version.h \
	$(wildcard kmod/Kbuild kmod/*.c kmod/*.h kmod/compat/*.h \
		kmod/selftest/*.c kmod/selftest/*.h)

# Selftest harness knobs: which kernel series to boot, or HOST=1 to run on
# the running kernel instead of in QEMU.
KERNELS ?= 6.1 6.12 debug
HOST ?=

.PHONY: all module kdir-exists tools install module-install tools-install dkms-install \
	checkpatch kernel-doc netlink-gen netlink-check check demo bench clean help

all: module tools

module: kdir-exists
	$(MAKE) -C $(KDIR) M=$(CURDIR) XTUN_DEBUG=$(XTUN_DEBUG) modules

kdir-exists:
	@test -d "$(KDIR)" || { \
		echo "No kernel headers in '$(KDIR)'."; \
		echo "Install them (apt-get install linux-headers-\$$(uname -r)) or set KERNELRELEASE= or KDIR=."; \
		exit 1; }

tools:
	$(MAKE) -C tools/tunctl

install: module-install tools-install

module-install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	@# A staged install (DESTDIR) is indexed by the package's own postinst.
	$(if $(DESTDIR),@echo "DESTDIR set: run depmod -a $(KERNELRELEASE) after unpacking",depmod -a $(KERNELRELEASE))

tools-install: tools
	$(MAKE) -C tools/tunctl install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

dkms-install:
	@for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DKMS_SRC)/$$f || exit 1; \
	done
	@echo "installed sources to $(DKMS_SRC); now: dkms install xtun/$(VERSION)"

# The kernel's style checker, from Debian's linux-source package.
CHECKPATCH ?= .build/checkpatch/scripts/checkpatch.pl
checkpatch:
	@test -e $(CHECKPATCH) || { \
		src=$$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1); \
		test -n "$$src" || { echo "apt-get install linux-source-6.1, or set CHECKPATCH="; exit 1; }; \
		mkdir -p .build/checkpatch && tar -xJf $$src -C .build/checkpatch --strip-components=1 \
			--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch'; }
	$(CHECKPATCH) --no-tree --strict --quiet -f \
		$(filter-out %.mod.c,$(wildcard kmod/*.[ch] kmod/selftest/*.[ch])) \
		kmod/compat/*.h uapi/linux/xtun.h uapi/linux/xtun_version.h

# The kernel's kernel-doc, as `make htmldocs` would run it, over the
# driver and the uapi header: every warning fails (make check runs it first).
KERNEL_DOC ?= $(or $(XTUN_BUILD),.build)/kernel-doc/scripts/kernel-doc
kernel-doc:
	@test -e $(KERNEL_DOC) || { \
		src=$$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1); \
		test -n "$$src" || { echo "apt-get install linux-source-6.12, or set KERNEL_DOC="; exit 1; }; \
		mkdir -p $(dir $(KERNEL_DOC)).. && tar -xJf $$src -C $(dir $(KERNEL_DOC)).. \
			--strip-components=1 --wildcards '*/scripts/kernel-doc'; }
	@out=$$($(KERNEL_DOC) -Wall -none $(filter-out %.mod.c,$(wildcard kmod/*.[ch])) \
		uapi/linux/*.h 2>&1); test -z "$$out" || { echo "$$out"; exit 1; }

# kmod/netlink-gen.[ch] from Documentation/netlink/specs/xtun.yaml, with the
# ynl-gen-c.py of Debian's linux-source-6.12, and xtunctl's attribute names
# in tools/tunctl/netlink-gen.[ch]; netlink-check fails when the
# committed files are stale or uapi/linux/xtun.h disagrees with the spec
# (make check runs it first).
YNL_DIR ?= $(or $(XTUN_BUILD),.build)/ynl
netlink-gen:
	YNL_DIR=$(YNL_DIR) scripts/netlink-gen.sh

netlink-check:
	YNL_DIR=$(YNL_DIR) scripts/netlink-gen.sh --check

empty :=
space := $(empty) $(empty)
comma := ,

# TESTS="a.sh b.sh" runs only those selftest scripts (no DKMS or harness tests).
check:
	selftests/vm/check.sh $(if $(HOST),--host) $(if $(TESTS),--only $(subst $(space),$(comma),$(strip $(TESTS)))) $(KERNELS)

# The site-to-site demo (demo/) in a guest of the last of KERNELS.
demo:
	demo/run.sh $(lastword $(KERNELS))

# `make bench` (bench/): throughput, latency and scale of veth, WireGuard,
# IPsec and xtun, one guest per kernel (Documentation/performance.rst).
# Debian's kernels only, 6.12 and 6.1 unless KERNELS= says otherwise;
# BENCH_RUNS, BENCH_TIME, BENCH_PINGS, BENCH_KINDS, SCALE, SCALE_PEERS,
# PREFIXES, STEP_TIMEOUT and RX_FANOUT_PPS pass to the guest, and SLOW=1
# (one host core) or SLOW=N% (a CPU quota) slows it (bench/slow.sh).
BENCH_KERNELS = $(filter-out debug,$(if $(filter file,$(origin KERNELS)),6.12 6.1,$(KERNELS)))
bench:
	bench/run.sh $(BENCH_KERNELS)

help:
	@echo "Targets:"
	@echo "  all (default)    module and tools"
	@echo "  module, tools    xtun.ko for KERNELRELEASE=/KDIR=, or xtunctl"
	@echo "  install          module-install and tools-install (DESTDIR=, PREFIX=)"
	@echo "  dkms-install     the module's sources for DKMS"
	@echo "  checkpatch       the kernel's style checker over kmod/"
	@echo "  kernel-doc       the kernel's kernel-doc -Wall over kmod/ and uapi/"
	@echo "  netlink-gen      kmod/ and tools/tunctl/netlink-gen.[ch] from the netlink spec"
	@echo "  netlink-check    fail if they or uapi/linux/xtun.h disagree with the spec"
	@echo "  check            selftests in QEMU guests (KERNELS=, TESTS=, HOST=1)"
	@echo "  demo             the site-to-site demo in a guest (demo/)"
	@echo "  bench            veth, WireGuard, IPsec and xtun compared in a guest per"
	@echo "                   kernel (bench/; KERNELS=, BENCH_RUNS=, BENCH_TIME=, SCALE=,"
	@echo "                   SLOW=); table, JSON and PNG in .build/bench"
	@echo "  clean            remove what the build made"

clean:
	$(MAKE) -C tools/tunctl clean
	rm -rf .build
	@if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
