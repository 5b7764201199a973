#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Dump a peer with many prefixes while prefixes are removed and added.

    dump_aip_churn.py IFNAME [COUNT]

Gives the device IFNAME one peer with COUNT (default 20000) prefixes,
10.H.L.0/24 for H.L the prefix's number; the even ones are "stable", the
odd ones "churn".  Then it reads a dump datagram by datagram, and after
each one removes the churn prefixes the dump has given so far, the next
one the dump would give (the prefix the next message resumes at), and
adds a few new prefixes (11.H.L.0/24), so that every message resumes in a
list that changed.  Then: every stable prefix appears exactly once,
none appears twice, nothing appears that was never configured, and the
dump ends with NLMSG_DONE.  Prints what it checked and exits 1 on the
first violation.
"""

import struct
import sys

import xtun_nl
from xtun_nl import Genl, abi, attr

KEY = bytes([0x42] * 32)
CHUNK = 1000        # prefixes a request: its nest stays below 64 kB
ADD_EACH = 16       # new prefixes after each datagram


def die(msg):
    print(f"dump_aip_churn: {msg}")
    sys.exit(1)


def prefix(net, n):
    return bytes([net, (n >> 8) & 0xff, n & 0xff, 0])


def aip(x, addr, remove=False):
    body = (attr(x["XTUN_ALLOWEDIP_A_FAMILY"], struct.pack("H", 2)) +
            attr(x["XTUN_ALLOWEDIP_A_ADDR"], addr) +
            attr(x["XTUN_ALLOWEDIP_A_CIDR"], struct.pack("B", 24)))
    if remove:
        body += attr(x["XTUN_ALLOWEDIP_A_FLAGS"],
                     struct.pack("I", x["XTUN_ALLOWEDIP_F_REMOVE"]))
    return attr(xtun_nl.NLA_F_NESTED, body)


def change(genl, family, x, ifname, cmd, adds=(), removes=()):
    aips = b"".join([aip(x, a) for a in adds] + [aip(x, a, True) for a in removes])
    peer = (attr(x["XTUN_PEER_A_PUBLIC_KEY"], KEY) +
            attr(x["XTUN_PEER_A_ALLOWEDIPS"] | xtun_nl.NLA_F_NESTED, aips))
    payload = (attr(x["XTUN_DEVICE_A_IFNAME"], ifname.encode() + b"\0") +
               attr(x["XTUN_DEVICE_A_PEER"] | xtun_nl.NLA_F_NESTED, peer))
    _, err, text = genl.request(family, x[cmd], payload)
    if err:
        die(f"{cmd} of {len(adds)} and {len(removes)} prefixes: errno {err} {text}")


def dump_prefixes(attrs, x):
    """The prefixes of the one peer in one dump message, in order."""
    out = []
    for peer in xtun_nl.nested_array(attrs.get(x["XTUN_DEVICE_A_PEERS"], b"")):
        if peer.get(x["XTUN_PEER_A_PUBLIC_KEY"]) != KEY:
            die("an unknown peer in the dump")
        for a in xtun_nl.nested_array(peer.get(x["XTUN_PEER_A_ALLOWEDIPS"], b"")):
            out.append(a[x["XTUN_ALLOWEDIP_A_ADDR"]])
    return out


def main(ifname, count=20000):
    count = int(count)
    x = abi()
    changer, dumper = Genl(), Genl()
    family = changer.family("xtun")
    every = [prefix(10, n) for n in range(count)]
    place = {p: n for n, p in enumerate(every)}
    stable = set(every[0::2])
    churn = set(every[1::2])
    for i in range(0, count, CHUNK):
        cmd = "XTUN_CMD_SET_PEER" if i else "XTUN_CMD_NEW_PEER"
        change(changer, family, x, ifname, cmd, adds=every[i:i + CHUNK])

    got, added, removed = [], set(), set()
    datagrams = interrupted = 0
    for msgs, done in dumper.dump(family, x["XTUN_CMD_GET_DEVICE"],
                                  attr(x["XTUN_DEVICE_A_IFNAME"], ifname.encode() + b"\0")):
        datagrams += 1
        for attrs, intr in msgs:
            interrupted += intr
            got += dump_prefixes(attrs, x)
        if done or not got:
            continue
        # Behind the dump, and the prefix the next message resumes at.
        gone = [p for p in got if p in churn and p not in removed]
        last = place.get(got[-1], -1)
        if 0 <= last < count - 1 and every[last + 1] in churn:
            gone.append(every[last + 1])
        new = [prefix(11, len(added) + i) for i in range(ADD_EACH)]
        change(changer, family, x, ifname, "XTUN_CMD_SET_PEER",
               adds=new, removes=gone)
        removed.update(gone)
        added.update(new)

    if datagrams < 5:
        die(f"the dump took only {datagrams} datagrams: nothing resumed")
    seen = set()
    for p in got:
        if p in seen:
            die(f"prefix {'.'.join(map(str, p))}/24 given twice")
        seen.add(p)
        if p not in stable and p not in churn and p not in added:
            die(f"prefix {'.'.join(map(str, p))}/24 was never configured")
    missing = stable - seen
    if missing:
        die(f"{len(missing)} of {len(stable)} stable prefixes missing, "
            f"{interrupted} messages marked interrupted")
    print(f"{datagrams} datagrams, {interrupted} messages marked interrupted, "
          f"{len(removed)} prefixes removed and {len(added)} added meanwhile, "
          f"{len(got)} prefixes dumped, all {len(stable)} stable ones once")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
