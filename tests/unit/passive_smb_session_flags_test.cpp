// SPDX-License-Identifier: Apache-2.0
// Guest sessions in a capture: tests/data/pcap/smb-guest.pcap is smbclient (SMB3) logging on to the
// lab's "sessions" opennas server (map to guest = bad user) as a made-up user and with -N, both
// mapped to guest. How many sessions the server granted as guest, null or encrypted is counted by
// tshark's decoding of the same file.
#include <gtest/gtest.h>

#include "src/passive/findings.hpp"
#include "src/passive/passive.hpp"
#include "tests/unit/passive_capture_support.hpp"

namespace legacyscan::passive {
namespace {

using testing::kPcapDir;
using testing::tshark_fields;

std::uint64_t granted_with(std::uint16_t flag) {
  std::uint64_t n = 0;
  for (const auto& row :
       tshark_fields(kPcapDir + "smb-guest.pcap", "smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0",
                     {"smb2.session_flags"}))
    if (!row.empty() && (std::stoul(row[0], nullptr, 16) & flag) != 0) ++n;
  return n;
}

TEST(PassiveSmbSessionFlags, GuestSessionsOfARealClientAreCountedAndFound) {
  Analyzer a;
  ASSERT_EQ(read_capture_files({kPcapDir + "smb-guest.pcap"}, a), "");
  const Report r = a.finish();
  ASSERT_EQ(r.clients.size(), 1U);
  const Client& c = r.clients.begin()->second;
  ASSERT_TRUE(c.smb);
  const std::uint64_t guest = granted_with(0x0001);
  ASSERT_GT(guest, 0U);
  EXPECT_EQ(c.smb->session_flags.count("guest"), guest);
  EXPECT_EQ(c.smb->session_flags.count("null"), granted_with(0x0002));
  EXPECT_EQ(c.smb->session_flags.count("encrypted"), granted_with(0x0004));
  bool found = false, null_found = false;
  for (const auto& f : findings(c)) {
    found |= f.id == "smb-guest" && f.count == guest;
    null_found |= f.id == "smb-null-session";
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(null_found, granted_with(0x0002) != 0);
}

}  // namespace
}  // namespace legacyscan::passive
