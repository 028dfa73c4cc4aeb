#!/usr/bin/env python3
"""A hostile SMB2 file server for the smb probe's share list (scripts/lab.d/shares, 127.0.0.2:445).

It speaks just enough SMB 2.1 to grant a guest session: NEGOTIATE (2.1 only; every other dialect
STATUS_NOT_SUPPORTED, SMB1 closes), SESSION_SETUP with an NTLMSSP CHALLENGE and then success with
SessionFlags IS_GUEST, TREE_CONNECT, CREATE, and FSCTL_PIPE_TRANSCEIVE on the srvsvc pipe, where
NetrShareEnum lists shares whose names are not valid UTF-16 (unpaired surrogates), which no real
Samba or Windows server can produce. The names it lists are printed by `names`.
Standard library only; serves until killed. `--ready FILE` is written once the socket listens.
"""
import argparse
import asyncio
import os
import struct

ADDRESS = "127.0.0.2"
STATUS_SUCCESS = 0
STATUS_MORE_PROCESSING_REQUIRED = 0xC0000016
STATUS_NOT_SUPPORTED = 0xC00000BB

# Each name as UTF-16 code units: a lone high surrogate, a lone low surrogate, a valid pair (U+1F600)
# and a plain name, so the test can tell escaping from decoding.
SHARES = [
    ("bad-high", [0x62, 0x61, 0x64, 0xD800]),
    ("bad-low", [0xDC00, 0x6C, 0x6F, 0x77]),
    ("pair", [0x70, 0xD83D, 0xDE00]),
    ("plain", [ord(c) for c in "plain"]),
]
ESCAPED = ["bad\\uD800", "\\uDC00low", "p\U0001F600", "plain"]


def der(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def ntlm_challenge():
    # [MS-NLMP] 2.2.1.2 with MsvAvNbDomainName, MsvAvNbComputerName and MsvAvEOL.
    def av(i, s):
        v = s.encode("utf-16-le")
        return struct.pack("<HH", i, len(v)) + v

    info = av(2, "HOSTILE") + av(1, "SRVSVC") + struct.pack("<HH", 0, 0)
    target = "HOSTILE".encode("utf-16-le")
    flags = 0x628A8215  # UNICODE, NTLM, TARGET_INFO, ESS, 128, 56, KEY_EXCH, REQUEST_TARGET
    fixed = 56
    return (b"NTLMSSP\0" + struct.pack("<I", 2) + struct.pack("<HHI", len(target), len(target), fixed)
            + struct.pack("<I", flags) + os.urandom(8) + b"\0" * 8
            + struct.pack("<HHI", len(info), len(info), fixed + len(target))
            + bytes([6, 1, 0x1D, 0x1B, 0, 0, 0, 15]) + target + info)


def spnego_challenge():
    ntlmssp_oid = der(0x06, bytes.fromhex("2b0601040182370202 0a".replace(" ", "")))
    body = (der(0xA0, der(0x0A, b"\x01")) + der(0xA1, ntlmssp_oid) + der(0xA2, der(0x04, ntlm_challenge())))
    return der(0xA1, der(0x30, body))


def smb2(req, status, body, tree_id=None, session_id=None):
    credit_charge = struct.unpack_from("<H", req, 6)[0]
    command = struct.unpack_from("<H", req, 12)[0]
    message_id = struct.unpack_from("<Q", req, 24)[0]
    tid = struct.unpack_from("<I", req, 36)[0] if tree_id is None else tree_id
    sid = struct.unpack_from("<Q", req, 40)[0] if session_id is None else session_id
    header = (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, credit_charge, status, command, 31, 1, 0, message_id,
                                       0, tid, sid) + b"\0" * 16)
    return header + body


def error(req, status):
    return smb2(req, status, struct.pack("<HBBI", 9, 0, 0, 0) + b"\0")


def negotiate(req):
    count = struct.unpack_from("<H", req, 66)[0]
    dialects = [struct.unpack_from("<H", req, 100 + 2 * i)[0] for i in range(count)]
    if 0x0210 not in dialects:
        return error(req, STATUS_NOT_SUPPORTED)
    body = struct.pack("<HHHH", 65, 1, 0x0210, 0) + os.urandom(16) + struct.pack("<IIIIQQHHI", 0, 65536, 65536, 65536,
                                                                              0, 0, 128, 0, 0)
    return smb2(req, STATUS_SUCCESS, body)


