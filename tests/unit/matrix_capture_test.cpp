// SPDX-License-Identifier: Apache-2.0
// Offers from the wire: every profile TLS stack that names a real capture of its client's hello is
// compared, at test time, with that capture — SSL Labs' captured client hellos as Debian's testssl.sh
// package ships them (/etc/testssl/client-simulation.txt, a declared test dependency in scripts/deps).
// Nothing of that file is copied into this repository: the profiles state their facts with their
// sources, and this test holds them to the capture. What the matrix sends (the hello it builds from the
// profile, read back with the passive decoders) must carry the capture's versions, suites in order,
// SSL 2.0 cipher kinds and groups, except where the profile says why it deliberately differs.
#if defined(LEGACYSCAN_PROBE_MATRIX) && defined(LEGACYSCAN_PROBE_TLS)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "probes/matrix/matrix_hello.hpp"
#include "src/compat/profiles.hpp"
#include "src/proto/tls/tls_client_hello.hpp"
#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::matrix {
namespace {

constexpr const char* kCaptures = "/etc/testssl/client-simulation.txt";

struct Capture {
  std::string hello_hex;
  std::uint16_t lowest = 0, highest = 0;  // SSL Labs' lowest_protocol / highest_protocol
};

// The file is a bash script of parallel arrays (names+=("..."), handshakebytes+=("...") ...): one
// client per names+= line, its other fields following it.
std::map<std::string, Capture> read_captures() {
  std::map<std::string, Capture> out;
  std::ifstream f(kCaptures);
  const std::regex line(R"re(^\s*(\w+)\+=\("?([^"]*)"?\)\s*$)re");
  std::string text, current;
  std::smatch m;
  while (std::getline(f, text)) {
    if (!std::regex_match(text, m, line)) continue;
    const std::string key = m[1], value = m[2];
    if (key == "names") current = value;
    if (current.empty()) continue;
    auto& c = out[current];
    if (key == "handshakebytes") c.hello_hex = value;
    if (key == "lowest_protocol") c.lowest = static_cast<std::uint16_t>(std::stoul(value, nullptr, 16));
    if (key == "highest_protocol") c.highest = static_cast<std::uint16_t>(std::stoul(value, nullptr, 16));
  }
  return out;
}

// A captured (or built) first flight, decoded: an SSL 2.0-format CLIENT-HELLO or a TLS record.
tls::ClientHello decode_flight(const Bytes& b, const std::string& who) {
  if (!b.empty() && (b[0] & 0x80) != 0) {
    auto h = tls::decode_ssl2_client_hello(b);
    EXPECT_TRUE(h) << who << ": " << h.error;
    return h ? *h.value : tls::ClientHello{};
  }
  auto rec = tls::read_record(b);
  if (!rec || !rec->record || rec->record->type != 22) {
    ADD_FAILURE() << who << ": not a handshake record";
    return {};
  }
  auto split = tls::split_handshake(rec->record->fragment);
  if (!split || split->messages.empty() || split->messages.front().msg_type != 1) {
    ADD_FAILURE() << who << ": no ClientHello";
    return {};
  }
  auto h = tls::decode_client_hello(split->messages.front().body);
  EXPECT_TRUE(h) << who << ": " << h.error;
  return h ? *h.value : tls::ClientHello{};
}

// SSL Labs writes SSL 2.0 as 0x0200; the profiles say "ssl2".
std::uint16_t wire_version(const std::string& v) { return v == "ssl2" ? 0x0200 : tls_version_code(v); }

std::set<std::uint16_t> window(std::uint16_t lowest, std::uint16_t highest) {
  std::set<std::uint16_t> out;
  for (std::uint16_t v : {0x0200, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304})
    if (v >= lowest && v <= highest) out.insert(v);
  return out;
}

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(v));
  return buf;
}

std::string hex_list(const std::vector<std::uint16_t>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : " ") + hex16(x);
  return s;
}

std::string hex_list(const std::vector<std::uint32_t>& v) {
  std::string s;
  char buf[16];
  for (auto x : v) {
    std::snprintf(buf, sizeof buf, "0x%06X", static_cast<unsigned>(x));
    s += (s.empty() ? "" : " ") + std::string(buf);
  }
  return s;
}

// The scripts/deps line that makes testssl.sh a declared test dependency: then a missing file fails.
bool declared_dependency() {
  std::ifstream f(std::string(LEGACYSCAN_SOURCE_DIR) + "/scripts/deps");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return std::regex_search(text, std::regex(R"((^|\s)testssl\.sh(\s|\)|$))"));
}

