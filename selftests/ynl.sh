#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The family driven by the kernel's own generic netlink client, ynl
# (tools/net/ynl/cli.py of Debian's linux-source-6.12), which knows nothing
# of xtun but Documentation/netlink/specs/xtun.yaml: it reads devices with
# get-device do and dump, changes them with set-device, new-peer, set-peer
# and del-peer, and subscribes to both multicast groups.
# xtunctl checks what it reads and what it changed.
#
#   namespace "a": xtun0, key pair "dev", peer "peer" (192.0.2.1:51821)
#
# 6.12's ynl cannot encode an indexed array, so it sends no allowed IPs and
# no set-device peers; it decodes both in replies.  The tree with cli.py
# and the spec is the one scripts/netlink-gen.sh extracts into the build
# directory (make netlink-check, which make check runs first).

source "$(dirname "$0")/lib.sh"
require_cmd python3 xxd base64

YNL_TREE=${XTUN_YNL:-${XTUN_BUILD:-$XTUN_REPO/.build}/ynl/linux}
YNL_CLI=$YNL_TREE/tools/net/ynl/cli.py
YNL_SPEC=$YNL_TREE/Documentation/netlink/specs/xtun.yaml
if [ ! -e "$YNL_CLI" ] || [ ! -e "$YNL_SPEC" ]; then
	echo "# SKIP: no ynl tree in $YNL_TREE (make netlink-check extracts it)"
	exit $KSFT_SKIP
fi
python3 -c 'import yaml, jsonschema' 2>/dev/null ||
	{ echo "# SKIP: ynl needs python3-yaml and python3-jsonschema"; exit $KSFT_SKIP; }

PEER_ENDPOINT=192.0.2.1:51821
# The same as a struct sockaddr_in, in hex as ynl takes and shows binary.
PEER_SOCKADDR=0200ca6dc00002010000000000000000

# ynl NS ARGS...: cli.py on the spec in namespace NS, replies as JSON.
ynl() {
	local ns=$1

	shift
	ip netns exec "$ns" python3 "$YNL_CLI" --spec "$YNL_SPEC" --output-json "$@"
}

# hex_key FILE: a base64 key file as the hex that ynl reads and prints.
hex_key() {
	base64 -d "$1" | xxd -p -c 64
}

# summary JSON: one line of what a get-device reply says, or the first
# message of a dump (a small device fits in one):
# "ifname port fwmark pubkey | peer endpoint keepalive prefixes | ..."
summary() {
	python3 - "$1" <<'EOF'
import json
import sys

def elements(array):
    """6.12's ynl gives each element of an indexed array as {index: nest}."""
    return [nest for element in array for nest in element.values()]


reply = json.loads(sys.argv[1])
if isinstance(reply, list):
    reply = reply[0]
words = [reply["ifname"], str(reply.get("listen-port")), str(reply.get("fwmark")),
         reply.get("public-key", "-").replace(" ", "")]
for peer in elements(reply.get("peers", [])):
    aips = ",".join(sorted(f'{a["addr"]}/{a["cidr"]}'
                           for a in elements(peer.get("allowedips", []))))
    words += ["|", peer["public-key"].replace(" ", ""),
              peer.get("endpoint", "-").replace(" ", ""),
              str(peer.get("persistent-keepalive")), aips or "-"]
print(" ".join(words))
EOF
}

# with_device: namespace $NS with xtun0 (port 51820, fwmark 7) and one peer
# with prefixes of both families; keys in $DIR.
with_device() {
	NS=$(ns_new a) && DIR=$(tmp_dir) || fail "making the namespace"
	key_pair "$DIR" dev && key_pair "$DIR" peer && key_pair "$DIR" other ||
		fail "making keys"
	check_ok ip -n "$NS" link add xtun0 type xtun
	check_ok ip netns exec "$NS" "$XTUNCTL" dev set xtun0 \
		private-key "$DIR/dev.key" listen-port 51820 fwmark 7
	check_ok ip netns exec "$NS" "$XTUNCTL" peer add xtun0 "$(cat "$DIR/peer.pub")" \
		endpoint "$PEER_ENDPOINT" persistent-keepalive 25 \
		allowed-ips 10.0.0.0/24,fd00::/64
	WANT="xtun0 51820 7 $(hex_key "$DIR/dev.pub") | $(hex_key "$DIR/peer.pub")"
	WANT+=" $PEER_SOCKADDR 25 10.0.0.0/24,fd00::/64"
}

ynl_reads_a_device_with_do_and_dump() {
	with_device
	check_ok ynl "$NS" --do get-device --json '{"ifname": "xtun0"}'
	check_eq "$(summary "$OUT")" "$WANT" "get-device do"
	check_ok ynl "$NS" --dump get-device
	check_eq "$(python3 -c 'import json, sys; print(len(json.loads(sys.argv[1])))' "$OUT")" \
		1 "messages of a dump of one small device"
	check_eq "$(summary "$OUT")" "$WANT" "get-device dump"
	check_ok ynl "$NS" --dump get-device --json '{"ifname": "xtun0"}'
	check_eq "$(summary "$OUT")" "$WANT" "get-device dump of the selected device"
}

ynl_shows_addresses_readably() {
	with_device
	check_ok ynl "$NS" --do get-device --json '{"ifname": "xtun0"}'
	# Display hints: prefixes as addresses, keys and sockaddrs as hex.
	check_match "$OUT" '"addr": "10\.0\.0\.0"' "an IPv4 prefix"
	check_match "$OUT" '"addr": "fd00::"' "an IPv6 prefix"
	check_match "$OUT" '"endpoint": "02 00 ca 6d c0 00 02 01( 00){8}"' "the endpoint"
}

