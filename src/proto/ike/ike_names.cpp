// SPDX-License-Identifier: Apache-2.0
// Names of IKE algorithms, groups, notify types and vendor IDs, for reports (RFC 2409 Appendix A,
// RFC 7296 3.3.2 and 3.10.1; the IANA "IKE Attributes" and "IKEv2 Parameters" registries).
#include <array>
#include <utility>

#include "src/proto/ike/ike_codec.hpp"

namespace legacyscan::ike {

namespace {
std::string number(std::string_view what, unsigned v) { return std::string(what) + "-" + std::to_string(v); }
}  // namespace

std::string v1_enc_name(std::uint16_t enc, std::uint16_t key_length) {
  switch (enc) {
    case v1::kEncDes: return "DES-CBC";
    case 2: return "IDEA-CBC";
    case 3: return "Blowfish-CBC";
    case 4: return "RC5-CBC";
    case v1::kEnc3Des: return "3DES-CBC";
    case 6: return "CAST-CBC";
    case v1::kEncAes: return "AES-" + (key_length ? std::to_string(key_length) : std::string("128")) + "-CBC";
    default: return number("enc", enc);
  }
}

std::string v1_hash_name(std::uint16_t hash) {
  switch (hash) {
    case v1::kHashMd5: return "MD5";
    case v1::kHashSha1: return "SHA1";
    case 3: return "Tiger";
    case v1::kHashSha256: return "SHA2-256";
    case v1::kHashSha384: return "SHA2-384";
    case v1::kHashSha512: return "SHA2-512";
    default: return number("hash", hash);
  }
}

std::string v1_auth_name(std::uint16_t auth) {
  switch (auth) {
    case v1::kAuthPsk: return "PSK";
    case 2: return "DSS";
    case v1::kAuthRsaSig: return "RSA-sig";
    case 4: return "RSA-enc";
    case 5: return "RSA-revised-enc";
    case 9: return "ECDSA-sig";
    case 65001: return "XAUTH-PSK";
    default: return number("auth", auth);
  }
}

std::string group_name(std::uint16_t group) {
  switch (group) {
    case 1: return "modp768";
    case 2: return "modp1024";
    case 5: return "modp1536";
    case 14: return "modp2048";
    case 15: return "modp3072";
    case 16: return "modp4096";
    case 17: return "modp6144";
    case 18: return "modp8192";
    case 19: return "ecp256";
    case 20: return "ecp384";
    case 21: return "ecp521";
    case 31: return "curve25519";
    case 32: return "curve448";
    default: return number("group", group);
  }
}

std::string v2_transform_name(const V2Transform& t) {
  const std::string bits = t.key_length ? "-" + std::to_string(t.key_length) : "";
  switch (t.type) {
    case v2::kEncr:
      switch (t.id) {
        case 2: return "DES-CBC";
        case 3: return "3DES-CBC";
        case 12: return "AES" + bits + "-CBC";
        case 13: return "AES" + bits + "-CTR";
        case 18: return "AES" + bits + "-GCM-8";
        case 19: return "AES" + bits + "-GCM-12";
        case 20: return "AES" + bits + "-GCM-16";
        case 28: return "CHACHA20-POLY1305";
        default: return number("encr", t.id);
      }
    case v2::kPrf:
      switch (t.id) {
        case 1: return "PRF-HMAC-MD5";
        case 2: return "PRF-HMAC-SHA1";
        case 4: return "PRF-AES128-XCBC";
        case 8: return "PRF-AES128-CMAC";
        case 5: return "PRF-HMAC-SHA2-256";
        case 6: return "PRF-HMAC-SHA2-384";
        case 7: return "PRF-HMAC-SHA2-512";
        default: return number("prf", t.id);
      }
    case v2::kInteg:
      switch (t.id) {
        case 1: return "HMAC-MD5-96";
        case 2: return "HMAC-SHA1-96";
        case 5: return "AES-XCBC-96";
        case 8: return "AES-CMAC-96";
        case 12: return "HMAC-SHA2-256-128";
        case 13: return "HMAC-SHA2-384-192";
        case 14: return "HMAC-SHA2-512-256";
        default: return number("integ", t.id);
      }
    case v2::kDh: return group_name(t.id);
    default: return number("type" + std::to_string(t.type), t.id);
  }
}

std::string notify_name(std::uint8_t major_version, std::uint16_t type) {
  switch (type) {
    case 1: return major_version == 1 ? "INVALID-PAYLOAD-TYPE" : "UNSUPPORTED_CRITICAL_PAYLOAD";
    case 4: return major_version == 1 ? "INVALID-MAJOR-VERSION" : "INVALID_IKE_SPI";
    case 5: return major_version == 1 ? "INVALID-MINOR-VERSION" : "INVALID_MAJOR_VERSION";
    case 7: return "INVALID_SYNTAX";
    case 14: return "NO_PROPOSAL_CHOSEN";
    case 16: return major_version == 1 ? "PAYLOAD-MALFORMED" : "UNKNOWN";
    case 17: return major_version == 1 ? "INVALID-KEY-INFORMATION" : "INVALID_KE_PAYLOAD";
    case 18: return "INVALID-ID-INFORMATION";
    case 24: return "AUTHENTICATION_FAILED";
    case 16390: return "COOKIE";
    case 16388: return "NAT_DETECTION_SOURCE_IP";
    case 16389: return "NAT_DETECTION_DESTINATION_IP";
    case 16404: return "MULTIPLE_AUTH_SUPPORTED";
    case 16406: return "REDIRECT_SUPPORTED";
    case 16407: return "REDIRECT";
    case 16430: return "IKEV2_FRAGMENTATION_SUPPORTED";
    case 16431: return "SIGNATURE_HASH_ALGORITHMS";
    case 16418: return "CHILDLESS_IKEV2_SUPPORTED";
    default: return std::to_string(type);
  }
}

std::string vendor_id_name(ByteView vid) {
  // Prefixes: several vendor IDs carry a version or flags after a fixed part.
  static const std::array<std::pair<std::string_view, std::string_view>, 17> known = {{
      {"4a131c81070358455c5728f20e95452f", "RFC 3947 NAT-T"},
      {"90cb80913ebb696e086381b5ec427b1f", "NAT-T draft-02n"},
      {"cd60464335df21f87cfdb2fc68b6a448", "NAT-T draft-02"},
      {"7d9419a65310ca6f2c179d9215529d56", "NAT-T draft-03"},
      {"afcad71368a1f1c96b8696fc77570100", "Dead Peer Detection v1.0"},
      {"09002689dfd6b712", "XAUTH"},
      {"4048b7d56ebce88525e7de7f00d6c2d3", "IKE fragmentation"},
      {"882fe56d6fd20dbc2251613b2ebe5beb", "strongSwan"},
      {"12f5f28c457168a9702d9fe274cc0100", "Cisco Unity"},
      {"1e2b516905991c7d7c96fcbfb587e46100000009", "Microsoft Windows 8/Server 2012 or later"},
      {"1e2b516905991c7d7c96fcbfb587e46100000008", "Microsoft Windows 7/Server 2008 R2"},
      {"1e2b516905991c7d7c96fcbfb587e46100000006", "Microsoft Windows Server 2008"},
      {"1e2b516905991c7d7c96fcbfb587e46100000005", "Microsoft Windows Vista"},
      {"1e2b516905991c7d7c96fcbfb587e46100000004", "Microsoft Windows XP SP2/Server 2003"},
      {"1e2b516905991c7d7c96fcbfb587e46100000003", "Microsoft Windows 2000"},
      {"1e2b516905991c7d7c96fcbfb587e461", "Microsoft Windows (MS NT5 ISAKMPOAKLEY)"},
      {"fb1de3cdf341b7ea16b7e5be0855f120", "MS-Negotiation Discovery Capable"},
  }};
  const std::string h = to_hex(vid);
  for (const auto& [prefix, name] : known)
    if (h.rfind(prefix, 0) == 0) return std::string(name);
  return {};
}

}  // namespace legacyscan::ike
