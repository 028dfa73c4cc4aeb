#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seed corpora of the passive-mode fuzz targets, cut from the lab captures in this directory.

  tests/data/pcap/extract_seeds.py [CORPUS_DIR]      (default tests/fuzz/corpus)

Called by scripts/make-captures after it records the captures. Each capture is classic pcap over
Linux loopback (Ethernet framing), in order and without loss, so streams are the concatenated
payloads of each direction.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "fuzz", "corpus")


def packets(path):
    data = open(path, "rb").read()
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack("<IIII", data[off:off + 16])
        yield data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def l4(frame):
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    proto, total = ip[9], struct.unpack(">H", ip[2:4])[0]
    seg = ip[ihl:total]
    if proto == 6:
        sport, dport = struct.unpack(">HH", seg[:4])
        return "tcp", sport, dport, seg[(seg[12] >> 4) * 4:]
    if proto == 17:
        sport, dport = struct.unpack(">HH", seg[:4])
        return "udp", sport, dport, seg[8:]
    return None


def streams(path, server_port):
    """(client->server bytes, server->client bytes) of every TCP flow to server_port, and UDP datagrams."""
    flows, datagrams = {}, []
    for frame in packets(path):
        p = l4(frame)
        if not p:
            continue
        kind, sport, dport, payload = p
        if kind == "udp":
            datagrams.append((dport == server_port, payload))
            continue
        if server_port not in (sport, dport) or not payload:
            continue
        client = sport if dport == server_port else dport
        f = flows.setdefault(client, [b"", b""])
        f[0 if dport == server_port else 1] += payload
    return list(flows.values()), datagrams


def streams_any(path):
    """(client->server bytes, server->client bytes) of every TCP flow, the client being the SYN sender."""
    flows, clients = {}, set()
    for frame in packets(path):
        p = l4(frame)
        if not p or p[0] != "tcp":
            continue
        _, sport, dport, payload = p
        ip = frame[14:]
        flags = ip[(ip[0] & 15) * 4 + 13]
        if flags & 0x12 == 0x02:
            clients.add(sport)
        if not payload:
            continue
        client = sport if sport in clients else dport
        f = flows.setdefault((client, sport ^ dport), [b"", b""])
        f[0 if sport == client else 1] += payload
    return list(flows.values())


def ber_len(n):
    return bytes([n]) if n < 0x80 else b"\x82" + n.to_bytes(2, "big")


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def cap(name):
    return os.path.join(HERE, name + ".pcap")


