// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the SMB1 named-pipe answers (NT_CREATE_ANDX, TRANSACTION, READ_ANDX responses).
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb1/smb1_pipe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  if (auto r = decode_smb1_nt_create_response(in); r && r->is_error() && r->header.Status == 0) std::abort();
  if (auto r = decode_smb1_transaction_response(in)) {
    if (r->is_error() && r->header.Status == 0) std::abort();  // an error always says why
    if (r->Data.size() > size) std::abort();
  }
  if (auto r = decode_smb1_read_andx_response(in)) {
    if (r->is_error() && r->header.Status == 0) std::abort();
    if (r->Data.size() > size) std::abort();
  }
  return 0;
}
