// SPDX-License-Identifier: Apache-2.0
#include "src/compat/policy_sessions.hpp"

#include <optional>
#include <utility>

namespace legacyscan {

namespace {

// The attempt's "accepted" when it was answered, else nothing (not tried, or no answer).
std::optional<bool> accepted(const smb::SessionAttempt& attempt) {
  if (!attempt.outcome.ok()) return std::nullopt;
  return attempt.accepted;
}

// Any of the attempts accepted (`what` names it in `bad`); false when none was answered.
bool none_accepted(const std::vector<std::pair<const smb::SessionAttempt*, std::string>>& attempts,
                   const std::string& port, std::vector<std::string>& bad) {
  bool tested = false;
  for (const auto& [a, what] : attempts) {
    const auto ok = accepted(*a);
    if (!ok) continue;
    tested = true;
    if (*ok) bad.push_back(port + ": " + what + " accepted");
  }
  return tested;
}

}  // namespace

bool is_session_rule(const std::string& key) {
  return key == "smb.guest" || key == "smb.anonymous" || key == "smb.encryption" || key == "ntlm.v1" ||
         key == "ntlm.lm";
}

bool check_session_rule(const std::string& key, const std::string& port, const smb::PortResult& p,
                        std::vector<std::string>& bad) {
  if (!p.sessions) return false;
  const auto& s = *p.sessions;
  if (key == "smb.guest") {
    std::vector<std::pair<const smb::SessionAttempt*, std::string>> attempts{
        {&s.guest, "a guest logon (made-up user)"}};
    if (s.smb1) attempts.emplace_back(&s.smb1->guest, "an SMB1 guest logon (made-up user)");
    return none_accepted(attempts, port, bad);
  }
  if (key == "ntlm.v1")
    return none_accepted({{&s.ntlm.v1, "an NTLMv1 logon"}, {&s.ntlm.v1_ess, "an NTLMv1-ESS logon"}}, port, bad);
  if (key == "ntlm.lm") return none_accepted({{&s.ntlm.lm, "an LM logon"}}, port, bad);
  if (key == "smb.anonymous") {
    // The null session that matters is one that reaches IPC$ (pipes, enumeration).
    const auto granted = accepted(s.anonymous);
    if (!granted) return false;
    if (!*granted) return true;
    for (const auto& t : p.shares)
      if (t.session == "anonymous" && t.name == "IPC$" && t.outcome.ok() && t.connected)
        bad.push_back(port + ": an anonymous session connected IPC$");
    return true;
  }
  // smb.encryption=required
  const auto& e = s.encryption_required;
  if (!e.outcome.ok()) return false;
  if (!e.required) bad.push_back(port + ": encryption not required (" + e.evidence + ")");
  return true;
}

}  // namespace legacyscan
