// SPDX-License-Identifier: Apache-2.0
// The NetBIOS result's JSON keys are a contract (docs/probes/netbios.md): check them on a result built from real
// replies.
#include <gtest/gtest.h>

#include "probes/netbios/netbios_result.hpp"
#include "src/proto/netbios/netbios_codec.hpp"
#include "tests/unit/netbios_test_support.hpp"

namespace legacyscan::netbios {
namespace {

netlogon::NetlogonReply reply_of(const std::string& name) {
  auto d = decode_datagram(testdata::golden(name));
  EXPECT_TRUE(d && d->direct);
  auto ms = decode_mailslot_write(d->direct->USER_DATA);
  EXPECT_TRUE(ms);
  auto r = netlogon::decode_netlogon_reply(ms->data);
  EXPECT_TRUE(r) << r.error;
  return *r;
}

TEST(NetbiosResult, JsonKeysOfTheContract) {
  NetbiosResult res;
  NodeStatusInfo ns;
  ns.names.push_back(NameEntry{"LEGACY", "1C", "domain controllers", true, "M", {"active"}});
  ns.workgroup = "LEGACY";
  ns.computer = "DC1";
  ns.unit_id = "00:00:00:00:00:00";
  ns.attempts = 1;
  res.node_status = ns;
  MailslotInfo sam;
  sam.request = "LOGON_SAM_LOGON_REQUEST";
  sam.destination = "LEGACY<1C>";
  sam.nt_version_sent = 1;
  sam.local_port = 40000;
  sam.attempts = 1;
  sam.reply = reply_of("legacy_sam_logon_v1_response");
  res.sam_logon = sam;
  MailslotInfo ex = sam;
  ex.nt_version_sent = 6;
  ex.reply = reply_of("legacy_sam_logon_v5ex_response");
  res.sam_logon_v5ex = ex;
  MailslotInfo primary;
  primary.request = "LOGON_PRIMARY_QUERY";
  primary.reply = reply_of("legacy_primary_query_response");
  res.primary_query = primary;
  MailslotInfo silent;
  silent.request = "LOGON_SAM_LOGON_REQUEST";
  silent.outcome = Outcome::failure(Status::timeout, "udp 138: no reply after 3 attempts");
  silent.attempts = 3;
  res.sam_logon_machine_account = silent;
  res.session_port_139 = "open";

  const auto j = res.to_json();
  EXPECT_EQ(j["status"], "ok");
  const auto& n = j["node_status"];
  EXPECT_EQ(n["status"], "ok");
  EXPECT_EQ(n["workgroup"], "LEGACY");
  EXPECT_EQ(n["computer"], "DC1");
  EXPECT_TRUE(n["unit_id"].is_string());
  for (const char* k : {"name", "suffix", "type", "group", "flags"}) EXPECT_TRUE(n["names"][0].contains(k)) << k;
  EXPECT_EQ(n["names"][0]["suffix"], "1C");

  const auto& s = j["sam_logon"];
  for (const char* k :
       {"status", "nt_version_sent", "reply_opcode", "reply", "pdc_name", "domain", "user", "local_port"})
    EXPECT_TRUE(s.contains(k)) << k;
  EXPECT_EQ(s["reply"], "LOGON_SAM_LOGON_RESPONSE");
  EXPECT_EQ(s["reply_opcode"], 0x13);
  EXPECT_EQ(s["pdc_name"], "DC1");
  EXPECT_EQ(s["domain"], "LEGACY");

  EXPECT_EQ(j["sam_logon_v5ex"]["reply"], "LOGON_SAM_LOGON_RESPONSE_EX");
  EXPECT_EQ(j["sam_logon_v5ex"]["dns_domain"], "legacy.test");
  EXPECT_TRUE(j["sam_logon_v5ex"]["ds_flag_names"].is_array());
  EXPECT_EQ(j["primary_query"]["pdc_name"], "DC1");
  EXPECT_EQ(j["primary_query"]["domain"], "LEGACY");
  EXPECT_EQ(j["sam_logon_machine_account"]["status"], "timeout");
  EXPECT_TRUE(j["sam_logon_machine_account"].contains("reason"));
  EXPECT_EQ(j["session_port_139"], "open");

  std::vector<Finding> rows;
  res.findings(rows);
  EXPECT_GE(rows.size(), 5u);
  // Must serialize: nothing in it is invalid UTF-8.
  EXPECT_NO_THROW((void)j.dump());
}

TEST(NetbiosResult, OddNamesStayValidJson) {
  NetbiosResult res;
  NodeStatusInfo ns;
  ns.names.push_back(
      NameEntry{printable(std::string("\x01\x02__MSBROWSE__\x02", 15)), "01", "master browser", true, "B", {}});
  ns.names.push_back(NameEntry{printable("CAF\xc9"), "20", "file server service", false, "B", {}});
  res.node_status = ns;
  EXPECT_NO_THROW((void)res.to_json().dump());
  EXPECT_EQ(res.to_json()["node_status"]["names"][1]["name"], "CAF\\xc9");
}

}  // namespace
}  // namespace legacyscan::netbios
