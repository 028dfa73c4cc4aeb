// SPDX-License-Identifier: Apache-2.0
#include "probes/kerberos/kerberos_result.hpp"

#include "legacyscan/engine/port_state.hpp"

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

// aes128/aes256-cts-hmac-sha1-96 (RFC 3962): the AES types every Windows since Vista/2008 uses.
bool windows_aes(const std::string& name) {
  const auto* info = find_etype(name);
  return info && (info->number == 17 || info->number == 18);
}

// A principal without AES keys can only use RC4 (or DES): RC4 cannot be switched off for it.
bool aes_missing(const std::string& name, EtypeVerdict alone, EtypeVerdict with_aes) {
  return windows_aes(name) && alone != EtypeVerdict::accepted && with_aes != EtypeVerdict::accepted &&
         (definitive(alone) || definitive(with_aes));
}

Verdict table_verdict(const std::string& name, EtypeVerdict alone, EtypeVerdict with_aes) {
  const auto* info = find_etype(name);
  const bool weak = info && (info->number == 1 || info->number == 3 || info->number == 23 || info->number == 24 ||
                             info->number == 16);
  if (alone == EtypeVerdict::accepted || with_aes == EtypeVerdict::accepted) return weak ? Verdict::bad : Verdict::info;
  if (aes_missing(name, alone, with_aes)) return Verdict::bad;
  if (definitive(alone) || definitive(with_aes)) return weak ? Verdict::good : Verdict::info;
  return Verdict::warn;
}

// "udp: KDC_ERR_ETYPE_NOSUPP; tcp: ..." for the finding of one etype: the KDC's error or chosen etype
// behind each of the four answers, when any.
std::string etype_evidence(const EtypeRow& row) {
  std::string e;
  const std::pair<const char*, const EtypeAnswer*> answers[] = {{"udp", &row.udp_alone},
                                                                {"tcp", &row.tcp_alone},
                                                                {"udp with AES", &row.udp_with_aes},
                                                                {"tcp with AES", &row.tcp_with_aes}};
  for (const auto& [label, a] : answers) {
    std::string what =
        a->error_code ? error_name(*a->error_code) : (a->chosen ? "KDC picks " + etype_name(*a->chosen) : a->detail);
    if (!what.empty()) e += (e.empty() ? "" : "; ") + std::string(label) + ": " + what;
  }
  return e;
}

}  // namespace

EtypeVerdict KerberosResult::merge(const EtypeAnswer& udp, const EtypeAnswer& tcp) {
  const bool du = definitive(udp.verdict), dt = definitive(tcp.verdict);
  if (du && !dt) return udp.verdict;
  if (dt && !du) return tcp.verdict;
  return rank(udp.verdict) <= rank(tcp.verdict) ? udp.verdict : tcp.verdict;
}

bool from_string(std::string_view s, EtypeVerdict& out) {
  return enum_from_string(
      s, out,
      {EtypeVerdict::accepted, EtypeVerdict::rejected, EtypeVerdict::no_key, EtypeVerdict::not_chosen,
       EtypeVerdict::inconclusive, EtypeVerdict::no_answer, EtypeVerdict::protocol_error, EtypeVerdict::not_tested});
}

namespace {
// The number after `prefix` in "etype-23" / "KRB_ERROR_99".
std::int32_t number_after(const std::string& name, std::string_view prefix) {
  if (name.rfind(prefix, 0) != 0) throw fields::ReadError("unknown name \"" + name + "\"");
  return static_cast<std::int32_t>(std::stol(name.substr(prefix.size())));
}
}  // namespace

std::int32_t etype_number(const std::string& name) {
  if (const auto* e = find_etype(std::string_view(name))) return e->number;
  return number_after(name, "etype-");
}

std::int32_t error_code_of(const std::string& name) {
  for (std::int32_t code = 0; code < 256; ++code)
    if (error_name(code) == name) return code;
  return number_after(name, "KRB_ERROR_");
}

