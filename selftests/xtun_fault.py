#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail each allocation of an xtun configuration request in turn.

    xtun_fault.py nth IFNAME REQUEST [COUNT [STRIDE]]

For N = 1, 1 + STRIDE, 1 + 2 STRIDE, ... (STRIDE 1 by default: every N)
makes the N-th allocation the kernel makes on behalf of one REQUEST fail (/proc/thread-self/fail-nth, with failslab and
fail_page_alloc set up by the caller), until a run of REQUEST reaches no
N-th allocation.  After every run the device must be in the state before
the request (it failed) or the state after it (it succeeded): nothing in
between, and a dump must still work.  Prints "REQUEST: N runs, F failed
with an error, S succeeded" and exits 1 on the first inconsistency.

REQUEST is one of link-add, link-del, set-device, new-peer, set-peer,
del-peer, dump.  IFNAME is the device the peer requests work on (created
and filled here); COUNT is the number of allowed IPs of the peers made
(default 64).

    xtun_fault.py random IFNAME ROUNDS PERCENT [SEED]

Sends ROUNDS requests picked at random (new, set and delete peer, set
device, dump) to a device of a dozen peers, PERCENT of them with one of
their allocations failing, at a random place.  A request that fails must
leave the device as it was, one that succeeds must have done what it asked,
a dump must work after each; at the end a clean configuration must give
exactly itself.  Only this process's netlink requests fail: nothing else
it does between them allocates in the kernel.
"""

import errno
import os
import random
import socket
import struct
import sys

import xtun_nl
from xtun_nl import Genl, abi, attr, attr_list, nlmsgs, parse_attrs

RTM_NEWLINK, RTM_DELLINK = 16, 17
IFLA_IFNAME, IFLA_LINKINFO, IFLA_INFO_KIND = 3, 18, 1
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLMSG_ERROR = 2
# A reply that never comes would hang the test: no request takes this long.
TIMEOUT = 60


def die(msg):
    print(f"xtun_fault: {msg}", file=sys.stderr)
    sys.exit(1)


class FailNth:
    """The calling thread's fail-nth: arm(n) makes its n-th fault-injection
    point from now on fail; fired() tells whether it was reached."""

    def __init__(self):
        self.fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)

    def arm(self, n):
        os.pwrite(self.fd, str(n).encode(), 0)

    def fired(self):
        left = int(os.pread(self.fd, 32, 0))
        os.pwrite(self.fd, b"0", 0)
        return left == 0


class Rtnl:
    """Just enough rtnetlink to add and delete xtun links."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.sock.settimeout(TIMEOUT)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, typ, flags, payload):
        self.seq += 1
        body = struct.pack("BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0) + payload
        self.sock.send(struct.pack("IHHII", 16 + len(body), typ,
                                   NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0) + body)
        while True:
            for mtyp, mflags, seq, msg in nlmsgs(self.sock.recv(65536)):
                if mtyp == NLMSG_ERROR and seq == self.seq:
                    return -struct.unpack("i", msg[:4])[0]

    def link_add(self, name):
        info = attr(IFLA_INFO_KIND, b"xtun\0")
        return self.request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
                            attr(IFLA_IFNAME, name.encode() + b"\0") +
                            attr(IFLA_LINKINFO | xtun_nl.NLA_F_NESTED, info))

    def link_del(self, name):
        return self.request(RTM_DELLINK, 0, attr(IFLA_IFNAME, name.encode() + b"\0"))


