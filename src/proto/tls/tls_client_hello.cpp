// SPDX-License-Identifier: Apache-2.0
#include "src/proto/tls/tls_client_hello.hpp"

namespace legacyscan::tls {

namespace {

// RFC 8701: GREASE values are reserved noise a client mixes into its lists; they offer nothing.
bool is_grease(std::uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

}  // namespace

std::vector<std::uint16_t> ClientHello::offered_versions() const {
  if (supported_versions && !supported_versions->empty()) return *supported_versions;
  return {legacy_version};
}

Decoded<ClientHello> decode_client_hello(ByteView body) {
  using R = Decoded<ClientHello>;
  Reader r(body);
  ClientHello h;
  Reader session, suites, comp;
  if (!r.u16be(h.legacy_version) || !r.skip(32)) return R::fail("ClientHello: version/random truncated");
  if (!r.u8_prefixed(session) || session.remaining() > 32) return R::fail("ClientHello: bad session_id");
  if (!r.u16be_prefixed(suites) || suites.remaining() % 2 != 0) return R::fail("ClientHello: bad cipher_suites");
  while (!suites.empty()) {
    std::uint16_t s = 0;
    if (!suites.u16be(s)) return R::fail("ClientHello: bad cipher_suites");
    if (!is_grease(s)) h.cipher_suites.push_back(s);
  }
  if (!r.u8_prefixed(comp)) return R::fail("ClientHello: bad compression_methods");
  if (r.empty()) return R::ok(std::move(h));  // no extensions (SSL 3.0 style)
  Reader exts;
  if (!r.u16be_prefixed(exts)) return R::fail("ClientHello: bad extensions length");
  while (!exts.empty()) {
    std::uint16_t type = 0;
    Reader data;
    if (!exts.u16be(type) || !exts.u16be_prefixed(data)) return R::fail("ClientHello: extension truncated");
    if (h.extensions.size() < 128) h.extensions.push_back(type);
    if (type == 0) {  // server_name
      Reader list;
      if (!data.u16be_prefixed(list)) return R::fail("ClientHello: bad server_name");
      while (!list.empty()) {
        std::uint8_t name_type = 0;
        Reader name;
        if (!list.u8(name_type) || !list.u16be_prefixed(name)) return R::fail("ClientHello: bad server_name entry");
        if (name_type == 0 && !h.server_name) {
          const ByteView v = name.rest();
          h.server_name = std::string(reinterpret_cast<const char*>(v.data()), v.size());
        }
      }
    } else if (type == 10) {  // supported_groups (RFC 8422 5.1.1)
      Reader list;
      if (!data.u16be_prefixed(list) || list.remaining() % 2 != 0) return R::fail("ClientHello: bad supported_groups");
      std::vector<std::uint16_t> gs;
      while (!list.empty()) {
        std::uint16_t g = 0;
        if (!list.u16be(g)) return R::fail("ClientHello: bad supported_groups");
        if (!is_grease(g) && gs.size() < 256) gs.push_back(g);
      }
      h.supported_groups = std::move(gs);
    } else if (type == 43) {  // supported_versions
      Reader list;
      if (!data.u8_prefixed(list) || list.remaining() % 2 != 0) return R::fail("ClientHello: bad supported_versions");
      std::vector<std::uint16_t> vs;
      while (!list.empty()) {
        std::uint16_t v = 0;
        if (!list.u16be(v)) return R::fail("ClientHello: bad supported_versions");
        if (!is_grease(v)) vs.push_back(v);
      }
      h.supported_versions = std::move(vs);
    }
  }
  return R::ok(std::move(h));
}

Decoded<ClientHello> decode_ssl2_client_hello(ByteView record) {
  using R = Decoded<ClientHello>;
  Reader r(record);
  std::uint16_t header = 0, spec_len = 0, sid_len = 0, chal_len = 0;
  std::uint8_t type = 0;
  ClientHello h;
  h.ssl2_format = true;
  if (!r.u16be(header) || (header & 0x8000) == 0) return R::fail("SSLv2 CLIENT-HELLO: no 2-byte record header");
  const std::size_t len = header & 0x7fff;
  Reader body;
  if (!r.sub(len, body)) return R::fail("SSLv2 CLIENT-HELLO: record truncated");
  if (!body.u8(type) || type != 1) return R::fail("SSLv2 CLIENT-HELLO: msg_type is not 1");
  if (!body.u16be(h.legacy_version) || !body.u16be(spec_len) || !body.u16be(sid_len) || !body.u16be(chal_len))
    return R::fail("SSLv2 CLIENT-HELLO: header truncated");
  if (spec_len % 3 != 0) return R::fail("SSLv2 CLIENT-HELLO: cipher spec length not a multiple of 3");
  Reader specs;
  if (!body.sub(spec_len, specs) || !body.skip(sid_len) || !body.skip(chal_len))
    return R::fail("SSLv2 CLIENT-HELLO: lengths exceed the record");
  while (!specs.empty()) {
    std::uint8_t hi = 0;
    std::uint16_t lo = 0;
    if (!specs.u8(hi) || !specs.u16be(lo)) break;
    if (hi == 0)
      h.cipher_suites.push_back(lo);
    else
      h.ssl2_cipher_kinds.push_back(static_cast<std::uint32_t>(hi) << 16 | lo);
  }
  return R::ok(std::move(h));
}

}  // namespace legacyscan::tls