ynl_sets_the_device() {
	local key

	with_device
	key=$(hex_key "$DIR/other.key")
	check_ok ynl "$NS" --do set-device \
		--json "{\"ifname\": \"xtun0\", \"listen-port\": 51999, \"fwmark\": 9, \"private-key\": \"$key\"}"
	check_eq "$(tun_dev_field "$NS" xtun0 listen-port)" 51999 "listen port"
	check_eq "$(tun_dev_field "$NS" xtun0 fwmark)" 0x9 "fwmark"
	check_eq "$(tun_dev_field "$NS" xtun0 public-key)" "$(cat "$DIR/other.pub")" "public key"
	# Flags by the names of the spec's device-flags.
	check_ok ynl "$NS" --do set-device --json '{"ifname": "xtun0", "flags": ["replace-peers"]}'
	check_ok ip netns exec "$NS" "$XTUNCTL" show xtun0 peers
	check_eq "$OUT" "" "peers after replace-peers"
}

ynl_adds_changes_and_removes_a_peer() {
	local pub json

	with_device
	pub=$(cat "$DIR/other.pub")
	json="{\"ifname\": \"xtun0\", \"peer\": {\"public-key\": \"$(hex_key "$DIR/other.pub")\""
	check_ok ynl "$NS" --do new-peer \
		--json "$json, \"endpoint\": \"$PEER_SOCKADDR\", \"persistent-keepalive\": 15}}"
	check_eq "$(xtun_peer_field "$NS" xtun0 "$pub" endpoint)" "$PEER_ENDPOINT" "new peer's endpoint"
	check_eq "$(xtun_peer_field "$NS" xtun0 "$pub" persistent-keepalive)" 15 \
		"new peer's keepalive"
	check_status 1 ynl "$NS" --do new-peer --json "$json}}"
	check_match "$OUT" 'Netlink error: File exists' "a second new-peer"

	check_ok ynl "$NS" --do set-peer --json "$json, \"persistent-keepalive\": 5}}"
	check_eq "$(xtun_peer_field "$NS" xtun0 "$pub" persistent-keepalive)" 5 "changed keepalive"
	check_status 1 ynl "$NS" --do set-peer --json "$json, \"flags\": [\"update-only\"]}}"
	check_match "$OUT" 'set-peer takes only the replace-allowedips flag' \
		"a set-device flag in set-peer"

	check_ok ynl "$NS" --do del-peer --json "$json}}"
	check_fails xtun_peer_field "$NS" xtun0 "$pub" endpoint
	check_ok xtun_peer_field "$NS" xtun0 "$(cat "$DIR/peer.pub")" endpoint
}

# ynl_subscribed NS: a generic netlink socket in NS has joined a group.
ynl_subscribed() {
	ip netns exec "$1" awk '$2 == 16 && $4 != "00000000" { found = 1 }
		END { exit !found }' /proc/net/netlink
}

# ynl_notifications NS GROUP CMD...: what ynl, subscribed to GROUP in NS,
# heard while CMD ran there; one "name ifname public-key|listen-port" line
# each.  The listener is a process of its own: 6.12's ynl fails
# when a notification arrives ahead of the reply to its own request.  It
# prints what it heard once its --sleep is over, so that sleep stretches
# with WAIT_SCALE: on the debug kernel the request's own python start
# outlasted 6 s and the listener left before the notification came.
ynl_notifications() {
	local ns=$1 group=$2 log

	shift 2
	log=$(tmp_dir)/ntf.json
	bg_start "$ns" "$log" python3 "$YNL_CLI" --spec "$YNL_SPEC" \
		--output-json --subscribe "$group" --sleep $((6 * WAIT_SCALE))
	wait_until 20 ynl_subscribed "$ns" || return 1
	"$@" >/dev/null || return 1
	wait "$BG_PID" || return 1
	python3 -c '
import json
import sys

for n in json.load(open(sys.argv[1])):
    msg = n["msg"]
    peer = msg.get("peer", {}).get("public-key", "").replace(" ", "")
    print(n["name"], msg["ifname"], peer or msg.get("listen-port"))
' "$log"
}

ynl_receives_notifications() {
	local json

	with_device
	check_ok ynl_notifications "$NS" config ynl "$NS" --do set-device \
		--json '{"ifname": "xtun0", "listen-port": 51998}'
	check_eq "$OUT" "device-change-ntf xtun0 51998" "config notifications of set-device"
	json="{\"ifname\": \"xtun0\", \"peer\": {\"public-key\": \"$(hex_key "$DIR/other.pub")\"}}"
	check_ok ynl_notifications "$NS" config ynl "$NS" --do new-peer --json "$json"
	check_eq "$OUT" "peer-new-ntf xtun0 $(hex_key "$DIR/other.pub")" \
		"config notifications of new-peer"
	# The peers group hears no configuration.
	check_ok ynl_notifications "$NS" peers ynl "$NS" --do del-peer --json "$json"
	check_eq "$OUT" "" "peers notifications of del-peer"
}

ktap_run_tests \
	ynl_reads_a_device_with_do_and_dump \
	ynl_shows_addresses_readably \
	ynl_sets_the_device \
	ynl_adds_changes_and_removes_a_peer \
	ynl_receives_notifications
