#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtunctl's command line: help, version, and its exit status contract
# (0 ok, 1 usage error, 2 the kernel refused).

source "$(dirname "$0")/lib.sh"

help_lists_every_command() {
	local cmd

	check_ok "$XTUNCTL" help
	for cmd in show help version; do
		check_match "$OUT" "^  $cmd " "help for $cmd"
	done
	check_ok "$XTUNCTL" --help
	check_match "$OUT" '^Usage: xtunctl COMMAND' "--help"
}

version_matches_the_module_sources() {
	local want

	want=$(sed -n 's/^#define XTUN_VERSION "\(.*\)"/\1/p' "$XTUN_REPO/kmod/version.h")
	check_ok "$XTUNCTL" --version
	check_eq "$OUT" "xtunctl $want" "--version"
	check_ok "$XTUNCTL" version
	check_eq "$OUT" "xtunctl $want" "version"
}

usage_errors_exit_1_and_name_the_problem() {
	check_status 1 "$XTUNCTL"
	check_match "$OUT" '^Usage: ' "no command"
	check_status 1 "$XTUNCTL" frobnicate
	check_match "$OUT" "unknown command 'frobnicate'" "unknown command"
	check_status 1 "$XTUNCTL" show xtun0 extra
	check_match "$OUT" 'Usage: xtunctl show' "too many arguments"
	check_status 1 "$XTUNCTL" show abcdefghijklmnopq
	check_match "$OUT" "interface name 'abcdefghijklmnopq' is longer than 15" "long name"
}

kernel_refusal_exits_2_with_its_message() {
	xtun_load
	check_status 2 "$XTUNCTL" show nosuch0
	check_eq "$OUT" "Error: xtun: no such device" "kernel's message"
}

show_without_devices_prints_nothing() {
	local ns

	xtun_load
	ns=$(ns_new a)
	check_ok ip netns exec "$ns" "$XTUNCTL" show
	check_eq "$OUT" "" "output"
}

ktap_run_tests \
	help_lists_every_command \
	version_matches_the_module_sources \
	usage_errors_exit_1_and_name_the_problem \
	kernel_refusal_exits_2_with_its_message \
	show_without_devices_prints_nothing
