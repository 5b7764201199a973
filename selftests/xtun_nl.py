#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made xtun generic netlink requests, including malformed ones.

    xtun_nl.py CMD [ATTR:TYPE:VALUE ...] [--dump] [--flags-extra N]
    xtun_nl.py --names

CMD and ATTR are numbers or the C names of the family's spec
(Documentation/netlink/specs/xtun.yaml: XTUN_CMD_GET_DEVICE,
XTUN_PEER_A_ENDPOINT); TYPE is one of u8 u16 u32 u64 str strz hex nest,
VALUE its value; a nest's VALUE is "[ATTR:TYPE:VALUE,...]", nests may nest.
Prints one line per reply message ("msg ATTR=VALUE ...") and a last line
"errno=N msg=EXTACK" (errno 0 on success); exits 0.  The selftests use it
for what xtunctl cannot send: wrong lengths, unknown attributes, missing
selectors.  --names prints "NAME VALUE" for every number of the spec.

As a module it is the selftests' netlink library: abi() gives the numbers
of the ABI as xtun_spec.py reads them from the spec, the one table of them
(make netlink-check holds uapi/linux/xtun.h to it through the same module);
Genl sends requests, alone or in batches, and reads dumps a datagram at a
time; merge_dump() puts a device split across the messages of a dump back
together.
"""

import errno
import functools
import os
import select
import socket
import struct
import sys

import xtun_spec

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_CAP_ACK = 270, 11, 10
SO_SNDBUFFORCE, SO_RCVBUFFORCE = 32, 33
NLA_TYPE_MASK = 0x3FFF
NLM_F_DUMP_INTR = 0x10


@functools.lru_cache(maxsize=None)
def abi(path=None):
    """Every number of the xtun ABI by its C name, read from the spec by
    xtun_spec.py: commands, attributes, flags and constants, with the _MAX
    names the spec gives."""
    names = {}
    for name, value in xtun_spec.numbers(xtun_spec.load(path)):
        if names.setdefault(name, value) != value:
            raise SystemExit(f"xtun_nl: the spec gives {name} two values")
    return names


def number(word):
    """A command or attribute given as a number or as its name."""
    try:
        return int(word, 0)
    except ValueError:
        try:
            return abi()[word]
        except KeyError:
            raise SystemExit(f"xtun_nl: {word} is neither a number nor a name "
                             f"of {xtun_spec.spec_path()}") from None


def attr(kind, value):
    kind = number(kind) if isinstance(kind, str) else kind
    return struct.pack("HH", 4 + len(value), kind) + value + b"\0" * (-len(value) % 4)


def split_top(text):
    """Split "a,b[c,d],e" at the commas outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += (ch == "[") - (ch == "]")
        cur += ch
    if cur:
        parts.append(cur)
    return parts


def encode(spec):
    kind, typ, value = spec.split(":", 2)
    if typ == "nest":
        if not (value.startswith("[") and value.endswith("]")):
            raise SystemExit(f"nest value must be [...]: {value}")
        nested = b"".join(encode(s) for s in split_top(value[1:-1]))
        return attr(number(kind) | NLA_F_NESTED, nested)
    packers = {"u8": "B", "u16": "H", "u32": "I", "u64": "Q"}
    if typ in packers:
        data = struct.pack(packers[typ], int(value, 0))
    elif typ == "str":
        data = value.encode()
    elif typ == "strz":
        data = value.encode() + b"\0"
    elif typ == "hex":
        data = bytes.fromhex(value)
    else:
        raise SystemExit(f"unknown attribute type {typ}")
    return attr(kind, data)


def attr_list(data):
    """[(type, payload), ...] of a run of attributes, in order, up to the
    first that is malformed, where the kernel's nla_for_each_attr() stops."""
    attrs, off, end = [], 0, len(data)
    while off + 4 <= end:
        length, kind = struct.unpack_from("HH", data, off)
        if length < 4 or off + length > end:
            break
        attrs.append((kind & NLA_TYPE_MASK, data[off + 4:off + length]))
        off += (length + 3) & ~3
    return attrs


def parse_attrs(data):
    """{type: payload}; the last of repeated attributes wins, as in the kernel."""
    return dict(attr_list(data))


def nested_array(data):
    """The elements of a nested array, each parsed with parse_attrs()."""
    return [parse_attrs(payload) for _, payload in attr_list(data)]


def merge_dump(msgs):
    """Devices of a GET_DEVICE dump by ifindex, each put back together from
    the messages it was split across (Documentation/netlink.rst, "Reading
    large devices"): {ifindex: {"attrs": {type: payload}, "peers": [...]}},
    each peer {"attrs": {...}, "allowedips": [{type: payload}, ...]}."""
    x = abi()
    devices = {}
    for attrs in msgs:
        ifindex = struct.unpack("I", attrs[x["XTUN_DEVICE_A_IFINDEX"]])[0]
        dev = devices.setdefault(ifindex, {"attrs": {}, "peers": []})
        dev["attrs"].update((k, v) for k, v in attrs.items()
                            if k != x["XTUN_DEVICE_A_PEERS"])
        for peer in nested_array(attrs.get(x["XTUN_DEVICE_A_PEERS"], b"")):
            aips = nested_array(peer.pop(x["XTUN_PEER_A_ALLOWEDIPS"], b""))
            key = peer.get(x["XTUN_PEER_A_PUBLIC_KEY"])
            last = dev["peers"][-1] if dev["peers"] else None
            if last and last["attrs"].get(x["XTUN_PEER_A_PUBLIC_KEY"]) == key:
                last["allowedips"] += aips
            else:
                dev["peers"].append({"attrs": peer, "allowedips": aips})
    return devices


