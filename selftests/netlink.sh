#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "xtun" generic netlink family: get-device do and dump (split across
# messages), strict validation with a reason for every rejection and no
# change on a rejected request, and the permission model.
#
#   namespace "a": xtun0, xtun1, d0 (dummy); namespace "b": xtun9

source "$(dirname "$0")/lib.sh"
require_cmd python3

NL="python3 $(dirname "$0")/xtun_nl.py"
python3 -c 'import yaml' 2>/dev/null ||
	{ echo "# SKIP: python3-yaml is not installed (xtun_nl.py reads the spec)"; exit $KSFT_SKIP; }
# Commands and attributes by their names in the family's spec: CMD_GET_DEVICE,
# A_IFINDEX (device), P_PUBLIC_KEY (peer), P_F_REMOVE, AIP_FAMILY (allowed IP).
eval "$($NL --names | sed -n -e 's/^XTUN_CMD_\([A-Z_]*\) /CMD_\1=/p' \
	-e 's/^XTUN_DEVICE_A_\([A-Z_]*\) /A_\1=/p' -e 's/^XTUN_PEER_A_\([A-Z_]*\) /P_\1=/p' \
	-e 's/^XTUN_PEER_F_\([A-Z_]*\) /P_F_\1=/p' -e 's/^XTUN_ALLOWEDIP_A_\([A-Z_]*\) /AIP_\1=/p')"
AF_INET=2
AF_INET6=10
KEY1=$(printf '11%.0s' {1..32})

