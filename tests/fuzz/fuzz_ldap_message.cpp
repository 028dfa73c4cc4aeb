// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: LDAPMessage decoding as the LDAP probe reads it: a CLDAP datagram of several
// messages (decode_ldap_messages), one TCP-framed message (frame_ldap_message + decode_ldap_message),
// the search collector, and the NETLOGON value of any entry.
#include <cstdint>
#include <cstdlib>

#include "src/proto/ldap/ldap_codec.hpp"

namespace {

using namespace legacyscan;
using namespace legacyscan::ldap;

void check(bool ok) {
  if (!ok) std::abort();
}

void netlogon_of(const std::vector<LDAPMessage>& messages) {
  for (const auto& m : messages) {
    if (!m.searchResEntry) continue;
    if (const auto* a = m.searchResEntry->find("Netlogon"))
      for (const auto& v : a->vals) (void)netlogon::decode_netlogon_response(v);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in(data, size);
  auto all = decode_ldap_messages(in);
  if (all) {
    check(!all->empty());
    netlogon_of(*all);
    (void)collect_search_response(*all, 1);
  } else {
    check(!all.error.empty());
  }
  // TCP framing: a complete frame never claims more than is buffered, and need_more only asks for more.
  const Frame f = frame_ldap_message(in, 1 << 20);
  if (f.state == Frame::State::complete) {
    check(f.size <= size && f.size >= 2);
    auto one = decode_ldap_message(in.first(f.size));
    if (!one) check(!one.error.empty());
  } else if (f.state == Frame::State::need_more) {
    check(f.size == 0 || f.size > size);
  } else {
    check(!f.error.empty());
  }
  return 0;
}
