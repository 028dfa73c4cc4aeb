// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: ClientHello encoder round trip: an offer built from the input encodes to a record the strict reader
// takes back whole, and the ClientHello decoder (tls_client_hello.hpp) reads back what the offer said.
#include <cstdint>
#include <cstdlib>

#include "src/proto/tls/tls_cipher_suites.hpp"
#include "src/proto/tls/tls_client_hello.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::tls;
  const ByteView in(data, size);
  Reader r(in);
  std::uint8_t version_pick = 0, flags = 0, count = 0;
  if (!r.u8(version_pick) || !r.u8(flags) || !r.u8(count)) return 0;
  const std::uint16_t versions[] = {SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};
  const std::uint16_t v = versions[version_pick % 5];
  std::vector<std::uint16_t> suites;
  std::uint16_t s = 0;
  for (int i = 0; i < count && r.u16be(s); ++i) suites.push_back(s);
  std::optional<std::string> sni;
  if (flags & 1) sni = std::string("a.example");
  auto offer = default_offer(v, suites, sni);
  if (flags & 2) offer.extra.push_back({0x1234, Bytes(r.rest().begin(), r.rest().end())});
  auto b = encode_client_hello(offer);
  if (!b) return 0;
  auto rec = read_record(*b);
  check(rec && rec->record && rec->consumed == b->size());
  auto split = split_handshake(rec->record->fragment);
  check(split && split->messages.size() == 1 && split->messages[0].msg_type == CLIENT_HELLO);
  auto hello = decode_client_hello(split->messages[0].body);
  check(hello && hello->legacy_version == offer.legacy_version && hello->server_name == offer.server_name &&
        hello->supported_versions == offer.supported_versions);
  return 0;
}