TEST(MatrixCaptures, TheCaptureFileIsADeclaredTestDependency) {
  ASSERT_TRUE(declared_dependency()) << "scripts/deps must list testssl.sh (the captured client hellos)";
  ASSERT_TRUE(std::filesystem::exists(kCaptures))
      << kCaptures << " is missing: install Debian's testssl.sh (scripts/deps --update)";
  EXPECT_GT(read_captures().size(), 50u);
}

TEST(MatrixCaptures, EveryCapturedStackOffersWhatTheRealClientSent) {
  ASSERT_TRUE(std::filesystem::exists(kCaptures)) << kCaptures << ": install testssl.sh (scripts/deps)";
  const auto captures = read_captures();
  std::size_t compared = 0;
  for (const auto& p : all_profiles())
    for (const auto& stack : p.tls) {
      if (!stack.capture) continue;
      const std::string who = p.id + " / " + stack.stack + " vs capture '" + stack.capture->client + "'";
      const auto it = captures.find(stack.capture->client);
      ASSERT_NE(it, captures.end()) << who << ": no such client in " << kCaptures;
      const auto& cap = it->second;
      Bytes wire;
      ASSERT_TRUE(from_hex(cap.hello_hex, wire)) << who;
      const auto real = decode_flight(wire, who + " (capture)");
      auto built_bytes = client_hello_of(stack);
      ASSERT_TRUE(built_bytes) << who << ": " << built_bytes.error;
      const auto built = decode_flight(*built_bytes.value, who + " (matrix hello)");
      ++compared;

      // Each aspect equals the capture, or the profile says why not and it really differs.
      const auto& differs = stack.capture->differs;
      auto check = [&](const std::string& aspect, bool same, const std::string& detail) {
        if (differs.contains(aspect))
          EXPECT_FALSE(same) << who << ": the profile says its " << aspect
                             << " differ from the capture, but they are the same (stale 'differs')";
        else
          EXPECT_TRUE(same) << who << ": " << aspect << " differ from the capture\n" << detail;
      };
      std::set<std::uint16_t> versions;
      for (const auto& v : stack.versions) versions.insert(wire_version(v));
      const auto real_versions = real.offered_versions();
      const std::uint16_t real_max = real.ssl2_format && real.legacy_version == 0x0002
                                         ? 0x0200
                                         : *std::max_element(real_versions.begin(), real_versions.end());
      EXPECT_EQ(real_max, cap.highest) << who << ": the capture's hello and its highest_protocol disagree";
      check(
          "versions", versions == window(cap.lowest, real_max) && real.ssl2_format == built.ssl2_format,
          "capture: " + hex16(cap.lowest) + ".." + hex16(real_max) + (real.ssl2_format ? " in an SSL 2.0 hello" : ""));
      check("cipher_suites", built.cipher_suites == real.cipher_suites,
            "capture: " + hex_list(real.cipher_suites) + "\nmatrix:  " + hex_list(built.cipher_suites));
      check("ssl2_cipher_kinds", built.ssl2_cipher_kinds == real.ssl2_cipher_kinds,
            "capture: " + hex_list(real.ssl2_cipher_kinds) + "\nmatrix:  " + hex_list(built.ssl2_cipher_kinds));
      const auto groups_of = [](const tls::ClientHello& h) {
        return h.supported_groups.value_or(std::vector<std::uint16_t>{});
      };
      check("groups", groups_of(built) == groups_of(real),
            "capture: " + hex_list(groups_of(real)) + "\nmatrix:  " + hex_list(groups_of(built)));
    }
  // The clients the captures show the field still runs: each has a profile compared with its hello.
  std::set<std::string> named;
  for (const auto& p : all_profiles())
    for (const auto& s : p.tls)
      if (s.capture) named.insert(s.capture->client);
  for (const char* client :
       {"IE 8 XP", "IE 6 XP", "IE 8-10 Win 7", "IE 11 Win 7", "IE 11 Win 8.1", "IE 10 Win Phone 8.0", "Android 4.4.2",
        "Safari 6.0.4 OS X 10.8.4", "Java 6u45", "Java 7u25", "Java 8u31"})
    EXPECT_TRUE(named.contains(client)) << "no profile is compared with the capture '" << client << "'";
  EXPECT_GE(compared, named.size());
}

}  // namespace
}  // namespace legacyscan::matrix
#endif
