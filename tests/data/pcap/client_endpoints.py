#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Prints how many client endpoints (protocol, client port) talk to lab server ports in a classic
pcap over loopback. scripts/make-captures compares it with what its client opens, to retry a
capture that other lab users' traffic to the same DC got into."""
import struct
import sys

SERVER_PORTS = {88, 464, 445, 139, 389, 636, 137, 138, 3268, 3269, 25, 587, 110, 143, 21, 8443, 135}


def endpoints(path):
    data = open(path, "rb").read()
    off, eps = 24, set()
    while off + 16 <= len(data):
        caplen = struct.unpack("<I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl, proto = (ip[0] & 15) * 4, ip[9]
        if proto not in (6, 17) or len(ip) < ihl + 4:
            continue
        sport, dport = struct.unpack(">HH", ip[ihl:ihl + 4])
        if dport in SERVER_PORTS and sport not in SERVER_PORTS:
            eps.add((proto, sport))
        elif sport in SERVER_PORTS and dport not in SERVER_PORTS:
            eps.add((proto, dport))
        elif dport in SERVER_PORTS:
            eps.add((proto, sport, dport))
    return eps


if __name__ == "__main__":
    print(len(endpoints(sys.argv[1])))
