#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzzers for fuzz.sh: hostile datagrams at an xtun port, hostile requests
at the xtun generic netlink family.

    xtun_fuzz.py datagrams --to ADDR PORT --bind ADDR PORT [--to ... --bind ...]
                 --count N --seed S --pubkey KEY
                 {--data FRAME [--initiation FRAME] | --capture IFNAME PORT --sync DIR}
        Send N hostile datagrams to ADDR:PORT from a UDP socket bound to
        --bind, in batches; with several --to, most go to the first.  KEY
        (base64) is the receiver's public key, so handshake messages can
        carry a valid mac1.  FRAME files are captured frames (xtun_pkt.py
        capture) of a data message and of an initiation that the receiver
        accepted.  --capture takes them instead from IFNAME: the first
        initiation and the first data message of 48 bytes or more to PORT.
        It creates DIR/listening once listening, writes DIR/initiation and
        DIR/data, creates DIR/captured, and starts sending once DIR/go
        exists (the caller reads counters in between).  Datagrams that
        come back on the sockets (the receiver's initiations to a peer at
        --bind, cookie replies) are read as it goes: the latest initiation's
        sender index is used for responses and cookie replies that the
        receiver looks up.
        Prints "sent KIND N" per kind, "received KIND N", the rate, and
        "expect drop-auth N" and "expect drop-replay N": the data messages
        sent that name the captured session and fail authentication, and
        the unaltered replays.

    xtun_fuzz.py netlink --count N --seed S --devices A,B,C
                 [--style garbage|hostile|mixed] [--timeout SECONDS]
        Send N requests to the xtun family, in batches, and check that each
        gets exactly one answer (an ack, an error or a dump's end) within
        --timeout seconds.  garbage: mostly random commands, flags and
        attribute trees; hostile: well-formed requests with hostile values;
        mixed: half and half.  A model of the configuration follows every
        request that succeeded; dumps, some of them read slowly while
        requests go on, must agree with it, and each device's generation
        must have moved once per change.  The devices A,B,C must exist:
        xtun devices without peers first, then devices of other kinds,
        whose requests must be refused.

Both take --seed; the same seed sends the same datagrams or requests.  Exit
status 0 when every check held, 1 otherwise, with the reason on stderr.
"""

import base64
import collections
import errno
import os
import random
import socket
import struct
import sys
import time

try:
    from _blake2 import blake2s		# without loading OpenSSL, as hashlib does
except ImportError:
    from hashlib import blake2s

import xtun_pkt

# The netlink fuzzer's imports, made by load_netlink(): the guest starts
# Python under emulation, where every module counts.
xtun_nl = X = None

# --- datagrams --------------------------------------------------------------

MSG_INITIATION, MSG_RESPONSE, MSG_COOKIE, MSG_DATA = 1, 2, 3, 4
DATA_HEADER = 16		# type, receiver index, counter
MAX_UDP4 = 1472			# a payload that fits a 1500-byte frame


def mac1_key(public_key):
    """HASH(LABEL_MAC1 || public key): mac1's key for messages to its owner."""
    return blake2s(b"mac1----" + public_key).digest()


def with_mac1(msg, key):
    """@msg with mac1 (the 16 bytes before mac2) computed over what precedes."""
    off = len(msg) - 32
    mac = blake2s(msg[:off], key=key, digest_size=16).digest()
    return msg[:off] + mac + msg[off + 16:]


def payload_of(frame):
    """The UDP payload of a captured frame (bytes, or the file holding it)."""
    if isinstance(frame, str):
        frame = xtun_pkt.read_frame(frame)
    _, udp, _ = xtun_pkt.udp_of_frame(frame)
    length = struct.unpack("!H", frame[udp + 4:udp + 6])[0]
    return frame[udp + 8:udp + length]


def mmsghdr_types(ctypes):
    """struct iovec and struct mmsghdr (with its struct msghdr)."""
    class Iovec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

    class Msghdr(ctypes.Structure):
        _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                    ("iov", ctypes.POINTER(Iovec)), ("iovlen", ctypes.c_size_t),
                    ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                    ("flags", ctypes.c_int)]

    class Mmsghdr(ctypes.Structure):
        _fields_ = [("hdr", Msghdr), ("len", ctypes.c_uint)]

    return Iovec, Mmsghdr


class BatchSender:
    """sendmmsg(2) on a connected socket, one system call per batch; plain
    send() where the C library has no sendmmsg."""

    def __init__(self, sock, batch):
        import ctypes		# pylint: disable=import-outside-toplevel
        self.ctypes = ctypes
        self.sock = sock
        iovec, mmsghdr = mmsghdr_types(ctypes)
        self.iov = (iovec * batch)()
        self.hdrs = (mmsghdr * batch)()
        for i in range(batch):
            self.hdrs[i].hdr.iov = ctypes.pointer(self.iov[i])
            self.hdrs[i].hdr.iovlen = 1
        try:
            self.sendmmsg = ctypes.CDLL(None, use_errno=True).sendmmsg
        except (OSError, AttributeError):
            self.sendmmsg = None

    def send(self, msgs):
        if not self.sendmmsg:
            for msg in msgs:
                self.send_one(msg)
            return
        ctypes = self.ctypes
        buf = ctypes.create_string_buffer(b"".join(msgs), sum(map(len, msgs)) or 1)
        addr = ctypes.addressof(buf)
        for i, msg in enumerate(msgs):
            self.iov[i].base = addr
            self.iov[i].len = len(msg)
            addr += len(msg)
        done = 0
        while done < len(msgs):
            n = self.sendmmsg(self.sock.fileno(), ctypes.byref(self.hdrs[done]),
                              len(msgs) - done, 0)
            if n > 0:
                done += n
                continue
            err = ctypes.get_errno()
            if err == errno.EMSGSIZE:
                done += 1	# too big for the path; the next one may not be
            elif err not in (errno.EINTR, errno.EAGAIN, errno.ENOBUFS,
                             errno.ECONNREFUSED):
                raise OSError(err, os.strerror(err))

    def send_one(self, msg):
        while True:
            try:
                self.sock.send(msg)
                return
            except (InterruptedError, BlockingIOError, ConnectionRefusedError):
                continue
            except OSError as err:
                if err.errno == errno.EMSGSIZE:
                    return
                if err.errno != errno.ENOBUFS:
                    raise


