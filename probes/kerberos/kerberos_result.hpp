// SPDX-License-Identifier: Apache-2.0
// The Kerberos probe's typed result. JSON key names are a contract (docs/probes/kerberos.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legacyscan/engine/probe.hpp"
#include "probes/kerberos/kerberos_verdict.hpp"

namespace legacyscan::kerberos {

struct TransportInfo {
  Outcome outcome;           // ok when the KDC answered at least one AS-REQ on this transport
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
};

// A client offer (Windows XP) sent as one AS-REQ.
struct OfferResult {
  std::string name;
  std::string source;
  std::vector<std::int32_t> offered;
  EtypeAnswer udp, tcp;
};

// The optional credentialed AS exchange with the Windows XP offer (--user with --password or --keytab).
struct XpLogon {
  std::string user;                         // "Administrator@LEGACY.TEST"
  std::string key_source;                   // "password" or "keytab"
  Outcome outcome;                          // ok when an AS-REP was decrypted
  std::string error;                        // KDC error name, or why it stopped
  std::optional<std::int32_t> reply_etype;  // AS-REP enc-part (the client's key)
  std::optional<std::int32_t> ticket_etype;       // the TGT's enc-part (krbtgt's key)
  std::optional<std::int32_t> session_key_etype;  // EncASRepPart.key.keytype
  bool udp_response_too_big = false;        // the PA-ENC-TIMESTAMP request drew 52 on UDP
  std::string transport;                    // where the AS-REP came: "udp" or "tcp"
};

struct KerberosResult final : ProbeResult {
  std::uint16_t port = 88;
  std::string realm;
  std::string realm_source;  // "option", "smb", "ldap", "dns-name", "kdc"
  std::string principal;     // "DC1$@LEGACY.TEST"
  std::string principal_source;  // "option", "smb", "ldap", "dns-name", "fallback"
  TransportInfo udp, tcp;
  std::vector<EtypeRow> etypes;  // in enumerated_etypes() order
  std::optional<OfferResult> xp_offer;
  std::optional<XpLogon> xp_logon;  // only with credentials
  std::vector<std::string> preauth_types;     // PA-DATA names of the first PREAUTH_REQUIRED
  std::vector<std::pair<std::string, std::string>> salts;  // etype name -> salt (from ETYPE-INFO2)
  bool asrep_roastable = false;
  std::optional<std::int64_t> clock_skew_seconds;  // KDC time minus ours
  std::string kdc_time;

  // The verdict for one mode over both transports: a definitive answer on one transport wins over
  // a missing one on the other; when both are definitive and disagree, "accepted" wins (a client
  // using that transport gets in), and etype_details shows both.
  static EtypeVerdict merge(const EtypeAnswer& udp, const EtypeAnswer& tcp);

  [[nodiscard]] nlohmann::json to_json() const override;
  void table_rows(std::vector<TableRow>& out) const override;
};

}  // namespace legacyscan::kerberos
