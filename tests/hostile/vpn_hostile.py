#!/usr/bin/env python3
"""Hostile IKE and PPTP responders for the vpn probe.

One behaviour per loopback address, on 500/udp (IKEv1 Main Mode answers) and 1723/tcp (PPTP), in the
namespace ls-vpnhostile (scripts/lab.d/vpnhostile):
  127.0.0.3  IKE: picks a transform that was never offered (IDEA/MD5/PSK/modp768)
             PPTP: a Start-Control-Connection-Reply whose Length field says 0xffff
  127.0.0.4  IKE: answers every proposal, always choosing its first transform
             PPTP: ten bytes, then silence
  127.0.0.5  IKE: a flood of 1000 NO-PROPOSAL-CHOSEN notify payloads in one datagram
             PPTP: closes the connection at once
Standard library only; serves until killed. `--ready FILE` is written once every socket listens.
"""
import argparse
import os
import socket
import struct
import threading

ADDRESSES = ("127.0.0.3", "127.0.0.4", "127.0.0.5")


def header(request, first_payload, length):
    # RFC 2408 3.1: the initiator's cookie, ours, next payload, version 1.0, Main Mode, flags, message id.
    return request[:8] + os.urandom(8) + struct.pack(">BBBBII", first_payload, 0x10, 2, 0, 0, length)


def sa_with(transform):
    transform = b"\x00" + transform[1:]  # the only transform: no next payload
    proposal = struct.pack(">BBHBBBB", 0, 0, 8 + len(transform), 1, 1, 0, 1) + transform
    body = struct.pack(">II", 1, 1) + proposal
    return struct.pack(">BBH", 0, 0, 4 + len(body)) + body


def first_transform(request):
    # SA payload at 28: generic header (4), DOI (4), situation (4), proposal header (8), transform.
    at = 28 + 4 + 8 + 8
    if len(request) < at + 4:
        return None
    length = struct.unpack(">H", request[at + 2 : at + 4])[0]
    return request[at : at + length]


def ike_answer(address, request):
    if len(request) < 28 or request[17] >> 4 != 1:
        return None  # IKEv2 and anything else: silence
    if address == "127.0.0.3":
        attrs = struct.pack(">HHHHHHHH", 0x8001, 2, 0x8002, 1, 0x8003, 1, 0x8004, 1)
        sa = sa_with(struct.pack(">BBHBBH", 0, 0, 8 + len(attrs), 1, 1, 0) + attrs)
        return header(request, 1, 28 + len(sa)) + sa
    if address == "127.0.0.4":
        t = first_transform(request)
        if t is None:
            return None
        sa = sa_with(t)
        return header(request, 1, 28 + len(sa)) + sa
    notify = b"".join(
        struct.pack(">BBHIBBH", 11 if i < 999 else 0, 0, 12, 1, 1, 0, 14) for i in range(1000)
    )
    return header(request, 11, 28 + len(notify)) + notify


def serve_udp(address):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, 500))

    def loop():
        while True:
            data, peer = s.recvfrom(65535)
            answer = ike_answer(address, data)
            if answer:
                s.sendto(answer, peer)

    threading.Thread(target=loop, daemon=True).start()


def pptp_reply(length_field):
    body = struct.pack(">HHIHHHBBIIHH", length_field, 1, 0x1A2B3C4D, 2, 0, 0x0100, 1, 0, 1, 1, 1, 1)
    return body + b"hostile".ljust(64, b"\0") + b"hostile".ljust(64, b"\0")


def serve_tcp(address):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, 1723))
    s.listen(16)

    def handle(c):
        try:
            c.recv(4096)
            if address == "127.0.0.3":
                c.sendall(pptp_reply(0xFFFF))
                threading.Event().wait(5)
            elif address == "127.0.0.4":
                c.sendall(pptp_reply(156)[:10])
                threading.Event().wait(30)
        finally:
            c.close()

    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=handle, args=(c,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ready", help="file written with our pid once every socket listens")
    args = ap.parse_args()
    for a in ADDRESSES:
        serve_udp(a)
        serve_tcp(a)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write(str(os.getpid()))
    threading.Event().wait()


if __name__ == "__main__":
    main()
