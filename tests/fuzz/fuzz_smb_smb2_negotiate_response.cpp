// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: SMB2 header and NEGOTIATE response (with 3.1.1 negotiate contexts, or an ERROR
// response), and the parse -> encode -> parse round trip.
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb2/smb2_codec.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  (void)decode_smb2_header(in);
  auto first = decode_smb2_negotiate_response(in);
  if (!first) return 0;
  check(first->response.has_value() != first->error.has_value());
  (void)first->status_string();
  if (!first->response) return 0;
  const auto& n = *first->response;
  check(n.SecurityBuffer.size() == n.SecurityBufferLength || n.SecurityBufferLength == 0);
  check(n.contexts.all.size() <= kMaxNegotiateContexts);
  (void)smb2_capability_names(n.Capabilities);
  for (auto c : n.contexts.Ciphers) (void)smb2_cipher_name(c);
  Smb2Header h = first->header;
  h.NextCommand = 0;  // the re-encoded message is a single one
  auto bytes1 = encode_smb2_negotiate_response(h, n);
  check(bytes1.has_value());
  auto second = decode_smb2_negotiate_response(*bytes1);
  check(second && second->response);
  check(second->response->DialectRevision == n.DialectRevision && second->response->SecurityBuffer == n.SecurityBuffer);
  if (n.DialectRevision == SMB2_DIALECT_311) check(second->response->contexts == n.contexts);
  auto bytes2 = encode_smb2_negotiate_response(second->header, *second->response);
  check(bytes2 && *bytes2 == *bytes1);
  return 0;
}
