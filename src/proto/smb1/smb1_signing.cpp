// SPDX-License-Identifier: Apache-2.0
#include "src/proto/smb1/smb1_signing.hpp"

#include <algorithm>

#include "src/proto/crypto/crypto_primitives.hpp"
#include "src/proto/smb1/smb1_codec.hpp"

namespace legacyscan::smb {

namespace {

// [MS-CIFS] 2.2.3.1: Protocol (4), Command (1), Status (4), Flags (1), Flags2 (2), PIDHigh (2), then
// SecuritySignature (8).
constexpr std::size_t kFlags2Offset = 10;
constexpr std::size_t kSignatureOffset = 14;
constexpr std::size_t kHeaderSize = 32;

bool is_smb1(ByteView m) {
  return m.size() >= kHeaderSize && m[0] == 0xFF && m[1] == 'S' && m[2] == 'M' && m[3] == 'B';
}

Bytes signature_of(ByteView message, ByteView key, std::uint32_t sequence) {
  Bytes input(key.begin(), key.end());
  input.insert(input.end(), message.begin(), message.begin() + kSignatureOffset);
  for (int i = 0; i < 4; ++i) input.push_back(static_cast<std::uint8_t>(sequence >> (8 * i)));
  for (int i = 0; i < 4; ++i) input.push_back(0);
  input.insert(input.end(), message.begin() + kSignatureOffset + 8, message.end());
  Bytes digest = crypto::md5(input);
  digest.resize(8);
  return digest;
}

}  // namespace

bool smb1_sign(Bytes& message, ByteView signing_key, std::uint32_t sequence) {
  if (!is_smb1(message)) return false;
  message[kFlags2Offset] |= static_cast<std::uint8_t>(SMB_FLAGS2_SMB_SECURITY_SIGNATURE);
  const Bytes sig = signature_of(message, signing_key, sequence);
  for (std::size_t i = 0; i < 8; ++i) message[kSignatureOffset + i] = sig[i];
  return true;
}

Smb1Signature smb1_check_signature(ByteView message, ByteView signing_key, std::uint32_t sequence) {
  if (!is_smb1(message)) return Smb1Signature::not_smb1;
  const ByteView sent = message.subspan(kSignatureOffset, 8);
  if (std::all_of(sent.begin(), sent.end(), [](std::uint8_t b) { return b == 0; }))
    return Smb1Signature::unsigned_message;
  const Bytes want = signature_of(message, signing_key, sequence);
  return std::equal(sent.begin(), sent.end(), want.begin()) ? Smb1Signature::valid : Smb1Signature::bad;
}

const char* smb1_signature_name(Smb1Signature s) {
  switch (s) {
    case Smb1Signature::valid: return "valid";
    case Smb1Signature::bad: return "bad";
    case Smb1Signature::unsigned_message: return "unsigned";
    case Smb1Signature::not_smb1: return "not an SMB1 message";
  }
  return "bad";
}

}  // namespace legacyscan::smb
