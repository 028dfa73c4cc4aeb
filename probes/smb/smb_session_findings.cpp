// SPDX-License-Identifier: Apache-2.0
// The findings of what a port grants after the negotiate. Verdicts: a made-up user mapped to guest,
// and NTLMv1 or LM accepted, are bad (Windows 11 24H2 refuses insecure guest logons and has no
// NTLMv1); an anonymous session that reaches IPC$ is a warning (the null session that enumerates
// users and shares where restrict anonymous is off); refusals of those are good.
#include <algorithm>

#include "legacyscan/strings.hpp"
#include "probes/smb/smb_result.hpp"

namespace legacyscan::smb {

namespace {

bool has(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// The finding of an attempt that did not reach an answer (nothing when it was not tried).
bool unanswered(const std::string& port, const std::string& check, const std::string& label, const SessionAttempt& a,
                std::vector<Finding>& out) {
  if (a.outcome.ok()) return false;
  if (a.outcome.status != Status::skipped)
    out.push_back({port, check, label, std::string(to_string(a.outcome.status)) + ": " + a.outcome.reason,
                   Verdict::failure, a.via});
  else if (!a.outcome.reason.starts_with("no --user"))
    out.push_back({port, check, label, "not tried: " + a.outcome.reason, Verdict::info, a.via});
  return true;
}

std::string refused(const SessionAttempt& a) { return "refused (" + a.answer + ")"; }

// The IPC$ tree connect of a session over `family` ("smb1", "smb2").
const ShareAccess* ipc_of(const std::vector<ShareAccess>& shares, std::string_view session, std::string_view family) {
  for (const auto& s : shares)
    if (s.session == session && s.name == "IPC$" && s.via.starts_with(family)) return &s;
  return nullptr;
}

void anonymous_finding(const std::string& port, const std::string& check, const std::string& label,
                       const SessionAttempt& a, const ShareAccess* ipc, std::vector<Finding>& out) {
  if (unanswered(port, check, label, a, out)) return;
  if (!a.accepted) {
    out.push_back({port, check, label, refused(a), Verdict::good, a.via});
    return;
  }
  std::string value = "GRANTED (" + a.granted + ")";
  Verdict v = Verdict::info;
  if (ipc && ipc->outcome.ok()) {
    value += ipc->connected ? ", IPC$ connected" : ", IPC$ refused";
    if (ipc->connected) v = Verdict::warn;
  }
  out.push_back({port, check, label, value, v,
                 a.via + (ipc && ipc->outcome.ok() && !ipc->connected ? "; IPC$: " + ipc->answer : "")});
}

void guest_finding(const std::string& port, const std::string& check, const std::string& label, const SessionAttempt& a,
                   std::vector<Finding>& out) {
  if (unanswered(port, check, label, a, out)) return;
  if (!a.accepted) {
    out.push_back({port, check, label, refused(a), Verdict::good, a.via});
    return;
  }
  out.push_back({port, check, label,
                 a.granted == "guest" ? "GRANTED: unknown users map to guest" : "GRANTED as " + a.granted, Verdict::bad,
                 a.via + ": a made-up user name with a random password got a session (insecure guest logon, "
                         "which Windows 10/11 Enterprise and Windows 11 24H2 refuse)"});
}

void ntlm_finding(const std::string& port, const std::string& kind, const std::string& label, const SessionAttempt& a,
                  std::vector<Finding>& out) {
  const std::string check = "smb.ntlm." + kind;
  if (unanswered(port, check, label, a, out)) return;
  const bool legacy = kind != "v2";
  if (a.accepted)
    out.push_back({port, check, label, "ACCEPTED" + std::string(a.granted == "guest" ? " (as guest)" : ""),
                   legacy ? Verdict::bad : Verdict::info, a.via});
  else
    out.push_back({port, check, label, refused(a), legacy ? Verdict::good : Verdict::info, a.via});
}

// The CHALLENGE's flags that tell how old the server's NTLM is ([MS-NLMP] 2.2.2.5).
void challenge_finding(const std::string& port, const NtlmInfo& n, std::vector<Finding>& out) {
  if (!n.outcome.ok()) return;
  const auto& f = n.negotiate_flags;
  std::vector<std::string> facts;
  if (has(f, "NTLMSSP_NEGOTIATE_LM_KEY")) facts.emplace_back("LM_KEY");
  if (has(f, "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY")) facts.emplace_back("ESS");
  if (has(f, "NTLMSSP_NEGOTIATE_128")) facts.emplace_back("128-bit");
  if (has(f, "NTLMSSP_NEGOTIATE_56")) facts.emplace_back("56-bit");
  if (has(f, "NTLMSSP_NEGOTIATE_VERSION")) facts.emplace_back("version " + n.os_version);
  out.push_back({port, "smb.ntlm.challenge", "NTLM challenge", facts.empty() ? "no flags of note" : join(facts, ", "),
                 Verdict::info, join(f)});
}

}  // namespace

void session_findings(const std::string& port, const PortResult& p, std::vector<Finding>& out) {
  if (p.ntlm) challenge_finding(port, *p.ntlm, out);
  if (!p.sessions) return;
  const Sessions& s = *p.sessions;
  anonymous_finding(port, "smb.session.anonymous", "Anonymous session", s.anonymous,
                    ipc_of(p.shares, "anonymous", s.anonymous.via.substr(0, 4)), out);
  guest_finding(port, "smb.session.guest", "Guest logon", s.guest, out);
  if (s.smb1) {
    anonymous_finding(port, "smb1.session.anonymous", "SMB1 anonymous", s.smb1->anonymous,
                      ipc_of(p.shares, "anonymous", "smb1"), out);
    guest_finding(port, "smb1.session.guest", "SMB1 guest logon", s.smb1->guest, out);
    // A fact: the user's shares over SMB1 are in the smb1.share rows.
    if (s.smb1->user && !unanswered(port, "smb1.session.user", "SMB1 user logon", *s.smb1->user, out))
      out.push_back({port, "smb1.session.user", "SMB1 user logon",
                     s.smb1->user->accepted ? "GRANTED as " + s.smb1->user->granted : refused(*s.smb1->user),
                     Verdict::info, s.smb1->user->via});
  }
  ntlm_finding(port, "v2", "NTLMv2 logon", s.ntlm.v2, out);
  ntlm_finding(port, "v1", "NTLMv1 logon", s.ntlm.v1, out);
  ntlm_finding(port, "v1_ess", "NTLMv1-ESS logon", s.ntlm.v1_ess, out);
  ntlm_finding(port, "lm", "LM logon", s.ntlm.lm, out);
  const auto& e = s.encryption_required;
  if (e.outcome.ok())
    out.push_back({port, "smb.encryption_required", "Encryption", e.required ? "required" : "not required",
                   Verdict::info, e.evidence});
  for (const auto& t : p.shares) {
    const std::string check = (t.via.starts_with("smb1") ? "smb1.share." : "smb.share.") + t.name;
    if (!t.outcome.ok()) {
      // A server that grants the session and then drops the tree connect: the check could not finish.
      out.push_back({port, check, "Share " + t.name + " (" + t.session + ")",
                     t.session + ": " + std::string(to_string(t.outcome.status)) + ": " + t.outcome.reason,
                     Verdict::failure, t.via});
      continue;
    }
    if (t.name == "IPC$" && t.session == "anonymous") continue;  // in the anonymous session's row
    std::string value = t.session + ": " +
                        (t.connected ? "connected, " + t.share_type + ", " + t.access : "refused (" + t.answer + ")");
    if (t.connected && has(t.share_flags, "ENCRYPT_DATA")) value += ", encrypted";
    if (!t.sent.empty()) value += " (sent " + t.sent + ")";
    // A signed session whose answer does not verify: someone between us and the server altered it, or
    // the server signs wrongly.
    const bool bad_signature = t.answer_protection == "bad";
    if (bad_signature) value += ", answer signature BAD";
    out.push_back({port, check, "Share " + t.name + " (" + t.session + ")", value,
                   bad_signature ? Verdict::bad : Verdict::info, join(t.share_flags)});
  }
}

}  // namespace legacyscan::smb
