// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the [MS-ADTS] 6.3.1.7-6.3.1.9 NETLOGON response decoder (every NtVersion variant)
// and the RFC 1035 4.1.4 compressed-name reader at every offset.
#include <cstdint>
#include <cstdlib>

#include "src/proto/netlogon/netlogon_sam_logon.hpp"

namespace {

using namespace legacyscan;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  auto r = netlogon::decode_netlogon_response(in);
  if (r) {
    for (const auto* name : {&r->DnsForestName, &r->DnsDomainName, &r->DnsHostName, &r->DcSiteName, &r->ClientSiteName,
                             &r->NextClosestSiteName})
      check(name->size() <= 255);
    check(r->LmNtToken == 0xffff && r->Lm20Token == 0xffff);
    (void)netlogon::ds_flag_names(r->Flags);
    (void)netlogon::os_generation(r->Flags);
    (void)netlogon::nt_version_names(r->NtVersion);
  } else {
    check(!r.error.empty());
  }
  for (std::size_t off = 0; off < size && off < 512; ++off) {
    std::size_t pos = off;
    std::string name, error;
    if (netlogon::read_compressed_name(in, pos, name, error)) {
      check(pos > off && pos <= size && name.size() <= 255);
    } else {
      check(!error.empty() && pos == off);
    }
  }
  return 0;
}