const EtypeAnswer& OfferResult::deciding() const {
  const auto answered = [](const EtypeAnswer& e) { return e.chosen.has_value() || e.error_code.has_value(); };
  return answered(tcp) || !answered(udp) ? tcp : udp;
}

json OfferResult::offered_to_json() const {
  json a = json::array();
  for (auto e : offered) a.push_back(etype_name(e));
  return a;
}

void OfferResult::offered_from_json(const json& j) {
  offered.clear();
  for (const auto& e : j) offered.push_back(etype_number(e.get<std::string>()));
}

json KerberosResult::transports_to_json() const {
  const auto transport = [](const TransportInfo& t, bool udp) {
    json j = json::object();
    fields::Writer w(j);
    if (t.tested)
      w.outcome(t.outcome);
    else
      w.outcome(Status::skipped, "not selected");
    if (udp) {
      j["too_big_seen"] = t.too_big_seen;
      j["max_attempts"] = t.max_attempts;
    }
    return j;
  };
  return json{{"udp", transport(udp, true)}, {"tcp", transport(tcp, false)}};
}

void KerberosResult::transports_from_json(const json& j) {
  const std::pair<const char*, TransportInfo*> transports[] = {{"udp", &udp}, {"tcp", &tcp}};
  for (const auto& [key, t] : transports) {
    if (!j.contains(key)) continue;
    const json& tj = j[key];
    fields::Reader r(tj);
    r.outcome(t->outcome);
    t->tested = !(t->outcome.status == Status::skipped && t->outcome.reason == "not selected");
    if (!t->tested) t->outcome = {};
    t->too_big_seen = tj.value("too_big_seen", false);
    t->max_attempts = tj.value("max_attempts", 0);
  }
}

json KerberosResult::etypes_to_json(bool with_aes) const {
  json j = json::object();
  for (const auto& row : etypes)
    j[row.name] = to_string(with_aes ? merge(row.udp_with_aes, row.tcp_with_aes) : merge(row.udp_alone, row.tcp_alone));
  return j;
}

json KerberosResult::etype_details_to_json() const {
  return fields::keyed_to_json(etypes, [](const EtypeRow& row) { return row.name; });
}

void KerberosResult::etype_details_from_json(const json& j) {
  fields::keyed_from_json(j, etypes, [](EtypeRow& row, const std::string& name) {
    row.name = name;
    row.etype = etype_number(name);
  });
}

json KerberosResult::xp_offer_to_json() const {
  return xp_offer ? fields::to_json(*xp_offer) : json{{"error", "not tested"}};
}

void KerberosResult::xp_offer_from_json(const json& j) {
  if (!j.contains("client")) {
    xp_offer.reset();
    return;
  }
  fields::read_value(j, xp_offer, "xp_offer");
}

json KerberosResult::salts_to_json() const {
  json j = json::object();
  for (const auto& [name, salt] : salts) j[name] = salt;
  return j;
}

void KerberosResult::salts_from_json(const json& j) {
  salts.clear();
  for (const auto& [name, salt] : j.items()) salts.emplace_back(name, salt.get<std::string>());
}

json KerberosResult::to_json() const { return fields::to_json(*this); }

