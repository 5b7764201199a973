#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic and hand-made packets for the xtun tunnel selftests.

    xtun_pkt.py capture IFNAME PORT TYPE MINLEN OUT [TIMEOUT]
        Wait for one UDP datagram to PORT seen on IFNAME whose payload is a
        WireGuard message of TYPE (1..4) and at least MINLEN bytes; write the
        whole Ethernet frame to OUT as hex.  Creates OUT.ready once listening.
    xtun_pkt.py tap-hold IFNAME PORT SRC DST STOPFILE READYFILE
        A packet tap on IFNAME that reads nothing until STOPFILE appears, so
        that the kernel keeps a clone of every frame it saw; then read them
        all and print "HELD PLAIN": the frames carrying UDP datagrams to
        PORT, and those of them that hold an inner IPv4 header from SRC to
        DST in the clear (a clone someone decrypted in place).  Creates
        READYFILE once listening.
    xtun_pkt.py frame-info FRAMEHEX-FILE
        Print "SRC SPORT DST DPORT TYPE INDEX COUNTER LEN" of a captured frame.
    xtun_pkt.py replay IFNAME FRAMEHEX-FILE
        Send the captured frame out of IFNAME again, with the IP and UDP
        checksums recomputed (the capture may hold offloaded, partial ones).
    xtun_pkt.py forge-data HOST PORT INDEX COUNTER COUNT
        Send COUNT data messages (type 4) to receiver INDEX (hex, as printed
        by frame-info) with counters COUNTER, COUNTER+1, ... and random
        ciphertext: right layout, wrong authentication tag.
    xtun_pkt.py junk HOST PORT COUNT SEED
        Send every malformed message of each type (wrong lengths, zeros,
        random bodies, bad reserved bytes, unknown types), then COUNT random
        datagrams of random length.  Prints how many datagrams it sent.
    xtun_pkt.py udp-sink ADDR PORT TIMEOUT READYFILE
        Count datagrams arriving at ADDR:PORT until one says "end"; print
        the count (the "end" not included).  Creates READYFILE once bound.
    xtun_pkt.py udp-send SRC DST PORT COUNT [end]
        Send COUNT datagrams from SRC (any port) to DST:PORT, then "end".
    xtun_pkt.py udp-echo ADDR PORT READYFILE
        Echo every datagram back to its sender, forever.
    xtun_pkt.py udp-ping DST PORT COUNT SIZE TIMEOUT
        Send COUNT numbered datagrams of SIZE bytes and wait for each echo;
        exit 1 unless every one came back intact within TIMEOUT seconds.
    xtun_pkt.py tcp-recv ADDR PORT OUT TIMEOUT READYFILE
        Accept one TCP connection and write everything it sends to OUT.
    xtun_pkt.py tcp-send DST PORT IN TIMEOUT
        Connect and send the file IN, then close.

Addresses may be IPv4 or IPv6.  Exit status 0 on success, 1 on failure or
timeout, with a reason on stderr.
"""

import os
import random
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP, ETH_P_IPV6 = 0x0800, 0x86DD
# Lengths of WireGuard's messages: initiation, response, cookie reply, and
# the smallest data message (header 16 + authentication tag 16).
MSG_LEN = {1: 148, 2: 92, 3: 64, 4: 32}


def die(msg):
    print(f"xtun_pkt: {msg}", file=sys.stderr)
    sys.exit(1)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def touch(path):
    with open(path, "w", encoding="ascii"):
        pass


def udp_of_frame(frame):
    """(ip header offset, udp offset, version) of an Ethernet frame, or None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if ethertype == ETH_P_IP and len(frame) >= 34:
        ihl = (frame[14] & 0xF) * 4
        if frame[23] == socket.IPPROTO_UDP:
            return 14, 14 + ihl, 4
    elif ethertype == ETH_P_IPV6 and len(frame) >= 62:
        if frame[20] == socket.IPPROTO_UDP:
            return 14, 54, 6
    return None


def addrs_of(frame, ip, version):
    if version == 4:
        return (socket.inet_ntop(socket.AF_INET, frame[ip + 12:ip + 16]),
                socket.inet_ntop(socket.AF_INET, frame[ip + 16:ip + 20]))
    return (socket.inet_ntop(socket.AF_INET6, frame[ip + 8:ip + 24]),
            socket.inet_ntop(socket.AF_INET6, frame[ip + 24:ip + 40]))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def fix_checksums(frame):
    frame = bytearray(frame)
    ip, udp, version = udp_of_frame(frame)
    udp_len = struct.unpack("!H", frame[udp + 4:udp + 6])[0]
    if version == 4:
        ihl = udp - ip
        frame[ip + 10:ip + 12] = b"\0\0"
        frame[ip + 10:ip + 12] = struct.pack("!H", checksum(bytes(frame[ip:ip + ihl])))
        pseudo = frame[ip + 12:ip + 20] + struct.pack("!BBH", 0, 17, udp_len)
    else:
        pseudo = frame[ip + 8:ip + 40] + struct.pack("!IxxxB", udp_len, 17)
    frame[udp + 6:udp + 8] = b"\0\0"
    csum = checksum(bytes(pseudo) + bytes(frame[udp:udp + udp_len])) or 0xFFFF
    frame[udp + 6:udp + 8] = struct.pack("!H", csum)
    return bytes(frame)