def nlmsg(family, cmd, payload, flags, seq, version=1, reserved=0):
    """One generic netlink request, padded so that another may follow it in
    the same datagram (the kernel looks for it NLMSG_ALIGN()ed)."""
    body = struct.pack("BBH", cmd, version, reserved) + payload
    return (struct.pack("IHHII", 16 + len(body), family, flags, seq, 0) + body +
            b"\0" * (-len(body) % 4))


def nlmsgs(buf):
    """[(type, flags, seq, payload), ...] of one datagram from the kernel."""
    msgs, off = [], 0
    while off + 16 <= len(buf):
        length, typ, flags, seq, _ = struct.unpack_from("IHHII", buf, off)
        if length < 16:
            break
        msgs.append((typ, flags, seq, buf[off + 16:off + length]))
        off += (length + 3) & ~3
    return msgs


def nlmsg_status(typ, flags, payload):
    """(errno, extack message) of an NLMSG_ERROR or NLMSG_DONE."""
    err = -struct.unpack("i", payload[:4])[0]
    off = 20 if typ == NLMSG_ERROR else 4
    if typ == NLMSG_ERROR and not flags & NLM_F_CAPPED:
        off += struct.unpack("I", payload[4:8])[0] - 16
    ext = parse_attrs(payload[off:]) if flags & NLM_F_ACK_TLVS else {}
    return err, ext.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode(errors="replace")


class Genl:
    def __init__(self, rcvbuf=None, sndbuf=None):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf)
        if sndbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, sndbuf)
        self.sock.bind((0, 0))
        self.seq = 0

    def receive(self, timeout, bufsize=1 << 20):
        """The messages of the next datagram, or [] after @timeout seconds.
        The kernel fills a dump's datagrams up to the largest @bufsize asked
        for on the socket (at most 32 kB)."""
        if not select.select([self.sock], [], [], timeout)[0]:
            return []
        return nlmsgs(self.sock.recv(bufsize))

    def request(self, family, cmd, payload, flags=0):
        """Returns (messages, errno, extack message)."""
        self.seq += 1
        self.sock.send(nlmsg(family, cmd, payload, NLM_F_REQUEST | NLM_F_ACK | flags,
                             self.seq))
        msgs = []
        while True:
            for typ, mflags, _, msg in nlmsgs(self.sock.recv(1 << 20)):
                if typ in (NLMSG_ERROR, NLMSG_DONE):
                    err, text = nlmsg_status(typ, mflags, msg)
                    return msgs, err, text
                msgs.append(parse_attrs(msg[4:]))

    def dump(self, family, cmd, payload):
        """Start a dump and yield it a datagram at a time, as (messages,
        done): the attributes of each message before NLMSG_DONE with whether
        it has NLM_F_DUMP_INTR, and whether NLMSG_DONE came, so that a
        caller can change what is dumped between datagrams."""
        self.seq += 1
        self.sock.send(nlmsg(family, cmd, payload, NLM_F_REQUEST | NLM_F_DUMP,
                             self.seq))
        done = False
        while not done:
            msgs = []
            for typ, flags, _, msg in nlmsgs(self.sock.recv(1 << 20)):
                if typ == NLMSG_DONE:
                    done = True
                    break
                if typ == NLMSG_ERROR:
                    raise SystemExit(f"dump failed: errno {-struct.unpack('i', msg[:4])[0]}")
                msgs.append((parse_attrs(msg[4:]), bool(flags & NLM_F_DUMP_INTR)))
            yield msgs, done

    def family(self, name):
        msgs, err, text = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                       attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        if err:
            raise SystemExit(f"resolving {name}: {os.strerror(err)} {text}")
        return struct.unpack("H", msgs[0][CTRL_ATTR_FAMILY_ID])[0]


def show(value):
    if len(value) in (2, 4, 8):
        return str(struct.unpack({2: "H", 4: "I", 8: "Q"}[len(value)], value)[0])
    text = value[:-1].decode("ascii", "replace")
    if value.endswith(b"\0") and value[:-1].isascii() and text.isprintable():
        return text
    return value.hex()


def main(argv):
    if argv == ["--names"]:
        for name, value in abi().items():
            print(name, value)
        return
    dump = "--dump" in argv
    args = [a for a in argv if a != "--dump"]
    if not args:
        raise SystemExit(__doc__)
    genl = Genl()
    family = genl.family("xtun")
    payload = b"".join(encode(a) for a in args[1:])
    msgs, err, text = genl.request(family, number(args[0]), payload,
                                   NLM_F_DUMP if dump else 0)
    for m in msgs:
        print("msg " + " ".join(f"{k}={show(v)}" for k, v in sorted(m.items())))
    # Python calls 95 ENOTSUP; the kernel and its docs say EOPNOTSUPP.
    name = "EOPNOTSUPP" if err == errno.EOPNOTSUPP else errno.errorcode.get(err, err)
    print(f"errno={name if err else 0} msg={text}")


if __name__ == "__main__":
    main(sys.argv[1:])