def session_setup(req):
    blob_len = struct.unpack_from("<H", req, 64 + 14)[0]
    blob = req[struct.unpack_from("<H", req, 64 + 12)[0]:][:blob_len]
    if b"NTLMSSP\0\x01" in blob:
        token = spnego_challenge()
        body = struct.pack("<HHHH", 9, 0, 72, len(token)) + token
        return smb2(req, STATUS_MORE_PROCESSING_REQUIRED, body, session_id=0x1234)
    return smb2(req, STATUS_SUCCESS, struct.pack("<HHHH", 9, 1, 0, 0), session_id=0x1234)  # IS_GUEST


def tree_connect(req):
    path = req[64 + 8:].decode("utf-16-le", "replace")
    share_type = 2 if path.upper().endswith("IPC$") else 1
    return smb2(req, STATUS_SUCCESS, struct.pack("<HBBIII", 16, share_type, 0, 0, 0, 0x001F01FF), tree_id=7)


def create(req):
    body = struct.pack("<HBBI", 89, 0, 0, 1) + b"\0" * 48 + struct.pack("<II", 0x80, 0) + b"\x11" * 16 + b"\0" * 8
    return smb2(req, STATUS_SUCCESS, body)


def wstring(units):
    units = units + [0]
    data = struct.pack("<III", len(units), 0, len(units)) + b"".join(struct.pack("<H", u) for u in units)
    return data + b"\0" * (-len(data) % 4)


def share_enum_stub():
    n = len(SHARES)
    stub = struct.pack("<IIIII", 1, 1, 0x20000, n, 0x20004) + struct.pack("<I", n)
    for i in range(n):
        stub += struct.pack("<III", 0x20008 + 8 * i, 0, 0x2000C + 8 * i)
    for _, units in SHARES:
        stub += wstring(units) + wstring([])
    return stub + struct.pack("<III", n, 0, 0)


def dcerpc(ptype, call_id, body):
    return struct.pack("<BBBBIHHI", 5, 0, ptype, 3, 0x10, 16 + len(body), 0, call_id) + body


def ioctl(req):
    in_off, in_len = struct.unpack_from("<II", req, 64 + 24)
    pdu = req[in_off:in_off + in_len]
    call_id = struct.unpack_from("<I", pdu, 12)[0] if len(pdu) >= 16 else 0
    if len(pdu) >= 16 and pdu[2] == 11:  # BIND: accept the first context
        secondary = struct.pack("<H", 13) + b"\\PIPE\\srvsvc\0" + b"\0"  # padded to 4
        body = struct.pack("<HHI", 4280, 4280, 0x1234) + secondary + struct.pack("<BBH", 1, 0, 0)
        body += struct.pack("<HH", 0, 0) + bytes.fromhex("045d888aeb1cc9119fe808002b10486002000000")
        out = dcerpc(12, call_id, body)
    else:
        stub = share_enum_stub()
        out = dcerpc(2, call_id, struct.pack("<IHBB", len(stub), 0, 0, 0) + stub)
    body = struct.pack("<HHI", 49, 0, 0x0011C017) + b"\x11" * 16 + struct.pack("<IIIIII", 112, 0, 112, len(out), 0, 0)
    return smb2(req, STATUS_SUCCESS, body + out)


HANDLERS = {0: negotiate, 1: session_setup, 3: tree_connect, 5: create, 11: ioctl}


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readexactly(4)
            msg = await reader.readexactly(int.from_bytes(head[1:], "big"))
            if not msg.startswith(b"\xfeSMB") or len(msg) < 64:
                break  # SMB1 and anything else: close, as an SMB2-only server does
            command = struct.unpack_from("<H", msg, 12)[0]
            handler = HANDLERS.get(command)
            reply = handler(msg) if handler else error(msg, STATUS_NOT_SUPPORTED)
            writer.write(len(reply).to_bytes(4, "big") + reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, struct.error, IndexError):
        pass
    finally:
        writer.close()


async def main(ready):
    server = await asyncio.start_server(serve, ADDRESS, 445)
    if ready:
        with open(ready, "w") as f:
            f.write("ready\n")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "names"])
    parser.add_argument("--ready")
    args = parser.parse_args()
    if args.command == "names":
        print("\n".join(ESCAPED))
    else:
        asyncio.run(main(args.ready))
