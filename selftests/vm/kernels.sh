#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernels `make check` boots, by series name.  Sourced by check.sh.
#
#   6.1, 6.12   Debian's stock kernels, installed by deps.sh: image in /boot,
#               modules in /lib/modules, headers in /lib/modules/REL/build.
#   debug       a 6.12 kernel with KASAN, lockdep, kmemleak, UBSAN and fault
#               injection (debug.config beside this file), read from
#               $XTUN_DEBUG_KERNEL (default ../shared/debug-kernel beside the
#               checkout) or built by debug-kernel.sh when that is absent.
#
#   kernel_release SERIES   the release string of SERIES (prepares the debug
#                           kernel on first use)
#   kernel_is_debug REL     true for the debug kernel's release
#   kernel_image REL        the bzImage QEMU boots
#   kernel_root REL         the directory holding lib/modules/REL
#   kernel_kdir REL         the tree external modules are built against
#   kernel_cmdline REL      extra kernel command line for REL
#   kernel_mem REL          guest memory in MiB
#   kernel_cpus REL         its vCPUs

KERNELS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEBUG_SUFFIX=-xtun-debug
# Where the prepared debug kernel lives: the image, build/ and lib/modules/.
DEBUG_KERNEL_OUT=${BUILD:?}/debug-kernel

debug_kernel_source() {
	if [ -n "${XTUN_DEBUG_KERNEL:-}" ]; then
		echo "$XTUN_DEBUG_KERNEL"
	elif [ -r "$XTUN_REPO/../shared/debug-kernel/release" ]; then
		echo "$XTUN_REPO/../shared/debug-kernel"
	else
		# Nothing ready beside the checkout: build it (about half an
		# hour on two cores), once per build directory.
		echo "$BUILD/debug-kernel-dist"
	fi
}

# Unpack the debug kernel's build tree and module index, once.
debug_kernel_prepare() {
	local src rel

	src=$(debug_kernel_source)
	if [ ! -r "$src/release" ]; then
		"$KERNELS_DIR/debug-kernel.sh" "$src" >&2 || return 1
	fi
	rel=$(cat "$src/release")
	if [ ! -e "$DEBUG_KERNEL_OUT/$rel.ready" ]; then
		rm -rf "$DEBUG_KERNEL_OUT"
		mkdir -p "$DEBUG_KERNEL_OUT/root" &&
			tar -xJf "$src/build-$rel.tar.xz" -C "$DEBUG_KERNEL_OUT" &&
			tar -xJf "$src/modules-$rel.tar.xz" -C "$DEBUG_KERNEL_OUT/root" &&
			cp "$src/vmlinuz-$rel" "$DEBUG_KERNEL_OUT/" || return 1
		touch "$DEBUG_KERNEL_OUT/$rel.ready"
	fi
	echo "$rel"
}

kernel_release() {
	case "$1" in
	debug)	debug_kernel_prepare ;;
	*)	"$KERNELS_DIR/deps.sh" release "$1" ;;
	esac
}

kernel_is_debug() {
	[ "${1%"$DEBUG_SUFFIX"}" != "$1" ]
}

kernel_image() {
	if kernel_is_debug "$1"; then
		echo "$DEBUG_KERNEL_OUT/vmlinuz-$1"
	else
		echo "/boot/vmlinuz-$1"
	fi
}

kernel_root() {
	if kernel_is_debug "$1"; then
		echo "$DEBUG_KERNEL_OUT/root"
	else
		echo /
	fi
}

kernel_kdir() {
	if kernel_is_debug "$1"; then
		echo "$DEBUG_KERNEL_OUT/build"
	else
		echo "/lib/modules/$1/build"
	fi
}

# A warning of any kind stops the debug kernel at once, so the log ends at
# the first report; kmemleak is scanned by guest.sh after the tests.  The
# scripts run their debug-kernel subset there (lib.sh, in_subset).
kernel_cmdline() {
	if kernel_is_debug "$1"; then
		echo "panic_on_warn=1 kmemleak=on XTUN_TEST_SUBSET=debug"
	fi
}

# KASAN's shadow takes an eighth of memory, and its quarantine more.
kernel_mem() {
	if kernel_is_debug "$1"; then
		echo "${VM_MEM_DEBUG:-3072}"
	else
		echo "${VM_MEM:-2048}"
	fi
}

# Two guests run side by side on two host cores.  A stock guest's tests are
# mostly one shell after another: with one vCPU they ran 7% slower than
# with two, and two such guests at once no slower than one alone (with two
# vCPUs each, both took 2.3 times as long).  The debug kernel gets two, so
# that what it checks happens on two CPUs at once (lockdep, KASAN and the
# threaded NAPI race); they share one host thread (vm_accel in vm.sh).
# VM_CPUS overrides both.
kernel_cpus() {
	if [ -n "${VM_CPUS:-}" ]; then
		echo "$VM_CPUS"
	elif kernel_is_debug "$1"; then
		echo 2
	else
		echo 1
	fi
}
