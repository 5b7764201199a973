#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "xtun" generic netlink family: get-device do and dump, strict
# validation with a reason for every rejection, and the permission model.
#
#   namespace "a": xtun0, xtun1, d0 (dummy); namespace "b": xtun9

source "$(dirname "$0")/lib.sh"
require_cmd python3

NL="python3 $(dirname "$0")/xtun_nl.py"
# From uapi/linux/xtun.h.
CMD_GET_DEVICE=1
A_IFINDEX=1
A_IFNAME=2

get_device_by_name_and_by_index() {
	local ns ifindex

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	ifindex=$(ip netns exec "$ns" cat /sys/class/net/xtun0/ifindex)
	check_ok ip netns exec "$ns" "$XTUNCTL" show xtun0
	check_match "$OUT" '^interface: xtun0$' "device name"
	check_match "$OUT" "^  ifindex: $ifindex\$" "device ifindex"
	check_ok ip netns exec "$ns" $NL $CMD_GET_DEVICE $A_IFINDEX:u32:"$ifindex"
	check_match "$OUT" "^msg $A_IFINDEX=$ifindex $A_IFNAME=xtun0\$" "reply by ifindex"
	check_match "$OUT" '^errno=0 ' "status"
	check_ok ip netns exec "$ns" $NL $CMD_GET_DEVICE \
		$A_IFINDEX:u32:"$ifindex" $A_IFNAME:strz:xtun0
	check_match "$OUT" '^errno=0 ' "ifindex and matching ifname"
}

dump_lists_only_xtun_devices_of_own_namespace() {
	local a b

	a=$(ns_new a)
	b=$(ns_new b)
	check_ok ip -n "$a" link add xtun0 type xtun
	check_ok ip -n "$a" link add xtun1 type xtun
	check_ok ip -n "$a" link add d0 type dummy
	check_ok ip -n "$b" link add xtun9 type xtun
	check_ok ip netns exec "$a" "$XTUNCTL" show
	check_eq "$(grep '^interface:' <<<"$OUT" | sort | tr '\n' ' ')" \
		"interface: xtun0 interface: xtun1 " "devices listed"
}

dump_with_selector_returns_one_device() {
	local ns

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip -n "$ns" link add xtun1 type xtun
	check_ok ip netns exec "$ns" $NL $CMD_GET_DEVICE $A_IFNAME:strz:xtun1 --dump
	check_eq "$(grep -c '^msg ' <<<"$OUT")" 1 "messages"
	check_match "$OUT" "^msg .* $A_IFNAME=xtun1\$" "the selected device"
}

# 200 devices do not fit in one dump message; every one must still appear
# exactly once.
dump_of_many_devices_spans_messages() {
	local ns i

	ns=$(ns_new a)
	for i in $(seq 0 199); do
		echo "link add xt$i type xtun"
	done | ip -n "$ns" -batch - || fail "creating 200 devices"
	check_ok ip netns exec "$ns" "$XTUNCTL" show
	check_eq "$(grep -c '^interface: xt' <<<"$OUT")" 200 "devices listed"
	check_eq "$(grep '^interface: ' <<<"$OUT" | sort -u | wc -l)" 200 "distinct devices"
}

unknown_or_foreign_device_is_refused_by_name() {
	local ns

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add d0 type dummy
	check_status 2 ip netns exec "$ns" "$XTUNCTL" show nosuch0
	check_match "$OUT" '^Error: xtun: no such device$' "unknown device"
	check_status 2 ip netns exec "$ns" "$XTUNCTL" show d0
	check_match "$OUT" '^Error: xtun: device is not an xtun device$' "non-xtun device"
}

malformed_requests_are_rejected_with_a_reason() {
	local ns

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	nl() { check_ok ip netns exec "$ns" $NL "$@"; }

	nl $CMD_GET_DEVICE
	check_match "$OUT" '^errno=EINVAL msg=xtun: missing device: give ifindex or ifname$' "no selector"
	nl $CMD_GET_DEVICE $A_IFINDEX:u16:1
	check_match "$OUT" '^errno=ERANGE|^errno=EINVAL msg=.+' "ifindex of 2 bytes"
	nl $CMD_GET_DEVICE $A_IFINDEX:u32:0
	check_match "$OUT" '^errno=ERANGE msg=.+' "ifindex 0"
	nl $CMD_GET_DEVICE $A_IFNAME:strz:0123456789abcdefXYZ
	check_match "$OUT" '^errno=EINVAL msg=.+' "name longer than IFNAMSIZ"
	nl $CMD_GET_DEVICE $A_IFNAME:str:xtun0
	check_match "$OUT" '^errno=EINVAL msg=.+' "name without NUL"
	nl $CMD_GET_DEVICE $A_IFNAME:strz:xtun0 99:u32:1
	check_match "$OUT" '^errno=EINVAL msg=Unknown attribute type' "unknown attribute"
	nl $CMD_GET_DEVICE $A_IFINDEX:u32:1 $A_IFNAME:strz:xtun0
	check_match "$OUT" '^errno=EINVAL msg=xtun: ifindex and ifname name different devices$' "mismatch"
	nl 77
	check_match "$OUT" '^errno=EOPNOTSUPP' "unknown command"
	# The dump path validates the same way.
	nl $CMD_GET_DEVICE $A_IFINDEX:u32:0 --dump
	check_match "$OUT" '^errno=ERANGE msg=.+' "dump with ifindex 0"
	nl $CMD_GET_DEVICE $A_IFNAME:strz:nosuch0 --dump
	check_match "$OUT" '^errno=ENODEV msg=xtun: no such device$' "dump of unknown device"
	# And after all that, the device is still there and answers.
	nl $CMD_GET_DEVICE $A_IFNAME:strz:xtun0
	check_match "$OUT" '^errno=0 ' "valid request afterwards"
}

unprivileged_caller_is_refused() {
	require_cmd setpriv
	check_ok ip link add xtun0 type xtun
	check_status 2 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$XTUNCTL" show
	check_match "$OUT" 'Operation not permitted' "unprivileged user"
	# Root of a user namespace does not own the initial network namespace.
	check_status 2 unshare --user --map-root-user "$XTUNCTL" show xtun0
	check_match "$OUT" 'Operation not permitted' "foreign user namespace"
}

user_namespace_root_manages_its_own_devices() {
	xtun_load
	check_ok unshare --user --map-root-user --net sh -c \
		"ip link add xtun0 type xtun && '$XTUNCTL' show xtun0"
	check_match "$OUT" '^interface: xtun0$' "device in a user-owned namespace"
}

ktap_run_tests \
	get_device_by_name_and_by_index \
	dump_lists_only_xtun_devices_of_own_namespace \
	dump_with_selector_returns_one_device \
	dump_of_many_devices_spans_messages \
	unknown_or_foreign_device_is_refused_by_name \
	malformed_requests_are_rejected_with_a_reason \
	unprivileged_caller_is_refused \
	user_namespace_root_manages_its_own_devices