def read_frame(path):
    with open(path, encoding="ascii") as f:
        return bytes.fromhex(f.read().strip())


def capture_socket(ifname):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((ifname, 0))
    return sock


def capture(sock, port, wanted, timeout):
    """{(TYPE, MINLEN): frame}: for each of @wanted, the first frame seen on
    @sock carrying a message of TYPE and at least MINLEN bytes to UDP @port,
    in either direction; those still missing after @timeout are left out."""
    left, frames = set(wanted), {}
    heads = {(t, n): struct.pack("<I", t) for t, n in wanted}
    deadline = time.monotonic() + float(timeout)
    while left and time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            frame = sock.recv(65535)
        except socket.timeout:
            break
        where = udp_of_frame(frame)
        if not where:
            continue
        udp = where[1]
        if struct.unpack("!H", frame[udp + 2:udp + 4])[0] != port:
            continue
        payload = frame[udp + 8:]
        for want in list(left):
            if payload[:4] == heads[want] and len(payload) >= want[1]:
                frames[want] = frame
                left.discard(want)
                break
    return frames


def write_frame(path, frame):
    with open(path + ".tmp", "w", encoding="ascii") as f:
        f.write(frame.hex() + "\n")
    os.rename(path + ".tmp", path)


def cmd_capture(ifname, port, msg_type, min_len, out, timeout="30"):
    want = (int(msg_type), int(min_len))
    sock = capture_socket(ifname)
    touch(out + ".ready")
    frames = capture(sock, int(port), [want], timeout)
    if want not in frames:
        die(f"no type {msg_type} message of {min_len}+ bytes to port {port} on {ifname}")
    write_frame(out, frames[want])


def cmd_tap_hold(ifname, port, src, dst, stop, ready, timeout="300"):
    sock = capture_socket(ifname)
    # Room for every clone of a few megabytes of traffic (root only).
    sock.setsockopt(socket.SOL_SOCKET, 33, 256 << 20)	# SO_RCVBUFFORCE
    touch(ready)
    deadline = time.monotonic() + float(timeout)
    while not os.path.exists(stop):
        if time.monotonic() > deadline:
            die(f"tap-hold: no {stop} after {timeout}s")
        time.sleep(0.1)
    inner = socket.inet_aton(src) + socket.inet_aton(dst)
    held = plain = 0
    sock.setblocking(False)
    while True:
        try:
            frame = sock.recv(1 << 17)
        except BlockingIOError:
            break
        where = udp_of_frame(frame)
        if not where or struct.unpack("!H", frame[where[1] + 2:where[1] + 4])[0] != int(port):
            continue
        held += 1
        if inner in frame[where[1] + 8:]:
            plain += 1
    print(held, plain)


def cmd_frame_info(path):
    frame = read_frame(path)
    ip, udp, version = udp_of_frame(frame)
    src, dst = addrs_of(frame, ip, version)
    sport, dport, length = struct.unpack("!HHH", frame[udp:udp + 6])
    payload = frame[udp + 8:udp + length]
    msg_type = struct.unpack("<I", payload[:4])[0]
    index = payload[4:8].hex()
    counter = struct.unpack("<Q", payload[8:16])[0] if msg_type == 4 else 0
    print(src, sport, dst, dport, msg_type, index, counter, len(payload))


def cmd_replay(ifname, path):
    frame = fix_checksums(read_frame(path))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((ifname, 0))
    sock.send(frame)


def udp_socket(host):
    return socket.socket(family(host), socket.SOCK_DGRAM)


def cmd_forge_data(host, port, index, counter, count):
    sock = udp_socket(host)
    index = bytes.fromhex(index)
    for i in range(int(count)):
        body = os.urandom(random.randrange(16, 1200))
        msg = struct.pack("<I", 4) + index + struct.pack("<Q", int(counter) + i) + body
        sock.sendto(msg, (host, int(port)))


