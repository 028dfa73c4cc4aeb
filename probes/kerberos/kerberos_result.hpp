// SPDX-License-Identifier: Apache-2.0
// The Kerberos probe's typed result. JSON key names are a contract (docs/probes/kerberos.md); each struct
// lists them once in fields() (legacyscan/engine/fields.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/fields.hpp"
#include "legacyscan/engine/probe.hpp"
#include "probes/kerberos/kerberos_verdict.hpp"
#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::kerberos {

bool from_string(std::string_view s, EtypeVerdict& out);

// "rc4-hmac" <-> 23 ("etype-<n>" for a number without a name); "KDC_ERR_ETYPE_NOSUPP" <-> 14.
std::int32_t etype_number(const std::string& name);
std::int32_t error_code_of(const std::string& name);

// An optional etype or KRB-ERROR code written as its name, left out when none.
template <class V>
void etype_field(V& v, const char* key, std::optional<std::int32_t>& etype) {
  v.custom_optional(
      key, [&] { return etype ? nlohmann::json(etype_name(*etype)) : nlohmann::json(); },
      [&](const nlohmann::json& j) { etype = etype_number(j.get<std::string>()); });
}
template <class V>
void error_field(V& v, const char* key, std::optional<std::int32_t>& code) {
  v.custom_optional(
      key, [&] { return code ? nlohmann::json(error_name(*code)) : nlohmann::json(); },
      [&](const nlohmann::json& j) { code = error_code_of(j.get<std::string>()); });
}

// One AS-REQ's answer as JSON (kerberos_verdict.hpp stays free of JSON).
template <class V>
void declare_fields(V& v, EtypeAnswer& a) {
  v("verdict", a.verdict);
  error_field(v, "error", a.error_code);
  etype_field(v, "chosen", a.chosen);
  v.optional("detail", a.detail);
}

struct TransportInfo {
  Outcome outcome;  // ok when the KDC answered at least one AS-REQ on this transport
  bool tested = false;
  bool too_big_seen = false;  // UDP only: a KRB_ERR_RESPONSE_TOO_BIG (52) came back
  int max_attempts = 0;       // UDP only: most datagrams one exchange needed (loss shows here)
};

// One enumerated etype, both modes, both transports.
struct EtypeRow {
  std::int32_t etype = 0;
  std::string name;
  EtypeAnswer udp_alone, tcp_alone;
  EtypeAnswer udp_with_aes, tcp_with_aes;

  // The name is the key of its object in "etype_details" (KerberosResult::etype_details_to_json).
  template <class V>
  void fields(V& v) {
    using nlohmann::json;
    // The verdicts and errors beside "answers" are its summary: the TCP answer's error, else UDP's.
    auto error_of = [](const EtypeAnswer& tcp, const EtypeAnswer& udp) {
      const auto& a = tcp.error_code ? tcp : udp;
      return a.error_code ? json(error_name(*a.error_code)) : json();
    };
    v.computed("udp", [&] { return json(to_string(udp_alone.verdict)); });
    v.computed("tcp", [&] { return json(to_string(tcp_alone.verdict)); });
    v.computed_optional("error", [&] { return error_of(tcp_alone, udp_alone); });
    v.computed("udp_with_aes", [&] { return json(to_string(udp_with_aes.verdict)); });
    v.computed("tcp_with_aes", [&] { return json(to_string(tcp_with_aes.verdict)); });
    v.computed_optional("error_with_aes", [&] { return error_of(tcp_with_aes, udp_with_aes); });
    v.nested("answers", [&](auto& n) {
      n("udp", udp_alone);
      n("tcp", tcp_alone);
      n("udp_with_aes", udp_with_aes);
      n("tcp_with_aes", tcp_with_aes);
    });
  }
};

// A client offer (Windows XP) sent as one AS-REQ.
struct OfferResult {
  std::string name;
  std::string source;
  std::vector<std::int32_t> offered;
  EtypeAnswer udp, tcp;

  // The answer that decides: TCP's, unless only UDP's named an etype or an error.
  [[nodiscard]] const EtypeAnswer& deciding() const;

  template <class V>
  void fields(V& v) {
    using nlohmann::json;
    v.computed_optional("chosen", [&] { return deciding().chosen ? json(etype_name(*deciding().chosen)) : json(); });
    v.computed_optional("error", [&] {
      const auto& a = deciding();
      if (a.chosen) return json();
      if (a.error_code) return json(error_name(*a.error_code));
      return json(a.detail.empty() ? std::string(to_string(a.verdict)) : a.detail);
    });
    v("client", name);
    v.custom(
        "offered", [&] { return offered_to_json(); }, [&](const json& j) { offered_from_json(j); });
    v("source", source);
    v("udp", udp);
    v("tcp", tcp);
  }
  [[nodiscard]] nlohmann::json offered_to_json() const;  // etype names
  void offered_from_json(const nlohmann::json& j);
};

