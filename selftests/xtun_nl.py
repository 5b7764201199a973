#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made xtun generic netlink requests, including malformed ones.

    xtun_nl.py CMD [ATTR:TYPE:VALUE ...] [--dump] [--flags-extra N]

ATTR is an attribute number, TYPE one of u8 u16 u32 u64 str strz hex nest,
VALUE its value; a nest's VALUE is "[ATTR:TYPE:VALUE,...]", nests may nest.  Prints one line per reply message ("msg ATTR=VALUE ...") and a
last line "errno=N msg=EXTACK" (errno 0 on success); exits 0.  The selftests
use it for what xtunctl cannot send: wrong lengths, unknown attributes,
missing selectors.
"""

import errno
import os
import socket
import struct
import sys

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


def attr(kind, value):
    kind = int(kind)
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
        return attr(int(kind) | NLA_F_NESTED, nested)
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


def parse_attrs(data):
    attrs = {}
    while len(data) >= 4:
        length, kind = struct.unpack("HH", data[:4])
        if length < 4:
            break
        attrs[kind & 0x3FFF] = data[4:length]
        data = data[(length + 3) & ~3:]
    return attrs


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, family, cmd, payload, flags=0):
        """Returns (messages, errno, extack message)."""
        self.seq += 1
        body = struct.pack("BBH", cmd, 1, 0) + payload
        hdr = struct.pack("IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0)
        self.sock.send(hdr + body)
        msgs = []
        while True:
            buf = self.sock.recv(65536)
            while len(buf) >= 16:
                length, typ, mflags, seq, _ = struct.unpack("IHHII", buf[:16])
                msg, buf = buf[16:length], buf[(length + 3) & ~3:]
                if typ == NLMSG_ERROR or typ == NLMSG_DONE:
                    err = -struct.unpack("i", msg[:4])[0]
                    off = 20 if typ == NLMSG_ERROR else 4
                    if typ == NLMSG_ERROR and not mflags & NLM_F_CAPPED:
                        off += struct.unpack("I", msg[4:8])[0] - 16
                    ext = parse_attrs(msg[off:]) if mflags & NLM_F_ACK_TLVS else {}
                    text = ext.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
                    return msgs, err, text
                msgs.append(parse_attrs(msg[4:]))

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
    dump = "--dump" in argv
    args = [a for a in argv if a != "--dump"]
    if not args:
        raise SystemExit(__doc__)
    genl = Genl()
    family = genl.family("xtun")
    payload = b"".join(encode(a) for a in args[1:])
    msgs, err, text = genl.request(family, int(args[0]), payload,
                                   NLM_F_DUMP if dump else 0)
    for m in msgs:
        print("msg " + " ".join(f"{k}={show(v)}" for k, v in sorted(m.items())))
    # Python calls 95 ENOTSUP; the kernel and its docs say EOPNOTSUPP.
    name = "EOPNOTSUPP" if err == errno.EOPNOTSUPP else errno.errorcode.get(err, err)
    print(f"errno={name if err else 0} msg={text}")


if __name__ == "__main__":
    main(sys.argv[1:])
