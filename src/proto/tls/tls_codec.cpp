// SPDX-License-Identifier: Apache-2.0
#include "src/proto/tls/tls_codec.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "src/proto/tls/tls_cipher_suites.hpp"

namespace legacyscan::tls {

namespace {

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

// RFC 5246 6.2.1: TLSPlaintext.length MUST NOT exceed 2^14; RFC 8446 5.2 allows 2^14 + 256 for
// protected records. A larger length is not TLS.
constexpr std::size_t kMaxRecord = (1u << 14) + 2048;
// A whole first flight (ServerHello .. ServerHelloDone) rarely exceeds a few KiB; cap what we buffer.
constexpr std::size_t kMaxFlight = 256 * 1024;
constexpr std::size_t kMaxCertificates = 32;

}  // namespace

std::string version_name(std::uint16_t v) {
  switch (v) {
    case SSL2_VERSION: return "SSL 2.0";
    case SSL3_VERSION: return "SSL 3.0";
    case TLS1_VERSION: return "TLS 1.0";
    case TLS1_1_VERSION: return "TLS 1.1";
    case TLS1_2_VERSION: return "TLS 1.2";
    case TLS1_3_VERSION: return "TLS 1.3";
    default: return hex16(v);
  }
}

std::string version_key(std::uint16_t v) {
  switch (v) {
    case SSL2_VERSION: return "ssl2";
    case SSL3_VERSION: return "ssl3";
    case TLS1_VERSION: return "tls1.0";
    case TLS1_1_VERSION: return "tls1.1";
    case TLS1_2_VERSION: return "tls1.2";
    case TLS1_3_VERSION: return "tls1.3";
    default: return hex16(v);
  }
}

namespace {
struct GroupInfo {
  std::uint16_t id;
  const char* name;
  int bits;
};
// RFC 8422 5.1.1 (incl. the deprecated RFC 4492 curves), RFC 7027, RFC 7919, RFC 8446 4.2.7,
// draft-ietf-tls-ecdhe-mlkem.
constexpr GroupInfo kGroups[] = {
    {0x0001, "sect163k1", 163},       {0x0002, "sect163r1", 163},       {0x0003, "sect163r2", 163},
    {0x0004, "sect193r1", 193},       {0x0005, "sect193r2", 193},       {0x0006, "sect233k1", 233},
    {0x0007, "sect233r1", 233},       {0x0008, "sect239k1", 239},       {0x0009, "sect283k1", 283},
    {0x000A, "sect283r1", 283},       {0x000B, "sect409k1", 409},       {0x000C, "sect409r1", 409},
    {0x000D, "sect571k1", 571},       {0x000E, "sect571r1", 571},       {0x000F, "secp160k1", 160},
    {0x0010, "secp160r1", 160},       {0x0011, "secp160r2", 160},       {0x0012, "secp192k1", 192},
    {0x0013, "secp192r1", 192},       {0x0014, "secp224k1", 224},       {0x0015, "secp224r1", 224},
    {0x0016, "secp256k1", 256},       {0x0017, "secp256r1", 256},       {0x0018, "secp384r1", 384},
    {0x0019, "secp521r1", 521},       {0x001A, "brainpoolP256r1", 256}, {0x001B, "brainpoolP384r1", 384},
    {0x001C, "brainpoolP512r1", 512}, {0x001D, "x25519", 253},          {0x001E, "x448", 448},
    {0x0100, "ffdhe2048", 2048},      {0x0101, "ffdhe3072", 3072},      {0x0102, "ffdhe4096", 4096},
    {0x0103, "ffdhe6144", 6144},      {0x0104, "ffdhe8192", 8192},      {0x11EC, "X25519MLKEM768", 253},
};
}  // namespace

std::string group_name(std::uint16_t g) {
  for (const auto& i : kGroups)
    if (i.id == g) return i.name;
  return hex16(g);
}

int group_bits(std::uint16_t g) {
  for (const auto& i : kGroups)
    if (i.id == g) return i.bits;
  return 0;
}

const std::vector<std::uint16_t>& all_groups() {
  // Modern first: a server that honours the client's order picks a strong group.
  static const std::vector<std::uint16_t> v = [] {
    std::vector<std::uint16_t> out{GROUP_X25519, GROUP_SECP256R1, GROUP_X448, GROUP_SECP521R1, GROUP_SECP384R1};
    for (const auto& i : kGroups)
      if (std::find(out.begin(), out.end(), i.id) == out.end() && i.id != GROUP_X25519MLKEM768) out.push_back(i.id);
    return out;
  }();
  return v;
}

std::string alert_name(std::uint8_t d) {
  switch (d) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 21: return "decryption_failed";
    case 22: return "record_overflow";
    case 30: return "decompression_failure";
    case 40: return "handshake_failure";
    case 41: return "no_certificate";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 60: return "export_restriction";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 112: return "unrecognized_name";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return std::to_string(d);
  }
}

