// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SPNEGO NegTokenInit (GSS-framed or bare) and NegTokenResp, with encoder round trips.
#include <cstdint>
#include <cstdlib>

#include "src/proto/spnego/spnego.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  if (auto init = decode_spnego_init(in)) {
    check(init->mechTypes.size() <= kMaxMechTypes);
    if (!init->reqFlags && !init->hintName && !init->hintAddress && !init->mechListMIC) {
      std::vector<std::string> oids;
      for (const auto& m : init->mechTypes) oids.push_back(m.oid);
      std::optional<ByteView> token;
      if (init->mechToken) token = ByteView(*init->mechToken);
      auto bytes = encode_spnego_init(oids, token);
      check(bytes.has_value());
      auto again = decode_spnego_init(*bytes);
      check(again && *again == *init);
    }
  }
  if (auto resp = decode_spnego_resp(in)) {
    auto bytes = encode_spnego_resp(*resp);
    check(bytes.has_value());
    auto again = decode_spnego_resp(*bytes);
    check(again && *again == *resp);
  }
  return 0;
}