def malformed():
    """Every malformed message worth sending, deterministic."""
    msgs = [b"", b"\x01", b"\x04\x00", b"\x02\x00\x00"]
    for msg_type, size in MSG_LEN.items():
        head = struct.pack("<I", msg_type)
        msgs.append(head)
        for length in (size - 1, size, size + 1, size * 2):
            msgs.append(head + bytes(length - 4))
            msgs.append(head + os.urandom(length - 4))
        # Reserved bytes must be zero.
        msgs.append(bytes([msg_type, 1, 0, 0]) + os.urandom(size - 4))
        msgs.append(bytes([msg_type, 0, 0, 0x80]) + os.urandom(size - 4))
        # All ones, all zeros after the type: largest and smallest index.
        msgs.append(head + b"\xff" * (size - 4))
    for length in (5, 8, 15, 16, 17, 31, 33, 48, 1400, 1500, 8000):
        msgs.append(struct.pack("<I", 4) + os.urandom(length - 4))
    for msg_type in (0, 5, 6, 0xFF, 0x100, 0xFFFFFFFF):
        msgs.append(struct.pack("<I", msg_type) + os.urandom(144))
    return msgs


def cmd_junk(host, port, count, seed):
    random.seed(int(seed))
    sock = udp_socket(host)
    sent = 0
    msgs = malformed()
    for _ in range(int(count)):
        length = random.randrange(0, 1473)
        body = bytes(random.getrandbits(8) for _ in range(length))
        if length >= 4 and random.random() < 0.7:
            body = struct.pack("<I", random.randrange(0, 6)) + body[4:]
        msgs.append(body)
    for msg in msgs:
        sock.sendto(msg, (host, int(port)))
        sent += 1
        if sent % 16 == 0:
            time.sleep(0.01)	# don't overrun the receiver's backlog
    print(sent)


def bound_udp(addr, port):
    sock = udp_socket(addr)
    sock.bind((addr, int(port)))
    return sock


def cmd_udp_sink(addr, port, timeout, ready):
    sock = bound_udp(addr, port)
    touch(ready)
    count = 0
    deadline = time.monotonic() + float(timeout)
    try:
        while True:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            if sock.recv(65535) == b"end":
                break
            count += 1
    except socket.timeout:
        print(count)
        die(f"udp-sink: no end after {timeout}s")
    print(count)


def cmd_udp_send(src, dst, port, count, end=None):
    sock = udp_socket(dst)
    sock.bind((src, 0))
    for i in range(int(count)):
        sock.sendto(b"xtun-udp-%d" % i, (dst, int(port)))
        time.sleep(0.05)
    if end == "end":
        sock.sendto(b"end", (dst, int(port)))


def cmd_udp_echo(addr, port, ready):
    sock = bound_udp(addr, port)
    touch(ready)
    while True:
        data, peer = sock.recvfrom(65535)
        sock.sendto(data, peer)


def cmd_udp_ping(dst, port, count, size, timeout):
    sock = udp_socket(dst)
    sock.connect((dst, int(port)))
    deadline = time.monotonic() + float(timeout)
    for i in range(int(count)):
        msg = (b"%08d" % i) * (int(size) // 8 + 1)
        msg = msg[:int(size)]
        while True:
            if time.monotonic() > deadline:
                die(f"datagram {i} of {count} was not echoed within {timeout}s")
            sock.send(msg)
            sock.settimeout(1)
            try:
                reply = sock.recv(65535)
            except (socket.timeout, ConnectionRefusedError):
                continue
            if reply == msg:
                break
            if reply[:8] != msg[:8]:
                continue	# a late echo of an earlier retry
            die(f"datagram {i} came back altered")


def cmd_tcp_recv(addr, port, out, timeout, ready):
    srv = socket.socket(family(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, int(port)))
    srv.listen(1)
    touch(ready)
    srv.settimeout(float(timeout))
    deadline = time.monotonic() + float(timeout)
    try:
        conn, _ = srv.accept()
        with open(out, "wb") as f:
            while True:
                conn.settimeout(max(0.1, deadline - time.monotonic()))
                data = conn.recv(1 << 16)
                if not data:
                    break
                f.write(data)
    except socket.timeout:
        die(f"tcp-recv: timed out after {timeout}s")


def cmd_tcp_send(dst, port, path, timeout):
    deadline = time.monotonic() + float(timeout)
    sock = socket.create_connection((dst, int(port)), timeout=float(timeout))
    try:
        with open(path, "rb") as f:
            while True:
                data = f.read(1 << 16)
                if not data:
                    break
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        sock.recv(1)	# wait for the receiver to close: all data arrived
    except socket.timeout:
        die(f"tcp-send: timed out after {timeout}s")


COMMANDS = {
    "capture": cmd_capture, "tap-hold": cmd_tap_hold, "frame-info": cmd_frame_info, "replay": cmd_replay,
    "forge-data": cmd_forge_data, "junk": cmd_junk, "udp-sink": cmd_udp_sink,
    "udp-send": cmd_udp_send, "udp-echo": cmd_udp_echo, "udp-ping": cmd_udp_ping,
    "tcp-recv": cmd_tcp_recv, "tcp-send": cmd_tcp_send,
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except TypeError as err:
        die(f"{sys.argv[1]}: {err}")
    except OSError as err:
        die(f"{sys.argv[1]}: {err}")


if __name__ == "__main__":
    main()