def main():
    # Whole captures for the pcap path, and single frames (link type 1 prefix byte 0) for the packet decoder.
    for name in ("smb1", "smb3", "kinit-rc4", "kinit-udp", "tls10", "ldap-simple", "ldap-sasl", "netbios", "cldap", "starttls",
                 "smb311-unsigned", "smb300-unsigned", "nbstat", "tls-hrr-alert", "ldap-sicily", "rpc-ntlm", "smb-kerberos", "rdp-tls", "rpc-kerberos",
                 "rpc-smb1", "http-auth", "ldap-sicily-ntlm"):
        write("fuzz_passive_pcap", name + ".pcap", open(cap(name), "rb").read())
        for i, frame in enumerate(list(packets(cap(name)))[:4]):
            write("fuzz_passive_packet", f"{name}_{i}", b"\x00" + frame)
    # The multi-interface pcapng, for the pcap path and the pcapng block walker.
    multi = open(os.path.join(HERE, "multi-interface.pcapng"), "rb").read()
    write("fuzz_passive_pcap", "multi-interface.pcapng", multi)
    write("fuzz_passive_pcapng", "multi-interface.pcapng", multi)
    # A segment as captured before TCP segmentation offload: IPv4 total length 0.
    for frame in packets(cap("kinit-rc4")):
        p = l4(frame)
        if p and p[0] == "tcp" and len(p[3]) > 100:
            write("fuzz_passive_packet", "tso_zero_length", b"\x00" + frame[:16] + b"\x00\x00" + frame[18:])
            break
    # ClientHello bodies (selector byte 0) and an SSLv2-compatible hello built from one (selector 1).
    for name in ("tls10", "tls12"):
        flows, _ = streams(cap(name), 636)
        c2s = flows[0][0]
        body = c2s[5 + 4:5 + 4 + int.from_bytes(c2s[6:9], "big")]
        write("fuzz_passive_client_hello", name + "_client_hello", b"\x00" + body)
    suites = b"".join(b"\x00" + s.to_bytes(2, "big") for s in (0x2F, 0x35, 0x0A))
    v2 = b"\x01\x03\x01" + struct.pack(">HHH", len(suites), 0, 16) + suites + b"\x11" * 16
    write("fuzz_passive_client_hello", "sslv2_compatible", b"\x01" + struct.pack(">H", 0x8000 | len(v2)) + v2)
    # Kerberos messages over TCP (4-byte record mark).
    for name in ("kinit-rc4", "kinit-aes"):
        flows, _ = streams(cap(name), 88)
        for i, (c2s, s2c) in enumerate(flows):
            for d, stream in (("req", c2s), ("rep", s2c)):
                if len(stream) > 4:
                    n = int.from_bytes(stream[:4], "big")
                    write("fuzz_passive_kerberos", f"{name}_{i}_{d}", stream[4:4 + n])
    # LDAP requests: the first client message of each flow, and the CLDAP pings.
    for name, port in (("ldap-simple", 389), ("ldap-sasl", 389), ("ldap-sicily", 389), ("ldap-sicily-ntlm", 389)):
        flows, _ = streams(cap(name), port)
        for i, (c2s, _) in enumerate(flows):
            if c2s[:1] == b"\x30":
                n = c2s[1] if c2s[1] < 0x80 else int.from_bytes(c2s[2:2 + (c2s[1] & 0x7F)], "big") + (c2s[1] & 0x7F)
                write("fuzz_passive_ldap_request", f"{name}_{i}", c2s[:2 + n])
    _, datagrams = streams(cap("cldap"), 389)
    for i, (to_server, d) in enumerate(datagrams):
        if to_server:
            write("fuzz_passive_ldap_request", f"cldap_{i}", d)
    # NTLMSSP AUTHENTICATE messages inside the SMB session setups.
    for name in ("smb1", "smb3"):
        flows, _ = streams(cap(name), 445)
        for c2s, _ in flows:
            at = c2s.find(b"NTLMSSP\x00\x03\x00\x00\x00")
            if at >= 0:
                write("fuzz_passive_ntlm_authenticate", name + "_authenticate", c2s[at:at + 1024])
    # Sicily NEGOTIATE [10] and AUTHENTICATE [11] binds around the lab client's NTLM tokens (the lab's
    # Samba ends a Sicily exchange after the package discovery, so no capture carries them).
    flows, _ = streams(cap("smb3"), 445)
    for kind, choice in ((1, 0x8A), (3, 0x8B)):
        at = flows[0][0].find(b"NTLMSSP\x00" + bytes([kind, 0, 0, 0]))
        if at >= 0:
            token = flows[0][0][at:at + 1024]
            bind = b"\x02\x01\x03\x04\x00" + bytes([choice]) + ber_len(len(token)) + token
            op = b"\x60" + ber_len(len(bind)) + bind
            msg = b"\x02\x01\x02" + op
            write("fuzz_passive_ldap_request", f"sicily_{choice - 0x80}", b"\x30" + ber_len(len(msg)) + msg)
    # GSS-API Kerberos tokens (AP-REQ) inside SMB SESSION_SETUP and LDAP SASL binds.
    oid = b"\x06\x09\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x01\x00"
    for name, port in (("smb-kerberos", 445), ("ldap-sasl", 389)):
        flows, _ = streams(cap(name), port)
        for i, (c2s, _) in enumerate(flows):
            at = c2s.find(oid)
            if at >= 4 and c2s[at - 4] == 0x60 and c2s[at - 3] == 0x82:
                start, n = at - 4, int.from_bytes(c2s[at - 2:at], "big") + 4
            elif at >= 2 and c2s[at - 2] == 0x60:
                start, n = at - 2, c2s[at - 1] + 2
            else:
                continue
            write("fuzz_passive_gss_ap_req", f"{name}_{i}", c2s[start:start + n])
    # DCE-RPC bind / alter_context / rpc_auth_3 PDUs of rpcclient, over TCP and inside SMB pipe writes.
    # A bind with auth_type 16 carries a bare AP-REQ: a seed of the AP-REQ decoder too.
    for name in ("rpc-ntlm", "rpc-kerberos"):
        n = 0
        c2s = b"".join(f[0] for f in streams_any(cap(name)))
        for at in range(len(c2s) - 10):
            if c2s[at:at + 2] == b"\x05\x00" and c2s[at + 2] in (11, 14, 16) and c2s[at + 4] == 0x10:
                frag = int.from_bytes(c2s[at + 8:at + 10], "little")
                auth = int.from_bytes(c2s[at + 10:at + 12], "little")
                if 16 <= frag <= len(c2s) - at:
                    pdu = c2s[at:at + frag]
                    write("fuzz_passive_dcerpc_pdu", f"{name}_{n}", pdu)
                    if auth and pdu[frag - auth - 8] == 16:
                        write("fuzz_passive_gss_ap_req", f"{name}_ap_req_{n}", pdu[frag - auth:])
                    n += 1
    # SMB1 SESSION_SETUP_ANDX without extended security (WordCount 13), as pre-NTLMSSP clients send
    # it ([MS-CIFS] 2.2.4.53.1): built here, since no lab client sends one by default.
    hdr = b"\xffSMB\x73" + b"\x00" * 4 + b"\x18" + struct.pack("<H", 0xC001) + b"\x00" * 12 + b"\xff\xff\xfe\xff\x00\x00\x01\x00"
    words = b"\x0d\xff\x00\x00\x00" + struct.pack("<HHHIHHII", 0xFFFF, 2, 0, 0, 24, 24, 0, 0xD4)
    data = b"\x11" * 24 + b"\x22" * 24 + b"\x00" + "USER".encode("utf-16le") + b"\0\0" + "DOM".encode("utf-16le") + b"\0\0"
    write("fuzz_passive_smb1_session_setup", "nt_lm_0_12_ntlmv1", hdr + words + struct.pack("<H", len(data)) + data)
    # The event exports of tests/data/events seed the events reader.
    events = os.path.join(HERE, "..", "events")
    for name in sorted(os.listdir(events)):
        write("fuzz_passive_events", name, open(os.path.join(events, name), "rb").read())
    print("seeds written to", os.path.abspath(OUT))


if __name__ == "__main__":
    main()