class DatagramFuzzer:
    """Every kind of datagram fuzz.sh sends, one generator per kind.  Bodies
    are slices of one block of random bytes at random offsets, and random
    numbers come from random() rather than randrange(): the guest runs this
    under emulation, where every Python-level step counts."""

    BLOB = 1 << 20

    def __init__(self, rng, public_key, data, initiation):
        self.rng = rng
        self.random = rng.random
        self.blob = rng.randbytes(self.BLOB + MAX_UDP4)
        self.key = mac1_key(public_key)
        self.data = data
        self.data_index = data[4:8]
        self.initiation = initiation
        self.inflight_index = None	# of the receiver's latest initiation
        self.expect_auth = 0
        self.expect_replay = 0
        kinds = [
            ("random-bytes", 20, self.random_bytes),
            ("exact-size-random", 14, self.exact_size_random),
            ("unknown-type", 6, self.unknown_type),
            ("reserved-bits", 5, self.reserved_bits),
            ("data-random-body", 10, self.data_random_body),
            ("data-bit-flipped", 12, self.data_bit_flipped),
            ("data-truncated", 6, self.data_truncated),
            ("data-replayed", 4, self.data_replayed),
            ("initiation-mac1", 4, self.initiation_mac1),
            ("response-mac1", 4, self.response_mac1),
            ("cookie-reply", 4, self.cookie_reply),
        ]
        if initiation:
            kinds.append(("initiation-captured-mac1", 4, self.initiation_captured))
        self.names = [k[0] for k in kinds]
        self.weights = [k[1] for k in kinds]
        self.make = [k[2] for k in kinds]

    def below(self, n):
        return int(self.random() * n)

    def bytes(self, n):
        off = int(self.random() * self.BLOB)
        return self.blob[off:off + n]

    def random_bytes(self):
        pick = self.random()
        if pick < 0.02:
            return self.bytes(MAX_UDP4 + 1 + self.below(6000))	# fragments
        if pick < 0.2:
            return self.bytes(self.below(40))
        return self.bytes(self.below(MAX_UDP4 + 1))

    def exact_size_random(self):
        msg_type = 1 + self.below(4)
        size = xtun_pkt.MSG_LEN[msg_type]
        if msg_type == MSG_DATA:
            size += self.below(MAX_UDP4 + 1 - size)
        return bytes((msg_type, 0, 0, 0)) + self.bytes(size - 4)

    UNKNOWN_TYPES = (0, 5, 6, 7, 0x7F, 0x80, 0xFF)
    SIZES = (4, 32, 64, 92, 148)

    def unknown_type(self):
        pick = self.below(8)
        msg_type = self.UNKNOWN_TYPES[pick] if pick < 7 else 5 + self.below(251)
        pick = self.below(6)
        size = self.SIZES[pick] if pick < 5 else 4 + self.below(MAX_UDP4 - 3)
        return bytes((msg_type, 0, 0, 0)) + self.bytes(size - 4)

    def reserved_bits(self):
        """A known type whose reserved bytes are not zero: an unknown type."""
        msg_type = 1 + self.below(4)
        reserved = bytearray(self.bytes(3))
        if self.random() < 0.5:		# one bit only
            reserved = bytearray(3)
            reserved[self.below(3)] = 1 << self.below(8)
        elif not any(reserved):
            reserved[0] = 1
        size = xtun_pkt.MSG_LEN[msg_type]
        msg = bytes((msg_type,)) + reserved + self.bytes(size - 4)
        return with_mac1(msg, self.key) if msg_type == MSG_INITIATION else msg

    def data_random_body(self):
        """The captured session's index, a fresh counter, forged ciphertext."""
        self.expect_auth += 1
        return (b"\4\0\0\0" + self.data_index + self.bytes(8) +
                self.bytes(16 + self.below(MAX_UDP4 - DATA_HEADER - 15)))

    def data_bit_flipped(self):
        msg = bytearray(self.data)
        bit = self.below(len(msg) * 8)
        msg[bit >> 3] ^= 1 << (bit & 7)
        if bit >> 3 >= 8:	# type and index intact: authentication fails
            self.expect_auth += 1
        return bytes(msg)

    def data_truncated(self):
        """Cut short, or grown by random bytes: the tag no longer fits."""
        if self.random() < 0.8:
            length = self.below(len(self.data))
            if length >= 32:
                self.expect_auth += 1
            return self.data[:length]
        self.expect_auth += 1
        return self.data + self.bytes(1 + self.below(64))

    def data_replayed(self):
        self.expect_replay += 1
        return self.data

    def initiation_mac1(self):
        """Random ephemeral and ciphertexts, valid mac1: costs a Curve25519."""
        mac2 = bytes(16) if self.random() < 0.8 else self.bytes(16)
        return with_mac1(b"\1\0\0\0" + self.bytes(128) + mac2, self.key)

    def initiation_captured(self):
        """The accepted initiation again, or with one bit before mac1 flipped,
        mac1 recomputed: decrypts up to the timestamp check, or fails AEAD."""
        msg = bytearray(self.initiation)
        if self.random() < 0.8:
            bit = 32 + self.below(112 * 8)
            msg[bit >> 3] ^= 1 << (bit & 7)
        return with_mac1(bytes(msg), self.key)

    def index(self):
        """The receiver's in-flight handshake, its session, or random."""
        pick = self.random()
        if self.inflight_index and pick < 0.7:
            return self.inflight_index
        if pick < 0.85:
            return self.data_index
        return self.bytes(4)

    def response_mac1(self):
        """A response to the receiver's own initiation: two Curve25519s."""
        return with_mac1(b"\2\0\0\0" + self.bytes(4) + self.index() + self.bytes(48) +
                         bytes(32), self.key)

    def cookie_reply(self):
        return b"\3\0\0\0" + self.index() + self.bytes(56)

    def batch(self, n, counts):
        kinds = self.rng.choices(range(len(self.names)), self.weights, k=n)
        make = self.make
        for kind in kinds:
            counts[kind] += 1
        return [make[kind]() for kind in kinds]

    def take_reply(self, msg, received):
        """What the receiver sent the fuzzer's address."""
        msg_type = struct.unpack("<I", msg[:4])[0] if len(msg) >= 4 else 0
        if msg_type == MSG_INITIATION and len(msg) == xtun_pkt.MSG_LEN[MSG_INITIATION]:
            self.inflight_index = msg[4:8]
            kind = "initiation"
        elif msg_type == MSG_COOKIE and len(msg) == xtun_pkt.MSG_LEN[MSG_COOKIE]:
            kind = "cookie-reply"
        else:
            kind = "other"
        received[kind] = received.get(kind, 0) + 1


def softnet_dropped():
    """Packets the kernel dropped for a full backlog, all CPUs together."""
    with open("/proc/net/softnet_stat", encoding="ascii") as f:
        return sum(int(line.split()[1], 16) for line in f)


def drain(sock, fuzzer, received):
    while True:
        try:
            fuzzer.take_reply(sock.recv(65535, socket.MSG_DONTWAIT), received)
        except (BlockingIOError, InterruptedError):
            return
        except ConnectionRefusedError:
            continue


def wait_for_file(path, timeout):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise SystemExit(f"xtun_fuzz: {path} did not appear in {timeout} s")
        time.sleep(0.05)


def capture_messages(args):
    """The first initiation and data message to the port, seen on the
    interface, in files in the sync directory; then wait to be told to go."""
    ifname, port = args.capture[0][0], int(args.capture[0][1])
    sock = xtun_pkt.capture_socket(ifname)
    xtun_pkt.touch(os.path.join(args.sync, "listening"))
    wanted = [(MSG_INITIATION, xtun_pkt.MSG_LEN[MSG_INITIATION]), (MSG_DATA, 48)]
    frames = xtun_pkt.capture(sock, port, wanted, 120)
    sock.close()
    for want, name in zip(wanted, ("initiation", "data")):
        if want not in frames:
            raise SystemExit(f"xtun_fuzz: no {name} to port {port} seen on {ifname}")
        xtun_pkt.write_frame(os.path.join(args.sync, name), frames[want])
    xtun_pkt.touch(os.path.join(args.sync, "captured"))
    wait_for_file(os.path.join(args.sync, "go"), 600)
    return frames[wanted[1]], frames[wanted[0]]


