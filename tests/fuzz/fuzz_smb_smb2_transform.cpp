// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: a server's SMB2 TRANSFORM_HEADER, decrypted with the keys of Microsoft's published
// SMB 3.0 (AES-128-CCM) and 3.1.1 (AES-128-GCM) test sessions, whose messages are the seeds.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb2/smb2_security.hpp"

namespace {

legacyscan::Bytes hex(std::string_view h) {
  legacyscan::Bytes out;
  if (!legacyscan::from_hex(h, out)) std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  static const Smb2SessionKeys k300 = smb2_session_keys(0x0300, hex("B4546771B515F766A86735532DD6C4F0"), {}, 0, 0);
  static const Smb2SessionKeys k311 = smb2_session_keys(0x0311, hex("419FDDF34C1E001909D362AE7FB6AF79"),
                                                        hex("B23F3CBFD69487D9832B79B1594A367CDD950909B774C3A4C412B4FCEA"
                                                            "9EDDDBA7DB256BA2EA30E977F11F9B113247578E0E915C6D2A51"
                                                            "3B8F2FCA5707DC8770"),
                                                        SMB2_SIGNING_AES_CMAC, SMB2_CIPHER_AES_128_GCM);
  const ByteView in(data, size);
  for (const auto& [keys, session] :
       {std::pair{&k300, std::uint64_t{0x8e40014000011}}, std::pair{&k311, std::uint64_t{0x100000000025}}}) {
    auto plain = decode_smb2_transform(in, session, *keys);
    if (plain && plain->size() + kSmb2TransformHeaderLength != size) std::abort();
    (void)smb2_check_signature(in, *keys);
  }
  return 0;
}