// ---- ClientHello -----------------------------------------------------------------------------------

Decoded<Bytes> encode_client_hello(const ClientHelloOffer& o) {
  if (o.cipher_suites.size() > 32767) return Decoded<Bytes>::fail("ClientHello: too many cipher suites");
  if (o.session_id.size() > 32) return Decoded<Bytes>::fail("ClientHello: session_id longer than 32 bytes");
  if (o.compression_methods.empty() || o.compression_methods.size() > 255)
    return Decoded<Bytes>::fail("ClientHello: 1..255 compression methods");
  if (o.server_name && (o.server_name->empty() || o.server_name->size() > 255))
    return Decoded<Bytes>::fail("ClientHello: server_name must be 1..255 bytes");

  Writer w;
  w.u8(HANDSHAKE);
  w.u16be(o.record_version);
  w.u16be_prefixed([&](Writer& rec) {
    rec.u8(CLIENT_HELLO);
    rec.u24be_prefixed([&](Writer& h) {
      h.u16be(o.legacy_version);
      h.bytes(ByteView(o.random));
      h.u8_prefixed([&](Writer& s) { s.bytes(o.session_id); });
      h.u16be_prefixed([&](Writer& s) {
        for (auto c : o.cipher_suites) s.u16be(c);
      });
      h.u8_prefixed([&](Writer& s) {
        for (auto c : o.compression_methods) s.u8(c);
      });
      if (!o.send_extensions) return;
      h.u16be_prefixed([&](Writer& exts) {
        auto ext = [&](std::uint16_t type, auto&& body) {
          exts.u16be(type);
          exts.u16be_prefixed(body);
        };
        if (o.server_name)  // RFC 6066 3: ServerNameList of one host_name(0)
          ext(EXT_SERVER_NAME, [&](Writer& e) {
            e.u16be_prefixed([&](Writer& l) {
              l.u8(0);
              l.u16be_prefixed([&](Writer& n) { n.bytes(*o.server_name); });
            });
          });
        if (o.supported_groups)
          ext(EXT_SUPPORTED_GROUPS, [&](Writer& e) {
            e.u16be_prefixed([&](Writer& l) {
              for (auto g : *o.supported_groups) l.u16be(g);
            });
          });
        if (o.ec_point_formats)  // RFC 8422 5.1.2: uncompressed, ansiX962_compressed_prime, _char2
          ext(EXT_EC_POINT_FORMATS, [&](Writer& e) {
            e.u8_prefixed([&](Writer& l) {
              l.u8(0);
              l.u8(1);
              l.u8(2);
            });
          });
        if (o.signature_algorithms)
          ext(EXT_SIGNATURE_ALGORITHMS, [&](Writer& e) {
            e.u16be_prefixed([&](Writer& l) {
              for (auto a : *o.signature_algorithms) l.u16be(a);
            });
          });
        if (o.extended_master_secret) ext(EXT_EXTENDED_MASTER_SECRET, [](Writer&) {});
        if (o.supported_versions)
          ext(EXT_SUPPORTED_VERSIONS, [&](Writer& e) {
            e.u8_prefixed([&](Writer& l) {
              for (auto v : *o.supported_versions) l.u16be(v);
            });
          });
        if (o.psk_dhe_ke)
          ext(EXT_PSK_KEY_EXCHANGE_MODES, [&](Writer& e) { e.u8_prefixed([&](Writer& l) { l.u8(1); }); });
        if (o.key_shares)
          ext(EXT_KEY_SHARE, [&](Writer& e) {
            e.u16be_prefixed([&](Writer& l) {
              for (const auto& ks : *o.key_shares) {
                l.u16be(ks.group);
                l.u16be_prefixed([&](Writer& k) { k.bytes(ks.key_exchange); });
              }
            });
          });
        for (const auto& x : o.extra) ext(x.type, [&](Writer& e) { e.bytes(x.data); });
        if (o.renegotiation_info)  // last: some old servers only look for it at the end
          ext(EXT_RENEGOTIATION_INFO, [&](Writer& e) { e.u8(0); });
      });
    });
  });
  // The record length covers the handshake message; a hello that needs more than one record is
  // something no scanner offer needs.
  if (w.size() - 5 > (1u << 14)) return Decoded<Bytes>::fail("ClientHello larger than one record (2^14 bytes)");
  return Decoded<Bytes>::ok(w.take());
}

