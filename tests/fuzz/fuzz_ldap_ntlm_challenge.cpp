// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the NTLMSSP CHALLENGE_MESSAGE as the LDAP channel-binding check reads it, and the
// NTLMv2 AUTHENTICATE_MESSAGE built from whatever it accepted (the server's AV pairs are copied into
// it), which must decode back with the names it was given.
#include <cstdint>
#include <cstdlib>

#include "src/proto/ntlm/ntlm_crypto.hpp"
#include "src/proto/ntlm/ntlm_messages.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::ntlm;
  auto c = decode_ntlm_challenge_message(ByteView(data, size));
  if (!c) {
    check(!c.error.empty());
    return 0;
  }
  NtlmV2Logon logon;
  logon.user = "u";
  logon.domain = c->NbDomainName;
  logon.password = "p";
  logon.channel_bindings = std::array<std::uint8_t, 16>{};
  const Bytes auth = encode_ntlm_authenticate_v2(*c, logon);
  check(auth.size() >= 64);
  auto back = decode_ntlm_authenticate_message(auth);
  check(back.has_value() && back->UserName == "u");
  return 0;
}
