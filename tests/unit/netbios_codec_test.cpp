// SPDX-License-Identifier: Apache-2.0
// RFC 1002 name service and datagram service codecs and the mailslot SMB_COM_TRANSACTION, against
// packets captured from the lab's Samba 4.17 DCs.
#include <gtest/gtest.h>

#include "src/proto/netbios/netbios_codec.hpp"
#include "tests/unit/netbios_test_support.hpp"

namespace legacyscan::netbios {
namespace {

using testdata::golden;
using testdata::kScenarios;

std::uint16_t trn_id(const Bytes& b) { return static_cast<std::uint16_t>((b[0] << 8) | b[1]); }

TEST(NetbiosNames, WildcardIsNulPadded) {
  // RFC 1002 4.2.17: "*" followed by NULs, which first-level encodes to CK then 30 'A's.
  auto enc = smb::netbios_first_level_encode(wildcard_name());
  ASSERT_TRUE(enc);
  EXPECT_EQ(*enc, "CK" + std::string(30, 'A'));
}

TEST(NetbiosNames, PrintableEscapesEveryNonPrintableByte) {
  EXPECT_EQ(printable("DC1"), "DC1");
  EXPECT_EQ(printable(std::string("\x01\x02__MSBROWSE__\x02", 15)), "\\x01\\x02__MSBROWSE__\\x02");
  EXPECT_EQ(printable("\\MAILSLOT\\NET\xe9"), "\\MAILSLOT\\NET\\xe9");
}

TEST(NetbiosNames, SuffixMeanings) {
  EXPECT_EQ(suffix_meaning(0x1C, true, "LEGACY"), "domain controllers");
  EXPECT_EQ(suffix_meaning(0x1B, false, "LEGACY"), "domain master browser (PDC)");
  EXPECT_EQ(suffix_meaning(0x00, true, "LEGACY"), "domain/workgroup name");
  EXPECT_EQ(suffix_meaning(0x00, false, "DC1"), "workstation service");
  EXPECT_EQ(suffix_meaning(0x20, false, "DC1"), "file server service");
  EXPECT_EQ(owner_node_type(0x4400), "M");
  EXPECT_EQ(owner_node_type(0x0000), "B");
  EXPECT_EQ(owner_node_type(0x6000), "H");
}

// nmblookup -A's request, byte for byte, from our encoder given the same NAME_TRN_ID.
TEST(NetbiosNameService, NodeStatusRequestMatchesNmblookup) {
  const Bytes captured = golden("legacy_nmblookup_node_status_request");
  EXPECT_EQ(to_hex(encode_node_status_request(trn_id(captured))), to_hex(captured));
  for (const char* s : kScenarios) {
    const Bytes ours = golden(std::string(s) + "_node_status_request");
    EXPECT_EQ(to_hex(encode_node_status_request(trn_id(ours))), to_hex(ours)) << s;
    auto q = decode_name_service_request(ours);
    ASSERT_TRUE(q) << q.error;
    EXPECT_EQ(q->QUESTION_TYPE, RR_TYPE_NBSTAT);
    EXPECT_EQ(q->QUESTION_NAME.name, wildcard_name().name);
  }
}

TEST(NetbiosNameService, NameQueryRequestMatchesNmblookup) {
  const Bytes captured = golden("legacy_name_query_nosuch_request");
  auto enc = encode_name_query_request(trn_id(captured), NetbiosName{"NOSUCH", 0x20}, false);
  ASSERT_TRUE(enc) << enc.error;
  EXPECT_EQ(to_hex(*enc), to_hex(captured));
  const Bytes ours = golden("legacy_name_query_1c_request");
  auto q = decode_name_service_request(ours);
  ASSERT_TRUE(q) << q.error;
  EXPECT_EQ(q->QUESTION_NAME.name, "LEGACY");
  EXPECT_EQ(q->QUESTION_NAME.suffix, 0x1C);
  EXPECT_EQ(q->header.NM_FLAGS, 0);
  auto again = encode_name_query_request(q->header.NAME_TRN_ID, q->QUESTION_NAME, false);
  ASSERT_TRUE(again);
  EXPECT_EQ(to_hex(*again), to_hex(ours));
  EXPECT_FALSE(encode_name_query_request(1, NetbiosName{"SIXTEEN-CHARS-XX", 0x20}, false));
}

TEST(NetbiosNameService, NodeStatusResponseLegacy) {
  auto r = decode_node_status_response(golden("legacy_nmblookup_node_status_response"));
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->header.R);
  EXPECT_EQ(r->header.NM_FLAGS & NM_FLAG_AA, NM_FLAG_AA);
  ASSERT_EQ(r->NODE_NAME_ARRAY.size(), 8u);
  struct Want {
    const char* name;
    std::uint8_t suffix;
    bool group;
    std::uint16_t flags;
  };
  const Want want[] = {{"DC1", 0x00, false, 0x4400},      {"DC1", 0x03, false, 0x4400},
                       {"DC1", 0x20, false, 0x4400},      {"LEGACY", 0x1B, false, 0x4400},
                       {"LEGACY", 0x1C, true, 0xC400},    {"LEGACY", 0x00, true, 0xC400},
                       {"__SAMBA__", 0x00, true, 0xC600}, {"__SAMBA__", 0x20, true, 0xC600}};
  for (std::size_t i = 0; i < 8; ++i) {
    const auto& n = r->NODE_NAME_ARRAY[i];
    EXPECT_EQ(n.name, want[i].name) << i;
    EXPECT_EQ(n.suffix, want[i].suffix) << i;
    EXPECT_EQ(n.group(), want[i].group) << i;
    EXPECT_EQ(n.NAME_FLAGS, want[i].flags) << i;
  }
  EXPECT_EQ(r->NODE_NAME_ARRAY[6].flag_names(), (std::vector<std::string>{"active", "permanent"}));
  // nmblookup printed "MAC Address = F0-97-21-84-89-7F" for this very packet.
  EXPECT_EQ(to_hex(r->UNIT_ID), "f0972184897f");
  EXPECT_TRUE(r->has_statistics);
}

TEST(NetbiosNameService, NodeStatusResponseEveryScenario) {
  const std::pair<const char*, const char*> hosts[] = {{"legacy", "DC1"}, {"hardened", "DC2"}, {"stock", "DC3"}};
  const char* domains[] = {"LEGACY", "HARDENED", "STOCK"};
  for (std::size_t i = 0; i < 3; ++i) {
    auto r = decode_node_status_response(golden(std::string(hosts[i].first) + "_node_status_response"));
    ASSERT_TRUE(r) << r.error;
    bool computer = false, dcs = false, pdc = false;
    for (const auto& n : r->NODE_NAME_ARRAY) {
      computer = computer || (n.name == hosts[i].second && n.suffix == 0x20 && !n.group());
      dcs = dcs || (n.name == domains[i] && n.suffix == 0x1C && n.group());
      pdc = pdc || (n.name == domains[i] && n.suffix == 0x1B && !n.group());
    }
    EXPECT_TRUE(computer && dcs && pdc) << hosts[i].first;
  }
}

TEST(NetbiosNameService, NameQueryResponses) {
  auto dcs = decode_name_query_response(golden("legacy_name_query_1c_response"));
  ASSERT_TRUE(dcs) << dcs.error;
  EXPECT_TRUE(dcs->positive());
  EXPECT_EQ(dcs->RR_NAME.name, "LEGACY");
  EXPECT_EQ(dcs->RR_NAME.suffix, 0x1C);
  EXPECT_EQ(dcs->TTL, 300000u);
  ASSERT_EQ(dcs->ADDR_ENTRY.size(), 1u);
  EXPECT_TRUE(dcs->ADDR_ENTRY[0].group());
  EXPECT_EQ(dcs->ADDR_ENTRY[0].address(), "127.0.0.1");

  auto pdc = decode_name_query_response(golden("stock_name_query_1b_response"));
  ASSERT_TRUE(pdc) << pdc.error;
  EXPECT_EQ(pdc->RR_NAME.name, "STOCK");
  ASSERT_EQ(pdc->ADDR_ENTRY.size(), 1u);
  EXPECT_FALSE(pdc->ADDR_ENTRY[0].group());

  auto none = decode_name_query_response(golden("legacy_name_query_nosuch_response"));
  ASSERT_TRUE(none) << none.error;
  EXPECT_FALSE(none->positive());
  EXPECT_EQ(rcode_name(none->header.RCODE), "NAM_ERR");
  EXPECT_EQ(none->RR_TYPE, RR_TYPE_NULL);
  EXPECT_TRUE(none->ADDR_ENTRY.empty());
}

TEST(NetbiosNameService, ResponsesAreNotRequests) {
  EXPECT_FALSE(decode_node_status_response(golden("legacy_node_status_request")));
  EXPECT_FALSE(decode_name_query_response(golden("legacy_name_query_1c_request")));
  // A NODE STATUS answer is not a NAME QUERY answer and the other way round.
  EXPECT_FALSE(decode_name_query_response(golden("legacy_node_status_response")));
  EXPECT_FALSE(decode_node_status_response(golden("legacy_name_query_1c_response")));
}

// The RR_NAME may be a label pointer (RFC 1002 4.1 allows compression); it must point backwards.
TEST(NetbiosNameService, LabelPointers) {
  Bytes b = golden("legacy_name_query_1c_response");
  // Rewrite as QDCOUNT=1 with the question, then RR_NAME as a pointer to offset 12.
  Bytes q(b.begin() + 12, b.begin() + 12 + 34);
  Bytes pkt(b.begin(), b.begin() + 12);
  pkt[5] = 1;  // QDCOUNT
  pkt.insert(pkt.end(), q.begin(), q.end());
  pkt.push_back(0x00);
  pkt.push_back(0x20);
  pkt.push_back(0x00);
  pkt.push_back(0x01);
  pkt.push_back(0xC0);
  pkt.push_back(12);
  pkt.insert(pkt.end(), b.begin() + 12 + 34, b.end());
  auto r = decode_name_query_response(pkt);
  ASSERT_TRUE(r) << r.error;
  EXPECT_EQ(r->RR_NAME.name, "LEGACY");
  // A pointer to itself (or forwards) is refused.
  Bytes loop = pkt;
  loop[12 + 34 + 4 + 1] = static_cast<std::uint8_t>(12 + 34 + 4);
  EXPECT_FALSE(decode_name_query_response(loop));
}

TEST(NetbiosDatagram, RequestsRoundTrip) {
  for (const char* s : kScenarios)
    for (const char* what : {"sam_logon_v1", "sam_logon_v1_machine", "sam_logon_v5ex", "primary_query"}) {
      const std::string name = std::string(s) + "_" + what + "_request";
      const Bytes captured = golden(name);
      auto d = decode_datagram(captured);
      ASSERT_TRUE(d) << name << ": " << d.error;
      ASSERT_TRUE(d->direct) << name;
      EXPECT_EQ(d->MSG_TYPE, std::string(what) == "primary_query" ? 0x10 : 0x11) << name;
      EXPECT_EQ(d->FLAGS, DGM_FLAG_F);
      EXPECT_FALSE(d->fragment());
      EXPECT_EQ(d->direct->SOURCE_NAME.name, "LEGACYSCAN");
      EXPECT_EQ(d->direct->DESTINATION_NAME.suffix, std::string(what) == "primary_query" ? 0x1B : 0x1C);
      // SOURCE_IP/SOURCE_PORT carry the local socket, where Samba sends the reply.
      EXPECT_EQ(d->source().substr(0, 10), "127.0.0.1:");
      auto again = encode_direct_datagram(*d->direct);
      ASSERT_TRUE(again) << again.error;
      EXPECT_EQ(to_hex(*again), to_hex(captured)) << name;
      auto ms = decode_mailslot_write(d->direct->USER_DATA);
      ASSERT_TRUE(ms) << ms.error;
      EXPECT_EQ(ms->mailslot_name, kNetlogonMailslot);
      EXPECT_EQ(ms->Priority, 1);
      EXPECT_EQ(ms->Class, 2);
      auto smb = encode_mailslot_write(*ms);
      ASSERT_TRUE(smb);
      EXPECT_EQ(to_hex(*smb), to_hex(d->direct->USER_DATA)) << name;
    }
}

TEST(NetbiosDatagram, RepliesFromSamba) {
  for (const char* s : kScenarios) {
    const std::string name = std::string(s) + "_sam_logon_v1_response";
    auto d = decode_datagram(golden(name));
    ASSERT_TRUE(d) << name << ": " << d.error;
    EXPECT_EQ(datagram_type_name(d->MSG_TYPE), "DIRECT_UNIQUE DATAGRAM");
    EXPECT_EQ(d->SOURCE_PORT, kDatagramPort);  // Samba answers from its port 138
    ASSERT_TRUE(d->direct);
    EXPECT_EQ(d->direct->DESTINATION_NAME.name, "LEGACYSCAN");
    auto ms = decode_mailslot_write(d->direct->USER_DATA);
    ASSERT_TRUE(ms) << ms.error;
    EXPECT_EQ(ms->mailslot_name.rfind("\\MAILSLOT\\NET\\GETDC", 0), 0u) << ms->mailslot_name;
  }
}

TEST(NetbiosDatagram, ErrorDatagram) {
  const Bytes err{0x13, 0x02, 0x12, 0x34, 127, 0, 0, 1, 0x00, 0x8a, 0x82};
  auto d = decode_datagram(err);
  ASSERT_TRUE(d) << d.error;
  ASSERT_TRUE(d->ERROR_CODE);
  EXPECT_EQ(datagram_error_name(*d->ERROR_CODE), "DESTINATION NAME NOT PRESENT");
  EXPECT_FALSE(decode_datagram(Bytes{0x20, 0x02, 0, 0, 127, 0, 0, 1, 0, 0x8a}));
}

// Every proper prefix of every real packet is refused (and none crashes).
TEST(NetbiosTruncation, EveryPrefixOfEveryRealPacketFails) {
  auto prefixes_fail = [](const Bytes& b, auto decode, const std::string& name) {
    ASSERT_TRUE(decode(ByteView(b))) << name;
    for (std::size_t n = 0; n < b.size(); ++n)
      EXPECT_FALSE(decode(ByteView(b.data(), n))) << name << " cut to " << n << " of " << b.size();
  };
  auto node_status = [](ByteView v) { return decode_node_status_response(v).has_value(); };
  auto name_query = [](ByteView v) { return decode_name_query_response(v).has_value(); };
  auto request = [](ByteView v) { return decode_name_service_request(v).has_value(); };
  auto datagram = [](ByteView v) { return decode_datagram(v).has_value(); };
  for (const char* s : kScenarios) {
    const std::string sc(s);
    prefixes_fail(golden(sc + "_node_status_response"), node_status, sc + " node status");
    prefixes_fail(golden(sc + "_name_query_1c_response"), name_query, sc + " name query 1c");
    prefixes_fail(golden(sc + "_name_query_1b_response"), name_query, sc + " name query 1b");
    prefixes_fail(golden(sc + "_node_status_request"), request, sc + " node status request");
    for (const char* what : {"sam_logon_v1", "sam_logon_v1_machine", "sam_logon_v5ex", "primary_query"}) {
      const Bytes resp = golden(sc + "_" + what + "_response");
      prefixes_fail(resp, datagram, sc + " " + what + " datagram");
      auto d = decode_datagram(resp);
      ASSERT_TRUE(d && d->direct);
      prefixes_fail(
          d->direct->USER_DATA, [](ByteView v) { return decode_mailslot_write(v).has_value(); },
          sc + " " + what + " mailslot write");
    }
  }
  prefixes_fail(golden("legacy_name_query_nosuch_response"), name_query, "negative name query");
  prefixes_fail(golden("legacy_nmblookup_node_status_response"), node_status, "nmblookup node status");
}

}  // namespace
}  // namespace legacyscan::netbios
