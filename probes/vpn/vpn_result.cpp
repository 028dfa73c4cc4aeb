// SPDX-License-Identifier: Apache-2.0
#include "probes/vpn/vpn_result.hpp"

#include <algorithm>

#include "legacyscan/engine/port_state.hpp"
#include "legacyscan/strings.hpp"
#include "src/proto/ike/ike_codec.hpp"

namespace legacyscan::vpn {

using nlohmann::json;

namespace {

std::string port_name(std::uint16_t port, const char* transport) { return std::to_string(port) + "/" + transport; }

// A part that got no answer: closed (refused) and silence are the hardened state; anything else failed.
Finding unanswered(const std::string& port, const char* check, const char* label, const Outcome& o) {
  if (is_closed(o)) return closed_port(port, check, label, o, Verdict::good);
  if (o.status == Status::timeout) return {port, check, label, "no answer: " + o.reason, Verdict::good};
  return {port, check, label, std::string(to_string(o.status)) + ": " + o.reason, Verdict::failure};
}

std::vector<std::string> vendor_names(const std::vector<VendorId>& ids) {
  std::vector<std::string> out;
  for (const auto& v : ids) out.push_back(v.name.empty() ? v.hex : v.name);
  return out;
}

void v1_findings(const IkeV1Info& v1, std::vector<Finding>& out) {
  const auto port = port_name(v1.port, "udp");
  if (!v1.outcome.ok()) {
    out.push_back(unanswered(port, "ike.v1", "IKEv1", v1.outcome));
    return;
  }
  Verdict worst = v1.transforms.empty() ? Verdict::good : Verdict::warn;
  for (const auto& t : v1.transforms)
    if (t.verdict == Verdict::bad) worst = Verdict::bad;
  out.push_back({port, "ike.v1", "IKEv1 Main Mode",
                 v1.transforms.empty() ? "answers, accepts none of " + std::to_string(v1.offered) + " transforms"
                                       : "ACCEPTED: " + std::to_string(v1.transforms.size()) + " of " +
                                             std::to_string(v1.offered) + " transforms",
                 worst});
  // One line per accepted transform; a responder that accepts many gets one line per verdict instead
  // (the JSON keeps every transform).
  constexpr std::size_t kTransformLines = 12;
  if (v1.transforms.size() <= kTransformLines) {
    for (const auto& t : v1.transforms)
      out.push_back({port, "ike.v1.transform", "IKEv1 transform", t.enc + "/" + t.hash + "/" + t.auth + "/" + t.group,
                     t.verdict});
  } else {
    for (const Verdict verdict : {Verdict::bad, Verdict::warn, Verdict::good}) {
      std::vector<std::string> texts;
      for (const auto& t : v1.transforms)
        if (t.verdict == verdict) texts.push_back(t.enc + "/" + t.hash + "/" + t.auth + "/" + t.group);
      if (texts.empty()) continue;
      const std::size_t shown = std::min<std::size_t>(texts.size(), 2);
      out.push_back(
          {port, "ike.v1.transform", "IKEv1 transforms",
           std::to_string(texts.size()) + " such as " +
               join(std::vector<std::string>(texts.begin(), texts.begin() + static_cast<std::ptrdiff_t>(shown))),
           verdict, join(texts)});
    }
  }
  if (v1.aggressive_mode && v1.aggressive_mode->outcome.ok()) {
    const auto& a = *v1.aggressive_mode;
    out.push_back({port, "ike.v1.aggressive", "Aggressive Mode PSK",
                   a.accepted ? "ACCEPTED: " + a.transform + " (the PSK hash can be cracked offline)"
                              : "refused" + (a.answer.empty() ? std::string() : ": " + a.answer),
                   a.accepted ? Verdict::bad : Verdict::good});
  }
  if (!v1.vendor_ids.empty())
    out.push_back({port, "ike.v1.vendor_ids", "IKEv1 vendor IDs", join(vendor_names(v1.vendor_ids)), Verdict::info});
  if (v1.nat_t) {
    const auto& n = *v1.nat_t;
    const auto nport = port_name(n.port, "udp");
    if (n.answered)
      out.push_back({nport, "ike.v1.nat_t", "NAT-T (non-ESP marker)",
                     "answers" + (n.announced.empty() ? std::string() : "; announced: " + join(n.announced)),
                     Verdict::info});
    else
      out.push_back(unanswered(nport, "ike.v1.nat_t", "NAT-T (non-ESP marker)", n.outcome));
  }
  if (!v1.anomaly.empty()) out.push_back({port, "ike.v1.anomaly", "IKEv1 anomaly", v1.anomaly, Verdict::warn});
}

void v2_findings(const IkeV2Info& v2, std::vector<Finding>& out) {
  const auto port = port_name(v2.port, "udp");
  if (!v2.outcome.ok()) {
    out.push_back(unanswered(port, "ike.v2", "IKEv2", v2.outcome));
    return;
  }
  if (v2.groups.empty()) {
    out.push_back(
        {port, "ike.v2", "IKEv2 IKE_SA_INIT",
         "answers, accepts no proposal" + (v2.notifies.empty() ? std::string() : " (" + join(v2.notifies) + ")"),
         Verdict::info});
    return;
  }
  const bool weak_group = std::any_of(v2.group_numbers.begin(), v2.group_numbers.end(), [](int g) { return g < 14; });
  const bool weak_cipher = std::any_of(v2.encryption.begin(), v2.encryption.end(),
                                       [](const std::string& e) { return e.find("DES") != std::string::npos; });
  out.push_back({port, "ike.v2", "IKEv2 IKE_SA_INIT", "accepts: " + join(v2.encryption) + "; " + join(v2.prf),
                 weak_cipher ? Verdict::warn : Verdict::good});
  out.push_back(
      {port, "ike.v2.groups", "IKEv2 DH groups", join(v2.groups), weak_group ? Verdict::warn : Verdict::good});
  if (!v2.integrity.empty())
    out.push_back({port, "ike.v2.integrity", "IKEv2 integrity", join(v2.integrity), Verdict::info});
  std::vector<std::string> ext;
  if (v2.fragmentation) ext.push_back("fragmentation");
  if (v2.redirect) ext.push_back("redirect");
  if (v2.cookie) ext.push_back("cookie required");
  if (!ext.empty()) out.push_back({port, "ike.v2.extensions", "IKEv2 extensions", join(ext), Verdict::info});
  if (!v2.anomaly.empty()) out.push_back({port, "ike.v2.anomaly", "IKEv2 anomaly", v2.anomaly, Verdict::warn});
}

}  // namespace

Verdict transform_verdict(std::uint16_t enc, std::uint16_t hash, std::uint16_t group) {
  if (enc == ike::v1::kEncDes || hash == ike::v1::kHashMd5 || group == 1) return Verdict::bad;
  if (enc == ike::v1::kEnc3Des || hash == ike::v1::kHashSha1 || group == 2 || group == 5) return Verdict::warn;
  return Verdict::good;
}

json VpnResult::to_json() const { return fields::to_json(*this); }

void VpnResult::findings(std::vector<Finding>& out) const {
  const std::size_t first = out.size();
  if (pptp) {
    const auto port = port_name(pptp->port, "tcp");
    if (pptp->outcome.ok())
      out.push_back({port, "vpn.pptp", "PPTP",
                     "ANSWERS: version " + pptp->protocol_version + ", " + pptp->result +
                         (pptp->vendor.empty() ? "" : ", vendor " + pptp->vendor) +
                         (pptp->host_name.empty() ? "" : ", host " + pptp->host_name),
                     Verdict::bad,
                     "framing " + pptp->framing + ", bearer " + pptp->bearer + ", firmware " +
                         std::to_string(pptp->firmware_revision) + ", max channels " +
                         std::to_string(pptp->maximum_channels)});
    else
      out.push_back(unanswered(port, "vpn.pptp", "PPTP", pptp->outcome));
  }
  if (ike && ike->v1) v1_findings(*ike->v1, out);
  if (ike && ike->v2) v2_findings(*ike->v2, out);
  if (l2tp) {
    const auto port = port_name(l2tp->port, "udp");
    if (!l2tp->outcome.ok())
      out.push_back(unanswered(port, "vpn.l2tp", "L2TP without IPsec", l2tp->outcome));
    else if (l2tp->message == "SCCRP")
      out.push_back({port, "vpn.l2tp", "L2TP without IPsec",
                     "ANSWERS in the clear: SCCRP" + (l2tp->host_name.empty() ? "" : " from " + l2tp->host_name) +
                         (l2tp->vendor.empty() ? "" : " (" + l2tp->vendor + ")"),
                     Verdict::bad, l2tp->challenge ? "asks for tunnel authentication" : "no tunnel authentication"});
    else
      out.push_back(
          {port, "vpn.l2tp", "L2TP without IPsec",
           "speaks L2TP in the clear, refused: " + l2tp->message + " result " + std::to_string(l2tp->result_code),
           Verdict::warn});
  }
  if (out.size() == first)
    out.push_back({"", "vpn.probe", "probe", std::string(to_string(status)) + ": " + reason, Verdict::failure});
}

}  // namespace legacyscan::vpn
