// SPDX-License-Identifier: Apache-2.0
#include "src/proto/tls/tls_cipher_suites.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "src/proto/tls/tls_codec.hpp"

namespace legacyscan::tls {

namespace {
constexpr CipherSuiteInfo kSuites[] = {
#include "src/proto/tls/tls_cipher_suites.inc"
};
}  // namespace

std::span<const CipherSuiteInfo> cipher_suites() { return kSuites; }

const CipherSuiteInfo* find_cipher_suite(std::uint16_t id) {
  for (const auto& s : kSuites)
    if (s.id == id) return &s;
  return nullptr;
}

std::string cipher_suite_hex(std::uint16_t id) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", id);
  return buf;
}

std::string cipher_suite_name(std::uint16_t id) {
  if (const auto* s = find_cipher_suite(id)) return std::string(s->iana);
  return cipher_suite_hex(id);
}

std::vector<std::uint16_t> suites_for_version(std::uint16_t version) {
  std::vector<std::uint16_t> out;
  for (const auto& s : kSuites)
    if (s.tls13 == (version == TLS1_3_VERSION)) out.push_back(s.id);
  return out;
}

bool is_weak(const CipherSuiteInfo& s) {
  const std::string_view c = s.cipher;
  return s.export_grade || s.anonymous || s.cipher_bits < 112 || c.starts_with("RC4") || c.starts_with("DES") ||
         c.starts_with("3DES") || c.starts_with("RC2") || c.starts_with("IDEA") || c == "NULL" || s.mac == "MD5";
}

std::string_view kex_family(const CipherSuiteInfo& s) {
  if (s.kex == "ECDHE" || s.kex == "ECDH") return "ECDH";
  if (s.kex == "DHE" || s.kex == "DH") return "DH";
  return s.kex;
}

}  // namespace legacyscan::tls
