// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the whole pcap path of passive mode. The input is a capture file (pcap or
// pcapng, read by libpcap from memory); every packet goes through link/IP/TCP/UDP decoding, TCP
// reassembly and the protocol handlers; the report is rendered as JSON, table and CSV, and the
// what-if runs over it. Seeds: the lab captures of tests/data/pcap.
#include <cstdint>
#include <cstdlib>

#include "legacyscan/json_text.hpp"
#include "src/passive/passive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace legacyscan::passive;
  Limits limits;
  limits.max_flows = 64;  // small bounds so that eviction and overflow paths run too
  limits.max_stream_buffer = 4096;
  limits.max_out_of_order = 4096;
  Analyzer a(limits);
  (void)read_capture_buffer(legacyscan::ByteView(data, size), a);
  if (a.open_flows() > limits.max_flows) std::abort();
  const Report r = a.finish();
  (void)legacyscan::json_text(to_json(r));
  (void)to_table(r);
  (void)to_csv(r);
  std::string err;
  (void)capture_whatif(
      r, {"smb1", "smb2.0.2", "smb2.1", "rc4", "des", "ssl3", "tls1.0", "tls1.1", "netbios", "cldap", "ntlmv1", "ntlm"},
      {"smb-signing", "ldap-signing"}, err);
  return 0;
}
