// SPDX-License-Identifier: Apache-2.0
// The cipher-suite table: every suite of the IANA TLS Cipher Suites registry (legacy ones included:
// export, RC4, DES, 3DES, NULL, anonymous), with properties derived from the IANA name by
// gen_cipher_suites.py, not typed in by hand.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace legacyscan::tls {

struct CipherSuiteInfo {
  std::uint16_t id;
  std::string_view iana;    // "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  std::string_view kex;     // "RSA", "DH", "DHE", "ECDH", "ECDHE", "PSK", "KRB5", "SRP", "ANY" (TLS 1.3), ...
  std::string_view auth;    // "RSA", "DSS", "ECDSA", "anon", "PSK", "ANY" ...
  std::string_view cipher;  // "AES_128_GCM", "RC4_40", "3DES_EDE_CBC", "NULL"
  int cipher_bits;
  std::string_view mac;  // "SHA1", "SHA256", "MD5", "AEAD"
  bool pfs;              // ephemeral key exchange
  bool export_grade;
  bool anonymous;  // no server authentication (or NULL key exchange)
  bool tls13;      // a TLS 1.3 suite (RFC 8446 B.4)
};

std::span<const CipherSuiteInfo> cipher_suites();
const CipherSuiteInfo* find_cipher_suite(std::uint16_t id);
// The IANA name, or "0xC0FF" when the value is not in the table.
std::string cipher_suite_name(std::uint16_t id);
// "0xC02F"
std::string cipher_suite_hex(std::uint16_t id);
// Suites to offer for a version: TLS 1.3 suites for 1.3, all others otherwise.
std::vector<std::uint16_t> suites_for_version(std::uint16_t version);
// Weak by today's standards: NULL/anon/export, RC4, DES, 3DES, RC2, IDEA, MD5 MAC.
bool is_weak(const CipherSuiteInfo& s);
// The family a kex_bits value refers to: "ECDH", "DH", "RSA", or the table's kex for others.
std::string_view kex_family(const CipherSuiteInfo& s);

}  // namespace legacyscan::tls
