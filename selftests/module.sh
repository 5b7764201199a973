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
	module_unloads_with_devices_present
