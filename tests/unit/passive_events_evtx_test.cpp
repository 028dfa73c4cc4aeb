// SPDX-License-Identifier: Apache-2.0
// `legacyscan events` on a native .evtx log recorded on real Windows machines (tests/data/README.md
// names its source and licence). What legacyscan finds is compared with what evtxexport
// (libevtx-utils) shows for the same file, read at test time; then the error paths: a file that is
// not EVTX, a truncated header, a damaged record.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "src/passive/passive.hpp"
#include "tests/unit/evtx_export_support.hpp"

namespace legacyscan::passive {
namespace {

using test::exported_events;

const std::string kSample = std::string(LEGACYSCAN_SOURCE_DIR) + "/tests/data/events/Security_with_size_t.evtx";

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string temp_file(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / ("legacyscan-evtx-test-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

bool given(const std::string& v) { return !v.empty() && v != "-"; }

TEST(PassiveEventsEvtx, FindingsEqualWhatEvtxexportShows) {
  const std::string xml = test::evtxexport_xml(kSample);
  const auto events = exported_events(xml);
  ASSERT_FALSE(events.empty()) << "evtxexport (libevtx-utils) gave no events";

  // What the 4624 events say: the NTLM version each client (by address, else workstation) used.
  std::map<std::string, std::map<std::string, std::uint64_t>> want;
  for (const auto& e : events) {
    if (e.id != 4624) continue;
    const auto get = [&e](const char* k) { return e.data.count(k) ? e.data.at(k) : std::string(); };
    const std::string package = get("LmPackageName");
    if (package != "NTLM V1" && package != "NTLM V2") continue;
    const std::string who = given(get("IpAddress")) ? get("IpAddress") : get("WorkstationName");
    if (given(who)) ++want[who][package == "NTLM V1" ? "NTLMv1" : "NTLMv2"];
  }
  ASSERT_FALSE(want.empty()) << "the sample has no 4624 with an NTLM package and a client";

  Report r;
  ASSERT_EQ(read_events_file(kSample, r), "");
  EXPECT_EQ(r.source.events, events.size());
  std::map<std::string, std::map<std::string, std::uint64_t>> got;
  for (const auto& [key, c] : r.clients) {
    if (!c.ntlm) continue;
    const std::string who = c.address.empty() && !c.names.empty() ? c.names.values.begin()->first : c.address;
    for (const auto& [version, seen] : c.ntlm->versions.values) got[who][version] = c.ntlm->versions.count(version);
  }
  EXPECT_EQ(got, want);

  // The same file through evtxexport's XML gives the same report (but for the input's name).
  Report from_xml;
  ASSERT_EQ(read_events_text(xml, kSample, from_xml), "");
  EXPECT_EQ(to_json(from_xml), to_json(r));
}

TEST(PassiveEventsEvtx, NotEvtxIsAnError) {
  Report r;
  const std::string err = read_events_file(temp_file("json.evtx", "[{\"Id\": 4624}]"), r);
  EXPECT_NE(err.find("not an EVTX file"), std::string::npos) << err;
}

TEST(PassiveEventsEvtx, TruncatedHeaderIsAnError) {
  Report r;
  const std::string err = read_events_file(temp_file("truncated.evtx", bytes_of(kSample).substr(0, 200)), r);
  EXPECT_NE(err.find("not a readable EVTX file"), std::string::npos) << err;
}

// A record whose binary XML is overwritten: the other records are still read, and the damage is
// counted and noted.
TEST(PassiveEventsEvtx, DamagedRecordGivesPartialResults) {
  Report whole;
  ASSERT_EQ(read_events_file(kSample, whole), "");
  std::string bytes = bytes_of(kSample);
  // The first chunk's records start after the 4096-byte file header and the 512-byte chunk header;
  // each begins with its signature and its size (EVTX record header: signature, size).
  std::size_t off = 4096 + 512;
  for (int i = 0; i < 3; ++i) {
    std::uint32_t size = 0;
    for (int b = 3; b >= 0; --b)
      size = size << 8 | static_cast<unsigned char>(bytes[off + 4 + static_cast<std::size_t>(b)]);
    off += size;
  }
  for (std::size_t k = off + 64; k < off + 104; ++k) bytes[k] = static_cast<char>(0xAA);
  Report r;
  ASSERT_EQ(read_events_file(temp_file("damaged.evtx", bytes), r), "");
  EXPECT_EQ(r.source.events, whole.source.events);
  EXPECT_EQ(r.source.events_skipped["corrupt EVTX record (libevtx could not decode it)"], 1u);
  EXPECT_FALSE(r.source.warnings.empty());
  EXPECT_GT(r.source.events_used, 0u);
}

}  // namespace
}  // namespace legacyscan::passive
