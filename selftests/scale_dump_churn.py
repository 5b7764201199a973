#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Dump a device while its peers are being removed, one message at a time.

    scale_dump_churn.py IFNAME KEYS_FILE

KEYS_FILE lists the device's peers in the order they were added, as
scale_conf.py writes them.  Every second peer of it is a "churn" peer, the
others are stable.  The dump is read datagram by datagram; after each, the
churn peers among the next 200 not yet seen are removed with one
SET_DEVICE, so that the peer a message stopped at is often gone when the
next message resumes.  Then, whatever was removed when: every stable peer
appears exactly once, in the order added, with all of its prefixes; no
peer appears twice; nothing appears that was not configured.  Prints what
it checked and exits 1 on the first violation.
"""

import base64
import struct
import sys

import xtun_nl
from xtun_nl import Genl, abi, attr, nested_array

AHEAD = 200


def die(msg):
    print(f"scale_dump_churn: {msg}")
    sys.exit(1)


def remove_peers(genl, family, x, ifname, keys):
    peers = b"".join(
        attr(xtun_nl.NLA_F_NESTED,
             attr(x["XTUN_PEER_A_PUBLIC_KEY"], k) +
             attr(x["XTUN_PEER_A_FLAGS"], struct.pack("I", x["XTUN_PEER_F_REMOVE"])))
        for k in keys)
    payload = (attr(x["XTUN_DEVICE_A_IFNAME"], ifname.encode() + b"\0") +
               attr(x["XTUN_DEVICE_A_PEERS"] | xtun_nl.NLA_F_NESTED, peers))
    _, err, text = genl.request(family, x["XTUN_CMD_SET_DEVICE"], payload)
    if err:
        die(f"removing {len(keys)} peers: errno {err} {text}")


def main(ifname, keys_file):
    x = abi()
    keys = [base64.b64decode(line.strip()) for line in open(keys_file) if line.strip()]
    order = {k: i for i, k in enumerate(keys)}
    churn = set(keys[0::2])
    stable = [k for k in keys if k not in churn]
    want_aips = None

    dumper, changer = Genl(), Genl()
    family = dumper.family("xtun")
    msgs, removed, interrupted, datagrams = [], set(), 0, 0
    for datagram, done in dumper.dump(family, x["XTUN_CMD_GET_DEVICE"],
                                      attr(x["XTUN_DEVICE_A_IFNAME"], ifname.encode() + b"\0")):
        datagrams += 1
        last = -1
        for attrs, intr in datagram:
            interrupted += intr
            msgs.append(attrs)
            for peer in nested_array(attrs.get(x["XTUN_DEVICE_A_PEERS"], b"")):
                key = peer.get(x["XTUN_PEER_A_PUBLIC_KEY"])
                if key not in order:
                    die(f"unknown peer {key.hex() if key else None} in the dump")
                last = max(last, order[key])
        if done:
            break
        gone = [k for k in keys[last + 1:last + 1 + AHEAD]
                if k in churn and k not in removed]
        if gone:
            remove_peers(changer, family, x, ifname, gone)
            removed.update(gone)

    devices = xtun_nl.merge_dump(msgs)
    if len(devices) != 1:
        die(f"{len(devices)} devices in the dump")
    peers = next(iter(devices.values()))["peers"]
    got = [p["attrs"][x["XTUN_PEER_A_PUBLIC_KEY"]] for p in peers]
    if len(set(got)) != len(got):
        die("a peer appears twice")
    if [order[k] for k in got] != sorted(order[k] for k in got):
        die("peers out of the order they were added in")
    got_stable = [k for k in got if k not in churn]
    if got_stable != stable:
        die(f"{len(got_stable)} of {len(stable)} stable peers in the dump")
    for p in peers:
        key = p["attrs"][x["XTUN_PEER_A_PUBLIC_KEY"]]
        n = len(p["allowedips"])
        want_aips = n if want_aips is None and key not in churn else want_aips
        if key not in churn and n != want_aips:
            die(f"stable peer {order[key]} has {n} prefixes, another {want_aips}")
    print(f"{datagrams} datagrams, {interrupted} messages marked interrupted, "
          f"{len(removed)} peers removed meanwhile, {len(got)} peers dumped, "
          f"all {len(stable)} stable peers complete and in order")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
