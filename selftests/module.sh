#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Loading, autoloading and unloading the xtun module.
#
#   init namespace: xtun0 ... and a namespace "a" with its own xtun0
#
# The autoload tests need xtun.ko where modprobe finds it (the VM harness
# installs it under /lib/modules/$(uname -r)/updates).

source "$(dirname "$0")/lib.sh"

module_installed() {
	modinfo xtun >/dev/null 2>&1 || skip "xtun.ko is not installed for modprobe"
}

module_loads_and_unloads() {
	xtun_unload
	xtun_load || fail "loading xtun failed"
	xtun_loaded || fail "xtun is not listed after loading"
	xtun_unload || fail "unloading xtun failed"
	! xtun_loaded || fail "xtun is still loaded"
}

modinfo_shows_aliases_and_version() {
	local info version

	module_installed
	info=$(modinfo xtun)
	check_match "$info" '^alias: +rtnl-link-xtun$' "rtnl link alias"
	check_match "$info" '^alias: +net-pf-16-proto-16-family-xtun$' "genetlink alias"
	version=$(awk '$1 == "version:" { print $2 }' <<<"$info")
	check_eq "$("$XTUNCTL" --version)" "xtunctl $version" "xtunctl and module versions"
}

link_add_autoloads_module() {
	module_installed
	xtun_unload
	check_ok ip link add xtun0 type xtun
	xtun_loaded || fail "xtun was not loaded by ip link add"
}

genetlink_request_autoloads_module() {
	module_installed
	xtun_unload
	check_ok "$XTUNCTL" show
	xtun_loaded || fail "xtun was not loaded by a genetlink request"
}

# mark_kernel_log: write a line of its own to the kernel log; print it.
mark_kernel_log() {
	local mark="xtun-selftest-mark-$$-$RANDOM"

	echo "$mark" >/dev/kmsg
	echo "$mark"
}

# kernel_log_since MARK: the kernel log from the line MARK on.
kernel_log_since() {
	dmesg | sed -n "/$1/,\$p"
}

# load_after MARK [PARAM=VALUE...]: load xtun; when it refuses, show the
# self-tests that failed since MARK.
load_after() {
	local mark=$1

	shift
	modprobe xtun "$@" 2>/dev/null ||
		{ [ -n "${XTUN_KO:-}" ] && insmod "$XTUN_KO" "$@"; } ||
		fail "loading xtun failed:" "$(kernel_log_since "$mark" | grep self-test)"
}

# Only a debug build (make XTUN_DEBUG=1) has this parameter.
require_debug_build() {
	[ -e /sys/module/xtun/parameters/selftest_seed ] ||
		skip "not a debug build (make XTUN_DEBUG=1)"
}

# A debug build checks its data structures when it loads, and refuses to
# load when one is wrong.
debug_build_passes_self_tests_at_load() {
	local mark

	xtun_unload
	mark=$(mark_kernel_log)
	load_after "$mark"
	require_debug_build
	check_match "$(kernel_log_since "$mark")" \
		'xtun: self-tests passed in [0-9]+ ms \(.*selftest_seed=[0-9]+\)' \
		"kernel log after loading"
}

# The seed that a failure prints repeats the same self-tests.
debug_build_repeats_self_tests_with_a_seed() {
	local mark

	xtun_load || fail "loading xtun failed"
	require_debug_build
	xtun_unload
	mark=$(mark_kernel_log)
	load_after "$mark" selftest_seed=12345
	check_eq "$(cat /sys/module/xtun/parameters/selftest_seed)" 12345 "selftest_seed"
	check_match "$(kernel_log_since "$mark")" \
		'xtun: self-tests passed in [0-9]+ ms \(.*selftest_seed=12345\)' \
		"kernel log after loading"
}

module_unloads_with_devices_present() {
	local ns

	xtun_load
	ns=$(ns_new a)
	check_ok ip link add xtun0 type xtun
	check_ok ip link set xtun0 up
	check_ok ip addr add 10.0.0.1/24 dev xtun0
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip -n "$ns" link set xtun0 up
	xtun_unload || fail "unloading xtun with devices present failed"
	check_fails ip link show xtun0
	check_fails ip -n "$ns" link show xtun0
	# The namespace itself is untouched and still usable.
	check_ok ip -n "$ns" link add d0 type dummy
}

# On the debug kernel (lib.sh, in_subset): one test of each code path.
DEBUG_KERNEL_TESTS="
	module_loads_and_unloads
	debug_build_passes_self_tests_at_load
	module_unloads_with_devices_present
"

ktap_run_tests \
	module_loads_and_unloads \
	modinfo_shows_aliases_and_version \
	link_add_autoloads_module \
	genetlink_request_autoloads_module \
	debug_build_passes_self_tests_at_load \
	debug_build_repeats_self_tests_with_a_seed \
	module_unloads_with_devices_present
