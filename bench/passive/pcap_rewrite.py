#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Concatenate classic pcap files (Ethernet or raw IPv4), giving each input's client side its own
IPv4 address, optionally many times over (to build a large benchmark capture).

  pcap_rewrite.py --out OUT.pcap IN.pcap=127.0.0.11 [IN2.pcap=127.0.0.12 ...]
  pcap_rewrite.py --out big.pcap --repeat 16000 --vary-clients 1000 IN.pcap=10.0.0.1 ...

The client of a flow is the sender of its first packet (the captures start before the client).
With --repeat N every round shifts timestamps past the previous round and shifts TCP sequence
numbers, so each round is a new set of flows; --vary-clients K spreads the rounds over K client
address sets (base, base+16, base+32, ...). IPv4 header checksums are recomputed; TCP/UDP checksums are
left as they were (UDP's is zeroed, which RFC 768 allows), as capture tools do not verify them.
"""
import argparse
import ipaddress
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        sys.exit(f"{path}: not a pcap file")
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    elif struct.unpack(">I", data[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D):
        endian = ">"
    else:
        sys.exit(f"{path}: not a classic pcap file (pcapng is not handled here)")
    nano = struct.unpack(endian + "I", data[:4])[0] == 0xA1B23C4D
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    packets, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        packets.append((sec * 1_000_000 + (frac // 1000 if nano else frac), data[off:off + caplen], wirelen))
        off += caplen
    return linktype, packets


def ip_offset(linktype, frame):
    if linktype == 1:
        if len(frame) < 14 or frame[12:14] != b"\x08\x00":
            return None
        return 14
    if linktype in (101, 228):
        return 0
    return None


def checksum(hdr):
    s = 0
    for i in range(0, len(hdr), 2):
        s += (hdr[i] << 8) + (hdr[i + 1] if i + 1 < len(hdr) else 0)
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--vary-clients", type=int, default=0, metavar="N",
                    help="with --repeat: round R gives each input's client address base+16*(R %% N)")
    ap.add_argument("inputs", nargs="+", help="FILE=CLIENT_IPV4")
    a = ap.parse_args()
    inputs = []
    linktype = None
    for spec in a.inputs:
        path, _, addr = spec.rpartition("=")
        lt, pkts = read_pcap(path)
        if linktype is None:
            linktype = lt
        elif lt != linktype:
            sys.exit(f"{path}: link type {lt} differs from {linktype}")
        inputs.append((pkts, int(ipaddress.IPv4Address(addr))))
    out = open(a.out, "wb")
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
    t_shift = 0
    span = max((p[-1][0] for p, _ in inputs if p), default=0) - min((p[0][0] for p, _ in inputs if p), default=0) + 1_000_000
    for rnd in range(a.repeat):
        for pkts, client_base in inputs:
            client_addr = client_base + (16 * (rnd % a.vary_clients) if a.vary_clients else 0)
            client_bytes = struct.pack(">I", client_addr)
            clients = {}
            for ts, frame, wirelen in pkts:
                off = ip_offset(linktype, frame)
                frame = bytearray(frame)
                if off is not None and len(frame) >= off + 20 and frame[off] >> 4 == 4:
                    ihl = (frame[off] & 0x0F) * 4
                    proto = frame[off + 9]
                    src, dst = bytes(frame[off + 12:off + 16]), bytes(frame[off + 16:off + 20])
                    sport = dport = 0
                    if proto in (6, 17) and len(frame) >= off + ihl + 4:
                        sport, dport = struct.unpack(">HH", frame[off + ihl:off + ihl + 4])
                    key = tuple(sorted([(src, sport), (dst, dport)]))
                    client = clients.setdefault(key, (src, sport))
                    if (src, sport) == client:
                        frame[off + 12:off + 16] = client_bytes
                    else:
                        frame[off + 16:off + 20] = client_bytes
                    frame[off + 10:off + 12] = b"\0\0"
                    frame[off + 10:off + 12] = struct.pack(">H", checksum(frame[off:off + ihl]))
                    if proto == 17 and len(frame) >= off + ihl + 8:
                        frame[off + ihl + 6:off + ihl + 8] = b"\0\0"
                    if proto == 6 and rnd and len(frame) >= off + ihl + 12:
                        seq, ack = struct.unpack(">II", frame[off + ihl + 4:off + ihl + 12])
                        shift = (rnd * 7919 * 65536) & 0xFFFFFFFF
                        frame[off + ihl + 4:off + ihl + 12] = struct.pack(">II", (seq + shift) & 0xFFFFFFFF, (ack + shift) & 0xFFFFFFFF)
                t = ts + t_shift
                out.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), wirelen))
                out.write(frame)
        t_shift += span
    out.close()


if __name__ == "__main__":
    main()
