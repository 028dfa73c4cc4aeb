// SPDX-License-Identifier: Apache-2.0
// `legacyscan events` on real domain controller Security logs (.evtx) holding 4768/4769
// (tests/data/README.md names their source and licence). Per client address and per account, the
// Kerberos facts legacyscan reads (requests, ticket etypes, services, failures, who used which
// account) are compared with what evtxexport (libevtx-utils) shows for the same records at test time.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <string>

#include "src/passive/passive.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"
#include "tests/unit/evtx_export_support.hpp"

namespace legacyscan::passive {
namespace {

using Counts = std::map<std::string, std::map<std::string, std::uint64_t>>;

std::string sample(const std::string& name) {
  return std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/events/" + name;
}

long number(const std::string& v) { return v.empty() || v == "-" ? 0 : std::stol(v, nullptr, 0); }

// "::ffff:10.0.0.1" is the IPv4 client 10.0.0.1.
std::string address(std::string a) { return a.rfind("::ffff:", 0) == 0 ? a.substr(7) : a; }

std::string user(std::string n) { return n.substr(0, n.find('@')); }

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// What evtxexport shows, per client address and per account, in the shape of legacyscan's facts.
struct Want {
  Counts requests, tickets, services, errors;  // by client address
  Counts account_tickets, used_by;             // by lower-case account name
  std::uint64_t events = 0, rc4_tickets = 0, failures = 0;
};

Want from_evtxexport(const std::vector<test::Exported>& events) {
  Want w;
  w.events = events.size();
  for (const auto& e : events) {
    if (e.id != 4768 && e.id != 4769) continue;
    const std::string who = address(e.get("IpAddress"));
    const long status = number(e.get("Status")), etype = number(e.get("TicketEncryptionType"));
    const std::string ticket = etype > 0 && etype != 0xffffffffL ? kerberos::etype_name(static_cast<int>(etype)) : "";
    ++w.requests[who][e.id == 4768 ? "AS-REQ" : "TGS-REQ"];
    if (!ticket.empty()) ++w.tickets[who][ticket];
    if (ticket == "rc4-hmac") ++w.rc4_tickets;
    if (status != 0) {
      ++w.errors[who]["event " + std::to_string(e.id) + " code " + e.get("Status")];
      ++w.failures;
    }
    const std::string client = user(e.get("TargetUserName"));
    if (e.id == 4768) {
      // 0x6, KDC_ERR_C_PRINCIPAL_UNKNOWN: no such account.
      if (status == 0x6 || client.empty()) continue;
      if (!ticket.empty()) ++w.account_tickets[lower(client)][ticket];
      ++w.used_by[lower(client)][who + "\t" + client + "\tas\t" + ticket];
      continue;
    }
    const std::string service = user(e.get("ServiceName"));
    if (!service.empty()) ++w.services[who][e.get("ServiceName")];
    // 0x7, KDC_ERR_S_PRINCIPAL_UNKNOWN: no such service account.
    if (status == 0x7 || service.empty()) continue;
    if (!ticket.empty()) ++w.account_tickets[lower(service)][ticket];
    ++w.used_by[lower(service)][who + "\t" + client + "\ttgs\t" + ticket];
  }
  return w;
}

Counts counts(const Report& r, Tally KerberosFacts::*field) {
  Counts out;
  for (const auto& [key, c] : r.clients) {
    if (!c.kerberos) continue;
    const Tally& t = (*c.kerberos).*field;
    for (const auto& [v, seen] : t.values) out[c.address][v] = t.count(v);
  }
  return out;
}

Counts counts(const Report& r, Tally KerberosAccountFacts::*field) {
  Counts out;
  for (const auto& [name, a] : r.kerberos_accounts)
    for (const auto& [v, seen] : (a.*field).values) out[name][v] = (a.*field).count(v);
  return out;
}

class PassiveEventsDcEvtx : public ::testing::TestWithParam<const char*> {};

TEST_P(PassiveEventsDcEvtx, KerberosFactsEqualWhatEvtxexportShows) {
  const std::string file = sample(GetParam());
  const std::string xml = test::evtxexport_xml(file);
  const Want want = from_evtxexport(test::exported_events(xml));
  ASSERT_FALSE(want.requests.empty()) << "evtxexport (libevtx-utils) shows no 4768/4769 in " << file;

  Report r;
  ASSERT_EQ(read_events_file(file, r), "");
  EXPECT_EQ(r.source.events, want.events);
  EXPECT_EQ(counts(r, &KerberosFacts::requests), want.requests);
  EXPECT_EQ(counts(r, &KerberosFacts::ticket_etypes), want.tickets);
  EXPECT_EQ(counts(r, &KerberosFacts::services), want.services);
  EXPECT_EQ(counts(r, &KerberosFacts::errors), want.errors);

  Counts accounts = counts(r, &KerberosAccountFacts::ticket_etypes);
  std::erase_if(accounts, [](const auto& a) { return a.second.empty(); });
  EXPECT_EQ(accounts, want.account_tickets);
  EXPECT_EQ(counts(r, &KerberosAccountFacts::used_by), want.used_by);
  for (const auto& [name, a] : r.kerberos_accounts)
    EXPECT_EQ(a.gets_rc4(), want.account_tickets.count(name) && want.account_tickets.at(name).count("rc4-hmac"))
        << name;

  // The same records through evtxexport's XML give the same report.
  Report from_xml;
  ASSERT_EQ(read_events_text(xml, file, from_xml), "");
  EXPECT_EQ(to_json(from_xml), to_json(r));
}

INSTANTIATE_TEST_SUITE_P(Samples, PassiveEventsDcEvtx,
                         ::testing::Values("dc-4769-kerberoast.evtx", "dc-4768-asrep-roasting.evtx",
                                           "dc-4768-unknown-users.evtx"));

// What each sample is kept for, as evtxexport shows it: RC4 tickets (a Kerberoast, an AS-REP roast)
// and failed requests (unknown users).
TEST(PassiveEventsDcEvtx, SamplesHoldWhatTheyAreKeptFor) {
  auto want = [](const char* name) {
    return from_evtxexport(test::exported_events(test::evtxexport_xml(sample(name))));
  };
  EXPECT_GT(want("dc-4769-kerberoast.evtx").rc4_tickets, 0u);
  EXPECT_GT(want("dc-4768-asrep-roasting.evtx").rc4_tickets, 0u);
  EXPECT_GT(want("dc-4768-unknown-users.evtx").failures, 0u);
}

}  // namespace
}  // namespace legacyscan::passive
