#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rtnetlink shows an xtun link's settings, as "ip -d link show" asks for
# them: IFLA_INFO_DATA with the listen port, the fwmark and the number of
# peers.  iproute2 prints nothing for kinds it does not know, so the
# attributes are read raw, by a small rtnetlink client.

source "$(dirname "$0")/lib.sh"
require_cmd python3
[ "$TUN" = xtun ] || { echo "# SKIP: the link info is xtun's"; exit $KSFT_SKIP; }

# link_info NS IFNAME: "KIND PORT FWMARK PEERS" of IFNAME's RTM_NEWLINK.
link_info() {
	ip netns exec "$1" python3 - "$2" <<'EOF'
import socket
import struct
import sys

RTM_GETLINK, RTM_NEWLINK, NLM_F_REQUEST = 18, 16, 1
IFLA_LINKINFO, IFLA_INFO_KIND, IFLA_INFO_DATA = 18, 1, 2
# enum xtun_link_attr of uapi/linux/xtun.h
IFLA_XTUN_LISTEN_PORT, IFLA_XTUN_FWMARK, IFLA_XTUN_PEERS = 1, 2, 3


def attrs(data):
    out = {}
    while len(data) >= 4:
        length, kind = struct.unpack_from("HH", data)
        if length < 4:
            break
        out[kind & 0x3fff] = data[4:length]
        data = data[(length + 3) & ~3:]
    return out


sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
ifinfo = struct.pack("BxHiII", 0, 0, socket.if_nametoindex(sys.argv[1]), 0, 0)
sock.send(struct.pack("IHHII", 16 + len(ifinfo), RTM_GETLINK, NLM_F_REQUEST,
                      1, 0) + ifinfo)
reply = sock.recv(65536)
length, kind = struct.unpack_from("IH", reply)
assert kind == RTM_NEWLINK, kind
info = attrs(attrs(reply[32:length])[IFLA_LINKINFO])
data = attrs(info[IFLA_INFO_DATA])
print(info[IFLA_INFO_KIND].rstrip(b"\0").decode(),
      struct.unpack("H", data[IFLA_XTUN_LISTEN_PORT])[0],
      struct.unpack("I", data[IFLA_XTUN_FWMARK])[0],
      struct.unpack("I", data[IFLA_XTUN_PEERS])[0])
EOF
}

link_info_shows_port_fwmark_and_peers() {
	local ns dir port

	xtun_load
	ns=$(ns_new a) && dir=$(tmp_dir) || fail "making the namespace"
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_eq "$(link_info "$ns" xtun0)" "xtun 0 0 0" "a new device"
	key_pair "$dir" dev && key_pair "$dir" p1 && key_pair "$dir" p2 ||
		fail "making keys"
	check_ok ip netns exec "$ns" "$XTUNCTL" dev set xtun0 \
		private-key "$dir/dev.key" listen-port 51820 fwmark 0x42
	check_ok ip netns exec "$ns" "$XTUNCTL" peer add xtun0 "$(cat "$dir/p1.pub")"
	check_ok ip netns exec "$ns" "$XTUNCTL" peer add xtun0 "$(cat "$dir/p2.pub")"
	check_eq "$(link_info "$ns" xtun0)" "xtun 51820 66 2" "a configured device, down"
	# Told to pick a port, an up device shows the one it got.
	check_ok ip netns exec "$ns" "$XTUNCTL" dev set xtun0 listen-port 0
	check_ok ip -n "$ns" link set xtun0 up
	port=$(ip netns exec "$ns" "$XTUNCTL" show xtun0 listen-port)
	[ "$port" -gt 0 ] || fail "no port picked: $port"
	check_ok ip netns exec "$ns" "$XTUNCTL" peer del xtun0 "$(cat "$dir/p1.pub")"
	check_eq "$(link_info "$ns" xtun0)" "xtun $port 66 1" "an up device"
	# iproute2 lists the link with the details it knows.
	check_ok ip -n "$ns" -d link show xtun0
	check_match "$OUT" "xtun" "ip -d link show"
}

ktap_run_tests \
	link_info_shows_port_fwmark_and_peers
