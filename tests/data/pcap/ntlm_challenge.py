# SPDX-License-Identifier: Apache-2.0
"""An NTLM CHALLENGE_MESSAGE ([MS-NLMP] 2.2.1.2) for the lab's stub servers (http_auth_server.py,
sicily_server.py): a random server challenge, NTLMSSP_NEGOTIATE_UNICODE|NTLM|EXTENDED_SESSIONSECURITY|
TARGET_INFO|VERSION|128|56 and a target info of MsvAvNbDomainName, MsvAvNbComputerName and MsvAvEOL,
enough for a real client to answer with its AUTHENTICATE_MESSAGE."""
import os
import struct

FLAGS = 0x00000001 | 0x00000200 | 0x00080000 | 0x00800000 | 0x02000000 | 0x20000000 | 0x80000000


def av(av_id, value):
    return struct.pack("<HH", av_id, len(value)) + value


def challenge(domain="LEGACY", computer="STUBSRV"):
    target = domain.encode("utf-16-le")
    info = av(2, target) + av(1, computer.encode("utf-16-le")) + av(0, b"")
    header_len = 56
    msg = b"NTLMSSP\0" + struct.pack("<I", 2)
    msg += struct.pack("<HHI", len(target), len(target), header_len)
    msg += struct.pack("<I", FLAGS) + os.urandom(8) + b"\0" * 8
    msg += struct.pack("<HHI", len(info), len(info), header_len + len(target))
    msg += bytes([6, 1, 0, 0, 0, 0, 0, 15])  # version 6.1, NTLMSSP_REVISION_W2K3
    return msg + target + info
