// SPDX-License-Identifier: Apache-2.0
#include "probes/kerberos/kerberos_verdict.hpp"

#include <algorithm>

namespace legacyscan::kerberos {

std::string_view to_string(EtypeVerdict v) {
  switch (v) {
    case EtypeVerdict::accepted: return "accepted";
    case EtypeVerdict::rejected: return "rejected";
    case EtypeVerdict::no_key: return "no-key";
    case EtypeVerdict::not_chosen: return "not-chosen";
    case EtypeVerdict::inconclusive: return "inconclusive";
    case EtypeVerdict::no_answer: return "no-answer";
    case EtypeVerdict::protocol_error: return "protocol-error";
    case EtypeVerdict::not_tested: return "not-tested";
  }
  return "not-tested";
}

namespace {

EtypeAnswer from_error(const KrbError& e, std::int32_t etype, std::optional<std::int32_t> companion) {
  EtypeAnswer a;
  a.error_code = e.error_code;
  a.kdc_time = e.stime;
  if (e.e_text) a.detail = *e.e_text;
  if (e.error_code == KDC_ERR_ETYPE_NOSUPP) {
    a.verdict = EtypeVerdict::rejected;
    return a;
  }
  if (e.error_code != KDC_ERR_PREAUTH_REQUIRED) {
    a.verdict = EtypeVerdict::inconclusive;
    if (a.detail.empty()) a.detail = error_name(e.error_code);
    return a;
  }
  // 25: the METHOD-DATA in e-data says which key the client is to use.
  if (!e.e_data) {
    a.verdict = EtypeVerdict::no_key;
    a.detail = "PREAUTH_REQUIRED without e-data (no METHOD-DATA, no ETYPE-INFO2)";
    return a;
  }
  auto md = decode_method_data(*e.e_data);
  if (!md) {
    a.verdict = EtypeVerdict::protocol_error;
    a.detail = "KRB-ERROR 25 e-data: " + md.error;
    return a;
  }
  bool have_info2 = false;
  for (const auto& pa : *md) {
    a.padata_types.push_back(pa.padata_type);
    if (pa.padata_type != PA_ETYPE_INFO2 || have_info2) continue;
    auto info = decode_etype_info2(pa.padata_value);
    if (!info) {
      a.verdict = EtypeVerdict::protocol_error;
      a.detail = "PA-ETYPE-INFO2: " + info.error;
      return a;
    }
    have_info2 = true;
    a.etype_info2 = std::move(*info.value);
  }
  if (!a.etype_info2.empty()) a.chosen = a.etype_info2.front().etype;
  const auto names = [&](std::int32_t t) {
    return std::any_of(a.etype_info2.begin(), a.etype_info2.end(),
                       [t](const EtypeInfo2Entry& x) { return x.etype == t; });
  };
  if (names(etype)) {
    a.verdict = EtypeVerdict::accepted;
  } else if (companion && names(*companion)) {
    a.verdict = EtypeVerdict::not_chosen;
  } else {
    a.verdict = EtypeVerdict::no_key;
    a.detail = have_info2 ? (a.etype_info2.empty() ? "PREAUTH_REQUIRED with an empty ETYPE-INFO2"
                                                   : "PREAUTH_REQUIRED whose ETYPE-INFO2 names another etype")
                          : "PREAUTH_REQUIRED without PA-ETYPE-INFO2";
  }
  return a;
}

}  // namespace

EtypeAnswer classify_reply(const KdcReply& reply, std::int32_t etype, std::optional<std::int32_t> companion) {
  if (const auto* e = std::get_if<KrbError>(&reply)) return from_error(*e, etype, companion);
  const auto& rep = std::get<KdcRep>(reply);
  EtypeAnswer a;
  a.as_rep = true;
  a.chosen = rep.enc_part.etype;
  if (rep.enc_part.etype == etype) {
    a.verdict = EtypeVerdict::accepted;
  } else if (companion && rep.enc_part.etype == *companion) {
    a.verdict = EtypeVerdict::not_chosen;
  } else {
    a.verdict = EtypeVerdict::protocol_error;
    a.detail = "AS-REP enc-part uses etype " + std::to_string(rep.enc_part.etype) + ", which was not offered";
  }
  return a;
}

EtypeAnswer classify_message(ByteView msg, std::int32_t etype, std::optional<std::int32_t> companion) {
  auto r = decode_kdc_reply(msg);
  if (!r) {
    EtypeAnswer a;
    a.verdict = EtypeVerdict::protocol_error;
    a.detail = r.error;
    return a;
  }
  return classify_reply(*r, etype, companion);
}

}  // namespace legacyscan::kerberos
