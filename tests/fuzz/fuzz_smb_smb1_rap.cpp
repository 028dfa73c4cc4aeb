// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: RAP NetShareEnum answers, whole (an SMB1 TRANSACTION response whose parameters
// and data carry the call's answer) and as raw parameters and data (the first byte says how many
// of the rest are parameters).
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "src/proto/smb1/smb1_pipe.hpp"
#include "src/proto/smb1/smb1_rap.hpp"

namespace {

void check(const legacyscan::Decoded<legacyscan::smb::RapNetShareEnumResponse>& r, std::size_t data_size) {
  if (!r) return;
  if (r->shares.size() != (r->listed() ? r->entries_returned : 0U)) std::abort();
  if (r->shares.size() * 20 > data_size) std::abort();  // every entry takes 20 bytes of the data
  for (const auto& s : r->shares)
    if (s.name.size() > 2 * 13) std::abort();  // 13 OEM bytes, each at most two in UTF-8
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan;
  using namespace legacyscan::smb;
  const ByteView in(data, size);
  if (auto t = decode_smb1_transaction_response(in); t && !t->is_error())
    check(decode_rap_net_share_enum_response(t->Parameters, t->Data), t->Data.size());
  if (size > 0) {
    const std::size_t n = std::min<std::size_t>(data[0], size - 1);
    check(decode_rap_net_share_enum_response(in.subspan(1, n), in.subspan(1 + n)), size - 1 - n);
  }
  return 0;
}