get_device_by_name_and_by_index() {
	local ns ifindex

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	ifindex=$(ip netns exec "$ns" cat /sys/class/net/xtun0/ifindex)
	check_ok ip netns exec "$ns" "$XTUNCTL" show xtun0
	check_match "$OUT" '^interface: xtun0$' "device name"
	check_match "$OUT" "^  ifindex: $ifindex\$" "device ifindex"
	check_ok ip netns exec "$ns" $NL $CMD_GET_DEVICE $A_IFINDEX:u32:"$ifindex"
	check_match "$OUT" "^msg $A_IFINDEX=$ifindex $A_IFNAME=xtun0 " "reply by ifindex"
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
	check_match "$OUT" "^msg .* $A_IFNAME=xtun1( |\$)" "the selected device"
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

# sockaddr_in for 192.0.2.1 and PORT, as hex.
sockaddr4_hex() {
	printf '0200%04x%s%s' "$1" c0000201 0000000000000000
}

peer_requests_are_checked_completely_before_anything_changes() {
	local ns dev key

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	dev=$A_IFNAME:strz:xtun0
	nl() { check_ok ip netns exec "$ns" $NL "$@"; }

	nl $CMD_NEW_PEER $dev
	check_match "$OUT" '^errno=EINVAL msg=xtun: missing peer$' "no peer"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_ENDPOINT:hex:$(sockaddr4_hex 51820)]"
	check_match "$OUT" '^errno=EINVAL msg=xtun: missing peer public key$' "no public key"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:${KEY1:2}]"
	check_match "$OUT" '^errno=(EINVAL|ERANGE) msg=.+' "31-byte public key"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1,$P_FLAGS:u32:1]"
	check_match "$OUT" '^errno=EINVAL msg=.+' "flags in NEW_PEER"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1,$P_ENDPOINT:hex:$(sockaddr4_hex 0)]"
	check_match "$OUT" '^errno=EINVAL msg=xtun: endpoint port must not be 0$' "endpoint port 0"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1,$P_ENDPOINT:hex:0a00]"
	check_match "$OUT" '^errno=(EINVAL|ERANGE) msg=.+' "endpoint too short"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1,$P_ALLOWEDIPS:nest:[0:nest:[$AIP_FAMILY:u16:99,$AIP_ADDR:hex:0a000000,$AIP_CIDR:u8:8]]]"
	check_match "$OUT" '^errno=EAFNOSUPPORT msg=xtun: allowed IP family must be AF_INET or AF_INET6$' "unknown family"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1,$P_ALLOWEDIPS:nest:[0:nest:[$AIP_FAMILY:u16:$AF_INET,$AIP_ADDR:hex:0a000000,$AIP_CIDR:u8:33]]]"
	check_match "$OUT" '^errno=EINVAL msg=xtun: prefix length is too long for the family$' "/33"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1,$P_ALLOWEDIPS:nest:[0:nest:[$AIP_FAMILY:u16:$AF_INET6,$AIP_ADDR:hex:0a000000,$AIP_CIDR:u8:8]]]"
	check_match "$OUT" '^errno=EINVAL msg=xtun: allowed IP address length does not match its family$' "4-byte IPv6 address"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1,$P_ALLOWEDIPS:nest:[0:nest:[$AIP_FAMILY:u16:$AF_INET,$AIP_CIDR:u8:8]]]"
	check_match "$OUT" '^errno=EINVAL msg=.+' "allowed IP without address"
	# Points of small order: zero, u = 1 (order 4), and one of order 8.
	for key in "$(printf '00%.0s' {1..32})" "01$(printf '00%.0s' {1..31})" \
		   e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800; do
		nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$key]"
		check_match "$OUT" '^errno=EINVAL msg=xtun: peer public key is of low order: no handshake could succeed$' \
			"low-order public key ${key:0:8}"
	done
	nl $CMD_SET_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1]"
	check_match "$OUT" '^errno=ENOENT msg=xtun: no such peer$' "set of unknown peer"
	nl $CMD_DEL_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1]"
	check_match "$OUT" '^errno=ENOENT msg=xtun: no such peer$' "delete of unknown peer"
	nl $CMD_SET_DEVICE $dev $A_FLAGS:u32:2
	check_match "$OUT" '^errno=EINVAL msg=.+' "unknown device flag"
	nl $CMD_SET_DEVICE $dev $A_PRIVATE_KEY:hex:1122
	check_match "$OUT" '^errno=(EINVAL|ERANGE) msg=.+' "short private key"
	nl $CMD_SET_DEVICE $dev $A_LISTEN_PORT:u32:51820
	check_match "$OUT" '^errno=(EINVAL|ERANGE) msg=.+' "32-bit port"

	# Nothing of the above reached the device.
	check_ok ip netns exec "$ns" "$XTUNCTL" show xtun0 dump
	check_eq "$(wc -l <<<"$OUT")" 1 "lines of a device without peers"
	check_match "$OUT" $'^\(none\)\t\(none\)\t0\toff$' "device line unchanged"

	# The same request, well-formed, works.
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1,$P_ALLOWEDIPS:nest:[0:nest:[$AIP_FAMILY:u16:$AF_INET,$AIP_ADDR:hex:0a000001,$AIP_CIDR:u8:8]]]"
	check_match "$OUT" '^errno=0 ' "valid NEW_PEER"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$KEY1]"
	check_match "$OUT" '^errno=EEXIST msg=xtun: peer already exists$' "second NEW_PEER"
	check_ok ip netns exec "$ns" "$XTUNCTL" show xtun0 dump
	check_match "$OUT" $'\t10\.0\.0\.0/8\t' "host bits cleared"
}

# An up device listens on a port it was given or one picked for it; asking
# for the port it already listens on is no conflict, and makes it its own.
port_the_device_listens_on_can_be_set_again() {
	local ns port

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip -n "$ns" link set xtun0 up
	port=$(ip netns exec "$ns" "$XTUNCTL" show xtun0 listen-port)
	[ "$port" -gt 0 ] || fail "no port was picked: '$port'"
	check_ok ip netns exec "$ns" "$XTUNCTL" dev set xtun0 listen-port "$port"
	check_eq "$(ip netns exec "$ns" "$XTUNCTL" show xtun0 listen-port)" "$port" \
		"the port after setting it again"
	check_ok ip -n "$ns" link set xtun0 down
	check_ok ip -n "$ns" link set xtun0 up
	check_eq "$(ip netns exec "$ns" "$XTUNCTL" show xtun0 listen-port)" "$port" \
		"the port after down and up"
}