// The optional credentialed AS exchange with the Windows XP offer (--user with --password or --keytab).
struct XpLogon {
  std::string user;                               // "Administrator@LEGACY.TEST"
  std::string key_source;                         // "password" or "keytab"
  Outcome outcome;                                // ok when an AS-REP was decrypted
  std::string error;                              // KDC error name, or why it stopped
  std::optional<std::int32_t> reply_etype;        // AS-REP enc-part (the client's key)
  std::optional<std::int32_t> ticket_etype;       // the TGT's enc-part (krbtgt's key)
  std::optional<std::int32_t> session_key_etype;  // EncASRepPart.key.keytype
  bool udp_response_too_big = false;              // the PA-ENC-TIMESTAMP request drew 52 on UDP
  std::string transport;                          // where the AS-REP came: "udp" or "tcp"

  template <class V>
  void fields(V& v) {
    v("user", user);
    v.optional("key_source", key_source);
    v.outcome(outcome);
    v.optional("error", error);
    etype_field(v, "reply_etype", reply_etype);
    etype_field(v, "ticket_etype", ticket_etype);
    etype_field(v, "session_key_etype", session_key_etype);
    v("udp_response_too_big", udp_response_too_big);
    v.optional("transport", transport);
  }
};

struct KerberosResult final : ProbeResult {
  std::uint16_t port = 88;
  std::string realm;
  std::string realm_source;      // "option", "smb", "ldap", "dns-name", "kdc"
  std::string principal;         // "DC1$@LEGACY.TEST"
  std::string principal_source;  // "option", "smb", "ldap", "dns-name", "fallback"
  TransportInfo udp, tcp;
  std::vector<EtypeRow> etypes;  // in enumerated_etypes() order
  std::optional<OfferResult> xp_offer;
  std::optional<XpLogon> xp_logon;                         // only with credentials
  std::vector<std::string> preauth_types;                  // PA-DATA names of the first PREAUTH_REQUIRED
  std::vector<std::pair<std::string, std::string>> salts;  // etype name -> salt (from ETYPE-INFO2)
  bool asrep_roastable = false;
  std::optional<std::int64_t> clock_skew_seconds;  // KDC time minus ours
  std::string kdc_time;

  // The verdict for one mode over both transports: a definitive answer on one transport wins over
  // a missing one on the other; when both are definitive and disagree, "accepted" wins (a client
  // using that transport gets in), and etype_details shows both.
  static EtypeVerdict merge(const EtypeAnswer& udp, const EtypeAnswer& tcp);

  [[nodiscard]] nlohmann::json to_json() const override;
  void findings(std::vector<Finding>& out) const override;

  // The parts whose JSON shape is computed: "transports" ({"udp": {...}, "tcp": {...}}, "skipped" when
  // not tested), "etypes"/"etypes_with_aes" (name -> merged verdict), "etype_details" (name -> row),
  // "xp_offer" ({"error": "not tested"} when none) and "salts" (etype name -> salt).
  [[nodiscard]] nlohmann::json transports_to_json() const;
  void transports_from_json(const nlohmann::json& j);
  [[nodiscard]] nlohmann::json etypes_to_json(bool with_aes) const;
  [[nodiscard]] nlohmann::json etype_details_to_json() const;
  void etype_details_from_json(const nlohmann::json& j);
  [[nodiscard]] nlohmann::json xp_offer_to_json() const;
  void xp_offer_from_json(const nlohmann::json& j);
  [[nodiscard]] nlohmann::json salts_to_json() const;
  void salts_from_json(const nlohmann::json& j);

  template <class V>
  void fields(V& v) {
    using nlohmann::json;
    v.outcome(status, reason);
    v("port", port);
    v("realm", realm);
    v("realm_source", realm_source);
    v("principal", principal);
    v("principal_source", principal_source);
    v.custom(
        "transports", [&] { return transports_to_json(); }, [&](const json& j) { transports_from_json(j); });
    v.computed("etypes", [&] { return etypes_to_json(false); });
    v.computed("etypes_with_aes", [&] { return etypes_to_json(true); });
    v.custom(
        "etype_details", [&] { return etype_details_to_json(); }, [&](const json& j) { etype_details_from_json(j); });
    v.custom(
        "xp_offer", [&] { return xp_offer_to_json(); }, [&](const json& j) { xp_offer_from_json(j); });
    v.optional("xp_logon", xp_logon);
    v("preauth_types", preauth_types);
    v.custom(
        "salts", [&] { return salts_to_json(); }, [&](const json& j) { salts_from_json(j); });
    v("asrep_roastable", asrep_roastable);
    v("clock_skew_seconds", clock_skew_seconds);
    v.optional("kdc_time", kdc_time);
  }
};

}  // namespace legacyscan::kerberos
