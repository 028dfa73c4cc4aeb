#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""legacyscan's hostile test server: speaks SMB, TLS, STARTTLS, Kerberos, CLDAP/LDAP and NetBIOS wrongly.

Every behaviour is one target: its own loopback address (127.0.10.N by default, or one address per N in the /24s after it) with the probe's
default port, so a scan of that address meets exactly that misbehaviour. Standard library only (asyncio).

  hostile_server.py list                  the behaviours as JSON (address, port, what the scan must report)
  hostile_server.py serve [--net 127.0.10] [--only a,b] [--ready FILE]
                                          serve them until killed (inside a lab namespace: scripts/lab.d/hostile)

Real replies come from the golden captures of the lab DCs (tests/data/*/*.hex); the server cuts, mangles or
drips them. Only ever run inside a network namespace the project's scripts create (loopback only).
"""
import argparse
import asyncio
import ipaddress
import json
import os
import random
import re
import socket
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data")


def golden(path):
    with open(os.path.join(DATA, path)) as f:
        return bytes.fromhex("".join(line.strip() for line in f if not line.startswith("#")))


SMB2_NEGOTIATE = golden("smb/legacy_smb2_negotiate_response_311.hex")  # SMB2 header + NEGOTIATE response
KRB_ERROR_TCP = golden("kerberos/legacy_krb_error_preauth_required_rc4_tcp_framed.hex")  # 4-byte record mark
AS_REP_TCP = golden("kerberos/legacy_as_rep_admin_rc4_tcp_framed.hex")
NODE_STATUS = golden("netbios/legacy_node_status_response.hex")
SMB2_HEADER = 64
SMB2_WILDCARD = golden("smb/legacy_smb2_negotiate_response_wildcard.hex")  # the answer to an SMB1 NEGOTIATE
SMB2_CHALLENGE = golden("smb/legacy_smb2_session_setup_response_challenge.hex")  # NTLMSSP CHALLENGE in SPNEGO


def nbss(payload):
    return struct.pack(">I", len(payload) & 0x00FFFFFF) + payload


# ----------------------------------------------------------------------------- reply builders


def smb2_reply(request, mangle=None):
    """The DC's SMB2 NEGOTIATE response, message id copied from an SMB2 request, then mangled."""
    r = bytearray(SMB2_NEGOTIATE)
    if request[:4] == b"\xfeSMB" and len(request) >= 32:
        r[24:32] = request[24:32]  # MessageId
    if mangle:
        mangle(r)
    return bytes(r)


def smb2_structsize_lie(r):
    struct.pack_into("<H", r, 4, 0xFFFF)  # header StructureSize (64)
    struct.pack_into("<H", r, SMB2_HEADER, 0xFFFF)  # NEGOTIATE response StructureSize (65)


def smb2_offsets_past_end(r):
    struct.pack_into("<HH", r, SMB2_HEADER + 56, 0xFFF0, 0xFF00)  # SecurityBufferOffset, Length
    struct.pack_into("<I", r, SMB2_HEADER + 60, 0xFFFFFF00)  # NegotiateContextOffset


def smb2_context_count(r):
    struct.pack_into("<H", r, SMB2_HEADER + 6, 65535)  # NegotiateContextCount


def tls_hello_fields(hello):
    """(client_version, first cipher suite) of a TLS ClientHello record, or None."""
    try:
        if hello[0] != 0x16 or hello[5] != 0x01:
            return None
        p = 9
        version = hello[p:p + 2]
        p += 34
        p += 1 + hello[p]
        n = struct.unpack(">H", hello[p:p + 2])[0]
        return version, hello[p + 2:p + 4] if n >= 2 else b"\x00\x2f"
    except (IndexError, struct.error):
        return None


def tls_server_hello(version, suite, record_version=None):
    body = version + os.urandom(32) + b"\x00" + suite + b"\x00"
    hs = b"\x02" + struct.pack(">I", len(body))[1:] + body
    return b"\x16" + (record_version or version) + struct.pack(">H", len(hs)) + hs


def ldap_message_id(data):
    """The messageID of a BER LDAPMessage (SEQUENCE { INTEGER id, ... }), or 1."""
    try:
        p = 1
        if data[p] & 0x80:
            p += 1 + (data[p] & 0x7F)
        else:
            p += 1
        if data[p] != 0x02:
            return 1
        n = data[p + 1]
        return int.from_bytes(data[p + 2:p + 2 + n], "big")
    except IndexError:
        return 1


def ber(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(b)]) + b + content


def ldap_entry(msgid, value, attr=b"netlogon"):
    attrs = ber(0x30, ber(0x30, ber(0x04, attr) + ber(0x31, ber(0x04, value))))
    return ber(0x30, ber(0x02, bytes([msgid & 0x7F])) + ber(0x64, ber(0x04, b"") + attrs))


def ldap_done(msgid):
    return ber(0x30, ber(0x02, bytes([msgid & 0x7F])) + ber(0x65, b"\x0a\x01\x00\x04\x00\x04\x00"))


def netlogon_pointer_loop():
    # NETLOGON_SAM_LOGON_RESPONSE_EX: opcode 23, sbz, flags, domain GUID, then DnsForestName as a
    # compressed name whose pointer points at itself (offset 24), and the next name at the first one.
    head = struct.pack("<HHI", 23, 0, 0x3FD) + bytes(16)
    tail = struct.pack("<IHH", 5, 0xFFFF, 0xFFFF)  # NtVersion 5 (V1|V5EX), LmNtToken, Lm20Token
    return head + b"\xc0\x18" + b"\xc0\x18" + b"\x03abc\xc0\x1c" + bytes(8) + tail


def nbns_name(name=b"*"):
    raw = name.ljust(15, b"\x00")[:15] + b"\x00" if name == b"*" else name.ljust(16, b" ")
    enc = bytes(c for b in raw for c in (0x41 + (b >> 4), 0x41 + (b & 0xF)))
    return b"\x20" + enc + b"\x00"


def node_status_255_names(trn_id):
    rdata = b"\xff" + bytes(20)  # claims 255 names of 18 bytes, carries 20 bytes
    return (struct.pack(">HHHHHH", trn_id, 0x8400, 0, 1, 0, 0) + nbns_name() +
            struct.pack(">HHIH", 0x21, 1, 0, len(rdata)) + rdata)


# ----------------------------------------------------------------------------- behaviours

class Behaviour:
    """One misbehaviour. checks: (path, [statuses], reason substring or None) for an object with a status,
    (path, "=value") or (path, "~substring") for a plain value; path is a JSON pointer below hosts[].probes."""
    def __init__(self, name, probe, port, what, checks, tcp=None, udp=None, host=None, ports_arg=None,
                 sweep=None, args=None, kdc=None):
        self.name, self.probe, self.port, self.what, self.checks = name, probe, port, what, checks
        self.kdc = kdc  # the configuration of a KDC-like behaviour, in the manifest for the tests
        self.args = args or []
        self.tcp, self.udp, self.host, self.sweep = tcp, udp, host, sweep
        self.ports_arg = ports_arg or f"{probe}:{port}"


async def read_nbss(reader):
    head = await reader.readexactly(4)
    return await reader.readexactly(struct.unpack(">I", head)[0] & 0x00FFFFFF)


async def serve_smb(reader, writer, reply):
    while True:
        req = await read_nbss(reader)
        out = reply(req)
        if out is None:
            await asyncio.sleep(3600)
        writer.write(out)
        await writer.drain()


def smb2_answer(template, request):
    """A real answer with the request's MessageId and SessionId (a server's reply carries both)."""
    r = bytearray(template)
    r[24:32] = request[24:32]
    if request[40:48] != b"\0" * 8:
        r[40:48] = request[40:48]
    return bytes(r)


def smb2_session_setup_success(request):
    """SESSION_SETUP response, STATUS_SUCCESS, no SessionFlags, no security buffer ([MS-SMB2] 2.2.6)."""
    h = bytearray(SMB2_CHALLENGE[:SMB2_HEADER])
    struct.pack_into("<I", h, 8, 0)  # Status
    return smb2_answer(bytes(h) + struct.pack("<HHHH", 9, 0, SMB2_HEADER + 8, 0), request)


async def smb_session_then_reset(reader, writer, _):
    """Speaks SMB2 up to a granted session (the DC's real NEGOTIATE and CHALLENGE answers, then a
    STATUS_SUCCESS for any AUTHENTICATE), and resets the connection on TREE_CONNECT."""
    legs = 0
    while True:
        req = await read_nbss(reader)
        if req[:4] == b"\xffSMB":
            out = SMB2_WILDCARD
        elif req[:4] != b"\xfeSMB" or len(req) < SMB2_HEADER:
            reset(writer)
            return
        else:
            command = struct.unpack_from("<H", req, 12)[0]
            if command == 0:  # NEGOTIATE
                out = smb2_answer(SMB2_NEGOTIATE, req)
            elif command == 1:  # SESSION_SETUP: the CHALLENGE, then the session granted
                legs += 1
                out = smb2_answer(SMB2_CHALLENGE, req) if legs == 1 else smb2_session_setup_success(req)
            else:  # TREE_CONNECT, and anything else
                reset(writer)
                return
        writer.write(nbss(out))
        await writer.drain()


async def silent(reader, writer, _arg=None):
    await reader.read(65536)
    await asyncio.sleep(3600)


async def drip(writer, data, forever=True):
    while True:
        for b in data:
            writer.write(bytes([b]))
            await writer.drain()
            await asyncio.sleep(1)
        if not forever:
            return


def reset(writer):
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def smb_drip(reader, writer, _):
    await read_nbss(reader)
    await drip(writer, nbss(SMB2_NEGOTIATE))


async def smb_reset_mid(reader, writer, _):
    await read_nbss(reader)
    writer.write(nbss(SMB2_NEGOTIATE)[:100])
    await writer.drain()
    await asyncio.sleep(0.05)
    reset(writer)


async def smb_nbss_huge(reader, writer, close):
    await read_nbss(reader)
    writer.write(b"\x00\x01\xff\xff" + b"\xfeSM")
    await writer.drain()
    if close:
        writer.close()
        return
    await asyncio.sleep(3600)


async def smb_mangled(reader, writer, mangle):
    await serve_smb(reader, writer, lambda req: nbss(smb2_reply(req, mangle)))


async def smb_garbage(reader, writer, _):
    await read_nbss(reader)
    rnd = random.Random(9)
    writer.write(nbss(bytes(rnd.getrandbits(8) for _ in range(4000))))
    await writer.drain()
    await asyncio.sleep(3600)


async def smb_truncated(reader, writer, n):
    req = await read_nbss(reader)
    writer.write(nbss(smb2_reply(req))[:n])
    await writer.drain()
    writer.close()


async def read_tls_hello(reader):
    head = await reader.readexactly(2)
    if head[0] & 0x80:  # SSLv2 record header
        return head + await reader.readexactly(((head[0] & 0x7F) << 8 | head[1]) - 0)
    rest = await reader.readexactly(3)
    n = struct.unpack(">H", rest[1:3])[0]
    return head + rest + await reader.readexactly(n)


async def tls_each_hello(reader, writer, reply):
    while True:
        hello = await read_tls_hello(reader)
        out = reply(hello)
        writer.write(out)
        await writer.drain()
        writer.close()
        return


def fields_or_default(hello):
    return tls_hello_fields(hello) or (b"\x03\x01", b"\x00\x2f")


async def tls_oversize(reader, writer, _):
    await read_tls_hello(reader)
    writer.write(b"\x16\x03\x03" + struct.pack(">H", 2 ** 14 + 2048) + bytes(2 ** 14 + 2048))
    await writer.drain()
    writer.close()


async def tls_version_never_offered(reader, writer, _):
    await tls_each_hello(reader, writer,
                         lambda h: tls_server_hello(b"\x03\x07", fields_or_default(h)[1], b"\x03\x03"))


async def tls_ssl2_lengths(reader, writer, _):
    await read_tls_hello(reader)
    body = bytes([4, 0, 1]) + b"\x00\x02" + struct.pack(">HHH", 0xFFF0, 0xFF00, 16) + bytes(10)
    writer.write(bytes([0x80 | (len(body) >> 8), len(body) & 0xFF]) + body)
    await writer.drain()
    writer.close()


async def tls_alert_loop(reader, writer, _):
    await read_tls_hello(reader)
    while True:  # warning-level alerts (no_renegotiation) for ever, never a ServerHello
        writer.write(b"\x15\x03\x03\x00\x02\x01\x64" * 64)
        await writer.drain()
        await asyncio.sleep(0.01)


async def tls_drip(reader, writer, _):
    h = await read_tls_hello(reader)
    v, s = fields_or_default(h)
    await drip(writer, tls_server_hello(v, s))


async def tls_reset_mid(reader, writer, _):
    h = await read_tls_hello(reader)
    v, s = fields_or_default(h)
    writer.write(tls_server_hello(v, s)[:30])
    await writer.drain()
    await asyncio.sleep(0.05)
    reset(writer)


async def tls_truncated(reader, writer, n):
    h = await read_tls_hello(reader)
    v, s = fields_or_default(h)
    writer.write(tls_server_hello(v, s)[:n])
    await writer.drain()
    writer.close()


async def smtp(reader, writer, mode):
    if mode == "endless-greeting":
        while True:
            writer.write(b"220-hostile greeting line that never ends\r\n" * 100)
            await writer.drain()
            await asyncio.sleep(0.01)
    writer.write(b"220 hostile.test ESMTP\r\n")
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            return
        cmd = line.strip().upper()
        if cmd.startswith(b"EHLO") or cmd.startswith(b"HELO"):
            writer.write(b"250-hostile.test\r\n250 STARTTLS\r\n")
        elif cmd == b"STARTTLS":
            if mode == "silent":
                await asyncio.sleep(3600)
            writer.write(b"220 go ahead\r\n")
            await writer.drain()
            await reader.read(65536)  # the ClientHello
            writer.write(b"\x16\x03\x03\x00\x05garbage that is no TLS at all" * 10)
            await writer.drain()
            writer.close()
            return
        else:
            writer.write(b"502 no\r\n")
        await writer.drain()


async def ldap_starttls_garbage(reader, writer, _):
    req = await reader.read(65536)
    if not req:
        return
    msgid = ldap_message_id(req)
    ok = ber(0x30, ber(0x02, bytes([msgid])) + ber(0x78, b"\x0a\x01\x00\x04\x00\x04\x00"))
    writer.write(ok)
    await writer.drain()
    await reader.read(65536)
    writer.write(b"\x16\x03\x03\xff\xff" + b"\x00" * 40 + b"not a server hello")
    await writer.drain()
    writer.close()


async def ldap_huge_length(reader, writer, _):
    while True:
        req = await reader.read(65536)
        if not req:
            return
        # LDAPMessage SEQUENCE claiming 2^31 bytes with nested lengths past the end.
        writer.write(b"\x30\x84\x80\x00\x00\x00\x02\x01" + bytes([ldap_message_id(req) & 0x7F]) +
                     b"\x64\x84\x7f\xff\xff\xff\x04\x00")
        await writer.drain()


async def ldap_many_entries(reader, writer, _):
    while True:
        req = await reader.read(65536)
        if not req:
            return
        msgid = ldap_message_id(req)
        entry = ldap_entry(msgid, b"x" * 40, b"junk")
        for _ in range(100):
            writer.write(entry * 100)
            await writer.drain()
        writer.write(ldap_done(msgid))
        await writer.drain()


async def krb_tcp(reader, writer, reply):
    while True:
        head = await reader.readexactly(4)
        await reader.readexactly(struct.unpack(">I", head)[0] & 0x7FFFFFFF)
        out = reply()
        if out is None:
            await asyncio.sleep(3600)
        writer.write(out)
        await writer.drain()


async def krb_tcp_truncated(reader, writer, n):
    head = await reader.readexactly(4)
    await reader.readexactly(struct.unpack(">I", head)[0] & 0x7FFFFFFF)
    writer.write(KRB_ERROR_TCP[:n])
    await writer.drain()
    writer.close()


# KRB-ERROR [APPLICATION 30] claiming 2^31-1 bytes, its SEQUENCE 2^31, then pvno 5 and msg-type 30.
KRB_DER_2_31 = b"\x7e\x84\x7f\xff\xff\xff\x30\x84\x80\x00\x00\x00\xa0\x03\x02\x01\x05\xa1\x03\x02\x01\x1e"
KRB_INDEFINITE = (b"\x7e\x80\x30\x80\xa0\x03\x02\x01\x05\xa1\x03\x02\x01\x1e\xa4\x80\x18\x0f" +
                  b"20261123000000Z" + b"\x00\x00\x00\x00\x00\x00")


def as_rep_wrong_msg_type():
    r = bytearray(AS_REP_TCP[4:])
    i = r.find(b"\xa1\x03\x02\x01\x0b")  # msg-type 11 (AS-REP) -> 13 (TGS-REP)
    r[i + 4] = 13
    return bytes(r)


def framed(msg):
    return struct.pack(">I", len(msg)) + msg


class Udp(asyncio.DatagramProtocol):
    def __init__(self, handler, state):
        self.handler, self.state = handler, state

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        res = self.handler(self, data, addr)
        if asyncio.iscoroutine(res):
            asyncio.ensure_future(res)


def udp_reply(make):
    def h(proto, data, addr):
        out = make(data)
        if out is not None:
            proto.transport.sendto(out, addr)
    return h


async def udp_flood_task(proto, data, addr):
    rnd = random.Random(len(data))
    for i in range(20000):
        proto.transport.sendto(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 200))), addr)
        if i % 200 == 0:
            await asyncio.sleep(0.005)


def udp_flood(proto, data, addr):
    return udp_flood_task(proto, data, addr)


# A KDC that knows rc4-hmac only, answering with the legacy DC's real KRB-ERRORs: 25 PREAUTH_REQUIRED
# whose ETYPE-INFO2 names rc4-hmac (23) when the AS-REQ offers it, 14 ETYPE_NOSUPP otherwise.
KDC_ETYPES = {23: "rc4-hmac"}
KRB_ERROR_PREAUTH_RC4 = golden("kerberos/legacy_krb_error_preauth_required_rc4.hex")
KRB_ERROR_NOSUPP = golden("kerberos/legacy_krb_error_etype_nosupp_aes256.hex")
KRB_JUNK_SAME_PORT = 30   # junk datagrams per AS-REQ from the KDC's own address and port
KRB_JUNK_OTHER_PORT = 30  # and from another port of the same address (real-looking KRB-ERRORs among them)


def der(b, i):
    """(tag octet, content start, content end) of the DER element at b[i] (low tag numbers only)."""
    tag, n, j = b[i], b[i + 1], i + 2
    if n & 0x80:
        n, j = int.from_bytes(b[j:j + (n & 0x7F)], "big"), j + (n & 0x7F)
    if j + n > len(b):
        raise ValueError("past the end")
    return tag, j, j + n


def der_children(b, start, end):
    while start < end:
        tag, s, e = der(b, start)
        yield tag, s, e
        start = e


def offered_etypes(req):
    """The etype list of an AS-REQ ([APPLICATION 10] { [4] req-body { [8] etype SEQUENCE OF Int32 } })."""
    try:
        tag, s, e = der(req, 0)
        if tag != 0x6A:
            return []
        _, s, e = der(req, s)
        for tag, cs, _ in der_children(req, s, e):
            if tag != 0xA4:
                continue
            _, bs, be = der(req, cs)
            for tag2, c2s, _ in der_children(req, bs, be):
                if tag2 == 0xA8:
                    _, ls, le = der(req, c2s)
                    return [int.from_bytes(req[x:y], "big", signed=True) for _, x, y in der_children(req, ls, le)]
    except (IndexError, ValueError):
        pass
    return []


def kdc_answer(req):
    return KRB_ERROR_PREAUTH_RC4 if any(e in KDC_ETYPES for e in offered_etypes(req)) else KRB_ERROR_NOSUPP


def krb_junk(rnd, req, n):
    """n datagrams that are not a KDC reply: random bytes, KRB-ERRORs with DER lengths of 2^31 or indefinite
    lengths, a real KRB-ERROR cut short or with a byte after it, the AS-REQ itself sent back."""
    out = []
    for i in range(n):
        kind = i % 6
        if kind == 0:
            out.append(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 200))))
        elif kind == 1:
            out.append(KRB_DER_2_31)
        elif kind == 2:
            out.append(KRB_INDEFINITE)
        elif kind == 3:
            out.append(KRB_ERROR_PREAUTH_RC4[:rnd.randrange(1, len(KRB_ERROR_PREAUTH_RC4))])
        elif kind == 4:
            out.append(KRB_ERROR_NOSUPP + b"\x00")
        else:
            out.append(bytes(req))
    return out


def krb_junk_then(answer):
    """Per AS-REQ: KRB_JUNK_OTHER_PORT datagrams from another port (real KRB-ERRORs 14 and 25 among them, so
    taking one would change a verdict), KRB_JUNK_SAME_PORT junk datagrams from the KDC's port, then (answer)
    the real reply of a KDC that knows KDC_ETYPES, or nothing."""
    def h(proto, data, addr):
        rnd = random.Random(len(data))
        host = proto.transport.get_extra_info("sockname")[0]
        other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            other.bind((host, 0))
            spoofs = [KRB_ERROR_NOSUPP, KRB_ERROR_PREAUTH_RC4]
            for i in range(KRB_JUNK_OTHER_PORT):
                other.sendto(spoofs[i % 2] if i % 3 else bytes(rnd.getrandbits(8) for _ in range(40)), addr)
        finally:
            other.close()
        for d in krb_junk(rnd, data, KRB_JUNK_SAME_PORT):
            proto.transport.sendto(d, addr)
        if answer:
            proto.transport.sendto(kdc_answer(data), addr)
    return h


def cldap_many(proto, data, addr):
    async def go():
        msgid = ldap_message_id(data)
        for i in range(10000):
            proto.transport.sendto(ldap_entry(msgid, b"junk entry %d" % i), addr)
            if i % 100 == 0:
                await asyncio.sleep(0.002)
    return go()


def nbns_wrong_trn_id(data):
    if len(data) < 2:
        return None
    trn = (struct.unpack(">H", data[:2])[0] + 1) & 0xFFFF
    return struct.pack(">H", trn) + NODE_STATUS[2:]


def nbns_255_names(data):
    return node_status_255_names(struct.unpack(">H", data[:2])[0]) if len(data) >= 2 else None


MAILSLOT_REPLIES = [golden("netbios/legacy_sam_logon_v1_response.hex"),
                    golden("netbios/legacy_sam_logon_v5ex_response.hex"),
                    golden("netbios/legacy_primary_query_response.hex")]


def mailslot_replies(request):
    """The DC's real NETLOGON replies (SAM LOGON, V5EX, PRIMARY QUERY), sent to the reply mailslot the
    request names (\\MAILSLOT\\NET\\GETDCnnn: the same length as in the captures)."""
    m = re.search(rb"\\MAILSLOT\\NET\\GETDC[0-9]{3}", request)
    if not m:
        return []
    return [re.sub(rb"\\MAILSLOT\\NET\\GETDC[0-9]{3}", lambda _: m.group(0), r) for r in MAILSLOT_REPLIES]


def mailslot_from(source_ip):
    def h(proto, data, addr):
        # The real replies to the scanner's address and port, from source_ip (None: the address asked).
        if source_ip is None:
            for r in mailslot_replies(data):
                proto.transport.sendto(r, addr)
            return
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((source_ip, 0))
            for r in mailslot_replies(data):
                s.sendto(r, addr)
        finally:
            s.close()
    return h


T, P, R, PE, E = "timeout", "protocol-error", "reset", "protocol-error", "error"


def sweep_net(net, k):
    """The first address of the /24 k after net (127.0.1, 1 -> 127.0.2.0): a sweep's address N is this + N,
    so a sweep longer than 256 runs on into the next /24."""
    a, b, c = (int(x) for x in net.split("."))
    return ipaddress.IPv4Address(f"{a}.{b}.{c + k}.0")


def behaviours(net):
    a = lambda n: f"{net}.{n}"  # noqa: E731
    b = []
    add = lambda *args, **kw: b.append(Behaviour(*args, **kw))  # noqa: E731
    # SMB on 445 (direct TCP, NBSS framing).
    add("smb-silent", "smb", 445, "accepts and never speaks", [("smb", [T])], tcp=(silent, None), host=a(1))
    add("smb-drip", "smb", 445, "the real NEGOTIATE response at one byte per second, for ever",
        [("smb", [T])], tcp=(smb_drip, None), host=a(2))
    add("smb-reset-mid-reply", "smb", 445, "100 bytes of the real reply, then RST",
        [("smb", [R, PE], "reset")], tcp=(smb_reset_mid, None), host=a(3))
    add("smb-nbss-0x1ffff-then-silence", "smb", 445, "NBSS length 0x1FFFF, 3 bytes, then nothing",
        [("smb", [T])], tcp=(smb_nbss_huge, False), host=a(4))
    add("smb-nbss-0x1ffff-then-close", "smb", 445, "NBSS length 0x1FFFF, 3 bytes, then FIN",
        [("smb", [R, PE], "closed")], tcp=(smb_nbss_huge, True), host=a(5))
    add("smb2-structuresize-lies", "smb", 445, "SMB2 header and NEGOTIATE StructureSize 0xFFFF",
        [("smb", [PE])], tcp=(smb_mangled, smb2_structsize_lie), host=a(6))
    add("smb2-offsets-past-end", "smb", 445, "security buffer and context offsets past the end",
        [("smb", [PE])], tcp=(smb_mangled, smb2_offsets_past_end), host=a(7))
    add("smb2-context-count-65535", "smb", 445, "NegotiateContextCount 65535 with two contexts",
        [("smb", [PE])], tcp=(smb_mangled, smb2_context_count), host=a(8))
    add("smb-random-garbage", "smb", 445, "a 4,000-byte NBSS message of random bytes",
        [("smb", [PE])], tcp=(smb_garbage, None), host=a(9))
    add("smb-session-then-reset-on-tree-connect", "smb", 445,
        "grants every session, then resets the connection on TREE_CONNECT",
        [("smb", ["ok"]), ("smb/ports/445/sessions/anonymous", ["ok"]),
         ("smb/ports/445/sessions/anonymous/granted", "=null"), ("smb/ports/445/sessions/guest", ["ok"]),
         ("smb/ports/445/shares/0/name", "=IPC$"), ("smb/ports/445/shares/0", [R], "reset"),
         ("smb/ports/445/shares/1", [R], "reset")],
        tcp=(smb_session_then_reset, None), host=a(10))
    # TLS on 636 (implicit TLS).
    add("tls-silent", "tls", 636, "accepts and never speaks", [("tls/endpoints/0", [T])], tcp=(silent, None),
        host=a(20))
    add("tls-record-2^14+2048", "tls", 636, "a handshake record of 2^14+2048 bytes",
        [("tls/endpoints/0", [PE])], tcp=(tls_oversize, None), host=a(21))
    add("tls-version-never-offered", "tls", 636, "ServerHello with version 0x0307",
        [("tls/endpoints/0/versions/tls1.2", "=failed"),
         ("tls/endpoints/0/version_answers/tls1.2", "~newer than offered")], tcp=(tls_version_never_offered, None), host=a(22))
    add("tls-sslv2-lengths-past-end", "tls", 636, "SSLv2 SERVER-HELLO whose lengths run past the record",
        [("tls/endpoints/0", [PE])], tcp=(tls_ssl2_lengths, None), host=a(23))
    add("tls-alert-loop", "tls", 636, "warning alerts in a loop, never a ServerHello",
        [("tls/endpoints/0/versions/tls1.2", "=rejected"),
         ("tls/endpoints/0/version_answers/tls1.2", "~alert")], tcp=(tls_alert_loop, None), host=a(24))
    add("tls-drip", "tls", 636, "a ServerHello at one byte per second", [("tls/endpoints/0", [T])],
        tcp=(tls_drip, None), host=a(25))
    add("tls-reset-mid-reply", "tls", 636, "30 bytes of a ServerHello, then RST", [("tls/endpoints/0", [R, PE], "after 30 bytes")],
        tcp=(tls_reset_mid, None), host=a(26))
    # STARTTLS.
    add("smtp-starttls-never-answered", "tls", 25, "220, EHLO answered, STARTTLS never answered",
        [("tls/endpoints/0", [T])], tcp=(smtp, "silent"), host=a(30))
    add("smtp-starttls-tls-garbage", "tls", 25, "STARTTLS accepted, then garbage instead of TLS",
        [("tls/endpoints/0", [PE])], tcp=(smtp, "garbage"), host=a(31))
    add("smtp-endless-greeting", "tls", 25, "a 220- continuation greeting that never ends",
        [("tls/endpoints/0", [PE, T])], tcp=(smtp, "endless-greeting"), host=a(32))
    add("ldap-starttls-tls-garbage", "tls", 389, "StartTLS success, then garbage instead of TLS",
        [("tls/endpoints/0", [PE])], tcp=(ldap_starttls_garbage, None), host=a(33))
    # Kerberos on 88 (UDP and TCP).
    krb = lambda msg: (krb_tcp, lambda: framed(msg))  # noqa: E731
    add("krb-der-length-2^31", "kerberos", 88, "KRB-ERROR with nested DER lengths of 2^31",
        [("kerberos/transports/udp", [T], "not DER"), ("kerberos/transports/tcp", [PE])], tcp=krb(KRB_DER_2_31),
        udp=udp_reply(lambda d: KRB_DER_2_31), host=a(40))
    add("krb-indefinite-length", "kerberos", 88, "KRB-ERROR with BER indefinite lengths (DER forbids)",
        [("kerberos/transports/udp", [T], "indefinite"), ("kerberos/transports/tcp", [PE])], tcp=krb(KRB_INDEFINITE),
        udp=udp_reply(lambda d: KRB_INDEFINITE), host=a(41))
    add("krb-as-rep-wrong-msg-type", "kerberos", 88, "a real AS-REP whose msg-type says TGS-REP",
        [("kerberos/transports/udp", [PE]), ("kerberos/transports/tcp", [PE])],
        tcp=krb(as_rep_wrong_msg_type()), udp=udp_reply(lambda d: as_rep_wrong_msg_type()), host=a(42))
    add("krb-tcp-record-2^31-1", "kerberos", 88, "TCP record mark 0x7FFFFFFF (UDP silent)",
        [("kerberos/transports/udp", [T]), ("kerberos/transports/tcp", [PE])],
        tcp=(krb_tcp, lambda: b"\x7f\xff\xff\xff\x7e\x03"), udp=udp_reply(lambda d: None), host=a(43))
    add("krb-udp-junk-flood", "kerberos", 88, "20,000 junk datagrams to our reply port (TCP silent)",
        [("kerberos/transports/udp", [T], "ignored"), ("kerberos/transports/tcp", [T])], tcp=(silent, None),
        udp=udp_flood, host=a(44))
    kdc = {"etypes": list(KDC_ETYPES.values()), "junk_same_port": KRB_JUNK_SAME_PORT,
           "junk_other_port": KRB_JUNK_OTHER_PORT}
    add("krb-udp-junk-then-answer", "kerberos", 88,
        f"per AS-REQ {KRB_JUNK_OTHER_PORT} datagrams from another port, {KRB_JUNK_SAME_PORT} junk ones from 88, "
        f"then the real KRB-ERROR of a KDC that knows {', '.join(KDC_ETYPES.values())} only (no TCP)",
        [("kerberos/transports/udp", ["ok"]), ("kerberos/transports/tcp", ["refused"])] +
        [(f"kerberos/etypes/{n}", "=accepted") for n in KDC_ETYPES.values()],
        udp=krb_junk_then(True), host=a(45), kdc=kdc)
    add("krb-udp-only-junk", "kerberos", 88,
        f"per AS-REQ {KRB_JUNK_OTHER_PORT} datagrams from another port and {KRB_JUNK_SAME_PORT} junk ones from 88, "
        "never an answer (no TCP)",
        [("kerberos/transports/udp", [T], "ignored"), ("kerberos/transports/tcp", ["refused"])],
        udp=krb_junk_then(False), host=a(46), kdc=kdc)
    # CLDAP / LDAP on 389.
    add("cldap-10000-entries", "ldap", 389, "10,000 SearchResultEntry datagrams, never a Done",
        [("ldap/cldap", [T, PE])], udp=cldap_many, host=a(50))
    add("cldap-netlogon-pointer-loop", "ldap", 389, "netlogon value whose compressed names point at themselves",
        [("ldap/cldap", [PE])],
        udp=udp_reply(lambda d: ldap_entry(ldap_message_id(d), netlogon_pointer_loop()) +
                      ldap_done(ldap_message_id(d))), host=a(51))
    add("cldap-wrong-message-id", "ldap", 389, "a real-looking reply to a message id we never sent",
        [("ldap/cldap", [T])],
        udp=udp_reply(lambda d: ldap_entry(ldap_message_id(d) + 1, netlogon_pointer_loop()) +
                      ldap_done(ldap_message_id(d) + 1)), host=a(52))
    add("ldap-ber-length-2^31", "ldap", 389, "TCP LDAPMessage claiming 2^31 bytes",
        [("ldap/rootdse", [PE])], tcp=(ldap_huge_length, None), host=a(53))
    add("ldap-10000-entries", "ldap", 389, "TCP: 10,000 entries before the Done", [("ldap/rootdse", [PE, "ok"])],
        tcp=(ldap_many_entries, None), host=a(54))
    # NetBIOS on 137/138.
    add("nbns-255-names-in-20-bytes", "netbios", 137, "node status claiming 255 names in 20 bytes",
        [("netbios/node_status", [PE])], udp=udp_reply(nbns_255_names), host=a(60))
    add("nbns-wrong-transaction-id", "netbios", 137, "the real node status under another transaction ID",
        [("netbios/node_status", [T])], udp=udp_reply(nbns_wrong_trn_id), host=a(61))
    add("nbns-junk-flood", "netbios", 137, "20,000 junk datagrams to our reply port",
        [("netbios/node_status", [T, PE])], udp=udp_flood, host=a(62))
    add("nbdgm-reply-from-other-ip", "netbios", 138, "the real mailslot replies, sent from another address",
        [("netbios/sam_logon", [T])], udp=mailslot_from(a(163)), host=a(63),
        ports_arg="netbios:138", args=["--netbios-domain", "HOSTILE"])
    add("nbdgm-reply-control", "netbios", 138, "control: the same replies from the address asked (taken)",
        [("netbios/sam_logon", ["ok"])], udp=mailslot_from(None), host=a(64),
        ports_arg="netbios:138", args=["--netbios-domain", "HOSTILE"])
    # Every N: the real reply cut after N bytes, one address per N.
    add("smb-close-after-n", "smb", 445, "the real NEGOTIATE response cut after N bytes, then FIN",
        [("smb", [R, PE])], tcp=(smb_truncated, None), host=None,
        sweep=(sweep_net(net, 1), len(nbss(SMB2_NEGOTIATE))))
    add("krb-tcp-close-after-n", "kerberos", 88, "the real TCP KRB-ERROR cut after N bytes, then FIN",
        [("kerberos/transports/tcp", [R, PE])], tcp=(krb_tcp_truncated, None), host=None,
        sweep=(sweep_net(net, 3), len(KRB_ERROR_TCP)))
    add("tls-close-after-n", "tls", 636, "a ServerHello record cut after N bytes, then FIN",
        [("tls/endpoints/0", [R, PE])], tcp=(tls_truncated, None), host=None,
        sweep=(sweep_net(net, 5), len(tls_server_hello(b"\x03\x03", b"\x00\x2f"))))
    return b


def check_json(c):
    if isinstance(c[1], str):
        return {"path": c[0], ("equals" if c[1][0] == "=" else "contains"): c[1][1:]}
    d = {"path": c[0], "status": c[1]}
    if len(c) > 2:
        d["reason_contains"] = c[2]
    return d


def manifest(bs):
    out = []
    for b in bs:
        d = {"name": b.name, "probe": b.probe, "port": b.port, "ports": b.ports_arg, "what": b.what,
             "args": b.args, "checks": [check_json(c) for c in b.checks]}
        if b.kdc:
            d["kdc"] = b.kdc
        if b.sweep:
            d["sweep"] = {"first": str(b.sweep[0]), "last": str(b.sweep[0] + b.sweep[1] - 1), "count": b.sweep[1]}
        else:
            d["address"] = b.host
        out.append(d)
    return out


async def start(bs):
    loop = asyncio.get_running_loop()
    servers = []
    for b in bs:
        if b.sweep:
            base, n = b.sweep
            for i in range(n):
                servers.append(await asyncio.start_server(
                    lambda r, w, f=b.tcp[0], i=i: guard(f(r, w, i), w), str(base + i), b.port, reuse_address=True))
            continue
        if b.tcp:
            f, arg = b.tcp
            servers.append(await asyncio.start_server(lambda r, w, f=f, arg=arg: guard(f(r, w, arg), w), b.host,
                                                      b.port, reuse_address=True))
        if b.udp:
            await loop.create_datagram_endpoint(lambda h=b.udp: Udp(h, {}), local_addr=(b.host, b.port),
                                                reuse_port=False)
    return servers


async def guard(coro, writer):
    try:
        await coro
    except (asyncio.IncompleteReadError, ConnectionError, OSError):
        pass
    finally:
        writer.transport.abort() if not writer.is_closing() else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["list", "serve"])
    ap.add_argument("--net", default="127.0.10", help="first three octets of the behaviours' addresses")
    ap.add_argument("--only", default="", help="comma-separated behaviour names (default: all)")
    ap.add_argument("--ready", default="", help="file to create once every listener is bound")
    args = ap.parse_args()
    parts = args.net.split(".")
    if len(parts) != 3 or parts[0] != "127" or not all(p.isdigit() and int(p) < 250 for p in parts):
        ap.error("--net must be three octets inside 127.0.0.0/8, e.g. 127.0.10")
    bs = behaviours(args.net)
    if args.only:
        names = set(args.only.split(","))
        unknown = names - {b.name for b in bs}
        if unknown:
            ap.error("unknown behaviour(s): " + ", ".join(sorted(unknown)))
        bs = [b for b in bs if b.name in names]
    if args.command == "list":
        json.dump(manifest(bs), sys.stdout, indent=1)
        print()
        return

    async def run():
        servers = await start(bs)
        if args.ready:
            with open(args.ready, "w") as f:
                f.write(f"{os.getpid()}\n")
        await asyncio.gather(*(s.serve_forever() for s in servers))

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