class Device:
    """Requests of the xtun family on one device, and its state as a dump
    shows it (less the counters, which the requests do not change)."""

    def __init__(self, ifname, count):
        self.x = abi()
        self.ifname = ifname
        self.count = count
        self.genl = Genl()
        self.genl.sock.settimeout(TIMEOUT)
        self.family = self.genl.family("xtun")
        self.rng = random.Random(1)

    def a(self, name, value):
        return attr(self.x[name], value)

    def nest(self, name, payload):
        return attr(self.x[name] | xtun_nl.NLA_F_NESTED, payload)

    def selector(self):
        return self.a("XTUN_DEVICE_A_IFNAME", self.ifname.encode() + b"\0")

    def request(self, cmd, payload, flags=0):
        _, err, _ = self.genl.request(self.family, self.x[cmd], self.selector() + payload,
                                      flags)
        return err

    def allowedips(self, base):
        """COUNT prefixes, three of every four IPv4, the rest IPv6."""
        out = b""
        for i in range(self.count):
            if i % 4:
                aip = (self.a("XTUN_ALLOWEDIP_A_FAMILY", struct.pack("H", socket.AF_INET)) +
                       self.a("XTUN_ALLOWEDIP_A_ADDR", bytes([10, base, i // 256, i % 256])) +
                       self.a("XTUN_ALLOWEDIP_A_CIDR", b"\x20"))
            else:
                addr = bytes([0xfd, base]) + bytes(12) + struct.pack(">H", i)
                aip = (self.a("XTUN_ALLOWEDIP_A_FAMILY", struct.pack("H", socket.AF_INET6)) +
                       self.a("XTUN_ALLOWEDIP_A_ADDR", addr) +
                       self.a("XTUN_ALLOWEDIP_A_CIDR", b"\x80"))
            out += attr(i | xtun_nl.NLA_F_NESTED, aip)
        return self.nest("XTUN_PEER_A_ALLOWEDIPS", out)

    def peer(self, key, base, extra=b""):
        # A documentation address: the device is never up, nothing is sent.
        endpoint = struct.pack("=H", socket.AF_INET) + struct.pack(
            "!H4s8x", 51820 + base, bytes([192, 0, 2, base]))
        return self.nest("XTUN_DEVICE_A_PEER",
                         self.a("XTUN_PEER_A_PUBLIC_KEY", key) +
                         self.a("XTUN_PEER_A_PRESHARED_KEY", bytes([base]) * 32) +
                         self.a("XTUN_PEER_A_ENDPOINT", endpoint) +
                         self.a("XTUN_PEER_A_PERSISTENT_KEEPALIVE", struct.pack("H", 25)) +
                         extra + self.allowedips(base))

    def key(self):
        return bytes(self.rng.randrange(256) for _ in range(32))

    def state(self):
        """The device as a dump shows it, or None when it is gone."""
        msgs, err, text = self.genl.request(self.family, self.x["XTUN_CMD_GET_DEVICE"],
                                            self.selector(), xtun_nl.NLM_F_DUMP)
        if err == errno.ENODEV:
            return None
        if err:
            die(f"dump of {self.ifname} failed: {os.strerror(err)} {text}")
        keep = [self.x[n] for n in ("XTUN_DEVICE_A_PUBLIC_KEY", "XTUN_DEVICE_A_LISTEN_PORT",
                                    "XTUN_DEVICE_A_FWMARK")]
        peer_keep = [self.x[n] for n in ("XTUN_PEER_A_PUBLIC_KEY", "XTUN_PEER_A_ENDPOINT",
                                         "XTUN_PEER_A_HAS_PRESHARED_KEY",
                                         "XTUN_PEER_A_PERSISTENT_KEEPALIVE")]
        # A dump splits a device across messages, where the socket's
        # buffer says (it grows with the reads made on it); only the first
        # message has the device's attributes, and a peer's allowed IPs may
        # go on in the next.
        x = self.x
        state = [tuple(msgs[0].get(k) for k in keep)] if msgs else []
        # A peer continued in the next message repeats only its key there.
        peers = {}
        for msg in msgs:
            for _, peer in attr_list(msg.get(x["XTUN_DEVICE_A_PEERS"], b"")):
                attrs = parse_attrs(peer)
                seen, aips = peers.setdefault(attrs.get(peer_keep[0]), ({}, set()))
                seen.update({k: attrs[k] for k in peer_keep if k in attrs})
                for _, aip in attr_list(attrs.get(x["XTUN_PEER_A_ALLOWEDIPS"], b"")):
                    aips.add(tuple(sorted(parse_attrs(aip).items())))
        state += sorted(((tuple(seen.get(k) for k in peer_keep), tuple(sorted(aips)))
                         for seen, aips in peers.values()), key=repr)
        return state


def scenarios(dev, rtnl):
    """REQUEST -> (set up the state before, the request)."""
    keys = [dev.key() for _ in range(4)]
    # Removes every peer, and gives the device its first key and port.
    base_device = (dev.a("XTUN_DEVICE_A_PRIVATE_KEY", dev.key()) +
                   dev.a("XTUN_DEVICE_A_LISTEN_PORT", struct.pack("H", 0)) +
                   dev.a("XTUN_DEVICE_A_FWMARK", struct.pack("I", 0)) +
                   dev.a("XTUN_DEVICE_A_FLAGS", struct.pack("I", 1)))

    def fresh(npeers, relink=False):
        """The device with NPEERS peers; made anew only when RELINK (or
        missing): adding and deleting links is slow on a debug kernel."""
        def setup():
            if relink or dev.state() is None:
                rtnl.link_del(dev.ifname)
                err = rtnl.link_add(dev.ifname)
                if err:
                    die(f"adding {dev.ifname}: {os.strerror(err)}")
            # The same private key each time: the state to compare with.
            err = dev.request("XTUN_CMD_SET_DEVICE", base_device)
            if err:
                die(f"resetting {dev.ifname}: {os.strerror(err)}")
            for i in range(npeers):
                err = dev.request("XTUN_CMD_NEW_PEER", dev.peer(keys[i], i + 1))
                if err:
                    die(f"adding peer {i}: {os.strerror(err)}")
        return setup

    def gone():
        rtnl.link_del(dev.ifname)

    set_device = (dev.a("XTUN_DEVICE_A_PRIVATE_KEY", dev.key()) +
                  dev.a("XTUN_DEVICE_A_LISTEN_PORT", struct.pack("H", 0)) +
                  dev.a("XTUN_DEVICE_A_FWMARK", struct.pack("I", 0x51)) +
                  dev.a("XTUN_DEVICE_A_FLAGS", struct.pack("I", 1)))
    replace = dev.a("XTUN_PEER_A_FLAGS", struct.pack("I", 1))
    return {
        "link-add": (gone, lambda: rtnl.link_add(dev.ifname)),
        "link-del": (fresh(2, relink=True), lambda: rtnl.link_del(dev.ifname)),
        "set-device": (fresh(2), lambda: dev.request("XTUN_CMD_SET_DEVICE", set_device)),
        "new-peer": (fresh(1), lambda: dev.request("XTUN_CMD_NEW_PEER",
                                                   dev.peer(keys[3], 9))),
        "set-peer": (fresh(2), lambda: dev.request("XTUN_CMD_SET_PEER",
                                                   dev.peer(keys[0], 7, replace))),
        "del-peer": (fresh(2), lambda: dev.request(
            "XTUN_CMD_DEL_PEER",
            dev.nest("XTUN_DEVICE_A_PEER", dev.a("XTUN_PEER_A_PUBLIC_KEY", keys[1])))),
        "dump": (fresh(3), lambda: dev.genl.request(
            dev.family, dev.x["XTUN_CMD_GET_DEVICE"], dev.selector(),
            xtun_nl.NLM_F_DUMP)[1]),
    }


def attempt(fail, n, request):
    """Runs request with its n-th allocation failing: (errno, fired)."""
    fail.arm(n)
    try:
        err = request()
    except socket.timeout:
        fail.fired()
        die(f"allocation {n}: no reply within {TIMEOUT} s")
    except OSError as e:	# the request or its reply could not be sent
        err = e.errno
    return err, fail.fired()


def cmd_nth(ifname, name, count="64", stride="1"):
    dev = Device(ifname, int(count))
    rtnl = Rtnl()
    table = scenarios(dev, rtnl)
    if name not in table:
        die(f"unknown request {name}; one of {', '.join(table)}")
    setup, request = table[name]

    # The state after a request that went through, to compare against.
    setup()
    if request():
        die(f"{name} fails without any fault")
    after = dev.state()
    fail = FailNth()
    runs = failed = succeeded = 0
    for n in range(1, 100000, int(stride)):
        setup()
        before = dev.state()
        err, fired = attempt(fail, n, request)
        if not fired:
            break
        runs += 1
        # A reply lost to the fault (ENOBUFS) leaves either outcome open.
        now = dev.state()
        if err == 0 and now != after:
            die(f"allocation {n} failed, {name} succeeded, but the device is not as "
                f"after a clean {name}:\n  {now}\n  {after}")
        if err and now != before and not (err == errno.ENOBUFS and now == after):
            die(f"allocation {n} failed, {name} failed ({os.strerror(err)}), but it "
                f"changed the device:\n  before {before}\n  now    {now}")
        if err:
            failed += 1
        else:
            succeeded += 1
    rtnl.link_del(ifname)
    print(f"{name}: {runs} runs, {failed} failed with an error, {succeeded} succeeded"
          f" (allocation 1 to {n - 1}, step {stride})")


def peer_keys(state):
    """The public keys of the peers in a state(): its entries of two
    (the peer, its allowed IPs); the device's own have three."""
    return {entry[0][0] for entry in state if len(entry) == 2}


def random_request(dev, rng, keys):
    """(name, request, the keys after it succeeds) for a random request."""
    kind = rng.choice(["new-peer", "new-peer", "set-peer", "del-peer", "set-device", "dump"])
    if kind in ("set-peer", "del-peer") and not keys:
        kind = "new-peer"
    if kind == "new-peer":
        key = dev.key()
        return kind, lambda: dev.request("XTUN_CMD_NEW_PEER", dev.peer(key, rng.randrange(1, 200))), \
            keys | {key}
    if kind == "set-peer":
        key = rng.choice(sorted(keys))
        replace = dev.a("XTUN_PEER_A_FLAGS", struct.pack("I", 1))
        return kind, lambda: dev.request("XTUN_CMD_SET_PEER",
                                         dev.peer(key, rng.randrange(1, 200), replace)), keys
    if kind == "del-peer":
        key = rng.choice(sorted(keys))
        return kind, lambda: dev.request(
            "XTUN_CMD_DEL_PEER",
            dev.nest("XTUN_DEVICE_A_PEER", dev.a("XTUN_PEER_A_PUBLIC_KEY", key))), keys - {key}
    if kind == "set-device":
        payload = (dev.a("XTUN_DEVICE_A_LISTEN_PORT", struct.pack("H", rng.randrange(20000, 60000))) +
                   dev.a("XTUN_DEVICE_A_FWMARK", struct.pack("I", rng.randrange(1 << 16))))
        return kind, lambda: dev.request("XTUN_CMD_SET_DEVICE", payload), keys
    return kind, lambda: dev.genl.request(dev.family, dev.x["XTUN_CMD_GET_DEVICE"],
                                          dev.selector(), xtun_nl.NLM_F_DUMP)[1], keys


def cmd_random(ifname, rounds, percent, seed="1"):
    dev = Device(ifname, 8)
    rng = random.Random(int(seed))
    rtnl = Rtnl()
    rtnl.link_del(ifname)
    err = rtnl.link_add(ifname)
    if err:
        die(f"adding {ifname}: {os.strerror(err)}")
    for i in range(12):
        err = dev.request("XTUN_CMD_NEW_PEER", dev.peer(dev.key(), i + 1))
        if err:
            die(f"adding peer {i}: {os.strerror(err)}")
    fail = FailNth()
    state = dev.state()
    keys = peer_keys(state)
    faulted = failed = 0
    for r in range(int(rounds)):
        name, request, keys_after = random_request(dev, rng, keys)
        armed = rng.randrange(100) < int(percent)
        if armed:
            err, fired = attempt(fail, rng.randrange(1, 40), request)
        else:
            err, fired = request(), False
        if err:
            # What a failed request left on its socket (the rest of a
            # dump, a late error) must not answer the next one.
            dev.genl.sock.close()
            dev.genl = Genl()
            dev.genl.sock.settimeout(TIMEOUT)
        now = dev.state()
        faulted += fired
        if err and not fired:
            die(f"round {r}: {name} failed without a fault: {os.strerror(err)}")
        if err:
            failed += 1
            if now != state and not (err == errno.ENOBUFS and peer_keys(now) == keys_after):
                die(f"round {r}: {name} failed ({os.strerror(err)}) but changed the device:"
                    f"\n  before {state}\n  now    {now}")
            keys = peer_keys(now)
        else:
            if peer_keys(now) != keys_after:
                die(f"round {r}: {name} succeeded but the peers are not what it asked for")
            keys = keys_after
        state = now
    # Without faults, a replacing configuration gives exactly itself.
    want = [dev.key() for _ in range(5)]
    err = dev.request("XTUN_CMD_SET_DEVICE", dev.a("XTUN_DEVICE_A_FLAGS", struct.pack("I", 1)))
    for i, k in enumerate(want):
        err = err or dev.request("XTUN_CMD_NEW_PEER", dev.peer(k, i + 1))
    if err:
        die(f"the clean configuration failed: {os.strerror(err)}")
    if peer_keys(dev.state()) != set(want):
        die("the clean configuration did not give exactly its peers")
    err = rtnl.link_del(ifname)
    if err:
        die(f"deleting {ifname}: {os.strerror(err)}")
    print(f"random: {rounds} requests, {faulted} with a failed allocation, {failed} failed"
          f" with an error")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "nth":
        cmd_nth(*sys.argv[2:])
    elif len(sys.argv) >= 5 and sys.argv[1] == "random":
        cmd_random(*sys.argv[2:])
    else:
        die(__doc__.strip().splitlines()[2].strip())


if __name__ == "__main__":
    main()
