#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A stub LDAP server that accepts "Sicily" NTLM binds ([MS-ADTS] 5.1.1.1.3), so that a real client
(python3-ldap3 with authentication=NTLM) goes through all three binds on a lab capture: Samba does not
implement Sicily and ends the session after the package discovery (scripts/make-captures).

  sicily_server.py ADDRESS PORT

BindRequest with sicilyPackageDiscovery [9]: success, "NTLM" in matchedDN (where Windows puts the
package list and the challenge, and ldap3 reads them); sicilyNegotiate [10]: success with an NTLM
CHALLENGE_MESSAGE (ntlm_challenge.py) in matchedDN;
sicilyResponse [11]: success; an UnbindRequest or a closed connection ends the connection. Nothing is
verified. Serves one connection, or gives up after 30 s.
"""
import socket
import sys

from ntlm_challenge import challenge


def ber_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, value):
    return bytes([tag]) + ber_len(len(value)) + value


def read_len(buf, i):
    n = buf[i]
    if n < 0x80:
        return n, i + 1
    k = n & 0x7F
    return int.from_bytes(buf[i + 1:i + 1 + k], "big"), i + 1 + k


def read_message(conn, buf):
    while True:
        if len(buf) >= 2:
            n, at = read_len(buf, 1)
            if len(buf) >= at + n:
                return buf[:at + n], buf[at + n:]
        data = conn.recv(65536)
        if not data:
            return None, buf
        buf += data


def bind_response(msg_id, creds):
    body = tlv(0x0A, b"\0") + tlv(0x04, creds) + tlv(0x04, b"")
    return tlv(0x30, tlv(0x02, msg_id) + tlv(0x61, body))


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((sys.argv[1], int(sys.argv[2])))
    srv.listen(1)
    srv.settimeout(30)
    conn, _ = srv.accept()
    buf = b""
    while True:
        msg, buf = read_message(conn, buf)
        if msg is None:
            break
        _, i = read_len(msg, 1)          # LDAPMessage SEQUENCE
        id_len, j = read_len(msg, i + 1)  # messageID INTEGER
        msg_id = msg[j:j + id_len]
        op = msg[j + id_len]
        if op != 0x60:  # not a BindRequest (an UnbindRequest): done
            break
        _, k = read_len(msg, j + id_len + 1)
        v_len, k = read_len(msg, k + 1)    # version
        k += v_len
        n_len, k = read_len(msg, k + 1)    # name
        choice = msg[k + n_len] & 0x1F
        creds = {9: b"NTLM", 10: challenge()}.get(choice, b"")
        conn.sendall(bind_response(msg_id, creds))
    conn.close()


if __name__ == "__main__":
    main()
