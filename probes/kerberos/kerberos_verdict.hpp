// SPDX-License-Identifier: Apache-2.0
// What a KDC's answer to a one-etype AS-REQ (without pre-authentication) says about that etype.
// Pure: a decoded reply in, a verdict out. The rules (docs/probes/kerberos.md):
//   25 PREAUTH_REQUIRED whose METHOD-DATA has PA-ETYPE-INFO2 naming the etype -> accepted
//   AS-REP whose enc-part uses the etype                                       -> accepted (and AS-REP roastable)
//   14 ETYPE_NOSUPP                                                           -> rejected
//   25 without an ETYPE-INFO2 entry for it (empty list, MIT's FAST-only 25)    -> no-key
//   companion mode: 25/AS-REP naming only the companion                       -> not-chosen
//   anything else (6, 18, 68, 52 ...)                                          -> inconclusive, with the error's name
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacyscan/engine/status.hpp"
#include "src/proto/kerberos/kerberos_codec.hpp"

namespace legacyscan::kerberos {

enum class EtypeVerdict {
  accepted,
  rejected,
  no_key,
  not_chosen,
  inconclusive,    // the KDC answered with another error: see error
  no_answer,       // no answer on this transport (timeout after retries, refused, reset): see detail
  protocol_error,  // the answer was malformed or not Kerberos: see detail
  not_tested,
};
std::string_view to_string(EtypeVerdict v);

// One AS-REQ's outcome.
struct EtypeAnswer {
  EtypeVerdict verdict = EtypeVerdict::not_tested;
  Outcome outcome;                         // of the exchange: ok when a Kerberos message came back (set by the probe)
  std::optional<std::int32_t> error_code;  // KRB-ERROR error-code when the answer was one
  std::optional<std::int32_t> chosen;      // the etype the KDC named (ETYPE-INFO2 first entry / AS-REP enc-part)
  std::string detail;                      // e-text, malformed field, transport reason
  bool as_rep = false;                     // an AS-REP came back: no pre-authentication required
  // Collected from a 25's METHOD-DATA (for preauth_types / salts).
  std::vector<std::int32_t> padata_types;
  std::vector<EtypeInfo2Entry> etype_info2;
  std::string kdc_time;                            // KRB-ERROR stime
  std::optional<std::int64_t> clock_skew_seconds;  // stime minus our clock when it arrived (set by the probe)
};

// `offered` is the AS-REQ's etype list; offered[0] is the etype under test; with a companion the
// list is {etype, companion}.
EtypeAnswer classify_reply(const KdcReply& reply, std::int32_t etype, std::optional<std::int32_t> companion);

// Decodes and classifies a raw KDC message (a UDP datagram, or a TCP record without its mark).
EtypeAnswer classify_message(ByteView msg, std::int32_t etype, std::optional<std::int32_t> companion);

}  // namespace legacyscan::kerberos