Decoded<Bytes> encode_ssl2_client_hello(const Ssl2ClientHelloOffer& o) {
  if (o.challenge.size() < 16 || o.challenge.size() > 32)
    return Decoded<Bytes>::fail("SSL 2.0 CLIENT-HELLO: challenge must be 16..32 bytes");
  if (o.session_id.size() != 0 && o.session_id.size() != 16)
    return Decoded<Bytes>::fail("SSL 2.0 CLIENT-HELLO: session id must be 0 or 16 bytes");
  Writer body;
  body.u8(1);  // MSG-CLIENT-HELLO
  body.u16be(o.version);
  body.u16be(static_cast<std::uint16_t>(o.cipher_specs.size() * 3));
  body.u16be(static_cast<std::uint16_t>(o.session_id.size()));
  body.u16be(static_cast<std::uint16_t>(o.challenge.size()));
  for (auto c : o.cipher_specs) body.u24be(c);
  body.bytes(o.session_id);
  body.bytes(o.challenge);
  if (body.size() > 0x7fff) return Decoded<Bytes>::fail("SSL 2.0 CLIENT-HELLO too long");
  Writer w;
  // Two-byte header without padding: high bit set, 15-bit length (appendix A / 1.2).
  w.u16be(static_cast<std::uint16_t>(0x8000 | body.size()));
  w.bytes(body.view());
  return Decoded<Bytes>::ok(w.take());
}

Bytes x25519_public_value() {
  // RFC 7748 6.1: Alice's public key of the test vector, a valid curve point.
  static const Bytes v = [] {
    Bytes b;
    from_hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", b);
    return b;
  }();
  return v;
}

ClientHelloOffer compact_offer(ClientHelloOffer o) {
  if (o.supported_groups && o.supported_groups->size() > 3) {
    std::vector<std::uint16_t> keep;
    for (auto g : {GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1})
      if (std::find(o.supported_groups->begin(), o.supported_groups->end(), g) != o.supported_groups->end())
        keep.push_back(g);
    if (keep.empty()) keep.assign(o.supported_groups->begin(), o.supported_groups->begin() + 3);
    o.supported_groups = std::move(keep);
  }
  if (o.signature_algorithms && o.signature_algorithms->size() > 7)
    o.signature_algorithms = std::vector<std::uint16_t>{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0201};
  const auto is_scsv = [](std::uint16_t s) { return s == TLS_EMPTY_RENEGOTIATION_INFO_SCSV || s == TLS_FALLBACK_SCSV; };
  for (;;) {
    auto bytes = encode_client_hello(o);
    if (bytes && bytes.value->size() <= kCompactHelloMax) break;
    // Drop the last suite that is not an SCSV; stop when only those are left.
    auto it = std::find_if_not(o.cipher_suites.rbegin(), o.cipher_suites.rend(), is_scsv);
    if (it == o.cipher_suites.rend()) break;
    o.cipher_suites.erase(std::next(it).base());
  }
  return o;
}

std::vector<std::uint16_t> common_suites(std::uint16_t version) {
  if (version == TLS1_3_VERSION) return {0x1301, 0x1302, 0x1303, 0x1304, 0x1305};
  // ECDHE/DHE/RSA with AES, ChaCha20, 3DES, RC4, then the export and DES ones SSL 3.0 servers keep.
  std::vector<std::uint16_t> cbc{0xC013, 0xC014, 0xC009, 0xC00A, 0x0033, 0x0039, 0x002F, 0x0035, 0xC012, 0x0016,
                                 0x000A, 0xC011, 0x0005, 0x0004, 0x0015, 0x0009, 0x0003, 0x0008, 0x0014, 0x0006};
  if (version < TLS1_2_VERSION) return cbc;
  std::vector<std::uint16_t> v{0xC02F, 0xC030, 0xC02B, 0xC02C, 0xCCA8, 0xCCA9, 0x009E, 0x009F, 0xCCAA, 0x009C,
                               0x009D, 0xC027, 0xC028, 0xC023, 0xC024, 0x0067, 0x006B, 0x003C, 0x003D};
  v.insert(v.end(), cbc.begin(), cbc.end());
  return v;
}

