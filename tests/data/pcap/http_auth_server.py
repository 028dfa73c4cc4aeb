#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A minimal HTTP server that asks for NTLM or Negotiate authentication, so that a real client
(curl --ntlm, curl --negotiate) sends its tokens on a lab capture (scripts/make-captures).

  http_auth_server.py PORT

No Authorization: 401 with `WWW-Authenticate: Negotiate` and `WWW-Authenticate: NTLM`.
An NTLM NEGOTIATE_MESSAGE: 401 with an NTLM CHALLENGE_MESSAGE (ntlm_challenge.py), so the client
answers with its AUTHENTICATE_MESSAGE. Any other token (the AUTHENTICATE, a SPNEGO Kerberos AP-REQ): 200. The
tokens are not verified: the server is only there to make the client speak. Exits after
serving 20 requests or 30 s without one.
"""
import base64
import http.server
import struct
import sys

from ntlm_challenge import challenge


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if not auth:
            self.reply(401, [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM")])
            return
        blob = base64.b64decode(token or "")
        if scheme == "NTLM" and blob[8:12] == struct.pack("<I", 1):
            self.reply(401, [("WWW-Authenticate", "NTLM " + base64.b64encode(challenge()).decode())])
            return
        self.reply(200, [])

    def reply(self, code, headers):
        body = b"ok\n" if code == 200 else b"authentication required\n"
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.timeout = 30
    for _ in range(20):
        server.handle_request()


if __name__ == "__main__":
    main()
