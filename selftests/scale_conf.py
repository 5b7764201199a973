#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The many-peers config of scale.sh, and what its dumps should show.

  scale_conf.py [--v4 K] N DIR PRIVATE_KEY_FILE LAST_PUBKEY LAST_ENDPOINT
      writes DIR/a.conf: N peers, peer i (1..N) with the ten (or K) IPv4
      /32 from 172.16.0.0 + 16 i + 1 on (the stride is the smallest power
      of two above K: 16 for ten, 2 for one, so 100,000 peers of one still
      fit in 172.16.0.0/12) and fd00:5ca1::i/128; peer N has the key
      LAST_PUBKEY and the endpoint LAST_ENDPOINT, the others random keys
      and no endpoint.  DIR/want.txt is what --normalise should print for
      the device, DIR/keys.txt the peers' keys in order, DIR/plan.txt
      "last-address A" (the last peer's first address).
  scale_conf.py --normalise < DUMP
      each peer line of a "show IFNAME dump" (xtunctl's or wg's) as its
      key, a tab and its prefixes sorted and comma-separated; sorted.
"""

import base64
import ipaddress
import os
import sys

V4_BASE = int(ipaddress.IPv4Address("172.16.0.0"))
V6_BASE = int(ipaddress.IPv6Address("fd00:5ca1::"))


V4_PER_PEER = 10


def prefixes(i):
    stride = 2
    while stride <= V4_PER_PEER:
        stride *= 2
    v4 = [f"{ipaddress.IPv4Address(V4_BASE + stride * i + 1 + j)}/32"
          for j in range(V4_PER_PEER)]
    return v4 + [f"{ipaddress.IPv6Address(V6_BASE + i)}/128"]


def line(key, prefix_list):
    return key + "\t" + ",".join(sorted(prefix_list))


def generate(n, out, key_file, last_key, last_endpoint):
    with open(key_file) as f:
        private = f.read().strip()
    keys = [base64.b64encode(os.urandom(32)).decode() for _ in range(n - 1)]
    keys.append(last_key)
    conf = ["[Interface]", f"PrivateKey = {private}", "ListenPort = 51820"]
    for i, key in enumerate(keys, start=1):
        conf += ["", "[Peer]", f"PublicKey = {key}",
                 "AllowedIPs = " + ", ".join(prefixes(i))]
        if i == n:
            conf.append(f"Endpoint = {last_endpoint}")
    with open(os.path.join(out, "a.conf"), "w") as f:
        f.write("\n".join(conf) + "\n")
    with open(os.path.join(out, "want.txt"), "w") as f:
        f.write("".join(line(k, prefixes(i)) + "\n"
                        for i, k in sorted(enumerate(keys, start=1),
                                           key=lambda p: line(p[1], prefixes(p[0])))))
    with open(os.path.join(out, "keys.txt"), "w") as f:
        f.write("".join(k + "\n" for k in keys))
    with open(os.path.join(out, "plan.txt"), "w") as f:
        f.write(f"last-address {prefixes(n)[0].split('/')[0]}\n")


def normalise():
    lines = sys.stdin.read().splitlines()[1:]  # the first is the device's
    peers = []
    for peer in lines:
        cols = peer.split("\t")
        aips = [] if cols[3] == "(none)" else cols[3].split(",")
        peers.append(line(cols[0], aips))
    sys.stdout.write("".join(p + "\n" for p in sorted(peers)))


def main():
    global V4_PER_PEER
    args = sys.argv[1:]
    if args[:1] == ["--normalise"]:
        normalise()
        return
    if args[:1] == ["--v4"]:
        V4_PER_PEER = int(args[1])
        args = args[2:]
    generate(int(args[0]), args[1], args[2], args[3], args[4])


if __name__ == "__main__":
    main()
