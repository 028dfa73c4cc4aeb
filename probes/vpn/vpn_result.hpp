// SPDX-License-Identifier: Apache-2.0
// The vpn probe's typed result. JSON key names are a contract with scripts (docs/probes/vpn.md); each
// struct lists them once in fields() (legacyscan/engine/fields.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/probe.hpp"

namespace legacyscan::vpn {

// PPTP Start-Control-Connection-Reply (RFC 2637 2.2).
struct PptpInfo {
  Outcome outcome;
  std::uint16_t port = 1723;
  std::string protocol_version;  // "1.0"
  int result_code = 0;
  std::string result;  // "successful channel establishment"
  int error_code = 0;
  std::string framing;  // "async+sync"
  std::string bearer;   // "analog+digital"
  int maximum_channels = 0;
  int firmware_revision = 0;
  std::string host_name;
  std::string vendor;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("port", port);
    if (!v.when(outcome.ok())) return;
    v("protocol_version", protocol_version);
    v("result_code", result_code);
    v("result", result);
    v("error_code", error_code);
    v("framing", framing);
    v("bearer", bearer);
    v("maximum_channels", maximum_channels);
    v("firmware_revision", firmware_revision);
    v("host_name", host_name);
    v("vendor", vendor);
  }
};

// L2TP without IPsec: the answer to a Start-Control-Connection-Request (RFC 2661 6.1-6.4).
struct L2tpInfo {
  Outcome outcome;
  std::uint16_t port = 1701;
  std::string message;  // "SCCRP", or "StopCCN" when it refused
  std::string protocol_version;
  std::string host_name;
  std::string vendor;
  int firmware_revision = 0;
  int framing_capabilities = 0;
  int bearer_capabilities = 0;
  bool challenge = false;    // it asks for tunnel authentication (a shared secret)
  int result_code = 0;       // StopCCN
  bool hidden_avps = false;  // some values are hidden with the tunnel secret

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("port", port);
    if (!v.when(outcome.ok())) return;
    v("message", message);
    v.optional("protocol_version", protocol_version);
    v.optional("host_name", host_name);
    v.optional("vendor", vendor);
    v.optional("firmware_revision", firmware_revision);
    v.optional("framing_capabilities", framing_capabilities);
    v.optional("bearer_capabilities", bearer_capabilities);
    v("challenge", challenge);
    v.optional("result_code", result_code);
    v.optional("hidden_avps", hidden_avps);
  }
};

// One IKEv1 transform the responder accepted in Main Mode.
struct IkeTransform {
  std::string enc;    // "3DES-CBC", "AES-128-CBC"
  std::string hash;   // "SHA1"
  std::string auth;   // "PSK", "RSA-sig"
  std::string group;  // "modp1024"
  int group_number = 0;
  Verdict verdict = Verdict::info;  // bad: DES, MD5 or a group under 1024 bits; warn: 3DES, SHA-1, < 2048 bits

  template <class V>
  void fields(V& v) {
    v("enc", enc);
    v("hash", hash);
    v("auth", auth);
    v("group", group);
    v("group_number", group_number);
    v("verdict", verdict);
  }
};

struct VendorId {
  std::string hex;
  std::string name;  // "" when unknown

  template <class V>
  void fields(V& v) {
    v("hex", hex);
    v.optional("name", name);
  }
};

// Aggressive Mode with a PSK: the responder's answer carries a hash of the key that can be cracked
// offline. Only whether it answered is kept, never the hash.
struct AggressiveMode {
  Outcome outcome;
  bool accepted = false;
  std::string transform;       // the accepted transform, "3DES-CBC/SHA1/PSK/modp1024"
  std::string answer;          // the notify when refused ("NO_PROPOSAL_CHOSEN")
  bool hash_withheld = false;  // a HASH payload came and was dropped

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    if (!v.when(outcome.ok())) return;
    v("accepted", accepted);
    v.optional("transform", transform);
    v.optional("answer", answer);
    v("hash_withheld", hash_withheld);
  }
};

// The same Main Mode offer on port 4500 with the non-ESP marker (RFC 3948 2.2).
struct NatT {
  Outcome outcome;
  std::uint16_t port = 4500;
  bool answered = false;
  std::vector<std::string> announced;  // NAT-T vendor IDs the responder sent on 500 ("RFC 3947 NAT-T")

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("port", port);
    v("answered", answered);
    v("announced", announced);
  }
};

struct IkeV1Info {
  Outcome outcome;
  std::uint16_t port = 500;
  int offered = 0;    // transforms offered in all
  int exchanges = 0;  // Main Mode first messages sent
  std::vector<IkeTransform> transforms;
  std::string anomaly;  // a responder that chose what was not offered, or kept answering
  std::optional<AggressiveMode> aggressive_mode;
  std::vector<VendorId> vendor_ids;
  std::optional<NatT> nat_t;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("port", port);
    if (!v.when(outcome.ok())) return;
    v("offered", offered);
    v("exchanges", exchanges);
    v("transforms", transforms);
    v.optional("anomaly", anomaly);
    v.optional("aggressive_mode", aggressive_mode);
    v("vendor_ids", vendor_ids);
    v.optional("nat_t", nat_t);
  }
};

// IKEv2 IKE_SA_INIT: what the responder accepts of each transform type, found by elimination.
struct IkeV2Info {
  Outcome outcome;
  std::uint16_t port = 500;
  int exchanges = 0;
  std::vector<std::string> encryption;
  std::vector<std::string> prf;
  std::vector<std::string> integrity;
  std::vector<std::string> groups;
  std::vector<int> group_numbers;
  std::vector<std::string> notifies;  // the notify types seen in answers ("INVALID_KE_PAYLOAD", ...)
  bool fragmentation = false;         // IKEV2_FRAGMENTATION_SUPPORTED
  bool redirect = false;              // REDIRECT_SUPPORTED
  bool cookie = false;                // the responder asked for a COOKIE round trip
  std::vector<VendorId> vendor_ids;
  std::string anomaly;

  template <class V>
  void fields(V& v) {
    v.outcome(outcome);
    v("port", port);
    if (!v.when(outcome.ok())) return;
    v("exchanges", exchanges);
    v("encryption", encryption);
    v("prf", prf);
    v("integrity", integrity);
    v("groups", groups);
    v("group_numbers", group_numbers);
    v("notifies", notifies);
    v("fragmentation", fragmentation);
    v("redirect", redirect);
    v("cookie", cookie);
    v("vendor_ids", vendor_ids);
    v.optional("anomaly", anomaly);
  }
};

struct IkeInfo {
  std::optional<IkeV1Info> v1;
  std::optional<IkeV2Info> v2;

  template <class V>
  void fields(V& v) {
    v.optional("v1", v1);
    v.optional("v2", v2);
  }
};

struct VpnResult final : ProbeResult {
  std::optional<PptpInfo> pptp;
  std::optional<IkeInfo> ike;
  std::optional<L2tpInfo> l2tp;

  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;

  template <class V>
  void fields(V& v) {
    v.outcome(status, reason);
    v.optional("pptp", pptp);
    v.optional("ike", ike);
    v.optional("l2tp", l2tp);
  }
};

// How an accepted IKEv1 transform reads (bad: DES, MD5, group 1; warn: 3DES, SHA-1, groups 2 and 5).
Verdict transform_verdict(std::uint16_t enc, std::uint16_t hash, std::uint16_t group);

}  // namespace legacyscan::vpn