def cmd_datagrams(args):
    if len(args.to) != len(args.bind):
        raise SystemExit("xtun_fuzz: give one --bind for each --to")
    socks, senders = [], []
    for (host, port), (addr, lport) in zip(args.to, args.bind):
        sock = xtun_pkt.udp_socket(host)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        sock.bind((addr, int(lport)))
        sock.connect((host, int(port)))
        socks.append(sock)
        senders.append(BatchSender(sock, args.batch))
    if args.capture:
        data, initiation = capture_messages(args)
    elif args.data:
        data, initiation = args.data, args.initiation
    else:
        raise SystemExit("xtun_fuzz: datagrams: give --data or --capture")
    rng = random.Random(args.seed)
    fuzzer = DatagramFuzzer(rng, base64.b64decode(args.pubkey), payload_of(data),
                            payload_of(initiation) if initiation else None)
    counts, received = [0] * len(fuzzer.names), {}
    per_target = [0] * len(socks)
    dropped = softnet_dropped()
    start = time.monotonic()
    sent = 0
    while sent < args.count:
        # The first target gets most; the others some of every kind.
        target = 0
        if len(socks) > 1 and rng.random() >= 0.75:
            target = 1 + rng.randrange(len(socks) - 1)
        msgs = fuzzer.batch(min(args.batch, args.count - sent), counts)
        senders[target].send(msgs)
        sent += len(msgs)
        per_target[target] += len(msgs)
        for sock in socks:
            drain(sock, fuzzer, received)
    elapsed = time.monotonic() - start
    time.sleep(0.5)
    for sock in socks:
        drain(sock, fuzzer, received)
    for name, n in zip(fuzzer.names, counts):
        print(f"sent {name} {n}")
    for (host, port), n in zip(args.to, per_target):
        print(f"sent to {host} port {port}: {n}")
    for name, n in sorted(received.items()):
        print(f"received {name} {n}")
    cpu = os.times()
    print(f"sent {sent} datagrams in {elapsed:.1f} s, {sent / max(elapsed, 1e-3):.0f}/s"
          f" (the fuzzer's CPU time: {cpu.user:.1f} s user, {cpu.system:.1f} s system)")
    print(f"backlog drops {softnet_dropped() - dropped}")
    print(f"expect drop-auth {fuzzer.expect_auth}")
    print(f"expect drop-replay {fuzzer.expect_replay}")


# --- netlink ----------------------------------------------------------------

def load_netlink():
    global xtun_nl, X		# pylint: disable=global-statement
    import xtun_nl as nl	# pylint: disable=import-outside-toplevel
    xtun_nl, X = nl, nl.abi()


ZERO_KEY = bytes(32)
NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_ECHO = 0x100, 0x200, 0x400, 0x8
PORT_IN_USE = 51840		# held by the fuzzer, so binding it fails


def u16(v):
    return struct.pack("H", v)


def u32(v):
    return struct.pack("I", v)


def get_uint(data):
    return int.from_bytes(data, sys.byteorder)


def clamp(key):
    """The Curve25519 scalar of a private key: keys that clamp alike are one key."""
    key = bytearray(key)
    key[0] &= 248
    key[31] = (key[31] & 127) | 64
    return bytes(key)


P25519 = 2**255 - 19


def x25519_public(private):
    """The Curve25519 public key of a private key (RFC 7748, the base point),
    so that the model knows the key of every device whatever key it was given."""
    k = int.from_bytes(clamp(private), "little")
    x2, z2, x3, z3, swap = 1, 0, 9, 1, 0
    for t in range(254, -1, -1):
        bit = (k >> t) & 1
        if swap ^ bit:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b, c, d = x2 + z2, x2 - z2, x3 + z3, x3 - z3
        aa, bb, da, cb = a * a % P25519, b * b % P25519, d * a % P25519, c * b % P25519
        e = aa - bb
        x3, z3 = (da + cb) ** 2 % P25519, 9 * (da - cb) ** 2 % P25519
        x2, z2 = aa * bb % P25519, e * (aa + 121665 * e) % P25519
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, P25519 - 2, P25519) % P25519).to_bytes(32, "little")


def masked(addr, cidr):
    bits = int.from_bytes(addr, "big")
    width = len(addr) * 8
    bits &= ((1 << width) - 1) ^ ((1 << (width - cidr)) - 1) if cidr < width else -1
    return bits.to_bytes(len(addr), "big")


def encode(node):
    """Bytes of a request tree: (type, bytes), (type, [children]) for a nest
    (NLA_F_NESTED added unless the type says raw), or raw bytes."""
    if isinstance(node, bytes):
        return node
    kind, value = node
    if isinstance(value, list):
        value = b"".join(encode(n) for n in value)
        if not kind & 0x10000:
            kind |= xtun_nl.NLA_F_NESTED
    return xtun_nl.attr(kind & 0xFFFF, value)


class Peer:
    def __init__(self, psk=False, endpoint=None, keepalive=0):
        self.psk, self.endpoint, self.keepalive = psk, endpoint, keepalive

    def __eq__(self, other):
        return vars(self) == vars(other)

    def copy(self):
        return Peer(self.psk, self.endpoint, self.keepalive)


class Device:
    """What one xtun device's configuration must be."""

    def __init__(self, ifindex, name):
        self.ifindex, self.name = ifindex, name
        self.pubkey, self.port, self.fwmark, self.generation = None, None, 0, None
        self.peers = {}		# public key -> Peer, in the device's order
        self.aips = {}		# (family, masked address, cidr) -> public key

    def remove_peer(self, key):
        del self.peers[key]
        self.aips = {p: k for p, k in self.aips.items() if k != key}

    def copy(self):
        dev = Device(self.ifindex, self.name)
        dev.pubkey, dev.port, dev.fwmark = self.pubkey, self.port, self.fwmark
        dev.generation = self.generation
        dev.peers = {k: p.copy() for k, p in self.peers.items()}
        dev.aips = dict(self.aips)
        return dev