listen_port() {
	ip netns exec "$1" "$XTUNCTL" show "$2" listen-port
}

# A port picked for listen-port 0 is the device's: kept across down and up,
# and reported while down, so that peers keep finding it.  Only when
# another socket took it meanwhile does the device pick anew.
picked_port_is_kept_across_down_and_up() {
	local ns port new

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_eq "$(listen_port "$ns" xtun0)" 0 "the port before the first up"
	check_ok ip -n "$ns" link set xtun0 up
	port=$(listen_port "$ns" xtun0)
	[ "$port" -gt 0 ] || fail "no port was picked: '$port'"
	check_ok ip -n "$ns" link set xtun0 down
	check_eq "$(listen_port "$ns" xtun0)" "$port" "the port of the down device"
	check_ok ip -n "$ns" link set xtun0 up
	check_eq "$(listen_port "$ns" xtun0)" "$port" "the port after down and up"

	check_ok ip -n "$ns" link set xtun0 down
	check_ok ip -n "$ns" link add xtun1 type xtun
	check_ok ip netns exec "$ns" "$XTUNCTL" dev set xtun1 listen-port "$port"
	check_ok ip -n "$ns" link set xtun1 up
	check_ok ip -n "$ns" link set xtun0 up
	new=$(listen_port "$ns" xtun0)
	[ "$new" -gt 0 ] && [ "$new" != "$port" ] ||
		fail "xtun0 listens on '$new' after xtun1 took its port $port"
}

# udp_port_free NS PORT: an IPv4 UDP socket in NS can bind PORT.
udp_port_free() {
	ip netns exec "$1" python3 -c 'import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("0.0.0.0", int(sys.argv[1])))' "$2"
}

# A port set on a down device is only recorded: nothing is bound until up.
# Port changes racing up and down never leave a down device bound, which
# would make the next up fail on the device's own port.
port_change_on_down_device_binds_nothing() {
	local ns i

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip netns exec "$ns" "$XTUNCTL" dev set xtun0 listen-port 40001
	check_ok udp_port_free "$ns" 40001
	check_eq "$(listen_port "$ns" xtun0)" 40001 "the port of the down device"
	check_ok ip -n "$ns" link set xtun0 up
	check_fails udp_port_free "$ns" 40001
	check_ok ip -n "$ns" link set xtun0 down
	check_ok udp_port_free "$ns" 40001

	for i in $(seq 2 40); do
		ip netns exec "$ns" "$XTUNCTL" dev set xtun0 listen-port $((40000 + i)) &
		ip -n "$ns" link set xtun0 up || fail "up failed in round $i"
		ip -n "$ns" link set xtun0 down
		wait
		udp_port_free "$ns" $((40000 + i)) ||
			fail "port $((40000 + i)) is bound while the device is down"
	done
	check_ok ip -n "$ns" link set xtun0 up
	check_eq "$(listen_port "$ns" xtun0)" 40040 "the port after the race"
}

# Random base64 public keys, one per line.
random_pubkeys() {
	python3 -c 'import base64, os, sys
for _ in range(int(sys.argv[1])):
    print(base64.b64encode(os.urandom(32)).decode())' "$1"
}

