// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb1/smb1_legacy_session_setup.hpp"

#include <algorithm>

namespace legacyscan::smb {

std::string Smb1LegacySessionSetup::version() const {
  if (unicode_password_length == 0 && oem_password_length <= 1) return "anonymous";
  if (unicode_password_length > 24) return "NTLMv2";
  if (unicode_password_length == 24) return "NTLMv1";
  if (unicode_password_length == 0 && oem_password_length == 24) return "LM";
  return "plaintext";
}

Decoded<Smb1LegacySessionSetup> decode_smb1_legacy_session_setup(ByteView message) {
  using R = Decoded<Smb1LegacySessionSetup>;
  Reader r(message);
  ByteView proto;
  std::uint8_t command = 0, flags = 0, wc = 0;
  std::uint16_t flags2 = 0;
  static constexpr std::uint8_t kProto[4] = {0xFF, 'S', 'M', 'B'};
  if (!r.bytes(4, proto) || !std::equal(proto.begin(), proto.end(), kProto))
    return R::fail("SMB1: no 0xFF 'SMB' header");
  if (!r.u8(command) || command != 0x73) return R::fail("SMB1: not SESSION_SETUP_ANDX");
  if (!r.skip(4) || !r.u8(flags) || !r.u16le(flags2) || !r.skip(20)) return R::fail("SMB1: header truncated");
  if (!r.u8(wc) || wc != 13) return R::fail("SESSION_SETUP_ANDX: WordCount is not 13");
  Smb1LegacySessionSetup s;
  // AndX (4), MaxBufferSize, MaxMpxCount, VcNumber (6), SessionKey (4), the two lengths, Reserved, Capabilities.
  if (!r.skip(14) || !r.u16le(s.oem_password_length) || !r.u16le(s.unicode_password_length) || !r.skip(8))
    return R::fail("SESSION_SETUP_ANDX: words truncated");
  std::uint16_t byte_count = 0;
  Reader bytes;
  if (!r.u16le(byte_count) || !r.sub(byte_count, bytes)) return R::fail("SESSION_SETUP_ANDX: ByteCount past the end");
  if (!bytes.skip(s.oem_password_length) || !bytes.skip(s.unicode_password_length))
    return R::fail("SESSION_SETUP_ANDX: password lengths past ByteCount");
  const bool unicode = (flags2 & 0x8000) != 0;
  // Unicode strings are aligned to 2 bytes from the start of the SMB header.
  auto read_str = [&](std::string& out) -> bool {
    if (unicode) {
      const std::size_t offset = static_cast<std::size_t>(bytes.rest().data() - message.data());
      if (offset % 2 != 0 && !bytes.skip(1)) return false;
      ByteView v = bytes.rest();
      std::size_t n = 0;
      while (n + 1 < v.size() && (v[n] != 0 || v[n + 1] != 0)) n += 2;
      if (n + 1 >= v.size()) {
        out = utf16le_to_utf8(v.first(n));
        return bytes.skip(v.size());
      }
      out = utf16le_to_utf8(v.first(n));
      return bytes.skip(n + 2);
    }
    if (!bytes.cstring(out, 1024)) {
      const ByteView v = bytes.rest();
      out.assign(reinterpret_cast<const char*>(v.data()), v.size());
      return bytes.skip(bytes.remaining());
    }
    return true;
  };
  if (!read_str(s.account) || !read_str(s.domain) || !read_str(s.native_os))
    return R::ok(std::move(s));  // the strings are informative; the lengths are what matters
  return R::ok(std::move(s));
}

}  // namespace legacyscan::smb
