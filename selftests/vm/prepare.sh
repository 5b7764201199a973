#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What every host-side runner does before it boots a guest, shared by
# selftests/vm/check.sh (`make check`), bench/run.sh (`make bench`) and
# demo/run.sh (`make demo`).  The runner sets PROG (its name in messages)
# and sources this, which sets XTUN_REPO (this checkout, exported for the
# guest) and BUILD (XTUN_BUILD, default .build in it) and sources vm.sh.
#
#   prepare_host          root, the packages deps.sh installs, the netlink
#                         spec check and xtunctl
#   release_of SERIES     the kernel release of a series (6.1, 6.12, debug)
#   prepare_kernel REL    xtun.ko, its module tree and the initramfs for REL
#
# Environment: XTUN_KMOD_REPO (default XTUN_REPO) is the tree the module is
# built from.

XTUN_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${XTUN_BUILD:-$XTUN_REPO/.build}
export XTUN_REPO
# shellcheck source=vm.sh
source "$XTUN_REPO/selftests/vm/vm.sh"

KMOD_REPO=${XTUN_KMOD_REPO:-$XTUN_REPO}

die() {
	echo "${PROG:-xtun}: $*" >&2
	exit 1
}

release_of() {
	local rel

	rel=$(kernel_release "$1")
	[ -n "$rel" ] || die "no kernel of series $1 (6.1 and 6.12 come from deps.sh, debug from kernels.sh)"
	echo "$rel"
}

# prepare_host: what any guest run needs on the host.  Needs root: deps.sh
# installs packages, and the guests' network namespaces need it too.
prepare_host() {
	if [ "$(id -u)" != 0 ]; then
		echo "${PROG:-xtun}: needs root to install packages and manage network namespaces; run:" >&2
		echo "  sudo make ${PROG:-check}" >&2
		exit 1
	fi
	"$VM_DIR/deps.sh" || die "installing dependencies failed"
	mkdir -p "$BUILD"
	# The generated netlink code must be what the spec generates; this also
	# puts the kernel's ynl tools in BUILD/ynl for selftests/ynl.sh.
	YNL_DIR="$BUILD/ynl" "$XTUN_REPO/scripts/netlink-gen.sh" --check ||
		die "the netlink spec and the generated files or uapi header disagree"
	make -s -C "$XTUN_REPO" kernel-doc XTUN_BUILD="$BUILD" ||
		die "kernel-doc -Wall found undocumented or misdocumented code"
	make -s -C "$XTUN_REPO/tools/tunctl" EXTRA_CFLAGS=-Werror >/dev/null ||
		die "building xtunctl failed"
}

# Build the module for REL from a copy of exactly the files DKMS ships, with
# W=1 and sparse; any warning fails the build.  The debug kernel gets the
# debug build, which runs the module's own self-tests when it loads.
build_module() {
	local rel=$1 src="$BUILD/$1/src" log="$BUILD/$1/build.log" debug=

	kernel_is_debug "$rel" && debug=1
	rm -rf "$src"
	make -s -C "$KMOD_REPO" dkms-install DKMS_SRC="$src" >/dev/null ||
		die "copying the module sources failed"
	if ! make -C "$src" -j"$(nproc)" module KERNELRELEASE="$rel" KDIR="$(kernel_kdir "$rel")" \
		W=1 C=1 XTUN_DEBUG=$debug >"$log" 2>&1; then
		cat "$log"
		die "building xtun.ko for $rel failed"
	fi
	if grep -E '(warning|error):' "$log"; then
		die "building xtun.ko for $rel gave warnings (W=1, sparse)"
	fi
	echo "$src/kmod/xtun.ko"
}

# Everything a guest of REL needs: the module, its module tree, initramfs.
prepare_kernel() {
	local rel=$1 ko

	ko=$(build_module "$rel") || exit 1
	vm_modules "$rel" "$BUILD/$rel/modules" "$ko" || die "indexing modules for $rel failed"
	vm_initramfs "$rel" "$BUILD/$rel/initrd.gz"
}
