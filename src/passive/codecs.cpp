// SPDX-License-Identifier: Apache-2.0
// Request-side decoders for passive mode (see src/passive/codecs.hpp).
#include "src/passive/codecs.hpp"

#include <algorithm>

namespace legacyscan::passive {

namespace {

std::string as_string(ByteView v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

}  // namespace

// ---- NTLMSSP AUTHENTICATE ------------------------------------------------------------------------

std::string NtlmAuthenticate::version() const {
  if (nt_response_length == 0 && (lm_response_length == 0 || lm_response_length == 1)) return "anonymous";
  if (nt_response_length > 24) return "NTLMv2";
  if (nt_response_length == 24) return "NTLMv1";
  if (nt_response_length == 0 && lm_response_length == 24) return "LM";
  return "unknown";
}

Decoded<NtlmAuthenticate> decode_ntlm_authenticate(ByteView message) {
  using R = Decoded<NtlmAuthenticate>;
  static constexpr std::uint8_t kSig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  Reader r(message);
  ByteView sig;
  std::uint32_t type = 0;
  if (!r.bytes(8, sig) || !std::equal(sig.begin(), sig.end(), kSig) || !r.u32le(type) || type != 3)
    return R::fail("NTLMSSP AUTHENTICATE_MESSAGE: no \"NTLMSSP\\0\" signature with MessageType 3");
  struct Field {
    std::uint16_t len = 0, max = 0;
    std::uint32_t off = 0;
  };
  Field f[6];  // LmChallengeResponse, NtChallengeResponse, DomainName, UserName, Workstation, EncryptedRandomSessionKey
  for (auto& x : f)
    if (!r.u16le(x.len) || !r.u16le(x.max) || !r.u32le(x.off))
      return R::fail("NTLMSSP AUTHENTICATE_MESSAGE: truncated header");
  NtlmAuthenticate a;
  if (!r.u32le(a.negotiate_flags)) return R::fail("NTLMSSP AUTHENTICATE_MESSAGE: NegotiateFlags truncated");
  a.lm_response_length = f[0].len;
  a.nt_response_length = f[1].len;
  for (int i = 0; i < 2; ++i) {
    ByteView unused;
    if (!Reader::range(message, f[i].off, f[i].len, unused))
      return R::fail("NTLMSSP AUTHENTICATE_MESSAGE: a challenge response lies past the end of the message");
  }
  const bool unicode = (a.negotiate_flags & 0x00000001) != 0;
  std::string* names[3] = {&a.domain, &a.user, &a.workstation};
  for (int i = 0; i < 3; ++i) {
    ByteView v;
    if (!Reader::range(message, f[2 + i].off, f[2 + i].len, v))
      return R::fail("NTLMSSP AUTHENTICATE_MESSAGE: a name field lies past the end of the message");
    *names[i] = unicode ? utf16le_to_utf8(v) : as_string(v);
  }
  return R::ok(std::move(a));
}

}  // namespace legacyscan::passive