ClientHelloOffer default_offer(std::uint16_t version, std::vector<std::uint16_t> suites,
                               const std::optional<std::string>& sni) {
  ClientHelloOffer o;
  // A fixed "random": reproducible scans and golden bytes. Nothing secret rides on it.
  for (std::size_t i = 0; i < o.random.size(); ++i) o.random[i] = static_cast<std::uint8_t>(0x4c ^ (i * 13));
  o.cipher_suites = std::move(suites);
  if (version == SSL3_VERSION) {
    // SSL 3.0 has no extensions; secure renegotiation is signalled by the SCSV (RFC 5746 3.3).
    o.record_version = SSL3_VERSION;
    o.legacy_version = SSL3_VERSION;
    o.send_extensions = false;
    o.cipher_suites.push_back(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    return o;
  }
  o.record_version = TLS1_VERSION;  // what real clients put on the first record
  o.legacy_version = std::min<std::uint16_t>(version, TLS1_2_VERSION);
  o.server_name = sni;
  o.supported_groups = all_groups();
  o.ec_point_formats = true;
  o.renegotiation_info = true;
  if (version >= TLS1_2_VERSION) {
    // RFC 8446 4.2.3 SignatureScheme values, newest first, then the TLS 1.2 SHA-1/MD5 pairs.
    o.signature_algorithms = std::vector<std::uint16_t>{0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805,
                                                        0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302,
                                                        0x0203, 0x0201, 0x0202, 0x0402, 0x0502, 0x0602, 0x0101};
  }
  if (version == TLS1_3_VERSION) {
    o.session_id.assign(32, 0x5a);  // RFC 8446 D.4 middlebox compatibility
    o.supported_versions = std::vector<std::uint16_t>{TLS1_3_VERSION};
    o.supported_groups =
        std::vector<std::uint16_t>{GROUP_X25519, GROUP_SECP256R1, GROUP_SECP384R1, GROUP_SECP521R1, GROUP_X448,
                                   0x0100,       0x0101,          0x0102,          0x0103,          0x0104};
    o.key_shares = std::vector<KeyShareEntry>{{GROUP_X25519, x25519_public_value()}};
    o.psk_dhe_ke = true;
    o.ec_point_formats = false;
    o.renegotiation_info = false;
  }
  return o;
}

// ---- Records ---------------------------------------------------------------------------------------

Framing classify_reply(ByteView d) {
  if (d.empty()) return Framing::need_more;
  const std::uint8_t t = d[0];
  if (t >= CHANGE_CIPHER_SPEC && t <= APPLICATION_DATA) {
    if (d.size() < 3) return Framing::need_more;
    // Major version 3, minor 0..4 (servers answer with 3.x; anything else is not TLS).
    if (d[1] == 3 && d[2] <= 4) return Framing::tls_record;
    return Framing::not_tls;
  }
  if (t & 0x80) {
    // SSL 2.0 two-byte header; the message type follows: 4 SERVER-HELLO, 0 ERROR.
    if (d.size() < 3) return Framing::need_more;
    if (d[2] == 4 || d[2] == 0) return Framing::ssl2;
  }
  return Framing::not_tls;
}

Decoded<RecordRead> read_record(ByteView data) {
  Reader r(data);
  std::uint8_t type = 0;
  std::uint16_t version = 0, length = 0;
  RecordRead out;
  if (!r.u8(type) || !r.u16be(version) || !r.u16be(length)) {
    out.need_more = true;
    return Decoded<RecordRead>::ok(out);
  }
  if (type < CHANGE_CIPHER_SPEC || type > APPLICATION_DATA)
    return Decoded<RecordRead>::fail("record: unknown ContentType " + std::to_string(type));
  if ((version >> 8) != 3 || (version & 0xff) > 4)
    return Decoded<RecordRead>::fail("record: version " + hex16(version) + " is not SSL 3.0/TLS");
  if (length > kMaxRecord)
    return Decoded<RecordRead>::fail("record: length " + std::to_string(length) + " exceeds 2^14 + 2048");
  if (length == 0 && type != APPLICATION_DATA)
    return Decoded<RecordRead>::fail("record: empty fragment of type " + std::to_string(type));  // RFC 5246 6.2.1
  ByteView frag;
  if (!r.bytes(length, frag)) {
    out.need_more = true;
    return Decoded<RecordRead>::ok(out);
  }
  out.record = TlsRecord{type, version, frag};
  out.consumed = 5 + length;
  return Decoded<RecordRead>::ok(out);
}

Decoded<HandshakeSplit> split_handshake(ByteView payload) {
  HandshakeSplit out;
  Reader r(payload);
  while (!r.empty()) {
    Reader copy = r;
    std::uint8_t type = 0;
    Reader body;
    if (!copy.u8(type)) break;
    std::uint32_t len = 0;
    {
      Reader peek = copy;
      if (!peek.u24be(len)) break;  // header incomplete
    }
    if (len > kMaxFlight)
      return Decoded<HandshakeSplit>::fail("handshake: message length " + std::to_string(len) + " too large");
    if (!copy.u24be_prefixed(body)) break;  // body incomplete
    out.messages.push_back({type, Bytes(body.rest().begin(), body.rest().end())});
    r = copy;
    out.consumed = payload.size() - r.remaining();
  }
  return Decoded<HandshakeSplit>::ok(std::move(out));
}

bool is_hello_retry_random(ByteView random) {
  // SHA-256("HelloRetryRequest")
  static const Bytes hrr = [] {
    Bytes b;
    from_hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c", b);
    return b;
  }();
  return random.size() == 32 && std::equal(random.begin(), random.end(), hrr.begin());
}

Decoded<ServerHello> decode_server_hello(ByteView body) {
  using D = Decoded<ServerHello>;
  Reader r(body);
  ServerHello sh;
  ByteView random;
  Reader sid;
  if (!r.u16be(sh.legacy_version)) return D::fail("ServerHello: truncated server_version");
  if ((sh.legacy_version >> 8) != 3) return D::fail("ServerHello: server_version " + hex16(sh.legacy_version));
  if (!r.bytes(32, random)) return D::fail("ServerHello: truncated random");
  std::copy(random.begin(), random.end(), sh.random.begin());
  if (!r.u8_prefixed(sid)) return D::fail("ServerHello: truncated session_id");
  if (sid.remaining() > 32) return D::fail("ServerHello: session_id longer than 32 bytes");
  sh.session_id.assign(sid.rest().begin(), sid.rest().end());
  if (!r.u16be(sh.cipher_suite)) return D::fail("ServerHello: truncated cipher_suite");
  if (!r.u8(sh.compression_method)) return D::fail("ServerHello: truncated compression_method");
  sh.hello_retry_request = is_hello_retry_random(random);
  if (!r.empty()) {
    Reader exts;
    if (!r.u16be_prefixed(exts)) return D::fail("ServerHello: truncated extensions");
    if (!r.empty()) return D::fail("ServerHello: " + std::to_string(r.remaining()) + " trailing bytes");
    sh.has_extensions = true;
    while (!exts.empty()) {
      std::uint16_t type = 0;
      Reader data;
      if (!exts.u16be(type) || !exts.u16be_prefixed(data)) return D::fail("ServerHello: truncated extension");
      for (const auto& e : sh.extensions)
        if (e.type == type) return D::fail("ServerHello: duplicate extension " + std::to_string(type));
      sh.extensions.push_back({type, Bytes(data.rest().begin(), data.rest().end())});
      switch (type) {
        case EXT_SUPPORTED_VERSIONS: {
          std::uint16_t v = 0;
          if (!data.u16be(v) || !data.empty()) return D::fail("ServerHello: supported_versions is not one version");
          sh.selected_version = v;
          break;
        }
        case EXT_KEY_SHARE: {
          // HRR: selected_group only; ServerHello: KeyShareEntry (RFC 8446 4.2.8).
          std::uint16_t g = 0;
          if (!data.u16be(g)) return D::fail("ServerHello: truncated key_share");
          if (!sh.hello_retry_request) {
            Reader key;
            if (!data.u16be_prefixed(key) || key.empty()) return D::fail("ServerHello: bad key_share entry");
          }
          if (!data.empty()) return D::fail("ServerHello: trailing bytes in key_share");
          sh.key_share_group = g;
          break;
        }
        case EXT_RENEGOTIATION_INFO: {
          Reader rc;
          if (!data.u8_prefixed(rc) || !data.empty()) return D::fail("ServerHello: malformed renegotiation_info");
          sh.renegotiation_info = true;
          sh.renegotiation_info_empty = rc.empty();
          break;
        }
        case EXT_EXTENDED_MASTER_SECRET:
          if (!data.empty()) return D::fail("ServerHello: extended_master_secret not empty");
          sh.extended_master_secret = true;
          break;
        default: break;
      }
    }
  }
  if (sh.selected_version && *sh.selected_version < TLS1_3_VERSION)
    return D::fail("ServerHello: supported_versions selects " + version_name(*sh.selected_version) +
                   " (RFC 8446 4.2.1)");
  return D::ok(std::move(sh));
}

Decoded<Alert> decode_alert(ByteView fragment) {
  Reader r(fragment);
  Alert a;
  if (!r.u8(a.level) || !r.u8(a.description)) return Decoded<Alert>::fail("alert: truncated");
  if (!r.empty()) return Decoded<Alert>::fail("alert: more than 2 bytes");
  if (a.level != 1 && a.level != 2) return Decoded<Alert>::fail("alert: level " + std::to_string(a.level));
  return Decoded<Alert>::ok(a);
}

Decoded<std::vector<Bytes>> decode_certificate(ByteView body) {
  using D = Decoded<std::vector<Bytes>>;
  Reader r(body);
  Reader list;
  if (!r.u24be_prefixed(list)) return D::fail("Certificate: truncated certificate_list");
  if (!r.empty()) return D::fail("Certificate: trailing bytes");
  std::vector<Bytes> out;
  while (!list.empty()) {
    Reader cert;
    if (!list.u24be_prefixed(cert)) return D::fail("Certificate: truncated ASN.1Cert");
    if (cert.empty()) return D::fail("Certificate: empty ASN.1Cert");
    if (out.size() == kMaxCertificates) return D::fail("Certificate: more than 32 certificates");
    out.emplace_back(cert.rest().begin(), cert.rest().end());
  }
  return D::ok(std::move(out));
}

namespace {
int bit_length(ByteView n) {
  std::size_t i = 0;
  while (i < n.size() && n[i] == 0) ++i;
  if (i == n.size()) return 0;
  int bits = static_cast<int>((n.size() - i - 1) * 8);
  for (std::uint8_t b = n[i]; b; b >>= 1) ++bits;
  return bits;
}
}  // namespace

Decoded<ServerKeyExchangeInfo> decode_server_key_exchange(ByteView body, KexKind kind) {
  using D = Decoded<ServerKeyExchangeInfo>;
  Reader r(body);
  ServerKeyExchangeInfo info;
  switch (kind) {
    case KexKind::ecdhe: {
      std::uint8_t curve_type = 0;
      if (!r.u8(curve_type)) return D::fail("ServerKeyExchange: truncated ECParameters");
      info.kind = "ECDH";
      if (curve_type != 3)  // named_curve; explicit curves (1, 2) are deprecated (RFC 8422 5.4)
        return D::fail("ServerKeyExchange: ECCurveType " + std::to_string(curve_type) + " is not named_curve");
      std::uint16_t g = 0;
      Reader point;
      if (!r.u16be(g) || !r.u8_prefixed(point) || point.empty())
        return D::fail("ServerKeyExchange: truncated ECDH parameters");
      info.named_group = g;
      info.bits = group_bits(g);
      break;
    }
    case KexKind::dhe: {
      Reader p, g, ys;
      if (!r.u16be_prefixed(p) || !r.u16be_prefixed(g) || !r.u16be_prefixed(ys))
        return D::fail("ServerKeyExchange: truncated ServerDHParams");
      if (p.empty() || g.empty() || ys.empty()) return D::fail("ServerKeyExchange: empty DH parameter");
      info.kind = "DH";
      info.bits = bit_length(p.rest());
      break;
    }
    case KexKind::rsa_export: {
      Reader mod, exp;
      if (!r.u16be_prefixed(mod) || !r.u16be_prefixed(exp) || mod.empty() || exp.empty())
        return D::fail("ServerKeyExchange: truncated ServerRSAParams");
      info.kind = "RSA";
      info.bits = bit_length(mod.rest());
      break;
    }
  }
  return D::ok(std::move(info));
}

// ---- SSL 2.0 ---------------------------------------------------------------------------------------

namespace {
struct Ssl2Cipher {
  std::uint32_t kind;
  const char* name;
};
// draft-hickman-netscape-ssl-00 appendix C.
constexpr Ssl2Cipher kSsl2Ciphers[] = {
    {0x010080, "SSL_CK_RC4_128_WITH_MD5"},          {0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5"},
    {0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5"},      {0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5"},
    {0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5"},     {0x060040, "SSL_CK_DES_64_CBC_WITH_MD5"},
    {0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5"},
};
}  // namespace

std::string ssl2_cipher_name(std::uint32_t kind) {
  for (const auto& c : kSsl2Ciphers)
    if (c.kind == kind) return c.name;
  char buf[12];
  std::snprintf(buf, sizeof buf, "0x%06X", kind);
  return buf;
}

const std::vector<std::uint32_t>& ssl2_cipher_kinds() {
  static const std::vector<std::uint32_t> v = [] {
    std::vector<std::uint32_t> out;
    for (const auto& c : kSsl2Ciphers) out.push_back(c.kind);
    return out;
  }();
  return v;
}

Decoded<Ssl2Read> read_ssl2_server_hello(ByteView data) {
  using D = Decoded<Ssl2Read>;
  Ssl2Read out;
  Reader r(data);
  std::uint16_t header = 0;
  if (!r.u16be(header)) {
    out.need_more = true;
    return D::ok(out);
  }
  if (!(header & 0x8000)) return D::fail("SSL 2.0: 3-byte record header (padding) not expected from a server");
  const std::size_t length = header & 0x7fff;
  Reader msg;
  if (!r.sub(length, msg)) {
    out.need_more = true;
    return D::ok(out);
  }
  out.consumed = 2 + length;
  std::uint8_t type = 0;
  if (!msg.u8(type)) return D::fail("SSL 2.0: empty record");
  if (type == 0) {  // MSG-ERROR: 2-byte error code
    std::uint16_t code = 0;
    if (!msg.u16be(code) || !msg.empty()) return D::fail("SSL 2.0 ERROR: not a 2-byte code");
    out.error_code = code;
    return D::ok(out);
  }
  if (type != 4) return D::fail("SSL 2.0: message type " + std::to_string(type) + " is not SERVER-HELLO");
  Ssl2ServerHello h;
  std::uint16_t cert_len = 0, specs_len = 0, conn_len = 0;
  if (!msg.u8(h.session_id_hit) || !msg.u8(h.certificate_type) || !msg.u16be(h.server_version) ||
      !msg.u16be(cert_len) || !msg.u16be(specs_len) || !msg.u16be(conn_len))
    return D::fail("SSL 2.0 SERVER-HELLO: truncated header");
  if (h.server_version != SSL2_VERSION)
    return D::fail("SSL 2.0 SERVER-HELLO: server version " + hex16(h.server_version));
  if (specs_len % 3 != 0) return D::fail("SSL 2.0 SERVER-HELLO: CIPHER-SPECS-LENGTH not a multiple of 3");
  if (conn_len < 16 || conn_len > 32) return D::fail("SSL 2.0 SERVER-HELLO: CONNECTION-ID-LENGTH not 16..32");
  if (h.session_id_hit > 1) return D::fail("SSL 2.0 SERVER-HELLO: SESSION-ID-HIT not 0/1");
  if (!msg.copy(cert_len, h.certificate)) return D::fail("SSL 2.0 SERVER-HELLO: truncated certificate");
  for (std::size_t i = 0; i < specs_len / 3u; ++i) {
    std::uint32_t k = 0;
    if (!msg.u24be(k)) return D::fail("SSL 2.0 SERVER-HELLO: truncated cipher specs");
    h.cipher_specs.push_back(k);
  }
  if (!msg.copy(conn_len, h.connection_id)) return D::fail("SSL 2.0 SERVER-HELLO: truncated connection id");
  if (!msg.empty()) return D::fail("SSL 2.0 SERVER-HELLO: trailing bytes");
  out.hello = std::move(h);
  return D::ok(std::move(out));
}

// ---- FlightReader ----------------------------------------------------------------------------------

std::string printable_excerpt(ByteView data, std::size_t max) {
  std::string s;
  for (std::size_t i = 0; i < data.size() && s.size() < max; ++i) {
    const auto c = data[i];
    if (c == '\r') continue;
    if (c == '\n')
      s += "\\n";
    else if (c >= 0x20 && c < 0x7f)
      s += static_cast<char>(c);
    else {
      char buf[6];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  return s;
}

bool FlightReader::handle_handshake(const HandshakeMessage& m) {
  auto fail = [&](std::string why) {
    flight_.kind = ReplyKind::malformed;
    flight_.detail = std::move(why);
    return true;
  };
  if (!flight_.server_hello) {
    if (m.msg_type != SERVER_HELLO)
      return fail("first handshake message is type " + std::to_string(m.msg_type) + ", not ServerHello");
    auto sh = decode_server_hello(m.body);
    if (!sh) return fail(sh.error);
    flight_.kind = ReplyKind::server_hello;
    flight_.server_hello = std::move(*sh.value);
    // TLS 1.3 (and HRR): everything after the ServerHello is encrypted or needs a second hello.
    return flight_.server_hello->version() >= TLS1_3_VERSION || flight_.server_hello->hello_retry_request;
  }
  switch (m.msg_type) {
    case CERTIFICATE: {
      auto c = decode_certificate(m.body);
      if (!c) return fail(c.error);
      flight_.certificates = std::move(*c.value);
      return false;
    }
    case SERVER_KEY_EXCHANGE: {
      const auto* s = find_cipher_suite(flight_.server_hello->cipher_suite);
      if (!s) return false;
      std::optional<KexKind> kind;
      if (s->kex == "ECDHE")
        kind = KexKind::ecdhe;
      else if (s->kex == "DHE")
        kind = KexKind::dhe;
      else if (s->kex == "RSA" && s->export_grade)
        kind = KexKind::rsa_export;
      if (!kind) return false;
      auto k = decode_server_key_exchange(m.body, *kind);
      if (!k) return fail(k.error);
      flight_.key_exchange = std::move(*k.value);
      return false;
    }
    case SERVER_HELLO_DONE: flight_.server_hello_done = true; return true;
    default: return false;  // CertificateRequest, CertificateStatus...
  }
}

bool FlightReader::put(ByteView all) {
  if (all.size() > kMaxFlight) {
    flight_.kind = flight_.server_hello ? flight_.kind : ReplyKind::malformed;
    flight_.detail = "first flight larger than 256 KiB";
    return true;
  }
  if (!started_) {
    const auto f = classify_reply(all);
    if (f == Framing::need_more) return false;
    if (f == Framing::not_tls) {
      flight_.kind = ReplyKind::not_tls;
      flight_.detail = printable_excerpt(all);
      // Wait for a line or enough text for a useful excerpt; not_tls is final either way.
      return true;
    }
    if (f == Framing::ssl2 && !ssl2_) {
      flight_.kind = ReplyKind::malformed;
      flight_.detail = "an SSL 2.0 record in answer to an SSL 3.0/TLS hello";
      return true;
    }
    if (f == Framing::tls_record && ssl2_) {
      // An SSLv2 hello answered by an SSLv3/TLS record: usually an alert; handled as TLS.
      ssl2_ = false;
    }
    started_ = true;
  }
  if (ssl2_) {
    auto r = read_ssl2_server_hello(all);
    if (!r) {
      flight_.kind = ReplyKind::malformed;
      flight_.detail = r.error;
      return true;
    }
    if (r->need_more) return false;
    if (r->error_code) {
      flight_.kind = ReplyKind::ssl2_error;
      flight_.detail = "SSL 2.0 ERROR " + std::to_string(*r->error_code);
    } else {
      flight_.kind = ReplyKind::ssl2_server_hello;
      flight_.ssl2 = std::move(r->hello);
    }
    return true;
  }
  while (record_pos_ < all.size()) {
    auto rr = read_record(all.subspan(record_pos_));
    if (!rr) {
      if (!flight_.server_hello || flight_.kind == ReplyKind::server_hello) {
        // A broken record after a good ServerHello keeps the ServerHello; before it, malformed.
        if (!flight_.server_hello) flight_.kind = ReplyKind::malformed;
        flight_.detail = rr.error;
      }
      return true;
    }
    if (rr->need_more) return false;
    record_pos_ += rr->consumed;
    const auto& rec = *rr->record;
    if (rec.type == ALERT) {
      auto a = decode_alert(rec.fragment);
      if (!a) {
        if (!flight_.server_hello) flight_.kind = ReplyKind::malformed;
        flight_.detail = a.error;
        return true;
      }
      flight_.alert = *a;
      if (!flight_.server_hello) flight_.kind = ReplyKind::alert;
      if (a->level == 2 || !flight_.server_hello) return true;
      continue;
    }
    if (rec.type != HANDSHAKE) {
      if (!flight_.server_hello) {
        flight_.kind = ReplyKind::malformed;
        flight_.detail = "record of type " + std::to_string(rec.type) + " before ServerHello";
      }
      return true;  // ChangeCipherSpec/application data: the plaintext flight is over
    }
    handshake_payload_.insert(handshake_payload_.end(), rec.fragment.begin(), rec.fragment.end());
    auto split = split_handshake(ByteView(handshake_payload_).subspan(handshake_pos_));
    if (!split) {
      flight_.kind = flight_.server_hello ? flight_.kind : ReplyKind::malformed;
      flight_.detail = split.error;
      return true;
    }
    handshake_pos_ += split->consumed;
    for (const auto& m : split->messages)
      if (handle_handshake(m)) return true;
  }
  return false;
}

void FlightReader::finish_closed(std::size_t bytes_seen) {
  if (flight_.server_hello || flight_.kind != ReplyKind::closed) return;  // already decided
  if (bytes_seen > 0) {
    flight_.kind = ReplyKind::malformed;
    flight_.detail = "connection closed after " + std::to_string(bytes_seen) + " bytes, inside a record";
  }
}

}  // namespace legacyscan::tls
