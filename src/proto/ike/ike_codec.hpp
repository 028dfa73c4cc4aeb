// SPDX-License-Identifier: Apache-2.0
// ISAKMP/IKEv1 and IKEv2 first messages, both directions. Pure codecs over byte spans.
//
// IKEv1: RFC 2408 3 (ISAKMP header and payloads), RFC 2409 5 and Appendix A (Main and Aggressive Mode,
// attribute classes and values), RFC 3602 (AES-CBC), RFC 4868 (SHA-2), RFC 3947 (NAT-T, non-ESP marker
// of RFC 3948 2.2). IKEv2: RFC 7296 3 (header, SA/KE/Nonce/Notify payloads, 3.3.2 transform ids,
// 3.10.1 notify types), RFC 7383 (fragmentation), RFC 5685 (redirect).
//
// The key exchange data sent is a valid public value that needs no private key: the generator itself
// (MODP: 2; ECP: the curve's base point; Curve25519: the base point 9). The responder accepts it as a
// value; nothing past the first exchange is ever sent, so no key is ever derived.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/bytes.hpp"

namespace legacyscan::ike {

inline constexpr std::size_t kHeaderSize = 28;     // RFC 2408 3.1, RFC 7296 3.1
inline constexpr std::size_t kMaxMessage = 65535;  // the header's length field is 32-bit: cap it

// RFC 2408 3.1 exchange types; RFC 7296 3.1.
inline constexpr std::uint8_t kExchangeMainMode = 2;
inline constexpr std::uint8_t kExchangeAggressive = 4;
inline constexpr std::uint8_t kExchangeInformational = 5;
inline constexpr std::uint8_t kExchangeIkeSaInit = 34;

// IKEv1 attribute values (RFC 2409 Appendix A).
namespace v1 {
inline constexpr std::uint16_t kEncDes = 1, kEnc3Des = 5, kEncAes = 7;
inline constexpr std::uint16_t kHashMd5 = 1, kHashSha1 = 2, kHashSha256 = 4, kHashSha384 = 5, kHashSha512 = 6;
inline constexpr std::uint16_t kAuthPsk = 1, kAuthRsaSig = 3;
}  // namespace v1

// One IKEv1 transform (a whole suite: RFC 2409 5 "each transform is a complete set").
struct V1Transform {
  std::uint16_t enc = 0;
  std::uint16_t key_length = 0;  // bits; 0 when the cipher has a fixed key length
  std::uint16_t hash = 0;
  std::uint16_t auth = 0;
  std::uint16_t group = 0;
  std::uint32_t life_seconds = 28800;
  friend bool operator==(const V1Transform& a, const V1Transform& b) {
    return a.enc == b.enc && a.key_length == b.key_length && a.hash == b.hash && a.auth == b.auth && a.group == b.group;
  }
};

struct V1Request {
  Bytes initiator_spi;  // 8 bytes
  bool aggressive = false;
  std::vector<V1Transform> transforms;  // aggressive: all of one group (the KE payload is for it)
  std::string id;                       // aggressive: the ID payload (FQDN)
  bool nat_t_vendor_ids = true;         // announce RFC 3947 and the drafts so the responder answers with its own
};
Bytes encode_v1_request(const V1Request& r);

// IKEv2 transform types (RFC 7296 3.3.2).
namespace v2 {
inline constexpr std::uint8_t kEncr = 1, kPrf = 2, kInteg = 3, kDh = 4;
}

struct V2Transform {
  std::uint8_t type = 0;
  std::uint16_t id = 0;
  std::uint16_t key_length = 0;  // bits (Key Length attribute), 0 = none
  friend bool operator==(const V2Transform& a, const V2Transform& b) {
    return a.type == b.type && a.id == b.id && a.key_length == b.key_length;
  }
};
struct V2Proposal {
  std::vector<V2Transform> transforms;
};
struct V2Request {
  Bytes initiator_spi;  // 8 bytes
  std::vector<V2Proposal> proposals;
  std::uint16_t ke_group = 0;  // the group the KE payload is for
  Bytes cookie;                // COOKIE notify data to echo (RFC 7296 2.6), empty when none
};
Bytes encode_v2_request(const V2Request& r);

// The key exchange data this codec sends for a group; empty for a group it does not know.
Bytes key_exchange_data(std::uint16_t group);

// RFC 3948 2.2: on port 4500 every IKE message starts with four zero bytes.
Bytes with_non_esp_marker(ByteView message);

struct Notify {
  std::uint16_t type = 0;
  std::uint8_t protocol = 0;
  Bytes data;  // at most 64 bytes kept
};

// A decoded response (either version): the header, and what its first payloads say.
struct Message {
  Bytes initiator_spi;
  Bytes responder_spi;
  std::uint8_t major_version = 0;  // 1 or 2
  std::uint8_t minor_version = 0;
  std::uint8_t exchange = 0;
  std::uint8_t flags = 0;
  std::uint32_t message_id = 0;
  std::vector<std::uint8_t> payloads;  // the payload types in order
  bool encrypted = false;              // v1 flag E, or a v2 SK payload: nothing past the header read
  // IKEv1: the transforms in the responder's SA payload (one when it chose).
  std::vector<V1Transform> v1_transforms;
  // IKEv2: the responder's chosen proposal.
  std::vector<V2Transform> v2_transforms;
  std::uint16_t v2_ke_group = 0;
  std::vector<Bytes> vendor_ids;
  std::vector<Notify> notifies;
};

// The response to one of the requests above; `marker` when it came from port 4500 (non-ESP marker).
Decoded<Message> decode_message(ByteView datagram, bool marker = false);

// Names for reports: "3DES", "AES-256-CBC"; "SHA1"; "PSK"; "modp1024", "ecp256".
std::string v1_enc_name(std::uint16_t enc, std::uint16_t key_length);
std::string v1_hash_name(std::uint16_t hash);
std::string v1_auth_name(std::uint16_t auth);
std::string group_name(std::uint16_t group);
std::string v2_transform_name(const V2Transform& t);
std::string notify_name(std::uint8_t major_version, std::uint16_t type);
// A vendor ID's name when it is a known one ("RFC 3947 NAT-T", "Microsoft Windows 7/2008 R2"), else "".
std::string vendor_id_name(ByteView vid);

}  // namespace legacyscan::ike