dump_of_many_peers_and_prefixes_spans_messages() {
	local ns keys key big i prefixes n

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	keys=$(random_pubkeys 300)
	i=0
	for key in $keys; do
		i=$((i + 1))
		check_ok ip netns exec "$ns" "$XTUNCTL" peer add xtun0 "$key" \
			allowed-ips "10.$((i / 256)).$((i % 256)).0/24,fd00:$i::/64"
	done
	# One peer with more prefixes than one message holds.
	big=$(head -n1 <<<"$keys")
	for i in 0 1 2 3; do
		prefixes=$(python3 -c 'import sys
b = int(sys.argv[1])
print(",".join(f"+172.{16 + b}.{j // 256}.{j % 256}/32" for j in range(700)))' $i)
		check_ok ip netns exec "$ns" "$XTUNCTL" peer set xtun0 "$big" \
			allowed-ips "$prefixes"
	done

	check_ok ip netns exec "$ns" "$XTUNCTL" show xtun0 dump
	check_eq "$(wc -l <<<"$OUT")" 301 "device line and one line per peer"
	n=$(grep -c "^$big" <<<"$OUT")
	check_eq "$n" 1 "the big peer is one line"
	n=$(grep "^$big" <<<"$OUT" | cut -f4 | tr ',' '\n' | wc -l)
	check_eq "$n" 2802 "prefixes of the big peer"
	n=$(cut -f4 <<<"$OUT" | tail -n +2 | tr ',' '\n' | wc -l)
	check_eq "$n" 3400 "prefixes of all peers"
	# The raw dump really was split: more messages than devices.
	check_ok ip netns exec "$ns" $NL $CMD_GET_DEVICE $A_IFNAME:strz:xtun0 --dump
	n=$(grep -c '^msg ' <<<"$OUT")
	[ "$n" -gt 3 ] || fail "dump of 300 peers came in $n messages"
	# A do request cannot hold it all, and says so.
	check_ok ip netns exec "$ns" $NL $CMD_GET_DEVICE $A_IFNAME:strz:xtun0
	check_match "$OUT" '^errno=EMSGSIZE msg=xtun: device does not fit in one message; use a dump$' "do of a huge device"
}

# --- SET_DEVICE with many peers (XTUN_DEVICE_A_PEERS) -------------------

# hex_key N: the public key of 32 bytes of value N (1..255), as hex.
hex_key() {
	local b

	b=$(printf '%02x' "$1")
	printf "$b%.0s" {1..32}
}

b64_of_hex() {
	python3 -c 'import base64, sys
print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$1"
}

hex_of_b64() {
	python3 -c 'import base64, sys
print(base64.b64decode(sys.argv[1]).hex())' "$1"
}

# aip4 HEXADDR CIDR: one allowed-IP element.
aip4() {
	echo "0:nest:[$AIP_FAMILY:u16:$AF_INET,$AIP_ADDR:hex:$1,$AIP_CIDR:u8:$2]"
}

# batch_peer N [FLAGS] [MORE...]: an element of XTUN_DEVICE_A_PEERS for the
# peer of hex_key N with allowed IP 10.0.N.0/24, flags FLAGS (0: none) and
# MORE attributes.
batch_peer() {
	local n=$1 flags=${2:-0} more=${3:-} attrs

	attrs="$P_PUBLIC_KEY:hex:$(hex_key "$n")"
	[ "$flags" = 0 ] || attrs+=",$P_FLAGS:u32:$flags"
	[ -z "$more" ] || attrs+=",$more"
	echo "$n:nest:[$attrs,$P_ALLOWEDIPS:nest:[$(aip4 "0a00$(printf %02x "$n")00" 24)]]"
}

# peer_line N: the dump line of the peer of hex_key N, if any.
peer_line() {
	grep "^$(b64_of_hex "$(hex_key "$1")")"$'\t' <<<"$DUMP"
}

read_dump() {
	check_ok ip netns exec "$1" "$XTUNCTL" show xtun0 dump
	DUMP=$OUT
}

set_device_with_many_peers_applies_them_all() {
	local ns i peers=""

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	for i in $(seq 1 200); do
		peers+="${peers:+,}$(batch_peer "$i")"
	done
	check_ok ip netns exec "$ns" $NL $CMD_SET_DEVICE $A_IFNAME:strz:xtun0 \
		"$A_PEERS:nest:[$peers]"
	check_match "$OUT" '^errno=0 ' "SET_DEVICE with 200 peers"
	read_dump "$ns"
	check_eq "$(wc -l <<<"$DUMP")" 201 "device line and one line per peer"
	check_eq "$(cut -f4 <<<"$DUMP" | tail -n +2 | sort -u | wc -l)" 200 \
		"distinct allowed IPs"
	check_match "$(peer_line 7)" $'\t10\.0\.7\.0/24\t' "peer 7's allowed IP"
	check_match "$(peer_line 200)" $'\t10\.0\.200\.0/24\t' "peer 200's allowed IP"
	# With REPLACE_PEERS, the request's peers are all the device has.
	check_ok ip netns exec "$ns" $NL $CMD_SET_DEVICE $A_IFNAME:strz:xtun0 \
		$A_FLAGS:u32:1 "$A_PEERS:nest:[$(batch_peer 201),$(batch_peer 202)]"
	check_match "$OUT" '^errno=0 ' "SET_DEVICE replacing the peers"
	read_dump "$ns"
	check_eq "$(wc -l <<<"$DUMP")" 3 "peers after the replacement"
	check_match "$(peer_line 202)" $'\t10\.0\.202\.0/24\t' "a new peer"
}

set_device_peer_flags_update_only_remove_replace() {
	local ns dev nl_ok

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	dev=$A_IFNAME:strz:xtun0
	nl_ok() {
		check_ok ip netns exec "$ns" $NL $CMD_SET_DEVICE $dev "$A_PEERS:nest:[$1]"
		check_match "$OUT" '^errno=0 ' "$2"
	}

	nl_ok "$(batch_peer 1),$(batch_peer 2),$(batch_peer 3)" "three peers"
	# Update-only: an absent peer is skipped, without error.
	nl_ok "$(batch_peer 4 $P_F_UPDATE_ONLY)" "update-only of an absent peer"
	read_dump "$ns"
	check_eq "$(wc -l <<<"$DUMP")" 4 "lines after update-only of an absent peer"
	check_eq "$(peer_line 4)" "" "the absent peer"
	# Update-only of a present peer changes it; replace drops its old prefix.
	nl_ok "1:nest:[$P_PUBLIC_KEY:hex:$(hex_key 1),$P_FLAGS:u32:$((P_F_UPDATE_ONLY | P_F_REPLACE_ALLOWEDIPS)),$P_ALLOWEDIPS:nest:[$(aip4 0a090900 24)]]" \
		"update-only with replace of a present peer"
	read_dump "$ns"
	check_eq "$(peer_line 1 | cut -f4)" "10.9.9.0/24" "peer 1's replaced allowed IPs"
	# Without flags, a present peer's prefixes are added to.
	nl_ok "3:nest:[$P_PUBLIC_KEY:hex:$(hex_key 3),$P_ALLOWEDIPS:nest:[$(aip4 0a212100 24)]]" \
		"a present peer without flags"
	read_dump "$ns"
	check_eq "$(peer_line 3 | cut -f4 | tr ',' '\n' | sort | tr '\n' ' ')" \
		"10.0.3.0/24 10.33.33.0/24 " "peer 3's allowed IPs, appended"
	# Remove: a present peer goes, an absent one is skipped.
	nl_ok "0:nest:[$P_PUBLIC_KEY:hex:$(hex_key 2),$P_FLAGS:u32:$P_F_REMOVE],1:nest:[$P_PUBLIC_KEY:hex:$(hex_key 5),$P_FLAGS:u32:$P_F_REMOVE]" \
		"removal of a present and an absent peer"
	read_dump "$ns"
	check_eq "$(wc -l <<<"$DUMP")" 3 "lines after the removal"
	check_eq "$(peer_line 2)" "" "the removed peer"
	# A peer to remove takes nothing else; SET_PEER takes neither new flag.
	check_ok ip netns exec "$ns" $NL $CMD_SET_DEVICE $dev \
		"$A_PEERS:nest:[$(batch_peer 1 $P_F_REMOVE)]"
	check_match "$OUT" '^errno=EINVAL msg=xtun: a peer to remove takes only its public key$' \
		"remove with allowed IPs"
	check_ok ip netns exec "$ns" $NL $CMD_SET_PEER $dev \
		"$A_PEER:nest:[$P_PUBLIC_KEY:hex:$(hex_key 1),$P_FLAGS:u32:$P_F_UPDATE_ONLY]"
	check_match "$OUT" '^errno=EINVAL msg=.+' "update-only in SET_PEER"
	check_ok ip netns exec "$ns" $NL $CMD_SET_PEER $dev \
		"$A_PEER:nest:[$P_PUBLIC_KEY:hex:$(hex_key 1),$P_FLAGS:u32:$P_F_REMOVE]"
	check_match "$OUT" '^errno=EINVAL msg=.+' "remove in SET_PEER"
	read_dump "$ns"
	check_eq "$(peer_line 1 | cut -f4)" "10.9.9.0/24" "peer 1 after the refusals"
}

# One bad peer refuses the whole request, with a reason, and nothing of it
# is applied: not the good peers before it, not the device's settings.
rejected_peer_in_a_batch_changes_nothing_and_says_why() {
	local ns dev before

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	dev=$A_IFNAME:strz:xtun0
	nl() { check_ok ip netns exec "$ns" $NL $CMD_SET_DEVICE $dev "$@"; }

	nl "$A_PEERS:nest:[$(batch_peer 1)]"
	check_match "$OUT" '^errno=0 ' "one peer"
	read_dump "$ns"
	before=$DUMP

	nl $A_LISTEN_PORT:u16:51999 \
		"$A_PEERS:nest:[$(batch_peer 2),$(batch_peer 3 0 "$P_ENDPOINT:hex:$(sockaddr4_hex 0)")]"
	check_match "$OUT" '^errno=EINVAL msg=xtun: endpoint port must not be 0$' "bad endpoint in the second peer"
	nl $A_FLAGS:u32:1 "$A_PEERS:nest:[$(batch_peer 2),$(batch_peer 3),$(batch_peer 2)]"
	check_match "$OUT" '^errno=EINVAL msg=xtun: peer is given twice in the request$' "a key twice"
	nl $A_FLAGS:u32:1 "$A_PEERS:nest:[$(batch_peer 2),0:nest:[$P_ENDPOINT:hex:$(sockaddr4_hex 51820)]]"
	check_match "$OUT" '^errno=EINVAL msg=xtun: missing peer public key$' "a peer without a key"
	nl $A_FLAGS:u32:1 "$A_PEERS:nest:[$(batch_peer 2),$(batch_peer 3 8)]"
	check_match "$OUT" '^errno=EINVAL msg=.+' "an unknown peer flag"

	read_dump "$ns"
	check_eq "$DUMP" "$before" "the device after the refused requests"
}

# A peer with the device's own public key is skipped, as WireGuard skips
# it, so that one list of peers serves every node of a mesh: the rest of
# the request is applied.  The own key is the one the device will have
# after the request's private key.  NEW_PEER, one peer by name, refuses it.
peer_with_the_device_own_key_is_skipped_in_a_batch() {
	local ns dev dir own

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	dev=$A_IFNAME:strz:xtun0
	nl() { check_ok ip netns exec "$ns" $NL "$@"; }
	dir=$(tmp_dir) && key_pair "$dir" dev || fail "making keys"
	own=$(hex_of_b64 "$(cat "$dir/dev.pub")")

	nl $CMD_SET_DEVICE $dev $A_PRIVATE_KEY:hex:"$(hex_of_b64 "$(cat "$dir/dev.key")")" \
		"$A_PEERS:nest:[$(batch_peer 2),0:nest:[$P_PUBLIC_KEY:hex:$own],$(batch_peer 3)]"
	check_match "$OUT" '^errno=0 ' "the new own key among the peers"
	read_dump "$ns"
	check_eq "$(head -n1 <<<"$DUMP" | cut -f2)" "$(cat "$dir/dev.pub")" "the device's new public key"
	check_eq "$(wc -l <<<"$DUMP")" 3 "device line and the two other peers"
	check_match "$(peer_line 3)" $'\t10\.0\.3\.0/24\t' "the peer after the own key"
	nl $CMD_SET_DEVICE $dev \
		"$A_PEERS:nest:[0:nest:[$P_PUBLIC_KEY:hex:$own,$P_ALLOWEDIPS:nest:[$(aip4 0a090000 16)]],$(batch_peer 4)]"
	check_match "$OUT" '^errno=0 ' "the current own key among the peers"
	read_dump "$ns"
	check_eq "$(wc -l <<<"$DUMP")" 4 "device line and three peers"
	check_no_match "$DUMP" '10\.9\.0\.0/16' "the own key's allowed IPs"
	nl $CMD_NEW_PEER $dev "$A_PEER:nest:[$P_PUBLIC_KEY:hex:$own]"
	check_match "$OUT" "^errno=EINVAL msg=xtun: peer public key is the device's own\$" \
		"NEW_PEER with the own key"
}

# The prefix limit is counted for the whole request before any of it is
# applied: a batch whose last peer would go past it is refused whole, with
# a reason, and the peers and settings before that peer are not applied.
# max_allowedips lowers the limit to what a test can reach.
batch_past_the_prefix_limit_is_refused_whole() {
	local ns dev before param=/sys/module/xtun/parameters/max_allowedips
	local three

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	dev=$A_IFNAME:strz:xtun0
	nl() { check_ok ip netns exec "$ns" $NL $CMD_SET_DEVICE $dev "$@"; }
	# shellcheck disable=SC2064 # the value now, restored on the way out
	trap "echo $(cat "$param") > $param" EXIT
	echo 4 > "$param" || fail "setting max_allowedips"

	nl "$A_PEERS:nest:[$(batch_peer 1)]"
	check_match "$OUT" '^errno=0 ' "one peer with one prefix"
	read_dump "$ns"
	before=$DUMP
	# 1 + 1 + 1 prefixes fit, the last peer's three more do not.
	three="$(aip4 0a040100 24),$(aip4 0a040200 24),$(aip4 0a040300 24)"
	nl $A_FWMARK:u32:7 "$A_PEERS:nest:[$(batch_peer 2),$(batch_peer 3),4:nest:[$P_PUBLIC_KEY:hex:$(hex_key 4),$P_ALLOWEDIPS:nest:[$three]]]"
	check_match "$OUT" '^errno=ENOSPC msg=xtun: too many allowed IPs on the device$' \
		"the last peer past the limit"
	read_dump "$ns"
	check_eq "$DUMP" "$before" "the device after the refused request"
	# Up to the limit is not past it.
	nl "$A_PEERS:nest:[$(batch_peer 2),$(batch_peer 3),$(batch_peer 4)]"
	check_match "$OUT" '^errno=0 ' "peers up to the limit"
	read_dump "$ns"
	check_eq "$(wc -l <<<"$DUMP")" 5 "device line and four peers"
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

# On the debug kernel (lib.sh, in_subset): one test of each code path.
DEBUG_KERNEL_TESTS="
	peer_requests_are_checked_completely_before_anything_changes
	rejected_peer_in_a_batch_changes_nothing_and_says_why
	batch_past_the_prefix_limit_is_refused_whole
	user_namespace_root_manages_its_own_devices
"

ktap_run_tests \
	get_device_by_name_and_by_index \
	dump_lists_only_xtun_devices_of_own_namespace \
	dump_with_selector_returns_one_device \
	dump_of_many_devices_spans_messages \
	unknown_or_foreign_device_is_refused_by_name \
	malformed_requests_are_rejected_with_a_reason \
	peer_requests_are_checked_completely_before_anything_changes \
	port_the_device_listens_on_can_be_set_again \
	picked_port_is_kept_across_down_and_up \
	port_change_on_down_device_binds_nothing \
	dump_of_many_peers_and_prefixes_spans_messages \
	set_device_with_many_peers_applies_them_all \
	set_device_peer_flags_update_only_remove_replace \
	rejected_peer_in_a_batch_changes_nothing_and_says_why \
	peer_with_the_device_own_key_is_skipped_in_a_batch \
	batch_past_the_prefix_limit_is_refused_whole \
	unprivileged_caller_is_refused \
	user_namespace_root_manages_its_own_devices
