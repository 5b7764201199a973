#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Handshakes under load: a flood of initiations with a valid mac1 puts the
# device "under load"; it then answers with cookie replies instead of doing
# Curve25519, and a real peer still gets through by echoing the cookie in
# mac2 (WireGuard paper, 5.4.7).
#
#   ns a: xtun0 (51820) --- veth 192.168.241.0/24 --- ns b: xtun0 or wg0
#                                                      + the flooding socket

source "$(dirname "$0")/lib.sh"
require_cmd python3

# flood NS PUBKEY ADDR PORT COUNT: COUNT initiations with a correct mac1 for
# PUBKEY and garbage elsewhere; prints how many cookie replies came back.
flood() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import base64, hashlib, os, socket, struct, sys

pub = base64.b64decode(sys.argv[1])
addr, port, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
mac1_key = hashlib.blake2s(b"mac1----" + pub).digest()
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
indices = set()
for _ in range(count):
    index = os.urandom(4)
    indices.add(index)
    body = struct.pack("<I", 1) + index + os.urandom(32 + 48 + 28)
    mac1 = hashlib.blake2s(body, key=mac1_key, digest_size=16).digest()
    sock.sendto(body + mac1 + bytes(16), (addr, port))
sock.settimeout(5)
cookies = 0
try:
    while True:
        msg = sock.recv(2048)
        if (len(msg) == 64 and struct.unpack("<I", msg[:4])[0] == 3
                and msg[4:8] in indices):
            cookies += 1
except socket.timeout:
    pass
print(cookies)
PY
}

initiation_flood_gets_cookie_replies_and_peer_still_connects() {
	local kind=$1 cookies

	tunnel_pair xtun "$kind" 4 b
	cookies=$(flood "$NS_B" "$PUB_A" "$OUT4_A" $PORT_A 6000) ||
		fail "the flood script failed: $cookies"
	[ "$cookies" -gt 0 ] || fail "no cookie reply to 6000 initiations"
	echo "cookie replies: $cookies"
	# The real peer hand-shakes despite the load it may still see.
	tunnel_works "$NS_B" "$IN4_A" 60 ||
		fail "$kind peer could not connect after the flood"
	check_ok pings "$NS_A" "$IN4_B" 3
}

xtun_peer_connects_after_flood() {
	initiation_flood_gets_cookie_replies_and_peer_still_connects xtun
}

wireguard_peer_connects_after_flood() {
	require_cmd wg
	initiation_flood_gets_cookie_replies_and_peer_still_connects wg
}

ktap_run_tests \
	xtun_peer_connects_after_flood \
	wireguard_peer_connects_after_flood