class Model:
    """The configuration the successful requests made, as the netlink
    documentation says they make it; fed the requests that succeeded."""

    def __init__(self, devices):
        self.devices = devices	# ifindex -> Device
        self.names = {d.name: d for d in devices.values()}
        self.publics = {}	# clamped private key -> public key
        self.changes = 0

    def snapshot(self):
        """A copy, as the model is now, for a dump to be compared with later."""
        model = Model({i: d.copy() for i, d in self.devices.items()})
        model.publics, model.changes = self.publics, self.changes
        return model

    def public(self, private):
        scalar = clamp(private)
        if scalar not in self.publics:
            self.publics[scalar] = x25519_public(scalar)
        return self.publics[scalar]

    def select(self, top):
        if X["XTUN_DEVICE_A_IFINDEX"] in top:
            return self.devices[get_uint(top[X["XTUN_DEVICE_A_IFINDEX"]])]
        return self.names[top[X["XTUN_DEVICE_A_IFNAME"]].rstrip(b"\0").decode()]

    def apply(self, cmd, payload):
        """A request that succeeded: change the model as it changed the device."""
        if cmd == X["XTUN_CMD_GET_DEVICE"]:
            return
        top = xtun_nl.parse_attrs(payload)
        dev = self.select(top)
        dev.generation += 1
        self.changes += 1
        if cmd == X["XTUN_CMD_SET_DEVICE"]:
            self.set_device(dev, top)
            return
        peer = xtun_nl.parse_attrs(top[X["XTUN_DEVICE_A_PEER"]])
        key = peer[X["XTUN_PEER_A_PUBLIC_KEY"]]
        if cmd == X["XTUN_CMD_DEL_PEER"]:
            dev.remove_peer(key)
            return
        if cmd == X["XTUN_CMD_NEW_PEER"]:
            dev.peers[key] = Peer()
        flags = get_uint(peer.get(X["XTUN_PEER_A_FLAGS"], b"\0"))
        replace = bool(flags & X["XTUN_PEER_F_REPLACE_ALLOWEDIPS"])
        aips = peer.get(X["XTUN_PEER_A_ALLOWEDIPS"])
        if replace:
            dev.aips = {p: k for p, k in dev.aips.items() if k != key}
        for _, entry in xtun_nl.attr_list(aips or b""):
            self.apply_aip(dev, key, xtun_nl.parse_attrs(entry))
        state = dev.peers[key]
        if X["XTUN_PEER_A_PRESHARED_KEY"] in peer:
            state.psk = peer[X["XTUN_PEER_A_PRESHARED_KEY"]] != ZERO_KEY
        if X["XTUN_PEER_A_ENDPOINT"] in peer:
            state.endpoint = peer[X["XTUN_PEER_A_ENDPOINT"]]
        if X["XTUN_PEER_A_PERSISTENT_KEEPALIVE"] in peer:
            state.keepalive = get_uint(peer[X["XTUN_PEER_A_PERSISTENT_KEEPALIVE"]])

    @staticmethod
    def apply_aip(dev, key, entry):
        cidr = entry[X["XTUN_ALLOWEDIP_A_CIDR"]][0]
        prefix = (get_uint(entry[X["XTUN_ALLOWEDIP_A_FAMILY"]]),
                  masked(entry[X["XTUN_ALLOWEDIP_A_ADDR"]], cidr), cidr)
        flags = get_uint(entry.get(X["XTUN_ALLOWEDIP_A_FLAGS"], b"\0"))
        if not flags & X["XTUN_ALLOWEDIP_F_REMOVE"]:
            dev.aips[prefix] = key
        elif dev.aips.get(prefix) == key:
            del dev.aips[prefix]

    def set_device(self, dev, top):
        if X["XTUN_DEVICE_A_LISTEN_PORT"] in top:
            port = get_uint(top[X["XTUN_DEVICE_A_LISTEN_PORT"]])
            dev.port = port or None		# 0 picks a port the model learns
        flags = get_uint(top.get(X["XTUN_DEVICE_A_FLAGS"], b"\0"))
        if flags & X["XTUN_DEVICE_F_REPLACE_PEERS"]:
            dev.peers, dev.aips = {}, {}
        if X["XTUN_DEVICE_A_FWMARK"] in top:
            dev.fwmark = get_uint(top[X["XTUN_DEVICE_A_FWMARK"]])
        if X["XTUN_DEVICE_A_PRIVATE_KEY"] in top:
            private = top[X["XTUN_DEVICE_A_PRIVATE_KEY"]]
            if private == ZERO_KEY:
                dev.pubkey = None
                return
            public = self.public(private)
            if public == dev.pubkey:
                return		# the same key again: nothing changes
            if public in dev.peers:
                dev.remove_peer(public)
            dev.pubkey = public

    def learn(self, devices):
        """Take the initial state, and ports the model cannot know, from a dump."""
        for ifindex, seen in devices.items():
            dev = self.devices[ifindex]
            attrs = seen["attrs"]
            if dev.generation is None:
                dev.generation = get_uint(attrs[X["XTUN_DEVICE_A_GENERATION"]])
                dev.pubkey = attrs.get(X["XTUN_DEVICE_A_PUBLIC_KEY"])
                dev.fwmark = get_uint(attrs[X["XTUN_DEVICE_A_FWMARK"]])
                if seen["peers"]:
                    raise SystemExit("xtun_fuzz: the devices must start without peers")
            if dev.port is None:
                dev.port = get_uint(attrs[X["XTUN_DEVICE_A_LISTEN_PORT"]])

    def differences(self, devices, only=None):
        """How a merged dump differs from the model (devices: merge_dump())."""
        want = {i for i in self.devices if only is None or i == only}
        diffs = []
        if set(devices) != want:
            diffs.append(f"devices {sorted(devices)}, expected {sorted(want)}")
        for ifindex in sorted(want & set(devices)):
            diffs += [f"{self.devices[ifindex].name}: {d}"
                      for d in self.device_differences(self.devices[ifindex],
                                                       devices[ifindex])]
        return diffs

    @staticmethod
    def device_differences(dev, seen):
        attrs, diffs = seen["attrs"], []
        got = {
            "name": attrs[X["XTUN_DEVICE_A_IFNAME"]].rstrip(b"\0").decode(),
            "public key": attrs.get(X["XTUN_DEVICE_A_PUBLIC_KEY"]),
            "fwmark": get_uint(attrs[X["XTUN_DEVICE_A_FWMARK"]]),
            "generation": get_uint(attrs[X["XTUN_DEVICE_A_GENERATION"]]),
            "listen port": get_uint(attrs[X["XTUN_DEVICE_A_LISTEN_PORT"]]),
        }
        want = {"name": dev.name, "public key": dev.pubkey, "fwmark": dev.fwmark,
                "generation": dev.generation, "listen port": dev.port}
        if dev.port is None:
            want["listen port"] = got["listen port"]
        for what in got:
            if got[what] != want[what]:
                diffs.append(f"{what} {show(got[what])}, expected {show(want[what])}")
        keys = [p["attrs"][X["XTUN_PEER_A_PUBLIC_KEY"]] for p in seen["peers"]]
        if keys != list(dev.peers):
            diffs.append(f"peers {[show(k) for k in keys]}, expected "
                         f"{[show(k) for k in dev.peers]}")
            return diffs
        for key, peer in zip(keys, seen["peers"]):
            diffs += [f"peer {show(key)}: {d}"
                      for d in Model.peer_differences(dev, key, peer)]
        return diffs

    @staticmethod
    def peer_differences(dev, key, seen):
        attrs, want, diffs = seen["attrs"], dev.peers[key], []
        got = Peer(X["XTUN_PEER_A_HAS_PRESHARED_KEY"] in attrs,
                   attrs.get(X["XTUN_PEER_A_ENDPOINT"]),
                   get_uint(attrs.get(X["XTUN_PEER_A_PERSISTENT_KEEPALIVE"], b"\0\0")))
        if got != want:
            diffs.append(f"{vars(got)}, expected {vars(want)}")
        aips = set()
        for aip in seen["allowedips"]:
            aips.add((get_uint(aip[X["XTUN_ALLOWEDIP_A_FAMILY"]]),
                      aip[X["XTUN_ALLOWEDIP_A_ADDR"]], aip[X["XTUN_ALLOWEDIP_A_CIDR"]][0]))
        if len(aips) != len(seen["allowedips"]):
            diffs.append(f"a prefix listed twice among {len(seen['allowedips'])}")
        expected = {p for p, k in dev.aips.items() if k == key}
        if aips != expected:
            diffs.append(f"allowed IPs: {sorted(map(show_aip, aips - expected))} too many, "
                         f"{sorted(map(show_aip, expected - aips))} missing")
        if get_uint(attrs.get(X["XTUN_PEER_A_LAST_HANDSHAKE"], b"\0")):
            diffs.append("a handshake took place")
        return diffs


def errno_name(err):
    return "success" if not err else errno.errorcode.get(err, str(err))


