// SPDX-License-Identifier: Apache-2.0
// HTTP (80, 8080, WinRM's 5985): the NTLM and Negotiate tokens a client sends in Authorization
// headers (RFC 4559 4.2, [MS-NTHT] 2.2.2), read as SMB and LDAP tokens are: the NTLM AUTHENTICATE's
// user, domain, workstation and version, a Kerberos AP-REQ's ticket and authenticator etypes (via
// "http"). The schemes a server asks for in WWW-Authenticate (RFC 7235 4.1) are server facts.
// Only the header blocks are read; bodies are skipped by Content-Length.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include "src/passive/handler.hpp"

namespace legacyscan::passive {

namespace {

// Kerberos tickets with a PAC make Negotiate headers of 10-20 KB; servers cap the header block
// near 64 KiB (IIS: MaxRequestBytes 16 KiB by default, 64 KiB at most for most front ends).
constexpr std::size_t kMaxHeaderBlock = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// RFC 4648 4 (padding optional); nullopt on any other character.
std::optional<Bytes> base64_decode(std::string_view s) {
  Bytes out;
  out.reserve(s.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : s) {
    int v;
    if (ch >= 'A' && ch <= 'Z')
      v = ch - 'A';
    else if (ch >= 'a' && ch <= 'z')
      v = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9')
      v = ch - '0' + 52;
    else if (ch == '+')
      v = 62;
    else if (ch == '/')
      v = 63;
    else if (ch == '=')
      break;
    else
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
    }
  }
  return out;
}

// The end of the header block (the offset just past CRLF CRLF), or 0.
std::size_t header_end(ByteView data) {
  const std::size_t n = std::min(data.size(), kMaxHeaderBlock);
  for (std::size_t i = 3; i < n; ++i)
    if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r') return i + 1;
  return 0;
}

bool starts_message(int dir, std::string_view head) {
  if (dir == 1) return head.starts_with("HTTP/1.");
  // A request line: a method token, a space ([A-Z]+ as every method in use is).
  std::size_t i = 0;
  while (i < head.size() && i < 16 && head[i] >= 'A' && head[i] <= 'Z') ++i;
  return i > 0 && i < head.size() && head[i] == ' ';
}

class HttpHandler : public Handler {
 public:
  explicit HttpHandler(ConnInfo ci) : ci_(std::move(ci)) {}

  Consume consume(int dir, ByteView data, std::int64_t ts) override {
    Consume c;
    const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    if (data.size() >= 8 && !starts_message(dir, text.substr(0, 24))) return c.stop = true, c;
    const std::size_t end = header_end(data);
    if (end == 0) {
      if (data.size() >= kMaxHeaderBlock) return c.stop = true, c;
      return c.need_more = true, c;
    }
    Message m = headers(dir, text.substr(0, end), ts);
    if (m.chunked) return c.stop = true, c;  // the next message's start is not known without the chunks
    c.consumed = end;
    c.skip = m.body;
    return c;
  }

 private:
  struct Message {
    std::size_t body = 0;
    bool chunked = false;
  };

  Message headers(int dir, std::string_view block, std::int64_t ts) {
    Message m;
    bool no_body = false;  // RFC 9112 6.3: 1xx, 204 and 304 responses have none
    std::size_t pos = 0;
    for (bool first = true; pos < block.size(); first = false) {
      std::size_t eol = block.find("\r\n", pos);
      if (eol == std::string_view::npos) eol = block.size();
      const std::string_view line = block.substr(pos, eol - pos);
      pos = eol + 2;
      if (first) {
        if (dir == 1 && line.size() >= 12)
          no_body = line[9] == '1' || line.substr(9, 3) == "204" || line.substr(9, 3) == "304";
        continue;
      }
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view name = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
      if (iequals(name, "content-length")) {
        std::size_t n = 0;
        for (char ch : value) {
          if (ch < '0' || ch > '9' || n > (std::size_t{1} << 40)) break;
          n = n * 10 + static_cast<std::size_t>(ch - '0');
        }
        m.body = n;
      } else if (iequals(name, "transfer-encoding")) {
        m.chunked = value.find("chunked") != std::string_view::npos;
      } else if (dir == 0 && iequals(name, "authorization")) {
        authorization(value, ts);
      } else if (dir == 1 && iequals(name, "www-authenticate")) {
        challenge(value, ts);
      }
    }
    if (no_body) m = Message{};
    return m;
  }

  // "NTLM <base64>" or "Negotiate <base64>": an NTLMSSP message, a SPNEGO token or a bare GSS-API
  // Kerberos token, as in SMB SESSION_SETUP.
  void authorization(std::string_view value, std::int64_t ts) {
    const std::size_t sp = value.find(' ');
    if (sp == std::string_view::npos) return;
    const std::string_view scheme = value.substr(0, sp);
    if (!iequals(scheme, "NTLM") && !iequals(scheme, "Negotiate")) return;
    auto blob = base64_decode(trim(value.substr(sp + 1)));
    if (!blob || blob->empty()) return void(++ci_.stats->decode_errors);
    (void)auth_from_blob(ci_, *blob, "http", ts);
  }

  // The schemes the server asks for (a 401 offering only NTLM refuses Kerberos), kept per server.
  void challenge(std::string_view value, std::int64_t ts) {
    const std::string_view scheme = value.substr(0, value.find(' '));
    for (const char* s : {"NTLM", "Negotiate", "Basic", "Digest", "Kerberos"}) {
      if (!iequals(scheme, s)) continue;
      ServerSummary& sv = ci_.report->servers[ci_.server];
      if (sv.name.empty()) sv.name = ci_.server;
      sv.facts.hit(std::string("HTTP WWW-Authenticate ") + s, ts);
      return;
    }
  }

  ConnInfo ci_;
};

}  // namespace

std::unique_ptr<Handler> make_http_handler(ConnInfo ci) { return std::make_unique<HttpHandler>(std::move(ci)); }

}  // namespace legacyscan::passive
