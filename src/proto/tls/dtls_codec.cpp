// SPDX-License-Identifier: Apache-2.0
#include "src/proto/tls/dtls_codec.hpp"

namespace legacyscan::tls {

namespace {

constexpr std::size_t kRecordHeader = 13;     // RFC 6347 4.1
constexpr std::size_t kHandshakeHeader = 12;  // RFC 6347 4.2.2
constexpr std::size_t kMaxHandshakes = 64;

bool read_u48(Reader& r, std::uint64_t& out) {
  std::uint16_t hi = 0;
  std::uint32_t lo = 0;
  if (!r.u16be(hi) || !r.u32be(lo)) return false;
  out = static_cast<std::uint64_t>(hi) << 32 | lo;
  return true;
}

void record_header(Writer& w, std::uint8_t type, std::uint16_t version, std::uint64_t sequence) {
  w.u8(type);
  w.u16be(version);
  w.u16be(0);  // epoch 0: nothing is encrypted before the first ChangeCipherSpec
  w.u16be(static_cast<std::uint16_t>(sequence >> 32 & 0xffff));
  w.u32be(static_cast<std::uint32_t>(sequence & 0xffffffff));
}

}  // namespace

std::string dtls_version_name(std::uint16_t v) {
  switch (v) {
    case DTLS1_VERSION: return "DTLS 1.0";
    case DTLS1_2_VERSION: return "DTLS 1.2";
    case DTLS1_3_VERSION: return "DTLS 1.3";
    default: return version_name(v);
  }
}

std::string dtls_version_key(std::uint16_t v) {
  switch (v) {
    case DTLS1_VERSION: return "dtls1.0";
    case DTLS1_2_VERSION: return "dtls1.2";
    case DTLS1_3_VERSION: return "dtls1.3";
    default: return version_key(v);
  }
}

std::uint16_t dtls_tls_version(std::uint16_t v) {
  switch (v) {
    case DTLS1_VERSION: return TLS1_1_VERSION;
    case DTLS1_2_VERSION: return TLS1_2_VERSION;
    case DTLS1_3_VERSION: return TLS1_3_VERSION;
    default: return 0;
  }
}

Decoded<std::vector<DtlsRecord>> decode_dtls_records(ByteView datagram) {
  using D = Decoded<std::vector<DtlsRecord>>;
  Reader r(datagram);
  std::vector<DtlsRecord> out;
  while (!r.empty()) {
    if (out.size() == kMaxDtlsRecords) return D::fail("DTLS: more than 64 records in one datagram");
    // A DTLS 1.3 ciphertext record (unified header, RFC 9147 4: first bits 001) after the plaintext
    // ServerHello: unreadable without keys, and it may run to the end of the datagram.
    if (!out.empty() && (r.rest()[0] & 0xE0) == 0x20) break;
    DtlsRecord rec;
    Reader body;
    if (r.remaining() < kRecordHeader) return D::fail("DTLS record: header truncated");
    if (!r.u8(rec.type) || !r.u16be(rec.version) || !r.u16be(rec.epoch) || !read_u48(r, rec.sequence) ||
        !r.u16be_prefixed(body))
      return D::fail("DTLS record: fragment truncated");
    if (rec.type < CHANGE_CIPHER_SPEC || rec.type > 26)
      return D::fail("DTLS record: content type " + std::to_string(rec.type));
    if ((rec.version >> 8) != 0xFE) return D::fail("DTLS record: version " + version_name(rec.version));
    rec.fragment = body.rest();
    out.push_back(rec);
  }
  if (out.empty()) return D::fail("DTLS: empty datagram");
  return D::ok(std::move(out));
}

Decoded<std::vector<DtlsHandshake>> decode_dtls_handshakes(ByteView record_fragment) {
  using D = Decoded<std::vector<DtlsHandshake>>;
  Reader r(record_fragment);
  std::vector<DtlsHandshake> out;
  while (!r.empty()) {
    if (out.size() == kMaxHandshakes) return D::fail("DTLS: more than 64 handshake messages in one record");
    DtlsHandshake h;
    std::uint32_t fragment_length = 0;
    ByteView fragment;
    if (r.remaining() < kHandshakeHeader) return D::fail("DTLS handshake: header truncated");
    if (!r.u8(h.msg_type) || !r.u24be(h.length) || !r.u16be(h.message_seq) || !r.u24be(h.fragment_offset) ||
        !r.u24be(fragment_length) || !r.bytes(fragment_length, fragment))
      return D::fail("DTLS handshake: fragment truncated");
    if (h.fragment_offset > h.length || fragment_length > h.length - h.fragment_offset)
      return D::fail("DTLS handshake: fragment " + std::to_string(h.fragment_offset) + "+" +
                     std::to_string(fragment_length) + " past the message's " + std::to_string(h.length) + " bytes");
    h.fragment = fragment;
    out.push_back(h);
  }
  return D::ok(std::move(out));
}

Decoded<HelloVerifyRequest> decode_hello_verify_request(ByteView body) {
  using D = Decoded<HelloVerifyRequest>;
  Reader r(body);
  HelloVerifyRequest h;
  Reader cookie;
  if (!r.u16be(h.server_version) || !r.u8_prefixed(cookie)) return D::fail("HelloVerifyRequest: truncated");
  if ((h.server_version >> 8) != 0xFE)
    return D::fail("HelloVerifyRequest: server_version " + version_name(h.server_version));
  if (!r.empty()) return D::fail("HelloVerifyRequest: bytes after the cookie");
  const ByteView c = cookie.rest();
  h.cookie.assign(c.begin(), c.end());
  return D::ok(std::move(h));
}

Decoded<ServerHello> decode_dtls_server_hello(ByteView body) {
  using D = Decoded<ServerHello>;
  std::uint16_t version = 0;
  Reader r(body);
  if (!r.u16be(version)) return D::fail("DTLS ServerHello: truncated server_version");
  const std::uint16_t as_tls = dtls_tls_version(version);
  if (as_tls == 0 || as_tls == TLS1_3_VERSION)
    return D::fail("DTLS ServerHello: server_version " + version_name(version));
  // The layout after the version is TLS's (RFC 6347 4.2: no cookie in a ServerHello).
  Bytes copy(body.begin(), body.end());
  copy[0] = static_cast<std::uint8_t>(as_tls >> 8);
  copy[1] = static_cast<std::uint8_t>(as_tls & 0xff);
  auto sh = decode_server_hello(copy);
  if (!sh) return D::fail("DTLS " + sh.error);
  sh->legacy_version = version;
  return sh;
}

Decoded<DtlsReply> decode_dtls_reply(ByteView datagram) {
  using D = Decoded<DtlsReply>;
  auto records = decode_dtls_records(datagram);
  if (!records) return D::fail(records.error);
  DtlsReply reply;
  reply.record_version = records->front().version;
  for (const auto& rec : *records) {
    if (rec.epoch != 0) continue;  // encrypted: nothing to read before keys exist
    if (rec.type == ALERT) {
      auto a = decode_alert(rec.fragment);
      if (!a) return D::fail("DTLS " + a.error);
      reply.kind = DtlsReplyKind::alert;
      reply.alert = *a;
      return D::ok(std::move(reply));
    }
    if (rec.type != HANDSHAKE) continue;
    auto messages = decode_dtls_handshakes(rec.fragment);
    if (!messages) return D::fail(messages.error);
    for (const auto& m : *messages) {
      if (m.msg_type != HELLO_VERIFY_REQUEST && m.msg_type != SERVER_HELLO) continue;
      if (!m.complete())
        return D::fail("DTLS: a fragmented " +
                       std::string(m.msg_type == SERVER_HELLO ? "ServerHello" : "HelloVerifyRequest"));
      if (m.msg_type == HELLO_VERIFY_REQUEST) {
        auto h = decode_hello_verify_request(m.fragment);
        if (!h) return D::fail(h.error);
        reply.kind = DtlsReplyKind::hello_verify_request;
        reply.hello_verify = std::move(*h.value);
      } else {
        auto sh = decode_dtls_server_hello(m.fragment);
        if (!sh) return D::fail(sh.error);
        reply.kind = DtlsReplyKind::server_hello;
        reply.server_hello = std::move(*sh.value);
      }
      return D::ok(std::move(reply));
    }
  }
  return D::ok(std::move(reply));
}

Decoded<Bytes> encode_dtls_client_hello(ClientHelloOffer offer, std::uint16_t version, ByteView cookie,
                                        std::uint16_t message_seq, std::uint64_t record_sequence) {
  using D = Decoded<Bytes>;
  if (cookie.size() > 255) return D::fail("DTLS ClientHello: cookie over 255 bytes");
  if (version == DTLS1_3_VERSION) {
    // RFC 9147 5.3: legacy_version DTLS 1.2, the version itself in supported_versions, and an empty
    // legacy_session_id; the key_share and the TLS 1.3 extensions stay as the offer has them.
    offer.legacy_version = DTLS1_2_VERSION;
    offer.supported_versions = std::vector<std::uint16_t>{DTLS1_3_VERSION};
    offer.session_id.clear();
  } else {
    offer.legacy_version = version;
    offer.supported_versions.reset();
    offer.key_shares.reset();
  }
  auto tls = encode_client_hello(offer);
  if (!tls) return tls;
  // The TLS record: 5-byte record header, 4-byte handshake header, then the body, whose cookie goes
  // after client_version (2), random (32) and the session id (1 + its length).
  const ByteView whole = *tls.value;
  constexpr std::size_t kTlsHeaders = 9;
  if (whole.size() < kTlsHeaders + 35) return D::fail("DTLS ClientHello: TLS hello too short");
  const ByteView body = whole.subspan(kTlsHeaders);
  const std::size_t cut = 35 + body[34];
  if (cut > body.size()) return D::fail("DTLS ClientHello: session id past the body");
  const std::size_t body_length = body.size() + 1 + cookie.size();
  Writer w;
  record_header(w, HANDSHAKE, DTLS1_VERSION, record_sequence);
  w.u16be_prefixed([&](Writer& rec) {
    rec.u8(CLIENT_HELLO);
    rec.u24be(static_cast<std::uint32_t>(body_length));
    rec.u16be(message_seq);
    rec.u24be(0);  // one unfragmented message
    rec.u24be(static_cast<std::uint32_t>(body_length));
    rec.bytes(body.first(cut));
    rec.u8_prefixed([&](Writer& c) { c.bytes(cookie); });
    rec.bytes(body.subspan(cut));
  });
  if (w.size() > kRecordHeader + (1u << 14)) return D::fail("DTLS ClientHello: over 2^14 bytes");
  return D::ok(w.take());
}

Bytes encode_dtls_alert(std::uint16_t version, std::uint8_t level, std::uint8_t description,
                        std::uint64_t record_sequence) {
  Writer w;
  record_header(w, ALERT, version, record_sequence);
  w.u16be(2);
  w.u8(level);
  w.u8(description);
  return w.take();
}

}  // namespace legacyscan::tls
