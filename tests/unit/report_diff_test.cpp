// SPDX-License-Identifier: Apache-2.0
// `diff`: a server that accepts more legacy than before is a security regression, named by the
// hardening term it undoes. Also the end record of a JSON-lines scan, which merge and --resume skip.
#include <gtest/gtest.h>

#include "src/report/report.hpp"

namespace legacyscan {
namespace {

using nlohmann::json;

// The kerberos probe's etype_details (what its verdicts are computed from): each etype with the same
// verdict in every mode.
json etype_details(const json& verdicts) {
  json out = json::object();
  for (const auto& [name, verdict] : verdicts.items())
    for (const char* mode : {"udp", "tcp", "udp_with_aes", "tcp_with_aes"})
      out[name]["answers"][mode] = {{"verdict", verdict}};
  return out;
}

json scan_of(const json& smb_port, const json& kerberos_etypes, const json& tls_versions) {
  json host{{"target", "dc1"},
            {"address", "10.0.0.1"},
            {"probes",
             {{"smb", {{"status", "ok"}, {"ports", {{"445", smb_port}}}}},
              {"kerberos", {{"status", "ok"}, {"etype_details", etype_details(kerberos_etypes)}}},
              {"tls", {{"status", "ok"}, {"endpoints", json::array({{{"port", 636}, {"versions", tls_versions}}})}}}}}};
  return json{{"hosts", json::array({host})}};
}

json smb_port(bool smb1, bool signing_required, const json& dialects) {
  return json{{"status", "ok"},
              {"smb1", {{"enabled", smb1}, {"dialects", smb1 ? json::array({"NT LM 0.12"}) : json::array()}}},
              {"smb2", {{"dialects", dialects}, {"signing", {{"required", signing_required}}}}}};
}

TEST(ReportDiff, MoreLegacyAcceptedIsASecurityRegression) {
  const auto before = scan_of(smb_port(false, true, {"3.0", "3.1.1"}), {{"rc4-hmac", "rejected"}},
                              {{"tls1.0", "rejected"}, {"tls1.2", "accepted"}});
  const auto after = scan_of(smb_port(true, false, {"2.1", "3.0", "3.1.1"}), {{"rc4-hmac", "accepted"}},
                             {{"tls1.0", "accepted"}, {"tls1.2", "accepted"}});
  const auto d = diff_results(before, after);
  std::vector<std::string> terms;
  for (const auto& r : d["hosts"][0]["security_regressions"]) terms.push_back(r.at("term"));
  std::sort(terms.begin(), terms.end());
  EXPECT_EQ(terms, (std::vector<std::string>{"rc4", "smb-signing", "smb1", "smb2.1", "tls1.0"}));
  EXPECT_FALSE(d["hosts"][0]["security_regressions"][0].value("undoes", "").empty());
  // The other way round is hardening: changes, but no regression.
  const auto back = diff_results(after, before);
  EXPECT_EQ(back["hosts"][0]["change"], "changed");
  EXPECT_TRUE(back["hosts"][0]["security_regressions"].empty());
}

TEST(ReportDiff, JsonLinesEndRecordIsNoHost) {
  ScanSummary s;
  s.complete = false;
  s.hosts = 2;
  s.interrupted = {{3, "10.0.0.4"}};
  s.hosts_not_started = 5;
  const auto end = stream_end_to_json(s);
  EXPECT_TRUE(is_stream_end(end));
  EXPECT_EQ(end.at("hosts_done"), 2);
  EXPECT_EQ(end.at("hosts_not_started"), 5);
  EXPECT_EQ(end.at("hosts_interrupted")[0].at("target"), "10.0.0.4");
  const std::string lines = R"({"index": 0, "target": "a", "probes": {}})"
                            "\n" +
                            end.dump() + "\n";
  std::string err;
  const auto merged = merge_results({{"cut.jsonl", lines}}, err);
  ASSERT_TRUE(merged) << err;
  EXPECT_EQ(merged->at("hosts").size(), 1u);
  EXPECT_FALSE(merged->at("complete").get<bool>());
}

}  // namespace
}  // namespace legacyscan