def show(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode() if len(value) == 32 else value.hex()
    return str(value)


def show_aip(prefix):
    family, addr, cidr = prefix
    return f"{socket.inet_ntop(family, addr)}/{cidr}"


class Requests:
    """Request generators: hostile values in well-formed requests, and garbage."""

    def __init__(self, rng, devices, model):
        self.rng = rng
        self.random = rng.random
        self.model = model
        self.devices = devices		# [(name, ifindex)], xtun devices first
        self.privates = [rng.randbytes(32) for _ in range(3)]
        # Peers' keys, the devices' own among them.
        self.peer_keys = ([rng.randbytes(32) for _ in range(8)] +
                          [model.public(k) for k in self.privates])
        # Huge lists are runs of these: every /24 of 10.0.0.0/13, every
        # /120 of fd00:0:0:0::/112 up to 2048, encoded, in a random order.
        self.huge_pools = []
        for family, length, cidr in ((socket.AF_INET, 4, 24), (socket.AF_INET6, 16, 120)):
            head = struct.pack("HHHHHxx", 24 + length,
                               xtun_nl.NLA_F_NESTED, 6, X["XTUN_ALLOWEDIP_A_FAMILY"], family)
            addr = struct.pack("HH", 4 + length, X["XTUN_ALLOWEDIP_A_ADDR"])
            tail = struct.pack("HHBxxx", 5, X["XTUN_ALLOWEDIP_A_CIDR"], cidr)
            entries = []
            for i in range(2048):
                if family == socket.AF_INET:
                    entries.append(head + addr + bytes([10, i >> 8, i & 255, 0]) + tail)
                else:
                    entries.append(head + addr + b"\xfd" + bytes(12) +
                                   bytes([i >> 8, i & 255, 0]) + tail)
            self.shuffle(entries)
            self.huge_pools.append(b"".join(entries))

    # random.Random's choice(), randrange() and shuffle() are Python code;
    # these are cheaper, which counts under emulation.
    def chance(self, p):
        return self.random() < p

    def below(self, n):
        return int(self.random() * n)

    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def shuffle(self, seq):
        for i in range(len(seq) - 1, 0, -1):
            j = int(self.random() * (i + 1))
            seq[i], seq[j] = seq[j], seq[i]

    def key(self, pool):
        rng = self.rng
        pick = rng.random()
        if pick < 0.9:
            return self.pick(pool)
        if pick < 0.95:
            return rng.randbytes(32)
        return rng.randbytes(self.pick([0, 1, 16, 31, 33, 64]))

    def selector(self):
        rng = self.rng
        name, ifindex = self.pick(self.devices[:2] if self.chance(0.85) else self.devices)
        pick = rng.random()
        if pick < 0.45:
            return [(X["XTUN_DEVICE_A_IFNAME"], name.encode() + b"\0")]
        if pick < 0.8:
            return [(X["XTUN_DEVICE_A_IFINDEX"], u32(ifindex))]
        if pick < 0.9:
            return [(X["XTUN_DEVICE_A_IFINDEX"], u32(ifindex)),
                    (X["XTUN_DEVICE_A_IFNAME"], name.encode() + b"\0")]
        return self.pick([
            [],
            [(X["XTUN_DEVICE_A_IFNAME"], b"nosuch0\0")],
            [(X["XTUN_DEVICE_A_IFNAME"], b"")],
            [(X["XTUN_DEVICE_A_IFNAME"], name.encode())],
            [(X["XTUN_DEVICE_A_IFNAME"], b"0123456789abcdef\0")],
            [(X["XTUN_DEVICE_A_IFINDEX"], u32(0))],
            [(X["XTUN_DEVICE_A_IFINDEX"], u32(rng.getrandbits(32)))],
            [(X["XTUN_DEVICE_A_IFINDEX"], u16(ifindex))],
            [(X["XTUN_DEVICE_A_IFINDEX"], u32(self.devices[0][1])),
             (X["XTUN_DEVICE_A_IFNAME"], self.devices[1][0].encode() + b"\0")],
        ])

    def endpoint(self):
        rng = self.rng
        family = rng.choices([socket.AF_INET, socket.AF_INET6, 0, socket.AF_UNIX, 17, 0xFFFF,
                              rng.getrandbits(16)], [40, 40, 4, 4, 4, 4, 4])[0]
        port = 0 if self.chance(0.1) else rng.getrandbits(16)
        if family == socket.AF_INET6 or (family != socket.AF_INET and self.chance(0.5)):
            addr = self.pick([rng.randbytes(16), bytes(16), bytes(15) + b"\1",
                              b"\xff\x02" + bytes(13) + b"\1",
                              b"\xfe\x80" + rng.randbytes(14),
                              bytes(10) + b"\xff\xff" + rng.randbytes(4),
                              b"\x20\x01\x0d\xb8" + rng.randbytes(12)])
            flowinfo = 0 if self.chance(0.8) else rng.getrandbits(32)
            scope = 0 if self.chance(0.7) else rng.getrandbits(32)
            sa = (struct.pack("<H", family) + struct.pack("!HI", port, flowinfo) + addr +
                  u32(scope))
        else:
            addr = self.pick([rng.randbytes(4), bytes(4), b"\0\1\2\3", b"\xff" * 4,
                              b"\xe0\0\0\1", b"\x7f\0\0\1", b"\xc0\0\2" + rng.randbytes(1)])
            pad = bytes(8) if self.chance(0.9) else rng.randbytes(8)
            sa = struct.pack("<H", family) + struct.pack("!H", port) + addr + pad
        if self.chance(0.1):
            sa = (sa + rng.randbytes(40))[:self.below(41)]
        return (X["XTUN_PEER_A_ENDPOINT"], sa)

    def good_aip(self, family=None):
        rng = self.rng
        family = family or self.pick([socket.AF_INET, socket.AF_INET6])
        if family == socket.AF_INET:
            addr = bytes([10, self.below(4), self.below(8), self.below(256)])
            cidr = self.pick([8, 16, 24, 32, 32, self.below(33)])
        else:
            addr = b"\xfd\0" + bytes([0, self.below(4)]) + bytes(10) + rng.randbytes(2)
            cidr = self.pick([48, 64, 120, 128, 128, self.below(129)])
        entry = [(X["XTUN_ALLOWEDIP_A_FAMILY"], u16(family)),
                 (X["XTUN_ALLOWEDIP_A_ADDR"], addr),
                 (X["XTUN_ALLOWEDIP_A_CIDR"], bytes([cidr]))]
        if self.chance(0.2):
            entry.append((X["XTUN_ALLOWEDIP_A_FLAGS"], u32(X["XTUN_ALLOWEDIP_F_REMOVE"])))
        return entry

    def hostile_aip(self):
        rng = self.rng
        entry = self.good_aip()
        pick = self.below(8)
        if pick == 0:		# a family of neither kind
            family = self.pick([0, 1, 3, 17, 0xFFFF, rng.getrandbits(16)])
            entry[0] = (X["XTUN_ALLOWEDIP_A_FAMILY"], u16(family))
        elif pick == 1:		# an address of the wrong length
            length = self.pick([0, 1, 3, 5, 15, 17, 20])
            entry[1] = (X["XTUN_ALLOWEDIP_A_ADDR"], rng.randbytes(length))
        elif pick == 2:		# a prefix longer than the family
            entry[2] = (X["XTUN_ALLOWEDIP_A_CIDR"], bytes([33 + self.below(223)]))
        elif pick == 3:
            del entry[self.below(3)]
        elif pick == 4:
            entry.append((X["XTUN_ALLOWEDIP_A_FLAGS"], u32(rng.getrandbits(32) | 2)))
        elif pick == 5:
            entry.append((X["XTUN_ALLOWEDIP_A_MAX"] + 1 + self.below(30), rng.randbytes(4)))
        elif pick == 6:
            return (0x10000, entry)		# not marked NLA_F_NESTED
        else:
            return (0, b"")			# an empty element
        return (0, entry)

    def aips(self):
        rng = self.rng
        if self.chance(0.03):		# huge: as much as the peer's nest holds
            pool = self.pick(self.huge_pools)
            size = len(pool) // 2048
            n = min(2048, 60000 // size) - self.below(200)
            start = self.below(2048 - n + 1)
            return (X["XTUN_PEER_A_ALLOWEDIPS"], [pool[start * size:(start + n) * size]])
        entries = []
        for i in range(self.pick([0, 1, 1, 2, 3, 5, 8])):
            entries.append(self.hostile_aip() if self.chance(0.1) else (i, self.good_aip()))
        return (X["XTUN_PEER_A_ALLOWEDIPS"], entries)

    def peer(self, cmd):
        rng = self.rng
        attrs = []
        if self.chance(0.95):
            attrs.append((X["XTUN_PEER_A_PUBLIC_KEY"], self.key(self.peer_keys)))
        if cmd != X["XTUN_CMD_DEL_PEER"] or self.chance(0.05):
            if self.chance(0.3):
                attrs.append((X["XTUN_PEER_A_PRESHARED_KEY"], self.pick(
                    [rng.randbytes(32), ZERO_KEY, rng.randbytes(self.pick([0, 16, 31, 33]))])))
            if self.chance(0.3):
                attrs.append(self.endpoint())
            if self.chance(0.25):
                attrs.append((X["XTUN_PEER_A_PERSISTENT_KEEPALIVE"], self.pick(
                    [u16(0), u16(rng.getrandbits(16)), u16(25), u32(25), b"\1"])))
            if self.chance(0.5):
                attrs.append(self.aips())
            if cmd == X["XTUN_CMD_SET_PEER"] and self.chance(0.4) or self.chance(0.03):
                attrs.append((X["XTUN_PEER_A_FLAGS"], u32(self.pick(
                    [0, 1, 1, rng.getrandbits(32)]))))
        if self.chance(0.03):		# read-only or unknown
            attrs.append((X["XTUN_PEER_A_HAS_PRESHARED_KEY"] + self.below(37),
                          rng.randbytes(8)))
        self.shuffle(attrs)
        return attrs

    def set_device(self):
        rng = self.rng
        attrs = []
        if self.chance(0.4):
            pick = rng.random()
            if pick < 0.55:
                key = self.pick(self.privates)
            elif pick < 0.65:		# the same scalar after clamping
                key = bytearray(self.pick(self.privates))
                key[0] ^= rng.getrandbits(3)
                key[31] ^= self.pick([0x80, 0x40, 0xC0])
                key = bytes(key)
            elif pick < 0.75:
                key = ZERO_KEY
            elif pick < 0.9:
                key = rng.randbytes(32)
            else:
                key = rng.randbytes(self.pick([0, 31, 33]))
            attrs.append((X["XTUN_DEVICE_A_PRIVATE_KEY"], key))
        if self.chance(0.3):
            attrs.append((X["XTUN_DEVICE_A_LISTEN_PORT"], self.pick(
                [u16(0), u16(51830), u16(PORT_IN_USE), u16(rng.getrandbits(16)), u32(51830)])))
        if self.chance(0.3):
            attrs.append((X["XTUN_DEVICE_A_FWMARK"], self.pick(
                [u32(0), u32(rng.getrandbits(32)), u16(1)])))
        if self.chance(0.2):
            attrs.append((X["XTUN_DEVICE_A_FLAGS"], u32(self.pick(
                [0, 1, 1, 2, rng.getrandbits(32)]))))
        if self.chance(0.05):
            kind = self.pick([X["XTUN_DEVICE_A_PUBLIC_KEY"], X["XTUN_DEVICE_A_GENERATION"],
                              X["XTUN_DEVICE_A_PEERS"], X["XTUN_DEVICE_A_PEER"], 11, 99])
            attrs.append((kind, rng.randbytes(4)))
        return attrs

    def hostile(self):
        """(cmd, flags, tree): a well-formed request, mostly, of hostile values."""
        rng = self.rng
        cmd = rng.choices([X["XTUN_CMD_GET_DEVICE"], X["XTUN_CMD_SET_DEVICE"],
                           X["XTUN_CMD_NEW_PEER"], X["XTUN_CMD_SET_PEER"],
                           X["XTUN_CMD_DEL_PEER"]], [10, 15, 35, 30, 10])[0]
        flags = 0
        tree = self.selector()
        if cmd == X["XTUN_CMD_GET_DEVICE"]:
            if self.chance(0.3):
                flags = xtun_nl.NLM_F_DUMP
                if self.chance(0.5):
                    tree = []
        elif cmd == X["XTUN_CMD_SET_DEVICE"]:
            tree += self.set_device()
        elif self.chance(0.97):
            peer = self.peer(cmd)
            raw = 0x10000 if self.chance(0.01) else 0	# NLA_F_NESTED missing
            tree.append((X["XTUN_DEVICE_A_PEER"] | raw, peer))
        if self.chance(0.02):
            flags |= xtun_nl.NLM_F_DUMP
        self.shuffle(tree)
        return cmd, flags, tree

    def probe(self):
        """(cmd, tree, errno): a valid request whose answer the model knows,
        to be sent alone.  The port a device listens on can be asked for
        again; a new key makes a new peer; a known one is refused."""
        dev = self.pick(list(self.model.devices.values()))
        tree = [(X["XTUN_DEVICE_A_IFINDEX"], u32(dev.ifindex))]
        fresh = self.rng.randbytes(32)
        kind = self.below(4)
        if kind == 0 and dev.port:
            return (X["XTUN_CMD_SET_DEVICE"],
                    tree + [(X["XTUN_DEVICE_A_LISTEN_PORT"], u16(dev.port))], 0)
        if kind == 1 and dev.peers:
            key = self.pick(list(dev.peers))
            return (X["XTUN_CMD_NEW_PEER"],
                    tree + [(X["XTUN_DEVICE_A_PEER"], [(X["XTUN_PEER_A_PUBLIC_KEY"], key)])],
                    errno.EEXIST)
        if kind == 2:
            return (X["XTUN_CMD_DEL_PEER"],
                    tree + [(X["XTUN_DEVICE_A_PEER"], [(X["XTUN_PEER_A_PUBLIC_KEY"], fresh)])],
                    errno.ENOENT)
        return (X["XTUN_CMD_NEW_PEER"],
                tree + [(X["XTUN_DEVICE_A_PEER"], [(X["XTUN_PEER_A_PUBLIC_KEY"], fresh)])], 0)

    def garbage_tree(self, depth):
        rng = self.rng
        nodes = []
        for _ in range(self.pick([0, 1, 2, 3, 4, 6])):
            kind = self.pick([self.below(12), self.below(12), self.below(20),
                              rng.getrandbits(14)])
            kind |= self.pick([0, 0, 0, xtun_nl.NLA_F_NESTED, 0x4000])
            pick = rng.random()
            if pick < 0.3 and depth < 4:
                nodes.append((kind | 0x10000, self.garbage_tree(depth + 1)))
            elif pick < 0.9:
                nodes.append((kind, rng.randbytes(self.pick([0, 1, 2, 4, 8, 16, 32,
                                                             self.below(64)]))))
            else:		# a malformed attribute header
                nodes.append(self.pick([
                    struct.pack("HH", self.below(4), kind & 0xFFFF),
                    struct.pack("HH", 100 + self.below(65436), kind & 0xFFFF),
                    rng.randbytes(1 + self.below(7))]))
        return nodes

    def garbage(self):
        """(cmd, flags, tree) of random commands, flags and attribute trees,
        with a real device selector now and then to get past the first check."""
        rng = self.rng
        cmd = self.below(8) if self.chance(0.8) else rng.getrandbits(8)
        flags = 0
        for bit in (NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_ECHO, 0x10, 0x20, 0x800):
            if self.chance(0.15):
                flags |= bit
        tree = self.selector() if self.chance(0.5) else []
        tree += self.garbage_tree(0)
        if self.chance(0.15):
            tree += self.set_device()
        elif self.chance(0.15):
            tree.append((X["XTUN_DEVICE_A_PEER"], self.peer(cmd)))
        self.shuffle(tree)
        return cmd, flags, tree


class NetlinkFuzzer:
    """Sends the requests and checks the answers and the configuration."""

    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.timeout = args.timeout
        self.genl = xtun_nl.Genl(rcvbuf=8 << 20)
        self.family = self.genl.family("xtun")
        self.slow = xtun_nl.Genl(rcvbuf=4096)	# a dump read while requests go on
        self.slow_dump = None
        devices = [(n, socket.if_nametoindex(n)) for n in args.devices.split(",")]
        self.seq = 0
        self.sent, self.answers, self.errors = {}, {}, {}
        self.history = collections.deque(maxlen=8)	# for a failure's report
        self.dumps = self.slow_dumps = self.dump_intr = self.probes = 0
        self.waited = 0.0
        seen = self.dump()
        self.model = Model({i: Device(i, n) for n, i in devices if i in seen})
        self.model.learn(seen)
        self.requests = Requests(self.rng, devices, self.model)

    def fail(self, why):
        print(f"xtun_fuzz: {why}", file=sys.stderr)
        print("xtun_fuzz: the last requests (seq cmd flags errno payload):", file=sys.stderr)
        for seq, cmd, flags, err, payload in self.history:
            print(f"xtun_fuzz:   {seq} {cmd} {flags:#x} {err} {payload.hex()[:400]}",
                  file=sys.stderr)
        sys.exit(1)

    def dump(self, only=None):
        """A dump of one or every device, merged; checked only for its answer."""
        self.seq += 1
        tree = [(X["XTUN_DEVICE_A_IFINDEX"], u32(only))] if only else []
        payload = b"".join(encode(n) for n in tree)
        msg = xtun_nl.nlmsg(self.family, X["XTUN_CMD_GET_DEVICE"], payload,
                            xtun_nl.NLM_F_REQUEST | xtun_nl.NLM_F_ACK | xtun_nl.NLM_F_DUMP,
                            self.seq)
        self.sent[self.seq] = (X["XTUN_CMD_GET_DEVICE"], xtun_nl.NLM_F_DUMP, payload, None)
        self.genl.sock.send(msg)
        self.collect([self.seq])
        del self.sent[self.seq]
        err, msgs, intr = self.answers.pop(self.seq)
        if err:
            self.fail(f"a dump failed: {os.strerror(err)}")
        if intr:
            self.fail("a dump with no request in between was interrupted")
        return xtun_nl.merge_dump(msgs)

    def collect(self, seqs):
        """Read until each of @seqs has its one answer, failing after the timeout."""
        waiting = set(seqs)
        partial = {s: ([], False) for s in seqs}
        begin = time.monotonic()
        deadline = begin + self.timeout
        while waiting:
            left = deadline - time.monotonic()
            msgs = self.genl.receive(max(left, 0)) if left > 0 else []
            if not msgs and time.monotonic() >= deadline:
                seq = min(waiting)
                cmd, flags, payload, _ = self.sent[seq]
                self.history.append((seq, cmd, flags, "none", payload))
                self.fail(f"request {seq} (command {cmd}, flags {flags:#x}) got no answer "
                          f"in {self.timeout} s")
            for typ, flags, seq, body in msgs:
                if seq not in waiting:
                    self.fail(f"an answer (type {typ}) to request {seq}, which "
                              f"{'had its answer' if seq <= self.seq else 'was never sent'}")
                data, intr = partial[seq]
                intr = intr or bool(flags & xtun_nl.NLM_F_DUMP_INTR)
                if typ in (xtun_nl.NLMSG_ERROR, xtun_nl.NLMSG_DONE):
                    err, _ = xtun_nl.nlmsg_status(typ, flags, body)
                    self.answers[seq] = (err, data, intr)
                    waiting.discard(seq)
                elif typ == self.family:
                    data.append(xtun_nl.parse_attrs(body[4:]))
                    partial[seq] = (data, intr)
                else:
                    self.fail(f"an answer of type {typ} to request {seq}")
        self.waited += time.monotonic() - begin

    def check(self, seq):
        """Check an answered request against the model, and apply it."""
        cmd, flags, payload, snapshot = self.sent.pop(seq)
        err, msgs, intr = self.answers.pop(seq)
        self.history.append((seq, cmd, flags, err, payload))
        name = "OK" if not err else errno_name(err)
        self.errors[name] = self.errors.get(name, 0) + 1
        dump = flags & xtun_nl.NLM_F_DUMP == xtun_nl.NLM_F_DUMP
        if err or cmd not in range(1, X["XTUN_CMD_MAX"] + 1):
            if not err:
                self.fail(f"request {seq}, of unknown command {cmd}, succeeded")
            return
        if cmd != X["XTUN_CMD_GET_DEVICE"]:
            if msgs:
                self.fail(f"request {seq} (command {cmd}) answered with data")
            self.model.apply(cmd, payload)
            return
        if not dump and len(msgs) != 1:
            self.fail(f"get-device {seq} answered with {len(msgs)} messages")
        self.dumps += dump
        self.dump_intr += intr
        if intr:
            return
        top = xtun_nl.parse_attrs(payload)
        only = None
        if top:
            only = snapshot.select(top).ifindex
        diffs = snapshot.differences(xtun_nl.merge_dump(msgs), only)
        if diffs:
            self.fail(f"get-device {seq} ({'dump' if dump else 'do'}) differs from what the "
                      "requests that succeeded made:\n  " + "\n  ".join(diffs))

    def send_batch(self, n, garbage_share):
        reqs = []
        for _ in range(n):
            if self.rng.random() < garbage_share:
                reqs.append(self.requests.garbage())
            else:
                reqs.append(self.requests.hostile())
        msgs, seqs = [], []
        for cmd, flags, tree in reqs:
            self.seq += 1
            payload = b"".join(encode(node) for node in tree)
            version = 1 if self.rng.random() < 0.95 else self.rng.getrandbits(8)
            msgs.append(xtun_nl.nlmsg(self.family, cmd, payload,
                                      xtun_nl.NLM_F_REQUEST | xtun_nl.NLM_F_ACK | flags,
                                      self.seq, version))
            self.sent[self.seq] = (cmd, flags, payload, None)
            seqs.append(self.seq)
        self.genl.sock.send(b"".join(msgs))
        self.collect(seqs)
        for seq in seqs:
            # GET_DEVICE is checked against the model as it was when the
            # kernel reached it: after the requests before it succeeded.
            cmd, flags, payload, _ = self.sent[seq]
            if cmd == X["XTUN_CMD_GET_DEVICE"]:
                self.sent[seq] = (cmd, flags, payload, self.model.snapshot())
            self.check(seq)
        self.ports_learnt()

    def send_probe(self):
        cmd, tree, want = self.requests.probe()
        self.seq += 1
        payload = b"".join(encode(node) for node in tree)
        self.sent[self.seq] = (cmd, 0, payload, None)
        self.genl.sock.send(xtun_nl.nlmsg(self.family, cmd, payload,
                                          xtun_nl.NLM_F_REQUEST | xtun_nl.NLM_F_ACK, self.seq))
        self.collect([self.seq])
        got = self.answers[self.seq][0]
        self.probes += 1
        if got != want:
            self.history.append((self.seq, cmd, 0, got, payload))
            self.fail(f"request {self.seq} (command {cmd}) got {errno_name(got)}, "
                      f"expected {errno_name(want)}")
        self.check(self.seq)

    def ports_learnt(self):
        if any(d.port is None for d in self.model.devices.values()):
            self.model.learn(self.dump())

    def step_slow_dump(self):
        """Start a dump on the second socket, or read one more message of it."""
        if not self.slow_dump:
            self.slow.seq += 1
            self.slow.sock.send(xtun_nl.nlmsg(
                self.family, X["XTUN_CMD_GET_DEVICE"], b"",
                xtun_nl.NLM_F_REQUEST | xtun_nl.NLM_F_ACK | xtun_nl.NLM_F_DUMP, self.slow.seq))
            self.slow_dump = {"model": self.model.snapshot(), "msgs": [], "intr": False,
                              "changes": self.model.changes}
            return
        for typ, flags, _, body in self.slow.receive(self.timeout, 8192):
            self.slow_dump["intr"] |= bool(flags & xtun_nl.NLM_F_DUMP_INTR)
            if typ == self.family:
                self.slow_dump["msgs"].append(xtun_nl.parse_attrs(body[4:]))
                continue
            err, _ = xtun_nl.nlmsg_status(typ, flags, body)
            self.finish_slow_dump(err)
            return
        if not self.slow_dump["msgs"]:
            self.fail(f"the slow dump got no answer in {self.timeout} s")

    def finish_slow_dump(self, err):
        dump, self.slow_dump = self.slow_dump, None
        self.slow_dumps += 1
        changed = self.model.changes != dump["changes"]
        if err:
            self.fail(f"the slow dump failed: {os.strerror(err)}")
        if dump["intr"]:
            self.dump_intr += 1
            if not changed:
                self.fail("the slow dump was marked interrupted, but nothing changed")
            return
        diffs = dump["model"].differences(xtun_nl.merge_dump(dump["msgs"]))
        if diffs:
            self.fail("a dump read while the configuration changed, not marked "
                      "interrupted, differs from the configuration it began with:\n  " +
                      "\n  ".join(diffs))

    def run(self, count, garbage_share):
        start = time.monotonic()
        done = 0
        while done < count:
            n = min(self.rng.randrange(1, 17), count - done)
            self.send_batch(n, garbage_share)
            done += n
            if self.slow_dump or self.rng.random() < 0.05:
                self.step_slow_dump()
            if self.rng.random() < 0.1:
                self.send_probe()
        while self.slow_dump:
            self.step_slow_dump()
        elapsed = time.monotonic() - start
        diffs = self.model.differences(self.dump())
        if diffs:
            self.fail("the final dump differs from what the requests that succeeded "
                      "made:\n  " + "\n  ".join(diffs))
        stray = self.genl.receive(0.2) + self.slow.receive(0)
        if stray:
            self.fail(f"{len(stray)} answers more than requests")
        cpu = os.times()
        print(f"sent {count} requests in {elapsed:.1f} s, {count / max(elapsed, 1e-3):.0f}/s, "
              f"each answered once (waiting for answers {self.waited:.1f} s; the fuzzer's "
              f"CPU time {cpu.user:.1f} s user, {cpu.system:.1f} s system)")
        print("answers: " + ", ".join(f"{n} {e}" for e, n in
                                      sorted(self.errors.items(), key=lambda x: -x[1])))
        print(f"dumps: {self.dumps} checked with the model, {self.slow_dumps} read slowly, "
              f"{self.dump_intr} interrupted; {self.probes} requests of known answer")
        for dev in self.model.devices.values():
            print(f"{dev.name}: generation {dev.generation}, {len(dev.peers)} peers, "
                  f"{len(dev.aips)} allowed IPs")


def cmd_netlink(args):
    load_netlink()
    blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    blocker.bind(("0.0.0.0", PORT_IN_USE))
    share = {"garbage": 0.8, "mixed": 0.5, "hostile": 0}[args.style]
    NetlinkFuzzer(args).run(args.count, share)


OPTIONS = {
    "datagrams": {"--to": 2, "--bind": 2, "--count": 1, "--seed": 1, "--pubkey": 1,
                  "--data": 1, "--initiation": 1, "--batch": 1, "--capture": 2,
                  "--sync": 1},
    "netlink": {"--count": 1, "--seed": 1, "--devices": 1, "--style": 1, "--timeout": 1},
}
REQUIRED = {
    "datagrams": ("--to", "--bind", "--count", "--seed", "--pubkey"),
    "netlink": ("--count", "--seed", "--devices"),
}
DEFAULTS = {"batch": 64, "data": None, "initiation": None, "capture": None, "sync": ".",
            "style": "hostile", "timeout": 20}


def parse_options(argv):
    """The command and its options: what argparse would give, without its
    cost of starting up under emulation.  --to and --bind may repeat."""
    if not argv or argv[0] not in OPTIONS:
        raise SystemExit(__doc__)
    cmd, spec, opts = argv[0], OPTIONS[argv[0]], dict(DEFAULTS)
    i = 1
    while i < len(argv):
        name = argv[i]
        if name not in spec or i + spec[name] >= len(argv):
            raise SystemExit(f"xtun_fuzz: {cmd}: bad option {name}\n{__doc__}")
        values = argv[i + 1:i + 1 + spec[name]]
        key = name[2:]
        if spec[name] == 2:
            opts[key] = (opts.get(key) or []) + [values]
        else:
            opts[key] = values[0]
        i += 1 + spec[name]
    for name in REQUIRED[cmd]:
        if name[2:] not in opts:
            raise SystemExit(f"xtun_fuzz: {cmd}: {name} is required")
    for key in ("count", "seed", "batch"):
        if key in opts:
            opts[key] = int(opts[key])
    opts["timeout"] = float(opts["timeout"])
    if opts["style"] not in ("garbage", "hostile", "mixed"):
        raise SystemExit(f"xtun_fuzz: netlink: unknown style {opts['style']}")
    return cmd, type("Options", (), opts)


def main():
    cmd, args = parse_options(sys.argv[1:])
    try:
        {"datagrams": cmd_datagrams, "netlink": cmd_netlink}[cmd](args)
    except OSError as err:
        print(f"xtun_fuzz: {cmd}: {err}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