void KerberosResult::findings(std::vector<Finding>& out) const {
  const std::string udp_port = std::to_string(port) + "/udp", tcp_port = std::to_string(port) + "/tcp";
  if (status != Status::ok && is_closed(udp.outcome) && is_closed(tcp.outcome)) {
    out.push_back(closed_port(udp_port, "kerberos.kdc.udp", "KDC on UDP", udp.outcome));
    out.push_back(closed_port(tcp_port, "kerberos.kdc.tcp", "KDC on TCP", tcp.outcome));
    return;
  }
  if (status != Status::ok) {
    out.push_back({"", "kerberos.probe", "Kerberos", std::string(legacyscan::to_string(status)) + ": " + reason,
                   Verdict::failure});
    return;
  }
  out.push_back({"", "kerberos.realm", "Realm / principal",
                 realm + " (" + realm_source + ") / " + principal + " (" + principal_source + ")", Verdict::info});
  out.push_back({udp_port, "kerberos.kdc.udp", "KDC on UDP",
                 udp.tested ? (udp.outcome.ok() ? std::string("answers") : udp.outcome.reason) +
                                  (udp.too_big_seen ? "; RESPONSE_TOO_BIG seen" : "")
                            : "not tested",
                 udp.outcome.ok() ? Verdict::info : Verdict::warn});
  out.push_back({tcp_port, "kerberos.kdc.tcp", "KDC on TCP",
                 tcp.tested ? (tcp.outcome.ok() ? "answers" : tcp.outcome.reason) : "not tested",
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
    if (aes_missing(row.name, alone, with_aes))
      value += "; no AES key for the principal: RC4 cannot be switched off (accounts need AES keys first)";
    out.push_back({"", "kerberos.etype." + row.name, "etype " + row.name, value,
                   table_verdict(row.name, alone, with_aes), etype_evidence(row)});
  }
  if (xp_offer) {
    const auto& a = xp_offer->deciding();
    std::string v = a.chosen ? "KDC picks " + etype_name(*a.chosen)
                             : (a.error_code ? error_name(*a.error_code) : std::string(to_string(a.verdict)));
    const bool weak_ok = a.chosen.has_value();
    out.push_back({"", "kerberos.xp_offer", "Windows XP offer", v, weak_ok ? Verdict::bad : Verdict::good});
  }
  if (xp_logon) {
    std::string v;
    Verdict verdict = Verdict::info;
    if (xp_logon->outcome.ok() && !xp_logon->error.empty()) {
      v = "KDC answered " + xp_logon->error;
      verdict = xp_logon->error == "KDC_ERR_ETYPE_NOSUPP" ? Verdict::good : Verdict::info;
    } else if (xp_logon->outcome.ok()) {
      v = "as " + xp_logon->user + ": reply " + etype_name(xp_logon->reply_etype.value_or(0)) + ", ticket " +
          etype_name(xp_logon->ticket_etype.value_or(0)) + ", session key " +
          etype_name(xp_logon->session_key_etype.value_or(0)) + " (over " + xp_logon->transport +
          (xp_logon->udp_response_too_big ? " after RESPONSE_TOO_BIG on UDP)" : ")");
      // An XP server cannot use an AES session key in a ticket for it; as a client it copes.
      if (xp_logon->session_key_etype && (*xp_logon->session_key_etype == 17 || *xp_logon->session_key_etype == 18))
        verdict = Verdict::warn;
      else
        verdict = Verdict::bad;  // RC4 logon works: RC4 is in use
    } else {
      v = "as " + xp_logon->user + ": " + xp_logon->outcome.reason;
      verdict = Verdict::failure;
    }
    out.push_back({"", "kerberos.xp_logon", "Windows XP logon as " + xp_logon->user, v, verdict});
  }
  if (!preauth_types.empty()) {
    std::string s;
    for (const auto& p : preauth_types) s += (s.empty() ? "" : ", ") + p;
    out.push_back({"", "kerberos.preauth_types", "Pre-authentication offered", s, Verdict::info});
  }
  out.push_back({"", "kerberos.asrep_roastable", "AS-REP roastable (no pre-auth)",
                 asrep_roastable ? "yes: an AS-REP came back without pre-authentication" : "no",
                 asrep_roastable ? Verdict::bad : Verdict::good});
  if (clock_skew_seconds)
    out.push_back({"", "kerberos.clock_skew", "Clock skew",
                   std::to_string(*clock_skew_seconds) + " s (KDC minus scanner)",
                   (*clock_skew_seconds > 300 || *clock_skew_seconds < -300) ? Verdict::warn : Verdict::info});
}

}  // namespace legacyscan::kerberos
