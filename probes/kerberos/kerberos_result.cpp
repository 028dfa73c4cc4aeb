// SPDX-License-Identifier: Apache-2.0
#include "probes/kerberos/kerberos_result.hpp"

#include "src/proto/kerberos/kerberos_etypes.hpp"

namespace legacyscan::kerberos {

using nlohmann::json;

namespace {

bool definitive(EtypeVerdict v) {
  return v == EtypeVerdict::accepted || v == EtypeVerdict::rejected || v == EtypeVerdict::no_key ||
         v == EtypeVerdict::not_chosen;
}

// Rank for merging two definitive, disagreeing answers: acceptance first.
int rank(EtypeVerdict v) {
  switch (v) {
    case EtypeVerdict::accepted: return 0;
    case EtypeVerdict::not_chosen: return 1;
    case EtypeVerdict::no_key: return 2;
    case EtypeVerdict::rejected: return 3;
    case EtypeVerdict::inconclusive: return 4;
    case EtypeVerdict::protocol_error: return 5;
    case EtypeVerdict::no_answer: return 6;
    case EtypeVerdict::not_tested: return 7;
  }
  return 7;
}

std::string error_of(const EtypeAnswer& a) { return a.error_code ? error_name(*a.error_code) : std::string(); }

json answer_detail(const EtypeAnswer& a) {
  json j = json::object();
  j["verdict"] = to_string(a.verdict);
  if (a.error_code) j["error"] = error_name(*a.error_code);
  if (a.chosen) j["chosen"] = etype_name(*a.chosen);
  if (!a.detail.empty()) j["detail"] = a.detail;
  return j;
}

json transport_json(const TransportInfo& t, bool udp) {
  json j;
  j["status"] = t.tested ? std::string(legacyscan::to_string(t.outcome.status)) : std::string("skipped");
  if (t.tested && !t.outcome.ok()) j["reason"] = t.outcome.reason;
  if (!t.tested) j["reason"] = "not selected";
  if (udp) {
    j["too_big_seen"] = t.too_big_seen;
    j["max_attempts"] = t.max_attempts;
  }
  return j;
}

Verdict table_verdict(const std::string& name, EtypeVerdict alone, EtypeVerdict with_aes) {
  const auto* info = find_etype(name);
  const bool weak = info && (info->number == 1 || info->number == 3 || info->number == 23 || info->number == 24 ||
                             info->number == 16);
  if (alone == EtypeVerdict::accepted || with_aes == EtypeVerdict::accepted) return weak ? Verdict::bad : Verdict::info;
  if (definitive(alone) || definitive(with_aes)) return weak ? Verdict::good : Verdict::info;
  return Verdict::warn;
}

}  // namespace

EtypeVerdict KerberosResult::merge(const EtypeAnswer& udp, const EtypeAnswer& tcp) {
  const bool du = definitive(udp.verdict), dt = definitive(tcp.verdict);
  if (du && !dt) return udp.verdict;
  if (dt && !du) return tcp.verdict;
  return rank(udp.verdict) <= rank(tcp.verdict) ? udp.verdict : tcp.verdict;
}

json KerberosResult::to_json() const {
  json j;
  j["status"] = legacyscan::to_string(status);
  if (status != Status::ok) j["reason"] = reason;
  j["port"] = port;
  j["realm"] = realm;
  j["realm_source"] = realm_source;
  j["principal"] = principal;
  j["principal_source"] = principal_source;
  j["transports"] = json{{"udp", transport_json(udp, true)}, {"tcp", transport_json(tcp, false)}};
  json alone = json::object(), with_aes = json::object(), details = json::object();
  for (const auto& row : etypes) {
    alone[row.name] = to_string(merge(row.udp_alone, row.tcp_alone));
    with_aes[row.name] = to_string(merge(row.udp_with_aes, row.tcp_with_aes));
    json d;
    d["udp"] = to_string(row.udp_alone.verdict);
    d["tcp"] = to_string(row.tcp_alone.verdict);
    std::string err = error_of(row.tcp_alone);
    if (err.empty()) err = error_of(row.udp_alone);
    if (!err.empty()) d["error"] = err;
    d["udp_with_aes"] = to_string(row.udp_with_aes.verdict);
    d["tcp_with_aes"] = to_string(row.tcp_with_aes.verdict);
    std::string err_aes = error_of(row.tcp_with_aes);
    if (err_aes.empty()) err_aes = error_of(row.udp_with_aes);
    if (!err_aes.empty()) d["error_with_aes"] = err_aes;
    d["answers"] = json{{"udp", answer_detail(row.udp_alone)},
                        {"tcp", answer_detail(row.tcp_alone)},
                        {"udp_with_aes", answer_detail(row.udp_with_aes)},
                        {"tcp_with_aes", answer_detail(row.tcp_with_aes)}};
    details[row.name] = std::move(d);
  }
  j["etypes"] = std::move(alone);
  j["etypes_with_aes"] = std::move(with_aes);
  j["etype_details"] = std::move(details);
  if (xp_offer) {
    json x;
    const auto answered = [](const EtypeAnswer& e) { return e.chosen.has_value() || e.error_code.has_value(); };
    const EtypeAnswer& a = answered(xp_offer->tcp) || !answered(xp_offer->udp) ? xp_offer->tcp : xp_offer->udp;
    if (a.chosen)
      x["chosen"] = etype_name(*a.chosen);
    else if (a.error_code)
      x["error"] = error_name(*a.error_code);
    else
      x["error"] = a.detail.empty() ? std::string(to_string(a.verdict)) : a.detail;
    x["client"] = xp_offer->name;
    json offered = json::array();
    for (auto e : xp_offer->offered) offered.push_back(etype_name(e));
    x["offered"] = std::move(offered);
    x["source"] = xp_offer->source;
    x["udp"] = answer_detail(xp_offer->udp);
    x["tcp"] = answer_detail(xp_offer->tcp);
    j["xp_offer"] = std::move(x);
  } else {
    j["xp_offer"] = json{{"error", "not tested"}};
  }
  if (xp_logon) {
    json x;
    x["user"] = xp_logon->user;
    if (!xp_logon->key_source.empty()) x["key_source"] = xp_logon->key_source;
    x["status"] = legacyscan::to_string(xp_logon->outcome.status);
    if (!xp_logon->outcome.ok()) x["reason"] = xp_logon->outcome.reason;
    if (!xp_logon->error.empty()) x["error"] = xp_logon->error;
    if (xp_logon->reply_etype) x["reply_etype"] = etype_name(*xp_logon->reply_etype);
    if (xp_logon->ticket_etype) x["ticket_etype"] = etype_name(*xp_logon->ticket_etype);
    if (xp_logon->session_key_etype) x["session_key_etype"] = etype_name(*xp_logon->session_key_etype);
    x["udp_response_too_big"] = xp_logon->udp_response_too_big;
    if (!xp_logon->transport.empty()) x["transport"] = xp_logon->transport;
    j["xp_logon"] = std::move(x);
  }
  j["preauth_types"] = preauth_types;
  json salts_j = json::object();
  for (const auto& [name, salt] : salts) salts_j[name] = salt;
  j["salts"] = std::move(salts_j);
  j["asrep_roastable"] = asrep_roastable;
  if (clock_skew_seconds) j["clock_skew_seconds"] = *clock_skew_seconds;
  else j["clock_skew_seconds"] = nullptr;
  if (!kdc_time.empty()) j["kdc_time"] = kdc_time;
  return j;
}

void KerberosResult::table_rows(std::vector<TableRow>& out) const {
  const std::string udp_port = std::to_string(port) + "/udp", tcp_port = std::to_string(port) + "/tcp";
  if (status != Status::ok) {
    out.push_back({"", "Kerberos", std::string(legacyscan::to_string(status)) + ": " + reason, Verdict::failure});
    return;
  }
  out.push_back({"", "Realm / principal", realm + " (" + realm_source + ") / " + principal + " (" + principal_source + ")",
                 Verdict::info});
  out.push_back({udp_port, "KDC on UDP",
                 udp.tested ? (udp.outcome.ok() ? std::string("answers") : udp.outcome.reason) +
                                  (udp.too_big_seen ? "; RESPONSE_TOO_BIG seen" : "")
                            : "not tested",
                 udp.outcome.ok() ? Verdict::info : Verdict::warn});
  out.push_back({tcp_port, "KDC on TCP", tcp.tested ? (tcp.outcome.ok() ? "answers" : tcp.outcome.reason) : "not tested",
                 tcp.outcome.ok() ? Verdict::info : Verdict::warn});
  for (const auto& row : etypes) {
    const auto alone = merge(row.udp_alone, row.tcp_alone);
    const auto with_aes = merge(row.udp_with_aes, row.tcp_with_aes);
    std::string value = std::string("alone: udp ") + std::string(to_string(row.udp_alone.verdict)) + ", tcp " +
                        std::string(to_string(row.tcp_alone.verdict)) + "; with AES: udp " +
                        std::string(to_string(row.udp_with_aes.verdict)) + ", tcp " +
                        std::string(to_string(row.tcp_with_aes.verdict));
    if (row.tcp_alone.error_code && row.tcp_alone.verdict == EtypeVerdict::inconclusive)
      value += " (" + error_name(*row.tcp_alone.error_code) + ")";
    out.push_back({"", "etype " + row.name, value, table_verdict(row.name, alone, with_aes)});
  }
  if (xp_offer) {
    const auto answered = [](const EtypeAnswer& e) { return e.chosen.has_value() || e.error_code.has_value(); };
    const auto& a = answered(xp_offer->tcp) || !answered(xp_offer->udp) ? xp_offer->tcp : xp_offer->udp;
    std::string v = a.chosen ? "KDC picks " + etype_name(*a.chosen)
                             : (a.error_code ? error_name(*a.error_code) : std::string(to_string(a.verdict)));
    const bool weak_ok = a.chosen.has_value();
    out.push_back({"", "Windows XP offer", v, weak_ok ? Verdict::bad : Verdict::good});
  }
  if (xp_logon) {
    std::string v;
    Verdict verdict = Verdict::info;
    if (xp_logon->outcome.ok() && !xp_logon->error.empty()) {
      v = "KDC answered " + xp_logon->error;
      verdict = xp_logon->error == "KDC_ERR_ETYPE_NOSUPP" ? Verdict::good : Verdict::info;
    } else if (xp_logon->outcome.ok()) {
      v = "reply " + etype_name(xp_logon->reply_etype.value_or(0)) + ", ticket " +
          etype_name(xp_logon->ticket_etype.value_or(0)) + ", session key " +
          etype_name(xp_logon->session_key_etype.value_or(0)) + " (over " + xp_logon->transport +
          (xp_logon->udp_response_too_big ? " after RESPONSE_TOO_BIG on UDP)" : ")");
      // An XP server cannot use an AES session key in a ticket for it; as a client it copes.
      if (xp_logon->session_key_etype && (*xp_logon->session_key_etype == 17 || *xp_logon->session_key_etype == 18))
        verdict = Verdict::warn;
      else
        verdict = Verdict::bad;  // RC4 logon works: RC4 is in use
    } else {
      v = xp_logon->outcome.reason;
      verdict = Verdict::failure;
    }
    out.push_back({"", "Windows XP logon as " + xp_logon->user, v, verdict});
  }
  if (!preauth_types.empty()) {
    std::string s;
    for (const auto& p : preauth_types) s += (s.empty() ? "" : ", ") + p;
    out.push_back({"", "Pre-authentication offered", s, Verdict::info});
  }
  out.push_back({"", "AS-REP roastable (no pre-auth)", asrep_roastable ? "yes: an AS-REP came back without pre-authentication" : "no",
                 asrep_roastable ? Verdict::bad : Verdict::good});
  if (clock_skew_seconds)
    out.push_back({"", "Clock skew", std::to_string(*clock_skew_seconds) + " s (KDC minus scanner)",
                   (*clock_skew_seconds > 300 || *clock_skew_seconds < -300) ? Verdict::warn : Verdict::info});
}

}  // namespace legacyscan::kerberos
